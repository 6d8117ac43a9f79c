// Post-training quantizers of one weight matrix W (rows x cols, float32, any device): each
// returns the dequantized matrix, the weights a model would compute with after storing it.
//
//   rtn         round-to-nearest per group of G consecutive weights of a row on one of two
//               grids (Grid):
//               asymmetric (default, GPTQ's own quantizer, quant.py): all 2^B levels,
//                 lo = min(min w, 0), hi = max(max w, 0), scale = (hi - lo) / (2^B - 1) stored
//                 as float16, zero = round(-lo / scale) stored in B bits,
//                 q = scale * (clamp(round(w / scale) + zero, 0, 2^B - 1) - zero);
//                 B + (16 + B)/G bits per weight.
//               symmetric (GGUF Q4_0-like): 2^B - 1 levels, scale = absmax / (2^(B-1) - 1)
//                 stored as float16, q = clamp(round(w / scale), -qmax, qmax); B + 16/G bits.
//   gptq        Frantar et al. 2022 (arXiv:2210.17323), Algorithm 1: the columns quantized in
//               order on the rtn grid, each one's error spread over the columns not yet
//               quantized through the Cholesky factor of the inverse Hessian H = 2 X^T X / n
//               of the layer's inputs X; same bits as rtn. With act_order the columns go by
//               decreasing diagonal of H, the groups being consecutive columns in that order
//               (gptq.py's actorder without static_groups); the column order is stored too.
//   polarquant  per block of n = 2^k weights of a row: the norm (float16), the unit vector
//               multiplied by a seeded random +-1 diagonal and rotated by the orthonormal
//               Walsh-Hadamard transform, each coordinate (about N(0, 1/n) after the
//               rotation) rounded to the B-bit Lloyd-Max centroids of that Gaussian; B + 16/n
//               bits per weight (the signs are one seed for the whole model).
//   leech       per row: a scale s and lattice points (codebook indices, 18 bits per 24
//               weights) fitted alternately from pollux_step's row projection (lattice/
//               row_projection.h): for fixed s the exact nearest points of W_r / s, for fixed
//               points the least-squares s = <W_r, q> / <q, q>, until the error stops falling;
//               s is stored as the float16 row scale sigma = s * C.
//   leech-ldlq  LDLQ (QuIP#, Tseng et al. 2024, arXiv:2402.04396; the Leech lattice as in
//               LLVQ, arXiv:2603.11021): GPTQ's error feedback with a vector quantizer. The
//               columns in blocks of 24, each row's block rounded to its exact nearest Leech
//               point at the row's scale, the block's error fed to the later columns through the
//               upper Cholesky factor U of H^-1 (block form: W_F -= (W_B - Q_B) U_BB^-1 U_BF).
//               The row scales start at leech's least-squares fit, then alternate with the
//               points: the least-squares scale in the Hessian's metric for the points chosen,
//               a new pass with it, kept per row while the row's output error falls. Same bits
//               as leech. With incoherence (QuIP#'s random Hadamard processing) W and H are
//               first multiplied by seeded orthogonal transforms on both sides (Incoherence).
//   awq         AWQ (Lin et al. 2023, arXiv:2306.00978): per input channel s = mean|x|^alpha,
//               rtn of W diag(s), then diag(s)^-1 folded back (the weights dequantized); alpha
//               on a grid in [0, 1] (0: rtn itself), the one of least output error.
#pragma once

#include <ATen/ATen.h>

#include <cstdint>
#include <string>
#include <vector>

#include "pollux/lattice/quantizer.h"

