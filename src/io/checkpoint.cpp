#include "pollux/io/checkpoint.h"

#include <hdf5.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <functional>
#include <vector>

#include "pollux/base/error.h"
#include "pollux/base/file_io.h"
#include "pollux/base/sha256.h"
#include "pollux/lattice/codebook.h"

namespace pollux {
namespace {

constexpr int kFormatVersion = 1;

// The whole-file digest (issue 15): HDF5 leaves the first 512 bytes to the user (its "user
// block"); ours holds this text, the SHA-256 of every byte after the block in hex, and zeros.
// The reader checks it before HDF5 parses anything, so no damaged structure (object
// headers, attribute tables, B-trees) reaches the library, which can crash on them.
constexpr std::size_t kUserBlock = 512;
constexpr char kDigestMagic[] = "pollux-checkpoint sha256 ";
constexpr std::size_t kDigestMagicLen = sizeof kDigestMagic - 1;
const unsigned char kHdf5Signature[8] = {0x89, 'H', 'D', 'F', '\r', '\n', 0x1a, '\n'};

// Checks the user block digest of `path`. A file that starts with the HDF5 signature was
// written before the digest existed and is read as it is (its attributes are still checked).
void check_file_digest(const std::string& path) {
  const int fd = open_regular_file(path, "checkpoint");
  std::vector<std::uint8_t> block(kUserBlock);
  std::size_t got = 0;
  ssize_t n = 0;
  while (got < block.size() && (n = ::read(fd, block.data() + got, block.size() - got)) > 0) got += std::size_t(n);
  if (got >= 8 && std::memcmp(block.data(), kHdf5Signature, 8) == 0) {
    ::close(fd);
    return;
  }
  if (got < kUserBlock || std::memcmp(block.data(), kDigestMagic, kDigestMagicLen) != 0) {
    ::close(fd);
    throw Error("checkpoint", path + ": not a pollux checkpoint (no whole-file digest in its first 512 bytes; truncated or corrupt?)");
  }
  Sha256 sha;
  std::vector<std::uint8_t> buffer(1 << 20);
  while ((n = ::read(fd, buffer.data(), buffer.size())) > 0) sha.update(buffer.data(), std::size_t(n));
  ::close(fd);
  if (n < 0) throw Error("checkpoint", "cannot read " + path);
  const std::string stored(reinterpret_cast<const char*>(block.data()) + kDigestMagicLen, 64);
  if (sha.hex_digest() != stored)
    throw Error("checkpoint", path + ": the file does not match its SHA-256 (corrupt checkpoint): refusing to read it");
}

// An HDF5 identifier closed on scope exit.
class Handle {
 public:
  Handle(hid_t id, herr_t (*close)(hid_t)) : id_(id), close_(close) {}
  ~Handle() { if (id_ >= 0) close_(id_); }
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;
  operator hid_t() const { return id_; }
  bool ok() const { return id_ >= 0; }

 private:
  hid_t id_;
  herr_t (*close_)(hid_t);
};

struct Writer {
  const std::string& path;
  hid_t file;

