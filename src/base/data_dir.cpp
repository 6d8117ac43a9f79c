#include "pollux/base/data_dir.h"

#include <cstdlib>
#include <filesystem>
#include <system_error>

#include "pollux/base/error.h"

namespace pollux {

std::string bundled_data_dir() {
  if (const char* dir = std::getenv("POLLUX_DATA_DIR"); dir && *dir) return dir;
  std::error_code error;
  const std::filesystem::path exe = std::filesystem::read_symlink("/proc/self/exe", error);
  if (error)
    throw Error("data", "cannot find this program's folder (/proc/self/exe: " + error.message() +
                            "); set POLLUX_DATA_DIR to the folder holding gpt2.tiktoken");
  return (exe.parent_path().parent_path() / "share" / "pollux" / "data").string();
}

}  // namespace pollux
