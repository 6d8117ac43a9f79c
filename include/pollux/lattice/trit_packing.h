// Ternary weights (BitNet b1.58, Ma et al. 2024) packed five trits to a byte: 3^5 = 243 <= 256,
// so 8 / 5 = 1.6 bits per weight. A trit t in {-1, 0, +1} is the base-3 digit t + 1, and the
// five digits of a byte are little-endian: weights 5k..5k+4 are
//   byte k = d0 + 3 d1 + 9 d2 + 27 d3 + 81 d4        (d_i = t_{5k+i} + 1, each 0..2)
// so every byte is < 243. The last byte of a count that is not a multiple of 5 holds its
// remaining trits in the low digits and zero digits above them (the byte is < 3^remaining).
// Plain C++, no LibTorch (the .plx ternary kind, plx.h, stores matrices this way).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace pollux::lattice {

constexpr int kTritsPerByte = 5;
constexpr int kTritByteLimit = 243;  // 3^5: a byte at or above it holds no five trits

// Bytes that hold `count` trits.
inline std::size_t trit_packed_size(std::size_t count) { return (count + kTritsPerByte - 1) / kTritsPerByte; }

// Packs `count` trits (each -1, 0 or +1; pollux::Error naming the position otherwise) into
// trit_packed_size(count) bytes at `out`.
void pack_trits(const std::int8_t* trits, std::size_t count, std::uint8_t* out);
std::vector<std::uint8_t> pack_trits(const std::vector<std::int8_t>& trits);

// Unpacks `count` trits from `size` bytes. Throws pollux::Error naming `what` (a tensor) when
// `size` is not trit_packed_size(count) (truncated or padded), when a byte is >= 243, or when
// the last byte's padding digits are not zero.
void unpack_trits(const std::uint8_t* packed, std::size_t size, std::size_t count, std::int8_t* out, const std::string& what);
std::vector<std::int8_t> unpack_trits(const std::vector<std::uint8_t>& packed, std::size_t count, const std::string& what);

}  // namespace pollux::lattice
