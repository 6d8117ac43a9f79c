// The CUDA kernels against their CPU twins, on the GPU: the search on fresh atoms, the row
// projection, and training steps. Each test skips with a message where there is no GPU.
#include <ATen/ATen.h>
#include <ATen/Context.h>

#include <cmath>
#include <random>
#include <vector>

#include "../catch.h"
#include "pollux/kernels/lattice_search.h"
#include "pollux/lattice/row_projection.h"
#include "pollux/model/model.h"
#include "pollux/optim/optimizer.h"
#include "pollux/train/step.h"

using namespace pollux;
using namespace pollux::lattice;

#define REQUIRE_GPU()                                                                            \
  do {                                                                                           \
    if (!kernels::cuda_kernels_available() || !at::hasCUDA())                                    \
      POLLUX_SKIP_NO_GPU("no GPU or no CUDA kernels in this build: the CUDA tests are skipped"); \
  } while (0)

namespace {

// Fresh atoms: Gaussian at four scales (the training one, C = sqrt 2, among them), shell
// points scaled to the zero threshold, midpoints of two shell points (exact ties).
std::vector<float> fresh_atoms(const Codebook& cb, std::size_t per_kind, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<float> normal;
  std::uniform_int_distribution<std::uint32_t> pick(1, Codebook::kSize - 1);
  std::vector<float> atoms;
  for (float scale : {0.3f, 0.8f, 1.4142135f, 4.0f})
    for (std::size_t k = 0; k < per_kind * 24; ++k) atoms.push_back(scale * normal(rng));
  for (std::size_t k = 0; k < per_kind; ++k) {
    const float* v = cb.row(pick(rng));
    const float f = k % 2 ? std::nextafter(0.5f, 1.0f) : std::nextafter(0.5f, 0.0f);
    for (int i = 0; i < 24; ++i) atoms.push_back(v[i] * f);
  }
  for (std::size_t k = 0; k < per_kind; ++k) {
    const float *a = cb.row(pick(rng)), *b = cb.row(pick(rng));
    for (int i = 0; i < 24; ++i) atoms.push_back(0.5f * (a[i] + b[i]));
  }
  return atoms;
}

// A two-layer, 48-wide model trained in float32 on batches of 4 x 32 tokens.
Config training_config() {
  Config config;
  config.model.n_layers = 2;
  config.model.n_embd = 48;
  config.model.seq_len = 32;
  config.micro_batch = 4;
  config.h_floor = 1.0;
  config.precision = Precision::float32;
  return config;
}

}  // namespace

TEST_CASE("cuda search: indices equal the CPU quantizer's on fresh atoms", "[cuda]") {
  REQUIRE_GPU();
  for (auto variant : {CodebookVariant::leech, CodebookVariant::pollux_v4})
    for (auto scoring : {Scoring::exact, Scoring::reference_bf16}) {
      const Quantizer q(Codebook::get(variant), scoring);
      const std::size_t per_kind = scoring == Scoring::exact ? 200000 : 20000;
      const std::vector<float> atoms = fresh_atoms(q.codebook(), per_kind, 7 + int(variant));
      const std::size_t n = atoms.size() / 24;
      std::vector<std::uint32_t> cpu(n);
      q.nearest(atoms.data(), n, cpu.data(), 0);
      const at::Tensor a = at::from_blob(const_cast<float*>(atoms.data()), {std::int64_t(n), 24}, at::kFloat).to(at::kCUDA);
      at::Tensor idx = at::empty({std::int64_t(n)}, a.options().dtype(at::kInt));
      at::Tensor bad = at::zeros({1}, a.options().dtype(at::kInt));
      kernels::nearest_cuda(q, a.data_ptr<float>(), std::int64_t(n), idx.data_ptr<std::int32_t>(), bad.data_ptr<std::int32_t>(),
                            nullptr);
      const at::Tensor gpu = idx.cpu();
      std::size_t mismatches = 0;
      for (std::size_t k = 0; k < n; ++k) mismatches += std::uint32_t(gpu.data_ptr<std::int32_t>()[k]) != cpu[k];
      INFO(to_string(variant) << (scoring == Scoring::exact ? " exact" : " bf16") << ", " << n << " atoms");
      CHECK(bad.item<int>() == 0);
      CHECK(mismatches == 0);
    }
}

