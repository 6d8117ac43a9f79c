#include "pollux/train/trainer.h"

#include <ATen/Parallel.h>
#include <ATen/core/grad_mode.h>

#include <chrono>
#include <cmath>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <tuple>

#include "pollux/base/error.h"
#include "pollux/base/log.h"
#include "pollux/base/stop_signal.h"
#include "pollux/data/token_file.h"
#include "pollux/dist/comm.h"
#include "pollux/io/checkpoint.h"
#include "pollux/io/load_weights.h"
#include "pollux/model/int8_rows.h"
#include "pollux/model/memory_plan.h"
#include "pollux/model/model.h"
#include "pollux/optim/optimizer.h"
#include "pollux/train/checkpoint_policy.h"
#include "pollux/train/determinism.h"
#include "pollux/train/init_from.h"
#include "pollux/train/profiler.h"
#include "pollux/train/run_lock.h"
#include "pollux/train/run_log.h"
#include "pollux/train/step.h"
#include "pollux/train/training_tasks.h"

namespace pollux {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

// Where a run stands besides its model and optimizer (what a checkpoint stores with them).
struct Progress {
  std::int64_t step = 0;
  std::uint64_t tokens = 0;
  WindowSampler sampler{0, 0};
};

// What the training loop works on, built by Trainer::run.
struct Session {
  PolluxModel& model;
  Optimizer& optimizer;
  Comm& comm;
  at::Device device;
  RunLog& log;
  const CheckpointPolicy& checkpoints;
  TrainingTasks* tasks;  // the writing rank's (null on the others)
};

class Trainer {
 public:
  explicit Trainer(const TrainOptions& o) : options_(o), config_(o.config) {}

  int run() {
    install_stop_handlers();  // (pollux-train's main did so first; train() may be called without it)
    const std::optional<Checkpoint> from = settle_config();
    const DistEnv dist = DistEnv::from_environment();
    take_run_dir(dist);
    const at::Device device = choose_device(dist);
    open_data();
    Comm comm(dist, device, std::chrono::seconds(config_.dist_timeout_s));
    if (stopped_before_first_step()) return 0;  // the data is read; the model is the slow part

    PolluxModel model(config_.model, config_.seed, device, config_.init);
    model.set_gradient_checkpointing(config_.gradient_checkpointing);
    if (config_.quantizer == QuantizerKind::ternary) model.set_quantization(true, config_.activation_bits, config_.scope);
    std::unique_ptr<Optimizer> optimizer = make_optimizer(config_, model, &comm);
    Progress at;
    at.sampler = WindowSampler(config_.seed, 0);
    const bool batch_changed = from && resume(*from, model, *optimizer, at);
    const RunOrigin origin =
        from ? from->origin
             : start_from_checkpoint(config_, model, *optimizer, at.sampler, writer_ ? val_file_.get() : nullptr, device);

    std::vector<std::string> lattice_matrices;
    for (const auto& p : model.parameters())
      if (config_.quantizer == QuantizerKind::lattice && p.quantized_matrix() && !int8_rows_parameter(config_.scope, p.name))
        lattice_matrices.push_back(p.name);
    RunLog run_log(config_, options_.out_dir, at.step, lattice_matrices, optimizer->discrete_state(), writer_);
    std::optional<TrainingTasks> tasks;
    if (writer_) tasks.emplace(config_, options_.out_dir, at.step, options_.tokenizer_dir, run_log.tensorboard());
    const CheckpointPolicy checkpoints(config_, options_.out_dir, writer_, comm.world_size(), origin);
    log::info(strprintf(
        "model: %d layers x %d wide, %lld parameters; %lld tokens per step; codebook %s, quantizer %s (scope %s); %d rank%s",
        config_.model.n_layers, config_.model.n_embd, (long long)model.parameter_count(), (long long)config_.tokens_per_step(),
        to_string(config_.codebook).c_str(), to_string(config_.quantizer).c_str(), to_string(config_.scope).c_str(),
        comm.world_size(), comm.world_size() > 1 ? "s" : ""));
    if (stopped_before_first_step()) return 0;

    const Session session{model, *optimizer, comm, device, run_log, checkpoints, tasks ? &*tasks : nullptr};
    const int status = loop(session, at, batch_changed);
    restore_default_signal_actions();
    return status;
  }

