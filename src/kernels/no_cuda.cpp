// The GPU entry points of a build without CUDA: there is no GPU to run on.
#include "pollux/base/error.h"
#include "pollux/kernels/lattice_search.h"

namespace pollux::kernels {

bool cuda_kernels_available() { return false; }

void project_rows_cuda(const lattice::Quantizer&, const float*, std::int64_t, std::int64_t, std::int32_t*, float*, float*,
                       std::int32_t*, void*) {
  throw Error("kernels", "row projection on the GPU: this build has no CUDA kernels (configure with -DPOLLUX_CUDA=ON)");
}

void project_rows_incremental_cuda(const lattice::Quantizer&, const float*, std::int64_t, std::int64_t, std::int32_t*, float*,
                                   float*, const DeviceSearchMemory&, std::int32_t*, void*) {
  throw Error("kernels", "row projection on the GPU: this build has no CUDA kernels (configure with -DPOLLUX_CUDA=ON)");
}

KernelStats search_kernel_stats(FastPass) {
  throw Error("kernels", "kernel statistics: this build has no CUDA kernels (configure with -DPOLLUX_CUDA=ON)");
}

void nearest_cuda(const lattice::Quantizer&, const float*, std::int64_t, std::int32_t*, std::int32_t*, void*, FastPass) {
  throw Error("kernels", "lattice search on the GPU: this build has no CUDA kernels (configure with -DPOLLUX_CUDA=ON)");
}

}  // namespace pollux::kernels
