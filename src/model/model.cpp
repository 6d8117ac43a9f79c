#include "pollux/model/model.h"

#include <cmath>

#include "pollux/base/error.h"
#include "pollux/lattice/constants.h"

namespace pollux {
namespace {

at::Tensor rms_norm(const at::Tensor& x, const at::Tensor& gain) {
  return x * at::rsqrt(x.pow(2).mean({-1}, /*keepdim=*/true) + lattice::kEpsilon) * gain;
}

}  // namespace

PolluxModel::PolluxModel(const ModelConfig& config, std::uint64_t seed, at::Device device) : config_(config) {
  const std::int64_t d = config.n_embd, V = config.vocab_size;
  at::Generator gen = at::make_generator<at::CPUGeneratorImpl>(seed);
  const double emb_std = 1.0 / (lattice::kC * std::sqrt(double(d)));
  auto make = [&](const std::string& name, at::IntArrayRef shape, double std) {
    at::Tensor t = std < 0 ? at::ones(shape, at::kFloat) : at::normal(0.0, std, shape, gen, at::kFloat);
    t = t.to(device).set_requires_grad(true);
    parameters_.push_back({name, t});
    return t;
  };
  constexpr double kGain = -1.0;  // marker: a gain initialised to ones
  tok_emb_ = make("tok_emb.weight", {V, d}, emb_std);
  pos_emb_ = make("pos_emb.weight", {config.seq_len, d}, emb_std);
  for (int l = 0; l < config.n_layers; ++l) {
    const std::string p = "blocks." + std::to_string(l) + ".";
    Block b;
    b.ln1 = make(p + "ln1.weight", {d}, kGain);
    b.q = make(p + "attn.q_proj.weight", {d, d}, 1.0);
    b.k = make(p + "attn.k_proj.weight", {d, d}, 1.0);
    b.v = make(p + "attn.v_proj.weight", {d, d}, 1.0);
    b.o = make(p + "attn.o_proj.weight", {d, d}, 1.0);
    b.q_ln = make(p + "attn.q_ln.weight", {24}, kGain);
    b.k_ln = make(p + "attn.k_ln.weight", {24}, kGain);
    b.ln2 = make(p + "ln2.weight", {d}, kGain);
    b.fc1 = make(p + "mlp.fc1.weight", {4 * d, d}, 1.0);
    b.fc2 = make(p + "mlp.fc2.weight", {d, 4 * d}, 1.0);
    blocks_.push_back(b);
  }
  ln_f_ = make("ln_f.weight", {d}, kGain);
  head_ = make("head.weight", {V, d}, emb_std);
}

at::Tensor& PolluxModel::parameter(const std::string& name) {
  for (Parameter& p : parameters_)
    if (p.name == name) return p.value;
  throw Error("model", "no parameter named " + name);
}

std::int64_t PolluxModel::parameter_count() const {
  std::int64_t n = 0;
  for (const Parameter& p : parameters_) n += p.value.numel();
  return n;
}

at::Tensor PolluxModel::forward(const at::Tensor& idx) const {
  const std::int64_t B = idx.size(0), T = idx.size(1), d = config_.n_embd, H = config_.n_heads();
  if (T > config_.seq_len)
    throw Error("model", "sequence of " + std::to_string(T) + " tokens exceeds seq_len " + std::to_string(config_.seq_len));
  at::Tensor x = at::embedding(tok_emb_, idx) + pos_emb_.slice(0, 0, T);
  const double scale = 1.0 / std::sqrt(24.0);
  for (const Block& b : blocks_) {
    at::Tensor h = rms_norm(x, b.ln1);
    at::Tensor q = rms_norm(at::linear(h, b.q).view({B, T, H, 24}), b.q_ln).transpose(1, 2);
    at::Tensor k = rms_norm(at::linear(h, b.k).view({B, T, H, 24}), b.k_ln).transpose(1, 2);
    at::Tensor v = at::linear(h, b.v).view({B, T, H, 24}).transpose(1, 2);
    at::Tensor a = at::scaled_dot_product_attention(q, k, v, {}, 0.0, /*is_causal=*/true, {}, scale);
    x = x + at::linear(a.transpose(1, 2).reshape({B, T, d}), b.o);
    x = x + at::linear(at::gelu(at::linear(rms_norm(x, b.ln2), b.fc1)), b.fc2);
  }
  return at::linear(rms_norm(x, ln_f_), head_);
}

at::Tensor mask_padded_vocab(const at::Tensor& logits, std::int64_t active) {
  if (active >= logits.size(-1)) return logits;
  at::Tensor padded = at::arange(logits.size(-1), logits.options().dtype(at::kLong)) >= active;
  return logits.masked_fill(padded, -std::numeric_limits<float>::infinity());
}

at::Tensor PolluxModel::loss(const at::Tensor& logits, const at::Tensor& targets) const {
  at::Tensor masked = mask_padded_vocab(logits, config_.tokenizer_vocab_size);
  return at::cross_entropy_loss(masked.reshape({-1, masked.size(-1)}).to(at::kFloat), targets.reshape({-1}));
}

}  // namespace pollux
