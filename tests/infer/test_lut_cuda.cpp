// The look-up product on a GPU (infer/lut_cuda.h): its host twin against the CPU kernels on
// every index form; on a GPU, the kernel against its twin bit for bit (skipped without one).
#include <ATen/ATen.h>

#include <cmath>
#include <random>
#include <vector>

#include "../catch.h"
#include "pollux/base/error.h"
#include "pollux/infer/lut_cuda.h"
#include "pollux/infer/shell_code.h"
#include "pollux/infer/workers.h"
#include "pollux/lattice/codebook.h"
#include "pollux/lattice/index_packing.h"

using namespace pollux;

namespace {

// A lattice matrix of random indices (one atom the zero vector) in the three index forms.
struct Forms {
  infer::RowMatrix unpacked, packed, shell;
};

Forms random_matrix(lattice::CodebookVariant variant, std::size_t rows, std::size_t cols, std::uint32_t seed) {
  Forms f;
  f.unpacked.rows = rows;
  f.unpacked.cols = cols;
  f.unpacked.table = lattice::Codebook::get(variant).integer_row(0);
  f.unpacked.variant = variant;
  std::mt19937 rng(seed);
  for (std::size_t i = 0; i < rows * cols / 24; ++i) f.unpacked.index.push_back(std::uint32_t(rng() % lattice::Codebook::kSize));
  f.unpacked.index[3] = 0;
  for (std::size_t r = 0; r < rows; ++r) f.unpacked.scale.push_back(0.01f * float(r + 1));
  f.packed = f.unpacked;
  f.packed.packed = lattice::pack_indices(f.unpacked.index);
  f.packed.index.clear();
  f.shell = f.unpacked;
  f.shell.shell = infer::shell::interleave(f.packed.packed.data(), rows, cols / 24, variant);
  f.shell.index.clear();
  return f;
}

// An int8-rows matrix (a v4 file's tok_emb or head): its own table, row r's atoms its rows r * per_row + a.
infer::RowMatrix int8_rows(std::size_t rows, std::size_t cols, std::uint32_t seed) {
  infer::RowMatrix m;
  m.rows = rows;
  m.cols = cols;
  std::mt19937 rng(seed);
  for (std::size_t i = 0; i < rows * cols; ++i) m.own_table.push_back(std::int8_t(int(rng() % 255) - 127));
  m.table = m.own_table.data();
  for (std::size_t a = 0; a < cols / 24; ++a) m.index.push_back(std::uint32_t(a));
  for (std::size_t r = 0; r < rows; ++r) m.scale.push_back(1.0f / 127);
  return m;
}

std::vector<float> activations(std::size_t n, std::uint32_t seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> normal;
  std::vector<float> x(n);
  for (float& e : x) e = normal(rng);
  return x;
}

std::vector<float> twin(const infer::RowMatrix& w, const std::vector<float>& x, std::size_t count) {
  const infer::FlatRows f = infer::flatten(w);
  std::vector<float> y(count * w.rows);
  infer::lut_matmul_twin(f.table, f.index.data(), w.scale.data(), w.rows, w.cols, x.data(), count, y.data());
  return y;
}

// Largest difference relative to the largest |y|: float32 summation order only.
double relative_gap(const std::vector<float>& a, const std::vector<float>& b) {
  double gap = 0, top = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    gap = std::max(gap, double(std::abs(a[i] - b[i])));
    top = std::max(top, double(std::abs(b[i])));
  }
  return gap / top;
}

}  // namespace

