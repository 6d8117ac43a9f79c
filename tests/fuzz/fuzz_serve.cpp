// pollux-fuzz --type serve (issue 25): mutated request lines against ONE `pollux-eval --serve`
// process, spawned here and spoken to over its stdin and stdout as tools/lm_eval_pollux.py
// does. Each case is one line (a valid request of every op, mutated byte-wise and token-wise,
// newlines folded to spaces); the server must answer it with one line of valid UTF-8 that
// is a JSON object, within --case_seconds, and still be alive for the next. A crash, a hang,
// a missing or malformed reply fails the run and names the case, so
// `pollux-fuzz --type serve --seed S --first C --cases 1` replays it on a fresh server.
// The server reads lines of at most 1 MiB (--max_request_mb 1; some cases are longer) under
// an address-space cap of 3 GiB (its libraries' mappings) plus --memory_gb.
#include "fuzz_serve.h"

#include <poll.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <ATen/ATen.h>

#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>
#include <vector>

#include "pollux/base/error.h"
#include "pollux/base/json.h"
#include "pollux/io/checkpoint.h"
#include "pollux/model/model.h"
#include "pollux/tokenizer/tokenizer.h"

namespace {

using namespace pollux;
namespace fs = std::filesystem;

// A byte-level model small enough that every request is quick: one layer, a context of 16.
void write_model(const std::string& path) {
  Checkpoint ck;
  ck.config.quantizer = QuantizerKind::none;
  ck.config.tokenizer = "bytes";
  ck.config.model.n_layers = 1;
  ck.config.model.n_embd = 48;
  ck.config.model.seq_len = 16;
  ck.config.model.tokenizer_vocab_size = 257;
  ck.codebook = "leech";
  ck.codebook_sha256 = "not checked when quantizer = none";
  const PolluxModel model(ck.config.model, 5, at::kCPU);
  for (const Parameter& p : model.parameters()) ck.weights[p.name] = p.value.detach().clone();
  write_checkpoint(path, ck);
}

// The seed lines: every op, with the shapes lm-eval sends and a few it does not.
const std::vector<std::string>& seed_lines() {
  static const std::vector<std::string> lines = {
      R"({"op": "info"})",
      R"({"op": "tokenize", "texts": ["Hello, world", "caf\u00e9 \ud83d\ude00", ""]})",
      R"({"op": "loglikelihood", "requests": [{"context": [256, 72, 105], "continuation": [33]}, {"context": [256], "continuation": [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20]}]})",
      R"({"op": "loglikelihood_rolling", "texts": ["The quick brown fox jumps over the lazy dog.", "a\tb\nc"]})",
      R"({"op": "generate_until", "requests": [{"context": "Once upon a time", "until": ["\n", "."], "max_gen_toks": 8}]})",
      R"({"op": "generate_until", "requests": [{"context": "\u00e9\u00e8", "until": ["\u00e9"], "max_gen_toks": 3}, {"context": "x", "max_gen_toks": 1}]})",
      R"({"requests": [{"continuation": [98], "context": [97]}], "op": "loglikelihood", "extra": {"nested": [1, [2, [3]]]}})",
  };
  return lines;
}

// Token-wise replacements: numbers at the edges, strings of bad bytes and escapes, nesting.
const std::vector<std::string>& replacements() {
  static const std::vector<std::string> values = {"-1",
                                                  "0",
                                                  "1e308",
                                                  "-1e308",
                                                  "1e-400",
                                                  "4294967296",
                                                  "256",
                                                  "257",
                                                  "0.5",
                                                  "-0",
                                                  "2147483648",
                                                  "99999999999999999999",
                                                  "null",
                                                  "true",
                                                  "[]",
                                                  "{}",
                                                  "\"\"",
                                                  "\"\\ud800\"",
                                                  "\"\\u0000\"",
                                                  "\"\xC3\"",
                                                  "\"\xFF\xFE\"",
                                                  "\"\xE2\x82\"",
                                                  "[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]",
                                                  "\"generate_until\"",
                                                  "\"loglikelihood\"",
                                                  "\"tokenize\"",
                                                  "1000000000"};
  return values;
}

std::string mutate_line(std::string s, std::mt19937_64& rng) {
  auto below = [&](std::size_t n) { return n == 0 ? std::size_t(0) : std::size_t(rng() % n); };
  const int count = 1 + int(rng() % 4);
  const bool values_only = rng() % 2 == 0;  // half the cases stay JSON, so they reach the ops
  for (int m = 0; m < count; ++m) {
    const std::size_t at = below(s.size());
    switch (values_only ? 8 : rng() % 9) {
      case 0:
        if (!s.empty()) s[at] = char(s[at] ^ (1 << (rng() % 8)));
        break;
      case 1:
        if (!s.empty()) s[at] = char(rng());
        break;
      case 2: s.resize(at); break;
      case 3: {
        std::string extra(1 + below(16), '\0');
        for (char& c : extra) c = char(rng());
        s.insert(at, extra);
        break;
      }
      case 4: s.erase(at, 1 + below(32)); break;
      case 5: {  // a chunk repeated: long lists and long strings
        const std::string chunk = s.substr(at, 1 + below(64));
        std::string repeated;
        for (std::size_t k = 1 + below(rng() % 8 == 0 ? 2000 : 50); k > 0; --k) repeated += chunk;
        s.insert(below(s.size()), repeated);
        break;
      }
      default: {                          // a value (number, string, list or object; not a key) replaced by a hostile one
        std::vector<std::size_t> starts;  // where a value may start: after ':', '[' or ','
        char before = ' ';
        for (std::size_t k = 0; k < s.size(); ++k) {
          if ((before == ':' || before == '[' || before == ',') && s[k] != '\0' && std::strchr("-0123456789\"[{", s[k]))
            starts.push_back(k);
          if (s[k] != ' ') before = s[k];
        }
        if (starts.empty()) break;
        const std::size_t start = starts[below(starts.size())];
        std::size_t end = start + 1;
        if (s[start] == '"') {
          end = s.find('"', start + 1) + 1;
        } else if (s[start] == '[' || s[start] == '{') {
          for (int depth = 1; end < s.size() && depth > 0; ++end)
            depth += s[end] == '[' || s[end] == '{' ? 1 : s[end] == ']' || s[end] == '}' ? -1 : 0;
        } else {
          end = s.find_first_not_of("0123456789.eE+-", start + 1);
        }
        if (end == 0 || end == std::string::npos) end = s.size();
        const std::size_t after = s.find_first_not_of(' ', end);
        if (after != std::string::npos && s[after] == ':') break;  // a key
        s.replace(start, end - start, replacements()[below(replacements().size())]);
      }
    }
  }
  if (rng() % 100 == 0) s += std::string((1 << 20) + below(4096), ' ');  // past the server's line limit
  for (char& c : s)
    if (c == '\n') c = ' ';  // one line, one request
  return s;
}

class Server {
 public:
  Server(const std::string& binary, const std::string& model, double memory_gb) {
    int to[2], from[2];
    if (::pipe(to) != 0 || ::pipe(from) != 0) throw std::runtime_error("pipe failed");
    pid_ = ::fork();
    if (pid_ < 0) throw std::runtime_error("fork failed");
    if (pid_ == 0) {
      ::dup2(to[0], 0);
      ::dup2(from[1], 1);
      for (int fd : {to[0], to[1], from[0], from[1]}) ::close(fd);
      const rlim_t cap = rlim_t((3 + memory_gb) * double(1ull << 30));
      const rlimit limit{cap, cap};
      ::setrlimit(RLIMIT_AS, &limit);
      ::execl(binary.c_str(), binary.c_str(), model.c_str(), "--serve", "--threads", "1", "--max_request_mb", "1",
              (char*)nullptr);
      std::perror(("pollux-fuzz: cannot run " + binary).c_str());
      ::_exit(127);
    }
    ::close(to[0]);
    ::close(from[1]);
    in_ = to[1];
    out_ = from[0];
  }
  ~Server() {
    if (in_ >= 0) ::close(in_);
    if (out_ >= 0) ::close(out_);
    if (pid_ > 0) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
  }

