#include <cmath>
#include <random>
#include <vector>

#include "../catch.h"
#include "pollux/base/error.h"
#include "pollux/base/half.h"
#include "pollux/lattice/constants.h"
#include "pollux/lattice/index_packing.h"
#include "pollux/lattice/row_projection.h"

using namespace pollux::lattice;

TEST_CASE("packing: 18-bit indices round-trip, four in nine bytes", "[packing]") {
  std::mt19937 rng(1);
  for (std::size_t count : {1u, 2u, 3u, 4u, 5u, 96u, 1001u}) {
    std::vector<std::uint32_t> idx(count);
    for (auto& i : idx) i = rng() % (1u << 18);
    auto packed = pack_indices(idx);
    CHECK(packed.size() == (count + 3) / 4 * 9);
    std::vector<std::uint32_t> back(count);
    unpack_indices(packed.data(), count, back.data());
    CHECK(back == idx);
  }
}

TEST_CASE("packing: the bit layout is big-endian per group as the spec draws it", "[packing]") {
  auto packed = pack_indices(std::vector<std::uint32_t>{0x3FFFF, 0, 0x2AAAA, 1});
  CHECK(packed == std::vector<std::uint8_t>{0xFF, 0xFF, 0xC0, 0x00, 0x0A, 0xAA, 0xA8, 0x00, 0x01});
  // A short last group is padded with zero indices.
  CHECK(pack_indices(std::vector<std::uint32_t>{196560}) ==
        std::vector<std::uint8_t>{196560 >> 10, (196560 >> 2) & 0xFF, (196560 & 3) << 6, 0, 0, 0, 0, 0, 0});
  CHECK_THROWS_WITH(pack_indices(std::vector<std::uint32_t>{1u << 18}), Catch::Contains("18 bits"));
}

TEST_CASE("row projection: sigma per row, atoms quantized at scale C, and the inverse", "[projection]") {
  const Quantizer q(Codebook::get(CodebookVariant::leech));
  const std::size_t rows = 7, cols = 96;
  std::mt19937_64 rng(9);
  std::normal_distribution<float> normal;
  std::vector<float> w(rows * cols);
  for (std::size_t i = 0; i < w.size(); ++i) w[i] = normal(rng) * float(1 + i / cols);  // rows of different scale
  std::vector<std::uint32_t> idx(rows * cols / 24);
  std::vector<float> sigma(rows);
  project_rows(q, w.data(), rows, cols, idx.data(), sigma.data(), 2);
  for (std::size_t r = 0; r < rows; ++r) {
    double sq = 0;
    for (std::size_t j = 0; j < cols; ++j) sq += double(w[r * cols + j]) * w[r * cols + j];
    CHECK(sigma[r] == Approx(std::sqrt(sq / cols + 1e-8)).epsilon(1e-6));
    for (std::size_t a = 0; a < cols / 24; ++a) {
      float atom[24];
      for (int k = 0; k < 24; ++k) atom[k] = (w[r * cols + a * 24 + k] / sigma[r]) * float(kC);
      REQUIRE(idx[r * (cols / 24) + a] == q.nearest_brute_force(atom));
    }
  }
  std::vector<float> back(rows * cols);
  reconstruct_rows(q.codebook(), idx.data(), sigma.data(), rows, cols, back.data());
  for (std::size_t r = 0; r < rows; ++r)
    for (std::size_t j = 0; j < cols; ++j) {
      const float expected = q.codebook().row(idx[r * 4 + j / 24])[j % 24] * sigma[r] * float(kLatticeScale);
      REQUIRE(back[r * cols + j] == expected);
    }
  // The relative error is the lattice's quantization error: about 1.28 per coordinate of
  // atoms of variance C^2 = 2 (spec section 2), so near 0.64, far from noise (>= 1).
  double err = 0, norm = 0;
  for (std::size_t i = 0; i < w.size(); ++i) {
    err += (back[i] - w[i]) * (back[i] - w[i]);
    norm += w[i] * w[i];
  }
  CHECK(err / norm > 0.5);
  CHECK(err / norm < 0.75);
}

TEST_CASE("row projection: bad widths, NaN rows and bad indices are refused", "[projection]") {
  const Quantizer q(Codebook::get(CodebookVariant::leech));
  std::vector<float> w(2 * 30, 1.0f), sigma(2);
  std::vector<std::uint32_t> idx(4);
  CHECK_THROWS_WITH(project_rows(q, w.data(), 2, 30, idx.data(), sigma.data()), Catch::Contains("multiple of 24"));
  w.assign(2 * 24, 1.0f);
  w[30] = NAN;
  CHECK_THROWS_WITH(project_rows(q, w.data(), 2, 24, idx.data(), sigma.data()), Catch::Contains("row 1"));
  idx = {5, Codebook::kSize};
  CHECK_THROWS_WITH(reconstruct_rows(q.codebook(), idx.data(), sigma.data(), 2, 24, w.data()), Catch::Contains("196561"));
}

TEST_CASE("half: float16 conversion rounds to nearest even and round-trips", "[base]") {
  using pollux::float_to_half;
  using pollux::half_to_float;
  for (std::uint32_t h = 0; h < 0x10000; ++h) {
    if ((h & 0x7C00) == 0x7C00 && (h & 0x3FF)) continue;  // NaN payloads
    REQUIRE(float_to_half(half_to_float(std::uint16_t(h))) == h);
  }
  CHECK(half_to_float(float_to_half(1.0f)) == 1.0f);
  CHECK(half_to_float(float_to_half(65504.0f)) == 65504.0f);
  CHECK(std::isinf(half_to_float(float_to_half(1e6f))));
  CHECK(half_to_float(float_to_half(1.0f + 1.0f / 2048)) == 1.0f);                // tie to even
  CHECK(half_to_float(float_to_half(1.0f + 3.0f / 2048)) == 1.0f + 2.0f / 1024);  // tie to even, up
  CHECK(half_to_float(float_to_half(5.96e-8f)) == std::ldexp(1.0f, -24));         // smallest subnormal
}
