// Benchmark tasks scored while a model trains (config keys eval_tasks, eval_task_dir,
// eval_tasks_every, eval_tasks_limit), so the plateau of the task scores is visible beside
// the loss: one row per task and summary in RUN_DIR/eval_tasks.csv.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "pollux/config/config.h"
#include "pollux/eval/tasks.h"
#include "pollux/model/model.h"
#include "pollux/tokenizer/tokenizer.h"
#include "pollux/train/csv_log.h"
#include "pollux/train/tensorboard.h"

namespace pollux {

class TrainingTasks {
 public:
  static constexpr const char* kHeader = "step,tokens,task,metric,value";

  // Reads the tasks once (a bad task file stops the run before its first step) and keeps
  // the rows of RUN_DIR/eval_tasks.csv up to resume_step. Does nothing when no tasks are set.
  // tokenizer_dir: the folder of gpt2.tiktoken (pollux-train's --tokenizer_dir). The scores also
  // go to `tensorboard` as tasks/<task>/<metric> when it is not null.
  TrainingTasks(const Config& config, const std::string& run_dir, std::int64_t resume_step, const std::string& tokenizer_dir,
                TensorBoardLog* tensorboard = nullptr);

  // Scores the tasks at every eval_tasks_every-th step and at the last one (`last`), appends
  // their rows, and returns a one-line summary for the log ("" when nothing was scored).
  std::string at_step(const PolluxModel& model, std::int64_t step, std::uint64_t tokens, bool last);

 private:
  std::int64_t every_ = 0;
  int batch_size_ = 8;
  std::optional<CsvLog> csv_;
  std::vector<eval::Task> tasks_;
  std::unique_ptr<Tokenizer> tokenizer_;
  TensorBoardLog* tensorboard_ = nullptr;
};

}  // namespace pollux
