// quantizer = ternary (model/ternary.h, BitNet b1.58): three weight values per matrix, 8-bit
// activations per token, straight-through gradients, and the model's training forward.
#include <ATen/ATen.h>
#include <ATen/core/grad_mode.h>

#include <set>

#include "../catch.h"
#include "../support/random_tensors.h"
#include "../support/small_model.h"
#include "pollux/model/model.h"
#include "pollux/model/ternary.h"

using namespace pollux;

using test::random_matrix;

TEST_CASE("ternary: forward weights take exactly {-gamma, 0, +gamma}, gamma = mean |W|", "[ternary]") {
  for (std::uint64_t seed : {1, 2, 3}) {
    const at::Tensor w = random_matrix(48, 96, seed, 0.02 * double(seed));
    const at::Tensor q = ternary_weight(w);
    const float gamma = ternary_scale(w).item<float>();
    CHECK(gamma == Approx(w.abs().mean().item<double>()).epsilon(1e-6));
    std::set<float> values;
    const at::Tensor c = q.contiguous();
    for (std::int64_t i = 0; i < c.numel(); ++i) values.insert(c.data_ptr<float>()[i]);
    CHECK(values == std::set<float>{-gamma, 0.0f, gamma});
    // round-clip(W / gamma, -1, 1): |W| < gamma / 2 gives 0, otherwise the sign, times gamma.
    const at::Tensor expected = at::where(w.abs() < gamma / 2, at::zeros_like(w), w.sign() * gamma);
    const at::Tensor tie = (w.abs() - gamma / 2).abs() < 1e-6;  // round half to even: 0.5 -> 0
    CHECK(at::equal(q.masked_fill(tie, 0), expected.masked_fill(tie, 0)));
    // The trits are those weights over gamma, bit for bit.
    const at::Tensor trits = ternary_trits(w, ternary_scale(w));
    CHECK(trits.scalar_type() == at::kChar);
    CHECK(at::equal(trits.to(at::kFloat) * gamma, q));
  }
  // An all-zero matrix: gamma is the epsilon, every weight 0.
  const at::Tensor z = at::zeros({24, 24});
  CHECK(ternary_scale(z).item<float>() == float(kTernaryEpsilon));
  CHECK(at::equal(ternary_weight(z), z));
}

TEST_CASE("ternary: the gradient passes straight through to the latent", "[ternary]") {
  const at::Tensor w = random_matrix(4, 24, 7).set_requires_grad(true);
  const at::Tensor x = random_matrix(5, 24, 8);
  // d forward / d latent = identity: the Jacobian of the forward weight is the identity.
  const at::Tensor q = ternary_weight(w);
  const at::Tensor probe = random_matrix(4, 24, 9);
  (q * probe).sum().backward();
  CHECK(at::equal(w.grad(), probe));
  // Through a linear layer: the latent's gradient is the one the forward weight gets.
  w.mutable_grad() = at::Tensor();
  const at::Tensor qw = ternary_weight(w).detach().set_requires_grad(true);
  at::linear(x, qw).pow(2).sum().backward();
  at::linear(x, ternary_weight(w)).pow(2).sum().backward();
  CHECK(at::equal(w.grad(), qw.grad()));
}

TEST_CASE("ternary: 8-bit activations per token, within their bound, straight through", "[ternary]") {
  at::Tensor x = random_matrix(6, 96, 11);
  x[2] *= 1000.0;  // tokens of very different ranges each get their own scale
  x[3] *= 1e-3;
  x = x.view({2, 3, 96}).set_requires_grad(true);
  const at::Tensor q = quantize_activations(x, 8);
  const at::Tensor d = x.detach(), s = d.abs().amax({-1}, true);
  // |x_q - x| <= s / (2 * 127) per token (float32 slack relative to s).
  CHECK(((q.detach() - d).abs() <= s / 254.0 * (1 + 1e-5)).all().item<bool>());
  // At most 255 levels per token, integer multiples of s / 127, the largest |x| kept.
  const at::Tensor steps = q.detach() * (127.0 / s);
  CHECK(((steps - steps.round()).abs() < 1e-3).all().item<bool>());
  CHECK((steps.abs() <= 127 + 1e-3).all().item<bool>());
  CHECK(at::allclose(q.detach().abs().amax({-1}), s.squeeze(-1)));
  const at::Tensor flat = q.detach().reshape({6, 96});
  for (int t = 0; t < 6; ++t) CHECK(std::get<0>(at::_unique(flat[t])).numel() <= 255);
  // Straight through.
  const at::Tensor probe = random_matrix(6, 96, 12).view({2, 3, 96});
  (q * probe).sum().backward();
  CHECK(at::equal(x.grad(), probe));
  // 0 bits: unchanged.
  CHECK(at::equal(quantize_activations(d, 0), d));
  // bf16 input (CUDA autocast): the levels are computed in float32, the result keeps its dtype.
  const at::Tensor h = quantize_activations(d.to(at::kBFloat16), 8);
  CHECK(h.scalar_type() == at::kBFloat16);
  CHECK(at::equal(h, quantize_activations(d.to(at::kBFloat16).to(at::kFloat), 8).to(at::kBFloat16)));
}

TEST_CASE("ternary model: the training forward uses ternary weights, the latents get the gradients", "[ternary]") {
  const ModelConfig c = test::small_model(2, 16);
  PolluxModel latent(c, 5, at::kCPU), frozen(c, 5, at::kCPU);
  latent.set_quantization(true, 8);
  // The same model with the forward weights written into its parameters (a loaded model).
  {
    at::NoGradGuard no_grad;
    for (std::size_t i = 0; i < frozen.parameters().size(); ++i)
      if (frozen.parameters()[i].quantized_matrix())
        frozen.parameters()[i].value.copy_(ternary_weight(latent.parameters()[i].value));
  }
  frozen.set_quantization(false, 8);
  at::Generator gen = at::make_generator<at::CPUGeneratorImpl>(6);
  const at::Tensor tokens = at::randint(c.tokenizer_vocab_size, {2, c.seq_len + 1}, gen, at::kLong);
  const at::Tensor x = tokens.slice(1, 0, -1), y = tokens.slice(1, 1);
  const at::Tensor a = latent.loss(latent.forward(x), y), b = frozen.loss(frozen.forward(x), y);
  CHECK(a.item<double>() == b.item<double>());
  a.backward();
  b.backward();
  for (std::size_t i = 0; i < latent.parameters().size(); ++i) {
    INFO(latent.parameters()[i].name);
    CHECK(at::equal(latent.parameters()[i].value.grad(), frozen.parameters()[i].value.grad()));
  }
  // The fused head + loss and gradient checkpointing see the same quantized model.
  CHECK(latent.training_loss(x, y, 8).item<double>() == Approx(a.item<double>()).epsilon(1e-6));
  latent.set_gradient_checkpointing(true);
  CHECK(latent.training_loss(x, y).item<double>() == a.item<double>());
  // And the quantization changes the model: without it the loss differs.
  PolluxModel plain(c, 5, at::kCPU);
  CHECK(plain.loss(plain.forward(x), y).item<double>() != a.item<double>());
}
