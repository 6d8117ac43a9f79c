// Shell codes and the look-up kernels on them (see shell_code.h, spec section 2).
#include "pollux/infer/shell_code.h"

#include <algorithm>
#include <cstring>
#include <mutex>
#include <random>
#include <unordered_map>

#include "pollux/base/error.h"
#include "pollux/lattice/constants.h"
#include "pollux/lattice/golay.h"
#include "pollux/lattice/index_packing.h"

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

// Rank over GF(2) of 24-bit words.
int rank(std::vector<std::uint32_t> words) {
  int r = 0;
  for (int bit = 0; bit < kDim; ++bit) {
    auto pivot = std::find_if(words.begin(), words.end(), [&](std::uint32_t w) { return w >> bit & 1; });
    if (pivot == words.end()) continue;
    const std::uint32_t p = *pivot;
    words.erase(pivot);
    ++r;
    for (auto& w : words)
      if (w >> bit & 1) w ^= p;
  }
  return r;
}

// A code's sign word t, mask M and factor (see shell_code.h); shape 3: t = c, M = all.
struct Parts {
  std::uint32_t t, mask;
  float factor;
};

Parts parts(std::uint32_t code) {
  const Tables& tab = tables();
  if (code < kShape3Codes) return {codeword(code & 0xFFF), kMask24, 0.5f};
  if (code >= kZeroCode) return {0, 0, 0.0f};
  const std::uint32_t k = code - kShape3Codes, b = k >> 12, r = k >> 7 & 31, s = k & 127;
  if (b < kBaseOctads) return {rotate(tab.sign_low[s & 15] ^ tab.sign_high[s >> 4], r), rotate(tab.base_octad[b], r), 1.0f};
  const std::uint32_t m = tab.base_pair[s >> 2], low = m & (0u - m);
  return {rotate((s & 1 ? low : 0) | (s & 2 ? m ^ low : 0), r), rotate(m, r), 2.0f};
}

// S(t) of a block's tables: six look-ups (see shell_code.h).
inline float signed_sum(const float* tab, std::uint32_t t) {
  return ((tab[t & 15] + tab[16 + (t >> 4 & 15)]) + (tab[32 + (t >> 8 & 15)] + tab[48 + (t >> 12 & 15)])) +
         (tab[64 + (t >> 16 & 15)] + tab[80 + (t >> 20 & 15)]);
}

// g_j of shape 3 for c_j = 0 and 1.
float shape3_gain(bool cj, lattice::CodebookVariant variant) {
  return cj ? (variant == lattice::CodebookVariant::pollux_v4 ? -2.0f : 4.0f) : -4.0f;
}

}  // namespace

std::uint32_t rotate(std::uint32_t word, std::uint32_t r) {
  const std::uint32_t x = word & 0x7FFFFFu;
  return ((x << r | x >> (23 - r)) & 0x7FFFFFu) | (word & 0x800000u);
}

const Tables& tables() {
  static const Tables t = [] {
    Tables out{};
    for (int k = 0; k < 3; ++k)
      for (std::uint32_t n = 0; n < 16; ++n) out.codeword_nibble[k][n] = lattice::golay_encode(n << (4 * k));
    // The octads' orbits under rotation, each as its first octad.
    std::vector<std::uint32_t> orbits;
    std::unordered_map<std::uint32_t, bool> seen;
    for (std::uint32_t o : lattice::golay_octads())
      if (!seen.count(o)) {
        orbits.push_back(o);
        for (std::uint32_t r = 0; r < kRotations; ++r) seen[rotate(o, r)] = true;
      }
    if (orbits.size() != kBaseOctads) throw Error("infer", "the Golay octads do not fall into 33 rotation orbits");
    // Seven sign codewords and a base octad per orbit on which they give all 128 even sign
    // patterns (rank 7 restricted to it). Random sets succeed at once; the seed fixes the
    // choice, and so the codes.
    std::mt19937 rng(1);
    for (int attempt = 0;; ++attempt) {
      if (attempt == 1000) throw Error("infer", "no sign codewords found for the shell codes");
      std::vector<std::uint32_t> e(7);
      for (auto& w : e) w = lattice::golay_encode(1 + rng() % (lattice::kGolayMessages - 1));
      bool ok = rank(e) == 7;
      for (std::uint32_t b = 0; ok && b < kBaseOctads; ++b) {
        ok = false;
        for (std::uint32_t r = 0; !ok && r < kRotations; ++r) {
          const std::uint32_t o = rotate(orbits[b], r);
          std::vector<std::uint32_t> restricted;
          for (std::uint32_t w : e) restricted.push_back(w & o);
          if (rank(restricted) == 7) {
            out.base_octad[b] = o;
            ok = true;
          }
        }
      }
      if (!ok) continue;
      for (std::uint32_t n = 0; n < 16; ++n)
        for (int q = 0; q < 4; ++q) {
          if (n >> q & 1) out.sign_low[n] ^= e[q];
          if (q < 3 && n >> q & 1) out.sign_high[n] ^= e[4 + q];  // bit 3 of n ignored: s < 128
        }
      break;
    }
    for (std::uint32_t d = 1; d <= 11; ++d) out.base_pair[d - 1] = 1u | 1u << d;
    out.base_pair[11] = 1u | 1u << 23;
    return out;
  }();
  return t;
}

