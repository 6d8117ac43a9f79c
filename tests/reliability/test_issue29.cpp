// Issue 29, "Nothing lost, round 4": the one write path (file_io.h) refuses a non-regular
// output, commits a model and its report together and removes its temporary files on a
// signal; a checkpoint truncated while it is read is an error; damaged weights are refused
// at load; a seq_len 1 model generates; configuration keys of another quantizer are refused.
#include <ATen/ATen.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <limits>
#include <thread>

#include "../support/small_model.h"
#include "pollux/base/error.h"
#include "pollux/base/file_io.h"
#include "pollux/base/stop_signal.h"
#include "pollux/io/checkpoint.h"
#include "pollux/lattice/codebook.h"
#include "pollux/lattice/plx.h"
#include "pollux/model/model.h"
#include "pollux/runtime/generate.h"
#include "pollux/runtime/model_file.h"
// Catch last: a LibTorch header included after it would redefine CHECK as c10's fatal check.
#include "../catch.h"

using namespace pollux;
namespace fs = std::filesystem;

namespace {

// rm -rf: std::filesystem::remove_all resolves to a broken copy exported by libtorch.so here.
void remove_tree(const std::string& dir) {
  if (std::system(("rm -rf '" + dir + "'").c_str()) != 0) FAIL("cannot remove " << dir);
}

std::vector<std::uint8_t> bytes_of(const std::string& s) { return {s.begin(), s.end()}; }

std::string text_of(const std::string& path) {
  const auto b = read_file(path);
  return {b.begin(), b.end()};
}

// A small ternary model packed into a .plx file, as pollux-pack writes one.
lattice::PlxFile ternary_plx_file() {
  Checkpoint ck;
  ck.config.model = test::small_model(1, 8);
  ck.config.quantizer = QuantizerKind::ternary;
  ck.codebook = "leech";
  const PolluxModel latent(ck.config.model, 3, at::kCPU);
  for (const auto& p : latent.parameters()) ck.weights[p.name] = p.value.detach().clone();
  return pack_checkpoint(ck, 5);
}

lattice::PlxTensor& tensor_named(lattice::PlxFile& file, const std::string& name) {
  for (auto& t : file.tensors)
    if (t.name == name) return t;
  FAIL("no tensor " << name);
  throw;
}

}  // namespace

TEST_CASE("item 3: an output that is a folder, a FIFO or a device is never replaced", "[reliability][issue29]") {
  const std::string dir = "issue29_outputs";
  remove_tree(dir);
  fs::create_directories(dir + "/folder.plx");
  REQUIRE(::mkfifo((dir + "/fifo.plx").c_str(), 0644) == 0);
  for (const std::string& path : {dir + "/folder.plx", dir + "/fifo.plx", std::string("/dev/null")}) {
    INFO(path);
    CHECK_THROWS_WITH(write_file_atomic(path, bytes_of("new"), "--output"),
                      Catch::Contains("--output " + path + " is not a regular file"));
  }
  struct stat st {};
  REQUIRE(::stat((dir + "/fifo.plx").c_str(), &st) == 0);
  CHECK(S_ISFIFO(st.st_mode));
  CHECK(fs::is_directory(dir + "/folder.plx"));
  REQUIRE(::stat("/dev/null", &st) == 0);
  CHECK(S_ISCHR(st.st_mode));
  CHECK(fs::directory_iterator(dir + "/folder.plx") == fs::directory_iterator());
  // A regular file is replaced, and no temporary file stays.
  write_file_atomic(dir + "/good.plx", bytes_of("old"), "--output");
  write_file_atomic(dir + "/good.plx", bytes_of("new"), "--output");
  CHECK(text_of(dir + "/good.plx") == "new");
  int files = 0;
  for (const auto& e : fs::directory_iterator(dir)) files += e.is_regular_file();
  CHECK(files == 1);
  remove_tree(dir);
}

