#include "pollux/model/model.h"

#include <ATen/core/grad_mode.h>
#include <ATen/record_function.h>

#include <cmath>

#include "pollux/base/error.h"
#include "pollux/lattice/constants.h"
#include "pollux/model/checkpointed_block.h"
#include "pollux/model/chunked_loss.h"
#include "pollux/model/int8_rows.h"
#include "pollux/model/ternary.h"

namespace pollux {
namespace {

at::Tensor rms_norm(const at::Tensor& x, const at::Tensor& gain) {
  return x * at::rsqrt(x.pow(2).mean({-1}, /*keepdim=*/true) + lattice::kEpsilon) * gain;
}

}  // namespace

PolluxModel::PolluxModel(const ModelConfig& config, std::uint64_t seed, at::Device device, Init init) : config_(config) {
  const std::int64_t d = config.n_embd, V = config.vocab_size;
  at::Generator gen = at::make_generator<at::CPUGeneratorImpl>(seed);
  // The spec's scales (section 4) or GPT-2's (Radford et al. 2019, as nanoGPT draws them): every
  // matrix 0.02, the residual outputs scaled down by sqrt(2 n_layers) as two of them add to the
  // stream per block. The same draws in the same order either way: only the scales differ.
  const bool standard = init == Init::standard;
  const double emb_std = standard ? 0.02 : 1.0 / (lattice::kC * std::sqrt(double(d)));
  const double matrix_std = standard ? 0.02 : 1.0;
  const double residual_std = standard ? 0.02 / std::sqrt(2.0 * config.n_layers) : 1.0;
  constexpr double kGain = -1.0;  // marker: a gain initialised to ones
  auto make = [&](const std::string& name, at::IntArrayRef shape, double std) {
    at::Tensor t = std < 0 ? at::ones(shape, at::kFloat) : at::normal(0.0, std, shape, gen, at::kFloat);
    parameters_.push_back({name, t.to(device).set_requires_grad(true)});
  };
  make("tok_emb.weight", {V, d}, emb_std);
  make("pos_emb.weight", {config.seq_len, d}, emb_std);
  for (int l = 0; l < config.n_layers; ++l) {
    const std::string p = "blocks." + std::to_string(l) + ".";
    make(p + "ln1.weight", {d}, kGain);
    make(p + "attn.q_proj.weight", {d, d}, matrix_std);
    make(p + "attn.k_proj.weight", {d, d}, matrix_std);
    make(p + "attn.v_proj.weight", {d, d}, matrix_std);
    make(p + "attn.o_proj.weight", {d, d}, residual_std);
    make(p + "attn.q_ln.weight", {24}, kGain);
    make(p + "attn.k_ln.weight", {24}, kGain);
    make(p + "ln2.weight", {d}, kGain);
    make(p + "mlp.fc1.weight", {4 * d, d}, matrix_std);
    make(p + "mlp.fc2.weight", {d, 4 * d}, residual_std);
  }
  make("ln_f.weight", {d}, kGain);
  make("head.weight", {V, d}, emb_std);
  bind();
}

void PolluxModel::bind() {
  std::size_t i = 0;
  auto next = [&]() { return parameters_[i++].value; };
  tok_emb_ = next();
  pos_emb_ = next();
  blocks_.clear();
  for (int l = 0; l < config_.n_layers; ++l) {
    Block b;
    b.ln1 = next();
    b.q = next();
    b.k = next();
    b.v = next();
    b.o = next();
    b.q_ln = next();
    b.k_ln = next();
    b.ln2 = next();
    b.fc1 = next();
    b.fc2 = next();
    blocks_.push_back(b);
  }
  ln_f_ = next();
  head_ = next();
}

void PolluxModel::to(at::Device device) {
  for (Parameter& p : parameters_) p.value = p.value.detach().to(device).set_requires_grad(true);
  bind();
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

at::Tensor PolluxModel::weight(const at::Tensor& p) const { return ternary_weights_ ? ternary_weight(p) : p; }

at::Tensor PolluxModel::outer_weight(const at::Tensor& p) const {
  return ternary_weights_ && scope_ == Scope::backbone ? int8_row_weight(p) : weight(p);
}

at::Tensor PolluxModel::activations(const at::Tensor& x) const { return quantize_activations(x, activation_bits_); }

at::Tensor PolluxModel::forward(const at::Tensor& idx) const {
  const at::Tensor hidden = activations(run(idx, nullptr));
  if (observer_) observer_("head.weight", hidden);
  return at::linear(hidden, outer_weight(head_));
}

at::Tensor PolluxModel::forward(const at::Tensor& idx, KVCache& cache) const {
  return at::linear(activations(run(idx, &cache)), outer_weight(head_));
}

at::Tensor PolluxModel::training_loss(const at::Tensor& idx, const at::Tensor& targets, std::int64_t loss_chunk) const {
  const at::Tensor hidden = activations(run(idx, nullptr));
  RECORD_USER_SCOPE("pollux::head_loss");  // a profiler range (train/profiler.h)
  const at::Tensor head = outer_weight(head_);
  if (loss_chunk <= 0) return loss(at::linear(hidden, head), targets);
  return chunked_cross_entropy(hidden, head, targets, config_.tokenizer_vocab_size, loss_chunk);
}

at::Tensor PolluxModel::run(const at::Tensor& idx, KVCache* cache) const {
  const std::int64_t T = idx.size(1);
  const std::int64_t past = cache ? cache->length() : 0;
  if (past + T > config_.seq_len)
    throw Error("model",
                "sequence of " + std::to_string(past + T) + " tokens exceeds seq_len " + std::to_string(config_.seq_len));
  at::Tensor x = embed(idx, past);
  // New positions attend causally among themselves and to every cached position.
  at::Tensor mask;
  if (past > 0 && T > 1) mask = at::ones({T, past + T}, idx.options().dtype(at::kBool)).tril(past);
  if (cache && cache->k.empty()) {
    cache->k.resize(blocks_.size());
    cache->v.resize(blocks_.size());
  }
  for (std::size_t l = 0; l < blocks_.size(); ++l)
    x = checkpointing_ && !cache && at::GradMode::is_enabled() ? checkpointed_block(*this, l, x) : block(l, x, cache, mask);
  return rms_norm(x, ln_f_);
}

at::Tensor PolluxModel::embed(const at::Tensor& idx, std::int64_t past) const {
  return at::embedding(outer_weight(tok_emb_), idx) + outer_weight(pos_emb_).slice(0, past, past + idx.size(1));
}

std::vector<at::Tensor> PolluxModel::block_parameters(std::size_t l) const {
  const Block& b = blocks_.at(l);
  return {b.ln1, b.q, b.k, b.v, b.o, b.q_ln, b.k_ln, b.ln2, b.fc1, b.fc2};
}

at::Tensor PolluxModel::block(std::size_t l, const at::Tensor& x_in, KVCache* cache, const at::Tensor& mask) const {
  const std::int64_t B = x_in.size(0), T = x_in.size(1), d = config_.n_embd, H = config_.n_heads();
  const std::int64_t past = cache && cache->k.at(l).defined() ? cache->k[l].size(2) : 0;
  const double scale = 1.0 / std::sqrt(24.0);
  const Block& b = blocks_.at(l);
  // Profiler ranges (train/profiler.h): the block, its attention and its MLP.
  RECORD_USER_SCOPE("pollux::block." + std::to_string(l));
  auto observe = [&](const char* weight, const at::Tensor& input) {
    if (observer_) observer_("blocks." + std::to_string(l) + "." + weight, input);
  };
  at::Tensor x;
  {
    RECORD_USER_SCOPE("pollux::attention");
    at::Tensor h = activations(rms_norm(x_in, b.ln1));
    observe("attn.q_proj.weight", h);
    observe("attn.k_proj.weight", h);
    observe("attn.v_proj.weight", h);
    at::Tensor q = rms_norm(at::linear(h, weight(b.q)).view({B, T, H, 24}), b.q_ln).transpose(1, 2);
    at::Tensor k = rms_norm(at::linear(h, weight(b.k)).view({B, T, H, 24}), b.k_ln).transpose(1, 2);
    at::Tensor v = at::linear(h, weight(b.v)).view({B, T, H, 24}).transpose(1, 2);
    if (cache) {
      if (past > 0) {
        k = at::cat({cache->k[l], k}, 2);
        v = at::cat({cache->v[l], v}, 2);
      }
      cache->k[l] = k;
      cache->v[l] = v;
    }
    const bool causal = past == 0;
    at::Tensor a = at::scaled_dot_product_attention(q, k, v, mask.defined() ? std::optional<at::Tensor>(mask) : std::nullopt, 0.0,
                                                    causal && T > 1, {}, scale);
    const at::Tensor attended = activations(a.transpose(1, 2).reshape({B, T, d}));
    observe("attn.o_proj.weight", attended);
    x = x_in + at::linear(attended, weight(b.o));
  }
  {
    RECORD_USER_SCOPE("pollux::mlp");
    const at::Tensor h = activations(rms_norm(x, b.ln2));
    observe("mlp.fc1.weight", h);
    const at::Tensor g = activations(at::gelu(at::linear(h, weight(b.fc1))));
    observe("mlp.fc2.weight", g);
    return x + at::linear(g, weight(b.fc2));
  }
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
