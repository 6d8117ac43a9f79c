// The optimizer layer: `optimizer` picks pollux_step or AdamW for any quantizer. AdamW on a
// lattice model keeps latents apart and projects them (straight through); pollux_step on a
// ternary model steps its latents and leaves the ternary forward weights to the model. Both
// continue bit for bit from their state.
#include <ATen/ATen.h>
#include <ATen/core/grad_mode.h>

#include "../catch.h"
#include "../support/small_model.h"
#include "pollux/lattice/codebook.h"
#include "pollux/lattice/constants.h"
#include "pollux/model/int8_rows.h"
#include "pollux/optim/lattice_projection.h"
#include "pollux/optim/optimizer.h"

using namespace pollux;

namespace {

Config small_config(QuantizerKind quantizer, OptimizerKind optimizer) {
  Config config;
  config.model = test::small_model(1, 16);
  config.quantizer = quantizer;
  config.optimizer = optimizer;
  config.h_floor = 1.0;
  config.lr = 3e-2;
  config.min_lr = 3e-3;
  config.warmup_steps = 2;
  config.max_steps = 40;
  config.validate();
  return config;
}

PolluxModel small_model(const Config& config) {
  PolluxModel model(config.model, 3, at::kCPU, config.init);
  if (config.quantizer == QuantizerKind::ternary) model.set_quantization(true, config.activation_bits, config.scope);
  return model;
}

// One optimizer step on a fixed batch; returns the loss before it.
double train_step(PolluxModel& model, Optimizer& optimizer, const at::Tensor& idx, const at::Tensor& targets) {
  for (auto& p : model.parameters())
    if (p.value.grad().defined()) p.value.mutable_grad().zero_();
  const at::Tensor loss = model.loss(model.forward(idx), targets);
  loss.backward();
  const double value = loss.item<double>();
  optimizer.step(value);
  return value;
}

struct Batch {
  at::Tensor idx, targets;
};
Batch fixed_batch() {
  at::manual_seed(11);
  return {at::randint(257, {4, 16}, at::kLong), at::randint(257, {4, 16}, at::kLong)};
}

}  // namespace

TEST_CASE("optimizer = adamw on a lattice model: latents apart, forward weights on the lattice, the loss falls",
          "[optimizer][adamw]") {
  for (const Scope scope : {Scope::all, Scope::backbone}) {
    INFO(to_string(scope));
    Config config = small_config(QuantizerKind::lattice, OptimizerKind::adamw);
    config.scope = scope;
    PolluxModel model = small_model(config);
    auto optimizer = make_optimizer(config, model);
    const Batch b = fixed_batch();
    const double first = train_step(model, *optimizer, b.idx, b.targets);
    double last = first;
    for (int s = 1; s < 30; ++s) last = train_step(model, *optimizer, b.idx, b.targets);
    CHECK(last < first - 1.0);  // memorising one batch: a straight-through step that works
    const OptimizerState state = optimizer->state();
    CHECK(state.heat == 0);
    // Each lattice matrix's forward weight is exactly codebook[idx] * sigma * s_lattice of the
    // state's indices and sigma; an int8-row matrix's is the int8 rows of its latent.
    std::map<std::string, LatticeWeight> discrete;
    for (const auto& p : model.parameters())
      if (state.tensors.count("indices/" + p.name))
        discrete[p.name] = {state.tensors.at("indices/" + p.name), state.tensors.at("sigma/" + p.name)};
    PolluxModel rebuilt = small_model(config);
    load_lattice_weights(rebuilt, discrete, lattice::Codebook::get(lattice::CodebookVariant::leech), scope);
    for (std::size_t i = 0; i < model.parameters().size(); ++i) {
      const Parameter& p = model.parameters()[i];
      INFO(p.name);
      const bool int8 = int8_rows_parameter(scope, p.name);
      CHECK(state.tensors.count("m/" + p.name) == 1);
      CHECK(state.tensors.count("latent/" + p.name) == (p.quantized_matrix() ? 1u : 0u));
      CHECK(state.tensors.count("indices/" + p.name) == (p.quantized_matrix() && !int8 ? 1u : 0u));
      if (!p.quantized_matrix()) continue;
      const at::Tensor latent = state.tensors.at("latent/" + p.name);
      CHECK_FALSE(at::equal(latent, p.value.detach()));  // the forward weight is a projection of it
      if (int8)
        CHECK(at::equal(p.value.detach(), int8_rows_value(int8_rows(latent))));
      else
        CHECK(at::equal(rebuilt.parameters()[i].value.detach(), p.value.detach()));
    }
  }
}

