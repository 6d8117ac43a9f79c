#include <cmath>
#include <cstring>
#include <functional>
#include <string>
#include <vector>

#include "../catch.h"
#include "../support/fixtures.h"
#include "pollux/base/error.h"
#include "pollux/base/file_io.h"
#include "pollux/lattice/index_packing.h"
#include "pollux/lattice/plx.h"

using namespace pollux::lattice;

namespace {

std::vector<std::uint8_t> reference_bytes() {
  return pollux::read_file(pollux::test::reference_dir() + "/reference_tiny_v4.plx");
}

void put_u32(std::vector<std::uint8_t>& b, std::size_t at, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) b[at + i] = std::uint8_t(v >> (8 * i));
}

// Offset of the tensor_count field (after the padded config and the fingerprint).
std::size_t tensor_count_offset(const std::vector<std::uint8_t>& b) {
  std::uint32_t len = b[16] | b[17] << 8 | b[18] << 16 | std::uint32_t(b[19]) << 24;
  return (20 + len + 63) / 64 * 64 + 64;
}

}  // namespace

TEST_CASE("plx: the reference file decodes to what the reference runtime materializes", "[plx][fixture]") {
  const std::string dir = pollux::test::reference_dir();
  if (dir.empty()) POLLUX_SKIP_NO_FIXTURES("shared/reference not found: skipping the reference .plx parity");
  const PlxFile file = read_plx(dir + "/reference_tiny_v4.plx");
  CHECK(file.version == 4);
  CHECK(file.tensors.size() == 38);
  CHECK(file.config_json.find("\"n_embd\":48") != std::string::npos);
  const auto decoded = decode_plx(file, Codebook::get(CodebookVariant::pollux_v4));
  pollux::test::H5File h5(dir + "/reference_plx_materialized.h5");
  int compared = 0;
  for (const auto& [name, tensor] : decoded) {
    INFO(name);
    const std::string path = "materialized/" + name;
    REQUIRE(h5.has(path));
    const auto shape = h5.shape(path);
    REQUIRE(std::vector<std::uint64_t>(tensor.shape.begin(), tensor.shape.end()) == shape);
    // The reference runtime materializes in float16 arithmetic; we keep float32. Equal
    // within one float16 ulp (relative 2^-10) of the reference value.
    const auto expected = h5.floats(path);
    for (std::size_t i = 0; i < expected.size(); ++i)
      REQUIRE(std::fabs(tensor.values[i] - expected[i]) <= std::ldexp(std::fabs(expected[i]), -10) + 1e-7f);
    ++compared;
  }
  CHECK(compared == 24);
}

TEST_CASE("plx: writing the reference file back gives the same bytes", "[plx][fixture]") {
  if (pollux::test::reference_dir().empty()) POLLUX_SKIP_NO_FIXTURES("shared/reference not found");
  const auto bytes = reference_bytes();
  const PlxFile file = parse_plx(bytes.data(), bytes.size(), "reference");
  CHECK(serialize_plx(file) == bytes);
  // And every packed tensor's indices re-pack to the same bytes.
  int packed = 0;
  for (const auto& t : file.tensors) {
    if (t.dtype != PlxDtype::u8) continue;
    std::vector<std::uint32_t> idx(t.data.size() / 9 * 4);
    unpack_indices(t.data.data(), idx.size(), idx.data());
    for (std::uint32_t i : idx) REQUIRE(i < Codebook::kSize);
    CHECK(pack_indices(idx) == t.data);
    ++packed;
  }
  CHECK(packed == 12);
}

TEST_CASE("plx: a file truncated at any byte is refused with a clear error", "[plx][fixture]") {
  if (pollux::test::reference_dir().empty()) POLLUX_SKIP_NO_FIXTURES("shared/reference not found");
  const auto bytes = reference_bytes();
  for (std::size_t n = 0; n < bytes.size(); ++n) {
    try {
      parse_plx(bytes.data(), n, "cut.plx");
      FAIL("truncation at " << n << " was accepted");
    } catch (const pollux::Error& e) { REQUIRE(std::string(e.what()).find("cut.plx") != std::string::npos); }
  }
}

TEST_CASE("plx: hand-made corrupt files are each refused by name", "[plx][fixture]") {
  if (pollux::test::reference_dir().empty()) POLLUX_SKIP_NO_FIXTURES("shared/reference not found");
  const auto good = reference_bytes();
  const std::size_t count_at = tensor_count_offset(good);
  const std::size_t first = count_at + 4;  // first tensor record: name_len u16 ...
  const std::size_t name_len = good[first] | good[first + 1] << 8;
  const std::size_t dtype_at = first + 2 + name_len, shape_at = dtype_at + 2, data_len_at = shape_at + 8;
  struct Case {
    const char* what;
    std::function<void(std::vector<std::uint8_t>&)> corrupt;
    const char* message;
  };
  const std::vector<Case> cases = {
      {"bad magic", [](auto& b) { b[0] = 'X'; }, "magic"},
      {"future version", [](auto& b) { b[8] = 9; }, "version 9"},
      {"v5 claimed on a v4 body", [](auto& b) { b[8] = 5; }, "codebook"},
      {"old version", [](auto& b) { b[8] = 3; }, "version 3"},
      {"reserved byte", [](auto& b) { b[12] = 1; }, "reserved"},
      {"huge config length", [](auto& b) { put_u32(b, 16, 0xFFFFFFF0u); }, "config length"},
      {"config past the end", [&](auto& b) { put_u32(b, 16, std::uint32_t(good.size())); }, "config JSON"},
      {"non-zero padding", [](auto& b) { b[0x160] = 7; }, "padding"},
      {"wrong fingerprint", [&](auto& b) { b[count_at - 60] ^= 0x40; }, "fingerprint"},
      {"huge tensor count", [&](auto& b) { put_u32(b, count_at, 0xFFFFFFFFu); }, "tensor count"},
      {"more tensors than present", [&](auto& b) { put_u32(b, count_at, 39); }, "tensor 38"},
      {"unknown dtype", [&](auto& b) { b[dtype_at] = 9; }, "dtype 9"},
      {"too many dimensions", [&](auto& b) { b[dtype_at + 1] = 200; }, "200 dimensions"},
      {"shape disagrees with data", [&](auto& b) { put_u32(b, shape_at, 961); }, "does not match"},
      {"data length past the end", [&](auto& b) { put_u32(b, data_len_at + 4, 1); }, "data length"},
      {"name past the end",
       [&](auto& b) {
         b.resize(first + 50);
         put_u32(b, count_at, 1);
         b[first] = 0xFF;
         b[first + 1] = 0xFF;
       },
       "name needs 65535 bytes"},
      {"trailing bytes", [](auto& b) { b.push_back(0); }, "trailing"},
  };
  for (const auto& c : cases) {
    INFO(c.what);
    auto bytes = good;
    c.corrupt(bytes);
    REQUIRE_THROWS_WITH(parse_plx(bytes.data(), bytes.size(), "bad.plx"),
                        Catch::Contains("bad.plx") && Catch::Contains(c.message));
  }
}

