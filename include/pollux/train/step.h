// The forward/backward half of a training step, shared by pollux-train and pollux-bench.
#pragma once

#include <ATen/ATen.h>

#include <functional>
#include <utility>

#include "pollux/model/model.h"

namespace pollux {

// Mean CE of targets y under the model on inputs x; bf16 autocast on CUDA (TF32 off is set by
// the caller), float32 on the CPU.
at::Tensor forward_loss(const PolluxModel& model, const at::Tensor& x, const at::Tensor& y);

// Clears the gradients, runs `micro_batches` forward/backward passes on batches from
// next_batch (inputs, targets), accumulating the gradients of loss / micro_batches, and
// returns the mean CE over them.
double accumulate_gradients(PolluxModel& model, int micro_batches,
                            const std::function<std::pair<at::Tensor, at::Tensor>()>& next_batch);

}  // namespace pollux
