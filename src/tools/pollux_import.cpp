// pollux-import REF.pt --h_floor X --out CKPT.h5: the reference trainer's checkpoint as one of
// ours (pollux-train --resume, pollux-pack and pollux-eval then take it).
#include <cstdio>

#include "cli.h"
#include "pollux/base/error.h"
#include "pollux/base/file_io.h"
#include "pollux/base/stop_signal.h"
#include "pollux/io/checkpoint.h"
#include "pollux/io/reference_import.h"

int main(int argc, char** argv) {
  using namespace pollux;
  namespace po = boost::program_options;
  install_exit_handlers();  // a signal removes the temporary file (file_io.h)
  return cli::run("pollux-import", [&] {
    po::options_description options("options");
    options.add_options()("h_floor", po::value<double>(),
                          "the corpus's irreducible cross-entropy in nats (required: the reference does not store it)")(
        "out", po::value<std::string>(), "checkpoint to write (.h5)");
    po::variables_map vm;
    if (!cli::parse_with_file(
            argc, argv,
            "usage: pollux-import REF.pt --h_floor X --out CKPT.h5\nConverts a checkpoint of the reference trainer (a torch.save "
            "zip) into a pollux checkpoint.\nOnly tensors and plain data are read; anything else in the file is refused.",
            options, "file", vm))
      return 0;
    if (!vm.count("h_floor")) throw Error("import", "--h_floor is required: the reference checkpoint does not store H_floor");
    if (!vm.count("out")) throw Error("import", "no --out CKPT.h5 given");
    const std::string in = vm["file"].as<std::string>(), out = vm["out"].as<std::string>();
    refuse_output_is_input(in, out, "--out");
    OutputFile file(out, "--out");  // a folder, device or FIFO is refused before any work
    const Checkpoint ck = import_reference_checkpoint(in, vm["h_floor"].as<double>());
    write_checkpoint(file, ck);
    file.commit();
    std::printf("%s: step %lld, %llu tokens, %d layers x %d wide, codebook %s, heat %.6f -> %s\n", in.c_str(), (long long)ck.step,
                (unsigned long long)ck.tokens_seen, ck.config.model.n_layers, ck.config.model.n_embd, ck.codebook.c_str(),
                ck.optimizer.heat, out.c_str());
    return 0;
  });
}