 private:
  // Steps until the run is finished, stopped by a signal (0) or not finite (3).
  int loop(const Session& s, Progress& at, bool batch_changed) {
    const auto start = Clock::now();
    const std::int64_t first_step = at.step;
    std::string last_checkpoint = resume_;
    StepProfiler profiler(config_, options_.out_dir, s.comm.rank(), s.device);
    while (!finished(at)) {
      profiler.begin_step(at.step + 1);
      const auto step_start = Clock::now();
      const auto [loss, signalled] = step_loss(s, at.sampler);
      if (!std::isfinite(loss))
        return stop_not_finite(strprintf("loss is %g at step %lld", loss, (long long)at.step + 1), last_checkpoint);
      StepRecord r;
      r.stats = optimizer_step(s.optimizer, loss, config_);
      r.step = ++at.step;
      r.tokens = at.tokens += std::uint64_t(config_.tokens_per_step());
      r.loss = loss;
      r.tokens_per_s = double(config_.tokens_per_step()) / seconds_since(step_start);
      r.last = finished(at);
      if (validation_due(r.step, r.last))
        unless_stopped("validation", [&] { r.val_loss = held_out_loss(s.model, *val_file_, config_, s.device); });
      r.elapsed_s = seconds_since(start);
      r.eta_s = r.elapsed_s / double(at.step - first_step) * double(steps_left(at));
      r.batch_changed = batch_changed && at.step == first_step + 1;
      r.peak_device_bytes = device_peak_bytes(s.device, false);
      s.log.step(r, s.optimizer);
      if (s.tasks)
        unless_stopped("task evaluation", [&] {
          if (const std::string scores = s.tasks->at_step(s.model, at.step, at.tokens, r.last); !scores.empty())
            log::info(scores);
        });

      // step_loss's all-reduce saw the signals that came before. Later ones: one process reads
      // its flag; ranks ask each other again on the steps with evaluations (rank 0's alone).
      const bool stop =
          signalled || (s.comm.world_size() == 1 ? stop_signal() != 0 : evaluates(at.step, r.last) && stop_requested(s.comm));
      if (s.checkpoints.due(at.step, stop, r.last)) {
        const std::string saved = s.checkpoints.save(s.model, s.optimizer, at.sampler, at.step, at.tokens);
        if (saved.empty())
          return stop_not_finite(strprintf("the state is not finite after step %lld", (long long)at.step), last_checkpoint);
        last_checkpoint = saved;
        if (s.checkpoints.resets_since_milestone(at.step)) s.log.milestone(s.optimizer);
        log::info("checkpoint " + saved);
      }
      if (const std::string trace = profiler.end_step(at.step, r.last || stop); !trace.empty()) log::info(trace);
      if (stop) {
        log::warn(strprintf(
            "%s: stopped after step %lld with a checkpoint",
            stop_signal() != 0 ? strprintf("signal %d received", stop_signal()).c_str() : "another rank received a stop signal",
            (long long)at.step));
        break;
      }
    }
    return 0;
  }

  // The step's mean CE over all ranks, with the gradients accumulated, and whether a stop
  // signal reached any rank (then every rank stops after this step): one all-reduce of both.
  // Every rank draws all of the step's windows, so micro-batch k is the same whatever the
  // world size, and runs its own share of the micro-batches (spec section 5; issue 10).
  std::pair<double, bool> step_loss(const Session& s, WindowSampler& sampler) const {
    const std::size_t seq_len = std::size_t(config_.model.seq_len);
    std::vector<std::size_t> offsets(std::size_t(config_.micro_batch) * std::size_t(config_.grad_accum));
    for (auto& o : offsets) o = sampler.next(train_file_->size(), seq_len + 1);
    const int share = config_.grad_accum / s.comm.world_size();
    int micro = s.comm.rank() * share;
    const double loss = accumulate_gradients(
        s.model, share,
        [&] {
          const auto first = offsets.begin() + std::ptrdiff_t(micro++) * config_.micro_batch;
          return window_batch(*train_file_, std::vector<std::size_t>(first, first + config_.micro_batch), seq_len, s.device);
        },
        forward_options(config_), config_.grad_accum);
    at::Tensor sums = at::tensor({loss, double(stop_signal() != 0)}, at::kDouble);
    s.comm.all_reduce_sum(sums);
    return {sums[0].item<double>(), sums[1].item<double>() != 0};
  }

  // Evaluation between steps gives way to a stop signal between its batches: what it was
  // measuring is dropped, and the loop goes on to write its checkpoint and stop.
  static void unless_stopped(const char* what, const std::function<void()>& evaluate) {
    try {
      evaluate();
    } catch (const Stopped&) { log::warn(strprintf("signal %d received during %s: its result is dropped", stop_signal(), what)); }
  }

