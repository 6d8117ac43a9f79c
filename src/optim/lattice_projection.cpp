#include "pollux/optim/lattice_projection.h"

#include <ATen/Parallel.h>
#include <ATen/core/grad_mode.h>

#include <algorithm>
#include <atomic>

#include "optimizer_parts.h"
#include "pollux/base/error.h"
#include "pollux/dist/comm.h"
#include "pollux/kernels/lattice_search.h"
#include "pollux/lattice/constants.h"
#include "pollux/model/int8_rows.h"

namespace pollux {
namespace {

using namespace lattice;

// The fewest atoms worth a thread of their own in a projection (a certificate check is ~0.1 us,
// a search ~10 us, starting an OpenMP region a few us). The lattice layer's own threads would
// split only matrices of 4,096 atoms a thread and more, and would compete with ATen's.
constexpr std::int64_t kAtomsPerTask = 128;

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
    LatticeWeight out{at::empty({rows, cols / kAtomDim}, l.options().dtype(at::kInt)), at::empty({rows}, l.options())};
    const bool direct = weight.is_contiguous() && weight.scalar_type() == at::kFloat;
    at::Tensor w = direct ? weight.detach() : at::empty_like(l);
    kernels::project_rows_cuda(quantizer, l.data_ptr<float>(), rows, cols, out.indices.data_ptr<std::int32_t>(),
                               out.sigma.data_ptr<float>(), w.data_ptr<float>(), bad.data_ptr<std::int32_t>(), nullptr);
    if (!direct) weight.detach().copy_(w.view(weight.sizes()));
    searched += out.indices.numel();
    return out;
  }
  const at::Tensor cpu = latent.detach().contiguous();
  LatticeWeight out{
      memory && previous.defined() ? previous.to(at::kCPU).contiguous().clone() : at::empty({rows, cols / kAtomDim}, at::kInt),
      at::empty({rows}, at::kFloat)};
  auto* indices = reinterpret_cast<std::uint32_t*>(out.indices.data_ptr<std::int32_t>());
  if (memory) {
    // The rows in pieces over the threads (a step's searches are few and scattered, so rows
    // split evenly split the work about evenly).
    memory->fit(std::size_t(rows), std::size_t(cols));
    std::atomic<std::int64_t> count{0};
    at::parallel_for(
        0, rows, std::max<std::int64_t>(1, kAtomsPerTask / (cols / kAtomDim)), [&](std::int64_t begin, std::int64_t end) {
          count +=
              std::int64_t(project_row_range_incremental(quantizer, cpu.data_ptr<float>(), std::size_t(cols), std::size_t(begin),
                                                         std::size_t(end), indices, out.sigma.data_ptr<float>(), *memory));
        });
    searched += count;
  } else {
    project_rows(quantizer, cpu.data_ptr<float>(), std::size_t(rows), std::size_t(cols), indices, out.sigma.data_ptr<float>(), 0);
    searched += out.indices.numel();
  }
  write_forward_weight(weight, out, quantizer.codebook());
  return out;
}

}  // namespace

LatticeProjection::LatticeProjection(const Config& config, Comm* comm)
    : comm_(comm && comm->distributed() ? comm : nullptr),
      lattice_(config.quantizer == QuantizerKind::lattice),
      scope_(config.scope),
      quantizer_(Codebook::get(config.codebook), config.lattice_search),
      incremental_(config.projection == Projection::incremental && config.lattice_search == Scoring::exact) {}

bool LatticeProjection::projects(const Parameter& p) const { return lattice_ && p.quantized_matrix(); }

void LatticeProjection::begin_step(const at::Device& device) {
  bad_ = at::zeros({1}, at::TensorOptions().dtype(at::kInt).device(device));
  names_.clear();
  changed_.clear();
  atoms_ = 0;
  searched_ = 0;
}

