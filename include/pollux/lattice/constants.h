// The constants of the method (spec section 1). Everything is derived from the two axioms
// C = sqrt(2) (Leech covering radius over packing radius) and gamma = G24 (normalized second
// moment of the Leech Voronoi cell); nothing here is a tuning knob.
#pragma once

#include <cmath>

namespace pollux::lattice {

inline constexpr int kAtomDim = 24;  // H24_DIM: width of one atom

inline const double kC = std::sqrt(2.0);           // topological friction C
inline constexpr double kGamma = 0.065771;         // G24
inline const double kLatticeScale = 1.0 / kC;      // s_lattice: lattice -> latent units
inline constexpr double kEpsilon = 1e-8;           // numerical guard, RMSNorm epsilon
inline const double kGeometricSlack = kC - 1.0;    // clamp half-width of 1-D gains
inline const double kKinematicLimit = (kC - 1.0) / 2.0;  // per-atom step cap, lattice units
inline const double kCriticalDim = (kAtomDim * kC) * (kAtomDim * kC);  // d* = 1152
inline const double kBeta1 = 1.0 - std::sqrt(kGamma);
inline const double kBeta2 = 1.0 - kGamma;
inline constexpr double kHeatRate = kGamma / kAtomDim;  // heat EMA rate
inline constexpr double kHeatFloor = kGamma;            // Voronoi jitter floor

}  // namespace pollux::lattice
