// One byte rule (issue 28 item 6): what a model costs deployed, everything a user must ship,
// counted as a .plx file (plx.h) holds it: the header (magic, version, config JSON padded to
// 64 bytes, the codebook fingerprint; in v5 the codebook's identity and the checksums), then
// one record per file tensor (name, dtype, shape, length, data; in v5 its SHA-256).
//
// A model is described tensor by tensor (its model names, X.weight) with the kind it is
// stored as; the rule gives the exact size of the .plx file that holds them (pollux-pack's
// output: tests/runtime check it against written files). Kinds .plx has:
//   lattice    X.packed_weights (u8, 18-bit indices, 4 in 9 bytes) + X.sigma_rows (f16/row)
//   ternary    X.weight (dtype ternary): f32 gamma + five trits a byte
//   int8_rows  X.weight_int8 (i8) + X.mu_rows (f16 absmax per row)
//   f16, f32   X.weight as is
// and pollux-ptq's kind that .plx does not have, counted as one record of its name and shape
// whose data is what its payload and scales take:
//   grouped    ceil(n B / 8) bytes of B-bit codes, a float16 scale per group, with a zero
//              point ceil(groups B / 8) bytes of B-bit zero points, with a column order a
//              u16 per column (gptq --act_order), with column scales a float16 per column
//              (awq's input-channel scales). Each matrix has its own B (apq's widths).
// Plain C++ (the lattice layer): pollux-pack, pollux-ptq and pollux-inspect call it through
// the runtime's description of a checkpoint (runtime/model_file.h) or of a parsed file.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace pollux::lattice {

struct PlxFile;

enum class DeployedKind { lattice, ternary, int8_rows, f16, f32, grouped };
std::string to_string(DeployedKind kind);

struct DeployedTensor {
  std::string name;  // the model's name: X.weight for a matrix
  std::vector<std::uint64_t> shape;
  DeployedKind kind = DeployedKind::f32;
  int bits = 0;                // grouped: bits per code
  std::uint64_t group = 0;     // grouped: weights per float16 scale
  bool zero_point = false;     // grouped: a B-bit zero point per group
  bool column_order = false;   // grouped: a u16 per column (the last dimension)
  bool column_scales = false;  // grouped: a float16 per column
  std::uint64_t elements() const;
};

struct DeployedModel {
  int version = 5;                      // 4 or 5 (.plx version)
  std::uint64_t config_json_bytes = 0;  // the config JSON's length
  std::vector<DeployedTensor> tensors;
};

// The payload bits of a tensor before its records round them up to bytes (a grouped matrix's
// codes and zero points are counted in bits): what bits per parameter report.
std::uint64_t deployed_bits(const DeployedTensor& tensor);
// The data bytes of a tensor's file records (payload and scales, no record headers).
std::uint64_t deployed_data_bytes(const DeployedTensor& tensor);
// The exact bytes of the .plx file holding the model: header and every record. Throws
// pollux::Error for a version other than 4 or 5, a lattice matrix whose width is no multiple
// of 24, or a grouped one whose group does not divide it.
std::uint64_t deployed_bytes(const DeployedModel& model);
// The data bytes of the backbone (every tensor but tok_emb, pos_emb and head) and its
// parameters, as plx_budget counts them (the config JSON's bits_per_param).
std::uint64_t deployed_backbone_bytes(const std::vector<DeployedTensor>& tensors, std::uint64_t* parameters = nullptr);
// A parsed file described (its logical tensors).
DeployedModel deployed_model(const PlxFile& file);

}  // namespace pollux::lattice
