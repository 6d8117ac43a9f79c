#include "pollux/config/config.h"

#include <boost/program_options.hpp>
#include <cmath>
#include <filesystem>
#include <functional>
#include <limits>
#include <map>
#include <sstream>
#include <tuple>

#include "pollux/base/error.h"
#include "pollux/base/file_io.h"
#include "pollux/base/json.h"
#include "pollux/base/printable.h"

namespace pollux {
namespace {

namespace po = boost::program_options;

// One configuration key: how to print it and how to set it from text. An identity key defines
// the model or its training (a resumed run must keep its value): of every model, or of the
// models `identifies` holds for.
struct Key {
  std::string name;
  std::string help;
  std::function<std::string(const Config&)> get;
  std::function<void(Config&, const std::string&)> set;
  bool identity = false;
  std::function<bool(const Config&)> identifies;  // null: every model
};

// A key of the table that is also an identity key (of the models `of` holds for).
Key identity(Key k, std::function<bool(const Config&)> of = nullptr) {
  k.identity = true;
  k.identifies = std::move(of);
  return k;
}

// The names of each choice, as configs/*.ini spell them.
template <typename E>
using Names = std::initializer_list<std::pair<E, const char*>>;
constexpr Names<Device> kDeviceNames = {{Device::cpu, "cpu"}, {Device::cuda, "cuda"}};
constexpr Names<Precision> kPrecisionNames = {{Precision::bf16_autocast, "bf16-autocast"}, {Precision::float32, "float32"}};
constexpr Names<QuantizerKind> kQuantizerNames = {
    {QuantizerKind::lattice, "lattice"}, {QuantizerKind::none, "none"}, {QuantizerKind::ternary, "ternary"}};
constexpr Names<WidthInertia> kWidthInertiaNames = {{WidthInertia::clamped, "clamped"}, {WidthInertia::reference, "reference"}};
constexpr Names<Scope> kScopeNames = {{Scope::all, "all"}, {Scope::backbone, "backbone"}};
constexpr Names<Projection> kProjectionNames = {{Projection::incremental, "incremental"}, {Projection::full, "full"}};
constexpr Names<OptimizerKind> kOptimizerNames = {
    {OptimizerKind::automatic, "auto"}, {OptimizerKind::pollux, "pollux"}, {OptimizerKind::adamw, "adamw"}};
constexpr Names<Init> kInitNames = {{Init::lattice, "lattice"}, {Init::standard, "standard"}};
constexpr Names<lattice::Scoring> kScoringNames = {{lattice::Scoring::exact, "exact"},
                                                   {lattice::Scoring::reference_bf16, "reference-bf16"}};
constexpr Names<lattice::CodebookVariant> kCodebookNames = {{lattice::CodebookVariant::leech, "leech"},
                                                            {lattice::CodebookVariant::pollux_v4, "pollux-v4"}};

template <typename E>
std::string name_in(Names<E> names, E value) {
  for (const auto& [v, name] : names)
    if (v == value) return name;
  throw Error("config", "a choice without a name");  // unreachable: every enumerator is listed
}

[[noreturn]] void bad_value(const std::string& key, const std::string& text, const std::string& expected) {
  throw Error("config", "key " + key + ": '" + printable_excerpt(text) + "' is not " + expected);
}

template <typename T>
T parse_integer(const std::string& key, const std::string& text) {
  try {
    std::size_t used = 0;
    long long v = std::stoll(text, &used);
    if (used != text.size() || v < (long long)std::numeric_limits<T>::min() ||
        (unsigned long long)v > (unsigned long long)std::numeric_limits<T>::max() || (std::is_unsigned<T>::value && v < 0))
      throw std::out_of_range(text);
    return T(v);
  } catch (const std::logic_error&) { bad_value(key, text, "an integer in range"); }
}

double parse_double(const std::string& key, const std::string& text) {
  try {
    std::size_t used = 0;
    double v = std::stod(text, &used);
    if (used != text.size() || !std::isfinite(v)) throw std::invalid_argument(text);
    return v;
  } catch (const std::logic_error&) { bad_value(key, text, "a finite number"); }
}

// The shortest of 15 or 17 significant digits that reads back as v.
std::string number_text(double v) {
  for (int digits : {15, 17}) {
    std::ostringstream s;
    s.precision(digits);
    s << v;
    if (std::stod(s.str()) == v || digits == 17) return s.str();
  }
  return "";
}

template <typename T>
Key integer_key(const std::string& name, T Config::*field, const std::string& help) {
  return {name, help, [field](const Config& c) { return std::to_string(c.*field); },
          [name, field](Config& c, const std::string& t) { c.*field = parse_integer<T>(name, t); }};
}
template <typename T>
Key model_key(const std::string& name, T ModelConfig::*field, const std::string& help) {
  return {name, help, [field](const Config& c) { return std::to_string(c.model.*field); },
          [name, field](Config& c, const std::string& t) { c.model.*field = parse_integer<T>(name, t); }};
}
Key real_key(const std::string& name, double Config::*field, const std::string& help) {
  return {name, help, [field](const Config& c) { return number_text(c.*field); },
          [name, field](Config& c, const std::string& t) { c.*field = parse_double(name, t); }};
}
Key text_key(const std::string& name, std::string Config::*field, const std::string& help) {
  return {name, help, [field](const Config& c) { return c.*field; }, [field](Config& c, const std::string& t) { c.*field = t; }};
}
// The tokenizer stays a name: make_tokenizer() and .plx files take it as text.
Key tokenizer_key() {
  return {"tokenizer", "tokenizer of the token files: bytes or gpt2", [](const Config& c) { return c.tokenizer; },
          [](Config& c, const std::string& t) {
            if (t != "bytes" && t != "gpt2") bad_value("tokenizer", t, "one of bytes, gpt2");
            c.tokenizer = t;
          }};
}

Key bool_key(const std::string& name, bool Config::*field, const std::string& help) {
  return {name, help, [field](const Config& c) { return std::string(c.*field ? "true" : "false"); },
          [name, field](Config& c, const std::string& t) {
            if (t != "true" && t != "false") bad_value(name, t, "true or false");
            c.*field = t == "true";
          }};
}
template <typename E>
Key choice_key(const std::string& name, E Config::*field, Names<E> names, const std::string& help) {
  return {name, help, [field, names](const Config& c) { return name_in(names, c.*field); },
          [name, field, names](Config& c, const std::string& t) {
            std::string list;
            for (const auto& [value, text] : names) {
              if (t == text) {
                c.*field = value;
                return;
              }
              list += (list.empty() ? "" : ", ") + std::string(text);
            }
            bad_value(name, t, "one of " + list);
          }};
}

const std::vector<Key>& keys() {
  static const std::vector<Key> all = {
      identity(model_key("n_layers", &ModelConfig::n_layers, "transformer blocks")),
      identity(model_key("n_embd", &ModelConfig::n_embd, "model width d, a multiple of 24 (n_heads = d / 24)")),
      identity(model_key("d_head", &ModelConfig::d_head, "head width; must be 24 (one atom)")),
      identity(model_key("seq_len", &ModelConfig::seq_len, "context length in tokens")),
      identity(model_key("vocab_size", &ModelConfig::vocab_size, "padded model vocabulary, a multiple of 24")),
      identity(model_key("tokenizer_vocab_size", &ModelConfig::tokenizer_vocab_size,
                         "ids the tokenizer emits; larger ids are masked")),
      identity(tokenizer_key()),
      integer_key("micro_batch", &Config::micro_batch, "sequences per forward/backward pass"),
      integer_key("grad_accum", &Config::grad_accum, "micro-batches per optimizer step"),
      integer_key("target_tokens", &Config::target_tokens, "stop when this many tokens were seen (0 = no limit)"),
      integer_key("max_steps", &Config::max_steps, "stop at this optimizer step, counted from the start of training"),
      integer_key("checkpoint_every", &Config::checkpoint_every, "steps between checkpoints (0 = only at the end)"),
      integer_key("keep_last", &Config::keep_last, "checkpoints to keep"),
      integer_key("keep_every", &Config::keep_every, "keep every checkpoint whose step is a multiple of this forever (0 = none)"),
      identity(integer_key("seed", &Config::seed, "seed of initialisation and batch sampling")),
      choice_key("device", &Config::device, kDeviceNames, "cpu or cuda"),
      integer_key("loss_chunk", &Config::loss_chunk,
                  "0: logits of the whole micro-batch; N: the head and the loss fused, N rows of logits at a time"),
      bool_key("gradient_checkpointing", &Config::gradient_checkpointing,
               "recompute each block in the backward pass: less activation memory, one more forward"),
      choice_key("precision", &Config::precision, kPrecisionNames,
                 "forward pass on CUDA: bf16-autocast (the reference's, TF32 off) or float32 (the CPU is always float32)"),
      bool_key("deterministic", &Config::deterministic,
               "CUDA: deterministic algorithms (cuBLAS workspace :4096:8, attention on the math backend, no cuDNN "
               "autotuning), so that equal runs, and a run stopped and resumed, give equal weights; slower (the CPU is "
               "deterministic already)"),
      identity(choice_key("codebook", &Config::codebook, kCodebookNames,
                          "codebook variant: leech (true Leech shell) or pollux-v4 (the reference's)")),
      identity(
          choice_key("quantizer", &Config::quantizer, kQuantizerNames,
                     "lattice (Pollux), none (continuous AdamW baseline) or ternary (BitNet b1.58 weights, trained with AdamW)")),
      // An identity key of ternary models only, so checkpoints from before it stay readable.
      identity(integer_key("activation_bits", &Config::activation_bits,
                           "quantizer = ternary: 8 quantizes the inputs of its linears to 8 bits per token, 0 keeps them float "
                           "(ignored otherwise)"),
               [](const Config& c) { return c.quantizer == QuantizerKind::ternary; }),
      integer_key("ptq_activation_bits", &Config::ptq_activation_bits,
                  "quantizer = none: 8 quantizes the inputs of its linears to 8 bits per token, as in the W8A8 checkpoints "
                  "pollux-ptq --method smoothquant writes (read by pollux-eval; training refuses it), 0 keeps them float"),
      // An identity key of the models that do not start as the spec says, so checkpoints from
      // before it (all lattice-initialised) stay readable.
      identity(choice_key("init", &Config::init, kInitNames,
                          "how the parameters start: lattice (the spec's: matrices N(0, 1)) or standard (GPT-2's: "
                          "N(0, 0.02), residual outputs N(0, 0.02 / sqrt(2 n_layers)); quantizer = none | ternary)"),
               [](const Config& c) { return c.init != Init::lattice; }),
      // Not an identity key: a resumed run continues from its checkpoint's weights whatever
      // this says (the checkpoint records where the run started: init_from_* attributes).
      text_key("init_from", &Config::init_from,
               "a continuous checkpoint (quantizer = none) of the same shape and tokenizer whose weights a fresh run starts "
               "from, with a fresh optimizer and schedule, its data continuing where the source's stopped: lattice runs from "
               "its pollux-ptq --method leech model, "
               "ternary runs from its weights as latents (\"\" = the run's own init; ignored on resume)"),
      // An identity key of every model (a checkpoint without it is auto), yet not one every
      // checkpoint must hold, so checkpoints from before it stay readable.
      identity(choice_key("optimizer", &Config::optimizer, kOptimizerNames,
                          "auto (pollux_step for quantizer = lattice, AdamW otherwise), pollux (pollux_step, spec section 5: "
                          "heat from h_floor) or adamw (lr, min_lr, warmup_steps, weight_decay; on lattice latents straight "
                          "through, as plain quantization-aware training)"),
               [](const Config&) { return true; }),
      // An identity key of every model (a checkpoint without it is scope = all), yet not one every
      // checkpoint must hold, so checkpoints from before it stay readable.
      identity(choice_key("scope", &Config::scope, kScopeNames,
                          "all: every matrix on the quantizer; backbone: tok_emb, pos_emb and head are int8 absmax rows "
                          "(round(127 W / max|row|) max|row| / 127, straight through) and only the blocks' matrices are "
                          "quantized (lattice or ternary)"),
               [](const Config&) { return true; }),
      identity(choice_key("width_inertia", &Config::width_inertia, kWidthInertiaNames,
                          "clamped: max(1, eta_d); reference: eta_d as is")),
      identity(choice_key("lattice_search", &Config::lattice_search, kScoringNames,
                          "exact nearest lattice point, or reference-bf16: the reference's bfloat16 scoring (for parity)")),
      choice_key("projection", &Config::projection, kProjectionNames,
                 "incremental: search only the atoms that may have left their lattice point (a proof, same bits); full: search "
                 "every atom"),
      integer_key("threads", &Config::threads, "CPU threads (0 = all cores)"),
      integer_key("dist_timeout_s", &Config::dist_timeout_s,
                  "data-parallel runs: seconds a rank waits for the others in a collective before the run fails"),
      identity(real_key("h_floor", &Config::h_floor, "irreducible cross-entropy of the corpus in nats (spec section 1)")),
      text_key("data", &Config::data, "training token file (uint16 little-endian)"),
      text_key("val_data", &Config::val_data, "held-out token file (optional)"),
      integer_key("eval_every", &Config::eval_every, "steps between validation passes (0 = never)"),
      integer_key("eval_batches", &Config::eval_batches, "micro-batches per validation pass"),
      text_key("eval_tasks", &Config::eval_tasks,
               "benchmark tasks scored during training into DIR/eval_tasks.csv, e.g. blimp,sciq (empty = none)"),
      text_key("eval_task_dir", &Config::eval_task_dir, "folder of the eval_tasks' JSON lines (T.jsonl, blimp/*.jsonl)"),
      integer_key("eval_tasks_every", &Config::eval_tasks_every, "steps between task evaluations, and at the end (0 = never)"),
      integer_key("eval_tasks_limit", &Config::eval_tasks_limit, "items per task file in a task evaluation (0 = all)"),
      integer_key("log_every", &Config::log_every, "steps between log lines"),
      bool_key("tensorboard", &Config::tensorboard,
               "TensorBoard event files in the run folder (tags such as train/loss, val/loss, lattice/churn/..., tasks/...)"),
      text_key("profile_steps", &Config::profile_steps,
               "A:B: a Chrome/Perfetto trace of steps A to B (1-based, inclusive) in the run folder, "
               "named by the range (empty = none)"),
      identity(real_key("lr", &Config::lr, "peak learning rate of the continuous baseline")),
      identity(real_key("min_lr", &Config::min_lr, "final learning rate of the cosine schedule")),
      identity(integer_key("warmup_steps", &Config::warmup_steps, "linear warmup steps of the continuous baseline")),
      identity(real_key("weight_decay", &Config::weight_decay, "AdamW weight decay of the continuous baseline (matrices only)")),
  };
  return all;
}

// No prefix guessing: --max_step is an unknown option, not --max_steps.
constexpr int kCommandLineStyle = po::command_line_style::unix_style & ~po::command_line_style::allow_guessing;

po::options_description key_options() {
  po::options_description desc("configuration keys (INI file or --key value)");
  // A key may be given more than once on the command line (a script appending an override):
  // the last occurrence wins (an INI file may not repeat one: refuse_repeated_keys). The
  // command line (stored first) wins over the file.
  const Config defaults;
  for (const Key& k : keys()) {
    const std::string value = k.get(defaults);  // shown in --help as Boost shows a default
    desc.add_options()(k.name.c_str(),
                       po::value<std::vector<std::string>>()->value_name(value.empty() ? "arg" : "arg (=" + value + ")"),
                       k.help.c_str());
  }
  return desc;
}

// The keys and --config FILE: what a command line takes.
po::options_description command_line_options() {
  po::options_description desc = key_options();
  desc.add_options()("config", po::value<std::string>(), "INI file of configuration keys (the command line overrides it)");
  return desc;
}

std::string trimmed(const std::string& s) {
  const std::size_t b = s.find_first_not_of(" \t\r"), e = s.find_last_not_of(" \t\r");
  return b == std::string::npos ? "" : s.substr(b, e - b + 1);
}

// A key given twice in one INI file is a mistake (which value was meant?): refused naming
// the key and both lines. The command line may repeat a key (a script appending an
// override); there the last occurrence wins.
void refuse_repeated_keys(const std::string& text, const std::string& path) {
  std::map<std::string, int> first_line;
  std::string section, line;
  std::istringstream in(text);
  for (int number = 1; std::getline(in, line); ++number) {
    line = trimmed(line.substr(0, line.find('#')));
    if (line.empty()) continue;
    if (line.front() == '[' && line.back() == ']') {
      section = trimmed(line.substr(1, line.size() - 2)) + ".";
      continue;
    }
    const std::size_t eq = line.find('=');
    if (eq == std::string::npos) continue;  // the INI parser names the line
    const std::string key = section + trimmed(line.substr(0, eq));
    const auto [it, added] = first_line.emplace(key, number);
    if (!added)
      throw Error("config", path + " line " + std::to_string(number) + ": key " + printable_excerpt(key) +
                                " is given twice (first on line " + std::to_string(it->second) + ")");
  }
}

void assign_keys(Config& config, const po::variables_map& vm) {
  for (const Key& k : keys())
    if (vm.count(k.name)) k.set(config, vm[k.name].as<std::vector<std::string>>().back());
}

}  // namespace

std::vector<std::pair<std::string, std::string>> Config::entries() const {
  std::vector<std::pair<std::string, std::string>> out;
  for (const Key& k : keys()) out.emplace_back(k.name, k.get(*this));
  return out;
}

std::string Config::to_json() const {
  JsonWriter j;
  j.begin_object();
  for (const auto& [k, v] : entries()) j.field(k, v);
  j.end_object();
  return j.str();
}

std::string to_string(Device value) { return name_in(kDeviceNames, value); }
std::string to_string(Precision value) { return name_in(kPrecisionNames, value); }
std::string to_string(QuantizerKind value) { return name_in(kQuantizerNames, value); }
std::string to_string(WidthInertia value) { return name_in(kWidthInertiaNames, value); }
std::string to_string(Projection value) { return name_in(kProjectionNames, value); }
std::string to_string(Init value) { return name_in(kInitNames, value); }
std::string to_string(Scope value) { return name_in(kScopeNames, value); }
std::string to_string(OptimizerKind value) { return name_in(kOptimizerNames, value); }

OptimizerKind Config::optimizer_kind() const {
  if (optimizer != OptimizerKind::automatic) return optimizer;
  return quantizer == QuantizerKind::lattice ? OptimizerKind::pollux : OptimizerKind::adamw;
}
std::string to_string(lattice::Scoring value) { return name_in(kScoringNames, value); }

std::vector<std::string> config_identity_keys(const Config& stored) {
  std::vector<std::string> out;
  for (const Key& k : keys())
    if (k.identity && (!k.identifies || k.identifies(stored))) out.push_back(k.name);
  return out;
}

std::vector<std::string> config_identity_keys() {
  std::vector<std::string> out;
  for (const Key& k : keys())
    if (k.identity && !k.identifies) out.push_back(k.name);
  return out;
}

void Config::validate() const {
  auto fail = [](const std::string& key, const std::string& why) { throw Error("config", "key " + key + ": " + why); };
  if (model.d_head != 24) fail("d_head", std::to_string(model.d_head) + " is not 24: a head is one 24-wide atom");
  if (model.n_embd <= 0 || model.n_embd % 24 != 0)
    fail("n_embd", std::to_string(model.n_embd) + " is not a positive multiple of 24");
  if (model.n_layers <= 0) fail("n_layers", "must be positive");
  if (model.seq_len <= 0) fail("seq_len", "must be positive");
  // A .plx file packs pos_emb (seq_len rows of n_embd / 24 atoms) 4 atoms to a 9-byte group; a
  // reader recovers the row width from the byte count only with 4 or more rows or whole groups
  // (lattice_matrix in src/lattice/plx.cpp), so a shorter context must fill whole groups.
  const std::int64_t pos_atoms = std::int64_t(model.seq_len) * (model.n_embd / 24);
  if (quantizer == QuantizerKind::lattice && model.seq_len < 4 && pos_atoms % 4 != 0)
    fail("seq_len", std::to_string(model.seq_len) + " with n_embd " + std::to_string(model.n_embd) + " gives pos_emb " +
                        std::to_string(pos_atoms) +
                        " atoms, which a .plx file cannot hold: use seq_len >= 4 (or a multiple of 4 atoms)");
  if (model.vocab_size <= 0 || model.vocab_size % 24 != 0)
    fail("vocab_size", std::to_string(model.vocab_size) + " is not a positive multiple of 24");
  if (model.tokenizer_vocab_size <= 0 || model.tokenizer_vocab_size > model.vocab_size)
    fail("tokenizer_vocab_size",
         std::to_string(model.tokenizer_vocab_size) + " must be in 1.." + std::to_string(model.vocab_size) + " (vocab_size)");
  if (tokenizer == "gpt2" && model.tokenizer_vocab_size < 50257)
    fail("tokenizer_vocab_size", "the gpt2 tokenizer needs at least 50257 ids");
  if (micro_batch <= 0) fail("micro_batch", "must be positive");
  if (grad_accum <= 0) fail("grad_accum", "must be positive");
  if (max_steps <= 0) fail("max_steps", "must be positive");
  if (checkpoint_every < 0) fail("checkpoint_every", "must be 0 or positive");
  if (keep_last <= 0) fail("keep_last", "must be positive");
  if (loss_chunk < 0) fail("loss_chunk", "must be 0 (whole micro-batch) or positive");
  if (keep_every < 0) fail("keep_every", "must be 0 (no milestones) or positive");
  if (threads < 0 || threads > kMaxThreads) fail("threads", "must be 0 (all cores) to " + std::to_string(kMaxThreads));
  const std::vector<std::tuple<const char*, std::int64_t, std::int64_t>> caps = {
      {"n_layers", model.n_layers, kMaxLayers}, {"n_embd", model.n_embd, kMaxWidth},
      {"seq_len", model.seq_len, kMaxSeqLen},   {"vocab_size", model.vocab_size, kMaxVocab},
      {"micro_batch", micro_batch, kMaxBatch},  {"grad_accum", grad_accum, kMaxBatch}};
  for (const auto& [key, value, cap] : caps)
    if (value > cap) fail(key, std::to_string(value) + " is above the limit " + std::to_string(cap));
  // pollux_step's steps are sized in the lattice's units (spec section 5): its latents start
  // there, and so do the lattice's (the projection's row scale is the latent's).
  const bool pollux_step = optimizer_kind() == OptimizerKind::pollux;
  if ((quantizer == QuantizerKind::lattice || pollux_step) && init != Init::lattice)
    fail("init",
         std::string("must be lattice when ") + (pollux_step ? "optimizer = pollux (its steps are sized in the lattice's units)"
                                                             : "quantizer = lattice (the spec's start of its latents)"));
  if (pollux_step && !(h_floor > 0))
    fail("h_floor", "must be positive: the corpus's irreducible cross-entropy in nats (measure it with quantizer = none)");
  if (eval_every < 0) fail("eval_every", "must be 0 or positive");
  if (dist_timeout_s <= 0) fail("dist_timeout_s", "must be positive");
  if (eval_batches <= 0) fail("eval_batches", "must be positive");
  if (eval_tasks_every < 0) fail("eval_tasks_every", "must be 0 or positive");
  if (eval_tasks_limit < 0) fail("eval_tasks_limit", "must be 0 or positive");
  if (!eval_tasks.empty() && eval_tasks_every > 0 && eval_task_dir.empty()) fail("eval_task_dir", "is needed by eval_tasks");
  if (log_every <= 0) fail("log_every", "must be positive");
  if (parse_step_range(profile_steps, "key profile_steps").second > max_steps)
    fail("profile_steps", "'" + printable_excerpt(profile_steps) + "' ends after max_steps = " + std::to_string(max_steps));
  if (!(lr > 0)) fail("lr", "must be positive");
  if (min_lr < 0 || min_lr > lr) fail("min_lr", "must be in [0, lr]");
  if (warmup_steps < 0) fail("warmup_steps", "must be 0 or positive");
  if (weight_decay < 0) fail("weight_decay", "must be 0 or positive");
  if (activation_bits != 0 && activation_bits != 8)
    fail("activation_bits", std::to_string(activation_bits) + " is not 0 (float activations) or 8 (8 bits per token)");
  if (scope != Scope::all && quantizer == QuantizerKind::none)
    fail("scope", "must be all with quantizer = none (nothing is quantized)");
  // Keys that only one quantizer reads are refused elsewhere when set away from their
  // defaults, rather than ignored (issue 29). h_floor stays allowed on every run (a
  // continuous baseline shares its INI file with the lattice run), but never negative.
  if (!(h_floor >= 0) || !std::isfinite(h_floor))
    fail("h_floor", "must be a finite cross-entropy in nats, 0 or more (" + std::to_string(h_floor) + ")");
  if (quantizer != QuantizerKind::ternary && activation_bits != Config().activation_bits)
    fail("activation_bits", "only quantizer = ternary quantizes activations; this run is quantizer = " + to_string(quantizer));
  if (ptq_activation_bits != 0)
    fail("ptq_activation_bits", "is written by pollux-ptq --method smoothquant for evaluation; training does not read it");
  if (!pollux_step && width_inertia != Config().width_inertia)
    fail("width_inertia", "only pollux_step scales its step by the width; this run is optimizer = " + to_string(optimizer) +
                              " with quantizer = " + to_string(quantizer));
}

ParsedConfig parse_config(const std::vector<std::string>& args) {
  const po::options_description desc = command_line_options();
  po::variables_map vm;
  po::parsed_options parsed = po::command_line_parser(args).options(desc).style(kCommandLineStyle).allow_unregistered().run();
  ParsedConfig out;
  out.extra = po::collect_unrecognized(parsed.options, po::include_positional);
  for (const auto& option : parsed.options)
    if (!option.unregistered && option.position_key < 0 && !option.string_key.empty() && option.string_key != "config")
      for (const auto& value : option.value) {
        out.overrides.push_back("--" + option.string_key);
        out.overrides.push_back(value);
      }
  po::store(parsed, vm);  // the command line first: its values win over the file's
  if (vm.count("config")) {
    const std::string path = vm["config"].as<std::string>();
    std::error_code ec;
    if (std::filesystem::exists(path, ec) && !std::filesystem::is_regular_file(path, ec))
      throw Error("config", "config file " + path + " is not a regular file");
    const std::vector<std::uint8_t> bytes = read_file(path);  // refuses a FIFO or a device
    const std::string text(bytes.begin(), bytes.end());
    refuse_repeated_keys(text, path);
    std::istringstream file(text);
    try {
      po::store(po::parse_config_file(file, key_options(), false), vm);
    } catch (const po::error& e) { throw Error("config", path + ": " + printable_excerpt(e.what(), 300)); }
    out.from_file = true;
  }
  try {
    po::notify(vm);
  } catch (const po::error& e) { throw Error("config", printable_excerpt(e.what(), 300)); }
  assign_keys(out.config, vm);
  return out;
}

Config config_from_entries(const std::vector<std::pair<std::string, std::string>>& entries) {
  po::variables_map vm;
  std::stringstream ini;
  for (const auto& [k, v] : entries) ini << k << " = " << v << "\n";
  try {
    po::store(po::parse_config_file(ini, key_options(), false), vm);
  } catch (const po::error& e) { throw Error("config", std::string("stored configuration: ") + e.what()); }
  Config config;
  assign_keys(config, vm);
  return config;
}

Config with_overrides(Config base, const std::vector<std::string>& override_args) {
  po::variables_map vm;
  po::store(po::command_line_parser(override_args).options(key_options()).style(kCommandLineStyle).run(), vm);
  assign_keys(base, vm);
  return base;
}

std::pair<std::int64_t, std::int64_t> parse_step_range(const std::string& text, const std::string& what) {
  if (text.empty()) return {0, 0};
  const std::size_t colon = text.find(':');
  const auto step = [&](const std::string& part) {
    if (part.empty() || part.find_first_not_of("0123456789") != std::string::npos || part.size() > 15) return std::int64_t(0);
    return std::int64_t(std::stoll(part));
  };
  const std::int64_t first = colon == std::string::npos ? 0 : step(text.substr(0, colon));
  const std::int64_t last = colon == std::string::npos ? 0 : step(text.substr(colon + 1));
  if (first < 1 || last < first)
    throw Error("config", what + ": '" + printable_excerpt(text) + "' is not a step range A:B with 1 <= A <= B");
  return {first, last};
}

std::string config_help() {
  std::ostringstream s;
  s << command_line_options();
  return s.str();
}

}  // namespace pollux
