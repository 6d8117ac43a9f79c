// Post-training quantizers of one weight matrix W (rows x cols, float32, any device): each
// returns the dequantized matrix, the weights a model would compute with after storing it.
//
//   rtn         symmetric absmax round-to-nearest per group of G consecutive weights of a row
//               (GGUF Q4_0-like): scale = absmax / (2^(B-1) - 1) stored as float16,
//               q = clamp(round(w / scale), -qmax, qmax); B + 16/G bits per weight.
//   gptq        Frantar et al. 2022 (arXiv:2210.17323), Algorithm 1: the columns quantized in
//               order on the rtn grid, each one's error spread over the columns not yet
//               quantized through the Cholesky factor of the inverse Hessian H = 2 X^T X / n
//               of the layer's inputs X; same bits as rtn.
//   polarquant  per block of n = 2^k weights of a row: the norm (float16), the unit vector
//               rotated by the orthonormal Walsh-Hadamard transform, each coordinate (about
//               N(0, 1/n) after the rotation) rounded to the B-bit Lloyd-Max centroids of that
//               Gaussian; B + 16/n bits per weight.
//   leech       the row projection onto the lattice that pollux_step applies (lattice/
//               row_projection.h, spec section 3): 18 bits per 24 weights + a float16 row scale.
#pragma once

#include <ATen/ATen.h>

#include <cstdint>
#include <vector>

#include "pollux/lattice/quantizer.h"

namespace pollux::ptq {

// 2^(bits-1) - 1: the largest integer level of the symmetric rtn grid.
int rtn_qmax(int bits);

// The float16-rounded group scales (rows x cols/group, float32) of the rtn grid.
at::Tensor rtn_scales(const at::Tensor& w, int bits, std::int64_t group);
// One column (or any tensor) rounded on the grid of `scale` (broadcast): clamp(round(w/s))*s,
// 0 where the scale is 0.
at::Tensor rtn_round(const at::Tensor& w, const at::Tensor& scale, int bits);
// rtn of a whole matrix.
at::Tensor rtn_quantize(const at::Tensor& w, int bits, std::int64_t group);

// GPTQ of W with the Hessian h (cols x cols, 2 X^T X / n), dampened by damp * mean(diag h)
// (more, tenfold at a time, where the Cholesky factorisation fails). Columns whose diagonal
// is 0 (inputs that never occurred) are set to 0, as the paper's code does. Lazy batches of
// `block` columns (section 3, step 2), rounded up to a multiple of the group.
at::Tensor gptq_quantize(const at::Tensor& w, const at::Tensor& h, int bits, std::int64_t group, double damp = 0.01,
                         std::int64_t block = 128);

// ||(W - Q) X^T||_F / ||W X^T||_F from the Hessian alone: sqrt(tr(D h D^T) / tr(W h W^T)).
double output_error(const at::Tensor& w, const at::Tensor& q, const at::Tensor& h);

// The 2^bits Lloyd-Max centroids of the standard normal, ascending (bits 1..8), computed by
// Lloyd's iteration with the Gaussian's closed-form conditional means, once per bit width.
const std::vector<double>& lloyd_max_gaussian(int bits);

// The orthonormal Walsh-Hadamard transform (Sylvester order, scaled by 1/sqrt(n)) over the
// last dimension, n a power of 2. Symmetric and its own inverse.
at::Tensor walsh_hadamard(const at::Tensor& x);

at::Tensor polarquant_quantize(const at::Tensor& w, int bits, std::int64_t block);

// lattice::project_rows then lattice::reconstruct_rows (on the CPU), as pollux_step does.
at::Tensor leech_quantize(const at::Tensor& w, const lattice::Quantizer& quantizer);

}  // namespace pollux::ptq
