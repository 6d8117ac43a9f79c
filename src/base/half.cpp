#include "pollux/base/half.h"

#include <cstring>

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

}  // namespace pollux
