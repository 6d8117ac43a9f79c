#include "pollux/model/ternary.h"

#include <string>

#include "pollux/base/error.h"

namespace pollux {
namespace {

// `value` in the forward pass, identity gradient to `x`: value + (x - x) with the difference
// exactly zero, so the result equals `value` bit for bit (x + (value - x) would round).
at::Tensor straight_through(const at::Tensor& x, const at::Tensor& value) { return value.detach() + (x - x.detach()); }

}  // namespace

at::Tensor ternary_scale(const at::Tensor& w) {
  const at::Tensor rows = w.detach().abs().reshape({w.size(0), -1}).sum({1}, false, at::kDouble);
  return (rows.sum() / double(w.numel())).clamp_min(kTernaryEpsilon).to(at::kFloat);
}

at::Tensor ternary_trits(const at::Tensor& w, const at::Tensor& gamma) {
  return (w.detach().to(at::kFloat) / gamma).round().clamp(-1, 1).to(at::kChar);
}

at::Tensor ternary_weight(const at::Tensor& w) {
  const at::Tensor gamma = ternary_scale(w);
  // BitNet b1.58 eq. 1-3: W~ = RoundClip(W / gamma, -1, 1), used as W~ * gamma.
  const at::Tensor q = (w.detach() / gamma).round().clamp(-1, 1) * gamma;
  return straight_through(w, q.to(w.scalar_type()));
}

at::Tensor quantize_activations(const at::Tensor& x, int bits) {
  if (bits == 0) return x;
  if (bits < 2 || bits > 16) throw Error("model", "activation bits " + std::to_string(bits) + " outside 2..16");
  const double levels = double((1 << (bits - 1)) - 1);
  // In float32 whatever x is (bf16 under CUDA autocast could not hold x Q / s to the unit).
  const at::Tensor d = x.detach().to(at::kFloat);
  const at::Tensor s = d.abs().amax({-1}, /*keepdim=*/true).clamp_min(kTernaryEpsilon);
  // Per token absmax (BitNet's activation quantization): round(x Q / s) in -Q..Q, times s / Q.
  const at::Tensor q = (d * (levels / s)).round().clamp(-levels, levels) * (s / levels);
  return straight_through(x, q.to(x.scalar_type()));
}

}  // namespace pollux
