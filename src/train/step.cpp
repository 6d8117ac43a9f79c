#include "pollux/train/step.h"

#include <ATen/autocast_mode.h>
#include <ATen/core/grad_mode.h>
#include <ATen/record_function.h>

#include "pollux/base/error.h"
#include "pollux/base/stop_signal.h"
#include "pollux/optim/optimizer.h"

#ifdef POLLUX_WITH_CUDA
#include <c10/cuda/CUDACachingAllocator.h>
#endif

namespace pollux {

ForwardOptions forward_options(const Config& config) { return {config.precision == Precision::bf16_autocast, config.loss_chunk}; }

at::Tensor forward_loss(const PolluxModel& model, const at::Tensor& x, const at::Tensor& y, const ForwardOptions& options) {
  if (!x.is_cuda() || !options.autocast) return model.training_loss(x, y, options.loss_chunk);
  at::autocast::set_autocast_enabled(at::kCUDA, true);
  at::autocast::set_autocast_dtype(at::kCUDA, at::kBFloat16);
  at::Tensor loss = model.training_loss(x, y, options.loss_chunk);
  at::autocast::set_autocast_enabled(at::kCUDA, false);
  at::autocast::clear_cache();
  return loss;
}

double accumulate_gradients(PolluxModel& model, int micro_batches,
                            const std::function<std::pair<at::Tensor, at::Tensor>()>& next_batch, const ForwardOptions& options,
                            int divisor) {
  if (divisor == 0) divisor = micro_batches;
  for (auto& p : model.parameters()) p.value.mutable_grad() = at::Tensor();
  at::Tensor sum;  // float64, on the device of the losses
  for (int micro = 0; micro < micro_batches; ++micro) {
    auto [x, y] = next_batch();
    at::Tensor loss;
    {
      RECORD_USER_SCOPE("pollux::forward");
      loss = forward_loss(model, x, y, options);
    }
    {
      RECORD_USER_SCOPE("pollux::backward");
      (loss / double(divisor)).backward();
    }
    const at::Tensor l = loss.detach().to(at::kDouble);
    sum = micro == 0 ? l : sum + l;
  }
  return sum.item<double>() / divisor;
}

StepStats optimizer_step(Optimizer& optimizer, double ce_mean, const Config& config) {
  RECORD_USER_SCOPE(config.optimizer_kind() == OptimizerKind::pollux ? "pollux::pollux_step" : "pollux::adamw_step");
  return optimizer.step(ce_mean);
}

std::pair<at::Tensor, at::Tensor> window_batch(const TokenFile& file, const std::vector<std::size_t>& offsets,
                                               std::size_t seq_len, at::Device device) {
  const auto rows = std::int64_t(offsets.size()), T = std::int64_t(seq_len);
  at::Tensor x = at::empty({rows, T}, at::kLong), y = at::empty({rows, T}, at::kLong);
  fill_windows(file, offsets, seq_len, x.data_ptr<std::int64_t>(), y.data_ptr<std::int64_t>());
  return {x.to(device), y.to(device)};
}

double held_out_loss(const PolluxModel& model, const TokenFile& file, const Config& config, at::Device device) {
  at::NoGradGuard no_grad;
  const std::size_t seq_len = std::size_t(config.model.seq_len), window = seq_len + 1;
  if (file.size() < window) throw Error("train", "validation file " + file.path() + " is shorter than one window");
  const std::size_t count = std::size_t(config.eval_batches) * std::size_t(config.micro_batch);
  const std::size_t span = file.size() - window;
  double sum = 0;
  for (int b = 0; b < config.eval_batches; ++b) {
    std::vector<std::size_t> offsets;
    for (int r = 0; r < config.micro_batch; ++r) {
      const std::size_t k = std::size_t(b) * std::size_t(config.micro_batch) + std::size_t(r);
      offsets.push_back(count > 1 ? span * k / (count - 1) : 0);
    }
    throw_if_stopped();
    auto [x, y] = window_batch(file, offsets, seq_len, device);
    sum += forward_loss(model, x, y, forward_options(config)).item<double>();
  }
  return sum / config.eval_batches;
}

std::int64_t device_peak_bytes(const at::Device& device, bool reset) {
#ifdef POLLUX_WITH_CUDA
  if (device.is_cuda()) {
    namespace alloc = c10::cuda::CUDACachingAllocator;
    if (reset) alloc::resetPeakStats(device.index());
    const auto stats = alloc::getDeviceStats(device.index());
    return stats.allocated_bytes[std::size_t(c10::CachingAllocator::StatType::AGGREGATE)].peak;
  }
#endif
  (void)device;
  (void)reset;
  return 0;
}

}  // namespace pollux
