// scope = backbone (config key `scope`): tok_emb, pos_emb and head stay out of the low-bit
// regime, as BitNet's and the reference's deployments keep them. Each of those matrices keeps
// a float latent W (pollux_step's latent for quantizer = lattice, AdamW's parameter for
// quantizer = ternary), and its forward weight is its int8 absmax rows:
//   s = f16(max(max_j |W_rj|, kInt8RowEpsilon)) per row r (at most the float16 maximum),
//   q = clamp(round(W * 127 / s), -127, 127),     forward = q * s / 127,
// at most 255 levels per row, the gradient straight through to W.
// The row scale is rounded to float16 in training too (a decision, not an approximation):
// a .plx file stores exactly this q (X.weight_int8) and s (X.mu_rows, f16), and its readers'
// q * mu / 127 (lattice::decode_plx) is the training forward weight bit for bit, so the .plx
// scores what the checkpoint scores. Rounding s can put it just under max |W|; the clamp then
// keeps the row's largest weight at +-127.
#pragma once

#include <ATen/ATen.h>

#include <string>

#include "pollux/config/config.h"

namespace pollux {

constexpr double kInt8RowEpsilon = 1e-5;  // the smallest row scale (a float16 subnormal, exactly held)

// Whether the parameter `name` is held as int8 rows under `scope` (tok_emb.weight,
// pos_emb.weight and head.weight with scope = backbone).
bool int8_rows_parameter(Scope scope, const std::string& name);

// The int8 rows of a matrix W (rows x cols): q (int8, -127..127) and the per-row scale s
// (float32 holding a float16 value). No gradient.
struct Int8Rows {
  at::Tensor q;      // int8, W's shape
  at::Tensor scale;  // float32 (rows), float16-exact
};
Int8Rows int8_rows(const at::Tensor& w);
// q * s / 127 in float32, exactly what lattice::decode_plx computes from the stored rows.
at::Tensor int8_rows_value(const Int8Rows& rows);
// The forward weight int8_rows_value(int8_rows(w)), equal to it bit for bit, with the
// straight-through gradient to `w`.
at::Tensor int8_row_weight(const at::Tensor& w);

}  // namespace pollux
