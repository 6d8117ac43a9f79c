#include <ATen/ATen.h>
#include <ATen/core/grad_mode.h>

#include <cmath>
#include <cstdio>
#include <fstream>
#include <random>
#include <string>

#include "../catch.h"
#include "../support/small_model.h"
#include "pollux/base/error.h"
#include "pollux/eval/evaluation.h"
#include "pollux/runtime/generate.h"

using namespace pollux;
using namespace pollux::eval;

namespace {

std::string write_temp(const std::string& name, const std::string& text) {
  const std::string path = "eval_" + name;
  std::ofstream(path, std::ios::binary) << text;
  return path;
}

Task one_task(const std::string& name, const std::string& line) {
  return read_task_file(name, write_temp(name + ".jsonl", line + "\n"), 0);
}

std::string error_of(const std::string& name, const std::string& text) {
  try {
    read_task_file(name, write_temp(name + ".jsonl", text), 0);
  } catch (const Error& e) { return e.what(); }
  return "(no error)";
}

}  // namespace

TEST_CASE("eval: bad task files give one error naming the file, the line and the field", "[eval]") {
  struct Case {
    const char* task;
    const char* text;
    const char* want;
  };
  const Case cases[] = {
      {"piqa",
       "{\"goal\": \"g\", \"sol1\": \"a\", \"sol2\": \"b\", \"label\": 0}\n{\"goal\": \"g\", \"sol1\": \"a\", \"label\": 1}\n",
       "eval_piqa.jsonl line 2: field 'sol2' is missing"},
      {"piqa", "{\"goal\": \"g\", \"sol1\": \"a\", \"sol2\": \"b\", \"label\": \"1\"}\n",
       "eval_piqa.jsonl line 1: field 'label' must be an integer"},
      {"piqa", "{\"goal\": \"g\", \"sol1\": \"a\", \"sol2\": \"b\", \"label\": 2}\n", "line 1: field 'label' must be in 0..1"},
      {"hellaswag",
       "{\"activity_label\": \"a\", \"ctx_a\": \"b\", \"ctx_b\": \"c\", \"endings\": [\"x\", 3], \"label\": \"0\"}\n",
       "eval_hellaswag.jsonl line 1: field 'endings' must be a non-empty list of strings"},
      {"hellaswag",
       "{\"activity_label\": \"a\", \"ctx_a\": \"b\", \"ctx_b\": \"c\", \"endings\": [\"x\", \"y\"], \"label\": 0.5}\n",
       "line 1: field 'label' must be an integer or a string of digits"},
      {"winogrande", "{\"sentence\": \"no blank\", \"option1\": \"a\", \"option2\": \"b\", \"answer\": \"1\"}\n",
       "line 1: field 'sentence' has no '_' blank"},
      {"winogrande", "{\"sentence\": \"a _ b\", \"option1\": \"a\", \"option2\": \"b\", \"answer\": 1}\n",
       "line 1: field 'answer' must be a string"},
      {"arc_easy", "{\"question\": \"q\", \"choices\": {\"text\": [\"a\"], \"label\": [\"A\"]}, \"answerKey\": \"B\"}\n",
       "line 1: field 'answerKey' 'B' is not one of choices.label"},
      {"sciq",
       "{\"question\": \"q\", \"distractor1\": \"a\", \"distractor2\": \"b\", \"distractor3\": \"c\", \"support\": \"s\"}\n",
       "eval_sciq.jsonl line 1: field 'correct_answer' is missing"},
      {"blimp", "\n\n{\"sentence_good\": \"a\", \"sentence_bad\": null}\n",
       "eval_blimp.jsonl line 3: field 'sentence_bad' must be a string"},
      {"lambada", "{\"text\": \"a b\"}\n{\"text\": \"a\n", "eval_lambada.jsonl line 2: [json]"},
      {"lambada", "", "task file eval_lambada.jsonl holds no items"},
      {"lambada", "\n  \n", "task file eval_lambada.jsonl holds no items"},
  };
  for (const Case& c : cases) {
    INFO(c.task << ": " << c.text);
    const std::string message = error_of(c.task, c.text);
    CHECK(message.find(c.want) != std::string::npos);
    CHECK(message.find('\n') == std::string::npos);
  }
  CHECK_THROWS_WITH(read_task_file("sciq", "eval_none.jsonl", 0), Catch::Contains("cannot open task file eval_none.jsonl"));
  CHECK_THROWS_WITH(split_task_list("sciq,mmlu"), Catch::Contains("--tasks: unknown task 'mmlu'"));
  CHECK(split_task_list("blimp,lambada") == std::vector<std::string>{"blimp", "lambada"});
}

