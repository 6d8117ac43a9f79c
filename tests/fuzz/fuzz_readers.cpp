// Fuzz harness (issue 15): a seeded mutation loop over every file a tool reads (.plx v4 and
// v5, ternary .plx files, signed forgeries of them, checkpoints, INI files, token files, the
// reference's torch.save files, pollux-ptq's arguments), each case run through the real reader in this
// process. A reader may refuse a case with pollux::Error; anything else fails the run: any
// other exception (a c10 trace, std::bad_alloc past the memory cap), a crash (SIGSEGV,
// SIGBUS, SIGFPE, SIGABRT) or a case running past its time cap. Each failure names the file
// type, the case and the seed, so `pollux-fuzz --type T --seed S --first C --cases 1` replays it.
//
//   pollux-fuzz [--cases N] [--seed S] [--type plx-v4|plx-v5|ternary-plx|ternary-plx-signed|ptq-args|checkpoint|ini|tokens|pt|
//                checkpoint-forged|serve]
//               [--skip T,T,...] [--first C] [--case_seconds T] [--memory_gb G] [--keep DIR]
//
// Defaults come from POLLUX_FUZZ_CASES and POLLUX_FUZZ_SEED when set (2000 and 1 otherwise).
// checkpoint-forged (HDF5 bytes mutated under a rewritten whole-file digest) runs only when named,
// as does serve (request lines against one pollux-eval --serve process: fuzz_serve.cpp). --skip
// leaves types out of the default run (ctest runs pt, the slowest, as a test of its own).
#include <sys/resource.h>
#include <unistd.h>

#include <ATen/ATen.h>
#include <ATen/Parallel.h>

#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <functional>
#include <new>
#include <random>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "../support/checkpoint_files.h"
#include "../support/torch_save.h"
#include "fuzz_serve.h"
#include "pollux/base/error.h"
#include "pollux/base/file_io.h"
#include "pollux/base/sha256.h"
#include "pollux/config/config.h"
#include "pollux/data/token_file.h"
#include "pollux/io/checkpoint.h"
#include "pollux/io/reference_import.h"
#include "pollux/lattice/plx.h"
#include "pollux/model/model.h"
#include "pollux/ptq/ptq.h"
#include "pollux/runtime/model_file.h"

