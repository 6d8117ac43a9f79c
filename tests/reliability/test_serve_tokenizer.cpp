// Issue 25, items 6 to 8: the lm-eval server (pollux-eval --serve) on hostile request lines,
// and the GPT-2 tokenizer on long runs of one character. The inputs are generated here.
#include <chrono>
#include <fstream>
#include <map>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "../support/small_model.h"
#include "pollux/base/error.h"
#include "pollux/base/json.h"
#include "pollux/eval/serve.h"
#include "pollux/model/model.h"
#include "pollux/tokenizer/tokenizer.h"
// Catch last: a LibTorch header included after it would redefine CHECK as c10's fatal check.
#include "../catch.h"

namespace {

using namespace pollux;

// The reply lines of one server run over `requests` (one line each).
std::vector<std::string> serve_lines(const PolluxModel& model, const Tokenizer& tokenizer,
                                     const std::vector<std::string>& requests, std::size_t max_request_bytes = 1 << 20) {
  std::string input;
  for (const std::string& r : requests) input += r + "\n";
  std::istringstream in(input);
  std::ostringstream out;
  eval::ServeOptions options;
  options.batch_size = 4;
  options.max_request_bytes = max_request_bytes;
  eval::serve(model, tokenizer, in, out, options);
  std::vector<std::string> lines;
  std::istringstream replies(out.str());
  for (std::string line; std::getline(replies, line);) lines.push_back(line);
  return lines;
}

bool is_valid_utf8(const std::string& s) { return valid_utf8(s) == s; }

std::string generate_request(const std::string& context, int max_gen_toks) {
  return "{\"op\":\"generate_until\",\"requests\":[{\"context\":" + json_escape(context) +
         ",\"until\":[],\"max_gen_toks\":" + std::to_string(max_gen_toks) + "}]}";
}

}  // namespace

TEST_CASE("valid_utf8 replaces each maximal ill-formed subsequence with U+FFFD, as Python's decode(errors='replace')",
          "[reliability][serve]") {
  const std::string r = "\xEF\xBF\xBD";
  // Expected values from Python 3: bytes.decode("utf-8", "replace").encode("utf-8").
  const std::map<std::string, std::string> cases = {
      {"\xC3", r},
      {"ab\xC3", "ab" + r},
      {"\xE2\x82", r},
      {"\xE2\x82"
       "A",
       r + "A"},
      {"\xED\xA0\x80", r + r + r},  // a surrogate
      {"\xF0\x9F\x99\x82", "\xF0\x9F\x99\x82"},
      {"\xF4\x90\x80\x80", r + r + r + r},  // past U+10FFFF
      {"\xC0\xAF", r + r},                  // overlong
      {"\xE0\x80\xAF", r + r + r},
      {"\xF0\x9F\x99"
       "A",
       r + "A"},
      {"\xFF\xFE", r + r},
      {"\xE0\xA0", r},
      {"\xF1\x80\x80\xC3\xA9", r + "\xC3\xA9"},
      {"caf\xC3\xA9 \xE2\x82\xAC", "caf\xC3\xA9 \xE2\x82\xAC"},
  };
  for (const auto& [in, want] : cases) {
    INFO(json_escape(in));
    CHECK(valid_utf8(in) == want);
  }
  std::mt19937 rng(25);
  for (int k = 0; k < 500; ++k) {
    std::string s(rng() % 40, '\0');
    for (char& c : s) c = char(rng() % 256);
    const std::string v = valid_utf8(s);
    CHECK(valid_utf8(v) == v);
  }
}

TEST_CASE("item 6: every reply of the server is valid UTF-8, partial characters read as U+FFFD", "[reliability][serve]") {
  // A byte-level model emits single bytes: most generations of a few tokens hold a byte of
  // 0x80 or above that is not a whole character.
  const PolluxModel model(test::small_model(1, 16), 7, at::kCPU);
  const ByteTokenizer bytes;
  std::vector<std::string> requests;
  for (int k = 0; k < 24; ++k) requests.push_back(generate_request("context " + std::to_string(k), 1 + k % 3));
  requests.push_back("{\"op\":\"\xC3(\xFF\"}");  // an unknown op with invalid UTF-8, echoed in the error
  requests.push_back("{\"op\":\"generate_until\",\"requests\":[{\"context\":\"x\",\"until\":[\"\xC3\"],\"max_gen_toks\":3}]}");
  const std::vector<std::string> replies = serve_lines(model, bytes, requests);
  REQUIRE(replies.size() == requests.size());
  int replaced = 0;
  for (const std::string& reply : replies) {
    INFO(json_escape(reply));
    CHECK(is_valid_utf8(reply));
    const JsonValue v = parse_json(reply);
    if (const JsonValue* results = v.get("results"))
      for (const JsonValue& text : results->array) replaced += text.string.find("\xEF\xBF\xBD") != std::string::npos;
  }
  CHECK(replaced > 0);  // the case this item is about did occur
  CHECK(replies[24].find("unknown op") != std::string::npos);
}

