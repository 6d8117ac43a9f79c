// The Pollux transformer (spec section 4) on ATen tensors with autograd.
//
//   tok_emb (V x d), pos_emb (T x d), head (V x d): init N(0, (1 / (C sqrt d))^2)
//   n_layers pre-norm blocks:  x += Attn(RMSNorm(x));  x += MLP(RMSNorm(x))
//     Attn: q, k, v, o are d x d, no bias; 24-wide heads; per-head RMSNorm (24 gains) on
//           q and k; causal scaled-dot-product attention with scale 1/sqrt(24)
//     MLP:  d -> 4d, exact (erf) GELU, 4d -> d, no bias
//   final RMSNorm, then the head. RMSNorm(x) = x rsqrt(mean(x^2) + 1e-8) g, g init 1.
//   Quantized linears init N(0, 1). Logits of ids >= tokenizer_vocab_size are -inf in the
//   loss and in sampling.
//
// The forward pass uses whatever the parameters hold: after every pollux_step they hold
// the lattice weights (the latents live in the optimizer), so gradients reach the latents
// straight through. With quantizer = ternary the parameters are the latents themselves and
// the forward pass computes their ternary weights (set_quantization, model/ternary.h).
#pragma once

#include <ATen/ATen.h>

#include <functional>
#include <string>
#include <vector>

#include "pollux/config/config.h"
#include "pollux/lattice/constants.h"

namespace pollux {

struct Parameter {
  std::string name;  // as in the reference: "blocks.0.attn.q_proj.weight"
  at::Tensor value;  // requires grad
  // A matrix a quantizer replaces, its rows made of 24-weight atoms (spec section 5: >= 2-D and
  // numel % 24 == 0): projected onto the lattice by pollux_step, ternary in a ternary model,
  // quantized by pollux-ptq, packed by pollux-pack. Otherwise a 1-D gain, kept in float.
  bool quantized_matrix() const { return value.dim() >= 2 && value.numel() % lattice::kAtomDim == 0; }
};

class PolluxModel {
 public:
  // Parameters drawn from the generator seeded with `seed` (on the CPU, then moved), so
  // the same seed gives the same model on every device; `init` says at which scales (Init in
  // config.h). A model whose weights are loaded afterwards needs no init.
  PolluxModel(const ModelConfig& config, std::uint64_t seed, at::Device device, Init init = Init::lattice);

  const ModelConfig& config() const { return config_; }
  std::vector<Parameter>& parameters() { return parameters_; }
  const std::vector<Parameter>& parameters() const { return parameters_; }
  at::Tensor& parameter(const std::string& name);  // throws pollux::Error if absent
  std::int64_t parameter_count() const;

  // Moves the parameters to `device` (they stay leaves that require grad).
  void to(at::Device device);

  // idx: (B, T) int64 token ids, T <= seq_len. Returns (B, T, vocab_size) logits (unmasked).
  at::Tensor forward(const at::Tensor& idx) const;

  // Keys and values of the positions seen so far, per layer: (B, H, T, 24) each.
  struct KVCache {
    std::vector<at::Tensor> k, v;
    std::int64_t length() const { return k.empty() ? 0 : k.front().size(2); }
  };
  // Incremental forward for generation: idx (B, T_new) continues the cached positions;
  // returns (B, T_new, vocab_size) logits and appends to the cache. Each new token costs one
  // position, not the prefix.
  at::Tensor forward(const at::Tensor& idx, KVCache& cache) const;

  // Mean cross-entropy of targets (B, T) under logits, ids >= tokenizer_vocab_size masked.
  at::Tensor loss(const at::Tensor& logits, const at::Tensor& targets) const;
  // The training loss of inputs idx and targets (B, T): loss(forward(idx), targets), or with
  // loss_chunk > 0 the head and the loss fused, loss_chunk rows of logits at a time
  // (model/chunked_loss.h): the same value up to float32 summation order, far less memory.
  at::Tensor training_loss(const at::Tensor& idx, const at::Tensor& targets, std::int64_t loss_chunk = 0) const;

  // Gradient checkpointing: the training forward keeps only each block's input and
  // recomputes the block in the backward pass (less activation memory, one more forward).
  // Gradients equal those without it. Generation (with a KV cache) is never checkpointed.
  void set_gradient_checkpointing(bool on) { checkpointing_ = on; }

  // quantizer = ternary (model/ternary.h): with `ternary_weights` every quantized_matrix() parameter is
  // a latent whose forward weight is its ternary form (training, straight-through); without,
  // the parameters already hold the forward weights (a loaded model). `activation_bits` (0 or
  // 8) quantizes the inputs of the linears whose weights are quantized_matrix() parameters per token.
  // With `ternary_weights` and scope = backbone, tok_emb, pos_emb and head are latents whose
  // forward weights are their int8 rows instead (model/int8_rows.h).
  void set_quantization(bool ternary_weights, int activation_bits, Scope scope = Scope::all) {
    ternary_weights_ = ternary_weights;
    activation_bits_ = activation_bits;
    scope_ = scope;
  }
  bool ternary_weights() const { return ternary_weights_; }
  int activation_bits() const { return activation_bits_; }

  // Block l on x (B, T, d): x + Attn(RMSNorm(x)), then + MLP(RMSNorm(.)). With a cache, the
  // keys and values are appended to it and `mask` (if defined) says who attends to whom.
  at::Tensor block(std::size_t l, const at::Tensor& x, KVCache* cache = nullptr, const at::Tensor& mask = {}) const;
  // The parameters block l reads, in a fixed order.
  std::vector<at::Tensor> block_parameters(std::size_t l) const;
  // Block 0's input for idx (B, T): token plus position embeddings of positions past..past+T-1.
  at::Tensor embed(const at::Tensor& idx, std::int64_t past = 0) const;

  // Calibration for post-training quantization (ptq/ptq.h): when set, block() and forward()
  // call it with each linear layer's parameter name and its input (..., in_features) before
  // the product. Unset by default, and then nothing is called.
  using LinearInputObserver = std::function<void(const std::string& weight, const at::Tensor& input)>;
  void set_linear_input_observer(LinearInputObserver observer) { observer_ = std::move(observer); }

 private:
  void bind();                                                  // points the named fields below at parameters_
  at::Tensor run(const at::Tensor& idx, KVCache* cache) const;  // up to the final RMSNorm
  at::Tensor weight(const at::Tensor& p) const;                 // the forward weight of a quantized_matrix() parameter
  at::Tensor outer_weight(const at::Tensor& p) const;           // ... of tok_emb, pos_emb or head (scope)
  at::Tensor activations(const at::Tensor& x) const;            // a quantized linear's input
  bool checkpointing_ = false;
  LinearInputObserver observer_;
  bool ternary_weights_ = false;
  int activation_bits_ = 0;
  Scope scope_ = Scope::all;
  ModelConfig config_;
  std::vector<Parameter> parameters_;
  struct Block {
    at::Tensor ln1, q, k, v, o, q_ln, k_ln, ln2, fc1, fc2;
  };
  std::vector<Block> blocks_;
  at::Tensor tok_emb_, pos_emb_, ln_f_, head_;
};

// Masks logits of ids >= active (the padded vocabulary) with -inf, out of place.
at::Tensor mask_padded_vocab(const at::Tensor& logits, std::int64_t active);

}  // namespace pollux
