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

std::string valid_utf8(std::string_view bytes) {
  std::string out;
  out.reserve(bytes.size());
  for (std::size_t i = 0; i < bytes.size();) {
    const auto b = static_cast<unsigned char>(bytes[i]);
    if (b < 0x80) {
      out += char(b);
      ++i;
      continue;
    }
    // The sequence's length and the range of its second byte (Unicode 15, table 3-7).
    std::size_t len = 0;
    unsigned char lo = 0x80, hi = 0xBF;
    if (b >= 0xC2 && b <= 0xDF)
      len = 2;
    else if (b >= 0xE0 && b <= 0xEF) {
      len = 3;
      if (b == 0xE0) lo = 0xA0;
      if (b == 0xED) hi = 0x9F;
    } else if (b >= 0xF0 && b <= 0xF4) {
      len = 4;
      if (b == 0xF0) lo = 0x90;
      if (b == 0xF4) hi = 0x8F;
    }
    std::size_t k = 1;  // bytes of the sequence that are right so far
    if (len > 0)
      for (; k < len && i + k < bytes.size(); ++k) {
        const auto c = static_cast<unsigned char>(bytes[i + k]);
        if (c < (k == 1 ? lo : 0x80) || c > (k == 1 ? hi : 0xBF)) break;
      }
    if (len > 0 && k == len)
      out.append(bytes.substr(i, len));
    else
      out += "\xEF\xBF\xBD";  // U+FFFD for the maximal subpart (one byte when the lead is bad)
    i += k;
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
