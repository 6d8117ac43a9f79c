#include "pollux/train/lattice_stats.h"

#include <algorithm>
#include <cstdio>

namespace pollux {
namespace {

constexpr const char* kIndices = "indices/";
constexpr const char* kColumns[] = {"churn", "null", "since_milestone", "sigma_mean", "sigma_min", "sigma_max"};

// Atoms of a that differ from b; all of them when there is no b (a first lattice form).
std::int64_t count_changed(const at::Tensor& a, const at::Tensor& b) {
  if (!b.defined()) return a.numel();
  return a.ne(b.to(a.device())).sum().item<std::int64_t>();
}

std::string number(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.6g", v);
  return buf;
}

}  // namespace

void AtomCounts::add(const AtomCounts& o) {
  atoms += o.atoms;
  changed += o.changed;
  null += o.null;
  since_milestone += o.since_milestone;
  rows += o.rows;
  sigma_sum += o.sigma_sum;
  sigma_min = std::min(sigma_min, o.sigma_min);
  sigma_max = std::max(sigma_max, o.sigma_max);
}

AtomCounts count_atoms(const at::Tensor& indices, const at::Tensor& sigma, std::int64_t changed, const at::Tensor& milestone) {
  AtomCounts c;
  c.atoms = indices.numel();
  c.changed = changed;
  c.null = indices.eq(0).sum().item<std::int64_t>();
  c.since_milestone = count_changed(indices, milestone);
  const at::Tensor s = sigma.to(at::kDouble);
  c.rows = s.numel();
  if (c.rows > 0) {
    c.sigma_sum = s.sum().item<double>();
    c.sigma_min = s.min().item<double>();
    c.sigma_max = s.max().item<double>();
  }
  return c;
}

std::vector<std::string> lattice_matrices(const OptimizerState& state) {
  std::vector<std::string> names;
  for (const auto& [key, t] : state.tensors)
    if (key.rfind(kIndices, 0) == 0) names.push_back(key.substr(std::string(kIndices).size()));
  return names;
}

std::string layer_of(const std::string& matrix) {
  if (matrix.rfind("blocks.", 0) != 0) return "";
  const auto dot = matrix.find('.', 7);
  return dot == std::string::npos ? "" : matrix.substr(0, dot);
}

std::vector<std::string> stats_groups(std::vector<std::string> matrices) {
  std::sort(matrices.begin(), matrices.end());
  std::vector<std::string> layers;
  for (const std::string& name : matrices) {
    const std::string layer = layer_of(name);
    if (!layer.empty() && std::find(layers.begin(), layers.end(), layer) == layers.end()) layers.push_back(layer);
  }
  // blocks.2 before blocks.10
  std::stable_sort(layers.begin(), layers.end(),
                   [](const std::string& a, const std::string& b) { return std::stol(a.substr(7)) < std::stol(b.substr(7)); });
  std::vector<std::string> groups{"all"};
  groups.insert(groups.end(), layers.begin(), layers.end());
  groups.insert(groups.end(), matrices.begin(), matrices.end());
  return groups;
}

ChangedAtoms changed_since(const OptimizerState& state, const std::map<std::string, at::Tensor>& earlier) {
  ChangedAtoms changed;
  for (const std::string& name : lattice_matrices(state)) {
    const auto it = earlier.find(name);
    changed[name] = count_changed(state.tensors.at(kIndices + name), it == earlier.end() ? at::Tensor() : it->second);
  }
  return changed;
}

StatsTable lattice_table(const OptimizerState& state, const ChangedAtoms& changed,
                         const std::map<std::string, at::Tensor>& milestone) {
  const auto tensor_of = [](const std::map<std::string, at::Tensor>& m, const std::string& k) {
    const auto it = m.find(k);
    return it == m.end() ? at::Tensor() : it->second;
  };
  const std::vector<std::string> matrices = lattice_matrices(state);
  StatsTable table;
  for (const std::string& group : stats_groups(matrices)) table.emplace_back(group, AtomCounts{});
  const auto row_of = [&](const std::string& group) {
    return std::find_if(table.begin(), table.end(), [&](const auto& r) { return r.first == group; });
  };
  for (const std::string& name : matrices) {
    const at::Tensor& indices = state.tensors.at(kIndices + name);
    const auto it = changed.find(name);  // a matrix the step did not report changed all its atoms
    const AtomCounts c = count_atoms(indices, state.tensors.at("sigma/" + name),
                                     it == changed.end() ? indices.numel() : it->second, tensor_of(milestone, name));
    table[0].second.add(c);
    row_of(name)->second.add(c);
    if (!layer_of(name).empty()) row_of(layer_of(name))->second.add(c);
  }
  return table;
}

std::map<std::string, at::Tensor> copy_indices(const OptimizerState& state) {
  std::map<std::string, at::Tensor> copy;
  for (const std::string& name : lattice_matrices(state)) copy[name] = state.tensors.at(kIndices + name).clone();
  return copy;
}

LatticeStats::LatticeStats(const std::vector<std::string>& matrices, const OptimizerState& start)
    : milestone_(copy_indices(start)), groups_(stats_groups(matrices)) {}

std::string LatticeStats::csv_header() const {
  std::string header = "step";
  for (const std::string& g : groups_)
    for (const char* column : kColumns) header += "," + g + ":" + column;
  return header;
}

StatsTable LatticeStats::table(const OptimizerState& state, const ChangedAtoms& changed) const {
  return lattice_table(state, changed, milestone_);
}

std::string LatticeStats::csv_row(std::int64_t step, const StatsTable& table) {
  std::string row = std::to_string(step);
  for (const auto& [group, c] : table) {
    const double atoms = double(std::max<std::int64_t>(c.atoms, 1));
    for (double v : {double(c.changed) / atoms, double(c.null) / atoms, double(c.since_milestone) / atoms,
                     c.sigma_sum / double(std::max<std::int64_t>(c.rows, 1)), c.sigma_min, c.sigma_max})
      row += "," + number(v);
  }
  return row;
}

void LatticeStats::milestone(const OptimizerState& state) { milestone_ = copy_indices(state); }

}  // namespace pollux
