// The fused, chunked head + cross-entropy gives the plain loss and gradients up to float32
// summation order, for chunks that do and do not divide the rows, with the padded vocabulary.
#include <ATen/ATen.h>

#include "../catch.h"
#include "../support/small_model.h"
#include "pollux/model/model.h"

using namespace pollux;

TEST_CASE("chunked loss: the same loss and gradients as the whole-batch logits", "[model]") {
  const ModelConfig c = test::small_model(2, 16);  // 7 padded ids masked
  at::Generator gen = at::make_generator<at::CPUGeneratorImpl>(6);
  const at::Tensor w = at::randint(c.tokenizer_vocab_size, {3, c.seq_len + 1}, gen, at::kLong);
  const at::Tensor x = w.slice(1, 0, -1), y = w.slice(1, 1);
  PolluxModel plain(c, 8, at::kCPU);
  const at::Tensor a = plain.training_loss(x, y);
  a.backward();
  for (std::int64_t chunk : {7, 16, 48, 1000}) {
    INFO("chunk " << chunk);
    PolluxModel chunked(c, 8, at::kCPU);
    const at::Tensor b = chunked.training_loss(x, y, chunk);
    b.backward();
    CHECK(b.item<double>() == Approx(a.item<double>()).epsilon(1e-6));
    for (std::size_t i = 0; i < plain.parameters().size(); ++i) {
      INFO(plain.parameters()[i].name);
      const at::Tensor ga = plain.parameters()[i].value.grad(), gb = chunked.parameters()[i].value.grad();
      REQUIRE(gb.defined());
      const double scale = ga.abs().max().item<double>();
      CHECK((ga - gb).abs().max().item<double>() <= 1e-5 * scale);
    }
  }
}
