#include "pollux/train/trainer.h"

#include <ATen/Parallel.h>
#include <ATen/core/grad_mode.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <cmath>
#include <filesystem>
#include <memory>
#include <optional>
#include <sstream>

#include "pollux/base/error.h"
#include "pollux/base/log.h"
#include "pollux/data/token_file.h"
#include "pollux/eval/training.h"
#include "pollux/dist/comm.h"
#include "pollux/io/checkpoint.h"
#include "pollux/lattice/codebook.h"
#include "pollux/model/memory_plan.h"
#include "pollux/model/model.h"
#include "pollux/optim/optimizer.h"
#include "pollux/train/csv_log.h"
#include "pollux/train/lattice_stats.h"
#include "pollux/train/run_lock.h"
#include "pollux/train/step.h"

namespace pollux {
namespace {

namespace fs = std::filesystem;

// The checkpoints pollux_step_<n>.h5 in dir, by step.
std::vector<std::pair<std::int64_t, fs::path>> checkpoints_in(const std::string& dir) {
  std::vector<std::pair<std::int64_t, fs::path>> found;
  if (!fs::is_directory(dir)) return found;
  for (const auto& entry : fs::directory_iterator(dir)) {
    const std::string name = entry.path().filename().string();
    if (name.rfind("pollux_step_", 0) != 0 || entry.path().extension() != ".h5") continue;
    const std::string digits = name.substr(12, name.size() - 15);
    if (digits.empty() || digits.find_first_not_of("0123456789") != std::string::npos) continue;
    found.emplace_back(std::stoll(digits), entry.path());
  }
  std::sort(found.begin(), found.end());
  return found;
}

// Retention: the keep_last newest checkpoints stay, and so does every milestone (a step that
// is a multiple of keep_every > 0) whatever keep_last prunes.
std::vector<fs::path> checkpoints_to_prune(const std::vector<std::pair<std::int64_t, fs::path>>& found, int keep_last,
                                           std::int64_t keep_every) {
  std::vector<fs::path> prune;
  for (std::size_t i = 0; i + std::size_t(keep_last) < found.size(); ++i)
    if (keep_every <= 0 || found[i].first % keep_every != 0) prune.push_back(found[i].second);
  return prune;
}

std::atomic<int> g_stop_signal{0};
extern "C" void on_stop_signal(int sig) { g_stop_signal = sig; }

std::string format_duration(double seconds) {
  if (!std::isfinite(seconds) || seconds < 0) return "?";
  const long s = long(seconds + 0.5);
  char buf[32];
  if (s >= 3600) std::snprintf(buf, sizeof buf, "%ldh%02ldm", s / 3600, s / 60 % 60);
  else if (s >= 60) std::snprintf(buf, sizeof buf, "%ldm%02lds", s / 60, s % 60);
  else std::snprintf(buf, sizeof buf, "%lds", s);
  return buf;
}

// metrics.csv: one row per step.
constexpr const char* kMetricsHeader = "step,tokens,loss,val_loss,heat,adam_force,churn,lr,tokens_per_s,elapsed_s,batch_changed";

// Batches of one token file.
struct Batches {
  const TokenFile& file;
  std::size_t seq_len;

  std::pair<at::Tensor, at::Tensor> windows(const std::vector<std::size_t>& offsets, at::Device device) const {
    const auto rows = std::int64_t(offsets.size()), T = std::int64_t(seq_len);
    at::Tensor x = at::empty({rows, T}, at::kLong), y = at::empty({rows, T}, at::kLong);
    fill_windows(file, offsets, seq_len, x.data_ptr<std::int64_t>(), y.data_ptr<std::int64_t>());
    return {x.to(device), y.to(device)};
  }
};

class Trainer {
 public:
  explicit Trainer(const TrainOptions& o) : options_(o), config_(o.config) {}

