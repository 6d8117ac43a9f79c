// Access to the reference fixtures in shared/reference (spec section 7) for tests.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace pollux::test {

// Folder of the fixtures ("" when it is absent; tests then skip with a message).
std::string reference_dir();
std::string shared_dir();

// Reading HDF5 datasets and attributes of a fixture file, converted on read.
class H5File {
 public:
  explicit H5File(const std::string& path);
  ~H5File();
  H5File(const H5File&) = delete;
  H5File& operator=(const H5File&) = delete;

  bool has(const std::string& dataset) const;
  std::vector<std::uint64_t> shape(const std::string& dataset) const;
  std::vector<double> doubles(const std::string& dataset) const;
  std::vector<float> floats(const std::string& dataset) const;
  std::vector<std::int64_t> ints(const std::string& dataset) const;
  double attribute_double(const std::string& object, const std::string& name) const;
  std::vector<std::int64_t> attribute_ints(const std::string& object, const std::string& name) const;
  std::string attribute_string(const std::string& object, const std::string& name) const;

 private:
  std::int64_t id_;
  std::string path_;
};

}  // namespace pollux::test
