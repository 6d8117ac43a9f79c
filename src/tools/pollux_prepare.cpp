// pollux-prepare INPUT... --output FILE.u16 [--tokenizer gpt2|bytes] [--val_fraction F] [--no_eot]
#include <unistd.h>

#include <cstdio>
#include <iostream>

#include "cli.h"
#include "pollux/base/error.h"
#include "pollux/base/file_io.h"
#include "pollux/data/prepare.h"

int main(int argc, char** argv) {
  return pollux::cli::run("pollux-prepare", [&] {
    namespace po = boost::program_options;
    po::options_description options("options");
    options.add_options()
        ("output", po::value<std::string>(), "training token file to write (uint16 little-endian)")
        ("tokenizer", po::value<std::string>()->default_value("gpt2"), "gpt2 or bytes")
        ("tokenizer_dir", po::value<std::string>()->default_value(pollux::cli::data_dir()), "folder holding gpt2.tiktoken")
        ("val_fraction", po::value<double>()->default_value(0.0), "fraction of documents for the validation file <output>.val.u16")
        ("no_eot", po::bool_switch(), "no end-of-text token between documents")
        ("skip_bad_lines", po::bool_switch(), "skip (and count) JSON lines that do not parse instead of failing")
        ("threads", po::value<int>()->default_value(0), "threads (0 = all cores)");
    po::options_description hidden;
    hidden.add_options()("input", po::value<std::vector<std::string>>(), "input files");
    po::positional_options_description positional;
    positional.add("input", -1);
    po::variables_map vm;
    if (!pollux::cli::parse(argc, argv,
                            "usage: pollux-prepare INPUT... --output FILE.u16 [--tokenizer gpt2|bytes] [--val_fraction F] [--no_eot]\n"
                            "Tokenizes plain-text files (one document each) and JSON-lines files (a \"text\" field\n"
                            "per line, one document each) into one uint16 token file with end-of-text between\n"
                            "documents, a validation file of a fraction of the documents (a single text file gives\n"
                            "its last part), and a FILE.json sidecar naming the tokenizer.",
                            options, hidden, positional, vm))
      return 0;
    pollux::PrepareOptions o;
    if (vm.count("input")) o.inputs = vm["input"].as<std::vector<std::string>>();
    if (vm.count("output")) o.output = vm["output"].as<std::string>();
    for (const std::string& input : o.inputs)
      for (const std::string& written : {o.output, o.output + ".json", pollux::validation_path(o.output)})
        pollux::refuse_output_is_input(input, written, "--output");
    o.val_fraction = vm["val_fraction"].as<double>();
    o.end_of_text = !vm["no_eot"].as<bool>();
    o.skip_bad_lines = vm["skip_bad_lines"].as<bool>();
    o.threads = pollux::cli::threads_option(vm);
    o.progress = ::isatty(STDERR_FILENO);
    const auto tokenizer = pollux::make_tokenizer(vm["tokenizer"].as<std::string>(), vm["tokenizer_dir"].as<std::string>());
    const pollux::PrepareReport r = pollux::prepare_corpus(o, *tokenizer);
    if (o.progress) std::fputs("\n", stderr);
    if (r.split_document) {
      std::printf("%s: %llu tokens, the first %.0f%% of the document (%s tokenizer)\n", o.output.c_str(),
                  (unsigned long long)r.train_tokens, 100 * (1 - o.val_fraction), tokenizer->name().c_str());
      std::printf("%s: %llu tokens, the rest\n", r.val_output.c_str(), (unsigned long long)r.val_tokens);
    } else {
      std::printf("%s: %llu tokens from %llu documents (%s tokenizer)\n", o.output.c_str(), (unsigned long long)r.train_tokens,
                  (unsigned long long)(r.documents - r.val_documents), tokenizer->name().c_str());
      if (!r.val_output.empty())
        std::printf("%s: %llu tokens from %llu documents\n", r.val_output.c_str(), (unsigned long long)r.val_tokens,
                    (unsigned long long)r.val_documents);
    }
    if (r.skipped_lines) std::printf("skipped %llu JSON lines that did not parse\n", (unsigned long long)r.skipped_lines);
    std::printf("%.1f MB in %.2f s = %.1f MB/s\n", double(r.input_bytes) / 1e6, r.seconds,
                r.seconds > 0 ? double(r.input_bytes) / 1e6 / r.seconds : 0.0);
    return 0;
  });
}
