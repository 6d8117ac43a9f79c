// What pollux-bench train and step share: a model configuration from --config FILE and
// --KEY VALUE overrides, the command's own options, timed and untimed step counts, and the
// device, checked. (LibTorch; pollux-bench-lut does not include it.)
#pragma once

#include <ATen/ATen.h>
#include <boost/program_options.hpp>

#include <optional>
#include <string>

#include "pollux/config/config.h"

namespace pollux::bench {

struct ConfigBench {
  Config config;  // validated; a lattice config without h_floor gets 1 (it only sets the heat)
  boost::program_options::variables_map options;
  int steps = 0, warmup = 0;
  at::Device device = at::kCPU;
};

// `options` must define "steps" and "warmup"; nullopt after --help. Sets the thread count.
// Throws pollux::Error for bad counts or device = cuda without CUDA.
std::optional<ConfigBench> parse_config_bench(int argc, const char* const* argv,
                                              const boost::program_options::options_description& options,
                                              const std::string& usage);

}  // namespace pollux::bench
