// pollux-bench decode MODEL|--config FILE [--KEY VALUE ...] [--runtime lut|dense] [--device cpu|cuda (dense)]
//                    [--prompt_tokens P] [--new_tokens N] [--threads T] [--cuda_graph on|off] [--json]
// The dense runtime runs here; the lut one is handed to pollux-bench-lut (see bench.h).
#include <ATen/ATen.h>
#include <ATen/Parallel.h>
#include <ATen/core/grad_mode.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <memory>
#include <random>

#include "bench.h"
#include "pollux/base/error.h"
#include "pollux/runtime/model_file.h"
#include "pollux/runtime/static_decode.h"

namespace pollux::bench {
namespace {

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// Replaces this process by pollux-bench-lut, from the folder of this executable, with the
// same arguments.
[[noreturn]] void exec_lut(int argc, const char* const* argv) {
  char self[4096];
  const ssize_t n = ::readlink("/proc/self/exe", self, sizeof self - 1);
  if (n <= 0) throw Error("bench", "cannot find this program's folder (/proc/self/exe) to run pollux-bench-lut");
  std::string path(self, std::size_t(n));
  path = path.substr(0, path.rfind('/') + 1) + "pollux-bench-lut";
  std::vector<const char*> args{path.c_str()};
  for (int i = 1; i < argc; ++i) args.push_back(argv[i]);
  args.push_back(nullptr);
  std::fflush(nullptr);
  ::execv(path.c_str(), const_cast<char* const*>(args.data()));
  throw Error("bench", "cannot run " + path + " (the lut runtime's LibTorch-free benchmark; build the pollux-bench-lut target)");
}

}  // namespace

int decode(int argc, const char* const* argv) {
  const auto run = parse_decode(argc, argv, "pollux-bench decode");
  if (!run) return 0;
  if (run->runtime == "lut") exec_lut(argc, argv);
  at::NoGradGuard no_grad;
  if (run->config.threads > 0) at::set_num_threads(run->config.threads);
  DecodeTiming t;
  t.rss_before_load = resident_bytes();
  LoadedModel loaded;
  const bool cuda = run->config.device == Device::cuda;
  if (cuda && !at::hasCUDA()) throw Error("bench", "--device cuda but this build or machine has no CUDA");
  const at::Device device = cuda ? at::Device(at::kCUDA) : at::Device(at::kCPU);
  if (!run->model.empty())
    loaded = load_model(run->model, device);
  else
    loaded.model = std::make_unique<PolluxModel>(run->config.model, run->config.seed, device);
  t.rss_after_load = resident_bytes();
  const PolluxModel& m = *loaded.model;
  const std::int64_t active = m.config().tokenizer_vocab_size;
  if (run->prompt_tokens + run->new_tokens > m.config().seq_len)
    throw Error("bench", "--prompt_tokens + --new_tokens = " + std::to_string(run->prompt_tokens + run->new_tokens) +
                             " exceeds the context of " + std::to_string(m.config().seq_len));
  std::mt19937 rng(1);  // the same prompt as pollux-bench-lut's
  std::vector<std::int64_t> prompt(static_cast<std::size_t>(run->prompt_tokens));
  for (auto& id : prompt) id = std::int64_t(rng() % std::uint32_t(active));
  // Prefill of the prompt, then greedy batch-1 decode: on CUDA by default through a CUDA graph
  // of the decode step, else eagerly with a growing KV cache.
  t.cuda_graph = cuda && run->cuda_graph && StaticDecoder::graphs_available();
  std::unique_ptr<StaticDecoder> graph = t.cuda_graph ? std::make_unique<StaticDecoder>(m, true) : nullptr;
  PolluxModel::KVCache cache;
  auto start = std::chrono::steady_clock::now();
  // float32 on either device; each token's argmax is read back, which synchronises the GPU
  at::Tensor logits =
      graph ? graph->prefill(prompt) : m.forward(at::tensor(prompt, at::kLong).unsqueeze(0).to(device), cache)[0][-1];
  (void)logits.sum().item<float>();
  t.prefill_s = seconds_since(start);
  start = std::chrono::steady_clock::now();
  for (int i = 0; i < run->new_tokens; ++i) {
    const std::int64_t next = logits.slice(0, 0, active).argmax().item<std::int64_t>();
    logits =
        graph ? graph->step(next) : m.forward(at::full({1, 1}, next, at::TensorOptions(at::kLong).device(device)), cache)[0][-1];
  }
  t.decode_s = seconds_since(start);
  for (const auto& p : m.parameters())  // every matrix in full, one row of each embedding
    t.bytes_per_token += std::size_t(p.name.rfind("_emb.") != std::string::npos ? p.value.size(1) : p.value.numel()) * 4;
  t.kernel = cuda ? (t.cuda_graph ? "libtorch-cuda-graph" : "libtorch-cuda") : "libtorch";
  return report_decode(*run, t);
}

}  // namespace pollux::bench