TEST_CASE("cuda search: a NaN atom sets the flag", "[cuda]") {
  REQUIRE_GPU();
  const Quantizer q(Codebook::get(CodebookVariant::leech));
  at::Tensor a = at::randn({64, 24}, at::kFloat);
  a[5][3] = NAN;
  a = a.to(at::kCUDA);
  at::Tensor idx = at::empty({64}, a.options().dtype(at::kInt)), bad = at::zeros({1}, a.options().dtype(at::kInt));
  kernels::nearest_cuda(q, a.data_ptr<float>(), 64, idx.data_ptr<std::int32_t>(), bad.data_ptr<std::int32_t>(), nullptr);
  CHECK(bad.item<int>() == 1);
  CHECK(idx[5].item<int>() == 0);
}

TEST_CASE("cuda projection: row scales, indices and forward weights equal the CPU's bit for bit", "[cuda]") {
  REQUIRE_GPU();
  const Quantizer q(Codebook::get(CodebookVariant::leech));
  for (auto shape : {std::pair<int, int>{96, 4608}, {4608, 1152}}) {
    const std::int64_t rows = shape.first, cols = shape.second;
    const at::Tensor w = at::randn({rows, cols}, at::kFloat) * 0.37;
    std::vector<std::uint32_t> idx(static_cast<std::size_t>(rows * cols / 24));
    std::vector<float> sigma(static_cast<std::size_t>(rows)), weight(static_cast<std::size_t>(rows * cols));
    project_rows(q, w.data_ptr<float>(), std::size_t(rows), std::size_t(cols), idx.data(), sigma.data(), 0);
    reconstruct_rows(q.codebook(), idx.data(), sigma.data(), std::size_t(rows), std::size_t(cols), weight.data());
    const at::Tensor wd = w.to(at::kCUDA);
    at::Tensor gi = at::empty({rows, cols / 24}, wd.options().dtype(at::kInt)), gs = at::empty({rows}, wd.options());
    at::Tensor gw = at::empty_like(wd), bad = at::zeros({1}, wd.options().dtype(at::kInt));
    kernels::project_rows_cuda(q, wd.data_ptr<float>(), rows, cols, gi.data_ptr<std::int32_t>(), gs.data_ptr<float>(),
                               gw.data_ptr<float>(), bad.data_ptr<std::int32_t>(), nullptr);
    const at::Tensor ci = gi.cpu(), cs = gs.cpu(), cw = gw.cpu();
    std::size_t index_mismatches = 0, sigma_mismatches = 0, weight_mismatches = 0;
    for (std::size_t k = 0; k < idx.size(); ++k) index_mismatches += std::uint32_t(ci.data_ptr<std::int32_t>()[k]) != idx[k];
    for (std::size_t r = 0; r < sigma.size(); ++r) sigma_mismatches += cs.data_ptr<float>()[r] != sigma[r];
    for (std::size_t k = 0; k < weight.size(); ++k) weight_mismatches += cw.data_ptr<float>()[k] != weight[k];
    INFO(rows << " x " << cols);
    CHECK(bad.item<int>() == 0);
    CHECK(sigma_mismatches == 0);
    CHECK(index_mismatches == 0);
    CHECK(weight_mismatches == 0);
  }
}

