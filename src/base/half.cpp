#include "pollux/base/half.h"

#include <cstring>

#if defined(__x86_64__)
#include <immintrin.h>
#endif

namespace pollux {

float half_to_float(std::uint16_t h) {
  std::uint32_t sign = std::uint32_t(h & 0x8000) << 16;
  std::uint32_t exponent = (h >> 10) & 0x1F;
  std::uint32_t mantissa = h & 0x3FF;
  std::uint32_t bits;
  if (exponent == 0x1F) {
    bits = sign | 0x7F800000 | (mantissa << 13);  // Inf or NaN
  } else if (exponent != 0) {
    bits = sign | ((exponent + 112) << 23) | (mantissa << 13);
  } else if (mantissa == 0) {
    bits = sign;  // +-0
  } else {        // subnormal: normalise
    int shift = 0;
    while (!(mantissa & 0x400)) {
      mantissa <<= 1;
      ++shift;
    }
    bits = sign | (std::uint32_t(113 - shift) << 23) | ((mantissa & 0x3FF) << 13);
  }
  float f;
  std::memcpy(&f, &bits, 4);
  return f;
}

std::uint16_t float_to_half(float f) {
  std::uint32_t bits;
  std::memcpy(&bits, &f, 4);
  std::uint16_t sign = std::uint16_t((bits >> 16) & 0x8000);
  std::uint32_t exponent = (bits >> 23) & 0xFF;
  std::uint32_t mantissa = bits & 0x7FFFFF;
  if (exponent == 0xFF) return std::uint16_t(sign | 0x7C00 | (mantissa ? 0x200 : 0));
  int e = int(exponent) - 127 + 15;
  if (e >= 31) return std::uint16_t(sign | 0x7C00);  // overflow -> Inf
  if (e <= 0) {                                      // subnormal or zero
    if (e < -10) return sign;
    mantissa |= 0x800000;
    int shift = 14 - e;
    std::uint32_t half = mantissa >> shift;
    std::uint32_t rest = mantissa & ((1u << shift) - 1), midpoint = 1u << (shift - 1);
    if (rest > midpoint || (rest == midpoint && (half & 1))) ++half;
    return std::uint16_t(sign | half);
  }
  std::uint32_t half = (std::uint32_t(e) << 10) | (mantissa >> 13);
  std::uint32_t rest = mantissa & 0x1FFF;
  if (rest > 0x1000 || (rest == 0x1000 && (half & 1))) ++half;  // may carry into exponent: fine
  return std::uint16_t(sign | half);
}

namespace {

#if defined(__x86_64__)
__attribute__((target("avx,f16c"))) void halves_to_floats_f16c(const std::uint16_t* h, float* f, std::size_t n) {
  std::size_t i = 0;
  for (; i + 8 <= n; i += 8) _mm256_storeu_ps(f + i, _mm256_cvtph_ps(_mm_loadu_si128(reinterpret_cast<const __m128i*>(h + i))));
  for (; i < n; ++i) f[i] = half_to_float(h[i]);
}

__attribute__((target("avx,f16c"))) void floats_to_halves_f16c(const float* f, std::uint16_t* h, std::size_t n) {
  std::size_t i = 0;
  for (; i + 8 <= n; i += 8)
    _mm_storeu_si128(reinterpret_cast<__m128i*>(h + i), _mm256_cvtps_ph(_mm256_loadu_ps(f + i), _MM_FROUND_TO_NEAREST_INT));
  for (; i < n; ++i) h[i] = float_to_half(f[i]);
}

bool has_f16c() {
  static const bool yes = __builtin_cpu_supports("avx") && __builtin_cpu_supports("f16c");
  return yes;
}
#endif

}  // namespace

void halves_to_floats(const std::uint16_t* h, float* f, std::size_t n) {
#if defined(__x86_64__)
  if (has_f16c()) return halves_to_floats_f16c(h, f, n);
#endif
  for (std::size_t i = 0; i < n; ++i) f[i] = half_to_float(h[i]);
}

void floats_to_halves(const float* f, std::uint16_t* h, std::size_t n) {
#if defined(__x86_64__)
  if (has_f16c()) return floats_to_halves_f16c(f, h, n);
#endif
  for (std::size_t i = 0; i < n; ++i) h[i] = float_to_half(f[i]);
}

}  // namespace pollux
