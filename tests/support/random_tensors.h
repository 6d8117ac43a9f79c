// Seeded random tensors for the model tests (header-only: only tests that link ATen include it).
#pragma once

#include <ATen/ATen.h>

#include <cstdint>

namespace pollux::test {

// rows x cols float32 draws of N(0, std^2) from a generator seeded with `seed`.
inline at::Tensor random_matrix(std::int64_t rows, std::int64_t cols, std::uint64_t seed, double std = 1.0) {
  at::Generator gen = at::make_generator<at::CPUGeneratorImpl>(seed);
  return at::normal(0.0, std, {rows, cols}, gen, at::kFloat);
}

}  // namespace pollux::test
