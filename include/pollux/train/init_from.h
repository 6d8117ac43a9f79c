// pollux-train --init_from CKPT (issue 30): a fresh run whose weights start from a continuous
// checkpoint's (quantizer = none), with a fresh optimizer and schedule (step 0). Its data
// continue where the source's stopped (the source's sampler seed and position): a run that
// converts a continuous model trains on the windows that model had not seen yet, and the
// equal-tokens harness's contF routes see the windows of the one-part routes at their seed.
//
//   quantizer = lattice: each lattice matrix W is quantized as pollux-ptq --method leech does
//     (ptq::leech_quantize: least-squares row scale alternated with the exact nearest points),
//     and its forward weight Q is that model's, so step 0 computes what the leech PTQ model
//     computes. Its latent is Q_r * (sigma_r / rms(Q_r)) per row r: the chosen points at the
//     least-squares row scale sigma_r, placed where pollux_step's row projection (spec section
//     3: scale rms(latent row), points nearest to latent / scale * C) gives back those points
//     and that scale, so the state is consistent and the first step moves from Q. Under scope =
//     backbone, tok_emb, pos_emb and head keep W as their latent and their int8 rows as forward
//     weight (pollux-ptq --scope backbone's int8 rows). The gains are copied (pollux_step's
//     first step clamps them into 1 +- (C - 1), spec section 5, as it does every gain).
//   quantizer = ternary: the parameters (the latents) are W; step 0's forward weights are their
//     BitNet b1.58 absmean ternary form per matrix (model/ternary.h) with activation_bits
//     quantized inputs: a post-training ternary model, which pollux-ptq does not offer.
//   quantizer = none: W as is, a warm start.
// Refused, one line naming --init_from and the file: a file that cannot be read as a
// checkpoint, a lattice or ternary source, a W8A8 one (ptq_activation_bits), a different
// shape (n_layers, n_embd, d_head, seq_len, vocab_size, tokenizer_vocab_size) or tokenizer.
#pragma once

#include <ATen/ATen.h>

#include <string>

#include "pollux/config/config.h"
#include "pollux/io/checkpoint.h"
#include "pollux/lattice/quantizer.h"
#include "pollux/model/model.h"

namespace pollux {

class Optimizer;
class TokenFile;
class WindowSampler;

// Throws pollux::Error naming --init_from and `path` when `source` cannot start `run`.
void check_init_source(const Checkpoint& source, const std::string& path, const Config& run);

// A lattice matrix's start from its continuous weights `w`: the forward weight (ptq leech's)
// and the latent (above).
struct LatticeStart {
  at::Tensor weight, latent;
};
LatticeStart lattice_start(const at::Tensor& w, const lattice::Quantizer& quantizer);

// Sets `model` (built for config.model) and the fresh `optimizer` from config.init_from's
// weights, `sampler` to the source's, and returns where they came from; nothing, and an empty
// origin, when config.init_from is "". With a `held_out` file and config.eval_every > 0, logs the held-out loss before the
// first step (train/step.h's held_out_loss, the windows validation uses).
RunOrigin start_from_checkpoint(const Config& config, PolluxModel& model, Optimizer& optimizer, WindowSampler& sampler,
                                const TokenFile* held_out, at::Device device);

}  // namespace pollux
