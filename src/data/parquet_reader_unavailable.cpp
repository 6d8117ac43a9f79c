// The parquet reader of a build without pyarrow's Arrow/Parquet libraries.
#include "pollux/base/error.h"
#include "pollux/data/parquet_reader.h"

namespace pollux {

struct ParquetTextReader::Impl {};

ParquetTextReader::ParquetTextReader(const std::string& path, const std::string&) {
  throw Error("prepare", path +
                             ": this build cannot read parquet (pyarrow was not found in the venv at configure "
                             "time: run tools/bootstrap.sh and reconfigure)");
}
ParquetTextReader::~ParquetTextReader() = default;
int ParquetTextReader::row_groups() const { return 0; }
std::uint64_t ParquetTextReader::read_row_group(int, const std::function<void(std::string_view)>&) { return 0; }

}  // namespace pollux
