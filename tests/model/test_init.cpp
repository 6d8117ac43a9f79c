// How a model starts (Init in config.h): the spec's lattice scales and GPT-2's standard ones,
// drawn in the same order from the same seed.
#include <ATen/ATen.h>

#include <cmath>

#include "../catch.h"
#include "../support/small_model.h"
#include "pollux/lattice/constants.h"
#include "pollux/model/model.h"

using namespace pollux;

namespace {

double sample_std(const at::Tensor& t) { return t.to(at::kDouble).std().item<double>(); }
double sample_mean(const at::Tensor& t) { return t.to(at::kDouble).mean().item<double>(); }

}  // namespace

TEST_CASE("init: standard draws every matrix N(0, 0.02), residual outputs N(0, 0.02 / sqrt(2 n_layers)), gains 1", "[init]") {
  const ModelConfig c = test::small_model(4, 64, 120);
  PolluxModel model(c, 11, at::kCPU, Init::standard);
  const double residual = 0.02 / std::sqrt(2.0 * c.n_layers);
  int matrices = 0, residuals = 0, gains = 0;
  for (const auto& p : model.parameters()) {
    const at::Tensor w = p.value.detach();
    INFO(p.name);
    if (w.dim() == 1) {
      CHECK(at::equal(w, at::ones_like(w)));
      ++gains;
      continue;
    }
    const bool is_residual = p.name.find("o_proj") != std::string::npos || p.name.find("fc2") != std::string::npos;
    const double expected = is_residual ? residual : 0.02;
    // The sample std of n >= 14,400 normal draws is within 3 % of sigma with overwhelming odds.
    CHECK(sample_std(w) == Approx(expected).epsilon(0.03));
    CHECK(std::abs(sample_mean(w)) < 4 * expected / std::sqrt(double(w.numel())) + 1e-12);
    ++(is_residual ? residuals : matrices);
  }
  CHECK(matrices == 3 + 4 * 4);  // tok_emb, pos_emb, head and q, k, v, fc1 per layer
  CHECK(residuals == 2 * 4);
  CHECK(gains == 1 + 4 * 4);
}

TEST_CASE("init: lattice is the spec's (matrices N(0, 1), embeddings and head N(0, 1/(C sqrt d))), the same draws", "[init]") {
  const ModelConfig c = test::small_model(2, 64, 96);
  PolluxModel lattice(c, 5, at::kCPU, Init::lattice), standard(c, 5, at::kCPU, Init::standard);
  const double emb = 1.0 / (lattice::kC * std::sqrt(96.0));
  CHECK(sample_std(lattice.parameter("blocks.0.attn.q_proj.weight").detach()) == Approx(1.0).epsilon(0.03));
  CHECK(sample_std(lattice.parameter("blocks.1.mlp.fc2.weight").detach()) == Approx(1.0).epsilon(0.03));
  CHECK(sample_std(lattice.parameter("tok_emb.weight").detach()) == Approx(emb).epsilon(0.03));
  CHECK(sample_std(lattice.parameter("head.weight").detach()) == Approx(emb).epsilon(0.03));
  // One seed, one sequence of draws: each standard matrix is the lattice one rescaled.
  for (const char* name : {"blocks.0.attn.q_proj.weight", "blocks.1.mlp.fc2.weight", "head.weight"}) {
    const at::Tensor a = lattice.parameter(name).detach(), b = standard.parameter(name).detach();
    const double ratio = b.norm().item<double>() / a.norm().item<double>();
    CHECK(at::allclose(a * ratio, b, 1e-5, 1e-9));
  }
  // The default is the spec's.
  PolluxModel by_default(c, 5, at::kCPU);
  CHECK(at::equal(by_default.parameter("blocks.0.attn.q_proj.weight"), lattice.parameter("blocks.0.attn.q_proj.weight")));
}
