// quantizer = ternary: BitNet b1.58 (Ma et al. 2024, "The Era of 1-bit LLMs: All Large Language
// Models are in 1.58 Bits", eqs. 1-3). Every matrix the lattice would quantize (Parameter::
// quantized_matrix()) keeps a float latent W, which AdamW updates; its forward weight is
//   round-clip(W / gamma, -1, 1) * gamma,   gamma = max(mean |W|, kTernaryEpsilon) per matrix,
// exactly one of {-gamma, 0, +gamma} per weight. The inputs of the quantized linears may be
// quantized to 8 bits per token (absmax, as BitNet's activations):
//   x_q = round(x * Q / s) * s / Q,   s = max(max_j |x_j|, kTernaryEpsilon) over the token's
//   features, Q = 2^(bits - 1) - 1 = 127 (255 symmetric levels, |x_q - x| <= s / (2 Q)).
// Both pass the gradient straight through (d forward / d latent = identity), as BitNet trains.
#pragma once

#include <ATen/ATen.h>

namespace pollux {

constexpr double kTernaryEpsilon = 1e-5;

// gamma of a matrix: a 0-d float32 tensor on its device. The mean is summed in float64 row by
// row, then over the rows, so it does not depend on the thread count.
at::Tensor ternary_scale(const at::Tensor& w);
// The trits round-clip(W / gamma, -1, 1) as int8 (no gradient).
at::Tensor ternary_trits(const at::Tensor& w, const at::Tensor& gamma);
// The forward weight trits * gamma, equal to it bit for bit, with the straight-through
// gradient to `w`.
at::Tensor ternary_weight(const at::Tensor& w);
// The activations x (..., features) quantized per token to `bits` (2..16) bits, straight
// through; bits = 0 returns x.
at::Tensor quantize_activations(const at::Tensor& x, int bits);

}  // namespace pollux
