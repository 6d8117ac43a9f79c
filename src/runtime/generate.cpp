#include "pollux/runtime/generate.h"

#include <ATen/core/grad_mode.h>

#include <algorithm>
#include <cmath>
#include <memory>

#include "pollux/base/error.h"
#include "pollux/runtime/static_decode.h"

namespace pollux {

at::Tensor sampling_probabilities(at::Tensor logits, const std::vector<std::uint32_t>& context, const SamplingOptions& o,
                                  std::int64_t active_vocab) {
  logits = mask_padded_vocab(logits.to(at::kCPU).to(at::kFloat), active_vocab).clone();
  if (o.repetition_penalty != 1.0) {
    float* l = logits.data_ptr<float>();
    std::vector<bool> seen(std::size_t(logits.numel()), false);
    for (std::uint32_t id : context)
      if (id < seen.size() && !seen[id]) {
        seen[id] = true;
        l[id] = l[id] > 0 ? float(l[id] / o.repetition_penalty) : float(l[id] * o.repetition_penalty);
      }
  }
  if (o.temperature <= 0) {  // greedy: all mass on the first maximum
    at::Tensor p = at::zeros_like(logits);
    p[logits.argmax().item<std::int64_t>()] = 1.0f;
    return p;
  }
  logits = logits / o.temperature;
  if (o.top_k > 0 && o.top_k < logits.numel()) {
    const float kth = std::get<0>(logits.topk(o.top_k)).min().item<float>();
    logits.masked_fill_(logits < kth, -INFINITY);
  }
  at::Tensor probs = at::softmax(logits, 0);
  if (o.top_p < 1.0) {
    auto [sorted, order] = probs.sort(0, /*descending=*/true);
    const at::Tensor before = sorted.cumsum(0) - sorted;  // mass of the tokens ranked above
    const at::Tensor drop = before >= o.top_p;            // keeps at least the top token
    probs.index_put_({order.masked_select(drop)}, 0.0f);
    probs = probs / probs.sum();
  }
  return probs;
}

std::vector<std::uint32_t> generate(const PolluxModel& model, const std::vector<std::uint32_t>& prompt, const SamplingOptions& o,
                                    const std::function<void(std::uint32_t)>& on_token, bool cuda_graph) {
  const std::int64_t context = model.config().seq_len;
  if (prompt.empty()) throw Error("generate", "the prompt is empty (give some text, or use the end-of-text token)");
  if (std::int64_t(prompt.size()) > context)
    throw Error("generate", "the prompt is " + std::to_string(prompt.size()) + " tokens, longer than the model's context of " +
                                std::to_string(context));
  at::NoGradGuard no_grad;
  const at::Device device = model.parameters().front().value.device();
  at::Generator gen = at::make_generator<at::CPUGeneratorImpl>(o.seed);
  std::unique_ptr<StaticDecoder> graph;
  if (cuda_graph && device.is_cuda() && StaticDecoder::graphs_available() && !model.ternary_weights())
    graph = std::make_unique<StaticDecoder>(model, true);
  PolluxModel::KVCache cache;
  // The logits after `input`: a whole prompt into an empty cache (`fresh`), or one more token.
  auto next_logits = [&](const std::vector<std::int64_t>& input, bool fresh) -> at::Tensor {
    if (graph) return fresh ? graph->prefill(input) : graph->step(input.front());
    if (fresh) cache = PolluxModel::KVCache();
    return model.forward(at::tensor(input, at::kLong).unsqueeze(0).to(device), cache)[0][-1];
  };
  std::vector<std::uint32_t> all(prompt), out;
  std::vector<std::int64_t> input(prompt.begin(), prompt.end());
  std::int64_t length = 0;  // positions in the cache
  bool fresh = true;
  while (int(out.size()) < o.max_new_tokens) {
    if (length + std::int64_t(input.size()) > context) {
      // The context is full: start again from the last half of it (the positions are
      // absolute, so the cache cannot slide), which costs half a context every half context;
      // at least the last token (a seq_len 1 model would otherwise run on nothing, issue 29).
      const std::size_t keep = std::size_t(std::max<std::int64_t>(1, context / 2));
      input.assign(all.end() - std::ptrdiff_t(keep), all.end());
      fresh = true;
      length = 0;
    }
    const at::Tensor logits = next_logits(input, fresh);
    length += std::int64_t(input.size());
    fresh = false;
    const at::Tensor probs = sampling_probabilities(logits, all, o, model.config().tokenizer_vocab_size);
    const auto next = std::uint32_t(at::multinomial(probs, 1, false, gen).item<std::int64_t>());
    out.push_back(next);
    all.push_back(next);
    on_token(next);
    if (std::int64_t(next) == o.end_of_text) break;
    input.assign(1, std::int64_t(next));
  }
  return out;
}

LossReport evaluate_loss(const PolluxModel& model, const std::uint16_t* tokens, std::size_t count, int batch) {
  const std::size_t T = std::size_t(model.config().seq_len);
  if (count < 2) throw Error("eval", "the token file needs at least 2 tokens");
  at::NoGradGuard no_grad;
  const at::Device device = model.parameters().front().value.device();
  double total = 0;
  std::uint64_t predicted = 0;
  // Window w covers tokens [w T, w T + len] and predicts the len tokens after its first.
  auto run = [&](std::size_t first, std::size_t last, std::size_t len) {
    at::Tensor x = at::empty({std::int64_t(last - first), std::int64_t(len)}, at::kLong), y = at::empty_like(x);
    std::int64_t* xp = x.data_ptr<std::int64_t>();
    std::int64_t* yp = y.data_ptr<std::int64_t>();
    for (std::size_t w = first; w < last; ++w)
      for (std::size_t t = 0; t < len; ++t) {
        *xp++ = tokens[w * T + t];
        *yp++ = tokens[w * T + t + 1];
      }
    total += model.loss(model.forward(x.to(device)), y.to(device)).item<double>() * double((last - first) * len);
    predicted += (last - first) * len;
  };
  const std::size_t full = (count - 1) / T, rest = count - 1 - full * T;
  for (std::size_t w = 0; w < full; w += std::size_t(batch)) run(w, std::min(full, w + std::size_t(batch)), T);
  if (rest > 0) run(full, full + 1, rest);
  LossReport r;
  r.tokens = predicted;
  r.mean_loss = total / double(predicted);
  if (!std::isfinite(r.mean_loss)) throw Error("eval", "the loss is not finite: the model's weights are damaged");
  r.perplexity = std::exp(r.mean_loss);
  return r;
}

double sequence_logprob(const PolluxModel& model, std::uint32_t prefix, const std::vector<std::uint32_t>& ids) {
  at::NoGradGuard no_grad;
  const at::Device device = model.parameters().front().value.device();
  const std::size_t T = std::size_t(model.config().seq_len), n = ids.size();
  std::vector<std::int64_t> seq{std::int64_t(prefix)};
  seq.insert(seq.end(), ids.begin(), ids.end());
  // Token i (1..n) is predicted from up to T tokens before it: a sequence longer than the
  // context is scored in windows that each keep at least half a context of history.
  double total = 0;
  for (std::size_t first = 1; first <= n;) {
    const std::size_t last = std::min(n, first == 1 ? T : first + T / 2 - 1);  // targets first..last
    const std::size_t begin = last > T ? last - T : 0;                         // inputs begin..last-1
    const at::Tensor x =
        at::tensor(std::vector<std::int64_t>(seq.begin() + std::ptrdiff_t(begin), seq.begin() + std::ptrdiff_t(last)), at::kLong)
            .unsqueeze(0)
            .to(device);
    const at::Tensor logits = mask_padded_vocab(model.forward(x)[0].to(at::kFloat), model.config().tokenizer_vocab_size);
    const at::Tensor logp = at::log_softmax(logits.slice(0, std::int64_t(first - 1 - begin)), 1);
    const at::Tensor target =
        at::tensor(std::vector<std::int64_t>(seq.begin() + std::ptrdiff_t(first), seq.begin() + std::ptrdiff_t(last) + 1),
                   at::kLong)
            .to(device);
    total += logp.gather(1, target.unsqueeze(1)).sum().item<double>();
    first = last + 1;
  }
  return total;
}

}  // namespace pollux
