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

#include "pollux/lattice/certificate.h"
#include "pollux/lattice/constants.h"
#include "pollux/lattice/host_device.h"

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
POLLUX_HD bool key_equal(const VectorKey& a, const VectorKey& b) { return a.hi == b.hi && a.lo == b.lo; }

// The integer coordinates of a shell point (index 1..196,560) read from its key in the
// search tables: what lattice::certificate_holds() needs, without the codebook's own rows.
struct KeyCoordinates {
  const std::uint64_t* keys;  // SearchTables::keys
  POLLUX_HD int operator()(std::uint32_t idx, int i) const {
    return key_get(VectorKey{keys[2 * (idx - 1)], keys[2 * (idx - 1) + 1]}, i);
  }
};

// One lane's best so far: the compared score and its vector.
struct LaneBest {
  double score;
  VectorKey key;
};
POLLUX_HD LaneBest lane_best_none() { return {-1.0 / 0.0, VectorKey{~0ull, ~0ull}}; }
// Whether a comes before b: a higher score, or the same and a smaller vector.
POLLUX_HD bool beats(const LaneBest& a, const LaneBest& b) {
  return a.score > b.score || (a.score == b.score && key_less(a.key, b.key));
}
// The better of two. By value: `best = better(best, x)` must not read `best` while the result
// is written into it (GCC 12 at -O2 built that from references, one field at a time).
POLLUX_HD LaneBest better(LaneBest a, LaneBest b) { return beats(b, a) ? b : a; }

template <typename T>
POLLUX_HD T greater(T a, T b) {
  return a < b ? b : a;
}
template <typename T>
POLLUX_HD T lesser(T a, T b) {
  return b < a ? b : a;
}
template <typename T>
POLLUX_HD T absolute(T a) {
  return a < 0 ? -a : a;
}

// The arithmetic of the fast pass (steps 1 and 2). float64: the scored coordinates as they
// are, every fast score within 2^-45 sum|x| of the true one. float32, the lean pass: the
// coordinates scaled by the power of two that brings sum|x| into [0.5, 1) (exact in float64;
// into float32 they round only below 2^-126, by at most 2^-150 each), then float32 tables and
// scores: half the scratch and registers, every fast score within 24 roundings of 2^-24 of
// the scaled sum|x| (shape 3: 5 in a group's sum, 3 joining the groups, 6 adding the maximum
// term of magnitude up to 5 sum|x|, 10 for the bf16 excess of the 3; shape 2: 16). Step 3
// scores every candidate in float64 either way, so both give the same answer bit for bit.
enum class FastPass : std::uint8_t { float64, float32 };

// An atom's fast units and margin: fast scores times `unit` are scores; every fast score is
// within `margin` (fast units) of the true score divided by `unit`.
struct FastScale {
  double unit;
  double margin;
};
template <typename T>
POLLUX_HD FastScale fast_scale(const double* x) {
  double sum = 0.0;
  for (int i = 0; i < kDim; ++i) sum += absolute(x[i]);
  if (sizeof(T) == sizeof(double)) return {1.0, sum * 0x1p-38};  // 2^7 above the bound
  int e = 0;
  frexp(sum, &e);  // sum = m 2^e, m in [0.5, 1); e = 0 for sum = 0
  const double unit = ldexp(1.0, e);
  return {unit, (sum / unit) * 0x1p-17 + 0x1p-140};  // 2^2 above the bound; 2^-140 for the roundings below 2^-126
}

// The coordinate as the scoring sees it.
POLLUX_HD double scored_coordinate(const SearchRule& r, float v) { return r.bf16 ? double(to_bfloat16(v)) : double(v); }

