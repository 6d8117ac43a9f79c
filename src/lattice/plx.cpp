#include "pollux/lattice/plx.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstring>
#include <limits>

#include "pollux/base/error.h"
#include "pollux/base/file_io.h"
#include "pollux/base/half.h"
#include "pollux/base/parallel.h"
#include "pollux/base/printable.h"
#include "pollux/base/sha256.h"
#include "pollux/lattice/constants.h"
#include "pollux/lattice/index_packing.h"
#include "pollux/lattice/row_projection.h"
#include "pollux/lattice/trit_packing.h"

namespace pollux::lattice {
namespace {

constexpr char kMagic[8] = {'P', 'O', 'L', 'L', 'U', 'X', 'H', '2'};
constexpr std::uint32_t kMaxConfigBytes = 16u << 20;
constexpr int kConfigSumBytes = 16;  // v5: leading bytes of the config JSON's SHA-256 kept in the header
constexpr int kMaxDims = 8;

std::size_t padded_to_64(std::size_t offset) { return (offset + 63) / 64 * 64; }

std::string hex_of(const std::uint8_t* bytes, std::size_t n) {
  static const char* digits = "0123456789abcdef";
  std::string s;
  for (std::size_t i = 0; i < n; ++i) {
    s += digits[bytes[i] >> 4];
    s += digits[bytes[i] & 15];
  }
  return s;
}

// Reads little-endian fields from a byte range, refusing any read past its end.
class Reader {
 public:
  Reader(const std::uint8_t* data, std::size_t size, const std::string& source) : data_(data), size_(size), source_(source) {}

  [[noreturn]] void fail(const std::string& what) const {
    throw Error("plx", source_ + ": " + what + " (at byte " + std::to_string(pos_) + " of " + std::to_string(size_) +
                           "; truncated or corrupt file?)");
  }
  std::size_t remaining() const { return size_ - pos_; }
  std::size_t position() const { return pos_; }
  const std::uint8_t* take(std::size_t n, const std::string& what) {
    if (n > remaining()) fail(what + " needs " + std::to_string(n) + " bytes, " + std::to_string(remaining()) + " left");
    const std::uint8_t* p = data_ + pos_;
    pos_ += n;
    return p;
  }
  std::uint64_t le(int bytes, const std::string& what) {
    const std::uint8_t* p = take(std::size_t(bytes), what);
    std::uint64_t v = 0;
    for (int i = bytes - 1; i >= 0; --i) v = v << 8 | p[i];
    return v;
  }

