// pollux-bench quantizer --device cuda: the GPU search timed on N atoms with each fast pass
// (and its kernel's registers and occupancy), M of them checked against the CPU's exact search
// (which equals the float64 brute force: tests/lattice).
#include <ATen/ATen.h>

#include <chrono>
#include <cstdio>
#include <iostream>
#include <string>
#include <vector>

#include "bench.h"
#include "pollux/base/error.h"
#include "pollux/base/json.h"
#include "pollux/kernels/lattice_search.h"

namespace pollux::bench {

int quantizer_cuda(const lattice::Quantizer& quantizer, const std::vector<float>& atoms, std::size_t checked, int threads,
                   bool json) {
  if (!(at::hasCUDA() && kernels::cuda_kernels_available()))
    throw Error("bench", "--device cuda but this build or machine has no CUDA kernels");
  const std::int64_t n = std::int64_t(atoms.size() / lattice::kAtomDim);
  const at::Tensor host = at::from_blob(const_cast<float*>(atoms.data()), {n, lattice::kAtomDim}, at::kFloat);
  const at::Tensor a = host.to(at::kCUDA);
  at::Tensor idx = at::empty({n}, a.options().dtype(at::kInt)), bad = at::zeros({1}, a.options().dtype(at::kInt));

  std::vector<std::uint32_t> cpu(checked);
  const auto cpu_start = std::chrono::steady_clock::now();
  quantizer.nearest(atoms.data(), checked, cpu.data(), threads);
  const double cpu_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - cpu_start).count();

  // Each fast pass: the lean float32 one the projections use, and the float64 one before it.
  struct Run {
    kernels::FastPass pass;
    const char* name;
    double seconds = 0;
    std::size_t mismatches = 0, zeros = 0;
    kernels::KernelStats stats;
  };
  std::vector<Run> runs = {{kernels::FastPass::float32, "float32"}, {kernels::FastPass::float64, "float64"}};
  for (Run& run : runs) {
    auto search = [&](std::int64_t count) {
      kernels::nearest_cuda(quantizer, a.data_ptr<float>(), count, idx.data_ptr<std::int32_t>(), bad.data_ptr<std::int32_t>(),
                            nullptr, run.pass);
      return bad.item<int>();  // waits for the kernel
    };
    search(std::min<std::int64_t>(n, 65536));  // warm-up: the tables go to the device once
    const auto start = std::chrono::steady_clock::now();
    if (search(n) != 0) throw Error("bench", "the GPU search flagged a non-finite atom");
    run.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    const at::Tensor gpu = idx.cpu();
    const std::int32_t* g = gpu.data_ptr<std::int32_t>();
    for (std::size_t k = 0; k < checked; ++k) run.mismatches += std::uint32_t(g[k]) != cpu[k];
    for (std::int64_t k = 0; k < n; ++k) run.zeros += g[k] == 0;
    run.stats = kernels::search_kernel_stats(run.pass);
  }
  const Run& lean = runs[0];
  const std::size_t mismatches = runs[0].mismatches + runs[1].mismatches;
  if (json) {
    JsonWriter j;
    j.begin_object()
        .field("benchmark", "quantizer")
        .field("device", "cuda")
        .field("codebook", lattice::to_string(quantizer.codebook().variant()))
        .field("atoms", std::uint64_t(n))
        .field("checked", std::uint64_t(checked))
        .field("checked_against", "cpu exact search")
        .field("mismatches", std::uint64_t(mismatches))
        .field("zero_atoms", std::uint64_t(lean.zeros))
        .field("fast_seconds", lean.seconds)
        .field("fast_atoms_per_s", double(n) / lean.seconds);
    for (const Run& run : runs) {
      const std::string p = run.name;
      j.field(p + "_atoms_per_s", double(n) / run.seconds)
          .field(p + "_mismatches", std::uint64_t(run.mismatches))
          .field(p + "_registers", run.stats.registers)
          .field(p + "_shared_bytes", run.stats.shared_bytes)
          .field(p + "_local_bytes", run.stats.local_bytes)
          .field(p + "_occupancy", run.stats.occupancy);
    }
    j.field("cpu_threads", threads).field("cpu_atoms_per_s", checked ? double(checked) / cpu_seconds : 0.0).end_object();
    std::cout << j.str() << "\n";
  } else {
    std::printf("quantizer (%s codebook, cuda)\n", lattice::to_string(quantizer.codebook().variant()).c_str());
    for (const Run& run : runs)
      std::printf(
          "  GPU search, %s fast pass %10lld atoms %9.4f s %14.0f atoms/s, mismatches %zu; %d registers, occupancy %.2f\n",
          run.name, (long long)n, run.seconds, double(n) / run.seconds, run.mismatches, run.stats.registers, run.stats.occupancy);
    std::printf("  CPU check    %12zu atoms %10.4f s (%d threads), %zu zero atoms\n", checked, cpu_seconds, threads, lean.zeros);
  }
  return mismatches == 0 ? 0 : 2;
}

}  // namespace pollux::bench
