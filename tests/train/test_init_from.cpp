// pollux-train --init_from (train/init_from.h): a lattice matrix starts at pollux-ptq --method
// leech's weights with a latent the row projection maps back onto them; sources that cannot
// start a run are refused naming --init_from and the file.
#include <ATen/ATen.h>

#include <cmath>
#include <string>
#include <vector>

#include "../catch.h"
#include "../support/small_model.h"
#include "pollux/base/error.h"
#include "pollux/lattice/codebook.h"
#include "pollux/lattice/constants.h"
#include "pollux/lattice/row_projection.h"
#include "pollux/ptq/quantize.h"
#include "pollux/train/init_from.h"

using namespace pollux;

namespace {

// The training projection of a latent (spec section 3): its indices, scales and weight.
struct Projected {
  std::vector<std::uint32_t> indices;
  at::Tensor sigma, weight;
};
Projected project(const at::Tensor& latent, const lattice::Quantizer& quantizer) {
  const at::Tensor w = latent.contiguous();
  const std::int64_t rows = w.size(0), cols = w.size(1);
  Projected p{std::vector<std::uint32_t>(std::size_t(rows * cols / lattice::kAtomDim)), at::empty({rows}, at::kFloat),
              at::empty({rows, cols}, at::kFloat)};
  lattice::project_rows(quantizer, w.data_ptr<float>(), std::size_t(rows), std::size_t(cols), p.indices.data(),
                        p.sigma.data_ptr<float>(), 1);
  lattice::reconstruct_rows(quantizer.codebook(), p.indices.data(), p.sigma.data_ptr<float>(), std::size_t(rows),
                            std::size_t(cols), p.weight.data_ptr<float>());
  return p;
}

std::string refusal(const Checkpoint& source, const Config& run) {
  try {
    check_init_source(source, "/runs/a.h5", run);
  } catch (const Error& e) { return e.what(); }
  return "";
}

}  // namespace

TEST_CASE("init_from: a lattice matrix starts at the leech PTQ weights, its latent projecting back onto them", "[init_from]") {
  const lattice::Quantizer quantizer(lattice::Codebook::get(lattice::CodebookVariant::leech));
  at::manual_seed(5);
  // A continuous model's scale (rows of rms ~0.05), one row all zero, one far larger.
  at::Tensor w = at::randn({12, 240}) * 0.05;
  w[3].zero_();
  w[7].mul_(40);
  const LatticeStart start = lattice_start(w, quantizer);
  at::Tensor ptq_sigma;
  const at::Tensor ptq = ptq::leech_quantize(w, quantizer, true, nullptr, &ptq_sigma);
  CHECK(at::equal(start.weight, ptq));  // step 0 computes exactly what pollux-ptq --method leech's model computes
  // The least-squares fit moved points away from the plain projection of W: a latent along W
  // would project onto those, not onto the PTQ model's.
  REQUIRE(!at::allclose(ptq, ptq::leech_quantize(w, quantizer, false), 0, 1e-6));
  const Projected again = project(start.latent, quantizer);
  CHECK(at::allclose(again.sigma, ptq_sigma, 1e-6, 0));  // the row projection's scale is the least-squares one
  CHECK(at::allclose(again.weight, ptq, 1e-6, 1e-9));    // and its points are the PTQ model's
  CHECK(at::equal(start.latent[3], at::zeros({240})));   // a row of null atoms stays 0
  CHECK(at::equal(again.weight[3], at::zeros({240})));
  // In lattice coordinates (latent / sigma * C) every atom lies on its point's ray, at least
  // sqrt(12) times as far out as the point (norm 2): as far as a continuous row's atoms lie
  // (rms C per coordinate, norm 2 sqrt(12) on average).
  const at::Tensor atoms = (start.latent / ptq_sigma.unsqueeze(1) * lattice::kC).view({-1, lattice::kAtomDim});
  const at::Tensor points = (ptq / ptq_sigma.clamp_min(1e-30).unsqueeze(1) * lattice::kC).view({-1, lattice::kAtomDim});
  const at::Tensor live = points.norm(2, {1}) > 0;
  const at::Tensor ratio = atoms.norm(2, {1}).index({live}) / points.norm(2, {1}).index({live});
  CHECK(ratio.min().item<double>() >= std::sqrt(12.0) * (1 - 1e-5));
  const at::Tensor cosine = (atoms * points).sum(1).index({live}) / (atoms.norm(2, {1}) * points.norm(2, {1})).index({live});
  CHECK(cosine.min().item<double>() > 1 - 1e-5);
}

TEST_CASE("init_from: a source that cannot start the run is refused naming --init_from and the file", "[init_from]") {
  Config run;
  run.model = test::small_model(1, 32);
  run.h_floor = 1.0;
  Checkpoint source;
  source.config = run;
  source.config.quantizer = QuantizerKind::none;
  CHECK(refusal(source, run).empty());

  Checkpoint lattice = source;
  lattice.config.quantizer = QuantizerKind::lattice;
  CHECK(refusal(lattice, run).find("--init_from /runs/a.h5: is a lattice checkpoint") != std::string::npos);
  Checkpoint ternary = source;
  ternary.config.quantizer = QuantizerKind::ternary;
  CHECK(refusal(ternary, run).find("is a ternary checkpoint") != std::string::npos);
  Checkpoint w8a8 = source;
  w8a8.config.ptq_activation_bits = 8;
  CHECK(refusal(w8a8, run).find("ptq_activation_bits") != std::string::npos);

  Checkpoint wide = source;
  wide.config.model.n_embd = 96;
  CHECK(refusal(wide, run).find("--init_from /runs/a.h5: n_embd is 96 there, 48 in this run") != std::string::npos);
  Checkpoint deep = source;
  deep.config.model.n_layers = 2;
  CHECK(refusal(deep, run).find("n_layers is 2 there, 1 in this run") != std::string::npos);
  Checkpoint longer = source;
  longer.config.model.seq_len = 64;
  CHECK(refusal(longer, run).find("seq_len is 64 there") != std::string::npos);
  Checkpoint vocab = source;
  vocab.config.model.vocab_size = 288;
  CHECK(refusal(vocab, run).find("vocab_size is 288 there") != std::string::npos);
  Checkpoint gpt2 = source;
  gpt2.config.tokenizer = "gpt2";
  CHECK(refusal(gpt2, run).find("tokenizer gpt2, this run uses bytes") != std::string::npos);
}
