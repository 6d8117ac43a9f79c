#include <cmath>

#include "optimizer_parts.h"
#include "pollux/base/error.h"
#include "pollux/dist/comm.h"
#include "pollux/lattice/constants.h"

namespace pollux {

at::Tensor adam_direction(at::Tensor& m, at::Tensor& v, const at::Tensor& g, double beta1, double beta2, double step, double rate,
                          double eps) {
  const double bc1 = 1.0 - std::pow(beta1, step), bc2 = 1.0 - std::pow(beta2, step);
  m.mul_(beta1).add_(g, 1.0 - beta1);
  v.mul_(beta2).addcmul_(g, g, 1.0 - beta2);
  return (m / bc1).mul(-rate).div((v / bc2).sqrt().add(eps));
}

at::Tensor state_tensor(const OptimizerState& state, const std::string& key, const at::Tensor& like) {
  auto it = state.tensors.find(key);
  if (it == state.tensors.end()) throw Error("optimizer", "state tensor " + key + " is missing");
  if (!it->second.sizes().equals(like.sizes())) throw Error("optimizer", "state tensor " + key + " has the wrong shape");
  return it->second.to(like.device(), it->second.scalar_type()).clone();
}

std::map<std::string, at::Tensor> starting_latents(const PolluxModel& model, const std::map<std::string, at::Tensor>& latents,
                                                   bool fresh, const std::function<bool(const Parameter&)>& keeps_latent) {
  if (!fresh) throw Error("optimizer", "start_latents: the first step was already taken");
  std::map<std::string, at::Tensor> out;
  for (const auto& [name, t] : latents) {
    const Parameter* found = nullptr;
    for (const auto& p : model.parameters())
      if (p.name == name) found = &p;
    if (!found || !keeps_latent(*found))
      throw Error("optimizer", "start_latents: " + name + " keeps no latent apart from its parameter");
    if (!t.sizes().equals(found->value.sizes())) throw Error("optimizer", "start_latents: " + name + " has the wrong shape");
    out[name] = t.detach().to(found->value.device(), found->value.scalar_type()).clone();
  }
  return out;
}

at::Tensor own_rows(const Comm* comm, const at::Tensor& t) {
  if (!comm || !comm->distributed()) return t;
  const RowShard s = shard_rows(t.size(0), comm->rank(), comm->world_size());
  return t.narrow(0, s.begin, s.count);
}

double width_inertia(int n_embd, bool reference) {
  const double eta = 1.0 + lattice::kC * std::log(double(n_embd) / lattice::kCriticalDim);
  return reference ? eta : std::max(1.0, eta);
}

std::unique_ptr<Optimizer> make_optimizer(const Config& config, PolluxModel& model, Comm* comm) {
  return config.optimizer_kind() == OptimizerKind::pollux ? make_pollux_step(config, model, comm)
                                                          : make_adamw(config, model, comm);
}

}  // namespace pollux
