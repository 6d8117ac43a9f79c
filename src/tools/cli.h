// What every pollux-* tool shares: one error line and a non-zero exit for any failure, and
// option parsing with Boost.Program_options (snake_case names, the same as the INI keys).
#pragma once

#include <boost/program_options.hpp>
#include <functional>
#include <string>
#include <vector>

namespace pollux::cli {

namespace po = boost::program_options;

// The folder of the bundled data (gpt2.tiktoken), the default of --tokenizer_dir: see
// bundled_data_dir() (pollux/base/data_dir.h).
std::string data_dir();
// The --tokenizer_dir option's value: data_dir() by default, shown in --help by name (a
// path would be as long as the install prefix; --help prints it on a line of its own), and its
// help text.
po::typed_value<std::string>* tokenizer_dir_value();
inline constexpr const char* kTokenizerDirHelp =
    "folder holding gpt2.tiktoken (default: the bundled data, $POLLUX_DATA_DIR or share/pollux/data beside bin/)";

// Runs body(); an exception becomes "<tool>: error: <what>" on stderr and exit code 1.
int run(const std::string& tool, const std::function<int()>& body);

// Parses argv against `options` plus `hidden` ones that take the positional arguments;
// prints usage and the visible options (and the bundled data's folder where an option reads
// it) and returns false for --help. Unknown options,
// missing values and bad numbers throw.
bool parse(int argc, const char* const* argv, const std::string& usage, const po::options_description& options,
           const po::options_description& hidden, const po::positional_options_description& positional, po::variables_map& vm);

// The same for tools that take one positional FILE argument, stored under `name`; throws
// "no NAME given" when it is missing.
bool parse_with_file(int argc, const char* const* argv, const std::string& usage, const po::options_description& options,
                     const std::string& name, po::variables_map& vm);

// Number options checked to lie in [lo, hi] (a NaN never does); throw "--NAME V: expected
// LO to HI". Declare integer ones as po::value<std::int64_t>: an unsigned type would take
// "-5" as 2^64 - 5.
std::int64_t integer_in(const po::variables_map& vm, const std::string& name, std::int64_t lo, std::int64_t hi);
double number_in(const po::variables_map& vm, const std::string& name, double lo, double hi);

// The --threads option, checked to be 0 (all cores) to kMaxThreads; throws naming the flag.
int threads_option(const po::variables_map& vm);

// An option whose value is "on" or "off" (a po::value<std::string>): true for on; throws
// "--NAME 'V': expected on or off".
bool on_off(const po::variables_map& vm, const std::string& name);

}  // namespace pollux::cli
