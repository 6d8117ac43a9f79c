#include "pollux/train/profiler.h"

#include <torch/csrc/autograd/profiler_kineto.h>

#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <set>

#include "pollux/base/error.h"
#include "pollux/base/file_io.h"
#include "pollux/base/log.h"

#ifdef POLLUX_WITH_CUDA
#include <c10/cuda/CUDAFunctions.h>
#endif

namespace pollux {
namespace {

namespace fs = std::filesystem;
namespace kineto = torch::autograd::profiler;
using torch::profiler::impl::ActivityType;

// Input shapes on: the GEMMs of a trace can then be told apart by shape.
torch::profiler::impl::ProfilerConfig profiler_config() {
  return torch::profiler::impl::ProfilerConfig(torch::profiler::impl::ProfilerState::KINETO, /*report_input_shapes=*/true);
}

// Kineto, built with CUDA, asks the driver for the GPUs' properties as it sets up and writes a
// trace, and on a machine without one prints a raw "gpuGetDeviceCount failed with code 35"
// (issue 29). On a CPU run (no GPU activity is recorded) its stderr goes to /dev/null during
// those calls; a failed save is still found by the check after it.
class QuietStderr {
 public:
  explicit QuietStderr(bool quiet) {
    if (!quiet) return;
    std::fflush(stderr);
    saved_ = ::dup(STDERR_FILENO);
    const int null = ::open("/dev/null", O_WRONLY | O_CLOEXEC);
    if (saved_ >= 0 && null >= 0) ::dup2(null, STDERR_FILENO);
    if (null >= 0) ::close(null);
  }
  ~QuietStderr() {
    if (saved_ < 0) return;
    std::fflush(stderr);
    ::dup2(saved_, STDERR_FILENO);
    ::close(saved_);
  }
  QuietStderr(const QuietStderr&) = delete;
  QuietStderr& operator=(const QuietStderr&) = delete;

 private:
  int saved_ = -1;
};

std::set<ActivityType> activities(bool cuda) {
  if (cuda) return {ActivityType::CPU, ActivityType::CUDA};
  return {ActivityType::CPU};
}

std::string run_trace_path(const Config& config, const std::string& out_dir, int rank) {
  const auto [first, last] = parse_step_range(config.profile_steps, "key profile_steps");
  std::string path = out_dir + "/trace_steps_" + std::to_string(first) + "-" + std::to_string(last);
  if (rank > 0) path += ".rank" + std::to_string(rank);
  return path + ".json";
}

}  // namespace

StepProfiler::StepProfiler(std::pair<std::int64_t, std::int64_t> steps, std::string path, c10::Device device, std::string what)
    : first_(steps.first), last_(steps.second), path_(std::move(path)), what_(std::move(what)), cuda_(device.is_cuda()) {
  if (first_ == 0) return;
  const fs::path folder = fs::path(path_).parent_path();
  std::error_code ec;
  if (!folder.empty() && !fs::is_directory(folder, ec))
    throw Error("profile", what_ + " " + path_ + ": the folder " + folder.string() + " does not exist");
}

StepProfiler::StepProfiler(const Config& config, const std::string& out_dir, int rank, c10::Device device)
    : StepProfiler(parse_step_range(config.profile_steps, "key profile_steps"),
                   config.profile_steps.empty() ? "" : run_trace_path(config, out_dir, rank), device, "profile_steps") {}

StepProfiler::~StepProfiler() {
  if (!recording_) return;
  try {
    kineto::disableProfiler();
    log::warn(strprintf("%s: the run ended inside steps %lld-%lld: no trace written", what_.c_str(), (long long)first_,
                        (long long)last_));
  } catch (const std::exception&) {  // nothing to keep
  }
}

void StepProfiler::begin_step(std::int64_t step) {
  if (first_ == 0 || started_) return;
  // The profiler's set-up (CUPTI's, on CUDA) one step ahead, as torch.profiler's warmup does,
  // so that it stays out of the recorded steps; not earlier, since CUPTI collects from then on.
  if (step + 1 == first_) {
    const QuietStderr quiet(!cuda_);
    kineto::prepareProfiler(profiler_config(), activities(cuda_));
    prepared_ = true;
  }
  if (step < first_) return;
  started_ = true;
  if (step > last_) {
    log::warn(strprintf("%s %lld:%lld lies before step %lld, where this run starts: no trace", what_.c_str(), (long long)first_,
                        (long long)last_, (long long)step));
    return;
  }
  const QuietStderr quiet(!cuda_);
  if (!prepared_) kineto::prepareProfiler(profiler_config(), activities(cuda_));
  kineto::enableProfiler(profiler_config(), activities(cuda_));
  recording_ = true;
  from_ = step;
}

std::string StepProfiler::end_step(std::int64_t step, bool final) {
  if (!recording_ || (step < last_ && !final)) return "";
  recording_ = false;
#ifdef POLLUX_WITH_CUDA
  if (cuda_) c10::cuda::device_synchronize();  // the step's last kernels into the trace
#endif
  // A whole trace or none, through the one write path (file_io.h): a temporary file beside
  // the target, renamed over it.
  OutputFile out(path_);
  {
    const QuietStderr quiet(!cuda_);
    const std::unique_ptr<kineto::ProfilerResult> result = kineto::disableProfiler();
    result->save(out.tmp());
  }
  std::error_code ec;
  if (!fs::is_regular_file(out.tmp(), ec) || fs::file_size(out.tmp(), ec) == 0)
    throw Error("profile", what_ + ": could not write the trace " + path_);
  out.commit();
  return strprintf("profiler trace of steps %lld-%lld: %s (open it in ui.perfetto.dev or chrome://tracing)", (long long)from_,
                   (long long)step, path_.c_str());
}

}  // namespace pollux
