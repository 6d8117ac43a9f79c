// The static-cache decode step (runtime/static_decode.h): on the CPU, its eager twin against
// the KV-cache forward; on a GPU, the CUDA graph against eager decode (skipped without one).
#include <ATen/ATen.h>
#include <ATen/core/grad_mode.h>

#include "../catch.h"
#include "../support/small_model.h"
#include "pollux/base/error.h"
#include "pollux/runtime/generate.h"
#include "pollux/runtime/static_decode.h"

using namespace pollux;

namespace {

// Greedy decode of `steps` tokens after `prompt` with the KV-cache forward; each step's logits
// into `logits`.
std::vector<std::int64_t> eager_greedy(const PolluxModel& model, const std::vector<std::int64_t>& prompt, int steps,
                                       std::vector<at::Tensor>& logits) {
  const at::Device device = model.parameters().front().value.device();
  PolluxModel::KVCache cache;
  at::Tensor l = model.forward(at::tensor(prompt, at::kLong).unsqueeze(0).to(device), cache)[0][-1];
  std::vector<std::int64_t> out;
  for (int i = 0; i < steps; ++i) {
    logits.push_back(l.cpu());
    out.push_back(l.argmax().item<std::int64_t>());
    l = model.forward(at::full({1, 1}, out.back(), at::TensorOptions(at::kLong).device(device)), cache)[0][-1];
  }
  return out;
}

std::vector<std::int64_t> static_greedy(StaticDecoder& decoder, const std::vector<std::int64_t>& prompt, int steps,
                                        std::vector<at::Tensor>& logits) {
  at::Tensor l = decoder.prefill(prompt);
  std::vector<std::int64_t> out;
  for (int i = 0; i < steps; ++i) {
    logits.push_back(l.cpu());
    out.push_back(l.argmax().item<std::int64_t>());
    l = decoder.step(out.back());
  }
  return out;
}

double max_difference(const std::vector<at::Tensor>& a, const std::vector<at::Tensor>& b) {
  double d = 0;
  for (std::size_t i = 0; i < a.size(); ++i) d = std::max(d, (a[i] - b[i]).abs().max().item<double>());
  return d;
}

}  // namespace

TEST_CASE("static decode: each step's logits are the KV-cache forward's, up to the whole context", "[runtime]") {
  at::NoGradGuard no_grad;
  for (int bits : {0, 8}) {  // 8: a model that quantizes its linears' inputs per token
    PolluxModel model(test::small_model(2, 24), 5, at::kCPU);
    model.set_quantization(false, bits);
    StaticDecoder decoder(model, false);
    CHECK(!decoder.graphed());
    const std::vector<std::int64_t> prompt{256, 72, 101, 108};
    std::vector<at::Tensor> eager_logits, static_logits;
    const int steps = 24 - int(prompt.size());  // fills the context
    const auto eager = eager_greedy(model, prompt, steps, eager_logits);
    const auto ours = static_greedy(decoder, prompt, steps, static_logits);
    INFO("activation bits " << bits << ", largest logit difference " << max_difference(eager_logits, static_logits));
    CHECK(ours == eager);
    // float32 rounding only: the same products, summed in another order
    CHECK(max_difference(eager_logits, static_logits) < 1e-4);
    CHECK(decoder.length() == 24);
    CHECK_THROWS_WITH(decoder.step(1), Catch::Contains("the context of 24 tokens is full"));
    // A second prefill forgets the first context: the same logits as the first time.
    std::vector<at::Tensor> again;
    CHECK(static_greedy(decoder, prompt, 3, again) == std::vector<std::int64_t>(eager.begin(), eager.begin() + 3));
    CHECK(max_difference(again, std::vector<at::Tensor>(static_logits.begin(), static_logits.begin() + 3)) == 0);
  }
}

TEST_CASE("static decode: bad input is refused by name", "[runtime]") {
  PolluxModel model(test::small_model(1, 8), 1, at::kCPU);
  StaticDecoder decoder(model, false);
  CHECK_THROWS_WITH(decoder.step(5), Catch::Contains("before any prefill"));
  CHECK_THROWS_WITH(decoder.prefill({}), Catch::Contains("a prefill of 0 tokens"));
  CHECK_THROWS_WITH(decoder.prefill(std::vector<std::int64_t>(9, 1)), Catch::Contains("expected 1 to the context of 8"));
  decoder.prefill({1, 2});
  CHECK_THROWS_WITH(decoder.step(264), Catch::Contains("outside the vocabulary of 264"));
  CHECK_THROWS_WITH(decoder.step(-1), Catch::Contains("outside the vocabulary"));
  CHECK_THROWS_WITH(StaticDecoder(model, true), Catch::Contains("needs the model on CUDA"));
  model.set_quantization(true, 0);  // ternary latents: the decoder needs forward weights
  CHECK_THROWS_WITH(StaticDecoder(model, false), Catch::Contains("not ternary latents"));
}

TEST_CASE("cuda graph decode: greedy tokens equal eager decode's", "[cuda]") {
  if (!at::hasCUDA()) POLLUX_SKIP_NO_GPU("no GPU: the CUDA graph decode is skipped");
  at::NoGradGuard no_grad;
  for (int bits : {0, 8}) {
    PolluxModel model(test::small_model(3, 64, 96, 528, 521), 11, at::kCUDA);
    model.set_quantization(false, bits);
    const std::vector<std::int64_t> prompt{520, 3, 99, 400, 17};
    const int steps = 64 - int(prompt.size());
    std::vector<at::Tensor> eager_logits, graph_logits, twin_logits;
    const auto eager = eager_greedy(model, prompt, steps, eager_logits);
    StaticDecoder graph(model, true);
    REQUIRE(graph.graphed());
    const auto replayed = static_greedy(graph, prompt, steps, graph_logits);
    INFO("activation bits " << bits << ", largest logit difference " << max_difference(eager_logits, graph_logits));
    CHECK(replayed == eager);
    CHECK(max_difference(eager_logits, graph_logits) < 1e-3);  // TF32 off: float32 rounding
    // The graph replays the step its eager twin runs: the same kernels on the same inputs.
    StaticDecoder twin(model, false);
    CHECK(static_greedy(twin, prompt, steps, twin_logits) == replayed);
    CHECK(max_difference(twin_logits, graph_logits) < 1e-5);
    // A second prompt in the same graph (prefill again), past a restart.
    std::vector<at::Tensor> a, b;
    CHECK(static_greedy(graph, {7, 8}, 20, a) == eager_greedy(model, {7, 8}, 20, b));
  }
}

TEST_CASE("cuda graph decode: generate() samples the same tokens with and without the graph", "[cuda]") {
  if (!at::hasCUDA()) POLLUX_SKIP_NO_GPU("no GPU: the CUDA graph decode is skipped");
  PolluxModel model(test::small_model(2, 32), 3, at::kCUDA);
  SamplingOptions o;
  o.max_new_tokens = 80;  // past the 32-token context: restarts from its last half
  o.temperature = 0;
  const std::vector<std::uint32_t> prompt{72, 101, 108};
  const auto eager = generate(
      model, prompt, o, [](std::uint32_t) {}, false);
  const auto graph = generate(
      model, prompt, o, [](std::uint32_t) {}, true);
  CHECK(graph == eager);
  CHECK(graph.size() == 80);
}
