#include <algorithm>
#include <cstdio>
#include <fstream>

#include "../catch.h"
#include "pollux/base/error.h"
#include "pollux/config/config.h"

using namespace pollux;

namespace {

std::string write_ini(const std::string& name, const std::string& text) {
  std::ofstream(name) << text;
  return name;
}

}  // namespace

TEST_CASE("config: INI keys, command-line overrides win, the rest goes to the tool", "[config]") {
  const std::string ini = write_ini("test_config_a.ini", "n_layers = 4\nn_embd = 48\nmax_steps = 7\n# comment\nh_floor = 2.5\n");
  ParsedConfig p = parse_config({"--config", ini, "--max_steps", "9", "--out", "dir", "--auto_resume"});
  CHECK(p.from_file);
  CHECK(p.config.model.n_layers == 4);
  CHECK(p.config.model.n_embd == 48);
  CHECK(p.config.max_steps == 9);
  CHECK(p.config.h_floor == 2.5);
  CHECK(p.overrides == std::vector<std::string>{"--max_steps", "9"});
  CHECK(p.extra == std::vector<std::string>{"--out", "dir", "--auto_resume"});
  std::remove(ini.c_str());
}

TEST_CASE("config: every shipped configs/*.ini parses and validates", "[config]") {
  for (const char* name : {"tiny.ini", "tiny-continuous.ini", "tiny-ternary.ini", "pollux-1152.ini", "pollux-1920.ini"}) {
    INFO(name);
    const ParsedConfig p = parse_config({"--config", std::string(POLLUX_SOURCE_DIR) + "/configs/" + name});
    CHECK_NOTHROW(p.config.validate());
  }
  const Config big = parse_config({"--config", std::string(POLLUX_SOURCE_DIR) + "/configs/pollux-1152.ini"}).config;
  CHECK(big.tokens_per_step() == 262144);
  CHECK(big.model.n_heads() == 48);
}

TEST_CASE("config: entries round-trip through text", "[config]") {
  Config c;
  c.model.n_embd = 120;
  c.h_floor = 1.2345678901234567;
  c.data = "some file.u16";
  c.codebook = lattice::CodebookVariant::pollux_v4;
  const Config back = config_from_entries(c.entries());
  CHECK(back.entries() == c.entries());
  CHECK(with_overrides(c, {"--n_embd", "144"}).model.n_embd == 144);
}

TEST_CASE("config: choices are parsed once into enums and printed back by name", "[config]") {
  const Config c = parse_config({"--quantizer", "none", "--device", "cuda", "--precision", "float32", "--codebook", "pollux-v4",
                                 "--width_inertia", "reference", "--projection", "full", "--lattice_search", "reference-bf16"})
                       .config;
  CHECK(c.quantizer == QuantizerKind::none);
  CHECK(c.device == Device::cuda);
  CHECK(c.precision == Precision::float32);
  CHECK(c.codebook == lattice::CodebookVariant::pollux_v4);
  CHECK(c.width_inertia == WidthInertia::reference);
  CHECK(c.projection == Projection::full);
  CHECK(c.lattice_search == lattice::Scoring::reference_bf16);
  const auto entries = c.entries();
  const auto value = [&](const std::string& key) {
    for (const auto& [k, v] : entries)
      if (k == key) return v;
    return std::string("?");
  };
  CHECK(value("quantizer") == "none");
  CHECK(value("precision") == "float32");
  CHECK(value("lattice_search") == "reference-bf16");
  CHECK(to_string(Config{}.projection) == "incremental");
  CHECK(to_string(Config{}.codebook) == "leech");
}

