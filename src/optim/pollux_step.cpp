// pollux_step (spec section 5): Adam's direction at a rate set by the loss's heat, each atom's
// step clipped, the latents decayed toward 0, the 1-D gains clamped. It trains any quantizer:
// for quantizer = lattice the latents are projected (optim/lattice_projection.h); otherwise the
// parameters are the latents and the model quantizes them in its forward pass (ternary).
#include <cmath>

#include <ATen/core/grad_mode.h>

#include "optimizer_parts.h"
#include "pollux/base/error.h"
#include "pollux/base/log.h"
#include "pollux/dist/comm.h"
#include "pollux/lattice/constants.h"
#include "pollux/optim/lattice_projection.h"

namespace pollux {
namespace {

using namespace lattice;

class PolluxStep : public Optimizer {
 public:
  PolluxStep(const Config& config, PolluxModel& model, Comm* comm)
      : model_(model),
        comm_(comm && comm->distributed() ? comm : nullptr),
        projection_(config, comm_),
        h_floor_(config.h_floor),
        h_max_(std::log(double(config.model.vocab_size))),
        inertia_(width_inertia(config.model.n_embd, config.width_inertia == WidthInertia::reference)) {
    if (!(h_max_ > h_floor_))
      throw Error("optimizer",
                  "h_floor " + std::to_string(h_floor_) + " must be below H_MAX = ln(vocab_size) = " + std::to_string(h_max_));
  }

  StepStats step(double ce_mean) override {
    if (!std::isfinite(ce_mean)) throw Error("optimizer", "the loss is not finite");
    auto& params = model_.parameters();
    if (latent_.empty()) {  // the latents start as the parameters at the first step
      for (auto& p : params) {
        const auto start = start_.find(p.name);
        latent_[p.name] = own_rows(comm_, start != start_.end() ? start->second : p.value.detach()).clone();
        m_[p.name] = at::zeros_like(latent_[p.name]);
        v_[p.name] = at::zeros_like(latent_[p.name]);
      }
      start_.clear();
    }
    const double instant = std::min(1.0, std::max(kGamma, (ce_mean - h_floor_) / (h_max_ - h_floor_)));
    heat_ = step_ == 0 ? instant : heat_ + kHeatRate * (instant - heat_);
    const double t = double(step_ + 1);
    const double decay = 1.0 - heat_ * kGamma * kGamma;
    const double atom_cap = kKinematicLimit * kLatticeScale;

    at::NoGradGuard no_grad;
    // The statistics stay on the device until the end of the step: one synchronisation.
    const at::Device device = params.front().value.device();
    at::Tensor force = at::zeros({}, at::TensorOptions().dtype(at::kDouble).device(device));
    projection_.begin_step(device);
    double elements = 0;
    std::vector<at::Tensor> force_squares;  // data-parallel: per parameter, this rank's |u|^2
    const Comm::Traffic before = comm_ ? comm_->traffic() : Comm::Traffic{};
    for (auto& p : params) {
      if (!p.value.grad().defined()) continue;
      // ZeRO-1: the gradient summed over ranks, only this rank's rows of it
      const at::Tensor g = comm_ ? comm_->reduce_scatter_rows(p.value.grad()) : p.value.grad();
      at::Tensor& latent = latent_[p.name];
      const double rate = heat_ * kGamma / kC / (p.quantized_matrix() ? inertia_ : 1.0);
      at::Tensor u = adam_direction(m_[p.name], v_[p.name], g, kBeta1, kBeta2, t, rate, kEpsilon);
      if (p.quantized_matrix()) {
        // Clip every atom (24 consecutive elements) of the step to norm <= KINEMATIC_LIMIT s_lattice.
        at::Tensor atoms_u = u.view({-1, kAtomDim});
        at::Tensor norms = atoms_u.norm(2, {1}, /*keepdim=*/true);
        u = (atoms_u * (atom_cap / (norms + kEpsilon)).clamp_max(1.0)).view(u.sizes());
        latent.mul_(decay).add_(u);
      } else {
        latent.mul_(decay).add_(u).clamp_(1.0 - kGeometricSlack, 1.0 + kGeometricSlack);
      }
      if (projection_.projects(p))
        projection_.apply(p, latent);
      else
        p.value.detach().copy_(comm_ ? comm_->all_gather_rows(latent, p.value.size(0)) : latent);
      if (comm_)
        force_squares.push_back(u.norm().square().to(at::kDouble));
      else
        force += u.norm().to(at::kDouble);
      elements += double(p.value.numel());
    }
    if (comm_ && !force_squares.empty()) {
      at::Tensor squares = at::stack(force_squares);
      comm_->all_reduce_sum(squares);
      force = squares.sqrt().sum();
      if (!reported_) report_traffic(before);
      reported_ = true;
    }
    StepStats out;
    const double force_sum = projection_.finish_step(force, out);
    ++step_;
    out.heat = heat_;
    out.adam_force = elements > 0 ? force_sum / elements : 0.0;
    out.lr = heat_ * kGamma / kC / inertia_;
    return out;
  }

