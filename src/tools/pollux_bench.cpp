// pollux-bench: timings of the hot paths. Subcommands:
//   quantizer   the exact quantizer against a float64 brute force (spec sections 3, 3a)
//   train       steady-state training steps of a configuration on fresh random tokens
//   step        pollux_step alone (bench_step.cpp); tokenizer (bench_tokenizer.cpp)
//   io          checkpoint write, read, inspect and pack against cp (bench_io.cpp)
//   decode      prompt processing and batch-1 decode, lut or dense runtime (bench_decode.cpp)
#include <chrono>
#include <cmath>
#include <cstdio>
#include <iostream>
#include <limits>
#include <random>
#include <vector>

#include <ATen/Parallel.h>
#include <sys/resource.h>

#include "bench.h"
#include "cli.h"
#include "config_bench.h"
#include "pollux/base/error.h"
#include "pollux/base/json.h"
#include "pollux/base/log.h"
#include "pollux/base/parallel.h"
#include "pollux/config/config.h"
#include "pollux/lattice/constants.h"
#include "pollux/lattice/quantizer.h"
#include "pollux/optim/optimizer.h"
#include "pollux/train/profiler.h"
#include "pollux/train/step.h"

namespace {

using namespace pollux;
namespace po = boost::program_options;

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// Atoms as training produces them: Gaussian rows of width 1152, divided by their RMS and
// multiplied by C (spec section 3), cut into 24-wide atoms.
std::vector<float> training_like_atoms(std::size_t count, std::uint64_t seed) {
  constexpr std::size_t kRow = 1152;
  std::vector<float> atoms((count * lattice::kAtomDim + kRow - 1) / kRow * kRow);
  std::mt19937_64 rng(seed);
  std::normal_distribution<float> normal;
  for (float& v : atoms) v = normal(rng);
  for (std::size_t r = 0; r < atoms.size() / kRow; ++r) {
    float* row = &atoms[r * kRow];
    double squares = 0;
    for (std::size_t j = 0; j < kRow; ++j) squares += double(row[j]) * row[j];
    const float scale = float(lattice::kC / std::sqrt(squares / kRow + lattice::kEpsilon));
    for (std::size_t j = 0; j < kRow; ++j) row[j] *= scale;
  }
  atoms.resize(count * lattice::kAtomDim);
  return atoms;
}

int bench_quantizer(int argc, const char* const* argv) {
  po::options_description options("quantizer options");
  options.add_options()("atoms", po::value<std::int64_t>()->default_value(200000),
                        "number of fresh random atoms to quantize (1 to 20000000)")(
      "check", po::value<std::int64_t>(), "how many of them to check against the float64 brute force (default: all)")(
      "threads", po::value<int>()->default_value(0), "CPU threads (0 = all cores)")(
      "codebook", po::value<std::string>()->default_value("leech"), "codebook variant: leech or pollux-v4")(
      "device", po::value<std::string>()->default_value("cpu"),
      "cpu, or cuda: the GPU search, checked against the CPU's exact search")("seed", po::value<std::int64_t>()->default_value(1),
                                                                              "seed of the random atoms")(
      "json", po::bool_switch(), "print one JSON object instead of a table");
  po::variables_map vm;
  if (!cli::parse(argc, argv,
                  "usage: pollux-bench quantizer [--atoms N] [--check M] [--threads T] [--codebook V] [--device D]\n"
                  "                              [--seed S] [--json]\n"
                  "Times the exact fast quantizer on N training-like atoms and checks M of them against\n"
                  "a float64 brute force over all 196,560 shell points (timed too).",
                  options, {}, {}, vm))
    return 0;
  // 20 million atoms are 1.9 GB of floats: more is a typing mistake on a benchmark.
  const auto n = std::size_t(cli::integer_in(vm, "atoms", 1, 20000000));
  const auto m = vm.count("check") ? std::size_t(cli::integer_in(vm, "check", 0, std::int64_t(n))) : n;
  const int threads = cli::threads_option(vm) > 0 ? cli::threads_option(vm) : default_thread_count();
  const auto variant = lattice::parse_codebook_variant(vm["codebook"].as<std::string>(), "--codebook");

  const lattice::Quantizer quantizer(lattice::Codebook::get(variant));
  const std::vector<float> atoms =
      training_like_atoms(n, std::uint64_t(cli::integer_in(vm, "seed", 0, std::numeric_limits<std::int64_t>::max())));
  const std::string device = vm["device"].as<std::string>();
  if (device == "cuda") return bench::quantizer_cuda(quantizer, atoms, m, threads, vm["json"].as<bool>());
  if (device != "cpu") throw Error("bench", "--device '" + device + "': expected cpu or cuda");
  std::vector<std::uint32_t> fast(n);
  auto start = std::chrono::steady_clock::now();
  quantizer.nearest(atoms.data(), n, fast.data(), threads);
  const double fast_s = seconds_since(start);

  std::vector<std::uint32_t> brute(m);
  start = std::chrono::steady_clock::now();
  parallel_for(m, threads, 16, [&](std::size_t begin, std::size_t end) {
    for (std::size_t a = begin; a < end; ++a) brute[a] = quantizer.nearest_brute_force(&atoms[a * lattice::kAtomDim]);
  });
  const double brute_s = seconds_since(start);
  std::size_t mismatches = 0, zeros = 0;
  for (std::size_t a = 0; a < m; ++a) mismatches += brute[a] != fast[a];
  for (std::uint32_t idx : fast) zeros += idx == 0;

  const double fast_rate = double(n) / fast_s;
  const double brute_rate = m ? double(m) / brute_s : 0.0;
  if (vm["json"].as<bool>()) {
    JsonWriter j;
    j.begin_object()
        .field("benchmark", "quantizer")
        .field("device", "cpu")
        .field("codebook", lattice::to_string(variant))
        .field("threads", threads)
        .field("atoms", std::uint64_t(n))
        .field("checked", std::uint64_t(m))
        .field("mismatches", std::uint64_t(mismatches))
        .field("zero_atoms", std::uint64_t(zeros))
        .field("fast_seconds", fast_s)
        .field("fast_atoms_per_s", fast_rate)
        .field("brute_seconds", brute_s)
        .field("brute_atoms_per_s", brute_rate)
        .field("speedup", brute_rate > 0 ? fast_rate / brute_rate : 0.0)
        .end_object();
    std::cout << j.str() << "\n";
  } else {
    std::printf("quantizer (%s codebook, cpu, %d threads)\n", lattice::to_string(variant).c_str(), threads);
    std::printf("  %-12s %12s %10s %16s\n", "path", "atoms", "seconds", "atoms/s");
    std::printf("  %-12s %12zu %10.3f %16.0f\n", "fast", n, fast_s, fast_rate);
    std::printf("  %-12s %12zu %10.3f %16.0f\n", "brute force", m, brute_s, brute_rate);
    std::printf("  speedup %.0fx, mismatches %zu of %zu checked, %zu zero atoms\n", brute_rate > 0 ? fast_rate / brute_rate : 0.0,
                mismatches, m, zeros);
  }
  return mismatches == 0 ? 0 : 2;
}

// Model FLOPs per trained token: 6 per matrix parameter (forward and backward) plus the
// attention scores and sums, 12 n_layers seq_len d (the PaLM appendix B estimate).
double flops_per_token(const PolluxModel& model) {
  double matrix_params = 0;
  for (const auto& p : model.parameters())
    if (p.value.dim() == 2 && p.name != "tok_emb.weight" && p.name != "pos_emb.weight") matrix_params += double(p.value.numel());
  const ModelConfig& c = model.config();
  return 6 * matrix_params + 12.0 * c.n_layers * c.seq_len * c.n_embd;
}

int bench_train(int argc, const char* const* argv) {
  po::options_description options("train options (and every configuration key, see pollux-train --help)");
  options.add_options()("steps", po::value<int>()->default_value(3), "timed optimizer steps")(
      "warmup", po::value<int>()->default_value(1), "untimed steps first")(
      "peak_tflops", po::value<double>()->default_value(0, "0"),
      "device peak for the model FLOP utilisation (H100 bf16 dense: 989)")(
      "profile", po::value<std::string>(),
      "write a Chrome/Perfetto trace (.json) of the timed steps to FILE (their times then include the profiler's)")(
      "json", po::bool_switch(), "print one JSON object instead of a table");
  const auto bench = pollux::bench::parse_config_bench(
      argc, argv, options,
      "usage: pollux-bench train --config FILE [--KEY VALUE ...] [--steps N] [--warmup W] [--peak_tflops P]\n"
      "                          [--profile FILE] [--json]\n"
      "Times full training steps (grad_accum forward/backward passes and one optimizer step) of a\n"
      "configuration on fresh random tokens: tokens/s, forward+backward and pollux_step time, the\n"
      "fraction of atoms the projection searched, model FLOP/s and utilisation, peak memory.\n"
      "--profile writes a trace of the timed steps with the ranges our code names (pollux::block.N,\n"
      "pollux::attention, ...); open it in ui.perfetto.dev.");
  if (!bench) return 0;
  const Config& config = bench->config;
  const po::variables_map& vm = bench->options;
  const int steps = bench->steps, warmup = bench->warmup;
  const at::Device device = bench->device;
  const std::string trace = vm.count("profile") ? vm["profile"].as<std::string>() : "";
  if (vm.count("profile") && trace.empty()) throw Error("bench", "--profile needs a file name (FILE.json)");
  StepProfiler profiler(trace.empty() ? std::make_pair(0, 0) : std::make_pair(warmup + 1, warmup + steps), trace, device,
                        "--profile");
  PolluxModel model(config.model, config.seed, device, config.init);
  model.set_gradient_checkpointing(config.gradient_checkpointing);
  if (config.quantizer == QuantizerKind::ternary)
    model.set_quantization(true, config.activation_bits, config.scope);  // as pollux-train
  auto optimizer = make_optimizer(config, model);
  at::Generator gen = at::make_generator<at::CPUGeneratorImpl>(config.seed);
  auto next_batch = [&] {
    const at::Tensor w =
        at::randint(config.model.tokenizer_vocab_size, {config.micro_batch, config.model.seq_len + 1}, gen, at::kLong);
    return std::make_pair(w.slice(1, 0, -1).to(device), w.slice(1, 1).to(device));
  };
  double fwd_bwd = 0, step_s = 0, searched = 0;
  pollux::device_peak_bytes(device, true);
  for (int s = 0; s < warmup + steps; ++s) {
    profiler.begin_step(s + 1);
    auto start = std::chrono::steady_clock::now();
    const double ce = accumulate_gradients(model, config.grad_accum, next_batch, forward_options(config));  // synchronizes once
    const double a = seconds_since(start);
    start = std::chrono::steady_clock::now();
    const pollux::StepStats stats = optimizer_step(*optimizer, ce, config);  // its norms synchronize too
    const double b = seconds_since(start);
    profiler.end_step(s + 1, false);
    if (s >= warmup) {
      fwd_bwd += a / steps;
      step_s += b / steps;
      searched += stats.searched / steps;
    }
  }
  const double tokens = double(config.tokens_per_step());
  const double tok_s = tokens / (fwd_bwd + step_s);
  const double flops = flops_per_token(model) * tok_s;
  const double peak = vm["peak_tflops"].as<double>();
  struct rusage usage;
  ::getrusage(RUSAGE_SELF, &usage);
  const double peak_host = double(usage.ru_maxrss) * 1024.0;
  const std::int64_t peak_device = pollux::device_peak_bytes(device, false);
  if (vm["json"].as<bool>()) {
    JsonWriter j;
    j.begin_object()
        .field("benchmark", "train")
        .field("device", to_string(config.device))
        .field("quantizer", to_string(config.quantizer))
        .field("parameters", model.parameter_count())
        .field("tokens_per_step", config.tokens_per_step())
        .field("steps", steps)
        .field("tokens_per_s", tok_s)
        .field("forward_backward_s", fwd_bwd)
        .field("forward_backward_tokens_per_s", tokens / fwd_bwd)
        .field("optimizer_step_s", step_s)
        .field("projection", to_string(config.projection))
        .field("searched_fraction", searched)
        .field("model_flops_per_s", flops)
        .field("mfu", peak > 0 ? flops / (peak * 1e12) : 0.0)
        .field("peak_host_memory_bytes", peak_host)
        .field("peak_bytes", peak_device)
        .field("trace", trace)
        .end_object();
    std::cout << j.str() << "\n";
  } else {
    std::printf("train (%s, %s, %lld parameters, %lld tokens per step, %d timed steps)\n", to_string(config.device).c_str(),
                to_string(config.quantizer).c_str(), (long long)model.parameter_count(), (long long)config.tokens_per_step(),
                steps);
    std::printf("  forward+backward  %9.4f s per step  (%.0f tokens/s)\n", fwd_bwd, tokens / fwd_bwd);
    std::printf("  optimizer step    %9.4f s per step (projection %s: %.1f%% of the atoms searched)\n", step_s,
                to_string(config.projection).c_str(), 100 * searched);
    std::printf("  end to end        %9.0f tokens/s, %.3g model FLOP/s%s\n", tok_s, flops,
                peak > 0 ? strprintf(", MFU %.1f%%", 100 * flops / (peak * 1e12)).c_str() : "");
    std::printf("  peak host memory  %9.1f MiB\n", peak_host / (1 << 20));
    if (device.is_cuda()) std::printf("  peak device memory %8.1f MiB\n", double(peak_device) / (1 << 20));
    if (!trace.empty()) std::printf("  profiler trace    %s (open it in ui.perfetto.dev or chrome://tracing)\n", trace.c_str());
  }
  return 0;
}

const char* kUsage =
    "usage: pollux-bench COMMAND [options]\n"
    "commands:\n"
    "  quantizer   time the exact quantizer against a float64 brute force\n"
    "  train       time steady-state training steps of a configuration\n"
    "  step        time pollux_step alone on a configuration's model with random gradients\n"
    "  tokenizer   MB/s and tokens/s of the GPT-2 tokenizer, and of tiktoken when the venv has it\n"
    "  decode      time prompt processing and batch-1 decode of a .plx model (lut or dense)\n"
    "  io          time writing, reading, pollux-inspect and pollux-pack of a configuration's checkpoint\n"
    "              against cp of the same file, with each one's peak memory\n"
    "Run 'pollux-bench COMMAND --help' for the options of a command.";

}  // namespace

int main(int argc, char** argv) {
  return pollux::cli::run("pollux-bench", [&] {
    const std::string command = argc > 1 ? argv[1] : "";
    if (command == "quantizer") return bench_quantizer(argc - 1, argv + 1);
    if (command == "train") return bench_train(argc - 1, argv + 1);
    if (command == "tokenizer") return pollux::bench::tokenizer(argc - 1, argv + 1);
    if (command == "step") return pollux::bench::step(argc - 1, argv + 1);
    if (command == "io") return pollux::bench::io(argc - 1, argv + 1);
    if (command == "decode") return pollux::bench::decode(argc - 1, argv + 1);
    if (command == "--help" || command == "-h") {
      std::cout << kUsage << "\n";
      return 0;
    }
    throw pollux::Error("bench", (command.empty() ? std::string("no command given") : "unknown command '" + command + "'") +
                                     " (commands: quantizer, train, step, tokenizer, decode, io; try --help)");
  });
}
