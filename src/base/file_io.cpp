#include "pollux/base/file_io.h"

#include <fcntl.h>
#include <sys/mman.h>
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

File File::read(const std::string& path, const std::string& component, const std::string& what) {
  const std::string named = (what.empty() ? "" : what + " ") + path;
  // O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer forever.
  const int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) throw Error(component, "cannot open " + named + ": " + std::strerror(errno));
  File file(fd, path, component);
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode))
    throw Error(component, named + " is not a regular file" + (S_ISDIR(st.st_mode) ? " (a folder)" : ""));
  ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) & ~O_NONBLOCK);
  return file;
}

File File::update(const std::string& path, const std::string& component, const std::string& what) {
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) throw Error(component, "cannot open " + (what.empty() ? "" : what + " ") + path + ": " + std::strerror(errno));
  return File(fd, path, component);
}

File File::create(const std::string& path, const std::string& component) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) throw Error(component, "cannot create " + path + ": " + std::strerror(errno));
  return File(fd, path, component);
}

File::File(File&& other) noexcept
    : fd_(std::exchange(other.fd_, -1)), path_(std::move(other.path_)), component_(std::move(other.component_)) {}

File& File::operator=(File&& other) noexcept {
  if (fd_ >= 0) ::close(fd_);
  fd_ = std::exchange(other.fd_, -1);
  path_ = std::move(other.path_);
  component_ = std::move(other.component_);
  return *this;
}

File::~File() {
  if (fd_ >= 0) ::close(fd_);
}

void File::fail(const std::string& doing, int error) const {
  throw Error(component_, doing + " " + path_ + ": " + std::strerror(error));
}

std::uint64_t File::size() const {
  struct stat st {};
  if (::fstat(fd_, &st) != 0) fail("cannot read", errno);
  return std::uint64_t(st.st_size);
}

void File::read_at(void* data, std::size_t n, std::uint64_t at) const {
  auto* p = static_cast<std::uint8_t*>(data);
  while (n > 0) {
    const ssize_t r = ::pread(fd_, p, n, off_t(at));
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) fail("cannot read", errno);
    if (r == 0) throw Error(component_, path_ + ": the file ended early (truncated while being read?)");
    p += r;
    at += std::uint64_t(r);
    n -= std::size_t(r);
  }
}

std::size_t File::read_up_to(void* data, std::size_t n, std::uint64_t at) const {
  auto* p = static_cast<std::uint8_t*>(data);
  std::size_t got = 0;
  while (got < n) {
    const ssize_t r = ::pread(fd_, p + got, n - got, off_t(at + got));
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) fail("cannot read", errno);
    if (r == 0) break;
    got += std::size_t(r);
  }
  return got;
}

std::vector<std::uint8_t> File::read_all() const {
  std::vector<std::uint8_t> bytes;
  bytes.reserve(std::size_t(size()));
  std::uint8_t buffer[1 << 16];
  for (std::size_t got; (got = read_up_to(buffer, sizeof buffer, bytes.size())) > 0;)
    bytes.insert(bytes.end(), buffer, buffer + got);
  return bytes;
}

void File::write_at(const void* data, std::size_t n, std::uint64_t at) const {
  const auto* p = static_cast<const std::uint8_t*>(data);
  while (n > 0) {
    const ssize_t w = ::pwrite(fd_, p, n, off_t(at));
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) fail("cannot write", w < 0 ? errno : EIO);
    p += w;
    at += std::uint64_t(w);
    n -= std::size_t(w);
  }
}

bool File::reserve(std::uint64_t size) const {
  if (::fallocate(fd_, 0, 0, off_t(size)) == 0) return true;
  if (errno == ENOSPC) fail("cannot write", ENOSPC);
  return false;
}

void File::sync_data() const {
  if (::fdatasync(fd_) != 0) fail("cannot flush", errno);
}

void File::sync_and_close() {
  const bool synced = ::fsync(fd_) == 0;
  const int error = errno;
  const bool closed = ::close(std::exchange(fd_, -1)) == 0;
  if (!synced || !closed) fail("cannot flush", synced ? errno : error);
}

MappedFile map_file(const std::string& path, const std::string& component, const std::string& what, bool writable) {
  const File file = File::read(path, component, what);
  MappedFile out;
  out.size = std::size_t(file.size());
  if (out.size == 0) return out;
  void* p = ::mmap(nullptr, out.size, writable ? PROT_READ | PROT_WRITE : PROT_READ, MAP_PRIVATE, file.fd(), 0);
  if (p == MAP_FAILED) throw Error(component, "cannot map " + path + " into memory: " + std::strerror(errno));
  const std::size_t size = out.size;
  out.data = std::shared_ptr<std::uint8_t>(static_cast<std::uint8_t*>(p), [size](std::uint8_t* q) { ::munmap(q, size); });
  return out;
}

std::vector<std::uint8_t> read_file(const std::string& path) { return File::read(path, "io").read_all(); }

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
  File file = File::create(out.tmp(), "io");
  file.write_at(bytes.data(), bytes.size(), 0);
  file.sync_and_close();
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
