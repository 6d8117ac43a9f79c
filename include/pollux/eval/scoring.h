// Log-likelihood scoring as lm-evaluation-harness's TemplateLM does it: requests encoded
// the same way, scored in batches sorted by length.
#pragma once

#include <cstdint>
#include <vector>

#include "pollux/eval/tasks.h"
#include "pollux/model/model.h"
#include "pollux/tokenizer/tokenizer.h"

namespace pollux::eval {

struct TokenRequest {
  std::vector<std::uint32_t> context;       // never empty
  std::vector<std::uint32_t> continuation;  // the scored tokens, never empty
};

struct Loglikelihood {
  double logprob = 0;   // sum of the continuation's token log-probabilities
  bool greedy = false;  // every continuation token is the argmax of its distribution
};

// lm-eval's TemplateLM.loglikelihood encoding: an empty context becomes the end-of-text
// token (or the continuation's first token when that is end-of-text); otherwise trailing
// whitespace of the context moves to the continuation, context + continuation is encoded
// whole and the continuation is what follows the context's own encoding.
TokenRequest encode_request(const Tokenizer& tokenizer, const Request& request);

// Where the log-probabilities of a batch's scored tokens are reduced: per request on the host
// (least memory: the CPU's default), or the whole batch where the logits are, one transfer a
// batch (the default on a GPU). Both give the same numbers bit for bit.
enum class Reduction { automatic, per_request, batched };

// Scores every request: context + continuation cut to its last seq_len + 1 tokens, minus the
// last token, is the input (lm-eval's _loglikelihood_tokens). Requests are sorted by length,
// longest first, and run `batch_size` at a time, right-padded; results in request order.
// A continuation longer than seq_len is scored in rolling windows after the context's last
// token. Throws pollux::Error for an empty continuation or context.
std::vector<Loglikelihood> score_requests(const PolluxModel& model, const std::vector<TokenRequest>& requests, int batch_size,
                                          Reduction reduction = Reduction::automatic);

// lm-eval's loglikelihood_rolling windows over `tokens` (utils.get_rolling_token_windows with
// context_len 1, made disjoint): the first window predicts up to seq_len tokens after
// `prefix`, each next one the following seq_len tokens after the one token before them.
std::vector<TokenRequest> rolling_windows(const std::vector<std::uint32_t>& tokens, std::uint32_t prefix, std::size_t seq_len);

// The total log-likelihood of each text's tokens over its rolling windows, all windows of
// all texts scored together.
std::vector<double> rolling_loglikelihoods(const PolluxModel& model, const std::vector<std::vector<std::uint32_t>>& texts,
                                           std::uint32_t prefix, int batch_size);

}  // namespace pollux::eval
