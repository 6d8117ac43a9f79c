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
  Config config;
  config.model.n_layers = 2;
  config.model.n_embd = 48;
  config.model.seq_len = 32;
  config.micro_batch = 4;
  config.grad_accum = 2;
  config.h_floor = 1.0;
  config.precision = Precision::float32;
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
