#include "pollux/io/checkpoint.h"

#include <hdf5.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "pollux/base/error.h"
#include "pollux/base/file_io.h"
#include "pollux/base/log.h"
#include "pollux/base/parallel.h"
#include "pollux/base/sha256.h"
#include "pollux/lattice/codebook.h"

namespace pollux {
namespace {

// 2: datasets carry no sha256 attribute of their own, the whole-file digest covers them (one
// hash pass per write and per read instead of two). Version 1 files are still read.
constexpr int kFormatVersion = 2;

// The whole-file digest (issue 15): HDF5 leaves the first 512 bytes to the user (its "user
// block"); ours holds this text, the SHA-256 of every byte after the block in hex, and zeros.
// The reader checks it before HDF5 parses anything, so no damaged structure (object
// headers, attribute tables, B-trees) reaches the library, which can crash on them.
constexpr std::size_t kUserBlock = 512;
constexpr char kDigestMagic[] = "pollux-checkpoint sha256 ";
constexpr std::size_t kDigestMagicLen = sizeof kDigestMagic - 1;
const unsigned char kHdf5Signature[8] = {0x89, 'H', 'D', 'F', '\r', '\n', 0x1a, '\n'};
// Reads and writes go in pieces of this size, so hashing can follow a read closely.
constexpr std::size_t kPiece = std::size_t(8) << 20;

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// The whole file read into memory and the SHA-256 of its bytes from `from` on, in one pass: a
// thread reads pieces ahead of the hashing. Read, not mapped: a mapping faults (SIGBUS) when
// another program truncates the file in place while it is read (issue 29); a read reports
// it. The tensors view the buffer (freed with the last of them).
std::shared_ptr<std::uint8_t> read_hashed(const File& file, std::size_t size, std::size_t from, std::string& digest) {
  std::shared_ptr<std::uint8_t> buffer(static_cast<std::uint8_t*>(std::malloc(std::max<std::size_t>(size, 1))), std::free);
  if (!buffer) throw Error("checkpoint", "cannot read " + file.path() + ": " + std::strerror(ENOMEM));
  std::mutex mutex;
  std::condition_variable arrived;
  std::size_t done = 0;  // bytes read so far, under `mutex`
  std::exception_ptr failure;
  std::thread reader([&] {
    for (std::size_t at = 0; at < size;) {
      const std::size_t n = std::min(kPiece, size - at);
      try {
        file.read_at(buffer.get() + at, n, at);
      } catch (...) {
        std::lock_guard<std::mutex> lock(mutex);
        failure = std::current_exception();
        arrived.notify_one();
        return;
      }
      at += n;
      std::lock_guard<std::mutex> lock(mutex);
      done = at;
      arrived.notify_one();
    }
  });
  Sha256 sha;
  for (std::size_t hashed = from; hashed < size;) {
    std::size_t ready;
    {
      std::unique_lock<std::mutex> lock(mutex);
      arrived.wait(lock, [&] { return done > hashed || failure; });
      if (failure) break;
      ready = done;
    }
    sha.update(buffer.get() + hashed, ready - hashed);
    hashed = ready;
  }
  reader.join();
  if (failure) std::rethrow_exception(failure);
  digest = sha.hex_digest();
  return buffer;
}

// Whether every float of `n` is finite (exponent bits not all ones), without allocating.
bool all_finite(const float* data, std::size_t n) {
  std::uint32_t worst = 0;
  for (std::size_t i = 0; i < n; ++i) {
    std::uint32_t bits;
    std::memcpy(&bits, data + i, 4);
    worst = std::max(worst, bits & 0x7f800000u);
  }
  return worst != 0x7f800000u;
}

// An HDF5 identifier closed on scope exit.
class Handle {
 public:
  Handle(hid_t id, herr_t (*close)(hid_t)) : id_(id), close_(close) {}
  ~Handle() {
    if (id_ >= 0) close_(id_);
  }
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;
  operator hid_t() const { return id_; }
  bool ok() const { return id_ >= 0; }
  // Closes now, reporting a failure.
  bool close() {
    const hid_t id = id_;
    id_ = -1;
    return close_(id) >= 0;
  }

