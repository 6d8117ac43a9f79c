#include "pollux/lattice/row_projection.h"

#include <cmath>
#include <string>

#include "pollux/base/error.h"
#include "pollux/base/parallel.h"
#include "pollux/lattice/constants.h"

namespace pollux::lattice {
namespace {

void check_width(std::size_t cols) {
  if (cols == 0 || cols % kAtomDim != 0)
    throw Error("lattice", "row width " + std::to_string(cols) + " is not a positive multiple of 24");
}

}  // namespace

void project_rows(const Quantizer& quantizer, const float* w, std::size_t rows, std::size_t cols,
                  std::uint32_t* indices, float* sigma, int threads) {
  check_width(cols);
  const std::size_t per_row = cols / kAtomDim;
  const float c = float(kC), eps = float(kEpsilon);
  parallel_for(rows, threads, std::max<std::size_t>(1, 4096 / per_row), [&](std::size_t begin, std::size_t end) {
    float atom[kAtomDim];
    for (std::size_t r = begin; r < end; ++r) {
      const float* row = w + r * cols;
      double squares = 0.0;
      for (std::size_t j = 0; j < cols; ++j) squares += double(row[j]) * row[j];
      const float s = std::sqrt(float(squares / double(cols)) + eps);
      if (!std::isfinite(s)) throw Error("lattice", "row " + std::to_string(r) + " holds a NaN or Inf");
      sigma[r] = s;
      for (std::size_t a = 0; a < per_row; ++a) {
        for (int k = 0; k < kAtomDim; ++k) atom[k] = (row[a * kAtomDim + k] / s) * c;
        indices[r * per_row + a] = quantizer.nearest(atom);
      }
    }
  });
}

void reconstruct_rows(const Codebook& codebook, const std::uint32_t* indices, const float* sigma,
                      std::size_t rows, std::size_t cols, float* w) {
  check_width(cols);
  const std::size_t per_row = cols / kAtomDim;
  const float s_lattice = float(kLatticeScale);
  for (std::size_t r = 0; r < rows; ++r)
    for (std::size_t a = 0; a < per_row; ++a) {
      std::uint32_t idx = indices[r * per_row + a];
      if (idx >= Codebook::kSize)
        throw Error("lattice", "codebook index " + std::to_string(idx) + " (row " + std::to_string(r) +
                                   ") is outside the 196,561-entry codebook");
      const float* v = codebook.row(idx);
      float* out = w + r * cols + a * kAtomDim;
      for (int k = 0; k < kAtomDim; ++k) out[k] = (v[k] * sigma[r]) * s_lattice;
    }
}

}  // namespace pollux::lattice
