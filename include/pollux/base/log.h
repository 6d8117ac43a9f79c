// Logging through spdlog, behind plain functions: LibTorch ships its own {fmt} headers,
// which clash with the system's that spdlog uses, so files that include ATen log through
// here and format with printf-style strprintf.
#pragma once

#include <string>

namespace pollux {

std::string strprintf(const char* format, ...) __attribute__((format(printf, 1, 2)));

namespace log {
void info(const std::string& message);
void warn(const std::string& message);
void error(const std::string& message);
// Log lines as "[HH:MM:SS] message".
void use_short_pattern();
// Only errors from here on (the ranks other than 0 of a data-parallel run).
void only_errors();
}  // namespace log

}  // namespace pollux
