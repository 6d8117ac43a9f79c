#include "cli.h"

#include <cctype>
#include <cstdio>
#include <exception>
#include <iostream>
#include <sstream>
#include <stdexcept>

#include "pollux/base/data_dir.h"
#include "pollux/base/printable.h"
#include "pollux/config/config.h"

namespace pollux::cli {

std::string data_dir() { return bundled_data_dir(); }

po::typed_value<std::string>* tokenizer_dir_value() { return po::value<std::string>()->default_value(data_dir(), "bundled"); }

namespace {

// A LibTorch (c10) error appends its C++ backtrace to the message ("Exception raised from F at
// FILE:LINE (most recent call first):" then one "frame #N" line each): only the message is kept.
std::string without_backtrace(std::string what) {
  for (const char* marker : {"\nException raised from ", "\nframe #0"})
    if (const std::size_t at = what.find(marker); at != std::string::npos) what.resize(at);
  return what;
}

}  // namespace

int run(const std::string& tool, const std::function<int()>& body) {
  try {
    return body();
  } catch (const std::exception& e) {
    // One line whatever the message holds (a library's multi-line message, bytes of a file).
    std::fprintf(stderr, "%s: error: %s\n", tool.c_str(), printable_excerpt(without_backtrace(e.what()), 2000).c_str());
  } catch (...) { std::fprintf(stderr, "%s: error: unknown failure\n", tool.c_str()); }
  return 1;
}

bool parse(int argc, const char* const* argv, const std::string& usage, const po::options_description& options,
           const po::options_description& hidden, const po::positional_options_description& positional, po::variables_map& vm) {
  po::options_description visible;
  visible.add(options);
  visible.add_options()("help,h", "print this help and exit");
  po::options_description all;
  all.add(visible).add(hidden);
  po::store(
      po::command_line_parser(argc, argv)
          .options(all)
          .positional(positional)
          .style(po::command_line_style::unix_style & ~po::command_line_style::allow_guessing)  // --max_step is no --max_steps
          .run(),
      vm);
  if (vm.count("help")) {
    std::cout << usage << "\n\n" << visible << "\n";
    // The bundled data's folder on a line of its own: a path as long as the install prefix
    // would be wrapped mid-word in the option's column.
    if (options.find_nothrow("tokenizer_dir", false)) std::cout << "bundled data: " << data_dir() << "\n";
    return false;
  }
  po::notify(vm);
  return true;
}

bool parse_with_file(int argc, const char* const* argv, const std::string& usage, const po::options_description& options,
                     const std::string& name, po::variables_map& vm) {
  po::options_description hidden;
  hidden.add_options()(name.c_str(), po::value<std::string>(), name.c_str());
  po::positional_options_description positional;
  positional.add(name.c_str(), 1);
  if (!parse(argc, argv, usage, options, hidden, positional, vm)) return false;
  std::string upper = name;
  for (char& c : upper) c = char(std::toupper(static_cast<unsigned char>(c)));
  if (!vm.count(name)) throw std::runtime_error("no " + upper + " given (try --help)");
  return true;
}

std::int64_t integer_in(const po::variables_map& vm, const std::string& name, std::int64_t lo, std::int64_t hi) {
  const std::int64_t v = vm[name].as<std::int64_t>();
  if (v < lo || v > hi)
    throw std::runtime_error("--" + name + " " + std::to_string(v) + ": expected " + std::to_string(lo) + " to " +
                             std::to_string(hi));
  return v;
}

double number_in(const po::variables_map& vm, const std::string& name, double lo, double hi) {
  const double v = vm[name].as<double>();
  if (!(v >= lo && v <= hi)) {
    std::ostringstream s;
    s << "--" << name << " " << v << ": expected " << lo << " to " << hi;
    throw std::runtime_error(s.str());
  }
  return v;
}

int threads_option(const po::variables_map& vm) {
  const int threads = vm["threads"].as<int>();
  if (threads < 0 || threads > kMaxThreads)
    throw std::runtime_error("--threads " + std::to_string(threads) + ": expected 0 (all cores) to " +
                             std::to_string(kMaxThreads));
  return threads;
}

bool on_off(const po::variables_map& vm, const std::string& name) {
  const std::string v = vm[name].as<std::string>();
  if (v != "on" && v != "off") throw std::runtime_error("--" + name + " '" + v + "': expected on or off");
  return v == "on";
}

}  // namespace pollux::cli
