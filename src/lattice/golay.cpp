#include "pollux/lattice/golay.h"

namespace pollux::lattice {
namespace {

constexpr std::uint32_t kGenerator = 0xAE3;  // x^11 + x^9 + x^7 + x^6 + x^5 + x + 1

std::uint32_t remainder_mod_generator(std::uint32_t word) {
  for (int bit = 22; bit >= 11; --bit)
    if (word & (1u << bit)) word ^= kGenerator << (bit - 11);
  return word;
}

}  // namespace

std::uint32_t golay_encode(std::uint32_t m) {
  std::uint32_t shifted = (m & 0xFFF) << 11;
  std::uint32_t word = shifted | remainder_mod_generator(shifted);
  std::uint32_t parity = std::uint32_t(__builtin_popcount(word) & 1);
  return word | (parity << 23);
}

std::uint32_t golay_check_bits(std::uint32_t m) {
  std::uint32_t c = golay_encode(m);
  return (c & 0x7FF) | ((c >> 23) << 11);
}

const std::array<std::uint32_t, kOctadCount>& golay_octads() {
  static const std::array<std::uint32_t, kOctadCount> octads = [] {
    std::array<std::uint32_t, kOctadCount> out{};
    int n = 0;
    for (std::uint32_t m = 0; m < kGolayMessages; ++m) {
      std::uint32_t c = golay_encode(m);
      if (__builtin_popcount(c) == 8) out[n++] = c;
    }
    return out;
  }();
  return octads;
}

}  // namespace pollux::lattice
