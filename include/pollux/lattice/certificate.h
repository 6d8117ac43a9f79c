// The certificate of a certified search (issue 19) and its check: one text for the CPU's
// incremental projection (lattice/row_projection.h) and the GPU's (kernels/lattice_search.h),
// so both run the same proof. Exact scoring only.
#pragma once

#include <cmath>
#include <cstdint>

#include "pollux/lattice/constants.h"
#include "pollux/lattice/host_device.h"

namespace pollux::lattice {

// A search result with its certificate. At the searched position x, `rivals` are the shell
// points that score best after the winner (index 0: none) and `others` bounds the true score
// <x, v> of every other shell point v (of every shell point when the winner is the zero
// vector), rounding included. All shell points have |v| = sqrt(32) in integer coordinates, so
// after a move to x' no other score exceeds
//   others + sqrt(32) |x' - x|,
// and certificate_holds() needs the winner's own score at x', computed, to exceed that, each
// rival's score at x', computed, and the zero threshold, all by a bound on the rounding of
// every score at x', margin(x') = 2^-38 sum_i |x'_i|. Then the nearest point of x' is the
// winner, bit for bit as a full search finds it: a proof, not a heuristic.
// Before any inner product, certificate_holds() tries the same proof with the scores at x:
// the winner's true score there is at least `winner_floor` and every rival's at most
// `rival_ceiling` (rounding included); a move by |x' - x| lowers the one and raises the others
// by at most sqrt(32) |x' - x|, so a move small beside the winner's lead needs no score at x'.
inline constexpr int kCertifiedRivals = 8;
struct CertifiedIndex {
  std::uint32_t index = 0;
  double others = INFINITY;  // +Inf: no certificate
  std::uint32_t rivals[kCertifiedRivals] = {};
  double winner_floor = -INFINITY;   // a shell winner's true score at x is at least this
  double rival_ceiling = -INFINITY;  // each rival's true score at x is at most this (-Inf: no rival)
};

// How far below the best fast score a certified search scores every vector exactly: the
// vectors below bound every score but the winner's and its rivals' by it. In integer units,
// where the best score of a row's scaled atom (coordinates of spread C) is about 25-40; some
// 5 shell points lie within 2 of the best (24 within 4). Measured on random walks of such
// atoms (experiments/projection.md): a wider window certifies longer but costs more per
// search (3.2x a plain search at 4, 1.5x at 2); 2 minimises the cost per step.
inline constexpr double kCertifyWindow = 2.0;

// <x, v> for the shell point `idx` in four partial sums: any order of the 24 additions rounds
// by less than 2^-46 sum_i |x_i| (the products x_i v_i are exact), far inside the margins
// below, and four chains instead of one quarter its latency. coordinate(idx, i) is the
// point's integer coordinate i.
template <typename Coordinate>
POLLUX_HD double certified_score(const double* x, std::uint32_t idx, const Coordinate& coordinate) {
  double s[4] = {0.0, 0.0, 0.0, 0.0};
  for (int i = 0; i < kAtomDim; i += 4)
    for (int l = 0; l < 4; ++l) s[l] += x[i + l] * double(coordinate(idx, i + l));
  return (s[0] + s[1]) + (s[2] + s[3]);
}

// Whether the nearest point of an atom that moved from `searched` (where `certificate` was
// taken) to `moved` is proven to be the certificate's index still. False for NaN or Inf.
template <typename Coordinate>
POLLUX_HD bool certificate_holds(const float* searched, const float* moved, const CertifiedIndex& certificate,
                                 const Coordinate& coordinate) {
  double x[kAtomDim], squares_l[4] = {0.0, 0.0, 0.0, 0.0}, abs_l[4] = {0.0, 0.0, 0.0, 0.0};
  for (int i = 0; i < kAtomDim; i += 4)
    for (int l = 0; l < 4; ++l) {
      x[i + l] = double(moved[i + l]);
      const double d = x[i + l] - double(searched[i + l]);
      squares_l[l] += d * d;
      abs_l[l] += fabs(x[i + l]);
    }
  const double squares = (squares_l[0] + squares_l[1]) + (squares_l[2] + squares_l[3]);
  const double abs_sum = (abs_l[0] + abs_l[1]) + (abs_l[2] + abs_l[3]);
  const double root32 = sqrt(32.0);
  // margin(x') bounds the rounding of every score at x' as a search computes it, fast or
  // exact, and of the inner products below. The difference, the sum of squares, the roots and
  // the product are a few roundings of relative 2^-53 each: the factor 1 + 2^-40 covers them.
  const double margin = abs_sum * 0x1p-38;
  const double reach = root32 * sqrt(squares) * (1.0 + 0x1p-40);  // how far any score can have moved
  const double others = certificate.others + reach + margin;
  if (certificate.index == 0) return others < root32;  // every score stays below the zero threshold
  // The scores at x moved by at most `reach`: no inner product at x' at all.
  const double winner_low = certificate.winner_floor - reach - margin;
  if (winner_low > root32 && winner_low > others && winner_low > certificate.rival_ceiling + reach + margin) return true;
  // Else the winner's and the rivals' own scores at x'.
  const double winner = certified_score(x, certificate.index, coordinate) - 2.0 * margin;
  if (!(winner > others && winner > root32)) return false;  // false for a NaN anywhere
  for (int k = 0; k < kCertifiedRivals; ++k) {
    const std::uint32_t rival = certificate.rivals[k];  // index 0: no rival (it would score 0 < root32 < winner)
    if (rival != 0 && !(certified_score(x, rival, coordinate) + 2.0 * margin < winner)) return false;
  }
  return true;
}

}  // namespace pollux::lattice
