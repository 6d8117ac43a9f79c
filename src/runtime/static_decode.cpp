#include "pollux/runtime/static_decode.h"

#include <ATen/core/grad_mode.h>

#include <cmath>
#include <string>

#if POLLUX_WITH_CUDA
#include <ATen/cuda/CUDAGraph.h>
#include <c10/cuda/CUDAFunctions.h>
#include <c10/cuda/CUDAGuard.h>
#include <c10/cuda/CUDAStream.h>
#include <cuda_runtime_api.h>
#endif

#include "pollux/base/error.h"
#include "pollux/lattice/constants.h"
#include "pollux/model/ternary.h"

namespace pollux {

#if POLLUX_WITH_CUDA
struct StaticDecoder::Graph {
  at::cuda::CUDAGraph graph;
};
#else
struct StaticDecoder::Graph {};
#endif

StaticDecoder::StaticDecoder(const PolluxModel& model, bool cuda_graph) : model_(model) {
  if (model.ternary_weights())
    throw Error("decode", "the static decoder runs a model that holds its forward weights (a loaded one), not ternary latents");
  const ModelConfig& c = model.config();
  const at::Tensor& first = model.parameters().front().value;
  if (cuda_graph && !first.is_cuda()) throw Error("decode", "a CUDA graph needs the model on CUDA (--device cuda)");
  at::NoGradGuard no_grad;
  auto param = [&](const std::string& name) -> at::Tensor {
    for (const Parameter& p : model.parameters())
      if (p.name == name) return p.value.detach();
    throw Error("decode", "the model has no parameter " + name);
  };
  tok_emb_ = param("tok_emb.weight");
  pos_emb_ = param("pos_emb.weight");
  ln_f_ = param("ln_f.weight");
  head_ = param("head.weight");
  const std::int64_t H = c.n_heads(), S = c.seq_len;
  const at::TensorOptions f32 = first.options().dtype(at::kFloat).requires_grad(false);
  for (std::size_t l = 0; l < std::size_t(c.n_layers); ++l) {
    const std::vector<at::Tensor> b = model.block_parameters(l);  // ln1, q, k, v, o, q_ln, k_ln, ln2, fc1, fc2
    Layer L;
    L.ln1 = b[0].detach();
    L.qkv = at::cat({b[1].detach(), b[2].detach(), b[3].detach()}, 0);
    L.o_t = b[4].detach().t();
    L.q_ln = b[5].detach();
    L.k_ln = b[6].detach();
    L.ln2 = b[7].detach();
    L.fc1 = b[8].detach();
    L.fc2_t = b[9].detach().t();
    // Zeros, not garbage: a masked position's value still meets a zero weight in the
    // attention's sum, and 0 x NaN would be NaN.
    L.keys = at::zeros({1, H, S, 24}, f32);
    L.values = at::zeros({1, H, S, 24}, f32);
    layers_.push_back(std::move(L));
  }
  const at::TensorOptions i64 = f32.dtype(at::kLong);
  token_ = at::zeros({1}, i64);
  position_ = at::zeros({1}, i64);
  positions_ = at::arange(S, i64);
  if (cuda_graph) capture();
}

StaticDecoder::~StaticDecoder() = default;

at::Tensor StaticDecoder::compute() {
  const ModelConfig& c = model_.config();
  const std::int64_t d = c.n_embd, H = c.n_heads(), S = c.seq_len;
  const int bits = model_.activation_bits();
  const double eps = lattice::kEpsilon, scale = 1.0 / std::sqrt(24.0);
  auto act = [&](const at::Tensor& x) { return quantize_activations(x, bits); };
  at::Tensor x = at::embedding(tok_emb_, token_) + pos_emb_.index_select(0, position_);  // (1, d)
  const at::Tensor seen = positions_.le(position_).view({1, 1, 1, S});                   // the cache's written positions
  for (Layer& L : layers_) {
    const at::Tensor h = act(at::rms_norm(x, {d}, L.ln1, eps));
    const at::Tensor qkv = at::linear(h, L.qkv).view({3, H, 24});
    const at::Tensor q = at::rms_norm(qkv[0], {24}, L.q_ln, eps).view({1, H, 1, 24});
    L.keys.index_copy_(2, position_, at::rms_norm(qkv[1], {24}, L.k_ln, eps).view({1, H, 1, 24}));
    L.values.index_copy_(2, position_, qkv[2].view({1, H, 1, 24}));
    const at::Tensor a = at::scaled_dot_product_attention(q, L.keys, L.values, seen, 0.0, false, {}, scale);
    x = at::addmm(x, act(a.reshape({1, d})), L.o_t);
    const at::Tensor g = act(at::gelu(at::linear(act(at::rms_norm(x, {d}, L.ln2, eps)), L.fc1)));
    x = at::addmm(x, g, L.fc2_t);
  }
  return at::linear(act(at::rms_norm(x, {d}, ln_f_, eps)), head_).view({-1});
}

#if POLLUX_WITH_CUDA
void StaticDecoder::capture() {
  graph_ = std::make_unique<Graph>();
  c10::cuda::CUDAGuard device_guard(tok_emb_.device());
  // Captured on a side stream, as CUDA requires, after two warm-up steps there (cuBLAS's handle
  // and workspace, the attention kernel's first use). Both write position 0, which the prefill
  // writes again; the graph then reads token_ and position_ wherever they point.
  const c10::cuda::CUDAStream side = c10::cuda::getStreamFromPool();
  c10::cuda::device_synchronize();
  {
    c10::cuda::CUDAStreamGuard stream_guard(side);
    for (int i = 0; i < 2; ++i) compute();
    graph_->graph.capture_begin();
    try {
      output_ = compute();
    } catch (...) {  // end the capture, or every later CUDA call of the process fails
      cudaGraph_t partial = nullptr;
      if (cudaStreamEndCapture(side.stream(), &partial) == cudaSuccess && partial) cudaGraphDestroy(partial);
      graph_.reset();
      throw;
    }
    graph_->graph.capture_end();
  }
  c10::cuda::device_synchronize();
}

bool StaticDecoder::graphs_available() { return true; }
#else
void StaticDecoder::capture() { throw Error("decode", "this build has no CUDA: no CUDA graph (build with -DPOLLUX_CUDA=ON)"); }

bool StaticDecoder::graphs_available() { return false; }
#endif

at::Tensor StaticDecoder::prefill(const std::vector<std::int64_t>& tokens) {
  const std::int64_t S = model_.config().seq_len, n = std::int64_t(tokens.size());
  if (n < 1 || n > S)
    throw Error("decode", "a prefill of " + std::to_string(n) + " tokens: expected 1 to the context of " + std::to_string(S));
  at::NoGradGuard no_grad;
  PolluxModel::KVCache cache;
  const at::Tensor idx = at::tensor(tokens, at::kLong).unsqueeze(0).to(tok_emb_.device());
  const at::Tensor logits = model_.forward(idx, cache)[0][-1];
  for (std::size_t l = 0; l < layers_.size(); ++l) {
    layers_[l].keys.narrow(2, 0, n).copy_(cache.k[l]);
    layers_[l].values.narrow(2, 0, n).copy_(cache.v[l]);
  }
  length_ = n;
  return logits;
}

at::Tensor StaticDecoder::step(std::int64_t token) {
  const std::int64_t S = model_.config().seq_len, V = model_.config().vocab_size;
  if (token < 0 || token >= V)
    throw Error("decode", "token id " + std::to_string(token) + " is outside the vocabulary of " + std::to_string(V));
  if (length_ == 0) throw Error("decode", "a step before any prefill: the cache holds no context");
  if (length_ >= S) throw Error("decode", "the context of " + std::to_string(S) + " tokens is full: prefill again");
  at::NoGradGuard no_grad;
  token_.fill_(token);
  position_.fill_(length_);
  at::Tensor logits;
#if POLLUX_WITH_CUDA
  if (graph_) {
    graph_->graph.replay();
    logits = output_;
  }
#endif
  if (!graph_) logits = compute();
  ++length_;
  return logits;
}

}  // namespace pollux
