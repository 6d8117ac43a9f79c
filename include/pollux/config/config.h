// Run configuration: every key of configs/*.ini, each also a command-line option of the same
// name (--max_steps 8) that overrides the file. Plain C++ (Boost.Program_options), no LibTorch.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "pollux/lattice/codebook.h"
#include "pollux/lattice/quantizer.h"

namespace pollux {

// The configuration's choices, parsed once from their names in configs/*.ini (to_string gives
// the name back, as checkpoints and logs store it). The codebook is lattice::CodebookVariant
// and lattice_search is lattice::Scoring, the lattice layer's own types.
enum class Device : std::uint8_t { cpu, cuda };
enum class Precision : std::uint8_t { bf16_autocast, float32 };  // the forward pass on CUDA
// none: the continuous AdamW baseline; ternary: BitNet b1.58 weights (model/ternary.h), AdamW
enum class QuantizerKind : std::uint8_t { lattice, none, ternary };
enum class WidthInertia : std::uint8_t { clamped, reference };
enum class Projection : std::uint8_t { incremental, full };
// How the parameters start (model.cpp): lattice is the spec's (section 4: matrices N(0, 1),
// embeddings and head N(0, 1/(C sqrt d))); standard is GPT-2's (every matrix N(0, 0.02), the
// residual outputs o_proj and fc2 N(0, 0.02 / sqrt(2 n_layers))), for the AdamW routes.
enum class Init : std::uint8_t { lattice, standard };
// Which optimizer trains the model (src/optim): auto is pollux_step (spec section 5) for
// quantizer = lattice and AdamW otherwise; naming one trains any quantizer with it (AdamW on
// lattice latents is the plain straight-through QAT recipe, pollux_step on ternary latents its
// mirror image), so the codebook's effect and the optimizer's can be told apart.
enum class OptimizerKind : std::uint8_t { automatic, pollux, adamw };
// Which matrices the quantizer holds: all, or the blocks' only (tok_emb, pos_emb and head int8 rows, model/int8_rows.h)
enum class Scope : std::uint8_t { all, backbone };

std::string to_string(Device value);            // cpu | cuda
std::string to_string(Precision value);         // bf16-autocast | float32
std::string to_string(QuantizerKind value);     // lattice | none | ternary
std::string to_string(WidthInertia value);      // clamped | reference
std::string to_string(Projection value);        // incremental | full
std::string to_string(Init value);              // lattice | standard
std::string to_string(Scope value);             // all | backbone
std::string to_string(OptimizerKind value);     // auto | pollux | adamw
std::string to_string(lattice::Scoring value);  // exact | reference-bf16
using lattice::to_string;                       // CodebookVariant: leech | pollux-v4

// Upper ranges of the validation (Config::validate and every tool's --threads): values past
// them are typing mistakes or hostile input, refused by name before any thread or tensor exists.
constexpr int kMaxThreads = 1024;
constexpr int kMaxLayers = 4096, kMaxWidth = 1 << 16, kMaxSeqLen = 1 << 20, kMaxVocab = 1 << 22, kMaxBatch = 1 << 16;

struct ModelConfig {
  int n_layers = 2;
  int n_embd = 96;  // a multiple of 24; n_heads = n_embd / 24
  int d_head = 24;  // fixed by the lattice (H24_DIM); present so a wrong value is refused
  int seq_len = 128;
  int vocab_size = 264;            // padded model vocabulary, a multiple of 24
  int tokenizer_vocab_size = 256;  // ids >= this are masked out of every softmax
  int n_heads() const { return n_embd / d_head; }
};

struct Config {
  ModelConfig model;
  std::string tokenizer = "bytes";  // bytes | gpt2: which tokenizer made the token files