TEST_CASE("eval: prompts, choices and gold as lm-eval 0.4's task files build them", "[eval]") {
  SECTION("blimp: empty context, ' ' + sentence, gold 0") {
    const Task t = one_task("blimp", R"({"sentence_good": "Good one.", "sentence_bad": "One good."})");
    CHECK(t.name == "blimp_eval_blimp");
    CHECK(t.group == "structural");
    REQUIRE(t.items.size() == 1);
    CHECK(t.items[0].requests[0].context.empty());
    CHECK(t.items[0].requests[0].continuation == " Good one.");
    CHECK(t.items[0].requests[1].continuation == " One good.");
    CHECK(t.items[0].gold == 0);
  }
  SECTION("sciq: support left-stripped, correct answer last") {
    const Task t = one_task(
        "sciq",
        R"({"question": "Q?", "distractor1": "a", "distractor2": "b", "distractor3": "c", "correct_answer": "d", "support": " \n S "})");
    CHECK(t.items[0].requests[3].context == "S \nQuestion: Q?\nAnswer:");
    CHECK(t.items[0].requests[3].continuation == " d");
    CHECK(t.items[0].gold == 3);
    CHECK(t.headline == "acc_norm");
  }
  SECTION("piqa and arc") {
    const Task p = one_task("piqa", R"({"goal": "G", "sol1": "x", "sol2": "y", "label": 1})");
    CHECK(p.items[0].requests[1].context == "Question: G\nAnswer:");
    CHECK(p.items[0].gold == 1);
    const Task a =
        one_task("arc_challenge",
                 R"({"question": "Q", "choices": {"text": ["p", "q", "r"], "label": ["1", "2", "3"]}, "answerKey": "3"})");
    CHECK(a.items[0].requests[0].continuation == " p");
    CHECK(a.items[0].gold == 2);
    CHECK(a.name == "arc_challenge");
  }
  SECTION("hellaswag: activity label, capitalized ctx_b, brackets dropped") {
    const Task t = one_task(
        "hellaswag",
        R"({"activity_label": "Making tea [title]", "ctx_a": "She boils", "ctx_b": "WATER and [step] Waits", "endings": [" pours [x] it.  ", "drinks"], "label": "1"})");
    CHECK(t.items[0].requests[0].context == "Making tea. : She boils Water and waits");
    CHECK(t.items[0].choices[0] == "pours it.");
    CHECK(t.items[0].requests[0].continuation == " pours it.");
    CHECK(t.items[0].gold == 1);
    CHECK(hellaswag_preprocess("a [b\n] c [d] e   f") == "a [b\n] c e  f");
    CHECK(python_capitalize("hELLO World") == "Hello world");
  }
  SECTION("winogrande: the option fills the blank and is the context, the rest is scored") {
    const Task t =
        one_task("winogrande", R"({"sentence": "Tom gave _ the book .", "option1": "Ann", "option2": "Bob", "answer": "2"})");
    CHECK(t.items[0].requests[0].context == "Tom gave Ann");
    CHECK(t.items[0].requests[1].context == "Tom gave Bob");
    CHECK(t.items[0].requests[1].continuation == " the book .");
    CHECK(t.items[0].gold == 1);
    CHECK(t.headline == "acc");
  }
  SECTION("lambada: the last word after the last space") {
    const Task t = one_task("lambada", R"({"text": "the cat sat on the mat"})");
    CHECK(t.name == "lambada_openai");
    CHECK(t.last_word);
    CHECK(t.items[0].requests[0].context == "the cat sat on the");
    CHECK(t.items[0].requests[0].continuation == " mat");
  }
  SECTION("--limit takes the first items") {
    const std::string line = R"({"text": "a b"})";
    CHECK(read_task_file("lambada", write_temp("limit.jsonl", line + "\n" + line + "\n" + line + "\n"), 2).items.size() == 2);
  }
  CHECK(code_points("caf\xc3\xa9") == 4);  // acc_norm divides by Python's len(), characters
}

