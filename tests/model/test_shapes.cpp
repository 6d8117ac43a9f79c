// The model's shapes and parameter names, the masked padded vocabulary, causality, and seeding.
#include <ATen/ATen.h>

#include "../catch.h"
#include "../support/small_model.h"
#include "pollux/base/error.h"
#include "pollux/model/model.h"

using namespace pollux;

TEST_CASE("model: shapes, parameter names, and the padded vocabulary is masked", "[model]") {
  const ModelConfig m = test::small_model(1, 8, 48, 72, 60);
  PolluxModel model(m, 3, at::kCPU);
  CHECK(model.parameters().size() == 14);
  CHECK(model.parameter_count() == 2 * 72 * 48 + 8 * 48 + 4 * 48 * 48 + 2 * 4 * 48 * 48 + 3 * 48 + 2 * 24);
  const at::Tensor idx = at::randint(60, {2, 8}, at::kLong);
  const at::Tensor logits = model.forward(idx);
  CHECK(logits.sizes() == at::IntArrayRef({2, 8, 72}));
  const at::Tensor masked = mask_padded_vocab(logits, 60);
  CHECK(at::isinf(masked.slice(2, 60)).all().item<bool>());
  CHECK(at::isfinite(masked.slice(2, 0, 60)).all().item<bool>());
  // Causal: the first position's logits do not depend on later tokens.
  at::Tensor other = idx.clone();
  other[0][5] = (idx[0][5].item<std::int64_t>() + 1) % 60;
  CHECK(at::allclose(model.forward(other)[0][0], logits[0][0]));
  CHECK_FALSE(at::allclose(model.forward(other)[0][5], logits[0][5]));
  // The same seed gives the same model.
  PolluxModel twin(m, 3, at::kCPU);
  CHECK(at::equal(twin.forward(idx), logits));
  CHECK_THROWS_AS(model.forward(at::zeros({1, 9}, at::kLong)), pollux::Error);
}
