// Sampling from a model with a KV cache, and scoring text (loss, perplexity, BLiMP pairs).
#pragma once

#include <ATen/ATen.h>

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "pollux/infer/text.h"  // SamplingOptions, LossReport
#include "pollux/model/model.h"

namespace pollux {

// Continues `prompt` (token ids); calls on_token for every new id as it is sampled and
// returns them. Stops at end-of-text or after max_new_tokens; past the context, it continues
// from the last half context. Throws pollux::Error if the prompt is empty or longer than
// the model's context. A model on CUDA decodes through a CUDA graph (StaticDecoder,
// runtime/static_decode.h) unless `cuda_graph` is false; on the CPU, and for a ternary model's
// latents, it decodes eagerly with a growing KV cache.
std::vector<std::uint32_t> generate(const PolluxModel& model, const std::vector<std::uint32_t>& prompt,
                                    const SamplingOptions& options, const std::function<void(std::uint32_t)>& on_token,
                                    bool cuda_graph = true);

// The next-token distribution after applying the options to raw logits (1-D, vocab_size):
// padded ids masked, repetition penalty, temperature, top-k, top-p. Exposed for tests.
at::Tensor sampling_probabilities(at::Tensor logits, const std::vector<std::uint32_t>& context, const SamplingOptions& options,
                                  std::int64_t active_vocab);

// Mean next-token loss over `tokens` in non-overlapping windows of seq_len + 1 (each window
// predicts seq_len tokens; the last, shorter window too), batch windows at a time.
LossReport evaluate_loss(const PolluxModel& model, const std::uint16_t* tokens, std::size_t count, int batch);

// Total log-probability of `ids` given a context that starts with `prefix` (lm-evaluation-
// harness scores a sentence after the end-of-text token). Sequences longer than the context
// are scored in overlapping windows.
double sequence_logprob(const PolluxModel& model, std::uint32_t prefix, const std::vector<std::uint32_t>& ids);

}  // namespace pollux
