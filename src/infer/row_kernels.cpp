// y = x W^T over rows of codebook atoms (see lut_model.h). The AVX2 kernel is compiled with
// a target attribute and chosen at run time, so the binary runs on any x86-64.
#include <algorithm>
#include <cstring>

#include "pollux/base/parallel.h"
#include "pollux/infer/lut_model.h"
#include "pollux/lattice/constants.h"

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define POLLUX_INFER_X86 1
#endif

namespace pollux::infer {
namespace {

constexpr int kDim = lattice::kAtomDim;
constexpr std::size_t kTokenBlock = 4;  // tokens sharing one pass over a row's indices

void rows_portable(const RowMatrix& w, const float* x, std::size_t count, float* y, std::size_t r0, std::size_t r1) {
  const std::size_t per_row = w.cols / kDim;
  for (std::size_t r = r0; r < r1; ++r) {
    const std::uint32_t* idx = &w.index[r * per_row];
    for (std::size_t p0 = 0; p0 < count; p0 += kTokenBlock) {
      const std::size_t pb = std::min(kTokenBlock, count - p0);
      float acc[kTokenBlock] = {};
      for (std::size_t a = 0; a < per_row; ++a) {
        const std::int8_t* c = w.table + std::size_t(idx[a]) * kDim;
        for (std::size_t p = 0; p < pb; ++p) {
          const float* xa = x + (p0 + p) * w.cols + a * kDim;
          float s = 0;
          for (int k = 0; k < kDim; ++k) s += float(c[k]) * xa[k];
          acc[p] += s;
        }
      }
      for (std::size_t p = 0; p < pb; ++p) y[(p0 + p) * w.rows + r] = acc[p] * w.scale[r];
    }
  }
}

#ifdef POLLUX_INFER_X86
__attribute__((target("avx2,fma"))) inline float hsum(__m256 v) {
  __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
  s = _mm_add_ps(s, _mm_movehl_ps(s, s));
  s = _mm_add_ss(s, _mm_shuffle_ps(s, s, 1));
  return _mm_cvtss_f32(s);
}

// One row for PB tokens: three accumulators per token (one per 8-wide third of an atom) so
// consecutive atoms do not wait on each other's FMA.
template <int PB>
__attribute__((target("avx2,fma"))) void row_avx2(const RowMatrix& w, const std::uint32_t* idx, std::size_t per_row,
                                                  const float* x, float* y, std::size_t r) {
  __m256 acc[PB][3];
  for (int p = 0; p < PB; ++p) acc[p][0] = acc[p][1] = acc[p][2] = _mm256_setzero_ps();
  constexpr std::size_t kAhead = 8;  // atoms: the codebook rows are random accesses
  for (std::size_t a = 0; a < per_row; ++a) {
    if (a + kAhead < per_row) _mm_prefetch(reinterpret_cast<const char*>(w.table + std::size_t(idx[a + kAhead]) * kDim), _MM_HINT_T0);
    const std::int8_t* c = w.table + std::size_t(idx[a]) * kDim;
    const __m128i lo = _mm_loadu_si128(reinterpret_cast<const __m128i*>(c));
    const __m128i hi = _mm_loadl_epi64(reinterpret_cast<const __m128i*>(c + 16));
    const __m256 w0 = _mm256_cvtepi32_ps(_mm256_cvtepi8_epi32(lo));
    const __m256 w1 = _mm256_cvtepi32_ps(_mm256_cvtepi8_epi32(_mm_srli_si128(lo, 8)));
    const __m256 w2 = _mm256_cvtepi32_ps(_mm256_cvtepi8_epi32(hi));
    for (int p = 0; p < PB; ++p) {
      const float* xa = x + std::size_t(p) * w.cols + a * kDim;
      acc[p][0] = _mm256_fmadd_ps(w0, _mm256_loadu_ps(xa), acc[p][0]);
      acc[p][1] = _mm256_fmadd_ps(w1, _mm256_loadu_ps(xa + 8), acc[p][1]);
      acc[p][2] = _mm256_fmadd_ps(w2, _mm256_loadu_ps(xa + 16), acc[p][2]);
    }
  }
  for (int p = 0; p < PB; ++p)
    y[std::size_t(p) * w.rows + r] = hsum(_mm256_add_ps(_mm256_add_ps(acc[p][0], acc[p][1]), acc[p][2])) * w.scale[r];
}

__attribute__((target("avx2,fma"))) void rows_avx2(const RowMatrix& w, const float* x, std::size_t count, float* y,
                                                   std::size_t r0, std::size_t r1) {
  const std::size_t per_row = w.cols / kDim;
  for (std::size_t r = r0; r < r1; ++r) {
    const std::uint32_t* idx = &w.index[r * per_row];
    std::size_t p0 = 0;
    for (; p0 + 4 <= count; p0 += 4) row_avx2<4>(w, idx, per_row, x + p0 * w.cols, y + p0 * w.rows, r);
    switch (count - p0) {
      case 3: row_avx2<3>(w, idx, per_row, x + p0 * w.cols, y + p0 * w.rows, r); break;
      case 2: row_avx2<2>(w, idx, per_row, x + p0 * w.cols, y + p0 * w.rows, r); break;
      case 1: row_avx2<1>(w, idx, per_row, x + p0 * w.cols, y + p0 * w.rows, r); break;
      default: break;
    }
  }
}
#endif

}  // namespace

bool cpu_has_avx2() {
#ifdef POLLUX_INFER_X86
  return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
#else
  return false;
#endif
}

void RowMatrix::row(std::size_t r, float* out) const {
  if (!dense.empty()) {
    std::memcpy(out, &dense[r * cols], cols * sizeof(float));
    return;
  }
  const std::size_t per_row = cols / kDim;
  for (std::size_t a = 0; a < per_row; ++a) {
    const std::int8_t* c = table + std::size_t(index[r * per_row + a]) * kDim;
    for (int k = 0; k < kDim; ++k) out[a * kDim + k] = float(c[k]) * scale[r];
  }
}

std::size_t RowMatrix::bytes() const {
  return dense.size() * sizeof(float) + index.size() * sizeof(std::uint32_t) + own_table.size() + scale.size() * sizeof(float);
}

void matmul(const RowMatrix& w, const float* x, std::size_t count, float* y, int threads, Kernel kernel) {
  if (kernel != Kernel::portable) kernel = cpu_has_avx2() ? Kernel::avx2 : Kernel::portable;  // never AVX2 without it
  parallel_for(w.rows, threads, 64, [&](std::size_t r0, std::size_t r1) {
#ifdef POLLUX_INFER_X86
    if (kernel == Kernel::avx2) {
      rows_avx2(w, x, count, y, r0, r1);
      return;
    }
#endif
    rows_portable(w, x, count, y, r0, r1);
  });
}

}  // namespace pollux::infer
