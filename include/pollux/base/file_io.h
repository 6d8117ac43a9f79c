// The one file layer (issue 31): every file is opened, read, written, synced and mapped here
// (File, map_file), with errors that name it.
// And the one write path of every tool that writes a file (issue 29): an output is refused
// when PATH exists and is not a regular file, written to PATH.tmp.<pid> in the same folder,
// flushed and fsync'ed, renamed over PATH, and the folder fsync'ed, so a good file is never
// replaced by a half one and a power cut cannot lose the new name. The temporary file is
// removed when an error unwinds past it, and when a signal ends the process
// (install_exit_handlers, stop_signal.h).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace pollux {

// An open file, closed when it goes: the one place files are opened, read, written, synced
// and mapped. Every error is pollux::Error(component, ...) and names the file.
class File {
 public:
  // For reading. Refused unless PATH is a regular file (a folder, a FIFO, /dev/zero), so a
  // reader never blocks on a FIFO or reads an endless device. `what` names the file's role
  // in the message ("cannot open token file PATH").
  static File read(const std::string& path, const std::string& component, const std::string& what = "");
  // For reading and writing, created (mode 0644) where it does not exist.
  static File update(const std::string& path, const std::string& component, const std::string& what = "");
  // Created empty, or emptied, for writing.
  static File create(const std::string& path, const std::string& component);
  File(File&& other) noexcept;
  File& operator=(File&& other) noexcept;
  File(const File&) = delete;
  File& operator=(const File&) = delete;
  ~File();

  int fd() const { return fd_; }
  const std::string& path() const { return path_; }
  std::uint64_t size() const;
  // Exactly n bytes from offset `at`; a file that ends first is an error.
  void read_at(void* data, std::size_t n, std::uint64_t at) const;
  // Up to n bytes from offset `at` (fewer where the file ends first); returns how many.
  std::size_t read_up_to(void* data, std::size_t n, std::uint64_t at = 0) const;
  // Every byte up to the end, however long the file says it is (a /proc file says 0).
  std::vector<std::uint8_t> read_all() const;
  void write_at(const void* data, std::size_t n, std::uint64_t at) const;
  // Reserves the blocks of the first `size` bytes: false where the file system cannot;
  // throws on a full disk.
  bool reserve(std::uint64_t size) const;
  void sync_data() const;  // fdatasync
  // fsync and close, reporting either failure (a deferred write error shows up here).
  void sync_and_close();

 private:
  File(int fd, std::string path, std::string component) : fd_(fd), path_(std::move(path)), component_(std::move(component)) {}
  [[noreturn]] void fail(const std::string& doing, int error) const;
  int fd_ = -1;
  std::string path_, component_;
};

// A whole regular file mapped into memory, unmapped with the last copy of `data`. Read-only,
// or with `writable` private and writable (a change in memory never reaches the file). An
// empty file maps to nothing (data null). Throws as File::read does, naming the file.
struct MappedFile {
  std::shared_ptr<std::uint8_t> data;
  std::size_t size = 0;
};
MappedFile map_file(const std::string& path, const std::string& component, const std::string& what = "", bool writable = false);

// Throws pollux::Error naming the path if it cannot be read or is not a regular file.
std::vector<std::uint8_t> read_file(const std::string& path);

// Throws pollux::Error("io", "FLAG PATH is not a regular file (a folder)") when PATH exists and
// is anything but a regular file (a folder, a character device, a FIFO, a socket): a rename
// over it would replace it, and as root --output /dev/null would replace /dev/null for the
// whole machine. `flag` names the option ("--output"); empty: the message starts with PATH.
void refuse_non_regular_output(const std::string& path, const std::string& flag);

// A file being written: PATH.tmp.<pid> in PATH's folder. The constructor refuses a
// non-regular PATH (refuse_non_regular_output) before anything is created; the writer writes
// tmp() and fsyncs and closes it; commit() renames it over PATH and fsyncs the folder. Until
// then the temporary file is removed by the destructor (an error) and by the exit handlers
// (a signal); PATH is untouched.
class OutputFile {
 public:
  explicit OutputFile(std::string path, const std::string& flag = "");
  ~OutputFile();
  OutputFile(const OutputFile&) = delete;
  OutputFile& operator=(const OutputFile&) = delete;
  const std::string& path() const { return path_; }
  const std::string& tmp() const { return tmp_; }
  void commit();

 private:
  friend void commit_together(const std::vector<OutputFile*>& outputs);
  std::string path_, tmp_, flag_;
  int slot_ = -1;  // in the list the exit handlers remove
  bool committed_ = false;
};

// Commits several files that belong together (a model and its report) with SIGINT and
// SIGTERM deferred (defer_exit_signal), every destination checked again first; if a rename still fails, the new
// files already renamed are removed: a new file never stays beside an old one.
void commit_together(const std::vector<OutputFile*>& outputs);

// Writes `bytes` through an OutputFile and commits it. Throws pollux::Error naming the path
// on any failure; PATH is then untouched.
void write_file_atomic(const std::string& path, const std::vector<std::uint8_t>& bytes, const std::string& flag = "");
// Writes `bytes` to the temporary file of `out`, fsync'ed and closed (commit it after).
void write_output(const OutputFile& out, const std::vector<std::uint8_t>& bytes);

// fsync of the folder holding `path`, so that a rename into it survives a power cut.
void fsync_folder_of(const std::string& path);

// Files removed if a signal ends the process (the exit handlers call remove_files_on_signal,
// which is async-signal-safe). A path is registered until forgotten; at most 16 at a time.
int remove_on_signal(const std::string& path);  // returns the slot, or -1 when all are taken
void forget_on_signal(int slot);
void remove_files_on_signal();
// For the exit handlers: true when commit_together is renaming (the signal is recorded and
// ends the process after its last rename, so a pair is never half replaced); false otherwise
// (the handler ends the process now). Async-signal-safe.
bool defer_exit_signal(int sig);

// Throws pollux::Error("io", ...) naming `flag` when `output` is the file `input` under
// another or the same name (same device and inode: links and "./x" are caught). An output
// that does not exist yet is never the input.
void refuse_output_is_input(const std::string& input, const std::string& output, const std::string& flag);

}  // namespace pollux
