// The optimizer interface (src/optim, a layer between the model and training): pollux_step
// (spec section 5, optim/pollux_step.cpp) and AdamW with linear warmup and cosine decay
// (optim/adamw.cpp), chosen by the config key `optimizer`; either trains any quantizer.
#pragma once

#include <ATen/ATen.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "pollux/config/config.h"
#include "pollux/lattice/quantizer.h"
#include "pollux/model/model.h"

namespace pollux {

class Comm;

// What one optimizer step reports.
struct StepStats {
  double heat = 0;        // pollux_step's macro heat (0 for AdamW)
  double adam_force = 0;  // sum of update norms / parameter count
  double churn = 0;       // fraction of atoms whose codebook index changed (0 for AdamW)
  double lr = 0;          // effective step size of the 2-D parameters
  double searched = 0;    // fraction of atoms whose nearest point was searched (1 with projection = full; 0 for AdamW)
  // Per lattice matrix, its atoms whose codebook index changed in this step (all of them at a
  // matrix's first projection): the one count lattice statistics and churn come from.
  std::map<std::string, std::int64_t> changed_atoms;
};

// The whole optimizer state: enough to continue bit for bit. Tensors by key: "m/<param>",
// "v/<param>", "latent/<param>", and for lattice matrices their discrete form
// "indices/<param>" and "sigma/<param>" (see LatticeWeight).
struct OptimizerState {
  std::int64_t step = 0;  // optimizer steps taken
  double heat = 0;
  std::map<std::string, at::Tensor> tensors;
};

// Discrete form of a lattice parameter: codebook indices (rows x cols/24, int32) and one
// float32 scale per row. weight = codebook[idx] * sigma * s_lattice.
struct LatticeWeight {
  at::Tensor indices;
  at::Tensor sigma;
};

class Optimizer {
 public:
  virtual ~Optimizer() = default;
  // One step from the accumulated gradients; ce_mean is the mean CE over the step.
  virtual StepStats step(double ce_mean) = 0;
  // The whole state; on a data-parallel run a collective (every rank calls it, each gets it all).
  virtual OptimizerState state() const = 0;
  // Only the step, heat, indices and sigma (what lattice statistics read): no collective.
  virtual OptimizerState discrete_state() const { return state(); }
  // Restores a state taken by state(); throws pollux::Error naming a missing or misshapen tensor.
  virtual void load_state(const OptimizerState& state) = 0;
  // The latents the first step starts from, by parameter name, instead of copies of the
  // parameters (those not named still start so): a run whose forward weights at step 0 are
  // already the projection of latents held apart from them (pollux-train --init_from). Only
  // latents an optimizer keeps apart from the parameters may be named (the lattice matrices of
  // quantizer = lattice). Throws pollux::Error after the first step, or naming a parameter
  // that keeps no latent or a tensor of the wrong shape.
  virtual void start_latents(const std::map<std::string, at::Tensor>& latents) = 0;
};

// Width inertia eta_d = 1 + C ln(d / 1152) (spec section 5a); clamped to >= 1 unless
// `reference` is asked for.
double width_inertia(int n_embd, bool reference);

// The optimizer of config.optimizer_kind(). With a distributed `comm`, the ranks sum their
// gradients: pollux_step keeps m, v and the latent of its own rows of every parameter only
// (ZeRO-1, see Comm::reduce_scatter_rows), projects them, and all-gathers the indices and
// sigma; AdamW all-reduces the gradients.
std::unique_ptr<Optimizer> make_optimizer(const Config& config, PolluxModel& model, Comm* comm = nullptr);

// Sets every lattice parameter of `model` to codebook[idx] * sigma * s_lattice (but those that
// `scope` keeps as int8 rows, model/int8_rows.h). In optim/lattice_projection.cpp.
void load_lattice_weights(PolluxModel& model, const std::map<std::string, LatticeWeight>& weights,
                          const lattice::Codebook& codebook, Scope scope = Scope::all);

}  // namespace pollux
