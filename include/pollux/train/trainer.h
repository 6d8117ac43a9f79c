// The training loop behind pollux-train: batches, forward/backward with gradient
// accumulation, the optimizer step, validation, logs, metrics and checkpoints, resume.
#pragma once

#include <string>
#include <vector>

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
  std::string resume;        // checkpoint to continue from ("" = none)
  bool auto_resume = false;  // continue from the newest checkpoint in out_dir, if any
};

// Exit status: 0 on completion or after a signal (a checkpoint was written), 3 when the loss
// or the state became NaN or infinite (the last good, finite, checkpoint is kept). Other failures throw.
int train(const TrainOptions& options);

// SIGINT and SIGTERM ask the trainer to stop after the current step (with a checkpoint) or,
// before the first step, at once (nothing written; exit 0). pollux-train installs these
// first thing, so a signal during start-up (reading data, building the model) is clean too.
void install_stop_handlers();

}  // namespace pollux
