// Gradient checkpointing of one transformer block (PolluxModel::set_gradient_checkpointing).
#pragma once

#include <ATen/ATen.h>

#include "pollux/model/model.h"

namespace pollux {

// model.block(l, x) as an autograd node that saves only x and recomputes the block (under
// the autocast state of the forward) when the backward pass reaches it.
at::Tensor checkpointed_block(const PolluxModel& model, std::size_t l, const at::Tensor& x);

}  // namespace pollux
