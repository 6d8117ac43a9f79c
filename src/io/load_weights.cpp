#include "pollux/io/load_weights.h"

#include <ATen/core/grad_mode.h>

#include <map>

#include "pollux/base/error.h"
#include "pollux/lattice/codebook.h"
#include "pollux/model/int8_rows.h"
#include "pollux/optim/optimizer.h"

namespace pollux {

void load_weights(const Checkpoint& ck, PolluxModel& model, const std::string& path) {
  const bool lattice_checkpoint = ck.config.quantizer == QuantizerKind::lattice;
  // The tensor /GROUP/KEY of parameter `name`, of the given shape.
  auto stored = [&](const std::string& group, const std::string& key, const std::string& name, at::IntArrayRef shape) {
    const auto& tensors = group == "weights" ? ck.weights : ck.optimizer.tensors;
    const auto it = tensors.find(key);
    const std::string where = " (/" + group + "/" + key + ")";
    if (it == tensors.end()) throw Error("checkpoint", path + ": weight " + name + " is missing" + where);
    if (!it->second.sizes().equals(shape)) throw Error("checkpoint", path + ": weight " + name + " has the wrong shape" + where);
    return it->second;
  };
  std::map<std::string, LatticeWeight> discrete;
  at::NoGradGuard no_grad;
  for (auto& p : model.parameters()) {
    if (lattice_checkpoint && p.quantized_matrix() && !int8_rows_parameter(ck.config.scope, p.name)) {
      const std::int64_t rows = p.value.size(0);
      discrete[p.name] = {stored("optimizer", "indices/" + p.name, p.name, {rows, p.value.numel() / rows / lattice::kAtomDim}),
                          stored("optimizer", "sigma/" + p.name, p.name, {rows})};
      continue;
    }
    p.value.detach().copy_(stored("weights", p.name, p.name, p.value.sizes()));
  }
  if (lattice_checkpoint)
    load_lattice_weights(model, discrete, lattice::Codebook::get(lattice::parse_codebook_variant(ck.codebook)), ck.config.scope);
}

}  // namespace pollux
