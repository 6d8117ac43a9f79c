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
// (24 floats). Throws pollux::Error on a NaN or Inf coordinate. Equals Quantizer::nearest.
std::uint32_t emulate_warp_search(const SearchRule& rule, const SearchTables& tables, const float* atom);

// True when this build has the CUDA kernels and a GPU is visible.
bool cuda_kernels_available();

// Row projection (lattice/row_projection.h) on the GPU, in `stream` (a cudaStream_t).
// All pointers are device memory: latent rows x cols float32 row-major (cols % 24 == 0);
// out: indices rows x cols/24 int32, sigma rows float32, weight rows x cols float32 (the
// forward weights codebook[idx] * sigma * s_lattice), and `bad`, one int32 the kernel sets
// to 1 if the latent holds a NaN or Inf (indices are then 0 there). Nothing synchronises.
// The search tables of the quantizer's codebook are copied to the device on first use.
void project_rows_cuda(const lattice::Quantizer& quantizer, const float* latent, std::int64_t rows, std::int64_t cols,
                       std::int32_t* indices, float* sigma, float* weight, std::int32_t* bad, void* stream);

// The bare search on the GPU: count atoms (count x 24 float32, device) to indices (device).
void nearest_cuda(const lattice::Quantizer& quantizer, const float* atoms, std::int64_t count, std::int32_t* indices,
                  std::int32_t* bad, void* stream);

}  // namespace pollux::kernels
