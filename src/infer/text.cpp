#include "pollux/infer/text.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <random>

#include "pollux/base/error.h"

namespace pollux::infer {
namespace {

constexpr std::size_t kPrefillChunk = 64;  // tokens per forward when scoring: bounds the logits buffer

// log p(targets[i] | inputs[0..i]) summed over i in [from, len), padded ids masked.
double window_logprob(const LutModel& m, LutModel::Cache& cache, const std::uint32_t* inputs, const std::uint32_t* targets,
                      std::size_t len, std::size_t from) {
  const std::size_t V = std::size_t(m.shape().vocab_size), active = std::size_t(m.shape().tokenizer_vocab_size);
  std::vector<float> logits(kPrefillChunk * V);
  cache.length = 0;
  double total = 0;
  for (std::size_t c0 = 0; c0 < len; c0 += kPrefillChunk) {
    const std::size_t n = std::min(kPrefillChunk, len - c0);
    m.forward(inputs + c0, n, cache, logits.data());
    for (std::size_t i = std::max(c0, from); i < c0 + n; ++i) {
      const float* l = &logits[(i - c0) * V];
      const double top = *std::max_element(l, l + active);
      double sum = 0;
      for (std::size_t j = 0; j < active; ++j) sum += std::exp(double(l[j]) - top);
      total += double(l[targets[i]]) - top - std::log(sum);
    }
  }
  return total;
}

}  // namespace

std::vector<double> sampling_probabilities(const float* logits, std::size_t vocab, const std::vector<std::uint32_t>& context,
                                           const SamplingOptions& o, std::size_t active_vocab) {
  const double minus_inf = -std::numeric_limits<double>::infinity();
  std::vector<double> l(logits, logits + vocab);
  for (std::size_t i = std::min(active_vocab, vocab); i < vocab; ++i) l[i] = minus_inf;
  if (o.repetition_penalty != 1.0) {
    std::vector<bool> seen(vocab, false);
    for (std::uint32_t id : context)
      if (id < vocab && !seen[id]) {
        seen[id] = true;
        // float as the dense runtime rounds it, so greedy choices agree
        l[id] = l[id] > 0 ? double(float(l[id] / o.repetition_penalty)) : double(float(l[id] * o.repetition_penalty));
      }
  }
  std::vector<double> p(vocab, 0.0);
  if (o.temperature <= 0) {  // greedy: all mass on the first maximum
    p[std::size_t(std::max_element(l.begin(), l.end()) - l.begin())] = 1.0;
    return p;
  }
  for (double& x : l) x /= o.temperature;
  if (o.top_k > 0 && std::size_t(o.top_k) < vocab) {
    std::vector<double> sorted(l);
    std::nth_element(sorted.begin(), sorted.begin() + (o.top_k - 1), sorted.end(), std::greater<double>());
    const double kth = sorted[std::size_t(o.top_k - 1)];
    for (double& x : l)
      if (x < kth) x = minus_inf;
  }
  const double top = *std::max_element(l.begin(), l.end());
  double sum = 0;
  for (std::size_t i = 0; i < vocab; ++i) sum += (p[i] = std::exp(l[i] - top));
  for (double& x : p) x /= sum;
  if (o.top_p < 1.0) {
    std::vector<std::size_t> order(vocab);
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return p[a] > p[b]; });
    double before = 0, kept = 0;  // mass ranked above; the top token is always kept
    for (std::size_t i : order) {
      const double pi = p[i];
      if (before >= o.top_p) p[i] = 0;
      kept += p[i];
      before += pi;
    }
    for (double& x : p) x /= kept;
  }
  return p;
}

std::vector<std::uint32_t> generate(const LutModel& model, const std::vector<std::uint32_t>& prompt, const SamplingOptions& o,
                                    const std::function<void(std::uint32_t)>& on_token) {
  const std::size_t context = std::size_t(model.shape().seq_len), V = std::size_t(model.shape().vocab_size);
  if (prompt.empty()) throw Error("generate", "the prompt is empty (give some text, or use the end-of-text token)");
  if (prompt.size() > context)
    throw Error("generate", "the prompt is " + std::to_string(prompt.size()) + " tokens, longer than the model's context of " +
                                std::to_string(context));
  std::mt19937_64 gen(o.seed);
  LutModel::Cache cache;
  std::vector<std::uint32_t> all(prompt), out, input(prompt);
  std::vector<float> logits(V);
  while (int(out.size()) < o.max_new_tokens) {
    if (cache.length + input.size() > context) {
      // Full context: start again from its last half (positions are absolute), as the dense runtime does.
      input.assign(all.end() - std::ptrdiff_t(std::max<std::size_t>(1, context / 2)), all.end());  // seq_len 1: the last token
      cache.length = 0;
    }
    model.forward(input.data(), input.size(), cache, logits.data(), /*all_logits=*/false);
    const std::vector<double> p =
        sampling_probabilities(logits.data(), V, all, o, std::size_t(model.shape().tokenizer_vocab_size));
    double u = std::uniform_real_distribution<double>(0.0, 1.0)(gen), acc = 0;
    std::uint32_t next = 0;
    for (std::size_t i = 0; i < V; ++i)
      if (p[i] > 0) {
        next = std::uint32_t(i);
        if ((acc += p[i]) > u) break;
      }
    out.push_back(next);
    all.push_back(next);
    on_token(next);
    if (std::int64_t(next) == o.end_of_text) break;
    input.assign(1, next);
  }
  return out;
}

LossReport evaluate_loss(const LutModel& model, const std::uint16_t* tokens, std::size_t count) {
  const std::size_t T = std::size_t(model.shape().seq_len);
  if (count < 2) throw Error("eval", "the token file needs at least 2 tokens");
  LutModel::Cache cache;
  double total = 0;
  std::uint64_t predicted = 0;
  std::vector<std::uint32_t> in, target;
  // Window w covers tokens [w T, w T + len] and predicts the len tokens after its first.
  const std::size_t full = (count - 1) / T, rest = count - 1 - full * T;
  for (std::size_t w = 0; w <= full; ++w) {
    const std::size_t len = w < full ? T : rest;
    if (len == 0) break;
    in.assign(tokens + w * T, tokens + w * T + len);
    target.assign(tokens + w * T + 1, tokens + w * T + len + 1);
    total -= window_logprob(model, cache, in.data(), target.data(), len, 0);
    predicted += len;
  }
  LossReport r;
  r.tokens = predicted;
  r.mean_loss = total / double(predicted);
  r.perplexity = std::exp(r.mean_loss);
  return r;
}

double sequence_logprob(const LutModel& model, std::uint32_t prefix, const std::vector<std::uint32_t>& ids) {
  const std::size_t T = std::size_t(model.shape().seq_len), n = ids.size();
  std::vector<std::uint32_t> seq{prefix};
  seq.insert(seq.end(), ids.begin(), ids.end());
  LutModel::Cache cache;
  double total = 0;
  // The dense runtime's windows: each keeps at least half a context of history.
  for (std::size_t first = 1; first <= n;) {
    const std::size_t last = std::min(n, first == 1 ? T : first + T / 2 - 1);  // targets first..last
    const std::size_t begin = last > T ? last - T : 0;                         // inputs begin..last-1
    total += window_logprob(model, cache, &seq[begin], &seq[begin + 1], last - begin, first - 1 - begin);
    first = last + 1;
  }
  return total;
}

}  // namespace pollux::infer
