#include "cli.h"

#include <cstdio>
#include <exception>
#include <iostream>

namespace pollux::cli {

std::string data_dir() { return POLLUX_DATA_DIR; }

int run(const std::string& tool, const std::function<int()>& body) {
  try {
    return body();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "%s: error: %s\n", tool.c_str(), e.what());
  } catch (...) {
    std::fprintf(stderr, "%s: error: unknown failure\n", tool.c_str());
  }
  return 1;
}

bool parse(int argc, const char* const* argv, const std::string& usage, const po::options_description& options,
           const po::options_description& hidden, const po::positional_options_description& positional,
           po::variables_map& vm) {
  po::options_description visible;
  visible.add(options);
  visible.add_options()("help,h", "print this help and exit");
  po::options_description all;
  all.add(visible).add(hidden);
  po::store(po::command_line_parser(argc, argv).options(all).positional(positional).run(), vm);
  if (vm.count("help")) {
    std::cout << usage << "\n\n" << visible << "\n";
    return false;
  }
  po::notify(vm);
  return true;
}

}  // namespace pollux::cli