// z_i(bit) of the shape-3 score (spec section 3a), with the bf16 excess of the 3.
template <typename T>
POLLUX_HD T max_term_of_coordinate(const SearchRule& r, bool bit, T x) {
  if (!bit) return -T(4.0 + r.three_excess) * x;
  return r.leech ? T(4.0 + r.three_excess) * x : -T(2.0 + r.three_excess) * x;
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

// The margin of score(v): 2^-38 sum |x_i| (see the header).
POLLUX_HD double search_margin(const double* x) { return fast_scale<double>(x).margin; }

// Step 1: entries e = lane, lane + 32, ... of the 4 x 64 group tables, from the fast
// coordinates fx.
template <typename T>
POLLUX_HD void fill_tables(const SearchRule& r, int lane, const T* fx, T* sign_sum, T* max_term) {
  for (int e = lane; e < 4 * 64; e += kWarp) {
    const int g = e >> 6, u = e & 63;
    T s = 0, z = T(-1.0 / 0.0);
    for (int k = 0; k < 6; ++k) {
      const T xi = fx[group_position(g, k)];
      const bool bit = (u >> k) & 1;
      s += bit ? -xi : xi;
      z = greater(z, max_term_of_coordinate(r, bit, xi));
    }
    sign_sum[e] = s;
    max_term[e] = z;
  }
}

// Shape 1 (+-4, +-4): four times the two largest magnitudes.
template <typename T>
POLLUX_HD T shape1_score(const T* x) {
  T a1 = 0, a2 = 0;
  for (int i = 0; i < kDim; ++i) {
    const T a = absolute(x[i]);
    if (a > a1) {
      a2 = a1;
      a1 = a;
    } else if (a > a2)
      a2 = a;
  }
  return T(4) * (a1 + a2);
}

// Shape 2, octad o: all signs of x, but the smallest magnitude takes the wrong sign when the
// octad holds an odd number of negative coordinates.
template <typename T>
POLLUX_HD T shape2_score(const SearchTables& t, int o, const T* x) {
  T sum = 0, low = T(1.0 / 0.0);
  bool odd = false;
  for (int k = 0; k < 8; ++k) {
    const T xi = x[t.octads[o * 8 + k]];
    sum += absolute(xi);
    low = lesser(low, absolute(xi));
    odd ^= xi < 0;
  }
  return T(2) * (sum - (odd ? T(2) * low : T(0)));
}

// Shape 3, message m: S(c) + max_j z_j(c) from the group tables.
template <typename T>
POLLUX_HD T shape3_score(const SearchTables& t, int m, const T* sign_sum, const T* max_term) {
  const int r = t.check_bits[m], lo = m & 63, hi = m >> 6;
  const int e0 = lo, e1 = 64 + hi, e2 = 128 + (r & 63), e3 = 192 + (r >> 6);
  const T s = (sign_sum[e0] + sign_sum[e1]) + (sign_sum[e2] + sign_sum[e3]);
  const T z = greater(greater(max_term[e0], max_term[e1]), greater(max_term[e2], max_term[e3]));
  return s + z;
}

// Step 2: the best fast score of this lane's share.
template <typename T>
POLLUX_HD T lane_fast_best(const SearchTables& t, int lane, const T* x, const T* sign_sum, const T* max_term) {
  T best = shape1_score(x);
  for (int o = lane; o < kOctads; o += kWarp) best = greater(best, shape2_score(t, o, x));
  for (int m = lane; m < kMessages; m += kWarp) best = greater(best, shape3_score(t, m, sign_sum, max_term));
  return best;
}

// Where step 3 sends the vectors it scores exactly: wants(s) says whether a vector of score
// s is worth building its key (shape 2 prunes its sign patterns with it), offer(s, key).
// The plain search keeps the best; the certified one the best few above the floor.
struct BestSink {
  const SearchRule& r;
  LaneBest best = lane_best_none();
  POLLUX_HD bool wants(double s) const { return compared_score(r, s) >= best.score; }
  POLLUX_HD void offer(double s, const VectorKey& key) { best = better(best, LaneBest{compared_score(r, s), key}); }
};

// The best vectors one lane scored at or above the floor, best first (better()); those it
// drops score at most the last one kept. `next`: the first one the warp has not merged yet.
struct NearKeys {
  static constexpr int kCapacity = lattice::kCertifiedRivals + 2;  // the winner, its rivals, the bound
  LaneBest entry[kCapacity];
  int size = 0, next = 0;
  POLLUX_HD void offer(const LaneBest& b) {
    if (size == kCapacity && !beats(b, entry[size - 1])) return;
    int at = size < kCapacity ? size++ : size - 1;
    for (; at > 0 && beats(b, entry[at - 1]); --at) entry[at] = entry[at - 1];
    entry[at] = b;
  }
  POLLUX_HD LaneBest head() const { return next < size ? entry[next] : lane_best_none(); }
};

struct NearSink {
  double floor;
  NearKeys& near;
  POLLUX_HD bool wants(double s) const { return s >= floor; }
  POLLUX_HD void offer(double s, const VectorKey& key) {
    if (s >= floor) near.offer(LaneBest{s, key});
  }
};

// Step 3: every vector of this lane's candidates at or above `floor`, scored with score(v)
// and offered to `sink`. Octads and codewords are chosen by their fast scores (fast
// coordinates fx and tables) against `fast_floor`, floor in fast units; the rest in float64.
template <typename T, typename Sink>
POLLUX_HD void lane_rescore(const SearchRule& r, const SearchTables& t, int lane, const double* x, const T* fx, const T* sign_sum,
                            const T* max_term, double floor, double fast_floor, Sink& sink) {
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
      sink.offer(exact_score(r, x, key), key);
    }
  }
  // Shape 2: every even sign pattern of each near-best octad.
  for (int o = lane; o < kOctads; o += kWarp) {
    if (double(shape2_score(t, o, fx)) < fast_floor) continue;
    const std::uint8_t* pos = t.octads + o * 8;
    for (int signs = 0; signs < 256; ++signs) {
      int parity = 0;
      for (int k = 0; k < 8; ++k) parity ^= (signs >> k) & 1;
      if (parity) continue;
      double s = 0.0;  // the octad's terms in index order; the zeros leave the sum unchanged
      for (int k = 0; k < 8; ++k) s += x[pos[k]] * r.weight[((signs >> k) & 1) ? 2 : 6];
      if (!sink.wants(s)) continue;
      VectorKey key;
      for (int i = 0, k = 0; i < kDim; ++i) {
        const bool in = k < 8 && pos[k] == i;
        key_set(key, i, in ? (((signs >> k) & 1) ? -2 : 2) : 0);
        k += in;
      }
      sink.offer(s, key);
    }
  }
  // Shape 3: every position j of each near-best codeword.
  for (int m = lane; m < kMessages; m += kWarp) {
    if (double(shape3_score(t, m, sign_sum, max_term)) < fast_floor) continue;
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
      sink.offer(exact_score(r, x, key), key);
    }
  }
}

