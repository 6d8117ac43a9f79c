// The head and the cross-entropy fused and chunked (the GPU issue's "never materialise float32
// logits for a whole micro-batch"): mean CE of `targets` under logits = hidden . head^T, with
// ids >= active masked to -inf, computed `chunk_rows` rows at a time. The forward pass also
// computes the gradients (softmax - one-hot, times head and times hidden), so at most
// chunk_rows x vocab logits exist at once; the backward pass only scales them. Under CUDA
// autocast the two products run in bf16 as at::linear would, the softmax in float32.
#pragma once

#include <ATen/ATen.h>

namespace pollux {

// hidden (..., d) float32, head (V, d), targets (...) int64 -> scalar mean CE, differentiable
// with respect to hidden and head.
at::Tensor chunked_cross_entropy(const at::Tensor& hidden, const at::Tensor& head, const at::Tensor& targets, std::int64_t active,
                                 std::int64_t chunk_rows);

}  // namespace pollux
