// pollux-pack CHECKPOINT --output MODEL.plx [--format v4|v5]
#include <cstdio>

#include "cli.h"
#include "pollux/base/error.h"
#include "pollux/base/file_io.h"
#include "pollux/base/stop_signal.h"
#include "pollux/lattice/plx.h"
#include "pollux/runtime/model_file.h"

int main(int argc, char** argv) {
  pollux::install_exit_handlers();  // a signal removes the temporary file (file_io.h)
  return pollux::cli::run("pollux-pack", [&] {
    namespace po = boost::program_options;
    po::options_description options("options");
    options.add_options()("output", po::value<std::string>(), ".plx file to write")(
        "format", po::value<std::string>()->default_value("v5"),
        "v5 (default: every lattice matrix as indices, codebook named, checksums) or v4 (the reference layout; "
        "pollux-v4 codebook only)");
    po::variables_map vm;
    if (!pollux::cli::parse_with_file(argc, argv,
                                      "usage: pollux-pack CHECKPOINT --output MODEL.plx [--format v4|v5]\n"
                                      "Packs a training checkpoint into a deployable .plx file: the checkpoint's own codebook\n"
                                      "indices (18 bits each) and row scales, no re-quantization. Prints the compression.",
                                      options, "checkpoint", vm))
      return 0;
    if (!vm.count("output")) throw pollux::Error("pack", "no --output MODEL.plx given");
    const std::string format = vm["format"].as<std::string>();
    if (format != "v4" && format != "v5") throw pollux::Error("pack", "--format '" + format + "': expected v4 or v5");
    const std::string path = vm["checkpoint"].as<std::string>(), output = vm["output"].as<std::string>();
    pollux::refuse_output_is_input(path, output, "--output");
    pollux::OutputFile out(output, "--output");  // a folder, device or FIFO is refused before any work
    const pollux::Checkpoint ck = pollux::read_checkpoint(path);
    const pollux::lattice::PlxFile file = pollux::pack_checkpoint(ck, format == "v4" ? 4 : 5, path);
    const std::vector<std::uint8_t> bytes = pollux::lattice::serialize_plx(file);
    pollux::check_plx_image(bytes, output);  // a file no reader takes never replaces a good one
    pollux::write_output(out, bytes);
    out.commit();
    // The compression arithmetic, from the file as written.
    const pollux::lattice::PlxBudget b = pollux::lattice::plx_budget(pollux::lattice::plx_logical_tensors(file));
    const std::uint64_t params = b.parameters, backbone = b.backbone_parameters, backbone_bytes = b.backbone_bytes,
                        lattice_params = b.lattice_parameters, lattice_bytes = b.lattice_bytes;
    std::printf("%s -> %s (.plx %s, codebook %s, step %lld)\n", path.c_str(), output.c_str(), format.c_str(), ck.codebook.c_str(),
                (long long)ck.step);
    if (lattice_params)
      std::printf("  lattice matrices: %llu parameters in %llu bytes = %.4f bits/param (0.75 + 16/in_features)\n",
                  (unsigned long long)lattice_params, (unsigned long long)lattice_bytes,
                  8.0 * double(lattice_bytes) / double(lattice_params));
    if (b.ternary_parameters)
      std::printf("  ternary matrices: %llu parameters in %llu bytes = %.4f bits/param (1.6 + 32/weights of the matrix)\n",
                  (unsigned long long)b.ternary_parameters, (unsigned long long)b.ternary_bytes,
                  8.0 * double(b.ternary_bytes) / double(b.ternary_parameters));
    std::printf("  backbone: %llu parameters in %llu bytes = %.4f bits/param\n", (unsigned long long)backbone,
                (unsigned long long)backbone_bytes, 8.0 * double(backbone_bytes) / double(std::max<std::uint64_t>(1, backbone)));
    std::printf("  whole file: %llu parameters in %zu bytes = %.4f bits/param (float32 would be %.1f MB)\n",
                (unsigned long long)params, bytes.size(), 8.0 * double(bytes.size()) / double(params), 4e-6 * double(params));
    // The one byte rule (lattice/deployed.h) from the checkpoint's description alone; it is
    // the file's size (tests/e2e/format.sh checks it), as pollux-ptq's deployed_bytes.
    const int version = format == "v4" ? 4 : 5;
    std::printf("  deployed bytes (the byte rule): %llu\n",
                (unsigned long long)pollux::deployed_bytes(ck.config, pollux::deployed_tensors(ck, version), version));
    return 0;
  });
}
