#include "pollux/lattice/codebook.h"

#include <algorithm>
#include <array>
#include <cstring>

#include "pollux/base/error.h"
#include "pollux/base/sha256.h"
#include "pollux/lattice/golay.h"

namespace pollux::lattice {
namespace {

using IntVector = std::array<std::int8_t, Codebook::kDim>;

constexpr std::uint32_t kSlots = 1u << 19;  // hash slots for 196,560 rows

// Slot of an integer vector: its 24 bytes as three words, mixed (splitmix64 finalizer).
std::uint32_t slot_of(const std::int8_t* v) {
  std::uint64_t w[3];
  std::memcpy(w, v, kAtomDim);
  std::uint64_t h =
      w[0] * 0x9E3779B97F4A7C15ull ^ (w[1] + 0x632BE59BD9B4E019ull) * 0xBF58476D1CE4E5B9ull ^ w[2] * 0x94D049BB133111EBull;
  h ^= h >> 31;
  h *= 0xD6E8FEB86659FD93ull;
  h ^= h >> 32;
  return std::uint32_t(h) & (kSlots - 1);
}

// The shell in integer coordinates (spec section 2), unsorted.
std::vector<IntVector> build_shell(CodebookVariant variant) {
  std::vector<IntVector> shell;
  shell.reserve(Codebook::kSize - 1);
  // Shape 1: (+-4, +-4, 0^22).
  for (int p = 0; p < kAtomDim; ++p)
    for (int q = p + 1; q < kAtomDim; ++q)
      for (int s = 0; s < 4; ++s) {
        IntVector v{};
        v[p] = (s & 1) ? -4 : 4;
        v[q] = (s & 2) ? -4 : 4;
        shell.push_back(v);
      }
  // Shape 2: (+-2^8, 0^16) on an octad, an even number of minus signs.
  for (std::uint32_t octad : golay_octads()) {
    int pos[8], n = 0;
    for (int i = 0; i < kAtomDim; ++i)
      if (octad >> i & 1) pos[n++] = i;
    for (int signs = 0; signs < 256; ++signs) {
      if (__builtin_popcount(signs) & 1) continue;
      IntVector v{};
      for (int k = 0; k < 8; ++k) v[pos[k]] = (signs >> k & 1) ? -2 : 2;
      shell.push_back(v);
    }
  }
  // Shape 3: for codeword c and position j, x_i = (-1)^{c_i} (i != j) and
  // x_j = -3 (-1)^{c_j} (leech) or x_j = -3 (pollux-v4).
  for (std::uint32_t m = 0; m < kGolayMessages; ++m) {
    std::uint32_t c = golay_encode(m);
    for (int j = 0; j < kAtomDim; ++j) {
      IntVector v{};
      for (int i = 0; i < kAtomDim; ++i) v[i] = (c >> i & 1) ? -1 : 1;
      v[j] = (variant == CodebookVariant::leech) ? std::int8_t(-3 * v[j]) : std::int8_t(-3);
      shell.push_back(v);
    }
  }
  return shell;
}

}  // namespace

std::string to_string(CodebookVariant variant) { return variant == CodebookVariant::leech ? "leech" : "pollux-v4"; }

CodebookVariant parse_codebook_variant(const std::string& text, const std::string& what) {
  if (text == "leech") return CodebookVariant::leech;
  if (text == "pollux-v4") return CodebookVariant::pollux_v4;
  throw Error("codebook", what + " = '" + text + "': expected 'leech' or 'pollux-v4'");
}

const Codebook& Codebook::get(CodebookVariant variant) {
  // Each table is built on first use of its variant only (thread-safe static init).
  if (variant == CodebookVariant::leech) {
    static const Codebook leech(CodebookVariant::leech);
    return leech;
  }
  static const Codebook v4(CodebookVariant::pollux_v4);
  return v4;
}

Codebook::Codebook(CodebookVariant variant) : variant_(variant) {
  std::vector<IntVector> shell = build_shell(variant);
  std::sort(shell.begin(), shell.end());  // lexicographic on signed integers = on the floats
  integer_.assign(std::size_t(kSize) * kDim, 0);
  std::memcpy(integer_.data() + kDim, shell.data(), shell.size() * kDim);
  // The float table is float32(k / sqrt(8)) for every integer coordinate k; its digest is
  // taken a chunk at a time so the table itself is only built when asked for.
  Sha256 digest;
  std::vector<float> chunk(std::size_t(4096) * kDim);
  for (std::size_t begin = 0; begin < integer_.size(); begin += chunk.size()) {
    const std::size_t n = std::min(chunk.size(), integer_.size() - begin);
    for (std::size_t i = 0; i < n; ++i) chunk[i] = to_float(integer_[begin + i]);
    digest.update(chunk.data(), n * sizeof(float));
  }
  sha256_ = digest.hex_digest();
  slots_.assign(kSlots, 0);
  for (std::uint32_t idx = 1; idx < kSize; ++idx) {
    std::uint32_t slot = slot_of(integer_row(idx));
    while (slots_[slot] != 0) slot = (slot + 1) & (kSlots - 1);
    slots_[slot] = idx;
  }
}

const std::vector<float>& Codebook::table() const {
  std::call_once(table_built_, [this] {
    table_.resize(integer_.size());
    for (std::size_t i = 0; i < integer_.size(); ++i) table_[i] = to_float(integer_[i]);
  });
  return table_;
}

std::uint32_t Codebook::index_of(const std::int8_t* v) const {
  // Linear probing from the vector's hash slot; the table is under 40 % full.
  for (std::uint32_t slot = slot_of(v); slots_[slot] != 0; slot = (slot + 1) & (kSlots - 1))
    if (std::memcmp(integer_row(slots_[slot]), v, kDim) == 0) return slots_[slot];
  bool zero = std::all_of(v, v + kDim, [](std::int8_t x) { return x == 0; });
  if (zero) return 0;
  throw Error("codebook", "vector is not in the " + to_string(variant_) + " table");
}

}  // namespace pollux::lattice
