#include <cmath>
#include <random>
#include <vector>

#include "../catch.h"
#include "../support/fixtures.h"
#include "pollux/base/error.h"
#include "pollux/lattice/quantizer.h"

using namespace pollux::lattice;

namespace {

const Quantizer& quantizer_of(CodebookVariant variant) {
  static const Quantizer leech(Codebook::get(CodebookVariant::leech));
  static const Quantizer v4(Codebook::get(CodebookVariant::pollux_v4));
  return variant == CodebookVariant::leech ? leech : v4;
}

// Every shell point of maximal score(v) by exhaustive search; the tie rule picks the first.
std::vector<std::uint32_t> all_maximizers(const Codebook& cb, const float* x) {
  double best = -INFINITY;
  std::vector<std::uint32_t> out;
  for (std::uint32_t r = 1; r < Codebook::kSize; ++r) {
    double s = atom_score(x, cb.integer_row(r));
    if (s > best) { best = s; out.clear(); }
    if (s == best) out.push_back(r);
  }
  return out;
}

}  // namespace

TEST_CASE("quantizer: the 4,000 reference queries give the exact fp64 nearest index", "[quantizer][fixture]") {
  const std::string dir = pollux::test::reference_dir();
  if (dir.empty()) POLLUX_SKIP_NO_FIXTURES("shared/reference not found: skipping the reference quantizer queries");
  pollux::test::H5File h5(dir + "/reference_codebook.h5");
  const auto query = h5.doubles("query");
  const auto expected = h5.ints("nearest_index_exact");
  REQUIRE(query.size() == expected.size() * 24);
  const Quantizer& q = quantizer_of(CodebookVariant::pollux_v4);
  int mismatches = 0;
  for (std::size_t k = 0; k < expected.size(); ++k) mismatches += q.nearest(&query[k * 24]) != std::uint32_t(expected[k]);
  CHECK(mismatches == 0);
}

TEST_CASE("quantizer: fast path equals the brute force on random atoms at several scales", "[quantizer]") {
  for (auto variant : {CodebookVariant::leech, CodebookVariant::pollux_v4}) {
    const Quantizer& q = quantizer_of(variant);
    std::mt19937_64 rng(11 + int(variant));
    std::normal_distribution<float> normal;
    for (float scale : {0.25f, 0.7f, 1.4142135f, 3.0f, 100.0f}) {
      INFO(to_string(variant) << " scale " << scale);
      std::vector<float> atoms(150 * 24);
      for (float& v : atoms) v = scale * normal(rng);
      std::vector<std::uint32_t> fast(150);
      q.nearest(atoms.data(), 150, fast.data(), 2);
      for (std::size_t a = 0; a < 150; ++a) REQUIRE(fast[a] == q.nearest_brute_force(&atoms[a * 24]));
    }
  }
}

TEST_CASE("quantizer: a codebook point plus small noise quantizes to itself", "[quantizer]") {
  for (auto variant : {CodebookVariant::leech, CodebookVariant::pollux_v4}) {
    const Quantizer& q = quantizer_of(variant);
    const Codebook& cb = q.codebook();
    std::mt19937_64 rng(5);
    std::normal_distribution<float> noise(0.0f, 0.02f);  // |noise| ~ 0.1, well inside the cell
    for (int k = 0; k < 20000; ++k) {
      std::uint32_t idx = 1 + std::uint32_t(rng() % (Codebook::kSize - 1));
      float x[24];
      for (int i = 0; i < 24; ++i) x[i] = cb.row(idx)[i] + noise(rng);
      REQUIRE(q.nearest(x) == idx);
    }
  }
}

TEST_CASE("quantizer: the zero/shell threshold is decided exactly on both sides", "[quantizer]") {
  // x = t v for a shell point v: score = 32 t in integer units, and the threshold is
  // score = sqrt(32), so t* = 1/sqrt(32). Step t across t* one float at a time.
  const Quantizer& q = quantizer_of(CodebookVariant::leech);
  const Codebook& cb = q.codebook();
  std::mt19937 rng(3);
  for (int k = 0; k < 30; ++k) {
    std::uint32_t idx = 1 + rng() % (Codebook::kSize - 1);
    const std::int8_t* v = cb.integer_row(idx);
    float t = float(1.0 / std::sqrt(32.0));
    for (int step = 0; step < 8; ++step) t = std::nextafter(t, 0.0f);
    bool seen_zero = false, seen_shell = false;
    for (int step = 0; step < 16; ++step, t = std::nextafter(t, 1.0f)) {
      float x[24];
      for (int i = 0; i < 24; ++i) x[i] = float(v[i]) * t;
      const std::uint32_t got = q.nearest(x);
      REQUIRE(got == q.nearest_brute_force(x));
      REQUIRE((got == 0 || got == idx));
      seen_zero |= got == 0;
      seen_shell |= got == idx;
    }
    CHECK(seen_zero);
    CHECK(seen_shell);
  }
}

