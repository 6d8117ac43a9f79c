#include <algorithm>
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
    if (s > best) {
      best = s;
      out.clear();
    }
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
    CHECK(differ > 0);  // rounding scores to bf16 makes ties the exact search does not have
    CHECK(differ < 60);
  }
}

namespace {

// Walks an atom along `path` (each entry 24 floats) as incremental projection does: a search
// with its certificate, then each next position either within the certificate, where the
// full search must give the certified index, or searched again. Returns the number skipped.
int walk_with_certificates(const Quantizer& q, const std::vector<std::vector<float>>& path) {
  CertifiedIndex cert = q.nearest_certified(path.front().data());
  REQUIRE(cert.index == q.nearest(path.front().data()));
  std::vector<float> at_search = path.front();
  int skipped = 0;
  for (std::size_t k = 1; k < path.size(); ++k) {
    const float* x = path[k].data();
    if (q.certificate_holds(at_search.data(), x, cert)) {
      REQUIRE(q.nearest(x) == cert.index);
      ++skipped;
      continue;
    }
    cert = q.nearest_certified(x);
    REQUIRE(cert.index == q.nearest(x));
    at_search = path[k];
  }
  return skipped;
}

}  // namespace

TEST_CASE("quantizer: a certified index stands while the atom stays within its certificate", "[quantizer][certificate]") {
  for (auto variant : {CodebookVariant::leech, CodebookVariant::pollux_v4}) {
    INFO(to_string(variant));
    const Quantizer& q = quantizer_of(variant);
    const Codebook& cb = q.codebook();
    std::mt19937_64 rng(23 + int(variant));
    std::normal_distribution<float> normal;

    // Random walks of training-like atoms ((W / sigma) C: coordinates of spread C), small steps.
    int skipped = 0, steps = 0;
    for (int walk = 0; walk < 20; ++walk) {
      std::vector<std::vector<float>> path(1, std::vector<float>(24));
      for (float& v : path[0]) v = 1.4142135f * normal(rng);
      for (int k = 0; k < 100; ++k) {
        path.push_back(path.back());
        for (float& v : path.back()) v += 0.01f * normal(rng);
      }
      skipped += walk_with_certificates(q, path);
      steps += 100;
    }
    CHECK(skipped > steps / 2);  // the certificate is useful, not only sound

    for (int pair = 0; pair < 20; ++pair) {
      // Across the Voronoi boundary of two shell points, through their exact tie at t = 1/2.
      const std::uint32_t a = 1 + rng() % (Codebook::kSize - 1), b = 1 + rng() % (Codebook::kSize - 1);
      std::vector<std::vector<float>> line;
      for (int k = 0; k <= 256; ++k) {
        const float t = float(k) / 256.0f;
        std::vector<float> x(24);
        for (int i = 0; i < 24; ++i) x[i] = 3.0f * ((1.0f - t) * cb.row(a)[i] + t * cb.row(b)[i]);
        line.push_back(x);
      }
      walk_with_certificates(q, line);
      // One ulp at a time through the tie, one coordinate after another.
      std::vector<std::vector<float>> ulps(1, line[128]);
      for (int k = 0; k < 48; ++k) {
        ulps.push_back(ulps.back());
        float& v = ulps.back()[std::size_t(k % 24)];
        v = std::nextafter(v, k < 24 ? 100.0f : -100.0f);
      }
      walk_with_certificates(q, ulps);
    }

    // Across the zero threshold along a shell point, x = t v, by 1% and then by single floats.
    for (int k = 0; k < 10; ++k) {
      const std::int8_t* v = cb.integer_row(1 + rng() % (Codebook::kSize - 1));
      const double t_star = 1.0 / std::sqrt(32.0);
      std::vector<std::vector<float>> radial;
      for (int step = -20; step <= 20; ++step) {
        std::vector<float> x(24);
        for (int i = 0; i < 24; ++i) x[i] = float(v[i] * t_star * (1.0 + 0.005 * step));
        radial.push_back(x);
      }
      walk_with_certificates(q, radial);
      float t = float(t_star);
      for (int step = 0; step < 8; ++step) t = std::nextafter(t, 0.0f);
      std::vector<std::vector<float>> ulps;
      for (int step = 0; step < 16; ++step, t = std::nextafter(t, 1.0f)) {
        std::vector<float> x(24);
        for (int i = 0; i < 24; ++i) x[i] = float(v[i]) * t;
        ulps.push_back(x);
      }
      walk_with_certificates(q, ulps);
    }
  }
}

