// GPT-2 byte-level BPE (r50k ranks in tiktoken's text format) with the pre-tokenizer
//   '(?:[sdmt]|ll|ve|re)| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+
// matched by hand over decoded code points (no regex engine), with generated Unicode tables.
#include "gpt2.h"

#include <algorithm>
#include <fstream>
#include <limits>

#include "pollux/base/error.h"

namespace pollux {
namespace {

struct CodepointRange {
  std::uint32_t first, last;
};
#include "unicode_tables.inc"

template <std::size_t N>
bool in_ranges(const CodepointRange (&table)[N], std::uint32_t cp) {
  const auto* it = std::upper_bound(std::begin(table), std::end(table), cp,
                                    [](std::uint32_t c, const CodepointRange& r) { return c < r.first; });
  return it != std::begin(table) && cp <= (it - 1)->last;
}

// Unicode White_Space (the property \s means in tiktoken's pattern).
bool is_space(std::uint32_t cp) {
  return (cp >= 0x09 && cp <= 0x0D) || cp == 0x20 || cp == 0x85 || cp == 0xA0 || cp == 0x1680 ||
         (cp >= 0x2000 && cp <= 0x200A) || cp == 0x2028 || cp == 0x2029 || cp == 0x202F || cp == 0x205F || cp == 0x3000;
}

enum class Class : std::uint8_t { letter, number, space, other };

// One decoded character: its class and byte length. Bytes that are not valid UTF-8 are
// characters of class `other`, one byte each, so any byte string is tokenized (and
// round-trips through the byte-level BPE).
struct Char {
  Class cls;
  std::uint8_t len;
  std::uint32_t cp;
};

Char decode_at(std::string_view s, std::size_t i) {
  const auto b = static_cast<unsigned char>(s[i]);
  std::uint32_t cp = b;
  int len = 1;
  if (b >= 0xC2 && b <= 0xDF) { len = 2; cp = b & 0x1F; }
  else if (b >= 0xE0 && b <= 0xEF) { len = 3; cp = b & 0x0F; }
  else if (b >= 0xF0 && b <= 0xF4) { len = 4; cp = b & 0x07; }
  else if (b >= 0x80) return {Class::other, 1, b};
  if (len > 1) {
    if (i + std::size_t(len) > s.size()) return {Class::other, 1, b};
    for (int k = 1; k < len; ++k) {
      const auto c = static_cast<unsigned char>(s[i + std::size_t(k)]);
      if ((c & 0xC0) != 0x80) return {Class::other, 1, b};
      cp = cp << 6 | (c & 0x3F);
    }
    // Overlong forms, surrogates and values past U+10FFFF are not valid UTF-8.
    if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10FFFF)) || (cp >= 0xD800 && cp <= 0xDFFF))
      return {Class::other, 1, b};
  }
  Class cls = Class::other;
  if (is_space(cp)) cls = Class::space;
  else if (in_ranges(kLetterRanges, cp)) cls = Class::letter;
  else if (in_ranges(kNumberRanges, cp)) cls = Class::number;
  return {cls, std::uint8_t(len), cp};
}

// End of the run of characters of class `cls` starting at i.
std::size_t run_end(std::string_view s, std::size_t i, Class cls) {
  while (i < s.size()) {
    const Char c = decode_at(s, i);
    if (c.cls != cls) break;
    i += c.len;
  }
  return i;
}

// Length of the pre-token at i (the pattern's alternatives in order, leftmost first).
std::size_t pretoken_length(std::string_view s, std::size_t i) {
  // '(?:[sdmt]|ll|ve|re)
  if (s[i] == '\'' && i + 1 < s.size()) {
    const char a = s[i + 1], b = i + 2 < s.size() ? s[i + 2] : '\0';
    if ((a == 'l' && b == 'l') || (a == 'v' && b == 'e') || (a == 'r' && b == 'e')) return 3;
    if (a == 's' || a == 'd' || a == 'm' || a == 't') return 2;
  }
  // ' ?X+' for X = letters, numbers, and neither-space-letter-nor-number
  std::size_t start = i;
  if (s[i] == ' ' && i + 1 < s.size()) start = i + 1;
  const Char first = decode_at(s, start);
  if (start < s.size() && first.cls != Class::space) {
    if (start == i + 1 || decode_at(s, i).cls != Class::space) return run_end(s, start, first.cls) - i;
  }
  // \s+(?!\S) then \s+
  const std::size_t end = run_end(s, i, Class::space);
  if (end == s.size()) return end - i;
  // Followed by a non-space: leave the last whitespace character to the next token.
  std::size_t last = i;
  for (std::size_t k = i; k < end; k += decode_at(s, k).len) last = k;
  return last > i ? last - i : end - i;
}

