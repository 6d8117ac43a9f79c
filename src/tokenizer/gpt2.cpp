// GPT-2 byte-level BPE (r50k ranks in tiktoken's text format) with the pre-tokenizer
//   '(?:[sdmt]|ll|ve|re)| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+
// matched by hand over decoded code points (no regex engine), with generated Unicode tables.
#include "gpt2.h"

#include <algorithm>
#include <fstream>
#include <functional>

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
  return (cp >= 0x09 && cp <= 0x0D) || cp == 0x20 || cp == 0x85 || cp == 0xA0 || cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200A) ||
         cp == 0x2028 || cp == 0x2029 || cp == 0x202F || cp == 0x205F || cp == 0x3000;
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
  if (b < 0x80) {  // ASCII, most of most text, without the table searches
    const bool letter = (b | 0x20) >= 'a' && (b | 0x20) <= 'z', digit = b >= '0' && b <= '9';
    return {letter ? Class::letter : digit ? Class::number : is_space(b) ? Class::space : Class::other, 1, b};
  }
  std::uint32_t cp = b;
  int len = 1;
  if (b >= 0xC2 && b <= 0xDF) {
    len = 2;
    cp = b & 0x1F;
  } else if (b >= 0xE0 && b <= 0xEF) {
    len = 3;
    cp = b & 0x0F;
  } else if (b >= 0xF0 && b <= 0xF4) {
    len = 4;
    cp = b & 0x07;
  } else
    return {Class::other, 1, b};  // a continuation byte, or a lead byte that is never valid
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
  if (is_space(cp))
    cls = Class::space;
  else if (in_ranges(kLetterRanges, cp))
    cls = Class::letter;
  else if (in_ranges(kNumberRanges, cp))
    cls = Class::number;
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

// encode_piece's candidate pairs and parts, kept per thread so that a piece costs no allocation.
struct MergeCandidate {
  std::uint32_t rank, left, end;  // the pair's bytes are [left, end)
  bool operator>(const MergeCandidate& o) const { return rank != o.rank ? rank > o.rank : left > o.left; }
};
struct MergeScratch {
  std::vector<std::uint32_t> next, prev, rank;  // per part start: next part's start (0: merged away), previous part's start, rank
  std::vector<MergeCandidate> heap;
};
thread_local MergeScratch merge_scratch;

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
    longest_token_ = std::max(longest_token_, bytes.size());
  }
  if (tokens_.size() != kEndOfText)
    throw Error("tokenizer", ranks_path + ": expected 50,256 ranks, found " + std::to_string(tokens_.size()));
  for (int b = 0; b < 256; ++b) {
    const auto it = ranks_.find(std::string(1, char(b)));
    if (it == ranks_.end()) throw Error("tokenizer", ranks_path + ": byte " + std::to_string(b) + " has no rank");
    byte_rank_[std::size_t(b)] = it->second;
  }
}

std::uint32_t Gpt2Tokenizer::rank_of(std::string_view bytes) const {
  if (bytes.size() > longest_token_) return kNoRank;
  const auto it = ranks_.find(std::string(bytes));
  return it == ranks_.end() ? kNoRank : it->second;
}

// Byte pair merging of the token's bytes with the ranks below its own ends in two parts (a
// token's ranks are its merge's order): the merge that makes it.
std::pair<std::string, std::string> Gpt2Tokenizer::merge_of(std::uint32_t rank) const {
  std::vector<std::string> parts;
  for (char c : tokens_.at(rank)) parts.emplace_back(1, c);
  for (;;) {
    std::size_t best = parts.size();
    std::uint32_t best_rank = rank;
    for (std::size_t i = 0; i + 1 < parts.size(); ++i)
      if (const std::uint32_t r = rank_of(parts[i] + parts[i + 1]); r < best_rank) {
        best_rank = r;
        best = i;
      }
    if (best == parts.size()) break;
    parts[best] += parts[best + 1];
    parts.erase(parts.begin() + std::ptrdiff_t(best) + 1);
  }
  if (parts.size() != 2)
    throw Error("tokenizer", "GPT-2 rank " + std::to_string(rank) + " is not the merge of two tokens of lower ranks");
  return {parts[0], parts[1]};
}

