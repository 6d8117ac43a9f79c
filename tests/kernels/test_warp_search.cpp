// The GPU search's algorithm, run lane by lane on the CPU (kernels/warp_search.h), equals
// the CPU quantizer on every atom, with either fast pass: both codebooks, both scorings,
// random atoms at several scales and at extreme magnitudes, atoms at the zero threshold, noisy
// codebook points and exact ties. Its certified search and the GPU's incremental projection
// likewise.
#include <cmath>
#include <random>
#include <vector>

#include "../catch.h"
#include "pollux/base/error.h"
#include "pollux/kernels/lattice_search.h"
#include "pollux/lattice/row_projection.h"

using namespace pollux;
using namespace pollux::lattice;

namespace {

void require_same(const Quantizer& q, const std::vector<float>& atoms, const char* what) {
  const kernels::SearchRule rule = kernels::search_rule(q);
  const kernels::SearchTables tables = kernels::host_search_tables(q.codebook().variant()).view();
  std::size_t mismatches = 0, zeros = 0;
  for (std::size_t a = 0; a < atoms.size() / 24; ++a) {
    const std::uint32_t expected = q.nearest(&atoms[a * 24]);
    mismatches += kernels::emulate_warp_search(rule, tables, &atoms[a * 24], kernels::FastPass::float32) != expected;
    mismatches += kernels::emulate_warp_search(rule, tables, &atoms[a * 24], kernels::FastPass::float64) != expected;
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

      std::vector<float> extreme;  // the float32 pass scales by a power of two: huge, tiny and mixed atoms
      for (int k = 0; k < 200; ++k)
        for (int i = 0; i < 24; ++i) {
          const float big = k % 4 == 0 ? 1e30f : k % 4 == 1 ? 1e-30f : k % 4 == 2 ? 3e38f / 24 : 1e-38f;
          extreme.push_back(normal(rng) * (k % 8 < 4 || i % 3 ? big : 1e-20f * big));
        }
      require_same(q, extreme, "extreme magnitudes");
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

TEST_CASE("warp search: the certified twin finds the quantizer's index with a certificate that proves it",
          "[kernels][certificate]") {
  const Quantizer q(Codebook::get(CodebookVariant::leech));
  const kernels::SearchRule rule = kernels::search_rule(q);
  const auto& host = kernels::host_search_tables(CodebookVariant::leech);
  const kernels::KeyCoordinates coordinates{host.keys.data()};
  for (const auto pass : {kernels::FastPass::float64, kernels::FastPass::float32}) {
    // The CPU's certificate: the same winner's and rivals' scores; `others` (a bound from the
    // fast best) within the fast passes' margins, 2^-19 sum|x| on the CPU (float32 pass 1).
    const double others_tolerance = 1e-4;
    std::mt19937_64 rng(19);
    std::normal_distribution<float> normal;
    std::size_t same_certificate = 0, zero = 0, holds_twin = 0, holds_cpu = 0, wrong = 0, moves = 0;
    for (int k = 0; k < 300; ++k) {
      // the training scale (coordinates of spread C), and small atoms whose nearest point is zero
      const float scale = k % 10 == 0 ? 0.2f : 1.4142135f;
      std::vector<float> atom(24);
      for (float& v : atom) v = scale * normal(rng);
      const CertifiedIndex twin = kernels::emulate_certified_search(rule, host.view(), atom.data(), pass);
      const CertifiedIndex cpu = q.nearest_certified(atom.data());
      REQUIRE(twin.index == q.nearest(atom.data()));
      zero += twin.index == 0;
      bool same = twin.winner_floor == cpu.winner_floor && twin.rival_ceiling == cpu.rival_ceiling &&
                  std::fabs(twin.others - cpu.others) <= others_tolerance * std::fabs(cpu.others);
      for (int r = 0; r < kCertifiedRivals; ++r) same = same && twin.rivals[r] == cpu.rivals[r];
      same_certificate += same;
      for (const float step : {0.003f, 0.01f, 0.03f, 0.1f})
        for (int m = 0; m < 5; ++m) {
          std::vector<float> moved(atom);
          for (float& v : moved) v += step * normal(rng);
          ++moves;
          const bool t = certificate_holds(atom.data(), moved.data(), twin, coordinates);
          holds_twin += t;
          holds_cpu += q.certificate_holds(atom.data(), moved.data(), cpu);
          wrong += t && q.nearest(moved.data()) != twin.index;  // a certificate that holds is a proof
        }
    }
    INFO((pass == kernels::FastPass::float64 ? "float64" : "float32")
         << " pass: " << zero << " zero winners; certificates held " << holds_twin << " (twin) and " << holds_cpu
         << " (CPU) times in " << moves << " moves");
    CHECK(zero >= 20);
    CHECK(wrong == 0);
    CHECK(same_certificate == 300);
    CHECK(std::abs(double(holds_twin) - double(holds_cpu)) <= double(moves) / 1000);
    CHECK(holds_twin > moves / 4);
    CHECK(holds_twin < moves);
  }
  std::vector<float> atom(24, 1.0f);
  const Quantizer bf16(Codebook::get(CodebookVariant::leech), Scoring::reference_bf16);
  CHECK_THROWS_AS(kernels::emulate_certified_search(kernels::search_rule(bf16), host.view(), atom.data()), pollux::Error);
}

TEST_CASE("warp search: the GPU's incremental projection, run on the host, equals a full projection at each of 50 steps",
          "[kernels][certificate]") {
  const Quantizer q(Codebook::get(CodebookVariant::leech));
  const std::size_t rows = 40, cols = 240, atoms = rows * cols / 24;
  std::mt19937_64 rng(50);
  std::normal_distribution<float> normal;
  std::vector<float> w(rows * cols);
  for (float& v : w) v = 0.02f * normal(rng);
  std::vector<float> at_search(rows * cols);
  std::vector<CertifiedIndex> certificates(atoms);
  std::vector<std::int32_t> flagged(atoms);
  std::int32_t searched_now = 0;
  std::vector<std::uint32_t> incremental(atoms), full(atoms), first;
  std::vector<float> sigma_incremental(rows), sigma_full(rows);
  std::size_t searched = 0, changed = 0, mismatches = 0, sigma_mismatches = 0;
  for (int step = 0; step < 50; ++step) {
    for (float& v : w) v += 0.0003f * normal(rng);  // a training-like walk: most atoms stay
    const kernels::DeviceSearchMemory memory{at_search.data(), certificates.data(), flagged.data(), &searched_now, step == 0};
    const std::size_t n =
        kernels::emulate_project_rows_incremental(q, w.data(), rows, cols, incremental.data(), sigma_incremental.data(), memory);
    CHECK(std::size_t(searched_now) == n);
    if (step == 0) {
      CHECK(n == atoms);
      first = incremental;
    } else
      searched += n;
    project_rows(q, w.data(), rows, cols, full.data(), sigma_full.data(), 1);
    for (std::size_t k = 0; k < atoms; ++k) mismatches += incremental[k] != full[k];
    for (std::size_t r = 0; r < rows; ++r) sigma_mismatches += sigma_incremental[r] != sigma_full[r];
  }
  for (std::size_t k = 0; k < atoms; ++k) changed += incremental[k] != first[k];
  INFO(searched << " searches in 49 steps of " << atoms << " atoms; " << changed << " atoms changed index");
  CHECK(mismatches == 0);
  CHECK(sigma_mismatches == 0);
  CHECK(changed > atoms / 20);       // the walk moves atoms across Voronoi boundaries
  CHECK(searched < 49 * atoms / 2);  // and most steps keep most certificates
  CHECK(searched > 0);
}