  int run() {
    install_stop_handlers();  // (pollux-train's main did so first; train() may be called without it)
    std::string resume = options_.resume;
    if (resume.empty() && options_.auto_resume) resume = newest_checkpoint(options_.out_dir);
    std::optional<Checkpoint> from;
    if (!resume.empty()) {
      from = read_checkpoint(resume);
      config_ = merge_config(from->config, resume);
    }
    config_.validate();
    refuse_larger_than_memory(config_, "train");  // before any data is read or tensor made
    const double eta = width_inertia(config_.model.n_embd, true);
    if (config_.quantizer == "lattice" && config_.width_inertia == "reference" && eta <= 0)
      throw Error("train", "width_inertia = reference gives eta_d = 1 + C ln(" + std::to_string(config_.model.n_embd) +
                               "/1152) = " + std::to_string(eta) +
                               " <= 0 at this width: every matrix update would climb the loss (spec section 5a). "
                               "Set width_inertia = clamped (max(1, eta_d)), or n_embd >= 576");
    if (config_.data.empty()) throw Error("train", "no training data: pass --data FILE.u16 (or set data in the config)");
    // Data-parallel: the ranks split each step's micro-batches; rank 0 alone logs and writes.
    const DistEnv dist = DistEnv::from_environment();
    if (config_.grad_accum % dist.world_size != 0)
      throw Error("train", "grad_accum = " + std::to_string(config_.grad_accum) + " must be a multiple of WORLD_SIZE = " +
                               std::to_string(dist.world_size) + " (the ranks split each step's micro-batches)");
    writer_ = dist.rank == 0;
    world_size_ = dist.world_size;
    if (!writer_) log::only_errors();
    fs::create_directories(options_.out_dir);
    std::optional<RunLock> lock;
    if (writer_) lock.emplace(options_.out_dir);
    if (config_.threads > 0) at::set_num_threads(config_.threads);

    const at::Device device = config_.device == "cuda" ? at::Device(at::kCUDA, dist.local_rank) : at::Device(at::kCPU);
    if (device.is_cuda()) {
      if (!at::hasCUDA()) throw Error("train", "device = cuda but this build or machine has no CUDA");
      // bf16 autocast with TF32 off, as the reference (spec section 5).
      at::globalContext().setAllowTF32CuBLAS(false);
      at::globalContext().setAllowTF32CuDNN(false);
    }
    const auto vocab = std::uint32_t(config_.model.tokenizer_vocab_size);
    TokenFile train_file(config_.data, vocab, config_.tokenizer);
    std::unique_ptr<TokenFile> val_file;
    if (!config_.val_data.empty()) val_file = std::make_unique<TokenFile>(config_.val_data, vocab, config_.tokenizer);
    if (val_file && config_.eval_every > 0 && val_file->size() < std::size_t(config_.model.seq_len) + 1)  // before any step
      throw Error("train", "--val_data " + config_.val_data + " holds " + std::to_string(val_file->size()) +
                               " tokens, fewer than one window (seq_len + 1 = " + std::to_string(config_.model.seq_len + 1) + ")");

    Comm comm(dist, device, std::chrono::seconds(config_.dist_timeout_s));
    if (stopped_before_first_step()) return 0;  // the data is read; the model is the slow part
    PolluxModel model(config_.model, config_.seed, device);
    model.set_gradient_checkpointing(config_.gradient_checkpointing);
    std::unique_ptr<Optimizer> optimizer = make_optimizer(config_, model, &comm);
    WindowSampler sampler(config_.seed, 0);
    std::int64_t step = 0;
    std::uint64_t tokens = 0;
    bool batch_changed = false;  // on resume: micro_batch or grad_accum differ from the checkpoint's
    if (from) {
      restore(*from, model, *optimizer);
      sampler = WindowSampler(from->sampler_seed, from->sampler_counter);
      step = from->step;
      tokens = from->tokens_seen;
      log::info(strprintf("resumed from %s at step %lld (%llu tokens)", resume.c_str(), (long long)step, (unsigned long long)tokens));
      batch_changed = from->config.micro_batch != config_.micro_batch || from->config.grad_accum != config_.grad_accum;
      if (batch_changed)
        log::warn(strprintf("batch shape changed from micro_batch %d x grad_accum %d to %d x %d: the run is no longer "
                            "bit-exact against a straight run (metrics.csv marks step %lld with batch_changed = 1)",
                            from->config.micro_batch, from->config.grad_accum, config_.micro_batch, config_.grad_accum,
                            (long long)step + 1));
    }
    std::optional<CsvLog> metrics;
    if (writer_) metrics.emplace(options_.out_dir + "/metrics.csv", kMetricsHeader, step);
    std::vector<std::string> lattice_matrices;
    for (const auto& p : model.parameters())
      if (config_.quantizer == "lattice" && p.lattice()) lattice_matrices.push_back(p.name);
    LatticeStats lattice(lattice_matrices, optimizer->discrete_state());
    std::optional<CsvLog> lattice_log;
    if (writer_ && !lattice.empty()) lattice_log.emplace(options_.out_dir + "/lattice_stats.csv", lattice.csv_header(), step);
    eval::TrainingTasks task_scores(config_, options_.out_dir, step);
    log::info(strprintf("model: %d layers x %d wide, %lld parameters; %lld tokens per step; codebook %s, quantizer %s; %d rank%s",
                        config_.model.n_layers, config_.model.n_embd, (long long)model.parameter_count(),
                        (long long)config_.tokens_per_step(), config_.codebook.c_str(), config_.quantizer.c_str(),
                        comm.world_size(), comm.world_size() > 1 ? "s" : ""));

    if (stopped_before_first_step()) return 0;
    const Batches train_batches{train_file, std::size_t(config_.model.seq_len)};
    const auto start = std::chrono::steady_clock::now();
    const std::int64_t first_step = step;
    std::string last_checkpoint = resume;
    const bool tty = writer_ && ::isatty(STDOUT_FILENO);
    const int local_micro_batches = config_.grad_accum / comm.world_size();
    int status = 0;
    while (!finished(step, tokens)) {
      const auto step_start = std::chrono::steady_clock::now();
      // Every rank draws the step's windows; micro-batch k of the step is the same as on one rank.
      std::vector<std::size_t> offsets(std::size_t(config_.micro_batch) * std::size_t(config_.grad_accum));
      for (auto& o : offsets) o = sampler.next(train_file.size(), std::size_t(config_.model.seq_len) + 1);
      int micro = comm.rank() * local_micro_batches;
      at::Tensor ce_sum = at::full({1}, accumulate_gradients(model, local_micro_batches, [&] {
        const auto first = offsets.begin() + std::ptrdiff_t(micro++) * config_.micro_batch;
        return train_batches.windows(std::vector<std::size_t>(first, first + config_.micro_batch), device);
      }, forward_options(config_), config_.grad_accum), at::kDouble);
      comm.all_reduce_sum(ce_sum);
      const double ce_mean = ce_sum.item<double>();
      if (!std::isfinite(ce_mean)) {
        log::error(strprintf("loss is %g at step %lld: stopping; the last good checkpoint is %s", ce_mean,
                             (long long)step + 1, last_checkpoint.empty() ? "(none)" : last_checkpoint.c_str()));
        status = 3;
        break;
      }
      const StepStats stats = optimizer->step(ce_mean);
      ++step;
      tokens += std::uint64_t(config_.tokens_per_step());
      const double step_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - step_start).count();
      const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      const double tok_s = double(config_.tokens_per_step()) / step_s;

      double val_loss = NAN;
      if (writer_ && val_file && config_.eval_every > 0 && (step % config_.eval_every == 0 || finished(step, tokens)))
        val_loss = validation_loss(model, *val_file, device);
      std::ostringstream row;
      row.precision(8);
      row << step << "," << tokens << "," << ce_mean << "," << (std::isnan(val_loss) ? std::string() : std::to_string(val_loss))
          << "," << stats.heat << "," << stats.adam_force << "," << stats.churn << "," << stats.lr << "," << tok_s << "," << elapsed
          << "," << int(batch_changed && step == first_step + 1);
      if (metrics) metrics->row(row.str());

      const bool log_step = step % config_.log_every == 0 || !std::isnan(val_loss) || finished(step, tokens);
      if (lattice_log) {
        const std::string lattice_row = lattice.step(step, optimizer->discrete_state(), log_step);
        if (log_step) lattice_log->row(lattice_row);
      }
      const double eta_s = elapsed / double(step - first_step) * double(steps_left(step, tokens));
      if (log_step) {
        if (tty) std::fputs("\r\033[K", stdout);
        log::info(strprintf("step %lld/%lld | loss %.4f%s | heat %.4f | force %.3e | churn %.2f%% | %.0f tok/s | ETA %s",
                            (long long)step, (long long)config_.max_steps, ce_mean,
                            std::isnan(val_loss) ? "" : strprintf(" | val %.4f", val_loss).c_str(), stats.heat,
                            stats.adam_force, 100 * stats.churn, tok_s, format_duration(eta_s).c_str()));
      } else if (tty) {
        std::printf("\r\033[Kstep %lld/%lld | loss %.4f | %.0f tok/s | ETA %s", (long long)step, (long long)config_.max_steps,
                    ce_mean, tok_s, format_duration(eta_s).c_str());
        std::fflush(stdout);
      }

      at::Tensor signalled = at::full({1}, int(g_stop_signal != 0), at::kInt);  // a signal on any rank stops all
      comm.all_reduce_sum(signalled);
      const bool stop = signalled.item<int>() != 0;
      const bool due = config_.checkpoint_every > 0 && step % config_.checkpoint_every == 0;
      if (due || stop || finished(step, tokens)) {
        const std::string saved = save(model, *optimizer, sampler, step, tokens);
        if (saved.empty()) {
          log::error(strprintf("the state is not finite after step %lld: stopping; the last good checkpoint is %s",
                               (long long)step, last_checkpoint.empty() ? "(none)" : last_checkpoint.c_str()));
          status = 3;
          break;
        }
        last_checkpoint = saved;
        if (config_.keep_every == 0 || step % config_.keep_every == 0) lattice.milestone(optimizer->discrete_state());
        log::info("checkpoint " + last_checkpoint);
      }
      if (const std::string scores = task_scores.at_step(model, step, tokens, finished(step, tokens)); !scores.empty()) log::info(scores);
      if (stop) {
        if (g_stop_signal != 0)
          log::warn(strprintf("signal %d received: stopped after step %lld with a checkpoint", int(g_stop_signal), (long long)step));
        else
          log::warn(strprintf("another rank received a stop signal: stopped after step %lld with a checkpoint", (long long)step));
        break;
      }
    }
    std::signal(SIGINT, SIG_DFL);
    std::signal(SIGTERM, SIG_DFL);
    return status;
  }

