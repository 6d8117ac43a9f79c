// A stop asked for by SIGINT or SIGTERM. The handler only records the signal; long work
// (training steps, validation, task scoring, corpus preparation) reads it between its units
// and stops cleanly: a trainer writes its checkpoint and exits 0, a writer removes its
// temporary file.
#pragma once

#include <sys/types.h>

#include <stdexcept>

namespace pollux {

// Installs the handlers for SIGINT and SIGTERM (idempotent).
void install_stop_handlers();
// For tools whose work does not stop between units (pollux-pack, -ptq, -import, -bench io):
// SIGINT and SIGTERM remove the files registered with remove_on_signal (file_io.h: every
// OutputFile's temporary file), end the child named by forward_exit_signal_to (waiting for
// it), then end the process by the same signal (exit status 128 + signal).
void install_exit_handlers();
// The child process the exit handlers end first (0: none).
void forward_exit_signal_to(pid_t child);

// The signal received since, or 0.
int stop_signal();
// Restores the default action of both signals (a second signal then ends the process).
void restore_default_signal_actions();

// Thrown by work that noticed a stop between two of its units; the caller that installed the
// handlers catches it.
class Stopped : public std::runtime_error {
 public:
  Stopped() : std::runtime_error("stopped by a signal") {}
};

// Throws Stopped when a stop was asked for.
void throw_if_stopped();

}  // namespace pollux
