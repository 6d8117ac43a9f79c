// Where the bundled data (the repository's data/: the GPT-2 ranks gpt2.tiktoken, the
// tinyshakespeare corpus) is found at run time, wherever the executable lives.
#pragma once

#include <string>

namespace pollux {

// $POLLUX_DATA_DIR when set and not empty; else share/pollux/data beside the folder of the
// running executable (EXE/../../share/pollux/data), which is where `cmake --install` puts it
// and where the build tree links the sources' data/ (build/share/pollux/data), so that
// build/bin/, build/tests/ and PREFIX/bin/ all find it. Throws pollux::Error("data", ...) when
// /proc/self/exe cannot be read.
std::string bundled_data_dir();

}  // namespace pollux
