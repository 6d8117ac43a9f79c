// Scoring whole tasks and the report the paper prints: per task, then the STRUCTURAL
// (BLiMP) and FACTUAL summaries. Metrics as lm-evaluation-harness 0.4 computes them.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "pollux/eval/scoring.h"
#include "pollux/eval/tasks.h"

namespace pollux::eval {

struct TaskResult {
  std::string name, group, headline;
  std::uint64_t items = 0;
  double acc = 0;          // argmax of the log-likelihoods is gold (first maximum on ties), -1 for wikitext;
                           // LAMBADA: the last word is the greedy continuation
  double acc_norm = -1;    // argmax of log-likelihood / characters of the choice; -1: not a metric of the task
  double perplexity = -1;  // LAMBADA: exp(-mean log-likelihood of the last word); -1: not a metric
  // wikitext: exp(-total log-likelihood / words), exp(-total / bytes), -total / bytes / ln 2
  // (words and bytes of the original pages, as lm-eval counts them); -1: not a metric
  double word_perplexity = -1, byte_perplexity = -1, bits_per_byte = -1;
  double headline_value = 0;
  std::vector<std::vector<Loglikelihood>> loglikelihoods;  // per item, per request
};

struct GroupSummary {
  std::string group;
  std::size_t tasks = 0;
  double mean = 0, min = 0, max = 0;  // of the tasks' headline metric
};

// Scores every request of every task in one length-sorted pass (wikitext pages in another,
// over their rolling windows).
std::vector<TaskResult> evaluate_tasks(const PolluxModel& model, const Tokenizer& tokenizer, const std::vector<Task>& tasks,
                                       int batch_size);

// One summary per group present ("structural", then "factual").
std::vector<GroupSummary> summarize(const std::vector<TaskResult>& results);

// The report as text (a table, then the summaries) and as one JSON object; with
// `with_loglikelihoods`, every request's log-likelihood and greediness too.
std::string report_text(const std::vector<TaskResult>& results);
std::string report_json(const std::string& model_path, const std::string& kind, const std::vector<TaskResult>& results,
                        bool with_loglikelihoods);

}  // namespace pollux::eval
