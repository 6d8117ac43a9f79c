#include "pollux/lattice/quantizer.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <string>
#include <vector>

#if defined(__x86_64__)
#include <immintrin.h>
#endif

#include "pollux/base/error.h"
#include "pollux/base/parallel.h"
#include "pollux/lattice/golay.h"

namespace pollux::lattice {
namespace {

constexpr int kDim = kAtomDim;

// Coordinates of the four 6-bit groups: message bits 0..5 and 6..11 sit at coordinates
// 11..16 and 17..22; check bits 0..5 at 0..5, check bits 6..11 at 6..10 and 23.
constexpr int kGroupPositions[4][6] = {
    {11, 12, 13, 14, 15, 16}, {17, 18, 19, 20, 21, 22}, {0, 1, 2, 3, 4, 5}, {6, 7, 8, 9, 10, 23}};

// True iff score < 2 sqrt(8) = sqrt(32), decided exactly for every double.
bool below_sqrt32(double score) {
  static const double t = std::sqrt(32.0);                  // correctly rounded
  static const bool t_above = std::fma(t, t, -32.0) > 0.0;  // t > sqrt(32)?
  return t_above ? score < t : score <= t;
}

using IntVector = std::int8_t[kDim];

// The bfloat16 nearest to f (round to nearest even), as a float.
float to_bfloat16(float f) {
  std::uint32_t bits;
  std::memcpy(&bits, &f, 4);
  bits = (bits + 0x7FFF + ((bits >> 16) & 1)) & 0xFFFF0000u;
  std::memcpy(&f, &bits, 4);
  return f;
}

// A score as the reference compares it: its float32 matrix product rounded to bfloat16.
double reference_rounded(double score) { return to_bfloat16(float(score)); }

// sum_i x_i weight[v_i + 4] in float64, in index order: score(v) of the header, with the
// weight of each integer coordinate given by the scoring (k itself, or bf16(k / sqrt 8)).
double weighted_score(const double* x, const std::int8_t* v, const double* weight) {
  double s = 0.0;
  for (int i = 0; i < kDim; ++i) s += x[i] * weight[v[i] + 4];
  return s;
}

// min and max on values that are never NaN, written so the compiler emits minsd/maxsd
// rather than branches (the hot loops are full of unpredictable comparisons).
inline double lesser(double a, double b) { return b < a ? b : a; }
inline double greater(double a, double b) { return a < b ? b : a; }

// The running answer of the exact re-scoring: the best score(v), and among the vectors
// that reach it the one of smallest index. Indices are looked up only on ties and at the end.
class ExactBest {
 public:
  // round: compare scores as the reference does, rounded to float32 and then to bfloat16.
  ExactBest(const Codebook& codebook, const double* x, const double* weight, bool round)
      : codebook_(codebook), x_(x), weight_(weight), round_(round) {}

  // Offers v, whose score(v) is s; vectors that score below the best so far are ignored.
  void offer(double s, const IntVector v) {
    s = compared(s);
    if (s < score_) return;
    if (s > score_) {
      score_ = s;
      std::copy(v, v + kDim, vector_);
      index_ = kUnknown;
      return;
    }
    std::uint32_t idx = codebook_.index_of(v);
    if (idx < index()) {
      std::copy(v, v + kDim, vector_);
      index_ = idx;
    }
  }
  void offer(const IntVector v) { offer(weighted_score(x_, v, weight_), v); }
  bool could_win(double s) const { return compared(s) >= score_; }
  double score() const { return score_; }
  const std::int8_t* vector() const { return vector_; }
  std::uint32_t index() {
    if (index_ == kUnknown) index_ = codebook_.index_of(vector_);
    return index_;
  }

