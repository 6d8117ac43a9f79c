#include "pollux/lattice/trit_packing.h"

#include <array>

#include "pollux/base/error.h"

namespace pollux::lattice {
namespace {

// The five trits of every byte value below 243, decoded once.
struct TritTable {
  std::array<std::array<std::int8_t, kTritsPerByte>, kTritByteLimit> trits{};
  TritTable() {
    for (int b = 0; b < kTritByteLimit; ++b)
      for (int i = 0, v = b; i < kTritsPerByte; ++i, v /= 3) trits[std::size_t(b)][std::size_t(i)] = std::int8_t(v % 3 - 1);
  }
};

const TritTable& table() {
  static const TritTable t;
  return t;
}

}  // namespace

void pack_trits(const std::int8_t* trits, std::size_t count, std::uint8_t* out) {
  for (std::size_t k = 0; k < trit_packed_size(count); ++k) {
    unsigned byte = 0;
    for (int i = kTritsPerByte - 1; i >= 0; --i) {
      const std::size_t at = k * kTritsPerByte + std::size_t(i);
      if (at >= count) continue;  // padding: a zero digit
      if (trits[at] < -1 || trits[at] > 1)
        throw Error("packing",
                    "trit " + std::to_string(int(trits[at])) + " at position " + std::to_string(at) + " is not -1, 0 or +1");
      byte = byte * 3 + unsigned(trits[at] + 1);
    }
    // Horner from the top digit: the absent high digits of the last byte contributed nothing.
    out[k] = std::uint8_t(byte);
  }
}

std::vector<std::uint8_t> pack_trits(const std::vector<std::int8_t>& trits) {
  std::vector<std::uint8_t> out(trit_packed_size(trits.size()));
  pack_trits(trits.data(), trits.size(), out.data());
  return out;
}

void unpack_trits(const std::uint8_t* packed, std::size_t size, std::size_t count, std::int8_t* out, const std::string& what) {
  if (size != trit_packed_size(count))
    throw Error("packing", what + ": " + std::to_string(size) + " bytes of trits, expected " +
                               std::to_string(trit_packed_size(count)) + " for " + std::to_string(count) +
                               " weights (5 per byte): truncated or corrupt");
  const TritTable& t = table();
  const std::size_t whole = count / kTritsPerByte;
  for (std::size_t k = 0; k < size; ++k) {
    const unsigned b = packed[k];
    if (b >= unsigned(kTritByteLimit))
      throw Error("packing",
                  what + ": byte " + std::to_string(k) + " is " + std::to_string(b) + ", not below 243 = 3^5: corrupt");
    const auto& digits = t.trits[b];
    if (k < whole) {
      for (int i = 0; i < kTritsPerByte; ++i) out[k * kTritsPerByte + std::size_t(i)] = digits[std::size_t(i)];
      continue;
    }
    const std::size_t left = count - k * kTritsPerByte;  // 1..4 trits in the last byte
    unsigned limit = 1;
    for (std::size_t i = 0; i < left; ++i) limit *= 3;
    if (b >= limit)
      throw Error("packing", what + ": the last byte is " + std::to_string(b) + ", but its " +
                                 std::to_string(kTritsPerByte - left) + " padding digits must be zero (below " +
                                 std::to_string(limit) + "): corrupt");
    for (std::size_t i = 0; i < left; ++i) out[k * kTritsPerByte + i] = digits[i];
  }
}

std::vector<std::int8_t> unpack_trits(const std::vector<std::uint8_t>& packed, std::size_t count, const std::string& what) {
  std::vector<std::int8_t> out(count);
  unpack_trits(packed.data(), packed.size(), count, out.data(), what);
  return out;
}

}  // namespace pollux::lattice
