// Where a run has crystallised (issue 14): the paper packs Pollux where capacity churn has
// ceased, i.e. stays negligible over the next 1.3 B tokens of training. From a run folder's
// metrics.csv (step -> tokens), lattice_stats.csv (all:churn) and its checkpoints, the
// earliest checkpoint after which the overall churn stays at or below `churn_tolerance` for
// `window_tokens` more tokens. Task scores are not read yet (see the report's "not done").
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace pollux {

struct CheckpointChurn {
  std::int64_t step = 0;
  std::uint64_t tokens = 0;
  double churn = 0;             // all:churn at the checkpoint's step (NaN if not logged)
  double window_max_churn = 0;  // largest all:churn over the following window (NaN if none)
  bool window_complete = false;  // the run went window_tokens past the checkpoint
};

struct PlateauReport {
  std::vector<CheckpointChurn> checkpoints;  // by step
  std::string plateau_checkpoint;            // path of the checkpoint to pack ("" = no plateau yet)
  std::int64_t plateau_step = -1;
};

// Throws pollux::Error naming a missing or malformed file.
PlateauReport find_plateau(const std::string& run_dir, std::uint64_t window_tokens, double churn_tolerance);

}  // namespace pollux
