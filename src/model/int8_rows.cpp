#include "pollux/model/int8_rows.h"

namespace pollux {

bool int8_rows_parameter(Scope scope, const std::string& name) {
  return scope == Scope::backbone && (name == "tok_emb.weight" || name == "pos_emb.weight" || name == "head.weight");
}

Int8Rows int8_rows(const at::Tensor& w) {
  const at::Tensor d = w.detach().to(at::kFloat).reshape({w.size(0), -1});
  // The row absmax rounded to float16 (round to nearest even), kept as float32.
  const at::Tensor s = d.abs().amax({1}).clamp(kInt8RowEpsilon, 65504.0).to(at::kHalf).to(at::kFloat);
  const at::Tensor q = (d * 127.0 / s.unsqueeze(1)).round().clamp(-127, 127).to(at::kChar);
  return {q.reshape(w.sizes()), s};
}

at::Tensor int8_rows_value(const Int8Rows& rows) {
  const at::Tensor q = rows.q.reshape({rows.q.size(0), -1}).to(at::kFloat);
  // (q * s) / 127 as two float32 operations, in decode_plx's order; a tensor divisor, so the
  // division is a true one (not a multiplication by 1/127) on every device.
  const at::Tensor w = (q * rows.scale.unsqueeze(1)).div(at::full({}, 127.0f, q.options()));
  return w.reshape(rows.q.sizes());
}

at::Tensor int8_row_weight(const at::Tensor& w) {
  const at::Tensor value = int8_rows_value(int8_rows(w)).to(w.scalar_type());
  // value + (w - w): exactly value in the forward pass, identity gradient to w (model/ternary.cpp)
  return value.detach() + (w - w.detach());
}

}  // namespace pollux