TEST_CASE("item 4: a model and its report are replaced together or not at all", "[reliability][issue29]") {
  const std::string dir = "issue29_pair";
  remove_tree(dir);
  fs::create_directories(dir);
  write_file_atomic(dir + "/m.h5", bytes_of("old model"));
  write_file_atomic(dir + "/m.json", bytes_of("old report"));
  {
    OutputFile model(dir + "/m.h5", "--output"), report(dir + "/m.json", "--output");
    write_output(model, bytes_of("new model"));
    write_output(report, bytes_of("new report"));
    // The report's destination becomes a folder while the work runs: nothing is replaced.
    fs::remove(dir + "/m.json");
    fs::create_directories(dir + "/m.json");
    CHECK_THROWS_WITH(commit_together({&model, &report}), Catch::Contains(dir + "/m.json is not a regular file"));
  }
  CHECK(text_of(dir + "/m.h5") == "old model");
  CHECK(!fs::exists(dir + "/m.h5.tmp." + std::to_string(::getpid())));
  CHECK(!fs::exists(dir + "/m.json.tmp." + std::to_string(::getpid())));
  remove_tree(dir + "/m.json");
  {
    OutputFile model(dir + "/m.h5", "--output"), report(dir + "/m.json", "--output");
    write_output(model, bytes_of("new model"));
    write_output(report, bytes_of("new report"));
    commit_together({&model, &report});
  }
  CHECK(text_of(dir + "/m.h5") == "new model");
  CHECK(text_of(dir + "/m.json") == "new report");
  remove_tree(dir);
}

TEST_CASE("item 5: a signal removes the temporary files of the one write path", "[reliability][issue29]") {
  const std::string path = fs::absolute("issue29_signal.h5").string();
  std::remove(path.c_str());
  int ready[2];
  REQUIRE(::pipe(ready) == 0);
  const pid_t child = ::fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    install_exit_handlers();
    OutputFile out(path, "--output");
    write_output(out, std::vector<std::uint8_t>(1 << 20, 7));
    const std::string tmp = out.tmp();
    if (::write(ready[1], tmp.c_str(), tmp.size()) < 0) ::_exit(2);
    for (;;) ::pause();  // killed here, before the commit
  }
  ::close(ready[1]);
  char tmp[4096] = {};
  REQUIRE(::read(ready[0], tmp, sizeof tmp - 1) > 0);
  ::close(ready[0]);
  REQUIRE(fs::exists(tmp));
  ::kill(child, SIGTERM);
  int status = 0;
  ::waitpid(child, &status, 0);
  CHECK(WIFSIGNALED(status));
  CHECK(WTERMSIG(status) == SIGTERM);
  CHECK(!fs::exists(tmp));
  CHECK(!fs::exists(path));
}

TEST_CASE("a checkpoint truncated by another program while it is read is an error, not SIGBUS", "[reliability][issue29]") {
  Checkpoint ck;
  ck.config.model = test::small_model(1, 8);
  ck.config.quantizer = QuantizerKind::none;
  ck.codebook = "leech";
  ck.codebook_sha256 = lattice::Codebook::get(lattice::CodebookVariant::leech).sha256();
  ck.optimizer.tensors["m/big"] = at::ones({16, 1 << 20});  // 64 MiB: the read takes a while
  const std::string path = "issue29_truncated.h5";
  for (int delay_us : {0, 200, 1000, 3000, 10000}) {
    INFO("truncated after " << delay_us << " us");
    write_checkpoint(path, ck);
    std::thread cut([&] {
      std::this_thread::sleep_for(std::chrono::microseconds(delay_us));
      REQUIRE(::truncate(path.c_str(), 4096) == 0);
    });
    // Read whole before the cut, or refused: never a fault (the test process would die).
    try {
      read_checkpoint(path);
    } catch (const Error& e) { CHECK(std::string(e.what()).find(path) != std::string::npos); }
    cut.join();
  }
  std::remove(path.c_str());
}

