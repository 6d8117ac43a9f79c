// The fast quantizer, and the GPU kernels' lean search run lane by lane on the host, against a
// float64 brute force over all 196,560 shell points on 100,000 fresh random atoms, written as
// matrix products (ATen) so that it runs in seconds.
#include <ATen/ATen.h>
#include <ATen/Parallel.h>

#include <algorithm>
#include <cmath>
#include <vector>

#if defined(__x86_64__)
#include <immintrin.h>
#endif

#include "../catch.h"
#include "pollux/kernels/lattice_search.h"
#include "pollux/lattice/quantizer.h"

using namespace pollux::lattice;

namespace {

int ambiguous = 0;  // atoms the float32 scores left to the full float64 scoring

// The shell in integer coordinates as a float32 (24 x 196,560) matrix (exact: |v_i| <= 4).
at::Tensor shell_matrix(const Codebook& cb) {
  at::Tensor m = at::empty({Codebook::kSize - 1, 24}, at::kFloat);
  float* p = m.data_ptr<float>();
  for (std::uint32_t r = 1; r < Codebook::kSize; ++r)
    for (int i = 0; i < 24; ++i) p[(r - 1) * 24 + i] = cb.integer_row(r)[i];
  return m.t().contiguous();
}

// The largest value of a row, its first position and the second largest (equal to the first
// when it occurs twice). ATen's max with indices took most of the test's time.
struct RowTop {
  float first = -INFINITY, second = -INFINITY;
  int64_t at = 0;
};

void offer(RowTop& r, float value) {
  r.second = std::max(r.second, std::min(r.first, value));
  r.first = std::max(r.first, value);
}

#if defined(__x86_64__)
// Eight running top-twos over the row's whole groups of 8, merged into `r`; returns where the
// rest of the row starts.
__attribute__((target("avx2"))) int64_t offer_avx2(const float* p, int64_t n, RowTop& r) {
  __m256 top = _mm256_set1_ps(-INFINITY), next = top;
  int64_t i = 0;
  for (; i + 8 <= n; i += 8) {
    const __m256 v = _mm256_loadu_ps(p + i);
    next = _mm256_max_ps(next, _mm256_min_ps(top, v));
    top = _mm256_max_ps(top, v);
  }
  alignas(32) float tops[8], nexts[8];
  _mm256_store_ps(tops, top);
  _mm256_store_ps(nexts, next);
  for (int l = 0; l < 8; ++l) {
    r.second = std::max(r.second, nexts[l]);
    offer(r, tops[l]);
  }
  return i;
}

// The start of the first group of 8 that holds `value` (or of the row's last, partial group).
__attribute__((target("avx2"))) int64_t group_holding_avx2(const float* p, int64_t n, float value) {
  const __m256 v = _mm256_set1_ps(value);
  int64_t at = 0;
  while (at + 8 <= n && _mm256_movemask_ps(_mm256_cmp_ps(_mm256_loadu_ps(p + at), v, _CMP_EQ_OQ)) == 0) at += 8;
  return at;
}
#endif

RowTop row_top(const float* p, int64_t n) {
  RowTop r;
  int64_t i = 0;
#if defined(__x86_64__)
  static const bool avx2 = __builtin_cpu_supports("avx2");
  if (avx2) i = offer_avx2(p, n, r);
#endif
  for (; i < n; ++i) offer(r, p[i]);
#if defined(__x86_64__)
  if (avx2) r.at = group_holding_avx2(p, n, r.first);
#endif
  while (p[r.at] != r.first) ++r.at;
  return r;
}

// Brute-force indices of `atoms` (n x 24 float32) by the header's definition: the first shell
// point of maximal score(v) (atom_score, float64 in index order), 0 below sqrt(32).
// Every score is first computed in float32 by a matrix product, a block of shell columns at a
// time (small enough to stay in the cache), keeping each atom's two best scores. Any float32 sum of
// the 24 products is within 25 * 2^-24 * sum_i |x_i v_i| <= 2^-17 * 4 sum_i |x_i| of the true
// score, whatever the order: where the best leads the second by more than twice
// `margin` = 2^-14 sum|x|, no other point can win and the best's own score(v) decides the
// zero; otherwise every point is scored by atom_score (rare).
std::vector<std::uint32_t> brute_force(const Codebook& cb, const at::Tensor& shell, const at::Tensor& atoms) {
  std::vector<std::uint32_t> out;
  constexpr int64_t kChunk = 128, kColumns = 2048;  // 1 MB of float32 scores per block
  at::Tensor scores = at::empty({kChunk, kColumns}, at::kFloat);
  for (int64_t begin = 0; begin < atoms.size(0); begin += kChunk) {
    const at::Tensor chunk = atoms.slice(0, begin, begin + kChunk);
    const int64_t n = chunk.size(0);
    std::vector<float> first(std::size_t(n), -INFINITY), second(std::size_t(n), -INFINITY);
    std::vector<std::int64_t> first_at(std::size_t(n), 0);
    for (int64_t c = 0; c < shell.size(1); c += kColumns) {
      const at::Tensor block = shell.slice(1, c, c + kColumns);
      at::Tensor s = scores.slice(0, 0, n).slice(1, 0, block.size(1));
      at::mm_out(s, chunk, block);
      for (int64_t k = 0; k < n; ++k) {
        const std::size_t a = std::size_t(k);
        const RowTop t = row_top(s[k].data_ptr<float>(), s.size(1));
        if (t.first > first[a]) {
          second[a] = std::max(first[a], t.second);
          first[a] = t.first;
          first_at[a] = c + t.at;
        } else {
          second[a] = std::max(second[a], t.first);
        }
      }
    }
    for (int64_t k = 0; k < n; ++k) {
      const float* x = chunk[k].data_ptr<float>();
      double abs_sum = 0;
      for (int i = 0; i < 24; ++i) abs_sum += std::fabs(x[i]);
      const double margin = std::ldexp(abs_sum, -14);
      std::uint32_t index = std::uint32_t(first_at[std::size_t(k)] + 1);
      if (!(double(first[std::size_t(k)]) - double(second[std::size_t(k)]) > 2 * margin)) {
        ++ambiguous;
        double best = -INFINITY;
        for (std::uint32_t r = 1; r < Codebook::kSize; ++r) {
          const double score = atom_score(x, cb.integer_row(r));
          if (score > best) {
            best = score;
            index = r;
          }
        }
      }
      out.push_back(atom_score(x, cb.integer_row(index)) < std::sqrt(32.0) ? 0 : index);
    }
  }
  return out;
}

}  // namespace