  // Sends one line; "" when it was written, else why not.
  std::string send(const std::string& line) {
    const std::string data = line + "\n";
    for (std::size_t done = 0; done < data.size();) {
      const ssize_t n = ::write(in_, data.data() + done, data.size() - done);
      if (n <= 0) return "the server stopped reading (" + std::string(std::strerror(errno)) + ")" + exit_status();
      done += std::size_t(n);
    }
    return "";
  }
  // The next reply line within `seconds`; false with `why` set otherwise.
  bool reply(std::string& line, unsigned seconds, std::string& why) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
    while (true) {
      if (const std::size_t nl = buffer_.find('\n'); nl != std::string::npos) {
        line = buffer_.substr(0, nl);
        buffer_.erase(0, nl + 1);
        return true;
      }
      const auto left =
          std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now()).count();
      if (left <= 0) {
        why = "no reply within " + std::to_string(seconds) + " s (a hang)";
        return false;
      }
      pollfd p{out_, POLLIN, 0};
      if (::poll(&p, 1, int(left)) <= 0) continue;
      char chunk[65536];
      const ssize_t n = ::read(out_, chunk, sizeof chunk);
      if (n <= 0) {
        why = "the server closed its output" + exit_status();
        return false;
      }
      buffer_.append(chunk, std::size_t(n));
    }
  }
  // Ends the input and waits for a clean exit; "" when it exited 0.
  std::string finish(unsigned seconds) {
    ::close(in_);
    in_ = -1;
    for (unsigned waited = 0; waited < 10 * seconds; ++waited) {
      int status = 0;
      if (::waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? "" : describe(status);
      }
      ::usleep(100000);
    }
    return "the server did not exit at the end of its input";
  }

 private:
  static std::string describe(int status) {
    if (WIFSIGNALED(status)) return std::string(" (killed by ") + strsignal(WTERMSIG(status)) + ")";
    return " (exit code " + std::to_string(WEXITSTATUS(status)) + ")";
  }
  std::string exit_status() {
    ::usleep(200000);
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) != pid_) return "";
    pid_ = -1;
    return describe(status);
  }
  pid_t pid_ = -1;
  int in_ = -1, out_ = -1;
  std::string buffer_;
};

