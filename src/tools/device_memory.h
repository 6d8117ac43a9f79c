// Peak device memory for the benchmarks that run LibTorch (pollux-bench train and step).
#pragma once

#include <c10/core/Device.h>

#include <cstdint>

namespace pollux::bench {

// Peak bytes the CUDA caching allocator handed out on `device` since the last reset (0 on the
// CPU); `reset` starts a new count. (bench_step.cpp)
std::int64_t device_peak_bytes(const at::Device& device, bool reset);

}  // namespace pollux::bench