 private:
  const std::uint8_t* data_;
  std::size_t size_;
  const std::string& source_;
  std::size_t pos_ = 0;
};

void put_le(std::vector<std::uint8_t>& out, std::uint64_t v, int bytes) {
  for (int i = 0; i < bytes; ++i) out.push_back(std::uint8_t(v >> (8 * i)));
}

float f32_at(const std::uint8_t* p) {
  std::uint32_t bits = std::uint32_t(p[0]) | std::uint32_t(p[1]) << 8 | std::uint32_t(p[2]) << 16 | std::uint32_t(p[3]) << 24;
  float f;
  std::memcpy(&f, &bits, 4);
  return f;
}

std::vector<float> floats_of(const PlxTensor& t) {
  std::vector<float> out(t.element_count());
  for (std::size_t i = 0; i < out.size(); ++i) {
    if (t.dtype == PlxDtype::f32)
      out[i] = f32_at(t.data.data() + 4 * i);
    else if (t.dtype == PlxDtype::f16)
      out[i] = half_to_float(std::uint16_t(t.data[2 * i] | t.data[2 * i + 1] << 8));
    else if (t.dtype == PlxDtype::i8)
      out[i] = float(std::int8_t(t.data[i]));
    else
      out[i] = float(t.data[i]);
  }
  return out;
}

bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

const PlxTensor& partner(const PlxFile& file, const std::string& name, PlxDtype dtype) {
  const PlxTensor* t = file.find(name);
  if (!t) throw Error("plx", "tensor " + printable_excerpt(name) + " is missing");
  if (t->dtype != dtype)
    throw Error("plx",
                "tensor " + printable_excerpt(name) + " has dtype " + to_string(t->dtype) + ", expected " + to_string(dtype));
  return *t;
}

// rows x atoms-per-row of a packed lattice matrix: the index count n satisfies
// 4 (groups - 1) < n <= 4 groups and n = rows x atoms-per-row (unique for rows >= 4).
PlxLogicalTensor lattice_matrix(const PlxFile& file, const PlxTensor& packed, const std::string& base) {
  const PlxTensor& sigma = partner(file, base + ".sigma_rows", PlxDtype::f16);
  if (packed.dtype != PlxDtype::u8 || packed.data.size() % kGroupBytes != 0)
    throw Error("plx",
                "tensor " + printable_excerpt(packed.name) + " is not u8 groups of " + std::to_string(kGroupBytes) + " bytes");
  const std::uint64_t rows = sigma.element_count(), groups = packed.data.size() / kGroupBytes;
  const std::uint64_t per_row = rows == 0 ? 0 : kIndicesPerGroup * groups / rows;
  if (per_row == 0 || packed_size(rows * per_row) != packed.data.size() ||
      (rows < kIndicesPerGroup && kIndicesPerGroup * groups != rows * per_row))
    throw Error("plx", "tensor " + printable_excerpt(packed.name) + ": " + std::to_string(packed.data.size()) +
                           " bytes do not hold a whole number of atoms per row for " + std::to_string(rows) + " rows");
  return {base + ".weight",
          PlxStorage::lattice,
          {std::uint32_t(rows), std::uint32_t(per_row * kAtomDim)},
          packed.data.size() + sigma.data.size()};
}

PlxLogicalTensor int8_matrix(const PlxFile& file, const PlxTensor& q, const std::string& base) {
  const PlxTensor& mu = partner(file, base + ".mu_rows", PlxDtype::f16);
  if (q.dtype != PlxDtype::i8 || q.shape.size() != 2 || q.shape[0] != mu.element_count())
    throw Error("plx", "tensor " + printable_excerpt(q.name) + " is not an i8 matrix with one " + printable_excerpt(mu.name) +
                           " entry per row");
  return {base + ".weight", PlxStorage::int8_rows, q.shape, q.data.size() + mu.data.size()};
}

}  // namespace

std::size_t dtype_size(PlxDtype dtype) {
  switch (dtype) {
    case PlxDtype::u8:
    case PlxDtype::i8: return 1;
    case PlxDtype::f16: return 2;
    case PlxDtype::f32: return 4;
    case PlxDtype::ternary: return 0;
  }
  return 0;
}

std::string to_string(PlxDtype dtype) {
  static const char* names[] = {"u8", "i8", "f16", "f32", "ternary"};
  return std::uint8_t(dtype) < 5 ? names[std::uint8_t(dtype)] : "?";
}

std::uint64_t plx_data_bytes(PlxDtype dtype, std::uint64_t elements) {
  if (dtype == PlxDtype::ternary) return 4 + trit_packed_size(elements);
  return elements * dtype_size(dtype);
}

std::uint64_t PlxTensor::element_count() const {
  std::uint64_t n = 1;
  for (std::uint32_t d : shape) n *= d;
  return n;
}

const PlxTensor* PlxFile::find(const std::string& name) const {
  for (const PlxTensor& t : tensors)
    if (t.name == name) return &t;
  return nullptr;
}

std::array<float, 16> codebook_fingerprint(const Codebook& codebook) {
  std::array<float, 16> f{};
  for (int r = 0; r < 4; ++r)
    for (int c = 0; c < 4; ++c) f[4 * r + c] = Codebook::to_float(codebook.integer_row(std::uint32_t(r))[c]);
  return f;
}

namespace {

// Parses `size` bytes at `data`; the tensors view them when `mapping` keeps them alive, else
// copy them. Version 5 checksums are checked after the structure, on all cores; the first
// tensor in file order that fails is named.
PlxFile parse(std::uint8_t* data, std::size_t size, const std::string& source, const std::shared_ptr<void>& mapping) {
  Reader in(data, size, source);
  PlxFile file;
  if (std::memcmp(in.take(8, "magic"), kMagic, 8) != 0) in.fail("not a .plx file (magic is not POLLUXH2)");
  file.version = std::uint8_t(in.le(1, "version"));
  if (file.version != 4 && file.version != 5)
    in.fail("format version " + std::to_string(file.version) + " is not supported (this reader knows versions 4 and 5)");
  const std::uint8_t* reserved = in.take(7, "reserved bytes");
  for (int i = 0; i < 7; ++i)
    if (reserved[i] != 0) in.fail("reserved header bytes are not zero");

  const std::uint64_t config_len = in.le(4, "config length");
  if (config_len > kMaxConfigBytes) in.fail("config length " + std::to_string(config_len) + " exceeds 16 MiB");
  const std::uint8_t* config = in.take(config_len, "config JSON");
  file.config_json.assign(reinterpret_cast<const char*>(config), config_len);
  const std::size_t pad_len = padded_to_64(in.position()) - in.position();
  const std::uint8_t* pad = in.take(pad_len, "header padding");
  for (std::size_t i = 0; i < pad_len; ++i)
    if (pad[i] != 0) in.fail("header padding is not zero");

  const std::uint8_t* fingerprint = in.take(64, "codebook fingerprint");
  for (int i = 0; i < 16; ++i) file.fingerprint[i] = f32_at(fingerprint + 4 * i);
  if (file.fingerprint != codebook_fingerprint(Codebook::get(CodebookVariant::leech)))
    in.fail("codebook fingerprint does not match the Leech codebook");
  if (file.version == 5) {
    const std::uint8_t* id = in.take(64, "codebook identity");
    if (id[0] > 1) in.fail("unknown codebook variant " + std::to_string(id[0]));
    if (hex_of(id + 1, kConfigSumBytes) != sha256_hex(config, config_len).substr(0, 2 * kConfigSumBytes))
      in.fail("config JSON does not match its SHA-256: the header is corrupt");
    for (int i = 1 + kConfigSumBytes; i < 32; ++i)
      if (id[i] != 0) in.fail("reserved codebook bytes are not zero");
    file.codebook = CodebookVariant(id[0]);
    const Codebook& codebook = Codebook::get(file.codebook);
    if (hex_of(id + 32, 32) != codebook.sha256())
      in.fail("codebook SHA-256 does not match the " + to_string(file.codebook) + " table this program builds");
  }

  const std::uint64_t count = in.le(4, "tensor count");
  // Each tensor record takes at least 12 bytes: a claimed count beyond that is corrupt.
  if (count > in.remaining() / 12) in.fail("tensor count " + std::to_string(count) + " cannot fit in the file");
  file.tensors.reserve(count);
  struct Check {
    const std::uint8_t* sum;
    std::size_t end;  // the reader's position after it, for the error
  };
  std::vector<Check> checks;
  for (std::uint64_t k = 0; k < count; ++k) {
    PlxTensor t;
    const std::string which = "tensor " + std::to_string(k);
    const std::uint64_t name_len = in.le(2, which + " name length");
    if (name_len == 0) in.fail(which + " has an empty name");
    t.name.assign(reinterpret_cast<const char*>(in.take(name_len, which + " name")), name_len);
    const std::uint64_t dtype = in.le(1, "tensor " + printable_excerpt(t.name) + " dtype");
    if (dtype > 4) in.fail("tensor " + printable_excerpt(t.name) + " has unknown dtype " + std::to_string(dtype));
    if (dtype == std::uint64_t(PlxDtype::ternary) && file.version != 5)
      in.fail("tensor " + printable_excerpt(t.name) + " has dtype 4 (ternary), which only version-5 files hold");
    t.dtype = PlxDtype(dtype);
    const std::uint64_t ndim = in.le(1, "tensor " + printable_excerpt(t.name) + " ndim");
    if (ndim > kMaxDims)
      in.fail("tensor " + printable_excerpt(t.name) + " has " + std::to_string(ndim) + " dimensions (at most 8)");
    std::uint64_t elements = 1;
    for (std::uint64_t d = 0; d < ndim; ++d) {
      std::uint64_t extent = in.le(4, "tensor " + printable_excerpt(t.name) + " shape");
      t.shape.push_back(std::uint32_t(extent));
      if (extent != 0 && elements > std::numeric_limits<std::uint64_t>::max() / 8 / extent)
        in.fail("tensor " + printable_excerpt(t.name) + " shape overflows");
      elements *= extent;
    }
    const std::uint64_t data_len = in.le(8, "tensor " + printable_excerpt(t.name) + " data length");
    if (data_len != plx_data_bytes(t.dtype, elements))
      in.fail("tensor " + printable_excerpt(t.name) + " data length " + std::to_string(data_len) +
              " does not match its shape and dtype");
    const std::uint8_t* bytes = in.take(data_len, "tensor " + printable_excerpt(t.name) + " data");
    auto* at = const_cast<std::uint8_t*>(bytes);
    t.data = mapping ? PlxBytes(mapping, at, data_len) : PlxBytes(std::vector<std::uint8_t>(bytes, bytes + data_len));
    if (file.version == 5) checks.push_back({in.take(32, "tensor " + printable_excerpt(t.name) + " checksum"), in.position()});
    file.tensors.push_back(std::move(t));
  }
  if (in.remaining() != 0) in.fail(std::to_string(in.remaining()) + " trailing bytes after the last tensor");
  std::atomic<std::size_t> next{0}, first_bad{checks.size()};
  parallel_for(std::size_t(default_thread_count()), 0, 1, [&](std::size_t, std::size_t) {
    for (std::size_t k; (k = next++) < checks.size();) {
      const PlxBytes& d = file.tensors[k].data;
      if (hex_of(checks[k].sum, 32) != sha256_hex(d.data(), d.size()))
        for (std::size_t seen = first_bad; k < seen && !first_bad.compare_exchange_weak(seen, k);) {}
    }
  });
  if (first_bad < checks.size()) {
    Reader at(data, size, source);
    at.take(checks[first_bad].end, "");
    at.fail("tensor " + printable_excerpt(file.tensors[first_bad].name) + " checksum mismatch: its data is corrupt");
  }
  return file;
}

}  // namespace

PlxBytes::PlxBytes(std::vector<std::uint8_t> bytes) : own_(std::move(bytes)), data_(own_.data()), size_(own_.size()) {}
PlxBytes::PlxBytes(std::shared_ptr<void> mapping, std::uint8_t* data, std::size_t size)
    : mapping_(std::move(mapping)), data_(data), size_(size) {}
PlxBytes::PlxBytes(const PlxBytes& other) : PlxBytes(std::vector<std::uint8_t>(other.begin(), other.end())) {}
PlxBytes::PlxBytes(PlxBytes&& other) noexcept
    : own_(std::move(other.own_)), mapping_(std::move(other.mapping_)), data_(other.data_), size_(other.size_) {
  other.data_ = nullptr;
  other.size_ = 0;
}
PlxBytes& PlxBytes::operator=(PlxBytes other) noexcept {
  own_ = std::move(other.own_);  // a moved vector keeps its buffer, so data_ stays valid
  mapping_ = std::move(other.mapping_);
  data_ = other.data_;
  size_ = other.size_;
  other.data_ = nullptr;
  other.size_ = 0;
  return *this;
}
bool operator==(const PlxBytes& a, const std::vector<std::uint8_t>& b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin());
}

