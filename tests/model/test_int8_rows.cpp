// scope = backbone (model/int8_rows.h): tok_emb, pos_emb and head as int8 absmax rows, their
// values on each row's grid, at most 255 levels a row, float16 row scales, straight through.
#include <ATen/ATen.h>
#include <ATen/core/grad_mode.h>

#include <cmath>
#include <set>

#include "../catch.h"
#include "../support/random_tensors.h"
#include "../support/small_model.h"
#include "pollux/base/half.h"
#include "pollux/model/int8_rows.h"
#include "pollux/model/model.h"
#include "pollux/model/ternary.h"

using namespace pollux;

using test::random_matrix;

TEST_CASE("int8 rows: every weight is k s / 127 on its row's grid, at most 255 levels a row", "[int8_rows]") {
  for (std::uint64_t seed : {1, 2, 3}) {
    const double std = 0.01 * double(seed * seed);
    const at::Tensor w = random_matrix(40, 96, seed, std);
    w[3].mul_(1000);  // rows of very different magnitudes
    w[5].zero_();     // and an all-zero row
    const Int8Rows rows = int8_rows(w);
    REQUIRE(rows.q.scalar_type() == at::kChar);
    REQUIRE(rows.scale.scalar_type() == at::kFloat);
    const at::Tensor f = int8_row_weight(w).contiguous();
    const at::Tensor q = rows.q.contiguous(), s = rows.scale.contiguous(), wc = w.contiguous();
    for (std::int64_t r = 0; r < w.size(0); ++r) {
      const float scale = s.data_ptr<float>()[r];
      INFO("seed " << seed << " row " << r);
      // The scale is the row's absmax rounded to float16 (the epsilon for a zero row).
      CHECK(half_to_float(float_to_half(scale)) == scale);
      const float absmax = wc[r].abs().max().item<float>();
      CHECK(scale == half_to_float(float_to_half(std::max(absmax, float(kInt8RowEpsilon)))));
      std::set<float> levels;
      for (std::int64_t c = 0; c < w.size(1); ++c) {
        const std::int8_t k = q.data_ptr<std::int8_t>()[r * w.size(1) + c];
        const float value = f.data_ptr<float>()[r * w.size(1) + c], x = wc.data_ptr<float>()[r * w.size(1) + c];
        CHECK(k >= -127);
        CHECK(k <= 127);
        // Exactly what a .plx reader decodes (lattice::decode_plx: q * mu / 127 in float).
        CHECK(value == float(k) * scale / 127.0f);
        // Nearest level: within half a step (the clamp only where float16 rounded s under |x|).
        CHECK(std::abs(value - x) <= scale / 254.0f * 1.001f + std::max(0.0f, std::abs(x) - scale));
        levels.insert(value);
      }
      CHECK(levels.size() <= 255);
    }
    // The largest weight of a (non-zero) row sits at the top level.
    CHECK(q.abs().amax({1}).to(at::kInt).index({at::indexing::Slice(0, 5)}).eq(127).all().item<bool>());
    CHECK(q[5].eq(0).all().item<bool>());
  }
}

TEST_CASE("int8 rows: the gradient passes straight through to the latent", "[int8_rows]") {
  const at::Tensor w = random_matrix(4, 24, 7).set_requires_grad(true);
  const at::Tensor probe = random_matrix(4, 24, 9);
  (int8_row_weight(w) * probe).sum().backward();
  CHECK(at::equal(w.grad(), probe));
  // The forward value does not depend on the path: equal to the no-grad value bit for bit.
  CHECK(at::equal(int8_row_weight(w).detach(), int8_rows_value(int8_rows(w))));
}

TEST_CASE("int8 rows: scope = backbone names tok_emb, pos_emb and head only", "[int8_rows]") {
  for (const char* name : {"tok_emb.weight", "pos_emb.weight", "head.weight"}) {
    CHECK(int8_rows_parameter(Scope::backbone, name));
    CHECK(!int8_rows_parameter(Scope::all, name));
  }
  CHECK(!int8_rows_parameter(Scope::backbone, "blocks.0.attn.q_proj.weight"));
  CHECK(!int8_rows_parameter(Scope::backbone, "ln_f.weight"));
}

TEST_CASE("int8 rows: a ternary model with scope = backbone trains its embeddings and head as int8 rows", "[int8_rows]") {
  const ModelConfig config = test::small_model(1, 16);
  PolluxModel latent(config, 3, at::kCPU), frozen(config, 3, at::kCPU);
  latent.set_quantization(true, 8, Scope::backbone);
  {
    at::NoGradGuard no_grad;
    for (std::size_t i = 0; i < latent.parameters().size(); ++i) {
      const Parameter& p = latent.parameters()[i];
      if (!p.quantized_matrix()) continue;
      frozen.parameters()[i].value.copy_(int8_rows_parameter(Scope::backbone, p.name) ? int8_row_weight(p.value)
                                                                                      : ternary_weight(p.value));
    }
  }
  frozen.set_quantization(false, 8);
  const at::Tensor idx = at::randint(257, {2, 16}, at::kLong), targets = at::randint(257, {2, 16}, at::kLong);
  const at::Tensor a = latent.loss(latent.forward(idx), targets), b = frozen.loss(frozen.forward(idx), targets);
  CHECK(at::equal(a, b));  // the training forward is the frozen int8 + ternary model's
  a.backward();
  b.backward();
  for (std::size_t i = 0; i < latent.parameters().size(); ++i) {
    INFO(latent.parameters()[i].name);
    CHECK(at::allclose(latent.parameters()[i].value.grad(), frozen.parameters()[i].value.grad(), 1e-5, 1e-6));
  }
}
