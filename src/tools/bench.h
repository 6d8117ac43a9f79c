// pollux-bench subcommands that live in their own files; each takes the arguments after
// "pollux-bench" (argv[0] is the subcommand's name) and returns the exit status.
#pragma once

namespace pollux::bench {

int tokenizer(int argc, const char* const* argv);  // bench_tokenizer.cpp

}  // namespace pollux::bench
