// Hand-made corrupt inputs, one row per way a reader or writer could be fooled (issue 15).
#include <hdf5.h>

#include <sys/stat.h>
#include <unistd.h>

#include <ATen/core/grad_mode.h>

#include <cmath>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "../support/checkpoint_files.h"
#include "../support/fixtures.h"
#include "../support/small_model.h"
#include "../support/torch_save.h"
#include "pollux/base/error.h"
#include "pollux/base/file_io.h"
#include "pollux/base/printable.h"
#include "pollux/base/sha256.h"
#include "pollux/config/config.h"
#include "pollux/io/checkpoint.h"
#include "pollux/io/reference_import.h"
#include "pollux/lattice/plx.h"
#include "pollux/model/memory_plan.h"
#include "pollux/model/model.h"
#include "pollux/runtime/generate.h"
#include "pollux/runtime/model_file.h"
// Catch last: a LibTorch header included after it would redefine CHECK as c10's fatal check.
#include "../catch.h"

namespace {

using namespace pollux;
namespace fs = std::filesystem;

std::string temp_path(const std::string& name) { return test::temp_path("reliability", name); }

Checkpoint small_checkpoint() {
  Checkpoint ck = test::small_continuous_checkpoint();
  ck.config.seed = 5;
  return ck;
}

// Overwrites attribute `name` of `object` in place, keeping its type: a flipped value.
void overwrite_number(const std::string& path, const std::string& name, double value) {
  hid_t file = H5Fopen(path.c_str(), H5F_ACC_RDWR, H5P_DEFAULT);
  REQUIRE(file >= 0);
  hid_t a = H5Aopen(file, name.c_str(), H5P_DEFAULT);
  REQUIRE(a >= 0);
  hid_t type = H5Aget_type(a);
  if (H5Tget_class(type) == H5T_FLOAT) {
    REQUIRE(H5Awrite(a, H5T_NATIVE_DOUBLE, &value) >= 0);
  } else {
    const long long v = (long long)value;
    REQUIRE(H5Awrite(a, H5T_NATIVE_LLONG, &v) >= 0);
  }
  H5Tclose(type);
  H5Aclose(a);
  H5Fclose(file);
}

// Replaces string attribute `name` of `object` with one of the same type and stored size.
void overwrite_text(const std::string& path, const std::string& object, const std::string& name, const std::string& value) {
  hid_t file = H5Fopen(path.c_str(), H5F_ACC_RDWR, H5P_DEFAULT);
  REQUIRE(file >= 0);
  hid_t owner = H5Oopen(file, object.c_str(), H5P_DEFAULT);
  REQUIRE(owner >= 0);
  hid_t old = H5Aopen(owner, name.c_str(), H5P_DEFAULT);
  REQUIRE(old >= 0);
  hid_t type = H5Aget_type(old);
  H5Aclose(old);
  REQUIRE(H5Adelete(owner, name.c_str()) >= 0);
  hid_t space = H5Screate(H5S_SCALAR);
  hid_t a = H5Acreate2(owner, name.c_str(), type, space, H5P_DEFAULT, H5P_DEFAULT);
  REQUIRE(a >= 0);
  std::string padded = value;
  padded.resize(H5Tget_size(type), '\0');
  REQUIRE(H5Awrite(a, type, padded.data()) >= 0);
  H5Aclose(a);
  H5Sclose(space);
  H5Tclose(type);
  H5Oclose(owner);
  H5Fclose(file);
}

// Rewrites the whole-file digest in the first 512 bytes to match the file as it now is, as a
// forger would: what is left to catch a changed attribute is attributes_sha256.
void restamp_file_digest(const std::string& path) {
  std::vector<std::uint8_t> bytes = read_file(path);
  REQUIRE(bytes.size() > 512);
  const std::string prefix = "pollux-checkpoint sha256 ";
  REQUIRE(std::string(bytes.begin(), bytes.begin() + long(prefix.size())) == prefix);
  const std::string digest = sha256_hex(bytes.data() + 512, bytes.size() - 512);
  std::copy(digest.begin(), digest.end(), bytes.begin() + long(prefix.size()));
  write_file_atomic(path, bytes);
}

}  // namespace

