// The constants of the method (spec section 1). Everything is derived from the two axioms
// C = sqrt(2) (Leech covering radius over packing radius) and gamma = G24 (normalized second
// moment of the Leech Voronoi cell); nothing here is a tuning knob.
#pragma once

#include <cmath>
#include <cstdint>

namespace pollux::lattice {

inline constexpr int kAtomDim = 24;  // H24_DIM: width of one atom

// The codebook (spec section 2): the extended Golay code's 2^12 codewords, 759 of them octads
// (weight 8), and the Leech lattice's 196,560 minimal vectors; index 0 is the zero vector.
inline constexpr int kGolayMessages = 4096;
inline constexpr int kOctadCount = 759;
inline constexpr int kShellSize = 196560;
inline constexpr int kCodebookSize = kShellSize + 1;
// Its indices on disk and on the wire (spec section 6): 18 bits each, four in nine bytes.
inline constexpr int kIndexBits = 18;
inline constexpr std::uint32_t kIndexMask = (1u << kIndexBits) - 1;
inline constexpr int kIndicesPerGroup = 4;
inline constexpr int kGroupBytes = 9;
static_assert(kCodebookSize <= 1 << kIndexBits, "an index must hold every codebook row");
static_assert(kIndicesPerGroup * kIndexBits == 8 * kGroupBytes, "a group of indices fills its bytes");

inline const double kC = std::sqrt(2.0);                               // topological friction C
inline constexpr double kGamma = 0.065771;                             // G24
inline const double kLatticeScale = 1.0 / kC;                          // s_lattice: lattice -> latent units
inline constexpr double kEpsilon = 1e-8;                               // numerical guard, RMSNorm epsilon
inline const double kGeometricSlack = kC - 1.0;                        // clamp half-width of 1-D gains
inline const double kKinematicLimit = (kC - 1.0) / 2.0;                // per-atom step cap, lattice units
inline const double kCriticalDim = (kAtomDim * kC) * (kAtomDim * kC);  // d* = 1152
inline const double kBeta1 = 1.0 - std::sqrt(kGamma);
inline const double kBeta2 = 1.0 - kGamma;
inline constexpr double kHeatRate = kGamma / kAtomDim;  // heat EMA rate
inline constexpr double kHeatFloor = kGamma;            // Voronoi jitter floor

}  // namespace pollux::lattice
