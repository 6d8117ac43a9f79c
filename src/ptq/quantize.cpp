#include "pollux/ptq/quantize.h"

#include <ATen/CPUGeneratorImpl.h>
#include <ATen/Parallel.h>
#include <ATen/ops/linalg_cholesky_ex.h>
#include <c10/util/Half.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cmath>
#include <cstdio>
#include <mutex>
#include <string>
#include <utility>

#include "pollux/base/error.h"
#include "pollux/lattice/constants.h"
#include "pollux/lattice/row_projection.h"

namespace pollux::ptq {
namespace {

void check_matrix(const at::Tensor& w, std::int64_t group, const char* what) {
  if (w.dim() != 2) throw Error("ptq", std::string(what) + ": expected a matrix");
  if (group <= 0 || w.size(1) % group != 0)
    throw Error("ptq", std::string(what) + ": group of " + std::to_string(group) + " does not divide rows of " +
                           std::to_string(w.size(1)));
}

// W (float32, cloned) and H (float32 on W's device) for GPTQ-style error feedback, checked:
// inputs that never occurred (diagonal 0) cannot matter and would make H singular, so their
// columns are set to 0 in W and their diagonal to 1 in H.
std::pair<at::Tensor, at::Tensor> checked_hessian(const at::Tensor& w, const at::Tensor& h, double damp) {
  const std::int64_t cols = w.size(1);
  if (h.dim() != 2 || h.size(0) != cols || h.size(1) != cols) throw Error("gptq", "the Hessian is not cols x cols");
  if (!(damp >= 0) || !std::isfinite(damp))
    throw Error("gptq", "dampening " + std::to_string(damp) + " is not a finite non-negative number");
  at::Tensor W = w.to(at::kFloat).clone();
  at::Tensor H = h.to(W.device(), at::kFloat).clone();
  if (!H.isfinite().all().item<bool>()) throw Error("gptq", "the Hessian holds a NaN or an infinity (non-finite inputs?)");
  const at::Tensor dead = H.diagonal() == 0;
  H.diagonal().masked_fill_(dead, 1.0);
  W.masked_fill_(dead.unsqueeze(0), 0.0);
  return {W, H};
}

}  // namespace

Grid parse_grid(const std::string& name) {
  if (name == "asymmetric") return Grid::asymmetric;
  if (name == "symmetric") return Grid::symmetric;
  throw Error("ptq", "--grid '" + name + "': expected asymmetric or symmetric");
}

const char* grid_name(Grid grid) { return grid == Grid::asymmetric ? "asymmetric" : "symmetric"; }

int rtn_qmax(int bits) {
  if (bits < 2 || bits > 16) throw Error("ptq", "rtn: bits " + std::to_string(bits) + " outside 2..16");
  return (1 << (bits - 1)) - 1;
}

GroupGrid rtn_grid(const at::Tensor& w, int bits, std::int64_t group, Grid grid) {
  check_matrix(w, group, "rtn");
  const at::Tensor g = w.to(at::kFloat).reshape({w.size(0), w.size(1) / group, group});
  GroupGrid out;
  if (grid == Grid::symmetric) {
    out.scale = (g.abs().amax({-1}) / double(rtn_qmax(bits))).to(at::kHalf).to(at::kFloat);  // stored as float16
    out.zero = at::zeros_like(out.scale);
  } else {
    // GPTQ's quantizer (quant.py, sym=False): the range always holds 0, a group of zeros
    // gets [-1, 1] (any grid reproduces it exactly), zero = round(-lo / scale) in 0..2^B-1.
    rtn_qmax(bits);  // the range check
    const double maxq = double((1 << bits) - 1);
    at::Tensor lo = g.amin({-1}).clamp_max(0.0), hi = g.amax({-1}).clamp_min(0.0);
    const at::Tensor empty = (lo == 0) & (hi == 0);
    lo = at::where(empty, at::full_like(lo, -1.0), lo);
    hi = at::where(empty, at::full_like(hi, 1.0), hi);
    out.scale = ((hi - lo) / maxq).to(at::kHalf).to(at::kFloat);
    const at::Tensor safe = at::where(out.scale > 0, out.scale, at::ones_like(out.scale));
    out.zero = (-lo / safe).round().clamp(0.0, maxq);
  }
  if (!out.scale.isfinite().all().item<bool>())
    throw Error("ptq", "rtn: a group's scale overflows float16 (|w| above 65504 x the levels)");
  return out;
}

at::Tensor rtn_scales(const at::Tensor& w, int bits, std::int64_t group) {
  return rtn_grid(w, bits, group, Grid::symmetric).scale;
}

at::Tensor grid_round(const at::Tensor& w, const at::Tensor& scale, const at::Tensor& zero, int bits, Grid grid) {
  const double qmax = rtn_qmax(bits);
  const double lo = grid == Grid::symmetric ? -qmax : 0.0, hi = grid == Grid::symmetric ? qmax : double((1 << bits) - 1);
  const at::Tensor safe = at::where(scale > 0, scale, at::ones_like(scale));
  return ((w / safe).round() + zero).clamp(lo, hi).sub(zero) * scale;
}

at::Tensor rtn_round(const at::Tensor& w, const at::Tensor& scale, int bits) {
  return grid_round(w, scale, at::zeros_like(scale), bits, Grid::symmetric);
}

at::Tensor rtn_quantize(const at::Tensor& w, int bits, std::int64_t group, Grid grid) {
  const GroupGrid p = rtn_grid(w, bits, group, grid);
  const at::Tensor g = w.to(at::kFloat).reshape({w.size(0), w.size(1) / group, group});
  return grid_round(g, p.scale.unsqueeze(-1), p.zero.unsqueeze(-1), bits, grid).reshape(w.sizes());
}

std::uint64_t grouped_bits(std::uint64_t n, int bits, std::int64_t group, Grid grid) {
  const std::uint64_t groups = n / std::uint64_t(group);
  return n * std::uint64_t(bits) + groups * (16 + (grid == Grid::asymmetric ? std::uint64_t(bits) : 0));
}

at::Tensor inverse_hessian_factor(const at::Tensor& H, double damp) {
  // U: the upper Cholesky factor of H^-1 (section 3, step 3: the rows of H^-1 that the
  // sequential updates need, computed once and stably). Dampening: lambda = damp * mean diag;
  // where that fails, from a positive floor tenfold at a time, a bounded number of times.
  const double mean_diag = H.diagonal().mean().item<double>();
  const double floor = std::max(kMinDamp * mean_diag, 1e-8), ceiling = std::max(mean_diag, floor);
  for (double lambda = damp * mean_diag;;) {
    at::Tensor Hd = H.clone();
    Hd.diagonal().add_(lambda);
    auto [L, info] = at::linalg_cholesky_ex(Hd);
    if (info.item<int>() == 0) {
      auto [U_, info_u] = at::linalg_cholesky_ex(at::cholesky_inverse(L), /*upper=*/true);
      if (info_u.item<int>() == 0 && U_.isfinite().all().item<bool>()) return U_;
    }
    if (lambda >= ceiling) {
      char buf[200];
      std::snprintf(buf, sizeof buf,
                    "the Hessian is not positive definite even dampened by %.3g (its mean diagonal): too few or too "
                    "repetitive calibration inputs?",
                    lambda);
      throw Error("gptq", buf);
    }
    lambda = std::min(ceiling, std::max(floor, 10 * lambda));
  }
}

at::Tensor gptq_quantize(const at::Tensor& w_in, const at::Tensor& h_in, int bits, std::int64_t group, double damp,
                         std::int64_t block, Grid grid, bool act_order) {
  check_matrix(w_in, group, "gptq");
  const std::int64_t cols = w_in.size(1);
  auto [W, H] = checked_hessian(w_in.to(at::kFloat), h_in, damp);
  at::Tensor perm, inverse;
  if (act_order) {  // gptq.py: perm = argsort(diag(H), descending=True)
    perm = at::argsort(H.diagonal(), /*stable=*/true, /*dim=*/0, /*descending=*/true);
    inverse = at::argsort(perm);
    W = W.index_select(1, perm);
    H = H.index_select(0, perm).index_select(1, perm);
  }
  const at::Tensor U = inverse_hessian_factor(H, damp);
  const std::int64_t step = std::max<std::int64_t>(group, block / group * group);  // a group never straddles batches
  at::Tensor Q = at::zeros_like(W);
  GroupGrid params;
  for (std::int64_t i1 = 0; i1 < cols; i1 += step) {
    const std::int64_t i2 = std::min(cols, i1 + step), count = i2 - i1;
    at::Tensor W1 = W.slice(1, i1, i2).clone();
    at::Tensor Err1 = at::zeros_like(W1);
    const at::Tensor U1 = U.slice(0, i1, i2).slice(1, i1, i2);
    for (std::int64_t i = 0; i < count; ++i) {
      // A group's grid from its weights as they stand when its first column comes up,
      // i.e. after the error compensation of the columns before it (with act_order: the
      // group of consecutive columns in the permuted order, as gptq.py does).
      if ((i1 + i) % group == 0) params = rtn_grid(W1.slice(1, i, i + group), bits, group, grid);  // rows x 1
      const at::Tensor w = W1.select(1, i);
      const at::Tensor q = grid_round(w, params.scale.select(1, 0), params.zero.select(1, 0), bits, grid);
      Q.select(1, i1 + i).copy_(q);
      const at::Tensor err = (w - q) / U1[i][i];
      // Spread the error over the batch's remaining columns (Algorithm 1, inner loop).
      W1.slice(1, i).sub_(at::outer(err, U1[i].slice(0, i)));
      Err1.select(1, i).copy_(err);
    }
    // The lazy batch update of every later column at once.
    if (i2 < cols) W.slice(1, i2).sub_(at::matmul(Err1, U.slice(0, i1, i2).slice(1, i2)));
  }
  return act_order ? Q.index_select(1, inverse) : Q;
}

double output_error(const at::Tensor& w, const at::Tensor& q, const at::Tensor& h) {
  const at::Tensor W = w.to(at::kDouble), D = W - q.to(at::kDouble), H = h.to(W.device(), at::kDouble);
  const double num = (at::matmul(D, H) * D).sum().item<double>(), den = (at::matmul(W, H) * W).sum().item<double>();
  return den > 0 ? std::sqrt(std::max(0.0, num) / den) : 0.0;
}

const std::vector<double>& lloyd_max_gaussian(int bits) {
  if (bits < 1 || bits > 8) throw Error("ptq", "Lloyd-Max centroids for 1 to 8 bits only");
  static std::array<std::vector<double>, 9> tables;
  static std::mutex mutex;
  std::lock_guard<std::mutex> lock(mutex);
  std::vector<double>& c = tables[std::size_t(bits)];
  if (!c.empty()) return c;
  const int levels = 1 << bits;
  const double inv_sqrt2 = 1.0 / std::sqrt(2.0), inv_sqrt2pi = 1.0 / std::sqrt(2.0 * M_PI);
  auto pdf = [&](double t) { return std::isinf(t) ? 0.0 : inv_sqrt2pi * std::exp(-0.5 * t * t); };
  auto cdf = [&](double t) { return 0.5 * std::erfc(-t * inv_sqrt2); };
  c.resize(std::size_t(levels));
  for (int i = 0; i < levels; ++i) c[std::size_t(i)] = -3.0 + 6.0 * (i + 0.5) / levels;
  // Lloyd (1982) / Max (1960): thresholds at the midpoints, each centroid the mean of the
  // Gaussian on its cell, E[X | a < X < b] = (pdf(a) - pdf(b)) / (cdf(b) - cdf(a)).
  std::vector<double> t(std::size_t(levels) + 1);
  for (int iter = 0; iter < 100000; ++iter) {
    t.front() = -INFINITY;
    t.back() = INFINITY;
    for (int i = 1; i < levels; ++i) t[std::size_t(i)] = 0.5 * (c[std::size_t(i - 1)] + c[std::size_t(i)]);
    double moved = 0;
    for (int i = 0; i < levels; ++i) {
      const double a = t[std::size_t(i)], b = t[std::size_t(i) + 1];
      const double next = (pdf(a) - pdf(b)) / (cdf(b) - cdf(a));
      moved = std::max(moved, std::abs(next - c[std::size_t(i)]));
      c[std::size_t(i)] = next;
    }
    if (moved < 1e-14) break;
  }
  for (int i = 0; i < levels / 2; ++i) {  // exactly symmetric
    const double m = 0.5 * (c[std::size_t(levels - 1 - i)] - c[std::size_t(i)]);
    c[std::size_t(i)] = -m;
    c[std::size_t(levels - 1 - i)] = m;
  }
  return c;
}

at::Tensor walsh_hadamard(const at::Tensor& x) {
  const std::int64_t n = x.size(-1);
  if (n <= 0 || (n & (n - 1)) != 0) throw Error("ptq", "Walsh-Hadamard length " + std::to_string(n) + " is not a power of 2");
  at::Tensor y = x.reshape({-1, n});
  const std::int64_t m = y.size(0);
  // Butterflies of stride h: H_2h = [[H_h, H_h], [H_h, -H_h]].
  for (std::int64_t h = 1; h < n; h *= 2) {
    const at::Tensor v = y.reshape({m, n / (2 * h), 2, h});
    const at::Tensor a = v.select(2, 0), b = v.select(2, 1);
    y = at::stack({a + b, a - b}, 2).reshape({m, n});
  }
  return (y / std::sqrt(double(n))).reshape(x.sizes());
}

at::Tensor int8_rows_quantize(const at::Tensor& w_in) {
  const at::Tensor w = w_in.to(at::kFloat).reshape({w_in.size(0), -1});
  const at::Tensor mu = w.abs().amax({1}, /*keepdim=*/true).to(at::kHalf).to(at::kFloat);
  if (!mu.isfinite().all().item<bool>()) throw Error("ptq", "int8 rows: a row's absmax overflows float16");
  const at::Tensor safe = mu.clamp_min(1e-30);
  const at::Tensor q = (w * 127.0 / safe).round().clamp(-127, 127);
  return (q * mu / 127.0).reshape(w_in.sizes());
}

at::Tensor random_signs(std::int64_t n, std::uint64_t seed) {
  at::Tensor out = at::empty({n}, at::kFloat);
  float* p = out.data_ptr<float>();
  std::uint64_t state = seed ^ (0x9E3779B97F4A7C15ull * std::uint64_t(n));
  for (std::int64_t i = 0; i < n; ++i) {  // splitmix64, one output per sign
    std::uint64_t z = (state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    z ^= z >> 31;
    p[i] = (z >> 63) ? -1.0f : 1.0f;
  }
  return out;
}

at::Tensor signed_hadamard(const at::Tensor& x, const at::Tensor& signs) {
  return walsh_hadamard(x * signs.to(x.device(), x.scalar_type()));
}

at::Tensor inverse_signed_hadamard(const at::Tensor& y, const at::Tensor& signs) {
  return walsh_hadamard(y) * signs.to(y.device(), y.scalar_type());
}

at::Tensor polarquant_quantize(const at::Tensor& w, int bits, std::int64_t block, std::uint64_t seed) {
  check_matrix(w, block, "polarquant");
  if ((block & (block - 1)) != 0) throw Error("ptq", "polarquant: block " + std::to_string(block) + " is not a power of 2");
  const at::Tensor x = w.to(at::kFloat).reshape({-1, block});
  const at::Tensor norm = x.norm(2, {1}, /*keepdim=*/true);
  const at::Tensor stored = norm.to(at::kHalf).to(at::kFloat);  // the norm as stored, float16
  const at::Tensor unit = x / at::where(norm > 0, norm, at::ones_like(norm));
  // On the unit sphere of R^n each rotated coordinate is close to N(0, 1/n): the Lloyd-Max
  // centroids of the standard normal scaled by 1/sqrt(n); nearest centroid = between midpoints.
  const std::vector<double>& c = lloyd_max_gaussian(bits);
  const double sd = 1.0 / std::sqrt(double(block));
  std::vector<float> centroids(c.size()), mids(c.size() - 1);
  for (std::size_t i = 0; i < c.size(); ++i) centroids[i] = float(c[i] * sd);
  for (std::size_t i = 0; i + 1 < c.size(); ++i) mids[i] = float(0.5 * (c[i] + c[i + 1]) * sd);
  const auto opts = x.options();
  const at::Tensor centroid_t = at::tensor(centroids, at::kFloat).to(opts.device());
  const at::Tensor mid_t = at::tensor(mids, at::kFloat).to(opts.device());
  // The random signs spread any structure of the block (a spike, a constant) over every
  // coordinate before the rotation, so each rotated coordinate is close to the Gaussian.
  const at::Tensor signs = random_signs(block, seed);
  const at::Tensor y = signed_hadamard(unit, signs);
  const at::Tensor code = at::bucketize(y, mid_t);  // index of the nearest centroid (the stored B bits)
  const at::Tensor yq = centroid_t.index({code});
  return (inverse_signed_hadamard(yq, signs) * stored).reshape(w.sizes());
}

at::Tensor leech_quantize(const at::Tensor& w, const lattice::Quantizer& quantizer, bool fit_scale, int* iterations,
                          at::Tensor* sigma_out) {
  const at::Tensor cpu = w.detach().to(at::kCPU, at::kFloat).contiguous();
  const std::int64_t rows = cpu.size(0), cols = cpu.numel() / rows;
  at::Tensor indices = at::empty({rows, cols / lattice::kAtomDim}, at::kInt), sigma = at::empty({rows}, at::kFloat);
  auto* idx = reinterpret_cast<std::uint32_t*>(indices.data_ptr<std::int32_t>());
  float* sig = sigma.data_ptr<float>();
  const float* W = cpu.data_ptr<float>();
  lattice::project_rows(quantizer, W, std::size_t(rows), std::size_t(cols), idx, sig, 0);
  std::atomic<int> most{0};
  if (fit_scale) {
    const lattice::Codebook& codebook = quantizer.codebook();
    const std::int64_t atoms = cols / lattice::kAtomDim;
    const double C = lattice::kC;
    const float s_lattice = float(lattice::kLatticeScale);
    at::parallel_for(0, rows, 1, [&](std::int64_t r0, std::int64_t r1) {
      std::vector<float> scaled(static_cast<std::size_t>(cols));
      std::vector<std::uint32_t> trial(static_cast<std::size_t>(atoms));
      for (std::int64_t r = r0; r < r1; ++r) {
        const float* wr = W + r * cols;
        std::uint32_t* ir = idx + r * atoms;
        // The row's weight for scale sigma: codebook[idx] * sigma * s_lattice, as reconstruct_rows.
        auto error = [&](const std::uint32_t* points, float s) {
          double e = 0;
          for (std::int64_t a = 0; a < atoms; ++a) {
            const float* v = codebook.row(points[a]);
            for (int k = 0; k < lattice::kAtomDim; ++k) {
              const double d = double(wr[a * lattice::kAtomDim + k]) - double((v[k] * s) * s_lattice);
              e += d * d;
            }
          }
          return e;
        };
        // The least-squares sigma of fixed points, rounded to float16 as stored; 0: none (all
        // points at the origin), the row keeps its sigma.
        auto least_squares = [&](const std::uint32_t* points, float current) {
          double wq = 0, qq = 0;
          for (std::int64_t a = 0; a < atoms; ++a) {
            const float* v = codebook.row(points[a]);
            for (int k = 0; k < lattice::kAtomDim; ++k) {
              wq += double(wr[a * lattice::kAtomDim + k]) * double(v[k]);
              qq += double(v[k]) * double(v[k]);
            }
          }
          if (!(qq > 0) || !(wq > 0)) return current;
          const float s = c10::Half(float(wq / qq * C));  // sigma = scale * C (s_lattice = 1/C)
          return s > 0 && std::isfinite(s) ? s : current;
        };
        float s = sig[r];
        int rounds = 0;
        for (; rounds < 100; ++rounds) {
          s = least_squares(ir, s);
          const double current = error(ir, s);
          for (std::int64_t j = 0; j < cols; ++j) scaled[std::size_t(j)] = float(double(wr[j]) / double(s) * C);
          quantizer.nearest(scaled.data(), std::size_t(atoms), trial.data(), 1);
          if (!(error(trial.data(), s) < current * (1 - 1e-12))) break;  // stopped falling: keep the points s fits
          std::copy(trial.begin(), trial.end(), ir);
        }
        sig[r] = least_squares(ir, s);
        int seen = most.load();
        while (rounds > seen && !most.compare_exchange_weak(seen, rounds)) {}
      }
    });
  }
  if (iterations) *iterations = most.load();
  if (sigma_out) *sigma_out = sigma;
  at::Tensor out = at::empty({rows, cols}, at::kFloat);
  lattice::reconstruct_rows(quantizer.codebook(), idx, sig, std::size_t(rows), std::size_t(cols), out.data_ptr<float>());
  return out.view(w.sizes()).to(w.device());
}

namespace {

// One LDLQ pass of W (rows x cols, float32 CPU) at row scales sigma: per block of 24 columns
// the exact nearest Leech point of each row's block (in sigma / C units, as reconstruct_rows
// weighs the codebook), the block's error fed forward through U, lazily per batch of
// kLdlqBatch atoms as GPTQ batches its columns. Writes the indices (rows x cols / 24).
constexpr std::int64_t kLdlqBatch = 5;
void ldlq_pass(const at::Tensor& W_in, const at::Tensor& U, const at::Tensor& sigma, const lattice::Quantizer& quantizer,
               std::uint32_t* idx) {
  const std::int64_t rows = W_in.size(0), cols = W_in.size(1), atoms = cols / lattice::kAtomDim, A = lattice::kAtomDim;
  const lattice::Codebook& codebook = quantizer.codebook();
  at::Tensor W = W_in.clone();
  const at::Tensor unit = (sigma * float(lattice::kLatticeScale)).unsqueeze(1);  // weight per codebook unit
  std::vector<std::uint32_t> chosen(static_cast<std::size_t>(rows));
  for (std::int64_t b1 = 0; b1 < atoms; b1 += kLdlqBatch) {
    const std::int64_t b2 = std::min(atoms, b1 + kLdlqBatch), i1 = b1 * A, i2 = b2 * A;
    at::Tensor W1 = W.slice(1, i1, i2).clone();
    at::Tensor Err1 = at::zeros_like(W1);
    for (std::int64_t a = b1; a < b2; ++a) {
      const std::int64_t c = (a - b1) * A;
      const at::Tensor block = W1.slice(1, c, c + A);
      const at::Tensor scaled = (block / unit).contiguous();
      quantizer.nearest(scaled.data_ptr<float>(), std::size_t(rows), chosen.data(), 0);
      at::Tensor q = at::empty({rows, A}, at::kFloat);
      float* qp = q.data_ptr<float>();
      for (std::int64_t r = 0; r < rows; ++r) {
        idx[r * atoms + a] = chosen[std::size_t(r)];
        std::copy_n(codebook.row(chosen[std::size_t(r)]), A, qp + r * A);
      }
      q.mul_(unit);
      // The block form of GPTQ's update: the error in the basis where H^-1's factor is the identity.
      const at::Tensor U_bb = U.slice(0, i1 + c, i1 + c + A).slice(1, i1 + c, i1 + c + A);
      const at::Tensor err = at::linalg_solve_triangular(U_bb, block - q, /*upper=*/true, /*left=*/false);
      Err1.slice(1, c, c + A).copy_(err);
      if (c + A < i2 - i1) W1.slice(1, c + A).sub_(at::matmul(err, U.slice(0, i1 + c, i1 + c + A).slice(1, i1 + c + A, i2)));
    }
    if (i2 < cols) W.slice(1, i2).sub_(at::matmul(Err1, U.slice(0, i1, i2).slice(1, i2)));
  }
}

// Each row's output error (W - Q) H (W - Q)^T, float64.
at::Tensor row_output_errors(const at::Tensor& W, const at::Tensor& Q, const at::Tensor& H) {
  const at::Tensor D = (W - Q).to(at::kDouble);
  return (at::matmul(D, H) * D).sum(1);
}

}  // namespace

at::Tensor ldlq_leech_quantize(const at::Tensor& w, const at::Tensor& h, const lattice::Quantizer& quantizer, double damp,
                               int* rounds) {
  if (w.dim() != 2 || w.size(1) % lattice::kAtomDim != 0)
    throw Error("ptq", "leech-ldlq: expected a matrix whose rows are a multiple of 24 wide");
  auto [W, H] = checked_hessian(w.detach().to(at::kCPU, at::kFloat), h.to(at::kCPU), damp);
  const at::Tensor U = inverse_hessian_factor(H, damp);
  const at::Tensor H64 = h.to(at::kCPU, at::kDouble);
  const std::int64_t rows = W.size(0), cols = W.size(1), atoms = cols / lattice::kAtomDim;
  const std::size_t n_idx = std::size_t(rows * atoms);
  std::vector<std::uint32_t> best(n_idx), trial(n_idx);
  auto reconstruct = [&](const std::vector<std::uint32_t>& idx, const at::Tensor& sigma) {
    at::Tensor out = at::empty({rows, cols}, at::kFloat);
    const at::Tensor s = sigma.contiguous();
    lattice::reconstruct_rows(quantizer.codebook(), idx.data(), s.data_ptr<float>(), std::size_t(rows), std::size_t(cols),
                              out.data_ptr<float>());
    return out;
  };
  // Round 0: leech's least-squares row scales, then the scale that fits the points chosen in
  // H's metric, s = <w, p>_H / <p, p>_H (float16, as stored), alternated while rows gain.
  at::Tensor sigma;
  leech_quantize(W, quantizer, /*fit_scale=*/true, nullptr, &sigma);
  ldlq_pass(W, U, sigma, quantizer, best.data());
  at::Tensor Q = reconstruct(best, sigma);
  at::Tensor error = row_output_errors(W, Q, H64);
  int gained = 0;
  for (int round = 0; round < 8; ++round) {
    const at::Tensor P = (Q / sigma.unsqueeze(1)).to(at::kDouble);  // the points per unit of sigma
    const at::Tensor PH = at::matmul(P, H64);
    const at::Tensor num = (PH * W.to(at::kDouble)).sum(1), den = (PH * P).sum(1);
    at::Tensor fitted = (num / den).to(at::kHalf).to(at::kFloat);
    fitted = at::where((den > 0) & (fitted > 0) & fitted.isfinite(), fitted, sigma);
    ldlq_pass(W, U, fitted, quantizer, trial.data());
    const at::Tensor Qt = reconstruct(trial, fitted);
    const at::Tensor et = row_output_errors(W, Qt, H64);
    const at::Tensor better = et < error * (1 - 1e-9);
    if (!better.any().item<bool>()) break;
    ++gained;
    const bool* keep = better.data_ptr<bool>();
    for (std::int64_t r = 0; r < rows; ++r)
      if (keep[r]) std::copy_n(trial.begin() + r * atoms, atoms, best.begin() + r * atoms);
    sigma = at::where(better, fitted, sigma);
    error = at::where(better, et, error);
    Q = at::where(better.unsqueeze(1), Qt, Q);
  }
  if (rounds) *rounds = gained;
  return Q.to(w.device());
}

Incoherence::Incoherence(std::int64_t n, std::uint64_t seed) {
  const std::int64_t pow2 = n & -n, m = n / pow2;
  signs = random_signs(n, seed);
  at::Generator gen = at::make_generator<at::CPUGeneratorImpl>(seed ^ 0xA5A5A5A5u);
  const at::Tensor g = at::normal(0.0, 1.0, {m, m}, gen, at::kDouble);
  mix = std::get<0>(at::linalg_qr(g));
}

at::Tensor Incoherence::apply(const at::Tensor& x) const {
  const std::int64_t n = x.size(-1), m = mix.size(0);
  at::Tensor y = (x * signs.to(x.device(), x.scalar_type())).reshape({-1, m, n / m});
  y = at::matmul(mix.to(x.device(), x.scalar_type()), walsh_hadamard(y));
  return y.reshape(x.sizes());
}

at::Tensor Incoherence::undo(const at::Tensor& y) const {
  const std::int64_t n = y.size(-1), m = mix.size(0);
  at::Tensor x = at::matmul(mix.t().to(y.device(), y.scalar_type()), y.reshape({-1, m, n / m}));
  return walsh_hadamard(x).reshape(y.sizes()) * signs.to(y.device(), y.scalar_type());
}

at::Tensor ldlq_leech_incoherent(const at::Tensor& w, const at::Tensor& h, const lattice::Quantizer& quantizer,
                                 std::uint64_t seed, double damp, int* rounds) {
  // QuIP#'s incoherence processing: W' = L W R^T, H' = R H R^T, in float64, undone on Q'.
  const Incoherence L(w.size(0), seed ^ 0x5EEDull), R(w.size(1), seed);
  auto both = [](const Incoherence& left, const Incoherence& right, const at::Tensor& x) {
    return left.apply(right.apply(x).t()).t();
  };
  const at::Tensor W = both(L, R, w.detach().to(at::kCPU, at::kDouble)), H = both(R, R, h.to(at::kCPU, at::kDouble));
  const at::Tensor Q = ldlq_leech_quantize(W.to(at::kFloat), ((H + H.t()) * 0.5).to(at::kFloat), quantizer, damp, rounds);
  const at::Tensor back = L.undo(R.undo(Q.to(at::kDouble)).t()).t();
  return back.to(w.device(), at::kFloat);
}

at::Tensor awq_quantize(const at::Tensor& w, const at::Tensor& h, const at::Tensor& mean_abs, int bits, std::int64_t group,
                        Grid grid, int grid_points, double* alpha) {
  const at::Tensor W = w.to(at::kFloat), x = mean_abs.to(W.device(), at::kFloat), seen = x > 0;
  at::Tensor best;
  double best_error = INFINITY;
  for (int i = 0; i <= grid_points; ++i) {
    const double a = double(i) / grid_points;
    // s = mean|x|^alpha, normalised (AWQ divides by sqrt(max min)); channels never seen: 1.
    at::Tensor s = at::where(seen, x.clamp_min(1e-30).pow(a), at::ones_like(x));
    s = s / s.log().mean().exp();
    const at::Tensor q = rtn_quantize(W * s, bits, group, grid) / s;
    const double e = output_error(W, q, h);
    if (e < best_error) {  // ties keep the smaller alpha: alpha = 0 is rtn
      best_error = e;
      best = q;
      if (alpha) *alpha = a;
    }
  }
  return best;
}

at::Tensor smooth_scales(const at::Tensor& act_absmax, const at::Tensor& weight_absmax, double alpha) {
  const at::Tensor a = act_absmax.to(at::kDouble), w = weight_absmax.to(act_absmax.device(), at::kDouble);
  const at::Tensor s = a.pow(alpha) / w.pow(1 - alpha);
  return at::where((a > 0) & (w > 0) & s.isfinite(), s, at::ones_like(s)).to(at::kFloat);
}

std::vector<int> choose_widths(const std::vector<std::vector<std::uint64_t>>& cost, const std::vector<std::vector<double>>& error,
                               std::uint64_t budget) {
  // The frontier after i matrices: (bits, summed sensitivity) pairs none of which is beaten in
  // both by another, each with the state it extends and the width it chose.
  struct State {
    std::uint64_t bits;
    double error;
    std::size_t from;
    int width;
  };
  std::vector<std::vector<State>> frontier(cost.size() + 1);
  frontier[0].push_back({0, 0.0, 0, -1});
  for (std::size_t i = 0; i < cost.size(); ++i) {
    std::vector<State> next;
    for (std::size_t s = 0; s < frontier[i].size(); ++s)
      for (std::size_t k = 0; k < cost[i].size(); ++k) {
        const State& from = frontier[i][s];
        if (from.bits + cost[i][k] <= budget) next.push_back({from.bits + cost[i][k], from.error + error[i][k], s, int(k)});
      }
    if (next.empty()) throw Error("ptq", "apq: the budget is below every matrix at its smallest width");
    std::sort(next.begin(), next.end(),
              [](const State& a, const State& b) { return a.bits != b.bits ? a.bits < b.bits : a.error < b.error; });
    for (const State& s : next)
      if (frontier[i + 1].empty() || s.error < frontier[i + 1].back().error) frontier[i + 1].push_back(s);
  }
  std::vector<int> widths(cost.size());
  std::size_t s = frontier.back().size() - 1;  // the least summed sensitivity within the budget
  for (std::size_t i = cost.size(); i > 0; --i) {
    widths[i - 1] = frontier[i][s].width;
    s = frontier[i][s].from;
  }
  return widths;
}

}  // namespace pollux::ptq
