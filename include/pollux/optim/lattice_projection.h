// quantizer = lattice: how an optimizer's latent matrices become the model's forward weights,
// for either optimizer (pollux_step, and AdamW straight through). Each quantized matrix is
// projected onto the lattice (spec section 3: codebook indices and one scale per row); under
// scope = backbone, tok_emb, pos_emb and head become int8 rows instead (model/int8_rows.h).
// It keeps the discrete form that checkpoints, lattice statistics and pollux-pack read, and
// counts what a step changed.
#pragma once

#include <ATen/ATen.h>

#include <map>
#include <string>
#include <vector>

#include "pollux/config/config.h"
#include "pollux/lattice/quantizer.h"
#include "pollux/lattice/row_projection.h"
#include "pollux/model/model.h"
#include "pollux/optim/optimizer.h"

namespace pollux {

class Comm;

// What incremental projection keeps of one matrix between steps: the certificates of its
// atoms, on the host for CPU latents (lattice::SearchMemory) or on the latent's GPU
// (kernels::DeviceSearchMemory's tensors: atoms, certificates, and scratch).
struct ProjectionMemory {
  lattice::SearchMemory host;
  at::Tensor atoms, certificates, flagged, searched;
};

class LatticeProjection {
 public:
  // With a distributed `comm`, apply() gets this rank's rows of each latent (ZeRO-1) and
  // all-gathers the result; without, whole latents.
  LatticeProjection(const Config& config, Comm* comm);

  // Whether p's forward weight is made from a latent apart from it: the quantized matrices of
  // quantizer = lattice (lattice points or int8 rows). False for every parameter otherwise.
  bool projects(const Parameter& p) const;

  // A step's tallies start; statistics tensors live on `device` until finish_step().
  void begin_step(const at::Device& device);
  // Writes p's forward weight from (this rank's rows of) its latent. A NaN or Inf is flagged
  // on the device and thrown by finish_step(), so a step synchronises once.
  void apply(Parameter& p, const at::Tensor& latent);
  // Ends the step with its summed update norm `force` (double, on the device): one copy to
  // the host. Throws pollux::Error for a non-finite latent; fills churn, searched and
  // changed_atoms of `out`; returns force.
  double finish_step(const at::Tensor& force, StepStats& out);

  // indices/<name> and sigma/<name> of every lattice matrix projected so far.
  void add_discrete_state(OptimizerState& state) const;
  // Forgets the discrete form and the search memory (not part of the state: the first step
  // after a load searches every atom).
  void clear();
  // The forward weights after a load: lattice matrices from the state's indices and sigma,
  // int8 rows from their `latents` (this rank's rows, by name).
  void restore(PolluxModel& model, const OptimizerState& state, const std::map<std::string, at::Tensor>& latents);

 private:
  Comm* comm_;  // null: whole latents
  bool lattice_;
  Scope scope_;
  lattice::Quantizer quantizer_;
  bool incremental_;  // projection = incremental, exact scoring: memory_ holds the certificates
  std::map<std::string, ProjectionMemory> memory_;
  std::map<std::string, LatticeWeight> weights_;
  // this step's
  at::Tensor bad_;  // int32 flag on the device
  std::vector<std::string> names_;
  std::vector<at::Tensor> changed_;  // per lattice matrix: its atoms whose index changed
  double atoms_ = 0;
  std::int64_t searched_ = 0;      // atoms searched on the host, and on a GPU by full projections
  at::Tensor searched_on_device_;  // double, on the device: atoms the GPU's incremental projection searched
};

// codebook[idx] * sigma * s_lattice (rows x cols float32) on the device of lw's tensors, from
// the codebook's float table there (index_select): no copy through the host. Equal bit for bit
// to lattice::reconstruct_rows, on any device (indices must lie in the codebook).
at::Tensor forward_weight_on_device(const lattice::Codebook& codebook, const LatticeWeight& lw);

}  // namespace pollux
