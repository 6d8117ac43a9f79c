// Lattice statistics of a run (issue 14), per lattice matrix, per layer and overall: the churn
// of the last step (fraction of atoms whose codebook index changed), the null fraction (atoms
// at index 0, where incoherent signal is routed; spec section 2), the churn accumulated since
// the last milestone checkpoint, and a summary of the row scales sigma. Computed with at:: ops
// on whatever device the optimizer keeps its "indices/<param>" and "sigma/<param>" tensors.
#pragma once

#include <ATen/ATen.h>

#include <cmath>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "pollux/optim/optimizer.h"

namespace pollux {

// Counts over a set of atoms (24-dimensional blocks of a lattice matrix) and its rows.
struct AtomCounts {
  std::int64_t atoms = 0;
  std::int64_t changed = 0;          // index differs from the previous step's
  std::int64_t null = 0;             // index 0
  std::int64_t since_milestone = 0;  // index differs from the last milestone's
  std::int64_t rows = 0;
  double sigma_sum = 0, sigma_min = INFINITY, sigma_max = -INFINITY;

  void add(const AtomCounts& other);
};

// The counts of one matrix, `changed` of its atoms changed since the previous step;
// `milestone` may be undefined (no earlier lattice form: every atom counts as changed).
AtomCounts count_atoms(const at::Tensor& indices, const at::Tensor& sigma, std::int64_t changed, const at::Tensor& milestone);

// Per lattice matrix, its atoms whose index changed: as the optimizer's step reports them
// (StepStats::changed_atoms), or counted by changed_since.
using ChangedAtoms = std::map<std::string, std::int64_t>;

// The lattice matrices of an optimizer state (names of its "indices/<param>" tensors).
std::vector<std::string> lattice_matrices(const OptimizerState& state);

// "blocks.3.attn.q_proj.weight" -> "blocks.3"; "" for a matrix outside the blocks.
std::string layer_of(const std::string& matrix);

// The groups of a table of these matrices: "all", the layers in order, the matrices by name.
std::vector<std::string> stats_groups(std::vector<std::string> matrices);

// A table row: a group ("all", a layer or a matrix) and its counts.
using StatsTable = std::vector<std::pair<std::string, AtomCounts>>;

// Counts of every matrix of `state` against `previous` and `milestone` states (either may be
// null), summed per layer and overall: "all", then the layers, then the matrices.
StatsTable lattice_table(const OptimizerState& state, const ChangedAtoms& changed,
                         const std::map<std::string, at::Tensor>& milestone);

// The atoms of each matrix of `state` whose index differs from `earlier`'s (all of a matrix
// `earlier` lacks): two checkpoints compared (pollux-inspect).
ChangedAtoms changed_since(const OptimizerState& state, const std::map<std::string, at::Tensor>& earlier);

// The per-step statistics of a training run, written as lattice_stats.csv.
class LatticeStats {
 public:
  // `matrices`: the model's lattice matrices (none for quantizer = none); `start`: the state
  // the run begins from (fresh or resumed), the first step's previous indices and the first
  // milestone (a resumed run counts since_milestone from its resume point).
  LatticeStats(const std::vector<std::string>& matrices, const OptimizerState& start);
  bool empty() const { return groups_.size() <= 1; }
  std::string csv_header() const;
  // The table of a logged step, from the step's changed atoms (StepStats::changed_atoms), and
  // its CSV row.
  StatsTable table(const OptimizerState& state, const ChangedAtoms& changed) const;
  static std::string csv_row(std::int64_t step, const StatsTable& table);
  // The current indices become the milestone that since_milestone counts from.
  void milestone(const OptimizerState& state);

 private:
  std::map<std::string, at::Tensor> milestone_;
  std::vector<std::string> groups_;
};

// "index" tensors of a state, copied (the optimizer may update its own in place).
std::map<std::string, at::Tensor> copy_indices(const OptimizerState& state);

}  // namespace pollux
