#include "pollux/eval/serve.h"

#include <algorithm>
#include <cmath>
#include <istream>
#include <ostream>

#include "pollux/base/error.h"
#include "pollux/base/json.h"
#include "pollux/eval/scoring.h"
#include "pollux/runtime/generate.h"

namespace pollux::eval {

namespace {

const JsonValue& list_field(const JsonValue& request, const std::string& key) {
  const JsonValue* v = request.get(key);
  if (!v || v->kind != JsonValue::Kind::array) throw Error("serve", "'" + key + "' must be a list");
  return *v;
}

std::string string_of(const JsonValue& v, const std::string& what) {
  if (v.kind != JsonValue::Kind::string) throw Error("serve", what + " must be a string");
  return v.string;
}

std::vector<std::uint32_t> ids_of(const JsonValue* v, const std::string& what, std::uint32_t vocab) {
  if (!v || v->kind != JsonValue::Kind::array) throw Error("serve", what + " must be a list of token ids");
  std::vector<std::uint32_t> ids;
  for (const JsonValue& e : v->array) {
    if (e.kind != JsonValue::Kind::number || e.number < 0 || e.number >= vocab || e.number != std::floor(e.number))
      throw Error("serve", what + " holds something that is not a token id below " + std::to_string(vocab));
    ids.push_back(std::uint32_t(e.number));
  }
  return ids;
}

struct StopGeneration {};

// Greedy continuation of `context` until one of `until` appears or max_gen_toks tokens;
// the text is cut before the first stop string, as lm-eval's generate_until does.
std::string generate_until(const PolluxModel& model, const Tokenizer& tokenizer, const std::string& context,
                           const std::vector<std::string>& until, int max_gen_toks) {
  std::vector<std::uint32_t> prompt;
  tokenizer.encode(context, prompt);
  const std::size_t room = std::size_t(std::max<std::int64_t>(1, model.config().seq_len - max_gen_toks));
  if (prompt.size() > room) prompt.erase(prompt.begin(), prompt.end() - std::ptrdiff_t(room));  // keep the end, as lm-eval
  if (prompt.empty()) prompt.push_back(tokenizer.end_of_text());
  SamplingOptions o;
  o.temperature = 0;
  o.max_new_tokens = max_gen_toks;
  o.end_of_text = tokenizer.end_of_text();
  std::vector<std::uint32_t> made;
  std::string text;
  auto stop_at = [&] {
    std::size_t cut = std::string::npos;
    for (const std::string& u : until)
      if (!u.empty()) cut = std::min(cut, text.find(u));
    return cut;
  };
  try {
    generate(model, prompt, o, [&](std::uint32_t id) {
      if (id == tokenizer.end_of_text()) return;
      made.push_back(id);
      text = tokenizer.decode(made);
      if (stop_at() != std::string::npos) throw StopGeneration{};
    });
  } catch (const StopGeneration&) {
  }
  const std::size_t cut = stop_at();
  return cut == std::string::npos ? text : text.substr(0, cut);
}

std::string answer(const PolluxModel& model, const Tokenizer& tokenizer, const JsonValue& request, int batch_size) {
  const JsonValue* op = request.get("op");
  if (!op || op->kind != JsonValue::Kind::string) throw Error("serve", "a request needs an \"op\" string");
  const std::uint32_t vocab = std::uint32_t(model.config().tokenizer_vocab_size);
  JsonWriter j;
  j.begin_object();
  if (op->string == "info") {
    j.field("eot_token_id", std::uint64_t(tokenizer.end_of_text())).field("max_length", std::int64_t(model.config().seq_len))
        .field("tokenizer", tokenizer.name()).field("vocab_size", std::uint64_t(vocab));
  } else if (op->string == "tokenize") {
    j.key("tokens").begin_array();
    for (const JsonValue& t : list_field(request, "texts").array) {
      std::vector<std::uint32_t> ids;
      tokenizer.encode(string_of(t, "each of 'texts'"), ids);
      j.begin_array();
      for (std::uint32_t id : ids) j.value(std::uint64_t(id));
      j.end_array();
    }
    j.end_array();
  } else if (op->string == "loglikelihood") {
    std::vector<TokenRequest> requests;
    for (const JsonValue& r : list_field(request, "requests").array) {
      requests.push_back({ids_of(r.get("context"), "'context'", vocab), ids_of(r.get("continuation"), "'continuation'", vocab)});
      if (requests.back().context.empty()) throw Error("serve", "'context' must hold at least one token");
    }
    j.key("results").begin_array();
    for (const Loglikelihood& l : score_requests(model, requests, batch_size)) j.begin_array().value(l.logprob).value(l.greedy).end_array();
    j.end_array();
  } else if (op->string == "loglikelihood_rolling") {
    std::vector<std::vector<std::uint32_t>> texts;
    for (const JsonValue& t : list_field(request, "texts").array) {
      texts.emplace_back();
      tokenizer.encode(string_of(t, "each of 'texts'"), texts.back());
    }
    j.key("results").begin_array();
    for (double l : rolling_loglikelihoods(model, texts, tokenizer.end_of_text(), batch_size)) j.value(l);
    j.end_array();
  } else if (op->string == "generate_until") {
    j.key("results").begin_array();
    for (const JsonValue& r : list_field(request, "requests").array) {
      const JsonValue* context = r.get("context");
      if (!context) throw Error("serve", "a generate_until request needs 'context'");
      std::vector<std::string> until;
      if (r.get("until"))
        for (const JsonValue& s : list_field(r, "until").array) until.push_back(string_of(s, "each of 'until'"));
      const JsonValue* n = r.get("max_gen_toks");
      const int max_gen_toks = n && n->kind == JsonValue::Kind::number ? int(n->number) : 256;
      if (max_gen_toks <= 0) throw Error("serve", "'max_gen_toks' must be positive");
      j.value(generate_until(model, tokenizer, string_of(*context, "'context'"), until, max_gen_toks));
    }
    j.end_array();
  } else {
    throw Error("serve", "unknown op '" + op->string + "' (info, tokenize, loglikelihood, loglikelihood_rolling, generate_until)");
  }
  j.end_object();
  return j.str();
}

}  // namespace

void serve(const PolluxModel& model, const Tokenizer& tokenizer, std::istream& in, std::ostream& out, int batch_size) {
  std::string line;
  while (std::getline(in, line)) {
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    std::string reply;
    try {
      reply = answer(model, tokenizer, parse_json(line), batch_size);
    } catch (const Error& e) {
      reply = JsonWriter().begin_object().field("error", std::string(e.what())).end_object().str();
    }
    out << reply << "\n";
    out.flush();
  }
}

}  // namespace pollux::eval
