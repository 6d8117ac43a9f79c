#include "pollux/ptq/quantize.h"

#include <ATen/ops/linalg_cholesky_ex.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <mutex>
#include <string>

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

}  // namespace

int rtn_qmax(int bits) {
  if (bits < 2 || bits > 16) throw Error("ptq", "rtn: bits " + std::to_string(bits) + " outside 2..16");
  return (1 << (bits - 1)) - 1;
}

at::Tensor rtn_scales(const at::Tensor& w, int bits, std::int64_t group) {
  check_matrix(w, group, "rtn");
  const at::Tensor absmax = w.to(at::kFloat).reshape({w.size(0), w.size(1) / group, group}).abs().amax({-1});
  const at::Tensor scale = (absmax / double(rtn_qmax(bits))).to(at::kHalf).to(at::kFloat);  // stored as float16
  if (!scale.isfinite().all().item<bool>()) throw Error("ptq", "rtn: a group's scale overflows float16 (|w| above 65504 x qmax)");
  return scale;
}

at::Tensor rtn_round(const at::Tensor& w, const at::Tensor& scale, int bits) {
  const double qmax = rtn_qmax(bits);
  const at::Tensor safe = at::where(scale > 0, scale, at::ones_like(scale));
  return (w / safe).round().clamp(-qmax, qmax) * scale;
}

at::Tensor rtn_quantize(const at::Tensor& w, int bits, std::int64_t group) {
  const at::Tensor scale = rtn_scales(w, bits, group).unsqueeze(-1);
  const at::Tensor g = w.to(at::kFloat).reshape({w.size(0), w.size(1) / group, group});
  return rtn_round(g, scale, bits).reshape(w.sizes());
}

at::Tensor gptq_quantize(const at::Tensor& w_in, const at::Tensor& h_in, int bits, std::int64_t group, double damp,
                         std::int64_t block) {
  check_matrix(w_in, group, "gptq");
  const std::int64_t cols = w_in.size(1);
  if (h_in.dim() != 2 || h_in.size(0) != cols || h_in.size(1) != cols) throw Error("gptq", "the Hessian is not cols x cols");
  at::Tensor W = w_in.to(at::kFloat).clone();
  at::Tensor H = h_in.to(W.device(), at::kFloat).clone();
  // Inputs that never occurred: their columns cannot matter, and would make H singular.
  const at::Tensor dead = H.diagonal() == 0;
  H.diagonal().masked_fill_(dead, 1.0);
  W.masked_fill_(dead.unsqueeze(0), 0.0);
  // U: the upper Cholesky factor of H^-1 (section 3, step 3: the rows of H^-1 that the
  // sequential updates need, computed once and stably). Dampening: lambda = damp * mean diag.
  const double mean_diag = H.diagonal().mean().item<double>();
  at::Tensor U;
  for (double lambda = damp * mean_diag;; lambda *= 10) {
    at::Tensor Hd = H.clone();
    Hd.diagonal().add_(lambda);
    auto [L, info] = at::linalg_cholesky_ex(Hd);
    if (info.item<int>() == 0) {
      auto [U_, info_u] = at::linalg_cholesky_ex(at::cholesky_inverse(L), /*upper=*/true);
      if (info_u.item<int>() == 0) {
        U = U_;
        break;
      }
    }
    if (lambda > 1e6 * (mean_diag + 1e-30)) throw Error("gptq", "the Hessian is not positive definite even when dampened");
  }
  const std::int64_t step = std::max<std::int64_t>(group, block / group * group);  // a group never straddles batches
  at::Tensor Q = at::zeros_like(W);
  at::Tensor scale;
  for (std::int64_t i1 = 0; i1 < cols; i1 += step) {
    const std::int64_t i2 = std::min(cols, i1 + step), count = i2 - i1;
    at::Tensor W1 = W.slice(1, i1, i2).clone();
    at::Tensor Err1 = at::zeros_like(W1);
    const at::Tensor U1 = U.slice(0, i1, i2).slice(1, i1, i2);
    for (std::int64_t i = 0; i < count; ++i) {
      // A group's scale from its weights as they stand when its first column comes up,
      // i.e. after the error compensation of the columns before it.
      if ((i1 + i) % group == 0) scale = rtn_scales(W1.slice(1, i, i + group), bits, group);  // rows x 1
      const at::Tensor w = W1.select(1, i);
      const at::Tensor q = rtn_round(w, scale.select(1, 0), bits);
      Q.select(1, i1 + i).copy_(q);
      const at::Tensor err = (w - q) / U1[i][i];
      // Spread the error over the batch's remaining columns (Algorithm 1, inner loop).
      W1.slice(1, i).sub_(at::outer(err, U1[i].slice(0, i)));
      Err1.select(1, i).copy_(err);
    }
    // The lazy batch update of every later column at once.
    if (i2 < cols) W.slice(1, i2).sub_(at::matmul(Err1, U.slice(0, i1, i2).slice(1, i2)));
  }
  return Q;
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

at::Tensor polarquant_quantize(const at::Tensor& w, int bits, std::int64_t block) {
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
  const at::Tensor y = walsh_hadamard(unit);
  const at::Tensor code = at::bucketize(y, mid_t);  // index of the nearest centroid (the stored B bits)
  const at::Tensor yq = centroid_t.index({code});
  return (walsh_hadamard(yq) * stored).reshape(w.sizes());
}

at::Tensor leech_quantize(const at::Tensor& w, const lattice::Quantizer& quantizer) {
  const at::Tensor cpu = w.detach().to(at::kCPU, at::kFloat).contiguous();
  const std::int64_t rows = cpu.size(0), cols = cpu.numel() / rows;
  at::Tensor indices = at::empty({rows, cols / lattice::kAtomDim}, at::kInt), sigma = at::empty({rows}, at::kFloat);
  auto* idx = reinterpret_cast<std::uint32_t*>(indices.data_ptr<std::int32_t>());
  lattice::project_rows(quantizer, cpu.data_ptr<float>(), std::size_t(rows), std::size_t(cols), idx, sigma.data_ptr<float>(), 0);
  at::Tensor out = at::empty({rows, cols}, at::kFloat);
  lattice::reconstruct_rows(quantizer.codebook(), idx, sigma.data_ptr<float>(), std::size_t(rows), std::size_t(cols),
                            out.data_ptr<float>());
  return out.view(w.sizes()).to(w.device());
}

}  // namespace pollux::ptq
