#include "pollux/eval/scoring.h"

#include <ATen/core/grad_mode.h>

#include <algorithm>
#include <numeric>

#include "pollux/base/error.h"
#include "pollux/base/stop_signal.h"
#include "pollux/data/whitespace.h"

namespace pollux::eval {

TokenRequest encode_request(const Tokenizer& tokenizer, const Request& request) {
  TokenRequest out;
  if (request.context.empty()) {
    tokenizer.encode(request.continuation, out.continuation);
    if (!out.continuation.empty() && out.continuation.front() == tokenizer.end_of_text()) {
      out.context = {out.continuation.front()};
      out.continuation.erase(out.continuation.begin());
    } else {
      out.context = {tokenizer.end_of_text()};
    }
    return out;
  }
  // Python's context.rstrip(): the trailing whitespace goes to the continuation.
  const std::size_t cut = trailing_whitespace_start(request.context);
  const std::string context = request.context.substr(0, cut);
  const std::string continuation = request.context.substr(cut) + request.continuation;
  std::vector<std::uint32_t> whole;
  tokenizer.encode(context + continuation, whole);
  tokenizer.encode(context, out.context);
  const std::size_t n = std::min(out.context.size(), whole.size());
  out.continuation.assign(whole.begin() + std::ptrdiff_t(n), whole.end());
  return out;
}

namespace {

// The scored rows of one batch's logits (count, width, V): request b's targets[b].size() last
// input positions.
struct BatchTargets {
  std::vector<std::int64_t> lengths;               // of each request's input
  std::vector<std::vector<std::int64_t>> targets;  // the tokens those positions predict
};

// Per request on the host: its rows' log-softmax copied out in float32, then in double the
// sum of the targets' log-probabilities and whether each target is its row's argmax.
void reduce_per_request(const at::Tensor& logits, const BatchTargets& batch, std::int64_t active, Loglikelihood* const* out) {
  for (std::size_t b = 0; b < batch.targets.size(); ++b) {
    const std::int64_t len = batch.lengths[b], n = std::int64_t(batch.targets[b].size());
    const at::Tensor rows = mask_padded_vocab(logits[std::int64_t(b)].slice(0, len - n, len).to(at::kFloat), active);
    const at::Tensor logp = at::log_softmax(rows, 1).to(at::kCPU).to(at::kDouble);
    const at::Tensor target = at::tensor(batch.targets[b], at::kLong);
    out[b]->logprob = logp.gather(1, target.unsqueeze(1)).sum().item<double>();
    out[b]->greedy = logp.argmax(1).equal(target);
  }
}

// The whole batch where the logits are: every scored row's log-softmax, the targets'
// log-probabilities and argmax flags in a few kernels and one transfer (a GPU would otherwise
// copy out each request's rows of the vocabulary). The same float32 log-probabilities, summed
// per request in double on the host as reduce_per_request sums them: the same numbers bit for
// bit (tests/eval), but the rows of the whole batch at once, which the CPU spares its memory.
constexpr std::int64_t kRowsPerChunk = 1024;

void reduce_batched(const at::Tensor& logits, const BatchTargets& batch, std::int64_t active, Loglikelihood* const* out) {
  const std::int64_t width = logits.size(1);
  std::vector<std::int64_t> rows, targets;
  for (std::size_t b = 0; b < batch.targets.size(); ++b) {
    const std::int64_t len = batch.lengths[b], n = std::int64_t(batch.targets[b].size());
    for (std::int64_t t = len - n; t < len; ++t) rows.push_back(std::int64_t(b) * width + t);
    targets.insert(targets.end(), batch.targets[b].begin(), batch.targets[b].end());
  }
  const at::Device device = logits.device();
  const at::Tensor target = at::tensor(targets, at::kLong).to(device), row = at::tensor(rows, at::kLong).to(device);
  const at::Tensor flat = logits.reshape({-1, logits.size(2)});
  // The rows in chunks, so that the copies of the vocabulary rows (picked, masked, their
  // log-softmax) stay a bounded size beside the logits however many rows are scored.
  std::vector<at::Tensor> parts;
  for (std::int64_t begin = 0; begin < row.numel(); begin += kRowsPerChunk) {
    const std::int64_t n = std::min(kRowsPerChunk, row.numel() - begin);
    const at::Tensor picked = flat.index_select(0, row.narrow(0, begin, n));
    const at::Tensor logp = at::log_softmax(mask_padded_vocab(picked.to(at::kFloat), active), 1);
    const at::Tensor t = target.narrow(0, begin, n);
    parts.push_back(at::stack({logp.gather(1, t.unsqueeze(1)).squeeze(1), logp.argmax(1).eq(t).to(at::kFloat)}));
  }
  // One (2, N) transfer: the log-probabilities, and 1 where the target is the argmax.
  const at::Tensor both = at::cat(parts, 1).to(at::kCPU);
  const at::Tensor token_logp = both[0].to(at::kDouble);
  const float* greedy = both[1].data_ptr<float>();
  std::int64_t first = 0;
  for (std::size_t b = 0; b < batch.targets.size(); ++b) {
    const std::int64_t n = std::int64_t(batch.targets[b].size());
    out[b]->logprob = token_logp.slice(0, first, first + n).sum().item<double>();
    out[b]->greedy = std::all_of(greedy + first, greedy + first + n, [](float g) { return g != 0; });
    first += n;
  }
}

// score_requests for continuations of at most seq_len tokens.
std::vector<Loglikelihood> score_fitting(const PolluxModel& model, const std::vector<TokenRequest>& requests, int batch_size,
                                         Reduction reduction) {
  at::NoGradGuard no_grad;
  const at::Device device = model.parameters().front().value.device();
  const bool batched = reduction == Reduction::batched || (reduction == Reduction::automatic && !device.is_cpu());
  const std::size_t T = std::size_t(model.config().seq_len);
  std::vector<Loglikelihood> out(requests.size());
  std::vector<std::size_t> order(requests.size());
  std::iota(order.begin(), order.end(), 0);
  auto total = [&](std::size_t i) { return requests[i].context.size() + requests[i].continuation.size(); };
  // Longest first, as lm-eval orders them: the first batch shows the peak memory at once.
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return total(a) > total(b); });
  for (std::size_t first = 0; first < order.size(); first += std::size_t(batch_size)) {
    throw_if_stopped();  // a trainer's stop signal ends its task evaluation between batches
    const std::size_t count = std::min(order.size() - first, std::size_t(batch_size));
    std::vector<std::vector<std::int64_t>> inputs(count);
    BatchTargets batch;
    batch.targets.resize(count);
    std::vector<Loglikelihood*> results(count);
    std::size_t width = 0;
    for (std::size_t b = 0; b < count; ++b) {
      const TokenRequest& r = requests[order[first + b]];
      std::vector<std::int64_t> seq(r.context.begin(), r.context.end());
      seq.insert(seq.end(), r.continuation.begin(), r.continuation.end());
      if (seq.size() > T + 1) seq.erase(seq.begin(), seq.end() - std::ptrdiff_t(T + 1));
      batch.targets[b].assign(seq.end() - std::ptrdiff_t(r.continuation.size()), seq.end());
      seq.pop_back();
      inputs[b] = std::move(seq);
      batch.lengths.push_back(std::int64_t(inputs[b].size()));
      results[b] = &out[order[first + b]];
      width = std::max(width, inputs[b].size());
    }
    std::vector<std::int64_t> flat(count * width, 0);  // right padding never reaches earlier positions
    for (std::size_t b = 0; b < count; ++b)
      std::copy(inputs[b].begin(), inputs[b].end(), flat.begin() + std::ptrdiff_t(b * width));
    const at::Tensor x = at::tensor(flat, at::kLong).view({std::int64_t(count), std::int64_t(width)}).to(device);
    const at::Tensor logits = model.forward(x);
    (batched ? reduce_batched : reduce_per_request)(logits, batch, model.config().tokenizer_vocab_size, results.data());
  }
  return out;
}

}  // namespace