TEST_CASE("config: quantizer = ternary and its activation_bits (0 or 8)", "[config][ternary]") {
  const Config t = parse_config({"--config", std::string(POLLUX_SOURCE_DIR) + "/configs/tiny-ternary.ini"}).config;
  CHECK(t.quantizer == QuantizerKind::ternary);
  CHECK(to_string(t.quantizer) == "ternary");
  CHECK(t.activation_bits == 8);
  CHECK(Config{}.activation_bits == 8);
  // The shape and schedule of configs/tiny-continuous.ini; the rate each chose in the equal-tokens sweep is
  // the same (3e-2 from the lattice start): a retune that parts them changes these two lines.
  const Config c = parse_config({"--config", std::string(POLLUX_SOURCE_DIR) + "/configs/tiny-continuous.ini"}).config;
  CHECK(t.lr == c.lr);
  CHECK(t.min_lr == c.min_lr);
  CHECK(t.warmup_steps == c.warmup_steps);
  CHECK(t.weight_decay == c.weight_decay);
  CHECK(t.model.n_embd == c.model.n_embd);
  CHECK(t.model.n_layers == c.model.n_layers);
  CHECK(t.max_steps == c.max_steps);
  CHECK_NOTHROW(parse_config({"--quantizer", "ternary", "--activation_bits", "0"}).config.validate());
  for (const char* bad : {"4", "16", "1"})
    CHECK_THROWS_WITH(parse_config({"--quantizer", "ternary", "--activation_bits", bad}).config.validate(),
                      Catch::Contains("key activation_bits: " + std::string(bad) + " is not 0"));
  // A checkpoint from before the key (no activation_bits entry) reads with the default.
  auto entries = t.entries();
  entries.erase(std::remove_if(entries.begin(), entries.end(), [](const auto& e) { return e.first == "activation_bits"; }),
                entries.end());
  CHECK(config_from_entries(entries).activation_bits == 8);
}

TEST_CASE("config: the identity keys are the ones the key table marks (activation_bits for ternary models)", "[config]") {
  const std::vector<std::string> expected = {
      "n_layers",  "n_embd", "d_head",   "seq_len",      "vocab_size",    "tokenizer_vocab_size",
      "tokenizer", "seed",   "codebook", "quantizer",    "width_inertia", "lattice_search",
      "h_floor",   "lr",     "min_lr",   "warmup_steps", "weight_decay"};
  CHECK(config_identity_keys() == expected);
  // optimizer and scope: identity keys of every model, yet not ones a checkpoint must hold
  // (absent = auto, all)
  std::vector<std::string> with_scope = expected;
  with_scope.insert(with_scope.begin() + 10, {"optimizer", "scope"});  // after quantizer, in the table's order
  CHECK(config_identity_keys(Config{}) == with_scope);
  Config ternary;
  ternary.quantizer = QuantizerKind::ternary;
  std::vector<std::string> with_bits = with_scope;
  with_bits.insert(with_bits.begin() + 10, "activation_bits");  // after quantizer, in the table's order
  CHECK(config_identity_keys(ternary) == with_bits);
  // init is an identity key of the models that do not start as the spec says.
  Config standard;
  standard.quantizer = QuantizerKind::none;
  standard.init = Init::standard;
  std::vector<std::string> with_init = with_scope;
  with_init.insert(with_init.begin() + 10, "init");  // after quantizer (and activation_bits), before optimizer
  CHECK(config_identity_keys(standard) == with_init);
}

TEST_CASE("config: init = standard is for the AdamW routes; a checkpoint without the key started as the spec says", "[config]") {
  CHECK(parse_config({"--init", "standard", "--quantizer", "none"}).config.init == Init::standard);
  CHECK_NOTHROW(parse_config({"--init", "standard", "--quantizer", "ternary"}).config.validate());
  CHECK_THROWS_WITH(parse_config({"--init", "standard", "--h_floor", "2"}).config.validate(),
                    Catch::Contains("key init: must be lattice when optimizer = pollux"));
  CHECK_THROWS_WITH(parse_config({"--init", "standard", "--h_floor", "2", "--optimizer", "adamw"}).config.validate(),
                    Catch::Contains("key init: must be lattice when quantizer = lattice"));
  CHECK_THROWS_WITH(
      parse_config({"--init", "standard", "--quantizer", "ternary", "--optimizer", "pollux", "--h_floor", "2"}).config.validate(),
      Catch::Contains("key init: must be lattice when optimizer = pollux"));
  CHECK_THROWS_WITH(parse_config({"--init", "gpt2"}), Catch::Contains("key init: 'gpt2' is not one of lattice, standard"));
  Config c;
  auto entries = c.entries();
  entries.erase(std::remove_if(entries.begin(), entries.end(), [](const auto& e) { return e.first == "init"; }), entries.end());
  CHECK(config_from_entries(entries).init == Init::lattice);
}