 private:
  // A signal before the first step: nothing to checkpoint, a clean stop (exit 0).
  static bool stopped_before_first_step() {
    if (g_stop_signal == 0) return false;
    log::warn(strprintf("signal %d received before the first step: stopped, nothing written", int(g_stop_signal)));
    return true;
  }

  // The run's configuration when resuming from a checkpoint trained with `stored`.
  Config merge_config(const Config& stored, const std::string& path) const {
    const Config run = options_.config_from_file ? options_.config : config_from_entries(stored.entries(), options_.override_args);
    const auto want = run.entries(), have = stored.entries();
    for (std::size_t i = 0; i < want.size(); ++i) {
      const std::string& key = want[i].first;
      const auto& ids = config_identity_keys();
      if (std::find(ids.begin(), ids.end(), key) != ids.end() && want[i].second != have[i].second)
        throw Error("train", "checkpoint " + path + " was trained with " + key + " = " + have[i].second +
                                 ", this run asks for " + want[i].second + ": resume with the same " + key);
    }
    return run;
  }

  bool finished(std::int64_t step, std::uint64_t tokens) const {
    return step >= config_.max_steps || (config_.target_tokens > 0 && tokens >= config_.target_tokens);
  }
  std::int64_t steps_left(std::int64_t step, std::uint64_t tokens) const {
    std::int64_t left = config_.max_steps - step;
    if (config_.target_tokens > 0)
      left = std::min<std::int64_t>(left, std::int64_t((config_.target_tokens - std::min(tokens, config_.target_tokens) +
                                                        std::uint64_t(config_.tokens_per_step()) - 1) / std::uint64_t(config_.tokens_per_step())));
    return left;
  }

