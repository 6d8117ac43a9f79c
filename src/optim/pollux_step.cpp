// pollux_step (spec section 5) and the continuous AdamW baseline.
#include <cmath>

#include <ATen/core/grad_mode.h>

#include "pollux/base/error.h"
#include "pollux/kernels/lattice_search.h"
#include "pollux/lattice/constants.h"
#include "pollux/lattice/row_projection.h"
#include "pollux/optim/optimizer.h"

namespace pollux {
namespace {

using namespace lattice;

at::Tensor need(const OptimizerState& state, const std::string& key, const at::Tensor& like) {
  auto it = state.tensors.find(key);
  if (it == state.tensors.end()) throw Error("optimizer", "state tensor " + key + " is missing");
  if (!it->second.sizes().equals(like.sizes()))
    throw Error("optimizer", "state tensor " + key + " has the wrong shape");
  return it->second.to(like.device(), it->second.scalar_type()).clone();
}

// Writes codebook[idx] * sigma * s_lattice into `weight` (rows x cols, any device).
void write_forward_weight(at::Tensor& weight, const LatticeWeight& lw, const Codebook& codebook) {
  const std::int64_t rows = weight.size(0), cols = weight.numel() / rows;
  const at::Tensor idx = lw.indices.to(at::kCPU).contiguous(), sigma = lw.sigma.to(at::kCPU).contiguous();
  at::Tensor w = at::empty({rows, cols}, at::kFloat);
  reconstruct_rows(codebook, reinterpret_cast<const std::uint32_t*>(idx.data_ptr<std::int32_t>()), sigma.data_ptr<float>(),
                   std::size_t(rows), std::size_t(cols), w.data_ptr<float>());
  weight.detach().copy_(w.view(weight.sizes()));
}

// Projects a latent matrix onto the lattice (spec section 3) and writes the forward weights
// into `weight`; returns the discrete form, on the latent's device. On a GPU the kernels of
// kernels/lattice_search.h do it in place and only set `bad` (a device flag) for a NaN or Inf;
// the CPU path throws at once.
LatticeWeight project(const Quantizer& quantizer, const at::Tensor& latent, at::Tensor& weight, at::Tensor& bad) {
  const std::int64_t rows = latent.size(0), cols = latent.numel() / rows;
  if (latent.is_cuda()) {
    const at::Tensor l = latent.detach().contiguous();
    LatticeWeight out{at::empty({rows, cols / 24}, l.options().dtype(at::kInt)), at::empty({rows}, l.options())};
    const bool direct = weight.is_contiguous() && weight.scalar_type() == at::kFloat;
    at::Tensor w = direct ? weight.detach() : at::empty_like(l);
    kernels::project_rows_cuda(quantizer, l.data_ptr<float>(), rows, cols, out.indices.data_ptr<std::int32_t>(),
                               out.sigma.data_ptr<float>(), w.data_ptr<float>(), bad.data_ptr<std::int32_t>(), nullptr);
    if (!direct) weight.detach().copy_(w.view(weight.sizes()));
    return out;
  }
  const at::Tensor cpu = latent.detach().contiguous();
  LatticeWeight out{at::empty({rows, cols / 24}, at::kInt), at::empty({rows}, at::kFloat)};
  project_rows(quantizer, cpu.data_ptr<float>(), std::size_t(rows), std::size_t(cols),
               reinterpret_cast<std::uint32_t*>(out.indices.data_ptr<std::int32_t>()), out.sigma.data_ptr<float>(), 0);
  write_forward_weight(weight, out, quantizer.codebook());
  return out;
}

// Adam's moments and bias-corrected direction, scaled by -rate: updates m and v in place
// from the gradient g and returns -rate * m_hat / (sqrt(v_hat) + eps).
at::Tensor adam_direction(at::Tensor& m, at::Tensor& v, const at::Tensor& g, double beta1, double beta2, double step,
                          double rate, double eps) {
  const double bc1 = 1.0 - std::pow(beta1, step), bc2 = 1.0 - std::pow(beta2, step);
  m.mul_(beta1).add_(g, 1.0 - beta1);
  v.mul_(beta2).addcmul_(g, g, 1.0 - beta2);
  return (m / bc1).mul(-rate).div((v / bc2).sqrt().add(eps));
}

class PolluxStep : public Optimizer {
 public:
  PolluxStep(const Config& config, PolluxModel& model)
      : model_(model),
        quantizer_(Codebook::get(parse_codebook_variant(config.codebook)),
                   config.lattice_search == "exact" ? Scoring::exact : Scoring::reference_bf16),
        h_floor_(config.h_floor),
        h_max_(std::log(double(config.model.vocab_size))),
        inertia_(width_inertia(config.model.n_embd, config.width_inertia == "reference")) {
    if (!(h_max_ > h_floor_))
      throw Error("optimizer", "h_floor " + std::to_string(h_floor_) + " must be below H_MAX = ln(vocab_size) = " + std::to_string(h_max_));
  }

