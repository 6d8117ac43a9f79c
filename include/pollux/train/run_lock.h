// The run folder's advisory lock: one trainer writes to a --out folder at a time.
#pragma once

#include <string>

namespace pollux {

// Holds flock(DIR/.lock) for its lifetime; the kernel also releases it on any exit, kill -9
// included. A second trainer on DIR throws pollux::Error naming DIR and the holder's pid.
// Once held, removes *.tmp.<pid> files in DIR whose writer process no longer exists.
class RunLock {
 public:
  explicit RunLock(const std::string& dir);
  ~RunLock();
  RunLock(const RunLock&) = delete;
  RunLock& operator=(const RunLock&) = delete;

 private:
  int fd_ = -1;
};

}  // namespace pollux
