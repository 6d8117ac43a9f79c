#include "pollux/base/stop_signal.h"

#include <sys/types.h>
#include <sys/wait.h>

#include <atomic>
#include <csignal>

#include "pollux/base/file_io.h"

namespace pollux {
namespace {

std::atomic<int> g_stop_signal{0};
std::atomic<pid_t> g_child{0};
extern "C" void on_stop_signal(int sig) { g_stop_signal = sig; }

// Only async-signal-safe calls: kill, waitpid, unlink, signal, raise.
extern "C" void on_exit_signal(int sig) {
  if (defer_exit_signal(sig)) return;  // commit_together ends the process after its last rename
  const pid_t child = g_child;
  if (child > 0) {
    ::kill(child, sig);
    ::waitpid(child, nullptr, 0);
  }
  remove_files_on_signal();
  std::signal(sig, SIG_DFL);
  std::raise(sig);
}

}  // namespace

void install_stop_handlers() {
  std::signal(SIGINT, on_stop_signal);
  std::signal(SIGTERM, on_stop_signal);
}

void install_exit_handlers() {
  std::signal(SIGINT, on_exit_signal);
  std::signal(SIGTERM, on_exit_signal);
}

void forward_exit_signal_to(pid_t child) { g_child = child; }

int stop_signal() { return g_stop_signal; }

void restore_default_signal_actions() {
  std::signal(SIGINT, SIG_DFL);
  std::signal(SIGTERM, SIG_DFL);
}

void throw_if_stopped() {
  if (g_stop_signal != 0) throw Stopped();
}

}  // namespace pollux
