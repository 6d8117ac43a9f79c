// Shell codes and the look-up kernels on them (see shell_code.h, spec section 2).
#include "pollux/infer/shell_code.h"

#include <algorithm>
#include <cstring>
#include <mutex>
#include <unordered_map>

#include "pollux/base/error.h"
#include "pollux/lattice/constants.h"
#include "pollux/lattice/golay.h"

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define POLLUX_SHELL_X86 1
#endif

namespace pollux::infer::shell {
namespace {

constexpr int kDim = lattice::kAtomDim;
constexpr std::uint32_t kMask24 = 0xFFFFFFu;

std::uint32_t codeword(std::uint32_t m) {
  const Tables& t = tables();
  return t.codeword_nibble[0][m & 15] ^ t.codeword_nibble[1][m >> 4 & 15] ^ t.codeword_nibble[2][m >> 8 & 15];
}

// The pair index of coordinates i < j and its inverse.
std::uint32_t pair_index(int i, int j) { return std::uint32_t(i * (2 * kDim - i - 1) / 2 + (j - i - 1)); }

// The 8-bit sign word s (bit k: the k-th coordinate of the octad is negative) placed on mask.
std::uint32_t spread(std::uint32_t s, std::uint32_t mask) {
  std::uint32_t t = 0;
  for (int i = 0, k = 0; i < kDim; ++i)
    if (mask >> i & 1) t |= (s >> k++ & 1u) << i;
  return t;
}

// S(t) of a block's tables: six look-ups (see shell_code.h).
inline float signed_sum(const float* tab, std::uint32_t t) {
  return ((tab[t & 15] + tab[16 + (t >> 4 & 15)]) + (tab[32 + (t >> 8 & 15)] + tab[48 + (t >> 12 & 15)])) +
         (tab[64 + (t >> 16 & 15)] + tab[80 + (t >> 20 & 15)]);
}

std::uint32_t code_of_row(const std::int8_t* v, lattice::CodebookVariant variant) {
  std::uint32_t nonzero = 0, negative = 0;
  int three = -1;
  for (int i = 0; i < kDim; ++i) {
    if (v[i] != 0) nonzero |= 1u << i;
    if (v[i] < 0) negative |= 1u << i;
    if (v[i] == 3 || v[i] == -3) three = i;
  }
  const int n = __builtin_popcount(nonzero);
  if (n == 0) return kZeroCode;
  if (n == 2) {
    const int i = __builtin_ctz(nonzero), j = 31 - __builtin_clz(nonzero);
    return kSlotBase + (kOctadSlots + pair_index(i, j)) * 128 + (negative >> i & 1) + 2 * (negative >> j & 1);
  }
  if (n == 8) {
    static const std::unordered_map<std::uint32_t, std::uint32_t> octad_of = [] {
      std::unordered_map<std::uint32_t, std::uint32_t> m;
      const auto& octads = lattice::golay_octads();
      for (std::uint32_t o = 0; o < octads.size(); ++o) m.emplace(octads[o], o);
      return m;
    }();
    const auto it = octad_of.find(nonzero);
    if (it == octad_of.end()) return kZeroCode + 1;  // not a shell vector: caught by the check
    std::uint32_t s = 0;
    for (int i = 0, k = 0; i < kDim; ++i)
      if (nonzero >> i & 1) s |= (negative >> i & 1u) << k++;
    return kSlotBase + it->second * 128 + (s & 127);
  }
  if (three < 0) return kZeroCode + 1;
  // Shape 3: c_i = 1 where x_i < 0 off j; c_j is whichever bit makes a codeword (the
  // message is bits 11..22 of the codeword, spec section 2).
  (void)variant;
  const std::uint32_t base = negative & ~(1u << three);
  for (std::uint32_t cj = 0; cj < 2; ++cj) {
    const std::uint32_t c = base | cj << three, m = c >> 11 & 0xFFF;
    if (lattice::golay_encode(m) == c) return std::uint32_t(three) * 4096 + m;
  }
  return kZeroCode + 1;
}

}  // namespace

const Tables& tables() {
  static const Tables t = [] {
    Tables out;
    for (int k = 0; k < 3; ++k)
      for (std::uint32_t n = 0; n < 16; ++n) out.codeword_nibble[k][n] = lattice::golay_encode(n << (4 * k));
    const auto& octads = lattice::golay_octads();
    out.slot.resize(kOctadSlots + kPairSlots + 1, 0);
    out.octad_signs.resize(kOctadSlots * 128);
    for (std::uint32_t o = 0; o < kOctadSlots; ++o) {
      out.slot[o] = octads[o] | 1u << 24;
      for (std::uint32_t s = 0; s < 128; ++s)
        out.octad_signs[o * 128 + s] = spread(s | std::uint32_t(__builtin_popcount(s) & 1) << 7, octads[o]);
    }
    for (int i = 0; i < kDim; ++i)
      for (int j = i + 1; j < kDim; ++j) out.slot[kOctadSlots + pair_index(i, j)] = (1u << i | 1u << j) | 2u << 24;
    return out;
  }();
  return t;
}

void decode(std::uint32_t code, lattice::CodebookVariant variant, std::int8_t* out) {
  std::fill(out, out + kDim, std::int8_t(0));
  if (code < kShape3Codes) {
    const std::uint32_t c = codeword(code & 0xFFF), j = code >> 12;
    for (int i = 0; i < kDim; ++i) out[i] = std::int8_t(c >> i & 1 ? -1 : 1);
    out[j] = std::int8_t(variant == lattice::CodebookVariant::pollux_v4 ? -3 : (c >> j & 1 ? 3 : -3));
    return;
  }
  if (code >= kZeroCode) return;
  const std::uint32_t k = code - kSlotBase, o = k >> 7, e = tables().slot[o], mask = e & kMask24;
  const std::uint32_t t = (e >> 24) == 1 ? tables().octad_signs[k] : spread(k & 3, mask);
  const int size = (e >> 24) == 1 ? 2 : 4;
  for (int i = 0; i < kDim; ++i)
    if (mask >> i & 1) out[i] = std::int8_t(t >> i & 1 ? -size : size);
}

const Recoding& recoding(lattice::CodebookVariant variant) {
  static std::once_flag once[2];
  static Recoding table[2];
  const int v = variant == lattice::CodebookVariant::pollux_v4 ? 1 : 0;
  std::call_once(once[v], [&] {
    const lattice::Codebook& cb = lattice::Codebook::get(variant);
    std::vector<std::uint32_t> codes(lattice::Codebook::kSize), indices(kZeroCode + 1, 0);
    std::int8_t back[kDim];
    for (std::uint32_t idx = 0; idx < lattice::Codebook::kSize; ++idx) {
      codes[idx] = code_of_row(cb.integer_row(idx), variant);
      if (codes[idx] <= kZeroCode) decode(codes[idx], variant, back);
      if (codes[idx] > kZeroCode || std::memcmp(back, cb.integer_row(idx), kDim) != 0)
        throw Error("infer", "codebook " + lattice::to_string(variant) + " row " + std::to_string(idx) +
                                 " is no shell vector of spec section 2: cannot recode it");
      indices[codes[idx]] = idx;
    }
    table[v] = {std::move(codes), std::move(indices)};
  });
  return table[v];
}

std::vector<std::uint8_t> interleave(const std::uint32_t* indices, std::size_t rows, std::size_t per_row,
                                     lattice::CodebookVariant variant) {
  const std::vector<std::uint32_t>& recode = recoding(variant).code_of_index;
  const std::size_t groups = (rows + kGroupRows - 1) / kGroupRows;
  std::vector<std::uint8_t> out(groups * per_row * kRecordBytes);
  for (std::size_t g = 0; g < groups; ++g)
    for (std::size_t a = 0; a < per_row; ++a) {
      std::uint8_t* rec = &out[(g * per_row + a) * kRecordBytes];
      std::uint32_t high = 0;
      for (std::size_t l = 0; l < kGroupRows; ++l) {
        const std::size_t r = g * kGroupRows + l;
        const std::uint32_t code = r < rows ? recode[indices[r * per_row + a]] : kZeroCode;
        const std::uint16_t low = std::uint16_t(code & 0xFFFF);
        std::memcpy(rec + 2 * l, &low, 2);
        high |= (code >> 16) << (2 * l);
      }
      std::memcpy(rec + 32, &high, 4);
    }
  return out;
}

std::uint32_t code_at(const std::uint8_t* records, std::size_t per_row, std::size_t r, std::size_t a) {
  const std::uint8_t* rec = records + (r / kGroupRows * per_row + a) * kRecordBytes;
  const std::size_t l = r % kGroupRows;
  std::uint16_t low;
  std::uint32_t high;
  std::memcpy(&low, rec + 2 * l, 2);
  std::memcpy(&high, rec + 32, 4);
  return low | (high >> (2 * l) & 3u) << 16;
}

void build_blocks(const float* x, std::size_t per_row, float* blocks) {
  for (std::size_t a = 0; a < per_row; ++a) {
    const float* xa = x + a * kDim;
    float* t = blocks + a * kBlockFloats;
    for (int g = 0; g < 6; ++g)
      for (int b = 0; b < 16; ++b) {
        const float* q = xa + 4 * g;
        t[16 * g + b] = ((b & 1 ? -q[0] : q[0]) + (b & 2 ? -q[1] : q[1])) + ((b & 4 ? -q[2] : q[2]) + (b & 8 ? -q[3] : q[3]));
      }
    std::copy(xa, xa + kDim, t + 96);
    std::fill(t + 96 + kDim, t + kBlockFloats, 0.0f);
  }
}

void rows_portable(const Matrix& w, const float* blocks, float* y, std::size_t g0, std::size_t g1) {
  const Tables& tab = tables();
  const bool v4 = w.variant == lattice::CodebookVariant::pollux_v4;
  for (std::size_t r = g0 * kGroupRows; r < std::min(w.rows, g1 * kGroupRows); ++r) {
    float acc = 0;
    for (std::size_t a = 0; a < w.per_row; ++a) {
      const float* b = blocks + a * kBlockFloats;
      const std::uint32_t code = code_at(w.records, w.per_row, r, a);
      if (code < kShape3Codes) {
        const std::uint32_t c = codeword(code & 0xFFF), j = code >> 12;
        const float g = c >> j & 1 ? (v4 ? -2.0f : 4.0f) : -4.0f;
        acc += signed_sum(b, c) + g * b[96 + j];
      } else if (code < kZeroCode) {
        const std::uint32_t k = code - kSlotBase, e = tab.slot[k >> 7], mask = e & kMask24;
        const bool octad = (e >> 24) == 1;
        const std::uint32_t t = octad ? tab.octad_signs[k] : spread(k & 3, mask);
        acc += (octad ? 1.0f : 2.0f) * (signed_sum(b, t) + signed_sum(b, t ^ ~mask));
      }
    }
    y[r] = acc * w.scale[r];
  }
}

#ifdef POLLUX_SHELL_X86
bool avx512_supported() { return __builtin_cpu_supports("avx512f"); }

// The all-lanes forms of the intrinsics below as their maskz forms: GCC 12's plain ones warn
// of an uninitialised pass-through operand.
#define POLLUX_ALL __mmask16(0xFFFF)
#define POLLUX_TARGET __attribute__((target("avx512f"))) inline
POLLUX_TARGET __m512i srli(__m512i a, unsigned n) { return _mm512_maskz_srli_epi32(POLLUX_ALL, a, n); }
POLLUX_TARGET __m512i slli(__m512i a, unsigned n) { return _mm512_maskz_slli_epi32(POLLUX_ALL, a, n); }
POLLUX_TARGET __m512i srlv(__m512i a, __m512i n) { return _mm512_maskz_srlv_epi32(POLLUX_ALL, a, n); }
POLLUX_TARGET __m512i sllv(__m512i a, __m512i n) { return _mm512_maskz_sllv_epi32(POLLUX_ALL, a, n); }
POLLUX_TARGET __m512i widen(const std::uint8_t* p) {
  return _mm512_maskz_cvtepu16_epi32(POLLUX_ALL, _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p)));
}
POLLUX_TARGET __m512i lookup(__m512i idx, __m512i table) { return _mm512_maskz_permutexvar_epi32(POLLUX_ALL, idx, table); }
POLLUX_TARGET __m512 lookup(__m512i idx, __m512 table) { return _mm512_maskz_permutexvar_ps(POLLUX_ALL, idx, table); }
#undef POLLUX_TARGET

