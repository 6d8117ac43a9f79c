// The codebook indices of a lattice matrix recoded at load time by the structure of the shell
// (spec section 2), so that an inner product <x, v> becomes a few look-ups in small tables
// built from the activation x instead of a read of the 24-byte codebook row and 24 FMAs.
//
// Coordinates 0..22 of a Golay codeword form a cyclic code (spec section 2: the generator
// g(x) divides x^23 - 1; bit 23 is the parity), so rotating them, i -> i + r mod 23, maps
// codewords, octads and pairs to codewords, octads and pairs. The 759 octads are 33 orbits of
// 23; the 276 pairs 12 orbits. A code names a base octad or pair and a rotation, so its mask
// is one table look-up and a rotation, with no table of 759 entries to gather from.
//
// A shell code has 18 bits, like the index it replaces:
//   [0, 98304)                    shape 3, j * 4096 + m: the Golay codeword c of message m,
//                                 the 3 at coordinate j;
//   98304 + 4096 b + 128 r + s    b < 33: the octad rot_r(B_b) (B_b the base octad of orbit
//                                 b) with the signs of rot_r(u(s)) on it, u(s) the XOR of
//                                 seven fixed codewords e_q over the bits q of s, chosen so
//                                 that the 128 values of u restricted to every base octad
//                                 are its 128 even sign patterns (a codeword meets an octad
//                                 evenly);
//                                 b = 33: the pair rot_r(P_p), p = s >> 2 (base pairs {0, d},
//                                 d = 1..11, and {0, 23}), bit 0 of s the sign of the lower
//                                 base coordinate, bit 1 of the upper;
//   kZeroCode (b = 34)            the zero vector.
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
#include <cstring>
#include <vector>

#include "pollux/lattice/codebook.h"
#include "pollux/lattice/constants.h"
#include "pollux/lattice/golay.h"

namespace pollux::infer::shell {

inline constexpr std::uint32_t kShape3Codes = lattice::kGolayMessages * lattice::kAtomDim;  // 98,304
inline constexpr std::uint32_t kBaseOctads = 33, kBasePairs = 12, kRotations = 23;
inline constexpr std::uint32_t kPairBase = kBaseOctads;  // b of the pairs
inline constexpr std::uint32_t kBaseCodes = 4096;        // codes per base: 32 rotations (23 used) x 128 signs
inline constexpr std::uint32_t kZeroCode = kShape3Codes + kBaseCodes * (kPairBase + 1);
static_assert(kBaseOctads * kRotations == std::uint32_t(lattice::kOctadCount), "759 octads in 33 orbits of 23");
inline constexpr std::size_t kGroupRows = 16;
inline constexpr std::size_t kRecordBytes = 36;

// The decoding tables, the same for both variants (16-entry tables: one register each).
struct Tables {
  std::uint32_t codeword_nibble[3][16];       // Golay codeword of message n << 4k (the code is linear)
  std::uint32_t base_octad[kBaseOctads];      // masks
  std::uint32_t base_pair[16];                // masks, kBasePairs used
  std::uint32_t sign_low[16], sign_high[16];  // u(s) = sign_low[s & 15] ^ sign_high[s >> 4 & 15]
};
const Tables& tables();
std::uint32_t rotate(std::uint32_t word, std::uint32_t r);  // coordinates 0..22 by r, 23 fixed

// The code of each codebook index of `variant` (kSize entries) and the index of each code
// (kZeroCode + 1 entries; unused codes map to 0), built and checked once per variant: every
// code decodes back to its codebook row.
struct Recoding {
  std::vector<std::uint32_t> code_of_index, index_of_code;
};
const Recoding& recoding(lattice::CodebookVariant variant);

// The integer (x sqrt(8)) coordinates of a code.
void decode(std::uint32_t code, lattice::CodebookVariant variant, std::int8_t* out);

// Codes of a rows x per_row matrix, given as its packed 18-bit codebook indices (row-major,
// index_packing.h; each < kSize), in the group layout above.
std::vector<std::uint8_t> interleave(const std::uint8_t* packed, std::size_t rows, std::size_t per_row,
                                     lattice::CodebookVariant variant);
// Code of atom a of row r in that layout.
inline std::uint32_t code_at(const std::uint8_t* records, std::size_t per_row, std::size_t r, std::size_t a) {
  const std::uint8_t* rec = records + (r / kGroupRows * per_row + a) * kRecordBytes;
  const std::size_t l = r % kGroupRows;
  std::uint16_t low;
  std::uint32_t high;
  std::memcpy(&low, rec + 2 * l, 2);
  std::memcpy(&high, rec + 32, 4);
  return low | (high >> (2 * l) & 3u) << 16;
}

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
void build_blocks_avx512(const float* x, std::size_t per_row, float* blocks);  // the same, 16 sums at once
void rows_portable(const Matrix& w, const float* blocks, float* y, std::size_t g0, std::size_t g1);
void rows_avx512(const Matrix& w, const float* blocks, float* y, std::size_t g0, std::size_t g1);

}  // namespace pollux::infer::shell
