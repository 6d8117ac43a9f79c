// Exact nearest-point search in {0} U shell (spec section 3), fast and brute force.
//
// What "exact" means here, for both paths alike:
//   score(v) = sum_{i=0..23} x_i * v_i, evaluated in float64 in that order, with v in
//   integer coordinates (codebook x sqrt(8)), so the geometry is the lattice's own and not
//   that of the float32-rounded table.
//   The winner is the shell point of highest score; among equal scores, the smallest index.
//   The zero vector (index 0) wins iff that score < 2 sqrt(8), i.e. 2 s* < 4 in codebook
//   units; on exact equality the shell point wins.
//
// The fast path (spec section 3a) scores the three shapes through the Golay code: shape 1
// from the two largest |x_i|, shape 2 per octad, shape 3 for all 4,096 codewords at once
// from four 64-entry tables per atom (sign sums and per-coordinate maxima of the 6-bit
// halves of the information and check positions). Its scores differ from score(v) by
// rounding only (float64, but for the 4,096 codeword sums of shape 3, summed in float32 on the
// atom scaled by a power of two); every group whose fast score is within a rigorous rounding
// margin of the best is re-scored with score(v), so the answer equals the brute force on
// every input.
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>

#include "pollux/lattice/certificate.h"
#include "pollux/lattice/codebook.h"

namespace pollux::lattice {

// How candidates are scored.
//   exact           score(v) above: the true nearest point.
//   reference_bf16  what the reference implementation computes (its trajectory fixture was
//                   made with it, on CPU too): the atom rounded to bfloat16 (nearest even),
//                   scored against the bfloat16-rounded float table, the score itself rounded
//                   to float32 and then to bfloat16 (a bf16 matrix product), the first index
//                   among equal rounded scores, zero iff 2 s* < 4. It differs from the exact
//                   answer on several percent of atoms; offered for parity with reference
//                   runs, never the default.
// Both are searched the same fast way, exactly with respect to their own score.
enum class Scoring : std::uint8_t { exact, reference_bf16 };

// score(v) above. atom: 24 values; integer_vector: 24 integer coordinates.
double atom_score(const float* atom, const std::int8_t* integer_vector);
double atom_score(const double* atom, const std::int8_t* integer_vector);

class Quantizer {
 public:
  explicit Quantizer(const Codebook& codebook, Scoring scoring = Scoring::exact);
  const Codebook& codebook() const { return codebook_; }
  Scoring scoring() const { return scoring_; }

  // Index of the nearest point to one atom (24 values). Throws pollux::Error on NaN or Inf.
  std::uint32_t nearest(const float* atom) const;
  std::uint32_t nearest(const double* atom) const;
  // The same for `count` consecutive atoms (count x 24 floats), on `threads` threads
  // (0 = all cores).
  void nearest(const float* atoms, std::size_t count, std::uint32_t* indices, int threads = 0) const;

  // nearest() with its certificate (lattice/certificate.h; exact scoring, throws
  // pollux::Error under reference_bf16). The search scores more candidates exactly, which costs a little.
  CertifiedIndex nearest_certified(const float* atom) const;
  // lattice::certificate_holds() with this codebook's rows.
  bool certificate_holds(const float* searched, const float* moved, const CertifiedIndex& certificate) const;
  // Starts loading the codebook rows certificate_holds() may read for `certificate` (its
  // winner's and rivals'): scattered over a 4.7 MB table, they miss the cache otherwise.
  void prefetch(const CertifiedIndex& certificate) const {
    __builtin_prefetch(codebook_.integer_row(certificate.index));
    for (const std::uint32_t rival : certificate.rivals) __builtin_prefetch(codebook_.integer_row(rival));
  }

  // The slow reference: the score of all 196,560 shell points.
  std::uint32_t nearest_brute_force(const float* atom) const;
  std::uint32_t nearest_brute_force(const double* atom) const;

  // The scoring rule as the fast path uses it (for the GPU search, kernels/warp_search.h):
  // the score weight of integer coordinate k at [k + 4], the bf16 excess of the 3 in units
  // of w(1), and the zero threshold in those units.
  const double* score_weights() const { return weight_; }
  double three_excess() const { return three_excess_; }
  double fast_zero_threshold() const { return fast_zero_threshold_; }

 private:
  // The nearest index; with `certificate` non-null (exact scoring) also its certificate.
  template <typename T>
  std::uint32_t search(const T* atom, CertifiedIndex* certificate = nullptr) const;
  template <typename T>
  std::uint32_t brute_force(const T* atom) const;
  // The coordinates as the scoring sees them (bf16-rounded for reference_bf16).
  template <typename T>
  void scored_coordinates(const T* atom, double* x) const;
  // z_i(bit) of the shape-3 score for coordinate value x (spec section 3a), with the bf16
  // excess of the 3 under reference_bf16 scoring.
  double max_term_of_coordinate(bool bit, double x) const;
  bool below_zero_threshold(double score) const;  // of a score in the scoring's own units
  // Fast scores below this floor cannot win against a best fast score `best`.
  double candidate_floor(double best, double margin) const;
  const Codebook& codebook_;
  bool leech_;
  Scoring scoring_;
  double weight_[9];                              // score weight of integer coordinate k at [k + 4]
  double three_excess_;                           // w(3) / w(1) - 3: 0 for exact scoring
  double fast_zero_threshold_;                    // the zero threshold in fast-path units (w(1) = 1)
  std::uint32_t codewords_[kGolayMessages];       // Golay codeword of each message
  std::uint16_t check_bits_[kGolayMessages];      // golay_check_bits of each message
  std::uint8_t octad_groups_[kOctadCount][4];     // its bits in each 6-bit coordinate group
  std::uint8_t octad_positions_[kOctadCount][8];  // the 8 coordinates of each octad
};

}  // namespace pollux::lattice