TEST_CASE("optimizer = pollux on a ternary model: heat-driven steps of its latents, the model's ternary forward",
          "[optimizer][pollux_step]") {
  Config config = small_config(QuantizerKind::ternary, OptimizerKind::pollux);
  PolluxModel model = small_model(config);
  std::vector<at::Tensor> before;
  for (const auto& p : model.parameters()) before.push_back(p.value.detach().clone());
  auto optimizer = make_optimizer(config, model);
  const Batch b = fixed_batch();
  const double first = train_step(model, *optimizer, b.idx, b.targets);
  const OptimizerState state = optimizer->state();
  CHECK(state.heat > 0);
  for (std::size_t i = 0; i < model.parameters().size(); ++i) {
    const Parameter& p = model.parameters()[i];
    INFO(p.name);
    CHECK(state.tensors.count("indices/" + p.name) == 0);
    // the parameter is the latent (the model ternarizes it in the forward pass)
    CHECK(at::equal(state.tensors.at("latent/" + p.name), p.value.detach()));
    if (!p.quantized_matrix()) continue;
    // every atom of the step within KINEMATIC_LIMIT s_lattice, after the decay (spec section 5)
    const double decay = 1.0 - state.heat * lattice::kGamma * lattice::kGamma;
    const at::Tensor step = (p.value.detach() - before[i] * decay).view({-1, lattice::kAtomDim});
    CHECK(step.norm(2, {1}).max().item<double>() <= lattice::kKinematicLimit * lattice::kLatticeScale * (1 + 1e-5));
  }
  double last = first;
  for (int s = 1; s < 30; ++s) last = train_step(model, *optimizer, b.idx, b.targets);
  CHECK(last < first - 0.5);
}

TEST_CASE("every optimizer x quantizer pair continues bit for bit from its state", "[optimizer][resume]") {
  const std::vector<std::pair<QuantizerKind, OptimizerKind>> pairs = {
      {QuantizerKind::lattice, OptimizerKind::pollux}, {QuantizerKind::lattice, OptimizerKind::adamw},
      {QuantizerKind::ternary, OptimizerKind::pollux}, {QuantizerKind::ternary, OptimizerKind::adamw},
      {QuantizerKind::none, OptimizerKind::adamw},     {QuantizerKind::none, OptimizerKind::pollux}};
  for (const auto& [quantizer, kind] : pairs) {
    const Config config = small_config(quantizer, kind);
    INFO(to_string(quantizer) + " with " + to_string(kind));
    PolluxModel straight = small_model(config);
    auto optimizer = make_optimizer(config, straight);
    const Batch b = fixed_batch();
    for (int s = 0; s < 3; ++s) train_step(straight, *optimizer, b.idx, b.targets);
    // The resumed run: a fresh model with the weights a checkpoint holds (every parameter but
    // the lattice matrices, which come from the state), and the state.
    PolluxModel resumed = small_model(config);
    {
      at::NoGradGuard no_grad;
      LatticeProjection projection(config, nullptr);
      for (std::size_t i = 0; i < resumed.parameters().size(); ++i)
        if (!projection.projects(resumed.parameters()[i]))
          resumed.parameters()[i].value.copy_(straight.parameters()[i].value.detach());
    }
    auto resumed_optimizer = make_optimizer(config, resumed);
    resumed_optimizer->load_state(optimizer->state());
    for (std::size_t i = 0; i < resumed.parameters().size(); ++i)
      CHECK(at::equal(resumed.parameters()[i].value.detach(), straight.parameters()[i].value.detach()));
    for (int s = 0; s < 2; ++s) {
      const double a = train_step(straight, *optimizer, b.idx, b.targets);
      const double r = train_step(resumed, *resumed_optimizer, b.idx, b.targets);
      CHECK(a == r);
    }
    for (std::size_t i = 0; i < resumed.parameters().size(); ++i)
      CHECK(at::equal(resumed.parameters()[i].value.detach(), straight.parameters()[i].value.detach()));
  }
}