namespace pollux::ptq {

enum class Grid { asymmetric, symmetric };
Grid parse_grid(const std::string& name);  // throws naming --grid
const char* grid_name(Grid grid);

// 2^(bits-1) - 1: the largest integer level of the symmetric rtn grid.
int rtn_qmax(int bits);

// A group grid: per group its float16-rounded scale and its zero point (an integer level in
// 0..2^B-1 for the asymmetric grid, 0 for the symmetric one), both rows x cols/group float32.
struct GroupGrid {
  at::Tensor scale, zero;
};
GroupGrid rtn_grid(const at::Tensor& w, int bits, std::int64_t group, Grid grid = Grid::asymmetric);
// The symmetric grid's scales alone (rtn_grid(..., symmetric).scale).
at::Tensor rtn_scales(const at::Tensor& w, int bits, std::int64_t group);
// One column (or any tensor) rounded on a grid (scale and zero broadcast), 0 where the
// scale is 0.
at::Tensor grid_round(const at::Tensor& w, const at::Tensor& scale, const at::Tensor& zero, int bits, Grid grid);
// The symmetric grid: clamp(round(w/s), -qmax, qmax) * s.
at::Tensor rtn_round(const at::Tensor& w, const at::Tensor& scale, int bits);
// rtn of a whole matrix.
at::Tensor rtn_quantize(const at::Tensor& w, int bits, std::int64_t group, Grid grid = Grid::asymmetric);
// The stored bits of a B-bit grouped matrix of n weights in groups of G: codes, a float16
// scale per group and (asymmetric) a B-bit zero point per group.
std::uint64_t grouped_bits(std::uint64_t n, int bits, std::int64_t group, Grid grid);

// GPTQ of W with the Hessian h (cols x cols, 2 X^T X / n), dampened by damp * mean(diag h).
// Where the Cholesky factorisation fails (a Hessian that is not positive definite: fewer
// calibration inputs than columns, one repeated token, --damp 0) the dampening is raised to
// at least kMinDamp * mean(diag h) (and an absolute 1e-8), then tenfold at a time, at most
// up to the mean diagonal itself; past that pollux::Error. Columns whose diagonal is 0
// (inputs that never occurred) are set to 0, as the paper's code does. Lazy batches of
// `block` columns (section 3, step 2), rounded up to a multiple of the group. act_order:
// columns by decreasing diagonal of h (permuted, quantized, permuted back).
constexpr double kMinDamp = 1e-4;
at::Tensor gptq_quantize(const at::Tensor& w, const at::Tensor& h, int bits, std::int64_t group, double damp = 0.01,
                         std::int64_t block = 128, Grid grid = Grid::asymmetric, bool act_order = false);

// ||(W - Q) X^T||_F / ||W X^T||_F from the Hessian alone: sqrt(tr(D h D^T) / tr(W h W^T)).
double output_error(const at::Tensor& w, const at::Tensor& q, const at::Tensor& h);

// The 2^bits Lloyd-Max centroids of the standard normal, ascending (bits 1..8), computed by
// Lloyd's iteration with the Gaussian's closed-form conditional means, once per bit width.
const std::vector<double>& lloyd_max_gaussian(int bits);

// The orthonormal Walsh-Hadamard transform (Sylvester order, scaled by 1/sqrt(n)) over the
// last dimension, n a power of 2. Symmetric and its own inverse.
at::Tensor walsh_hadamard(const at::Tensor& x);

// 8-bit rows, as a .plx stores X.weight_int8 + X.mu_rows (runtime pack_checkpoint, version 4):
// mu = the row's absmax rounded to float16, q = clamp(round(127 w / mu), -127, 127), weight
// = q * mu / 127.
at::Tensor int8_rows_quantize(const at::Tensor& w);

// The random sign diagonal of polarquant: n values +-1 (float32), a function of (seed, n) alone
// (splitmix64), the same on every machine.
at::Tensor random_signs(std::int64_t n, std::uint64_t seed);
// x * signs then walsh_hadamard, over the last dimension: an orthogonal transform. Its inverse
// is walsh_hadamard then * signs (inverse_signed_hadamard).
at::Tensor signed_hadamard(const at::Tensor& x, const at::Tensor& signs);
at::Tensor inverse_signed_hadamard(const at::Tensor& y, const at::Tensor& signs);

at::Tensor polarquant_quantize(const at::Tensor& w, int bits, std::int64_t block, std::uint64_t seed = 0);

// The leech quantizer. fit_scale false: lattice::project_rows then lattice::reconstruct_rows
// (on the CPU), as pollux_step does (the training sigma). fit_scale true: that projection,
// then per row the least-squares scale alternated with the exact nearest points until the
// row's error stops falling (the float16-stored scale is the least-squares one of the final
// points, to float16's precision). `iterations` (optional) gets the most rounds any row took.
// `sigma` (optional) gets the float16 row scales (rows, float32 holding float16 values).
at::Tensor leech_quantize(const at::Tensor& w, const lattice::Quantizer& quantizer, bool fit_scale = true,
                          int* iterations = nullptr, at::Tensor* sigma = nullptr);

// The upper Cholesky factor U of (H + lambda I)^-1 (H^-1 = U^T U), as GPTQ needs it, with
// gptq_quantize's dampening (damp * mean diag, then the bounded rise) and its error; H is
// float32 on its device, its dead columns (diagonal 0) already set to 1.
at::Tensor inverse_hessian_factor(const at::Tensor& h, double damp);

// leech-ldlq above. `h` as for gptq_quantize (dead columns zeroed in the result); returns the
// dequantized matrix on w's device. `rounds` (optional): the scale/point passes that lowered
// some row's output error.
at::Tensor ldlq_leech_quantize(const at::Tensor& w, const at::Tensor& h, const lattice::Quantizer& quantizer, double damp = 0.01,
                               int* rounds = nullptr);

// A seeded orthogonal transform of vectors of length n (QuIP#'s incoherence processing): a
// random +-1 diagonal, then the Kronecker product of a seeded random orthogonal m x m matrix
// and the Walsh-Hadamard transform of the largest power of 2 dividing n (n = m 2^k; widths
// that are no power of 2 still mix every coordinate with every other).
struct Incoherence {
  at::Tensor signs;  // n, +-1
  at::Tensor mix;    // m x m orthogonal (float64)
  Incoherence(std::int64_t n, std::uint64_t seed);
  at::Tensor apply(const at::Tensor& x) const;  // over the last dimension
  at::Tensor undo(const at::Tensor& y) const;   // its inverse (the transpose)
};

// leech-ldlq with incoherence: W' = L W R^T and H' = R H R^T for transforms L (rows) and R
// (cols) seeded by `seed`, LDLQ of W' under H', and L^T Q' R returned (the output error is
// the same in both bases, the transforms being orthogonal).
at::Tensor ldlq_leech_incoherent(const at::Tensor& w, const at::Tensor& h, const lattice::Quantizer& quantizer,
                                 std::uint64_t seed, double damp = 0.01, int* rounds = nullptr);

// awq above: the rtn of w scaled by s = mean_abs^alpha per column (normalised to a geometric
// mean of 1; channels never seen get 1), the least output error under h among alpha = 0,
// 1/grid, ..., 1. `alpha` (optional) gets the choice.
at::Tensor awq_quantize(const at::Tensor& w, const at::Tensor& h, const at::Tensor& mean_abs, int bits, std::int64_t group,
                        Grid grid = Grid::asymmetric, int grid_points = 20, double* alpha = nullptr);

// SmoothQuant (Xiao et al. 2023, arXiv:2211.10438) migration scales per input channel:
// s_j = max|X_j|^alpha / max|W_j|^(1 - alpha) (W's column j over every matrix reading the
// input), 1 where either is 0. X diag(s)^-1 (diag(s) W^T) is X W^T.
at::Tensor smooth_scales(const at::Tensor& act_absmax, const at::Tensor& weight_absmax, double alpha = 0.5);

// APQ's width choice (Hessian-based sensitivity, dynamic programming under a memory budget):
// for matrices i with a cost cost[i][k] (bits) and a sensitivity error[i][k] per width k,
// the widths minimising the summed sensitivity with summed cost <= budget, found exactly by
// dynamic programming over the matrices (the Pareto frontier of cost and sensitivity). Throws
// pollux::Error when even the cheapest widths exceed the budget.
std::vector<int> choose_widths(const std::vector<std::vector<std::uint64_t>>& cost, const std::vector<std::vector<double>>& error,
                               std::uint64_t budget);

}  // namespace pollux::ptq
