#include "pollux/lattice/deployed.h"

#include "pollux/base/error.h"
#include "pollux/lattice/constants.h"
#include "pollux/lattice/index_packing.h"
#include "pollux/lattice/plx.h"

namespace pollux::lattice {
namespace {

bool ends_with(const std::string& s, const std::string& tail) {
  return s.size() >= tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
}

std::string base_of(const std::string& name) { return ends_with(name, ".weight") ? name.substr(0, name.size() - 7) : name; }

std::uint64_t rows_of(const DeployedTensor& t) { return t.shape.empty() ? 1 : t.shape.front(); }
std::uint64_t cols_of(const DeployedTensor& t) { return t.shape.empty() ? 1 : t.elements() / rows_of(t); }

struct Record {
  std::uint64_t name_bytes, ndim, data;
};

std::vector<Record> records(const DeployedTensor& t) {
  const std::uint64_t n = t.elements(), rows = rows_of(t), cols = cols_of(t);
  const std::string base = base_of(t.name);
  switch (t.kind) {
    case DeployedKind::lattice:
      if (cols % kAtomDim != 0)
        throw Error("plx", "lattice tensor " + t.name + ": width " + std::to_string(cols) + " is no multiple of 24");
      return {{base.size() + 15, 1, packed_size(std::size_t(n / kAtomDim))}, {base.size() + 11, 1, 2 * rows}};
    case DeployedKind::int8_rows: return {{base.size() + 12, t.shape.size(), n}, {base.size() + 8, 1, 2 * rows}};
    case DeployedKind::ternary: return {{t.name.size(), t.shape.size(), plx_data_bytes(PlxDtype::ternary, n)}};
    case DeployedKind::f16: return {{t.name.size(), t.shape.size(), 2 * n}};
    case DeployedKind::f32: return {{t.name.size(), t.shape.size(), 4 * n}};
    case DeployedKind::grouped: {
      if (t.bits <= 0 || t.group == 0 || cols % t.group != 0)
        throw Error("plx", "grouped tensor " + t.name + ": " + std::to_string(t.bits) + " bits in groups of " +
                               std::to_string(t.group) + " for a width of " + std::to_string(cols));
      const std::uint64_t groups = n / t.group, b = std::uint64_t(t.bits);
      std::uint64_t data = (n * b + 7) / 8 + 2 * groups;
      if (t.zero_point) data += (groups * b + 7) / 8;
      if (t.column_order) data += 2 * cols;
      if (t.column_scales) data += 2 * cols;
      return {{t.name.size(), t.shape.size(), data}};
    }
  }
  return {};
}

}  // namespace

std::string to_string(DeployedKind kind) {
  switch (kind) {
    case DeployedKind::lattice: return "lattice";
    case DeployedKind::ternary: return "ternary";
    case DeployedKind::int8_rows: return "int8_rows";
    case DeployedKind::f16: return "f16";
    case DeployedKind::f32: return "f32";
    case DeployedKind::grouped: return "grouped";
  }
  return "?";
}

std::uint64_t DeployedTensor::elements() const {
  std::uint64_t n = 1;
  for (std::uint64_t d : shape) n *= d;
  return n;
}

std::uint64_t deployed_bits(const DeployedTensor& t) {
  if (t.kind != DeployedKind::grouped) return 8 * deployed_data_bytes(t);
  records(t);  // the checks
  const std::uint64_t n = t.elements(), groups = n / t.group, b = std::uint64_t(t.bits);
  return n * b + 16 * groups + (t.zero_point ? groups * b : 0) + (t.column_order ? 16 * cols_of(t) : 0) +
         (t.column_scales ? 16 * cols_of(t) : 0);
}

std::uint64_t deployed_data_bytes(const DeployedTensor& tensor) {
  std::uint64_t bytes = 0;
  for (const Record& r : records(tensor)) bytes += r.data;
  return bytes;
}

std::uint64_t deployed_bytes(const DeployedModel& model) {
  if (model.version != 4 && model.version != 5) throw Error("plx", "no .plx version " + std::to_string(model.version));
  const bool v5 = model.version == 5;
  // magic 8, version 1, zero 7, config_len 4, the config JSON, padded to 64; fingerprint 64;
  // v5: variant 1 + config digest 16 + zero 15 + codebook SHA-256 32; tensor_count 4.
  std::uint64_t bytes = (20 + model.config_json_bytes + 63) / 64 * 64 + 64 + (v5 ? 64 : 0) + 4;
  for (const DeployedTensor& t : model.tensors)
    for (const Record& r : records(t))  // name_len 2, name, dtype 1, ndim 1, shape, data_len 8, data, v5: SHA-256
      bytes += 2 + r.name_bytes + 2 + 4 * r.ndim + 8 + r.data + (v5 ? 32 : 0);
  return bytes;
}

std::uint64_t deployed_backbone_bytes(const std::vector<DeployedTensor>& tensors, std::uint64_t* parameters) {
  std::uint64_t bytes = 0, params = 0;
  for (const DeployedTensor& t : tensors) {
    if (t.name.rfind("tok_emb.", 0) == 0 || t.name.rfind("pos_emb.", 0) == 0 || t.name.rfind("head.", 0) == 0) continue;
    bytes += deployed_data_bytes(t);
    params += t.elements();
  }
  if (parameters) *parameters = params;
  return bytes;
}

DeployedModel deployed_model(const PlxFile& file) {
  DeployedModel m;
  m.version = file.version;
  m.config_json_bytes = file.config_json.size();
  for (const PlxLogicalTensor& t : plx_logical_tensors(file)) {
    DeployedTensor d;
    d.name = t.name;
    d.shape.assign(t.shape.begin(), t.shape.end());
    switch (t.storage) {
      case PlxStorage::lattice: d.kind = DeployedKind::lattice; break;
      case PlxStorage::int8_rows: d.kind = DeployedKind::int8_rows; break;
      case PlxStorage::ternary: d.kind = DeployedKind::ternary; break;
      case PlxStorage::f32: d.kind = DeployedKind::f32; break;
    }
    m.tensors.push_back(d);
  }
  return m;
}

}  // namespace pollux::lattice
