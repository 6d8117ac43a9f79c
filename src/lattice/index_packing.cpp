#include "pollux/lattice/index_packing.h"

#include <string>

#include "pollux/base/error.h"

namespace pollux::lattice {

static_assert(kIndexBits == 18 && kIndicesPerGroup == 4 && kGroupBytes == 9,
              "the byte layout below (index_packing.h) is written out for four 18-bit indices in 9 bytes");

void pack_indices(const std::uint32_t* indices, std::size_t count, std::uint8_t* out) {
  for (std::size_t g = 0; g < packed_size(count) / kGroupBytes; ++g) {
    std::uint32_t i[kIndicesPerGroup] = {0, 0, 0, 0};
    for (int k = 0; k < kIndicesPerGroup && kIndicesPerGroup * g + k < count; ++k) {
      i[k] = indices[kIndicesPerGroup * g + k];
      if (i[k] > kIndexMask)
        throw Error("packing", "index " + std::to_string(i[k]) + " at position " + std::to_string(kIndicesPerGroup * g + k) +
                                   " does not fit in " + std::to_string(kIndexBits) + " bits");
    }
    std::uint8_t* b = out + kGroupBytes * g;
    b[0] = std::uint8_t(i[0] >> 10);
    b[1] = std::uint8_t(i[0] >> 2);
    b[2] = std::uint8_t((i[0] & 3) << 6 | i[1] >> 12);
    b[3] = std::uint8_t(i[1] >> 4);
    b[4] = std::uint8_t((i[1] & 15) << 4 | i[2] >> 14);
    b[5] = std::uint8_t(i[2] >> 6);
    b[6] = std::uint8_t((i[2] & 63) << 2 | i[3] >> 16);
    b[7] = std::uint8_t(i[3] >> 8);
    b[8] = std::uint8_t(i[3]);
  }
}

std::vector<std::uint8_t> pack_indices(const std::vector<std::uint32_t>& indices) {
  std::vector<std::uint8_t> out(packed_size(indices.size()));
  pack_indices(indices.data(), indices.size(), out.data());
  return out;
}

void unpack_indices(const std::uint8_t* packed, std::size_t count, std::uint32_t* out) {
  for (std::size_t g = 0; g < packed_size(count) / kGroupBytes; ++g) {
    const std::uint8_t* b = packed + kGroupBytes * g;
    std::uint32_t i[kIndicesPerGroup];
    i[0] = std::uint32_t(b[0]) << 10 | std::uint32_t(b[1]) << 2 | b[2] >> 6;
    i[1] = std::uint32_t(b[2] & 63) << 12 | std::uint32_t(b[3]) << 4 | b[4] >> 4;
    i[2] = std::uint32_t(b[4] & 15) << 14 | std::uint32_t(b[5]) << 6 | b[6] >> 2;
    i[3] = std::uint32_t(b[6] & 3) << 16 | std::uint32_t(b[7]) << 8 | b[8];
    for (int k = 0; k < kIndicesPerGroup && kIndicesPerGroup * g + k < count; ++k) out[kIndicesPerGroup * g + k] = i[k];
  }
}

}  // namespace pollux::lattice
