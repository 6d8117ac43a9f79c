// The forward/backward half of a training step, shared by pollux-train and pollux-bench.
#pragma once

#include <ATen/ATen.h>

#include <functional>
#include <utility>

#include "pollux/model/model.h"

namespace pollux {

// Mean CE of targets y under the model on inputs x; on CUDA with bf16 autocast when
// `autocast` (TF32 off is set by the caller), float32 otherwise and always on the CPU.
at::Tensor forward_loss(const PolluxModel& model, const at::Tensor& x, const at::Tensor& y, bool autocast = true);

// Clears the gradients, runs `micro_batches` forward/backward passes on batches from
// next_batch (inputs, targets), accumulating the gradients of loss / divisor, and returns
// the sum of CE / divisor over them: the mean CE when divisor is micro_batches (0 says so);
// a rank of a data-parallel run divides by the step's micro-batches over all ranks. The
// losses are summed on the device: one synchronisation per step, not one per micro-batch.
double accumulate_gradients(PolluxModel& model, int micro_batches,
                            const std::function<std::pair<at::Tensor, at::Tensor>()>& next_batch, bool autocast = true,
                            int divisor = 0);

}  // namespace pollux
