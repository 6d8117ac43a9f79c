// pollux-inspect FILE [--json]: what a .plx model file or a training checkpoint holds;
// pollux-inspect CKPT_A CKPT_B [--json]: how many atoms changed per lattice matrix between two;
// pollux-inspect RUN_DIR: where the run's churn has plateaued and which checkpoint to pack.
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <future>
#include <iostream>
#include <limits>

#include "cli.h"
#include "pollux/base/error.h"
#include "pollux/base/half.h"
#include "pollux/base/json.h"
#include "pollux/base/log.h"
#include "pollux/io/checkpoint.h"
#include "pollux/lattice/deployed.h"
#include "pollux/lattice/plx.h"
#include "pollux/model/int8_rows.h"
#include "pollux/model/ternary.h"
#include "pollux/runtime/model_file.h"
#include "pollux/train/lattice_stats.h"
#include "pollux/train/plateau.h"

namespace {

using namespace pollux;
namespace po = boost::program_options;

std::string shape_text(const std::vector<std::uint32_t>& shape) {
  std::string s = "[";
  for (std::size_t i = 0; i < shape.size(); ++i) s += (i ? ", " : "") + std::to_string(shape[i]);
  return s + "]";
}

// How a ternary matrix's weights split between -1, 0 and +1 (quantizer = ternary).
struct TernaryStats {
  std::string name;
  double gamma = 0;
  std::uint64_t minus = 0, zero = 0, plus = 0;
  std::uint64_t count() const { return minus + zero + plus; }
};

TernaryStats ternary_stats(const std::string& name, double gamma, const std::int8_t* trits, std::size_t n) {
  TernaryStats s{name, gamma};
  for (std::size_t i = 0; i < n; ++i) (trits[i] < 0 ? s.minus : trits[i] > 0 ? s.plus : s.zero) += 1;
  return s;
}

// The rows of a model's ternary matrices and their total ("all ternary matrices").
std::vector<TernaryStats> with_total(std::vector<TernaryStats> rows) {
  if (rows.empty()) return rows;
  TernaryStats all{"all ternary matrices", 0};
  for (const auto& r : rows) all.minus += r.minus, all.zero += r.zero, all.plus += r.plus;
  all.gamma = std::nan("");
  rows.push_back(all);
  return rows;
}

void print_ternary(const std::vector<TernaryStats>& rows) {
  if (rows.empty()) return;
  std::printf("%-44s %12s %8s %8s %8s\n", "ternary matrix", "gamma", "-1%", "0%", "+1%");
  for (const auto& r : rows) {
    const double n = double(r.count());
    std::printf("%-44s %12s %8.3f %8.3f %8.3f\n", r.name.c_str(), std::isnan(r.gamma) ? "" : strprintf("%.6g", r.gamma).c_str(),
                100.0 * double(r.minus) / n, 100.0 * double(r.zero) / n, 100.0 * double(r.plus) / n);
  }
}

void json_ternary(JsonWriter& j, const std::vector<TernaryStats>& rows) {
  j.key("ternary").begin_array();
  for (const auto& r : rows) {
    const double n = double(r.count());
    j.begin_object().field("name", r.name);
    if (!std::isnan(r.gamma)) j.field("gamma", r.gamma);
    j.field("weights", r.count())
        .field("minus_fraction", double(r.minus) / n)
        .field("zero_fraction", double(r.zero) / n)
        .field("plus_fraction", double(r.plus) / n)
        .end_object();
  }
  j.end_array();
}

// An int8-rows matrix (X.weight_int8 + X.mu_rows; scope = backbone): its row scales and how
// many of the 255 levels its fullest row uses.
struct Int8Stats {
  std::string name;
  std::int64_t rows = 0;
  double scale_mean = 0, scale_min = 0, scale_max = 0;
  int max_levels = 0;
};

// q (rows x cols, int8) and the row scales as float32.
Int8Stats int8_stats(const std::string& name, const std::int8_t* q, const float* scale, std::int64_t rows, std::int64_t cols) {
  Int8Stats s{name, rows, 0, std::numeric_limits<double>::infinity(), 0, 0};
  for (std::int64_t r = 0; r < rows; ++r) {
    s.scale_mean += double(scale[r]) / double(rows);
    s.scale_min = std::min(s.scale_min, double(scale[r]));
    s.scale_max = std::max(s.scale_max, double(scale[r]));
    bool used[256] = {};
    int levels = 0;
    for (std::int64_t c = 0; c < cols; ++c) {
      const int v = q[r * cols + c] + 128;
      levels += !used[v];
      used[v] = true;
    }
    s.max_levels = std::max(s.max_levels, levels);
  }
  return s;
}

void print_int8(const std::vector<Int8Stats>& rows) {
  if (rows.empty()) return;
  std::printf("%-44s %8s %12s %12s %12s %8s\n", "int8 matrix", "rows", "scale_mean", "scale_min", "scale_max", "levels");
  for (const auto& r : rows)
    std::printf("%-44s %8lld %12.6g %12.6g %12.6g %8d\n", r.name.c_str(), (long long)r.rows, r.scale_mean, r.scale_min,
                r.scale_max, r.max_levels);
}

void json_int8(JsonWriter& j, const std::vector<Int8Stats>& rows) {
  j.key("int8").begin_array();
  for (const auto& r : rows)
    j.begin_object()
        .field("name", r.name)
        .field("rows", r.rows)
        .field("scale_mean", r.scale_mean)
        .field("scale_min", r.scale_min)
        .field("scale_max", r.scale_max)
        .field("max_levels", r.max_levels)
        .end_object();
  j.end_array();
}

// The scope a .plx file's config JSON names (scope = backbone files say so; others are "all").
std::string plx_scope(const lattice::PlxFile& file) {
  try {
    const JsonValue doc = parse_json(file.config_json);
    const JsonValue* v = doc.get("scope");
    if (v && v->kind == JsonValue::Kind::string) return v->string;
  } catch (const Error&) {}  // the readers name a bad config JSON; inspect shows it as it is
  return "all";
}

int inspect_plx(const std::string& path, bool json) {
  const lattice::PlxFile file = lattice::read_plx(path);
  const std::uint64_t file_bytes = std::filesystem::file_size(path);
  const auto logical = lattice::plx_logical_tensors(file);
  // A version-4 file cannot name its codebook (the fingerprint is the same for both; every
  // reference v4 file indexes the pollux-v4 table); version 5 names it.
  const std::string codebook = lattice::to_string(file.codebook);
  const bool codebook_known = file.version >= 5;
  const lattice::PlxBudget budget = lattice::plx_budget(logical);
  const std::uint64_t params = budget.parameters, backbone_params = budget.backbone_parameters,
                      backbone_bytes = budget.backbone_bytes;
  const double backbone_bpp = backbone_params ? 8.0 * double(backbone_bytes) / double(backbone_params) : 0.0;
  const double file_bpp = params ? 8.0 * double(file_bytes) / double(params) : 0.0;
  std::vector<TernaryStats> ternary;
  for (const auto& t : logical)
    if (t.storage == lattice::PlxStorage::ternary) {
      const lattice::TernaryMatrix m = lattice::read_ternary(*file.find(t.name));
      ternary.push_back(ternary_stats(t.name, m.gamma, m.trits.data(), m.trits.size()));
    }
  ternary = with_total(std::move(ternary));
  std::vector<Int8Stats> int8;
  for (const auto& t : logical)
    if (t.storage == lattice::PlxStorage::int8_rows) {
      const std::string base = t.name.substr(0, t.name.size() - 7);
      const lattice::PlxTensor& q = *file.find(base + ".weight_int8");
      const lattice::PlxTensor& mu = *file.find(base + ".mu_rows");
      std::vector<float> scale(mu.element_count());
      for (std::size_t r = 0; r < scale.size(); ++r)
        scale[r] = half_to_float(std::uint16_t(mu.data[2 * r] | (mu.data[2 * r + 1] << 8)));
      int8.push_back(int8_stats(t.name, reinterpret_cast<const std::int8_t*>(q.data.data()), scale.data(), t.shape[0],
                                std::int64_t(t.parameter_count() / t.shape[0])));
    }
  const std::string scope = plx_scope(file);

  if (json) {
    JsonWriter j;
    j.begin_object()
        .field("file", path)
        .field("kind", "plx")
        .field("scope", scope)
        .field("version", int(file.version))
        .field("codebook", codebook)
        .field("codebook_known", codebook_known)
        .key("config")
        .raw(file.config_json.empty() ? "null" : file.config_json)
        .field("file_bytes", file_bytes)
        .field("deployed_bytes", lattice::deployed_bytes(lattice::deployed_model(file)))  // the byte rule: file_bytes
        .field("parameters", params)
        .field("backbone_parameters", backbone_params)
        .field("backbone_bytes", backbone_bytes)
        .field("backbone_bits_per_param", backbone_bpp)
        .field("file_bits_per_param", file_bpp);
    j.key("stored_tensors").begin_array();
    for (const auto& t : file.tensors) {
      j.begin_object().field("name", t.name).field("dtype", lattice::to_string(t.dtype)).key("shape").begin_array();
      for (auto d : t.shape) j.value(std::uint64_t(d));
      j.end_array().field("bytes", std::uint64_t(t.data.size())).end_object();
    }
    j.end_array().key("tensors").begin_array();
    for (const auto& t : logical) {
      j.begin_object().field("name", t.name).field("storage", lattice::to_string(t.storage)).key("shape").begin_array();
      for (auto d : t.shape) j.value(std::uint64_t(d));
      j.end_array()
          .field("parameters", t.parameter_count())
          .field("bytes", t.stored_bytes)
          .field("bits_per_param", 8.0 * double(t.stored_bytes) / double(t.parameter_count()))
          .end_object();
    }
    j.end_array();
    if (!ternary.empty()) json_ternary(j, ternary);
    if (!int8.empty()) json_int8(j, int8);
    j.end_object();
    std::cout << j.str() << "\n";
    return 0;
  }
  std::printf("%s: .plx version %d, %llu bytes\n", path.c_str(), file.version, (unsigned long long)file_bytes);
  std::printf("scope: %s\n", scope == "backbone" ? "backbone (tok_emb, pos_emb and head as int8 rows)" : scope.c_str());
  std::printf("codebook: %s%s\n", codebook.c_str(),
              codebook_known ? " (named by the file, table SHA-256 checked)"
                             : " (assumed: a version-4 file cannot tell the variants apart)");
  std::printf("config: %s\n", file.config_json.c_str());
  std::printf("%-44s %-8s %-14s %12s %10s %8s\n", "tensor", "storage", "shape", "params", "bytes", "bits/p");
  for (const auto& t : logical)
    std::printf("%-44s %-8s %-14s %12llu %10llu %8.4f\n", t.name.c_str(), lattice::to_string(t.storage).c_str(),
                shape_text(t.shape).c_str(), (unsigned long long)t.parameter_count(), (unsigned long long)t.stored_bytes,
                8.0 * double(t.stored_bytes) / double(t.parameter_count()));
  std::printf("backbone: %llu parameters in %llu bytes = %.4f bits per parameter\n", (unsigned long long)backbone_params,
              (unsigned long long)backbone_bytes, backbone_bpp);
  std::printf("whole file: %llu parameters in %llu bytes = %.4f bits per parameter\n", (unsigned long long)params,
              (unsigned long long)file_bytes, file_bpp);
  print_ternary(ternary);
  print_int8(int8);
  return 0;
}

int inspect_checkpoint(const std::string& path, bool json) {
  const Checkpoint ck = read_checkpoint(path);
  std::uint64_t parameters = 0, atoms = 0, zero_atoms = 0;
  for (const auto& [name, t] : ck.weights) parameters += std::uint64_t(t.numel());
  for (const auto& [key, t] : ck.optimizer.tensors)
    if (key.rfind("indices/", 0) == 0) {
      parameters += std::uint64_t(t.numel()) * lattice::kAtomDim;
      atoms += std::uint64_t(t.numel());
      zero_atoms += std::uint64_t(t.eq(0).sum().item<std::int64_t>());
    }
  // quantizer = ternary: the forward weights' trits, recomputed from the latents.
  std::vector<TernaryStats> ternary;
  if (ck.config.quantizer == QuantizerKind::ternary)
    for (const auto& [name, t] : ck.weights)
      if (t.dim() >= 2 && t.numel() % lattice::kAtomDim == 0 && !int8_rows_parameter(ck.config.scope, name)) {
        const at::Tensor gamma = ternary_scale(t);
        const at::Tensor trits = ternary_trits(t, gamma).contiguous();
        ternary.push_back(ternary_stats(name, gamma.item<double>(), trits.data_ptr<std::int8_t>(), std::size_t(trits.numel())));
      }
  ternary = with_total(std::move(ternary));
  // scope = backbone: tok_emb, pos_emb and head's int8 rows, recomputed from their latents
  // (the ternary model's weights, pollux_step's latent/ tensors; none before the first step).
  std::vector<Int8Stats> int8;
  for (const char* name : {"tok_emb.weight", "pos_emb.weight", "head.weight"}) {
    const auto& from = ck.config.quantizer == QuantizerKind::ternary ? ck.weights : ck.optimizer.tensors;
    auto it = from.find(ck.config.quantizer == QuantizerKind::ternary ? std::string(name) : "latent/" + std::string(name));
    if (!int8_rows_parameter(ck.config.scope, name) || it == from.end() || it->second.dim() != 2) continue;
    const Int8Rows rows = int8_rows(it->second);
    const at::Tensor q = rows.q.contiguous(), scale = rows.scale.contiguous();
    int8.push_back(int8_stats(name, q.data_ptr<std::int8_t>(), scale.data_ptr<float>(), q.size(0), q.size(1)));
  }
  // The two digests are sequential hashes: one thread each.
  auto weights_digest = std::async(std::launch::async, [&ck] { return weights_sha256(ck); });
  const std::string state = optimizer_sha256(ck), weights = weights_digest.get();
  if (json) {
    JsonWriter j;
    j.begin_object()
        .field("file", path)
        .field("kind", "checkpoint")
        .field("step", ck.step)
        .field("tokens_seen", ck.tokens_seen)
        .field("codebook", ck.codebook)
        .field("codebook_sha256", ck.codebook_sha256)
        .field("quantizer", to_string(ck.config.quantizer))
        .field("scope", to_string(ck.config.scope))
        .field("heat", ck.optimizer.heat)
        .field("world_size", ck.world_size)
        .field("parameters", parameters)
        .field("lattice_atoms", atoms)
        .field("zero_atoms", zero_atoms)
        .field("sampler_seed", ck.sampler_seed)
        .field("sampler_counter", ck.sampler_counter)
        .field("weights_sha256", weights)
        .field("optimizer_sha256", state);
    if (!ck.origin.empty())  // pollux-train --init_from: where the run's weights started
      j.field("init_from", ck.origin.path).field("init_from_sha256", ck.origin.sha256).field("init_from_step", ck.origin.step);
    j  // The byte rule (lattice/deployed.h): the .plx v5 file pollux-pack writes of it (a
       // continuous checkpoint: its weights as float32 records)
        .field("deployed_bytes", deployed_bytes(ck.config, deployed_tensors(ck, 5)))
        .key("config")
        .raw(ck.config.to_json());
    if (!ternary.empty()) json_ternary(j, ternary);
    if (!int8.empty()) json_int8(j, int8);
    j.end_object();
    std::cout << j.str() << "\n";
    return 0;
  }
  std::printf("%s: pollux checkpoint at step %lld, %llu tokens seen\n", path.c_str(), (long long)ck.step,
              (unsigned long long)ck.tokens_seen);
  std::printf("model: %d layers x %d wide, vocabulary %d (%s tokenizer), %llu parameters\n", ck.config.model.n_layers,
              ck.config.model.n_embd, ck.config.model.vocab_size, ck.config.tokenizer.c_str(), (unsigned long long)parameters);
  std::printf("quantizer: %s, codebook %s (sha256 %s)\n", to_string(ck.config.quantizer).c_str(), ck.codebook.c_str(),
              ck.codebook_sha256.substr(0, 16).c_str());
  if (ck.config.scope != Scope::all)
    std::printf("scope: %s (tok_emb, pos_emb and head as int8 rows)\n", to_string(ck.config.scope).c_str());
  if (atoms)
    std::printf("lattice atoms: %llu, of which zero: %llu (%.2f%%)\n", (unsigned long long)atoms, (unsigned long long)zero_atoms,
                100.0 * double(zero_atoms) / double(atoms));
  if (!ternary.empty())
    std::printf("activations: %s\n",
                ck.config.activation_bits ? strprintf("%d bits per token", ck.config.activation_bits).c_str() : "full precision");
  std::printf("written by %d rank%s\n", ck.world_size, ck.world_size > 1 ? "s" : "");
  std::printf("heat: %.6f, sampler: seed %llu counter %llu\n", ck.optimizer.heat, (unsigned long long)ck.sampler_seed,
              (unsigned long long)ck.sampler_counter);
  std::printf("weights_sha256: %s\noptimizer_sha256: %s\n", weights.c_str(), state.c_str());
  if (!ck.origin.empty())
    std::printf("started from: %s (step %lld, sha256 %s)\n", ck.origin.path.c_str(), (long long)ck.origin.step,
                ck.origin.sha256.c_str());
  std::printf("config:");
  for (const auto& [k, v] : ck.config.entries()) std::printf(" %s=%s", k.c_str(), v.c_str());
  std::printf("\n");
  print_ternary(ternary);
  print_int8(int8);
  const StatsTable table = lattice_table(ck.optimizer, changed_since(ck.optimizer, {}), {});
  if (table.size() > 1) {
    std::printf("%-40s %10s %8s %10s %10s %10s\n", "lattice group", "atoms", "null%", "sigma_mean", "sigma_min", "sigma_max");
    for (const auto& [group, c] : table)
      std::printf("%-40s %10lld %8.3f %10.5f %10.5f %10.5f\n", group.c_str(), (long long)c.atoms,
                  100.0 * double(c.null) / double(c.atoms), c.sigma_sum / double(c.rows), c.sigma_min, c.sigma_max);
  }
  return 0;
}

// Atoms whose codebook index differs between two checkpoints of one model, per matrix.
int compare_checkpoints(const std::string& path_a, const std::string& path_b, bool json) {
  const Checkpoint a = read_checkpoint(path_a), b = read_checkpoint(path_b);
  const auto matrices_a = lattice_matrices(a.optimizer), matrices_b = lattice_matrices(b.optimizer);
  if (matrices_a.empty() || matrices_b.empty())
    throw Error("inspect", (matrices_a.empty() ? path_a : path_b) + " has no lattice matrices to compare");
  if (matrices_a != matrices_b) throw Error("inspect", path_a + " and " + path_b + " have different lattice matrices");
  for (const std::string& name : matrices_a)
    if (!a.optimizer.tensors.at("indices/" + name).sizes().equals(b.optimizer.tensors.at("indices/" + name).sizes()))
      throw Error("inspect", path_a + " and " + path_b + " differ in the shape of " + name);
  const StatsTable table = lattice_table(b.optimizer, changed_since(b.optimizer, copy_indices(a.optimizer)), {});
  if (json) {
    JsonWriter j;
    j.begin_object().field("a", path_a).field("b", path_b).field("step_a", a.step).field("step_b", b.step);
    j.key("groups").begin_array();
    for (const auto& [group, c] : table)
      j.begin_object().field("name", group).field("atoms", c.atoms).field("changed", c.changed).end_object();
    j.end_array().end_object();
    std::cout << j.str() << "\n";
    return 0;
  }
  std::printf("%s (step %lld) -> %s (step %lld)\n", path_a.c_str(), (long long)a.step, path_b.c_str(), (long long)b.step);
  std::printf("%-40s %10s %10s %9s\n", "lattice group", "atoms", "changed", "changed%");
  for (const auto& [group, c] : table)
    std::printf("%-40s %10lld %10lld %9.3f\n", group.c_str(), (long long)c.atoms, (long long)c.changed,
                100.0 * double(c.changed) / double(c.atoms));
  return 0;
}

int inspect_run(const std::string& dir, std::uint64_t window_tokens, double tolerance, double score_tolerance) {
  const PlateauReport report = find_plateau(dir, window_tokens, tolerance, score_tolerance);
  std::printf("%s: plateau = overall churn <= %g, and task accuracies within %g, for %llu tokens after a checkpoint\n",
              dir.c_str(), tolerance, score_tolerance, (unsigned long long)window_tokens);
  std::printf("%-10s %14s %12s %18s %18s\n", "step", "tokens", "churn", "window max churn", "window max score");
  for (const auto& c : report.checkpoints)
    std::printf(
        "%-10lld %14llu %12.6g %18s %18s\n", (long long)c.step, (unsigned long long)c.tokens, c.churn,
        c.window_complete ? strprintf("%.6g", c.window_max_churn).c_str() : "(run too short)",
        std::isnan(c.window_max_score_change) ? "(no task scores)" : strprintf("%.4g", c.window_max_score_change).c_str());
  if (report.plateau_step >= 0)
    std::printf("plateau from step %lld: pack %s\n", (long long)report.plateau_step, report.plateau_checkpoint.c_str());
  else
    std::printf("no plateau yet: no checkpoint is followed by %llu tokens of churn <= %g and settled task scores\n",
                (unsigned long long)window_tokens, tolerance);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  return pollux::cli::run("pollux-inspect", [&] {
    po::options_description options("options");
    options.add_options()("json", po::bool_switch(), "print one JSON object")(
        "window_tokens", po::value<std::int64_t>()->default_value(1300000000),
        "RUN_DIR: tokens the churn must stay low after a checkpoint (the paper: 1.3 B)")(
        "churn_tolerance", po::value<double>()->default_value(0.001, "0.001"),
        "RUN_DIR: largest overall churn that counts as ceased")(
        "score_tolerance", po::value<double>()->default_value(0.01, "0.01"),
        "RUN_DIR: largest change of a task accuracy (eval_tasks.csv) over the window that counts as a plateau");
    po::options_description hidden;
    hidden.add_options()("files", po::value<std::vector<std::string>>(), "files");
    po::positional_options_description positional;
    positional.add("files", 2);
    po::variables_map vm;
    if (!cli::parse(
            argc, argv,
            "usage: pollux-inspect FILE [--json] | pollux-inspect CKPT_A CKPT_B [--json] | pollux-inspect RUN_DIR\nDescribes a "
            ".plx model file (format version, codebook, config, every tensor, bits per\nparameter of the backbone and of the "
            "whole file) or a training checkpoint (config, step,\ntokens, codebook, sizes, SHA-256 of the forward weights and of "
            "the optimizer state, and per\nlattice matrix and layer its null fraction and row scales). Given two checkpoints, "
            "counts\nthe atoms whose codebook index changed between them, per matrix and layer. Given a run folder,\nnames the "
            "earliest checkpoint after which the overall churn stays <= --churn_tolerance for\n--window_tokens tokens, and the "
            "task accuracies the run scored within --score_tolerance (the\ncrystallisation plateau, the checkpoint to pack).",
            options, hidden, positional, vm))
      return 0;
    if (!vm.count("files")) throw std::runtime_error("no FILE given (try --help)");
    const auto files = vm["files"].as<std::vector<std::string>>();
    const bool json = vm["json"].as<bool>();
    if (files.size() == 2) return compare_checkpoints(files[0], files[1], json);
    if (std::filesystem::is_directory(files[0]))
      return inspect_run(files[0],
                         std::uint64_t(cli::integer_in(vm, "window_tokens", 1, std::numeric_limits<std::int64_t>::max())),
                         cli::number_in(vm, "churn_tolerance", 0, 1), cli::number_in(vm, "score_tolerance", 0, 1));
    return is_checkpoint_file(files[0]) ? inspect_checkpoint(files[0], json) : inspect_plx(files[0], json);
  });
}
