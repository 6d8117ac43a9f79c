// When a training run writes a checkpoint and which ones it keeps: every checkpoint_every
// steps, when it is asked to stop and at its last step; the keep_last newest stay, and so
// does every milestone (a step that is a multiple of keep_every > 0) whatever keep_last prunes.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "pollux/config/config.h"
#include "pollux/io/checkpoint.h"

namespace pollux {

class Optimizer;
class PolluxModel;
class WindowSampler;

class CheckpointPolicy {
 public:
  // `writer`: the rank that writes files (rank 0, or the only one); world_size and `origin`
  // (where the run's weights started, train/init_from.h) are recorded.
  CheckpointPolicy(const Config& config, std::string run_dir, bool writer, int world_size, RunOrigin origin = {});

  bool due(std::int64_t step, bool stopping, bool last) const;
  // A milestone (a multiple of keep_every > 0): kept forever whatever keep_last prunes.
  bool milestone(std::int64_t step) const;
  // Lattice churn "since_milestone" counts from a milestone, or from every checkpoint when
  // keep_every = 0 (no milestones).
  bool resets_since_milestone(std::int64_t step) const;

  // Writes the checkpoint of `step` and prunes the older ones; returns its path, or "" when
  // the state is not finite (nothing written: only a finite state is a good checkpoint). On a
  // data-parallel run every rank calls it (gathering the sharded optimizer state is a
  // collective) and the writer writes.
  std::string save(const PolluxModel& model, const Optimizer& optimizer, const WindowSampler& sampler, std::int64_t step,
                   std::uint64_t tokens) const;

 private:
  const Config& config_;
  std::string run_dir_;
  bool writer_;
  int world_size_;
  RunOrigin origin_;
};

// The checkpoint path of a step: DIR/pollux_step_<step>.h5
std::string checkpoint_path(const std::string& dir, std::int64_t step);
// The checkpoints pollux_step_<n>.h5 in dir (none when it is not a folder), by step.
std::vector<std::pair<std::int64_t, std::string>> checkpoints_in(const std::string& dir);
// Makes `dir` ready for a run that continues from `resume_step`, or for a fresh run, so that
// a mistyped --out loses nothing: a fresh run into a folder holding another run's checkpoints
// or logs (TensorBoard event files too) is refused with an error naming --out; a resume from an earlier checkpoint sets the
// later ones aside as NAME.superseded (or NAME.superseded.<k>, the first free name: one set
// aside is never replaced; --auto_resume never picks them). With `overwrite`, those files and
// every one set aside before are removed instead. Every file is checked (a regular file or a
// link) before anything is removed or renamed: a failed check changes nothing.
void claim_run_folder(const std::string& dir, std::int64_t resume_step, bool fresh, bool overwrite);
// The newest pollux_step_<n>.h5 in dir, or "" when there is none.
std::string newest_checkpoint(const std::string& dir);

}  // namespace pollux