TEST_CASE("item 7: every request gets an answer and the server goes on", "[reliability][serve]") {
  const PolluxModel model(test::small_model(1, 16), 3, at::kCPU);
  const ByteTokenizer bytes;
  const std::string info = "{\"op\":\"info\"}";
  std::string huge = "{\"op\":\"loglikelihood\",\"requests\":[{\"context\":[";
  while (huge.size() < 300000) huge += "97,";
  huge += "97],\"continuation\":[98]}]}";
  const std::vector<std::string> requests = {
      huge,  // over the limit below: skipped while it is read
      info,
      generate_request("abc", 1000000000),  // max_gen_toks cut to the context
      "{\"op\":\"generate_until\",\"requests\":[{\"context\":\"a\",\"max_gen_toks\":1e300}]}",
      "{\"op\":\"generate_until\",\"requests\":[{\"context\":\"a\",\"max_gen_toks\":-1e300}]}",
      "{\"op\":\"generate_until\",\"requests\":[{\"context\":\"a\",\"max_gen_toks\":\"many\"}]}",
      "{\"op\":\"loglikelihood\",\"requests\":[{\"context\":[1e300],\"continuation\":[1]}]}",
      "{\"op\":\"loglikelihood\",\"requests\":[{\"context\":[-1],\"continuation\":[1]}]}",
      "{\"op\":\"loglikelihood\",\"requests\":[{\"context\":[1],\"continuation\":[]}]}",
      "{\"op\":\"loglikelihood\",\"requests\":[{\"context\":[],\"continuation\":[1]}]}",
      "{\"op\":\"loglikelihood\",\"requests\":[{\"context\":\"text\",\"continuation\":[1]}]}",
      "{\"op\":\"loglikelihood\",\"requests\":{}}",
      "{\"op\":\"tokenize\",\"texts\":[[[[]]]]}",
      std::string(300, '[') + std::string(300, ']'),
      "{\"requests\":[],\"op\":\"loglikelihood\"}",
      "{\"op\":\"loglikelihood\",\"requests\":[{\"continuation\":[2,3],\"extra\":{\"k\":[1,2]},\"context\":[256,1]}]}",
      "not json",
      info,
  };
  const std::vector<std::string> replies = serve_lines(model, bytes, requests, 200000);
  REQUIRE(replies.size() == requests.size());
  for (const std::string& reply : replies) {
    INFO(reply);
    CHECK(reply.find('\n') == std::string::npos);
    parse_json(reply);
  }
  CHECK(replies[0].find("longer than 200000 bytes") != std::string::npos);
  CHECK(replies[1].find("\"max_request_bytes\":200000") != std::string::npos);
  const JsonValue cut = parse_json(replies[2]);
  REQUIRE(cut.get("results"));
  std::size_t characters = 0;  // one byte token gives at most one character (U+FFFD for a partial one)
  for (char c : cut.get("results")->array.at(0).string) characters += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  CHECK(characters <= 15);  // seq_len - 1 tokens at most
  CHECK(characters > 0);
  CHECK(parse_json(replies[3]).get("results"));
  for (int i : {4, 5}) CHECK(replies[std::size_t(i)].find("'max_gen_toks' must be a positive whole number") != std::string::npos);
  for (int i : {6, 7}) CHECK(replies[std::size_t(i)].find("not a token id below 257") != std::string::npos);
  for (int i = 8; i <= 13; ++i) CHECK(parse_json(replies[std::size_t(i)]).get("error"));
  CHECK(replies[14] == "{\"results\":[]}");
  CHECK(replies[15].rfind("{\"results\":[[-", 0) == 0);
  CHECK(parse_json(replies[16]).get("error"));
  CHECK(replies[17] == replies[1]);

  // A model whose context is one token cannot generate; it says so and goes on.
  const PolluxModel tiny(test::small_model(1, 1), 3, at::kCPU);
  const std::vector<std::string> one = serve_lines(tiny, bytes, {generate_request("abc", 1), info});
  REQUIRE(one.size() == 2);
  CHECK(one[0].find("needs a context of 2 tokens or more") != std::string::npos);
  CHECK(one[1].find("\"max_length\":1") != std::string::npos);
}

