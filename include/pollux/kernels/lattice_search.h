// The exact lattice search and row projection on the GPU, with their CPU twins.
//
// Plain C++ on the host side (no CUDA or LibTorch headers): the tensors arrive as raw
// pointers. project_rows_cuda() is defined by lattice_search.cu in CUDA builds and by a stub
// that throws pollux::Error elsewhere, so callers need no #ifdef.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "pollux/kernels/warp_search.h"
#include "pollux/lattice/quantizer.h"

namespace pollux::kernels {

// The scoring rule of a quantizer (its codebook and scoring).
SearchRule search_rule(const lattice::Quantizer& quantizer);

// The Golay tables and the sorted keys of a codebook's shell, in host memory.
struct HostSearchTables {
  std::vector<std::uint32_t> codewords;
  std::vector<std::uint16_t> check_bits;
  std::vector<std::uint8_t> octads;
  std::vector<std::uint64_t> keys;
  SearchTables view() const { return {codewords.data(), check_bits.data(), octads.data(), keys.data()}; }
};
// Built once per variant; throws pollux::Error if the shell is not sorted by key.
const HostSearchTables& host_search_tables(lattice::CodebookVariant variant);

// The CPU twin of the kernel: the 32 lanes of one warp run one after another on one atom
// (24 floats), with the fast pass in float32 (the kernels') or float64. Throws pollux::Error
// on a NaN or Inf coordinate. Equals Quantizer::nearest.
std::uint32_t emulate_warp_search(const SearchRule& rule, const SearchTables& tables, const float* atom,
                                  FastPass pass = FastPass::float32);
// The twin of the certified search kernel (certified_search_steps; exact scoring): the index
// Quantizer::nearest_certified finds, with a certificate of the same kind.
lattice::CertifiedIndex emulate_certified_search(const SearchRule& rule, const SearchTables& tables, const float* atom,
                                                 FastPass pass = FastPass::float32);

// True when this build has the CUDA kernels and a GPU is visible.
bool cuda_kernels_available();

// What the search kernel of a fast pass takes on the current GPU: registers per thread, bytes
// of shared and local memory per block and thread, and its theoretical occupancy (resident
// warps over the most an SM holds) at 8 warps a block.
struct KernelStats {
  int registers = 0, shared_bytes = 0, local_bytes = 0, blocks_per_sm = 0;
  double occupancy = 0;
};
KernelStats search_kernel_stats(FastPass pass);

// Row projection (lattice/row_projection.h) on the GPU, in `stream` (a cudaStream_t).
// All pointers are device memory: latent rows x cols float32 row-major (cols % 24 == 0);
// out: indices rows x cols/24 int32, sigma rows float32, weight rows x cols float32 (the
// forward weights codebook[idx] * sigma * s_lattice), and `bad`, one int32 the kernel sets
// to 1 if the latent holds a NaN or Inf (indices are then 0 there). Nothing synchronises.
// The search tables of the quantizer's codebook are copied to the device on first use.
void project_rows_cuda(const lattice::Quantizer& quantizer, const float* latent, std::int64_t rows, std::int64_t cols,
                       std::int32_t* indices, float* sigma, float* weight, std::int32_t* bad, void* stream);

// What the GPU's incremental projection keeps of a rows x cols matrix between steps, in device
// memory (the twin of lattice::SearchMemory), and its scratch.
struct DeviceSearchMemory {
  float* atoms;                           // rows * cols: each atom's scaled position at its last search
  lattice::CertifiedIndex* certificates;  // rows * cols / 24: that search's certificate
  std::int32_t* flagged;                  // rows * cols / 24, scratch: the atoms to search
  std::int32_t* searched;                 // 1: set to the number of atoms the call searched
  bool fresh;                             // no certificate yet: every atom is searched
};

// project_rows_cuda searching only the atoms that left their certificate since their last
// search (the twin of lattice::project_row_range_incremental, exact scoring only): a thread per
// atom checks its certificate against the key coordinates of its index (which `indices` holds
// on entry: the previous step's) and keeps the index or lists the atom; a warp per listed atom
// runs the certified search. Equal to project_rows_cuda bit for bit. Nothing synchronises.
void project_rows_incremental_cuda(const lattice::Quantizer& quantizer, const float* latent, std::int64_t rows, std::int64_t cols,
                                   std::int32_t* indices, float* sigma, float* weight, const DeviceSearchMemory& memory,
                                   std::int32_t* bad, void* stream);

// The twin of project_rows_incremental_cuda on the host, the same decisions atom by atom (the
// certificate checked with key coordinates, emulate_certified_search): `memory` as above, in
// host memory. Returns the atoms searched.
std::size_t emulate_project_rows_incremental(const lattice::Quantizer& quantizer, const float* latent, std::size_t rows,
                                             std::size_t cols, std::uint32_t* indices, float* sigma,
                                             const DeviceSearchMemory& memory);

// The bare search on the GPU: count atoms (count x 24 float32, device) to indices (device),
// with the lean float32 fast pass (the projections') or the float64 one, for comparison.
void nearest_cuda(const lattice::Quantizer& quantizer, const float* atoms, std::int64_t count, std::int32_t* indices,
                  std::int32_t* bad, void* stream, FastPass pass = FastPass::float32);

}  // namespace pollux::kernels
