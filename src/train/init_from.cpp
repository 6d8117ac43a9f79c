#include "pollux/train/init_from.h"

#include <ATen/core/grad_mode.h>

#include <map>
#include <tuple>
#include <vector>

#include "pollux/base/error.h"
#include "pollux/base/log.h"
#include "pollux/base/stop_signal.h"
#include "pollux/data/token_file.h"
#include "pollux/io/load_weights.h"
#include "pollux/lattice/codebook.h"
#include "pollux/lattice/constants.h"
#include "pollux/model/int8_rows.h"
#include "pollux/optim/optimizer.h"
#include "pollux/ptq/quantize.h"
#include "pollux/train/step.h"

namespace pollux {
namespace {

[[noreturn]] void refuse(const std::string& path, const std::string& why) {
  throw Error("train", "--init_from " + path + ": " + why);
}

}  // namespace

void check_init_source(const Checkpoint& source, const std::string& path, const Config& run) {
  const QuantizerKind q = source.config.quantizer;
  if (q != QuantizerKind::none)
    refuse(path, "is a " + to_string(q) + " checkpoint (quantizer = " + to_string(q) +
                     "); a run starts from a continuous one (quantizer = none)");
  if (source.config.ptq_activation_bits != 0)
    refuse(path, "is a W8A8 model (ptq_activation_bits = " + std::to_string(source.config.ptq_activation_bits) +
                     ", pollux-ptq --method smoothquant): its weights need quantized activations; start from a continuous one");
  if (source.config.tokenizer != run.tokenizer)  // first: another tokenizer also has another vocabulary
    refuse(path, "was trained with tokenizer " + source.config.tokenizer + ", this run uses " + run.tokenizer);
  const ModelConfig &have = source.config.model, &want = run.model;
  const std::vector<std::tuple<const char*, int, int>> shape = {
      {"n_layers", have.n_layers, want.n_layers},
      {"n_embd", have.n_embd, want.n_embd},
      {"d_head", have.d_head, want.d_head},
      {"seq_len", have.seq_len, want.seq_len},
      {"vocab_size", have.vocab_size, want.vocab_size},
      {"tokenizer_vocab_size", have.tokenizer_vocab_size, want.tokenizer_vocab_size}};
  for (const auto& [key, there, here] : shape)
    if (there != here)
      refuse(path, std::string(key) + " is " + std::to_string(there) + " there, " + std::to_string(here) +
                       " in this run: the model must have the same shape");
}

LatticeStart lattice_start(const at::Tensor& w, const lattice::Quantizer& quantizer) {
  at::Tensor sigma;
  const at::Tensor q = ptq::leech_quantize(w, quantizer, /*fit_scale=*/true, nullptr, &sigma);
  // Per row: the latent Q_r c_r with mean(latent_r^2) + eps = sigma_r^2, so that the row
  // projection's scale sqrt(mean(latent_r^2) + eps) is sigma_r and its points, nearest to
  // c_r v * sigma_r / (C sigma_r) * C = c_r v (c_r >= sqrt(12)), are the chosen v. A row of
  // null atoms stays 0 (its weight is 0 at any scale).
  const at::Tensor rows = q.detach().to(at::kCPU, at::kDouble).reshape({q.size(0), -1});
  const at::Tensor mean_square = rows.square().mean(1);
  const at::Tensor target = (sigma.to(at::kDouble).square() - lattice::kEpsilon).clamp_min(0);
  const at::Tensor factor = at::where(mean_square > 0, (target / mean_square).sqrt(), at::zeros_like(mean_square));
  const at::Tensor latent = (rows * factor.unsqueeze(1)).to(at::kFloat).view(w.sizes()).to(w.device());
  return {q, latent};
}

RunOrigin start_from_checkpoint(const Config& config, PolluxModel& model, Optimizer& optimizer, WindowSampler& sampler,
                                const TokenFile* held_out, at::Device device) {
  const std::string& path = config.init_from;
  if (path.empty()) return {};
  Checkpoint source;
  try {
    source = read_checkpoint(path);
  } catch (const Error& e) { throw Error("train", "--init_from: " + e.message()); }
  check_init_source(source, path, config);
  try {
    load_weights(source, model, path);  // every parameter's /weights (a continuous checkpoint)
  } catch (const Error& e) { throw Error("train", "--init_from: " + e.message()); }

  std::string how = "its weights";
  if (config.quantizer == QuantizerKind::lattice) {
    const lattice::Quantizer quantizer(lattice::Codebook::get(config.codebook), lattice::Scoring::exact);  // pollux-ptq's
    std::map<std::string, at::Tensor> latents;
    at::NoGradGuard no_grad;
    int matrices = 0;
    for (Parameter& p : model.parameters()) {
      if (!p.quantized_matrix()) continue;  // the gains: as they are
      const at::Tensor w = p.value.detach().clone();
      if (int8_rows_parameter(config.scope, p.name)) {  // scope = backbone: W stays the latent
        p.value.detach().copy_(int8_rows_value(int8_rows(w)));
        latents[p.name] = w;
        continue;
      }
      LatticeStart start = lattice_start(w, quantizer);
      p.value.detach().copy_(start.weight);
      latents[p.name] = std::move(start.latent);
      ++matrices;
    }
    optimizer.start_latents(latents);
    how = strprintf("its pollux-ptq --method leech model (%d matrices on the %s lattice)", matrices,
                    to_string(config.codebook).c_str());
  } else if (config.quantizer == QuantizerKind::ternary) {
    how = "its weights as the ternary latents";
  }
  sampler = WindowSampler(source.sampler_seed, source.sampler_counter);
  log::info(
      strprintf("init_from %s (step %lld, sha256 %s): the run starts from %s, with a fresh optimizer and schedule; "
                "its data continue where the source's stopped",
                path.c_str(), (long long)source.step, source.file_sha256.c_str(), how.c_str()));
  if (held_out && config.eval_every > 0) {
    try {
      log::info(
          strprintf("init_from: held-out loss before the first step %.9g", held_out_loss(model, *held_out, config, device)));
    } catch (const Stopped&) { log::warn("a signal came during the held-out loss before the first step: it is dropped"); }
  }
  return {path, source.file_sha256, source.step};
}

}  // namespace pollux