void decode(std::uint32_t code, lattice::CodebookVariant variant, std::int8_t* out) {
  std::fill(out, out + kDim, std::int8_t(0));
  const Parts p = parts(code);
  for (int i = 0; i < kDim; ++i)
    if (p.mask >> i & 1) out[i] = std::int8_t((p.t >> i & 1 ? -1 : 1) * (p.factor == 2.0f ? 4 : p.factor == 1.0f ? 2 : 1));
  if (code < kShape3Codes) {
    const std::uint32_t j = code >> 12;
    out[j] = std::int8_t(variant == lattice::CodebookVariant::pollux_v4 ? -3 : -3 * out[j]);
  }
}

const Recoding& recoding(lattice::CodebookVariant variant) {
  static std::once_flag once[2];
  static Recoding table[2];
  const int v = variant == lattice::CodebookVariant::pollux_v4 ? 1 : 0;
  std::call_once(once[v], [&] {
    // Every valid code, decoded and looked up in the codebook: a bijection, or an error.
    const lattice::Codebook& cb = lattice::Codebook::get(variant);
    Recoding rec;
    rec.code_of_index.assign(lattice::Codebook::kSize, kZeroCode + 1);
    rec.index_of_code.assign(kZeroCode + 1, 0);
    std::size_t assigned = 0;
    auto add = [&](std::uint32_t code) {
      std::int8_t v[kDim];
      decode(code, variant, v);
      std::uint32_t idx = 0;
      try {
        idx = cb.index_of(v);
      } catch (const Error&) { idx = lattice::Codebook::kSize; }
      if (idx == lattice::Codebook::kSize || rec.code_of_index[idx] != kZeroCode + 1)
        throw Error("infer", "shell code " + std::to_string(code) + " is no row, or a second code of one, of the " +
                                 lattice::to_string(variant) + " codebook");
      rec.code_of_index[idx] = code;
      rec.index_of_code[code] = idx;
      ++assigned;
    };
    for (std::uint32_t code = 0; code < kShape3Codes; ++code) add(code);
    for (std::uint32_t b = 0; b <= kPairBase; ++b)
      for (std::uint32_t r = 0; r < kRotations; ++r)
        for (std::uint32_t s = 0; s < (b < kBaseOctads ? 128 : 4 * kBasePairs); ++s)
          add(kShape3Codes + kBaseCodes * b + 128 * r + s);
    add(kZeroCode);
    if (assigned != lattice::Codebook::kSize) throw Error("infer", "the shell codes miss rows of the codebook");
    table[v] = std::move(rec);
  });
  return table[v];
}

std::vector<std::uint8_t> interleave(const std::uint8_t* packed, std::size_t rows, std::size_t per_row,
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
        const std::uint32_t code = r < rows ? recode[lattice::unpack_index(packed, r * per_row + a)] : kZeroCode;
        const std::uint16_t low = std::uint16_t(code & 0xFFFF);
        std::memcpy(rec + 2 * l, &low, 2);
        high |= (code >> 16) << (2 * l);
      }
      std::memcpy(rec + 32, &high, 4);
    }
  return out;
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
  for (std::size_t r = g0 * kGroupRows; r < std::min(w.rows, g1 * kGroupRows); ++r) {
    float acc = 0, acc3 = 0;
    for (std::size_t a = 0; a < w.per_row; ++a) {
      const float* b = blocks + a * kBlockFloats;
      const std::uint32_t code = code_at(w.records, w.per_row, r, a);
      const Parts p = parts(code);
      acc += p.factor * (signed_sum(b, p.t) + signed_sum(b, p.t ^ ~p.mask));
      if (code < kShape3Codes) {
        const std::uint32_t j = code >> 12;
        acc3 += shape3_gain(p.t >> j & 1, w.variant) * b[96 + j];
      }
    }
    y[r] = (acc + acc3) * w.scale[r];
  }
}

