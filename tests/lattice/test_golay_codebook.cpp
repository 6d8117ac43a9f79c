#include <algorithm>
#include <map>
#include <random>
#include <set>
#include <vector>

#include "../catch.h"
#include "../support/fixtures.h"
#include "pollux/base/error.h"
#include "pollux/base/sha256.h"
#include "pollux/lattice/codebook.h"
#include "pollux/lattice/golay.h"

using namespace pollux::lattice;

TEST_CASE("Golay code: 4,096 codewords with the [24,12,8] weight distribution", "[golay]") {
  std::set<std::uint32_t> words;
  std::map<int, int> weights;
  for (std::uint32_t m = 0; m < 4096; ++m) {
    std::uint32_t c = golay_encode(m);
    words.insert(c);
    ++weights[__builtin_popcount(c)];
    REQUIRE((c >> 11 & 0xFFF) == m);  // systematic: the message sits at coordinates 11..22
  }
  CHECK(words.size() == 4096);
  CHECK(weights == std::map<int, int>{{0, 1}, {8, 759}, {12, 2576}, {16, 759}, {24, 1}});
  CHECK(golay_octads().size() == 759);
  // The code is linear and the check bits are an information set.
  std::set<std::uint32_t> checks;
  for (std::uint32_t m = 0; m < 4096; ++m) {
    checks.insert(golay_check_bits(m));
    REQUIRE(golay_encode(m ^ 0x5A3) == (golay_encode(m) ^ golay_encode(0x5A3)));
  }
  CHECK(checks.size() == 4096);
}

namespace {

int dot(const std::int8_t* a, const std::int8_t* b) {
  int s = 0;
  for (int i = 0; i < 24; ++i) s += a[i] * b[i];
  return s;
}

// Leech lattice membership in integer coordinates (x sqrt(8)): all x_i = m mod 2, sum x_i =
// 4m mod 8, and for each residue k the set {i : x_i = k mod 4} is a Golay codeword.
bool in_leech_lattice(const std::int8_t* x) {
  static const std::set<std::uint32_t> code = [] {
    std::set<std::uint32_t> s;
    for (std::uint32_t m = 0; m < 4096; ++m) s.insert(golay_encode(m));
    return s;
  }();
  const int parity = x[0] & 1;
  int sum = 0;
  for (int i = 0; i < 24; ++i) {
    if ((x[i] & 1) != parity) return false;
    sum += x[i];
  }
  if (((sum - 4 * parity) % 8 + 8) % 8 != 0) return false;
  for (int k = 0; k < 4; ++k) {
    std::uint32_t set = 0;
    for (int i = 0; i < 24; ++i)
      if (((x[i] % 4) + 4) % 4 == k) set |= 1u << i;
    if ((k & 1) == parity && !code.count(set)) return false;
  }
  return true;
}

}  // namespace

TEST_CASE("codebook: both variants have 196,561 distinct sorted rows of squared norm 4", "[codebook]") {
  for (auto variant : {CodebookVariant::leech, CodebookVariant::pollux_v4}) {
    const Codebook& cb = Codebook::get(variant);
    INFO(to_string(variant));
    CHECK(cb.table().size() == std::size_t(Codebook::kSize) * 24);
    for (int i = 0; i < 24; ++i) REQUIRE(cb.integer_row(0)[i] == 0);
    for (std::uint32_t r = 1; r < Codebook::kSize; ++r) {
      const std::int8_t* v = cb.integer_row(r);
      REQUIRE(dot(v, v) == 32);  // (sqrt 8)^2 * 4
      if (r > 1) REQUIRE(std::lexicographical_compare(cb.integer_row(r - 1), cb.integer_row(r - 1) + 24, v, v + 24));
      REQUIRE(cb.index_of(v) == r);
      float norm = 0;
      for (int i = 0; i < 24; ++i) norm += cb.row(r)[i] * cb.row(r)[i];
      REQUIRE(norm == Approx(4.0f).epsilon(1e-6));
    }
  }
}