TEST_CASE("reliability: a checkpoint with one changed attribute is refused", "[reliability]") {
  const std::string path = temp_path("attr.h5");
  write_checkpoint(path, small_checkpoint());
  REQUIRE(test::checkpoint_error(path).empty());
  REQUIRE(read_checkpoint(path).optimizer.heat == 0.99);

  struct Row {
    const char* what;
    std::function<void(const std::string&)> corrupt;
  };
  const std::vector<Row> table = {
      {"heat doubled", [](const std::string& p) { overwrite_number(p, "heat", 1.98); }},
      {"step", [](const std::string& p) { overwrite_number(p, "step", 9); }},
      {"tokens_seen", [](const std::string& p) { overwrite_number(p, "tokens_seen", 4097); }},
      {"sampler_seed", [](const std::string& p) { overwrite_number(p, "sampler_seed", 12); }},
      {"sampler_counter", [](const std::string& p) { overwrite_number(p, "sampler_counter", 0); }},
      {"optimizer_step", [](const std::string& p) { overwrite_number(p, "optimizer_step", 7); }},
      {"/config seed", [](const std::string& p) { overwrite_text(p, "config", "seed", "6"); }},
      {"/config lr", [](const std::string& p) { overwrite_text(p, "config", "lr", "9e-3"); }},
      {"config_json", [](const std::string& p) { overwrite_text(p, ".", "config_json", "{}"); }},
  };
  for (const Row& row : table) {
    SECTION(row.what) {
      const std::string copy = temp_path("attr_copy.h5");
      fs::copy_file(path, copy, fs::copy_options::overwrite_existing);
      row.corrupt(copy);
      CHECK(test::checkpoint_error(copy).find("does not match its SHA-256") != std::string::npos);
      restamp_file_digest(copy);
      const std::string error = test::checkpoint_error(copy);
      CHECK(error.find("attributes_sha256") != std::string::npos);
      CHECK(error.find(copy) != std::string::npos);
      fs::remove(copy);
    }
  }
  fs::remove(path);
}

TEST_CASE("reliability: a checkpoint with one changed byte anywhere is refused before HDF5 parses it", "[reliability]") {
  const std::string path = temp_path("bytes.h5");
  write_checkpoint(path, small_checkpoint());
  const std::vector<std::uint8_t> good = read_file(path);
  // The superblock, an object header, the attribute heap, the data and the last byte:
  // HDF5 itself can crash on damaged structures (found by tests/fuzz, case 244 of seed 1).
  for (std::size_t at : {std::size_t(512), std::size_t(600), std::size_t(1000), good.size() / 2, good.size() - 1}) {
    INFO("byte " << at);
    std::vector<std::uint8_t> bad = good;
    bad[at] ^= 0x10;
    write_file_atomic(path, bad);
    const std::string error = test::checkpoint_error(path);
    CHECK(error.find("does not match its SHA-256") != std::string::npos);
    CHECK(error.find(path) != std::string::npos);
  }
  std::vector<std::uint8_t> bad = good;
  bad[3] ^= 0x10;  // the digest's own header
  write_file_atomic(path, bad);
  CHECK(test::checkpoint_error(path).find("no whole-file digest") != std::string::npos);
  fs::remove(path);
}

TEST_CASE("reliability: a non-finite state is never written as a checkpoint", "[reliability]") {
  struct Row {
    const char* what;
    std::function<void(Checkpoint&)> spoil;
    const char* named;
  };
  const std::vector<Row> table = {
      {"nan weight", [](Checkpoint& ck) { ck.weights["w"][1][2] = NAN; }, "weights/w"},
      {"inf moment", [](Checkpoint& ck) { ck.optimizer.tensors["m/w"][0][0] = INFINITY; }, "optimizer/m/w"},
      {"nan heat", [](Checkpoint& ck) { ck.optimizer.heat = NAN; }, "heat"},
  };
  for (const Row& row : table) {
    SECTION(row.what) {
      Checkpoint ck = small_checkpoint();
      row.spoil(ck);
      CHECK(first_non_finite(ck) == row.named);
      const std::string path = temp_path("nan.h5");
      CHECK_THROWS_WITH(write_checkpoint(path, ck), Catch::Contains("is not finite"));
      CHECK_FALSE(fs::exists(path));
    }
  }
  CHECK(first_non_finite(small_checkpoint()).empty());
}

