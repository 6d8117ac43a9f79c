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
#include "pollux/runtime/generate.h"

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