#ifdef POLLUX_SHELL_X86

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
// Group g's 16 sums as x_4g S_0 + ... + x_4g+3 S_3, S_i[b] = -1 where bit i of b is set.
__attribute__((target("avx512f"))) void build_blocks_avx512(const float* x, std::size_t per_row, float* blocks) {
  __m512 sign[4];
  for (int i = 0; i < 4; ++i) {
    alignas(64) float s[16];
    for (int b = 0; b < 16; ++b) s[b] = b >> i & 1 ? -1.0f : 1.0f;
    sign[i] = _mm512_load_ps(s);
  }
  for (std::size_t a = 0; a < per_row; ++a) {
    const float* xa = x + a * kDim;
    float* t = blocks + a * kBlockFloats;
    for (int g = 0; g < 6; ++g) {
      const float* q = xa + 4 * g;
      __m512 sum = _mm512_mul_ps(_mm512_set1_ps(q[0]), sign[0]);
      for (int i = 1; i < 4; ++i) sum = _mm512_fmadd_ps(_mm512_set1_ps(q[i]), sign[i], sum);
      _mm512_storeu_ps(t + 16 * g, sum);
    }
    _mm512_storeu_ps(t + 96, _mm512_loadu_ps(xa));
    _mm512_storeu_ps(t + 112, _mm512_maskz_loadu_ps(0xFF, xa + 16));
  }
}

// rotate() per lane: coordinates 0..22 of `word` by r (rr = 23 - r), bit 23 kept.
POLLUX_TARGET __m512i rotated(__m512i word, __m512i r, __m512i rr) {
  const __m512i mask23 = _mm512_set1_epi32(0x7FFFFF), x = _mm512_and_si512(word, mask23);
  const __m512i turned = _mm512_ternarylogic_epi32(sllv(x, r), srlv(x, rr), mask23, 0xA8);  // (a | b) & c
  return _mm512_ternarylogic_epi32(turned, word, _mm512_set1_epi32(0x800000), 0xF8);        // a | (b & c)
}
#undef POLLUX_TARGET

