// pollux-export MODEL --format hf --output DIR [--overwrite] [--tokenizer_dir DIR]
#include <cstdio>

#include "cli.h"
#include "pollux/base/error.h"
#include "pollux/base/stop_signal.h"
#include "pollux/hf/export.h"

int main(int argc, char** argv) {
  pollux::install_exit_handlers();  // a signal removes the temporary files (file_io.h)
  return pollux::cli::run("pollux-export", [&] {
    namespace po = boost::program_options;
    po::options_description options("options");
    options.add_options()("format", po::value<std::string>()->default_value("hf"), "hf (a Hugging Face model folder)")(
        "output", po::value<std::string>(), "folder to write (new or empty)")(
        "overwrite", po::bool_switch(), "replace the files of an --output folder that holds some")(
        "tokenizer_dir", pollux::cli::tokenizer_dir_value(), pollux::cli::kTokenizerDirHelp);
    po::variables_map vm;
    if (!pollux::cli::parse_with_file(
            argc, argv,
            "usage: pollux-export MODEL --format hf --output DIR [--overwrite]\n"
            "Writes a checkpoint or .plx file (any quantizer) as a Hugging Face model folder: config.json,\n"
            "model.safetensors (the forward weights, dequantized), modeling_pollux.py and configuration_pollux.py\n"
            "(AutoModelForCausalLM.from_pretrained(DIR, trust_remote_code=True)) and the tokenizer's files.",
            options, "model", vm))
      return 0;
    const std::string format = vm["format"].as<std::string>();
    if (format != "hf") throw pollux::Error("export", "--format '" + format + "': expected hf");
    if (!vm.count("output")) throw pollux::Error("export", "no --output DIR given");
    const std::string model = vm["model"].as<std::string>(), output = vm["output"].as<std::string>();
    const auto files = pollux::hf::export_model(model, output, vm["overwrite"].as<bool>(), vm["tokenizer_dir"].as<std::string>());
    std::printf("%s -> %s (%zu files: Hugging Face, trust_remote_code=True)\n", model.c_str(), output.c_str(), files.size());
    return 0;
  });
}
