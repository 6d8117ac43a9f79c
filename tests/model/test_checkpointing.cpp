// Gradient checkpointing recomputes each block in the backward pass: the loss and every
// gradient are the same as without it.
#include <ATen/ATen.h>
#include <ATen/core/grad_mode.h>

#include "../catch.h"
#include "../support/small_model.h"
#include "pollux/model/model.h"

using namespace pollux;

TEST_CASE("gradient checkpointing: the same loss and the same gradients, bit for bit", "[model]") {
  const ModelConfig c = test::small_model(3, 16);
  PolluxModel plain(c, 3, at::kCPU), checkpointed(c, 3, at::kCPU);
  checkpointed.set_gradient_checkpointing(true);
  at::Generator gen = at::make_generator<at::CPUGeneratorImpl>(4);
  const at::Tensor w = at::randint(c.tokenizer_vocab_size, {3, c.seq_len + 1}, gen, at::kLong);
  const at::Tensor x = w.slice(1, 0, -1), y = w.slice(1, 1);
  const at::Tensor a = plain.loss(plain.forward(x), y), b = checkpointed.loss(checkpointed.forward(x), y);
  a.backward();
  b.backward();
  CHECK(a.item<double>() == b.item<double>());
  for (std::size_t i = 0; i < plain.parameters().size(); ++i) {
    INFO(plain.parameters()[i].name);
    const at::Tensor ga = plain.parameters()[i].value.grad(), gb = checkpointed.parameters()[i].value.grad();
    REQUIRE(gb.defined());
    CHECK(at::equal(ga, gb));
  }
  // Without a graph (evaluation) nothing is checkpointed and the logits are the same.
  at::NoGradGuard no_grad;
  CHECK(at::equal(plain.forward(x), checkpointed.forward(x)));
}