TEST_CASE("eval: requests are encoded as lm-eval's TemplateLM encodes them", "[eval]") {
  const ByteTokenizer bytes;
  const TokenRequest empty = encode_request(bytes, {"", " ab"});
  CHECK(empty.context == std::vector<std::uint32_t>{256});
  CHECK(empty.continuation == std::vector<std::uint32_t>{' ', 'a', 'b'});
  const TokenRequest spaced = encode_request(bytes, {"x \n", "y"});  // trailing whitespace moves over
  CHECK(spaced.context == std::vector<std::uint32_t>{'x'});
  CHECK(spaced.continuation == std::vector<std::uint32_t>{' ', '\n', 'y'});
}

TEST_CASE("eval: batched, length-sorted scoring equals scoring one sequence at a time", "[eval]") {
  const ModelConfig c = test::small_model(1, 16);
  const PolluxModel model(c, 3, at::kCPU);
  std::vector<TokenRequest> requests{{{256}, {'a', 'b', 'c'}}, {{256, 'x', 'y', 'z', 'w'}, {'q'}}, {{256}, {'h', 'i'}}};
  // A request longer than the context keeps its last seq_len + 1 tokens, as lm-eval cuts it.
  TokenRequest longer{{256}, {}};
  for (int i = 0; i < 20; ++i) longer.context.push_back(std::uint32_t('a' + i % 26));
  longer.continuation = {'k', 'l'};
  requests.push_back(longer);
  for (int batch : {1, 3}) {
    const std::vector<Loglikelihood> got = score_requests(model, requests, batch);
    REQUIRE(got.size() == requests.size());
    for (std::size_t i = 0; i < 3; ++i) {
      const TokenRequest& r = requests[i];
      std::vector<std::uint32_t> rest(r.context.begin() + 1, r.context.end());
      const double whole = sequence_logprob(model, r.context[0], [&] {
        std::vector<std::uint32_t> all = rest;
        all.insert(all.end(), r.continuation.begin(), r.continuation.end());
        return all;
      }());
      const double ctx_only = rest.empty() ? 0.0 : sequence_logprob(model, r.context[0], rest);
      CHECK(std::abs(got[i].logprob - (whole - ctx_only)) < 1e-4);
    }
    CHECK(std::isfinite(got[3].logprob));
    CHECK(got[3].logprob < 0);
  }
  // A continuation longer than the context: its rolling windows after the context's last token.
  TokenRequest too_long{{'x', 256}, std::vector<std::uint32_t>(40, 'a')};
  double windows = 0;
  for (const Loglikelihood& l : score_requests(model, rolling_windows(too_long.continuation, 256, 16), 1)) windows += l.logprob;
  CHECK(std::abs(score_requests(model, {too_long}, 2)[0].logprob - windows) < 1e-4);
  CHECK_THROWS_WITH(score_requests(model, {TokenRequest{{256}, {}}}, 2), Catch::Contains("empty continuation"));
}

namespace {

// Requests of many lengths, one longer than the 16-token context, some whose continuation is
// the model's greedy one (found by asking it).
std::vector<TokenRequest> mixed_requests(const PolluxModel& model) {
  std::vector<TokenRequest> requests;
  std::mt19937 rng(5);
  for (int i = 0; i < 23; ++i) {
    TokenRequest r{{256}, {}};
    for (int k = int(rng() % 20); k > 0; --k) r.context.push_back(std::uint32_t(rng() % 257));
    for (int k = 1 + int(rng() % 6); k > 0; --k) r.continuation.push_back(std::uint32_t(rng() % 257));
    requests.push_back(r);
  }
  for (std::uint32_t start : {10u, 200u}) {  // greedy continuations
    TokenRequest r{{256, start}, {}};
    std::vector<std::int64_t> seq{256, start};
    for (int k = 0; k < 3; ++k) {
      const at::Tensor l = mask_padded_vocab(model.forward(at::tensor(seq, at::kLong).unsqueeze(0))[0][-1], 257);
      seq.push_back(l.argmax().item<std::int64_t>());
      r.continuation.push_back(std::uint32_t(seq.back()));
    }
    requests.push_back(r);
  }
  return requests;
}

}  // namespace