  void check(herr_t status, const std::string& what) const {
    if (status < 0) throw Error("checkpoint", "cannot write " + what + " to " + path);
  }
  // Creates the groups of a slash-separated dataset path.
  void ensure_groups(const std::string& name) const {
    for (std::size_t pos = name.find('/', 1); pos != std::string::npos; pos = name.find('/', pos + 1)) {
      const std::string group = name.substr(0, pos);
      if (H5Lexists(file, group.c_str(), H5P_DEFAULT) > 0) continue;
      Handle g(H5Gcreate2(file, group.c_str(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), H5Gclose);
      if (!g.ok()) throw Error("checkpoint", "cannot create group " + group + " in " + path);
    }
  }
  void tensor(const std::string& name, const at::Tensor& t) const {
    const at::Tensor c = t.detach().to(at::kCPU).contiguous();
    hid_t type;
    if (c.scalar_type() == at::kFloat) type = H5T_NATIVE_FLOAT;
    else if (c.scalar_type() == at::kInt) type = H5T_NATIVE_INT32;
    else throw Error("checkpoint", "tensor " + name + " has an unsupported dtype");
    ensure_groups(name);
    std::vector<hsize_t> dims(c.sizes().begin(), c.sizes().end());
    Handle space(H5Screate_simple(int(dims.size()), dims.data(), nullptr), H5Sclose);
    Handle ds(H5Dcreate2(file, name.c_str(), type, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), H5Dclose);
    if (!ds.ok()) throw Error("checkpoint", "cannot create dataset " + name + " in " + path);
    check(H5Dwrite(ds, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, c.data_ptr()), name);
    attribute(ds, "sha256", sha256_hex(c.data_ptr(), std::size_t(c.numel()) * c.element_size()));
  }
  void attribute(hid_t object, const std::string& name, const std::string& value) const {
    Handle type(H5Tcopy(H5T_C_S1), H5Tclose);
    H5Tset_size(type, value.empty() ? 1 : value.size());
    H5Tset_cset(type, H5T_CSET_UTF8);
    Handle space(H5Screate(H5S_SCALAR), H5Sclose);
    Handle a(H5Acreate2(object, name.c_str(), type, space, H5P_DEFAULT, H5P_DEFAULT), H5Aclose);
    check(a.ok() ? H5Awrite(a, type, value.empty() ? "" : value.c_str()) : -1, "attribute " + name);
  }
  template <typename T>
  void attribute(hid_t object, const std::string& name, T value, hid_t type) const {
    Handle space(H5Screate(H5S_SCALAR), H5Sclose);
    Handle a(H5Acreate2(object, name.c_str(), type, space, H5P_DEFAULT, H5P_DEFAULT), H5Aclose);
    check(a.ok() ? H5Awrite(a, type, &value) : -1, "attribute " + name);
  }
};

struct Reader {
  const std::string& path;
  hid_t file;

