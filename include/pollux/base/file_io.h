// Whole-file reads and atomic writes. A write goes to PATH.tmp.<pid>, is flushed and
// fsync'ed, then renamed over PATH, so a good file is never replaced by a half one.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace pollux {

// Opens `path` for reading and returns the descriptor; throws pollux::Error(component, ...)
// naming the path when it cannot be opened or is not a regular file (a folder, a FIFO,
// /dev/zero): never blocks on a FIFO and never reads an endless device.
// `what` names the file's role in the message ("cannot open token file PATH").
int open_regular_file(const std::string& path, const std::string& component, const std::string& what = "");

// Throws pollux::Error naming the path if it cannot be read or is not a regular file.
std::vector<std::uint8_t> read_file(const std::string& path);

// Throws pollux::Error naming the path on any failure; PATH is then untouched.
void write_file_atomic(const std::string& path, const std::vector<std::uint8_t>& bytes);

// Throws pollux::Error("io", ...) naming `flag` when `output` is the file `input` under
// another or the same name (same device and inode: links and "./x" are caught). An output
// that does not exist yet is never the input.
void refuse_output_is_input(const std::string& input, const std::string& output, const std::string& flag);

}  // namespace pollux
