// pollux-bench tokenizer: MB/s and tokens/s of the GPT-2 tokenizer over documents of a text,
// on all cores as pollux-prepare runs it, and tiktoken's encode_ordinary_batch on the same
// documents and thread count in the same run when tiktoken is importable in the venv.
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "bench.h"
#include "cli.h"
#include "pollux/base/error.h"
#include "pollux/base/file_io.h"
#include "pollux/base/json.h"
#include "pollux/base/parallel.h"
#include "pollux/tokenizer/tokenizer.h"

namespace pollux::bench {
namespace {

// tiktoken with the same ranks and GPT-2 pattern; reads length-prefixed documents and
// prints the best time of `repeats` encode_ordinary_batch calls and the token count.
const char* kTiktokenScript = R"PY(
import json, struct, sys, time
import tiktoken
from tiktoken.load import load_tiktoken_bpe
ranks_path, docs_path, threads, repeats = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
enc = tiktoken.Encoding("gpt2", pat_str=r"""'(?:[sdmt]|ll|ve|re)| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+""",
                        mergeable_ranks=load_tiktoken_bpe(ranks_path), special_tokens={"<|endoftext|>": 50256})
data, docs, i = open(docs_path, "rb").read(), [], 0
while i < len(data):
    (n,) = struct.unpack_from("<Q", data, i)
    docs.append(data[i + 8:i + 8 + n].decode("utf-8", "replace"))
    i += 8 + n
best, tokens = float("inf"), 0
for _ in range(repeats):
    start = time.perf_counter()
    ids = enc.encode_ordinary_batch(docs, num_threads=threads)
    best = min(best, time.perf_counter() - start)
    tokens = sum(len(x) for x in ids)
print(json.dumps({"seconds": best, "tokens": tokens, "version": tiktoken.__version__}))
)PY";

std::string default_python() {
  const char* venv = std::getenv("POLLUX_VENV");
  const char* home = std::getenv("HOME");
  return venv ? std::string(venv) + "/bin/python" : std::string(home ? home : "") + "/.cache/pollux/venv/bin/python";
}

std::string shell_quote(const std::string& s) {
  std::string q = "'";
  for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

// Documents: the text cut after every blank line (paragraphs, as web documents are short),
// the text repeated until it holds at least `min_bytes`.
std::vector<std::string> documents(const std::string& text, std::size_t min_bytes) {
  std::vector<std::string> docs;
  std::size_t total = 0;
  while (total < min_bytes) {
    std::size_t begin = 0;
    while (begin < text.size()) {
      std::size_t end = text.find("\n\n", begin);
      end = end == std::string::npos ? text.size() : end + 2;
      docs.push_back(text.substr(begin, end - begin));
      total += end - begin;
      begin = end;
    }
  }
  return docs;
}

}  // namespace

int tokenizer(int argc, const char* const* argv) {
  namespace po = boost::program_options;
  po::options_description options("tokenizer options");
  options.add_options()("input", po::value<std::string>()->default_value(cli::data_dir() + "/tinyshakespeare.txt"),
                        "UTF-8 text to tokenize")("mb", po::value<double>()->default_value(22, "22"),
                                                  "repeat the text until it holds at least this many MB")(
      "threads", po::value<int>()->default_value(0), "threads for both tokenizers (0 = all cores)")(
      "repeats", po::value<int>()->default_value(3), "timed passes of each tokenizer; the best counts")(
      "tokenizer_dir", cli::tokenizer_dir_value(), cli::kTokenizerDirHelp)(
      "python", po::value<std::string>()->default_value(default_python()), "Python in which to time tiktoken if importable")(
      "json", po::bool_switch(), "print one JSON object");
  po::variables_map vm;
  if (!cli::parse(argc, argv,
                  "usage: pollux-bench tokenizer [--input FILE] [--mb M] [--threads T] [--repeats R] [--json]\n"
                  "Times the GPT-2 tokenizer over the paragraphs of a text, and tiktoken's\n"
                  "encode_ordinary_batch on the same paragraphs and threads when the venv has tiktoken.",
                  options, {}, {}, vm))
    return 0;
  const std::string input = vm["input"].as<std::string>();
  const int threads = vm["threads"].as<int>() > 0 ? vm["threads"].as<int>() : default_thread_count();
  const int repeats = vm["repeats"].as<int>();
  if (repeats < 1) throw Error("bench", "--repeats must be at least 1");
  if (!(vm["mb"].as<double>() > 0)) throw Error("bench", "--mb must be positive");
  // The readers' check (file_io.h): /dev/zero or a FIFO is refused, never read without end.
  File::read(input, "bench", "--input");
  const std::vector<std::uint8_t> raw = read_file(input);
  const std::string text(raw.begin(), raw.end());
  if (text.empty()) throw Error("bench", "--input " + input + " is empty");
  const std::vector<std::string> docs = documents(text, std::size_t(vm["mb"].as<double>() * 1e6));
  std::size_t bytes = 0;
  for (const auto& d : docs) bytes += d.size();

  const std::string ranks_dir = vm["tokenizer_dir"].as<std::string>();
  const auto tok = make_tokenizer("gpt2", ranks_dir);
  double best = 1e300;
  std::uint64_t tokens = 0;
  for (int r = 0; r < repeats; ++r) {
    std::vector<std::size_t> counts(docs.size());
    const auto start = std::chrono::steady_clock::now();
    parallel_for(docs.size(), threads, 64, [&](std::size_t b, std::size_t e) {
      std::vector<std::uint32_t> ids;
      for (std::size_t i = b; i < e; ++i) {
        ids.clear();
        tok->encode(docs[i], ids);
        counts[i] = ids.size();
      }
    });
    best = std::min(best, std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
    tokens = 0;
    for (std::size_t c : counts) tokens += c;
  }

  // tiktoken in the venv, on the same documents written length-prefixed to a temp folder.
  double tiktoken_seconds = -1;
  std::uint64_t tiktoken_tokens = 0;
  std::string tiktoken_version, tiktoken_note;
  const std::string python = vm["python"].as<std::string>();
  char folder[] = "/tmp/pollux-bench-XXXXXX";
  if (::access(python.c_str(), X_OK) != 0) {
    tiktoken_note = "no python at " + python;
  } else if (!::mkdtemp(folder)) {
    tiktoken_note = "cannot create a temp folder";
  } else {
    const std::string docs_path = std::string(folder) + "/docs.bin", script_path = std::string(folder) + "/tiktoken_bench.py";
    {
      std::ofstream out(docs_path, std::ios::binary);
      for (const auto& d : docs) {
        const std::uint64_t n = d.size();  // little-endian on every machine we build for
        out.write(reinterpret_cast<const char*>(&n), 8).write(d.data(), std::streamsize(d.size()));
      }
      std::ofstream(script_path) << kTiktokenScript;
    }
    const std::string command = shell_quote(python) + " -c 'import tiktoken' 2>/dev/null && " + shell_quote(python) + " " +
                                shell_quote(script_path) + " " + shell_quote(ranks_dir + "/gpt2.tiktoken") + " " +
                                shell_quote(docs_path) + " " + std::to_string(threads) + " " + std::to_string(repeats);
    std::string output;
    if (std::FILE* pipe = ::popen(command.c_str(), "r")) {
      char buffer[4096];
      std::size_t n;
      while ((n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0) output.append(buffer, n);
      ::pclose(pipe);
    }
    std::remove(docs_path.c_str());
    std::remove(script_path.c_str());
    ::rmdir(folder);
    JsonValue result;
    try {
      result = parse_json(output);
    } catch (const Error&) {}
    const JsonValue *seconds = result.get("seconds"), *count = result.get("tokens"), *version = result.get("version");
    if (seconds && count && version && seconds->number > 0) {
      tiktoken_seconds = seconds->number;
      tiktoken_tokens = std::uint64_t(count->number);
      tiktoken_version = version->string;
    } else {
      tiktoken_note = "tiktoken not importable with " + python;
    }
  }

  const double mb_per_s = double(bytes) / 1e6 / best, tokens_per_s = double(tokens) / best;
  const double tiktoken_mb_per_s = tiktoken_seconds > 0 ? double(bytes) / 1e6 / tiktoken_seconds : 0;
  if (vm["json"].as<bool>()) {
    JsonWriter j;
    j.begin_object()
        .field("mb", double(bytes) / 1e6)
        .field("documents", std::uint64_t(docs.size()))
        .field("threads", std::int64_t(threads))
        .field("tokens", tokens)
        .field("mb_per_s", mb_per_s)
        .field("tokens_per_s", tokens_per_s);
    if (tiktoken_seconds > 0)
      j.field("tiktoken_mb_per_s", tiktoken_mb_per_s)
          .field("tiktoken_tokens_per_s", double(tiktoken_tokens) / tiktoken_seconds)
          .field("tiktoken_version", tiktoken_version)
          .field("same_tokens", tiktoken_tokens == tokens)
          .field("speedup", mb_per_s / tiktoken_mb_per_s);
    else
      j.field("tiktoken_note", tiktoken_note);
    j.end_object();
    std::printf("%s\n", j.str().c_str());
  } else {
    std::printf("tokenizer: %.1f MB in %zu documents, %d threads, best of %d\n", double(bytes) / 1e6, docs.size(), threads,
                repeats);
    std::printf("  pollux gpt2  %8.1f MB/s  %12.0f tokens/s  (%llu tokens)\n", mb_per_s, tokens_per_s,
                (unsigned long long)tokens);
    if (tiktoken_seconds > 0)
      std::printf("  tiktoken %s %6.1f MB/s  %12.0f tokens/s  (%llu tokens%s): pollux is %.2fx\n", tiktoken_version.c_str(),
                  tiktoken_mb_per_s, double(tiktoken_tokens) / tiktoken_seconds, (unsigned long long)tiktoken_tokens,
                  tiktoken_tokens == tokens ? ", the same" : ", DIFFERENT", mb_per_s / tiktoken_mb_per_s);
    else
      std::printf("  tiktoken: not measured (%s)\n", tiktoken_note.c_str());
  }
  return 0;
}

}  // namespace pollux::bench