  // Mean CE over eval_batches micro-batches of evenly spaced windows (the same every time).
  double validation_loss(const PolluxModel& model, const TokenFile& file, at::Device device) const {
    at::NoGradGuard no_grad;
    const std::size_t window = std::size_t(config_.model.seq_len) + 1;
    if (file.size() < window) throw Error("train", "validation file " + file.path() + " is shorter than one window");
    const std::size_t count = std::size_t(config_.eval_batches) * std::size_t(config_.micro_batch);
    const std::size_t span = file.size() - window;
    const Batches batches{file, std::size_t(config_.model.seq_len)};
    double sum = 0;
    for (int b = 0; b < config_.eval_batches; ++b) {
      std::vector<std::size_t> offsets;
      for (int r = 0; r < config_.micro_batch; ++r) {
        const std::size_t k = std::size_t(b) * std::size_t(config_.micro_batch) + std::size_t(r);
        offsets.push_back(count > 1 ? span * k / (count - 1) : 0);
      }
      auto [x, y] = batches.windows(offsets, device);
      sum += forward_loss(model, x, y, forward_options(config_)).item<double>();
    }
    return sum / config_.eval_batches;
  }

  void restore(const Checkpoint& ck, PolluxModel& model, Optimizer& optimizer) const {
    if (ck.config.quantizer == "lattice" && ck.codebook != config_.codebook)
      throw Error("train", "checkpoint uses codebook " + ck.codebook + ", the run asks " + config_.codebook);
    at::NoGradGuard no_grad;
    for (auto& p : model.parameters()) {
      auto it = ck.weights.find(p.name);
      if (it == ck.weights.end()) continue;
      if (!it->second.sizes().equals(p.value.sizes())) throw Error("train", "checkpoint weight " + p.name + " has the wrong shape");
      p.value.detach().copy_(it->second);
    }
    optimizer.load_state(ck.optimizer);
  }

