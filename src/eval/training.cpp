#include "pollux/eval/training.h"

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "pollux/base/data_dir.h"
#include "pollux/base/file_io.h"
#include "pollux/eval/evaluation.h"

namespace pollux::eval {

TrainingTasks::TrainingTasks(const Config& config, const std::string& run_dir, std::int64_t resume_step) {
  if (config.eval_tasks.empty() || config.eval_tasks_every <= 0) return;
  every_ = config.eval_tasks_every;
  batch_size_ = config.micro_batch;
  for (const std::string& name : split_task_list(config.eval_tasks))
    for (Task& t : read_tasks(name, config.eval_task_dir, int(config.eval_tasks_limit))) tasks_.push_back(std::move(t));
  tokenizer_ = make_tokenizer(config.tokenizer, bundled_data_dir());
  path_ = run_dir + "/eval_tasks.csv";
  // Rows past the resume point belong to an interrupted run: drop them, as metrics.csv does.
  std::string text = std::string(kHeader) + "\n";
  std::ifstream in(path_);
  std::string line;
  if (in && std::getline(in, line) && line == kHeader)
    while (std::getline(in, line))
      if (std::atoll(line.c_str()) <= resume_step && !line.empty() && line[0] >= '0' && line[0] <= '9') text += line + "\n";
  write_file_atomic(path_, std::vector<std::uint8_t>(text.begin(), text.end()));
}

std::string TrainingTasks::at_step(const PolluxModel& model, std::int64_t step, std::uint64_t tokens, bool last) {
  if (tasks_.empty() || (step % every_ != 0 && !last)) return "";
  const std::vector<TaskResult> results = evaluate_tasks(model, *tokenizer_, tasks_, batch_size_);
  std::ostringstream rows, summary;
  rows.precision(8);
  auto row = [&](const std::string& task, const std::string& metric, double value) {
    if (value >= 0) rows << step << "," << tokens << "," << task << "," << metric << "," << value << "\n";
  };
  for (const TaskResult& r : results) {
    row(r.name, "acc", r.acc);
    row(r.name, "acc_norm", r.acc_norm);
    row(r.name, "perplexity", r.perplexity);
    row(r.name, "word_perplexity", r.word_perplexity);
    row(r.name, "byte_perplexity", r.byte_perplexity);
    row(r.name, "bits_per_byte", r.bits_per_byte);
  }
  summary.precision(4);
  summary << "tasks at step " << step << ":";
  for (const GroupSummary& s : summarize(results)) {
    row(s.group, "mean", s.mean);
    summary << " " << s.group << " " << 100 * s.mean << "%";
  }
  for (const TaskResult& r : results)
    if (r.group.empty()) summary << " " << r.name << " " << r.headline << " " << r.headline_value;
  std::ofstream(path_, std::ios::app) << rows.str();
  return summary.str();
}

}  // namespace pollux::eval