  StepStats step(double ce_mean) override {
    if (!std::isfinite(ce_mean)) throw Error("optimizer", "the loss is not finite");
    auto& params = model_.parameters();
    if (latent_.empty()) {  // the latents start as the parameters at the first step
      for (auto& p : params) {
        latent_[p.name] = p.value.detach().clone();
        m_[p.name] = at::zeros_like(p.value.detach());
        v_[p.name] = at::zeros_like(p.value.detach());
      }
    }
    const double instant = std::min(1.0, std::max(kGamma, (ce_mean - h_floor_) / (h_max_ - h_floor_)));
    heat_ = step_ == 0 ? instant : heat_ + kHeatRate * (instant - heat_);
    const double t = double(step_ + 1);
    const double decay = 1.0 - heat_ * kGamma * kGamma;
    const double atom_cap = kKinematicLimit * kLatticeScale;

    at::NoGradGuard no_grad;
    // The statistics stay on the device until the end of the step: one synchronisation.
    const at::TensorOptions stats_options = at::TensorOptions().dtype(at::kDouble).device(params.front().value.device());
    at::Tensor force = at::zeros({}, stats_options), changed = at::zeros({}, stats_options);
    at::Tensor bad = at::zeros({1}, stats_options.dtype(at::kInt));
    double elements = 0, atoms = 0;
    for (auto& p : params) {
      if (!p.value.grad().defined()) continue;
      const at::Tensor g = p.value.grad();
      at::Tensor& latent = latent_[p.name];
      const double rate = heat_ * kGamma / kC / (p.lattice() ? inertia_ : 1.0);
      at::Tensor u = adam_direction(m_[p.name], v_[p.name], g, kBeta1, kBeta2, t, rate, kEpsilon);
      if (p.lattice()) {
        // Clip every atom (24 consecutive elements) of the step to norm <= KINEMATIC_LIMIT s_lattice.
        at::Tensor atoms_u = u.view({-1, 24});
        at::Tensor norms = atoms_u.norm(2, {1}, /*keepdim=*/true);
        u = (atoms_u * (atom_cap / (norms + kEpsilon)).clamp_max(1.0)).view(u.sizes());
        latent.mul_(decay).add_(u);
        LatticeWeight next = project(quantizer_, latent, p.value, bad);
        auto prev = weights_.find(p.name);
        if (prev != weights_.end()) changed += prev->second.indices.ne(next.indices).sum().to(at::kDouble);
        else changed += double(next.indices.numel());
        atoms += double(next.indices.numel());
        weights_[p.name] = next;
      } else {
        latent.mul_(decay).add_(u).clamp_(1.0 - kGeometricSlack, 1.0 + kGeometricSlack);
        p.value.detach().copy_(latent);
      }
      force += u.norm().to(at::kDouble);
      elements += double(p.value.numel());
    }
    const at::Tensor stats = at::stack({force, changed, bad.to(at::kDouble).sum()}).cpu();
    const double* st = stats.data_ptr<double>();
    if (st[2] != 0) throw Error("optimizer", "a latent matrix holds a NaN or Inf after the update");
    ++step_;
    return {heat_, elements > 0 ? st[0] / elements : 0.0, atoms > 0 ? st[1] / atoms : 0.0, heat_ * kGamma / kC / inertia_};
  }

  OptimizerState state() const override {
    OptimizerState s{step_, heat_, {}};
    for (const auto& [name, t] : latent_) s.tensors["latent/" + name] = t;
    for (const auto& [name, t] : m_) s.tensors["m/" + name] = t;
    for (const auto& [name, t] : v_) s.tensors["v/" + name] = t;
    for (const auto& [name, w] : weights_) {
      s.tensors["indices/" + name] = w.indices;
      s.tensors["sigma/" + name] = w.sigma;
    }
    return s;
  }

