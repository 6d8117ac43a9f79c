// Row projection of a latent matrix onto the lattice (spec section 3) and its inverse.
//
//   sigma_r = sqrt(mean_j W_rj^2 + eps)                 one scale per row
//   atoms of (W_r / sigma_r) * C are quantized           C = sqrt(2)
//   weight  = codebook[idx] * sigma_r * s_lattice        s_lattice = 1 / C
//
// W is rows x cols, row-major float32, cols a multiple of 24. Atom a of row r covers
// columns 24a .. 24a+23; indices are stored row by row (rows x cols/24).
// Arithmetic is float32 as in the reference (the sum of squares is accumulated in float64).
#pragma once

#include <cstddef>
#include <cstdint>

#include "pollux/lattice/quantizer.h"

namespace pollux::lattice {

// Writes rows * cols / 24 indices and `rows` scales. Throws pollux::Error if cols % 24 != 0
// or W holds a NaN or Inf.
void project_rows(const Quantizer& quantizer, const float* w, std::size_t rows, std::size_t cols,
                  std::uint32_t* indices, float* sigma, int threads = 0);

// The inverse: the forward weights from indices and row scales. Throws pollux::Error if an
// index is outside the codebook.
void reconstruct_rows(const Codebook& codebook, const std::uint32_t* indices, const float* sigma,
                      std::size_t rows, std::size_t cols, float* w);

}  // namespace pollux::lattice
