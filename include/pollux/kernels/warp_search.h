// The exact nearest-point search (spec sections 3, 3a) cut into the pieces one warp of 32
// lanes runs per atom on the GPU. The same functions compile for the host, where
// emulate_warp_search() runs the 32 lanes one after another: that is the CPU twin the tests
// compare with lattice::Quantizer, so the algorithm of the CUDA kernel is checked on every
// machine, and the device adds only the plumbing (shared memory and shuffles).
//
// Per atom (x = its 24 scored coordinates, float64):
//   1. tables  each lane fills 8 of the 256 entries of the four 6-bit group tables of the
//              shape-3 score: sign_sum[g][u] = sum_k (-1)^{u_k} x_k, max_term[g][u] = max_k z_k(u_k).
//   2. fast    each lane scores its share of the 759 octads (shape 2) and 4,096 codewords
//              (shape 3) from the tables; shape 1 is the two largest |x_i|. The warp takes the
//              maximum: `best`. Fast scores are within 2^-45 sum|x| of the true ones, whatever
//              the order of summation, so the margin 2^-38 sum|x| of the CPU path holds here too.
//   3. exact   each lane re-scores, with score(v) in index order (lattice/quantizer.h), every
//              vector of its share whose fast score reaches floor(best), and keeps the best
//              (score, vector). Equal scores go to the lexicographically smaller vector: the
//              table is sorted that way, so that is the smaller index (the CPU's tie rule)
//              without looking indices up.
//   4. reduce  the warp's best (score, vector); the zero test; the vector's index by binary
//              search in the sorted keys of the shell.
// Scoring is either exact or the reference's bf16 rounding, as in lattice/quantizer.h.
#pragma once

#include <cstdint>

#include "pollux/lattice/constants.h"

#ifdef __CUDACC__
#define POLLUX_HD __host__ __device__ __forceinline__
#else
#define POLLUX_HD inline
#endif

