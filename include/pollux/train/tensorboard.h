// TensorBoard event files of a run (issue 32): the scalars of metrics.csv, lattice_stats.csv
// and eval_tasks.csv under tags such as train/loss, val/loss, lattice/churn/blocks.0 and
// tasks/sciq/acc, readable by TensorBoard (`tensorboard --logdir runs/`) and by anything that
// imports its files.
//
// Each run segment (a fresh run or a resume) writes a file of its own,
// RUN_DIR/events.out.tfevents.<seconds>.<host>.<pid>, whose name sorts after the folder's
// earlier ones (TensorBoard reads a folder's files in name order), and starts it with the
// file version brain.Event:2 and a SessionLog START at the first step it will log. TensorBoard
// drops every event of the earlier files at that step or later (EventAccumulator's purge of a
// restarted run, which it applies to version 2 files), so a resume from an earlier checkpoint
// leaves nothing of the abandoned steps visible, as metrics.csv drops their rows.
#pragma once

#include <cstdint>
#include <fstream>
#include <string>

namespace pollux {

class TensorBoardLog {
 public:
  // Creates the segment's event file for a run that continues after `resume_step` (0: fresh);
  // throws pollux::Error naming the file when it cannot be created.
  TensorBoardLog(const std::string& run_dir, std::int64_t resume_step);
  const std::string& path() const { return path_; }
  void scalar(const std::string& tag, std::int64_t step, double value);
  // Hands what was written to the operating system (the run calls it on each logged step).
  void flush();

 private:
  void event(const std::string& body);  // an Event message's fields after wall_time
  std::string path_;
  std::ofstream out_;
};

// The CRC-32C (Castagnoli) of `bytes`, masked as TFRecord frames store it.
std::uint32_t masked_crc32c(const std::string& bytes);

// One TFRecord: the payload's length (u64 little-endian), its masked CRC-32C, the payload and
// the payload's masked CRC-32C.
std::string tfrecord(const std::string& payload);

}  // namespace pollux