TEST_CASE("cuda training: 8 float32 steps follow the CPU's losses and lattice indices", "[cuda]") {
  REQUIRE_GPU();
  at::globalContext().setAllowTF32CuBLAS(false);
  at::globalContext().setAllowTF32CuDNN(false);
  Config config = training_config();
  config.grad_accum = 2;
  PolluxModel cpu_model(config.model, 5, at::kCPU), gpu_model(config.model, 5, at::kCUDA);
  auto cpu_opt = make_optimizer(config, cpu_model), gpu_opt = make_optimizer(config, gpu_model);
  at::Generator gen = at::make_generator<at::CPUGeneratorImpl>(9);
  for (int step = 0; step < 8; ++step) {
    std::vector<at::Tensor> windows;
    for (int m = 0; m < config.grad_accum; ++m)
      windows.push_back(
          at::randint(config.model.tokenizer_vocab_size, {config.micro_batch, config.model.seq_len + 1}, gen, at::kLong));
    auto batches = [&](at::Device device) {
      return [&windows, device, m = 0]() mutable {
        const at::Tensor w = windows[std::size_t(m++)];
        return std::make_pair(w.slice(1, 0, -1).to(device), w.slice(1, 1).to(device));
      };
    };
    const double cpu_ce = accumulate_gradients(cpu_model, config.grad_accum, batches(at::kCPU), {false, 0});
    const double gpu_ce = accumulate_gradients(gpu_model, config.grad_accum, batches(at::kCUDA), {false, 0});
    INFO("step " << step);
    // float32 sums in another order (cuBLAS, the CPU's BLAS): equal to a few ulps of the loss.
    CHECK(gpu_ce == Approx(cpu_ce).epsilon(1e-5));
    cpu_opt->step(cpu_ce);
    gpu_opt->step(gpu_ce);
  }
  const OptimizerState cs = cpu_opt->state(), gs = gpu_opt->state();
  std::int64_t atoms = 0, differ = 0;
  for (const auto& [key, t] : cs.tensors) {
    if (key.rfind("indices/", 0) != 0) continue;
    atoms += t.numel();
    differ += t.ne(gs.tensors.at(key).cpu()).sum().item<std::int64_t>();
  }
  INFO(differ << " of " << atoms << " atoms differ after 8 steps");
  // The latents differ by float32 rounding only; an atom can flip only when it sits within
  // that rounding of a Voronoi boundary.
  CHECK(double(differ) <= 1e-3 * double(atoms));
}

TEST_CASE("cuda incremental projection: 50 steps of a walk equal the CPU's full projection bit for bit, with skips", "[cuda]") {
  REQUIRE_GPU();
  const Quantizer q(Codebook::get(CodebookVariant::leech));
  const std::int64_t rows = 384, cols = 1152, atoms = rows * cols / 24;
  at::manual_seed(33);
  at::Tensor w = at::randn({rows, cols}, at::kFloat) * 0.02;
  const at::TensorOptions on = at::TensorOptions().device(at::kCUDA);
  at::Tensor at_search = at::empty({rows * cols}, on.dtype(at::kFloat));
  at::Tensor certificates = at::empty({atoms * std::int64_t(sizeof(CertifiedIndex))}, on.dtype(at::kByte));
  at::Tensor flagged = at::empty({atoms}, on.dtype(at::kInt)), count = at::empty({1}, on.dtype(at::kInt));
  at::Tensor gi = at::zeros({rows, cols / 24}, on.dtype(at::kInt)), gs = at::empty({rows}, on.dtype(at::kFloat));
  at::Tensor gw = at::empty({rows, cols}, on.dtype(at::kFloat)), bad = at::zeros({1}, on.dtype(at::kInt));
  std::vector<std::uint32_t> idx(static_cast<std::size_t>(atoms)), first;
  std::vector<float> sigma(static_cast<std::size_t>(rows)), weight(static_cast<std::size_t>(rows * cols));
  std::int64_t searched = 0, index_mismatches = 0, sigma_mismatches = 0, weight_mismatches = 0, changed = 0;
  for (int step = 0; step < 50; ++step) {
    w += at::randn({rows, cols}, at::kFloat) * 0.0015;  // a training-like walk: most atoms stay
    const at::Tensor wd = w.to(at::kCUDA);
    kernels::project_rows_incremental_cuda(
        q, wd.data_ptr<float>(), rows, cols, gi.data_ptr<std::int32_t>(), gs.data_ptr<float>(), gw.data_ptr<float>(),
        {at_search.data_ptr<float>(), reinterpret_cast<CertifiedIndex*>(certificates.data_ptr<std::uint8_t>()),
         flagged.data_ptr<std::int32_t>(), count.data_ptr<std::int32_t>(), step == 0},
        bad.data_ptr<std::int32_t>(), nullptr);
    const std::int64_t n = count.item<std::int32_t>();
    if (step == 0)
      CHECK(n == atoms);
    else
      searched += n;
    project_rows(q, w.data_ptr<float>(), std::size_t(rows), std::size_t(cols), idx.data(), sigma.data(), 0);
    reconstruct_rows(q.codebook(), idx.data(), sigma.data(), std::size_t(rows), std::size_t(cols), weight.data());
    const at::Tensor ci = gi.cpu(), cs = gs.cpu(), cw = gw.cpu();
    for (std::int64_t k = 0; k < atoms; ++k)
      index_mismatches += std::uint32_t(ci.data_ptr<std::int32_t>()[k]) != idx[std::size_t(k)];
    for (std::int64_t r = 0; r < rows; ++r) sigma_mismatches += cs.data_ptr<float>()[r] != sigma[std::size_t(r)];
    for (std::int64_t k = 0; k < rows * cols; ++k) weight_mismatches += cw.data_ptr<float>()[k] != weight[std::size_t(k)];
    if (step == 0) first = idx;
  }
  for (std::size_t k = 0; k < idx.size(); ++k) changed += idx[k] != first[k];
  INFO(searched << " searches in 49 steps of " << atoms << " atoms; " << changed << " atoms changed index");
  CHECK(bad.item<int>() == 0);
  CHECK(index_mismatches == 0);
  CHECK(sigma_mismatches == 0);
  CHECK(weight_mismatches == 0);
  CHECK(changed > atoms / 20);
  CHECK(searched < 49 * atoms / 2);

  // A NaN: the flag is set, its row's atoms get index 0, and the other rows keep theirs.
  at::Tensor w_bad = w.clone();
  w_bad[3][30] = NAN;
  const at::Tensor wd = w_bad.to(at::kCUDA), before = gi.clone();
  kernels::project_rows_incremental_cuda(
      q, wd.data_ptr<float>(), rows, cols, gi.data_ptr<std::int32_t>(), gs.data_ptr<float>(), gw.data_ptr<float>(),
      {at_search.data_ptr<float>(), reinterpret_cast<CertifiedIndex*>(certificates.data_ptr<std::uint8_t>()),
       flagged.data_ptr<std::int32_t>(), count.data_ptr<std::int32_t>(), false},
      bad.data_ptr<std::int32_t>(), nullptr);
  CHECK(bad.item<int>() == 1);
  CHECK(gi[3].eq(0).all().item<bool>());  // row 3's scale is NaN: each of its atoms gets index 0
  CHECK(gi[4].equal(before[4]));
}

