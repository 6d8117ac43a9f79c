#include "pollux/eval/serve.h"

#include <algorithm>
#include <cmath>
#include <istream>
#include <new>
#include <optional>
#include <ostream>
#include <streambuf>

#include "pollux/base/error.h"
#include "pollux/base/json.h"
#include "pollux/eval/scoring.h"
#include "pollux/runtime/generate.h"

namespace pollux::eval {

namespace {

// One element of "requests": a loglikelihood request (context and continuation as token ids)
// or a generate_until one (context as text, until, max_gen_toks).
struct RequestItem {
  std::optional<std::vector<std::uint32_t>> context_ids, continuation;
  std::optional<std::string> context_text;
  std::optional<JsonValue> until, max_gen_toks;
};

struct Request {
  std::optional<JsonValue> op, texts;
  std::optional<std::vector<RequestItem>> requests;
};

// Reads a request line. The generic parser (parse_json) spends a JsonValue of 120 bytes on
// every token id, and three times that while its array grows: a 20 MB line of ids took
// 2.4 GB. This reader walks the request's few levels itself and keeps ids as 4-byte
// integers; every other value goes through the generic parser, so the syntax accepted is
// the same (any key order; unknown keys are read and ignored).
class RequestReader {
 public:
  RequestReader(const std::string& line, std::uint32_t vocab) : s_(line), vocab_(vocab) {}

  Request request() {
    Request r;
    object([&](const std::string& key) {
      if (key == "requests") {
        if (!at('[')) throw Error("serve", "'requests' must be a list");
        r.requests.emplace();
        array([&] { r.requests->push_back(item()); });
      } else if (key == "op") {
        r.op = value();
      } else if (key == "texts") {
        r.texts = value();
      } else {
        value();
      }
    });
    skip_space();
    if (pos_ != s_.size()) fail("trailing characters");
    return r;
  }

 private:
  [[noreturn]] void fail(const std::string& what) const { throw Error("json", what + " at byte " + std::to_string(pos_)); }
  void skip_space() {
    while (pos_ < s_.size() && (s_[pos_] == ' ' || s_[pos_] == '\t' || s_[pos_] == '\n' || s_[pos_] == '\r')) ++pos_;
  }
  bool at(char c) {
    skip_space();
    return pos_ < s_.size() && s_[pos_] == c;
  }
  void expect(char c) {
    if (!at(c)) fail(std::string("expected '") + c + "'");
    ++pos_;
  }
  JsonValue value() { return parse_json_value(s_, pos_); }

  // {"key": value, ...}: on_key(key) reads the value.
  template <typename F>
  void object(F on_key) {
    expect('{');
    if (at('}')) {
      ++pos_;
      return;
    }
    do {
      if (!at('"')) fail("expected a string key");
      const std::string key = value().string;
      expect(':');
      on_key(key);
    } while (at(',') && ++pos_);
    expect('}');
  }
  // [element, ...]: on_element() reads each.
  template <typename F>
  void array(F on_element) {
    expect('[');
    if (at(']')) {
      ++pos_;
      return;
    }
    do on_element();
    while (at(',') && ++pos_);
    expect(']');
  }
  std::vector<std::uint32_t> ids(const std::string& what) {
    if (!at('[')) throw Error("serve", what + " must be a list of token ids");
    std::vector<std::uint32_t> out;
    array([&] {
      const JsonValue e = value();
      if (e.kind != JsonValue::Kind::number || e.number < 0 || e.number >= vocab_ || e.number != std::floor(e.number))
        throw Error("serve", what + " holds something that is not a token id below " + std::to_string(vocab_));
      out.push_back(std::uint32_t(e.number));
    });
    out.shrink_to_fit();
    return out;
  }
  RequestItem item() {
    RequestItem it;
    if (!at('{')) throw Error("serve", "each of 'requests' must be an object");
    object([&](const std::string& key) {
      if (key == "context" && at('['))
        it.context_ids = ids("'context'");
      else if (key == "context" && at('"'))
        it.context_text = value().string;
      else if (key == "context")
        throw Error("serve", "'context' must be a list of token ids or a string");
      else if (key == "continuation")
        it.continuation = ids("'continuation'");
      else if (key == "until")
        it.until = value();
      else if (key == "max_gen_toks")
        it.max_gen_toks = value();
      else
        value();
    });
    return it;
  }

