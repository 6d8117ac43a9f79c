#include "pollux/base/log.h"

#include <spdlog/spdlog.h>

#include <cstdarg>
#include <cstdio>
#include <vector>

namespace pollux {

std::string strprintf(const char* format, ...) {
  va_list args;
  va_start(args, format);
  va_list copy;
  va_copy(copy, args);
  const int n = std::vsnprintf(nullptr, 0, format, copy);
  va_end(copy);
  std::vector<char> buffer(std::size_t(n > 0 ? n : 0) + 1);
  std::vsnprintf(buffer.data(), buffer.size(), format, args);
  va_end(args);
  return std::string(buffer.data(), std::size_t(n > 0 ? n : 0));
}

namespace log {
void info(const std::string& message) { spdlog::info("{}", message); }
void warn(const std::string& message) { spdlog::warn("{}", message); }
void error(const std::string& message) { spdlog::error("{}", message); }
void use_short_pattern() { spdlog::set_pattern("[%H:%M:%S] %v"); }
void only_errors() { spdlog::set_level(spdlog::level::err); }
}  // namespace log

}  // namespace pollux