TEST_CASE("reliability: a loss that is not finite is an error, not a number", "[reliability]") {
  const ModelConfig c = test::small_model(1, 8);
  PolluxModel model(c, 7, at::kCPU);
  std::vector<std::uint16_t> tokens(20, 65);
  REQUIRE(std::isfinite(evaluate_loss(model, tokens.data(), tokens.size(), 2).mean_loss));
  {
    at::NoGradGuard no_grad;
    model.parameters().front().value.fill_(NAN);
  }
  CHECK_THROWS_WITH(evaluate_loss(model, tokens.data(), tokens.size(), 2), Catch::Contains("not finite"));
}

namespace {

// The reference v4 file with its config JSON replaced (and its version set), written back.
std::string plx_with_config(const std::string& name, int version, const std::string& from, const std::string& to) {
  lattice::PlxFile file = lattice::read_plx(test::reference_dir() + "/reference_tiny_v4.plx");
  const std::size_t at = file.config_json.find(from);
  REQUIRE(at != std::string::npos);
  file.config_json.replace(at, from.size(), to);
  file.version = std::uint8_t(version);
  const std::string path = temp_path(name);
  lattice::write_plx(file, path);
  return path;
}

std::string load_error(const std::string& path) {
  try {
    load_model(path, at::kCPU);
  } catch (const Error& e) { return e.what(); }
  return "";
}

}  // namespace

TEST_CASE("reliability: sizes in a .plx config are capped by what its tensors hold", "[reliability][fixture]") {
  if (test::reference_dir().empty()) POLLUX_SKIP_NO_FIXTURES("shared/reference not found");
  const std::string reference = test::reference_dir() + "/reference_tiny_v4.plx";
  const std::string json = lattice::read_plx(reference).config_json;
  const auto key = [&](const std::string& k) {
    const std::size_t at = json.find("\"" + k + "\"");
    REQUIRE(at != std::string::npos);
    return json.substr(at, json.find_first_of(",}", at) - at);
  };
  REQUIRE(load_error(reference).empty());
  struct Row {
    const char* key;
    const char* value;
    const char* message;
  };
  const std::vector<Row> table = {
      {"n_layers", "100000000", "parameters"},   {"n_layers", "3", "parameters"},    {"seq_len", "1000000000", "parameters"},
      {"vocab_size", "480000000", "parameters"}, {"n_embd", "960000", "parameters"}, {"n_layers", "1e300", "out of range"},
  };
  for (const Row& row : table)
    for (int version : {4, 5}) {
      INFO(row.key << " = " << row.value << " in v" << version);
      const std::string path =
          plx_with_config("cfg.plx", version, key(row.key), "\"" + std::string(row.key) + "\": " + row.value);
      const std::string error = load_error(path);
      CHECK(error.find(row.message) != std::string::npos);
      CHECK(error.find(path) != std::string::npos);
      fs::remove(path);
    }
}

TEST_CASE("reliability: the config JSON of a v5 file is under a checksum", "[reliability][fixture]") {
  if (test::reference_dir().empty()) POLLUX_SKIP_NO_FIXTURES("shared/reference not found");
  const std::string path = plx_with_config("v5.plx", 5, "{", "{");
  std::vector<std::uint8_t> bytes = read_file(path);
  REQUIRE(lattice::parse_plx(bytes.data(), bytes.size(), path).version == 5);
  bytes[22] ^= 0x01;  // inside the config JSON, which starts at offset 20
  CHECK_THROWS_WITH(lattice::parse_plx(bytes.data(), bytes.size(), path), Catch::Contains("config JSON does not match"));
  fs::remove(path);
}

TEST_CASE("reliability: absurd thread counts and seeds and sizes fail validation by key", "[reliability]") {
  struct Row {
    const char* key;
    const char* value;
  };
  const std::vector<Row> table = {
      {"threads", "100000"},     {"threads", "-1"},          {"seed", "-1"},
      {"n_layers", "100000000"}, {"seq_len", "1000000000"},  {"vocab_size", "480000000"},
      {"n_embd", "960000"},      {"micro_batch", "1000000"}, {"grad_accum", "1000000"},
  };
  for (const Row& row : table) {
    INFO(row.key << " = " << row.value);
    std::string error;
    try {
      parse_config({"--" + std::string(row.key), row.value, "--h_floor", "1"}).config.validate();
    } catch (const Error& e) { error = e.what(); }
    CHECK(error.find(std::string("key ") + row.key) != std::string::npos);
  }
}

