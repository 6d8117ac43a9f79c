// pollux-bench io: a checkpoint of a configuration's shape written, read, inspected and packed,
// against copying the same file with cp, in one run. Each phase runs in its own child process,
// so each peak resident memory is that phase's own.
#include <ATen/ATen.h>
#include <fcntl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <string>
#include <vector>

#include "bench.h"
#include "cli.h"
#include "config_bench.h"
#include "pollux/base/error.h"
#include "pollux/base/file_io.h"
#include "pollux/base/json.h"
#include "pollux/base/log.h"
#include "pollux/base/stop_signal.h"
#include "pollux/io/checkpoint.h"
#include "pollux/lattice/codebook.h"
#include "pollux/model/model.h"

namespace pollux::bench {
namespace {

namespace po = boost::program_options;
namespace fs = std::filesystem;

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// A "VmHWM:" or "VmRSS:" line of /proc/self/status, in bytes.
double status_bytes(const std::string& key) {
  std::ifstream in("/proc/self/status");
  for (std::string line; std::getline(in, line);)
    if (line.rfind(key, 0) == 0) return 1024.0 * std::strtod(line.c_str() + key.size(), nullptr);
  return 0;
}

// Resets this process's peak resident memory to what it holds now (Linux 4.0+); false where
// it cannot, and the peak then includes what came before.
bool reset_peak() {
  std::ofstream out("/proc/self/clear_refs");
  out << "5";
  out.flush();
  return bool(out);
}

struct Phase {
  double seconds = 0, peak_bytes = 0;
  std::vector<double> values;  // what the child reported
};

// Runs `body` in a child process: its wall time as the parent sees it, the child's peak
// resident memory (from wait4), and the numbers it wrote (one line of doubles).
Phase in_child(const std::string& what, const std::function<std::vector<double>()>& body) {
  int fds[2];
  if (::pipe(fds) != 0) throw Error("bench", "cannot create a pipe for the " + what + " phase");
  std::fflush(nullptr);
  const auto start = std::chrono::steady_clock::now();
  const pid_t pid = ::fork();
  if (pid < 0) throw Error("bench", "cannot fork the " + what + " phase");
  if (pid == 0) {
    ::close(fds[0]);
    int status = 0;
    std::string line;
    try {
      for (double v : body()) line += strprintf("%.17g ", v);
    } catch (const std::exception& e) {
      std::fprintf(stderr, "pollux-bench: error: %s phase: %s\n", what.c_str(), e.what());
      status = 1;
    }
    line += "\n";
    if (::write(fds[1], line.data(), line.size()) != ssize_t(line.size())) status = 1;
    std::fflush(nullptr);
    ::_exit(status);
  }
  ::close(fds[1]);
  forward_exit_signal_to(pid);  // a signal to pollux-bench ends the phase first
  std::string text;
  char buffer[512];
  for (ssize_t n; (n = ::read(fds[0], buffer, sizeof buffer)) > 0;) text.append(buffer, std::size_t(n));
  ::close(fds[0]);
  int status = 0;
  struct rusage usage {};
  ::wait4(pid, &status, 0, &usage);
  forward_exit_signal_to(0);
  Phase p;
  p.seconds = seconds_since(start);
  p.peak_bytes = double(usage.ru_maxrss) * 1024.0;
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) throw Error("bench", "the " + what + " phase failed");
  for (const char* s = text.c_str();;) {
    char* end = nullptr;
    const double v = std::strtod(s, &end);
    if (end == s) break;
    p.values.push_back(v);
    s = end;
  }
  return p;
}

// Runs a program next to pollux-bench (or cp) in a child: exit status 0 required.
Phase run_program(const std::string& what, std::vector<std::string> argv) {
  return in_child(what, [&]() -> std::vector<double> {
    const int null = ::open("/dev/null", O_WRONLY);
    if (null >= 0) ::dup2(null, STDOUT_FILENO);
    std::vector<char*> args;
    for (std::string& a : argv) args.push_back(a.data());
    args.push_back(nullptr);
    ::execvp(args[0], args.data());
    std::fprintf(stderr, "pollux-bench: error: cannot run %s: %s\n", argv[0].c_str(), std::strerror(errno));
    ::_exit(1);
  });
}

// A checkpoint as training writes one, of the configuration's shape, with random values: the
// weights that are not lattice matrices, and per parameter the optimizer's latent, m and v and
// for a lattice matrix its indices and row scales (the layout of the optimizer's state()).
Checkpoint random_checkpoint(const Config& config, const PolluxModel& model) {
  Checkpoint ck;
  ck.config = config;
  ck.step = 1;
  ck.codebook = to_string(config.codebook);
  ck.codebook_sha256 = lattice::Codebook::get(config.codebook).sha256();
  ck.optimizer.step = 1;
  ck.optimizer.heat = 1.0;
  at::Generator gen = at::make_generator<at::CPUGeneratorImpl>(config.seed + 2);
  const bool lattice = config.quantizer == QuantizerKind::lattice;
  for (const auto& p : model.parameters()) {
    const at::Tensor w = p.value.detach();
    ck.optimizer.tensors["latent/" + p.name] = w.clone();
    ck.optimizer.tensors["m/" + p.name] = at::empty_like(w).uniform_(-1e-3, 1e-3, gen);
    ck.optimizer.tensors["v/" + p.name] = at::empty_like(w).uniform_(0, 1e-6, gen);
    if (lattice && p.quantized_matrix()) {
      const std::int64_t rows = w.size(0);
      ck.optimizer.tensors["indices/" + p.name] =
          at::randint(lattice::Codebook::kSize, {rows, w.numel() / rows / 24}, gen, at::kInt);
      ck.optimizer.tensors["sigma/" + p.name] = at::empty({rows}).uniform_(0.5, 1.5, gen);
    } else {
      ck.weights[p.name] = w;
    }
  }
  return ck;
}

double state_bytes(const PolluxModel& model, const Checkpoint& ck) {
  double bytes = 0;
  for (const auto& p : model.parameters()) bytes += double(p.value.numel()) * double(p.value.element_size());
  for (const auto& [key, t] : ck.optimizer.tensors) bytes += double(t.numel()) * double(t.element_size());
  return bytes;
}

}  // namespace

