// Fixture datasets as ATen tensors, and the error measure the parity tests state their
// tolerances in (header-only: only tests that link ATen include it).
#pragma once

#include <ATen/ATen.h>

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "fixtures.h"

namespace pollux::test {

// A float32 dataset of a fixture file as a tensor of its shape.
inline at::Tensor fixture_tensor(const H5File& h5, const std::string& path) {
  const auto shape = h5.shape(path);
  const auto values = h5.floats(path);
  return at::from_blob(const_cast<float*>(values.data()), std::vector<std::int64_t>(shape.begin(), shape.end()), at::kFloat)
      .clone();
}

// Largest |a - b| relative to the largest |b| of the tensor.
inline double relative_error(const at::Tensor& a, const at::Tensor& b) {
  return (a - b).abs().max().item<double>() / std::max(1e-30, b.abs().max().item<double>());
}

}  // namespace pollux::test
