#include "pollux/optim/lattice_projection.h"

#include <ATen/Parallel.h>
#include <ATen/core/grad_mode.h>

#include <algorithm>
#include <atomic>
#include <mutex>
#include <utility>

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

// The codebook's float table on `device`, uploaded once per device (19 MB).
const at::Tensor& device_codebook(const Codebook& codebook, const at::Device& device) {
  static std::mutex mutex;
  static std::map<std::pair<int, std::string>, at::Tensor> tables;
  std::lock_guard<std::mutex> lock(mutex);
  at::Tensor& t = tables[{int(codebook.variant()), device.str()}];
  if (!t.defined())
    t = at::from_blob(const_cast<float*>(codebook.table().data()), {Codebook::kSize, kAtomDim}, at::kFloat).to(device);
  return t;
}

// Writes codebook[idx] * sigma * s_lattice into `weight` (rows x cols). On the CPU through
// lattice::reconstruct_rows; on a GPU from the codebook's table there (forward_weight_on_device), so
// a data-parallel step or a load copies no weights through the host.
void write_forward_weight(at::Tensor& weight, const LatticeWeight& lw, const Codebook& codebook) {
  if (!weight.is_cpu()) {
    weight.detach().copy_(forward_weight_on_device(codebook, lw).view(weight.sizes()));
    return;
  }
  const std::int64_t rows = weight.size(0), cols = weight.numel() / rows;
  const at::Tensor idx = lw.indices.to(at::kCPU).contiguous(), sigma = lw.sigma.to(at::kCPU).contiguous();
  at::Tensor w = at::empty({rows, cols}, at::kFloat);
  reconstruct_rows(codebook, reinterpret_cast<const std::uint32_t*>(idx.data_ptr<std::int32_t>()), sigma.data_ptr<float>(),
                   std::size_t(rows), std::size_t(cols), w.data_ptr<float>());
  weight.detach().copy_(w.view(weight.sizes()));
}

// The device search memory of a rows x cols matrix (kernels::DeviceSearchMemory), allocated
// on the latent's device at first use or when the shape changed (then every atom is searched).
kernels::DeviceSearchMemory device_memory(ProjectionMemory& m, const at::Tensor& latent, std::int64_t rows, std::int64_t cols) {
  const std::int64_t atoms = rows * cols / kAtomDim;
  const bool fresh = !m.atoms.defined() || m.atoms.numel() != rows * cols || m.atoms.device() != latent.device();
  if (fresh) {
    const at::TensorOptions on = latent.options();
    // Zeros: a certificate of index 0 with `others` 0 at the origin, a true statement (every
    // score there is 0), so no atom ever reads bytes no search wrote (a NaN step leaves some).
    m.atoms = at::zeros({rows * cols}, on.dtype(at::kFloat));
    m.certificates = at::zeros({atoms * std::int64_t(sizeof(CertifiedIndex))}, on.dtype(at::kByte));
    m.flagged = at::empty({atoms}, on.dtype(at::kInt));
    m.searched = at::empty({1}, on.dtype(at::kInt));
  }
  return {m.atoms.data_ptr<float>(), reinterpret_cast<CertifiedIndex*>(m.certificates.data_ptr<std::uint8_t>()),
          m.flagged.data_ptr<std::int32_t>(), m.searched.data_ptr<std::int32_t>(), fresh};
}

// Projects a latent matrix on a GPU: the kernels of kernels/lattice_search.h write the
// forward weights into `weight` and only set `bad` (a device flag) for a NaN or Inf. With
// `memory` (exact scoring) only the atoms that may have left their lattice point are searched,
// starting from the `previous` indices, and the count is added to `searched_on_device`.
LatticeWeight project_on_gpu(const Quantizer& quantizer, const at::Tensor& latent, at::Tensor& weight, at::Tensor& bad,
                             ProjectionMemory* memory, const at::Tensor& previous, std::int64_t& searched,
                             at::Tensor& searched_on_device) {
  const std::int64_t rows = latent.size(0), cols = latent.numel() / rows;
  const at::Tensor l = latent.detach().contiguous();
  const bool incremental = memory && previous.defined();
  LatticeWeight out{incremental ? previous.contiguous().clone() : at::empty({rows, cols / kAtomDim}, l.options().dtype(at::kInt)),
                    at::empty({rows}, l.options())};
  const bool direct = weight.is_contiguous() && weight.scalar_type() == at::kFloat;
  at::Tensor w = direct ? weight.detach() : at::empty_like(l);
  if (memory) {
    kernels::DeviceSearchMemory m = device_memory(*memory, l, rows, cols);
    m.fresh = m.fresh || !incremental;  // without the previous indices no certificate applies
    kernels::project_rows_incremental_cuda(quantizer, l.data_ptr<float>(), rows, cols, out.indices.data_ptr<std::int32_t>(),
                                           out.sigma.data_ptr<float>(), w.data_ptr<float>(), m, bad.data_ptr<std::int32_t>(),
                                           nullptr);
    searched_on_device += memory->searched;
  } else {
    kernels::project_rows_cuda(quantizer, l.data_ptr<float>(), rows, cols, out.indices.data_ptr<std::int32_t>(),
                               out.sigma.data_ptr<float>(), w.data_ptr<float>(), bad.data_ptr<std::int32_t>(), nullptr);
    searched += out.indices.numel();
  }
  if (!direct) weight.detach().copy_(w.view(weight.sizes()));
  return out;
}

