// The 196,561-entry codebook (spec section 2): index 0 is the zero vector, indices
// 1..196,560 the minimal vectors of the Leech lattice (squared norm 4 after dividing the
// integer coordinates by sqrt(8)), sorted ascending lexicographically by coordinates.
//
// Two variants:
//   leech      the true Leech minimal shell (the default for new models);
//   pollux_v4  the reference implementation's table: in shape 3 the -3 is always negative,
//              so 49,152 of its entries are not lattice vectors. Every reference .plx file
//              indexes into it. A model must be read with the variant it was trained with.
#pragma once

#include <cstdint>
#include <mutex>
#include <string>
#include <vector>

#include "pollux/lattice/constants.h"

namespace pollux::lattice {

enum class CodebookVariant : std::uint8_t { leech = 0, pollux_v4 = 1 };

std::string to_string(CodebookVariant variant);  // "leech" or "pollux-v4"
// Parses "leech" or "pollux-v4"; throws pollux::Error naming `what` (a key or flag) otherwise.
CodebookVariant parse_codebook_variant(const std::string& text, const std::string& what = "codebook");

class Codebook {
 public:
  static constexpr std::uint32_t kSize = kCodebookSize;  // zero vector + 196,560 shell points
  static constexpr int kDim = kAtomDim;
  static constexpr double kIntegerScale = 2.8284271247461903;  // sqrt(8): integer -> float

  // The table of a variant, built once per process on first use (about 0.1 s).
  static const Codebook& get(CodebookVariant variant);

  CodebookVariant variant() const { return variant_; }
  // Row idx in integer coordinates (codebook x sqrt(8)): entries in {-4, ..., 4}.
  const std::int8_t* integer_row(std::uint32_t idx) const { return &integer_[std::size_t(idx) * kDim]; }
  // Row idx as the float32 table the model uses: integer / sqrt(8).
  const float* row(std::uint32_t idx) const { return &table()[std::size_t(idx) * kDim]; }
  // kSize x 24, row-major, 18.9 MB: built on first use, so a process that computes from the
  // integer rows only (the matrix-free runtime) never holds it.
  const std::vector<float>& table() const;
  static float to_float(std::int8_t integer) { return float(double(integer) / kIntegerScale); }
  const std::string& sha256() const { return sha256_; }  // of table() as little-endian bytes

  // Index of an integer-coordinate vector; throws pollux::Error if it is not in the table.
  std::uint32_t index_of(const std::int8_t* integer_vector) const;

 private:
  explicit Codebook(CodebookVariant variant);
  CodebookVariant variant_;
  std::vector<std::int8_t> integer_;  // kSize x 24
  mutable std::once_flag table_built_;
  mutable std::vector<float> table_;  // kSize x 24, see table()
  std::vector<std::uint32_t> slots_;  // open-addressing hash of the shell rows (0 = empty)
  std::string sha256_;
};

}  // namespace pollux::lattice
