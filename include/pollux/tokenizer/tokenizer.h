// Tokenizers: text bytes -> token ids and back.
//   bytes  ids 0..255 are the bytes of the text; end-of-text is 256 (vocabulary 257)
//   gpt2   GPT-2 byte-level BPE; end-of-text is 50256 (vocabulary 50257)
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace pollux {

class Tokenizer {
 public:
  virtual ~Tokenizer() = default;
  virtual std::string name() const = 0;
  virtual std::uint32_t vocab_size() const = 0;  // ids it can emit, end-of-text included
  virtual std::uint32_t end_of_text() const = 0;
  // Appends the ids of `text` (any bytes; invalid UTF-8 is encoded byte by byte).
  virtual void encode(std::string_view text, std::vector<std::uint32_t>& out) const = 0;
  // The bytes of the ids (end-of-text decodes to nothing); throws on an id out of range.
  virtual std::string decode(const std::vector<std::uint32_t>& ids) const = 0;
};

class ByteTokenizer : public Tokenizer {
 public:
  std::string name() const override { return "bytes"; }
  std::uint32_t vocab_size() const override { return 257; }
  std::uint32_t end_of_text() const override { return 256; }
  void encode(std::string_view text, std::vector<std::uint32_t>& out) const override;
  std::string decode(const std::vector<std::uint32_t>& ids) const override;
};

// `bytes` as valid UTF-8: each maximal ill-formed subsequence becomes U+FFFD, the rule of
// Python's bytes.decode("utf-8", "replace") and of the Hugging Face tokenizers' decode (so
// a token that holds part of a character reads as U+FFFD, as lm-eval's models return it).
std::string valid_utf8(std::string_view bytes);

// GPT-2's vocabulary as byte strings, the form of Hugging Face's GPT2Tokenizer files (vocab.json,
// merges.txt): tokens[id] for every id below end-of-text, and merges[i] the two tokens whose
// merge makes id 256 + i (ids 0..255 are the single bytes).
struct Gpt2Vocabulary {
  std::vector<std::string> tokens;
  std::vector<std::pair<std::string, std::string>> merges;
};
// From `data_dir`/gpt2.tiktoken; throws pollux::Error naming the file for ranks that no list of
// merges gives.
Gpt2Vocabulary gpt2_vocabulary(const std::string& data_dir);

// "bytes" or "gpt2" (the GPT-2 ranks are read from `data_dir`/gpt2.tiktoken); throws
// pollux::Error naming an unknown tokenizer or a missing ranks file.
std::unique_ptr<Tokenizer> make_tokenizer(const std::string& name, const std::string& data_dir);

}  // namespace pollux
