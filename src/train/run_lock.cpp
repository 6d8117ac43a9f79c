#include "pollux/train/run_lock.h"

#include <signal.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>

#include "pollux/base/error.h"
#include "pollux/base/log.h"

namespace pollux {
namespace fs = std::filesystem;

namespace {

// The pid of a "NAME.tmp.<pid>" file, or 0 when the name has another form.
pid_t writer_of(const std::string& name) {
  const std::size_t at = name.rfind(".tmp.");
  if (at == std::string::npos || at + 5 == name.size()) return 0;
  const std::string digits = name.substr(at + 5);
  if (digits.size() > 9 || digits.find_first_not_of("0123456789") != std::string::npos) return 0;
  return pid_t(std::stol(digits));
}

}  // namespace

RunLock::RunLock(const std::string& dir) : file_(File::update(dir + "/.lock", "train", "the run lock")) {
  const std::string& path = file_.path();
  if (::flock(file_.fd(), LOCK_EX | LOCK_NB) != 0) {
    char holder[32] = {0};
    const std::size_t n = file_.read_up_to(holder, sizeof holder - 1);
    throw Error("train", "--out " + dir + " is in use by another trainer" +
                             (n > 0 ? " (pid " + std::string(holder, n) + ")" : std::string()) +
                             ": give each run its own folder");
  }
  const std::string pid = std::to_string(::getpid());
  try {
    if (::ftruncate(file_.fd(), 0) != 0) throw Error("train", "cannot empty " + path);
    file_.write_at(pid.data(), pid.size(), 0);
  } catch (const Error&) { log::warn("cannot record this trainer's pid in " + path); }
  // Temporary files of writers that died (kill -9, power loss) are never renamed: remove them.
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    const pid_t writer = writer_of(entry.path().filename().string());
    if (writer > 0 && writer != ::getpid() && ::kill(writer, 0) != 0 && errno == ESRCH && fs::remove(entry.path(), ec))
      log::info("removed " + entry.path().string() + ", left by a writer that no longer runs");
  }
}

}  // namespace pollux