namespace {

using namespace pollux;
namespace fs = std::filesystem;
using Bytes = std::vector<std::uint8_t>;

// What the signal handlers print: the case being run (set before each case).
char g_current[256] = "(no case)";

void write_line(const char* what) {
  const char* parts[] = {"pollux-fuzz: FAIL: ", what, " in ", g_current, "\n"};
  for (const char* p : parts) {
    ssize_t ignored = ::write(2, p, std::strlen(p));
    (void)ignored;
  }
}

void on_signal(int sig) {
  write_line(sig == SIGALRM ? "time cap exceeded (a hang)" : strsignal(sig));
  ::_exit(sig == SIGALRM ? 124 : 128 + sig);
}

// Mutations of a seed file: bit flips, bytes and 1/2/4/8-byte integers set to boundary
// values, truncation, insertion, deletion and duplication of a chunk. 1 to 4 per case.
Bytes mutate(Bytes bytes, std::mt19937_64& rng) {
  auto below = [&](std::size_t n) { return n == 0 ? std::size_t(0) : std::size_t(rng() % n); };
  static const std::uint64_t boundary[] = {0,          1,          0x7f,         0x80,       0xff,       0x7fff,
                                           0xffff,     0x7fffffff, 0xffffffff,   0x80000000, ~0ull >> 1, ~0ull,
                                           1ull << 32, 1ull << 40, 100000000ull, 0xfffffffe};
  const int count = 1 + int(rng() % 4);
  for (int m = 0; m < count; ++m) {
    const std::size_t at = below(bytes.size());
    switch (rng() % 8) {
      case 0:
      case 1:
        if (!bytes.empty()) bytes[at] ^= std::uint8_t(1u << (rng() % 8));
        break;
      case 2:
        if (!bytes.empty()) bytes[at] = std::uint8_t(rng());
        break;
      case 3: {  // an integer field set to a boundary value, little-endian
        const std::uint64_t v = boundary[rng() % (sizeof boundary / sizeof boundary[0])];
        const std::size_t width = std::size_t(1) << (rng() % 4);
        for (std::size_t i = 0; i < width && at + i < bytes.size(); ++i) bytes[at + i] = std::uint8_t(v >> (8 * i));
        break;
      }
      case 4: bytes.resize(at); break;
      case 5: {
        Bytes extra(1 + below(64));
        for (auto& b : extra) b = std::uint8_t(rng());
        bytes.insert(bytes.begin() + std::ptrdiff_t(at), extra.begin(), extra.end());
        break;
      }
      case 6:
        bytes.erase(bytes.begin() + std::ptrdiff_t(at),
                    bytes.begin() + std::ptrdiff_t(std::min(bytes.size(), at + 1 + below(256))));
        break;
      case 7: {
        const std::size_t n = std::min(bytes.size() - at, 1 + below(256));
        Bytes chunk(bytes.begin() + std::ptrdiff_t(at), bytes.begin() + std::ptrdiff_t(at + n));
        bytes.insert(bytes.begin() + std::ptrdiff_t(below(bytes.size())), chunk.begin(), chunk.end());
        break;
      }
    }
  }
  return bytes;
}

// One file type: its seed files (written under `dir` by `make`, the main file first) and the
// reader a tool runs on the main file.
struct FileType {
  std::string name;
  std::function<std::vector<std::string>(const std::string& dir)> make;
  std::function<void(const std::string& path)> read;
  std::function<Bytes(const Bytes&, std::mt19937_64&)> mutator = mutate;
  bool in_default_run = true;
};

// A forger's checkpoint: the HDF5 part mutated and the whole-file digest in the first 512
// bytes rewritten to match, so the mutations reach HDF5 and the attribute checks below it.
Bytes mutate_below_digest(const Bytes& file, std::mt19937_64& rng) {
  const std::size_t block = 512, prefix = std::string("pollux-checkpoint sha256 ").size();
  Bytes out(file.begin(), file.begin() + std::ptrdiff_t(block));
  const Bytes body = mutate(Bytes(file.begin() + std::ptrdiff_t(block), file.end()), rng);
  const std::string digest = sha256_hex(body.data(), body.size());
  std::copy(digest.begin(), digest.end(), out.begin() + std::ptrdiff_t(prefix));
  out.insert(out.end(), body.begin(), body.end());
  return out;
}

// pollux-import's input (issue 25): in 1 case of 8 the reference .pt with its bytes mutated
// anywhere (zip structure, tensor data); in 3 its data.pkl mutated in place with the length
// kept, so the zip still opens and the pickle reader sees the mutation; otherwise a hand-built
// torch.save file, mutated or not: 200,000 nested one-tuples, a config, a tensor view.
Bytes mutate_pt(const Bytes& reference, std::mt19937_64& rng) {
  const std::uint64_t pick = rng() % 8;
  if (pick == 0) return mutate(reference, rng);
  if (pick < 4) {
    // torch.save's first zip entry is data.pkl: local header, name, extra field, then the pickle.
    const auto le = [&](std::size_t at, int n) {
      std::size_t v = 0;
      for (int i = n - 1; i >= 0; --i) v = v << 8 | reference[at + std::size_t(i)];
      return v;
    };
    const std::size_t begin = 30 + le(26, 2) + le(28, 2), size = le(22, 4);
    Bytes out = reference;
    const Bytes pickle(reference.begin() + std::ptrdiff_t(begin), reference.begin() + std::ptrdiff_t(begin + size));
    Bytes changed = mutate(pickle, rng);
    changed.resize(size, std::uint8_t('.'));
    std::copy(changed.begin(), changed.end(), out.begin() + std::ptrdiff_t(begin));
    return out;
  }
  using namespace pollux::test;
  const std::string config = reference_config();
  const std::vector<std::string> seeds = {
      torch_save_of(nested_tuples(200000)),
      torch_save_of(pk_dict({{"config", config}, {"step", pk_int(0)}, {"tokens_seen", pk_int(0)}})),
      torch_save_of(pk_dict({{"config", config}, {"w", pk_tensor(4, 2, 2, 1)}}), {{"x/data/0", std::string(16, '\1')}}),
  };
  const std::string& seed = seeds[rng() % seeds.size()];
  const Bytes bytes(seed.begin(), seed.end());
  return rng() % 4 == 0 ? bytes : mutate(bytes, rng);
}

// A case's file, without write_file_atomic's fsync (thousands of cases on a shared disk).
void write_plain(const std::string& path, const Bytes& bytes) {
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (!f || std::fwrite(bytes.data(), 1, bytes.size(), f) != bytes.size() || std::fclose(f) != 0)
    throw std::runtime_error("cannot write " + path);
}

std::string arg_or_env(const std::vector<std::string>& args, const std::string& flag, const char* env,
                       const std::string& fallback) {
  for (std::size_t i = 0; i + 1 < args.size(); ++i)
    if (args[i] == flag) return args[i + 1];
  if (const char* v = std::getenv(env)) return v;
  return fallback;
}

Checkpoint small_checkpoint() {
  Checkpoint ck = test::small_continuous_checkpoint();
  ck.config.model.n_layers = 1;
  ck.config.model.n_embd = 48;
  ck.config.model.seq_len = 8;
  ck.optimizer.tensors["v/w"] = at::ones({4, 24});
  return ck;
}

// A small ternary model (quantizer = ternary) packed into the .plx v5 ternary kind.
Bytes ternary_plx() {
  Checkpoint ck;
  ck.config.quantizer = QuantizerKind::ternary;
  ck.config.model.n_layers = 1;
  ck.config.model.n_embd = 24;
  ck.config.model.seq_len = 8;
  ck.config.model.tokenizer_vocab_size = 257;
  ck.codebook = "leech";
  const PolluxModel model(ck.config.model, 5, at::kCPU);
  for (const auto& p : model.parameters()) ck.weights[p.name] = p.value.detach();
  return lattice::serialize_plx(pack_checkpoint(ck, 5));
}

// A signed forgery of a ternary .plx (issue 29): one tensor's bytes mutated, or its kind
// changed (a ternary matrix stored as float32 and back), and the file re-serialized, so the
// checksums pass and the mutation reaches the load-time checks of values and kinds.
Bytes mutate_plx_signed(const Bytes& file, std::mt19937_64& rng) {
  lattice::PlxFile plx = lattice::parse_plx(file.data(), file.size(), "seed");
  lattice::PlxTensor& t = plx.tensors[rng() % plx.tensors.size()];
  if (rng() % 4 == 0) {  // another kind of the same element count
    const bool to_f32 = t.dtype == lattice::PlxDtype::ternary;
    const std::uint64_t n = t.element_count();
    Bytes raw(std::size_t(to_f32 ? n * 4 : lattice::plx_data_bytes(lattice::PlxDtype::ternary, n)));
    for (auto& b : raw) b = std::uint8_t(rng());
    t = lattice::PlxTensor{t.name, to_f32 ? lattice::PlxDtype::f32 : lattice::PlxDtype::ternary, t.shape, raw};
  } else {
    const Bytes data = mutate(Bytes(t.data.begin(), t.data.end()), rng);
    if (data.size() == t.data.size()) t.data = data;  // a changed size is the unsigned fuzzing's case
  }
  return lattice::serialize_plx(plx);
}

// pollux-ptq's options as a line of text, "METHOD BITS GROUP_SIZE CALIB_TOKENS DAMP"
// (issue 29): a mutated line is parsed, checked against a small model as the tool checks
// them, and an accepted set quantizes that model (gptq, which needs a calibration file, is
// refused by the check).
void read_ptq_arguments(const std::string& path) {
  const Bytes bytes = read_file(path);
  std::istringstream in(std::string(bytes.begin(), bytes.end()));
  std::string method;
  ptq::Options o;
  if (!(in >> method >> o.bits >> o.group_size >> o.calib_tokens >> o.damp)) throw Error("fuzz", "not five arguments");
  o.method = ptq::parse_method(method);
  if (!(o.damp >= 0 && o.damp <= 10)) throw Error("fuzz", "--damp out of range");  // as cli::number_in refuses it
  ModelConfig model;
  model.n_layers = 1;
  model.n_embd = 24;
  model.seq_len = 8;
  model.vocab_size = 264;
  model.tokenizer_vocab_size = 257;
  ptq::check_options(o, model);
  PolluxModel m(model, 1, at::kCPU);
  ptq::quantize_model(m, o, "leech");
}

std::vector<FileType> file_types(const std::string& reference_dir, const std::string& source_dir) {
  const std::string plx_v4 = reference_dir + "/reference_tiny_v4.plx";
  auto plx_reader = [](const std::string& path) {
    const lattice::PlxFile file = lattice::read_plx(path);
    lattice::plx_budget(lattice::plx_logical_tensors(file));
    load_model(path, at::kCPU);
  };
  return {
      {"plx-v4",
       [=](const std::string& dir) {
         fs::copy_file(plx_v4, dir + "/seed.plx", fs::copy_options::overwrite_existing);
         return std::vector<std::string>{dir + "/seed.plx"};
       },
       plx_reader},
      {"plx-v5",
       [=](const std::string& dir) {
         lattice::PlxFile file = lattice::read_plx(plx_v4);
         file.version = 5;
         lattice::write_plx(file, dir + "/seed.plx");
         return std::vector<std::string>{dir + "/seed.plx"};
       },
       plx_reader},
      // Needs no fixture: the ternary tensor kind (dtype 4) through the same readers.
      {"ternary-plx",
       [](const std::string& dir) {
         write_plain(dir + "/seed.plx", ternary_plx());
         return std::vector<std::string>{dir + "/seed.plx"};
       },
       plx_reader},
      {"ternary-plx-signed",
       [](const std::string& dir) {
         write_plain(dir + "/seed.plx", ternary_plx());
         return std::vector<std::string>{dir + "/seed.plx"};
       },
       plx_reader, mutate_plx_signed},
      {"ptq-args",
       [](const std::string& dir) {
         const std::string line = "rtn 4 8 16384 0.01\n";
         write_plain(dir + "/seed.txt", Bytes(line.begin(), line.end()));
         return std::vector<std::string>{dir + "/seed.txt"};
       },
       read_ptq_arguments},
      {"checkpoint",
       [](const std::string& dir) {
         write_checkpoint(dir + "/seed.h5", small_checkpoint());
         return std::vector<std::string>{dir + "/seed.h5"};
       },
       [](const std::string& path) { read_checkpoint(path); }},
      // Not in the default run: HDF5 itself can crash on a forged structure (see README).
      {"checkpoint-forged",
       [](const std::string& dir) {
         write_checkpoint(dir + "/seed.h5", small_checkpoint());
         return std::vector<std::string>{dir + "/seed.h5"};
       },
       [](const std::string& path) { read_checkpoint(path); }, mutate_below_digest, false},
      {"ini",
       [=](const std::string& dir) {
         fs::copy_file(source_dir + "/configs/tiny.ini", dir + "/seed.ini", fs::copy_options::overwrite_existing);
         return std::vector<std::string>{dir + "/seed.ini"};
       },
       [](const std::string& path) {
         parse_config({"--config", path}).config.validate();
       }},
      {"pt",
       [=](const std::string& dir) {
         fs::copy_file(reference_dir + "/reference_checkpoint_step8.pt", dir + "/seed.pt", fs::copy_options::overwrite_existing);
         return std::vector<std::string>{dir + "/seed.pt"};
       },
       [](const std::string& path) { import_reference_checkpoint(path, 1.0); }, mutate_pt},
      {"tokens",
       [](const std::string& dir) {
         Bytes tokens(4096);
         for (std::size_t i = 0; i < tokens.size(); i += 2) tokens[i] = std::uint8_t('a' + i % 26);
         write_file_atomic(dir + "/seed.u16", tokens);
         const std::string sidecar = "{\"tokenizer\": \"bytes\", \"tokens\": 2048}";
         write_file_atomic(dir + "/seed.u16.json", Bytes(sidecar.begin(), sidecar.end()));
         return std::vector<std::string>{dir + "/seed.u16", dir + "/seed.u16.json"};
       },
       [](const std::string& path) {
         const TokenFile file(path, 257, "bytes");
         WindowSampler sampler(7, 0);
         const std::size_t seq_len = 16;
         std::vector<std::size_t> offsets;
         for (int i = 0; i < 4; ++i) offsets.push_back(sampler.next(file.size(), seq_len + 1));
         std::vector<std::int64_t> inputs(4 * seq_len), targets(4 * seq_len);
         fill_windows(file, offsets, seq_len, inputs.data(), targets.data());
       }},
  };
}

}  // namespace