  // Whether a step validates or scores tasks on the writing rank (known to every rank).
  bool evaluates(std::int64_t step, bool last) const {
    const auto due = [&](int every) { return every > 0 && (step % every == 0 || last); };
    return (val_file_ && due(config_.eval_every)) || (!config_.eval_tasks.empty() && due(config_.eval_tasks_every));
  }

  // A signal on any rank stops every rank after the same step.
  static bool stop_requested(Comm& comm) {
    at::Tensor signalled = at::full({1}, int(stop_signal() != 0), at::kInt);
    comm.all_reduce_sum(signalled);
    return signalled.item<int>() != 0;
  }

  int stop_not_finite(const std::string& what, const std::string& last_checkpoint) const {
    log::error(what + ": stopping; the last good checkpoint is " + (last_checkpoint.empty() ? "(none)" : last_checkpoint));
    return 3;
  }

  // A signal before the first step: nothing to checkpoint, a clean stop (exit 0).
  static bool stopped_before_first_step() {
    if (stop_signal() == 0) return false;
    log::warn(strprintf("signal %d received before the first step: stopped, nothing written", stop_signal()));
    return true;
  }

  // The run's configuration, checked (a resumed run's against its checkpoint's), and the
  // checkpoint it continues from, if any.
  std::optional<Checkpoint> settle_config() {
    resume_ = options_.resume;
    std::int64_t named_step = -1;  // --auto_resume: the step the newest checkpoint's name says
    if (resume_.empty() && options_.auto_resume) {
      const auto found = checkpoints_in(options_.out_dir);
      if (!found.empty()) std::tie(named_step, resume_) = found.back();
    }
    std::optional<Checkpoint> from;
    if (!resume_.empty()) {
      from = read_checkpoint(resume_);
      // Refused rather than skipped: the file that claims to be the newest is a copy or a
      // rename, and resuming from it would then set that same file aside as superseded;
      // skipping it would resume from an older step without a word (issue 29).
      if (named_step >= 0 && from->step != named_step)
        throw Error("train", "--auto_resume: " + resume_ + " holds step " + std::to_string(from->step) +
                                 ", not the step its name says: rename or move it, or pass --resume CKPT");
      resume_step_ = from->step;
      config_ = merge_config(from->config, resume_);
    }
    config_.validate();
    refuse_larger_than_memory(config_, "train");  // before any data is read or tensor made
    const double eta = width_inertia(config_.model.n_embd, true);
    if (config_.optimizer_kind() == OptimizerKind::pollux && config_.width_inertia == WidthInertia::reference && eta <= 0)
      throw Error("train", "width_inertia = reference gives eta_d = 1 + C ln(" + std::to_string(config_.model.n_embd) +
                               "/1152) = " + std::to_string(eta) +
                               " <= 0 at this width: every matrix update would climb the loss (spec section 5a). "
                               "Set width_inertia = clamped (max(1, eta_d)), or n_embd >= 576");
    if (config_.data.empty()) throw Error("train", "no training data: pass --data FILE.u16 (or set data in the config)");
    return from;
  }

  // Data-parallel: the ranks split each step's micro-batches; rank 0 alone logs and writes
  // (and holds the run folder's lock).
  void take_run_dir(const DistEnv& dist) {
    if (config_.grad_accum % dist.world_size != 0)
      throw Error("train", "grad_accum = " + std::to_string(config_.grad_accum) + " must be a multiple of WORLD_SIZE = " +
                               std::to_string(dist.world_size) + " (the ranks split each step's micro-batches)");
    writer_ = dist.rank == 0;
    if (!writer_) log::only_errors();
    fs::create_directories(options_.out_dir);
    if (writer_) {
      lock_.emplace(options_.out_dir);
      claim_run_folder(options_.out_dir, resume_step_, resume_.empty() && !options_.auto_resume, options_.overwrite);
    }
    if (config_.threads > 0) at::set_num_threads(config_.threads);
  }

  at::Device choose_device(const DistEnv& dist) const {
    if (config_.device != Device::cuda) return at::kCPU;
    if (!at::hasCUDA()) throw Error("train", "device = cuda but this build or machine has no CUDA");
    // bf16 autocast with TF32 off, as the reference (spec section 5).
    at::globalContext().setAllowTF32CuBLAS(false);
    at::globalContext().setAllowTF32CuDNN(false);
    make_deterministic(config_);
    return at::Device(at::kCUDA, dist.local_rank);
  }

