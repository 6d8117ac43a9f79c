// A Chrome/Perfetto trace (.json) of chosen training steps with LibTorch's Kineto profiler:
// the CPU ops with their input shapes and, on CUDA, the kernels, under the ranges our code
// names: "pollux::forward", "pollux::backward", "pollux::block.N" with "pollux::attention"
// and "pollux::mlp", "pollux::head_loss", "pollux::all_reduce" and the other collectives,
// "pollux::pollux_step" (or "pollux::adamw_step"), "pollux::checkpoint". Open it in
// ui.perfetto.dev or chrome://tracing.
#pragma once

#include <c10/core/Device.h>

#include <cstdint>
#include <string>
#include <utility>

#include "pollux/config/config.h"

namespace pollux {

class StepProfiler {
 public:
  // Records steps.first..steps.second (1-based, inclusive; first == 0: none) into `path`,
  // whose folder must exist (throws pollux::Error naming `what`, the flag or key, otherwise).
  StepProfiler(std::pair<std::int64_t, std::int64_t> steps, std::string path, c10::Device device, std::string what);
  // A training run's: config.profile_steps into OUT/trace_steps_A-B.json (rank r > 0 of a
  // data-parallel run: trace_steps_A-B.rank<r>.json).
  StepProfiler(const Config& config, const std::string& out_dir, int rank, c10::Device device);
  ~StepProfiler();  // a run that ends inside the range without end_step(.., true) writes nothing
  StepProfiler(const StepProfiler&) = delete;
  StepProfiler& operator=(const StepProfiler&) = delete;

  // Before step `step` runs: prepares the profiler one step ahead of the range and starts
  // recording at its first step (or at a resumed run's first step inside it).
  void begin_step(std::int64_t step);
  // After step `step`: writes the trace after the range's last step, or after the run's last
  // step (`final`: finished or stopped early) while recording. Returns a line that says where
  // the trace went, or "" when none was written.
  std::string end_step(std::int64_t step, bool final);

 private:
  std::int64_t first_ = 0, last_ = 0, from_ = 0;  // from_: the first step recorded
  std::string path_, what_;
  bool cuda_ = false, prepared_ = false, recording_ = false, started_ = false;
};

}  // namespace pollux
