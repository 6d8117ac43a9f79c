// load_weights (issue 31): the one rule for what a checkpoint may leave out of /weights.
#include <ATen/ATen.h>

#include <string>

#include "pollux/base/error.h"
#include "pollux/io/load_weights.h"
#include "pollux/lattice/codebook.h"
#include "pollux/lattice/row_projection.h"
#include "pollux/model/int8_rows.h"
// Catch last: a LibTorch header included after it would redefine CHECK as c10's fatal check.
#include "../catch.h"
#include "../support/small_model.h"

namespace {

using namespace pollux;

// A checkpoint of `model` as training writes it: /weights for all but a lattice checkpoint's
// lattice matrices, which get random indices and row scales in /optimizer.
Checkpoint checkpoint_of(const PolluxModel& model, QuantizerKind quantizer, Scope scope = Scope::all) {
  Checkpoint ck;
  ck.config.model = model.config();
  ck.config.quantizer = quantizer;
  ck.config.scope = scope;
  ck.codebook = "leech";
  at::Generator gen = at::make_generator<at::CPUGeneratorImpl>(3);
  for (const auto& p : model.parameters()) {
    if (quantizer == QuantizerKind::lattice && p.quantized_matrix() && !int8_rows_parameter(scope, p.name)) {
      const std::int64_t rows = p.value.size(0);
      ck.optimizer.tensors["indices/" + p.name] = at::randint(196560, {rows, p.value.numel() / rows / 24}, gen, at::kInt);
      ck.optimizer.tensors["sigma/" + p.name] = at::rand({rows}, gen);
    } else {
      ck.weights[p.name] = at::randn(p.value.sizes(), gen);
    }
  }
  return ck;
}

std::string load_error(const Checkpoint& ck) {
  PolluxModel model(ck.config.model, 1, at::kCPU);
  try {
    load_weights(ck, model, "ck.h5");
  } catch (const Error& e) { return e.what(); }
  return "";
}

const Parameter& first(const PolluxModel& model, bool lattice) {
  for (const auto& p : model.parameters())
    if (p.quantized_matrix() == lattice && !int8_rows_parameter(Scope::backbone, p.name)) return p;
  throw Error("test", "no such parameter");
}

}  // namespace

TEST_CASE("load_weights: every parameter comes from /weights, and a missing one is an error naming file and weight",
          "[checkpoint][load_weights]") {
  const PolluxModel model(test::small_model(1, 8), 0, at::kCPU);
  for (QuantizerKind quantizer : {QuantizerKind::none, QuantizerKind::ternary}) {  // ternary: the latents
    Checkpoint ck = checkpoint_of(model, quantizer);
    PolluxModel loaded(ck.config.model, 1, at::kCPU);
    load_weights(ck, loaded, "ck.h5");
    for (const auto& p : loaded.parameters()) CHECK(at::equal(p.value, ck.weights.at(p.name)));
    for (bool lattice : {false, true}) {  // a gain, and a matrix
      const std::string name = first(model, lattice).name;
      Checkpoint missing = ck;
      missing.weights.erase(name);
      CHECK(load_error(missing) == "[checkpoint] ck.h5: weight " + name + " is missing (/weights/" + name + ")");
      Checkpoint misshapen = ck;
      misshapen.weights[name] = at::zeros({1, 2});
      CHECK(load_error(misshapen) == "[checkpoint] ck.h5: weight " + name + " has the wrong shape (/weights/" + name + ")");
    }
  }
}

TEST_CASE("load_weights: a lattice checkpoint's matrices come from their indices and row scales, which must be there",
          "[checkpoint][load_weights]") {
  const PolluxModel model(test::small_model(1, 8), 0, at::kCPU);
  const Checkpoint ck = checkpoint_of(model, QuantizerKind::lattice);
  const std::string matrix = first(model, true).name;
  CHECK(ck.weights.count(matrix) == 0);  // never in /weights: the forward weight is codebook[indices] * sigma
  PolluxModel loaded(ck.config.model, 1, at::kCPU);
  load_weights(ck, loaded, "ck.h5");
  const lattice::Codebook& codebook = lattice::Codebook::get(lattice::CodebookVariant::leech);
  for (const Parameter& p : loaded.parameters()) {
    INFO(p.name);
    if (!p.quantized_matrix()) {
      CHECK(at::equal(p.value, ck.weights.at(p.name)));
      continue;
    }
    const at::Tensor indices = ck.optimizer.tensors.at("indices/" + p.name), sigma = ck.optimizer.tensors.at("sigma/" + p.name);
    at::Tensor expected = at::empty(p.value.sizes());
    lattice::reconstruct_rows(codebook, reinterpret_cast<const std::uint32_t*>(indices.data_ptr<std::int32_t>()),
                              sigma.data_ptr<float>(), std::size_t(p.value.size(0)),
                              std::size_t(p.value.numel() / p.value.size(0)), expected.data_ptr<float>());
    CHECK(at::equal(p.value, expected));
  }
  for (const std::string kind : {"indices/", "sigma/"}) {
    Checkpoint missing = ck;
    missing.optimizer.tensors.erase(kind + matrix);
    CHECK(load_error(missing) == "[checkpoint] ck.h5: weight " + matrix + " is missing (/optimizer/" + kind + matrix + ")");
    Checkpoint misshapen = ck;
    misshapen.optimizer.tensors[kind + matrix] = at::zeros({1}, at::kInt);
    CHECK(load_error(misshapen) ==
          "[checkpoint] ck.h5: weight " + matrix + " has the wrong shape (/optimizer/" + kind + matrix + ")");
  }
  // A gain is always in /weights.
  Checkpoint no_gain = ck;
  const std::string gain = first(model, false).name;
  no_gain.weights.erase(gain);
  CHECK(load_error(no_gain) == "[checkpoint] ck.h5: weight " + gain + " is missing (/weights/" + gain + ")");
}

TEST_CASE("load_weights: with scope = backbone a lattice checkpoint keeps tok_emb, pos_emb and head's int8 rows in /weights",
          "[checkpoint][load_weights]") {
  const PolluxModel model(test::small_model(1, 8), 0, at::kCPU);
  Checkpoint ck = checkpoint_of(model, QuantizerKind::lattice, Scope::backbone);
  PolluxModel loaded(ck.config.model, 1, at::kCPU);
  load_weights(ck, loaded, "ck.h5");
  for (const auto& p : loaded.parameters())
    if (p.name == "tok_emb.weight") CHECK(at::equal(p.value, ck.weights.at(p.name)));
  ck.weights.erase("tok_emb.weight");
  CHECK(load_error(ck) == "[checkpoint] ck.h5: weight tok_emb.weight is missing (/weights/tok_emb.weight)");
}

TEST_CASE("load_weights: tensors the model does not have are not read", "[checkpoint][load_weights]") {
  const PolluxModel model(test::small_model(1, 8), 0, at::kCPU);
  Checkpoint ck = checkpoint_of(model, QuantizerKind::none);
  ck.weights["not_a_parameter"] = at::zeros({3});
  CHECK(load_error(ck).empty());
}