TEST_CASE("cuda training: 50 float32 steps of incremental projection, each step's indices the CPU's full search's", "[cuda]") {
  REQUIRE_GPU();
  Config config = training_config();
  config.projection = Projection::incremental;
  PolluxModel model(config.model, 5, at::kCUDA);
  auto optimizer = make_optimizer(config, model);
  const Quantizer q(Codebook::get(config.codebook));
  at::Generator gen = at::make_generator<at::CPUGeneratorImpl>(9);
  std::int64_t mismatches = 0, atoms = 0;
  double searched_after_first = 0, losses = 0;
  for (int step = 0; step < 50; ++step) {
    const at::Tensor window =
        at::randint(config.model.tokenizer_vocab_size, {config.micro_batch, config.model.seq_len + 1}, gen, at::kLong);
    auto batch = [&]() { return std::make_pair(window.slice(1, 0, -1).to(at::kCUDA), window.slice(1, 1).to(at::kCUDA)); };
    const double ce = accumulate_gradients(model, 1, batch, {false, 0});
    const StepStats stats = optimizer->step(ce);  // throws for a NaN or Inf (the device flag)
    losses += ce;
    if (step > 0) searched_after_first += stats.searched / 49;
    const OptimizerState state = optimizer->state();
    for (const auto& [key, indices] : state.tensors) {
      if (key.rfind("indices/", 0) != 0) continue;
      const at::Tensor latent = state.tensors.at("latent/" + key.substr(8)).to(at::kCPU).contiguous();
      const std::int64_t rows = latent.size(0), cols = latent.numel() / rows;
      std::vector<std::uint32_t> full(static_cast<std::size_t>(rows * cols / 24));
      std::vector<float> sigma(static_cast<std::size_t>(rows));
      project_rows(q, latent.data_ptr<float>(), std::size_t(rows), std::size_t(cols), full.data(), sigma.data(), 0);
      const at::Tensor got = indices.to(at::kCPU).contiguous();
      for (std::size_t k = 0; k < full.size(); ++k) mismatches += std::uint32_t(got.data_ptr<std::int32_t>()[k]) != full[k];
      atoms += got.numel();
    }
  }
  INFO("mean searched fraction after the first step: " << searched_after_first);
  CHECK(std::isfinite(losses));
  CHECK(mismatches == 0);
  CHECK(atoms > 0);
  CHECK(searched_after_first < 0.5);
}
