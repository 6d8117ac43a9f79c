// Temporary file names and checkpoint read errors, for the tests that write checkpoints.
#pragma once

#include <unistd.h>

#include <filesystem>
#include <string>

#include "pollux/base/error.h"
#include "pollux/io/checkpoint.h"

namespace pollux::test {

// <temporary folder>/pollux_<suite>_<pid>_<name>: unique to this process.
inline std::string temp_path(const std::string& suite, const std::string& name) {
  return (std::filesystem::temp_directory_path() / ("pollux_" + suite + "_" + std::to_string(::getpid()) + "_" + name)).string();
}

// The error read_checkpoint gives for `path`, or "" when the file reads.
inline std::string checkpoint_error(const std::string& path) {
  try {
    read_checkpoint(path);
  } catch (const Error& e) { return e.what(); }
  return "";
}

}  // namespace pollux::test
