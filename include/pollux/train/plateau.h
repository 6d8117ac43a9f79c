// Where a run has crystallised (issue 14): the paper packs Pollux where capacity churn has
// ceased, i.e. stays negligible over the next 1.3 B tokens of training. From a run folder's
// metrics.csv (step -> tokens), lattice_stats.csv (all:churn) and its checkpoints, the
// earliest checkpoint after which the overall churn stays at or below `churn_tolerance` for
// `window_tokens` more tokens, and, when the run scored benchmark tasks (eval_tasks.csv), every
// accuracy (acc, acc_norm, the STRUCTURAL and FACTUAL means) measured in that window stays
// within `score_tolerance` of its value at the checkpoint (the latest scored at or before it).
#pragma once

#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

namespace pollux {

struct CheckpointChurn {
  std::int64_t step = 0;
  std::uint64_t tokens = 0;
  double churn = 0;              // all:churn at the checkpoint's step (NaN if not logged)
  double window_max_churn = 0;   // largest all:churn over the following window (NaN if none)
  bool window_complete = false;  // the run went window_tokens past the checkpoint
  // largest |change| of a task accuracy over the window (NaN: no scores to compare)
  double window_max_score_change = NAN;
};

struct PlateauReport {
  std::vector<CheckpointChurn> checkpoints;  // by step
  std::string plateau_checkpoint;            // path of the checkpoint to pack ("" = no plateau yet)
  std::int64_t plateau_step = -1;
};

// Throws pollux::Error naming a missing or malformed file.
PlateauReport find_plateau(const std::string& run_dir, std::uint64_t window_tokens, double churn_tolerance,
                           double score_tolerance);

}  // namespace pollux