std::string base64_decode(const std::string& text, const std::string& where) {
  auto value = [&](char c) -> int {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+') return 62;
    if (c == '/') return 63;
    throw Error("tokenizer", where + ": bad base64");
  };
  std::string out;
  std::uint32_t bits = 0;
  int count = 0;
  for (char c : text) {
    if (c == '=') break;
    bits = bits << 6 | std::uint32_t(value(c));
    count += 6;
    if (count >= 8) {
      count -= 8;
      out += char((bits >> count) & 0xFF);
    }
  }
  return out;
}

}  // namespace

Gpt2Tokenizer::Gpt2Tokenizer(const std::string& ranks_path) {
  std::ifstream in(ranks_path);
  if (!in) throw Error("tokenizer", "cannot open GPT-2 ranks file " + ranks_path);
  std::string line;
  std::size_t number = 0;
  while (std::getline(in, line)) {
    ++number;
    if (line.empty()) continue;
    const std::size_t space = line.find(' ');
    const std::string where = ranks_path + " line " + std::to_string(number);
    if (space == std::string::npos) throw Error("tokenizer", where + ": expected 'base64 rank'");
    const std::string bytes = base64_decode(line.substr(0, space), where);
    const unsigned long rank = std::stoul(line.substr(space + 1));
    if (rank >= kEndOfText || bytes.empty()) throw Error("tokenizer", where + ": rank out of range");
    ranks_[bytes] = std::uint32_t(rank);
    if (tokens_.size() <= rank) tokens_.resize(rank + 1);
    tokens_[rank] = bytes;
  }
  if (tokens_.size() != kEndOfText) throw Error("tokenizer", ranks_path + ": expected 50,256 ranks, found " + std::to_string(tokens_.size()));
  for (int b = 0; b < 256; ++b)
    if (!ranks_.count(std::string(1, char(b)))) throw Error("tokenizer", ranks_path + ": byte " + std::to_string(b) + " has no rank");
}

void Gpt2Tokenizer::encode_piece(std::string_view piece, std::vector<std::uint32_t>& out) const {
  if (auto it = ranks_.find(std::string(piece)); it != ranks_.end()) {
    out.push_back(it->second);
    return;
  }
  // Byte pair merging: repeatedly merge the adjacent pair whose joined bytes have the
  // lowest rank (the leftmost on ties), until no joined pair is a token.
  std::vector<std::size_t> bounds(piece.size() + 1);
  for (std::size_t k = 0; k <= piece.size(); ++k) bounds[k] = k;
  constexpr std::uint32_t kNone = std::numeric_limits<std::uint32_t>::max();
  auto rank_of = [&](std::size_t k) {  // rank of parts k and k+1 joined
    if (k + 2 >= bounds.size()) return kNone;
    auto it = ranks_.find(std::string(piece.substr(bounds[k], bounds[k + 2] - bounds[k])));
    return it == ranks_.end() ? kNone : it->second;
  };
  std::vector<std::uint32_t> pair_rank(bounds.size());
  for (std::size_t k = 0; k + 1 < bounds.size(); ++k) pair_rank[k] = rank_of(k);
  while (bounds.size() > 2) {
    std::size_t best = 0;
    for (std::size_t k = 1; k + 2 < bounds.size(); ++k)
      if (pair_rank[k] < pair_rank[best]) best = k;
    if (pair_rank[best] == kNone) break;
    bounds.erase(bounds.begin() + std::ptrdiff_t(best) + 1);
    pair_rank.erase(pair_rank.begin() + std::ptrdiff_t(best) + 1);
    pair_rank[best] = rank_of(best);
    if (best > 0) pair_rank[best - 1] = rank_of(best - 1);
  }
  for (std::size_t k = 0; k + 1 < bounds.size(); ++k)
    out.push_back(ranks_.at(std::string(piece.substr(bounds[k], bounds[k + 1] - bounds[k]))));
}

void Gpt2Tokenizer::encode(std::string_view text, std::vector<std::uint32_t>& out) const {
  for (std::size_t i = 0; i < text.size();) {
    const std::size_t n = pretoken_length(text, i);
    encode_piece(text.substr(i, n), out);
    i += n;
  }
}

std::string Gpt2Tokenizer::decode(const std::vector<std::uint32_t>& ids) const {
  std::string out;
  for (std::uint32_t id : ids) {
    if (id == kEndOfText) continue;
    if (id >= tokens_.size()) throw Error("tokenizer", "id " + std::to_string(id) + " is not a GPT-2 token");
    out += tokens_[id];
  }
  return out;
}

}  // namespace pollux