 private:
  hid_t id_;
  herr_t (*close_)(hid_t);
};

// A dataset whose raw bytes the writer puts into the file itself, at the address HDF5 gave it.
struct Region {
  std::uint64_t offset = 0;
  at::Tensor data;  // CPU, contiguous
  std::size_t bytes() const { return std::size_t(data.numel()) * data.element_size(); }
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
  // Creates the dataset with its storage allocated now and never filled: its bytes are
  // written later, straight from the tensor, at the returned region's offset.
  Region tensor(const std::string& name, const at::Tensor& t) const {
    Region r;
    r.data = t.detach().to(at::kCPU).contiguous();
    hid_t type;
    if (r.data.scalar_type() == at::kFloat)
      type = H5T_NATIVE_FLOAT;
    else if (r.data.scalar_type() == at::kInt)
      type = H5T_NATIVE_INT32;
    else
      throw Error("checkpoint", "tensor " + name + " has an unsupported dtype");
    ensure_groups(name);
    std::vector<hsize_t> dims(r.data.sizes().begin(), r.data.sizes().end());
    Handle space(H5Screate_simple(int(dims.size()), dims.data(), nullptr), H5Sclose);
    Handle dcpl(H5Pcreate(H5P_DATASET_CREATE), H5Pclose);
    if (!dcpl.ok() || H5Pset_layout(dcpl, H5D_CONTIGUOUS) < 0 || H5Pset_alloc_time(dcpl, H5D_ALLOC_TIME_EARLY) < 0 ||
        H5Pset_fill_time(dcpl, H5D_FILL_TIME_NEVER) < 0)
      throw Error("checkpoint", "cannot set up dataset " + name + " in " + path);
    Handle ds(H5Dcreate2(file, name.c_str(), type, space, H5P_DEFAULT, dcpl, H5P_DEFAULT), H5Dclose);
    if (!ds.ok()) throw Error("checkpoint", "cannot create dataset " + name + " in " + path);
    if (r.bytes() > 0) {
      r.offset = H5Dget_offset(ds);
      if (r.offset == HADDR_UNDEF || r.offset < kUserBlock)
        throw Error("checkpoint", "cannot place dataset " + name + " in " + path);
    }
    return r;
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
  // The verified bytes after the user block, or null for a file written before the
  // whole-file digest (then each dataset's own sha256 attribute is checked).
  std::shared_ptr<std::uint8_t> body;
  std::uint64_t file_size = 0;

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
  // Every dataset under `group`, recursively, by path relative to it. Without a whole-file
  // digest each is checked against its own sha256 attribute, on all cores.
  std::map<std::string, at::Tensor> datasets(const std::string& group) const {
    std::map<std::string, at::Tensor> out;
    if (H5Lexists(file, group.c_str(), H5P_DEFAULT) <= 0) return out;
    std::vector<std::pair<std::string, std::string>> digests;  // (name, stored sha256)
    collect(group, "", out, digests);
    std::vector<std::string> bad(digests.size());
    parallel_for(digests.size(), 0, 1, [&](std::size_t begin, std::size_t end) {
      for (std::size_t i = begin; i < end; ++i) {
        const at::Tensor& t = out.at(digests[i].first);
        if (digests[i].second != sha256_hex(t.data_ptr(), std::size_t(t.numel()) * t.element_size())) bad[i] = digests[i].first;
      }
    });
    for (const std::string& name : bad)
      if (!name.empty()) fail("dataset " + group + "/" + name + " does not match its SHA-256: the data is corrupt");
    return out;
  }
  void collect(const std::string& group, const std::string& prefix, std::map<std::string, at::Tensor>& out,
               std::vector<std::pair<std::string, std::string>>& digests) const {
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
      if (type == H5O_TYPE_GROUP) {
        collect(child, prefix + name + "/", out, digests);
      } else if (type == H5O_TYPE_DATASET) {
        Handle ds(H5Dopen2(file, child.c_str(), H5P_DEFAULT), H5Dclose);
        if (!ds.ok()) fail("dataset " + child + " is missing");
        out[prefix + name] = tensor(ds, child);
        if (!body) digests.emplace_back(prefix + name, text(ds, "sha256"));
      } else {
        fail("cannot open " + child);
      }
    }
  }
  at::Tensor tensor(hid_t ds, const std::string& name) const {
    Handle space(H5Dget_space(ds), H5Sclose);
    const int rank = H5Sget_simple_extent_ndims(space);
    if (rank < 0 || rank > 8) fail("dataset " + name + " has a bad rank");
    std::vector<hsize_t> dims(static_cast<std::size_t>(rank));
    H5Sget_simple_extent_dims(space, dims.data(), nullptr);
    Handle type(H5Dget_type(ds), H5Tclose);
    const bool is_float = H5Tget_class(type) == H5T_FLOAT;
    const hid_t native = is_float ? H5T_NATIVE_FLOAT : H5T_NATIVE_INT32;
    std::vector<std::int64_t> shape(dims.begin(), dims.end());
    const auto options = at::TensorOptions().dtype(is_float ? at::kFloat : at::kInt);
    // The checksummed bytes already in memory, when the dataset lies in them as one aligned
    // run of native values: the tensor views them (no copy, no second read).
    const haddr_t offset = H5Dget_offset(ds);
    std::uint64_t elements = 1;
    for (hsize_t d : dims) elements *= d;
    const std::uint64_t bytes = elements * 4;
    if (body && offset != HADDR_UNDEF && offset >= kUserBlock && offset <= file_size && bytes <= file_size - offset &&
        offset % 4 == 0 && H5Tequal(type, native) > 0 && H5Dget_storage_size(ds) == bytes) {
      std::shared_ptr<std::uint8_t> keep = body;
      return at::from_blob(
          body.get() + (offset - kUserBlock), shape, [keep](void*) mutable { keep.reset(); }, options);
    }
    at::Tensor t = at::empty(shape, options);
    if (H5Dread(ds, native, H5S_ALL, H5S_ALL, H5P_DEFAULT, t.data_ptr()) < 0) fail("cannot read dataset " + name);
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
  if (!ck.origin.empty()) {  // covered only when there, so the other checkpoints hash as before it existed
    text(ck.origin.path);
    text(ck.origin.sha256);
    h.update(&ck.origin.step, sizeof ck.origin.step);
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
  auto finite = [](const at::Tensor& t) {
    if (!t.is_floating_point()) return true;
    if (t.device().is_cpu() && t.scalar_type() == at::kFloat && t.is_contiguous()) {
      std::atomic<bool> ok{true};
      parallel_for(std::size_t(t.numel()), 0, std::size_t(1) << 20, [&](std::size_t begin, std::size_t end) {
        if (!all_finite(t.data_ptr<float>() + begin, end - begin)) ok = false;
      });
      return bool(ok);
    }
    return t.isfinite().all().item<bool>();
  };
  for (const auto& [name, t] : ck.weights)
    if (!finite(t)) return "weights/" + name;
  for (const auto& [name, t] : ck.optimizer.tensors)
    if (!finite(t)) return "optimizer/" + name;
  return "";
}

namespace {

// A full disk is best found before HDF5 writes anything: a failing H5Fclose can leave the
// library holding the file.
void check_free_space(const std::string& path, const Checkpoint& ck) {
  double data_bytes = 0;
  for (const auto* group : {&ck.weights, &ck.optimizer.tensors})
    for (const auto& [name, t] : *group) data_bytes += double(t.numel()) * double(t.element_size());
  struct statvfs fs {};
  const std::string dir = path.find('/') == std::string::npos ? "." : path.substr(0, path.rfind('/') + 1);
  if (::statvfs(dir.c_str(), &fs) == 0 && double(fs.f_bavail) * double(fs.f_frsize) < data_bytes + (1 << 20))
    throw Error("checkpoint", "cannot write " + path + ": " + std::strerror(ENOSPC) +
                                  strprintf(" (%.1f MB needed, %.1f MB free)", 1e-6 * data_bytes,
                                            1e-6 * double(fs.f_bavail) * double(fs.f_frsize)));
}

// HDF5 writes only the structure into `tmp`: the attributes, the groups, each dataset's header
// and its storage, allocated but never filled. Returns the datasets in file order.
std::vector<Region> write_structure(const std::string& tmp, const std::string& path, const Checkpoint& ck) {
  std::vector<Region> regions;
  Handle fapl(H5Pcreate(H5P_FILE_ACCESS), H5Pclose);
  // Datasets of 4 KiB or more start on a 64-byte boundary, so a reader can view them in place.
  if (!fapl.ok() || H5Pset_alignment(fapl, 4096, 64) < 0) throw Error("checkpoint", "cannot set up writing " + path);
  Handle fcpl(H5Pcreate(H5P_FILE_CREATE), H5Pclose);
  if (!fcpl.ok() || H5Pset_userblock(fcpl, kUserBlock) < 0) throw Error("checkpoint", "cannot set up writing " + path);
  Handle file(H5Fcreate(tmp.c_str(), H5F_ACC_TRUNC, fcpl, fapl), H5Fclose);
  if (!file.ok()) throw Error("checkpoint", "cannot create " + tmp + ": " + std::strerror(errno));
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
  if (!ck.origin.empty()) {
    w.attribute(file, "init_from", ck.origin.path);
    w.attribute(file, "init_from_sha256", ck.origin.sha256);
    w.attribute(file, "init_from_step", ck.origin.step, H5T_NATIVE_INT64);
  }
  const std::string config_json = ck.config.to_json();
  w.attribute(file, "config_json", config_json);
  auto config_by_name = ck.config.entries();
  std::sort(config_by_name.begin(), config_by_name.end());
  w.attribute(file, "attributes_sha256", attributes_sha256(ck, config_json, config_by_name));
  {
    Handle config(H5Gcreate2(file, "config", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), H5Gclose);
    for (const auto& [k, v] : config_by_name) w.attribute(config, k, v);
  }
  for (const auto& [name, t] : ck.weights) regions.push_back(w.tensor("weights/" + name, t));
  for (const auto& [name, t] : ck.optimizer.tensors) regions.push_back(w.tensor("optimizer/" + name, t));
  if (!file.close()) throw Error("checkpoint", "cannot write " + tmp + ": " + std::strerror(errno ? errno : EIO));
  std::sort(regions.begin(), regions.end(), [](const Region& a, const Region& b) { return a.offset < b.offset; });
  return regions;
}

// HDF5's own bytes after the user block: the gaps before, between and after the datasets,
// read back (they are small).
std::vector<std::vector<std::uint8_t>> read_gaps(const File& file, const std::vector<Region>& regions, std::uint64_t size,
                                                 const std::string& path) {
  std::vector<std::vector<std::uint8_t>> gaps;
  std::uint64_t at = kUserBlock;
  for (const Region& r : regions) {
    if (r.bytes() == 0) continue;
    if (r.offset < at || r.offset + r.bytes() > size) throw Error("checkpoint", "cannot place the datasets of " + path);
    gaps.emplace_back(r.offset - at);
    file.read_at(gaps.back().data(), gaps.back().size(), at);
    at = r.offset + r.bytes();
  }
  gaps.emplace_back(size - at);
  file.read_at(gaps.back().data(), gaps.back().size(), at);
  return gaps;
}

struct Filled {
  std::string digest;  // of every byte after the user block
  bool finite = true;
  double written_at = 0, hashed_at = 0;  // seconds since the write began
};

// One pass: a thread puts the tensors' bytes into the file and flushes them to the disk while
// this one hashes the file in order from the same memory, checking each float finite. Once a
// tensor is not, the writer stops (the file will be removed).
Filled fill_and_hash(const File& file, const std::vector<Region>& regions, const std::vector<std::vector<std::uint8_t>>& gaps,
                     std::chrono::steady_clock::time_point start) {
  Filled out;
  std::exception_ptr failure;
  std::atomic<bool> abandon{false};
  std::thread writer([&] {
    try {
      for (const Region& r : regions) {
        const auto* bytes = static_cast<const std::uint8_t*>(r.data.data_ptr());
        for (std::size_t done = 0; done < r.bytes() && !abandon; done += kPiece) {
          const std::size_t n = std::min(kPiece, r.bytes() - done);
          file.write_at(bytes + done, n, r.offset + done);
        }
      }
      if (abandon) return;
      out.written_at = seconds_since(start);
      file.sync_data();
    } catch (...) { failure = std::current_exception(); }
  });
  Sha256 sha;
  std::size_t gap = 0;
  for (const Region& r : regions) {
    if (r.bytes() == 0) continue;
    sha.update(gaps[gap].data(), gaps[gap].size());
    ++gap;
    const auto* bytes = static_cast<const std::uint8_t*>(r.data.data_ptr());
    // In pieces that stay in cache between the finiteness check and the hash.
    constexpr std::size_t kCached = std::size_t(1) << 18;
    for (std::size_t at = 0; at < r.bytes() && out.finite; at += kCached) {
      const std::size_t n = std::min(kCached, r.bytes() - at);
      if (r.data.scalar_type() == at::kFloat) out.finite = all_finite(reinterpret_cast<const float*>(bytes + at), n / 4);
      sha.update(bytes + at, n);
    }
  }
  abandon = !out.finite;
  sha.update(gaps[gap].data(), gaps[gap].size());
  out.hashed_at = seconds_since(start);
  writer.join();
  if (failure) std::rethrow_exception(failure);
  out.digest = sha.hex_digest();
  return out;
}

// The user block: the magic text and the whole-file digest, then zeros.
void write_digest(const File& file, const std::string& digest) {
  std::vector<std::uint8_t> block(kUserBlock, 0);
  const std::string text = kDigestMagic + digest + "\n";
  std::memcpy(block.data(), text.data(), text.size());
  file.write_at(block.data(), block.size(), 0);
}

}  // namespace

CheckpointWrite write_checkpoint(const OutputFile& out, const Checkpoint& ck) {
  const auto start = std::chrono::steady_clock::now();
  const std::string& path = out.path();
  // "The last good checkpoint" must be finite: a non-finite state is never written. The
  // tensors are checked as they are hashed; a file begun for a state that is not is removed.
  auto refuse_non_finite = [&] {
    throw Error("checkpoint", "refusing to write " + path + ": " + first_non_finite(ck) + " is not finite");
  };
  if (!std::isfinite(ck.optimizer.heat)) refuse_non_finite();
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
  // Written to the output's temporary file (removed by `out` on an error or a signal), which
  // the caller commits. The tensors' bytes go from their memory to the file once, while the
  // same bytes are hashed for the whole-file digest: nothing the size of the file is ever held
  // in memory.
  check_free_space(path, ck);
  const std::vector<Region> regions = write_structure(out.tmp(), path, ck);
  File file = File::update(out.tmp(), "checkpoint");
  const std::uint64_t size = file.size();
  // The datasets' storage is a hole until written: its blocks are reserved first, where the
  // file system can, so that a full disk is found before any byte is written. The bytes go in
  // by positional writes (File::write_at) of 8 MiB pieces; shared-mapping windows were slower
  // (experiments/io.md).
  file.reserve(size);
  const Filled filled = fill_and_hash(file, regions, read_gaps(file, regions, size, path), start);
  if (!filled.finite) refuse_non_finite();
  write_digest(file, filled.digest);
  file.sync_and_close();
  CheckpointWrite w;
  w.bytes = size;
  w.seconds = seconds_since(start);
  w.sync_seconds = w.seconds - std::max(filled.written_at, filled.hashed_at);
  return w;
}

CheckpointWrite write_checkpoint(const std::string& path, const Checkpoint& ck, const std::string& flag) {
  const auto start = std::chrono::steady_clock::now();
  OutputFile out(path, flag);
  CheckpointWrite w = write_checkpoint(out, ck);
  out.commit();
  w.sync_seconds += seconds_since(start) - w.seconds;  // the rename and the folder's fsync
  w.seconds = seconds_since(start);
  log::info(strprintf("checkpoint %s: %.1f MB written in %.2f s (%.0f MB/s; %.2f s of it waiting for the disk)", path.c_str(),
                      1e-6 * double(w.bytes), w.seconds, 1e-6 * double(w.bytes) / std::max(w.seconds, 1e-9), w.sync_seconds));
  return w;
}

bool is_checkpoint_file(const std::string& path) {
  std::uint8_t head[kDigestMagicLen] = {};
  const bool full = File::read(path, "checkpoint").read_up_to(head, sizeof head) == sizeof head;
  return full && (std::memcmp(head, kDigestMagic, kDigestMagicLen) == 0 || std::memcmp(head, kHdf5Signature, 8) == 0);
}

Checkpoint read_checkpoint(const std::string& path) {
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
  if (::access(path.c_str(), R_OK) != 0) throw Error("checkpoint", "cannot open " + path + ": no such readable file");
  const File in = File::read(path, "checkpoint");
  const std::uint64_t size = in.size();
  std::uint8_t block[kUserBlock] = {};
  const std::size_t head = std::size_t(std::min<std::uint64_t>(size, kUserBlock));
  in.read_at(block, head, 0);
  // The file is read once into memory while it is hashed, then HDF5 parses the structure and
  // each tensor views its bytes in that memory. A file written before the whole-file
  // digest (it starts with the HDF5 signature) is read by HDF5 and checked per dataset.
  std::shared_ptr<std::uint8_t> file_bytes, body;  // body: the bytes after the user block
  std::string file_sha256;                         // the checked digest of the body
  const bool legacy = head >= 8 && std::memcmp(block, kHdf5Signature, 8) == 0;
  if (!legacy) {
    if (head < kUserBlock || std::memcmp(block, kDigestMagic, kDigestMagicLen) != 0)
      throw Error("checkpoint",
                  path + ": not a pollux checkpoint (no whole-file digest in its first 512 bytes; truncated or corrupt?)");
    std::string digest;
    file_bytes = read_hashed(in, std::size_t(size), kUserBlock, digest);
    body = std::shared_ptr<std::uint8_t>(file_bytes, file_bytes.get() + kUserBlock);
    const std::string stored(reinterpret_cast<const char*>(block) + kDigestMagicLen, 64);
    if (digest != stored)
      throw Error("checkpoint", path + ": the file does not match its SHA-256 (corrupt checkpoint): refusing to read it");
    file_sha256 = digest;
  }
  // HDF5 opens the very file just read (through its descriptor), even if PATH was replaced since.
  const std::string same_file = "/proc/self/fd/" + std::to_string(in.fd());
  const std::string open_path = ::access(same_file.c_str(), R_OK) == 0 ? same_file : path;
  if (H5Fis_hdf5(open_path.c_str()) <= 0)
    throw Error("checkpoint", path + ": not an HDF5 file (truncated or corrupt checkpoint?)");
  Handle file(H5Fopen(open_path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose);
  if (!file.ok()) throw Error("checkpoint", path + ": cannot open as HDF5 (truncated or corrupt checkpoint?)");
  Reader r{path, file, body, size};
  if (r.text(file, "format") != "pollux-checkpoint") r.fail("not a pollux checkpoint (format attribute)");
  const int version = r.number<int>("format_version", H5T_NATIVE_INT);
  if (version < 1 || version > kFormatVersion)
    r.fail("checkpoint format version " + std::to_string(version) + " is not supported (this reader knows 1 and 2)");
  if (version >= 2 && legacy) r.fail("a version-2 checkpoint without its whole-file digest (the first 512 bytes were cut off)");
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
  if (H5Aexists(file, "init_from") > 0) {
    ck.origin.path = r.text(file, "init_from");
    ck.origin.sha256 = r.text(file, "init_from_sha256");
    ck.origin.step = r.number<std::int64_t>("init_from_step", H5T_NATIVE_INT64);
    if (ck.origin.empty()) r.fail("init_from attribute is empty");
  }
  ck.file_sha256 = file_sha256;
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
    const auto identity = config_identity_keys();
    for (const auto& [key, unused] : Config().entries())
      if (H5Aexists(config, key.c_str()) > 0 || std::count(identity.begin(), identity.end(), key))
        entries.emplace_back(key, r.text(config, key));
  }
  ck.config = config_from_entries(entries);
  const auto variant = lattice::parse_codebook_variant(ck.codebook, path + " codebook attribute");
  if (ck.config.quantizer == QuantizerKind::lattice && lattice::Codebook::get(variant).sha256() != ck.codebook_sha256)
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
      parts[name] = [&h, t, sigma] {
        hash_tensor(h, t);
        hash_tensor(h, sigma);
      };
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
