// Batch-1 decode over a static KV cache of the whole context: every step has the same shapes
// and the same addresses (the token and its position are read from device tensors), so on
// CUDA one step is captured in a CUDA graph once and replayed per token. Eager batch-1 decode
// on a GPU is launch-bound (some 50 ATen ops a layer, each launched from the host); a replay is
// one launch. Without the graph the same step runs op by op: the CPU twin that the tests
// compare with PolluxModel::forward(idx, cache).
//
// The step computes what PolluxModel::block computes for one new token, in fewer kernels: q, k
// and v as one product (a copy of the three matrices side by side: 3 d^2 floats a layer, 287 MB
// for Pollux-1152), each RMSNorm as at::rms_norm (one fused kernel on CUDA), the residual adds
// inside the products (addmm), attention over the whole cache with the positions not yet
// written masked. Logits equal the KV-cache forward's up to float32 rounding (summation order).
#pragma once

#include <ATen/ATen.h>

#include <cstdint>
#include <memory>
#include <vector>

#include "pollux/model/model.h"

namespace pollux {

class StaticDecoder {
 public:
  // `model` must outlive the decoder and hold its forward weights (a loaded model: not a
  // ternary training model's latents). With `cuda_graph` the model must be on CUDA in a build
  // with CUDA. Throws pollux::Error naming what is missing.
  StaticDecoder(const PolluxModel& model, bool cuda_graph);
  ~StaticDecoder();
  StaticDecoder(const StaticDecoder&) = delete;
  StaticDecoder& operator=(const StaticDecoder&) = delete;

  // Forgets the context and processes `tokens` (1 to seq_len ids) at once, eagerly; returns the
  // last position's logits (vocab_size, float32, on the model's device).
  at::Tensor prefill(const std::vector<std::int64_t>& tokens);
  // Appends one token after a prefill; returns its logits (vocab_size). With the graph, the
  // graph's output tensor: read or copy it before the next step overwrites it. Throws
  // pollux::Error when the context is full or nothing was prefilled.
  at::Tensor step(std::int64_t token);

  std::int64_t length() const { return length_; }  // positions in the cache
  bool graphed() const { return graph_ != nullptr; }
  // Whether this build can capture CUDA graphs (a CUDA build of Pollux; a CUDA LibTorch alone
  // is not enough): callers that default to the graph on CUDA decode eagerly otherwise.
  static bool graphs_available();

 private:
  at::Tensor compute();  // one step at token_ and position_
  void capture();        // records compute() in graph_ (CUDA builds)

  struct Layer {
    at::Tensor ln1, qkv, q_ln, k_ln, o_t, ln2, fc1, fc2_t, keys, values;
  };
  const PolluxModel& model_;
  std::vector<Layer> layers_;
  at::Tensor tok_emb_, pos_emb_, ln_f_, head_;
  at::Tensor token_, position_, positions_;  // (1), (1) int64; (seq_len) 0..seq_len-1
  at::Tensor output_;                        // the graph's logits
  std::int64_t length_ = 0;
  struct Graph;
  std::unique_ptr<Graph> graph_;
};

}  // namespace pollux
