// The lut runtime's product on a GPU (issue 33 item 5): y = x W^T with W as codebook indices
// and row scales (lut_model.h), nothing expanded to floats. One warp per (token, row): lane l
// takes atoms l, l + 32, ... of the row, each atom's 24 products one fused multiply-add after
// another (atom_dot), the 32 partial sums meet in a butterfly (xor 16, 8, 4, 2, 1), and lane 0
// multiplies by the row's scale. lut_matmul_twin is that arithmetic on the host, bit for bit
// (fmaf is fmaf on both; the build never contracts host arithmetic), so the kernel is tested
// everywhere through its twin and against the CPU kernels (infer::matmul, another summation
// order: equal within float rounding), and on a GPU against the twin.
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "pollux/infer/lut_model.h"
#include "pollux/lattice/constants.h"

#ifdef __CUDACC__
#define POLLUX_LUT_HD __host__ __device__ __forceinline__
#else
#define POLLUX_LUT_HD inline
#endif

namespace pollux::infer {

constexpr int kLutWarp = 32;

// <c, x> for one atom: its 24 integer coordinates and 24 activations, in coordinate order.
POLLUX_LUT_HD float atom_dot(const std::int8_t* c, const float* x) {
  float s = 0;
  for (int k = 0; k < lattice::kAtomDim; ++k) s = fmaf(float(c[k]), x[k], s);
  return s;
}

// A RowMatrix as the device holds it: a table of 24-byte integer atoms and, per row, the
// index of each atom in it (rows x per_row, row-major). Lattice matrices point into the
// codebook's integer table (196,561 rows); the int8 rows of a v4 file into their own.
struct FlatRows {
  const std::int8_t* table = nullptr;
  std::size_t table_rows = 0;
  std::vector<std::uint32_t> index;
};
// From any index form (packed, unpacked, shell codes); throws pollux::Error for a plain
// float32 matrix (v4's pos_emb), which has no atoms.
FlatRows flatten(const RowMatrix& w);

// y (count x rows) = x (count x cols) W^T as the kernel computes it, on the host.
void lut_matmul_twin(const std::int8_t* table, const std::uint32_t* index, const float* scale, std::size_t rows, std::size_t cols,
                     const float* x, std::size_t count, float* y);

// Whether this build has the kernel (CUDA); a GPU must also be present to run it.
bool lut_cuda_available();
// The same on the device, in `stream` (a cudaStream_t; null: the default stream). Every
// pointer is device memory: table (table rows x 24 int8), index (rows x cols / 24), scale
// (rows), x (count x cols), y (count x rows). Throws pollux::Error for cols not a positive
// multiple of 24, a launch that fails, or a build without CUDA.
void lut_matmul_cuda(const std::int8_t* table, const std::uint32_t* index, const float* scale, std::size_t rows, std::size_t cols,
                     const float* x, std::size_t count, float* y, void* stream);

}  // namespace pollux::infer