TEST_CASE("item 7: weights that are not finite, or stored as a kind the model does not hold, are refused at load",
          "[reliability][issue29]") {
  const std::string path = "issue29_damaged.plx";
  lattice::write_plx(ternary_plx_file(), path);
  CHECK_NOTHROW(load_model(path, at::kCPU));

  SECTION("a gamma whose products overflow") {
    lattice::PlxFile file = ternary_plx_file();
    lattice::PlxTensor& t = tensor_named(file, "blocks.0.mlp.fc1.weight");
    const float huge = 3e38f;
    std::memcpy(t.data.data(), &huge, 4);  // the ternary kind starts with gamma (plx.h)
    lattice::write_plx(file, path);
    CHECK_THROWS_WITH(load_model(path, at::kCPU), Catch::Contains(path + ": tensor blocks.0.mlp.fc1.weight"));
  }
  SECTION("a float32 tensor of NaN where a ternary matrix belongs") {
    lattice::PlxFile file = ternary_plx_file();
    lattice::PlxTensor& t = tensor_named(file, "blocks.0.attn.q_proj.weight");
    std::vector<float> nan(std::size_t(t.element_count()), std::numeric_limits<float>::quiet_NaN());
    std::vector<std::uint8_t> raw(nan.size() * 4);
    std::memcpy(raw.data(), nan.data(), raw.size());
    t = lattice::PlxTensor{t.name, lattice::PlxDtype::f32, t.shape, raw};
    lattice::write_plx(file, path);
    CHECK_THROWS_WITH(load_model(path, at::kCPU),
                      Catch::Contains(path + ": tensor blocks.0.attn.q_proj.weight is stored as f32"));
  }
  SECTION("a gain that is not finite") {
    lattice::PlxFile file = ternary_plx_file();
    lattice::PlxTensor& t = tensor_named(file, "blocks.0.ln1.weight");
    const float inf = std::numeric_limits<float>::infinity();
    std::memcpy(t.data.data() + 4, &inf, 4);
    lattice::write_plx(file, path);
    CHECK_THROWS_WITH(load_model(path, at::kCPU), Catch::Contains(path + ": tensor blocks.0.ln1.weight holds weights"));
  }
  SECTION("an n_heads in the config that disagrees with n_embd") {
    lattice::PlxFile file = ternary_plx_file();
    const std::string heads = "\"n_heads\":2";
    const std::size_t at = file.config_json.find(heads);
    REQUIRE(at != std::string::npos);
    file.config_json.replace(at, heads.size(), "\"n_heads\":5");
    lattice::write_plx(file, path);
    CHECK_THROWS_WITH(load_model(path, at::kCPU), Catch::Contains("n_heads is 5"));
  }
  std::remove(path.c_str());
}

TEST_CASE("a seq_len 1 model generates from an empty prompt (the end-of-text token)", "[reliability][issue29]") {
  const PolluxModel model(test::small_model(1, 1, 96), 1, at::kCPU);
  SamplingOptions o;
  o.max_new_tokens = 4;
  o.temperature = 0;
  o.end_of_text = -1;
  std::vector<std::uint32_t> out;
  CHECK_NOTHROW(out = generate(model, {256}, o, [](std::uint32_t) {}));
  CHECK(out.size() == 4);
}

TEST_CASE("keys of another quantizer are refused by key, not ignored", "[reliability][issue29]") {
  Config lattice_run;
  lattice_run.h_floor = 1.8;
  CHECK_NOTHROW(lattice_run.validate());
  Config c = lattice_run;
  c.activation_bits = 0;
  CHECK_THROWS_WITH(c.validate(), Catch::Contains("key activation_bits: only quantizer = ternary"));
  Config ternary;
  ternary.quantizer = QuantizerKind::ternary;
  CHECK_NOTHROW(ternary.validate());
  c = ternary;
  c.width_inertia = WidthInertia::reference;
  CHECK_THROWS_WITH(c.validate(), Catch::Contains("key width_inertia: only pollux_step scales its step by the width"));
  c = ternary;
  c.h_floor = -5;
  CHECK_THROWS_WITH(c.validate(), Catch::Contains("key h_floor"));
  c = ternary;
  c.h_floor = std::nan("");
  CHECK_THROWS_WITH(c.validate(), Catch::Contains("key h_floor"));
}
