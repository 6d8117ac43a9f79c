// The GPU look-up product in a build without CUDA: there is no GPU to run on.
#include "pollux/base/error.h"
#include "pollux/infer/lut_cuda.h"

namespace pollux::infer {

bool lut_cuda_available() { return false; }

void lut_matmul_cuda(const std::int8_t*, const std::uint32_t*, const float*, std::size_t, std::size_t, const float*, std::size_t,
                     float*, void*) {
  throw Error("infer", "the look-up product on the GPU: this build has no CUDA (configure with -DPOLLUX_CUDA=ON)");
}

}  // namespace pollux::infer
