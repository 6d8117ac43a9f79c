// The run folder's advisory lock: one trainer writes to a --out folder at a time.
#pragma once

#include <string>

#include "pollux/base/file_io.h"

namespace pollux {

// Holds flock(DIR/.lock) for its lifetime; the kernel also releases it on any exit, kill -9
// included. A second trainer on DIR throws pollux::Error naming DIR and the holder's pid.
// Once held, removes *.tmp.<pid> files in DIR whose writer process no longer exists.
class RunLock {
 public:
  explicit RunLock(const std::string& dir);

 private:
  File file_;  // closing it releases the lock
};

}  // namespace pollux
