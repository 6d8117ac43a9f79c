// pollux-bench subcommands that live in their own files; each takes the arguments after
// "pollux-bench" (argv[0] is the subcommand's name) and returns the exit status.
#pragma once

#include <cstddef>
#include <vector>

#include "pollux/lattice/quantizer.h"

namespace pollux::bench {

int tokenizer(int argc, const char* const* argv);  // bench_tokenizer.cpp
int step(int argc, const char* const* argv);       // bench_step.cpp

// The GPU search on `atoms` (count x 24), the first `checked` compared with the CPU's exact
// search on `threads` threads; returns 2 on any mismatch.
int quantizer_cuda(const lattice::Quantizer& quantizer, const std::vector<float>& atoms, std::size_t checked, int threads,
                   bool json);  // bench_quantizer_cuda.cpp

}  // namespace pollux::bench