TEST_CASE("config: optimizer = auto picks by the quantizer; pollux and adamw train any quantizer", "[config]") {
  Config c;
  CHECK(c.optimizer == OptimizerKind::automatic);
  CHECK(c.optimizer_kind() == OptimizerKind::pollux);  // quantizer = lattice
  c.quantizer = QuantizerKind::ternary;
  CHECK(c.optimizer_kind() == OptimizerKind::adamw);
  c.quantizer = QuantizerKind::none;
  CHECK(c.optimizer_kind() == OptimizerKind::adamw);
  const Config leech_qat = parse_config({"--optimizer", "adamw"}).config;
  CHECK(leech_qat.optimizer_kind() == OptimizerKind::adamw);
  CHECK_NOTHROW(leech_qat.validate());  // AdamW needs no h_floor
  CHECK(parse_config({"--optimizer", "pollux", "--quantizer", "ternary"}).config.optimizer_kind() == OptimizerKind::pollux);
  CHECK_THROWS_WITH(parse_config({"--optimizer", "pollux", "--quantizer", "ternary"}).config.validate(),
                    Catch::Contains("key h_floor: must be positive"));
  CHECK_NOTHROW(parse_config({"--optimizer", "pollux", "--quantizer", "none", "--h_floor", "2", "--width_inertia", "reference"})
                    .config.validate());
  CHECK_THROWS_WITH(parse_config({"--optimizer", "adamw", "--h_floor", "2", "--width_inertia", "reference"}).config.validate(),
                    Catch::Contains("key width_inertia: only pollux_step scales its step by the width"));
  CHECK_THROWS_WITH(parse_config({"--optimizer", "sgd"}),
                    Catch::Contains("key optimizer: 'sgd' is not one of auto, pollux, adamw"));
  auto entries = Config{}.entries();  // a checkpoint from before the key trained with auto
  entries.erase(std::remove_if(entries.begin(), entries.end(), [](const auto& e) { return e.first == "optimizer"; }),
                entries.end());
  CHECK(config_from_entries(entries).optimizer == OptimizerKind::automatic);
}

TEST_CASE("config: scope = all | backbone, refused with quantizer = none", "[config]") {
  CHECK(Config{}.scope == Scope::all);
  const Config c = parse_config({"--scope", "backbone", "--quantizer", "ternary"}).config;
  CHECK(c.scope == Scope::backbone);
  CHECK_NOTHROW(c.validate());
  CHECK(config_from_entries(c.entries()).scope == Scope::backbone);
  CHECK(config_from_entries({}).scope == Scope::all);  // a checkpoint from before the key
  CHECK_THROWS_WITH(parse_config({"--scope", "embeddings"}), Catch::Contains("key scope") && Catch::Contains("all, backbone"));
  CHECK_THROWS_WITH(parse_config({"--scope", "backbone", "--quantizer", "none"}).config.validate(), Catch::Contains("key scope"));
  CHECK_NOTHROW(parse_config({"--scope", "all", "--quantizer", "none"}).config.validate());
}

