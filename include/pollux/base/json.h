// A small JSON writer for machine-readable tool output (--json): values are appended in
// order, keys and strings are escaped, numbers printed with full precision.
#pragma once

#include <cstdint>
#include <string>

namespace pollux {

class JsonWriter {
 public:
  JsonWriter& begin_object();
  JsonWriter& end_object();
  JsonWriter& begin_array();
  JsonWriter& end_array();
  JsonWriter& key(const std::string& k);
  JsonWriter& value(const std::string& s);
  JsonWriter& value(const char* s) { return value(std::string(s)); }
  JsonWriter& value(double d);
  JsonWriter& value(std::int64_t i);
  JsonWriter& value(std::uint64_t i);
  JsonWriter& value(int i) { return value(std::int64_t(i)); }
  JsonWriter& value(bool b);
  JsonWriter& raw(const std::string& json);  // an already-serialized JSON value
  template <typename T>
  JsonWriter& field(const std::string& k, const T& v) { return key(k).value(v); }
  const std::string& str() const { return out_; }

 private:
  void separate();
  std::string out_;
  bool need_comma_ = false;
};

std::string json_escape(const std::string& s);  // with the surrounding quotes

}  // namespace pollux