TEST_CASE("reliability: a folder, a FIFO or a device is refused where a file is read, without blocking", "[reliability]") {
  const std::string fifo = temp_path("fifo");
  REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
  struct Row {
    const char* what;
    std::function<void(const std::string&)> read;
  };
  const std::vector<Row> readers = {
      {"read_file", [](const std::string& p) { read_file(p); }},
      {"read_plx", [](const std::string& p) { lattice::read_plx(p); }},
      {"read_checkpoint", [](const std::string& p) { read_checkpoint(p); }},
      {"load_model", [](const std::string& p) { load_model(p, at::kCPU); }},
      {"config file",
       [](const std::string& p) {
         parse_config({"--config", p});
       }},
  };
  for (const Row& row : readers)
    for (const std::string& path : {fifo, std::string("/dev/zero"), fs::temp_directory_path().string()}) {
      INFO(row.what << " of " << path);
      CHECK_THROWS_WITH(row.read(path), Catch::Contains(path) && Catch::Contains("not a regular file"));
    }
  fs::remove(fifo);
}

TEST_CASE("reliability: what an error line echoes from a file is capped and escaped", "[reliability][fixture]") {
  CHECK(printable_excerpt("seed\n\x01") == "seed\\x0a\\x01");
  CHECK(printable_excerpt(std::string(1000, 'a'), 200) == std::string(200, 'a') + "... (1000 bytes)");
  if (test::reference_dir().empty()) POLLUX_SKIP_NO_FIXTURES("shared/reference not found");
  // A tensor name of 60,000 binary bytes, as a corrupt or hostile file can hold.
  lattice::PlxFile file = lattice::read_plx(test::reference_dir() + "/reference_tiny_v4.plx");
  std::string name(60000, '\0');
  for (std::size_t i = 0; i < name.size(); ++i) name[i] = char(1 + i % 250);
  file.tensors.front().name = name;
  const std::string path = temp_path("long_name.plx");
  lattice::write_plx(file, path);
  const std::string error = load_error(path);
  INFO(error);
  CHECK(error.find(path) != std::string::npos);
  CHECK(error.find("... (60000 bytes)") != std::string::npos);
  CHECK(error.size() < 1200);
  CHECK(error.find('\x01') == std::string::npos);
  fs::remove(path);
}

TEST_CASE("reliability: a key twice in one INI file is refused by key and line, and on the command line the last wins",
          "[reliability]") {
  const std::string path = temp_path("twice.ini");
  write_file_atomic(path, [] {
    const std::string text = "# run\nseed = 1\nlr = 1e-3\n\n  seed=2   # again\n";
    return std::vector<std::uint8_t>(text.begin(), text.end());
  }());
  CHECK_THROWS_WITH(parse_config({"--config", path}),
                    Catch::Contains(path + " line 5: key seed is given twice (first on line 2)"));
  write_file_atomic(path, [] {
    const std::string text = "seed = 1\nlr = 1e-3\n";
    return std::vector<std::uint8_t>(text.begin(), text.end());
  }());
  CHECK(parse_config({"--config", path}).config.seed == 1);
  CHECK(parse_config({"--config", path, "--seed", "3", "--seed", "4"}).config.seed == 4);
  fs::remove(path);
}

TEST_CASE("reliability: a model larger than the machine is refused by name before it is allocated", "[reliability]") {
  Config c;
  c.model.n_layers = 64;
  c.model.n_embd = 49152;  // 1.9e12 parameters: every key within its range
  c.h_floor = 1;
  c.validate();
  CHECK(physical_memory_bytes() > 0);
  CHECK(training_bytes_lower_bound(c) > double(physical_memory_bytes()));
  CHECK_THROWS_WITH(refuse_larger_than_memory(c, "train"), Catch::Contains("this machine has") && Catch::Contains("n_embd"));
  CHECK_NOTHROW(refuse_larger_than_memory(Config{}, "train"));
}

// ---- Issue 25: hostile torch.save files for pollux-import, built byte by byte.

namespace {

using test::pk_dict;
using test::pk_int;
using test::pk_tensor;
using test::reference_config;

std::string write_pt(const std::string& name, const std::string& pickle_body,
                     const std::vector<std::pair<std::string, std::string>>& data = {}) {
  const std::string path = temp_path(name);
  const std::string z = test::torch_save_of(pickle_body, data);
  write_file_atomic(path, std::vector<std::uint8_t>(z.begin(), z.end()));
  return path;
}

std::string import_error(const std::string& path) {
  std::string error = "(imported)";
  try {
    import_reference_checkpoint(path, 1.0);
  } catch (const Error& e) { error = e.what(); }
  fs::remove(path);
  return error;
}

}  // namespace