  // run
  int micro_batch = 8;
  int grad_accum = 1;
  std::uint64_t target_tokens = 0;    // 0 = no token target; otherwise training stops there
  std::int64_t max_steps = 100;       // counted from the start of training, not of the run
  std::int64_t checkpoint_every = 0;  // 0 = only at the end
  int keep_last = 3;                  // newest checkpoints kept, milestones aside
  std::int64_t keep_every = 0;        // milestones: steps that are multiples are never pruned (0 = none)
  std::uint64_t seed = 1;
  // A continuous checkpoint (quantizer = none) whose weights a fresh run starts from, with a
  // fresh optimizer and schedule, its sampler the source's (train/init_from.h); "" = the run's own
  // initialisation. Not applied on resume: the checkpoint's weights continue the run.
  std::string init_from;
  Device device = Device::cpu;
  bool gradient_checkpointing = false;  // recompute each block in the backward pass (less memory)
  std::int64_t loss_chunk = 0;          // 0: whole micro-batch logits; N: head + loss fused, N rows of logits at a time
  Precision precision = Precision::bf16_autocast;  // the CPU is always float32
  bool deterministic = false;                      // CUDA: equal weights from equal runs (train/determinism.h)
  lattice::CodebookVariant codebook = lattice::CodebookVariant::leech;
  QuantizerKind quantizer = QuantizerKind::lattice;
  int activation_bits = 8;      // quantizer = ternary: 8 bits per token at its linears' inputs, or 0 (float); ignored otherwise
  int ptq_activation_bits = 0;  // quantizer = none: 8 bits per token at its linears' inputs (pollux-ptq smoothquant), or 0
  Scope scope = Scope::all;     // backbone: tok_emb, pos_emb and head are int8 absmax rows, not on the quantizer
  WidthInertia width_inertia = WidthInertia::clamped;         // clamped: max(1, eta_d); reference: eta_d as is
  Projection projection = Projection::incremental;            // the same weights; full searches every atom
  Init init = Init::lattice;                                  // standard: GPT-2's, for quantizer = none | ternary
  OptimizerKind optimizer = OptimizerKind::automatic;         // auto: pollux for quantizer = lattice, else adamw
  lattice::Scoring lattice_search = lattice::Scoring::exact;  // reference_bf16: the reference's approximate search
  int threads = 0;                                            // CPU threads (0 = all cores)
  std::int64_t dist_timeout_s = 300;                          // data-parallel runs: how long a rank waits for the others

  // corpus
  double h_floor = 0.0;               // irreducible CE of the corpus in nats (spec section 1); required > 0
  std::string data;                   // uint16 token file
  std::string val_data;               // optional held-out token file
  std::int64_t eval_every = 50;       // steps between validation passes (0 = never)
  int eval_batches = 8;               // validation micro-batches per pass
  std::string eval_tasks;             // benchmark tasks scored at checkpoints ("" = none), e.g. "blimp,sciq"
  std::string eval_task_dir;          // their JSON lines: T.jsonl, blimp/*.jsonl
  std::int64_t eval_tasks_every = 0;  // steps between task evaluations (0 = never)
  std::int64_t eval_tasks_limit = 0;  // items per task file (0 = all)
  std::int64_t log_every = 1;
  bool tensorboard = true;    // TensorBoard event files in the run folder (train/tensorboard.h)
  std::string profile_steps;  // "A:B": a profiler trace of steps A..B into the run folder ("" = none)

  // continuous baseline (quantizer = none): AdamW, linear warmup then cosine decay
  double lr = 3e-3;
  double min_lr = 3e-4;
  std::int64_t warmup_steps = 20;
  double weight_decay = 0.1;

  // Every key with its value as text, in a fixed order (for checkpoints and logs).
  std::vector<std::pair<std::string, std::string>> entries() const;
  std::string to_json() const;
  // Throws pollux::Error naming the key for every inconsistent value.
  void validate() const;
  // The optimizer that trains the run: `optimizer` with auto resolved by the quantizer.
  OptimizerKind optimizer_kind() const;
  std::int64_t tokens_per_step() const { return std::int64_t(micro_batch) * grad_accum * model.seq_len; }
};

// Keys whose value must be the same when a run resumes from a checkpoint trained with
// `stored` (marked so in the key table; activation_bits for ternary models only).
std::vector<std::string> config_identity_keys(const Config& stored);
// The identity keys of every model: what every checkpoint must hold.
std::vector<std::string> config_identity_keys();

// What a tool's command line says about the configuration.
struct ParsedConfig {
  Config config;                       // defaults < INI file < command line
  bool from_file = false;              // --config FILE was given
  std::vector<std::string> overrides;  // the --key value pairs of config keys, as given
  std::vector<std::string> extra;      // every other argument, for the tool to parse
};

// Parses `--config FILE` and --key value overrides from argv-style arguments. Throws
// pollux::Error for unknown INI keys, bad values, or an unreadable file.
ParsedConfig parse_config(const std::vector<std::string>& args);

// Rebuilds a config from entries() text (as stored in a checkpoint).
Config config_from_entries(const std::vector<std::pair<std::string, std::string>>& entries);

// `base` with the --key value pairs of `override_args` (ParsedConfig::overrides) applied.
Config with_overrides(Config base, const std::vector<std::string>& override_args);

// Steps A..B (1-based, inclusive) of "A:B"; {0, 0} for "". Throws pollux::Error naming `what`
// (a key or a flag) unless 1 <= A <= B.
std::pair<std::int64_t, std::int64_t> parse_step_range(const std::string& text, const std::string& what);

// The help text of all config keys.
std::string config_help();

}  // namespace pollux
