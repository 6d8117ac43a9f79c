// What a training run reports after each step: a row of metrics.csv, a row of
// lattice_stats.csv on logged steps (lattice runs), the same scalars in the run's TensorBoard
// event file (config key tensorboard; flushed on logged steps), and the console line (a progress line
// rewritten in place between logged steps when stdout is a terminal). Only the writing rank
// of a data-parallel run reports; the others' RunLog does nothing.
#pragma once

#include <cmath>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "pollux/config/config.h"
#include "pollux/optim/optimizer.h"
#include "pollux/train/csv_log.h"
#include "pollux/train/lattice_stats.h"
#include "pollux/train/tensorboard.h"

namespace pollux {

struct StepRecord {
  std::int64_t step = 0;
  std::uint64_t tokens = 0;
  double loss = 0;
  double val_loss = NAN;  // NaN: not measured at this step
  StepStats stats;
  double tokens_per_s = 0, elapsed_s = 0, eta_s = 0;
  std::int64_t peak_device_bytes = 0;  // CUDA: the run's peak allocated bytes so far (0 on the CPU)
  bool batch_changed = false;          // the first step after a resume with another batch shape
  bool last = false;                   // the run's final step
};

class RunLog {
 public:
  // Continues RUN_DIR/metrics.csv and lattice_stats.csv from resume_step. `lattice_matrices`
  // (empty for quantizer = none) and `start` (the optimizer state the run begins from) seed the
  // lattice statistics.
  RunLog(const Config& config, const std::string& run_dir, std::int64_t resume_step,
         const std::vector<std::string>& lattice_matrices, const OptimizerState& start, bool writer);

  // Call after every optimizer step.
  void step(const StepRecord& record, const Optimizer& optimizer);
  // A milestone checkpoint was written: lattice churn "since_milestone" counts from here.
  void milestone(const Optimizer& optimizer);
  // The run's event file (null when tensorboard = false and on the ranks that do not write).
  TensorBoardLog* tensorboard() { return tensorboard_ ? &*tensorboard_ : nullptr; }

 private:
  bool logged(const StepRecord& r) const;
  void tensorboard_scalars(const StepRecord& r, const StatsTable& lattice_table, bool flush);

  std::int64_t max_steps_;
  int log_every_;
  bool writer_, tty_, lattice_run_, pollux_step_;  // quantizer = lattice; optimizer = pollux
  std::optional<CsvLog> metrics_, lattice_csv_;
  std::optional<LatticeStats> lattice_;
  std::optional<TensorBoardLog> tensorboard_;
};

// "1h02m", "3m05s", "42s" ("?" for a negative or non-finite time).
std::string format_duration(double seconds);

}  // namespace pollux
