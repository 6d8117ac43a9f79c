#include "pollux/model/chunked_loss.h"

#include <ATen/autocast_mode.h>
#include <torch/csrc/autograd/custom_function.h>

#include <limits>

#include "pollux/base/error.h"

namespace pollux {
namespace {

using torch::autograd::AutogradContext;
using torch::autograd::variable_list;

struct ChunkedCrossEntropy : torch::autograd::Function<ChunkedCrossEntropy> {
  static at::Tensor forward(AutogradContext* ctx, const at::Tensor& hidden, const at::Tensor& head, const at::Tensor& targets,
                            std::int64_t active, std::int64_t chunk) {
    const std::int64_t d = hidden.size(-1), rows = hidden.numel() / d, vocab = head.size(0);
    const bool bf16 = hidden.is_cuda() && at::autocast::is_autocast_enabled(at::kCUDA);
    const at::ScalarType product = bf16 ? at::kBFloat16 : hidden.scalar_type();
    const at::Tensor h = hidden.reshape({rows, d}).to(product), w = head.to(product), t = targets.reshape({rows});
    at::Tensor grad_h = at::empty({rows, d}, hidden.options()), grad_w = at::zeros_like(head);
    at::Tensor loss = at::zeros({}, hidden.options().dtype(at::kDouble));
    for (std::int64_t begin = 0; begin < rows; begin += chunk) {
      const std::int64_t end = std::min(rows, begin + chunk);
      const at::Tensor hc = h.slice(0, begin, end), tc = t.slice(0, begin, end).unsqueeze(1);
      at::Tensor logits = at::mm(hc, w.t()).to(at::kFloat);  // (n, V)
      if (active < vocab) logits.slice(1, active).fill_(-std::numeric_limits<float>::infinity());
      const at::Tensor lse = logits.logsumexp(1, /*keepdim=*/true);
      loss += (lse.squeeze(1) - logits.gather(1, tc).squeeze(1)).sum().to(at::kDouble);
      // d(mean CE)/d logits = (softmax - one_hot) / rows, in place of the logits.
      at::Tensor p = logits.sub_(lse).exp_();
      p.scatter_add_(1, tc, at::full({end - begin, 1}, -1.0f, p.options())).div_(double(rows));
      const at::Tensor pp = p.to(product);
      grad_h.slice(0, begin, end).copy_(at::mm(pp, w));
      grad_w.add_(at::mm(pp.t(), hc).to(grad_w.scalar_type()));
    }
    ctx->save_for_backward({grad_h.view(hidden.sizes()), grad_w});
    return (loss / double(rows)).to(hidden.scalar_type());
  }

  static variable_list backward(AutogradContext* ctx, variable_list grad_outputs) {
    const auto saved = ctx->get_saved_variables();
    const at::Tensor g = grad_outputs[0];
    return {saved[0] * g, saved[1] * g, at::Tensor(), at::Tensor(), at::Tensor()};
  }
};

}  // namespace

at::Tensor chunked_cross_entropy(const at::Tensor& hidden, const at::Tensor& head, const at::Tensor& targets, std::int64_t active,
                                 std::int64_t chunk_rows) {
  if (chunk_rows <= 0) throw Error("model", "loss_chunk must be positive for the chunked loss");
  return ChunkedCrossEntropy::apply(hidden, head, targets, active, chunk_rows);
}

}  // namespace pollux
