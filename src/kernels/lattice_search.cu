// The exact lattice search and row projection on the GPU: one warp per atom, running the
// steps of kernels/warp_search.h (the CPU twin runs the same functions lane by lane).
// Arithmetic that must equal the CPU bit for bit (row scales, atoms, forward weights) uses
// explicitly rounded intrinsics, so no fused multiply-add changes a result.
#include <cuda_runtime.h>

#include <algorithm>
#include <limits>
#include <map>
#include <mutex>
#include <string>
#include <utility>

#include "pollux/base/error.h"
#include "pollux/kernels/lattice_search.h"
#include "pollux/lattice/constants.h"

namespace pollux::kernels {
namespace {

constexpr int kWarpsPerBlock = 8;
constexpr unsigned kFullMask = 0xFFFFFFFFu;
// Blocks an SM must hold of a search kernel with the lean fast pass: ptxas then keeps it within
// 80 registers a thread (it took 135 unbounded, one block of 8 warps an SM; 25 % occupancy
// becomes 37.5 %, for a few hundred bytes of spills), and 3 x 18.7 KB of shared memory fit.
// The float64 pass stays as it was (128 registers, two blocks), the benchmark's "before".
template <typename T>
constexpr int kMinBlocks = sizeof(T) == sizeof(float) ? 3 : 2;
// Blocks of the certified search: its list's length is known on the device only.
constexpr int kSearchBlocks = 2048;
static_assert(sizeof(lattice::CertifiedIndex) == 64, "the host and the GPU share certificates byte for byte");

void check(cudaError_t status, const char* what) {
  if (status != cudaSuccess) throw Error("kernels", std::string(what) + ": " + cudaGetErrorString(status));
}

// The search tables and the float32 codebook of one variant on one device; kept for the
// life of the process (about 23 MB).
struct DeviceTables {
  SearchTables tables;
  const float* codebook;  // 196,561 x 24, the model's float table
};

template <typename T>
const T* upload(const T* host, std::size_t count) {
  void* device = nullptr;
  check(cudaMalloc(&device, count * sizeof(T)), "cudaMalloc of the search tables");
  check(cudaMemcpy(device, host, count * sizeof(T), cudaMemcpyHostToDevice), "copying the search tables");
  return static_cast<const T*>(device);
}

const DeviceTables& device_tables(lattice::CodebookVariant variant) {
  static std::mutex mutex;
  static std::map<std::pair<int, int>, DeviceTables> cache;
  int device = 0;
  check(cudaGetDevice(&device), "cudaGetDevice");
  std::lock_guard<std::mutex> lock(mutex);
  const auto key = std::make_pair(device, int(variant));
  auto it = cache.find(key);
  if (it != cache.end()) return it->second;
  const HostSearchTables& host = host_search_tables(variant);
  const auto& table = lattice::Codebook::get(variant).table();
  DeviceTables d{{upload(host.codewords.data(), host.codewords.size()), upload(host.check_bits.data(), host.check_bits.size()),
                  upload(host.octads.data(), host.octads.size()), upload(host.keys.data(), host.keys.size())},
                 upload(table.data(), table.size())};
  return cache.emplace(key, d).first->second;
}

__device__ double warp_max(double v) {
  for (int offset = 16; offset > 0; offset >>= 1) v = greater(v, __shfl_xor_sync(kFullMask, v, offset));
  return v;
}

// The warp's best (score, vector): a maximum under a total order, so every lane ends with it.
__device__ LaneBest warp_best(LaneBest b) {
  for (int offset = 16; offset > 0; offset >>= 1) {
    LaneBest other;
    other.score = __shfl_xor_sync(kFullMask, b.score, offset);
    other.key.hi = __shfl_xor_sync(kFullMask, (unsigned long long)b.key.hi, offset);
    other.key.lo = __shfl_xor_sync(kFullMask, (unsigned long long)b.key.lo, offset);
    b = better(b, other);
  }
  return b;
}

// The warp of search_steps: this lane's share, the others' through shuffles.
struct CudaWarp {
  int lane;
  template <typename F>
  __device__ void each(F f) const {
    f(lane);
  }
  __device__ void sync() const { __syncwarp(); }
  __device__ int slot(int) const { return 0; }
  template <typename F>
  __device__ double max(F f) const {
    return warp_max(f(lane));
  }
  template <typename F>
  __device__ LaneBest best(F f) const {
    return warp_best(f(lane));
  }
};

// Searches the atom whose scored coordinate `lane` holds (lanes >= 24: ignored), with the fast
// pass in T; every lane returns its index. The whole warp must call it; `value` finite on
// every lane.
template <typename T>
__device__ std::uint32_t warp_search(const SearchRule& rule, const SearchTables& tables, SearchScratch<T>& s, int lane,
                                     float value) {
  if (lane < kDim) s.x[lane] = scored_coordinate(rule, value);
  __syncwarp();
  const std::uint32_t index = search_steps(rule, tables, CudaWarp{lane}, s);
  __syncwarp();  // the scratch is reused for the next atom
  return index;
}

template <typename T>
__global__ void __launch_bounds__(kWarpsPerBlock* kWarp, kMinBlocks<T>)
    nearest_kernel(SearchRule rule, SearchTables tables, const float* __restrict__ atoms, std::int64_t count,
                   std::int32_t* __restrict__ indices, std::int32_t* bad) {
  __shared__ SearchScratch<T> scratch[kWarpsPerBlock];
  const int warp = threadIdx.x / kWarp, lane = threadIdx.x % kWarp;
  for (std::int64_t a = std::int64_t(blockIdx.x) * kWarpsPerBlock + warp; a < count;
       a += std::int64_t(gridDim.x) * kWarpsPerBlock) {
    const float value = lane < kDim ? atoms[a * kDim + lane] : 0.0f;
    if (!__all_sync(kFullMask, isfinite(value))) {
      if (lane == 0) {
        indices[a] = 0;
        atomicExch(bad, 1);
      }
      continue;
    }
    const std::uint32_t index = warp_search(rule, tables, scratch[warp], lane, value);
    if (lane == 0) indices[a] = std::int32_t(index);
  }
}

// sigma_r = sqrt(float(sum_j w_rj^2 / cols) + eps): the squares summed in float64 in column
// order, one thread per row, as lattice/row_projection.cpp does.
__global__ void row_sigma_kernel(const float* __restrict__ w, std::int64_t rows, std::int64_t cols, float eps,
                                 float* __restrict__ sigma, std::int32_t* bad) {
  const std::int64_t r = std::int64_t(blockIdx.x) * blockDim.x + threadIdx.x;
  if (r >= rows) return;
  const float* row = w + r * cols;
  double squares = 0.0;
  for (std::int64_t j = 0; j < cols; ++j) squares = __dadd_rn(squares, __dmul_rn(double(row[j]), double(row[j])));
  const float s = __fsqrt_rn(__fadd_rn(float(__ddiv_rn(squares, double(cols))), eps));
  sigma[r] = s;
  if (!isfinite(s)) atomicExch(bad, 1);
}

// Atom a of the latent: (w / sigma_r) * C, searched; the forward weight written beside the index.
__global__ void __launch_bounds__(kWarpsPerBlock* kWarp, kMinBlocks<float>)
    project_kernel(SearchRule rule, SearchTables tables, const float* __restrict__ codebook, const float* __restrict__ latent,
                   std::int64_t rows, std::int64_t cols, float c, float s_lattice, const float* __restrict__ sigma,
                   std::int32_t* __restrict__ indices, float* __restrict__ weight, std::int32_t* bad) {
  __shared__ SearchScratch<float> scratch[kWarpsPerBlock];
  const int warp = threadIdx.x / kWarp, lane = threadIdx.x % kWarp;
  const std::int64_t per_row = cols / kDim, count = rows * per_row;
  for (std::int64_t a = std::int64_t(blockIdx.x) * kWarpsPerBlock + warp; a < count;
       a += std::int64_t(gridDim.x) * kWarpsPerBlock) {
    const std::int64_t r = a / per_row;
    const float s = sigma[r];
    const float value = lane < kDim ? __fmul_rn(__fdiv_rn(latent[a * kDim + lane], s), c) : 0.0f;
    std::uint32_t index = 0;
    if (__all_sync(kFullMask, isfinite(value)))
      index = warp_search(rule, tables, scratch[warp], lane, value);
    else if (lane == 0)
      atomicExch(bad, 1);
    if (lane == 0) indices[a] = std::int32_t(index);
    if (lane < kDim) weight[a * kDim + lane] = __fmul_rn(__fmul_rn(codebook[std::size_t(index) * kDim + lane], s), s_lattice);
  }
}

// The scaled coordinate k of atom a, as lattice::scaled_atom computes it: (w / sigma) * C.
__device__ float scaled_coordinate(const float* latent, std::int64_t a, int k, float s, float c) {
  return __fmul_rn(__fdiv_rn(latent[a * kDim + k], s), c);
}

// Incremental projection, step 1: a thread per atom. An atom whose certificate holds at its
// new position keeps the index `indices` holds (the previous step's) and gets its forward
// weight; the others are listed in `flagged` for step 2. A NaN or Inf sets `bad`.
__global__ void check_kernel(SearchTables tables, const float* __restrict__ codebook, const float* __restrict__ latent,
                             std::int64_t count, std::int64_t per_row, float c, float s_lattice, const float* __restrict__ sigma,
                             const float* __restrict__ at_search, const lattice::CertifiedIndex* __restrict__ certificates,
                             bool fresh, std::int32_t* __restrict__ indices, float* __restrict__ weight,
                             std::int32_t* __restrict__ flagged, std::int32_t* flagged_count, std::int32_t* bad) {
  const std::int64_t a = std::int64_t(blockIdx.x) * blockDim.x + threadIdx.x;
  if (a >= count) return;
  const float s = sigma[a / per_row];
  float atom[kDim];
  bool finite = true;
  for (int k = 0; k < kDim; ++k) {
    atom[k] = scaled_coordinate(latent, a, k, s, c);
    finite = finite && isfinite(atom[k]);
  }
  if (!finite) {
    atomicExch(bad, 1);
    indices[a] = 0;
    return;
  }
  const std::uint32_t index = std::uint32_t(indices[a]);
  if (!fresh && certificates[a].index == index &&
      lattice::certificate_holds(at_search + a * kDim, atom, certificates[a], KeyCoordinates{tables.keys})) {
    for (int k = 0; k < kDim; ++k)
      weight[a * kDim + k] = __fmul_rn(__fmul_rn(codebook[std::size_t(index) * kDim + k], s), s_lattice);
    return;
  }
  flagged[atomicAdd(flagged_count, 1)] = std::int32_t(a);
}

// Incremental projection, step 2: a warp per listed atom runs the certified search and keeps
// its index, certificate, position and forward weight.
__global__ void __launch_bounds__(kWarpsPerBlock* kWarp, kMinBlocks<float>)
    certified_search_kernel(SearchRule rule, SearchTables tables, const float* __restrict__ codebook,
                            const float* __restrict__ latent, std::int64_t per_row, float c, float s_lattice,
                            const float* __restrict__ sigma, const std::int32_t* __restrict__ flagged,
                            const std::int32_t* flagged_count, std::int32_t* __restrict__ indices, float* __restrict__ weight,
                            float* __restrict__ at_search, lattice::CertifiedIndex* __restrict__ certificates) {
  __shared__ SearchScratch<float> scratch[kWarpsPerBlock];
  const int warp = threadIdx.x / kWarp, lane = threadIdx.x % kWarp;
  const std::int64_t count = *flagged_count;
  for (std::int64_t k = std::int64_t(blockIdx.x) * kWarpsPerBlock + warp; k < count;
       k += std::int64_t(gridDim.x) * kWarpsPerBlock) {
    const std::int64_t a = flagged[k];
    const float s = sigma[a / per_row];
    const float value = lane < kDim ? scaled_coordinate(latent, a, lane, s, c) : 0.0f;  // finite: step 1 checked
    SearchScratch<float>& w = scratch[warp];
    if (lane < kDim) w.x[lane] = scored_coordinate(rule, value);
    __syncwarp();
    NearKeys near[1];
    const lattice::CertifiedIndex certificate = certified_search_steps(rule, tables, CudaWarp{lane}, w, near);
    __syncwarp();  // the scratch is reused for the next atom
    if (lane == 0) {
      certificates[a] = certificate;
      indices[a] = std::int32_t(certificate.index);
    }
    if (lane < kDim) {
      at_search[a * kDim + lane] = value;
      weight[a * kDim + lane] = __fmul_rn(__fmul_rn(codebook[std::size_t(certificate.index) * kDim + lane], s), s_lattice);
    }
  }
}

int grid_for(std::int64_t warps_needed) {
  const std::int64_t blocks = (warps_needed + kWarpsPerBlock - 1) / kWarpsPerBlock;
  return int(blocks < 1 ? 1 : blocks > 65536 ? 65536 : blocks);
}

}  // namespace

bool cuda_kernels_available() {
  int count = 0;
  return cudaGetDeviceCount(&count) == cudaSuccess && count > 0;
}

namespace {

template <typename T>
KernelStats stats_of() {
  cudaFuncAttributes attributes{};
  check(cudaFuncGetAttributes(&attributes, nearest_kernel<T>), "cudaFuncGetAttributes");
  int device = 0, threads_per_sm = 0, blocks = 0;
  check(cudaGetDevice(&device), "cudaGetDevice");
  check(cudaDeviceGetAttribute(&threads_per_sm, cudaDevAttrMaxThreadsPerMultiProcessor, device), "cudaDeviceGetAttribute");
  check(cudaOccupancyMaxActiveBlocksPerMultiprocessor(&blocks, nearest_kernel<T>, kWarpsPerBlock * kWarp, 0),
        "cudaOccupancyMaxActiveBlocksPerMultiprocessor");
  return {attributes.numRegs, int(attributes.sharedSizeBytes), int(attributes.localSizeBytes), blocks,
          double(blocks * kWarpsPerBlock * kWarp) / threads_per_sm};
}

}  // namespace

KernelStats search_kernel_stats(FastPass pass) { return pass == FastPass::float32 ? stats_of<float>() : stats_of<double>(); }

void nearest_cuda(const lattice::Quantizer& quantizer, const float* atoms, std::int64_t count, std::int32_t* indices,
                  std::int32_t* bad, void* stream, FastPass pass) {
  if (count <= 0) return;
  const DeviceTables& d = device_tables(quantizer.codebook().variant());
  const cudaStream_t s = static_cast<cudaStream_t>(stream);
  if (pass == FastPass::float32)
    nearest_kernel<float>
        <<<grid_for(count), kWarpsPerBlock * kWarp, 0, s>>>(search_rule(quantizer), d.tables, atoms, count, indices, bad);
  else
    nearest_kernel<double>
        <<<grid_for(count), kWarpsPerBlock * kWarp, 0, s>>>(search_rule(quantizer), d.tables, atoms, count, indices, bad);
  check(cudaGetLastError(), "launching the lattice search");
}

void project_rows_cuda(const lattice::Quantizer& quantizer, const float* latent, std::int64_t rows, std::int64_t cols,
                       std::int32_t* indices, float* sigma, float* weight, std::int32_t* bad, void* stream) {
  if (cols <= 0 || cols % kDim != 0)
    throw Error("kernels", "row width " + std::to_string(cols) + " is not a positive multiple of 24");
  if (rows <= 0) return;
  const DeviceTables& d = device_tables(quantizer.codebook().variant());
  const cudaStream_t s = static_cast<cudaStream_t>(stream);
  row_sigma_kernel<<<int((rows + 127) / 128), 128, 0, s>>>(latent, rows, cols, float(lattice::kEpsilon), sigma, bad);
  check(cudaGetLastError(), "launching the row scales");
  project_kernel<<<grid_for(rows * (cols / kDim)), kWarpsPerBlock * kWarp, 0, s>>>(
      search_rule(quantizer), d.tables, d.codebook, latent, rows, cols, float(lattice::kC), float(lattice::kLatticeScale), sigma,
      indices, weight, bad);
  check(cudaGetLastError(), "launching the row projection");
}

void project_rows_incremental_cuda(const lattice::Quantizer& quantizer, const float* latent, std::int64_t rows, std::int64_t cols,
                                   std::int32_t* indices, float* sigma, float* weight, const DeviceSearchMemory& memory,
                                   std::int32_t* bad, void* stream) {
  if (cols <= 0 || cols % kDim != 0)
    throw Error("kernels", "row width " + std::to_string(cols) + " is not a positive multiple of 24");
  if (quantizer.scoring() != lattice::Scoring::exact)
    throw Error("kernels", "an incremental projection needs the exact scoring (lattice_search = exact)");
  const cudaStream_t s = static_cast<cudaStream_t>(stream);
  check(cudaMemsetAsync(memory.searched, 0, sizeof(std::int32_t), s), "clearing the search count");
  if (rows <= 0) return;
  const DeviceTables& d = device_tables(quantizer.codebook().variant());
  const std::int64_t per_row = cols / kDim, count = rows * per_row;
  if (count > std::numeric_limits<std::int32_t>::max())
    throw Error("kernels", "a matrix of " + std::to_string(count) + " atoms: the incremental projection lists at most 2^31 - 1");
  const float c = float(lattice::kC), s_lattice = float(lattice::kLatticeScale);
  row_sigma_kernel<<<int((rows + 127) / 128), 128, 0, s>>>(latent, rows, cols, float(lattice::kEpsilon), sigma, bad);
  check(cudaGetLastError(), "launching the row scales");
  check_kernel<<<int((count + 255) / 256), 256, 0, s>>>(d.tables, d.codebook, latent, count, per_row, c, s_lattice, sigma,
                                                        memory.atoms, memory.certificates, memory.fresh, indices, weight,
                                                        memory.flagged, memory.searched, bad);
  check(cudaGetLastError(), "launching the certificate check");
  // Enough warps to fill the GPU whatever the count (read on the device); each loops over the list.
  const int grid = std::min(grid_for(count), kSearchBlocks);
  certified_search_kernel<<<grid, kWarpsPerBlock * kWarp, 0, s>>>(search_rule(quantizer), d.tables, d.codebook, latent, per_row,
                                                                  c, s_lattice, sigma, memory.flagged, memory.searched, indices,
                                                                  weight, memory.atoms, memory.certificates);
  check(cudaGetLastError(), "launching the certified search");
}

}  // namespace pollux::kernels