TEST_CASE("reliability: a pickle of 200,000 nested one-tuples is refused without a crash", "[reliability][import]") {
  // 80 02 29, then 0x85 x 200,000, then 2e: EMPTY_TUPLE wrapped 200,000 times.
  const std::string path = write_pt("nested.pt", test::nested_tuples(200000));
  CHECK_THAT(import_error(path), Catch::Contains("nested more than"));
}

TEST_CASE("reliability: an imported config goes through the validation an INI file gets", "[reliability][import]") {
  struct Row {
    const char* key;
    std::int64_t value;
    const char* named;  // what the error names
  };
  const std::vector<Row> table = {
      {"seq_len", 0, "key seq_len"},
      {"d_head", 0, "key d_head"},
      {"grad_accum_steps", -1, "grad_accum_steps"},
      {"target_tokens", -1, "target_tokens"},
      {"n_embd", (std::int64_t(1) << 32) + 48, "n_embd"},
      {"tokenizer_vocab_size", 300, "key tokenizer_vocab_size"},
      {"seq_len", 3, "key seq_len"},  // pos_emb of 6 atoms: no .plx file holds it
  };
  for (const Row& row : table) {
    INFO(row.key << " = " << row.value);
    const std::string error = import_error(write_pt("config.pt", pk_dict({{"config", reference_config(row.key, row.value)}})));
    CHECK_THAT(error, Catch::Contains(row.named) && Catch::Contains("config.pt"));
  }
  const std::string config = reference_config();
  CHECK_THAT(import_error(write_pt("step.pt", pk_dict({{"config", config}, {"step", pk_int(-5)}, {"tokens_seen", pk_int(0)}}))),
             Catch::Contains("step is -5"));
  // A valid config passes on to the tensors.
  CHECK_THAT(import_error(write_pt("valid.pt", pk_dict({{"config", config}, {"step", pk_int(0)}, {"tokens_seen", pk_int(0)}}))),
             Catch::Contains("physics_state_dict is missing"));
}

TEST_CASE("reliability: a tensor view larger than its storage, or whose sizes overflow, is refused before it is copied",
          "[reliability][import]") {
  const auto tensor = [](std::int64_t rows, std::int64_t cols, std::int64_t stride) { return pk_tensor(1, rows, cols, stride); };
  const std::vector<std::pair<std::string, std::string>> storage = {{"x/data/0", std::string(4, '\0')}};
  // stride 0, shape [50000, 50000]: a 10 GB copy of one float in a file of a few hundred bytes
  const std::string path = write_pt("stride0.pt", pk_dict({{"w", tensor(50000, 50000, 0)}}), storage);
  CHECK(fs::file_size(path) < 1024);
  CHECK_THAT(import_error(path), Catch::Contains("2500000000 elements repeats the 1"));
  CHECK_THAT(import_error(write_pt("overflow.pt", pk_dict({{"w", tensor(std::int64_t(1) << 62, 8, 0)}}), storage)),
             Catch::Contains("overflows"));
  CHECK_THAT(import_error(write_pt("one.pt", pk_dict({{"w", tensor(1, 1, 1)}}), storage)),
             Catch::Contains("config is missing"));  // the tensor itself reads
}

TEST_CASE("reliability: a context a .plx file cannot hold is refused in the config by key", "[reliability]") {
  Config c;
  c.h_floor = 1;
  c.model.n_embd = 48;  // 2 atoms per position
  for (int seq_len : {1, 3}) {
    c.model.seq_len = seq_len;
    CHECK_THROWS_WITH(c.validate(), Catch::Contains("key seq_len") && Catch::Contains(".plx"));
  }
  for (int seq_len : {2, 4, 5}) {  // 4 atoms fill a 9-byte group; 4 or more rows are always readable
    c.model.seq_len = seq_len;
    CHECK_NOTHROW(c.validate());
  }
  c.model.seq_len = 1;
  c.model.n_embd = 96;  // 4 atoms
  CHECK_NOTHROW(c.validate());
  c.quantizer = QuantizerKind::none;  // never packed
  c.model.n_embd = 48;
  CHECK_NOTHROW(c.validate());
}