TEST_CASE("quantizer and the lean GPU search's twin: 100,000 fresh random atoms match a float64 brute force",
          "[quantizer][exhaustive]") {
  at::manual_seed(2026);
  // One thread: these 128 x 24 x 2,048 products are too small to share (two threads took
  // 40 s of wall and more CPU than one's 26 s).
  at::set_num_threads(1);
  for (auto variant : {CodebookVariant::leech, CodebookVariant::pollux_v4}) {
    const Quantizer q(Codebook::get(variant));
    const pollux::kernels::SearchRule rule = pollux::kernels::search_rule(q);
    const pollux::kernels::SearchTables tables = pollux::kernels::host_search_tables(variant).view();
    const at::Tensor shell = shell_matrix(q.codebook());
    // Several scales: mostly-zero atoms, the training regime (about C = 1.41 per
    // coordinate), and far outside the shell.
    for (double scale : {0.3, 0.8, 1.4142135623730951, 4.0}) {
      INFO(to_string(variant) << " scale " << scale);
      const at::Tensor atoms = (at::randn({12500, 24}, at::kFloat) * scale).contiguous();
      std::vector<std::uint32_t> fast(12500);
      q.nearest(atoms.data_ptr<float>(), 12500, fast.data(), 0);
      const std::vector<std::uint32_t> brute = brute_force(q.codebook(), shell, atoms);
      int mismatches = 0, lean_mismatches = 0, zeros = 0;
      for (std::size_t a = 0; a < fast.size(); ++a) {
        mismatches += fast[a] != brute[a];
        lean_mismatches += pollux::kernels::emulate_warp_search(rule, tables, atoms.data_ptr<float>() + 24 * a,
                                                                pollux::kernels::FastPass::float32) != brute[a];
        zeros += brute[a] == 0;
      }
      CHECK(mismatches == 0);
      CHECK(lean_mismatches == 0);
      CHECK(ambiguous < 1000);               // the float32 screen decides nearly every atom
      if (scale < 0.5) CHECK(zeros > 1000);  // the zero vector really is exercised
    }
  }
}
