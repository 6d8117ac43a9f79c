#include <ATen/ATen.h>
#include <ATen/core/grad_mode.h>

#include <cmath>
#include <cstdio>

#include "../catch.h"
#include "../support/fixtures.h"
#include "../support/small_model.h"
#include "pollux/base/error.h"
#include "pollux/io/checkpoint.h"
#include "pollux/model/int8_rows.h"
#include "pollux/model/ternary.h"
#include "pollux/optim/optimizer.h"
#include "pollux/runtime/generate.h"
#include "pollux/runtime/model_file.h"

using namespace pollux;

TEST_CASE("runtime: the reference v4 file gives the reference runtime's logits", "[runtime][fixture]") {
  const std::string dir = test::reference_dir();
  if (dir.empty()) POLLUX_SKIP_NO_FIXTURES("shared/reference not found: skipping the reference .plx logits");
  const LoadedModel m = load_model(dir + "/reference_tiny_v4.plx", at::kCPU);
  CHECK(m.kind == "plx v4");
  CHECK(m.codebook == "pollux-v4");
  CHECK(m.config.n_embd == 48);
  test::H5File h5(dir + "/reference_plx_materialized.h5");
  const auto input = h5.ints("input");
  const at::Tensor x = at::from_blob(const_cast<std::int64_t*>(input.data()), {2, 16}, at::kLong).clone();
  at::NoGradGuard no_grad;
  const at::Tensor logits = m.model->forward(x);
  const auto plx = h5.floats("logits_plx"), checkpoint = h5.floats("logits_checkpoint");
  const at::Tensor expected = at::from_blob(const_cast<float*>(plx.data()), {2, 16, 960}, at::kFloat);
  const at::Tensor unpacked = at::from_blob(const_cast<float*>(checkpoint.data()), {2, 16, 960}, at::kFloat);
  // The reference runtime materializes its weights in float16; we keep float32. The logits
  // agree within what float16 weights explain: the reference's own file-vs-checkpoint
  // difference is of the same size (spec section 6: up to 0.006).
  const double ours = (logits - expected).abs().max().item<double>();
  const double theirs = (unpacked - expected).abs().max().item<double>();
  INFO("ours " << ours << ", reference file vs checkpoint " << theirs);
  CHECK(ours < 0.01);
}

TEST_CASE("runtime: KV-cached generation equals the full forward, and sampling options work", "[runtime]") {
  const ModelConfig c = test::small_model(2, 16);
  PolluxModel model(c, 7, at::kCPU);
  at::NoGradGuard no_grad;
  const at::Tensor idx = at::randint(257, {1, 12}, at::kLong);
  const at::Tensor full = model.forward(idx);
  PolluxModel::KVCache cache;
  at::Tensor pieces = model.forward(idx.slice(1, 0, 5), cache);
  pieces = at::cat({pieces, model.forward(idx.slice(1, 5, 9), cache)}, 1);
  for (int t = 9; t < 12; ++t) pieces = at::cat({pieces, model.forward(idx.slice(1, t, t + 1), cache)}, 1);
  CHECK(at::allclose(pieces, full, 1e-4, 1e-5));

  SamplingOptions o;
  o.max_new_tokens = 10;
  o.seed = 42;
  const std::vector<std::uint32_t> prompt{72, 101, 108};
  const auto a = generate(model, prompt, o, [](std::uint32_t) {});
  const auto b = generate(model, prompt, o, [](std::uint32_t) {});
  CHECK(a == b);  // same seed, same tokens
  CHECK(a.size() == 10);
  for (auto id : a) CHECK(id < 257);  // the padded vocabulary is never sampled
  o.max_new_tokens = 100;
  // Past the 16-position context it goes on from the last half context.
  const auto many = generate(model, prompt, o, [](std::uint32_t) {});
  CHECK(many.size() == 100);
  CHECK(std::vector<std::uint32_t>(many.begin(), many.begin() + 10) == a);
  CHECK_THROWS_WITH(generate(model, std::vector<std::uint32_t>(17, 65), o, [](std::uint32_t) {}),
                    Catch::Contains("longer than the model's context of 16"));

  // Scoring: the sum of the next-token log-probabilities, also past the context.
  const std::vector<std::uint32_t> ids{5, 9, 200, 31};
  at::Tensor lp = at::log_softmax(
      mask_padded_vocab(model.forward(at::tensor(std::vector<std::int64_t>{256, 5, 9, 200}, at::kLong).unsqueeze(0))[0], 257), 1);
  double expected = 0;
  for (int t = 0; t < 4; ++t) expected += lp[t][ids[std::size_t(t)]].item<double>();
  CHECK(sequence_logprob(model, 256, ids) == Approx(expected).epsilon(1e-5));
  const std::vector<std::uint32_t> long_ids(40, 65);
  CHECK(std::isfinite(sequence_logprob(model, 256, long_ids)));
  CHECK(sequence_logprob(model, 256, long_ids) < sequence_logprob(model, 256, std::vector<std::uint32_t>(20, 65)));

  const at::Tensor logits = at::tensor(std::vector<float>{1, 5, 3, 4, 2, 9}, at::kFloat);
  SamplingOptions s;
  s.temperature = 1.0;
  s.top_k = 2;
  at::Tensor p = sampling_probabilities(logits, {}, s, 5);  // id 5 is padding
  CHECK(p[5].item<float>() == 0.0f);
  CHECK(p.gt(0).sum().item<std::int64_t>() == 2);  // ids 1 and 3
  s.top_k = 0;
  s.top_p = 0.5;
  p = sampling_probabilities(logits, {}, s, 5);
  CHECK(p.gt(0).sum().item<std::int64_t>() == 1);  // id 1 alone holds more than half
  s.top_p = 1.0;
  s.temperature = 0;
  s.repetition_penalty = 10;
  p = sampling_probabilities(logits, {1}, s, 5);  // penalised, id 1 (5 -> 0.5) loses to id 3
  CHECK(p[3].item<float>() == 1.0f);
}

