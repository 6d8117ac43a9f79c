// A stop asked for by SIGINT or SIGTERM. The handler only records the signal; long work
// (training steps, validation, task scoring, corpus preparation) reads it between its units
// and stops cleanly: a trainer writes its checkpoint and exits 0, a writer removes its
// temporary file.
#pragma once

#include <stdexcept>

namespace pollux {

// Installs the handlers for SIGINT and SIGTERM (idempotent).
void install_stop_handlers();
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
