#include "pollux/lattice/row_projection.h"

#include <algorithm>
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

// How many atoms ahead the incremental projection prefetches a certificate's codebook rows:
// enough to cover a memory latency with a few certificate checks.
constexpr std::size_t kPrefetchAhead = 4;

std::size_t grain(std::size_t per_row) { return std::max<std::size_t>(1, 4096 / per_row); }

}  // namespace

float row_sigma(const float* row, std::size_t cols, std::size_t r) {
  double squares = 0.0;
  for (std::size_t j = 0; j < cols; ++j) squares += double(row[j]) * row[j];
  const float s = std::sqrt(float(squares / double(cols)) + float(kEpsilon));
  if (!std::isfinite(s)) throw Error("lattice", "row " + std::to_string(r) + " holds a NaN or Inf");
  return s;
}

void scaled_atom(const float* row, std::size_t a, float s, float* atom) {
  const float c = float(kC);
  for (int k = 0; k < kAtomDim; ++k) atom[k] = (row[a * kAtomDim + k] / s) * c;
}

void project_rows(const Quantizer& quantizer, const float* w, std::size_t rows, std::size_t cols, std::uint32_t* indices,
                  float* sigma, int threads) {
  check_width(cols);
  const std::size_t per_row = cols / kAtomDim;
  parallel_for(rows, threads, grain(per_row), [&](std::size_t begin, std::size_t end) {
    float atom[kAtomDim];
    for (std::size_t r = begin; r < end; ++r) {
      const float* row = w + r * cols;
      const float s = sigma[r] = row_sigma(row, cols, r);
      for (std::size_t a = 0; a < per_row; ++a) {
        scaled_atom(row, a, s, atom);
        indices[r * per_row + a] = quantizer.nearest(atom);
      }
    }
  });
}

void SearchMemory::fit(std::size_t rows, std::size_t cols) {
  if (atoms.size() == rows * cols && certificates.size() * kAtomDim == rows * cols) return;
  atoms.assign(rows * cols, 0.0f);
  certificates.assign(rows * cols / kAtomDim, CertifiedIndex{});  // no certificate: every atom is searched
}

std::size_t project_row_range_incremental(const Quantizer& quantizer, const float* w, std::size_t cols, std::size_t begin,
                                          std::size_t end, std::uint32_t* indices, float* sigma, SearchMemory& memory) {
  check_width(cols);
  const std::size_t per_row = cols / kAtomDim, last_atom = end * per_row;
  if (memory.certificates.size() < last_atom)
    throw Error("lattice", "the search memory does not cover rows " + std::to_string(begin) + " to " + std::to_string(end));
  float atom[kAtomDim];
  std::size_t searched = 0;
  for (std::size_t r = begin; r < end; ++r) {
    const float* row = w + r * cols;
    const float s = sigma[r] = row_sigma(row, cols, r);
    for (std::size_t a = 0; a < per_row; ++a) {
      const std::size_t k = r * per_row + a;
      if (k + kPrefetchAhead < last_atom) quantizer.prefetch(memory.certificates[k + kPrefetchAhead]);
      float* at_search = memory.atoms.data() + k * kAtomDim;
      scaled_atom(row, a, s, atom);
      CertifiedIndex& certificate = memory.certificates[k];
      if (certificate.index == indices[k] && quantizer.certificate_holds(at_search, atom, certificate))
        continue;  // the index stands
      certificate = quantizer.nearest_certified(atom);
      indices[k] = certificate.index;
      std::copy(atom, atom + kAtomDim, at_search);
      ++searched;
    }
  }
  return searched;
}

void reconstruct_rows(const Codebook& codebook, const std::uint32_t* indices, const float* sigma, std::size_t rows,
                      std::size_t cols, float* w) {
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