  OptimizerState state() const override {
    OptimizerState s = discrete_state();
    // data-parallel: every rank's rows put together, in the parameters' order on every rank
    for (const auto& p : model_.parameters()) {
      if (!latent_.count(p.name)) continue;
      const auto whole = [&](const at::Tensor& t) { return comm_ ? comm_->all_gather_rows(t, p.value.size(0)) : t; };
      s.tensors["latent/" + p.name] = whole(latent_.at(p.name));
      s.tensors["m/" + p.name] = whole(m_.at(p.name));
      s.tensors["v/" + p.name] = whole(v_.at(p.name));
    }
    return s;
  }

  OptimizerState discrete_state() const override {
    OptimizerState s{step_, heat_, {}};
    projection_.add_discrete_state(s);
    return s;
  }

  void start_latents(const std::map<std::string, at::Tensor>& latents) override {
    start_ = starting_latents(model_, latents, step_ == 0 && latent_.empty(),
                              [this](const Parameter& p) { return projection_.projects(p); });
  }

  void load_state(const OptimizerState& s) override {
    step_ = s.step;
    heat_ = s.heat;
    start_.clear();
    latent_.clear();
    m_.clear();
    v_.clear();
    projection_.clear();
    if (step_ == 0) return;
    for (auto& p : model_.parameters()) {
      const at::Tensor like = p.value.detach();
      latent_[p.name] = own_rows(comm_, state_tensor(s, "latent/" + p.name, like)).clone();
      m_[p.name] = own_rows(comm_, state_tensor(s, "m/" + p.name, like)).clone();
      v_[p.name] = own_rows(comm_, state_tensor(s, "v/" + p.name, like)).clone();
    }
    projection_.restore(model_, s, latent_);
    at::NoGradGuard no_grad;
    for (auto& p : model_.parameters())  // the others' forward value is their latent
      if (!projection_.projects(p)) p.value.detach().copy_(state_tensor(s, "latent/" + p.name, p.value.detach()));
  }

 private:
  // What a data-parallel step moves and what this rank keeps (logged once, by rank 0).
  void report_traffic(const Comm::Traffic& before) const {
    const Comm::Traffic& after = comm_->traffic();
    double state_bytes = 0;
    for (const auto* map : {&latent_, &m_, &v_})
      for (const auto& [name, t] : *map) state_bytes += double(t.nbytes());
    log::info(
        strprintf("data-parallel step on %d ranks: this rank sends %.3f MB of gradients (reduce-scatter), %.3f MB of "
                  "indices, sigma and gains (all-gather); it keeps %.3f MB of m, v and latent (1/%d of them)",
                  comm_->world_size(), double(after.reduce_scatter - before.reduce_scatter) / 1e6,
                  double(after.all_gather - before.all_gather) / 1e6, state_bytes / 1e6, comm_->world_size()));
  }

  PolluxModel& model_;
  Comm* comm_;  // null on one rank
  bool reported_ = false;
  LatticeProjection projection_;
  double h_floor_, h_max_, inertia_;
  std::int64_t step_ = 0;
  double heat_ = 0;
  std::map<std::string, at::Tensor> latent_, m_, v_;
  std::map<std::string, at::Tensor> start_;  // start_latents' (whole), until the first step
};

}  // namespace

std::unique_ptr<Optimizer> make_pollux_step(const Config& config, PolluxModel& model, Comm* comm) {
  return std::make_unique<PolluxStep>(config, model, comm);
}

}  // namespace pollux
