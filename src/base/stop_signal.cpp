#include "pollux/base/stop_signal.h"

#include <atomic>
#include <csignal>

namespace pollux {
namespace {

std::atomic<int> g_stop_signal{0};
extern "C" void on_stop_signal(int sig) { g_stop_signal = sig; }

}  // namespace

void install_stop_handlers() {
  std::signal(SIGINT, on_stop_signal);
  std::signal(SIGTERM, on_stop_signal);
}

int stop_signal() { return g_stop_signal; }

void restore_default_signal_actions() {
  std::signal(SIGINT, SIG_DFL);
  std::signal(SIGTERM, SIG_DFL);
}

void throw_if_stopped() {
  if (g_stop_signal != 0) throw Stopped();
}

}  // namespace pollux
