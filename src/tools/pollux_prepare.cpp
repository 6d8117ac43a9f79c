// pollux-prepare INPUT... --output FILE.u16 [--tokenizer gpt2|bytes] [--val_fraction F] [--framing reference|between] [--no_eot]
#include <unistd.h>

#include <cstdio>
#include <iostream>

#include "cli.h"
#include "pollux/base/error.h"
#include "pollux/base/file_io.h"
#include "pollux/base/stop_signal.h"
#include "pollux/data/prepare.h"

int main(int argc, char** argv) {
  pollux::install_stop_handlers();  // a signal stops between documents and removes the partial files
  return pollux::cli::run("pollux-prepare", [&] {
    namespace po = boost::program_options;
    po::options_description options("options");
    options.add_options()("output", po::value<std::string>(), "training token file to write (uint16 little-endian)")(
        "tokenizer", po::value<std::string>()->default_value("gpt2"), "gpt2 or bytes")(
        "text_column", po::value<std::string>()->default_value("text"),
        "parquet column holding the documents (string or large_string)")("tokenizer_dir", pollux::cli::tokenizer_dir_value(),
                                                                         pollux::cli::kTokenizerDirHelp)(
        "val_fraction", po::value<double>()->default_value(0.0, "0"),
        "fraction of documents for the validation file <output>.val.u16")(
        "framing", po::value<std::string>()->default_value("reference"),
        "reference: each document stripped as Python's str.strip() does, empty ones skipped, end-of-text after every document; "
        "between: documents as they are, end-of-text between them")("no_eot", po::bool_switch(), "no end-of-text tokens")(
        "skip_bad_lines", po::bool_switch(), "skip (and count) JSON lines that do not parse instead of failing")(
        "threads", po::value<int>()->default_value(0), "threads (0 = all cores)")(
        "progress", po::value<double>(),
        "seconds between progress lines on stderr (default: 1 on a terminal, none otherwise; 0 = none)");
    po::options_description hidden;
    hidden.add_options()("input", po::value<std::vector<std::string>>(), "input files");
    po::positional_options_description positional;
    positional.add("input", -1);
    po::variables_map vm;
    if (!pollux::cli::parse(argc, argv,
                            "usage: pollux-prepare INPUT... --output FILE.u16 [--tokenizer gpt2|bytes] [--val_fraction F]\n"
                            "                      [--framing reference|between] [--no_eot]\n"
                            "Tokenizes plain-text files (one document each), JSON-lines files (a \"text\" field per\n"
                            "line) and parquet files (--text_column, one document per row; an INPUT may be a folder\n"
                            "(its .parquet, .jsonl and .txt files) or a glob, taken in sorted name order) into one\n"
                            "uint16 token file framed as the reference's FineWeb preparation (documents stripped,\n"
                            "empty ones skipped, end-of-text after each),\n"
                            "a validation file of a fraction of the documents (a single text file gives its last\n"
                            "part), and a FILE.json sidecar naming the tokenizer and framing.",
                            options, hidden, positional, vm))
      return 0;
    pollux::PrepareOptions o;
    if (vm.count("input")) o.inputs = vm["input"].as<std::vector<std::string>>();
    if (vm.count("output")) o.output = vm["output"].as<std::string>();
    o.text_column = vm["text_column"].as<std::string>();
    for (const std::string& input : o.inputs)
      for (const std::string& written : {o.output, o.output + ".json", pollux::validation_path(o.output)})
        pollux::refuse_output_is_input(input, written, "--output");
    o.val_fraction = vm["val_fraction"].as<double>();
    const std::string framing = vm["framing"].as<std::string>();
    if (framing == "reference")
      o.framing = pollux::Framing::reference;
    else if (framing == "between")
      o.framing = pollux::Framing::between;
    else
      throw pollux::Error("prepare", "--framing must be reference or between, not '" + framing + "'");
    o.end_of_text = !vm["no_eot"].as<bool>();
    o.skip_bad_lines = vm["skip_bad_lines"].as<bool>();
    o.threads = pollux::cli::threads_option(vm);
    o.progress_seconds = vm.count("progress") ? vm["progress"].as<double>() : ::isatty(STDERR_FILENO) ? 1.0 : 0.0;
    const auto tokenizer = pollux::make_tokenizer(vm["tokenizer"].as<std::string>(), vm["tokenizer_dir"].as<std::string>());
    const pollux::PrepareReport r = pollux::prepare_corpus(o, *tokenizer);
    if (o.progress_seconds > 0 && ::isatty(STDERR_FILENO)) std::fputs("\n", stderr);
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
    if (r.empty_documents) std::printf("skipped %llu empty documents\n", (unsigned long long)r.empty_documents);
    if (r.skipped_lines) std::printf("skipped %llu JSON lines that did not parse\n", (unsigned long long)r.skipped_lines);
    std::printf("%.1f MB in %.2f s = %.1f MB/s\n", double(r.input_bytes) / 1e6, r.seconds,
                r.seconds > 0 ? double(r.input_bytes) / 1e6 / r.seconds : 0.0);
    return 0;
  });
}