TEST_CASE("runtime: a continuous checkpoint with ptq_activation_bits = 8 runs on 8-bit per-token inputs", "[runtime]") {
  Checkpoint ck;
  ck.config.model = test::small_model(1, 16);
  ck.config.quantizer = QuantizerKind::none;
  ck.codebook = "leech";
  ck.codebook_sha256 = lattice::Codebook::get(lattice::CodebookVariant::leech).sha256();
  PolluxModel reference(ck.config.model, 3, at::kCPU);
  for (const auto& p : reference.parameters()) ck.weights[p.name] = p.value.detach().clone();
  const std::string path = "test_w8a8_ck.h5";
  write_checkpoint(path, ck);
  const LoadedModel plain = load_model(path, at::kCPU);
  ck.config.ptq_activation_bits = 8;  // what pollux-ptq --method smoothquant writes
  write_checkpoint(path, ck);
  const LoadedModel w8a8 = load_model(path, at::kCPU);
  std::remove(path.c_str());
  CHECK(plain.activation_bits == 0);
  CHECK(w8a8.activation_bits == 8);
  CHECK(w8a8.model->activation_bits() == 8);
  at::NoGradGuard no_grad;
  const at::Tensor idx = at::arange(16, at::kLong).view({1, 16});
  reference.set_quantization(false, 8);
  CHECK(at::equal(w8a8.model->forward(idx), reference.forward(idx)));
  CHECK(!at::equal(plain.model->forward(idx), reference.forward(idx)));
}

TEST_CASE("runtime: a ternary checkpoint packs losslessly into the .plx ternary kind", "[runtime][ternary]") {
  Checkpoint ck;
  ck.config.model = test::small_model(2, 16);
  ck.config.quantizer = QuantizerKind::ternary;
  ck.config.activation_bits = 8;
  ck.codebook = "leech";
  ck.codebook_sha256 = lattice::Codebook::get(lattice::CodebookVariant::leech).sha256();
  ck.step = 1;
  const PolluxModel latent(ck.config.model, 3, at::kCPU);
  for (const auto& p : latent.parameters()) ck.weights[p.name] = p.value.detach().clone();
  const lattice::PlxFile file = pack_checkpoint(ck, 5);
  int ternary = 0;
  for (const auto& t : lattice::plx_logical_tensors(file)) ternary += t.storage == lattice::PlxStorage::ternary;
  CHECK(ternary == 3 + 6 * 2);  // tok_emb, pos_emb, head and six matrices a layer
  CHECK(file.config_json.find("\"quantizer\":\"ternary\"") != std::string::npos);
  CHECK_THROWS_WITH(pack_checkpoint(ck, 4), Catch::Contains("needs --format v5"));

  const std::string ck_path = "test_ternary_ck.h5", plx_path = "test_ternary.plx";
  write_checkpoint(ck_path, ck);
  lattice::write_plx(file, plx_path);
  const LoadedModel a = load_model(ck_path, at::kCPU), b = load_model(plx_path, at::kCPU);
  std::remove(ck_path.c_str());
  std::remove(plx_path.c_str());
  // Both hold exactly the ternary forward weights of the latents, and quantize activations.
  for (std::size_t i = 0; i < latent.parameters().size(); ++i) {
    const Parameter& p = latent.parameters()[i];
    INFO(p.name);
    const at::Tensor expected = p.quantized_matrix() ? ternary_weight(p.value).detach() : p.value.detach();
    CHECK(at::equal(a.model->parameters()[i].value, expected));
    CHECK(at::equal(b.model->parameters()[i].value, expected));
  }
  CHECK(a.model->activation_bits() == 8);
  CHECK(b.model->activation_bits() == 8);
  CHECK(!a.model->ternary_weights());
  CHECK(!b.model->ternary_weights());
  at::NoGradGuard no_grad;
  const at::Tensor idx = at::randint(257, {2, 16}, at::kLong);
  CHECK(at::equal(a.model->forward(idx), b.model->forward(idx)));
}

