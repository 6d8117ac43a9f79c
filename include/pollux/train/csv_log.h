// A run's CSV log (metrics.csv, lattice_stats.csv): one row per step, continued across resumed
// runs. Rows past the resume step of an earlier run are dropped so curves stitch by step.
#pragma once

#include <cstdint>
#include <string>

namespace pollux {

class CsvLog {
 public:
  // Keeps the rows of steps up to resume_step of a file with this header, or with
  // `former_header` (the same columns under names an earlier version wrote; it is replaced),
  // and rewrites it atomically. A row that does not start with a step number is dropped; a file
  // whose header is neither of them nor a prefix of `header` starts anew.
  CsvLog(std::string path, const std::string& header, std::int64_t resume_step, const std::string& former_header = "");
  void row(const std::string& text);

 private:
  std::string path_;
};

}  // namespace pollux