namespace pollux::kernels {

constexpr int kWarp = 32;
constexpr int kDim = lattice::kAtomDim;
constexpr int kOctads = lattice::kOctadCount;
constexpr int kMessages = lattice::kGolayMessages;
constexpr int kShellSize = lattice::kShellSize;
static_assert(kDim <= kWarp, "one lane per coordinate of an atom");

// The scoring rule, fixed per (codebook, scoring); built on the host by search_rule().
struct SearchRule {
  double weight[9];            // score weight of integer coordinate k at [k + 4]
  double three_excess;         // w(3) / w(1) - 3 (0 for exact scoring)
  double fast_zero_threshold;  // the zero threshold in fast units
  double sqrt32;               // sqrt(32) correctly rounded
  bool sqrt32_above;           // sqrt32 > the true sqrt(32)
  bool leech;                  // codebook leech (else pollux-v4)
  bool bf16;                   // reference bf16 scoring (else exact)
};

// Tables of the Golay code, shared by all atoms (device or host memory).
struct SearchTables {
  const std::uint32_t* codewords;   // 4,096: the codeword of each message
  const std::uint16_t* check_bits;  // 4,096: golay_check_bits of each message
  const std::uint8_t* octads;       // 759 x 8: the coordinates of each octad, ascending
  const std::uint64_t* keys;        // 196,560 x 2: vector_key of each shell row, index order
};

// Coordinates of the four 6-bit groups (lattice/quantizer.cpp): message bits 0..5 and 6..11
// at 11..16 and 17..22; check bits 0..5 at 0..5, check bits 6..11 at 6..10 and 23.
POLLUX_HD int group_position(int g, int k) { return g == 0 ? 11 + k : g == 1 ? 17 + k : g == 2 ? k : (k < 5 ? 6 + k : 23); }

// The bfloat16 nearest to f (round to nearest even), as a float.
POLLUX_HD float to_bfloat16(float f) {
  union {
    float f;
    std::uint32_t u;
  } b{f};
  b.u = (b.u + 0x7FFFu + ((b.u >> 16) & 1u)) & 0xFFFF0000u;
  return b.f;
}

// A 24-coordinate integer vector (entries -4..4) as two words whose unsigned lexicographic
// order is the vector's: coordinate 0 in the top nibble of hi, coordinates 16..23 in lo.
struct VectorKey {
  std::uint64_t hi = 0, lo = 0;
};
POLLUX_HD void key_set(VectorKey& key, int i, int value) {
  const std::uint64_t nib = std::uint64_t(value + 4);
  if (i < 16)
    key.hi |= nib << (60 - 4 * i);
  else
    key.lo |= nib << (28 - 4 * (i - 16));
}
POLLUX_HD int key_get(const VectorKey& key, int i) {
  const std::uint64_t nib = i < 16 ? key.hi >> (60 - 4 * i) : key.lo >> (28 - 4 * (i - 16));
  return int(nib & 15) - 4;
}
POLLUX_HD bool key_less(const VectorKey& a, const VectorKey& b) { return a.hi < b.hi || (a.hi == b.hi && a.lo < b.lo); }

// One lane's best so far: the compared score and its vector.
struct LaneBest {
  double score;
  VectorKey key;
};
POLLUX_HD LaneBest lane_best_none() { return {-1.0 / 0.0, VectorKey{~0ull, ~0ull}}; }
// The better of two: higher score, then the smaller vector.
POLLUX_HD LaneBest better(const LaneBest& a, const LaneBest& b) {
  if (a.score != b.score) return a.score > b.score ? a : b;
  return key_less(b.key, a.key) ? b : a;
}

POLLUX_HD double greater(double a, double b) { return a < b ? b : a; }
POLLUX_HD double lesser(double a, double b) { return b < a ? b : a; }
POLLUX_HD double absolute(double a) { return a < 0 ? -a : a; }

// The coordinate as the scoring sees it.
POLLUX_HD double scored_coordinate(const SearchRule& r, float v) { return r.bf16 ? double(to_bfloat16(v)) : double(v); }

// z_i(bit) of the shape-3 score (spec section 3a), with the bf16 excess of the 3.
POLLUX_HD double max_term_of_coordinate(const SearchRule& r, bool bit, double x) {
  if (!bit) return -(4.0 + r.three_excess) * x;
  return r.leech ? (4.0 + r.three_excess) * x : -(2.0 + r.three_excess) * x;
}

// Fast scores below this cannot win against a best fast score `best` (as Quantizer::
// candidate_floor in lattice/quantizer.cpp). Exact scoring: a fast score is within `margin`
// of the true one, so a vector can reach the best's true score only from best - 2 margin.
// bf16 scoring: scores are compared after rounding to bf16 (8 significant bits), so a vector
// ties or beats the best once rounded when its true score lies within one bf16 ulp below it,
// at most 2^-7 of the best; the floor keeps 2^-6 = 1/64, twice that, below the best's least
// true score (best - margin). A lower floor only hands step 3 more candidates to score
// exactly, never a different answer.
POLLUX_HD double candidate_floor(const SearchRule& r, double best, double margin) {
  if (!r.bf16) return best - 2.0 * margin;
  return (best - margin) * (1.0 - 1.0 / 64) - 2.0 * margin;
}

// A score as it is compared: as is, or rounded to float32 and then bf16 like the reference.
POLLUX_HD double compared_score(const SearchRule& r, double s) { return r.bf16 ? double(to_bfloat16(float(s))) : s; }

POLLUX_HD bool below_zero_threshold(const SearchRule& r, double score) {
  if (r.bf16) return score < 2.0;
  return r.sqrt32_above ? score < r.sqrt32 : score <= r.sqrt32;  // score < 2 sqrt(8), exactly
}

// score(v) of lattice/quantizer.h: sum_i x_i weight(v_i) in index order, float64.
POLLUX_HD double exact_score(const SearchRule& r, const double* x, const VectorKey& key) {
  double s = 0.0;
  for (int i = 0; i < kDim; ++i) s += x[i] * r.weight[key_get(key, i) + 4];
  return s;
}

// The atom's margin: 2^-38 sum |x_i| (see the header).
POLLUX_HD double search_margin(const double* x) {
  double sum = 0.0;
  for (int i = 0; i < kDim; ++i) sum += absolute(x[i]);
  return sum * 0x1p-38;
}

// Step 1: entries e = lane, lane + 32, ... of the 4 x 64 group tables.
POLLUX_HD void fill_tables(const SearchRule& r, int lane, const double* x, double* sign_sum, double* max_term) {
  for (int e = lane; e < 4 * 64; e += kWarp) {
    const int g = e >> 6, u = e & 63;
    double s = 0.0, z = -1.0 / 0.0;
    for (int k = 0; k < 6; ++k) {
      const double xi = x[group_position(g, k)];
      const bool bit = (u >> k) & 1;
      s += bit ? -xi : xi;
      z = greater(z, max_term_of_coordinate(r, bit, xi));
    }
    sign_sum[e] = s;
    max_term[e] = z;
  }
}

// Shape 1 (+-4, +-4): four times the two largest magnitudes.
POLLUX_HD double shape1_score(const double* x) {
  double a1 = 0, a2 = 0;
  for (int i = 0; i < kDim; ++i) {
    const double a = absolute(x[i]);
    if (a > a1) {
      a2 = a1;
      a1 = a;
    } else if (a > a2)
      a2 = a;
  }
  return 4.0 * (a1 + a2);
}

// Shape 2, octad o: all signs of x, but the smallest magnitude takes the wrong sign when the
// octad holds an odd number of negative coordinates.
POLLUX_HD double shape2_score(const SearchTables& t, int o, const double* x) {
  double sum = 0.0, low = 1.0 / 0.0;
  bool odd = false;
  for (int k = 0; k < 8; ++k) {
    const double xi = x[t.octads[o * 8 + k]];
    sum += absolute(xi);
    low = lesser(low, absolute(xi));
    odd ^= xi < 0;
  }
  return 2.0 * (sum - (odd ? 2.0 * low : 0.0));
}

// Shape 3, message m: S(c) + max_j z_j(c) from the group tables.
POLLUX_HD double shape3_score(const SearchTables& t, int m, const double* sign_sum, const double* max_term) {
  const int r = t.check_bits[m], lo = m & 63, hi = m >> 6;
  const int e0 = lo, e1 = 64 + hi, e2 = 128 + (r & 63), e3 = 192 + (r >> 6);
  const double s = (sign_sum[e0] + sign_sum[e1]) + (sign_sum[e2] + sign_sum[e3]);
  const double z = greater(greater(max_term[e0], max_term[e1]), greater(max_term[e2], max_term[e3]));
  return s + z;
}

// Step 2: the best fast score of this lane's share.
POLLUX_HD double lane_fast_best(const SearchTables& t, int lane, const double* x, const double* sign_sum,
                                const double* max_term) {
  double best = shape1_score(x);
  for (int o = lane; o < kOctads; o += kWarp) best = greater(best, shape2_score(t, o, x));
  for (int m = lane; m < kMessages; m += kWarp) best = greater(best, shape3_score(t, m, sign_sum, max_term));
  return best;
}

POLLUX_HD void offer(const SearchRule& r, LaneBest& best, double s, const VectorKey& key) {
  best = better(best, LaneBest{compared_score(r, s), key});
}

// Step 3: the exact best of this lane's candidates at or above `floor` (fast units).
POLLUX_HD LaneBest lane_exact_best(const SearchRule& r, const SearchTables& t, int lane, const double* x, const double* sign_sum,
                                   const double* max_term, double floor) {
  LaneBest best = lane_best_none();
  // Shape 1: pairs k = lane, lane + 32, ... of the 276 pairs p < q.
  for (int k = lane; k < kDim * (kDim - 1) / 2; k += kWarp) {
    int p = 0, rest = k;
    while (rest >= kDim - 1 - p) {
      rest -= kDim - 1 - p;
      ++p;
    }
    const int q = p + 1 + rest;
    if (4.0 * (absolute(x[p]) + absolute(x[q])) < floor) continue;
    for (int s = 0; s < 4; ++s) {
      VectorKey key;
      for (int i = 0; i < kDim; ++i) key_set(key, i, i == p ? ((s & 1) ? -4 : 4) : i == q ? ((s & 2) ? -4 : 4) : 0);
      offer(r, best, exact_score(r, x, key), key);
    }
  }
  // Shape 2: every even sign pattern of each near-best octad.
  for (int o = lane; o < kOctads; o += kWarp) {
    if (shape2_score(t, o, x) < floor) continue;
    const std::uint8_t* pos = t.octads + o * 8;
    for (int signs = 0; signs < 256; ++signs) {
      int parity = 0;
      for (int k = 0; k < 8; ++k) parity ^= (signs >> k) & 1;
      if (parity) continue;
      double s = 0.0;  // the octad's terms in index order; the zeros leave the sum unchanged
      for (int k = 0; k < 8; ++k) s += x[pos[k]] * r.weight[((signs >> k) & 1) ? 2 : 6];
      if (compared_score(r, s) < best.score) continue;
      VectorKey key;
      for (int i = 0, k = 0; i < kDim; ++i) {
        const bool in = k < 8 && pos[k] == i;
        key_set(key, i, in ? (((signs >> k) & 1) ? -2 : 2) : 0);
        k += in;
      }
      offer(r, best, s, key);
    }
  }
  // Shape 3: every position j of each near-best codeword.
  for (int m = lane; m < kMessages; m += kWarp) {
    if (shape3_score(t, m, sign_sum, max_term) < floor) continue;
    const std::uint32_t c = t.codewords[m];
    double sum = 0.0;  // S(c)
    for (int i = 0; i < kDim; ++i) sum += ((c >> i) & 1) ? -x[i] : x[i];
    for (int j = 0; j < kDim; ++j) {
      if (sum + max_term_of_coordinate(r, (c >> j) & 1, x[j]) < floor) continue;
      VectorKey key;
      for (int i = 0; i < kDim; ++i) {
        const int v = ((c >> i) & 1) ? -1 : 1;
        key_set(key, i, i != j ? v : (r.leech ? -3 * v : -3));
      }
      offer(r, best, exact_score(r, x, key), key);
    }
  }
  return best;
}

// Step 4: the index of the warp's best: 0 below the zero threshold, else 1 + the rank of
// its vector among the sorted shell keys.
POLLUX_HD std::uint32_t index_of_best(const SearchRule& r, const SearchTables& t, const LaneBest& best) {
  if (below_zero_threshold(r, best.score)) return 0;
  int low = 0, high = kShellSize - 1;
  while (low < high) {
    const int mid = (low + high) / 2;
    const VectorKey k{t.keys[2 * mid], t.keys[2 * mid + 1]};
    if (key_less(k, best.key))
      low = mid + 1;
    else
      high = mid;
  }
  return std::uint32_t(low) + 1;
}

// Steps 1 to 4 on one atom whose scored coordinates are x (search_margin and the tables in
// sign_sum and max_term as scratch), run by `warp`: on the GPU the calling lane's share with
// the warp's shuffles (lattice_search.cu), on the host the 32 lanes one after another
// (emulate_warp_search). W provides each(f): f(lane) for its lanes; sync(): the lanes see each
// other's writes; max(f) and best(f): the warp's greater() and better() of f(lane).
#ifdef __CUDACC__
#pragma nv_exec_check_disable
#endif
template <typename W>
POLLUX_HD std::uint32_t search_steps(const SearchRule& r, const SearchTables& t, const W& warp, const double* x, double* sign_sum,
                                     double* max_term) {
  warp.each([&](int lane) { fill_tables(r, lane, x, sign_sum, max_term); });
  warp.sync();
  const double best = warp.max([&](int lane) { return lane_fast_best(t, lane, x, sign_sum, max_term); });
  const double margin = search_margin(x);
  if (best + 2.0 * margin < r.fast_zero_threshold) return 0;
  const double floor = candidate_floor(r, best, margin);
  return index_of_best(r, t, warp.best([&](int lane) { return lane_exact_best(r, t, lane, x, sign_sum, max_term, floor); }));
}

}  // namespace pollux::kernels