  [[noreturn]] void fail(const std::string& what) const {
    throw Error("checkpoint", path + ": " + what + " (truncated or corrupt checkpoint?)");
  }
  std::string text(hid_t object, const std::string& name) const {
    Handle a(H5Aopen(object, name.c_str(), H5P_DEFAULT), H5Aclose);
    if (!a.ok()) fail("attribute " + name + " is missing");
    Handle type(H5Aget_type(a), H5Tclose);
    if (H5Tget_class(type) != H5T_STRING) fail("attribute " + name + " is not a string");
    if (H5Tis_variable_str(type) > 0) {
      Handle mem(H5Tcopy(H5T_C_S1), H5Tclose);
      H5Tset_size(mem, H5T_VARIABLE);
      char* s = nullptr;
      if (H5Aread(a, mem, &s) < 0 || !s) fail("cannot read attribute " + name);
      std::string out(s);
      H5free_memory(s);
      return out;
    }
    std::vector<char> buffer(H5Tget_size(type) + 1, 0);
    if (H5Aread(a, type, buffer.data()) < 0) fail("cannot read attribute " + name);
    return std::string(buffer.data());
  }
  template <typename T>
  T number(const std::string& name, hid_t type) const {
    Handle a(H5Aopen(file, name.c_str(), H5P_DEFAULT), H5Aclose);
    if (!a.ok()) fail("attribute " + name + " is missing");
    T value{};
    if (H5Aread(a, type, &value) < 0) fail("cannot read attribute " + name);
    return value;
  }
  // Every dataset under `group`, recursively, by path relative to it.
  std::map<std::string, at::Tensor> datasets(const std::string& group) const {
    std::map<std::string, at::Tensor> out;
    if (H5Lexists(file, group.c_str(), H5P_DEFAULT) <= 0) return out;
    collect(group, "", out);
    return out;
  }
  void collect(const std::string& group, const std::string& prefix, std::map<std::string, at::Tensor>& out) const {
    Handle g(H5Gopen2(file, group.c_str(), H5P_DEFAULT), H5Gclose);
    H5G_info_t info;
    if (!g.ok() || H5Gget_info(g, &info) < 0) fail("cannot list " + group);
    for (hsize_t i = 0; i < info.nlinks; ++i) {
      char name[1024];
      if (H5Lget_name_by_idx(g, ".", H5_INDEX_NAME, H5_ITER_INC, i, name, sizeof name, H5P_DEFAULT) < 0)
        fail("cannot list " + group);
      const std::string child = group + "/" + name;
      H5O_type_t type;
      {
        Handle object(H5Oopen(file, child.c_str(), H5P_DEFAULT), H5Oclose);
        H5I_type_t kind = object.ok() ? H5Iget_type(object) : H5I_BADID;
        type = kind == H5I_GROUP ? H5O_TYPE_GROUP : kind == H5I_DATASET ? H5O_TYPE_DATASET : H5O_TYPE_UNKNOWN;
      }
      if (type == H5O_TYPE_GROUP) collect(child, prefix + name + "/", out);
      else if (type == H5O_TYPE_DATASET) out[prefix + name] = tensor(child);
      else fail("cannot open " + child);
    }
  }
  at::Tensor tensor(const std::string& name) const {
    Handle ds(H5Dopen2(file, name.c_str(), H5P_DEFAULT), H5Dclose);
    if (!ds.ok()) fail("dataset " + name + " is missing");
    Handle space(H5Dget_space(ds), H5Sclose);
    const int rank = H5Sget_simple_extent_ndims(space);
    if (rank < 0 || rank > 8) fail("dataset " + name + " has a bad rank");
    std::vector<hsize_t> dims(static_cast<std::size_t>(rank));
    H5Sget_simple_extent_dims(space, dims.data(), nullptr);
    Handle type(H5Dget_type(ds), H5Tclose);
    const bool is_float = H5Tget_class(type) == H5T_FLOAT;
    std::vector<std::int64_t> shape(dims.begin(), dims.end());
    at::Tensor t = at::empty(shape, is_float ? at::kFloat : at::kInt);
    if (H5Dread(ds, is_float ? H5T_NATIVE_FLOAT : H5T_NATIVE_INT32, H5S_ALL, H5S_ALL, H5P_DEFAULT, t.data_ptr()) < 0)
      fail("cannot read dataset " + name);
    if (text(ds, "sha256") != sha256_hex(t.data_ptr(), std::size_t(t.numel()) * t.element_size()))
      fail("dataset " + name + " does not match its SHA-256: the data is corrupt");
    return t;
  }
};

// SHA-256 over every attribute a reader uses (the root scalars and strings, then the /config
// attributes in name order), so a flipped byte outside the datasets is refused too.
std::string attributes_sha256(const Checkpoint& ck, const std::string& config_json,
                              const std::vector<std::pair<std::string, std::string>>& config_by_name) {
  Sha256 h;
  auto text = [&h](const std::string& s) {
    const std::uint64_t n = s.size();
    h.update(&n, sizeof n);
    h.update(s.data(), s.size());
  };
  h.update(&ck.step, sizeof ck.step);
  h.update(&ck.tokens_seen, sizeof ck.tokens_seen);
  h.update(&ck.sampler_seed, sizeof ck.sampler_seed);
  h.update(&ck.sampler_counter, sizeof ck.sampler_counter);
  h.update(&ck.optimizer.step, sizeof ck.optimizer.step);
  h.update(&ck.optimizer.heat, sizeof ck.optimizer.heat);
  // covered when not 1, so the checkpoints of one process hash as before world_size existed
  if (ck.world_size != 1) h.update(&ck.world_size, sizeof ck.world_size);
  text(ck.codebook);
  text(ck.codebook_sha256);
  text(config_json);
  for (const auto& [key, value] : config_by_name) {
    text(key);
    text(value);
  }
  return h.hex_digest();
}

void hash_tensor(Sha256& h, const at::Tensor& t) {
  const at::Tensor c = t.detach().to(at::kCPU).contiguous();
  h.update(c.data_ptr(), std::size_t(c.numel()) * c.element_size());
}

}  // namespace

std::string first_non_finite(const Checkpoint& ck) {
  if (!std::isfinite(ck.optimizer.heat)) return "heat";
  auto finite = [](const at::Tensor& t) { return !t.is_floating_point() || t.isfinite().all().item<bool>(); };
  for (const auto& [name, t] : ck.weights)
    if (!finite(t)) return "weights/" + name;
  for (const auto& [name, t] : ck.optimizer.tensors)
    if (!finite(t)) return "optimizer/" + name;
  return "";
}

void write_checkpoint(const std::string& path, const Checkpoint& ck) {
  // "The last good checkpoint" must be finite: a non-finite state is never written.
  if (const std::string bad = first_non_finite(ck); !bad.empty())
    throw Error("checkpoint", "refusing to write " + path + ": " + bad + " is not finite");
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
  // The file is built in memory (HDF5's core driver) and written by write_file_atomic, so a
  // full disk or an I/O error is one error from a plain write, never a half-open HDF5 file
  // that the library would try to flush again at exit.
  std::vector<std::uint8_t> image;
  {
    Handle fapl(H5Pcreate(H5P_FILE_ACCESS), H5Pclose);
    if (!fapl.ok() || H5Pset_fapl_core(fapl, 1 << 20, 0) < 0) throw Error("checkpoint", "cannot set up writing " + path);
    Handle fcpl(H5Pcreate(H5P_FILE_CREATE), H5Pclose);
    if (!fcpl.ok() || H5Pset_userblock(fcpl, kUserBlock) < 0) throw Error("checkpoint", "cannot set up writing " + path);
    Handle file(H5Fcreate(path.c_str(), H5F_ACC_TRUNC, fcpl, fapl), H5Fclose);
    if (!file.ok()) throw Error("checkpoint", "cannot create " + path + " in memory");
    Writer w{path, file};
    w.attribute(file, "format", std::string("pollux-checkpoint"));
    w.attribute(file, "format_version", kFormatVersion, H5T_NATIVE_INT);
    w.attribute(file, "step", ck.step, H5T_NATIVE_INT64);
    w.attribute(file, "tokens_seen", ck.tokens_seen, H5T_NATIVE_UINT64);
    w.attribute(file, "sampler_seed", ck.sampler_seed, H5T_NATIVE_UINT64);
    w.attribute(file, "sampler_counter", ck.sampler_counter, H5T_NATIVE_UINT64);
    w.attribute(file, "optimizer_step", ck.optimizer.step, H5T_NATIVE_INT64);
    w.attribute(file, "heat", ck.optimizer.heat, H5T_NATIVE_DOUBLE);
    w.attribute(file, "world_size", ck.world_size, H5T_NATIVE_INT);
    w.attribute(file, "codebook", ck.codebook);
    w.attribute(file, "codebook_sha256", ck.codebook_sha256);
    const std::string config_json = ck.config.to_json();
    w.attribute(file, "config_json", config_json);
    auto config_by_name = ck.config.entries();
    std::sort(config_by_name.begin(), config_by_name.end());
    w.attribute(file, "attributes_sha256", attributes_sha256(ck, config_json, config_by_name));
    Handle config(H5Gcreate2(file, "config", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), H5Gclose);
    for (const auto& [k, v] : config_by_name) w.attribute(config, k, v);
    for (const auto& [name, t] : ck.weights) w.tensor("weights/" + name, t);
    for (const auto& [name, t] : ck.optimizer.tensors) w.tensor("optimizer/" + name, t);
    if (H5Fflush(file, H5F_SCOPE_GLOBAL) < 0) throw Error("checkpoint", "cannot flush " + path + " in memory");
    const ssize_t size = H5Fget_file_image(file, nullptr, 0);
    if (size <= 0) throw Error("checkpoint", "cannot take the image of " + path);
    image.resize(std::size_t(size));
    if (H5Fget_file_image(file, image.data(), image.size()) != size) throw Error("checkpoint", "cannot take the image of " + path);
  }
  // The image starts at HDF5's base address, after the user block: the block is put before it.
  const std::string digest = kDigestMagic + sha256_hex(image.data(), image.size()) + "\n";
  std::vector<std::uint8_t> bytes(kUserBlock + image.size(), 0);
  std::memcpy(bytes.data(), digest.data(), digest.size());
  std::memcpy(bytes.data() + kUserBlock, image.data(), image.size());
  image = {};
  write_file_atomic(path, bytes);
}

bool is_checkpoint_file(const std::string& path) {
  const int fd = open_regular_file(path, "checkpoint");
  std::uint8_t head[kDigestMagicLen] = {};
  const bool full = ::read(fd, head, sizeof head) == ssize_t(sizeof head);
  ::close(fd);
  return full && (std::memcmp(head, kDigestMagic, kDigestMagicLen) == 0 || std::memcmp(head, kHdf5Signature, 8) == 0);
}

Checkpoint read_checkpoint(const std::string& path) {
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
  if (::access(path.c_str(), R_OK) != 0) throw Error("checkpoint", "cannot open " + path + ": no such readable file");
  check_file_digest(path);
  if (H5Fis_hdf5(path.c_str()) <= 0) throw Error("checkpoint", path + ": not an HDF5 file (truncated or corrupt checkpoint?)");
  Handle file(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose);
  if (!file.ok()) throw Error("checkpoint", path + ": cannot open as HDF5 (truncated or corrupt checkpoint?)");
  Reader r{path, file};
  if (r.text(file, "format") != "pollux-checkpoint") r.fail("not a pollux checkpoint (format attribute)");
  const int version = r.number<int>("format_version", H5T_NATIVE_INT);
  if (version != kFormatVersion) r.fail("checkpoint format version " + std::to_string(version) + " is not supported (this reader knows 1)");
  Checkpoint ck;
  ck.step = r.number<std::int64_t>("step", H5T_NATIVE_INT64);
  ck.tokens_seen = r.number<std::uint64_t>("tokens_seen", H5T_NATIVE_UINT64);
  ck.sampler_seed = r.number<std::uint64_t>("sampler_seed", H5T_NATIVE_UINT64);
  ck.sampler_counter = r.number<std::uint64_t>("sampler_counter", H5T_NATIVE_UINT64);
  ck.optimizer.step = r.number<std::int64_t>("optimizer_step", H5T_NATIVE_INT64);
  ck.optimizer.heat = r.number<double>("heat", H5T_NATIVE_DOUBLE);
  if (H5Aexists(file, "world_size") > 0) ck.world_size = r.number<int>("world_size", H5T_NATIVE_INT);
  if (ck.world_size < 1) r.fail("world_size attribute is " + std::to_string(ck.world_size));
  ck.codebook = r.text(file, "codebook");
  ck.codebook_sha256 = r.text(file, "codebook_sha256");
  const std::string config_json = r.text(file, "config_json");
  const std::string stored_sha256 = r.text(file, "attributes_sha256");
  std::vector<std::pair<std::string, std::string>> entries;
  {
    // Keys a later version added may be absent (they keep their defaults); keys that fix
    // the model and its training must be there.
    Handle config(H5Gopen2(file, "config", H5P_DEFAULT), H5Gclose);
    if (!config.ok()) r.fail("group /config is missing");
    std::vector<std::string> names;
    auto collect_name = [](hid_t, const char* name, const H5A_info_t*, void* out) -> herr_t {
      static_cast<std::vector<std::string>*>(out)->emplace_back(name);
      return 0;
    };
    if (H5Aiterate2(config, H5_INDEX_NAME, H5_ITER_INC, nullptr, collect_name, &names) < 0) r.fail("cannot list /config");
    std::vector<std::pair<std::string, std::string>> by_name;
    for (const std::string& name : names) by_name.emplace_back(name, r.text(config, name));
    if (attributes_sha256(ck, config_json, by_name) != stored_sha256)
      r.fail("attributes do not match attributes_sha256: the step, heat, sampler or configuration is corrupt");
    const auto& identity = config_identity_keys();
    for (const auto& [key, unused] : Config().entries())
      if (H5Aexists(config, key.c_str()) > 0 || std::count(identity.begin(), identity.end(), key))
        entries.emplace_back(key, r.text(config, key));
  }
  ck.config = config_from_entries(entries);
  const auto variant = lattice::parse_codebook_variant(ck.codebook, path + " codebook attribute");
  if (ck.config.quantizer == "lattice" && lattice::Codebook::get(variant).sha256() != ck.codebook_sha256)
    r.fail("codebook_sha256 does not match the " + ck.codebook + " codebook this program builds");
  ck.weights = r.datasets("weights");
  ck.optimizer.tensors = r.datasets("optimizer");
  return ck;
}

std::string weights_sha256(const Checkpoint& ck) {
  Sha256 h;
  std::map<std::string, std::function<void()>> parts;
  for (const auto& [name, t] : ck.weights) parts[name] = [&h, t] { hash_tensor(h, t); };
  for (const auto& [key, t] : ck.optimizer.tensors)
    if (key.rfind("indices/", 0) == 0) {
      const std::string name = key.substr(8);
      const at::Tensor sigma = ck.optimizer.tensors.at("sigma/" + name);
      parts[name] = [&h, t, sigma] { hash_tensor(h, t); hash_tensor(h, sigma); };
    }
  for (auto& [name, hash] : parts) {
    h.update(name.data(), name.size());
    hash();
  }
  return h.hex_digest();
}

std::string optimizer_sha256(const Checkpoint& ck) {
  Sha256 h;
  h.update(&ck.optimizer.step, sizeof ck.optimizer.step);
  h.update(&ck.optimizer.heat, sizeof ck.optimizer.heat);
  for (const auto& [name, t] : ck.optimizer.tensors) {
    h.update(name.data(), name.size());
    hash_tensor(h, t);
  }
  return h.hex_digest();
}

}  // namespace pollux