 private:
  double compared(double s) const { return round_ ? reference_rounded(s) : s; }
  static constexpr std::uint32_t kUnknown = 0xFFFFFFFF;
  const Codebook& codebook_;
  const double* x_;
  const double* weight_;
  bool round_;
  double score_ = -INFINITY;
  IntVector vector_{};
  std::uint32_t index_ = kUnknown;
};

// Pass 1 of the shape-3 search (Quantizer::search) in float32: S(m) of every codeword
// m = 64 hi + lo, in units of `unit` (the power of two that brings sum|x| into [0.5, 1)),
//   S(m) = (a[lo] + b[hi]) + (c[r & 63] + d[r >> 6]),   a..d = float(sign_sum[g] / unit),
// r = check_bits[64 hi] ^ check_bits[lo] (the check bits are linear in the message), into
// sums[m], and the largest S of each block of 64 into block_maxima[hi]. Each S is within 7
// roundings of 2^-24 of the scaled sum|x| (< 1), plus 2^-149 for a value rounded below 2^-126
// (Quantizer::search's fast margin covers both). Half the bytes of float64 sums: eight
// codewords per AVX2 instruction and a 16 KB table that stays in L1. Both versions add in this
// order, so they give the same sums bit for bit; a maximum is exact in any order.
struct Pass1Tables {
  alignas(32) float a[64], b[64], c[64], d[64];
  Pass1Tables(const double (*sign_sum)[64], double inv_unit) {
    for (int u = 0; u < 64; ++u) {
      a[u] = float(sign_sum[0][u] * inv_unit);
      b[u] = float(sign_sum[1][u] * inv_unit);
      c[u] = float(sign_sum[2][u] * inv_unit);
      d[u] = float(sign_sum[3][u] * inv_unit);
    }
  }
};

void codeword_sums_scalar(const Pass1Tables& t, const std::uint16_t* check_bits, float* sums, float* block_maxima) {
  for (int hi = 0; hi < 64; ++hi) {
    const int check_hi = check_bits[hi << 6];
    float* out = sums + (hi << 6);
    float lane_max[8];  // eight chains of maxss, not one
    std::fill(lane_max, lane_max + 8, -INFINITY);
    for (int lo = 0; lo < 64; lo += 8)
      for (int l = 0; l < 8; ++l) {
        const int r = check_hi ^ check_bits[lo + l];
        out[lo + l] = (t.a[lo + l] + t.b[hi]) + (t.c[r & 63] + t.d[r >> 6]);
        lane_max[l] = std::max(lane_max[l], out[lo + l]);
      }
    block_maxima[hi] = *std::max_element(lane_max, lane_max + 8);
  }
}

#if defined(__x86_64__)
// The same eight codewords at a time (AVX2). The check half of every 12-bit r is added first,
// c[r & 63] + d[r >> 6] in a table of 4,096 (the same sums: addition commutes exactly), so
// each group of eight needs one gather, not two.
__attribute__((target("avx2"))) void codeword_sums_avx2(const Pass1Tables& t, const std::uint16_t* check_bits, float* sums,
                                                        float* block_maxima) {
  alignas(32) float check_sum[kGolayMessages];
  for (int r_high = 0; r_high < 64; ++r_high) {
    const __m256 high = _mm256_set1_ps(t.d[r_high]);
    for (int r_low = 0; r_low < 64; r_low += 8)
      _mm256_store_ps(check_sum + (r_high << 6) + r_low, _mm256_add_ps(_mm256_load_ps(t.c + r_low), high));
  }
  alignas(32) std::int32_t check_lo[64];
  for (int lo = 0; lo < 64; ++lo) check_lo[lo] = check_bits[lo];
  // The gather's masked form with every lane on: the same instruction, with a defined source.
  const __m256 none = _mm256_setzero_ps(), all = _mm256_castsi256_ps(_mm256_set1_epi32(-1));
  for (int hi = 0; hi < 64; ++hi) {
    const __m256 b_hi = _mm256_set1_ps(t.b[hi]);
    const __m256i check_hi = _mm256_set1_epi32(check_bits[hi << 6]);
    float* out = sums + (hi << 6);
    __m256 lane_max = _mm256_set1_ps(-INFINITY);
    for (int lo = 0; lo < 64; lo += 8) {
      const __m256i r = _mm256_xor_si256(check_hi, _mm256_load_si256(reinterpret_cast<const __m256i*>(check_lo + lo)));
      const __m256 check = _mm256_mask_i32gather_ps(none, check_sum, r, all, 4);
      const __m256 sum = _mm256_add_ps(_mm256_add_ps(_mm256_load_ps(t.a + lo), b_hi), check);
      _mm256_storeu_ps(out + lo, sum);
      lane_max = _mm256_max_ps(lane_max, sum);
    }
    alignas(32) float lanes[8];
    _mm256_store_ps(lanes, lane_max);
    block_maxima[hi] = *std::max_element(lanes, lanes + 8);
  }
}
#endif

void codeword_sums(const Pass1Tables& t, const std::uint16_t* check_bits, float* sums, float* block_maxima) {
#if defined(__x86_64__)
  static const bool avx2 = __builtin_cpu_supports("avx2");
  if (avx2) return codeword_sums_avx2(t, check_bits, sums, block_maxima);
#endif
  codeword_sums_scalar(t, check_bits, sums, block_maxima);
}

// The largest float32 not above t: a pass-1 sum below it is below t (a survivor too many only
// costs a score).
float float_at_most(double t) {
  float f = float(t);
  if (double(f) > t) f = std::nextafter(f, -INFINITY);
  return f;
}

// Pass 2's list (Quantizer::search): the messages m, in increasing order, whose pass-1 sum is
// not below `least`; blocks of 64 whose largest sum is are skipped whole. Into `out` (4,096
// entries), returning how many. Both versions compare the same sums with the same bound.
int list_survivors_scalar(const float* sums, const float* block_maxima, float least, std::uint16_t* out) {
  int count = 0;
  for (int hi = 0; hi < 64; ++hi) {
    if (block_maxima[hi] < least) continue;
    for (int m = hi << 6; m < (hi + 1) << 6; ++m) {
      out[count] = std::uint16_t(m);
      count += !(sums[m] < least);
    }
  }
  return count;
}

#if defined(__x86_64__)
// Eight messages per comparison: the mask of those kept picks their offsets, packed to the
// front, from a table of 256, and one 16-byte store appends them (the slots past the kept
// ones are overwritten by the next store or ignored).
__attribute__((target("avx2,popcnt"))) int list_survivors_avx2(const float* sums, const float* block_maxima, float least,
                                                               std::uint16_t* out) {
  struct Offsets {
    alignas(16) std::uint16_t lane[256][8];
  };
  static const Offsets offsets = [] {
    Offsets t{};
    for (int mask = 0; mask < 256; ++mask)
      for (int bit = 0, k = 0; bit < 8; ++bit)
        if (mask >> bit & 1) t.lane[mask][k++] = std::uint16_t(bit);
    return t;
  }();
  const __m256 bound = _mm256_set1_ps(least);
  int count = 0;
  for (int hi = 0; hi < 64; ++hi) {
    if (block_maxima[hi] < least) continue;
    for (int m = hi << 6; m < (hi + 1) << 6; m += 8) {
      const int mask = _mm256_movemask_ps(_mm256_cmp_ps(_mm256_loadu_ps(sums + m), bound, _CMP_NLT_UQ));
      const __m128i kept =
          _mm_add_epi16(_mm_load_si128(reinterpret_cast<const __m128i*>(offsets.lane[mask])), _mm_set1_epi16(std::int16_t(m)));
      _mm_storeu_si128(reinterpret_cast<__m128i*>(out + count), kept);  // count <= m <= 4,088: within the 4,096
      count += __builtin_popcount(unsigned(mask));
    }
  }
  return count;
}
#endif

int list_survivors(const float* sums, const float* block_maxima, float least, std::uint16_t* out) {
#if defined(__x86_64__)
  static const bool avx2 = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("popcnt");
  if (avx2) return list_survivors_avx2(sums, block_maxima, least, out);
#endif
  return list_survivors_scalar(sums, block_maxima, least, out);
}

template <typename T>
void check_finite(const T* atom, std::size_t number) {
  for (int i = 0; i < kDim; ++i)
    if (!std::isfinite(atom[i]))
      throw Error("quantizer", "atom " + std::to_string(number) + " has a non-finite coordinate (NaN or Inf)");
}

}  // namespace

template <typename T>
double integer_score(const T* atom, const std::int8_t* v) {
  double x[kDim];
  for (int i = 0; i < kDim; ++i) x[i] = double(atom[i]);
  static const double identity[9] = {-4, -3, -2, -1, 0, 1, 2, 3, 4};
  return weighted_score(x, v, identity);
}
double atom_score(const float* atom, const std::int8_t* v) { return integer_score(atom, v); }
double atom_score(const double* atom, const std::int8_t* v) { return integer_score(atom, v); }

Quantizer::Quantizer(const Codebook& codebook, Scoring scoring)
    : codebook_(codebook), leech_(codebook.variant() == CodebookVariant::leech), scoring_(scoring) {
  for (int k = -4; k <= 4; ++k)
    weight_[k + 4] = scoring == Scoring::exact ? double(k) : double(to_bfloat16(float(double(k) / Codebook::kIntegerScale)));
  // In bf16 scoring the weights are multiples of w(1) but for +-3: bf16(3 / sqrt 8) is 1.0625,
  // not 3 w(1). The fast path counts in units of w(1) and adds the excess of the 3 per unit.
  three_excess_ = weight_[7] / weight_[5] - 3.0;
  // bf16 rounds s to 2 or more exactly when s >= 1.99609375 (the midpoint below 2 rounds up,
  // to the even 2).
  fast_zero_threshold_ = scoring == Scoring::exact ? std::sqrt(32.0) : 1.99609375 / weight_[5];
  for (std::uint32_t m = 0; m < kGolayMessages; ++m) {
    codewords_[m] = golay_encode(m);
    check_bits_[m] = std::uint16_t(golay_check_bits(m));
  }
  const auto& octads = golay_octads();
  for (int o = 0; o < kOctadCount; ++o) {
    for (int g = 0; g < 4; ++g) {
      octad_groups_[o][g] = 0;
      for (int k = 0; k < 6; ++k) octad_groups_[o][g] |= std::uint8_t((octads[o] >> kGroupPositions[g][k] & 1) << k);
    }
    for (int i = 0, k = 0; i < kDim; ++i)
      if (octads[o] >> i & 1) octad_positions_[o][k++] = std::uint8_t(i);
  }
}

std::uint32_t Quantizer::nearest(const float* atom) const {
  check_finite(atom, 0);
  return search(atom);
}

std::uint32_t Quantizer::nearest(const double* atom) const {
  check_finite(atom, 0);
  return search(atom);
}

// The few best vectors a certified search scored exactly, best first (its winner and the
// winner's rivals, issue 19); those it drops score at most the last one kept.
class NearList {
 public:
  static constexpr int kCapacity = kCertifiedRivals + 2;  // the rivals, the winner, the bound
  void offer(double s, const std::int8_t* v) {
    if (size_ == kCapacity && !(s > score_[size_ - 1])) return;
    int at = size_ < kCapacity ? size_++ : size_ - 1;
    for (; at > 0 && score_[at - 1] < s; --at) {
      score_[at] = score_[at - 1];
      std::copy(vector_[at - 1], vector_[at - 1] + kDim, vector_[at]);
    }
    score_[at] = s;
    std::copy(v, v + kDim, vector_[at]);
  }
  // Drops the entry equal to v, if any.
  void remove(const std::int8_t* v) {
    for (int k = 0; k < size_; ++k)
      if (std::equal(v, v + kDim, vector_[k])) {
        for (int j = k + 1; j < size_; ++j) {
          score_[j - 1] = score_[j];
          std::copy(vector_[j], vector_[j] + kDim, vector_[j - 1]);
        }
        --size_;
        return;
      }
  }
  int size() const { return size_; }
  double score(int k) const { return score_[k]; }
  const std::int8_t* vector(int k) const { return vector_[k]; }

