#include <fstream>
#include <random>
#include <sstream>

#include "../catch.h"
#include "../support/fixtures.h"
#include "pollux/base/error.h"
#include "pollux/base/file_io.h"
#include "pollux/base/json.h"
#include "pollux/tokenizer/tokenizer.h"

using namespace pollux;

namespace {

const Tokenizer& gpt2() {
  static const auto t = make_tokenizer("gpt2", POLLUX_DATA_DIR);
  return *t;
}

std::vector<std::uint32_t> encode(const Tokenizer& t, const std::string& text) {
  std::vector<std::uint32_t> ids;
  t.encode(text, ids);
  return ids;
}

}  // namespace

TEST_CASE("gpt2 tokenizer: every reference case encodes to tiktoken's ids and decodes back", "[tokenizer][fixture]") {
  const std::string shared = test::shared_dir();
  if (shared.empty()) POLLUX_SKIP_NO_FIXTURES("shared/ not found: skipping the tokenizer cases");
  const std::vector<std::uint8_t> bytes = read_file(shared + "/data/tokenizer/tokenizer_cases.json");
  const JsonValue doc = parse_json(std::string(bytes.begin(), bytes.end()));
  const JsonValue* cases = doc.get("cases");
  REQUIRE(cases);
  REQUIRE(cases->array.size() >= 10);
  for (const JsonValue& c : cases->array) {
    const std::string text = c.get("text")->string;
    INFO(text);
    std::vector<std::uint32_t> expected;
    for (const JsonValue& id : c.get("ids")->array) expected.push_back(std::uint32_t(id.number));
    CHECK(encode(gpt2(), text) == expected);
    CHECK(gpt2().decode(expected) == text);
  }
}

TEST_CASE("gpt2 tokenizer: the whole of tinyshakespeare equals the reference token file", "[tokenizer][fixture]") {
  const std::string shared = test::shared_dir();
  if (shared.empty()) POLLUX_SKIP_NO_FIXTURES("shared/ not found: skipping the tinyshakespeare parity");
  const std::vector<std::uint8_t> text = read_file(shared + "/data/corpus/tinyshakespeare.txt");
  const std::vector<std::uint8_t> reference = read_file(shared + "/data/tokenizer/tinyshakespeare.gpt2.u16");
  const std::string s(text.begin(), text.end());
  const std::vector<std::uint32_t> ids = encode(gpt2(), s);
  REQUIRE(ids.size() * 2 == reference.size());
  std::size_t first_difference = ids.size();
  for (std::size_t i = 0; i < ids.size() && first_difference == ids.size(); ++i)
    if (ids[i] != std::uint32_t(reference[2 * i] | reference[2 * i + 1] << 8)) first_difference = i;
  CHECK(first_difference == ids.size());
  CHECK(gpt2().decode(ids) == s);
}

TEST_CASE("tokenizers: any bytes, invalid UTF-8 included, round-trip", "[tokenizer]") {
  ByteTokenizer bytes;
  std::mt19937 rng(5);
  for (int k = 0; k < 200; ++k) {
    std::string s(std::size_t(rng() % 64), '\0');
    for (char& c : s) c = char(rng() % 256);
    if (k % 2) s = "caf\xc3\xa9 " + s + " \xe2\x82 ok \xf0\x9f\x99\x82 end";  // valid, truncated and valid again
    REQUIRE(gpt2().decode(encode(gpt2(), s)) == s);
    REQUIRE(bytes.decode(encode(bytes, s)) == s);
  }
  CHECK(encode(bytes, "AB") == std::vector<std::uint32_t>{65, 66});
  CHECK(bytes.decode({72, 256, 105}) == "Hi");  // end-of-text decodes to nothing
  CHECK_THROWS_AS(bytes.decode({300}), Error);
  CHECK_THROWS_AS(gpt2().decode({50257}), Error);
  CHECK(gpt2().end_of_text() == 50256);
  CHECK_THROWS_WITH(make_tokenizer("sentencepiece", POLLUX_DATA_DIR), Catch::Contains("sentencepiece"));
  CHECK_THROWS_WITH(make_tokenizer("gpt2", "/no/such/dir"), Catch::Contains("gpt2.tiktoken"));
}