  void open_data() {
    const auto vocab = std::uint32_t(config_.model.tokenizer_vocab_size);
    train_file_ = std::make_unique<TokenFile>(config_.data, vocab, config_.tokenizer);
    if (!config_.val_data.empty()) val_file_ = std::make_unique<TokenFile>(config_.val_data, vocab, config_.tokenizer);
    if (val_file_ && config_.eval_every > 0 && val_file_->size() < std::size_t(config_.model.seq_len) + 1)  // before any step
      throw Error("train", "--val_data " + config_.val_data + " holds " + std::to_string(val_file_->size()) +
                               " tokens, fewer than one window (seq_len + 1 = " + std::to_string(config_.model.seq_len + 1) +
                               ")");
  }

  bool validation_due(std::int64_t step, bool last) const {
    return writer_ && val_file_ && config_.eval_every > 0 && (step % config_.eval_every == 0 || last);
  }

  // Loads the checkpoint's weights, optimizer state and progress; returns whether the batch
  // shape (micro_batch, grad_accum) changed, which makes the run no longer bit-exact.
  bool resume(const Checkpoint& ck, PolluxModel& model, Optimizer& optimizer, Progress& at) const {
    if (ck.config.quantizer == QuantizerKind::lattice && ck.codebook != to_string(config_.codebook))
      throw Error("train", "checkpoint uses codebook " + ck.codebook + ", the run asks " + to_string(config_.codebook));
    load_weights(ck, model, resume_);
    {
      at::NoGradGuard no_grad;
      optimizer.load_state(ck.optimizer);
    }
    at = {ck.step, ck.tokens_seen, WindowSampler(ck.sampler_seed, ck.sampler_counter)};
    log::info(strprintf("resumed from %s at step %lld (%llu tokens)", resume_.c_str(), (long long)at.step,
                        (unsigned long long)at.tokens));
    if (!config_.init_from.empty())  // the checkpoint's weights continue the run: init_from started it
      log::info("init_from " + config_.init_from + " is not applied again on resume" +
                (ck.origin.empty() ? std::string() : " (the run started from " + ck.origin.path + ")"));
    const bool changed = ck.config.micro_batch != config_.micro_batch || ck.config.grad_accum != config_.grad_accum;
    if (changed)
      log::warn(strprintf(
          "batch shape changed from micro_batch %d x grad_accum %d to %d x %d: the run is no longer "
          "bit-exact against a straight run (metrics.csv marks step %lld with batch_changed = 1)",
          ck.config.micro_batch, ck.config.grad_accum, config_.micro_batch, config_.grad_accum, (long long)at.step + 1));
    return changed;
  }

  // The run's configuration when resuming from a checkpoint trained with `stored`.
  Config merge_config(const Config& stored, const std::string& path) const {
    const Config run = options_.config_from_file ? options_.config : with_overrides(stored, options_.override_args);
    const auto want = run.entries(), have = stored.entries();
    const auto ids = config_identity_keys(stored);
    for (std::size_t i = 0; i < want.size(); ++i) {
      const std::string& key = want[i].first;
      if (std::find(ids.begin(), ids.end(), key) != ids.end() && want[i].second != have[i].second)
        throw Error("train", "checkpoint " + path + " was trained with " + key + " = " + have[i].second + ", this run asks for " +
                                 want[i].second + ": resume with the same " + key);
    }
    return run;
  }

  bool finished(const Progress& at) const {
    return at.step >= config_.max_steps || (config_.target_tokens > 0 && at.tokens >= config_.target_tokens);
  }
  std::int64_t steps_left(const Progress& at) const {
    std::int64_t left = config_.max_steps - at.step;
    const auto per_step = std::uint64_t(config_.tokens_per_step());
    if (config_.target_tokens > 0)
      left = std::min<std::int64_t>(
          left, std::int64_t((config_.target_tokens - std::min(at.tokens, config_.target_tokens) + per_step - 1) / per_step));
    return left;
  }

  const TrainOptions& options_;
  Config config_;
  std::string resume_;  // the checkpoint this run continues from ("" = a fresh run)
  std::int64_t resume_step_ = 0;
  bool writer_ = true;  // rank 0 of a data-parallel run (or the only rank): logs and writes files
  std::optional<RunLock> lock_;
  std::unique_ptr<TokenFile> train_file_, val_file_;
};

}  // namespace

int train(const TrainOptions& options) { return Trainer(options).run(); }

}  // namespace pollux