PlxFile parse_plx(const std::uint8_t* data, std::size_t size, const std::string& source) {
  return parse(const_cast<std::uint8_t*>(data), size, source, nullptr);
}

PlxFile read_plx(const std::string& path) {
  // Private and writable: a tensor changed in memory never changes the file.
  const MappedFile mapped = map_file(path, "plx", "", true);
  return parse(mapped.data.get(), mapped.size, path, mapped.data);
}

bool is_plx_file(const std::string& path) {
  char head[8] = {};
  return File::read(path, "plx").read_up_to(head, 8) == 8 && std::memcmp(head, kMagic, 8) == 0;
}

std::string read_plx_config_json(const std::string& path) {
  const File file = File::read(path, "plx");
  std::vector<std::uint8_t> head(20);
  const std::size_t got = file.read_up_to(head.data(), head.size());
  Reader in(head.data(), got, path);
  if (got < 8 || std::memcmp(in.take(8, "magic"), kMagic, 8) != 0)
    throw Error("plx", path + ": not a .plx file (magic is not POLLUXH2)");
  in.take(8, "header");
  const std::uint64_t config_len = got == 20 ? in.le(4, "config length") : 0;
  if (got < 20 || config_len > kMaxConfigBytes) throw Error("plx", path + ": truncated or corrupt header");
  std::string json(config_len, '\0');
  if (file.read_up_to(json.data(), json.size(), head.size()) != json.size())
    throw Error("plx", path + ": the config JSON is cut short (truncated file)");
  return json;
}

