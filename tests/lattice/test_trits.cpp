// Ternary weights five trits to a byte (trit_packing.h) and the .plx ternary kind (plx.h).
#include <cmath>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "../catch.h"
#include "pollux/base/error.h"
#include "pollux/lattice/plx.h"
#include "pollux/lattice/trit_packing.h"

using namespace pollux::lattice;

TEST_CASE("trits: every value of every position round-trips, five to a byte", "[trits]") {
  // All 3^5 combinations of one byte, then counts 0..12 that leave 0..4 trits in the last byte.
  for (int b = 0; b < 243; ++b) {
    std::vector<std::int8_t> t(5);
    for (int i = 0, v = b; i < 5; ++i, v /= 3) t[std::size_t(i)] = std::int8_t(v % 3 - 1);
    const auto packed = pack_trits(t);
    REQUIRE(packed.size() == 1);
    CHECK(int(packed[0]) == b);  // base-3 digits t + 1, little-endian
    CHECK(unpack_trits(packed, 5, "t") == t);
  }
  for (std::size_t n = 0; n <= 12; ++n) {
    for (int v = -1; v <= 1; ++v) {
      std::vector<std::int8_t> t;
      for (std::size_t i = 0; i < n; ++i) t.push_back(std::int8_t(i % 2 ? v : -v));
      const auto packed = pack_trits(t);
      CHECK(packed.size() == (n + 4) / 5);
      CHECK(unpack_trits(packed, n, "t") == t);
      // The last byte's padding digits are zero: the byte is below 3^(trits it holds).
      if (n % 5) CHECK(packed.back() < int(std::pow(3, n % 5)));
    }
  }
  // A long random-ish sequence.
  std::vector<std::int8_t> t(10007);
  std::uint32_t x = 12345;
  for (auto& v : t) v = std::int8_t((x = x * 1664525u + 1013904223u) >> 30) % 3 - 1;
  CHECK(unpack_trits(pack_trits(t), t.size(), "t") == t);
  CHECK(pack_trits(t).size() == 2002);  // 1.6 bits per weight
}

TEST_CASE("trits: bad input is refused by name", "[trits]") {
  CHECK_THROWS_WITH(pack_trits(std::vector<std::int8_t>{0, 1, 2}), Catch::Contains("trit 2 at position 2"));
  CHECK_THROWS_WITH(unpack_trits(std::vector<std::uint8_t>{243}, 5, "blocks.0.mlp.fc1.weight"),
                    Catch::Contains("blocks.0.mlp.fc1.weight: byte 0 is 243"));
  CHECK_THROWS_WITH(unpack_trits(std::vector<std::uint8_t>{0, 255}, 10, "w"), Catch::Contains("byte 1 is 255"));
  // Truncated (too few bytes) and padded (too many).
  CHECK_THROWS_WITH(unpack_trits(std::vector<std::uint8_t>{0, 0}, 11, "head.weight"),
                    Catch::Contains("head.weight: 2 bytes of trits, expected 3"));
  CHECK_THROWS_WITH(unpack_trits(std::vector<std::uint8_t>{0, 0}, 5, "w"), Catch::Contains("expected 1"));
  // Two trits in the last byte: 3^2 = 9 values; 9 has a non-zero padding digit.
  CHECK(unpack_trits(std::vector<std::uint8_t>{8}, 2, "w") == std::vector<std::int8_t>{1, 1});
  CHECK_THROWS_WITH(unpack_trits(std::vector<std::uint8_t>{9}, 2, "w"), Catch::Contains("padding digits must be zero"));
}

namespace {

PlxFile ternary_file(const TernaryMatrix& m, std::uint32_t rows, std::uint32_t cols) {
  PlxFile file;
  file.version = 5;
  file.codebook = CodebookVariant::leech;
  file.config_json = R"({"quantizer":"ternary"})";
  file.fingerprint = codebook_fingerprint(Codebook::get(CodebookVariant::leech));
  file.tensors.push_back(ternary_tensor("w.weight", {rows, cols}, m));
  file.tensors.push_back({"g.weight", PlxDtype::f32, {1}, std::vector<std::uint8_t>{0, 0, 128, 63}});  // 1.0f
  return file;
}

}  // namespace