  void load_state(const OptimizerState& s) override {
    step_ = s.step;
    heat_ = s.heat;
    latent_.clear(); m_.clear(); v_.clear(); weights_.clear();
    if (step_ == 0) return;
    for (auto& p : model_.parameters()) {
      const at::Tensor like = p.value.detach();
      latent_[p.name] = need(s, "latent/" + p.name, like);
      m_[p.name] = need(s, "m/" + p.name, like);
      v_[p.name] = need(s, "v/" + p.name, like);
      if (!p.lattice()) continue;
      const std::int64_t rows = like.size(0);
      weights_[p.name] = {need(s, "indices/" + p.name, at::empty({rows, like.numel() / rows / 24}, like.options().dtype(at::kInt))),
                          need(s, "sigma/" + p.name, at::empty({rows}, like.options()))};
    }
    load_lattice_weights(model_, weights_, quantizer_.codebook());
    for (auto& p : model_.parameters())  // the gains' forward value is their latent
      if (!p.lattice()) p.value.detach().copy_(latent_[p.name]);
  }

 private:
  PolluxModel& model_;
  Quantizer quantizer_;
  double h_floor_, h_max_, inertia_;
  std::int64_t step_ = 0;
  double heat_ = 0;
  std::map<std::string, at::Tensor> latent_, m_, v_;
  std::map<std::string, LatticeWeight> weights_;
};

// AdamW (decoupled weight decay on matrices only), linear warmup then cosine to min_lr.
class AdamW : public Optimizer {
 public:
  AdamW(const Config& config, PolluxModel& model) : config_(config), model_(model) {}

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
    double force = 0, elements = 0;
    for (auto& p : model_.parameters()) {
      if (!p.value.grad().defined()) continue;
      const at::Tensor g = p.value.grad();
      if (!m_.count(p.name)) {
        m_[p.name] = at::zeros_like(g);
        v_[p.name] = at::zeros_like(g);
      }
      at::Tensor u = adam_direction(m_[p.name], v_[p.name], g, b1, b2, t, lr, eps);
      at::Tensor w = p.value.detach();
      if (p.value.dim() >= 2) w.mul_(1 - lr * config_.weight_decay);
      w.add_(u);
      force += u.norm().item<double>();
      elements += double(w.numel());
    }
    ++step_;
    return {0.0, elements > 0 ? force / elements : 0.0, 0.0, lr};
  }

  OptimizerState state() const override {
    OptimizerState s{step_, 0.0, {}};
    for (const auto& [name, t] : m_) s.tensors["m/" + name] = t;
    for (const auto& [name, t] : v_) s.tensors["v/" + name] = t;
    return s;
  }

  void load_state(const OptimizerState& s) override {
    step_ = s.step;
    m_.clear(); v_.clear();
    if (step_ == 0) return;
    for (auto& p : model_.parameters()) {
      m_[p.name] = need(s, "m/" + p.name, p.value.detach());
      v_[p.name] = need(s, "v/" + p.name, p.value.detach());
    }
  }

 private:
  const Config& config_;
  PolluxModel& model_;
  std::int64_t step_ = 0;
  std::map<std::string, at::Tensor> m_, v_;
};

}  // namespace

double width_inertia(int n_embd, bool reference) {
  const double eta = 1.0 + kC * std::log(double(n_embd) / kCriticalDim);
  return reference ? eta : std::max(1.0, eta);
}

std::unique_ptr<Optimizer> make_optimizer(const Config& config, PolluxModel& model) {
  if (config.quantizer == "none") return std::make_unique<AdamW>(config, model);
  return std::make_unique<PolluxStep>(config, model);
}

void load_lattice_weights(PolluxModel& model, const std::map<std::string, LatticeWeight>& weights,
                          const Codebook& codebook) {
  at::NoGradGuard no_grad;
  for (auto& p : model.parameters()) {
    if (!p.lattice()) continue;
    auto it = weights.find(p.name);
    if (it == weights.end() || !it->second.indices.defined() || !it->second.sigma.defined())
      throw Error("optimizer", "no lattice weights (indices and sigma) for " + p.name);
    const std::int64_t rows = p.value.size(0);
    if (it->second.indices.numel() != p.value.numel() / 24 || it->second.sigma.numel() != rows)
      throw Error("optimizer", "lattice weights of " + p.name + " do not match its shape");
    write_forward_weight(p.value, it->second, codebook);
  }
}

}  // namespace pollux