std::vector<std::uint8_t> serialize_plx(const PlxFile& file) {
  if (file.version != 4 && file.version != 5) throw Error("plx", "cannot write version " + std::to_string(file.version));
  if (file.version == 4 && file.codebook != CodebookVariant::pollux_v4)
    throw Error("plx", "version 4 cannot name its codebook and is read with pollux-v4: a " + to_string(file.codebook) +
                           " model needs version 5");
  std::vector<std::uint8_t> out(kMagic, kMagic + 8);
  out.push_back(file.version);
  out.resize(16, 0);
  put_le(out, file.config_json.size(), 4);
  out.insert(out.end(), file.config_json.begin(), file.config_json.end());
  out.resize(padded_to_64(out.size()), 0);
  for (float f : file.fingerprint) {
    std::uint32_t bits;
    std::memcpy(&bits, &f, 4);
    put_le(out, bits, 4);
  }
  if (file.version == 5) {
    out.push_back(std::uint8_t(file.codebook));
    auto put_hex = [&out](const std::string& hex) {
      for (std::size_t i = 0; i < hex.size(); i += 2) out.push_back(std::uint8_t(std::stoi(hex.substr(i, 2), nullptr, 16)));
    };
    put_hex(sha256_hex(file.config_json.data(), file.config_json.size()).substr(0, 2 * kConfigSumBytes));
    out.resize(out.size() + 31 - kConfigSumBytes, 0);
    put_hex(Codebook::get(file.codebook).sha256());
  }
  put_le(out, file.tensors.size(), 4);
  for (const PlxTensor& t : file.tensors) {
    if (t.dtype == PlxDtype::ternary && file.version != 5)
      throw Error("plx", "tensor '" + printable_excerpt(t.name) +
                             "' is ternary, which version 4 cannot hold: a ternary model needs version 5");
    if (t.name.empty() || t.name.size() > 0xFFFF || t.shape.size() > kMaxDims ||
        t.data.size() != plx_data_bytes(t.dtype, t.element_count()))
      throw Error("plx", "tensor '" + printable_excerpt(t.name) + "' cannot be written: bad name, rank, or data size");
    put_le(out, t.name.size(), 2);
    out.insert(out.end(), t.name.begin(), t.name.end());
    out.push_back(std::uint8_t(t.dtype));
    out.push_back(std::uint8_t(t.shape.size()));
    for (std::uint32_t d : t.shape) put_le(out, d, 4);
    put_le(out, t.data.size(), 8);
    out.insert(out.end(), t.data.begin(), t.data.end());
    if (file.version == 5) {
      Sha256 h;
      h.update(t.data.data(), t.data.size());
      const auto sum = h.digest();
      out.insert(out.end(), sum.begin(), sum.end());
    }
  }
  return out;
}

