// The host half of the GPU look-up product (lut_cuda.h): a RowMatrix flattened for the
// device, and the kernel's arithmetic on the host.
#include <array>
#include <string>

#include "pollux/base/error.h"
#include "pollux/infer/lut_cuda.h"
#include "pollux/infer/shell_code.h"
#include "pollux/lattice/codebook.h"

namespace pollux::infer {

FlatRows flatten(const RowMatrix& w) {
  if (!w.dense.empty()) throw Error("infer", "a float32 matrix has no atoms to look up (it stays dense)");
  const std::size_t n = w.per_row();
  FlatRows f;
  f.index.resize(w.rows * n);
  if (!w.own_table.empty()) {  // row r's atoms are its own table's rows r * n + a
    f.table = w.own_table.data();
    f.table_rows = w.own_table.size() / lattice::kAtomDim;
    for (std::size_t i = 0; i < f.index.size(); ++i) f.index[i] = std::uint32_t(i);
    return f;
  }
  f.table = w.table;
  f.table_rows = lattice::Codebook::kSize;
  if (!w.shell.empty()) {
    const std::vector<std::uint32_t>& index_of = shell::recoding(w.variant).index_of_code;
    for (std::size_t r = 0; r < w.rows; ++r)
      for (std::size_t a = 0; a < n; ++a) f.index[r * n + a] = index_of[shell::code_at(w.shell.data(), n, r, a)];
    return f;
  }
  std::vector<std::uint32_t> scratch(n);
  for (std::size_t r = 0; r < w.rows; ++r) {
    const RowMatrix::Atoms at = w.atoms(r, scratch.data());
    std::copy(at.index, at.index + n, f.index.begin() + std::ptrdiff_t(r * n));
  }
  return f;
}

void lut_matmul_twin(const std::int8_t* table, const std::uint32_t* index, const float* scale, std::size_t rows, std::size_t cols,
                     const float* x, std::size_t count, float* y) {
  if (cols == 0 || cols % lattice::kAtomDim != 0)
    throw Error("infer", "row width " + std::to_string(cols) + " is not a positive multiple of 24");
  const std::size_t n = cols / lattice::kAtomDim;
  for (std::size_t t = 0; t < count; ++t)
    for (std::size_t r = 0; r < rows; ++r) {
      std::array<float, kLutWarp> lane{};
      for (std::size_t a = 0; a < n; ++a)
        lane[a % kLutWarp] +=
            atom_dot(table + std::size_t(index[r * n + a]) * lattice::kAtomDim, x + t * cols + a * lattice::kAtomDim);
      for (int offset = kLutWarp / 2; offset > 0; offset /= 2) {  // __shfl_xor_sync's butterfly
        const std::array<float, kLutWarp> before = lane;
        for (int l = 0; l < kLutWarp; ++l) lane[std::size_t(l)] = before[std::size_t(l)] + before[std::size_t(l ^ offset)];
      }
      y[t * rows + r] = lane[0] * scale[r];
    }
}

}  // namespace pollux::infer