// Step 3 of the plain search: the exact best of this lane's candidates.
template <typename T>
POLLUX_HD LaneBest lane_exact_best(const SearchRule& r, const SearchTables& t, int lane, const double* x, const T* fx,
                                   const T* sign_sum, const T* max_term, double floor, double fast_floor) {
  BestSink sink{r};
  lane_rescore(r, t, lane, x, fx, sign_sum, max_term, floor, fast_floor, sink);
  return sink.best;
}

// The scratch of one atom's search: its scored coordinates, their fast form and the group
// tables (shared memory on the GPU, one per warp).
template <typename T>
struct SearchScratch {
  double x[kDim];
  T fx[kDim];
  T sign_sum[256];
  T max_term[256];
};

// Steps 1 and 2 on the scored coordinates in s.x: the fast coordinates and tables, and the
// warp's best fast score (fast units).
#ifdef __CUDACC__
#pragma nv_exec_check_disable
#endif
template <typename T, typename W>
POLLUX_HD double fast_pass(const SearchRule& r, const SearchTables& t, const W& warp, const FastScale& f, SearchScratch<T>& s) {
  warp.each([&](int lane) {
    for (int i = lane; i < kDim; i += kWarp) s.fx[i] = T(s.x[i] / f.unit);  // a power of two: exact in float64
  });
  warp.sync();
  warp.each([&](int lane) { fill_tables(r, lane, s.fx, s.sign_sum, s.max_term); });
  warp.sync();
  return warp.max([&](int lane) { return double(lane_fast_best(t, lane, s.fx, s.sign_sum, s.max_term)); });
}

// The index of a shell vector: 1 + the rank of its key among the sorted shell keys.
POLLUX_HD std::uint32_t index_of_key(const SearchTables& t, const VectorKey& key) {
  int low = 0, high = kShellSize - 1;
  while (low < high) {
    const int mid = (low + high) / 2;
    const VectorKey k{t.keys[2 * mid], t.keys[2 * mid + 1]};
    if (key_less(k, key))
      low = mid + 1;
    else
      high = mid;
  }
  return std::uint32_t(low) + 1;
}

// Step 4: the index of the warp's best: 0 below the zero threshold, else its vector's.
POLLUX_HD std::uint32_t index_of_best(const SearchRule& r, const SearchTables& t, const LaneBest& best) {
  return below_zero_threshold(r, best.score) ? 0 : index_of_key(t, best.key);
}

