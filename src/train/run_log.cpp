#include "pollux/train/run_log.h"

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <sstream>

#include "pollux/base/log.h"

namespace pollux {

namespace {

// Column 8 is what the optimizer moves the 2-D parameters by: the AdamW baseline's learning
// rate (config lr, warmed up and decayed), or the lattice step size heat * gamma / C / inertia
// (spec section 5), which no config key sets. Lattice runs logged it as "lr" before.
std::string metrics_header(const std::string& step_column) {
  return "step,tokens,loss,val_loss,heat,adam_force,churn," + step_column + ",tokens_per_s,elapsed_s,batch_changed,searched";
}

}  // namespace

std::string format_duration(double seconds) {
  if (!std::isfinite(seconds) || seconds < 0) return "?";
  const long s = long(seconds + 0.5);
  char buf[32];
  if (s >= 3600)
    std::snprintf(buf, sizeof buf, "%ldh%02ldm", s / 3600, s / 60 % 60);
  else if (s >= 60)
    std::snprintf(buf, sizeof buf, "%ldm%02lds", s / 60, s % 60);
  else
    std::snprintf(buf, sizeof buf, "%lds", s);
  return buf;
}

RunLog::RunLog(const Config& config, const std::string& run_dir, std::int64_t resume_step,
               const std::vector<std::string>& lattice_matrices, const OptimizerState& start, bool writer)
    : max_steps_(config.max_steps),
      log_every_(config.log_every),
      writer_(writer),
      tty_(writer && ::isatty(STDOUT_FILENO)),
      lattice_run_(config.quantizer == QuantizerKind::lattice),
      pollux_step_(config.optimizer_kind() == OptimizerKind::pollux) {
  if (!writer_) return;
  // pollux_step's rate column is its step size; AdamW's its learning rate
  metrics_.emplace(run_dir + "/metrics.csv", metrics_header(pollux_step_ ? "step_size" : "lr"), resume_step,
                   pollux_step_ ? metrics_header("lr") : "");
  lattice_.emplace(lattice_matrices, start);
  if (!lattice_->empty()) lattice_csv_.emplace(run_dir + "/lattice_stats.csv", lattice_->csv_header(), resume_step);
  if (config.tensorboard) tensorboard_.emplace(run_dir, resume_step);
}

bool RunLog::logged(const StepRecord& r) const { return r.step % log_every_ == 0 || !std::isnan(r.val_loss) || r.last; }

void RunLog::step(const StepRecord& r, const Optimizer& optimizer) {
  if (!writer_) return;
  std::ostringstream row;
  row.precision(8);
  row << r.step << "," << r.tokens << "," << r.loss << ","
      << (std::isnan(r.val_loss) ? std::string() : std::to_string(r.val_loss)) << "," << r.stats.heat << "," << r.stats.adam_force
      << "," << r.stats.churn << "," << r.stats.lr << "," << r.tokens_per_s << "," << r.elapsed_s << "," << int(r.batch_changed)
      << "," << r.stats.searched;
  metrics_->row(row.str());

  const bool log_step = logged(r);
  StatsTable lattice_table;  // the step's own churn counts; no indices are kept from step to step
  if (lattice_csv_ && log_step) {
    lattice_table = lattice_->table(optimizer.discrete_state(), r.stats.changed_atoms);
    lattice_csv_->row(LatticeStats::csv_row(r.step, lattice_table));
  }
  if (tensorboard_) tensorboard_scalars(r, lattice_table, log_step);
  if (log_step) {
    if (tty_) std::fputs("\r\033[K", stdout);
    log::info(strprintf(
        "step %lld/%lld | loss %.4f%s | heat %.4f | force %.3e | churn %.2f%%%s | %.0f tok/s%s | ETA %s", (long long)r.step,
        (long long)max_steps_, r.loss, std::isnan(r.val_loss) ? "" : strprintf(" | val %.4f", r.val_loss).c_str(), r.stats.heat,
        r.stats.adam_force, 100 * r.stats.churn,
        r.stats.searched > 0 ? strprintf(" | searched %.1f%%", 100 * r.stats.searched).c_str() : "", r.tokens_per_s,
        r.peak_device_bytes > 0 ? strprintf(" | peak %.2f GiB", double(r.peak_device_bytes) / (1 << 30)).c_str() : "",
        format_duration(r.eta_s).c_str()));
  } else if (tty_) {
    std::printf("\r\033[Kstep %lld/%lld | loss %.4f | %.0f tok/s | ETA %s", (long long)r.step, (long long)max_steps_, r.loss,
                r.tokens_per_s, format_duration(r.eta_s).c_str());
    std::fflush(stdout);
  }
}

// The columns of metrics.csv and lattice_stats.csv as TensorBoard tags (train/tensorboard.h).
void RunLog::tensorboard_scalars(const StepRecord& r, const StatsTable& lattice_table, bool flush) {
  TensorBoardLog& tb = *tensorboard_;
  tb.scalar("train/loss", r.step, r.loss);
  if (!std::isnan(r.val_loss)) tb.scalar("val/loss", r.step, r.val_loss);
  tb.scalar(pollux_step_ ? "train/step_size" : "train/lr", r.step, r.stats.lr);
  tb.scalar("train/force", r.step, r.stats.adam_force);
  tb.scalar("train/tokens_per_s", r.step, r.tokens_per_s);
  if (pollux_step_) tb.scalar("train/heat", r.step, r.stats.heat);
  if (lattice_run_) {
    tb.scalar("train/churn", r.step, r.stats.churn);
    tb.scalar("train/searched", r.step, r.stats.searched);
  }
  for (const auto& [group, c] : lattice_table) {  // "blocks.0.mlp.fc1.weight" -> lattice/churn/blocks.0.mlp.fc1
    const std::string name =
        group.size() > 7 && group.compare(group.size() - 7, 7, ".weight") == 0 ? group.substr(0, group.size() - 7) : group;
    const double atoms = double(std::max<std::int64_t>(c.atoms, 1));
    tb.scalar("lattice/churn/" + name, r.step, double(c.changed) / atoms);
    tb.scalar("lattice/null/" + name, r.step, double(c.null) / atoms);
  }
  if (flush) tb.flush();
}

void RunLog::milestone(const Optimizer& optimizer) {
  if (lattice_csv_) lattice_->milestone(optimizer.discrete_state());
}

}  // namespace pollux