  const std::string& s_;
  const std::uint32_t vocab_;
  std::size_t pos_ = 0;
};

const std::vector<JsonValue>& list_field(const std::optional<JsonValue>& v, const std::string& key) {
  if (!v || v->kind != JsonValue::Kind::array) throw Error("serve", "'" + key + "' must be a list");
  return v->array;
}

std::vector<RequestItem>& requests_of(Request& r) {
  if (!r.requests) throw Error("serve", "'requests' must be a list");
  return *r.requests;
}

std::string string_of(const JsonValue& v, const std::string& what) {
  if (v.kind != JsonValue::Kind::string) throw Error("serve", what + " must be a string");
  return v.string;
}

struct StopGeneration {};

// Greedy continuation of `context` until one of `until` appears or max_gen_toks tokens;
// the text is cut before the first stop string, as lm-eval's generate_until does. The text
// is the tokens' bytes as valid UTF-8 (valid_utf8: a token holding part of a character gives
// U+FFFD), as lm-eval's Hugging Face model decodes its ids (tokenizer.decode) before it cuts.
std::string generate_until(const PolluxModel& model, const Tokenizer& tokenizer, const std::string& context,
                           const std::vector<std::string>& until, int max_gen_toks) {
  std::vector<std::uint32_t> prompt;
  tokenizer.encode(context, prompt);
  const std::size_t room = std::size_t(model.config().seq_len - max_gen_toks);  // >= 1 (answer() bounds max_gen_toks)
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
      text = valid_utf8(tokenizer.decode(made));
      if (stop_at() != std::string::npos) throw StopGeneration{};
    });
  } catch (const StopGeneration&) {}
  const std::size_t cut = stop_at();
  return cut == std::string::npos ? text : text.substr(0, cut);
}

std::string answer(const PolluxModel& model, const Tokenizer& tokenizer, const std::string& line, const ServeOptions& options) {
  const int batch_size = options.batch_size;
  const std::uint32_t vocab = std::uint32_t(model.config().tokenizer_vocab_size);
  const std::int64_t seq_len = model.config().seq_len;
  Request request = RequestReader(line, vocab).request();
  if (!request.op || request.op->kind != JsonValue::Kind::string) throw Error("serve", "a request needs an \"op\" string");
  const std::string& op = request.op->string;
  JsonWriter j;
  j.begin_object();
  if (op == "info") {
    j.field("eot_token_id", std::uint64_t(tokenizer.end_of_text()))
        .field("max_length", seq_len)
        .field("max_request_bytes", std::uint64_t(options.max_request_bytes))
        .field("tokenizer", tokenizer.name())
        .field("vocab_size", std::uint64_t(vocab));
  } else if (op == "tokenize") {
    j.key("tokens").begin_array();
    for (const JsonValue& t : list_field(request.texts, "texts")) {
      std::vector<std::uint32_t> ids;
      tokenizer.encode(string_of(t, "each of 'texts'"), ids);
      j.begin_array();
      for (std::uint32_t id : ids) j.value(std::uint64_t(id));
      j.end_array();
    }
    j.end_array();
  } else if (op == "loglikelihood") {
    std::vector<TokenRequest> requests;
    for (RequestItem& r : requests_of(request)) {
      if (!r.context_ids) throw Error("serve", "'context' must be a list of token ids");
      if (!r.continuation) throw Error("serve", "'continuation' must be a list of token ids");
      if (r.context_ids->empty()) throw Error("serve", "'context' must hold at least one token");
      requests.push_back({std::move(*r.context_ids), std::move(*r.continuation)});
    }
    j.key("results").begin_array();
    for (const Loglikelihood& l : score_requests(model, requests, batch_size))
      j.begin_array().value(l.logprob).value(l.greedy).end_array();
    j.end_array();
  } else if (op == "loglikelihood_rolling") {
    std::vector<std::vector<std::uint32_t>> texts;
    for (const JsonValue& t : list_field(request.texts, "texts")) {
      texts.emplace_back();
      tokenizer.encode(string_of(t, "each of 'texts'"), texts.back());
    }
    j.key("results").begin_array();
    for (double l : rolling_loglikelihoods(model, texts, tokenizer.end_of_text(), batch_size)) j.value(l);
    j.end_array();
  } else if (op == "generate_until") {
    // max_gen_toks is bounded by the context: at most seq_len - 1, so that at least one
    // token of context remains (lm-eval's HF model refuses max_gen_toks >= max_length).
    if (seq_len < 2)
      throw Error("serve", "generate_until needs a context of 2 tokens or more; this model's is " + std::to_string(seq_len));
    j.key("results").begin_array();
    for (const RequestItem& r : requests_of(request)) {
      if (!r.context_text) throw Error("serve", "a generate_until request needs 'context' (a string)");
      std::vector<std::string> until;
      if (r.until)
        for (const JsonValue& s : list_field(r.until, "until")) until.push_back(valid_utf8(string_of(s, "each of 'until'")));
      double n = 256;
      if (r.max_gen_toks) {
        n = r.max_gen_toks->number;
        if (r.max_gen_toks->kind != JsonValue::Kind::number || n < 1 || n != std::floor(n))
          throw Error("serve", "'max_gen_toks' must be a positive whole number");
      }
      const int max_gen_toks = int(std::min<double>(n, double(seq_len - 1)));
      j.value(generate_until(model, tokenizer, *r.context_text, until, max_gen_toks));
    }
    j.end_array();
  } else {
    throw Error("serve",
                "unknown op '" + op.substr(0, 64) + "' (info, tokenize, loglikelihood, loglikelihood_rolling, generate_until)");
  }
  j.end_object();
  return j.str();
}