TEST_CASE("infer: the GPU look-up product's host twin equals the CPU kernel from every index form", "[infer]") {
  infer::Workers workers(2);
  for (auto variant : {lattice::CodebookVariant::leech, lattice::CodebookVariant::pollux_v4})
    for (std::size_t cols : {std::size_t(120), std::size_t(1200)}) {  // 5 atoms a row (lanes idle), 50 (lanes wrap)
      const Forms f = random_matrix(variant, 37, cols, 5);
      const std::vector<std::uint32_t> index = infer::flatten(f.unpacked).index;
      CHECK(index == f.unpacked.index);
      CHECK(infer::flatten(f.packed).index == index);
      CHECK(infer::flatten(f.shell).index == index);
      CHECK(infer::flatten(f.shell).table_rows == lattice::Codebook::kSize);
      for (std::size_t count : {std::size_t(1), std::size_t(3)}) {
        const std::vector<float> x = activations(count * cols, 9);
        std::vector<float> cpu(count * f.unpacked.rows);
        infer::matmul(f.packed, x.data(), count, cpu.data(), workers, infer::Kernel::portable);
        const std::vector<float> y = twin(f.unpacked, x, count);
        INFO(lattice::to_string(variant) << ", " << cols << " columns, " << count << " tokens");
        CHECK(relative_gap(y, cpu) < 1e-6);
        CHECK(twin(f.shell, x, count) == y);
      }
    }
  const infer::RowMatrix own = int8_rows(11, 96, 4);
  CHECK(infer::flatten(own).table_rows == 11 * 4);
  const std::vector<float> x = activations(2 * 96, 2);
  std::vector<float> cpu(2 * 11);
  infer::matmul(own, x.data(), 2, cpu.data(), workers, infer::Kernel::portable);
  CHECK(relative_gap(twin(own, x, 2), cpu) < 1e-6);
}

TEST_CASE("infer: the GPU look-up product refuses what has no atoms", "[infer]") {
  infer::RowMatrix dense;
  dense.rows = 2;
  dense.cols = 24;
  dense.dense.assign(48, 1.0f);
  CHECK_THROWS_WITH(infer::flatten(dense), Catch::Contains("a float32 matrix has no atoms"));
  const std::vector<float> x(25, 1.0f), scale(1, 1.0f);
  const std::vector<std::uint32_t> index(1, 0);
  std::vector<float> y(1);
  CHECK_THROWS_WITH(infer::lut_matmul_twin(lattice::Codebook::get(lattice::CodebookVariant::leech).integer_row(0), index.data(),
                                           scale.data(), 1, 25, x.data(), 1, y.data()),
                    Catch::Contains("row width 25 is not a positive multiple of 24"));
}

TEST_CASE("cuda look-up product: the kernel equals its host twin bit for bit", "[cuda]") {
  if (!infer::lut_cuda_available() || !at::hasCUDA())
    POLLUX_SKIP_NO_GPU("no GPU or no CUDA in this build: the GPU look-up product is skipped");
  infer::Workers workers(2);
  auto device = [](const void* data, std::int64_t n, at::ScalarType type) {
    return at::from_blob(const_cast<void*>(data), {n}, type).to(at::kCUDA);
  };
  for (auto variant : {lattice::CodebookVariant::leech, lattice::CodebookVariant::pollux_v4})
    for (std::size_t cols : {std::size_t(120), std::size_t(1152)}) {
      const Forms f = random_matrix(variant, 300, cols, 7);
      const infer::RowMatrix own = int8_rows(300, cols, 8);
      for (const infer::RowMatrix* w : {&f.packed, &own}) {
        const infer::FlatRows flat = infer::flatten(*w);
        const at::Tensor table = device(flat.table, std::int64_t(flat.table_rows * 24), at::kChar);
        const at::Tensor index = device(flat.index.data(), std::int64_t(flat.index.size()), at::kInt);  // indices < 2^31
        const at::Tensor scale = device(w->scale.data(), std::int64_t(w->rows), at::kFloat);
        for (std::size_t count : {std::size_t(1), std::size_t(5)}) {
          const std::vector<float> x = activations(count * cols, 3);
          const at::Tensor xd = device(x.data(), std::int64_t(x.size()), at::kFloat);
          at::Tensor y = at::empty({std::int64_t(count * w->rows)}, xd.options());
          infer::lut_matmul_cuda(table.data_ptr<std::int8_t>(),
                                 reinterpret_cast<const std::uint32_t*>(index.data_ptr<std::int32_t>()), scale.data_ptr<float>(),
                                 w->rows, cols, xd.data_ptr<float>(), count, y.data_ptr<float>(), nullptr);
          y = y.cpu();
          const std::vector<float> gpu(y.data_ptr<float>(), y.data_ptr<float>() + y.numel());
          std::vector<float> cpu(count * w->rows);
          infer::matmul(*w, x.data(), count, cpu.data(), workers);
          INFO(lattice::to_string(variant) << ", " << cols << " columns, " << count << " tokens"
                                           << (w == &own ? ", int8 rows" : ""));
          CHECK(gpu == twin(*w, x, count));
          CHECK(relative_gap(gpu, cpu) < 1e-6);
        }
      }
    }
}
