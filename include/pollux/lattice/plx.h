// The .plx container: version 4 (spec section 6; the reference layout, byte for byte) and
// version 5 (ours: the same plus the codebook's identity, a checksum of the config JSON and
// one per tensor).
//
//   offset  size              field
//   0       8                 magic "POLLUXH2"
//   8       1                 version (4)
//   9       7                 zero
//   16      4                 config_len, u32 little-endian
//   20      config_len        config JSON, UTF-8
//           ...               zero padding up to the next multiple of 64 from file start
//   F       64                fingerprint: 16 x f32 LE = codebook rows 0..3, columns 0..3
//   v5 only:  1               codebook variant (0 leech, 1 pollux-v4)
//             16              the first 16 bytes of the SHA-256 of the config JSON
//             15              zero
//             32              SHA-256 of the variant's float32 table
//           4                 tensor_count, u32 LE
//           tensor_count x    name_len u16 LE | name UTF-8 | dtype u8 (0 u8, 1 i8, 2 f16,
//                             3 f32; v5 only: 4 ternary) | ndim u8 | shape ndim x u32 LE |
//                             data_len u64 LE | data | v5 only: SHA-256 of data (32 bytes)
//
// The fingerprint is the same for both codebooks, so a v4 file cannot name its codebook:
// every reference v4 file indexes pollux-v4, and readers decode v4 with it. Version 5 names
// it, and the reference reader refuses version 5, so no reader can decode our indices
// against the wrong table. In v5 every lattice matrix (embeddings and head included) is
// stored as indices + sigma; v4 stores tok_emb and head as INT8 as that layout requires.
//
// The ternary kind (dtype 4, version 5 only; quantizer = ternary, BitNet b1.58): a matrix
// X.weight whose forward weights are t * gamma with every t in {-1, 0, +1} is one tensor
// record of its logical shape whose data is
//   gamma f32 LE (4 bytes) | ceil(n / 5) bytes of trits, five per byte (trit_packing.h)
// for its n = product-of-shape weights: data_len = 4 + ceil(n / 5), 1.6 bits per weight plus
// the scale. Its size is checked against the shape before anything is read, and its data is
// covered by the tensor's SHA-256 like any other; a byte >= 243, non-zero padding digits or a
// non-finite or negative gamma are refused, naming the tensor, when it is decoded. Version 4
// has no such kind: this reader refuses dtype 4 in a version-4 file (and never writes one),
// and the reference reader refuses version 5 as a whole, so no v4 reader meets it.
//
// Tensors: a lattice matrix X.weight is stored as X.packed_weights (u8, 18-bit indices, see
// index_packing.h) and X.sigma_rows (f16, one scale per output row); the reference stores
// tok_emb and head as X.weight_int8 (i8) and X.mu_rows (f16 row max-abs); everything else
// passes as f32. Nothing is read past the end: the parser works from a byte budget with
// overflow-checked sizes and names the file and the field in every error.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "pollux/lattice/codebook.h"

namespace pollux::lattice {

enum class PlxDtype : std::uint8_t { u8 = 0, i8 = 1, f16 = 2, f32 = 3, ternary = 4 };
std::size_t dtype_size(PlxDtype dtype);  // bytes per element; 0 for ternary (see plx_data_bytes)
std::string to_string(PlxDtype dtype);
// The data bytes of a tensor of `elements` elements: elements x dtype_size, or for the
// ternary kind 4 + ceil(elements / 5) (the scale, then five trits a byte).
std::uint64_t plx_data_bytes(PlxDtype dtype, std::uint64_t elements);

// A tensor's raw bytes: its own, or a range of a file that read_plx mapped into memory (the
// mapping lives as long as any range of it; private, so writing to it never reaches the file).
// Copies are deep and own their bytes; moves are cheap.
class PlxBytes {
 public:
  PlxBytes() = default;
  PlxBytes(std::vector<std::uint8_t> bytes);  // NOLINT: implicit, so {name, dtype, shape, bytes} builds a tensor
  PlxBytes(std::shared_ptr<void> mapping, std::uint8_t* data, std::size_t size);
  PlxBytes(const PlxBytes& other);
  PlxBytes(PlxBytes&& other) noexcept;
  PlxBytes& operator=(PlxBytes other) noexcept;

  std::uint8_t* data() { return data_; }
  const std::uint8_t* data() const { return data_; }
  std::size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  std::uint8_t* begin() { return data_; }
  std::uint8_t* end() { return data_ + size_; }
  const std::uint8_t* begin() const { return data_; }
  const std::uint8_t* end() const { return data_ + size_; }
  std::uint8_t& operator[](std::size_t i) { return data_[i]; }
  std::uint8_t operator[](std::size_t i) const { return data_[i]; }

