// The fast quantizer against a float64 brute force over all 196,560 shell points on
// 100,000 fresh random atoms, written as a matrix product (ATen) so that it runs in seconds.
#include <ATen/ATen.h>

#include <cmath>
#include <vector>

#include "../catch.h"
#include "pollux/lattice/quantizer.h"

using namespace pollux::lattice;

namespace {

// The shell in integer coordinates as a float64 (24 x 196,560) matrix.
at::Tensor shell_matrix(const Codebook& cb) {
  at::Tensor m = at::empty({Codebook::kSize - 1, 24}, at::kDouble);
  double* p = m.data_ptr<double>();
  for (std::uint32_t r = 1; r < Codebook::kSize; ++r)
    for (int i = 0; i < 24; ++i) p[(r - 1) * 24 + i] = cb.integer_row(r)[i];
  return m.t().contiguous();
}

// Brute-force indices of `atoms` (n x 24 float32): the first maximal score, 0 below sqrt(32).
std::vector<std::uint32_t> brute_force(const at::Tensor& shell, const at::Tensor& atoms) {
  std::vector<std::uint32_t> out;
  constexpr int64_t kChunk = 128;  // 128 x 196,560 float64 scores: 200 MB, allocated once
  at::Tensor scores = at::empty({kChunk, shell.size(1)}, at::kDouble);
  at::Tensor best = at::empty({kChunk}, at::kDouble), where = at::empty({kChunk}, at::kLong);
  for (int64_t begin = 0; begin < atoms.size(0); begin += kChunk) {
    const at::Tensor chunk = atoms.slice(0, begin, begin + kChunk).to(at::kDouble);
    at::mm_out(scores, chunk, shell);
    at::max_out(best, where, scores, 1);
    auto b = best.accessor<double, 1>();
    auto w = where.accessor<int64_t, 1>();
    for (int64_t k = 0; k < best.size(0); ++k) out.push_back(b[k] < std::sqrt(32.0) ? 0 : std::uint32_t(w[k] + 1));
  }
  return out;
}

}  // namespace

TEST_CASE("quantizer: 100,000 fresh random atoms match a float64 brute force", "[quantizer][exhaustive]") {
  at::manual_seed(2026);
  for (auto variant : {CodebookVariant::leech, CodebookVariant::pollux_v4}) {
    const Quantizer q(Codebook::get(variant));
    const at::Tensor shell = shell_matrix(q.codebook());
    // Several scales: mostly-zero atoms, the training regime (about C = 1.41 per
    // coordinate), and far outside the shell.
    for (double scale : {0.3, 0.8, 1.4142135623730951, 4.0}) {
      INFO(to_string(variant) << " scale " << scale);
      const at::Tensor atoms = (at::randn({12500, 24}, at::kFloat) * scale).contiguous();
      std::vector<std::uint32_t> fast(12500);
      q.nearest(atoms.data_ptr<float>(), 12500, fast.data(), 0);
      const std::vector<std::uint32_t> brute = brute_force(shell, atoms);
      int mismatches = 0, zeros = 0;
      for (std::size_t a = 0; a < fast.size(); ++a) {
        mismatches += fast[a] != brute[a];
        zeros += brute[a] == 0;
      }
      CHECK(mismatches == 0);
      if (scale < 0.5) CHECK(zeros > 1000);  // the zero vector really is exercised
    }
  }
}