TEST_CASE("start_latents: the first step starts from the latents given instead of copies of the parameters",
          "[optimizer][init_from]") {
  for (const OptimizerKind kind : {OptimizerKind::pollux, OptimizerKind::adamw}) {
    const Config config = small_config(QuantizerKind::lattice, kind);
    INFO(to_string(kind));
    // given: latents apart from the parameters; copied: the parameters set to those latents
    PolluxModel given = small_model(config), copied = small_model(config);
    std::map<std::string, at::Tensor> latents;
    std::string gain;
    {
      at::NoGradGuard no_grad;
      for (std::size_t i = 0; i < given.parameters().size(); ++i) {
        const Parameter& p = given.parameters()[i];
        if (!p.quantized_matrix()) {
          gain = p.name;
          continue;
        }
        latents[p.name] = p.value.detach() * 0.5 + 0.25;
        copied.parameters()[i].value.copy_(latents[p.name]);
      }
    }
    auto given_optimizer = make_optimizer(config, given), copied_optimizer = make_optimizer(config, copied);
    REQUIRE(!gain.empty());
    CHECK_THROWS_WITH(given_optimizer->start_latents({{gain, at::ones({1})}}), Catch::Contains("keeps no latent"));
    CHECK_THROWS_WITH(given_optimizer->start_latents({{latents.begin()->first, at::ones({3})}}), Catch::Contains("wrong shape"));
    given_optimizer->start_latents(latents);
    for (PolluxModel* m : {&given, &copied}) {
      at::manual_seed(4);  // the same gradients for both
      for (auto& p : m->parameters()) p.value.mutable_grad() = at::randn_like(p.value);
    }
    given_optimizer->step(2.0);
    copied_optimizer->step(2.0);
    const OptimizerState a = given_optimizer->state(), b = copied_optimizer->state();
    for (const auto& [name, latent] : latents) {
      INFO(name);
      CHECK(at::equal(a.tensors.at("latent/" + name), b.tensors.at("latent/" + name)));
      CHECK_FALSE(at::equal(a.tensors.at("latent/" + name), latent));  // a step was taken from it
    }
    for (std::size_t i = 0; i < given.parameters().size(); ++i)
      CHECK(at::equal(given.parameters()[i].value.detach(), copied.parameters()[i].value.detach()));
    CHECK_THROWS_WITH(given_optimizer->start_latents(latents), Catch::Contains("first step was already taken"));
  }
  // Without latents apart (a ternary model's parameters are its latents) there is none to give.
  const Config config = small_config(QuantizerKind::ternary, OptimizerKind::adamw);
  PolluxModel model = small_model(config);
  auto optimizer = make_optimizer(config, model);
  CHECK_THROWS_WITH(optimizer->start_latents({{model.parameters().front().name, model.parameters().front().value.detach()}}),
                    Catch::Contains("keeps no latent"));
}

TEST_CASE("forward_weight_on_device: the codebook gathered in ATen equals reconstruct_rows bit for bit", "[optimizer][lattice]") {
  const lattice::Codebook& codebook = lattice::Codebook::get(lattice::CodebookVariant::leech);
  at::manual_seed(4);
  const std::int64_t rows = 12, cols = 96;
  LatticeWeight lw{at::randint(lattice::Codebook::kSize, {rows, cols / 24}, at::kInt), at::rand({rows}) * 0.3 + 0.01};
  lw.indices[0][0] = 0;  // the zero point too
  std::vector<float> expected(std::size_t(rows * cols));
  lattice::reconstruct_rows(codebook, reinterpret_cast<const std::uint32_t*>(lw.indices.data_ptr<std::int32_t>()),
                            lw.sigma.data_ptr<float>(), std::size_t(rows), std::size_t(cols), expected.data());
  const at::Tensor got = forward_weight_on_device(codebook, lw).contiguous();
  REQUIRE(got.sizes() == at::IntArrayRef({rows, cols}));
  std::size_t mismatches = 0;
  for (std::size_t k = 0; k < expected.size(); ++k) mismatches += got.data_ptr<float>()[k] != expected[k];
  CHECK(mismatches == 0);
}

TEST_CASE("load_lattice_weights: an index outside the codebook is refused by name", "[optimizer][lattice]") {
  const Config config = small_config(QuantizerKind::lattice, OptimizerKind::pollux);
  PolluxModel model = small_model(config);
  std::map<std::string, LatticeWeight> weights;
  std::string name;
  for (auto& p : model.parameters()) {
    if (!p.quantized_matrix()) continue;
    const std::int64_t rows = p.value.size(0);
    weights[p.name] = {at::zeros({rows, p.value.numel() / rows / 24}, at::kInt), at::ones({rows})};
    if (name.empty()) name = p.name;
  }
  weights[name].indices[0][0] = lattice::Codebook::kSize;
  CHECK_THROWS_WITH(load_lattice_weights(model, weights, lattice::Codebook::get(lattice::CodebookVariant::leech), Scope::all),
                    Catch::Contains(name) && Catch::Contains("outside"));
}
