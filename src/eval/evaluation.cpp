#include "pollux/eval/evaluation.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>

#include "pollux/base/json.h"

namespace pollux::eval {

namespace {

// np.argmax: the first index of the largest value.
std::size_t first_max(const std::vector<double>& v) { return std::size_t(std::max_element(v.begin(), v.end()) - v.begin()); }

}  // namespace

std::vector<TaskResult> evaluate_tasks(const PolluxModel& model, const Tokenizer& tokenizer, const std::vector<Task>& tasks,
                                       int batch_size) {
  std::vector<TokenRequest> requests;
  std::vector<std::vector<std::uint32_t>> pages;
  for (const Task& t : tasks)
    for (const Item& item : t.items)
      for (const Request& r : item.requests) {
        if (!t.rolling) {
          requests.push_back(encode_request(tokenizer, r));
          continue;
        }
        pages.emplace_back();
        tokenizer.encode(r.continuation, pages.back());
      }
  std::vector<Loglikelihood> scores = score_requests(model, requests, batch_size);
  std::size_t next_page = 0;
  if (!pages.empty()) {  // rolling pages go after the rest, in task order
    std::vector<Loglikelihood> rolled;
    for (double l : rolling_loglikelihoods(model, pages, tokenizer.end_of_text(), batch_size)) rolled.push_back({l, false});
    std::size_t at = 0;
    std::vector<Loglikelihood> merged;
    for (const Task& t : tasks)
      for (const Item& item : t.items)
        for (std::size_t k = 0; k < item.requests.size(); ++k) merged.push_back(t.rolling ? rolled[next_page++] : scores[at++]);
    scores = std::move(merged);
  }
  std::vector<TaskResult> results;
  std::size_t next = 0;
  for (const Task& t : tasks) {
    TaskResult r;
    r.name = t.name;
    r.group = t.group;
    r.headline = t.headline;
    r.items = t.items.size();
    double right = 0, right_norm = 0, logprob = 0, words = 0, bytes = 0;
    for (const Item& item : t.items) {
      std::vector<Loglikelihood> ll(scores.begin() + std::ptrdiff_t(next),
                                    scores.begin() + std::ptrdiff_t(next + item.requests.size()));
      next += item.requests.size();
      if (t.rolling) {
        logprob += ll[0].logprob;
        words += double(item.words);
        bytes += double(item.bytes);
      } else if (t.last_word) {
        right += ll[0].greedy;
        logprob += ll[0].logprob;
      } else {
        std::vector<double> lls, norm;
        for (std::size_t c = 0; c < ll.size(); ++c) {
          lls.push_back(ll[c].logprob);
          norm.push_back(ll[c].logprob / double(code_points(item.choices[c])));  // lm-eval: len(choice)
        }
        right += first_max(lls) == std::size_t(item.gold);
        right_norm += first_max(norm) == std::size_t(item.gold);
      }
      r.loglikelihoods.push_back(std::move(ll));
    }
    const double n = double(r.items);
    r.acc = right / n;
    if (t.rolling) {
      r.word_perplexity = std::exp(-logprob / words);
      r.byte_perplexity = std::exp(-logprob / bytes);
      r.bits_per_byte = -logprob / bytes / std::log(2.0);
    } else if (t.last_word)
      r.perplexity = std::exp(-logprob / n);
    else if (t.headline == "acc_norm")
      r.acc_norm = right_norm / n;
    r.headline_value = t.rolling ? r.word_perplexity : t.headline == "acc_norm" ? r.acc_norm : r.acc;
    if (t.rolling) r.acc = -1;
    results.push_back(std::move(r));
  }
  return results;
}

std::vector<GroupSummary> summarize(const std::vector<TaskResult>& results) {
  std::vector<GroupSummary> out;
  for (const char* group : {"structural", "factual"}) {
    GroupSummary s;
    s.group = group;
    double sum = 0;
    for (const TaskResult& r : results) {
      if (r.group != group) continue;
      s.min = s.tasks ? std::min(s.min, r.headline_value) : r.headline_value;
      s.max = s.tasks ? std::max(s.max, r.headline_value) : r.headline_value;
      sum += r.headline_value;
      ++s.tasks;
    }
    if (!s.tasks) continue;
    s.mean = sum / double(s.tasks);
    out.push_back(s);
  }
  return out;
}

std::string report_text(const std::vector<TaskResult>& results) {
  std::string out;
  char line[256];
  std::snprintf(line, sizeof line, "%-56s %7s %8s %8s %11s\n", "task", "items", "acc", "acc_norm", "perplexity");
  out += line;
  for (const TaskResult& r : results) {
    char norm[32] = "-", ppl[32] = "-";
    if (r.acc_norm >= 0) std::snprintf(norm, sizeof norm, "%.2f%%", 100 * r.acc_norm);
    if (r.perplexity >= 0) std::snprintf(ppl, sizeof ppl, "%.3f", r.perplexity);
    if (r.word_perplexity >= 0) {
      std::snprintf(line, sizeof line, "%-56s %7llu  word_perplexity %.4f  byte_perplexity %.4f  bits_per_byte %.4f\n",
                    r.name.c_str(), (unsigned long long)r.items, r.word_perplexity, r.byte_perplexity, r.bits_per_byte);
    } else {
      std::snprintf(line, sizeof line, "%-56s %7llu %7.2f%% %8s %11s\n", r.name.c_str(), (unsigned long long)r.items, 100 * r.acc,
                    norm, ppl);
    }
    out += line;
  }
  for (const GroupSummary& s : summarize(results)) {
    std::string upper = s.group;
    std::transform(upper.begin(), upper.end(), upper.begin(), [](unsigned char c) { return char(std::toupper(c)); });
    std::snprintf(line, sizeof line, "%-10s %3zu tasks  mean %6.2f%%  min %6.2f%%  max %6.2f%%\n", upper.c_str(), s.tasks,
                  100 * s.mean, 100 * s.min, 100 * s.max);
    out += line;
  }
  return out;
}

std::string report_json(const std::string& model_path, const std::string& kind, const std::vector<TaskResult>& results,
                        bool with_loglikelihoods) {
  JsonWriter j;
  j.begin_object().field("model", model_path).field("kind", kind).key("tasks").begin_object();
  for (const TaskResult& r : results) {
    j.key(r.name).begin_object().field("items", r.items);
    if (r.acc >= 0) j.field("acc", r.acc);
    if (r.word_perplexity >= 0)
      j.field("word_perplexity", r.word_perplexity)
          .field("byte_perplexity", r.byte_perplexity)
          .field("bits_per_byte", r.bits_per_byte);
    if (r.acc_norm >= 0) j.field("acc_norm", r.acc_norm);
    if (r.perplexity >= 0) j.field("perplexity", r.perplexity);
    j.field("group", r.group).field("headline", r.headline);
    if (with_loglikelihoods) {
      j.key("loglikelihoods").begin_array();
      for (const auto& item : r.loglikelihoods) {
        j.begin_array();
        for (const Loglikelihood& l : item) j.begin_array().value(l.logprob).value(l.greedy).end_array();
        j.end_array();
      }
      j.end_array();
    }
    j.end_object();
  }
  j.end_object().key("summary").begin_object();
  for (const GroupSummary& s : summarize(results))
    j.key(s.group)
        .begin_object()
        .field("tasks", std::uint64_t(s.tasks))
        .field("mean", s.mean)
        .field("min", s.min)
        .field("max", s.max)
        .end_object();
  j.end_object().end_object();
  return j.str();
}

}  // namespace pollux::eval
