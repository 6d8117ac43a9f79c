// pollux-train --config FILE [--KEY VALUE ...] --data PATH [--val_data PATH] --out DIR
//              [--resume CKPT | --auto_resume] [--overwrite]
#include <iostream>

#include "cli.h"
#include "pollux/base/error.h"
#include "pollux/base/log.h"
#include "pollux/config/config.h"
#include "pollux/train/trainer.h"

int main(int argc, char** argv) {
  pollux::install_stop_handlers();  // before anything slow: a signal during start-up exits 0
  return pollux::cli::run("pollux-train", [&] {
    namespace po = boost::program_options;
    const std::vector<std::string> args(argv + 1, argv + argc);
    pollux::ParsedConfig parsed = pollux::parse_config(args);
    po::options_description options("run options");
    options.add_options()("out", po::value<std::string>(), "output folder: checkpoints pollux_step_<n>.h5 and metrics.csv")(
        "resume", po::value<std::string>(), "continue from this checkpoint")(
        "auto_resume", po::bool_switch(), "continue from the newest checkpoint in --out, if there is one")(
        "overwrite", po::bool_switch(),
        "let this run replace another run's checkpoints and logs in --out (without it such a folder is refused)")(
        "tokenizer_dir", pollux::cli::tokenizer_dir_value(), pollux::cli::kTokenizerDirHelp);
    po::variables_map vm;
    const std::string usage =
        "usage: pollux-train --config FILE [--KEY VALUE ...] --data PATH [--val_data PATH] --out DIR\n"
        "                    [--resume CKPT | --auto_resume] [--overwrite]\n"
        "Trains a Pollux model (or the continuous baseline with --quantizer none, or BitNet b1.58\n"
        "with --quantizer ternary). Every key of a configs/*.ini file is also an option that\n"
        "overrides it. max_steps and target_tokens count from the start of training; a resumed\n"
        "run continues the step count and the metrics.\n"
        "A fresh run into a folder that holds checkpoints or logs is refused unless --overwrite.\n"
        "SIGINT/SIGTERM finish the current step, write a checkpoint and exit 0; a NaN loss exits 3.\n"
        "--profile_steps A:B writes a Chrome/Perfetto trace of steps A..B to DIR/trace_steps_A-B.json.\n\n" +
        pollux::config_help();
    if (!pollux::cli::parse(
            int(parsed.extra.size()) + 1,
            [&] {
              static std::vector<const char*> v;
              v = {argv[0]};
              for (const auto& a : parsed.extra) v.push_back(a.c_str());
              return v.data();
            }(),
            usage, options, {}, {}, vm))
      return 0;
    pollux::TrainOptions o;
    o.config = parsed.config;
    o.config_from_file = parsed.from_file;
    o.override_args = parsed.overrides;
    if (!vm.count("out")) throw pollux::Error("train", "no --out DIR given");
    o.out_dir = vm["out"].as<std::string>();
    if (vm.count("resume")) o.resume = vm["resume"].as<std::string>();
    o.auto_resume = vm["auto_resume"].as<bool>();
    o.overwrite = vm["overwrite"].as<bool>();
    o.tokenizer_dir = vm["tokenizer_dir"].as<std::string>();
    if (!o.resume.empty() && o.auto_resume) throw pollux::Error("train", "give --resume or --auto_resume, not both");
    // --overwrite replaces a run, --auto_resume continues it: together one would be ignored.
    if (o.overwrite && o.auto_resume)
      throw pollux::Error("train", "--auto_resume continues the run in --out and --overwrite replaces it: give one, not both");
    if (!parsed.from_file && o.resume.empty() && !o.auto_resume)
      throw pollux::Error("train", "no --config FILE given (and nothing to resume)");
    pollux::log::use_short_pattern();
    return pollux::train(o);
  });
}
