// A run's CSV log (metrics.csv, lattice_stats.csv): one row per step, continued across resumed
// runs. Rows past the resume step of an earlier run are dropped so curves stitch by step.
#pragma once

#include <cstdint>
#include <string>

namespace pollux {

class CsvLog {
 public:
  // Keeps the rows of steps up to resume_step of a file with this header (a row that does not
  // start with a step number is dropped; a file whose header is not this one or a prefix of it
  // starts anew) and rewrites
  // it atomically.
  CsvLog(std::string path, const std::string& header, std::int64_t resume_step);
  void row(const std::string& text);

 private:
  std::string path_;
};

}  // namespace pollux
