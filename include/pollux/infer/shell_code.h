// The codebook indices of a lattice matrix recoded at load time by the structure of the shell
// (spec section 2), so that an inner product <x, v> becomes a few look-ups in small tables
// built from the activation x instead of a read of the 24-byte codebook row and 24 FMAs.
//
// A shell code has 18 bits, like the index it replaces:
//   [0, 98304)               shape 3, j * 4096 + m: the Golay codeword c of message m, the 3
//                            at coordinate j;
//   98304 + 128 o + s        o < 759: octad o (golay_octads() order) with the signs whose
//                            low 7 bits (in the octad's coordinate order) are s, the 8th
//                            making their number even; 759 <= o < 1035: the pair
//                            p = o - 759 (i < j, lexicographic) with s bit 0 the sign of i,
//                            bit 1 that of j (s < 4);
//   kZeroCode                the zero vector.
// The same code means the same vector in both variants except in shape 3, where `leech`
// puts -3 (-1)^{c_j} at j and `pollux-v4` puts -3.
//
// The inner product with a code: with S(t) = sum_i (-1)^{t_i} x_i for a 24-bit word t and
// M the octad's (pair's) mask,
//   shape 3   S(c) + g_j x_j, g_j = -4 (-1)^{c_j} (leech) or -4 / -2 for c_j = 0 / 1 (v4);
//   octad     S(t) + S(t ^ ~M), t the signs on M (each x_i off M cancels): 2 sum_M s_i x_i;
//   pair      2 (S(t) + S(t ^ ~M)) = 4 (s_i x_i + s_j x_j).
// S(t) is six look-ups, one per 4-coordinate group, in the 16 signed sums of that group.
//
// Memory layout: rows in groups of 16 (the last group padded with kZeroCode), and for each
// group and atom a 36-byte record: the 16 rows' low 16 bits (uint16), then their high 2 bits
// (row l at bits 2l, 2l + 1 of a uint32): 2.25 bytes per atom, as in the file.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "pollux/lattice/codebook.h"

namespace pollux::infer::shell {

inline constexpr std::uint32_t kShape3Codes = 98304;  // 4,096 messages x 24 positions
inline constexpr std::uint32_t kSlotBase = kShape3Codes;
inline constexpr std::uint32_t kOctadSlots = 759, kPairSlots = 276;
inline constexpr std::uint32_t kZeroCode = kSlotBase + (kOctadSlots + kPairSlots) * 128;
inline constexpr std::size_t kGroupRows = 16;
inline constexpr std::size_t kRecordBytes = 36;

// The decoding tables, the same for both variants.
struct Tables {
  std::uint32_t codeword_nibble[3][16];  // Golay codeword of message n << 4k (the code is linear)
  // Per slot (759 octads, 276 pairs, then the zero vector): the mask M in bits 0..23 and the
  // kind in bits 24..31: 1 octad, 2 pair, 0 zero.
  std::vector<std::uint32_t> slot;
  std::vector<std::uint32_t> octad_signs;  // 759 x 128: the sign word t of octad o, low bits s
};
const Tables& tables();

// The code of each codebook index of `variant` (kSize entries) and the index of each code
// (kZeroCode + 1 entries; unused codes map to 0), built and checked once per variant: every
// code decodes back to its codebook row.
struct Recoding {
  std::vector<std::uint32_t> code_of_index, index_of_code;
};
const Recoding& recoding(lattice::CodebookVariant variant);

// The integer (x sqrt(8)) coordinates of a code.
void decode(std::uint32_t code, lattice::CodebookVariant variant, std::int8_t* out);

// Codes of a rows x per_row matrix (row-major, codebook indices) in the group layout above.
std::vector<std::uint8_t> interleave(const std::uint32_t* indices, std::size_t rows, std::size_t per_row,
                                     lattice::CodebookVariant variant);
// Code of atom a of row r in that layout.
std::uint32_t code_at(const std::uint8_t* records, std::size_t per_row, std::size_t r, std::size_t a);

// y[r] = scale[r] * <row r, x> for rows of groups [g0, g1), one token; `blocks` = per_row
// activation tables from build_blocks. The portable twin computes the same sums in scalar code.
struct Matrix {
  const std::uint8_t* records;
  std::size_t rows, per_row;
  const float* scale;
  lattice::CodebookVariant variant;
};
inline constexpr std::size_t kBlockFloats = 128;  // 6 x 16 signed sums, then x (24) and 8 zeros
void build_blocks(const float* x, std::size_t per_row, float* blocks);
void rows_portable(const Matrix& w, const float* blocks, float* y, std::size_t g0, std::size_t g1);
bool avx512_supported();
void rows_avx512(const Matrix& w, const float* blocks, float* y, std::size_t g0, std::size_t g1);

}  // namespace pollux::infer::shell
