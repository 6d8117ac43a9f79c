// Sampling and scoring with the matrix-free runtime, LibTorch-free. The option and report
// types are shared with the dense runtime (pollux/runtime/generate.h), so both read the
// same flags; the loss and log-probabilities follow the same windows.
#pragma once

#include <cstdint>
#include <functional>
#include <vector>

#include "pollux/infer/lut_model.h"

namespace pollux {

struct SamplingOptions {
  int max_new_tokens = 200;
  double temperature = 0.8;         // 0 = greedy
  int top_k = 0;                    // 0 = off
  double top_p = 1.0;               // 1 = off
  double repetition_penalty = 1.0;  // > 1 discourages tokens already in the context
  std::uint64_t seed = 1;
  std::int64_t end_of_text = -1;  // stop when sampled (-1: never)
};

struct LossReport {
  double mean_loss = 0;  // nats per token
  double perplexity = 0;
  std::uint64_t tokens = 0;
};

namespace infer {

// As pollux::generate (the dense runtime): the same options, stops and context handling;
// greedy decoding (temperature 0) picks the same tokens, sampling draws from its own
// generator seeded with options.seed.
std::vector<std::uint32_t> generate(const LutModel& model, const std::vector<std::uint32_t>& prompt,
                                    const SamplingOptions& options, const std::function<void(std::uint32_t)>& on_token);

// The next-token distribution after the options (padded ids masked, repetition penalty,
// temperature, top-k, top-p) over raw logits of `vocab` entries.
std::vector<double> sampling_probabilities(const float* logits, std::size_t vocab, const std::vector<std::uint32_t>& context,
                                           const SamplingOptions& options, std::size_t active_vocab);

// As pollux::evaluate_loss and pollux::sequence_logprob, from prefills of whole windows.
LossReport evaluate_loss(const LutModel& model, const std::uint16_t* tokens, std::size_t count);
double sequence_logprob(const LutModel& model, std::uint32_t prefix, const std::vector<std::uint32_t>& ids);

}  // namespace infer
}  // namespace pollux
