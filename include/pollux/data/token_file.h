// Token corpora: a uint16 little-endian file of token ids, memory-mapped (never read whole),
// with an optional JSON sidecar FILE.json written by pollux-prepare that names the
// tokenizer. Batches are random windows of seq_len + 1 tokens drawn by a counter-based
// sampler whose whole state is (seed, counter): resuming costs nothing however far
// training went.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace pollux {

class TokenFile {
 public:
  // Maps `path` and checks every id against `vocab` (ids must be < vocab) and the sidecar's
  // tokenizer against `tokenizer` (when the sidecar exists). Throws pollux::Error naming the
  // file, and for a bad id its offset. The check reads the whole file once: measured 0.03 s/GB
  // from the page cache and 0.5 s/GB from the 2-core machine's disk (1 GiB file, 2026-11-23),
  // so a 10 B-token (20 GB) memmap costs about 10 s at open, a small share of a run.
  TokenFile(const std::string& path, std::uint32_t vocab, const std::string& tokenizer);
  TokenFile(const TokenFile&) = delete;
  TokenFile& operator=(const TokenFile&) = delete;

  const std::string& path() const { return path_; }
  std::size_t size() const { return count_; }  // tokens
  std::uint16_t operator[](std::size_t i) const { return tokens_[i]; }
  const std::uint16_t* data() const { return tokens_; }

 private:
  std::string path_;
  std::shared_ptr<std::uint8_t> mapping_;  // the file, mapped read-only
  const std::uint16_t* tokens_ = nullptr;
  std::size_t count_ = 0;
};

// The tokenizer named by FILE.json's "tokenizer" field, or "" when there is no sidecar.
std::string sidecar_tokenizer(const std::string& token_file);

// Window start offsets: draw k of the sampler with state (seed, counter) is
// splitmix64(seed + k * golden) mod (tokens - window + 1), so any draw can be recomputed.
class WindowSampler {
 public:
  WindowSampler(std::uint64_t seed, std::uint64_t counter) : seed_(seed), counter_(counter) {}
  std::uint64_t seed() const { return seed_; }
  std::uint64_t counter() const { return counter_; }
  // The next window start in [0, tokens - window]; throws if the file is shorter than a window.
  std::size_t next(std::size_t tokens, std::size_t window);

 private:
  std::uint64_t seed_, counter_;
};

// Fills inputs and targets (rows x seq_len int64, row-major) from `rows` windows of
// seq_len + 1 tokens starting at the given offsets.
void fill_windows(const TokenFile& file, const std::vector<std::size_t>& offsets, std::size_t seq_len, std::int64_t* inputs,
                  std::int64_t* targets);

}  // namespace pollux
