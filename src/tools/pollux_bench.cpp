// pollux-bench: timings of the hot paths. Subcommands:
//   quantizer   the exact quantizer against a float64 brute force (spec sections 3, 3a)
#include <chrono>
#include <cmath>
#include <cstdio>
#include <iostream>
#include <random>
#include <vector>

#include "cli.h"
#include "pollux/base/error.h"
#include "pollux/base/json.h"
#include "pollux/base/parallel.h"
#include "pollux/lattice/constants.h"
#include "pollux/lattice/quantizer.h"

namespace {

using namespace pollux;
namespace po = boost::program_options;

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// Atoms as training produces them: Gaussian rows of width 1152, divided by their RMS and
// multiplied by C (spec section 3), cut into 24-wide atoms.
std::vector<float> training_like_atoms(std::size_t count, std::uint64_t seed) {
  constexpr std::size_t kRow = 1152;
  std::vector<float> atoms((count * 24 + kRow - 1) / kRow * kRow);
  std::mt19937_64 rng(seed);
  std::normal_distribution<float> normal;
  for (float& v : atoms) v = normal(rng);
  for (std::size_t r = 0; r < atoms.size() / kRow; ++r) {
    float* row = &atoms[r * kRow];
    double squares = 0;
    for (std::size_t j = 0; j < kRow; ++j) squares += double(row[j]) * row[j];
    const float scale = float(lattice::kC / std::sqrt(squares / kRow + lattice::kEpsilon));
    for (std::size_t j = 0; j < kRow; ++j) row[j] *= scale;
  }
  atoms.resize(count * 24);
  return atoms;
}

int bench_quantizer(int argc, const char* const* argv) {
  po::options_description options("quantizer options");
  options.add_options()
      ("atoms", po::value<std::size_t>()->default_value(200000), "number of fresh random atoms to quantize")
      ("check", po::value<std::size_t>(), "how many of them to check against the float64 brute force (default: all)")
      ("threads", po::value<int>()->default_value(0), "CPU threads (0 = all cores)")
      ("codebook", po::value<std::string>()->default_value("leech"), "codebook variant: leech or pollux-v4")
      ("seed", po::value<std::uint64_t>()->default_value(1), "seed of the random atoms")
      ("json", po::bool_switch(), "print one JSON object instead of a table");
  po::variables_map vm;
  if (!cli::parse(argc, argv,
                  "usage: pollux-bench quantizer [--atoms N] [--check M] [--threads T] [--codebook V] [--json]\n"
                  "Times the exact fast quantizer on N training-like atoms and checks M of them against\n"
                  "a float64 brute force over all 196,560 shell points (timed too).",
                  options, {}, {}, vm))
    return 0;
  const std::size_t n = vm["atoms"].as<std::size_t>();
  const std::size_t m = vm.count("check") ? vm["check"].as<std::size_t>() : n;
  const int threads = vm["threads"].as<int>() > 0 ? vm["threads"].as<int>() : default_thread_count();
  if (n == 0) throw Error("bench", "--atoms must be positive");
  if (m > n) throw Error("bench", "--check " + std::to_string(m) + " exceeds --atoms " + std::to_string(n));
  if (vm["threads"].as<int>() < 0) throw Error("bench", "--threads must be 0 (all cores) or positive");
  const auto variant = lattice::parse_codebook_variant(vm["codebook"].as<std::string>(), "--codebook");

  const lattice::Quantizer quantizer(lattice::Codebook::get(variant));
  const std::vector<float> atoms = training_like_atoms(n, vm["seed"].as<std::uint64_t>());
  std::vector<std::uint32_t> fast(n);
  auto start = std::chrono::steady_clock::now();
  quantizer.nearest(atoms.data(), n, fast.data(), threads);
  const double fast_s = seconds_since(start);

  std::vector<std::uint32_t> brute(m);
  start = std::chrono::steady_clock::now();
  parallel_for(m, threads, 16, [&](std::size_t begin, std::size_t end) {
    for (std::size_t a = begin; a < end; ++a) brute[a] = quantizer.nearest_brute_force(&atoms[a * 24]);
  });
  const double brute_s = seconds_since(start);
  std::size_t mismatches = 0, zeros = 0;
  for (std::size_t a = 0; a < m; ++a) mismatches += brute[a] != fast[a];
  for (std::uint32_t idx : fast) zeros += idx == 0;

  const double fast_rate = double(n) / fast_s;
  const double brute_rate = m ? double(m) / brute_s : 0.0;
  if (vm["json"].as<bool>()) {
    JsonWriter j;
    j.begin_object()
        .field("benchmark", "quantizer").field("device", "cpu").field("codebook", lattice::to_string(variant))
        .field("threads", threads).field("atoms", std::uint64_t(n)).field("checked", std::uint64_t(m))
        .field("mismatches", std::uint64_t(mismatches)).field("zero_atoms", std::uint64_t(zeros))
        .field("fast_seconds", fast_s).field("fast_atoms_per_s", fast_rate)
        .field("brute_seconds", brute_s).field("brute_atoms_per_s", brute_rate)
        .field("speedup", brute_rate > 0 ? fast_rate / brute_rate : 0.0)
        .end_object();
    std::cout << j.str() << "\n";
  } else {
    std::printf("quantizer (%s codebook, cpu, %d threads)\n", lattice::to_string(variant).c_str(), threads);
    std::printf("  %-12s %12s %10s %16s\n", "path", "atoms", "seconds", "atoms/s");
    std::printf("  %-12s %12zu %10.3f %16.0f\n", "fast", n, fast_s, fast_rate);
    std::printf("  %-12s %12zu %10.3f %16.0f\n", "brute force", m, brute_s, brute_rate);
    std::printf("  speedup %.0fx, mismatches %zu of %zu checked, %zu zero atoms\n",
                brute_rate > 0 ? fast_rate / brute_rate : 0.0, mismatches, m, zeros);
  }
  return mismatches == 0 ? 0 : 2;
}

const char* kUsage =
    "usage: pollux-bench COMMAND [options]\n"
    "commands:\n"
    "  quantizer   time the exact quantizer against a float64 brute force\n"
    "Run 'pollux-bench COMMAND --help' for the options of a command.";

}  // namespace

int main(int argc, char** argv) {
  return pollux::cli::run("pollux-bench", [&] {
    const std::string command = argc > 1 ? argv[1] : "";
    if (command == "quantizer") return bench_quantizer(argc - 1, argv + 1);
    if (command == "--help" || command == "-h") {
      std::cout << kUsage << "\n";
      return 0;
    }
    throw pollux::Error("bench", (command.empty() ? std::string("no command given") : "unknown command '" + command + "'") +
                                     " (commands: quantizer; try --help)");
  });
}
