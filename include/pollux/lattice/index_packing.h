// 18-bit codebook indices, four in nine bytes (spec section 6), big-endian in each group:
//   b0 = i0>>10  b1 = i0>>2  b2 = (i0&3)<<6 | i1>>12  b3 = i1>>4  b4 = (i1&15)<<4 | i2>>14
//   b5 = i2>>6   b6 = (i2&63)<<2 | i3>>16  b7 = i3>>8  b8 = i3          (each & 0xFF)
// A last group of fewer than four indices is padded with zero indices.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "pollux/lattice/constants.h"

namespace pollux::lattice {

// Bytes that hold `count` indices.
inline std::size_t packed_size(std::size_t count) { return (count + kIndicesPerGroup - 1) / kIndicesPerGroup * kGroupBytes; }

// Packs `count` indices (each < 2^18; pollux::Error otherwise) into packed_size(count) bytes.
void pack_indices(const std::uint32_t* indices, std::size_t count, std::uint8_t* out);
std::vector<std::uint8_t> pack_indices(const std::vector<std::uint32_t>& indices);

// Unpacks `count` indices from packed_size(count) bytes. Indices are not range-checked here:
// the caller knows its codebook (see check_indices in codebook use sites).
void unpack_indices(const std::uint8_t* packed, std::size_t count, std::uint32_t* out);

// Index i alone, read from the three bytes that hold it: for computing from the packed form.
inline std::uint32_t unpack_index(const std::uint8_t* packed, std::size_t i) {
  const std::size_t k = i % kIndicesPerGroup;  // index k of a group starts at bit 18k
  const std::uint8_t* b = packed + i / kIndicesPerGroup * kGroupBytes + k * kIndexBits / 8;
  const unsigned shift = 24 - kIndexBits - unsigned(k * kIndexBits % 8);  // of the 24 bits b[0..2]
  return (std::uint32_t(b[0]) << 16 | std::uint32_t(b[1]) << 8 | b[2]) >> shift & kIndexMask;
}

}  // namespace pollux::lattice
