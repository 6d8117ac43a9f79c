// A .plx model of a given shape with random lattice weights, built in memory without
// training: for timing the runtimes at full size (pollux-bench decode --config).
#pragma once

#include <cstdint>

#include "pollux/infer/lut_model.h"
#include "pollux/lattice/plx.h"

namespace pollux::infer {

// Version 5: every matrix as uniform random codebook indices and row scales that keep the
// activations of order one; gains 1.
lattice::PlxFile random_model_file(const ModelShape& shape, lattice::CodebookVariant codebook, std::uint64_t seed);

}  // namespace pollux::infer
