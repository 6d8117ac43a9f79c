// The training loop behind pollux-train: batches, forward/backward with gradient
// accumulation, the optimizer step, validation, logs, metrics and checkpoints, resume.
#pragma once

#include <string>
#include <vector>

#include "pollux/base/data_dir.h"
#include "pollux/base/stop_signal.h"
#include "pollux/config/config.h"

namespace pollux {

struct TrainOptions {
  Config config;
  // On resume without a config file, the run is the checkpoint's configuration plus these
  // --key value overrides; with one, it is the file's (and the overrides). Either way the
  // keys that define the model and its training must equal the checkpoint's.
  bool config_from_file = false;
  std::vector<std::string> override_args;
  std::string out_dir;
  std::string resume;                              // checkpoint to continue from ("" = none)
  bool auto_resume = false;                        // continue from the newest checkpoint in out_dir, if any
  bool overwrite = false;                          // a fresh run may replace another run's files in out_dir
  std::string tokenizer_dir = bundled_data_dir();  // gpt2.tiktoken's folder, for the eval_tasks scored while training
};

// Exit status: 0 on completion or after a signal (a checkpoint was written), 3 when the loss
// or the state became NaN or infinite (the last good, finite, checkpoint is kept). Other failures throw.
//
// SIGINT and SIGTERM (base/stop_signal.h) ask the trainer to stop after the current step,
// cutting short a validation or task evaluation in progress, with a checkpoint; before the
// first step, at once (nothing written; exit 0). pollux-train installs the handlers first
// thing, so a signal during start-up (reading data, building the model) is clean too.
int train(const TrainOptions& options);

}  // namespace pollux