// Why `reply` is not a proper answer ("" when it is).
std::string check_reply(const std::string& reply) {
  if (valid_utf8(reply) != reply) return "a reply that is not valid UTF-8";
  try {
    const JsonValue v = parse_json(reply);
    if (v.kind != JsonValue::Kind::object || v.object.empty()) return "a reply that is not a JSON object";
  } catch (const Error& e) { return std::string("a reply that is not JSON: ") + e.what(); }
  return "";
}

}  // namespace

int fuzz_serve(long cases, std::uint64_t seed, long first, unsigned case_seconds, double memory_gb, const std::string& keep) {
  std::signal(SIGPIPE, SIG_IGN);
  const fs::path dir = fs::temp_directory_path() / ("pollux_fuzz_serve_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  const std::string model = (dir / "model.h5").string();
  write_model(model);
  std::ofstream kept;
  if (!keep.empty()) kept.open(keep + "/serve_requests.jsonl", std::ios::binary);
  bool ok = true;
  long errors = 0, answered = 0;
  {
    Server server(POLLUX_BIN_DIR "/pollux-eval", model, memory_gb);
    const std::vector<std::string>& seeds = seed_lines();
    for (long c = first; c < first + cases && ok; ++c) {
      std::mt19937_64 rng(seed * 0x9e3779b97f4a7c15ull + std::uint64_t(c) * 0xbf58476d1ce4e5b9ull + 5);
      const std::string line = mutate_line(seeds[rng() % seeds.size()], rng);
      if (kept.is_open()) kept << line << "\n" << std::flush;
      // A blank line is no request: the server reads it and says nothing (unless it is too long).
      const bool request = line.size() > (1u << 20) || line.find_first_not_of(" \t\r") != std::string::npos;
      std::string reply, why = server.send(line);
      if (!request && why.empty()) continue;
      if (why.empty() && server.reply(reply, case_seconds, why)) why = check_reply(reply);
      if (!why.empty()) {
        std::fprintf(stderr, "pollux-fuzz: FAIL: %s (reply: %s) in --type serve --seed %llu --first %ld --cases 1\n", why.c_str(),
                     reply.substr(0, 300).c_str(), (unsigned long long)seed, c);
        ok = false;
        break;
      }
      ++(reply.rfind("{\"error\":", 0) == 0 ? errors : answered);
    }
    if (ok)
      if (const std::string why = server.finish(case_seconds); !why.empty()) {
        std::fprintf(stderr, "pollux-fuzz: FAIL: at the end of input: %s\n", why.c_str());
        ok = false;
      }
  }
  std::remove(model.c_str());
  ::rmdir(dir.c_str());
  std::printf("%-10s %ld cases (seed %llu): %ld answered with an error, %ld with results, one server process\n", "serve", cases,
              (unsigned long long)seed, errors, answered);
  return ok ? 0 : 1;
}
