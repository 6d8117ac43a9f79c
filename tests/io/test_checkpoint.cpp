// Checkpoints written in a stream and read in one pass (issue 21): every tensor comes back
// bit for bit, and every layout an earlier version wrote still reads.
#include <hdf5.h>

#include <unistd.h>

#include <filesystem>
#include <string>
#include <vector>

#include "pollux/base/error.h"
#include "pollux/base/file_io.h"
#include "pollux/base/sha256.h"
#include "pollux/io/checkpoint.h"
// Catch last: a LibTorch header included after it would redefine CHECK as c10's fatal check.
#include "../catch.h"
#include "../support/checkpoint_files.h"

namespace {

using namespace pollux;
namespace fs = std::filesystem;

std::string temp_path(const std::string& name) { return test::temp_path("checkpoint", name); }

Checkpoint mixed_checkpoint() {
  Checkpoint ck;
  ck.config.quantizer = QuantizerKind::none;
  ck.step = 3;
  ck.tokens_seen = 777;
  ck.codebook = "leech";
  ck.codebook_sha256 = "not checked when quantizer = none";
  ck.optimizer.step = 3;
  ck.optimizer.heat = 0.5;
  at::Generator gen = at::make_generator<at::CPUGeneratorImpl>(7);
  ck.weights["big"] = at::randn({300, 48}, gen);            // 57,600 bytes: aligned, viewed in place
  ck.weights["small"] = at::randn({5}, gen);                // 20 bytes, below the alignment threshold
  ck.weights["transposed"] = at::randn({24, 40}, gen).t();  // not contiguous in memory
  ck.optimizer.tensors["indices/w"] = at::randint(196560, {64, 2}, gen, at::kInt);
  ck.optimizer.tensors["sigma/w"] = at::rand({64}, gen);
  ck.optimizer.tensors["m/w"] = at::randn({64, 48}, gen);
  ck.optimizer.tensors["empty/w"] = at::zeros({0, 24});
  return ck;
}

void check_same(const Checkpoint& a, const Checkpoint& b) {
  REQUIRE(a.weights.size() == b.weights.size());
  REQUIRE(a.optimizer.tensors.size() == b.optimizer.tensors.size());
  for (const auto* side : {&a.weights, &a.optimizer.tensors}) {
    const auto& other = side == &a.weights ? b.weights : b.optimizer.tensors;
    for (const auto& [name, t] : *side) {
      INFO(name);
      REQUIRE(other.count(name) == 1);
      CHECK(other.at(name).scalar_type() == t.scalar_type());
      CHECK(other.at(name).sizes().equals(t.sizes()));
      CHECK(at::equal(other.at(name), t));
    }
  }
  CHECK(weights_sha256(a) == weights_sha256(b));
  CHECK(optimizer_sha256(a) == optimizer_sha256(b));
}

// Sets root attribute format_version, gives each dataset the sha256 attribute version 1 had,
// and restamps the whole-file digest: the file a80a437 and before wrote.
void make_version_1(const std::string& path) {
  const Checkpoint ck = read_checkpoint(path);
  hid_t file = H5Fopen(path.c_str(), H5F_ACC_RDWR, H5P_DEFAULT);
  REQUIRE(file >= 0);
  hid_t a = H5Aopen(file, "format_version", H5P_DEFAULT);
  const int one = 1;
  REQUIRE(H5Awrite(a, H5T_NATIVE_INT, &one) >= 0);
  H5Aclose(a);
  for (const auto* group : {&ck.weights, &ck.optimizer.tensors})
    for (const auto& [name, t] : *group) {
      const std::string full = (group == &ck.weights ? "weights/" : "optimizer/") + name;
      hid_t ds = H5Dopen2(file, full.c_str(), H5P_DEFAULT);
      REQUIRE(ds >= 0);
      const std::string digest = sha256_hex(t.data_ptr(), std::size_t(t.numel()) * t.element_size());
      hid_t type = H5Tcopy(H5T_C_S1);
      H5Tset_size(type, digest.size());
      hid_t space = H5Screate(H5S_SCALAR);
      hid_t attr = H5Acreate2(ds, "sha256", type, space, H5P_DEFAULT, H5P_DEFAULT);
      REQUIRE(H5Awrite(attr, type, digest.c_str()) >= 0);
      H5Aclose(attr);
      H5Sclose(space);
      H5Tclose(type);
      H5Dclose(ds);
    }
  H5Fclose(file);
  std::vector<std::uint8_t> bytes = read_file(path);
  const std::string digest = sha256_hex(bytes.data() + 512, bytes.size() - 512);
  std::copy(digest.begin(), digest.end(), bytes.begin() + 25);
  write_file_atomic(path, bytes);
}

// The file without its first 512 bytes: as the oldest checkpoints were, HDF5 from byte 0.
void strip_digest(const std::string& from, const std::string& to) {
  const std::vector<std::uint8_t> bytes = read_file(from);
  write_file_atomic(to, std::vector<std::uint8_t>(bytes.begin() + 512, bytes.end()));
}

}  // namespace