TEST_CASE("eval: the batched reduction (a GPU's) equals the per-request one bit for bit", "[eval]") {
  const PolluxModel model(test::small_model(2, 16), 4, at::kCPU);
  at::NoGradGuard no_grad;
  const std::vector<TokenRequest> requests = mixed_requests(model);
  for (int batch : {1, 4, 32}) {
    const auto host = score_requests(model, requests, batch, Reduction::per_request);
    const auto batched = score_requests(model, requests, batch, Reduction::batched);
    const auto automatic = score_requests(model, requests, batch);
    REQUIRE(host.size() == requests.size());
    int greedy = 0;
    for (std::size_t i = 0; i < requests.size(); ++i) {
      INFO("batch " << batch << ", request " << i);
      CHECK(batched[i].logprob == host[i].logprob);
      CHECK(batched[i].greedy == host[i].greedy);
      CHECK(automatic[i].logprob == host[i].logprob);  // the CPU reduces per request
      greedy += host[i].greedy;
    }
    CHECK(greedy >= 2);
  }
  // One batch of over 1,024 scored rows: the batched reduction's chunks join as one.
  std::vector<TokenRequest> many;
  for (int copy = 0; copy < 15; ++copy) many.insert(many.end(), requests.begin(), requests.end());
  const auto host = score_requests(model, many, int(many.size()), Reduction::per_request);
  const auto batched = score_requests(model, many, int(many.size()), Reduction::batched);
  std::size_t rows = 0, differ = 0;
  for (std::size_t i = 0; i < many.size(); ++i) {
    rows += many[i].continuation.size();
    differ += batched[i].logprob != host[i].logprob || batched[i].greedy != host[i].greedy;
  }
  CHECK(rows > 1024);
  CHECK(differ == 0);
}

TEST_CASE("eval: batched scoring on the GPU equals the CPU's", "[cuda]") {
  if (!at::hasCUDA()) POLLUX_SKIP_NO_GPU("no GPU: the CUDA scoring is skipped");
  PolluxModel model(test::small_model(2, 16), 4, at::kCPU);
  at::NoGradGuard no_grad;
  const std::vector<TokenRequest> requests = mixed_requests(model);
  const auto cpu = score_requests(model, requests, 8);
  model.to(at::kCUDA);
  const auto gpu = score_requests(model, requests, 8);
  for (std::size_t i = 0; i < requests.size(); ++i) {
    CHECK(std::abs(gpu[i].logprob - cpu[i].logprob) < 1e-4);
    CHECK(gpu[i].greedy == cpu[i].greedy);
  }
}

TEST_CASE("eval: wikitext pages detokenized and counted as lm-eval's wikitext task does", "[eval]") {
  // Expected values from lm-eval 0.4.13's preprocess_wikitext.py and len(re.split(r"\s+", page)).
  const std::string page =
      " = = Early life = = \n The 2 @,@ 000 men ( about 3 @.@ 5 % ) said \" hello \" , and it ' s over . Mr. N was 5 \xc2\xb0 "
      "hot ; "
      "[ a ] { b } 1980s ' fans /' 3/ x \n \xe3\x80\x80"
      "end\xe3\x80\x80 ";
  CHECK(
      wikitext_detokenize(page) ==
      " == Early life ==\nThe 2,000 men (about 3.5 %) said \"hello\", and it's over. Mr. 1 was 5\xc2\xb0hot; [a] {b} 1980s' fans "
      "/'[0-9]/ x\n\xe3\x80\x80"
      "end\xe3\x80\x80 ");
  CHECK(python_split_count(page) == 51);
  CHECK(python_split_count("") == 1);
  CHECK(python_split_count("a  b") == 2);
  const Task t = one_task("wikitext", R"({"page": " a @-@ b \n"})");
  CHECK(t.rolling);
  CHECK(t.headline == "word_perplexity");
  CHECK(t.items[0].requests[0].continuation == " a-b\n");
  CHECK(t.items[0].words == 5);  // ["", "a", "@-@", "b", ""]
  CHECK(t.items[0].bytes == 10);
}

TEST_CASE("eval: rolling windows as lm-eval's get_rolling_token_windows, made disjoint", "[eval]") {
  const std::vector<std::uint32_t> tokens{1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
  const std::vector<TokenRequest> w = rolling_windows(tokens, 0, 4);
  REQUIRE(w.size() == 3);
  CHECK(w[0].context == std::vector<std::uint32_t>{0});
  CHECK(w[0].continuation == std::vector<std::uint32_t>{1, 2, 3, 4});
  CHECK(w[1].context == std::vector<std::uint32_t>{4});
  CHECK(w[1].continuation == std::vector<std::uint32_t>{5, 6, 7, 8});
  CHECK(w[2].context == std::vector<std::uint32_t>{6, 7, 8});  // the short last window keeps a full context
  CHECK(w[2].continuation == std::vector<std::uint32_t>{9, 10});
  CHECK(rolling_windows({}, 0, 4).empty());
}