namespace {

// The reference merge, as tiktoken's _byte_pair_merge does it: rescan every pair after
// every merge (quadratic, fine for short pieces), over the same ranks file.
class NaiveBpe {
 public:
  explicit NaiveBpe(const std::string& path) {
    std::ifstream in(path);
    REQUIRE(in);
    for (std::string token, rank; in >> token >> rank;) ranks_[base64(token)] = std::uint32_t(std::stoul(rank));
  }
  std::vector<std::uint32_t> encode_piece(const std::string& piece) const {
    std::vector<std::string> parts;
    for (char c : piece) parts.emplace_back(1, c);
    while (parts.size() > 1) {
      std::size_t best = 0;
      std::uint32_t best_rank = ~0u;
      for (std::size_t k = 0; k + 1 < parts.size(); ++k) {
        const auto it = ranks_.find(parts[k] + parts[k + 1]);
        if (it != ranks_.end() && it->second < best_rank) best_rank = it->second, best = k;
      }
      if (best_rank == ~0u) break;
      parts[best] += parts[best + 1];
      parts.erase(parts.begin() + std::ptrdiff_t(best) + 1);
    }
    std::vector<std::uint32_t> ids;
    for (const std::string& p : parts) ids.push_back(ranks_.at(p));
    return ids;
  }

 private:
  static std::string base64(const std::string& text) {
    const std::string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    std::uint32_t bits = 0;
    int count = 0;
    for (char c : text) {
      if (c == '=') break;
      bits = bits << 6 | std::uint32_t(alphabet.find(c));
      if ((count += 6) >= 8) out += char((bits >> (count -= 8)) & 0xFF);
    }
    return out;
  }
  std::map<std::string, std::uint32_t> ranks_;
};

}  // namespace

TEST_CASE("item 8: the GPT-2 merge loop equals the reference merge on long runs and is not quadratic",
          "[reliability][tokenizer]") {
  const auto gpt2 = make_tokenizer("gpt2", POLLUX_DATA_DIR);
  const NaiveBpe naive(std::string(POLLUX_DATA_DIR) + "/gpt2.tiktoken");
  // Runs that the pre-tokenizer keeps whole (one pre-token each): letters, digits, signs,
  // spaces at the end of the text, and random mixtures within one character class.
  std::mt19937 rng(8);
  std::vector<std::string> pieces;
  for (std::size_t n : {1, 2, 3, 7, 64, 301, 2048})
    for (const char* unit : {"a", "=", "0", " ", "ab", "aab", "\xC3\xA9", "-=", "\xE2\x82\xAC"}) {
      std::string s;
      while (s.size() < n) s += unit;
      pieces.push_back(s);
    }
  for (int k = 0; k < 40; ++k) {
    std::string s;
    const std::string letters = k % 2 ? "abcdefghij" : "ee";
    for (std::size_t n = 1 + rng() % 1500; s.size() < n;) s += letters[rng() % letters.size()];
    pieces.push_back(s);
  }
  for (const std::string& piece : pieces) {
    INFO(piece.substr(0, 16) << " x" << piece.size());
    std::vector<std::uint32_t> ids;
    gpt2->encode(piece, ids);
    CHECK(ids == naive.encode_piece(piece));
  }
  // 1 MB of one letter: the old loop took minutes (quadratic; 67 s at 400 KB on the 2-core
  // machine); the heap takes well under a second. The bound only catches a quadratic loop.
  const std::string run(1 << 20, 'a');
  const auto start = std::chrono::steady_clock::now();
  std::vector<std::uint32_t> ids;
  gpt2->encode(run, ids);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  CHECK(gpt2->decode(ids) == run);
  CHECK(seconds < 30);
}
