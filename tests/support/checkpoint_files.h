// Temporary file names, a small checkpoint and checkpoint read errors, for the tests that write
// checkpoints.
#pragma once

#include <unistd.h>

#include <ATen/ATen.h>

#include <filesystem>
#include <string>

#include "pollux/base/error.h"
#include "pollux/io/checkpoint.h"

namespace pollux::test {

// <temporary folder>/pollux_<suite>_<pid>_<name>: unique to this process.
inline std::string temp_path(const std::string& suite, const std::string& name) {
  return (std::filesystem::temp_directory_path() / ("pollux_" + suite + "_" + std::to_string(::getpid()) + "_" + name)).string();
}

// A continuous checkpoint at step 8 (4,096 tokens, sampler 11/64, heat 0.99) holding one
// 4 x 24 weight "w" (0..95) and its first moment "m/w" (zeros): small enough to mutate.
inline Checkpoint small_continuous_checkpoint() {
  Checkpoint ck;
  ck.config.quantizer = QuantizerKind::none;
  ck.step = 8;
  ck.tokens_seen = 4096;
  ck.sampler_seed = 11;
  ck.sampler_counter = 64;
  ck.codebook = "leech";
  ck.codebook_sha256 = "not checked when quantizer = none";
  ck.optimizer.step = 8;
  ck.optimizer.heat = 0.99;
  ck.optimizer.tensors["m/w"] = at::zeros({4, 24});
  ck.weights["w"] = at::arange(96, at::kFloat).reshape({4, 24});
  return ck;
}

// The error read_checkpoint gives for `path`, or "" when the file reads.
inline std::string checkpoint_error(const std::string& path) {
  try {
    read_checkpoint(path);
  } catch (const Error& e) { return e.what(); }
  return "";
}

}  // namespace pollux::test