int main(int argc, char** argv) {
  const std::vector<std::string> args(argv + 1, argv + argc);
  const long cases = std::stol(arg_or_env(args, "--cases", "POLLUX_FUZZ_CASES", "2000"));
  const std::uint64_t seed = std::stoull(arg_or_env(args, "--seed", "POLLUX_FUZZ_SEED", "1"));
  const long first = std::stol(arg_or_env(args, "--first", "POLLUX_FUZZ_FIRST", "0"));
  const std::string only = arg_or_env(args, "--type", "POLLUX_FUZZ_TYPE", "");
  const unsigned case_seconds = unsigned(std::stoul(arg_or_env(args, "--case_seconds", "POLLUX_FUZZ_CASE_SECONDS", "10")));
  const double memory_gb = std::stod(arg_or_env(args, "--memory_gb", "POLLUX_FUZZ_MEMORY_GB", "2"));
  const std::string keep = arg_or_env(args, "--keep", "POLLUX_FUZZ_KEEP", "");
  const std::string skip = "," + arg_or_env(args, "--skip", "POLLUX_FUZZ_SKIP", "") + ",";
  const std::string reference_dir = POLLUX_SHARED_DIR "/reference";
  if (only == "serve") return fuzz_serve(cases, seed, first, case_seconds, memory_gb, keep);

  for (int sig : {SIGSEGV, SIGBUS, SIGFPE, SIGABRT, SIGILL, SIGALRM}) std::signal(sig, on_signal);
  at::set_num_threads(1);
  // The memory cap: the address space this process has now (code, libraries, thread
  // stacks) plus memory_gb; an allocation past it fails and is reported as a failure.
  at::zeros({1});  // touch ATen so that its start-up mappings count in the base
  {
    std::FILE* f = std::fopen("/proc/self/statm", "r");
    unsigned long long pages = 0;
    if (f && std::fscanf(f, "%llu", &pages) == 1) {
      const rlim_t cap = rlim_t(pages * (unsigned long long)::sysconf(_SC_PAGESIZE) + memory_gb * (1ull << 30));
      const rlimit limit{cap, cap};
      ::setrlimit(RLIMIT_AS, &limit);
    }
    if (f) std::fclose(f);
  }

  const fs::path dir = fs::temp_directory_path() / ("pollux_fuzz_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  bool ok = true, ran = false, missing_fixture = false;
  for (const FileType& type : file_types(reference_dir, POLLUX_SOURCE_DIR)) {
    if (only.empty() ? !type.in_default_run || skip.find("," + type.name + ",") != std::string::npos : type.name != only)
      continue;
    if (type.name.rfind("plx", 0) == 0 && !fs::exists(reference_dir + "/reference_tiny_v4.plx")) {
      std::printf("SKIP %s: %s/reference_tiny_v4.plx not found\n", type.name.c_str(), reference_dir.c_str());
      missing_fixture = true;
      continue;
    }
    if (type.name == "pt" && !fs::exists(reference_dir + "/reference_checkpoint_step8.pt")) {
      std::printf("SKIP pt: %s/reference_checkpoint_step8.pt not found\n", reference_dir.c_str());
      missing_fixture = true;
      continue;
    }
    ran = true;
    const fs::path type_dir = dir / type.name;
    fs::create_directories(type_dir);
    const std::vector<std::string> seeds = type.make(type_dir.string());
    std::vector<Bytes> originals;
    for (const std::string& s : seeds) originals.push_back(read_file(s));
    type.read(seeds.front());  // the unmutated seed must read
    long refused = 0, accepted = 0;
    for (long c = first; c < first + cases; ++c) {
      std::snprintf(g_current, sizeof g_current, "--type %s --seed %llu --first %ld --cases 1", type.name.c_str(),
                    (unsigned long long)seed, c);
      std::mt19937_64 rng(seed * 0x9e3779b97f4a7c15ull + std::uint64_t(c) * 0xbf58476d1ce4e5b9ull + type.name.size());
      // The main file in 3 cases of 4, a companion file (a token file's sidecar) otherwise.
      const std::size_t which = (seeds.size() == 1 || rng() % 4 != 0) ? 0 : 1 + rng() % (seeds.size() - 1);
      for (std::size_t i = 0; i < seeds.size(); ++i) {
        const Bytes bytes = i == which ? type.mutator(originals[i], rng) : originals[i];
        write_plain(seeds[i], bytes);
        if (!keep.empty()) write_plain(keep + "/" + fs::path(seeds[i]).filename().string(), bytes);
      }
      ::alarm(case_seconds);
      try {
        type.read(seeds.front());
        ++accepted;
      } catch (const Error&) { ++refused; } catch (const std::exception& e) {
        std::fprintf(stderr, "pollux-fuzz: FAIL: not a pollux::Error (%s) in %s\n", std::string(e.what()).substr(0, 300).c_str(),
                     g_current);
        ok = false;
      }
      ::alarm(0);
    }
    for (const std::string& s : seeds) std::remove(s.c_str());
    ::rmdir(type_dir.c_str());
    std::printf("%-10s %ld cases (seed %llu): %ld refused with an error, %ld read\n", type.name.c_str(), cases,
                (unsigned long long)seed, refused, accepted);
    std::fflush(stdout);
  }
  ::rmdir(dir.c_str());  // (std::filesystem::remove_all resolves into libtorch's copy and crashes)
  rusage usage{};
  ::getrusage(RUSAGE_SELF, &usage);
  std::printf("peak resident memory %.0f MB\n", usage.ru_maxrss / 1024.0);
  if (!ran && missing_fixture) {  // reported as Skipped (tests/CMakeLists.txt), a failure where fixtures are required
    const char* required = std::getenv("POLLUX_REQUIRE_FIXTURES");
    if (required && std::strcmp(required, "1") == 0) {
      std::fprintf(stderr, "pollux-fuzz: no fixture to fuzz (POLLUX_REQUIRE_FIXTURES=1: a skip is a failure)\n");
      return 1;
    }
    return POLLUX_SKIP_EXIT_CODE;
  }
  if (!ran) {
    std::fprintf(stderr, "pollux-fuzz: no file type '%s'\n", only.c_str());
    return 1;
  }
  return ok ? 0 : 1;
}
