// AdamW (decoupled weight decay on matrices only) with linear warmup and cosine decay to
// min_lr: the continuous baseline's optimizer and ternary's (BitNet b1.58 trains its latents so,
// Ma et al. 2024). With quantizer = lattice it updates latents apart from the parameters and
// projects them (optim/lattice_projection.h): the gradient of the projected weight is applied
// to the latent as is, the straight-through estimator of plain quantization-aware training.
#include <cmath>

#include <ATen/core/grad_mode.h>

#include "optimizer_parts.h"
#include "pollux/base/error.h"
#include "pollux/dist/comm.h"
#include "pollux/optim/lattice_projection.h"

namespace pollux {
namespace {

class AdamW : public Optimizer {
 public:
  // Every rank holds whole latents (the gradients are all-reduced), so each projects them alone.
  AdamW(const Config& config, PolluxModel& model, Comm* comm)
      : config_(config), model_(model), comm_(comm && comm->distributed() ? comm : nullptr), projection_(config, nullptr) {}

  double learning_rate() const {
    const double s = double(step_), warm = double(config_.warmup_steps), total = double(config_.max_steps);
    if (s < warm) return config_.lr * (s + 1) / warm;
    const double progress = std::min(1.0, (s - warm) / std::max(1.0, total - warm));
    return config_.min_lr + 0.5 * (config_.lr - config_.min_lr) * (1 + std::cos(M_PI * progress));
  }

  StepStats step(double ce_mean) override {
    if (!std::isfinite(ce_mean)) throw Error("optimizer", "the loss is not finite");
    constexpr double b1 = 0.9, b2 = 0.95, eps = 1e-8;
    const double lr = learning_rate(), t = double(step_ + 1);
    at::NoGradGuard no_grad;
    // The update norms are summed on the device: one synchronisation per step, at the end.
    const at::Device device = model_.parameters().front().value.device();
    at::Tensor force = at::zeros({}, at::TensorOptions().dtype(at::kDouble).device(device));
    projection_.begin_step(device);
    double elements = 0;
    for (auto& p : model_.parameters()) {
      if (!p.value.grad().defined()) continue;
      at::Tensor g = p.value.grad();
      if (comm_) comm_->all_reduce_sum(g);  // the gradients summed over ranks
      if (!m_.count(p.name)) {
        m_[p.name] = at::zeros_like(g);
        v_[p.name] = at::zeros_like(g);
      }
      const bool projected = projection_.projects(p);
      if (projected && !latent_.count(p.name)) {  // the latent starts as the parameter, or as start_latents gave it
        const auto start = start_.find(p.name);
        latent_[p.name] = start != start_.end() ? start->second : p.value.detach().clone();
      }
      at::Tensor u = adam_direction(m_[p.name], v_[p.name], g, b1, b2, t, lr, eps);
      at::Tensor w = projected ? latent_[p.name] : p.value.detach();
      if (p.value.dim() >= 2) w.mul_(1 - lr * config_.weight_decay);
      w.add_(u);
      if (projected) projection_.apply(p, w);
      force += u.norm().to(at::kDouble);
      elements += double(w.numel());
    }
    ++step_;
    start_.clear();
    StepStats out;
    const double force_sum = projection_.finish_step(force, out);
    out.adam_force = elements > 0 ? force_sum / elements : 0.0;
    out.lr = lr;
    return out;
  }

  OptimizerState state() const override {
    OptimizerState s = discrete_state();
    for (const auto& [name, t] : m_) s.tensors["m/" + name] = t;
    for (const auto& [name, t] : v_) s.tensors["v/" + name] = t;
    for (const auto& [name, t] : latent_) s.tensors["latent/" + name] = t;
    return s;
  }

  OptimizerState discrete_state() const override {
    OptimizerState s{step_, 0.0, {}};
    projection_.add_discrete_state(s);
    return s;
  }

  void start_latents(const std::map<std::string, at::Tensor>& latents) override {
    start_ = starting_latents(model_, latents, step_ == 0 && latent_.empty(),
                              [this](const Parameter& p) { return projection_.projects(p); });
  }

  void load_state(const OptimizerState& s) override {
    step_ = s.step;
    start_.clear();
    m_.clear();
    v_.clear();
    latent_.clear();
    projection_.clear();
    if (step_ == 0) return;
    for (auto& p : model_.parameters()) {
      m_[p.name] = state_tensor(s, "m/" + p.name, p.value.detach());
      v_[p.name] = state_tensor(s, "v/" + p.name, p.value.detach());
      if (projection_.projects(p)) latent_[p.name] = state_tensor(s, "latent/" + p.name, p.value.detach());
    }
    projection_.restore(model_, s, latent_);
  }

 private:
  const Config& config_;
  PolluxModel& model_;
  Comm* comm_;  // null on one rank
  LatticeProjection projection_;
  std::int64_t step_ = 0;
  std::map<std::string, at::Tensor> m_, v_, latent_;  // latent_: the projected parameters' (quantizer = lattice)
  std::map<std::string, at::Tensor> start_;           // start_latents', until the first step
};

}  // namespace

std::unique_ptr<Optimizer> make_adamw(const Config& config, PolluxModel& model, Comm* comm) {
  return std::make_unique<AdamW>(config, model, comm);
}

}  // namespace pollux
