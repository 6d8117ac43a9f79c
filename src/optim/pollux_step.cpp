// pollux_step (spec section 5) and the continuous AdamW baseline.
#include <cmath>

#include <ATen/core/grad_mode.h>

#include "pollux/base/error.h"
#include "pollux/base/log.h"
#include "pollux/dist/comm.h"
#include "pollux/kernels/lattice_search.h"
#include "pollux/lattice/constants.h"
#include "pollux/lattice/row_projection.h"
#include "pollux/model/int8_rows.h"
#include "pollux/optim/optimizer.h"

namespace pollux {
namespace {

using namespace lattice;

at::Tensor need(const OptimizerState& state, const std::string& key, const at::Tensor& like) {
  auto it = state.tensors.find(key);
  if (it == state.tensors.end()) throw Error("optimizer", "state tensor " + key + " is missing");
  if (!it->second.sizes().equals(like.sizes())) throw Error("optimizer", "state tensor " + key + " has the wrong shape");
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
// into `weight`; returns the discrete form, on the latent's device, and adds the atoms it
// searched to `searched`. With `memory` (CPU, exact scoring) only the atoms that may have left
// their lattice point are searched (issue 19), starting from the `previous` indices of these
// rows. On a GPU the kernels of kernels/lattice_search.h search every atom in place and only
// set `bad` (a device flag) for a NaN or Inf; the CPU path throws at once.
LatticeWeight project(const Quantizer& quantizer, const at::Tensor& latent, at::Tensor& weight, at::Tensor& bad,
                      SearchMemory* memory, const at::Tensor& previous, std::int64_t& searched) {
  const std::int64_t rows = latent.size(0), cols = latent.numel() / rows;
  if (latent.is_cuda()) {
    const at::Tensor l = latent.detach().contiguous();
    LatticeWeight out{at::empty({rows, cols / lattice::kAtomDim}, l.options().dtype(at::kInt)), at::empty({rows}, l.options())};
    const bool direct = weight.is_contiguous() && weight.scalar_type() == at::kFloat;
    at::Tensor w = direct ? weight.detach() : at::empty_like(l);
    kernels::project_rows_cuda(quantizer, l.data_ptr<float>(), rows, cols, out.indices.data_ptr<std::int32_t>(),
                               out.sigma.data_ptr<float>(), w.data_ptr<float>(), bad.data_ptr<std::int32_t>(), nullptr);
    if (!direct) weight.detach().copy_(w.view(weight.sizes()));
    searched += out.indices.numel();
    return out;
  }
  const at::Tensor cpu = latent.detach().contiguous();
  LatticeWeight out{memory && previous.defined() ? previous.to(at::kCPU).contiguous().clone()
                                                 : at::empty({rows, cols / lattice::kAtomDim}, at::kInt),
                    at::empty({rows}, at::kFloat)};
  auto* indices = reinterpret_cast<std::uint32_t*>(out.indices.data_ptr<std::int32_t>());
  if (memory) {
    searched += std::int64_t(project_rows_incremental(quantizer, cpu.data_ptr<float>(), std::size_t(rows), std::size_t(cols),
                                                      indices, out.sigma.data_ptr<float>(), *memory, 0));
  } else {
    project_rows(quantizer, cpu.data_ptr<float>(), std::size_t(rows), std::size_t(cols), indices, out.sigma.data_ptr<float>(), 0);
    searched += out.indices.numel();
  }
  write_forward_weight(weight, out, quantizer.codebook());
  return out;
}

// Adam's moments and bias-corrected direction, scaled by -rate: updates m and v in place
// from the gradient g and returns -rate * m_hat / (sqrt(v_hat) + eps).
at::Tensor adam_direction(at::Tensor& m, at::Tensor& v, const at::Tensor& g, double beta1, double beta2, double step, double rate,
                          double eps) {
  const double bc1 = 1.0 - std::pow(beta1, step), bc2 = 1.0 - std::pow(beta2, step);
  m.mul_(beta1).add_(g, 1.0 - beta1);
  v.mul_(beta2).addcmul_(g, g, 1.0 - beta2);
  return (m / bc1).mul(-rate).div((v / bc2).sqrt().add(eps));
}

// This rank's rows of a parameter-shaped tensor (all of it on one rank).
at::Tensor own_rows(const Comm* comm, const at::Tensor& t) {
  if (!comm || !comm->distributed()) return t;
  const RowShard s = shard_rows(t.size(0), comm->rank(), comm->world_size());
  return t.narrow(0, s.begin, s.count);
}

class PolluxStep : public Optimizer {
 public:
  PolluxStep(const Config& config, PolluxModel& model, Comm* comm)
      : model_(model),
        comm_(comm && comm->distributed() ? comm : nullptr),
        quantizer_(Codebook::get(config.codebook), config.lattice_search),
        h_floor_(config.h_floor),
        h_max_(std::log(double(config.model.vocab_size))),
        inertia_(width_inertia(config.model.n_embd, config.width_inertia == WidthInertia::reference)),
        incremental_(config.projection == Projection::incremental && config.lattice_search == Scoring::exact),
        scope_(config.scope) {
    if (!(h_max_ > h_floor_))
      throw Error("optimizer",
                  "h_floor " + std::to_string(h_floor_) + " must be below H_MAX = ln(vocab_size) = " + std::to_string(h_max_));
  }

  StepStats step(double ce_mean) override {
    if (!std::isfinite(ce_mean)) throw Error("optimizer", "the loss is not finite");
    auto& params = model_.parameters();
    if (latent_.empty()) {  // the latents start as the parameters at the first step
      for (auto& p : params) {
        latent_[p.name] = own_rows(comm_, p.value.detach()).clone();
        m_[p.name] = at::zeros_like(latent_[p.name]);
        v_[p.name] = at::zeros_like(latent_[p.name]);
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
    at::Tensor force = at::zeros({}, stats_options);
    at::Tensor bad = at::zeros({1}, stats_options.dtype(at::kInt));
    std::vector<std::string> lattice_names;  // per lattice matrix: its atoms whose index changed
    std::vector<at::Tensor> changed;
    double elements = 0, atoms = 0;
    std::int64_t searched = 0;
    std::vector<at::Tensor> force_squares;  // data-parallel: per parameter, this rank's |u|^2
    const Comm::Traffic before = comm_ ? comm_->traffic() : Comm::Traffic{};
    for (auto& p : params) {
      if (!p.value.grad().defined()) continue;
      // ZeRO-1: the gradient summed over ranks, only this rank's rows of it
      const at::Tensor g = comm_ ? comm_->reduce_scatter_rows(p.value.grad()) : p.value.grad();
      const std::int64_t rows = p.value.size(0);
      at::Tensor& latent = latent_[p.name];
      const double rate = heat_ * kGamma / kC / (p.lattice() ? inertia_ : 1.0);
      at::Tensor u = adam_direction(m_[p.name], v_[p.name], g, kBeta1, kBeta2, t, rate, kEpsilon);
      if (p.lattice()) {
        // Clip every atom (24 consecutive elements) of the step to norm <= KINEMATIC_LIMIT s_lattice.
        at::Tensor atoms_u = u.view({-1, lattice::kAtomDim});
        at::Tensor norms = atoms_u.norm(2, {1}, /*keepdim=*/true);
        u = (atoms_u * (atom_cap / (norms + kEpsilon)).clamp_max(1.0)).view(u.sizes());
        latent.mul_(decay).add_(u);
        if (int8_rows_parameter(scope_, p.name)) {  // scope = backbone: int8 rows instead of the lattice
          bad += latent.isfinite().logical_not().any().to(at::kInt);
          const at::Tensor w = int8_rows_value(int8_rows(latent));
          p.value.detach().copy_(comm_ ? comm_->all_gather_rows(w, rows) : w);
        } else {
          at::Tensor weight = own_rows(comm_, p.value.detach());
          auto prev = weights_.find(p.name);
          const at::Tensor previous = prev != weights_.end() ? own_rows(comm_, prev->second.indices) : at::Tensor();
          LatticeWeight next =
              project(quantizer_, latent, weight, bad, incremental_ ? &memory_[p.name] : nullptr, previous, searched);
          if (comm_) {  // every rank rebuilds the whole matrix from the gathered indices and sigma
            next = {comm_->all_gather_index_rows(next.indices, rows), comm_->all_gather_rows(next.sigma, rows)};
            write_forward_weight(p.value, next, quantizer_.codebook());
          }
          lattice_names.push_back(p.name);
          changed.push_back(prev != weights_.end() ? prev->second.indices.ne(next.indices).sum().to(at::kDouble)
                                                   : at::full({}, double(next.indices.numel()), stats_options));
          atoms += double(next.indices.numel());
          weights_[p.name] = next;
        }
      } else {
        latent.mul_(decay).add_(u).clamp_(1.0 - kGeometricSlack, 1.0 + kGeometricSlack);
        p.value.detach().copy_(comm_ ? comm_->all_gather_rows(latent, rows) : latent);
      }
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
    std::vector<at::Tensor> gathered = {force, bad.to(at::kDouble).sum()};
    gathered.insert(gathered.end(), changed.begin(), changed.end());
    const at::Tensor stats = at::stack(gathered).cpu();
    const double* st = stats.data_ptr<double>();
    if (st[1] != 0) throw Error("optimizer", "a latent matrix holds a NaN or Inf after the update");
    StepStats out;
    double changed_atoms = 0;
    for (std::size_t i = 0; i < lattice_names.size(); ++i) {
      out.changed_atoms[lattice_names[i]] = std::int64_t(st[2 + i]);
      changed_atoms += st[2 + i];
    }
    ++step_;
    // searched: this rank's share of its own rows (all rows on one rank)
    const double own_atoms = comm_ ? atoms / comm_->world_size() : atoms;
    out.heat = heat_;
    out.adam_force = elements > 0 ? st[0] / elements : 0.0;
    out.churn = atoms > 0 ? changed_atoms / atoms : 0.0;
    out.lr = heat_ * kGamma / kC / inertia_;
    out.searched = own_atoms > 0 ? std::min(1.0, double(searched) / own_atoms) : 0.0;
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
    for (const auto& [name, w] : weights_) {
      s.tensors["indices/" + name] = w.indices;
      s.tensors["sigma/" + name] = w.sigma;
    }
    return s;
  }

  void load_state(const OptimizerState& s) override {
    step_ = s.step;
    heat_ = s.heat;
    latent_.clear();
    m_.clear();
    v_.clear();
    weights_.clear();
    memory_.clear();  // not part of the state: the first step after a load searches every atom
    if (step_ == 0) return;
    for (auto& p : model_.parameters()) {
      const at::Tensor like = p.value.detach();
      latent_[p.name] = own_rows(comm_, need(s, "latent/" + p.name, like)).clone();
      m_[p.name] = own_rows(comm_, need(s, "m/" + p.name, like)).clone();
      v_[p.name] = own_rows(comm_, need(s, "v/" + p.name, like)).clone();
      if (int8_rows_parameter(scope_, p.name)) {  // scope = backbone: the forward weight is the latent's int8 rows
        p.value.detach().copy_(comm_ ? comm_->all_gather_rows(int8_rows_value(int8_rows(latent_[p.name])), like.size(0))
                                     : int8_rows_value(int8_rows(latent_[p.name])));
        continue;
      }
      if (!p.lattice()) continue;
      const std::int64_t rows = like.size(0);
      weights_[p.name] = {need(s, "indices/" + p.name,
                               at::empty({rows, like.numel() / rows / lattice::kAtomDim}, like.options().dtype(at::kInt))),
                          need(s, "sigma/" + p.name, at::empty({rows}, like.options()))};
    }
    load_lattice_weights(model_, weights_, quantizer_.codebook(), scope_);
    for (auto& p : model_.parameters())  // the gains' forward value is their latent
      if (!p.lattice()) p.value.detach().copy_(need(s, "latent/" + p.name, p.value.detach()));
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
  Quantizer quantizer_;
  double h_floor_, h_max_, inertia_;
  bool incremental_;  // projection = incremental, exact scoring: memory_ holds the certificates (CPU latents)
  Scope scope_;       // backbone: tok_emb, pos_emb and head are projected to int8 rows (model/int8_rows.h)
  std::map<std::string, SearchMemory> memory_;
  std::int64_t step_ = 0;
  double heat_ = 0;
  std::map<std::string, at::Tensor> latent_, m_, v_;
  std::map<std::string, LatticeWeight> weights_;
};

// AdamW (decoupled weight decay on matrices only), linear warmup then cosine to min_lr.
class AdamW : public Optimizer {
 public:
  AdamW(const Config& config, PolluxModel& model, Comm* comm)
      : config_(config), model_(model), comm_(comm && comm->distributed() ? comm : nullptr) {}

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
    at::Tensor force = at::zeros({}, model_.parameters().front().value.options().dtype(at::kDouble));
    double elements = 0;
    for (auto& p : model_.parameters()) {
      if (!p.value.grad().defined()) continue;
      at::Tensor g = p.value.grad();
      if (comm_) comm_->all_reduce_sum(g);  // the gradients summed over ranks
      if (!m_.count(p.name)) {
        m_[p.name] = at::zeros_like(g);
        v_[p.name] = at::zeros_like(g);
      }
      at::Tensor u = adam_direction(m_[p.name], v_[p.name], g, b1, b2, t, lr, eps);
      at::Tensor w = p.value.detach();
      if (p.value.dim() >= 2) w.mul_(1 - lr * config_.weight_decay);
      w.add_(u);
      force += u.norm().to(at::kDouble);
      elements += double(w.numel());
    }
    ++step_;
    return {0.0, elements > 0 ? force.item<double>() / elements : 0.0, 0.0, lr};
  }

  OptimizerState state() const override {
    OptimizerState s{step_, 0.0, {}};
    for (const auto& [name, t] : m_) s.tensors["m/" + name] = t;
    for (const auto& [name, t] : v_) s.tensors["v/" + name] = t;
    return s;
  }

  void load_state(const OptimizerState& s) override {
    step_ = s.step;
    m_.clear();
    v_.clear();
    if (step_ == 0) return;
    for (auto& p : model_.parameters()) {
      m_[p.name] = need(s, "m/" + p.name, p.value.detach());
      v_[p.name] = need(s, "v/" + p.name, p.value.detach());
    }
  }

 private:
  const Config& config_;
  PolluxModel& model_;
  Comm* comm_;  // null on one rank
  std::int64_t step_ = 0;
  std::map<std::string, at::Tensor> m_, v_;
};

}  // namespace

double width_inertia(int n_embd, bool reference) {
  const double eta = 1.0 + kC * std::log(double(n_embd) / kCriticalDim);
  return reference ? eta : std::max(1.0, eta);
}

std::unique_ptr<Optimizer> make_optimizer(const Config& config, PolluxModel& model, Comm* comm) {
  // quantizer = ternary trains its latents with the continuous baseline's AdamW and schedule, as
  // BitNet b1.58 does (Ma et al. 2024); the model computes the ternary forward weights.
  if (config.quantizer != QuantizerKind::lattice) return std::make_unique<AdamW>(config, model, comm);
  return std::make_unique<PolluxStep>(config, model, comm);
}

void load_lattice_weights(PolluxModel& model, const std::map<std::string, LatticeWeight>& weights, const Codebook& codebook,
                          Scope scope) {
  at::NoGradGuard no_grad;
  for (auto& p : model.parameters()) {
    if (!p.lattice() || int8_rows_parameter(scope, p.name)) continue;
    auto it = weights.find(p.name);
    if (it == weights.end() || !it->second.indices.defined() || !it->second.sigma.defined())
      throw Error("optimizer", "no lattice weights (indices and sigma) for " + p.name);
    const std::int64_t rows = p.value.size(0);
    if (it->second.indices.numel() != p.value.numel() / lattice::kAtomDim || it->second.sigma.numel() != rows)
      throw Error("optimizer", "lattice weights of " + p.name + " do not match its shape");
    write_forward_weight(p.value, it->second, codebook);
  }
}

}  // namespace pollux
