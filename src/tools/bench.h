// pollux-bench subcommands that live in their own files: each takes the arguments after
// "pollux-bench" (argv[0] is the subcommand's name) and returns the exit status.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "pollux/config/config.h"
#include "pollux/infer/lut_model.h"
#include "pollux/lattice/quantizer.h"

namespace pollux::bench {

int tokenizer(int argc, const char* const* argv);  // bench_tokenizer.cpp
int step(int argc, const char* const* argv);       // bench_step.cpp
int io(int argc, const char* const* argv);         // bench_io.cpp

// The GPU search on `atoms` (count x 24), the first `checked` compared with the CPU's exact
// search on `threads` threads; returns 2 on any mismatch.
int quantizer_cuda(const lattice::Quantizer& quantizer, const std::vector<float>& atoms, std::size_t checked, int threads,
                   bool json);  // bench_quantizer_cuda.cpp

// pollux-bench decode: prompt processing and batch-1 decode. The dense runtime runs in this
// process; the lut runtime in pollux-bench-lut (next to pollux-bench, linking no LibTorch), so
// its peak resident memory is that of a program that only runs the packed model.
int decode(int argc, const char* const* argv);

// What the two programs share: the options, and the report.
struct DecodeRun {
  std::string runtime, model;  // model: a .plx path, empty with --config
  Config config;               // of --config (the random model's shape) and --threads
  int prompt_tokens = 0, new_tokens = 0;
  infer::Kernel kernel = infer::Kernel::automatic;
  infer::IndexForm index_form = infer::IndexForm::automatic;
  infer::KvCache kv_cache = infer::KvCache::float32;
  bool cuda_graph = true;  // dense on CUDA: decode by replaying a CUDA graph (runtime/static_decode.h)
  bool json = false;
};
// `command` is how the usage line names the program: "pollux-bench decode" or "pollux-bench-lut".
std::optional<DecodeRun> parse_decode(int argc, const char* const* argv, const std::string& command);  // nullopt after --help

struct DecodeTiming {
  double prefill_s = 0, decode_s = 0, rss_before_load = 0, rss_after_load = 0;
  std::size_t bytes_per_token = 0;
  std::string kernel;       // the lut kernel that ran
  bool cuda_graph = false;  // the dense decode replayed a CUDA graph
};
int report_decode(const DecodeRun& run, const DecodeTiming& t);
double resident_bytes();  // VmRSS now

// The lut runtime's run (pollux-bench-lut's whole work).
int decode_lut(const DecodeRun& run);

}  // namespace pollux::bench
