// deterministic = true (issue 33, item 4): a CUDA run whose weights depend on its seed and
// data alone, so that two runs, or one run stopped and resumed, end bit for bit alike.
#pragma once

#include "pollux/config/config.h"

namespace pollux {

// Before the run's first CUDA kernel, when config.deterministic: ATen's deterministic
// algorithms (an op without a deterministic kernel stops the run with an error instead of
// racing), cuBLAS's fixed workspace (CUBLAS_WORKSPACE_CONFIG=:4096:8, read when the first
// cuBLAS handle is made), cuDNN without autotuning and on deterministic algorithms, and
// scaled-dot-product attention on its math backend (the flash, memory-efficient and cuDNN
// backwards accumulate with atomics). Our own kernels (the lattice search) write each atom's
// answer from one warp and need nothing. The CPU is deterministic already: no change there.
void make_deterministic(const Config& config);

}  // namespace pollux