Gpt2Vocabulary gpt2_vocabulary(const std::string& data_dir) {
  const Gpt2Tokenizer t(data_dir + "/gpt2.tiktoken");
  Gpt2Vocabulary v{t.tokens(), {}};
  for (std::uint32_t id = 0; id < 256; ++id)
    if (v.tokens[id].size() != 1)
      throw Error("tokenizer", data_dir + "/gpt2.tiktoken: rank " + std::to_string(id) + " is not a single byte");
  for (std::uint32_t id = 256; id < Gpt2Tokenizer::kEndOfText; ++id) v.merges.push_back(t.merge_of(id));
  return v;
}

void Gpt2Tokenizer::encode_piece(std::string_view piece, std::vector<std::uint32_t>& out) const {
  if (const std::uint32_t whole = rank_of(piece); whole != kNoRank) {
    out.push_back(whole);
    return;
  }
  // Byte pair merging as tiktoken does it: repeatedly merge the adjacent pair whose joined
  // bytes have the lowest rank (the leftmost on ties), until no joined pair is a token.
  // The parts are a linked list over byte offsets (next[k]: where the part starting at k
  // ends; 0 once it is merged into the part before it). Candidate pairs wait in a min-heap
  // keyed (rank, offset of the left part), which is exactly that order since offsets grow
  // left to right. A merge changes only the pairs on its two sides: their new candidates are
  // pushed, and an entry whose pair is gone (left part merged away, or the pair's end moved)
  // is dropped when it comes up. At most 3n entries for n bytes: O(n log n), where the
  // rescanning of every pair after every merge was O(n^2). A part's rank is kept as it forms.
  if (piece.size() >= kNoRank) throw Error("tokenizer", "a pre-token of 4 GiB or more (one run of a character class)");
  const auto n = std::uint32_t(piece.size());
  MergeScratch& m = merge_scratch;
  m.next.resize(n);
  m.prev.resize(n);
  m.rank.resize(n);
  m.heap.clear();
  for (std::uint32_t k = 0; k < n; ++k) {
    m.next[k] = k + 1;
    m.prev[k] = k == 0 ? 0 : k - 1;
    m.rank[k] = byte_rank_[static_cast<unsigned char>(piece[k])];
  }
  auto candidate = [&](std::uint32_t left) {  // the pair of the part at `left` and the one after it
    const std::uint32_t right = m.next[left];
    if (right >= n) return false;
    const std::uint32_t end = m.next[right], rank = rank_of(piece.substr(left, end - left));
    if (rank == kNoRank) return false;
    m.heap.push_back({rank, left, end});
    return true;
  };
  for (std::uint32_t k = 0; k + 1 < n; ++k) candidate(k);
  std::make_heap(m.heap.begin(), m.heap.end(), std::greater<>());
  auto push = [&](std::uint32_t left) {
    if (candidate(left)) std::push_heap(m.heap.begin(), m.heap.end(), std::greater<>());
  };
  while (!m.heap.empty()) {
    std::pop_heap(m.heap.begin(), m.heap.end(), std::greater<>());
    const MergeCandidate c = m.heap.back();
    m.heap.pop_back();
    const std::uint32_t right = m.next[c.left];
    if (right == 0 || right >= n || m.next[right] != c.end) continue;  // stale
    m.next[c.left] = c.end;
    m.rank[c.left] = c.rank;
    m.next[right] = 0;
    if (c.end < n) m.prev[c.end] = c.left;
    push(c.left);
    if (c.left > 0) push(m.prev[c.left]);
  }
  for (std::uint32_t k = 0; k < n; k = m.next[k]) out.push_back(m.rank[k]);
  if (n > (1u << 16)) m = MergeScratch();  // a long run's buffers are not kept for the thread's life
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