 private:
  int size_ = 0;
  double score_[kCapacity];
  std::int8_t vector_[kCapacity][kDim];
};

template <typename T>
std::uint32_t Quantizer::search(const T* atom, CertifiedIndex* certificate) const {
  const bool certify = certificate != nullptr;
  double x[kDim], ax[kDim], abs_sum = 0.0;
  scored_coordinates(atom, x);
  for (int i = 0; i < kDim; ++i) {
    ax[i] = std::fabs(x[i]);
    abs_sum += ax[i];
  }
  // score(v) lies within about 2^-45 sum|x| of the true inner product (at most ~30 rounded
  // operations on values bounded by 4 sum|x|): `margin`, 2^-38 sum|x|, leaves a wide one.
  // Fast scores add pass 1's float32 rounding (codeword_sums: 7 roundings of 2^-24 sum|x| and
  // 2^-149 unit): `fast_margin`, 2^-19 sum|x| + 2^-140 unit, leaves one as wide.
  const double margin = std::ldexp(abs_sum, -38);
  int exponent = 0;
  std::frexp(abs_sum, &exponent);  // abs_sum = f 2^exponent, f in [0.5, 1); exponent 0 for 0
  const double unit = std::ldexp(1.0, exponent), fast_margin = std::ldexp(abs_sum, -19) + std::ldexp(unit, -140);

  // Per 6-bit group g of coordinates and pattern u of its bits, built by doubling (bit k of u
  // decides the term of the group's coordinate k):
  //   sign_sum  sum_k (-1)^{u_k} x_k          max_term  max_k z_k(u_k)
  //   abs_sum   sum_{k: u_k} |x_k|            abs_min   min_{k: u_k} |x_k|
  //   negative_parity  parity of the number of k with u_k set and x_k < 0
  // with z(0) = -4 x, z(1) = +4 x (leech) or -2 x (pollux-v4), each plus the bf16 excess of
  // the 3 (three_excess_ x with the sign of the 3; zero for exact scoring).
  double sign_sum[4][64], max_term[4][64], abs_sum_g[4][64], abs_min[4][64];
  bool negative_parity[4][64];
  for (int g = 0; g < 4; ++g) {
    double *s = sign_sum[g], *z = max_term[g], *a = abs_sum_g[g], *n = abs_min[g];
    bool* np = negative_parity[g];
    s[0] = 0.0;
    z[0] = -INFINITY;
    a[0] = 0.0;
    n[0] = INFINITY;
    np[0] = false;
    for (int k = 0; k < 6; ++k) {
      const double xi = x[kGroupPositions[g][k]], axi = std::fabs(xi);
      const bool neg = xi < 0;
      const double z0 = max_term_of_coordinate(false, xi), z1 = max_term_of_coordinate(true, xi);
      const int half = 1 << k;
      for (int u = 0; u < half; ++u) {
        s[u + half] = s[u] - xi;
        s[u] += xi;
        z[u + half] = greater(z[u], z1);
        z[u] = greater(z[u], z0);
        a[u + half] = a[u] + axi;
        n[u + half] = lesser(n[u], axi);
        np[u + half] = np[u] ^ neg;
      }
    }
  }

  // Shape 1: (+-4, +-4): the two largest magnitudes.
  double a1 = 0, a2 = 0;
  for (int i = 0; i < kDim; ++i) {
    if (ax[i] > a1) {
      a2 = a1;
      a1 = ax[i];
    } else if (ax[i] > a2)
      a2 = ax[i];
  }
  const double shape1 = 4.0 * (a1 + a2);

  // The re-scoring floor of a best fast score: every vector above it is scored exactly. A
  // certified search scores every vector within kCertifyWindow of the best too.
  auto rescoring_floor = [&](double best_score) {
    return certify ? lesser(candidate_floor(best_score, fast_margin), best_score - kCertifyWindow)
                   : candidate_floor(best_score, fast_margin);
  };
  double best = shape1;

  // Shape 3: score(c) = S(c) + Z(c), S(c) = sum_i (-1)^{c_i} x_i, Z(c) = max_i z_i(c_i); each
  // splits over the four groups. Messages run as m = 64 hi + lo: the information half is
  // fixed per hi, and the check bits of m are those of 64 hi XOR those of lo (linearity).
  // Pass 1: S(m) / unit of all 4,096 codewords in float32, and the block of 64 holding the largest.
  float sums[kGolayMessages];
  float block_maxima[64];
  codeword_sums(Pass1Tables(sign_sum, 1.0 / unit), check_bits_, sums, block_maxima);
  float top_value = -INFINITY;
  int top_block = 0;
  for (int hi = 0; hi < 64; ++hi)
    if (block_maxima[hi] > top_value) {
      top_value = block_maxima[hi];
      top_block = hi;
    }
  auto max_term_of = [&](int m) {
    const int r = check_bits_[m], lo = m & 63, hi = m >> 6;
    return greater(greater(max_term[0][lo], max_term[1][hi]), greater(max_term[2][r & 63], max_term[3][r >> 6]));
  };
  int top = top_block << 6;
  for (int m = top; m < (top_block + 1) << 6; ++m)
    if (sums[m] > sums[top]) top = m;
  best = greater(best, double(sums[top]) * unit + max_term_of(top));

  // Shape 2: per octad, all signs matching x unless the octad holds an odd number of
  // negative coordinates; then the smallest magnitude takes the wrong sign. That score is at
  // most twice the octad's sum of magnitudes, so an octad whose sum lies below the re-scoring
  // floor of the best so far (shape 3's top codeword makes it high) is dropped: the final
  // floor is no lower. The others are scored in full.
  std::uint16_t octads[kOctadCount];
  double shape2[kOctadCount];  // of octads[k]
  int octad_count = 0;
  {
    const double floor_so_far = rescoring_floor(best);
    for (int o = 0; o < kOctadCount; ++o) {
      const std::uint8_t* u = octad_groups_[o];
      const double sum = (abs_sum_g[0][u[0]] + abs_sum_g[1][u[1]]) + (abs_sum_g[2][u[2]] + abs_sum_g[3][u[3]]);
      if (2.0 * sum < floor_so_far) continue;  // a predictable branch: about 11 of 759 remain
      octads[octad_count] = std::uint16_t(o);
      shape2[octad_count++] = sum;
    }
  }
  for (int k = 0; k < octad_count; ++k) {
    const std::uint8_t* u = octad_groups_[octads[k]];
    const double low = lesser(lesser(abs_min[0][u[0]], abs_min[1][u[1]]), lesser(abs_min[2][u[2]], abs_min[3][u[3]]));
    const bool odd = negative_parity[0][u[0]] ^ negative_parity[1][u[1]] ^ negative_parity[2][u[2]] ^ negative_parity[3][u[3]];
    shape2[k] = 2.0 * (shape2[k] - 2.0 * low * double(odd));  // branch-free: odd is a coin flip
    best = greater(best, shape2[k]);
  }

  // Pass 2: Z(m) only where it can matter. Z never exceeds (4 + three_excess) max|x_i|, so a
  // codeword with S(m) plus that below the re-scoring floor of the best so far stays below
  // the final floor whatever its Z. The survivors (a few percent) are listed branch-free.
  const double max_z = (4.0 + std::fabs(three_excess_)) * a1;
  std::uint16_t survivors[kGolayMessages];
  const int count = list_survivors(sums, block_maxima, float_at_most((rescoring_floor(best) - max_z) / unit), survivors);
  double shape3[kGolayMessages];
  for (int k = 0; k < count; ++k) {
    shape3[k] = double(sums[survivors[k]]) * unit + max_term_of(survivors[k]);
    best = greater(best, shape3[k]);
  }

  // Far enough below the threshold that no rounding can reach it: the zero vector.
  if (best + 2.0 * fast_margin < fast_zero_threshold_) {
    if (certify) *certificate = {0, best + 2.0 * fast_margin, {}};  // bounds every score, rounding and all
    return 0;
  }

  // Re-score every group that could hold the true best, exactly (for a certified search, the
  // winner is still the best of those within its window).
  const double floor = rescoring_floor(best);
  ExactBest exact(codebook_, x, weight_, scoring_ == Scoring::reference_bf16);
  NearList near;
  auto offer = [&](double s, const IntVector v) {
    exact.offer(s, v);
    if (certify && s >= floor) near.offer(s, v);
  };
  if (shape1 >= floor) {
    for (int p = 0; p < kDim; ++p)
      for (int q = p + 1; q < kDim; ++q) {
        if (4.0 * (ax[p] + ax[q]) < floor) continue;
        for (int s = 0; s < 4; ++s) {
          IntVector v{};
          v[p] = (s & 1) ? -4 : 4;
          v[q] = (s & 2) ? -4 : 4;
          offer(weighted_score(x, v, weight_), v);
        }
      }
  }
  for (int k = 0; k < octad_count; ++k) {
    if (shape2[k] < floor) continue;
    const std::uint8_t* p = octad_positions_[octads[k]];
    for (int signs = 0; signs < 256; ++signs) {
      if (__builtin_popcount(signs) & 1) continue;
      // score(v) over the octad alone: the other 16 terms are zeros, which leave a float
      // sum unchanged, so this equals weighted_score(x, v).
      double s = 0.0;
      for (int k = 0; k < 8; ++k) s += x[p[k]] * weight_[(signs >> k & 1) ? 2 : 6];
      if (!exact.could_win(s) && !(certify && s >= floor)) continue;
      IntVector v{};
      for (int k = 0; k < 8; ++k) v[p[k]] = (signs >> k & 1) ? -2 : 2;
      offer(s, v);
    }
  }
  for (int k = 0; k < count; ++k) {
    if (shape3[k] < floor) continue;
    const std::uint32_t c = codewords_[survivors[k]];
    double t = 0.0;  // S(c)
    for (int i = 0; i < kDim; ++i) t += (c >> i & 1) ? -x[i] : x[i];
    for (int j = 0; j < kDim; ++j) {
      const double z = max_term_of_coordinate(c >> j & 1, x[j]);
      if (t + z < floor) continue;  // this j is not near the best: skip the exact score
      IntVector v;
      for (int i = 0; i < kDim; ++i) v[i] = (c >> i & 1) ? -1 : 1;
      v[j] = leech_ ? std::int8_t(-3 * v[j]) : std::int8_t(-3);
      offer(weighted_score(x, v, weight_), v);
    }
  }
  const std::uint32_t index = below_zero_threshold(exact.score()) ? 0 : exact.index();
  if (!certify) return index;
  // The certificate (quantizer.h). A vector not scored here has a fast score below `floor`; of
  // those scored, the winner is set apart, the best kCertifiedRivals others become its rivals,
  // and the rest score at most the next one. True scores are within `fast_margin` of both.
  *certificate = {index, best + 2.0 * fast_margin, {}};
  if (index == 0) return 0;  // every score stays below the zero threshold: `best` bounds them all
  // Every exact score above is computed within `margin` of the true one.
  certificate->winner_floor = exact.score() - margin;
  near.remove(exact.vector());
  const int rivals = std::min(near.size(), kCertifiedRivals);
  for (int k = 0; k < rivals; ++k) certificate->rivals[k] = codebook_.index_of(near.vector(k));
  if (rivals > 0) certificate->rival_ceiling = near.score(0) + margin;
  certificate->others = greater(floor, near.size() > rivals ? near.score(rivals) : -INFINITY) + 2.0 * fast_margin;
  return index;
}

CertifiedIndex Quantizer::nearest_certified(const float* atom) const {
  if (scoring_ != Scoring::exact) throw Error("quantizer", "a certified search needs the exact scoring (lattice_search = exact)");
  check_finite(atom, 0);
  CertifiedIndex out;
  search(atom, &out);
  return out;
}

bool Quantizer::certificate_holds(const float* searched, const float* moved, const CertifiedIndex& certificate) const {
  return lattice::certificate_holds(searched, moved, certificate,
                                    [this](std::uint32_t idx, int i) { return codebook_.integer_row(idx)[i]; });
}

void Quantizer::nearest(const float* atoms, std::size_t count, std::uint32_t* indices, int threads) const {
  parallel_for(count, threads, 256, [&](std::size_t begin, std::size_t end) {
    for (std::size_t a = begin; a < end; ++a) {
      check_finite(atoms + a * kDim, a);
      indices[a] = search(atoms + a * kDim);
    }
  });
}

std::uint32_t Quantizer::nearest_brute_force(const float* atom) const { return brute_force(atom); }
std::uint32_t Quantizer::nearest_brute_force(const double* atom) const { return brute_force(atom); }

template <typename T>
std::uint32_t Quantizer::brute_force(const T* atom) const {
  check_finite(atom, 0);
  double x[kDim];
  scored_coordinates(atom, x);
  double best = -INFINITY;
  std::uint32_t index = 0;
  for (std::uint32_t idx = 1; idx < Codebook::kSize; ++idx) {
    double s = weighted_score(x, codebook_.integer_row(idx), weight_);
    if (scoring_ == Scoring::reference_bf16) s = reference_rounded(s);
    if (s > best) {
      best = s;
      index = idx;
    }
  }
  return below_zero_threshold(best) ? 0 : index;
}

template <typename T>
void Quantizer::scored_coordinates(const T* atom, double* x) const {
  for (int i = 0; i < kDim; ++i) x[i] = scoring_ == Scoring::exact ? double(atom[i]) : double(to_bfloat16(float(atom[i])));
}

double Quantizer::max_term_of_coordinate(bool bit, double x) const {
  if (!bit) return -(4.0 + three_excess_) * x;
  return leech_ ? (4.0 + three_excess_) * x : -(2.0 + three_excess_) * x;
}

double Quantizer::candidate_floor(double best, double margin) const {
  // Exact: every vector whose true score can reach the best's. bf16: every vector whose
  // rounded score can equal the best's, which lies within one bf16 ulp (relative 2^-7).
  if (scoring_ == Scoring::exact) return best - 2.0 * margin;
  return (best - margin) * (1.0 - 1.0 / 64) - 2.0 * margin;
}

bool Quantizer::below_zero_threshold(double score) const {
  return scoring_ == Scoring::exact ? below_sqrt32(score) : score < 2.0;  // 2 s* < 4 in codebook units
}

}  // namespace pollux::lattice
