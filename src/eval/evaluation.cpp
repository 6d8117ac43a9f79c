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
  for (const Task& t : tasks)
    for (const Item& item : t.items)
      for (const Request& r : item.requests) requests.push_back(encode_request(tokenizer, r));
  const std::vector<Loglikelihood> scores = score_requests(model, requests, batch_size);
  std::vector<TaskResult> results;
  std::size_t next = 0;
  for (const Task& t : tasks) {
    TaskResult r;
    r.name = t.name;
    r.group = t.group;
    r.headline = t.headline;
    r.items = t.items.size();
    double right = 0, right_norm = 0, logprob = 0;
    for (const Item& item : t.items) {
      std::vector<Loglikelihood> ll(scores.begin() + std::ptrdiff_t(next), scores.begin() + std::ptrdiff_t(next + item.requests.size()));
      next += item.requests.size();
      if (t.last_word) {
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
    if (t.last_word) r.perplexity = std::exp(-logprob / n);
    else if (t.headline == "acc_norm") r.acc_norm = right_norm / n;
    r.headline_value = t.headline == "acc_norm" ? r.acc_norm : r.acc;
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
    std::snprintf(line, sizeof line, "%-56s %7llu %7.2f%% %8s %11s\n", r.name.c_str(), (unsigned long long)r.items, 100 * r.acc,
                  norm, ppl);
    out += line;
  }
  for (const GroupSummary& s : summarize(results)) {
    std::string upper = s.group;
    std::transform(upper.begin(), upper.end(), upper.begin(), [](unsigned char c) { return char(std::toupper(c)); });
    std::snprintf(line, sizeof line, "%-10s %3zu tasks  mean %6.2f%%  min %6.2f%%  max %6.2f%%\n", upper.c_str(), s.tasks, 100 * s.mean,
                  100 * s.min, 100 * s.max);
    out += line;
  }
  return out;
}

std::string report_json(const std::string& model_path, const std::string& kind, const std::vector<TaskResult>& results,
                        bool with_loglikelihoods) {
  JsonWriter j;
  j.begin_object().field("model", model_path).field("kind", kind).key("tasks").begin_object();
  for (const TaskResult& r : results) {
    j.key(r.name).begin_object().field("items", r.items).field("acc", r.acc);
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
    j.key(s.group).begin_object().field("tasks", std::uint64_t(s.tasks)).field("mean", s.mean).field("min", s.min).field("max", s.max).end_object();
  j.end_object().end_object();
  return j.str();
}

}  // namespace pollux::eval
