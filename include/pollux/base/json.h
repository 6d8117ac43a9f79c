// JSON for tool output (--json), sidecars and JSON-lines corpora: a small writer that
// appends values in order, and a parser into a plain value tree.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

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
  JsonWriter& field(const std::string& k, const T& v) {
    return key(k).value(v);
  }
  const std::string& str() const { return out_; }

 private:
  void separate();
  std::string out_;
  bool need_comma_ = false;
};

std::string json_escape(const std::string& s);  // with the surrounding quotes

// A parsed JSON value (RFC 8259). Numbers are kept as double.
struct JsonValue {
  enum class Kind { null, boolean, number, string, array, object };
  Kind kind = Kind::null;
  bool boolean = false;
  double number = 0;
  std::string string;
  std::vector<JsonValue> array;
  std::map<std::string, JsonValue> object;

  const JsonValue* get(const std::string& key) const;  // nullptr unless an object holding key
};

// Parses one JSON text; throws pollux::Error("json", ...) with the byte offset on bad input.
JsonValue parse_json(const std::string& text);

// Parses the one JSON value that starts at text[pos] (after any whitespace) and moves pos past
// it: for a reader that walks a large document's structure itself and keeps only what it needs
// (pollux-eval --serve reads token id lists straight into integers).
JsonValue parse_json_value(const std::string& text, std::size_t& pos);

}  // namespace pollux
