// The block as a custom autograd function: the only file of the model that includes the
// autograd headers (heavier than ATen's).
#include "pollux/model/checkpointed_block.h"

#include <ATen/autocast_mode.h>
#include <torch/csrc/autograd/autograd.h>
#include <torch/csrc/autograd/custom_function.h>

namespace pollux {
namespace {

using torch::autograd::AutogradContext;
using torch::autograd::variable_list;

struct CheckpointedBlock : torch::autograd::Function<CheckpointedBlock> {
  // params: model.block_parameters(l), inputs of the node so their gradients reach them.
  static at::Tensor forward(AutogradContext* ctx, const at::Tensor& x, const PolluxModel* model, std::int64_t l,
                            at::TensorList params) {
    (void)params;
    ctx->saved_data["model"] = reinterpret_cast<std::int64_t>(model);
    ctx->saved_data["layer"] = l;
    ctx->saved_data["autocast"] = at::autocast::is_autocast_enabled(at::kCUDA);
    ctx->save_for_backward({x});
    at::AutoGradMode no_graph(false);
    return model->block(std::size_t(l), x);
  }

  static variable_list backward(AutogradContext* ctx, variable_list grad_outputs) {
    const auto* model = reinterpret_cast<const PolluxModel*>(ctx->saved_data["model"].toInt());
    const std::size_t l = std::size_t(ctx->saved_data["layer"].toInt());
    const at::Tensor x = ctx->get_saved_variables()[0].detach().requires_grad_(true);
    const std::vector<at::Tensor> params = model->block_parameters(l);
    at::Tensor y;
    {
      // Recompute as the forward computed: the same autocast state, with a graph this time.
      const bool was = at::autocast::is_autocast_enabled(at::kCUDA);
      at::autocast::set_autocast_enabled(at::kCUDA, ctx->saved_data["autocast"].toBool());
      at::AutoGradMode graph(true);
      y = model->block(l, x);
      at::autocast::set_autocast_enabled(at::kCUDA, was);
    }
    variable_list inputs{x};
    inputs.insert(inputs.end(), params.begin(), params.end());
    const variable_list grads = torch::autograd::grad({y}, inputs, {grad_outputs[0]}, /*retain_graph=*/false,
                                                      /*create_graph=*/false, /*allow_unused=*/true);
    variable_list out{grads[0], at::Tensor(), at::Tensor()};  // x, model, layer
    out.insert(out.end(), grads.begin() + 1, grads.end());
    return out;
  }
};

}  // namespace

at::Tensor checkpointed_block(const PolluxModel& model, std::size_t l, const at::Tensor& x) {
  const std::vector<at::Tensor> params = model.block_parameters(l);
  return CheckpointedBlock::apply(x, &model, std::int64_t(l), at::TensorList(params));
}

}  // namespace pollux
