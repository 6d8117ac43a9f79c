// pollux-eval MODEL (--data FILE.u16 | --blimp DIR | --tasks LIST --task_dir DIR | --serve) [--runtime lut|dense] [--json]
#include <cstdio>
#include <iostream>

#include "cli.h"
#include "pollux/base/error.h"
#include "pollux/base/json.h"
#include "pollux/data/token_file.h"
#include "pollux/eval/evaluation.h"
#include "pollux/eval/serve.h"
#include "pollux/infer/text.h"
#include "pollux/runtime/generate.h"
#include "pollux/runtime/model_file.h"
#include "pollux/tokenizer/tokenizer.h"
#include "runtime_choice.h"

namespace {

using namespace pollux;

// --data in either runtime: the matrix-free one (lut, from the indices) or the dense one.
int eval_data(const std::string& model_path, const cli::RunnableModel& m, const std::string& data, int batch, bool json) {
  const TokenFile file(data, m.active_vocab, m.tokenizer);
  const LossReport r = m.lut ? infer::evaluate_loss(*m.lut, file.data(), file.size())
                             : evaluate_loss(*m.dense.model, file.data(), file.size(), batch);
  if (json) {
    JsonWriter j;
    j.begin_object()
        .field("model", model_path)
        .field("kind", m.kind)
        .field("runtime", m.runtime())
        .field("data", data)
        .field("tokens", r.tokens)
        .field("loss", r.mean_loss)
        .field("perplexity", r.perplexity)
        .end_object();
    std::cout << j.str() << "\n";
  } else {
    std::printf("%s (%s, %s runtime) on %s: loss %.4f nats/token, perplexity %.3f over %llu tokens\n", model_path.c_str(),
                m.kind.c_str(), m.runtime().c_str(), data.c_str(), r.mean_loss, r.perplexity, (unsigned long long)r.tokens);
  }
  return 0;
}

int eval_blimp(const LoadedModel& m, const std::string& model_path, const std::string& dir, int limit,
               const std::string& tokenizer_dir, int batch_size, bool json) {
  const auto tokenizer = make_tokenizer(m.tokenizer, tokenizer_dir);
  const std::vector<eval::TaskResult> results =
      eval::evaluate_tasks(*m.model, *tokenizer, eval::read_blimp(dir, limit), batch_size);
  std::uint64_t total = 0;
  double right = 0;
  JsonWriter j;
  j.begin_object().field("model", model_path).field("kind", m.kind).key("sets").begin_object();
  if (!json) std::printf("%-56s %8s %8s\n", "set", "pairs", "accuracy");
  for (const eval::TaskResult& r : results) {
    const std::string set = r.name.substr(std::string("blimp_").size());
    if (json)
      j.key(set).begin_object().field("pairs", r.items).field("accuracy", r.acc).end_object();
    else
      std::printf("%-56s %8llu %7.2f%%\n", set.c_str(), (unsigned long long)r.items, 100 * r.acc);
    total += r.items;
    right += r.acc * double(r.items);
  }
  const double overall = total ? right / double(total) : 0.0;
  if (json) {
    j.end_object().field("pairs", total).field("accuracy", overall).end_object();
    std::cout << j.str() << "\n";
  } else {
    std::printf("%-56s %8llu %7.2f%%\n", "overall", (unsigned long long)total, 100 * overall);
  }
  return 0;
}

int eval_tasks(const LoadedModel& m, const std::string& model_path, const std::string& names, const std::string& task_dir,
               int limit, const std::string& tokenizer_dir, int batch_size, bool json, bool log_samples) {
  std::vector<eval::Task> tasks;
  for (const std::string& name : eval::split_task_list(names))
    for (eval::Task& t : eval::read_tasks(name, task_dir, limit)) tasks.push_back(std::move(t));
  const auto tokenizer = make_tokenizer(m.tokenizer, tokenizer_dir);
  const std::vector<eval::TaskResult> results = eval::evaluate_tasks(*m.model, *tokenizer, tasks, batch_size);
  if (json)
    std::cout << eval::report_json(model_path, m.kind, results, log_samples) << "\n";
  else
    std::cout << eval::report_text(results);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  return cli::run("pollux-eval", [&] {
    namespace po = boost::program_options;
    po::options_description options("options");
    options.add_options()("data", po::value<std::string>(), "token file: mean loss and perplexity in non-overlapping windows")(
        "blimp", po::value<std::string>(), "folder of BLiMP *.jsonl sets: accuracy per set and overall")(
        "tasks", po::value<std::string>(),
        "comma-separated tasks scored as lm-eval 0.4 scores them, of: blimp, sciq, piqa, hellaswag, winogrande, arc_easy, "
        "arc_challenge, lambada, wikitext")("task_dir", po::value<std::string>(),
                                            "folder of the tasks' JSON lines: T.jsonl per task, blimp/*.jsonl")(
        "limit", po::value<int>()->default_value(0), "items per task file, BLiMP pairs per set (0 = all)")(
        "batch_size", po::value<int>()->default_value(8),
        "windows (--data) or requests (--tasks, --blimp, --serve) per forward pass")(
        "serve", po::bool_switch(),
        "answer lm-eval requests as JSON lines on stdin/stdout (the protocol of lm_eval_pollux.py in tools/)")(
        "max_request_mb", po::value<std::int64_t>()->default_value(16),
        "--serve: longest request line in MiB; a longer one is skipped as it is read and answered with an error")(
        "log_samples", po::bool_switch(), "with --tasks --json: every request's log-likelihood and greediness")(
        "device", po::value<std::string>()->default_value("cpu"), "cpu or cuda")("threads", po::value<int>()->default_value(0),
                                                                                 "CPU threads (0 = all cores)")(
        "runtime", po::value<std::string>()->default_value(""),
        "--data: lut (from the indices; the default for .plx on the CPU) or dense; tasks, BLiMP and --serve run dense")(
        "tokenizer_dir", cli::tokenizer_dir_value(), cli::kTokenizerDirHelp)("json", po::bool_switch(), "print one JSON object");
    po::variables_map vm;
    if (!cli::parse_with_file(argc, argv,
                              "usage: pollux-eval MODEL (--data FILE.u16 | --blimp DIR | --tasks LIST --task_dir DIR | --serve)\n"
                              "                  [--limit N] [--batch_size B] [--runtime lut|dense] [--threads T] [--json]\n"
                              "Measures a .plx file or a checkpoint: mean loss and perplexity over a token file, or BLiMP\n"
                              "accuracy (a pair is right when the good sentence's total log-probability, after the\n"
                              "end-of-text token, is higher, as lm-evaluation-harness scores it), or benchmark tasks read\n"
                              "from local JSON lines and scored exactly as lm-evaluation-harness 0.4 scores them, with the\n"
                              "STRUCTURAL (BLiMP) and FACTUAL summaries. --data on a .plx file on the CPU runs from its\n"
                              "codebook indices (--runtime lut) unless --runtime dense expands it; the batched task\n"
                              "scoring runs the dense model.",
                              options, "model", vm))
      return 0;
    const bool serve = vm["serve"].as<bool>();
    if (vm.count("data") + vm.count("blimp") + vm.count("tasks") + serve != 1)
      throw Error("eval", "give exactly one of --data FILE.u16, --blimp DIR, --tasks LIST and --serve");
    if (vm.count("tasks") && !vm.count("task_dir")) throw Error("eval", "--tasks needs --task_dir DIR");
    const int batch_size = vm["batch_size"].as<int>();
    if (batch_size <= 0 || batch_size > kMaxBatch)
      throw Error("eval", "--batch_size " + std::to_string(batch_size) + ": expected 1 to " + std::to_string(kMaxBatch));
    if (vm["limit"].as<int>() < 0) throw Error("eval", "--limit must be 0 (all) or positive");
    const std::string device = vm["device"].as<std::string>();
    if (device != "cpu" && device != "cuda") throw Error("eval", "--device '" + device + "': expected cpu or cuda");
    if (device == "cuda" && !at::hasCUDA()) throw Error("eval", "--device cuda but this build or machine has no CUDA");
    const std::string model_path = vm["model"].as<std::string>();
    const bool json = vm["json"].as<bool>();
    const std::string runtime = vm["runtime"].as<std::string>();
    const int threads = cli::threads_option("eval", vm["threads"].as<int>());
    if (vm.count("data"))
      return eval_data(model_path,
                       cli::load_runnable(cli::use_lut_runtime("eval", runtime, model_path, device), model_path, device, threads),
                       vm["data"].as<std::string>(), batch_size, json);
    if (runtime == "lut") throw Error("eval", "--runtime lut scores --data only: tasks, BLiMP and --serve run the dense model");
    const LoadedModel m = std::move(cli::load_runnable(false, model_path, device, threads).dense);
    if (serve) {
      eval::ServeOptions options;
      options.batch_size = batch_size;
      options.max_request_bytes = std::size_t(cli::integer_in(vm, "max_request_mb", 1, 4096)) << 20;
      std::ios::sync_with_stdio(false);  // buffered std::cin: request lines are read byte by byte
      eval::serve(*m.model, *make_tokenizer(m.tokenizer, vm["tokenizer_dir"].as<std::string>()), std::cin, std::cout, options);
      return 0;
    }
    if (vm.count("tasks"))
      return eval_tasks(m, model_path, vm["tasks"].as<std::string>(), vm["task_dir"].as<std::string>(), vm["limit"].as<int>(),
                        vm["tokenizer_dir"].as<std::string>(), batch_size, json, vm["log_samples"].as<bool>());
    return eval_blimp(m, model_path, vm["blimp"].as<std::string>(), vm["limit"].as<int>(), vm["tokenizer_dir"].as<std::string>(),
                      batch_size, json);
  });
}