TEST_CASE("plx: decoding refuses incomplete pairs and out-of-range indices", "[plx]") {
  PlxFile file;
  file.codebook = CodebookVariant::leech;
  file.config_json = "{}";
  file.fingerprint = codebook_fingerprint(Codebook::get(CodebookVariant::leech));
  PlxTensor packed{"w.packed_weights", PlxDtype::u8, {9}, pack_indices(std::vector<std::uint32_t>{1, 2, 3, 4})};
  file.tensors.push_back(packed);
  CHECK_THROWS_WITH(decode_plx(file, Codebook::get(CodebookVariant::leech)), Catch::Contains("w.sigma_rows is missing"));
  file.tensors.push_back({"w.sigma_rows", PlxDtype::f16, {4}, std::vector<std::uint8_t>(8, 0x3C)});
  CHECK(decode_plx(file, Codebook::get(CodebookVariant::leech)).at("w.weight").shape == std::vector<std::uint32_t>{4, 24});
  file.tensors[0].data = pack_indices(std::vector<std::uint32_t>{1, 2, 200000, 4});
  CHECK_THROWS_WITH(decode_plx(file, Codebook::get(CodebookVariant::leech)), Catch::Contains("200000"));
  // A written file reads back identically, and no temporary is left behind.
  const std::string path = "test_plx_roundtrip.plx";
  write_plx(file, path);
  const PlxFile back = read_plx(path);
  CHECK(serialize_plx(back) == serialize_plx(file));
  std::remove(path.c_str());
}

TEST_CASE("plx v5: codebook identity and tensor checksums are written and checked", "[plx]") {
  PlxFile file;
  file.version = 5;
  file.codebook = CodebookVariant::leech;
  file.config_json = R"({"n_embd":24})";
  file.fingerprint = codebook_fingerprint(Codebook::get(CodebookVariant::leech));
  file.tensors.push_back({"w.packed_weights", PlxDtype::u8, {9}, pack_indices(std::vector<std::uint32_t>{1, 2, 3, 4})});
  file.tensors.push_back({"w.sigma_rows", PlxDtype::f16, {4}, std::vector<std::uint8_t>(8, 0x3C)});
  const auto bytes = serialize_plx(file);
  const PlxFile back = parse_plx(bytes.data(), bytes.size(), "v5.plx");
  CHECK(back.version == 5);
  CHECK(back.codebook == CodebookVariant::leech);
  CHECK(serialize_plx(back) == bytes);
  // A flipped data byte fails the tensor's checksum; a flipped variant fails the table hash.
  auto corrupt = bytes;
  corrupt[bytes.size() - 32 - 3] ^= 1;
  CHECK_THROWS_WITH(parse_plx(corrupt.data(), corrupt.size(), "v5.plx"), Catch::Contains("w.sigma_rows checksum mismatch"));
  corrupt = bytes;
  corrupt[tensor_count_offset(bytes)] = 1;
  CHECK_THROWS_WITH(parse_plx(corrupt.data(), corrupt.size(), "v5.plx"), Catch::Contains("codebook SHA-256"));
  for (std::size_t n = 0; n < bytes.size(); ++n) REQUIRE_THROWS_AS(parse_plx(bytes.data(), n, "cut"), pollux::Error);
  // v4 cannot carry a leech model.
  file.version = 4;
  CHECK_THROWS_WITH(serialize_plx(file), Catch::Contains("needs version 5"));
}

TEST_CASE("plx: random byte flips are either harmless data or a clean error, never a crash", "[plx][fixture]") {
  if (pollux::test::reference_dir().empty()) POLLUX_SKIP_NO_FIXTURES("shared/reference not found");
  const auto good = reference_bytes();
  std::uint32_t state = 12345;
  auto next = [&] { return state = state * 1664525u + 1013904223u; };
  int refused = 0;
  for (int k = 0; k < 3000; ++k) {
    auto bytes = good;
    // Mostly in the header and tensor records, where a flip changes the structure.
    const std::size_t at = k % 2 ? next() % 1200 : next() % bytes.size();
    bytes[at] ^= std::uint8_t(1u << (next() % 8));
    try {
      const PlxFile file = parse_plx(bytes.data(), bytes.size(), "flip.plx");
      decode_plx(file, Codebook::get(CodebookVariant::pollux_v4));
    } catch (const pollux::Error&) { ++refused; }
  }
  CHECK(refused > 100);  // structural flips are caught (config text and tensor data flips parse)
}