TEST_CASE("runtime: scope = backbone packs tok_emb, pos_emb and head as the int8 rows training used", "[runtime][scope]") {
  for (const QuantizerKind kind : {QuantizerKind::lattice, QuantizerKind::ternary}) {
    INFO(to_string(kind));
    Config config;
    config.model = test::small_model(1, 16);
    config.quantizer = kind;
    config.scope = Scope::backbone;
    config.h_floor = 1.0;
    // One real optimizer step: pollux_step's latents (lattice) or AdamW's (ternary).
    PolluxModel model(config.model, 3, at::kCPU);
    if (kind == QuantizerKind::ternary) model.set_quantization(true, config.activation_bits, config.scope);
    auto optimizer = make_optimizer(config, model);
    const at::Tensor idx = at::randint(257, {2, 16}, at::kLong), targets = at::randint(257, {2, 16}, at::kLong);
    const at::Tensor loss = model.loss(model.forward(idx), targets);
    loss.backward();
    optimizer->step(loss.item<double>());
    Checkpoint ck;
    ck.config = config;
    ck.codebook = "leech";
    ck.codebook_sha256 = lattice::Codebook::get(lattice::CodebookVariant::leech).sha256();
    ck.step = 1;
    ck.optimizer = optimizer->state();
    for (const auto& p : model.parameters())
      if (kind == QuantizerKind::ternary || !p.quantized_matrix() || int8_rows_parameter(config.scope, p.name))
        ck.weights[p.name] = p.value.detach().clone();
    const lattice::PlxFile file = pack_checkpoint(ck, 5);
    int int8 = 0, low_bit = 0;
    for (const auto& t : lattice::plx_logical_tensors(file)) {
      int8 += t.storage == lattice::PlxStorage::int8_rows;
      low_bit += t.storage == lattice::PlxStorage::lattice || t.storage == lattice::PlxStorage::ternary;
    }
    CHECK(int8 == 3);     // tok_emb, pos_emb, head
    CHECK(low_bit == 6);  // the block's matrices
    CHECK(file.config_json.find("\"scope\":\"backbone\"") != std::string::npos);

    const std::string ck_path = "test_scope_ck.h5", plx_path = "test_scope.plx";
    write_checkpoint(ck_path, ck);
    lattice::write_plx(file, plx_path);
    const LoadedModel a = load_model(ck_path, at::kCPU), b = load_model(plx_path, at::kCPU);
    std::remove(ck_path.c_str());
    std::remove(plx_path.c_str());
    for (std::size_t i = 0; i < model.parameters().size(); ++i) {
      const Parameter& p = model.parameters()[i];
      INFO(p.name);
      const at::Tensor forward = !p.quantized_matrix()                       ? p.value.detach()
                                 : int8_rows_parameter(config.scope, p.name) ? int8_row_weight(p.value).detach()
                                 : kind == QuantizerKind::ternary            ? ternary_weight(p.value).detach()
                                                                             : p.value.detach();
      CHECK(at::equal(a.model->parameters()[i].value, forward));  // the checkpoint: the training forward weights
      if (int8_rows_parameter(config.scope, p.name) || kind == QuantizerKind::ternary || !p.quantized_matrix())
        CHECK(at::equal(b.model->parameters()[i].value, forward));  // the .plx: the same bits (float16 scales held exactly)
      if (int8_rows_parameter(config.scope, p.name) && kind == QuantizerKind::lattice)  // pollux_step's own int8 rows
        CHECK(at::equal(p.value.detach(), int8_rows_value(int8_rows(ck.optimizer.tensors.at("latent/" + p.name)))));
    }
    // A fresh optimizer resumed from the state gives the model the same forward weights.
    PolluxModel resumed(config.model, 4, at::kCPU);
    if (kind == QuantizerKind::lattice) {
      make_optimizer(config, resumed)->load_state(ck.optimizer);
      for (std::size_t i = 0; i < model.parameters().size(); ++i)
        CHECK(at::equal(resumed.parameters()[i].value, model.parameters()[i].value));
    }
  }
  Config none;
  none.quantizer = QuantizerKind::none;
  none.scope = Scope::backbone;
  CHECK_THROWS_WITH(none.validate(), Catch::Contains("key scope"));
}
