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
#include <vector>

#include "pollux/lattice/quantizer.h"

namespace pollux::lattice {

// sigma_r of row r (float32, the squares summed in float64 in column order); throws
// pollux::Error for a NaN or Inf.
float row_sigma(const float* row, std::size_t cols, std::size_t r);
// Atom a of a row, scaled: (W_r / sigma_r) * C in float32.
void scaled_atom(const float* row, std::size_t a, float sigma, float* atom);

// Writes rows * cols / 24 indices and `rows` scales. Throws pollux::Error if cols % 24 != 0
// or W holds a NaN or Inf.
void project_rows(const Quantizer& quantizer, const float* w, std::size_t rows, std::size_t cols, std::uint32_t* indices,
                  float* sigma, int threads = 0);

// What incremental projection keeps of a matrix between steps (issue 19): each atom's
// scaled position at its last search and that search's certificate (quantizer.h).
struct SearchMemory {
  std::vector<float> atoms;                  // rows * cols: (W_r / sigma_r) * C at each atom's last search
  std::vector<CertifiedIndex> certificates;  // rows * cols / 24
  // Sizes the memory for a rows x cols matrix. Memory of another size is forgotten: no
  // certificate, so every atom is searched once.
  void fit(std::size_t rows, std::size_t cols);
};

// project_rows on rows [begin, end) of a matrix, searching only the atoms that left their
// certificate since their last search; the others keep the index `indices` holds on entry (the
// previous step's). Equal to project_rows bit for bit whatever `memory` and `indices` hold (a
// certificate is used only for the index it certifies; exact scoring only). Indices, sigma and
// `memory` (fitted first) are the whole matrix's, so a caller may split the rows over threads
// of its own (the trainer: ATen's, optim/lattice_projection.cpp). Returns the atoms searched.
std::size_t project_row_range_incremental(const Quantizer& quantizer, const float* w, std::size_t cols, std::size_t begin,
                                          std::size_t end, std::uint32_t* indices, float* sigma, SearchMemory& memory);

// The inverse: the forward weights from indices and row scales. Throws pollux::Error if an
// index is outside the codebook.
void reconstruct_rows(const Codebook& codebook, const std::uint32_t* indices, const float* sigma, std::size_t rows,
                      std::size_t cols, float* w);

}  // namespace pollux::lattice
