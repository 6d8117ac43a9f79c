// pollux-bench step: the optimizer step alone (moments, clip, decay, lattice projection,
// statistics) on a model of a configuration with random gradients, and its memory.
#include <ATen/ATen.h>
#include <ATen/Context.h>
#include <ATen/Parallel.h>
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <iostream>
#include <vector>

#include "bench.h"
#include "cli.h"
#include "config_bench.h"
#include "pollux/base/error.h"
#include "pollux/base/json.h"
#include "pollux/base/log.h"
#include "pollux/config/config.h"
#include "pollux/kernels/lattice_search.h"
#include "pollux/model/model.h"
#include "pollux/optim/optimizer.h"
#include "pollux/train/step.h"

namespace pollux::bench {

namespace {

namespace po = boost::program_options;

void synchronize(const at::Device& device) {
  if (device.is_cuda()) at::zeros({1}, at::TensorOptions().device(device)).cpu();  // waits for the stream
}

}  // namespace

int step(int argc, const char* const* argv) {
  po::options_description options("step options (and every configuration key, see pollux-train --help)");
  options.add_options()("steps", po::value<int>()->default_value(5), "timed optimizer steps")(
      "warmup", po::value<int>()->default_value(2), "untimed steps first (the first one copies the latents)")(
      "json", po::bool_switch(), "print one JSON object instead of a table");
  const auto bench =
      parse_config_bench(argc, argv, options,
                         "usage: pollux-bench step --config FILE [--KEY VALUE ...] [--steps N] [--warmup W] [--json]\n"
                         "Times pollux_step alone on a model of the configuration (no forward or backward pass)\n"
                         "with gradients that move like training's (a persistent direction plus fresh noise each\n"
                         "step): seconds per step, the fraction of atoms searched, optimizer state bytes, peak memory.");
  if (!bench) return 0;
  const Config& config = bench->config;
  const po::variables_map& vm = bench->options;
  const int steps = bench->steps, warmup = bench->warmup;
  const at::Device device = bench->device;
  if (device.is_cuda() && !kernels::cuda_kernels_available())
    throw Error("bench", "device = cuda but this build or machine has no CUDA kernels");

  PolluxModel model(config.model, config.seed, device, config.init);
  auto optimizer = make_optimizer(config, model);
  // Gradients that move like training's: a direction that persists from step to step (the
  // signal Adam's momentum follows) plus as much fresh noise each step (the minibatch), at a
  // plausible size. One fixed gradient would move every atom in a straight line, and a fresh
  // one each step would leave m near zero: neither churns the lattice as training does.
  at::Generator gen = at::make_generator<at::CPUGeneratorImpl>(config.seed + 1);
  std::vector<at::Tensor> persistent;
  for (auto& p : model.parameters()) persistent.push_back(at::randn(p.value.sizes(), gen, at::kFloat) * 1e-3);
  auto draw_gradients = [&] {
    std::size_t k = 0;
    for (auto& p : model.parameters())
      p.value.mutable_grad() = (persistent[k++] + at::randn(p.value.sizes(), gen, at::kFloat) * 1e-3).to(device);
    synchronize(device);
  };
  draw_gradients();
  const std::int64_t before = device_peak_bytes(device, true);

  double seconds = 0, searched = 0;
  for (int s = 0; s < warmup + steps; ++s) {
    if (s > 0) draw_gradients();
    const auto start = std::chrono::steady_clock::now();
    const StepStats stats = optimizer->step(4.0);  // ends with the one synchronisation of its statistics
    if (s >= warmup) {
      seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count() / steps;
      searched += stats.searched / steps;
    }
  }
  const std::int64_t peak = device_peak_bytes(device, false);
  std::int64_t state_bytes = 0;
  for (const auto& [key, t] : optimizer->state().tensors) state_bytes += t.numel() * std::int64_t(t.element_size());
  struct rusage usage;
  ::getrusage(RUSAGE_SELF, &usage);
  const double host_peak = double(usage.ru_maxrss) * 1024.0;

  if (vm["json"].as<bool>()) {
    JsonWriter j;
    j.begin_object()
        .field("benchmark", "step")
        .field("device", to_string(config.device))
        .field("quantizer", to_string(config.quantizer))
        .field("parameters", model.parameter_count())
        .field("steps", steps)
        .field("seconds", seconds)
        .field("projection", to_string(config.projection))
        .field("searched_fraction", searched)
        .field("optimizer_state_bytes", state_bytes)
        .field("peak_bytes", peak)
        .field("peak_bytes_before_steps", before)
        .field("peak_host_memory_bytes", host_peak)
        .end_object();
    std::cout << j.str() << "\n";
  } else {
    std::printf("pollux_step (%s, %s, %lld parameters, %d timed steps)\n", to_string(config.device).c_str(),
                to_string(config.quantizer).c_str(), (long long)model.parameter_count(), steps);
    std::printf("  step               %9.4f s (projection %s: %.1f%% of the atoms searched)\n", seconds,
                to_string(config.projection).c_str(), 100 * searched);
    std::printf("  optimizer state    %9.1f MiB\n", double(state_bytes) / (1 << 20));
    if (device.is_cuda())
      std::printf("  peak device memory %9.1f MiB (%.1f MiB before the steps)\n", double(peak) / (1 << 20),
                  double(before) / (1 << 20));
    std::printf("  peak host memory   %9.1f MiB\n", host_peak / (1 << 20));
  }
  return 0;
}

}  // namespace pollux::bench
