#include "pollux/data/token_file.h"

#include <sys/stat.h>

#include <algorithm>
#include <fstream>
#include <sstream>

#include "pollux/base/error.h"
#include "pollux/base/file_io.h"
#include "pollux/base/json.h"
#include "pollux/base/parallel.h"

namespace pollux {

std::string sidecar_tokenizer(const std::string& token_file) {
  struct stat st {};
  if (::stat((token_file + ".json").c_str(), &st) != 0) return "";
  const std::vector<std::uint8_t> bytes = read_file(token_file + ".json");
  try {
    const JsonValue doc = parse_json(std::string(bytes.begin(), bytes.end()));
    const JsonValue* t = doc.get("tokenizer");
    if (!t || t->kind != JsonValue::Kind::string) throw Error("data", "no \"tokenizer\" string");
    return t->string;
  } catch (const Error& e) { throw Error("data", "sidecar " + token_file + ".json: " + e.what()); }
}

TokenFile::TokenFile(const std::string& path, std::uint32_t vocab, const std::string& tokenizer) : path_(path) {
  const std::string made_by = sidecar_tokenizer(path);
  if (!made_by.empty() && made_by != tokenizer)
    throw Error("data", path + " was made by the '" + made_by + "' tokenizer but the model uses '" + tokenizer + "'");
  const MappedFile mapped = map_file(path, "data", "token file");
  if (mapped.size % 2 != 0)
    throw Error("data", path + " has an odd number of bytes (" + std::to_string(mapped.size) + "): not a uint16 token file");
  if (mapped.size == 0) throw Error("data", path + " is empty");
  mapping_ = mapped.data;
  tokens_ = reinterpret_cast<const std::uint16_t*>(mapped.data.get());
  count_ = mapped.size / 2;
  // Every id is checked once, on all cores (a branch-free maximum per chunk); only a file
  // that fails is searched for the first bad offset.
  std::vector<std::uint16_t> chunk_max(std::size_t(default_thread_count()) * 4, 0);
  const std::size_t per = (count_ + chunk_max.size() - 1) / chunk_max.size();
  parallel_for(chunk_max.size(), 0, 1, [&](std::size_t b, std::size_t e) {
    for (std::size_t c = b; c < e; ++c) {
      std::uint16_t m = 0;
      for (std::size_t i = c * per; i < std::min(count_, (c + 1) * per); ++i) m = std::max(m, tokens_[i]);
      chunk_max[c] = m;
    }
  });
  if (*std::max_element(chunk_max.begin(), chunk_max.end()) < vocab) return;
  for (std::size_t i = 0; i < count_; ++i)
    if (tokens_[i] >= vocab) {
      throw Error("data", path + ": token id " + std::to_string(tokens_[i]) + " at token offset " + std::to_string(i) +
                              " is not below tokenizer_vocab_size " + std::to_string(vocab));
    }
}

std::size_t WindowSampler::next(std::size_t tokens, std::size_t window) {
  if (tokens < window)
    throw Error("data",
                "token file of " + std::to_string(tokens) + " tokens is shorter than one window of " + std::to_string(window));
  std::uint64_t z = seed_ + (counter_++ + 1) * 0x9E3779B97F4A7C15ull;  // splitmix64
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  z ^= z >> 31;
  return std::size_t(z % std::uint64_t(tokens - window + 1));
}

void fill_windows(const TokenFile& file, const std::vector<std::size_t>& offsets, std::size_t seq_len, std::int64_t* inputs,
                  std::int64_t* targets) {
  for (std::size_t r = 0; r < offsets.size(); ++r)
    for (std::size_t t = 0; t < seq_len; ++t) {
      inputs[r * seq_len + t] = file[offsets[r] + t];
      targets[r * seq_len + t] = file[offsets[r] + t + 1];
    }
}

}  // namespace pollux
