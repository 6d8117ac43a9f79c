// pollux-inspect FILE [--json]: what a .plx file holds, and what it costs per parameter.
#include <cstdio>
#include <iostream>

#include "cli.h"
#include "pollux/base/error.h"
#include "pollux/base/file_io.h"
#include "pollux/base/json.h"
#include "pollux/lattice/plx.h"

namespace {

using namespace pollux;
namespace po = boost::program_options;

// The backbone is every tensor but the token and position embeddings and the head
// (spec section 4: Pollux-1152 has a 287 M backbone of 405 M parameters).
bool is_backbone(const std::string& name) {
  return name.rfind("tok_emb.", 0) != 0 && name.rfind("pos_emb.", 0) != 0 && name.rfind("head.", 0) != 0;
}

std::string shape_text(const std::vector<std::uint32_t>& shape) {
  std::string s = "[";
  for (std::size_t i = 0; i < shape.size(); ++i) s += (i ? ", " : "") + std::to_string(shape[i]);
  return s + "]";
}

int inspect_plx(const std::string& path, bool json) {
  const std::vector<std::uint8_t> bytes = read_file(path);
  const lattice::PlxFile file = lattice::parse_plx(bytes.data(), bytes.size(), path);
  const auto logical = lattice::plx_logical_tensors(file);
  // A version-4 file cannot name its codebook: the fingerprint is the same for both, and
  // every reference v4 file indexes the pollux-v4 table.
  const std::string codebook = "pollux-v4";
  const bool codebook_known = false;
  std::uint64_t backbone_params = 0, backbone_bytes = 0, params = 0;
  for (const auto& t : logical) {
    params += t.parameter_count();
    if (is_backbone(t.name)) {
      backbone_params += t.parameter_count();
      backbone_bytes += t.stored_bytes;
    }
  }
  const double backbone_bpp = backbone_params ? 8.0 * double(backbone_bytes) / double(backbone_params) : 0.0;
  const double file_bpp = params ? 8.0 * double(bytes.size()) / double(params) : 0.0;

  if (json) {
    JsonWriter j;
    j.begin_object().field("file", path).field("kind", "plx").field("version", int(file.version))
        .field("codebook", codebook).field("codebook_known", codebook_known)
        .key("config").raw(file.config_json.empty() ? "null" : file.config_json)
        .field("file_bytes", std::uint64_t(bytes.size())).field("parameters", params)
        .field("backbone_parameters", backbone_params).field("backbone_bytes", backbone_bytes)
        .field("backbone_bits_per_param", backbone_bpp).field("file_bits_per_param", file_bpp);
    j.key("stored_tensors").begin_array();
    for (const auto& t : file.tensors) {
      j.begin_object().field("name", t.name).field("dtype", lattice::to_string(t.dtype)).key("shape").begin_array();
      for (auto d : t.shape) j.value(std::uint64_t(d));
      j.end_array().field("bytes", std::uint64_t(t.data.size())).end_object();
    }
    j.end_array().key("tensors").begin_array();
    for (const auto& t : logical) {
      j.begin_object().field("name", t.name).field("storage", lattice::to_string(t.storage)).key("shape").begin_array();
      for (auto d : t.shape) j.value(std::uint64_t(d));
      j.end_array().field("parameters", t.parameter_count()).field("bytes", t.stored_bytes)
          .field("bits_per_param", 8.0 * double(t.stored_bytes) / double(t.parameter_count())).end_object();
    }
    j.end_array().end_object();
    std::cout << j.str() << "\n";
    return 0;
  }
  std::printf("%s: .plx version %d, %zu bytes\n", path.c_str(), file.version, bytes.size());
  std::printf("codebook: %s (assumed: a version-4 file cannot tell the variants apart)\n", codebook.c_str());
  std::printf("config: %s\n", file.config_json.c_str());
  std::printf("%-44s %-8s %-14s %12s %10s %8s\n", "tensor", "storage", "shape", "params", "bytes", "bits/p");
  for (const auto& t : logical)
    std::printf("%-44s %-8s %-14s %12llu %10llu %8.4f\n", t.name.c_str(), lattice::to_string(t.storage).c_str(),
                shape_text(t.shape).c_str(), (unsigned long long)t.parameter_count(), (unsigned long long)t.stored_bytes,
                8.0 * double(t.stored_bytes) / double(t.parameter_count()));
  std::printf("backbone: %llu parameters in %llu bytes = %.4f bits per parameter\n",
              (unsigned long long)backbone_params, (unsigned long long)backbone_bytes, backbone_bpp);
  std::printf("whole file: %llu parameters in %zu bytes = %.4f bits per parameter\n", (unsigned long long)params,
              bytes.size(), file_bpp);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  return pollux::cli::run("pollux-inspect", [&] {
    po::options_description options("options");
    options.add_options()("json", po::bool_switch(), "print one JSON object");
    po::options_description hidden;
    hidden.add_options()("file", po::value<std::string>(), "file to inspect");
    po::positional_options_description positional;
    positional.add("file", 1);
    po::variables_map vm;
    if (!cli::parse(argc, argv, "usage: pollux-inspect FILE [--json]\nDescribes a .plx model file: format version, codebook, config, every tensor,\nand the bits per parameter of the backbone and of the whole file.",
                    options, hidden, positional, vm))
      return 0;
    if (!vm.count("file")) throw Error("inspect", "no FILE given (try --help)");
    return inspect_plx(vm["file"].as<std::string>(), vm["json"].as<bool>());
  });
}
