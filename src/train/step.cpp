#include "pollux/train/step.h"

#include <ATen/autocast_mode.h>

namespace pollux {

ForwardOptions forward_options(const Config& config) { return {config.precision == "bf16-autocast", config.loss_chunk}; }

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
                            const std::function<std::pair<at::Tensor, at::Tensor>()>& next_batch,
                            const ForwardOptions& options, int divisor) {
  if (divisor == 0) divisor = micro_batches;
  for (auto& p : model.parameters()) p.value.mutable_grad() = at::Tensor();
  at::Tensor sum;  // float64, on the device of the losses
  for (int micro = 0; micro < micro_batches; ++micro) {
    auto [x, y] = next_batch();
    at::Tensor loss = forward_loss(model, x, y, options);
    (loss / double(divisor)).backward();
    const at::Tensor l = loss.detach().to(at::kDouble);
    sum = micro == 0 ? l : sum + l;
  }
  return sum.item<double>() / divisor;
}

}  // namespace pollux
