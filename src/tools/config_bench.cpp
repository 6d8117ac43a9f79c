#include "config_bench.h"

#include <ATen/Context.h>
#include <ATen/Parallel.h>

#include <vector>

#include "cli.h"
#include "pollux/base/error.h"
#include "pollux/model/memory_plan.h"

namespace pollux::bench {

std::optional<ConfigBench> parse_config_bench(int argc, const char* const* argv,
                                              const boost::program_options::options_description& options,
                                              const std::string& usage) {
  const ParsedConfig parsed = parse_config(std::vector<std::string>(argv + 1, argv + argc));
  std::vector<const char*> extra{argv[0]};
  for (const auto& a : parsed.extra) extra.push_back(a.c_str());
  ConfigBench b;
  if (!cli::parse(int(extra.size()), extra.data(), usage, options, {}, {}, b.options)) return std::nullopt;
  b.config = parsed.config;
  if (b.config.quantizer == QuantizerKind::lattice && !(b.config.h_floor > 0)) b.config.h_floor = 1.0;
  b.config.validate();
  refuse_larger_than_memory(b.config, "bench");  // by name, before a tensor is made (not a c10 allocation failure)
  b.steps = b.options["steps"].as<int>();
  b.warmup = b.options["warmup"].as<int>();
  if (b.steps <= 0 || b.warmup < 0) throw Error("bench", "--steps must be positive and --warmup not negative");
  if (b.config.threads > 0) at::set_num_threads(b.config.threads);
  if (b.config.device == Device::cuda) {
    if (!at::hasCUDA()) throw Error("bench", "device = cuda but this build or machine has no CUDA");
    b.device = at::Device(at::kCUDA, 0);
  }
  return b;
}

}  // namespace pollux::bench