// Sixteen rows at a time, one per lane (see shell_code.h for the sums), all from registers:
// shape 3 builds its codeword from three 16-entry look-ups (vpermd); an octad its base mask
// (33 entries: two registers) and sign word u(s) (two look-ups), both rotated by r; then
// S(t1) + S(t2) is twelve vpermps in the block's tables, times the kind's factor (1/2 for
// shape 3, where t2 = t1), plus shape 3's g_j x_j.
__attribute__((target("avx512f"))) void rows_avx512(const Matrix& w, const float* blocks, float* y, std::size_t g0,
                                                    std::size_t g1) {
  const Tables& tab = tables();
  const __m512i cw0 = _mm512_loadu_si512(tab.codeword_nibble[0]), cw1 = _mm512_loadu_si512(tab.codeword_nibble[1]),
                cw2 = _mm512_loadu_si512(tab.codeword_nibble[2]);
  const __m512i octad_lo = _mm512_loadu_si512(tab.base_octad), octad_hi = _mm512_loadu_si512(tab.base_octad + 16),
                octad_32 = _mm512_set1_epi32(int(tab.base_octad[32]));
  const __m512i pairs = _mm512_loadu_si512(tab.base_pair), sign_low = _mm512_loadu_si512(tab.sign_low),
                sign_high = _mm512_loadu_si512(tab.sign_high);
  const __m512i lane2 = _mm512_setr_epi32(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
  const __m512i three = _mm512_set1_epi32(3), mask24 = _mm512_set1_epi32(int(kMask24)), one = _mm512_set1_epi32(1),
                two = _mm512_set1_epi32(2), r_mask = _mm512_set1_epi32(31), twenty_three = _mm512_set1_epi32(23);
  const __m512i shape3_codes = _mm512_set1_epi32(int(kShape3Codes)), b_32 = _mm512_set1_epi32(32),
                b_pair = _mm512_set1_epi32(int(kPairBase)), b_zero = _mm512_set1_epi32(int(kPairBase + 1));
  const __m512 f_octad = _mm512_set1_ps(1.0f), f_pair = _mm512_set1_ps(2.0f), f_shape3 = _mm512_set1_ps(0.5f);
  const __m512 g_clear = _mm512_set1_ps(shape3_gain(false, w.variant)), g_set = _mm512_set1_ps(shape3_gain(true, w.variant));
  for (std::size_t g = g0; g < g1; ++g) {
    const std::uint8_t* rec = w.records + g * w.per_row * kRecordBytes;
    __m512 acc = _mm512_setzero_ps(), acc3 = _mm512_setzero_ps();
    for (std::size_t a = 0; a < w.per_row; ++a, rec += kRecordBytes) {
      const float* b = blocks + a * kBlockFloats;
      std::uint32_t high;
      std::memcpy(&high, rec + 32, 4);
      const __m512i code =
          _mm512_or_si512(widen(rec), slli(_mm512_and_si512(srlv(_mm512_set1_epi32(int(high)), lane2), three), 16));
      const __mmask16 is3 = _mm512_cmplt_epu32_mask(code, shape3_codes);
      // shape 3: c = codeword(m), m the low 12 bits (vpermd reads an index's low 4 bits)
      const __m512i c =
          _mm512_ternarylogic_epi32(lookup(code, cw0), lookup(srli(code, 4), cw1), lookup(srli(code, 8), cw2), 0x96);
      // the others: k = 4096 b + 128 r + s
      const __m512i k = _mm512_sub_epi32(code, shape3_codes), base = srli(k, 12);
      const __m512i r = _mm512_and_si512(srli(k, 7), r_mask);
      __m512i mask = _mm512_mask_mov_epi32(_mm512_permutex2var_epi32(octad_lo, base, octad_hi),
                                           _mm512_cmpeq_epi32_mask(base, b_32), octad_32);
      __m512i u = _mm512_xor_si512(lookup(k, sign_low), lookup(srli(k, 4), sign_high));
      const __mmask16 pair = _mm512_cmpeq_epi32_mask(base, b_pair);
      if (pair) {  // signs on the lower and upper coordinate of the base pair s >> 2
        const __m512i m = lookup(srli(k, 2), pairs);
        const __m512i low = _mm512_and_si512(m, _mm512_sub_epi32(_mm512_setzero_si512(), m));
        const __m512i t = _mm512_or_si512(_mm512_maskz_mov_epi32(_mm512_test_epi32_mask(k, one), low),
                                          _mm512_maskz_mov_epi32(_mm512_test_epi32_mask(k, two), _mm512_xor_si512(m, low)));
        mask = _mm512_mask_mov_epi32(mask, pair, m);
        u = _mm512_mask_mov_epi32(u, pair, t);
      }
      // t2 = u ^ ~mask (24 bits; 0x96: three-way xor), then both rotated by r
      const __m512i u2 = _mm512_ternarylogic_epi32(u, mask, mask24, 0x96);
      const __m512i rr = _mm512_sub_epi32(twenty_three, r);
      const __m512i t1 = _mm512_mask_mov_epi32(rotated(u, r, rr), is3, c), t2 = _mm512_mask_mov_epi32(rotated(u2, r, rr), is3, c);
      __m512 s = _mm512_add_ps(lookup(t1, _mm512_loadu_ps(b)), lookup(t2, _mm512_loadu_ps(b)));
      for (int q = 1; q < 6; ++q) {
        const __m512 tq = _mm512_loadu_ps(b + 16 * q);
        s = _mm512_add_ps(s, _mm512_add_ps(lookup(srli(t1, 4 * q), tq), lookup(srli(t2, 4 * q), tq)));
      }
      __m512 factor = _mm512_mask_mov_ps(f_octad, pair, f_pair);
      factor = _mm512_mask_mov_ps(factor, is3, f_shape3);
      factor = _mm512_mask_mov_ps(factor, _mm512_cmpeq_epi32_mask(base, b_zero), _mm512_setzero_ps());
      acc = _mm512_fmadd_ps(factor, s, acc);
      // shape 3: g_j x_j, j = code >> 12
      const __m512i j = srli(code, 12);
      const __m512 xj = _mm512_permutex2var_ps(_mm512_loadu_ps(b + 96), j, _mm512_loadu_ps(b + 112));
      const __mmask16 cj = _mm512_test_epi32_mask(c, sllv(one, j));
      acc3 = _mm512_fmadd_ps(_mm512_maskz_mov_ps(is3, _mm512_mask_blend_ps(cj, g_clear, g_set)), xj, acc3);
    }
    const std::size_t r0 = g * kGroupRows, valid = std::min(kGroupRows, w.rows - r0);
    const __mmask16 store = __mmask16((1u << valid) - 1);
    _mm512_mask_storeu_ps(y + r0, store, _mm512_mul_ps(_mm512_add_ps(acc, acc3), _mm512_maskz_loadu_ps(store, w.scale + r0)));
  }
}
#undef POLLUX_ALL
#else
void build_blocks_avx512(const float*, std::size_t, float*) { throw Error("infer", "the avx512 kernel needs an x86-64 CPU"); }
void rows_avx512(const Matrix&, const float*, float*, std::size_t, std::size_t) {
  throw Error("infer", "the avx512 kernel needs an x86-64 CPU");
}
#endif

}  // namespace pollux::infer::shell
