// Compiled as C++20 against pyarrow's bundled Arrow/Parquet headers (src/CMakeLists.txt).
#include "pollux/data/parquet_reader.h"

#include <algorithm>

#include <arrow/array.h>
#include <arrow/io/file.h>
#include <arrow/table.h>
#include <parquet/arrow/reader.h>
#include <parquet/exception.h>
#include <parquet/metadata.h>
#include <parquet/schema.h>

#include "pollux/base/error.h"

namespace pollux {

struct ParquetTextReader::Impl {
  std::string path, column;
  std::unique_ptr<parquet::arrow::FileReader> reader;
  int column_index = -1;  // leaf column index in the parquet schema

  // One line naming the file and column (Arrow's messages may span lines).
  [[noreturn]] void fail(std::string what) const {
    std::replace(what.begin(), what.end(), '\n', ' ');
    throw Error("prepare", path + " (column '" + column + "'): " + what);
  }
  void check(const arrow::Status& status, const char* doing) const {
    if (!status.ok()) fail(std::string(doing) + ": " + status.message());
  }
};

ParquetTextReader::ParquetTextReader(const std::string& path, const std::string& column) : impl_(std::make_unique<Impl>()) {
  Impl& m = *impl_;
  m.path = path;
  m.column = column;
  auto file = arrow::io::ReadableFile::Open(path);
  if (!file.ok()) throw Error("prepare", "cannot open input " + path + ": " + file.status().message());
  try {
    auto reader = parquet::arrow::OpenFile(*file, arrow::default_memory_pool());
    if (!reader.ok()) m.fail("not a readable parquet file: " + reader.status().message());
    m.reader = std::move(*reader);
    m.column_index = m.reader->parquet_reader()->metadata()->schema()->ColumnIndex(column);
  } catch (const parquet::ParquetException& e) { m.fail(std::string("not a readable parquet file: ") + e.what()); }
  if (m.column_index < 0) m.fail("no such column");
  std::shared_ptr<arrow::Schema> schema;
  m.check(m.reader->GetSchema(&schema), "cannot read the schema");
  const auto field = schema->GetFieldByName(column);
  if (!field) m.fail("no such top-level column");
  const arrow::Type::type type = field->type()->id();
  if (type != arrow::Type::STRING && type != arrow::Type::LARGE_STRING)
    m.fail("column is " + field->type()->ToString() + ", not string or large_string");
}

ParquetTextReader::~ParquetTextReader() = default;

int ParquetTextReader::row_groups() const { return impl_->reader->num_row_groups(); }

namespace {
template <typename ArrayType>
std::uint64_t each_string(const arrow::Array& chunk, const std::function<void(std::string_view)>& value) {
  const auto& strings = static_cast<const ArrayType&>(chunk);
  std::uint64_t nulls = 0;
  for (std::int64_t i = 0; i < strings.length(); ++i) {
    if (strings.IsNull(i))
      ++nulls;
    else
      value(strings.GetView(i));
  }
  return nulls;
}
}  // namespace

std::uint64_t ParquetTextReader::read_row_group(int index, const std::function<void(std::string_view)>& value) {
  Impl& m = *impl_;
  std::shared_ptr<arrow::Table> table;
  try {
    m.check(m.reader->ReadRowGroup(index, {m.column_index}, &table), ("cannot read row group " + std::to_string(index)).c_str());
  } catch (const parquet::ParquetException& e) { m.fail("cannot read row group " + std::to_string(index) + ": " + e.what()); }
  std::uint64_t nulls = 0;
  for (const auto& chunk : table->column(0)->chunks()) {
    if (chunk->type_id() == arrow::Type::LARGE_STRING)
      nulls += each_string<arrow::LargeStringArray>(*chunk, value);
    else
      nulls += each_string<arrow::StringArray>(*chunk, value);
  }
  return nulls;
}

}  // namespace pollux
