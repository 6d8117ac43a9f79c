// pollux-generate MODEL --prompt TEXT [--max_new_tokens N] [--temperature T] [--top_k K]
//                 [--top_p P] [--repetition_penalty R] [--seed S] [--device cpu|cuda]
//                 [--runtime lut|dense] [--cuda_graph on|off] [--threads T]
#include <cstdio>
#include <iostream>
#include <limits>

#include "cli.h"
#include "pollux/base/error.h"
#include "pollux/infer/text.h"
#include "pollux/runtime/generate.h"
#include "pollux/runtime/model_file.h"
#include "pollux/tokenizer/tokenizer.h"
#include "runtime_choice.h"

int main(int argc, char** argv) {
  return pollux::cli::run("pollux-generate", [&] {
    namespace po = boost::program_options;
    po::options_description options("options");
    options.add_options()("prompt", po::value<std::string>()->default_value(""),
                          "text to continue (empty: start after end-of-text)")(
        "max_new_tokens", po::value<int>()->default_value(200), "tokens to sample at most")(
        "temperature", po::value<double>()->default_value(0.8, "0.8"), "softmax temperature (0 = greedy)")(
        "top_k", po::value<int>()->default_value(0), "sample among the k most likely tokens (0 = all)")(
        "top_p", po::value<double>()->default_value(1.0, "1"), "nucleus sampling mass (1 = off)")(
        "repetition_penalty", po::value<double>()->default_value(1.0, "1"), "penalty (> 1) on tokens already in the context")(
        "seed", po::value<std::int64_t>()->default_value(1), "sampling seed: the same seed gives the same text")(
        "device", po::value<std::string>()->default_value("cpu"), "cpu or cuda")("threads", po::value<int>()->default_value(0),
                                                                                 "CPU threads (0 = all cores)")(
        "runtime", po::value<std::string>()->default_value(""),
        "lut (from the indices; the default for .plx on the CPU) or dense")(
        "kv_cache", po::value<std::string>()->default_value("float32"),
        "lut: float32, or float16 (half the KV cache's memory; each key and value rounded once)")(
        "cuda_graph", po::value<std::string>()->default_value("on"),
        "--device cuda: on (each token one replay of a CUDA graph of the decode step) or off (eager, op by op); the CPU "
        "decodes eagerly")("tokenizer_dir", pollux::cli::tokenizer_dir_value(), pollux::cli::kTokenizerDirHelp);
    po::variables_map vm;
    if (!pollux::cli::parse_with_file(
            argc, argv,
            "usage: pollux-generate MODEL --prompt TEXT [--max_new_tokens N] [--temperature T] [--top_k K]\n"
            "                       [--top_p P] [--repetition_penalty R] [--seed S] [--device cpu|cuda]\n"
            "                       [--runtime lut|dense] [--kv_cache float32|float16] [--cuda_graph on|off]\n"
            "                       [--threads T]\n"
            "Samples a continuation from a .plx file or a checkpoint, streaming it to stdout; stops at\n"
            "end-of-text. The padded vocabulary is never sampled; a KV cache makes each token cost one\n"
            "position. A .plx file on the CPU runs from its codebook indices (--runtime lut) unless\n"
            "--runtime dense expands it into float matrices. On CUDA each new token replays one captured\n"
            "CUDA graph of the decode step over a static KV cache of the whole context (--cuda_graph off:\n"
            "eager).",
            options, "model", vm))
      return 0;
    pollux::SamplingOptions o;
    o.max_new_tokens = vm["max_new_tokens"].as<int>();
    o.temperature = vm["temperature"].as<double>();
    o.top_k = vm["top_k"].as<int>();
    o.top_p = vm["top_p"].as<double>();
    o.repetition_penalty = vm["repetition_penalty"].as<double>();
    o.seed = std::uint64_t(pollux::cli::integer_in(vm, "seed", 0, std::numeric_limits<std::int64_t>::max()));
    if (o.max_new_tokens < 0) throw pollux::Error("generate", "--max_new_tokens must be 0 or positive");
    // Ranges that keep logits / temperature and logits / penalty finite.
    if (!(o.temperature == 0 || (o.temperature >= 1e-3 && o.temperature <= 1e3)))
      throw pollux::Error("generate",
                          "--temperature " + std::to_string(o.temperature) + ": expected 0 (greedy) or 0.001 to 1000");
    if (o.top_k < 0) throw pollux::Error("generate", "--top_k must be 0 or positive");
    if (!(o.top_p > 0 && o.top_p <= 1)) throw pollux::Error("generate", "--top_p must be in (0, 1]");
    if (!(o.repetition_penalty >= 1e-3 && o.repetition_penalty <= 1e3))
      throw pollux::Error("generate",
                          "--repetition_penalty " + std::to_string(o.repetition_penalty) + ": expected 0.001 to 1000");
    const std::string device = vm["device"].as<std::string>();
    if (device != "cpu" && device != "cuda") throw pollux::Error("generate", "--device '" + device + "': expected cpu or cuda");
    if (device == "cuda" && !at::hasCUDA())
      throw pollux::Error("generate", "--device cuda but this build or machine has no CUDA");
    const bool cuda_graph = pollux::cli::on_off(vm, "cuda_graph");
    const std::string model_path = vm["model"].as<std::string>();
    const bool lut = pollux::cli::use_lut_runtime("generate", vm["runtime"].as<std::string>(), model_path, device);
    const int threads = pollux::cli::threads_option("generate", vm["threads"].as<int>());
    const pollux::infer::KvCache kv = pollux::infer::parse_kv_cache(vm["kv_cache"].as<std::string>(), "--kv_cache");
    if (!lut && kv != pollux::infer::KvCache::float32)
      throw pollux::Error("generate", "--kv_cache float16 is the lut runtime's (the dense runtime's cache is float32)");
    const pollux::cli::RunnableModel m = pollux::cli::load_runnable(lut, model_path, device, threads);
    if (m.lut) m.lut->set_kv_cache(kv);
    const std::string& tokenizer_name = m.tokenizer;
    const std::int64_t active_vocab = m.active_vocab;
    const auto tokenizer = pollux::make_tokenizer(tokenizer_name, vm["tokenizer_dir"].as<std::string>());
    o.end_of_text = tokenizer->end_of_text();
    const std::string prompt_text = vm["prompt"].as<std::string>();
    std::vector<std::uint32_t> prompt;
    if (prompt_text.empty()) prompt.push_back(tokenizer->end_of_text());
    tokenizer->encode(prompt_text, prompt);
    for (std::uint32_t id : prompt)
      if (std::int64_t(id) >= active_vocab)
        throw pollux::Error("generate", "the " + tokenizer_name + " tokenizer gives id " + std::to_string(id) +
                                            ", outside the model's vocabulary of " + std::to_string(active_vocab));
    std::fwrite(prompt_text.data(), 1, prompt_text.size(), stdout);
    const auto stream = [&](std::uint32_t id) {
      const std::string piece = tokenizer->decode({id});
      std::fwrite(piece.data(), 1, piece.size(), stdout);
      std::fflush(stdout);
    };
    if (m.lut)
      pollux::infer::generate(*m.lut, prompt, o, stream);
    else
      pollux::generate(*m.dense.model, prompt, o, stream, cuda_graph);
    std::fputs("\n", stdout);
    return 0;
  });
}
