// --runtime lut|dense of pollux-generate, pollux-eval and pollux-bench decode: the
// matrix-free runtime (pollux/infer) is the default for a .plx file on the CPU; dense
// (pollux/runtime, LibTorch) for checkpoints, CUDA, or when asked.
#pragma once

#include <string>

#include "pollux/base/error.h"
#include "pollux/config/config.h"
#include "pollux/lattice/plx.h"

namespace pollux::cli {

// True for lut. `requested` is "" (the default), "lut" or "dense".
inline bool use_lut_runtime(const std::string& tool, const std::string& requested, const std::string& model_path,
                            const std::string& device) {
  if (requested != "" && requested != "lut" && requested != "dense")
    throw Error(tool, "--runtime '" + requested + "': expected lut or dense");
  if (requested == "dense") return false;
  const bool possible = device == "cpu" && lattice::is_plx_file(model_path);
  if (requested == "lut" && !possible) throw Error(tool, "--runtime lut runs .plx files on the CPU (--device cpu)");
  return possible;
}

// --threads of pollux-generate and pollux-eval (0 = all cores), checked as the config key is.
inline int threads_option(const std::string& tool, int threads) {
  if (threads < 0 || threads > kMaxThreads)
    throw Error(tool, "--threads " + std::to_string(threads) + ": expected 0 (all cores) to " + std::to_string(kMaxThreads));
  return threads;
}

}  // namespace pollux::cli