  std::string save(const PolluxModel& model, const Optimizer& optimizer, const WindowSampler& sampler, std::int64_t step,
                   std::uint64_t tokens) const {
    Checkpoint ck;
    ck.config = config_;
    ck.step = step;
    ck.tokens_seen = tokens;
    ck.sampler_seed = sampler.seed();
    ck.sampler_counter = sampler.counter();
    ck.world_size = world_size_;
    ck.codebook = config_.codebook;
    ck.codebook_sha256 = lattice::Codebook::get(lattice::parse_codebook_variant(config_.codebook)).sha256();
    ck.optimizer = optimizer.state();
    for (const auto& p : model.parameters())
      if (config_.quantizer == "none" || !p.lattice()) ck.weights[p.name] = p.value.detach();
    if (!first_non_finite(ck).empty()) return "";  // only a finite state is a good checkpoint
    const std::string path = checkpoint_path(options_.out_dir, step);
    if (!writer_) return path;  // every rank gathered the state above; rank 0 writes it
    write_checkpoint(path, ck);
    prune_checkpoints();
    return path;
  }

  void prune_checkpoints() const {
    for (const auto& path : checkpoints_to_prune(checkpoints_in(options_.out_dir), config_.keep_last, config_.keep_every))
      fs::remove(path);
  }

  const TrainOptions& options_;
  Config config_;
  bool writer_ = true;  // rank 0 of a data-parallel run (or the only rank): logs and writes files
  int world_size_ = 1;
};

}  // namespace

std::string checkpoint_path(const std::string& dir, std::int64_t step) {
  return dir + "/pollux_step_" + std::to_string(step) + ".h5";
}

std::string newest_checkpoint(const std::string& dir) {
  const auto found = checkpoints_in(dir);
  return found.empty() ? "" : found.back().second.string();
}

int train(const TrainOptions& options) { return Trainer(options).run(); }

void install_stop_handlers() {
  std::signal(SIGINT, on_stop_signal);
  std::signal(SIGTERM, on_stop_signal);
}

}  // namespace pollux
