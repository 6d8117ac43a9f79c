#include "pollux/train/determinism.h"

#include <ATen/Context.h>

#include <cstdlib>

#include "pollux/base/log.h"

namespace pollux {

void make_deterministic(const Config& config) {
  if (!config.deterministic || config.device != Device::cuda) return;
  ::setenv("CUBLAS_WORKSPACE_CONFIG", ":4096:8", /*overwrite=*/1);
  at::Context& context = at::globalContext();
  context.setDeterministicAlgorithms(true, /*warn_only=*/false);
  context.setDeterministicCuDNN(true);
  context.setBenchmarkCuDNN(false);
  context.setSDPUseFlash(false);
  context.setSDPUseMemEfficient(false);
  context.setSDPUseCuDNN(false);
  context.setSDPUseMath(true);
  log::info("deterministic: ATen's deterministic algorithms, cuBLAS workspace :4096:8, attention on the math backend");
}

}  // namespace pollux
