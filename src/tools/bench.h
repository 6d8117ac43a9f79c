// pollux-bench subcommands that live in their own files: each takes the arguments after
// "pollux-bench" (argv[0] is the subcommand's name) and returns the exit code.
#pragma once

namespace pollux::bench {

// pollux-bench decode: prompt processing and batch-1 decode, lut or dense runtime.
int decode(int argc, const char* const* argv);

}  // namespace pollux::bench
