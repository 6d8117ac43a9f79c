// pollux_step parity with the reference implementation (spec section 7,
// reference_trajectory.h5): a 2-layer, d = 48 model trained 8 steps on CPU in float32.
//
// Tolerances are relative to the largest magnitude of each tensor. Observed maxima over the
// 8 steps: logits 6.6e-7, gradients 1.6e-6, m and v 1.3e-6, latents 2.2e-6, weights 4.1e-7;
// ce_mean and heat agree to 5e-8 and 1e-7 relative (the reference keeps them in float32).
// These are float32 summation-order differences (matrix products and attention are summed
// in another order than in the reference's PyTorch build), and the bounds below are 5-10x
// the observed values. The lattice weights match index for index: the fixture was made with
// the reference's bfloat16 search, which lattice_search = reference-bf16 reproduces.
#include <ATen/ATen.h>
#include <ATen/Parallel.h>
#include <ATen/core/grad_mode.h>

#include <cmath>

#include "../catch.h"
#include "../support/fixture_tensors.h"
#include "../support/fixtures.h"
#include "../support/small_model.h"
#include "pollux/base/error.h"
#include "pollux/optim/optimizer.h"

using namespace pollux;

using test::fixture_tensor;
using test::relative_error;

TEST_CASE("pollux_step reproduces the reference trajectory", "[parity][fixture]") {
  const std::string dir = test::reference_dir();
  if (dir.empty()) POLLUX_SKIP_NO_FIXTURES("shared/reference not found: skipping the trajectory parity test");
  test::H5File h5(dir + "/reference_trajectory.h5");
  Config config;
  config.model.n_layers = 2;
  config.model.n_embd = 48;
  config.model.seq_len = 16;
  config.model.vocab_size = 960;
  config.model.tokenizer_vocab_size = int(h5.attribute_double("/", "active_vocab"));
  config.micro_batch = 2;
  config.grad_accum = 2;
  config.h_floor = h5.attribute_double("/", "h_floor");
  config.codebook = lattice::CodebookVariant::pollux_v4;
  config.width_inertia = WidthInertia::reference;
  config.lattice_search = lattice::Scoring::reference_bf16;  // the fixture was made with the reference's bf16 search
  REQUIRE(config.model.tokenizer_vocab_size == 96);

  at::set_num_threads(1);
  PolluxModel model(config.model, 1, at::kCPU);
  {
    at::NoGradGuard no_grad;
    for (auto& p : model.parameters()) p.value.copy_(fixture_tensor(h5, "init/" + p.name));
  }
  auto optimizer = make_optimizer(config, model);
  const auto full_state = h5.attribute_ints("/", "full_state_steps");
  const at::Tensor tokens = at::from_blob(h5.ints("tokens").data(), {8, 2, 2, 17}, at::kLong).clone();

  for (int step = 0; step < 8; ++step) {
    INFO("step " << step);
    const std::string group = "step_" + std::to_string(step);
    for (auto& p : model.parameters()) p.value.mutable_grad() = at::Tensor();
    double ce = 0;
    for (int micro = 0; micro < 2; ++micro) {
      const at::Tensor batch = tokens[step][micro];
      const at::Tensor logits = model.forward(batch.slice(1, 0, 16));
      if (micro == 0) CHECK(relative_error(logits, fixture_tensor(h5, group + "/logits_micro0")) < 5e-6);
      const at::Tensor loss = model.loss(logits, batch.slice(1, 1, 17));
      (loss / 2.0).backward();
      ce += loss.item<double>();
    }
    ce /= 2;
    CHECK(ce == Approx(h5.attribute_double(group, "ce_mean")).epsilon(1e-6));
    const bool full = std::count(full_state.begin(), full_state.end(), step) > 0;
    if (full)
      for (auto& p : model.parameters()) {
        INFO("grad " << p.name);
        CHECK(relative_error(p.value.grad(), fixture_tensor(h5, group + "/grad/" + p.name)) < 1e-5);
      }
    const StepStats stats = optimizer->step(ce);
    CHECK(stats.heat == Approx(h5.attribute_double(group, "macro_heat")).epsilon(1e-6));
    CHECK(stats.adam_force == Approx(h5.attribute_double(group, "adam_force")).epsilon(1e-5));
    if (!full) continue;
    const OptimizerState state = optimizer->state();
    for (auto& p : model.parameters()) {
      INFO(p.name);
      CHECK(relative_error(p.value, fixture_tensor(h5, group + "/weight/" + p.name)) < 5e-6);
      CHECK(relative_error(state.tensors.at("latent/" + p.name), fixture_tensor(h5, group + "/latent/" + p.name)) < 1e-5);
      CHECK(relative_error(state.tensors.at("m/" + p.name), fixture_tensor(h5, group + "/m/" + p.name)) < 1e-5);
      CHECK(relative_error(state.tensors.at("v/" + p.name), fixture_tensor(h5, group + "/v/" + p.name)) < 1e-5);
    }
  }
}

TEST_CASE("width inertia: the reference formula, and its clamp at 1", "[optimizer]") {
  CHECK(width_inertia(1152, true) == Approx(1.0));
  CHECK(width_inertia(1920, true) == Approx(1.0 + std::sqrt(2.0) * std::log(1920.0 / 1152)));
  CHECK(width_inertia(1920, true) == Approx(1.7224).epsilon(1e-4));
  CHECK(width_inertia(768, true) == Approx(0.4266).epsilon(1e-3));
  CHECK(width_inertia(96, true) < 0);
  CHECK(width_inertia(96, false) == 1.0);
  CHECK(width_inertia(1920, false) == width_inertia(1920, true));
}
