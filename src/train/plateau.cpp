#include "pollux/train/plateau.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <sstream>

#include "pollux/base/error.h"
#include "pollux/train/checkpoint_policy.h"

namespace pollux {
namespace {

namespace fs = std::filesystem;

// The values of columns `names` of a CSV log, by step (an empty cell is NaN).
std::map<std::int64_t, std::vector<double>> read_columns(const std::string& path, const std::vector<std::string>& names) {
  std::ifstream in(path);
  if (!in) throw Error("inspect", "cannot open " + path);
  std::string line;
  std::getline(in, line);
  std::vector<std::string> header;
  std::stringstream hs(line);
  for (std::string cell; std::getline(hs, cell, ',');) header.push_back(cell);
  std::vector<std::size_t> columns;
  for (const std::string& name : names) {
    const auto it = std::find(header.begin(), header.end(), name);
    if (it == header.end()) throw Error("inspect", path + " has no column " + name);
    columns.push_back(std::size_t(it - header.begin()));
  }
  std::map<std::int64_t, std::vector<double>> rows;
  while (std::getline(in, line)) {
    std::vector<std::string> cells;
    std::stringstream ls(line);
    for (std::string cell; std::getline(ls, cell, ',');) cells.push_back(cell);
    if (cells.size() < header.size() - 1) throw Error("inspect", path + ": short row '" + line.substr(0, 40) + "'");
    cells.resize(header.size());
    std::vector<double> values;
    for (std::size_t c : columns) values.push_back(cells[c].empty() ? NAN : std::strtod(cells[c].c_str(), nullptr));
    rows[std::stoll(cells[0])] = values;
  }
  return rows;
}

// The accuracies of RUN_DIR/eval_tasks.csv (step,tokens,task,metric,value): "task:metric" ->
// step -> value; empty when the run scored no tasks. Perplexities are left out (another scale).
std::map<std::string, std::map<std::int64_t, double>> read_task_accuracies(const std::string& path) {
  std::map<std::string, std::map<std::int64_t, double>> scores;
  std::ifstream in(path);
  if (!in) return scores;
  std::string line;
  std::getline(in, line);  // header
  while (std::getline(in, line)) {
    std::vector<std::string> cells;
    std::stringstream ls(line);
    for (std::string cell; std::getline(ls, cell, ',');) cells.push_back(cell);
    if (cells.size() != 5) throw Error("inspect", path + ": row '" + line.substr(0, 40) + "' does not have 5 cells");
    if (cells[3] != "acc" && cells[3] != "acc_norm" && cells[3] != "mean") continue;
    scores[cells[2] + ":" + cells[3]][std::stoll(cells[0])] = std::strtod(cells[4].c_str(), nullptr);
  }
  return scores;
}

}  // namespace

PlateauReport find_plateau(const std::string& run_dir, std::uint64_t window_tokens, double churn_tolerance,
                           double score_tolerance) {
  if (!fs::is_directory(run_dir)) throw Error("inspect", run_dir + " is not a run folder");
  const auto tokens = read_columns(run_dir + "/metrics.csv", {"tokens"});
  const auto churn = read_columns(run_dir + "/lattice_stats.csv", {"all:churn"});
  const auto scores = read_task_accuracies(run_dir + "/eval_tasks.csv");
  const auto tokens_at = [&](std::int64_t step) { return tokens.count(step) ? std::uint64_t(tokens.at(step)[0]) : 0; };
  if (tokens.empty()) throw Error("inspect", run_dir + "/metrics.csv has no rows");
  const std::uint64_t last_tokens = std::uint64_t(tokens.rbegin()->second[0]);
  PlateauReport report;
  for (const auto& [step, path] : checkpoints_in(run_dir)) {  // oldest first
    if (step > tokens.rbegin()->first) break;                 // written by a later run whose rows were dropped
    CheckpointChurn c;
    c.step = step;
    c.tokens = tokens_at(step);
    c.churn = churn.count(step) ? churn.at(step)[0] : NAN;
    c.window_complete = last_tokens >= c.tokens + window_tokens;
    c.window_max_churn = NAN;
    for (auto it = churn.upper_bound(step); it != churn.end(); ++it) {
      if (!tokens.count(it->first) || std::uint64_t(tokens.at(it->first)[0]) > c.tokens + window_tokens) break;
      c.window_max_churn = std::isnan(c.window_max_churn) ? it->second[0] : std::max(c.window_max_churn, it->second[0]);
    }
    for (const auto& [name, series] : scores) {
      auto at = series.upper_bound(step);
      if (at == series.begin()) continue;  // not scored yet at this checkpoint
      const double base = std::prev(at)->second;
      for (; at != series.end() && tokens_at(at->first) <= c.tokens + window_tokens; ++at) {
        const double change = std::fabs(at->second - base);
        c.window_max_score_change = std::isnan(c.window_max_score_change) ? change : std::max(c.window_max_score_change, change);
      }
    }
    const bool scores_settled = std::isnan(c.window_max_score_change) || c.window_max_score_change <= score_tolerance;
    if (report.plateau_step < 0 && c.window_complete && c.window_max_churn <= churn_tolerance && scores_settled) {
      report.plateau_step = step;
      report.plateau_checkpoint = path;
    }
    report.checkpoints.push_back(c);
  }
  return report;
}

}  // namespace pollux