std::vector<Loglikelihood> score_requests(const PolluxModel& model, const std::vector<TokenRequest>& requests, int batch_size,
                                          Reduction reduction) {
  if (batch_size <= 0) throw Error("eval", "--batch_size must be positive");
  const std::size_t T = std::size_t(model.config().seq_len);
  // A continuation longer than the context is scored in rolling windows after the context's
  // last token (lm-eval's HF model cannot score one; its windows are the rolling ones).
  std::vector<TokenRequest> pieces;
  std::vector<std::size_t> owner;
  for (std::size_t i = 0; i < requests.size(); ++i) {
    if (requests[i].continuation.empty()) throw Error("eval", "a request has nothing to score (empty continuation)");
    if (requests[i].context.empty()) throw Error("eval", "a request has no context (not even end-of-text)");
    if (requests[i].continuation.size() <= T) {
      pieces.push_back(requests[i]);
      owner.push_back(i);
      continue;
    }
    for (TokenRequest& w : rolling_windows(requests[i].continuation, requests[i].context.back(), T)) {
      pieces.push_back(std::move(w));
      owner.push_back(i);
    }
  }
  const std::vector<Loglikelihood> scored = score_fitting(model, pieces, batch_size, reduction);
  std::vector<Loglikelihood> out(requests.size(), Loglikelihood{0.0, true});
  for (std::size_t p = 0; p < pieces.size(); ++p) {
    out[owner[p]].logprob += scored[p].logprob;
    out[owner[p]].greedy = out[owner[p]].greedy && scored[p].greedy;
  }
  return out;
}

std::vector<TokenRequest> rolling_windows(const std::vector<std::uint32_t>& tokens, std::uint32_t prefix, std::size_t seq_len) {
  std::vector<TokenRequest> windows;
  if (tokens.empty()) return windows;
  const std::size_t first = std::min(seq_len, tokens.size());
  windows.push_back({{prefix}, std::vector<std::uint32_t>(tokens.begin(), tokens.begin() + std::ptrdiff_t(first))});
  for (std::size_t predicted = first; predicted < tokens.size();) {
    // Full windows keep one token of context; the last, shorter one a whole context's worth.
    const std::size_t end = std::min(tokens.size(), predicted + seq_len);
    windows.push_back(
        {std::vector<std::uint32_t>(tokens.begin() + std::ptrdiff_t(end - seq_len - 1),
                                    tokens.begin() + std::ptrdiff_t(predicted)),
         std::vector<std::uint32_t>(tokens.begin() + std::ptrdiff_t(predicted), tokens.begin() + std::ptrdiff_t(end))});
    predicted = end;
  }
  return windows;
}

std::vector<double> rolling_loglikelihoods(const PolluxModel& model, const std::vector<std::vector<std::uint32_t>>& texts,
                                           std::uint32_t prefix, int batch_size) {
  std::vector<TokenRequest> windows;
  std::vector<std::size_t> owner;
  for (std::size_t i = 0; i < texts.size(); ++i)
    for (TokenRequest& w : rolling_windows(texts[i], prefix, std::size_t(model.config().seq_len))) {
      windows.push_back(std::move(w));
      owner.push_back(i);
    }
  const std::vector<Loglikelihood> scores = score_requests(model, windows, batch_size);
  std::vector<double> out(texts.size(), 0.0);
  for (std::size_t w = 0; w < windows.size(); ++w) out[owner[w]] += scores[w].logprob;
  return out;
}

}  // namespace pollux::eval
