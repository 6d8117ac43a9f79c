// What the optimizers of src/optim share (a private header of the optim layer).
#pragma once

#include <ATen/ATen.h>

#include <functional>
#include <map>
#include <memory>
#include <string>

#include "pollux/optim/optimizer.h"

namespace pollux {

// Adam's moments and bias-corrected direction, scaled by -rate: updates m and v in place
// from the gradient g and returns -rate * m_hat / (sqrt(v_hat) + eps).
at::Tensor adam_direction(at::Tensor& m, at::Tensor& v, const at::Tensor& g, double beta1, double beta2, double step, double rate,
                          double eps);

// A copy of the state's tensor `key`, on like's device; throws pollux::Error when it is
// missing or not shaped like `like`.
at::Tensor state_tensor(const OptimizerState& state, const std::string& key, const at::Tensor& like);

// start_latents' checks, shared: `fresh` says no step was taken; every name must be a
// parameter for which `keeps_latent` holds, each tensor its shape. Returns copies on the
// parameters' devices and dtypes.
std::map<std::string, at::Tensor> starting_latents(const PolluxModel& model, const std::map<std::string, at::Tensor>& latents,
                                                   bool fresh, const std::function<bool(const Parameter&)>& keeps_latent);

// This rank's rows of a parameter-shaped tensor (all of it on one rank or without `comm`).
at::Tensor own_rows(const Comm* comm, const at::Tensor& t);

std::unique_ptr<Optimizer> make_pollux_step(const Config& config, PolluxModel& model, Comm* comm);
std::unique_ptr<Optimizer> make_adamw(const Config& config, PolluxModel& model, Comm* comm);

}  // namespace pollux
