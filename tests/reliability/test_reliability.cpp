// Hand-made corrupt inputs, one row per way a reader or writer could be fooled (issue 15).
#include <hdf5.h>

#include <unistd.h>

#include <ATen/core/grad_mode.h>

#include <cmath>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "../catch.h"
#include "pollux/base/error.h"
#include "pollux/io/checkpoint.h"
#include "pollux/model/model.h"
#include "pollux/base/file_io.h"
#include "pollux/config/config.h"
#include "pollux/lattice/plx.h"
#include "pollux/runtime/generate.h"
#include "pollux/runtime/model_file.h"
#include "../support/fixtures.h"

namespace {

using namespace pollux;
namespace fs = std::filesystem;

std::string temp_path(const std::string& name) {
  return (fs::temp_directory_path() / ("pollux_reliability_" + std::to_string(::getpid()) + "_" + name)).string();
}

Checkpoint small_checkpoint() {
  Checkpoint ck;
  ck.config.quantizer = "none";
  ck.config.seed = 5;
  ck.step = 8;
  ck.tokens_seen = 4096;
  ck.sampler_seed = 11;
  ck.sampler_counter = 64;
  ck.codebook = "leech";
  ck.codebook_sha256 = "not checked when quantizer = none";
  ck.optimizer.step = 8;
  ck.optimizer.heat = 0.99;
  ck.optimizer.tensors["m/w"] = at::zeros({4, 24});
  ck.weights["w"] = at::arange(96, at::kFloat).reshape({4, 24});
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

std::string read_error(const std::string& path) {
  try {
    read_checkpoint(path);
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST_CASE("reliability: a checkpoint with one changed attribute is refused", "[reliability]") {
  const std::string path = temp_path("attr.h5");
  write_checkpoint(path, small_checkpoint());
  REQUIRE(read_error(path).empty());
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
      const std::string error = read_error(copy);
      CHECK(error.find("attributes_sha256") != std::string::npos);
      CHECK(error.find(copy) != std::string::npos);
      fs::remove(copy);
    }
  }
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
  ModelConfig c;
  c.n_layers = 1;
  c.n_embd = 48;
  c.seq_len = 8;
  c.vocab_size = 264;
  c.tokenizer_vocab_size = 257;
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
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST_CASE("reliability: sizes in a .plx config are capped by what its tensors hold", "[reliability][fixture]") {
  if (test::reference_dir().empty()) POLLUX_SKIP("shared/reference not found");
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
      {"n_layers", "100000000", "parameters"}, {"n_layers", "3", "parameters"},  {"seq_len", "1000000000", "parameters"},
      {"vocab_size", "480000000", "parameters"}, {"n_embd", "960000", "parameters"}, {"n_layers", "1e300", "out of range"},
  };
  for (const Row& row : table)
    for (int version : {4, 5}) {
      INFO(row.key << " = " << row.value << " in v" << version);
      const std::string path = plx_with_config("cfg.plx", version, key(row.key), "\"" + std::string(row.key) + "\": " + row.value);
      const std::string error = load_error(path);
      CHECK(error.find(row.message) != std::string::npos);
      CHECK(error.find(path) != std::string::npos);
      fs::remove(path);
    }
}

TEST_CASE("reliability: the config JSON of a v5 file is under a checksum", "[reliability][fixture]") {
  if (test::reference_dir().empty()) POLLUX_SKIP("shared/reference not found");
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
      {"threads", "100000"}, {"threads", "-1"},          {"seed", "-1"},        {"n_layers", "100000000"},
      {"seq_len", "1000000000"}, {"vocab_size", "480000000"}, {"n_embd", "960000"}, {"micro_batch", "1000000"},
      {"grad_accum", "1000000"},
  };
  for (const Row& row : table) {
    INFO(row.key << " = " << row.value);
    std::string error;
    try {
      parse_config({"--" + std::string(row.key), row.value, "--h_floor", "1"}).config.validate();
    } catch (const Error& e) {
      error = e.what();
    }
    CHECK(error.find(std::string("key ") + row.key) != std::string::npos);
  }
}