// Projects a latent matrix on the CPU and writes the forward weights into `weight`; throws
// for a NaN or Inf. With `memory` (exact scoring) only the atoms that may have left their
// lattice point are searched (issue 19), starting from the `previous` indices of these rows.
LatticeWeight project_on_cpu(const Quantizer& quantizer, const at::Tensor& latent, at::Tensor& weight, SearchMemory* memory,
                             const at::Tensor& previous, std::int64_t& searched) {
  const std::int64_t rows = latent.size(0), cols = latent.numel() / rows;
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

at::Tensor forward_weight_on_device(const Codebook& codebook, const LatticeWeight& lw) {
  const at::Tensor& table = device_codebook(codebook, lw.indices.device());
  const std::int64_t rows = lw.sigma.numel();
  const at::Tensor points = table.index_select(0, lw.indices.reshape({-1}).to(at::kLong)).view({rows, -1});
  return points.mul(lw.sigma.view({rows, 1})).mul(float(kLatticeScale));  // (v * sigma) * s_lattice, as reconstruct_rows
}

LatticeProjection::LatticeProjection(const Config& config, Comm* comm)
    : comm_(comm && comm->distributed() ? comm : nullptr),
      lattice_(config.quantizer == QuantizerKind::lattice),
      scope_(config.scope),
      quantizer_(Codebook::get(config.codebook), config.lattice_search),
      incremental_(config.projection == Projection::incremental && config.lattice_search == Scoring::exact) {}

bool LatticeProjection::projects(const Parameter& p) const { return lattice_ && p.quantized_matrix(); }

void LatticeProjection::begin_step(const at::Device& device) {
  bad_ = at::zeros({1}, at::TensorOptions().dtype(at::kInt).device(device));
  searched_on_device_ = at::zeros({1}, at::TensorOptions().dtype(at::kDouble).device(device));
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
  ProjectionMemory* memory = incremental_ ? &memory_[p.name] : nullptr;
  LatticeWeight next = latent.is_cpu()
                           ? project_on_cpu(quantizer_, latent, weight, memory ? &memory->host : nullptr, previous, searched_)
                           : project_on_gpu(quantizer_, latent, weight, bad_, memory, previous, searched_, searched_on_device_);
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
  std::vector<at::Tensor> gathered = {force, bad_.to(at::kDouble).sum(), searched_on_device_.sum()};
  gathered.insert(gathered.end(), changed_.begin(), changed_.end());
  const at::Tensor stats = at::stack(gathered).cpu();
  const double* st = stats.data_ptr<double>();
  if (st[1] != 0) throw Error("optimizer", "a latent matrix holds a NaN or Inf after the update");
  double changed_atoms = 0;
  for (std::size_t i = 0; i < names_.size(); ++i) {
    out.changed_atoms[names_[i]] = std::int64_t(st[3 + i]);
    changed_atoms += st[3 + i];
  }
  // searched: this rank's share of its own rows (all rows on one rank)
  const double own_atoms = comm_ ? atoms_ / comm_->world_size() : atoms_;
  out.churn = atoms_ > 0 ? changed_atoms / atoms_ : 0.0;
  out.searched = own_atoms > 0 ? std::min(1.0, (double(searched_) + st[2]) / own_atoms) : 0.0;
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
    if (it->second.indices.lt(0).logical_or(it->second.indices.ge(Codebook::kSize)).any().item<bool>())
      throw Error("optimizer", "lattice weights of " + p.name + " hold an index outside the 196,561-entry codebook");
    write_forward_weight(p.value, it->second, codebook);
  }
}

}  // namespace pollux