// Steps 1 to 4 on one atom whose scored coordinates are s.x (the rest of s as scratch), with
// the fast pass in T (FastPass), run by `warp`: on the GPU the calling lane's share with
// the warp's shuffles (lattice_search.cu), on the host the 32 lanes one after another
// (emulate_warp_search). W provides each(f): f(lane) for its lanes; sync(): the lanes see each
// other's writes; max(f) and best(f): the warp's greater() and better() of f(lane); slot(lane):
// where lane keeps state of its own in an array the caller gives (0 on the GPU, where each
// lane has its own array; the lane on the host).
#ifdef __CUDACC__
#pragma nv_exec_check_disable
#endif
template <typename T, typename W>
POLLUX_HD std::uint32_t search_steps(const SearchRule& r, const SearchTables& t, const W& warp, SearchScratch<T>& s) {
  const FastScale f = fast_scale<T>(s.x);
  const double best = fast_pass(r, t, warp, f, s) * f.unit, margin = f.margin * f.unit;  // score units
  if (best + 2.0 * margin < r.fast_zero_threshold) return 0;
  const double floor = candidate_floor(r, best, margin);
  return index_of_best(r, t, warp.best([&](int lane) {
    return lane_exact_best(r, t, lane, s.x, s.fx, s.sign_sum, s.max_term, floor, floor / f.unit);
  }));
}

// The certified search (lattice/certificate.h; exact scoring only) in the same steps: step 3
// scores every vector within kCertifyWindow of the best too, each lane keeps its best few
// (near[warp.slot(lane)]), and the warp merges them best first; the first is the winner (the
// plain search's answer), the next kCertifiedRivals its rivals, and the one after bounds the
// rest with the floor. The same certificate as Quantizer::nearest_certified up to the order
// of equal scores and the last bits of the floor: either is a proof on its own.
#ifdef __CUDACC__
#pragma nv_exec_check_disable
#endif
template <typename T, typename W>
POLLUX_HD lattice::CertifiedIndex certified_search_steps(const SearchRule& r, const SearchTables& t, const W& warp,
                                                         SearchScratch<T>& s, NearKeys* near) {
  const FastScale f = fast_scale<T>(s.x);
  // score units: the fast best and its margin, and the margin of score(v) (2^-38 sum|x|)
  const double best = fast_pass(r, t, warp, f, s) * f.unit, fast_margin = f.margin * f.unit, margin = search_margin(s.x);
  lattice::CertifiedIndex c;
  c.others = best + 2.0 * fast_margin;  // the zero vector's certificate: it bounds every score, rounding and all
  if (best + 2.0 * fast_margin < r.fast_zero_threshold) return c;
  const double floor = lesser(candidate_floor(r, best, fast_margin), best - lattice::kCertifyWindow);
  warp.each([&](int lane) {
    NearKeys& mine = near[warp.slot(lane)];
    mine = NearKeys{};
    NearSink sink{floor, mine};
    lane_rescore(r, t, lane, s.x, s.fx, s.sign_sum, s.max_term, floor, floor / f.unit, sink);
  });
  LaneBest top[NearKeys::kCapacity];
  int count = 0;
  for (; count < NearKeys::kCapacity; ++count) {
    const LaneBest b = warp.best([&](int lane) { return near[warp.slot(lane)].head(); });
    if (!(b.score > -1.0 / 0.0)) break;  // every lane's list is merged
    top[count] = b;
    warp.each([&](int lane) {
      NearKeys& mine = near[warp.slot(lane)];
      if (mine.next < mine.size && key_equal(mine.entry[mine.next].key, b.key)) ++mine.next;
    });
  }
  if (count == 0 || below_zero_threshold(r, top[0].score)) return c;
  c.index = index_of_key(t, top[0].key);
  c.winner_floor = top[0].score - margin;  // every score here is within `margin` of the true one
  const int rivals = count - 1 < lattice::kCertifiedRivals ? count - 1 : lattice::kCertifiedRivals;
  for (int k = 0; k < rivals; ++k) c.rivals[k] = index_of_key(t, top[k + 1].key);
  if (rivals > 0) c.rival_ceiling = top[1].score + margin;
  // A vector not kept scores below the floor by its fast score or below the last kept by score(v).
  c.others = greater(floor, count > rivals + 1 ? top[rivals + 1].score : -1.0 / 0.0) + 2.0 * greater(fast_margin, margin);
  return c;
}

}  // namespace pollux::kernels