TEST_CASE("quantizer: the certificate's rivals and bound are right, and it holds on the way to the runner-up",
          "[quantizer][certificate]") {
  // Every shell point but the winner and its rivals scores at most `others`, and no rival
  // scores below a point left out; moving each atom straight toward its runner-up (found by
  // brute force), the certificate holds part of the way and the brute force agrees wherever it does.
  const Quantizer& q = quantizer_of(CodebookVariant::leech);
  const Codebook& cb = q.codebook();
  std::mt19937_64 rng(29);
  std::normal_distribution<float> normal;
  int certified = 0, held = 0;
  for (int k = 0; k < 40; ++k) {
    std::vector<float> x(24);
    for (float& v : x) v = 1.4142135f * normal(rng);
    const CertifiedIndex cert = q.nearest_certified(x.data());
    REQUIRE(cert.index == q.nearest_brute_force(x.data()));
    REQUIRE(cert.index != 0);
    double best = -INFINITY, second = -INFINITY, lowest_rival = INFINITY, highest_rival = -INFINITY, highest_left_out = -INFINITY;
    std::uint32_t runner_up = 0;
    for (std::uint32_t r = 1; r < Codebook::kSize; ++r) {
      const double s = atom_score(x.data(), cb.integer_row(r));
      if (r == cert.index) {
        best = s;
        continue;
      }
      if (s > second) {
        second = s;
        runner_up = r;
      }
      if (std::find(std::begin(cert.rivals), std::end(cert.rivals), r) != std::end(cert.rivals)) {
        lowest_rival = std::min(lowest_rival, s);
        highest_rival = std::max(highest_rival, s);
      } else
        highest_left_out = std::max(highest_left_out, s);
    }
    CHECK(cert.others >= highest_left_out);
    CHECK(lowest_rival >= highest_left_out);
    // the scores at x that let certificate_holds() skip the scores at x': bounds, and tight ones
    CHECK(cert.winner_floor <= best);
    CHECK(cert.winner_floor > best - 1e-9);
    CHECK(cert.rival_ceiling >= highest_rival);
    if (std::isfinite(highest_rival))
      CHECK(cert.rival_ceiling < highest_rival + 1e-9);
    else
      CHECK(cert.rival_ceiling == -INFINITY);  // no rival within the window
    if (!std::isfinite(cert.others)) continue;
    ++certified;
    std::vector<double> d(24);  // the direction that closes the gap fastest
    double norm = 0;
    for (int i = 0; i < 24; ++i) {
      d[i] = double(cb.integer_row(runner_up)[i]) - double(cb.integer_row(cert.index)[i]);
      norm += d[i] * d[i];
    }
    norm = std::sqrt(norm);
    for (int step = 1; step <= 20; ++step) {
      const double reach = (best - second) / norm * step / 20.0;  // at step 20 the two tie
      std::vector<float> moved(24);
      for (int i = 0; i < 24; ++i) moved[i] = float(x[i] + reach * d[i] / norm);
      if (!q.certificate_holds(x.data(), moved.data(), cert)) break;
      ++held;
      CHECK(q.nearest_brute_force(moved.data()) == cert.index);
    }
  }
  CHECK(certified > 30);
  CHECK(held > certified);  // it holds beyond the search point itself
}

TEST_CASE("quantizer: a certified search needs the exact scoring", "[quantizer][certificate]") {
  const Quantizer bf16(Codebook::get(CodebookVariant::pollux_v4), Scoring::reference_bf16);
  const std::vector<float> x(24, 1.0f);
  CHECK_THROWS_WITH(bf16.nearest_certified(x.data()), Catch::Contains("exact scoring"));
  const Quantizer& q = quantizer_of(CodebookVariant::leech);
  CHECK_FALSE(q.certificate_holds(x.data(), x.data(), q.nearest_certified(x.data())));  // all-ones: ties, no certificate
  std::vector<float> y(24);
  for (int i = 0; i < 24; ++i) y[i] = 0.3f * float(i % 7) - 0.9f + 0.01f * float(i);
  const CertifiedIndex cert = q.nearest_certified(y.data());
  CHECK(q.certificate_holds(y.data(), y.data(), cert));
  const std::vector<float> nan(24, NAN);
  CHECK_FALSE(q.certificate_holds(y.data(), nan.data(), cert));
}
