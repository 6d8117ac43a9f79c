// The options and report of pollux-bench decode, and its lut runtime run: no LibTorch here,
// so pollux-bench-lut (see bench.h) links none.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <random>

#include "bench.h"
#include "cli.h"
#include "pollux/base/error.h"
#include "pollux/base/json.h"
#include "pollux/infer/random_model.h"

namespace pollux::bench {
namespace {

namespace po = boost::program_options;

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

infer::ModelShape shape_of(const ModelConfig& c, const std::string& tokenizer) {
  infer::ModelShape s;
  s.n_layers = c.n_layers;
  s.n_embd = c.n_embd;
  s.seq_len = c.seq_len;
  s.vocab_size = c.vocab_size;
  s.tokenizer_vocab_size = c.tokenizer_vocab_size;
  s.tokenizer = tokenizer;
  return s;
}

}  // namespace

std::optional<DecodeRun> parse_decode(int argc, const char* const* argv, const std::string& command) {
  const ParsedConfig parsed = parse_config(std::vector<std::string>(argv + 1, argv + argc));
  po::options_description options("decode options (and every configuration key with --config, see pollux-train --help)");
  options.add_options()("runtime", po::value<std::string>()->default_value("lut"),
                        "lut (from the indices) or dense (float matrices, LibTorch)")(
      "prompt_tokens", po::value<int>()->default_value(128), "tokens of the prompt, processed at once")(
      "new_tokens", po::value<int>()->default_value(256), "tokens decoded one at a time after it")(
      "kernel", po::value<std::string>()->default_value("auto"),
      "lut: auto (the widest this CPU has), portable, avx2 or avx512 (on shell codes, avx2 and portable run the "
      "AVX-512 kernel's scalar twin)")(
      "index_form", po::value<std::string>()->default_value("auto"),
      "lut: shell (indices recoded at load into shell codes, 2.25 bytes per atom, products by table look-ups), "
      "packed (18-bit indices as in the file, unpacked per row as read), unpacked (uint32 at load), or auto "
      "(shell where the CPU has AVX-512, else packed)")(
      "kv_cache", po::value<std::string>()->default_value("float32"),
      "lut: float32, or float16 (half the KV cache's memory; each key and value rounded once)")(
      "cuda_graph", po::value<std::string>()->default_value("on"),
      "dense on CUDA: on (each token one replay of a CUDA graph of the decode step, over a static KV cache of the whole "
      "context) or off (eager, op by op)")("json", po::bool_switch(), "print one JSON object instead of a table");
  po::options_description hidden;
  hidden.add_options()("model", po::value<std::string>(), "a .plx file");
  po::positional_options_description positional;
  positional.add("model", 1);
  po::variables_map vm;
  std::vector<const char*> extra{argv[0]};
  for (const auto& a : parsed.extra) extra.push_back(a.c_str());
  if (!cli::parse(int(extra.size()), extra.data(),
                  "usage: " + command + " MODEL|--config FILE [--KEY VALUE ...] [--runtime lut|dense]\n" +
                      std::string(command.size() + 8, ' ') + "[--prompt_tokens P] [--new_tokens N] [--threads T]\n" +
                      std::string(command.size() + 8, ' ') +
                      "[--cuda_graph on|off] [--json]\n"
                      "Times prompt processing and greedy batch-1 decode of a .plx file, or of a random model of a\n"
                      "configuration's shape (--config; no training): tokens/s of each, peak resident memory, and\n"
                      "the model bytes read per decoded token. The lut runtime runs in pollux-bench-lut, a program\n"
                      "that links no LibTorch; the dense one here.",
                  options, hidden, positional, vm))
    return std::nullopt;
  DecodeRun run;
  const bool from_model = vm.count("model") > 0;
  if (from_model == parsed.from_file) throw Error("bench", "give exactly one of MODEL (a .plx file) and --config FILE");
  if (from_model) run.model = vm["model"].as<std::string>();
  run.runtime = vm["runtime"].as<std::string>();
  if (run.runtime != "lut" && run.runtime != "dense")
    throw Error("bench", "--runtime '" + run.runtime + "': expected lut or dense");
  run.prompt_tokens = vm["prompt_tokens"].as<int>();
  run.new_tokens = vm["new_tokens"].as<int>();
  if (run.prompt_tokens <= 0 || run.new_tokens < 0)
    throw Error("bench", "--prompt_tokens must be positive and --new_tokens not negative");
  run.config = parsed.config;
  // A random model of a configuration's shape is a lattice model (random_model.h): another
  // quantizer's configuration would be timed as one without a word (issue 29).
  if (!from_model && run.config.quantizer != QuantizerKind::lattice)
    throw Error("bench", "--config: quantizer = " + to_string(run.config.quantizer) +
                             ": decode times a random lattice model of a configuration's shape; give a trained model's "
                             ".plx file instead (--runtime dense for a ternary one)");
  if (run.runtime == "lut" && run.config.device != Device::cpu)
    throw Error("bench", "the lut runtime runs on the CPU: give --device cpu (or --runtime dense on cuda)");
  run.kernel = infer::parse_kernel(vm["kernel"].as<std::string>(), "--kernel");
  run.index_form = infer::parse_index_form(vm["index_form"].as<std::string>(), "--index_form");
  run.kv_cache = infer::parse_kv_cache(vm["kv_cache"].as<std::string>(), "--kv_cache");
  if (run.runtime == "dense" && run.kv_cache != infer::KvCache::float32)
    throw Error("bench", "--kv_cache float16 is the lut runtime's (the dense runtime's cache is float32)");
  run.cuda_graph = cli::on_off(vm, "cuda_graph");
  run.json = vm["json"].as<bool>();
  return run;
}

namespace {

// A "Key: N kB" line of /proc/self/status, in bytes.
double status_bytes(const char* format) {
  std::FILE* f = std::fopen("/proc/self/status", "r");
  if (!f) return 0;
  char line[256];
  double kb = 0;
  while (std::fgets(line, sizeof line, f))
    if (std::sscanf(line, format, &kb) == 1) break;
  std::fclose(f);
  return kb * 1024.0;
}

}  // namespace

double resident_bytes() { return status_bytes("VmRSS: %lf kB"); }

int report_decode(const DecodeRun& run, const DecodeTiming& t) {
  // VmHWM, not getrusage's ru_maxrss: that one keeps the peak of pollux-bench before its exec.
  const double peak = status_bytes("VmHWM: %lf kB");
  const int P = run.prompt_tokens, N = run.new_tokens;
  const double prefill = P / t.prefill_s, decode_rate = N > 0 ? N / t.decode_s : 0.0;
  const std::string model = run.model.empty() ? "random model of the --config shape" : run.model;
  const std::string form = infer::to_string(infer::resolve_index_form(run.index_form));
  if (run.json) {
    JsonWriter j;
    j.begin_object()
        .field("runtime", run.runtime)
        .field("model", model)
        .field("prompt_tokens", P)
        .field("new_tokens", N)
        .field("threads", run.config.threads)
        .field("kernel", t.kernel)
        .field("index_form", run.runtime == "lut" ? form : "")
        .field("kv_cache", infer::to_string(run.kv_cache))
        .field("cuda_graph", t.cuda_graph)
        .field("prefill_tokens_per_s", prefill)
        .field("decode_tokens_per_s", decode_rate)
        .field("peak_rss_bytes", peak)
        .field("rss_before_load_bytes", t.rss_before_load)
        .field("rss_after_load_bytes", t.rss_after_load)
        .field("model_bytes_per_token", double(t.bytes_per_token))
        .end_object();
    std::cout << j.str() << "\n";
  } else {
    std::printf(
        "%s runtime%s, %s: %d prompt + %d new tokens\n", run.runtime.c_str(),
        run.runtime == "lut"
            ? (" (" + t.kernel + " kernel, " + form + " indices, " + infer::to_string(run.kv_cache) + " KV cache)").c_str()
            : (t.cuda_graph ? " (CUDA graph)" : ""),
        model.c_str(), P, N);
    std::printf("  prefill           %9.1f tokens/s\n", prefill);
    std::printf("  decode            %9.2f tokens/s\n", decode_rate);
    std::printf("  peak memory       %9.1f MiB (%.1f MiB before loading the model, %.1f MiB after)\n", peak / (1 << 20),
                t.rss_before_load / (1 << 20), t.rss_after_load / (1 << 20));
    std::printf("  model bytes/token %9.1f MiB\n", double(t.bytes_per_token) / (1 << 20));
  }
  return 0;
}

int decode_lut(const DecodeRun& run) {
  DecodeTiming t;
  t.rss_before_load = resident_bytes();
  const Config& c = run.config;
  infer::LutModel m =
      run.model.empty() ? infer::LutModel::from_plx(infer::random_model_file(shape_of(c.model, c.tokenizer), c.codebook, c.seed),
                                                    "random model", run.index_form)
                        : infer::LutModel::load(run.model, run.index_form);
  t.rss_after_load = resident_bytes();
  m.set_threads(c.threads);
  m.set_kernel(run.kernel);
  m.set_kv_cache(run.kv_cache);
  t.kernel = infer::to_string(infer::resolve_kernel(run.kernel));
  const infer::ModelShape& s = m.shape();
  if (run.prompt_tokens + run.new_tokens > s.seq_len)
    throw Error("bench", "--prompt_tokens + --new_tokens = " + std::to_string(run.prompt_tokens + run.new_tokens) +
                             " exceeds the context of " + std::to_string(s.seq_len));
  std::mt19937 rng(1);
  std::vector<std::uint32_t> prompt(static_cast<std::size_t>(run.prompt_tokens));
  for (auto& id : prompt) id = std::uint32_t(rng() % std::uint32_t(s.tokenizer_vocab_size));
  // Prefill of the prompt, then greedy batch-1 decode.
  std::vector<float> logits(std::size_t(s.vocab_size));
  infer::LutModel::Cache cache;
  auto start = std::chrono::steady_clock::now();
  m.forward(prompt.data(), prompt.size(), cache, logits.data(), /*all_logits=*/false);
  t.prefill_s = seconds_since(start);
  start = std::chrono::steady_clock::now();
  for (int i = 0; i < run.new_tokens; ++i) {
    const auto next = std::uint32_t(std::max_element(logits.begin(), logits.begin() + s.tokenizer_vocab_size) - logits.begin());
    m.forward(&next, 1, cache, logits.data(), false);
  }
  t.decode_s = seconds_since(start);
  t.bytes_per_token = m.weight_bytes();
  return report_decode(run, t);
}

}  // namespace pollux::bench
