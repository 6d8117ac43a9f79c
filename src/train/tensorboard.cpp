#include "pollux/train/tensorboard.h"

#include <unistd.h>

#include <algorithm>
#include <boost/crc.hpp>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>

#include "pollux/base/error.h"

namespace pollux {
namespace {

namespace fs = std::filesystem;

constexpr const char* kPrefix = "events.out.tfevents.";

// The few protobuf fields of TensorBoard's Event, Summary and SessionLog messages
// (tensorboard/compat/proto/event.proto, summary.proto), encoded by hand: a protobuf library
// and its generated code would be a build dependency for four message kinds.
//   Event: wall_time = 1 (double), step = 2 (int64), file_version = 3 (string),
//          summary = 5 (Summary), session_log = 7 (SessionLog)
//   Summary: value = 1 (repeated Value); Value: tag = 1 (string), simple_value = 2 (float)
//   SessionLog: status = 1 (enum, START = 1)
void varint(std::string& out, std::uint64_t v) {
  for (; v >= 0x80; v >>= 7) out += char(0x80 | (v & 0x7f));
  out += char(v);
}

void little_endian(std::string& out, std::uint64_t v, int bytes) {
  for (int i = 0; i < bytes; ++i) out += char((v >> (8 * i)) & 0xff);
}

void key(std::string& out, int field, int wire_type) { varint(out, std::uint64_t(field) << 3 | std::uint64_t(wire_type)); }

void bytes_field(std::string& out, int field, const std::string& bytes) {
  key(out, field, 2);
  varint(out, bytes.size());
  out += bytes;
}

void varint_field(std::string& out, int field, std::uint64_t v) {
  key(out, field, 0);
  varint(out, v);
}

double wall_time() { return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count(); }

// The number after "events.out.tfevents." of an event file's name (-1 for any other name).
long long name_seconds(const std::string& name) {
  if (name.rfind(kPrefix, 0) != 0) return -1;
  char* end = nullptr;
  const char* digits = name.c_str() + std::strlen(kPrefix);
  const long long s = std::strtoll(digits, &end, 10);
  return end == digits ? -1 : s;
}

// A name that sorts after every event file in `dir`: its seconds are now's, or one more than
// the latest name's when that is not earlier (two segments within a second, a clock set back).
std::string segment_name(const std::string& dir) {
  long long seconds =
      std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir, ec))
    seconds = std::max(seconds, name_seconds(entry.path().filename().string()) + 1);
  char host[256] = "localhost";
  ::gethostname(host, sizeof host - 1);
  char name[400];
  std::snprintf(name, sizeof name, "%s%010lld.%s.%ld", kPrefix, seconds, host, long(::getpid()));
  return name;
}

}  // namespace

std::uint32_t masked_crc32c(const std::string& bytes) {
  boost::crc_optimal<32, 0x1EDC6F41, 0xFFFFFFFF, 0xFFFFFFFF, true, true> crc;  // CRC-32C
  crc.process_bytes(bytes.data(), bytes.size());
  const std::uint32_t c = crc.checksum();
  return ((c >> 15) | (c << 17)) + 0xa282ead8u;
}

std::string tfrecord(const std::string& payload) {
  std::string length;
  little_endian(length, payload.size(), 8);
  std::string record = length;
  little_endian(record, masked_crc32c(length), 4);
  record += payload;
  little_endian(record, masked_crc32c(payload), 4);
  return record;
}

TensorBoardLog::TensorBoardLog(const std::string& run_dir, std::int64_t resume_step)
    : path_(run_dir + "/" + segment_name(run_dir)), out_(path_, std::ios::binary | std::ios::trunc) {
  if (!out_) throw Error("train", "cannot create the TensorBoard event file " + path_ + ": " + std::strerror(errno));
  std::string version;
  bytes_field(version, 3, "brain.Event:2");
  event(version);
  std::string start, session_log;
  varint_field(start, 2, std::uint64_t(resume_step + 1));
  varint_field(session_log, 1, 1);
  bytes_field(start, 7, session_log);
  event(start);
  flush();
}

void TensorBoardLog::scalar(const std::string& tag, std::int64_t step, double value) {
  std::string v;
  bytes_field(v, 1, tag);
  key(v, 2, 5);
  const float f = float(value);
  std::uint32_t bits;
  std::memcpy(&bits, &f, 4);
  little_endian(v, bits, 4);
  std::string summary, body;
  bytes_field(summary, 1, v);
  varint_field(body, 2, std::uint64_t(step));
  bytes_field(body, 5, summary);
  event(body);
}

void TensorBoardLog::event(const std::string& body) {
  std::string message;
  key(message, 1, 1);
  const double t = wall_time();
  std::uint64_t bits;
  std::memcpy(&bits, &t, 8);
  little_endian(message, bits, 8);
  out_ << tfrecord(message + body);
}

void TensorBoardLog::flush() {
  out_.flush();
  if (!out_) throw Error("train", "cannot write the TensorBoard event file " + path_);
}

}  // namespace pollux