void write_plx(const PlxFile& file, const std::string& path) { write_file_atomic(path, serialize_plx(file)); }

std::string to_string(PlxStorage storage) {
  switch (storage) {
    case PlxStorage::lattice: return "lattice";
    case PlxStorage::int8_rows: return "int8";
    case PlxStorage::f32: return "f32";
    case PlxStorage::ternary: return "ternary";
  }
  return "?";
}

std::uint64_t PlxLogicalTensor::parameter_count() const {
  std::uint64_t n = 1;
  for (std::uint32_t d : shape) n *= d;
  return n;
}

std::vector<PlxLogicalTensor> plx_logical_tensors(const PlxFile& file) {
  std::vector<PlxLogicalTensor> out;
  for (const PlxTensor& t : file.tensors) {
    if (ends_with(t.name, ".packed_weights")) {
      out.push_back(lattice_matrix(file, t, t.name.substr(0, t.name.size() - 15)));
    } else if (ends_with(t.name, ".weight_int8")) {
      out.push_back(int8_matrix(file, t, t.name.substr(0, t.name.size() - 12)));
    } else if (ends_with(t.name, ".sigma_rows") || ends_with(t.name, ".mu_rows")) {
      continue;  // counted with their matrix
    } else if (t.dtype == PlxDtype::ternary) {
      out.push_back({t.name, PlxStorage::ternary, t.shape, t.data.size()});
    } else if (t.dtype == PlxDtype::f32) {
      out.push_back({t.name, PlxStorage::f32, t.shape, t.data.size()});
    } else {
      throw Error("plx", "tensor " + printable_excerpt(t.name) + " has dtype " + to_string(t.dtype) + " and no known role");
    }
  }
  return out;
}

PlxBudget plx_budget(const std::vector<PlxLogicalTensor>& tensors) {
  PlxBudget b;
  for (const PlxLogicalTensor& t : tensors) {
    b.parameters += t.parameter_count();
    const bool outside = t.name.rfind("tok_emb.", 0) == 0 || t.name.rfind("pos_emb.", 0) == 0 || t.name.rfind("head.", 0) == 0;
    if (!outside) {
      b.backbone_parameters += t.parameter_count();
      b.backbone_bytes += t.stored_bytes;
    }
    if (t.storage == PlxStorage::lattice) {
      b.lattice_parameters += t.parameter_count();
      b.lattice_bytes += t.stored_bytes;
    }
    if (t.storage == PlxStorage::ternary) {
      b.ternary_parameters += t.parameter_count();
      b.ternary_bytes += t.stored_bytes;
    }
  }
  return b;
}