void LatticeProjection::apply(Parameter& p, const at::Tensor& latent) {
  const std::int64_t rows = p.value.size(0);
  if (int8_rows_parameter(scope_, p.name)) {  // scope = backbone: int8 rows instead of the lattice
    bad_ += latent.isfinite().logical_not().any().to(at::kInt);
    const at::Tensor w = int8_rows_value(int8_rows(latent));
    p.value.detach().copy_(comm_ ? comm_->all_gather_rows(w, rows) : w);
    return;
  }
  at::Tensor weight = own_rows(comm_, p.value.detach());
  auto prev = weights_.find(p.name);
  const at::Tensor previous = prev != weights_.end() ? own_rows(comm_, prev->second.indices) : at::Tensor();
  LatticeWeight next = project(quantizer_, latent, weight, bad_, incremental_ ? &memory_[p.name] : nullptr, previous, searched_);
  if (comm_) {  // every rank rebuilds the whole matrix from the gathered indices and sigma
    next = {comm_->all_gather_index_rows(next.indices, rows), comm_->all_gather_rows(next.sigma, rows)};
    write_forward_weight(p.value, next, quantizer_.codebook());
  }
  names_.push_back(p.name);
  changed_.push_back(prev != weights_.end() ? prev->second.indices.ne(next.indices).sum().to(at::kDouble)
                                            : at::full({}, double(next.indices.numel()),
                                                       at::TensorOptions().dtype(at::kDouble).device(bad_.device())));
  atoms_ += double(next.indices.numel());
  weights_[p.name] = next;
}

double LatticeProjection::finish_step(const at::Tensor& force, StepStats& out) {
  std::vector<at::Tensor> gathered = {force, bad_.to(at::kDouble).sum()};
  gathered.insert(gathered.end(), changed_.begin(), changed_.end());
  const at::Tensor stats = at::stack(gathered).cpu();
  const double* st = stats.data_ptr<double>();
  if (st[1] != 0) throw Error("optimizer", "a latent matrix holds a NaN or Inf after the update");
  double changed_atoms = 0;
  for (std::size_t i = 0; i < names_.size(); ++i) {
    out.changed_atoms[names_[i]] = std::int64_t(st[2 + i]);
    changed_atoms += st[2 + i];
  }
  // searched: this rank's share of its own rows (all rows on one rank)
  const double own_atoms = comm_ ? atoms_ / comm_->world_size() : atoms_;
  out.churn = atoms_ > 0 ? changed_atoms / atoms_ : 0.0;
  out.searched = own_atoms > 0 ? std::min(1.0, double(searched_) / own_atoms) : 0.0;
  return st[0];
}

void LatticeProjection::add_discrete_state(OptimizerState& state) const {
  for (const auto& [name, w] : weights_) {
    state.tensors["indices/" + name] = w.indices;
    state.tensors["sigma/" + name] = w.sigma;
  }
}

void LatticeProjection::clear() {
  weights_.clear();
  memory_.clear();
}

void LatticeProjection::restore(PolluxModel& model, const OptimizerState& state,
                                const std::map<std::string, at::Tensor>& latents) {
  clear();
  if (!lattice_) return;
  at::NoGradGuard no_grad;
  for (auto& p : model.parameters()) {
    if (!projects(p)) continue;
    const at::Tensor like = p.value.detach();
    const std::int64_t rows = like.size(0);
    if (int8_rows_parameter(scope_, p.name)) {  // scope = backbone: the forward weight is the latent's int8 rows
      const at::Tensor w = int8_rows_value(int8_rows(latents.at(p.name)));
      p.value.detach().copy_(comm_ ? comm_->all_gather_rows(w, rows) : w);
      continue;
    }
    weights_[p.name] = {state_tensor(state, "indices/" + p.name,
                                     at::empty({rows, like.numel() / rows / kAtomDim}, like.options().dtype(at::kInt))),
                        state_tensor(state, "sigma/" + p.name, at::empty({rows}, like.options()))};
  }
  load_lattice_weights(model, weights_, quantizer_.codebook(), scope_);
}

void load_lattice_weights(PolluxModel& model, const std::map<std::string, LatticeWeight>& weights, const Codebook& codebook,
                          Scope scope) {
  at::NoGradGuard no_grad;
  for (auto& p : model.parameters()) {
    if (!p.quantized_matrix() || int8_rows_parameter(scope, p.name)) continue;
    auto it = weights.find(p.name);
    if (it == weights.end() || !it->second.indices.defined() || !it->second.sigma.defined())
      throw Error("optimizer", "no lattice weights (indices and sigma) for " + p.name);
    const std::int64_t rows = p.value.size(0);
    if (it->second.indices.numel() != p.value.numel() / kAtomDim || it->second.sigma.numel() != rows)
      throw Error("optimizer", "lattice weights of " + p.name + " do not match its shape");
    write_forward_weight(p.value, it->second, codebook);
  }
}

}  // namespace pollux