TEST_CASE("codebook: leech rows are lattice vectors with inner products in {-2..2}", "[codebook]") {
  const Codebook& cb = Codebook::get(CodebookVariant::leech);
  for (std::uint32_t r = 1; r < Codebook::kSize; ++r) REQUIRE(in_leech_lattice(cb.integer_row(r)));
  // Inner products of 400 random rows with every row: integer units are 8x the float ones.
  std::mt19937 rng(7);
  std::set<int> seen;
  for (int s = 0; s < 400; ++s) {
    std::uint32_t a = 1 + rng() % (Codebook::kSize - 1);
    for (std::uint32_t b = 1; b < Codebook::kSize; ++b) {
      int d = dot(cb.integer_row(a), cb.integer_row(b));
      if (d == 32 || d == -32) continue;  // the row itself or its antipode
      seen.insert(d);
    }
  }
  CHECK(seen == std::set<int>{-16, -8, 0, 8, 16});
}

TEST_CASE("codebook: pollux-v4 matches the reference table", "[codebook][fixture]") {
  const Codebook& v4 = Codebook::get(CodebookVariant::pollux_v4);
  CHECK(v4.sha256() == "10b018d0c7d50b8e3a17e8a12e3c187e78a86c496c51f467fe211e2188d26ae3");
  CHECK(Codebook::get(CodebookVariant::leech).sha256() != v4.sha256());
  // 49,152 of its rows are not lattice vectors, and some pairs have inner product 3.5.
  int outside = 0;
  for (std::uint32_t r = 1; r < Codebook::kSize; ++r) outside += !in_leech_lattice(v4.integer_row(r));
  CHECK(outside == 49152);
  std::int8_t a[24], b[24];
  for (int i = 0; i < 24; ++i) a[i] = b[i] = -1;
  a[0] = -3;               // all-ones codeword, j = 0: the leech table has +3 here
  b[1] = -3;               // all-ones codeword, j = 1
  CHECK(dot(a, b) == 28);  // 3.5 in float units
  CHECK_NOTHROW(v4.index_of(a));
  CHECK_NOTHROW(v4.index_of(b));

  const std::string dir = pollux::test::reference_dir();
  if (dir.empty()) POLLUX_SKIP_NO_FIXTURES("shared/reference not found: skipping the reference codebook sample rows");
  pollux::test::H5File h5(dir + "/reference_codebook.h5");
  CHECK(h5.attribute_string("/", "sha256_float32_le") == v4.sha256());
  const auto rows = h5.ints("sample_rows");
  const auto vectors = h5.floats("sample_vectors");
  REQUIRE(vectors.size() == rows.size() * 24);
  for (std::size_t k = 0; k < rows.size(); ++k)
    for (int i = 0; i < 24; ++i) REQUIRE(v4.row(std::uint32_t(rows[k]))[i] == vectors[k * 24 + i]);
}

TEST_CASE("codebook: index_of refuses vectors outside the table, names parse", "[codebook]") {
  std::int8_t v[24] = {1};
  CHECK_THROWS_AS(Codebook::get(CodebookVariant::leech).index_of(v), pollux::Error);
  CHECK(parse_codebook_variant("leech") == CodebookVariant::leech);
  CHECK(parse_codebook_variant("pollux-v4") == CodebookVariant::pollux_v4);
  CHECK_THROWS_WITH(parse_codebook_variant("e8", "--codebook"), Catch::Contains("--codebook") && Catch::Contains("e8"));
}

TEST_CASE("sha256: FIPS 180-4 test vectors", "[base]") {
  CHECK(pollux::sha256_hex("abc", 3) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  CHECK(pollux::sha256_hex("", 0) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  const std::string two_blocks = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
  CHECK(pollux::sha256_hex(two_blocks.data(), two_blocks.size()) ==
        "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}
