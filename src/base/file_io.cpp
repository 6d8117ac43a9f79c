#include "pollux/base/file_io.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <utility>

#include "pollux/base/error.h"

namespace pollux {

int open_regular_file(const std::string& path, const std::string& component, const std::string& what) {
  const std::string named = (what.empty() ? "" : what + " ") + path;
  // O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer forever.
  const int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) throw Error(component, "cannot open " + named + ": " + std::strerror(errno));
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    throw Error(component, named + " is not a regular file" + (S_ISDIR(st.st_mode) ? " (a folder)" : ""));
  }
  ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) & ~O_NONBLOCK);
  return fd;
}

std::vector<std::uint8_t> read_file(const std::string& path) {
  const int fd = open_regular_file(path, "io");
  struct stat st {};
  ::fstat(fd, &st);
  std::vector<std::uint8_t> bytes;
  bytes.reserve(std::size_t(st.st_size));
  std::uint8_t buffer[1 << 16];
  ssize_t n;
  while ((n = ::read(fd, buffer, sizeof buffer)) != 0) {
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      const std::string why = std::strerror(errno);
      ::close(fd);
      throw Error("io", "cannot read " + path + ": " + why);
    }
    bytes.insert(bytes.end(), buffer, buffer + n);
  }
  ::close(fd);
  return bytes;
}

namespace {

// The files the exit handlers remove: fixed slots, so a signal handler reads them without
// allocating or locking. A slot is 0 free, 1 being filled, 2 registered.
constexpr int kSignalSlots = 16;
std::atomic<int> g_slot_state[kSignalSlots];
char g_slot_path[kSignalSlots][4096];
// commit_together against the exit handlers: 0 idle, 1 committing, 2 a signal ends the process.
std::atomic<int> g_commit_state{0};
std::atomic<int> g_deferred_signal{0};

std::string describe_kind(mode_t mode) {
  if (S_ISDIR(mode)) return "a folder";
  if (S_ISCHR(mode)) return "a character device";
  if (S_ISBLK(mode)) return "a block device";
  if (S_ISFIFO(mode)) return "a FIFO";
  if (S_ISSOCK(mode)) return "a socket";
  return "not a plain file";
}

}  // namespace

int remove_on_signal(const std::string& path) {
  if (path.size() >= sizeof g_slot_path[0]) return -1;
  for (int i = 0; i < kSignalSlots; ++i) {
    int expected = 0;
    if (!g_slot_state[i].compare_exchange_strong(expected, 1)) continue;
    std::memcpy(g_slot_path[i], path.c_str(), path.size() + 1);
    g_slot_state[i] = 2;
    return i;
  }
  return -1;
}

void forget_on_signal(int slot) {
  if (slot >= 0 && slot < kSignalSlots) g_slot_state[slot] = 0;
}

void remove_files_on_signal() {
  for (int i = 0; i < kSignalSlots; ++i)
    if (g_slot_state[i] == 2) ::unlink(g_slot_path[i]);
}

void refuse_non_regular_output(const std::string& path, const std::string& flag) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0 || S_ISREG(st.st_mode)) return;
  throw Error("io", (flag.empty() ? "" : flag + " ") + path + " is not a regular file (" + describe_kind(st.st_mode) +
                        "): refusing to replace it");
}

void fsync_folder_of(const std::string& path) {
  const std::size_t slash = path.rfind('/');
  const std::string folder = slash == std::string::npos ? "." : slash == 0 ? "/" : path.substr(0, slash);
  const int fd = ::open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) throw Error("io", "cannot open the folder " + folder + " to flush it: " + std::strerror(errno));
  // EINVAL: a file system that cannot sync folders (it has nothing to lose then).
  const bool ok = ::fsync(fd) == 0 || errno == EINVAL;
  const std::string why = std::strerror(errno);
  ::close(fd);
  if (!ok) throw Error("io", "cannot flush the folder " + folder + ": " + why);
}

OutputFile::OutputFile(std::string path, const std::string& flag)
    : path_(std::move(path)), tmp_(path_ + ".tmp." + std::to_string(::getpid())), flag_(flag) {
  refuse_non_regular_output(path_, flag_);
  slot_ = remove_on_signal(tmp_);
}

OutputFile::~OutputFile() {
  if (!committed_) ::unlink(tmp_.c_str());
  forget_on_signal(slot_);
}

void OutputFile::commit() {
  refuse_non_regular_output(path_, flag_);  // made a folder (or a FIFO) while this was written?
  if (std::rename(tmp_.c_str(), path_.c_str()) != 0)
    throw Error("io", "cannot rename " + tmp_ + " to " + path_ + ": " + std::strerror(errno));
  committed_ = true;
  forget_on_signal(slot_);
  fsync_folder_of(path_);
}

bool defer_exit_signal(int sig) {
  int state = 0;
  if (g_commit_state.compare_exchange_strong(state, 2)) return false;  // idle: the process ends now
  if (state == 1) g_deferred_signal = sig;
  return state == 1;
}

void commit_together(const std::vector<OutputFile*>& outputs) {
  // A signal between two renames would leave the first new file beside the second's old one.
  // Masking it is not enough (another thread of the process may take it), so the exit
  // handler defers it (defer_exit_signal) until the last rename, and it ends the process then.
  int state = 0;
  if (!g_commit_state.compare_exchange_strong(state, 1))
    for (;;) ::pause();  // a signal is ending the process on another thread
  struct Leave {
    ~Leave() {
      g_commit_state = 0;
      const int sig = g_deferred_signal.exchange(0);
      if (sig == 0) return;
      g_commit_state = 2;
      remove_files_on_signal();
      std::signal(sig, SIG_DFL);
      std::raise(sig);
    }
  } leave;
  for (OutputFile* out : outputs) refuse_non_regular_output(out->path_, out->flag_);
  for (std::size_t i = 0; i < outputs.size(); ++i) {
    try {
      outputs[i]->commit();
    } catch (const Error& e) {
      for (std::size_t j = 0; j < i; ++j) ::unlink(outputs[j]->path_.c_str());
      if (i == 0) throw;
      // e.what() is "[io] ...": the same component, one prefix
      throw Error("io", std::string(e.what()).substr(5) + " (the new " + outputs[0]->path_ + " was removed with it)");
    }
  }
}

void write_output(const OutputFile& out, const std::vector<std::uint8_t>& bytes) {
  const std::string& tmp = out.tmp();
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) throw Error("io", "cannot create " + tmp + ": " + std::strerror(errno));
  std::size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      const std::string why = std::strerror(n < 0 ? errno : EIO);
      ::close(fd);
      throw Error("io", "cannot write " + tmp + ": " + why);
    }
    done += std::size_t(n);
  }
  if (::fsync(fd) != 0 || ::close(fd) != 0) throw Error("io", "cannot flush " + tmp + ": " + std::strerror(errno));
}

void write_file_atomic(const std::string& path, const std::vector<std::uint8_t>& bytes, const std::string& flag) {
  OutputFile out(path, flag);
  write_output(out, bytes);
  out.commit();
}

void refuse_output_is_input(const std::string& input, const std::string& output, const std::string& flag) {
  struct stat in {
  }, out{};
  if (::stat(input.c_str(), &in) != 0 || ::stat(output.c_str(), &out) != 0) return;
  if (in.st_dev == out.st_dev && in.st_ino == out.st_ino)
    throw Error("io", flag + " " + output + " is the input file " + input + ": writing it would destroy the input");
}

}  // namespace pollux
