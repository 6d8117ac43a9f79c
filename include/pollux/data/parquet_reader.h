// One string column of a parquet file, read row group by row group so that memory stays
// bounded by one row group's column. Implemented with the Arrow/Parquet C++ libraries that
// ship inside the pyarrow wheel (C++20 headers, kept out of this C++17-clean interface);
// a build without pyarrow has a reader that refuses with a line saying so.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

namespace pollux {

class ParquetTextReader {
 public:
  // Opens `path` and finds `column`, which must be string or large_string; throws
  // pollux::Error naming the file and column otherwise (not parquet, truncated, no such column).
  ParquetTextReader(const std::string& path, const std::string& column);
  ~ParquetTextReader();
  ParquetTextReader(const ParquetTextReader&) = delete;
  ParquetTextReader& operator=(const ParquetTextReader&) = delete;

  int row_groups() const;
  // Calls `value` with each non-null string of row group `index` in row order; returns the
  // number of null values skipped.
  std::uint64_t read_row_group(int index, const std::function<void(std::string_view)>& value);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace pollux
