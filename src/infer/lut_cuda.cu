// The lut runtime's product on a GPU: one warp per (token, row), see lut_cuda.h.
#include <cuda_runtime.h>

#include <algorithm>
#include <string>

#include "pollux/base/error.h"
#include "pollux/infer/lut_cuda.h"

namespace pollux::infer {
namespace {

constexpr int kWarpsPerBlock = 8;

__global__ void lut_rows_kernel(const std::int8_t* __restrict__ table, const std::uint32_t* __restrict__ index,
                                const float* __restrict__ scale, long long rows, long long per_row, const float* __restrict__ x,
                                long long count, float* __restrict__ y) {
  const int lane = int(threadIdx.x) % kLutWarp;
  const long long warps = (long long)gridDim.x * kWarpsPerBlock;
  const long long cols = per_row * lattice::kAtomDim;
  for (long long job = (long long)blockIdx.x * kWarpsPerBlock + threadIdx.x / kLutWarp; job < rows * count; job += warps) {
    const long long r = job % rows, t = job / rows;
    const std::uint32_t* row = index + r * per_row;
    const float* xt = x + t * cols;
    float s = 0;
    for (long long a = lane; a < per_row; a += kLutWarp) {
      // the atom's 24 bytes as three 8-byte loads (24 * index is a multiple of 8; the table
      // comes from the device allocator, aligned)
      const uint2* c8 = reinterpret_cast<const uint2*>(table + std::size_t(row[a]) * lattice::kAtomDim);
      uint2 words[3] = {c8[0], c8[1], c8[2]};
      s += atom_dot(reinterpret_cast<const std::int8_t*>(words), xt + a * lattice::kAtomDim);
    }
    for (int offset = kLutWarp / 2; offset > 0; offset /= 2) s += __shfl_xor_sync(0xffffffffu, s, offset);
    if (lane == 0) y[t * rows + r] = s * scale[r];
  }
}

}  // namespace

bool lut_cuda_available() { return true; }

void lut_matmul_cuda(const std::int8_t* table, const std::uint32_t* index, const float* scale, std::size_t rows, std::size_t cols,
                     const float* x, std::size_t count, float* y, void* stream) {
  if (cols == 0 || cols % lattice::kAtomDim != 0)
    throw Error("infer", "row width " + std::to_string(cols) + " is not a positive multiple of 24");
  if (rows == 0 || count == 0) return;
  const long long jobs = (long long)(rows * count);
  const int blocks = int(std::min<long long>((jobs + kWarpsPerBlock - 1) / kWarpsPerBlock, 1 << 20));
  lut_rows_kernel<<<blocks, kWarpsPerBlock * kLutWarp, 0, static_cast<cudaStream_t>(stream)>>>(
      table, index, scale, (long long)rows, (long long)(cols / lattice::kAtomDim), x, (long long)count, y);
  const cudaError_t status = cudaGetLastError();
  if (status != cudaSuccess) throw Error("infer", std::string("launching the look-up product: ") + cudaGetErrorString(status));
}

}  // namespace pollux::infer