TEST_CASE("config: one clear error per bad value", "[config]") {
  auto error_of = [](std::vector<std::string> args) {
    try {
      parse_config(args).config.validate();
    } catch (const Error& e) { return std::string(e.what()); }
    return std::string("no error");
  };
  const std::string floor = "--h_floor";
  CHECK_THAT(error_of({"--n_embd", "100", floor, "1"}), Catch::Contains("n_embd") && Catch::Contains("multiple of 24"));
  CHECK_THAT(error_of({"--d_head", "32", floor, "1"}), Catch::Contains("d_head"));
  CHECK_THAT(error_of({"--vocab_size", "250", floor, "1"}), Catch::Contains("vocab_size"));
  CHECK_THAT(error_of({"--vocab_size", "240", floor, "1"}), Catch::Contains("tokenizer_vocab_size"));
  CHECK_THAT(error_of({"--n_layers", "x", floor, "1"}), Catch::Contains("n_layers") && Catch::Contains("'x'"));
  CHECK_THAT(error_of({"--max_steps", "0", floor, "1"}), Catch::Contains("max_steps"));
  CHECK_THAT(error_of({"--codebook", "e8", floor, "1"}), Catch::Contains("codebook") && Catch::Contains("leech"));
  CHECK_THAT(error_of({"--quantizer", "lattice"}), Catch::Contains("h_floor"));
  CHECK_THAT(error_of({"--h_floor", "nan"}), Catch::Contains("h_floor"));
  CHECK_THAT(error_of({"--tokenizer", "gpt2", floor, "1"}), Catch::Contains("tokenizer_vocab_size"));
  CHECK(error_of({floor, "1"}) == "no error");
  const std::string ini = write_ini("test_config_b.ini", "n_layers = 2\nmystery = 3\n");
  CHECK_THAT(error_of({"--config", ini}), Catch::Contains(ini) && Catch::Contains("mystery"));
  std::remove(ini.c_str());
  CHECK_THAT(error_of({"--config", "no_such.ini"}), Catch::Contains("no_such.ini"));
}

TEST_CASE("config: profile_steps is a step range inside max_steps; options are never guessed from a prefix", "[config]") {
  CHECK(parse_step_range("", "k") == std::make_pair(std::int64_t(0), std::int64_t(0)));
  CHECK(parse_step_range("3:3", "k") == std::make_pair(std::int64_t(3), std::int64_t(3)));
  CHECK(parse_step_range("2:10", "k") == std::make_pair(std::int64_t(2), std::int64_t(10)));
  for (const char* bad : {"3:2", "0:1", "1", "1:", ":1", "1:2:3", "-1:2", "+1:2", "1 :2", "a:b", "99999999999999999:1"})
    CHECK_THROWS_WITH(parse_step_range(bad, "key profile_steps"),
                      Catch::Contains("key profile_steps: '" + std::string(bad) + "' is not a step range A:B"));
  ParsedConfig p = parse_config({"--h_floor", "1", "--max_steps", "8", "--profile_steps", "8:8"});
  CHECK_NOTHROW(p.config.validate());
  p.config.profile_steps = "8:9";
  CHECK_THROWS_WITH(p.config.validate(), Catch::Contains("profile_steps") && Catch::Contains("max_steps = 8"));
  // --profile (pollux-bench train's) is a prefix of the key profile_steps: it goes to the tool
  p = parse_config({"--profile", "t.json", "--max_st", "3"});
  CHECK(p.config.profile_steps.empty());
  CHECK(p.config.max_steps == 100);
  CHECK(p.extra == std::vector<std::string>{"--profile", "t.json", "--max_st", "3"});
}

TEST_CASE("errors: what() carries the component's tag, message() the text alone", "[config]") {
  const pollux::Error e("plx", "model.plx: truncated");
  CHECK(std::string(e.what()) == "[plx] model.plx: truncated");
  CHECK(e.message() == "model.plx: truncated");
  // A tool rethrowing it as its own shows one tag.
  const pollux::Error again("train", "--init_from: " + e.message());
  CHECK(std::string(again.what()) == "[train] --init_from: model.plx: truncated");
}

TEST_CASE("config: deterministic is a plain switch, off by default", "[config]") {
  CHECK_FALSE(Config().deterministic);
  const ParsedConfig on = parse_config({"--deterministic", "true"});
  CHECK(on.config.deterministic);
  CHECK_THROWS_WITH(parse_config({"--deterministic", "maybe"}), Catch::Contains("deterministic"));
}
