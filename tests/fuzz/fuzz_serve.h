// The `serve` type of pollux-fuzz (fuzz_serve.cpp): mutated request lines against one
// `pollux-eval --serve` process. Returns the process exit code (0 when every case passed).
#pragma once

#include <cstdint>
#include <string>

int fuzz_serve(long cases, std::uint64_t seed, long first, unsigned case_seconds, double memory_gb, const std::string& keep);
