#include "pollux/train/csv_log.h"

#include <cstdlib>
#include <fstream>
#include <vector>

#include "pollux/base/file_io.h"

namespace pollux {

CsvLog::CsvLog(std::string path, const std::string& header, std::int64_t resume_step, const std::string& former_header)
    : path_(std::move(path)) {
  std::string text = header + "\n";
  std::ifstream in(path_);
  std::string line;
  // A file written before columns were appended at the end keeps its rows.
  if (in && std::getline(in, line) &&
      (line == header || header.rfind(line + ",", 0) == 0 || (!former_header.empty() && line == former_header)))
    while (std::getline(in, line)) {
      char* end = nullptr;
      const long long step = std::strtoll(line.c_str(), &end, 10);
      if (end != line.c_str() && *end == ',' && step <= resume_step) text += line + "\n";
    }
  write_file_atomic(path_, std::vector<std::uint8_t>(text.begin(), text.end()));
}

void CsvLog::row(const std::string& text) {
  std::ofstream out(path_, std::ios::app);
  out << text << "\n";
}

}  // namespace pollux