TEST_CASE("plx ternary kind: written, checksummed, read and decoded exactly", "[plx][trits]") {
  TernaryMatrix m;
  m.gamma = 0.0371f;
  for (int i = 0; i < 7 * 24; ++i) m.trits.push_back(std::int8_t((i * 7 + i / 5) % 3 - 1));
  const PlxFile file = ternary_file(m, 7, 24);
  const auto bytes = serialize_plx(file);
  const PlxFile back = parse_plx(bytes.data(), bytes.size(), "t.plx");
  REQUIRE(back.tensors.size() == 2);
  CHECK(back.tensors[0].dtype == PlxDtype::ternary);
  CHECK(back.tensors[0].data.size() == 4 + 34);  // gamma + ceil(168 / 5)
  CHECK(serialize_plx(back) == bytes);
  const TernaryMatrix r = read_ternary(back.tensors[0]);
  CHECK(r.gamma == m.gamma);
  CHECK(r.trits == m.trits);
  const auto logical = plx_logical_tensors(back);
  REQUIRE(logical.size() == 2);
  CHECK(logical[0].storage == PlxStorage::ternary);
  CHECK(logical[0].shape == std::vector<std::uint32_t>{7, 24});
  const PlxBudget budget = plx_budget(logical);
  CHECK(budget.ternary_parameters == 168);
  CHECK(budget.ternary_bytes == 38);
  const auto decoded = decode_plx(back, Codebook::get(CodebookVariant::leech));
  const auto& w = decoded.at("w.weight");
  CHECK(w.shape == std::vector<std::uint32_t>{7, 24});
  for (std::size_t i = 0; i < w.values.size(); ++i) REQUIRE(w.values[i] == float(m.trits[i]) * m.gamma);
  // Every truncation is refused with a pollux error.
  for (std::size_t n = 0; n < bytes.size(); ++n) REQUIRE_THROWS_AS(parse_plx(bytes.data(), n, "cut"), pollux::Error);
}

TEST_CASE("plx ternary kind: corrupt tensors and version 4 are refused by name", "[plx][trits]") {
  TernaryMatrix m;
  m.gamma = 0.5f;
  m.trits.assign(10, 1);
  PlxFile file = ternary_file(m, 1, 10);
  // A flipped trit byte fails the tensor's checksum.
  auto bytes = serialize_plx(file);
  const std::size_t w_data = [&] {
    const std::string name = "w.weight";
    for (std::size_t i = 0; i + name.size() < bytes.size(); ++i)
      if (std::memcmp(&bytes[i], name.data(), name.size()) == 0)
        return i + name.size() + 1 + 1 + 8 + 8;  // dtype, ndim, shape, len
    return std::size_t(0);
  }();
  REQUIRE(w_data != 0);
  CHECK(bytes[w_data + 4] == 242);  // five +1 trits: 2 + 6 + 18 + 54 + 162
  auto corrupt = bytes;
  corrupt[w_data + 4] ^= 1;
  CHECK_THROWS_WITH(parse_plx(corrupt.data(), corrupt.size(), "t.plx"), Catch::Contains("w.weight checksum mismatch"));
  // A byte >= 243 under a valid checksum is refused when decoded, naming the tensor.
  file.tensors[0].data[4] = 250;
  bytes = serialize_plx(file);
  const PlxFile bad = parse_plx(bytes.data(), bytes.size(), "t.plx");
  CHECK_THROWS_WITH(decode_plx(bad, Codebook::get(CodebookVariant::leech)), Catch::Contains("w.weight: byte 0 is 250"));
  // So is a non-finite scale.
  file.tensors[0].data[4] = 0;
  file.tensors[0].data[3] = 0x7F, file.tensors[0].data[2] = 0xC0;  // NaN
  bytes = serialize_plx(file);
  CHECK_THROWS_WITH(decode_plx(parse_plx(bytes.data(), bytes.size(), "t.plx"), Codebook::get(CodebookVariant::leech)),
                    Catch::Contains("w.weight: its scale gamma"));
  // A data length that does not match the shape is refused by the parser.
  file = ternary_file(m, 1, 10);
  file.tensors[0].shape = {1, 11};
  CHECK_THROWS_WITH(serialize_plx(file), Catch::Contains("cannot be written"));
  file.tensors[0].shape = {1, 10};
  bytes = serialize_plx(file);
  bytes[w_data - 8 - 4] = 16;  // the second extent 10 -> 16: 4 + 4 bytes expected, 4 + 2 held
  CHECK_THROWS_WITH(parse_plx(bytes.data(), bytes.size(), "t.plx"), Catch::Contains("w.weight data length 6 does not match"));
  // Version 4 holds no ternary tensors: neither written nor read.
  file.version = 4;
  file.codebook = CodebookVariant::pollux_v4;
  CHECK_THROWS_WITH(serialize_plx(file), Catch::Contains("version 4 cannot hold"));
  PlxFile v4;
  v4.version = 4;
  v4.config_json = "{}";
  v4.fingerprint = codebook_fingerprint(Codebook::get(CodebookVariant::pollux_v4));
  v4.tensors.push_back({"w.weight", PlxDtype::u8, {1}, std::vector<std::uint8_t>{0}});
  bytes = serialize_plx(v4);
  bytes[bytes.size() - 1 - 8 - 4 - 1 - 1] = 4;  // the dtype byte: u8 -> ternary
  CHECK_THROWS_WITH(parse_plx(bytes.data(), bytes.size(), "t.plx"),
                    Catch::Contains("dtype 4 (ternary), which only version-5 files hold"));
}
