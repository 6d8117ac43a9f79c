#include "pollux/train/training_tasks.h"

#include <sstream>

#include "pollux/eval/evaluation.h"

namespace pollux {

TrainingTasks::TrainingTasks(const Config& config, const std::string& run_dir, std::int64_t resume_step,
                             const std::string& tokenizer_dir, TensorBoardLog* tensorboard)
    : tensorboard_(tensorboard) {
  if (config.eval_tasks.empty() || config.eval_tasks_every <= 0) return;
  every_ = config.eval_tasks_every;
  batch_size_ = config.micro_batch;
  for (const std::string& name : eval::split_task_list(config.eval_tasks))
    for (eval::Task& t : eval::read_tasks(name, config.eval_task_dir, int(config.eval_tasks_limit)))
      tasks_.push_back(std::move(t));
  tokenizer_ = make_tokenizer(config.tokenizer, tokenizer_dir);
  // Rows past the resume point belong to an interrupted run: dropped, as metrics.csv's are.
  csv_.emplace(run_dir + "/eval_tasks.csv", kHeader, resume_step);
}

std::string TrainingTasks::at_step(const PolluxModel& model, std::int64_t step, std::uint64_t tokens, bool last) {
  if (tasks_.empty() || (step % every_ != 0 && !last)) return "";
  const std::vector<eval::TaskResult> results = eval::evaluate_tasks(model, *tokenizer_, tasks_, batch_size_);
  std::ostringstream summary;
  auto row = [&](const std::string& task, const std::string& metric, double value) {
    if (value < 0) return;
    std::ostringstream r;
    r.precision(8);
    r << step << "," << tokens << "," << task << "," << metric << "," << value;
    csv_->row(r.str());
    if (tensorboard_) tensorboard_->scalar("tasks/" + task + "/" + metric, step, value);
  };
  for (const eval::TaskResult& r : results) {
    row(r.name, "acc", r.acc);
    row(r.name, "acc_norm", r.acc_norm);
    row(r.name, "perplexity", r.perplexity);
    row(r.name, "word_perplexity", r.word_perplexity);
    row(r.name, "byte_perplexity", r.byte_perplexity);
    row(r.name, "bits_per_byte", r.bits_per_byte);
  }
  summary.precision(4);
  summary << "tasks at step " << step << ":";
  for (const eval::GroupSummary& s : eval::summarize(results)) {
    row(s.group, "mean", s.mean);
    summary << " " << s.group << " " << 100 * s.mean << "%";
  }
  if (tensorboard_) tensorboard_->flush();
  for (const eval::TaskResult& r : results)
    if (r.group.empty()) summary << " " << r.name << " " << r.headline << " " << r.headline_value;
  return summary.str();
}

}  // namespace pollux
