// The GPU search's algorithm, run lane by lane on the CPU (kernels/warp_search.h), equals
// the CPU quantizer on every atom: both codebooks, both scorings, random atoms at several
// scales, atoms at the zero threshold, noisy codebook points and exact ties.
#include <cmath>
#include <random>
#include <vector>

#include "../catch.h"
#include "pollux/base/error.h"
#include "pollux/kernels/lattice_search.h"

using namespace pollux;
using namespace pollux::lattice;

namespace {

void require_same(const Quantizer& q, const std::vector<float>& atoms, const char* what) {
  const kernels::SearchRule rule = kernels::search_rule(q);
  const kernels::SearchTables tables = kernels::host_search_tables(q.codebook().variant()).view();
  std::size_t mismatches = 0, zeros = 0;
  for (std::size_t a = 0; a < atoms.size() / 24; ++a) {
    const std::uint32_t expected = q.nearest(&atoms[a * 24]);
    mismatches += kernels::emulate_warp_search(rule, tables, &atoms[a * 24]) != expected;
    zeros += expected == 0;
  }
  INFO(what << ", " << to_string(q.codebook().variant()) << (q.scoring() == Scoring::exact ? " exact" : " bf16") << ": " << zeros
            << " zero atoms of " << atoms.size() / 24);
  CHECK(mismatches == 0);
}

}  // namespace

TEST_CASE("warp search: equals the CPU quantizer on fresh atoms", "[kernels]") {
  std::mt19937_64 rng(2026);
  std::normal_distribution<float> normal;
  std::uniform_int_distribution<std::uint32_t> pick(1, Codebook::kSize - 1);
  for (auto variant : {CodebookVariant::leech, CodebookVariant::pollux_v4})
    for (auto scoring : {Scoring::exact, Scoring::reference_bf16}) {
      const Quantizer q(Codebook::get(variant), scoring);
      std::vector<float> random;  // four scales, the training one (C = sqrt 2) among them
      for (float scale : {0.3f, 0.8f, 1.4142135f, 4.0f})
        for (int k = 0; k < 400 * 24; ++k) random.push_back(scale * normal(rng));
      require_same(q, random, "random");

      std::vector<float> threshold;  // shell points scaled to the zero threshold: one ulp below, above, on it
      for (int k = 0; k < 300; ++k) {
        const float* v = Codebook::get(variant).row(pick(rng));
        const float f = k % 3 == 0 ? std::nextafter(0.5f, 0.0f) : k % 3 == 1 ? std::nextafter(0.5f, 1.0f) : 0.5f;
        for (int i = 0; i < 24; ++i) threshold.push_back(v[i] * f);
      }
      require_same(q, threshold, "zero threshold");

      std::vector<float> ties;  // midpoints of two shell points: equal scores for both
      for (int k = 0; k < 300; ++k) {
        const float *a = Codebook::get(variant).row(pick(rng)), *b = Codebook::get(variant).row(pick(rng));
        for (int i = 0; i < 24; ++i) ties.push_back(0.5f * (a[i] + b[i]));
      }
      require_same(q, ties, "midpoints");

      std::vector<float> noisy;  // shell points plus small noise
      for (int k = 0; k < 300; ++k) {
        const float* v = Codebook::get(variant).row(pick(rng));
        for (int i = 0; i < 24; ++i) noisy.push_back(v[i] + 0.05f * normal(rng));
      }
      require_same(q, noisy, "noisy points");
    }
}

TEST_CASE("warp search: vector keys order like the codebook and refuse non-finite atoms", "[kernels]") {
  const auto& t = kernels::host_search_tables(CodebookVariant::leech);
  REQUIRE(t.keys.size() == 2 * std::size_t(kernels::kShellSize));
  const Codebook& cb = Codebook::get(CodebookVariant::leech);
  kernels::VectorKey key{t.keys[2 * 1000], t.keys[2 * 1000 + 1]};
  for (int i = 0; i < 24; ++i) CHECK(kernels::key_get(key, i) == cb.integer_row(1001)[i]);
  const Quantizer q(cb);
  std::vector<float> atom(24, 1.0f);
  atom[7] = NAN;
  CHECK_THROWS_AS(kernels::emulate_warp_search(kernels::search_rule(q), t.view(), atom.data()), pollux::Error);
}