enum class LineRead { line, too_long, no_memory, end };

// One line of `in` into `line`, at most `limit` bytes: the rest of a longer line (or of one
// that memory cannot hold) is read and dropped as it comes, so a huge line never sits in memory.
LineRead read_line(std::streambuf& in, std::string& line, std::size_t limit) {
  line.clear();
  bool any = false;
  LineRead kind = LineRead::line;
  for (int c = in.sbumpc(); c != std::char_traits<char>::eof(); c = in.sbumpc()) {
    any = true;
    if (c == '\n') return kind;
    if (kind != LineRead::line) continue;
    if (line.size() == limit) {
      kind = LineRead::too_long;
      continue;
    }
    try {
      line += char(c);
    } catch (const std::bad_alloc&) {
      std::string().swap(line);
      kind = LineRead::no_memory;
    }
  }
  return any ? kind : LineRead::end;
}

std::string error_reply(const std::string& message) {
  return JsonWriter().begin_object().field("error", valid_utf8(message)).end_object().str();
}

}  // namespace

void serve(const PolluxModel& model, const Tokenizer& tokenizer, std::istream& in, std::ostream& out,
           const ServeOptions& options) {
  std::string line;
  for (LineRead r; (r = read_line(*in.rdbuf(), line, options.max_request_bytes)) != LineRead::end;) {
    if (r == LineRead::line && line.find_first_not_of(" \t\r") == std::string::npos) continue;
    // Every request gets one reply line: whatever fails (a c10 error, an allocation) becomes
    // this request's error, its first line only (c10 appends stack frames). Replies are valid
    // UTF-8 whatever they echo (lm-eval's client reads UTF-8 text).
    std::string reply;
    try {
      if (r == LineRead::too_long)
        reply = error_reply("[serve] a request line longer than " + std::to_string(options.max_request_bytes) +
                            " bytes (--max_request_mb): skipped");
      else if (r == LineRead::no_memory)
        reply = error_reply("[serve] out of memory reading this request line: skipped");
      else
        reply = valid_utf8(answer(model, tokenizer, line, options));
    } catch (const std::bad_alloc&) {
      reply = error_reply("[serve] out of memory answering this request");
    } catch (const std::exception& e) {
      const std::string what = e.what();
      reply = error_reply(what.substr(0, std::min<std::size_t>(what.find('\n'), 2000)));
    }
    out << reply << "\n";
    out.flush();
  }
}

}  // namespace pollux::eval