PlxTensor ternary_tensor(const std::string& name, const std::vector<std::uint32_t>& shape, const TernaryMatrix& matrix) {
  PlxTensor t{name, PlxDtype::ternary, shape, {}};
  if (matrix.trits.size() != t.element_count())
    throw Error("plx", "ternary tensor " + printable_excerpt(name) + ": " + std::to_string(matrix.trits.size()) +
                           " trits for a shape of " + std::to_string(t.element_count()) + " weights");
  std::vector<std::uint8_t> bytes(plx_data_bytes(PlxDtype::ternary, t.element_count()));
  std::uint32_t bits;
  std::memcpy(&bits, &matrix.gamma, 4);
  for (int i = 0; i < 4; ++i) bytes[std::size_t(i)] = std::uint8_t(bits >> (8 * i));
  try {
    pack_trits(matrix.trits.data(), matrix.trits.size(), bytes.data() + 4);
  } catch (const Error& e) { throw Error("plx", "ternary tensor " + printable_excerpt(name) + ": " + e.what()); }
  t.data = std::move(bytes);
  return t;
}

TernaryMatrix read_ternary(const PlxTensor& t) {
  const std::string what = "tensor " + printable_excerpt(t.name);
  if (t.dtype != PlxDtype::ternary) throw Error("plx", what + " has dtype " + to_string(t.dtype) + ", expected ternary");
  const std::uint64_t n = t.element_count();
  if (t.data.size() != plx_data_bytes(PlxDtype::ternary, n))
    throw Error("plx", what + ": " + std::to_string(t.data.size()) + " bytes, expected 4 + ceil(" + std::to_string(n) +
                           " / 5) = " + std::to_string(plx_data_bytes(PlxDtype::ternary, n)) +
                           " for its shape: truncated or corrupt");
  TernaryMatrix m;
  m.gamma = f32_at(t.data.data());
  if (!std::isfinite(m.gamma) || m.gamma < 0)
    throw Error("plx", what + ": its scale gamma is " + std::to_string(m.gamma) + ", not a finite non-negative number: corrupt");
  m.trits.resize(n);
  unpack_trits(t.data.data() + 4, t.data.size() - 4, n, m.trits.data(), what);  // its errors name the tensor
  return m;
}

std::map<std::string, DecodedTensor> decode_plx(const PlxFile& file, const Codebook& codebook) {
  std::map<std::string, DecodedTensor> out;
  for (const PlxLogicalTensor& t : plx_logical_tensors(file)) {
    const std::string base = t.name.substr(0, t.name.size() - 7);  // without ".weight"
    DecodedTensor& d = out[t.name];
    d.shape = t.shape;
    d.values.resize(t.parameter_count());
    if (t.storage == PlxStorage::f32) {
      d.values = floats_of(*file.find(t.name));
    } else if (t.storage == PlxStorage::ternary) {
      const TernaryMatrix m = read_ternary(*file.find(t.name));
      for (std::size_t i = 0; i < m.trits.size(); ++i) d.values[i] = float(m.trits[i]) * m.gamma;
    } else if (t.storage == PlxStorage::int8_rows) {
      std::vector<float> q = floats_of(*file.find(base + ".weight_int8")), mu = floats_of(*file.find(base + ".mu_rows"));
      for (std::size_t i = 0; i < q.size(); ++i) d.values[i] = q[i] * mu[i / t.shape[1]] / 127.0f;
    } else {
      std::vector<std::uint32_t> indices(t.parameter_count() / kAtomDim);
      unpack_indices(file.find(base + ".packed_weights")->data.data(), indices.size(), indices.data());
      std::vector<float> sigma = floats_of(*file.find(base + ".sigma_rows"));
      try {
        reconstruct_rows(codebook, indices.data(), sigma.data(), t.shape[0], t.shape[1], d.values.data());
      } catch (const Error& e) { throw Error("plx", "tensor " + base + ".packed_weights: " + e.what()); }
    }
  }
  return out;
}

}  // namespace pollux::lattice