TEST_CASE("quantizer: exact ties go to the smallest index", "[quantizer]") {
  for (auto variant : {CodebookVariant::leech, CodebookVariant::pollux_v4}) {
    const Quantizer& q = quantizer_of(variant);
    const Codebook& cb = q.codebook();
    std::mt19937_64 rng(17);
    std::vector<std::vector<float>> atoms;
    atoms.push_back(std::vector<float>(24, 1.0f));  // all equal: many shapes tie
    std::vector<float> two(24, 0.0f);
    two[3] = two[17] = 2.0f;  // (4,4) shape and octads through 3 and 17
    atoms.push_back(two);
    for (int k = 0; k < 40; ++k) {
      // Small integers: ties between sign choices and positions are everywhere.
      std::vector<float> x(24);
      for (float& v : x) v = float(int(rng() % 5) - 2);
      atoms.push_back(x);
      // The midpoint of two shell points.
      std::uint32_t a = 1 + rng() % (Codebook::kSize - 1), b = 1 + rng() % (Codebook::kSize - 1);
      for (int i = 0; i < 24; ++i) x[i] = 0.5f * (cb.row(a)[i] + cb.row(b)[i]);
      atoms.push_back(x);
    }
    int with_ties = 0;
    for (const auto& x : atoms) {
      const auto winners = all_maximizers(cb, x.data());
      with_ties += winners.size() > 1;
      const std::uint32_t got = q.nearest(x.data());
      REQUIRE(got == q.nearest_brute_force(x.data()));
      REQUIRE((got == 0 || got == winners.front()));
    }
    CHECK(with_ties > 10);  // the cases above really are ties
  }
}

TEST_CASE("quantizer: threads do not change the answer, NaN and Inf are refused", "[quantizer]") {
  const Quantizer& q = quantizer_of(CodebookVariant::leech);
  std::mt19937_64 rng(23);
  std::normal_distribution<float> normal;
  std::vector<float> atoms(3000 * 24);
  for (float& v : atoms) v = 1.4f * normal(rng);
  std::vector<std::uint32_t> one(3000), many(3000);
  q.nearest(atoms.data(), 3000, one.data(), 1);
  q.nearest(atoms.data(), 3000, many.data(), 4);
  CHECK(one == many);
  atoms[1234 * 24 + 5] = NAN;
  CHECK_THROWS_WITH(q.nearest(atoms.data(), 3000, many.data(), 2), Catch::Contains("atom 1234"));
  float inf_atom[24] = {};
  inf_atom[0] = INFINITY;
  CHECK_THROWS_AS(q.nearest(inf_atom), pollux::Error);
  float zero_atom[24] = {};
  CHECK(q.nearest(zero_atom) == 0);
}

TEST_CASE("quantizer: reference-bf16 scoring is searched exactly too, and differs from exact", "[quantizer]") {
  for (auto variant : {CodebookVariant::leech, CodebookVariant::pollux_v4}) {
    const Quantizer bf16(Codebook::get(variant), Scoring::reference_bf16);
    const Quantizer& exact = quantizer_of(variant);
    std::mt19937_64 rng(29);
    std::normal_distribution<float> normal;
    int differ = 0;
    for (int k = 0; k < 300; ++k) {
      float x[24];
      for (float& v : x) v = 1.4142135f * normal(rng);
      const std::uint32_t got = bf16.nearest(x);
      REQUIRE(got == bf16.nearest_brute_force(x));
      differ += got != exact.nearest(x);
    }
    CHECK(differ > 0);    // rounding scores to bf16 makes ties the exact search does not have
    CHECK(differ < 60);
  }
}
