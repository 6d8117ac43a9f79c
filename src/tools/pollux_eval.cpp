// pollux-eval MODEL (--data FILE.u16 | --blimp DIR [--limit N]) [--runtime lut|dense] [--json]
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>

#include "cli.h"
#include "runtime_choice.h"
#include "pollux/base/error.h"
#include "pollux/base/json.h"
#include "pollux/data/token_file.h"
#include "pollux/infer/text.h"
#include "pollux/runtime/generate.h"
#include "pollux/runtime/model_file.h"
#include "pollux/tokenizer/tokenizer.h"

namespace {

using namespace pollux;
namespace fs = std::filesystem;

// The model under test in either runtime: the matrix-free one (lut) or the dense one.
struct EvalModel {
  LoadedModel dense;
  std::unique_ptr<infer::LutModel> lut;
  std::string kind, tokenizer;
  std::uint32_t active_vocab = 0;

  std::string runtime() const { return lut ? "lut" : "dense"; }
  LossReport loss(const std::uint16_t* tokens, std::size_t count, int batch) const {
    return lut ? infer::evaluate_loss(*lut, tokens, count) : evaluate_loss(*dense.model, tokens, count, batch);
  }
  double logprob(std::uint32_t prefix, const std::vector<std::uint32_t>& ids) const {
    return lut ? infer::sequence_logprob(*lut, prefix, ids) : sequence_logprob(*dense.model, prefix, ids);
  }
};

int eval_data(const EvalModel& m, const std::string& model_path, const std::string& data, int batch, bool json) {
  const TokenFile file(data, m.active_vocab, m.tokenizer);
  const LossReport r = m.loss(file.data(), file.size(), batch);
  if (json) {
    JsonWriter j;
    j.begin_object().field("model", model_path).field("kind", m.kind).field("runtime", m.runtime()).field("data", data)
        .field("tokens", r.tokens).field("loss", r.mean_loss).field("perplexity", r.perplexity).end_object();
    std::cout << j.str() << "\n";
  } else {
    std::printf("%s (%s, %s runtime) on %s: loss %.4f nats/token, perplexity %.3f over %llu tokens\n", model_path.c_str(),
                m.kind.c_str(), m.runtime().c_str(), data.c_str(), r.mean_loss, r.perplexity, (unsigned long long)r.tokens);
  }
  return 0;
}

int eval_blimp(const EvalModel& m, const std::string& model_path, const std::string& dir, int limit,
               const std::string& tokenizer_dir, bool json) {
  if (!fs::is_directory(dir)) throw Error("eval", "BLiMP folder " + dir + " does not exist");
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(dir))
    if (e.path().extension() == ".jsonl") files.push_back(e.path());
  std::sort(files.begin(), files.end());
  if (files.empty()) throw Error("eval", "BLiMP folder " + dir + " holds no *.jsonl files");
  const auto tokenizer = make_tokenizer(m.tokenizer, tokenizer_dir);
  std::uint64_t right = 0, total = 0;
  JsonWriter j;
  j.begin_object().field("model", model_path).field("kind", m.kind).field("runtime", m.runtime()).key("sets").begin_object();
  if (!json) std::printf("%-56s %8s %8s\n", "set", "pairs", "accuracy");
  for (const fs::path& path : files) {
    std::ifstream in(path);
    std::string line;
    std::uint64_t set_right = 0, set_total = 0, number = 0;
    while (std::getline(in, line) && (limit <= 0 || set_total < std::uint64_t(limit))) {
      ++number;
      if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
      const JsonValue pair = [&] {
        try {
          return parse_json(line);
        } catch (const Error& e) {
          throw Error("eval", path.string() + " line " + std::to_string(number) + ": " + e.what());
        }
      }();
      const JsonValue* good = pair.get("sentence_good");
      const JsonValue* bad = pair.get("sentence_bad");
      if (!good || !bad || good->kind != JsonValue::Kind::string || bad->kind != JsonValue::Kind::string)
        throw Error("eval", path.string() + " line " + std::to_string(number) + ": needs sentence_good and sentence_bad strings");
      std::vector<std::uint32_t> g, b;
      tokenizer->encode(good->string, g);
      tokenizer->encode(bad->string, b);
      const double lg = m.logprob(tokenizer->end_of_text(), g);
      const double lb = m.logprob(tokenizer->end_of_text(), b);
      set_right += lg > lb;
      ++set_total;
    }
    right += set_right;
    total += set_total;
    const double acc = set_total ? double(set_right) / double(set_total) : 0.0;
    if (json) j.key(path.stem().string()).begin_object().field("pairs", set_total).field("accuracy", acc).end_object();
    else std::printf("%-56s %8llu %7.2f%%\n", path.stem().string().c_str(), (unsigned long long)set_total, 100 * acc);
  }
  const double overall = total ? double(right) / double(total) : 0.0;
  if (json) {
    j.end_object().field("pairs", total).field("accuracy", overall).end_object();
    std::cout << j.str() << "\n";
  } else {
    std::printf("%-56s %8llu %7.2f%%\n", "overall", (unsigned long long)total, 100 * overall);
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  return cli::run("pollux-eval", [&] {
    namespace po = boost::program_options;
    po::options_description options("options");
    options.add_options()
        ("data", po::value<std::string>(), "token file: mean loss and perplexity in non-overlapping windows")
        ("blimp", po::value<std::string>(), "folder of BLiMP *.jsonl sets: accuracy per set and overall")
        ("limit", po::value<int>()->default_value(0), "BLiMP pairs per set (0 = all)")
        ("batch", po::value<int>()->default_value(8), "windows per forward pass for --data")
        ("device", po::value<std::string>()->default_value("cpu"), "cpu or cuda")
        ("runtime", po::value<std::string>()->default_value(""), "lut (from the indices; the default for .plx on the CPU) or dense")
        ("tokenizer_dir", po::value<std::string>()->default_value(cli::data_dir()), "folder holding gpt2.tiktoken")
        ("json", po::bool_switch(), "print one JSON object");
    po::variables_map vm;
    if (!cli::parse_with_file(argc, argv,
                    "usage: pollux-eval MODEL (--data FILE.u16 | --blimp DIR [--limit N]) [--runtime lut|dense] [--json]\n"
                    "Measures a .plx file or a checkpoint: mean loss and perplexity over a token file, or BLiMP\n"
                    "accuracy (a pair is right when the good sentence's total log-probability, after the\n"
                    "end-of-text token, is higher, as lm-evaluation-harness scores it). A .plx file on the CPU\n"
                    "runs from its codebook indices (--runtime lut) unless --runtime dense expands it.",
                    options, "model", vm))
      return 0;
    if (vm.count("data") == vm.count("blimp")) throw Error("eval", "give exactly one of --data FILE.u16 and --blimp DIR");
    if (vm["batch"].as<int>() <= 0) throw Error("eval", "--batch must be positive");
    const std::string device = vm["device"].as<std::string>();
    if (device != "cpu" && device != "cuda") throw Error("eval", "--device '" + device + "': expected cpu or cuda");
    if (device == "cuda" && !at::hasCUDA()) throw Error("eval", "--device cuda but this build or machine has no CUDA");
    const std::string model_path = vm["model"].as<std::string>();
    EvalModel m;
    if (cli::use_lut_runtime("eval", vm["runtime"].as<std::string>(), model_path, device)) {
      m.lut = std::make_unique<infer::LutModel>(infer::LutModel::load(model_path));
      m.tokenizer = m.lut->shape().tokenizer;
      m.active_vocab = std::uint32_t(m.lut->shape().tokenizer_vocab_size);
      m.kind = "plx v" + std::to_string(m.lut->shape().plx_version);
    } else {
      m.dense = load_model(model_path, device == "cuda" ? at::Device(at::kCUDA) : at::Device(at::kCPU));
      m.tokenizer = m.dense.tokenizer;
      m.active_vocab = std::uint32_t(m.dense.config.tokenizer_vocab_size);
      m.kind = m.dense.kind;
    }
    const bool json = vm["json"].as<bool>();
    if (vm.count("data")) return eval_data(m, model_path, vm["data"].as<std::string>(), vm["batch"].as<int>(), json);
    return eval_blimp(m, model_path, vm["blimp"].as<std::string>(), vm["limit"].as<int>(), vm["tokenizer_dir"].as<std::string>(), json);
  });
}