int io(int argc, const char* const* argv) {
  po::options_description options("io options (and every configuration key, see pollux-train --help)");
  options.add_options()("steps", po::value<int>()->default_value(1), "timed repetitions of each phase (the fastest is reported)")(
      "warmup", po::value<int>()->default_value(0), "untimed repetitions first")(
      "dir", po::value<std::string>()->default_value(fs::temp_directory_path().string()),
      "folder for the checkpoint, its copy and its .plx (removed after)")("json", po::bool_switch(),
                                                                          "print one JSON object instead of a table");
  // Checkpoints are written from host memory: the device is cpu unless --device says otherwise
  // (a configuration made for the GPU, as pollux-1152.ini is, is benchmarked as it is on disk).
  std::vector<const char*> args(argv, argv + argc);
  if (std::none_of(args.begin(), args.end(), [](const char* a) { return std::string(a) == "--device"; })) {
    args.push_back("--device");
    args.push_back("cpu");
  }
  const auto bench =
      parse_config_bench(int(args.size()), args.data(), options,
                         "usage: pollux-bench io --config FILE [--KEY VALUE ...] [--dir DIR] [--steps N] [--json]\n"
                         "Builds a model and optimizer state of the configuration's shape (random values) and times,\n"
                         "each in its own process: writing its checkpoint (fsync'ed, as training does) against the floor\n"
                         "of a writer (the same bytes written from memory with write(2) and fsync'ed), reading it,\n"
                         "pollux-inspect and pollux-pack on it, and copying the file with cp (alone, and followed by\n"
                         "an fsync of the copy) and with a read/write loop: seconds, GB/s and peak resident memory.\n"
                         "Reads come from the page cache, as the copies' do. The device is cpu whatever the\n"
                         "configuration names.");
  if (!bench) return 0;
  const Config& config = bench->config;
  const po::variables_map& vm = bench->options;
  if (bench->device.is_cuda()) throw Error("bench", "pollux-bench io runs on the CPU (--device cpu)");
  const std::string dir = vm["dir"].as<std::string>();
  if (!fs::is_directory(dir)) throw Error("bench", "--dir " + dir + " is not a folder");
  const std::string tag = std::to_string(::getpid());
  const std::string path = dir + "/pollux_bench_io_" + tag + ".h5", copy = dir + "/pollux_bench_io_" + tag + ".copy.h5",
                    plx = dir + "/pollux_bench_io_" + tag + ".plx";
  const std::string tools = fs::canonical("/proc/self/exe").parent_path().string();
  // Removed at the end, on an error, and when a signal ends the run (install_exit_handlers):
  // a killed benchmark leaves no file of the checkpoint's size in --dir.
  struct Cleanup {
    std::vector<std::string> files;
    std::vector<int> slots;
    explicit Cleanup(std::vector<std::string> f) : files(std::move(f)) {
      for (const auto& file : files) slots.push_back(remove_on_signal(file));
    }
    ~Cleanup() {
      for (const auto& f : files) ::unlink(f.c_str());
      for (int slot : slots) forget_on_signal(slot);
    }
  } cleanup{{path, copy, plx}};
  install_exit_handlers();

  const int runs = bench->warmup + bench->steps;
  auto best = [&](const std::function<Phase()>& phase) {
    Phase out;
    for (int r = 0; r < runs; ++r) {
      Phase p = phase();
      if (r == bench->warmup || (r > bench->warmup && p.seconds < out.seconds)) out = p;
    }
    return out;
  };
  // write: the child builds the state, then its peak is reset and the write timed alone.
  auto write_once = [&] {
    return in_child("write", [&]() -> std::vector<double> {
      const int null = ::open("/dev/null", O_WRONLY);  // the write's log line: stdout is the report's
      if (null >= 0) ::dup2(null, STDOUT_FILENO);
      const PolluxModel model(config.model, config.seed, at::kCPU);
      const Checkpoint ck = random_checkpoint(config, model);
      const double resident = status_bytes("VmRSS:");
      const bool reset = reset_peak();
      const auto start = std::chrono::steady_clock::now();
      const CheckpointWrite w = write_checkpoint(path, ck);
      const double seconds = seconds_since(start);
      return {seconds,
              w.sync_seconds,
              double(w.bytes),
              status_bytes("VmHWM:"),
              resident,
              state_bytes(model, ck),
              double(model.parameter_count()),
              reset ? 1.0 : 0.0};
    });
  };
  // The floor of a writer that makes new bytes: the checkpoint's own bytes, read into this
  // process's memory before the clock starts, written with write(2) in 8 MiB pieces to a new
  // file and fsync'ed. The checkpoint write does that plus the hash and the format.
  auto floor_once = [&] {
    ::unlink(copy.c_str());
    return in_child("write floor", [&]() -> std::vector<double> {
      const std::vector<std::uint8_t> memory = File::read(path, "bench").read_all();
      const std::uint8_t* bytes = memory.data();
      const std::size_t size = memory.size();
      const auto start = std::chrono::steady_clock::now();
      const int out = ::open(copy.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
      if (out < 0) throw Error("bench", "cannot create " + copy);
      constexpr std::size_t kPiece = std::size_t(8) << 20;
      for (std::size_t at = 0; at < size; at += kPiece) {
        const std::size_t n = std::min(kPiece, size - at);
        if (::write(out, bytes + at, n) != ssize_t(n)) throw Error("bench", "cannot write " + copy);
      }
      if (::fsync(out) != 0 || ::close(out) != 0) throw Error("bench", "cannot flush " + copy);
      return {seconds_since(start)};
    });
  };
  // The two in turn, so that each repetition of one meets the machine as the other's did (on
  // this VM a page the kernel has not touched for a while costs far more than one it has).
  Phase write, floor;
  for (int r = 0; r < runs; ++r) {
    Phase w = write_once();
    if (w.values.size() != 8) throw Error("bench", "the write phase reported nothing");
    Phase f = floor_once();
    if (f.values.empty()) throw Error("bench", "the write floor phase reported nothing");
    // the fastest of each by its timed part (the write's child builds the state first)
    if (r == bench->warmup || (r > bench->warmup && w.values[0] < write.values[0])) write = w;
    if (r == bench->warmup || (r > bench->warmup && f.values[0] < floor.values[0])) floor = f;
  }
  ::unlink(copy.c_str());
  const double write_s = write.values[0], write_sync_s = write.values[1], file_bytes = write.values[2],
               write_peak = write.values[3], write_before = write.values[4], state = write.values[5],
               parameters = write.values[6];
  const bool peak_reset = write.values[7] > 0;
  // cp of the same file, alone (into the page cache) and then made durable as the write is.
  const Phase cp = best([&] {
    ::unlink(copy.c_str());
    return run_program("cp", {"cp", path, copy});
  });
  const Phase cp_sync = best([&] {
    ::unlink(copy.c_str());
    return in_child("cp+fsync", [&]() -> std::vector<double> {
      const auto start = std::chrono::steady_clock::now();
      const pid_t pid = ::fork();
      if (pid == 0) {
        ::execlp("cp", "cp", path.c_str(), copy.c_str(), static_cast<char*>(nullptr));
        ::_exit(1);
      }
      int status = 0;
      ::waitpid(pid, &status, 0);
      const int fd = ::open(copy.c_str(), O_RDONLY);
      if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 || fd < 0 || ::fsync(fd) != 0) throw Error("bench", "cp failed");
      ::close(fd);
      return {seconds_since(start)};
    });
  });
  // A program's own copy: read(2) and write(2) through an 8 MiB buffer (cp hands the copy
  // to the kernel with copy_file_range, no byte passing through the program).
  const Phase loop = best([&] {
    ::unlink(copy.c_str());
    return in_child("copy loop", [&]() -> std::vector<double> {
      const auto start = std::chrono::steady_clock::now();
      const int in = ::open(path.c_str(), O_RDONLY), out = ::open(copy.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
      if (in < 0 || out < 0) throw Error("bench", "cannot copy " + path);
      std::vector<char> buffer(std::size_t(8) << 20);
      for (ssize_t n; (n = ::read(in, buffer.data(), buffer.size())) > 0;)
        if (::write(out, buffer.data(), std::size_t(n)) != n) throw Error("bench", "cannot copy " + path);
      ::close(in);
      if (::close(out) != 0) throw Error("bench", "cannot copy " + path);
      return {seconds_since(start)};
    });
  });
  ::unlink(copy.c_str());
  const Phase read = best([&] {
    return in_child("read", [&]() -> std::vector<double> {
      const double before = status_bytes("VmRSS:");
      const auto start = std::chrono::steady_clock::now();
      const Checkpoint ck = read_checkpoint(path);
      const double seconds = seconds_since(start);
      return {seconds, status_bytes("VmHWM:"), before};
    });
  });
  if (read.values.size() != 3) throw Error("bench", "the read phase reported nothing");
  const Phase inspect = best([&] { return run_program("pollux-inspect", {tools + "/pollux-inspect", path}); });
  const bool lattice = config.quantizer == QuantizerKind::lattice;
  const Phase pack = lattice ? best([&] {
    return run_program("pollux-pack", {tools + "/pollux-pack", path, "--output", plx});
  })
                             : Phase{};

  const double floor_s = floor.values[0];
  const double cp_s = cp.seconds, cp_sync_s = cp_sync.values.empty() ? 0 : cp_sync.values[0],
               loop_s = loop.values.empty() ? 0 : loop.values[0];
  const double read_s = read.values[0], read_before = read.values[2];
  const double gb = file_bytes * 1e-9;
  const double bound = state + 0.25 * file_bytes;
  if (vm["json"].as<bool>()) {
    JsonWriter j;
    j.begin_object()
        .field("benchmark", "io")
        .field("device", "cpu")
        .field("quantizer", to_string(config.quantizer))
        .field("parameters", parameters)
        .field("file_bytes", file_bytes)
        .field("state_bytes", state)
        .field("peak_bound_bytes", bound)
        .field("write_s", write_s)
        .field("write_gbps", gb / write_s)
        .field("write_sync_s", write_sync_s)
        .field("write_peak_bytes", write_peak)
        .field("write_before_bytes", write_before)
        .field("write_peak_reset", peak_reset)
        .field("write_floor_s", floor_s)
        .field("write_floor_gbps", floor_s > 0 ? gb / floor_s : 0.0)
        .field("write_vs_floor", floor_s / write_s)
        .field("read_s", read_s)
        .field("read_gbps", gb / read_s)
        .field("read_peak_bytes", read.peak_bytes)
        .field("read_before_bytes", read_before)
        .field("inspect_s", inspect.seconds)
        .field("inspect_peak_bytes", inspect.peak_bytes)
        .field("pack_s", pack.seconds)
        .field("pack_peak_bytes", pack.peak_bytes)
        .field("cp_s", cp_s)
        .field("cp_gbps", gb / cp_s)
        .field("cp_fsync_s", cp_sync_s)
        .field("cp_fsync_gbps", cp_sync_s > 0 ? gb / cp_sync_s : 0.0)
        .field("copy_loop_s", loop_s)
        .field("copy_loop_gbps", loop_s > 0 ? gb / loop_s : 0.0)
        .field("write_vs_copy_loop", loop_s / write_s)
        .field("read_vs_copy_loop", loop_s / read_s)
        .field("write_vs_cp", cp_s / write_s)
        .field("write_vs_cp_fsync", cp_sync_s > 0 ? cp_sync_s / write_s : 0.0)
        .field("read_vs_cp", cp_s / read_s)
        .end_object();
    std::cout << j.str() << "\n";
    return 0;
  }
  std::printf("io (%s, %.0f parameters, checkpoint %.3f GB; model + optimizer state %.3f GB)\n",
              to_string(config.quantizer).c_str(), parameters, gb, state * 1e-9);
  std::printf("  %-16s %9s %9s %12s\n", "phase", "seconds", "GB/s", "peak GB");
  std::printf("  %-16s %9.3f %9.3f %12.3f  (%.3f GB resident before; %.3f s waiting for the disk)\n", "write", write_s,
              gb / write_s, write_peak * 1e-9, write_before * 1e-9, write_sync_s);
  std::printf("  %-16s %9.3f %9.3f  (the same bytes from memory: write(2) + fsync)\n", "write floor", floor_s, gb / floor_s);
  std::printf("  %-16s %9.3f %9.3f %12.3f  (%.3f GB resident before)\n", "read", read_s, gb / read_s, read.peak_bytes * 1e-9,
              read_before * 1e-9);
  std::printf("  %-16s %9.3f %9s %12.3f\n", "pollux-inspect", inspect.seconds, "", inspect.peak_bytes * 1e-9);
  if (lattice) std::printf("  %-16s %9.3f %9s %12.3f\n", "pollux-pack", pack.seconds, "", pack.peak_bytes * 1e-9);
  std::printf("  %-16s %9.3f %9.3f\n", "cp", cp_s, gb / cp_s);
  std::printf("  %-16s %9.3f %9.3f\n", "cp + fsync", cp_sync_s, gb / cp_sync_s);
  std::printf("  %-16s %9.3f %9.3f  (read(2) + write(2), 8 MiB buffer)\n", "copy loop", loop_s, gb / loop_s);
  std::printf(
      "  write at %.2fx its floor, %.2fx cp (%.2fx cp + fsync, %.2fx the copy loop), read at %.2fx cp (%.2fx the copy loop);\n"
      "  peak bound (state + 25%% of the file) %.3f GB%s\n",
      floor_s / write_s, cp_s / write_s, cp_sync_s / write_s, loop_s / write_s, cp_s / read_s, loop_s / read_s, bound * 1e-9,
      peak_reset ? "" : " (the write's peak includes building the state: no /proc/self/clear_refs)");
  return 0;
}

}  // namespace pollux::bench