 private:
  std::vector<std::uint8_t> own_;
  std::shared_ptr<void> mapping_;
  std::uint8_t* data_ = nullptr;
  std::size_t size_ = 0;
};
bool operator==(const PlxBytes& a, const std::vector<std::uint8_t>& b);
inline bool operator==(const std::vector<std::uint8_t>& a, const PlxBytes& b) { return b == a; }

struct PlxTensor {
  std::string name;
  PlxDtype dtype = PlxDtype::f32;
  std::vector<std::uint32_t> shape;
  PlxBytes data;  // raw little-endian
  std::uint64_t element_count() const;
};

struct PlxFile {
  std::uint8_t version = 5;  // 4 or 5
  std::string config_json;   // kept byte for byte
  std::array<float, 16> fingerprint{};
  CodebookVariant codebook = CodebookVariant::pollux_v4;  // stored in v5; pollux-v4 for v4
  std::vector<PlxTensor> tensors;

  const PlxTensor* find(const std::string& name) const;  // nullptr if absent
};

// The 16 fingerprint floats of a codebook (rows 0..3, columns 0..3; equal for both variants).
std::array<float, 16> codebook_fingerprint(const Codebook& codebook);

// `source` names the bytes in errors (usually the path). The tensors copy their bytes.
// Version 5 checksums are checked on all cores.
PlxFile parse_plx(const std::uint8_t* data, std::size_t size, const std::string& source);
// Maps the file into memory and parses it there: the tensors view the mapping, nothing is
// read twice or copied (the file must not be truncated while they live).
PlxFile read_plx(const std::string& path);
// Whether `path` starts with the .plx magic; throws pollux::Error naming a file that cannot be
// opened or is not a regular file (never blocks on a FIFO).
bool is_plx_file(const std::string& path);
// The config JSON of a .plx file, read from its header alone (nothing else is read or checked;
// v5 checks it against its digest when the file is parsed): for choosing how to run a model
// before loading it. Throws pollux::Error naming a file that is not a .plx or is cut short.
std::string read_plx_config_json(const std::string& path);
std::vector<std::uint8_t> serialize_plx(const PlxFile& file);
void write_plx(const PlxFile& file, const std::string& path);  // atomic

// A ternary matrix (the dtype-4 kind): its scale and its trits, one int8 in {-1, 0, +1} per
// weight in row-major order; forward weight = trit * gamma.
struct TernaryMatrix {
  float gamma = 0;
  std::vector<std::int8_t> trits;
};
// The tensor record of a ternary matrix named `name` (pollux::Error for a trit outside -1..1).
PlxTensor ternary_tensor(const std::string& name, const std::vector<std::uint32_t>& shape, const TernaryMatrix& matrix);
// Reads a ternary tensor back; throws pollux::Error naming it for a truncated or corrupt one.
TernaryMatrix read_ternary(const PlxTensor& tensor);

// A model tensor as the file stores it: a lattice matrix (X.packed_weights + X.sigma_rows),
// an INT8 matrix (X.weight_int8 + X.mu_rows), a ternary matrix (X.weight, dtype ternary) or a
// plain f32 tensor, under its model name (X.weight). The width of a lattice matrix is
// inferred from its byte count.
enum class PlxStorage { lattice, int8_rows, f32, ternary };
std::string to_string(PlxStorage storage);
struct PlxLogicalTensor {
  std::string name;
  PlxStorage storage;
  std::vector<std::uint32_t> shape;
  std::uint64_t stored_bytes;  // data bytes of all file tensors that make it up
  std::uint64_t parameter_count() const;
};
// Throws pollux::Error naming the tensor when a pair is incomplete or sizes disagree.
std::vector<PlxLogicalTensor> plx_logical_tensors(const PlxFile& file);

// What a file's tensors cost: parameters and stored bytes of the whole model, of its
// backbone (every tensor but tok_emb, pos_emb and head, spec section 4) and of its lattice
// matrices.
struct PlxBudget {
  std::uint64_t parameters = 0;
  std::uint64_t backbone_parameters = 0, backbone_bytes = 0;
  std::uint64_t lattice_parameters = 0, lattice_bytes = 0;
  std::uint64_t ternary_parameters = 0, ternary_bytes = 0;
};
PlxBudget plx_budget(const std::vector<PlxLogicalTensor>& tensors);

// A tensor decoded to float32, with its logical shape.
struct DecodedTensor {
  std::vector<std::uint32_t> shape;
  std::vector<float> values;
};

// Every logical tensor of the file as the runtime holds it: lattice matrices become
// codebook[idx] * sigma * s_lattice, INT8 matrices q * mu / 127, ternary matrices
// trit * gamma, f32 tensors pass through.
// Throws pollux::Error naming the tensor on any inconsistency or an index outside the codebook.
std::map<std::string, DecodedTensor> decode_plx(const PlxFile& file, const Codebook& codebook);

}  // namespace pollux::lattice
