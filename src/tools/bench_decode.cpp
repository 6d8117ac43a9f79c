// pollux-bench decode MODEL|--config FILE [--KEY VALUE ...] [--runtime lut|dense]
//                    [--prompt_tokens P] [--new_tokens N] [--threads T] [--json]
#include <ATen/ATen.h>
#include <ATen/Parallel.h>
#include <ATen/core/grad_mode.h>
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <random>

#include "bench.h"
#include "cli.h"
#include "pollux/base/error.h"
#include "pollux/base/json.h"
#include "pollux/config/config.h"
#include "pollux/infer/lut_model.h"
#include "pollux/infer/random_model.h"
#include "pollux/runtime/model_file.h"

namespace pollux::bench {
namespace {

namespace po = boost::program_options;

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

struct Timing {
  double prefill_s = 0, decode_s = 0;
  std::size_t bytes_per_token = 0;
};

// Prefill of the prompt, then greedy batch-1 decode of `n` tokens.
Timing run_lut(const infer::LutModel& m, const std::vector<std::uint32_t>& prompt, int n) {
  const std::size_t V = std::size_t(m.shape().vocab_size);
  std::vector<float> logits(V);
  infer::LutModel::Cache cache;
  Timing t;
  auto start = std::chrono::steady_clock::now();
  m.forward(prompt.data(), prompt.size(), cache, logits.data(), /*all_logits=*/false);
  t.prefill_s = seconds_since(start);
  start = std::chrono::steady_clock::now();
  for (int i = 0; i < n; ++i) {
    const auto next = std::uint32_t(std::max_element(logits.begin(), logits.begin() + m.shape().tokenizer_vocab_size) - logits.begin());
    m.forward(&next, 1, cache, logits.data(), false);
  }
  t.decode_s = seconds_since(start);
  t.bytes_per_token = m.weight_bytes();
  return t;
}

Timing run_dense(const PolluxModel& m, const std::vector<std::uint32_t>& prompt, int n) {
  at::NoGradGuard no_grad;
  const std::int64_t active = m.config().tokenizer_vocab_size;
  PolluxModel::KVCache cache;
  Timing t;
  auto start = std::chrono::steady_clock::now();
  at::Tensor logits = m.forward(at::tensor(std::vector<std::int64_t>(prompt.begin(), prompt.end()), at::kLong).unsqueeze(0), cache)[0][-1];
  t.prefill_s = seconds_since(start);
  start = std::chrono::steady_clock::now();
  for (int i = 0; i < n; ++i) {
    const std::int64_t next = logits.slice(0, 0, active).argmax().item<std::int64_t>();
    logits = m.forward(at::full({1, 1}, next, at::kLong), cache)[0][-1];
  }
  t.decode_s = seconds_since(start);
  for (const auto& p : m.parameters())  // every matrix in full, one row of each embedding
    t.bytes_per_token += std::size_t(p.name.rfind("_emb.") != std::string::npos ? p.value.size(1) : p.value.numel()) * 4;
  return t;
}

// Resident memory now (VmRSS), bytes: what the loaded libraries hold before the model.
double resident_bytes() {
  std::FILE* f = std::fopen("/proc/self/status", "r");
  if (!f) return 0;
  char line[256];
  double kb = 0;
  while (std::fgets(line, sizeof line, f))
    if (std::sscanf(line, "VmRSS: %lf kB", &kb) == 1) break;
  std::fclose(f);
  return kb * 1024.0;
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

int decode(int argc, const char* const* argv) {
  const ParsedConfig parsed = parse_config(std::vector<std::string>(argv + 1, argv + argc));
  po::options_description options("decode options (and every configuration key with --config, see pollux-train --help)");
  options.add_options()
      ("runtime", po::value<std::string>()->default_value("lut"), "lut (from the indices) or dense (float matrices, LibTorch)")
      ("prompt_tokens", po::value<int>()->default_value(128), "tokens of the prompt, processed at once")
      ("new_tokens", po::value<int>()->default_value(256), "tokens decoded one at a time after it")
      ("json", po::bool_switch(), "print one JSON object instead of a table");
  po::options_description hidden;
  hidden.add_options()("model", po::value<std::string>(), "a .plx file");
  po::positional_options_description positional;
  positional.add("model", 1);
  po::variables_map vm;
  std::vector<const char*> extra{argv[0]};
  for (const auto& a : parsed.extra) extra.push_back(a.c_str());
  if (!cli::parse(int(extra.size()), extra.data(),
                  "usage: pollux-bench decode MODEL|--config FILE [--KEY VALUE ...] [--runtime lut|dense]\n"
                  "                          [--prompt_tokens P] [--new_tokens N] [--threads T] [--json]\n"
                  "Times prompt processing and greedy batch-1 decode of a .plx file, or of a random model of a\n"
                  "configuration's shape (--config; no training): tokens/s of each, peak resident memory, and\n"
                  "the model bytes read per decoded token. The resident memory before loading the model (this\n"
                  "program links LibTorch for the dense runtime) is reported apart.",
                  options, hidden, positional, vm))
    return 0;
  const bool from_model = vm.count("model") > 0;
  if (from_model == parsed.from_file) throw Error("bench", "give exactly one of MODEL (a .plx file) and --config FILE");
  const std::string runtime = vm["runtime"].as<std::string>();
  if (runtime != "lut" && runtime != "dense") throw Error("bench", "--runtime '" + runtime + "': expected lut or dense");
  const int P = vm["prompt_tokens"].as<int>(), N = vm["new_tokens"].as<int>();
  const Config& config = parsed.config;
  if (parsed.from_file && config.device != "cpu") throw Error("bench", "decode runs on the CPU: give --device cpu");
  if (P <= 0 || N < 0) throw Error("bench", "--prompt_tokens must be positive and --new_tokens not negative");
  const int threads = config.threads;  // 0 = all cores
  Timing t;
  int seq_len = 0, vocab = 0;
  std::string source;
  auto prompt_of = [&](int active) {
    std::mt19937 rng(1);
    std::vector<std::uint32_t> prompt(static_cast<std::size_t>(P));
    for (auto& id : prompt) id = std::uint32_t(rng() % std::uint32_t(active));
    return prompt;
  };
  auto check_length = [&] {
    if (P + N > seq_len)
      throw Error("bench", "--prompt_tokens + --new_tokens = " + std::to_string(P + N) + " exceeds the context of " + std::to_string(seq_len));
  };
  const double before_load = resident_bytes();
  if (runtime == "lut") {
    infer::LutModel m = from_model ? infer::LutModel::load(vm["model"].as<std::string>())
                                   : infer::LutModel::from_plx(infer::random_model_file(shape_of(config.model, config.tokenizer),
                                                                                        lattice::parse_codebook_variant(config.codebook),
                                                                                        config.seed), "random model");
    m.set_threads(threads);
    seq_len = m.shape().seq_len;
    vocab = m.shape().tokenizer_vocab_size;
    check_length();
    t = run_lut(m, prompt_of(vocab), N);
  } else {
    if (threads > 0) at::set_num_threads(threads);
    LoadedModel loaded;
    if (from_model) loaded = load_model(vm["model"].as<std::string>(), at::kCPU);
    else loaded.model = std::make_unique<PolluxModel>(config.model, config.seed, at::kCPU);
    seq_len = int(loaded.model->config().seq_len);
    vocab = int(loaded.model->config().tokenizer_vocab_size);
    check_length();
    t = run_dense(*loaded.model, prompt_of(vocab), N);
  }
  struct rusage usage;
  ::getrusage(RUSAGE_SELF, &usage);
  const double peak = double(usage.ru_maxrss) * 1024.0;
  const double prefill = P / t.prefill_s, decode_rate = N > 0 ? N / t.decode_s : 0.0;
  const std::string model = from_model ? vm["model"].as<std::string>() : "random model of the --config shape";
  if (vm["json"].as<bool>()) {
    JsonWriter j;
    j.begin_object().field("runtime", runtime).field("model", model).field("prompt_tokens", P).field("new_tokens", N)
        .field("threads", threads).field("prefill_tokens_per_s", prefill).field("decode_tokens_per_s", decode_rate)
        .field("peak_rss_bytes", peak).field("rss_before_load_bytes", before_load)
        .field("model_bytes_per_token", double(t.bytes_per_token)).end_object();
    std::cout << j.str() << "\n";
  } else {
    std::printf("%s runtime, %s: %d prompt + %d new tokens\n", runtime.c_str(), model.c_str(), P, N);
    std::printf("  prefill           %9.1f tokens/s\n", prefill);
    std::printf("  decode            %9.2f tokens/s\n", decode_rate);
    std::printf("  peak memory       %9.1f MiB (%.1f MiB before loading the model)\n", peak / (1 << 20), before_load / (1 << 20));
    std::printf("  model bytes/token %9.1f MiB\n", double(t.bytes_per_token) / (1 << 20));
  }
  return 0;
}

}  // namespace pollux::bench
