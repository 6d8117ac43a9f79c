#include "pollux/train/checkpoint_policy.h"

#include <ATen/record_function.h>

#include <algorithm>
#include <filesystem>
#include <utility>
#include <vector>

#include "pollux/base/error.h"
#include "pollux/base/log.h"
#include "pollux/data/token_file.h"
#include "pollux/io/checkpoint.h"
#include "pollux/lattice/codebook.h"
#include "pollux/model/int8_rows.h"
#include "pollux/model/model.h"
#include "pollux/optim/optimizer.h"

namespace pollux {

namespace fs = std::filesystem;

CheckpointPolicy::CheckpointPolicy(const Config& config, std::string run_dir, bool writer, int world_size, RunOrigin origin)
    : config_(config), run_dir_(std::move(run_dir)), writer_(writer), world_size_(world_size), origin_(std::move(origin)) {}

bool CheckpointPolicy::due(std::int64_t step, bool stopping, bool last) const {
  return stopping || last || (config_.checkpoint_every > 0 && step % config_.checkpoint_every == 0);
}

bool CheckpointPolicy::milestone(std::int64_t step) const { return config_.keep_every > 0 && step % config_.keep_every == 0; }

bool CheckpointPolicy::resets_since_milestone(std::int64_t step) const { return config_.keep_every == 0 || milestone(step); }

std::string CheckpointPolicy::save(const PolluxModel& model, const Optimizer& optimizer, const WindowSampler& sampler,
                                   std::int64_t step, std::uint64_t tokens) const {
  RECORD_USER_SCOPE("pollux::checkpoint");  // a profiler range (train/profiler.h)
  Checkpoint ck;
  ck.config = config_;
  ck.step = step;
  ck.tokens_seen = tokens;
  ck.sampler_seed = sampler.seed();
  ck.sampler_counter = sampler.counter();
  ck.world_size = world_size_;
  ck.codebook = to_string(config_.codebook);
  ck.codebook_sha256 = lattice::Codebook::get(config_.codebook).sha256();
  ck.optimizer = optimizer.state();
  ck.origin = origin_;
  for (const auto& p : model.parameters())
    if (config_.quantizer != QuantizerKind::lattice || !p.quantized_matrix() || int8_rows_parameter(config_.scope, p.name))
      ck.weights[p.name] = p.value.detach();  // ternary: the latents; lattice, scope = backbone: the int8 rows' forward weights
  if (!first_non_finite(ck).empty()) return "";
  const std::string path = checkpoint_path(run_dir_, step);
  if (!writer_) return path;
  write_checkpoint(path, ck);
  // Retention sees only this run's checkpoints up to this step (claim_run_folder made sure
  // there are no later ones), so it never removes the one just written.
  auto found = checkpoints_in(run_dir_);
  found.erase(std::remove_if(found.begin(), found.end(), [&](const auto& f) { return f.first > step; }), found.end());
  for (std::size_t i = 0; i + std::size_t(config_.keep_last) < found.size(); ++i)
    if (!milestone(found[i].first)) fs::remove(found[i].second);
  return path;
}

std::vector<std::pair<std::int64_t, std::string>> checkpoints_in(const std::string& dir) {
  std::vector<std::pair<std::int64_t, std::string>> found;
  if (!fs::is_directory(dir)) return found;
  for (const auto& entry : fs::directory_iterator(dir)) {
    const std::string name = entry.path().filename().string();
    if (name.rfind("pollux_step_", 0) != 0 || entry.path().extension() != ".h5") continue;
    const std::string digits = name.substr(12, name.size() - 15);
    // Only names a run writes: a step past 18 digits (beyond int64) is some other file.
    if (digits.empty() || digits.size() > 18 || digits.find_first_not_of("0123456789") != std::string::npos) continue;
    found.emplace_back(std::stoll(digits), entry.path().string());
  }
  std::sort(found.begin(), found.end());
  return found;
}

std::string checkpoint_path(const std::string& dir, std::int64_t step) {
  return dir + "/pollux_step_" + std::to_string(step) + ".h5";
}

namespace {

// The first free name of PATH.superseded, PATH.superseded.1, PATH.superseded.2, ...: a
// checkpoint set aside never replaces one set aside by an earlier branch from the same step
// (issue 29: the second resume from step 2 replaced the first's pollux_step_3.h5.superseded).
std::string superseded_name(const std::string& path) {
  std::string name = path + ".superseded";
  for (int n = 1; fs::exists(fs::symlink_status(name)); ++n) name = path + ".superseded." + std::to_string(n);
  return name;
}

// The checkpoints earlier resumes set aside: pollux_step_<n>.h5.superseded[.<k>].
std::vector<std::string> superseded_in(const std::string& dir) {
  std::vector<std::string> found;
  if (!fs::is_directory(dir)) return found;
  for (const auto& entry : fs::directory_iterator(dir)) {
    const std::string name = entry.path().filename().string();
    if (name.rfind("pollux_step_", 0) == 0 && name.find(".h5.superseded") != std::string::npos)
      found.push_back(entry.path().string());
  }
  std::sort(found.begin(), found.end());
  return found;
}

}  // namespace

void claim_run_folder(const std::string& dir, std::int64_t resume_step, bool fresh, bool overwrite) {
  std::vector<std::string> theirs;
  for (const auto& [step, path] : checkpoints_in(dir))
    if (fresh || step > resume_step) theirs.push_back(path);
  if (fresh)
    for (const char* log : {"metrics.csv", "lattice_stats.csv", "eval_tasks.csv"})
      if (fs::exists(dir + "/" + log)) theirs.push_back(dir + "/" + log);
  if (fresh && fs::is_directory(dir))  // the run's TensorBoard event files (train/tensorboard.h)
    for (const auto& entry : fs::directory_iterator(dir))
      if (entry.path().filename().string().rfind("events.out.tfevents.", 0) == 0) theirs.push_back(entry.path().string());
  if (fresh && !overwrite && !theirs.empty())
    throw Error("train", "--out " + dir + " holds another run's files (" + theirs.front() +
                             (theirs.size() > 1 ? strprintf(" and %zu more", theirs.size() - 1) : std::string()) +
                             "): continue it with --auto_resume, choose another --out, or pass --overwrite to replace them");
  if (overwrite)  // as the message below promises: --overwrite removes the files set aside, too
    for (const std::string& path : superseded_in(dir)) theirs.push_back(path);
  // Every check before any change (issue 29): a folder (or a device) under a run's file name
  // stops the run here, with nothing removed or renamed yet.
  for (const std::string& path : theirs) {
    const fs::file_status st = fs::symlink_status(path);
    if (!fs::is_regular_file(st) && !fs::is_symlink(st))
      throw Error("train", path + " is not a regular file (" + (fs::is_directory(st) ? "a folder" : "a device or FIFO") +
                               "): " + (overwrite ? "--overwrite removes only files" : "it cannot be set aside") +
                               "; nothing was changed in " + dir + ": move it away first");
  }
  for (const std::string& path : theirs) {
    std::error_code ec;
    if (overwrite) {
      fs::remove(path, ec);
      if (ec) throw Error("train", "--overwrite: cannot remove " + path + ": " + ec.message());
      log::warn("--overwrite: removed " + path);
    } else {  // a resume from an earlier step: the later checkpoints are set aside, not lost
      const std::string aside = superseded_name(path);
      fs::rename(path, aside, ec);
      if (ec) throw Error("train", "cannot set " + path + " aside as " + aside + ": " + ec.message());
      log::warn("resuming from step " + std::to_string(resume_step) + ": " + path + " is past it, kept as " + aside +
                " (--overwrite removes such files)");
    }
  }
}

std::string newest_checkpoint(const std::string& dir) {
  const auto found = checkpoints_in(dir);
  return found.empty() ? "" : found.back().second;
}

}  // namespace pollux
