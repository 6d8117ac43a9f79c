// The forward/backward half of a training step and the optimizer step, shared by pollux-train
// and pollux-bench, under the profiler ranges "pollux::forward", "pollux::backward" and
// "pollux::pollux_step" (train/profiler.h).
#pragma once

#include <ATen/ATen.h>

#include <functional>
#include <utility>
#include <vector>

#include "pollux/config/config.h"
#include "pollux/data/token_file.h"
#include "pollux/model/model.h"

namespace pollux {

class Optimizer;
struct StepStats;

// How the training forward pass runs: bf16 autocast on CUDA (TF32 off is set by the caller;
// float32 otherwise and always on the CPU), and the loss_chunk of PolluxModel::training_loss.
struct ForwardOptions {
  bool autocast = true;
  std::int64_t loss_chunk = 0;
};
ForwardOptions forward_options(const Config& config);

// Mean CE of targets y under the model on inputs x.
at::Tensor forward_loss(const PolluxModel& model, const at::Tensor& x, const at::Tensor& y, const ForwardOptions& options = {});

// Clears the gradients, runs `micro_batches` forward/backward passes on batches from
// next_batch (inputs, targets), accumulating the gradients of loss / divisor, and returns
// the sum of CE / divisor over them: the mean CE when divisor is micro_batches (0 says so);
// a rank of a data-parallel run divides by the step's micro-batches over all ranks. The
// losses are summed on the device: one synchronisation per step, not one per micro-batch.
double accumulate_gradients(PolluxModel& model, int micro_batches,
                            const std::function<std::pair<at::Tensor, at::Tensor>()>& next_batch,
                            const ForwardOptions& options = {}, int divisor = 0);

// optimizer.step(ce_mean) under the range "pollux::pollux_step" (config.quantizer = none:
// "pollux::adamw_step").
StepStats optimizer_step(Optimizer& optimizer, double ce_mean, const Config& config);

// Inputs and targets of the windows of `file` that start at `offsets` (seq_len + 1 tokens
// each), on `device`.
std::pair<at::Tensor, at::Tensor> window_batch(const TokenFile& file, const std::vector<std::size_t>& offsets,
                                               std::size_t seq_len, at::Device device);

// Peak bytes the CUDA caching allocator handed out on `device` since the last reset (0 on the
// CPU); `reset` starts a new count.
std::int64_t device_peak_bytes(const at::Device& device, bool reset);

// Mean CE over config.eval_batches micro-batches of evenly spaced windows of `file` (the same
// windows every time, so values along a run compare).
double held_out_loss(const PolluxModel& model, const TokenFile& file, const Config& config, at::Device device);

}  // namespace pollux