TEST_CASE("checkpoint: every tensor reads back bit for bit, the digest is SHA-256 of bytes 512 on", "[checkpoint]") {
  const std::string path = temp_path("roundtrip.h5");
  const Checkpoint ck = mixed_checkpoint();
  const CheckpointWrite w = write_checkpoint(path, ck);
  CHECK(w.bytes == fs::file_size(path));
  CHECK(w.seconds >= w.sync_seconds);
  CHECK_FALSE(fs::exists(path + ".tmp." + std::to_string(::getpid())));
  const Checkpoint back = read_checkpoint(path);
  check_same(ck, back);
  CHECK(back.step == 3);
  CHECK(back.optimizer.heat == 0.5);
  // A tensor read views the file's bytes; changing it changes neither the file nor its siblings.
  const at::Tensor m = back.optimizer.tensors.at("m/w");
  m.fill_(1.0f);
  check_same(ck, read_checkpoint(path));
  const std::vector<std::uint8_t> bytes = read_file(path);
  CHECK(std::string(bytes.begin(), bytes.begin() + 25) == "pollux-checkpoint sha256 ");
  CHECK(std::string(bytes.begin() + 25, bytes.begin() + 89) == sha256_hex(bytes.data() + 512, bytes.size() - 512));
  fs::remove(path);
}

TEST_CASE("checkpoint: version 1 files, with and without the whole-file digest, still read", "[checkpoint]") {
  const std::string path = temp_path("v1.h5"), bare = temp_path("v1_bare.h5");
  const Checkpoint ck = mixed_checkpoint();
  write_checkpoint(path, ck);
  make_version_1(path);
  check_same(ck, read_checkpoint(path));
  // Without the digest each dataset is checked against its own sha256 attribute.
  strip_digest(path, bare);
  check_same(ck, read_checkpoint(bare));
  std::vector<std::uint8_t> bytes = read_file(bare);
  const hsize_t offset = [&] {
    hid_t file = H5Fopen(bare.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
    hid_t ds = H5Dopen2(file, "optimizer/m/w", H5P_DEFAULT);
    const haddr_t at = H5Dget_offset(ds);
    H5Dclose(ds);
    H5Fclose(file);
    return at;
  }();
  bytes[offset + 100] ^= 0x01;
  write_file_atomic(bare, bytes);
  const std::string error = test::checkpoint_error(bare);
  CHECK(error.find("optimizer/m/w does not match its SHA-256") != std::string::npos);
  CHECK(error.find(bare) != std::string::npos);
  fs::remove(path);
  fs::remove(bare);
}

TEST_CASE("checkpoint: a version 2 file cut from its digest is refused", "[checkpoint]") {
  const std::string path = temp_path("v2.h5"), bare = temp_path("v2_bare.h5");
  write_checkpoint(path, mixed_checkpoint());
  strip_digest(path, bare);
  CHECK(test::checkpoint_error(bare).find("without its whole-file digest") != std::string::npos);
  fs::remove(path);
  fs::remove(bare);
}