// Sixteen rows at a time, one per lane (see shell_code.h for the sums). Per atom and lane:
// shape 3 builds its codeword from three 16-entry look-ups (vpermd); octads and pairs gather
// their mask and kind from the 1,036-entry slot table, octads their sign word from
// octad_signs; then S(t1) + S(t2) is twelve vpermps in the block's tables, times the kind's
// factor (1/2 for shape 3, where t2 = t1), plus shape 3's g_j x_j.
__attribute__((target("avx512f"))) void rows_avx512(const Matrix& w, const float* blocks, float* y, std::size_t g0,
                                                    std::size_t g1) {
  const Tables& tab = tables();
  const __m512i cw0 = _mm512_loadu_si512(tab.codeword_nibble[0]), cw1 = _mm512_loadu_si512(tab.codeword_nibble[1]),
                cw2 = _mm512_loadu_si512(tab.codeword_nibble[2]);
  const __m512i lane2 = _mm512_setr_epi32(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
  const __m512i three = _mm512_set1_epi32(3), mask24 = _mm512_set1_epi32(int(kMask24)), one = _mm512_set1_epi32(1),
                two = _mm512_set1_epi32(2), slot_base = _mm512_set1_epi32(int(kSlotBase)),
                shape3_entry = _mm512_set1_epi32(int(kMask24 | 3u << 24));
  const __m512i shape3_codes = _mm512_set1_epi32(int(kShape3Codes)), octad_codes = _mm512_set1_epi32(int(kOctadSlots * 128));
  // factor of each kind: 0 zero, 1 octad, 2 pair, 3 shape 3
  const __m512 factor = _mm512_setr_ps(0.0f, 1.0f, 2.0f, 0.5f, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
  const bool v4 = w.variant == lattice::CodebookVariant::pollux_v4;
  const __m512 g_clear = _mm512_set1_ps(-4.0f), g_set = _mm512_set1_ps(v4 ? -2.0f : 4.0f);
  const int* slot = reinterpret_cast<const int*>(tab.slot.data());
  const int* signs = reinterpret_cast<const int*>(tab.octad_signs.data());
  for (std::size_t g = g0; g < g1; ++g) {
    const std::uint8_t* rec = w.records + g * w.per_row * kRecordBytes;
    __m512 acc = _mm512_setzero_ps(), acc3 = _mm512_setzero_ps();
    for (std::size_t a = 0; a < w.per_row; ++a, rec += kRecordBytes) {
      const float* b = blocks + a * kBlockFloats;
      std::uint32_t high;
      std::memcpy(&high, rec + 32, 4);
      const __m512i code = _mm512_or_si512(
          widen(rec),
          slli(_mm512_and_si512(srlv(_mm512_set1_epi32(int(high)), lane2), three), 16));
      const __mmask16 is3 = _mm512_cmplt_epu32_mask(code, shape3_codes);
      const __m512i c = _mm512_xor_si512(
          _mm512_xor_si512(lookup(code, cw0), lookup(srli(code, 4), cw1)),
          lookup(srli(code, 8), cw2));
      const __m512i k = _mm512_sub_epi32(code, slot_base);
      const __m512i e = _mm512_mask_i32gather_epi32(shape3_entry, __mmask16(~is3), srli(k, 7), slot, 4);
      const __mmask16 octad = __mmask16(~is3) & _mm512_cmplt_epu32_mask(k, octad_codes);
      __m512i t1 = _mm512_mask_i32gather_epi32(c, octad, k, signs, 4);
      const __m512i kind = srli(e, 24);
      const __mmask16 pair = _mm512_cmpeq_epi32_mask(kind, two);
      if (pair) {  // signs on the lowest and highest coordinate of the pair's mask
        const __m512i m = _mm512_and_si512(e, mask24);
        const __m512i low = _mm512_and_si512(m, _mm512_sub_epi32(_mm512_setzero_si512(), m));
        const __m512i high_bit = _mm512_xor_si512(m, low);
        const __m512i t = _mm512_or_si512(_mm512_maskz_mov_epi32(_mm512_test_epi32_mask(k, one), low),
                                          _mm512_maskz_mov_epi32(_mm512_test_epi32_mask(k, two), high_bit));
        t1 = _mm512_mask_mov_epi32(t1, pair, t);
      }
      // t2 = t1 ^ ~M (24 bits): 0x96 is a three-way xor
      const __m512i t2 = _mm512_ternarylogic_epi32(t1, e, mask24, 0x96);
      __m512 s = _mm512_add_ps(lookup(t1, _mm512_loadu_ps(b)), lookup(t2, _mm512_loadu_ps(b)));
      for (int q = 1; q < 6; ++q) {
        const __m512 tq = _mm512_loadu_ps(b + 16 * q);
        s = _mm512_add_ps(s, _mm512_add_ps(lookup(srli(t1, 4 * q), tq),
                                           lookup(srli(t2, 4 * q), tq)));
      }
      acc = _mm512_fmadd_ps(lookup(kind, factor), s, acc);
      {  // g_j x_j, j = code >> 12
        const __m512i j = srli(code, 12);
        const __m512 xj = _mm512_permutex2var_ps(_mm512_loadu_ps(b + 96), j, _mm512_loadu_ps(b + 112));
        const __mmask16 cj = _mm512_test_epi32_mask(c, sllv(one, j));
        acc3 = _mm512_fmadd_ps(_mm512_maskz_mov_ps(is3, _mm512_mask_blend_ps(cj, g_clear, g_set)), xj, acc3);
      }
    }
    const std::size_t r0 = g * kGroupRows, valid = std::min(kGroupRows, w.rows - r0);
    const __mmask16 store = __mmask16((1u << valid) - 1);
    _mm512_mask_storeu_ps(y + r0, store, _mm512_mul_ps(_mm512_add_ps(acc, acc3), _mm512_maskz_loadu_ps(store, w.scale + r0)));
  }
}
#undef POLLUX_ALL
#else
bool avx512_supported() { return false; }
void rows_avx512(const Matrix&, const float*, float*, std::size_t, std::size_t) {
  throw Error("infer", "the avx512 kernel needs an x86-64 CPU");
}
#endif

}  // namespace pollux::infer::shell
