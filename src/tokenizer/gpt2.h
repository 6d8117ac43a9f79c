// GPT-2 byte-level BPE; see tokenizer.h.
#pragma once

#include <array>
#include <string>
#include <unordered_map>
#include <vector>

#include "pollux/tokenizer/tokenizer.h"

namespace pollux {

class Gpt2Tokenizer : public Tokenizer {
 public:
  static constexpr std::uint32_t kEndOfText = 50256;
  // Reads the ranks ("base64(token bytes) rank" per line); throws pollux::Error naming the
  // file and line on anything malformed.
  explicit Gpt2Tokenizer(const std::string& ranks_path);

  std::string name() const override { return "gpt2"; }
  std::uint32_t vocab_size() const override { return kEndOfText + 1; }
  std::uint32_t end_of_text() const override { return kEndOfText; }
  void encode(std::string_view text, std::vector<std::uint32_t>& out) const override;
  std::string decode(const std::vector<std::uint32_t>& ids) const override;
  const std::vector<std::string>& tokens() const { return tokens_; }  // the bytes of each rank
  // The two tokens whose merge makes the token of `rank` (>= 256); throws pollux::Error if none.
  std::pair<std::string, std::string> merge_of(std::uint32_t rank) const;

 private:
  static constexpr std::uint32_t kNoRank = ~std::uint32_t(0);
  std::uint32_t rank_of(std::string_view bytes) const;  // kNoRank unless `bytes` is a token
  void encode_piece(std::string_view piece, std::vector<std::uint32_t>& out) const;
  std::unordered_map<std::string, std::uint32_t> ranks_;
  std::vector<std::string> tokens_;  // bytes of each rank
  std::size_t longest_token_ = 0;
  std::array<std::uint32_t, 256> byte_rank_{};
};

}  // namespace pollux
