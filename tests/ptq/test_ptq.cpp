// Post-training quantization (issue 23): each quantizer against its own bound, GPTQ against
// rtn on the activations of a small trained model, leech against the lattice row projection.
#include <ATen/ATen.h>
#include <ATen/Context.h>
#include <ATen/Parallel.h>
#include <ATen/core/grad_mode.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <map>
#include <string>
#include <vector>

#include "pollux/base/error.h"
#include "pollux/lattice/codebook.h"
#include "pollux/lattice/constants.h"
#include "pollux/lattice/deployed.h"
#include "pollux/lattice/index_packing.h"
#include "pollux/lattice/plx.h"
#include "pollux/lattice/row_projection.h"
#include "pollux/optim/optimizer.h"
#include "pollux/ptq/ptq.h"
#include "pollux/ptq/quantize.h"
// Catch last: a LibTorch header included after it would redefine CHECK as c10's fatal check.
#include "../catch.h"
#include "../support/small_model.h"

using namespace pollux;

namespace {

at::Tensor gaussian(std::int64_t rows, std::int64_t cols, std::uint64_t seed) {
  at::Generator gen = at::make_generator<at::CPUGeneratorImpl>(seed);
  return at::normal(0.0, 1.0, {rows, cols}, gen, at::kFloat);
}

std::string temp_path(const std::string& name) { return (std::string(P_tmpdir) + "/pollux_test_ptq_") + name; }

void write_tokens(const std::string& path, const std::vector<std::uint16_t>& tokens) {
  std::ofstream f(path, std::ios::binary | std::ios::trunc);
  f.write(reinterpret_cast<const char*>(tokens.data()), std::streamsize(tokens.size() * 2));
}

// The bundled corpus as byte ids (the bytes tokenizer: id = byte).
std::vector<std::uint16_t> corpus_bytes() {
  std::ifstream f(std::string(POLLUX_DATA_DIR) + "/tinyshakespeare.txt", std::ios::binary);
  REQUIRE(f.good());
  const std::string text((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  std::vector<std::uint16_t> out(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) out[i] = static_cast<unsigned char>(text[i]);
  return out;
}

}  // namespace

TEST_CASE("ptq rtn --grid symmetric: every weight within half its group's scale, on the symmetric B-bit grid", "[ptq]") {
  at::Tensor w = gaussian(12, 96, 1);
  w[3].mul_(50.0);                // a row of outliers
  w[5].slice(0, 32, 64).zero_();  // a group of zeros
  for (int bits : {2, 3, 4, 8})
    for (std::int64_t group : {24, 32, 96}) {
      INFO("bits " << bits << ", group " << group);
      const at::Tensor q = ptq::rtn_quantize(w, bits, group, ptq::Grid::symmetric);
      const at::Tensor scale = ptq::rtn_scales(w, bits, group).repeat_interleave(group, 1);
      const double qmax = ptq::rtn_qmax(bits);
      CHECK(qmax == std::pow(2.0, bits - 1) - 1);
      // |w - q| <= scale / 2 (the float16 scale: absmax / scale stays below qmax + 1/2).
      CHECK(((w - q).abs() <= scale * 0.5 * (1 + 1e-6)).all().item<bool>());
      // q / scale is an integer level in [-qmax, qmax]; a zero group stays zero.
      const at::Tensor level = q / at::where(scale > 0, scale, at::ones_like(scale));
      CHECK((level - level.round()).abs().max().item<double>() < 1e-4);
      CHECK(level.abs().max().item<double>() <= qmax + 1e-4);
      CHECK(q[5].slice(0, 32, 64).abs().max().item<double>() == 0.0);
      // The scales are float16 values.
      CHECK(at::equal(scale, scale.to(at::kHalf).to(at::kFloat)));
    }
  CHECK_THROWS_WITH(ptq::rtn_quantize(w, 4, 40), Catch::Contains("does not divide"));
}

TEST_CASE("ptq rtn asymmetric (the default): all 2^B levels per group, GPTQ's min-max grid", "[ptq]") {
  at::Tensor w = gaussian(12, 96, 1);
  w[3].mul_(50.0);                // a row of outliers
  w[5].slice(0, 32, 64).zero_();  // a group of zeros
  w[7].slice(0, 0, 32).abs_();    // a group of positive weights: the range still holds 0
  for (int bits : {2, 3, 4, 8})
    for (std::int64_t group : {24, 32, 96}) {
      INFO("bits " << bits << ", group " << group);
      const double maxq = std::pow(2.0, bits) - 1;
      const at::Tensor q = ptq::rtn_quantize(w, bits, group);
      const ptq::GroupGrid grid = ptq::rtn_grid(w, bits, group);
      const at::Tensor scale = grid.scale.repeat_interleave(group, 1), zero = grid.zero.repeat_interleave(group, 1);
      CHECK(at::equal(grid.scale, grid.scale.to(at::kHalf).to(at::kFloat)));  // float16 scales
      CHECK(at::equal(grid.zero, grid.zero.round()));                         // integer zero points in 0..2^B-1
      CHECK(grid.zero.min().item<double>() >= 0);
      CHECK(grid.zero.max().item<double>() <= maxq);
      // q = scale * (level - zero) with an integer level in 0..2^B-1, within half a step of w.
      const at::Tensor level = q / scale + zero;
      CHECK((level - level.round()).abs().max().item<double>() < 1e-3);
      CHECK(level.round().min().item<double>() >= 0);
      CHECK(level.round().max().item<double>() <= maxq);
      // Within half a step inside the grid; at its ends (the zero point rounded, the float16
      // scale) the extreme weights of a group are clipped by at most one step.
      const at::Tensor inside = (level.round() > 0) & (level.round() < maxq);
      CHECK(((w - q).abs() <= scale * (0.5 + 1e-3) | ~inside).all().item<bool>());
      CHECK(((w - q).abs() <= scale).all().item<bool>());
      CHECK(q[5].slice(0, 32, 64).abs().max().item<double>() == 0.0);
    }
}

TEST_CASE("ptq rtn 2 bits on Gaussian groups of 32: four levels, relative error <= 0.42 (symmetric: 3 levels)", "[ptq]") {
  const at::Tensor w = gaussian(256, 256, 11);
  const at::Tensor qa = ptq::rtn_quantize(w, 2, 32), qs = ptq::rtn_quantize(w, 2, 32, ptq::Grid::symmetric);
  const double asym = ((w - qa).norm() / w.norm()).item<double>(), sym = ((w - qs).norm() / w.norm()).item<double>();
  std::printf("ptq rtn 2 bits, Gaussian groups of 32: relative error asymmetric %.4f, symmetric %.4f\n", asym, sym);
  CHECK(asym <= 0.42);
  CHECK(asym < sym);
  // Each group: at most 4 distinct values; across the matrix most groups use all four.
  const at::Tensor ga = qa.reshape({-1, 32}), gs = qs.reshape({-1, 32});
  std::int64_t four = 0, most_sym = 0;
  for (std::int64_t g = 0; g < ga.size(0); ++g) {
    const std::int64_t na = std::get<0>(at::_unique(ga[g])).numel(), ns = std::get<0>(at::_unique(gs[g])).numel();
    REQUIRE(na <= 4);
    REQUIRE(ns <= 3);
    four += na == 4;
    most_sym = std::max(most_sym, ns);
  }
  CHECK(four > ga.size(0) * 9 / 10);
  CHECK(most_sym == 3);
  // Stored: 2-bit codes, a float16 scale and a 2-bit zero point per group: 2 + 18/32 bits.
  CHECK(ptq::grouped_bits(256 * 256, 2, 32, ptq::Grid::asymmetric) == 256 * 256 * 2 + 256 * 256 / 32 * 18);
  CHECK(ptq::grouped_bits(256 * 256, 2, 32, ptq::Grid::symmetric) == 256 * 256 * 2 + 256 * 256 / 32 * 16);
}

TEST_CASE("ptq Walsh-Hadamard: orthogonal, symmetric, its own inverse, Sylvester's entries", "[ptq]") {
  for (std::int64_t n : {1, 2, 4, 8, 32, 128}) {
    INFO("n " << n);
    const at::Tensor H = ptq::walsh_hadamard(at::eye(n, at::kDouble));
    CHECK(at::allclose(at::matmul(H, H.t()), at::eye(n, at::kDouble), 0, 1e-12));
    CHECK(at::allclose(H, H.t(), 0, 0));
    for (std::int64_t i = 0; i < n; ++i)
      for (std::int64_t j = 0; j < n; ++j)
        REQUIRE(H[i][j].item<double>() ==
                Approx((__builtin_popcountll(std::uint64_t(i & j)) % 2 ? -1.0 : 1.0) / std::sqrt(double(n))));
    const at::Tensor x = gaussian(5, n, 7).to(at::kDouble);
    CHECK(at::allclose(ptq::walsh_hadamard(ptq::walsh_hadamard(x)), x, 0, 1e-12));
    CHECK(at::allclose(ptq::walsh_hadamard(x).norm(2, {1}), x.norm(2, {1}), 1e-12, 0));
  }
  CHECK_THROWS_WITH(ptq::walsh_hadamard(at::zeros({2, 24})), Catch::Contains("not a power of 2"));
}

TEST_CASE("ptq polarquant's sign diagonal and Walsh-Hadamard transform: orthogonal, inverted exactly, seeded", "[ptq]") {
  for (std::int64_t n : {1, 2, 8, 32, 128}) {
    INFO("n " << n);
    const at::Tensor s = ptq::random_signs(n, 42);
    CHECK(at::equal(s.abs(), at::ones({n})));                               // a +-1 diagonal
    CHECK(at::equal(s, ptq::random_signs(n, 42)));                          // a function of the seed
    if (n >= 32) CHECK(!at::equal(s, ptq::random_signs(n, 43)));            // and of the seed alone
    if (n >= 32) CHECK(s.sum().abs().item<double>() < double(n));           // both signs
    const at::Tensor M = ptq::signed_hadamard(at::eye(n, at::kDouble), s);  // rows: the transform of e_i
    CHECK(at::allclose(at::matmul(M, M.t()), at::eye(n, at::kDouble), 0, 1e-12));
    CHECK(at::allclose(at::matmul(M.t(), M), at::eye(n, at::kDouble), 0, 1e-12));
    // Inverted exactly: +-1 / sqrt(n) entries whose butterflies are exact in float64 for a
    // power of 4, and to the last bit of float32 data in any case.
    const at::Tensor x = gaussian(5, n, 7).to(at::kDouble);
    const at::Tensor back = ptq::inverse_signed_hadamard(ptq::signed_hadamard(x, s), s);
    CHECK(at::allclose(back, x, 0, 1e-14));
    const at::Tensor xf = gaussian(5, n, 8);
    CHECK((ptq::inverse_signed_hadamard(ptq::signed_hadamard(xf, s), s) - xf).abs().max().item<double>() <= 4e-7);
    CHECK(at::allclose(ptq::signed_hadamard(x, s).norm(2, {1}), x.norm(2, {1}), 1e-12, 0));
  }
  // The signs matter: a spike is spread over every coordinate by the plain transform too, but a
  // constant block becomes one spike without signs and a spread vector with them.
  const at::Tensor constant = at::ones({1, 64}, at::kDouble);
  CHECK((ptq::walsh_hadamard(constant).abs() > 1e-9).sum().item<std::int64_t>() == 1);
  CHECK((ptq::signed_hadamard(constant, ptq::random_signs(64, 0)).abs() > 1e-9).sum().item<std::int64_t>() > 8);
  // polarquant with another seed: another rotation, the same distortion class.
  const at::Tensor w = gaussian(16, 256, 3);
  CHECK(!at::equal(ptq::polarquant_quantize(w, 2, 64, 1), ptq::polarquant_quantize(w, 2, 64, 2)));
}

TEST_CASE("ptq Lloyd-Max centroids of the standard normal: Max's 1960 table", "[ptq]") {
  const std::map<int, std::vector<double>> max1960 = {{1, {0.7979}},
                                                      {2, {0.4528, 1.5104}},
                                                      {3, {0.2451, 0.7560, 1.3439, 2.1519}},
                                                      {4, {0.1284, 0.3881, 0.6568, 0.9424, 1.2562, 1.6181, 2.0690, 2.7326}}};
  for (const auto& [bits, positive] : max1960) {
    INFO("bits " << bits);
    const std::vector<double>& c = ptq::lloyd_max_gaussian(bits);
    REQUIRE(c.size() == std::size_t(1) << bits);
    for (std::size_t i = 0; i < positive.size(); ++i) {
      CHECK(c[c.size() / 2 + i] == Approx(positive[i]).margin(2e-4));
      CHECK(c[c.size() / 2 - 1 - i] == -c[c.size() / 2 + i]);
    }
  }
}

TEST_CASE("ptq polarquant: every rotated coordinate at its nearest centroid, distortion of Lloyd-Max", "[ptq]") {
  const std::int64_t block = 32;
  const at::Tensor w = gaussian(64, 256, 3);
  // Lloyd-Max mean squared error of N(0, 1) at 1..4 bits (Max 1960).
  const double distortion[] = {0, 0.3634, 0.1175, 0.03454, 0.009497};
  for (int bits = 1; bits <= 4; ++bits) {
    INFO("bits " << bits);
    const at::Tensor q = ptq::polarquant_quantize(w, bits, block);
    const at::Tensor x = w.reshape({-1, block}), xq = q.reshape({-1, block});
    const at::Tensor norm = x.norm(2, {1}, true), stored = norm.to(at::kHalf).to(at::kFloat);
    const at::Tensor signs = ptq::random_signs(block, 0);
    const at::Tensor z = ptq::signed_hadamard(x, signs) / norm, zq = ptq::signed_hadamard(xq, signs) / stored;
    std::vector<double> c = ptq::lloyd_max_gaussian(bits);
    at::Tensor centroids = at::tensor(std::vector<float>(c.begin(), c.end())) / std::sqrt(double(block));
    // zq holds centroids only, and for each coordinate the nearest one.
    const at::Tensor to_centroid = (zq.unsqueeze(-1) - centroids).abs().amin({-1});
    CHECK(to_centroid.max().item<double>() < 1e-5);
    const at::Tensor nearest = (z.unsqueeze(-1) - centroids).abs().amin({-1});
    CHECK(((z - zq).abs() - nearest).max().item<double>() < 1e-5);
    // ||x - xq|| / ||x||: the per-coordinate distortion times n coordinates of variance 1/n.
    const double relative = ((x - xq).pow(2).sum() / x.pow(2).sum()).item<double>();
    CHECK(relative == Approx(distortion[bits]).epsilon(0.15));
  }
  CHECK_THROWS_WITH(ptq::polarquant_quantize(gaussian(2, 96, 1), 2, 24), Catch::Contains("power of 2"));
}

TEST_CASE("ptq leech: from the continuous weights' row projection (bit for bit unfitted), at 0.75 + 16/cols bits", "[ptq]") {
  const ModelConfig shape = test::small_model(1, 24);
  PolluxModel model(shape, 5, at::kCPU), reference(shape, 5, at::kCPU);
  const lattice::Codebook& codebook = lattice::Codebook::get(lattice::CodebookVariant::leech);
  const lattice::Quantizer quantizer(codebook);
  // The optimizer's own path: project_rows, then load_lattice_weights writes the forward weights.
  std::map<std::string, LatticeWeight> projected;
  for (const Parameter& p : reference.parameters()) {
    if (!p.quantized_matrix()) continue;
    const at::Tensor w = p.value.detach().contiguous();
    const std::int64_t rows = w.size(0), cols = w.size(1);
    LatticeWeight lw{at::empty({rows, cols / 24}, at::kInt), at::empty({rows}, at::kFloat)};
    lattice::project_rows(quantizer, w.data_ptr<float>(), std::size_t(rows), std::size_t(cols),
                          reinterpret_cast<std::uint32_t*>(lw.indices.data_ptr<std::int32_t>()), lw.sigma.data_ptr<float>(), 1);
    // A few atoms against the brute-force search.
    for (std::int64_t r : {std::int64_t(0), rows - 1}) {
      const float s = lw.sigma[r].item<float>();
      float atom[24];
      for (int k = 0; k < 24; ++k) atom[k] = (w[r][k].item<float>() / s) * float(lattice::kC);
      CHECK(quantizer.nearest_brute_force(atom) == std::uint32_t(lw.indices[r][0].item<int>()));
    }
    projected[p.name] = lw;
  }
  load_lattice_weights(reference, projected, codebook);
  // Unfitted: pollux_step's projection (the training sigma), bit for bit.
  std::map<std::string, at::Tensor> original;
  for (const Parameter& p : model.parameters()) original[p.name] = p.value.detach().clone();
  for (const Parameter& p : reference.parameters()) {
    if (!p.quantized_matrix()) continue;
    INFO(p.name);
    CHECK(at::equal(ptq::leech_quantize(original.at(p.name), quantizer, /*fit_scale=*/false), p.value));
  }
  // Fitted (the tool's): never worse than the projection, per matrix.
  ptq::Options o;
  o.method = ptq::Method::leech;
  const ptq::Report report = ptq::quantize_model(model, o, "leech");
  REQUIRE(report.matrices.size() == projected.size());
  for (const Parameter& p : reference.parameters()) {
    INFO(p.name);
    const at::Tensor w = original.at(p.name);
    const at::Tensor fitted = model.parameters()[&p - &reference.parameters()[0]].value;
    if (!p.quantized_matrix()) {
      CHECK(at::equal(fitted, w));
      continue;
    }
    CHECK((w - fitted).norm().item<double>() <= (w - p.value).norm().item<double>() * (1 + 1e-6));
  }
  for (const ptq::MatrixReport& m : report.matrices) {
    const std::uint64_t bytes = (std::uint64_t(m.rows * m.cols / 24) + 3) / 4 * 9 + std::uint64_t(m.rows) * 2;
    CHECK(m.bits == 8 * bytes);
  }
  CHECK(report.bits_per_parameter() > 0.75);
  CHECK(report.bits_per_parameter() < 0.75 + 16.0 / 48 + 0.01);
}

TEST_CASE("ptq leech: the least-squares row scale fitted with the points; no row's error falls by rescaling", "[ptq]") {
  const lattice::Codebook& codebook = lattice::Codebook::get(lattice::CodebookVariant::leech);
  const lattice::Quantizer quantizer(codebook);
  const at::Tensor w = gaussian(64, 192, 21);
  const at::Tensor before = ptq::leech_quantize(w, quantizer, /*fit_scale=*/false);
  int rounds = 0;
  const at::Tensor after = ptq::leech_quantize(w, quantizer, /*fit_scale=*/true, &rounds);
  const double err_before = ((w - before).norm() / w.norm()).item<double>();
  const double err_after = ((w - after).norm() / w.norm()).item<double>();
  std::printf("ptq leech on Gaussian rows of 192: relative error %.4f with the training sigma, %.4f fitted (%d rounds)\n",
              err_before, err_after, rounds);
  CHECK(err_before > 0.75);  // the 0.799
  CHECK(err_after < 0.70);   // ~0.64 expected
  CHECK(rounds >= 0);        // the point re-choices that lowered a row's error (none, often: the shell's points
                             // depend on the scale only through the choice of the origin)
  // The least-squares factor of each row, <w, q> / <q, q>, is 1 to float16's precision.
  const at::Tensor W = w.to(at::kDouble), Q = after.to(at::kDouble);
  const at::Tensor factor = (W * Q).sum(1) / (Q * Q).sum(1);
  CHECK((factor - 1).abs().max().item<double>() < 1e-3);
  // Each row's error no larger than with the training sigma.
  CHECK(((w - after).norm(2, {1}) <= (w - before).norm(2, {1}) * (1 + 1e-6)).all().item<bool>());
}

TEST_CASE("ptq gptq: a Hessian that is not positive definite finishes (damp 0, too few inputs, one token)", "[ptq]") {
  at::set_num_threads(1);
  const at::Tensor w = gaussian(16, 64, 31);
  at::Generator gen = at::make_generator<at::CPUGeneratorImpl>(5);
  const at::Tensor few = at::normal(0.0, 1.0, {8, 64}, gen, at::kFloat);                   // 8 inputs, width 64: rank 8
  const at::Tensor one = at::normal(0.0, 1.0, {1, 64}, gen, at::kFloat).repeat({100, 1});  // one repeated input
  for (const at::Tensor& x : {few, one}) {
    const at::Tensor h = at::matmul(x.t(), x) * (2.0 / double(x.size(0)));
    for (double damp : {0.0, 0.01}) {
      INFO("inputs " << x.size(0) << ", damp " << damp);
      const at::Tensor q = ptq::gptq_quantize(w, h, 3, 16, damp);
      CHECK(q.isfinite().all().item<bool>());
      CHECK(ptq::output_error(w, q, h) <= ptq::output_error(w, ptq::rtn_quantize(w, 3, 16), h) + 1e-6);
    }
  }
  // A zero Hessian (no inputs at all): every column dead, all zero.
  CHECK(at::equal(ptq::gptq_quantize(w, at::zeros({64, 64}), 3, 16, 0.0), at::zeros_like(w)));
  // Never positive definite (a negative diagonal beyond any dampening): one clear error.
  CHECK_THROWS_WITH(ptq::gptq_quantize(w, -at::eye(64) * 5, 3, 16, 0.0), Catch::Contains("not positive definite even dampened"));
  at::Tensor nan = at::eye(64);
  nan[3][3] = NAN;
  CHECK_THROWS_WITH(ptq::gptq_quantize(w, nan, 3, 16), Catch::Contains("NaN"));
}

TEST_CASE("ptq gptq --act_order: columns by decreasing Hessian diagonal, no worse than in order on a skewed Hessian", "[ptq]") {
  at::set_num_threads(1);
  // Inputs whose column scales span a factor of 100, in an order unrelated to their scale,
  // correlated through a shared component: a skewed Hessian.
  at::Generator gen = at::make_generator<at::CPUGeneratorImpl>(9);
  const std::int64_t cols = 128, n = 2048;
  const at::Tensor scales = at::exp(at::rand({cols}, gen) * std::log(100.0));
  const at::Tensor x =
      (at::normal(0.0, 1.0, {n, cols}, gen, at::kFloat) + 0.5 * at::normal(0.0, 1.0, {n, 1}, gen, at::kFloat)) * scales;
  const at::Tensor h = at::matmul(x.t(), x) * (2.0 / double(n));
  const at::Tensor w = gaussian(64, cols, 13);
  for (int bits : {2, 3, 4}) {
    const at::Tensor plain = ptq::gptq_quantize(w, h, bits, 32),
                     ordered = ptq::gptq_quantize(w, h, bits, 32, 0.01, 128, ptq::Grid::asymmetric, true);
    const double e_plain = ptq::output_error(w, plain, h), e_ordered = ptq::output_error(w, ordered, h);
    const double e_rtn = ptq::output_error(w, ptq::rtn_quantize(w, bits, 32), h);
    std::printf("ptq gptq %d bits, skewed Hessian: output error rtn %.4f, gptq %.4f, gptq --act_order %.4f\n", bits, e_rtn,
                e_plain, e_ordered);
    CHECK(e_ordered <= e_plain * 1.02);
    CHECK(e_ordered < e_rtn);
  }
  // The permutation is undone: with a diagonal Hessian (columns independent) act_order
  // changes only the order of the groups, so each column stays on its own grid of the
  // weights it was grouped with; the output stays column-aligned with W.
  const at::Tensor diag = at::diag(at::arange(1, cols + 1, at::kFloat));
  const at::Tensor q = ptq::gptq_quantize(w, diag, 8, cols, 0.01, 128, ptq::Grid::asymmetric, true);
  CHECK(((w - q).abs().max()).item<double>() < 0.05);
}

TEST_CASE("ptq --scope backbone: tok_emb, pos_emb and head at 8 bits (int8 rows), the blocks by the method", "[ptq]") {
  const ModelConfig shape = test::small_model(1, 48);
  for (ptq::Method method : {ptq::Method::rtn, ptq::Method::polarquant, ptq::Method::leech}) {
    PolluxModel model(shape, 3, at::kCPU);
    std::map<std::string, at::Tensor> original;
    for (const Parameter& p : model.parameters()) original[p.name] = p.value.detach().clone();
    ptq::Options o;
    o.method = method;
    o.bits = method == ptq::Method::leech ? 0 : 2;
    o.group_size = 16;
    o.scope = ptq::Scope::backbone;
    const ptq::Report report = ptq::quantize_model(model, o, "leech");
    INFO(ptq::method_name(method));
    for (const ptq::MatrixReport& m : report.matrices) {
      INFO(m.name);
      const bool outside = ptq::outside_backbone(m.name);
      CHECK(m.method == (outside ? std::string("int8") : std::string(ptq::method_name(method))));
      if (outside) {
        CHECK(m.bits == std::uint64_t(m.rows * m.cols * 8 + m.rows * 16));
        CHECK(m.relative_error < 0.02);
      }
    }
    for (const lattice::DeployedTensor& t : report.deployed)
      if (ptq::outside_backbone(t.name) && t.shape.size() == 2) CHECK(t.kind == lattice::DeployedKind::int8_rows);
    // The int8 rows: mu / 127 steps of the float16 absmax.
    for (const Parameter& p : model.parameters()) {
      if (!ptq::outside_backbone(p.name)) continue;
      const at::Tensor w = original.at(p.name);
      const at::Tensor mu = w.abs().amax({1}, true).to(at::kHalf).to(at::kFloat);
      const at::Tensor level = p.value * 127.0 / mu;
      CHECK((level - level.round()).abs().max().item<double>() < 1e-3);
    }
    CHECK(report.backbone_bits_per_parameter() <= (method == ptq::Method::rtn ? 2 + 18.0 / 16 : 3.0));
  }
}

namespace {

// A small continuous model (2 layers, 48 wide, seq_len 64) trained 40 steps on the first 90 %
// of the corpus: activations with structure. Returns the first and last training losses.
constexpr std::int64_t kTrainedSeqLen = 64;
std::pair<double, double> train_small_model(PolluxModel& model, const std::vector<std::uint16_t>& text) {
  Config config;
  config.model = model.config();
  config.quantizer = QuantizerKind::none;
  config.max_steps = 40;
  config.warmup_steps = 5;
  config.micro_batch = 8;
  auto optimizer = make_optimizer(config, model);
  const std::int64_t T = config.model.seq_len, B = config.micro_batch;
  const std::size_t train_end = text.size() * 9 / 10;
  at::Generator gen = at::make_generator<at::CPUGeneratorImpl>(11);
  double first = 0, last = 0;
  for (int step = 0; step < config.max_steps; ++step) {
    const at::Tensor starts = at::randint(0, std::int64_t(train_end) - T - 1, {B}, gen, at::kLong);
    std::vector<std::int64_t> ids;
    for (std::int64_t b = 0; b < B; ++b)
      for (std::int64_t t = 0; t <= T; ++t) ids.push_back(text[std::size_t(starts[b].item<std::int64_t>() + t)]);
    const at::Tensor batch = at::tensor(ids, at::kLong).view({B, T + 1});
    for (auto& p : model.parameters()) p.value.mutable_grad() = at::Tensor();
    const at::Tensor loss = model.training_loss(batch.slice(1, 0, T), batch.slice(1, 1, T + 1));
    loss.backward();
    (step == 0 ? first : last) = loss.item<double>();
    optimizer->step(loss.item<double>());
  }
  return {first, last};
}

// Every linear layer's own input on 16 windows of held-out text (rows: tokens), by weight name.
std::map<std::string, at::Tensor> layer_inputs(PolluxModel& model, const std::vector<std::uint16_t>& text) {
  at::NoGradGuard no_grad;
  std::map<std::string, at::Tensor> inputs;
  model.set_linear_input_observer([&](const std::string& name, const at::Tensor& x) {
    inputs[name] = x.reshape({-1, x.size(-1)}).clone();
  });
  const std::size_t start = text.size() * 9 / 10, T = std::size_t(model.config().seq_len);
  std::vector<std::int64_t> ids(text.begin() + std::ptrdiff_t(start), text.begin() + std::ptrdiff_t(start + 16 * T));
  model.forward(at::tensor(ids, at::kLong).view({16, std::int64_t(T)}));
  model.set_linear_input_observer(nullptr);
  return inputs;
}

// A second model holding `model`'s values.
void copy_model(const PolluxModel& from, PolluxModel& to) {
  at::NoGradGuard no_grad;
  for (std::size_t i = 0; i < from.parameters().size(); ++i) to.parameters()[i].value.detach().copy_(from.parameters()[i].value);
}

}  // namespace

TEST_CASE("ptq gptq: below rtn's layer output error on every layer of a small trained model", "[ptq]") {
  at::set_num_threads(1);  // no spinning second thread on a shared 2-core machine
  const std::vector<std::uint16_t> text = corpus_bytes();
  PolluxModel model(test::small_model(2, kTrainedSeqLen), 1, at::kCPU);
  const auto [first, last] = train_small_model(model, text);
  CHECK(last < first - 1.0);  // it learned something: activations with structure
  const std::size_t train_end = text.size() * 9 / 10;

  // The held-out text for calibration.
  const std::string calib = temp_path("calib.u16");
  write_tokens(calib, std::vector<std::uint16_t>(text.begin() + std::ptrdiff_t(train_end), text.end()));
  const int bits = 3;
  const std::int64_t group = 16;  // rows of 48

  {  // one layer at a time on the trained model's own inputs: ||X W^T - X Q^T||, computed directly
    const std::map<std::string, at::Tensor> inputs = layer_inputs(model, text);
    REQUIRE(inputs.size() == 13);  // 6 per block and the head
    for (const auto& [name, X] : inputs) {
      INFO(name);
      const at::Tensor W = model.parameter(name).detach();
      const at::Tensor H = at::matmul(X.t(), X) * (2.0 / double(X.size(0)));
      const at::Tensor qg = ptq::gptq_quantize(W, H, bits, group), qr = ptq::rtn_quantize(W, bits, group);
      const double base = at::matmul(X, W.t()).norm().item<double>();
      const double eg = at::matmul(X, (W - qg).t()).norm().item<double>() / base;
      const double er = at::matmul(X, (W - qr).t()).norm().item<double>() / base;
      CHECK(eg < er);
      CHECK(ptq::output_error(W, qg, H) == Approx(eg).epsilon(1e-3));
      // GPTQ stays on a B-bit grid: at most 2^B distinct values per group (the asymmetric
      // grid's all 2^B levels; the symmetric one's 2^B - 1).
      const at::Tensor g = qg.reshape({-1, group});
      std::int64_t most = 0;
      for (std::int64_t i = 0; i < g.size(0); ++i) most = std::max(most, std::get<0>(at::_unique(g[i])).numel());
      CHECK(most <= (1 << bits));
      const at::Tensor gs = ptq::gptq_quantize(W, H, bits, group, 0.01, 128, ptq::Grid::symmetric).reshape({-1, group});
      std::int64_t most_sym = 0;
      for (std::int64_t i = 0; i < gs.size(0); ++i) most_sym = std::max(most_sym, std::get<0>(at::_unique(gs[i])).numel());
      CHECK(most_sym <= (1 << bits) - 1);
    }
  }

  {  // the whole model, layer by layer through the quantized layers before (the tool's path)
    ptq::Options o;
    o.method = ptq::Method::gptq;
    o.bits = bits;
    o.group_size = group;
    o.calib = calib;
    o.calib_tokens = 2048;
    o.tokenizer = "bytes";
    const ptq::Report report = ptq::quantize_model(model, o, "leech");
    CHECK(report.calib_tokens == 2048);
    REQUIRE(report.matrices.size() == 15);
    int gptq_layers = 0;
    for (const ptq::MatrixReport& m : report.matrices) {
      INFO(m.name);
      if (m.name == "tok_emb.weight" || m.name == "pos_emb.weight") {
        CHECK(m.method == "rtn");
        continue;
      }
      ++gptq_layers;
      CHECK(m.method == "gptq");
      CHECK(m.output_error < m.baseline_error);
      // codes, a float16 scale and a B-bit zero point per group
      CHECK(m.bits == std::uint64_t(m.rows * m.cols) * bits + std::uint64_t(m.rows * m.cols / group) * (16 + bits));
    }
    CHECK(gptq_layers == 13);
    CHECK(report.bits_per_parameter() == Approx(bits + (16.0 + bits) / double(group)));
  }
  std::remove(calib.c_str());
}

TEST_CASE("ptq on CUDA: the same quantizers as on the CPU, in ATen on the tensors' device", "[ptq][cuda]") {
  if (!at::hasCUDA()) POLLUX_SKIP_NO_GPU("no GPU: the CUDA case of the quantizers is skipped");
  const at::Tensor w = gaussian(96, 384, 9), x = gaussian(512, 384, 10);
  const at::Tensor h = at::matmul(x.t(), x) * (2.0 / 512);
  const at::Device cuda(at::kCUDA);
  CHECK(at::equal(ptq::rtn_quantize(w.to(cuda), 4, 32).cpu(), ptq::rtn_quantize(w, 4, 32)));
  CHECK(at::allclose(ptq::polarquant_quantize(w.to(cuda), 3, 32).cpu(), ptq::polarquant_quantize(w, 3, 32), 1e-4, 1e-5));
  // GPTQ's float32 sums differ in order between devices: the output errors agree closely.
  const at::Tensor qc = ptq::gptq_quantize(w.to(cuda), h.to(cuda), 3, 32).cpu(), q = ptq::gptq_quantize(w, h, 3, 32);
  CHECK(ptq::output_error(w, qc, h) == Approx(ptq::output_error(w, q, h)).epsilon(0.02));
  CHECK(ptq::output_error(w, qc, h) < ptq::output_error(w, ptq::rtn_quantize(w, 3, 32), h));
}

TEST_CASE("ptq bad input: one error naming the flag or the file", "[ptq]") {
  const ModelConfig shape = test::small_model(1, 24);
  ptq::Options o;
  o.method = ptq::Method::rtn;
  o.bits = 9;
  CHECK_THROWS_WITH(ptq::check_options(o, shape), Catch::Contains("--bits 9: expected 2 to 8"));
  o.method = ptq::Method::polarquant;
  o.bits = 5;
  CHECK_THROWS_WITH(ptq::check_options(o, shape), Catch::Contains("--bits 5: expected 1 to 4"));
  o.bits = 2;
  o.group_size = 24;
  CHECK_THROWS_WITH(ptq::check_options(o, shape), Catch::Contains("power of 2"));
  o.method = ptq::Method::rtn;
  o.group_size = 32;  // 48-wide rows
  CHECK_THROWS_WITH(ptq::check_options(o, shape), Catch::Contains("--group_size 32 does not divide"));
  o.group_size = 16;
  ptq::check_options(o, shape);
  o.method = ptq::Method::gptq;
  CHECK_THROWS_WITH(ptq::check_options(o, shape), Catch::Contains("--calib"));
  o.method = ptq::Method::leech;
  CHECK_THROWS_WITH(ptq::check_options(o, shape), Catch::Contains("--bits"));

  // A calibration file of another tokenizer's ids.
  const std::string calib = temp_path("wide.u16");
  write_tokens(calib, std::vector<std::uint16_t>(200, 300));
  PolluxModel model(shape, 1, at::kCPU);
  o.method = ptq::Method::gptq;
  o.bits = 4;
  o.calib = calib;
  o.calib_tokens = 48;
  CHECK_THROWS_WITH(ptq::quantize_model(model, o, "leech"), Catch::Contains("another tokenizer"));
  std::remove(calib.c_str());

  Checkpoint lattice_ck;
  lattice_ck.config.model = shape;
  lattice_ck.config.quantizer = QuantizerKind::lattice;
  ptq::Report report;
  o.method = ptq::Method::rtn;
  o.calib.clear();
  CHECK_THROWS_WITH(ptq::quantize_checkpoint(lattice_ck, "x.h5", o, report), Catch::Contains("x.h5 is a lattice checkpoint"));

  // A continuous one: every weight back (the gains unchanged), still quantizer = none, no moments.
  Checkpoint ck;
  ck.config.model = shape;
  ck.config.quantizer = QuantizerKind::none;
  ck.step = 7;
  ck.optimizer.tensors["m/head.weight"] = at::zeros({1});
  for (const Parameter& p : model.parameters()) ck.weights[p.name] = p.value.detach().clone();
  const Checkpoint out = ptq::quantize_checkpoint(ck, "c.h5", o, report);
  CHECK(out.config.quantizer == QuantizerKind::none);
  CHECK(out.step == 7);
  CHECK(out.optimizer.tensors.empty());
  REQUIRE(out.weights.size() == ck.weights.size());
  for (const Parameter& p : model.parameters()) {
    INFO(p.name);
    const bool same = at::equal(out.weights.at(p.name), ck.weights.at(p.name));
    CHECK(same == !p.quantized_matrix());
  }
  ck.weights.erase("ln_f.weight");
  CHECK_THROWS_WITH(ptq::quantize_checkpoint(ck, "c.h5", o, report), Catch::Contains("c.h5: weight ln_f.weight is missing"));
}

TEST_CASE("ptq the byte rule equals the deployed file's size for .plx files (every kind, v4 and v5)", "[ptq]") {
  const std::uint32_t rows = 8, cols = 48;  // 16 atoms: whole groups of 4 indices
  std::vector<std::uint32_t> indices(rows * cols / 24);
  for (std::size_t i = 0; i < indices.size(); ++i) indices[i] = std::uint32_t(i * 7919 % 196560);
  auto bytes = [](std::size_t n) { return std::vector<std::uint8_t>(n, 1); };
  for (int version : {4, 5}) {
    INFO("version " << version);
    lattice::PlxFile file;
    file.version = std::uint8_t(version);
    file.codebook = lattice::CodebookVariant::pollux_v4;
    file.fingerprint = lattice::codebook_fingerprint(lattice::Codebook::get(file.codebook));
    file.config_json = std::string(version == 4 ? 77 : 130, ' ');  // any length: padded to 64
    file.tensors.push_back({"blocks.0.fc.packed_weights",
                            lattice::PlxDtype::u8,
                            {std::uint32_t(lattice::packed_size(indices.size()))},
                            lattice::pack_indices(indices)});
    file.tensors.push_back({"blocks.0.fc.sigma_rows", lattice::PlxDtype::f16, {rows}, bytes(2 * rows)});
    file.tensors.push_back({"head.weight_int8", lattice::PlxDtype::i8, {rows, cols}, bytes(rows * cols)});
    file.tensors.push_back({"head.mu_rows", lattice::PlxDtype::f16, {rows}, bytes(2 * rows)});
    file.tensors.push_back({"blocks.0.ln.gain", lattice::PlxDtype::f32, {cols}, bytes(4 * cols)});
    if (version == 5) {
      lattice::TernaryMatrix t;
      t.gamma = 0.5f;
      t.trits.assign(std::size_t(rows) * 35, 1);
      file.tensors.push_back(lattice::ternary_tensor("blocks.0.t.weight", {rows, 35}, t));
    }
    const std::vector<std::uint8_t> image = lattice::serialize_plx(file);
    const lattice::DeployedModel described = lattice::deployed_model(lattice::parse_plx(image.data(), image.size(), "test"));
    CHECK(described.tensors.size() == std::size_t(version == 5 ? 4 : 3));
    CHECK(lattice::deployed_bytes(described) == image.size());
    // Each tensor's data bytes as the file's records hold them.
    CHECK(lattice::deployed_data_bytes(described.tensors[0]) == lattice::packed_size(indices.size()) + 2 * rows);
    CHECK(lattice::deployed_data_bytes(described.tensors[1]) == rows * cols + 2 * rows);
  }
  // pollux-ptq's grouped kind: codes, float16 scales, B-bit zero points, a u16 per column.
  lattice::DeployedTensor g{"blocks.0.fc.weight", {96, 384}, lattice::DeployedKind::grouped, 3, 32, true, true};
  const std::uint64_t n = 96 * 384, groups = n / 32;
  CHECK(lattice::deployed_data_bytes(g) == (n * 3 + 7) / 8 + 2 * groups + (groups * 3 + 7) / 8 + 2 * 384);
  CHECK(lattice::deployed_bits(g) == n * 3 + groups * (16 + 3) + 16 * 384);
  g.group = 40;
  CHECK_THROWS_WITH(lattice::deployed_data_bytes(g), Catch::Contains("groups of 40"));
}

TEST_CASE("ptq leech-ldlq --incoherence: the transforms are orthogonal, seeded, mix every coordinate, undone exactly", "[ptq]") {
  for (std::int64_t n : {24, 48, 64, 96, 264, 384, 1152}) {
    INFO("n " << n);
    const ptq::Incoherence t(n, 5);
    const at::Tensor M = t.apply(at::eye(n, at::kDouble));  // rows: the transform of e_i
    CHECK(at::allclose(at::matmul(M, M.t()), at::eye(n, at::kDouble), 0, 1e-12));
    CHECK(at::allclose(at::matmul(M.t(), M), at::eye(n, at::kDouble), 0, 1e-12));
    CHECK(at::allclose(t.undo(at::eye(n, at::kDouble)), M.t(), 0, 1e-12));  // undo is the transpose
    CHECK((M.abs() > 1e-9).all().item<bool>());                             // every coordinate into every other
    const at::Tensor x = gaussian(5, n, 7).to(at::kDouble);
    CHECK(at::allclose(t.undo(t.apply(x)), x, 0, 1e-13));
    const at::Tensor xf = gaussian(5, n, 8);
    CHECK((t.undo(t.apply(xf)) - xf).abs().max().item<double>() <= 1e-5);
    CHECK(at::equal(M, ptq::Incoherence(n, 5).apply(at::eye(n, at::kDouble))));  // a function of the seed
    CHECK(!at::allclose(M, ptq::Incoherence(n, 6).apply(at::eye(n, at::kDouble))));
  }
  // The quantized matrix is returned in W's basis: the same output error as in the rotated one,
  // and the rotated weights' coordinates are near Gaussian whatever W's outliers.
  const lattice::Quantizer quantizer(lattice::Codebook::get(lattice::CodebookVariant::leech));
  at::Tensor w = gaussian(24, 48, 3);
  w[2][5] = 40.0;  // an outlier
  const at::Tensor x = gaussian(256, 48, 4);
  const at::Tensor h = at::matmul(x.t(), x) * (2.0 / 256);
  const at::Tensor q = ptq::ldlq_leech_incoherent(w, h, quantizer, 1);
  CHECK(q.sizes() == w.sizes());
  const double e = ptq::output_error(w, q, h);
  const ptq::Incoherence L(24, 1 ^ 0x5EEDull), R(48, 1);
  auto both = [](const ptq::Incoherence& l, const ptq::Incoherence& r, const at::Tensor& m) {
    return l.apply(r.apply(m).t()).t();
  };
  const at::Tensor wr = both(L, R, w.to(at::kDouble)), qr = both(L, R, q.to(at::kDouble)), hr = both(R, R, h.to(at::kDouble));
  CHECK(ptq::output_error(wr, qr, hr) == Approx(e).epsilon(1e-6));
  CHECK(wr.abs().max().item<double>() < 0.5 * w.abs().max().item<double>());  // the outlier spread
}

TEST_CASE("ptq leech-ldlq and awq: below leech's and no worse than rtn's output error on every layer of a trained model",
          "[ptq]") {
  at::set_num_threads(1);
  const std::vector<std::uint16_t> text = corpus_bytes();
  PolluxModel model(test::small_model(2, kTrainedSeqLen), 1, at::kCPU);
  train_small_model(model, text);
  const lattice::Quantizer quantizer(lattice::Codebook::get(lattice::CodebookVariant::leech));
  const std::map<std::string, at::Tensor> inputs = layer_inputs(model, text);
  REQUIRE(inputs.size() == 13);
  for (const auto& [name, X] : inputs) {
    INFO(name);
    const at::Tensor W = model.parameter(name).detach();
    const at::Tensor H = at::matmul(X.t(), X) * (2.0 / double(X.size(0)));
    const double leech = ptq::output_error(W, ptq::leech_quantize(W, quantizer), H);
    int rounds = 0;
    const at::Tensor q = ptq::ldlq_leech_quantize(W, H, quantizer, 0.01, &rounds);
    const double ldlq = ptq::output_error(W, q, H);
    const double incoherent = ptq::output_error(W, ptq::ldlq_leech_incoherent(W, H, quantizer, 0), H);
    const double rtn = ptq::output_error(W, ptq::rtn_quantize(W, 3, 16), H);
    double alpha = -1;
    const double awq =
        ptq::output_error(W, ptq::awq_quantize(W, H, X.abs().mean(0), 3, 16, ptq::Grid::asymmetric, 20, &alpha), H);
    std::printf(
        "ptq %-26s output error: leech %.4f, leech-ldlq %.4f (%d rounds), --incoherence %.4f; rtn-3 %.4f, awq-3 %.4f "
        "(alpha %.2f)\n",
        name.c_str(), leech, ldlq, rounds, incoherent, rtn, awq, alpha);
    CHECK(ldlq < leech);
    CHECK(incoherent < leech);
    CHECK(awq <= rtn);
    CHECK(alpha >= 0);
    CHECK(alpha <= 1);
  }

  // The tool's path, layer by layer through the quantized layers before: leech-ldlq's matrices
  // each below leech on their inputs, at leech's bits; awq's at rtn's bits plus a float16 per column.
  const std::string calib = temp_path("calib_ldlq.u16");
  write_tokens(calib, std::vector<std::uint16_t>(text.begin() + std::ptrdiff_t(text.size() * 9 / 10), text.end()));
  for (ptq::Method method : {ptq::Method::leech_ldlq, ptq::Method::awq}) {
    INFO(ptq::method_name(method));
    PolluxModel copy(model.config(), 1, at::kCPU);
    copy_model(model, copy);
    ptq::Options o;
    o.method = method;
    o.bits = method == ptq::Method::awq ? 3 : 0;
    o.group_size = 16;
    o.calib = calib;
    o.calib_tokens = 1024;
    o.tokenizer = "bytes";
    const ptq::Report report = ptq::quantize_model(copy, o, "leech");
    REQUIRE(report.matrices.size() == 15);
    for (const ptq::MatrixReport& m : report.matrices) {
      INFO(m.name);
      if (m.name == "tok_emb.weight" || m.name == "pos_emb.weight") {
        CHECK(m.method == (method == ptq::Method::awq ? "rtn" : "leech"));
        continue;
      }
      CHECK(m.method == ptq::method_name(method));
      if (method == ptq::Method::awq) {
        CHECK(m.output_error <= m.baseline_error);
        CHECK(m.bits == std::uint64_t(m.rows * m.cols) * 3 + std::uint64_t(m.rows * m.cols / 16) * 19 + 16 * m.cols);
        CHECK(m.alpha >= 0);
      } else {
        CHECK(m.output_error < m.baseline_error);
        CHECK(m.bits == 8 * ((std::uint64_t(m.rows * m.cols / 24) + 3) / 4 * 9 + std::uint64_t(m.rows) * 2));
      }
    }
    const std::string json = ptq::report_json(report, "in.h5", "out.h5");
    CHECK(json.find(method == ptq::Method::awq ? "\"rtn_output_error\"" : "\"leech_output_error\"") != std::string::npos);
  }
  std::remove(calib.c_str());
}

TEST_CASE("ptq apq: the widths by dynamic programming are the best within the budget, never worse than a uniform width",
          "[ptq]") {
  // Exact: on random tables the DP's choice equals the brute force over every assignment.
  at::Generator gen = at::make_generator<at::CPUGeneratorImpl>(3);
  for (int trial = 0; trial < 20; ++trial) {
    const std::size_t n = 5;
    std::vector<std::vector<std::uint64_t>> cost(n);
    std::vector<std::vector<double>> error(n);
    for (std::size_t i = 0; i < n; ++i) {
      const std::uint64_t size = 100 + std::uint64_t(at::randint(0, 900, {1}, gen, at::kLong).item<std::int64_t>());
      const double weight = at::rand({1}, gen).item<double>();
      for (int b : {2, 3, 4, 8}) {
        cost[i].push_back(size * std::uint64_t(b) + 37);
        error[i].push_back(weight * std::pow(4.0, -b));
      }
    }
    const std::uint64_t budget = 3000 + std::uint64_t(trial) * 700;
    double best = INFINITY;
    for (int code = 0; code < 1 << (2 * n); ++code) {
      std::uint64_t c = 0;
      double e = 0;
      for (std::size_t i = 0; i < n; ++i) {
        const int k = (code >> (2 * i)) & 3;
        c += cost[i][std::size_t(k)];
        e += error[i][std::size_t(k)];
      }
      if (c <= budget) best = std::min(best, e);
    }
    INFO("trial " << trial << ", budget " << budget);
    if (!std::isfinite(best)) {
      CHECK_THROWS_WITH(ptq::choose_widths(cost, error, budget), Catch::Contains("below every matrix"));
      continue;
    }
    const std::vector<int> widths = ptq::choose_widths(cost, error, budget);
    std::uint64_t c = 0;
    double e = 0;
    for (std::size_t i = 0; i < n; ++i) {
      c += cost[i][std::size_t(widths[i])];
      e += error[i][std::size_t(widths[i])];
    }
    CHECK(c <= budget);
    CHECK(e == Approx(best).epsilon(1e-12));
  }

  // The tool on a trained model at the bytes of uniform 3 bits: within them, and its summed
  // sensitivity (tr(D H D^T) on the unquantized model's inputs, as apq measures it) no more
  // than every matrix at 3 bits.
  at::set_num_threads(1);
  const std::vector<std::uint16_t> text = corpus_bytes();
  PolluxModel model(test::small_model(2, kTrainedSeqLen), 1, at::kCPU);
  train_small_model(model, text);
  const std::string calib = temp_path("calib_apq.u16");
  write_tokens(calib, std::vector<std::uint16_t>(text.begin() + std::ptrdiff_t(text.size() * 9 / 10), text.end()));
  ptq::Options o;
  o.method = ptq::Method::apq;
  o.group_size = 16;
  o.calib = calib;
  o.calib_tokens = 1024;
  o.tokenizer = "bytes";
  o.budget_bits = 3 + 19.0 / 16;  // uniform 3 bits: codes, a float16 scale and a 3-bit zero point per 16
  PolluxModel copy(model.config(), 1, at::kCPU);
  copy_model(model, copy);
  const ptq::Report report = ptq::quantize_model(copy, o, "leech");
  REQUIRE(report.matrices.size() == 15);
  CHECK(report.bits_per_parameter() <= o.budget_bits);
  std::map<int, int> count;
  for (const ptq::MatrixReport& m : report.matrices) {
    INFO(m.name);
    CHECK((m.width == 2 || m.width == 3 || m.width == 4 || m.width == 8));
    CHECK(m.bits == std::uint64_t(m.rows * m.cols) * std::uint64_t(m.width) +
                        std::uint64_t(m.rows * m.cols / 16) * std::uint64_t(16 + m.width));
    ++count[m.width];
  }
  std::printf("ptq apq at %.4f bits per parameter: %.4f used; widths 2: %d, 3: %d, 4: %d, 8: %d\n", o.budget_bits,
              report.bits_per_parameter(), count[2], count[3], count[4], count[8]);
  CHECK(count.size() > 1);  // mixed widths
  // Summed sensitivity of apq's matrices and of all at 3 bits, on apq's own measure.
  const at::Tensor idx = [&] {
    const std::int64_t T = kTrainedSeqLen, windows = 1024 / T, size = std::int64_t(text.size() - text.size() * 9 / 10);
    at::Tensor out = at::empty({windows, T}, at::kLong);
    for (std::int64_t w = 0; w < windows; ++w)
      for (std::int64_t t = 0; t < T; ++t)
        out[w][t] = std::int64_t(text[text.size() * 9 / 10 + std::size_t((size - T) * w / (windows - 1) + t)]);
    return out;
  }();
  const std::map<std::string, ptq::LayerInputs> inputs = ptq::linear_inputs(model, idx);
  // The embeddings' one-hot inputs: a diagonal Hessian over the rows, 2 count / n.
  const at::Tensor tok = at::bincount(idx.flatten(), {}, 264).to(at::kDouble) * (2.0 / double(idx.numel()));
  double apq = 0, uniform = 0;
  for (const ptq::MatrixReport& m : report.matrices) {
    const at::Tensor w = model.parameter(m.name).detach();
    const bool embedding = m.name == "tok_emb.weight" || m.name == "pos_emb.weight";
    auto sensitivity = [&](const at::Tensor& q) {
      const at::Tensor d = (w - q).to(at::kDouble);
      if (embedding) return (d.pow(2).sum(1) * (m.name == "tok_emb.weight" ? tok : at::full({1}, 2.0 / 64, at::kDouble))).sum();
      return (at::matmul(d, inputs.at(m.name).hessian.to(at::kDouble)) * d).sum();
    };
    apq += sensitivity(copy.parameter(m.name).detach()).item<double>();
    uniform += sensitivity(embedding ? ptq::rtn_quantize(w, 3, 16) : ptq::gptq_quantize(w, inputs.at(m.name).hessian, 3, 16))
                   .item<double>();
  }
  std::printf("ptq apq: summed sensitivity %.5g, every matrix at 3 bits %.5g\n", apq, uniform);
  CHECK(apq <= uniform * (1 + 1e-9));
  const std::string json = ptq::report_json(report, "in.h5", "out.h5");
  CHECK(json.find("\"widths\":{\"tok_emb.weight\":") != std::string::npos);

  o.budget_bits = 2.0;  // below 2 bits plus the scales and zero points
  CHECK_THROWS_WITH(ptq::quantize_model(copy, o, "leech"), Catch::Contains("--budget_bits 2: below every matrix at 2 bits"));
  std::remove(calib.c_str());
}

TEST_CASE("ptq smoothquant: the migration keeps the model's float output; W8 rows and 8-bit activations in the checkpoint",
          "[ptq]") {
  at::set_num_threads(1);
  const ModelConfig shape = test::small_model(2, 24);
  PolluxModel model(shape, 4, at::kCPU);
  at::NoGradGuard no_grad;
  // Outlier input channels, as SmoothQuant finds in trained models: large ln gains.
  model.parameter("blocks.0.ln1.weight").detach()[3] = 30.0;
  model.parameter("blocks.1.ln2.weight").detach()[7] = 20.0;
  at::Generator gen = at::make_generator<at::CPUGeneratorImpl>(2);
  const at::Tensor idx = at::randint(0, 257, {4, 24}, gen, at::kLong);
  const at::Tensor before = model.forward(idx);
  const std::map<std::string, ptq::LayerInputs> inputs = ptq::linear_inputs(model, idx);
  REQUIRE(inputs.size() == 13);
  std::map<std::string, at::Tensor> original;
  for (const Parameter& p : model.parameters()) original[p.name] = p.value.detach().clone();
  ptq::smooth_model(model, inputs, 0.5);
  const at::Tensor after = model.forward(idx);
  CHECK(at::allclose(after, before, 1e-4, 1e-4));
  // Each migrated layer: its input divided by s, its weight's columns multiplied by s.
  const std::map<std::string, ptq::LayerInputs> moved = ptq::linear_inputs(model, idx);
  for (const char* name :
       {"blocks.0.attn.q_proj.weight", "blocks.0.attn.o_proj.weight", "blocks.1.mlp.fc1.weight", "head.weight"}) {
    INFO(name);
    const at::Tensor ratio = model.parameter(name).detach() / original.at(name);  // s per column
    const at::Tensor scale = ratio.select(0, 0);
    CHECK(at::allclose(ratio, scale.expand_as(ratio), 1e-4, 0));
    CHECK(at::allclose(moved.at(name).absmax * scale, inputs.at(name).absmax, 1e-3, 1e-6));
    CHECK(!at::allclose(scale, at::ones_like(scale)));
  }
  // The outlier channel's range shrinks: max|x| / max|w| balanced at alpha 0.5.
  const at::Tensor a = moved.at("blocks.0.attn.q_proj.weight").absmax;
  CHECK(a[3].item<double>() < inputs.at("blocks.0.attn.q_proj.weight").absmax[3].item<double>() / 2);
  // fc2 reads a GELU's output: no migration.
  CHECK(at::equal(model.parameter("blocks.0.mlp.fc2.weight"), original.at("blocks.0.mlp.fc2.weight")));

  // The tool: int8 rows everywhere, and a checkpoint that runs on 8-bit per-token activations.
  const std::string calib = temp_path("calib_smooth.u16");
  std::vector<std::uint16_t> tokens(480);
  for (std::size_t i = 0; i < tokens.size(); ++i) tokens[i] = std::uint16_t((i * 37) % 257);
  write_tokens(calib, tokens);
  Checkpoint ck;
  ck.config.model = shape;
  ck.config.quantizer = QuantizerKind::none;
  for (const auto& [name, value] : original) ck.weights[name] = value;
  ptq::Options o;
  o.method = ptq::Method::smoothquant;
  o.calib = calib;
  o.calib_tokens = 480;
  ptq::Report report;
  const Checkpoint out = ptq::quantize_checkpoint(ck, "c.h5", o, report);
  std::remove(calib.c_str());
  CHECK(out.config.ptq_activation_bits == 8);
  CHECK(ck.config.ptq_activation_bits == 0);
  REQUIRE(report.matrices.size() == 15);
  for (const ptq::MatrixReport& m : report.matrices) {
    CHECK(m.method == "smoothquant");
    CHECK(m.bits == std::uint64_t(m.rows * m.cols * 8 + m.rows * 16));
  }
  for (const lattice::DeployedTensor& t : report.deployed)
    if (t.shape.size() == 2) CHECK(t.kind == lattice::DeployedKind::int8_rows);
  CHECK(ptq::report_json(report, "c.h5", "o.h5").find("\"activation_bits\":8") != std::string::npos);
}

TEST_CASE("ptq the rivals' bad input: one error naming the flag", "[ptq]") {
  const ModelConfig shape = test::small_model(1, 24);
  ptq::Options o;
  o.method = ptq::Method::leech_ldlq;
  o.bits = 3;
  CHECK_THROWS_WITH(ptq::check_options(o, shape), Catch::Contains("--bits: leech-ldlq has its own rate"));
  o.bits = 0;
  CHECK_THROWS_WITH(ptq::check_options(o, shape), Catch::Contains("leech-ldlq needs calibration text: --calib"));
  o.calib = "x.u16";
  ptq::check_options(o, shape);
  o.method = ptq::Method::gptq;
  o.bits = 3;
  o.group_size = 16;
  o.incoherence = true;
  CHECK_THROWS_WITH(ptq::check_options(o, shape), Catch::Contains("--incoherence: only leech-ldlq"));
  o.incoherence = false;
  o.budget_bits = 3;
  CHECK_THROWS_WITH(ptq::check_options(o, shape), Catch::Contains("--budget_bits: only apq"));
  o.method = ptq::Method::apq;
  CHECK_THROWS_WITH(ptq::check_options(o, shape), Catch::Contains("give --budget_bits X instead"));
  o.bits = 0;
  o.budget_bits = -1;
  CHECK_THROWS_WITH(ptq::check_options(o, shape), Catch::Contains("apq needs --budget_bits X"));
  o.budget_bits = 3;
  o.scope = ptq::Scope::backbone;
  CHECK_THROWS_WITH(ptq::check_options(o, shape), Catch::Contains("--scope backbone: apq quantizes every matrix"));
  o.scope = ptq::Scope::all;
  ptq::check_options(o, shape);
  o.method = ptq::Method::awq;
  o.budget_bits = 0;
  CHECK_THROWS_WITH(ptq::check_options(o, shape), Catch::Contains("--bits 0: expected 2 to 8 for awq"));
  o.method = ptq::Method::smoothquant;
  o.bits = 8;
  CHECK_THROWS_WITH(ptq::check_options(o, shape), Catch::Contains("smoothquant is W8A8"));
  o.bits = 0;
  o.calib.clear();
  CHECK_THROWS_WITH(ptq::check_options(o, shape), Catch::Contains("smoothquant needs calibration text"));
  CHECK_THROWS_WITH(ptq::parse_method("quip"), Catch::Contains("leech-ldlq, apq, awq or smoothquant"));
  CHECK(ptq::parse_method("leech-ldlq") == ptq::Method::leech_ldlq);
}
