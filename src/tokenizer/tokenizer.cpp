#include "pollux/tokenizer/tokenizer.h"

#include "gpt2.h"
#include "pollux/base/error.h"

namespace pollux {

void ByteTokenizer::encode(std::string_view text, std::vector<std::uint32_t>& out) const {
  for (unsigned char c : text) out.push_back(c);
}

std::string ByteTokenizer::decode(const std::vector<std::uint32_t>& ids) const {
  std::string out;
  for (std::uint32_t id : ids) {
    if (id > 256) throw Error("tokenizer", "id " + std::to_string(id) + " is not a byte-level id");
    if (id < 256) out += char(id);
  }
  return out;
}

std::unique_ptr<Tokenizer> make_tokenizer(const std::string& name, const std::string& data_dir) {
  if (name == "bytes") return std::make_unique<ByteTokenizer>();
  if (name == "gpt2") return std::make_unique<Gpt2Tokenizer>(data_dir + "/gpt2.tiktoken");
  if (name == "none") throw Error("tokenizer", "the model names no tokenizer this program knows (expected gpt2 or bytes)");
  throw Error("tokenizer", "unknown tokenizer '" + name + "' (expected gpt2 or bytes)");
}

}  // namespace pollux
