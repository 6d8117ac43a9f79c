// pollux-ptq CKPT --method rtn|gptq|polarquant|leech|leech-ldlq|apq|awq|smoothquant
//            [--bits B | --budget_bits X] [--group_size G] [--grid asymmetric|symmetric]
//            [--calib DATA.u16 --calib_tokens N [--act_order]] [--incoherence] [--seed S]
//            [--scope all|backbone] --output OUT.h5
// Post-training quantization of a continuous checkpoint (ptq/ptq.h); writes OUT.h5 (the
// dequantized weights, pollux-eval reads it as any checkpoint) and OUT.json (the report).
#include <ATen/Context.h>
#include <ATen/Parallel.h>

#include <cstdio>
#include <vector>

#include "cli.h"
#include "pollux/base/error.h"
#include "pollux/base/file_io.h"
#include "pollux/base/log.h"
#include "pollux/base/stop_signal.h"
#include "pollux/io/checkpoint.h"
#include "pollux/ptq/ptq.h"
#include "pollux/runtime/model_file.h"

int main(int argc, char** argv) {
  using namespace pollux;
  namespace po = boost::program_options;
  install_exit_handlers();  // a signal removes the temporary files (file_io.h)
  return cli::run("pollux-ptq", [&] {
    po::options_description options("options");
    options.add_options()("method", po::value<std::string>(),
                          "rtn | gptq | polarquant | leech | leech-ldlq | apq | awq | smoothquant")(
        "bits", po::value<int>(),
        "bits per weight: rtn, gptq and awq 2 to 8, polarquant 1 to 4; leech, leech-ldlq, apq and smoothquant take none")(
        "budget_bits", po::value<double>(), "apq: stored bits per quantized parameter at most (widths 2, 3, 4, 8 chosen)")(
        "incoherence", po::bool_switch(),
        "leech-ldlq: seeded random orthogonal (sign, Hadamard) transforms on both sides first (--seed)")(
        "group_size", po::value<std::int64_t>()->default_value(32),
        "rtn, gptq, apq, awq: weights of a row per float16 scale; polarquant: the Walsh-Hadamard block (a power of 2); must "
        "divide n_embd")(
        "grid", po::value<std::string>()->default_value("asymmetric"),
        "rtn, gptq, apq, awq: asymmetric (min-max, all 2^B levels, float16 scale + B-bit zero point per group) or symmetric "
        "(absmax, 2^B - 1 levels, float16 scale per group)")(
        "act_order", po::bool_switch(), "gptq: columns in order of decreasing Hessian diagonal (the column order is stored)")(
        "seed", po::value<std::uint64_t>()->default_value(0),
        "polarquant: seed of the random +-1 diagonal before the rotation; leech-ldlq --incoherence: of its transforms")(
        "scope", po::value<std::string>()->default_value("all"),
        "all: every matrix gets the method; backbone: tok_emb, pos_emb and head kept at 8 bits (int8 rows, float16 "
        "absmax per row), the blocks' matrices get the method (not apq, smoothquant)")(
        "calib", po::value<std::string>(),
        "gptq, leech-ldlq, apq, awq, smoothquant: calibration token file (.u16, the model's tokenizer)")(
        "calib_tokens", po::value<std::int64_t>()->default_value(16384),
        "the calibrated methods: calibration tokens, in windows of the model's seq_len spread over the file")(
        "damp", po::value<double>()->default_value(0.01),
        "gptq, leech-ldlq, apq: dampening, a fraction of the Hessian's mean diagonal")(
        "device", po::value<std::string>()->default_value("cpu"), "cpu or cuda (leech projects on the CPU)")(
        "threads", po::value<int>()->default_value(0), "CPU threads (0 = all cores)")(
        "output", po::value<std::string>(), "checkpoint to write (.h5); the report goes beside it as .json");
    po::variables_map vm;
    if (!cli::parse_with_file(argc, argv,
                              "usage: pollux-ptq CKPT --method rtn|gptq|polarquant|leech|leech-ldlq|apq|awq|smoothquant\n"
                              "                  [--bits B | --budget_bits X] [--group_size G] [--grid asymmetric|symmetric]\n"
                              "                  [--calib DATA.u16 --calib_tokens N [--act_order]] [--incoherence] [--seed S]\n"
                              "                  [--scope all|backbone] --output OUT.h5\n"
                              "Quantizes every matrix of a continuous checkpoint (quantizer = none) that the lattice would\n"
                              "quantize (embeddings, attention and MLP matrices, head; --scope backbone: the blocks' only,\n"
                              "the others at 8 bits) and writes a checkpoint of the dequantized weights (pollux-eval scores\n"
                              "it as any checkpoint) and OUT.json: bits per parameter as stored (scales and zero points\n"
                              "included), deployed bytes (the .plx byte rule: payload, scales, container), per-matrix errors.\n"
                              "  rtn         round-to-nearest per group: asymmetric min-max grid, all 2^B levels, float16\n"
                              "              scale + B-bit zero point (B + (16 + B)/G bits); --grid symmetric: absmax,\n"
                              "              2^B - 1 levels, float16 scale (GGUF Q4_0-like, B + 16/G bits)\n"
                              "  gptq        GPTQ (Frantar et al. 2022) layer by layer on --calib windows, rtn's grid\n"
                              "              (--act_order: columns by decreasing Hessian diagonal); the embeddings (one-hot\n"
                              "              inputs: GPTQ = rtn) are rtn, the head takes the final hidden states\n"
                              "  polarquant  per block: float16 norm, seeded random signs and Walsh-Hadamard rotation,\n"
                              "              Gaussian Lloyd-Max centroids: B + 16/G bits\n"
                              "  leech       lattice points and a least-squares float16 scale per row, fitted alternately\n"
                              "              from pollux_step's row projection: 0.75 + 16/row bits\n"
                              "  leech-ldlq  LDLQ (QuIP#): leech's points and scales with GPTQ's error feedback per\n"
                              "              block of 24 columns, calibrated as gptq (--incoherence: random Hadamard\n"
                              "              transforms on both sides first; evaluated dequantized, not in the .plx runtime)\n"
                              "  apq         each matrix's width from 2, 3, 4, 8 on gptq's grid, by dynamic programming on\n"
                              "              a Hessian sensitivity within --budget_bits per parameter\n"
                              "  awq         AWQ: per input channel scales mean|x|^alpha (alpha searched in [0, 1]) folded\n"
                              "              into the weights before rtn's grid\n"
                              "  smoothquant SmoothQuant (alpha 0.5) then int8 rows; the checkpoint runs on 8-bit per-token\n"
                              "              activations (ptq_activation_bits = 8)",
                              options, "checkpoint", vm))
      return 0;
    if (!vm.count("output")) throw Error("ptq", "no --output OUT.h5 given");
    if (!vm.count("method"))
      throw Error("ptq", "no --method given: rtn, gptq, polarquant, leech, leech-ldlq, apq, awq or smoothquant");
    ptq::Options o;
    o.method = ptq::parse_method(vm["method"].as<std::string>());
    const bool own_rate = o.method == ptq::Method::leech || o.method == ptq::Method::leech_ldlq || o.method == ptq::Method::apq ||
                          o.method == ptq::Method::smoothquant;
    if (o.method == ptq::Method::leech || o.method == ptq::Method::leech_ldlq || o.method == ptq::Method::smoothquant) {
      if (!vm["group_size"].defaulted())
        throw Error("ptq", std::string("--group_size: ") + ptq::method_name(o.method) +
                               (o.method == ptq::Method::smoothquant
                                    ? " stores int8 rows with one scale per row; leave --group_size out"
                                    : " quantizes 24-weight atoms with one scale per row; leave --group_size out"));
    }
    if (own_rate) {
      if (vm.count("bits")) o.bits = vm["bits"].as<int>();  // refused by check_options
    } else {
      if (!vm.count("bits")) throw Error("ptq", "no --bits B given");
      o.bits = vm["bits"].as<int>();
    }
    if (vm.count("budget_bits")) o.budget_bits = vm["budget_bits"].as<double>();  // apq's; check_options refuses it elsewhere
    const bool damped = o.method == ptq::Method::gptq || o.method == ptq::Method::leech_ldlq || o.method == ptq::Method::apq;
    if (!ptq::calibrated(o.method) && !vm["calib_tokens"].defaulted())
      throw Error("ptq", "--calib_tokens: only gptq, leech-ldlq, apq, awq and smoothquant take it");
    if (!damped && !vm["damp"].defaulted()) throw Error("ptq", "--damp: only gptq, leech-ldlq and apq take it");
    if (o.method != ptq::Method::gptq && vm["act_order"].as<bool>()) throw Error("ptq", "--act_order: only gptq takes it");
    if (o.method != ptq::Method::rtn && o.method != ptq::Method::gptq && o.method != ptq::Method::apq &&
        o.method != ptq::Method::awq && !vm["grid"].defaulted())
      throw Error("ptq", "--grid: only rtn, gptq, apq and awq take it");
    o.incoherence = vm["incoherence"].as<bool>();
    if (o.method != ptq::Method::polarquant && !(o.method == ptq::Method::leech_ldlq && o.incoherence) && !vm["seed"].defaulted())
      throw Error("ptq", "--seed: only polarquant and leech-ldlq --incoherence take it");
    o.grid = ptq::parse_grid(vm["grid"].as<std::string>());
    o.act_order = vm["act_order"].as<bool>();
    o.seed = vm["seed"].as<std::uint64_t>();
    o.scope = ptq::parse_scope(vm["scope"].as<std::string>());
    o.group_size = vm["group_size"].as<std::int64_t>();
    if (vm.count("calib")) o.calib = vm["calib"].as<std::string>();
    o.calib_tokens = vm["calib_tokens"].as<std::int64_t>();
    o.damp = cli::number_in(vm, "damp", 0.0, 10.0);
    const std::string device = vm["device"].as<std::string>();
    if (device != "cpu" && device != "cuda") throw Error("ptq", "--device '" + device + "': expected cpu or cuda");
    if (device == "cuda" && !at::hasCUDA()) throw Error("ptq", "--device cuda but this build or machine has no CUDA");
    o.device = device == "cuda" ? at::Device(at::kCUDA) : at::Device(at::kCPU);
    const int threads = cli::threads_option(vm);
    if (threads > 0) at::set_num_threads(threads);

    const std::string path = vm["checkpoint"].as<std::string>(), output = vm["output"].as<std::string>();
    const std::string report_path =
        (output.size() > 3 && output.compare(output.size() - 3, 3, ".h5") == 0 ? output.substr(0, output.size() - 3) : output) +
        ".json";
    refuse_output_is_input(path, output, "--output");
    refuse_output_is_input(path, report_path, "--output");
    // Both destinations are checked before the work, and replaced together after it.
    OutputFile model_file(output, "--output"), report_file(report_path, "--output (its report)");
    log::only_errors();  // stdout: the one summary line below
    ptq::Report report;
    const Checkpoint out = ptq::quantize_checkpoint(read_checkpoint(path), path, o, report);
    report.deployed_bytes = deployed_bytes(out.config, report.deployed);  // the one byte rule, as pollux-pack's
    write_checkpoint(model_file, out);
    const std::string json = ptq::report_json(report, path, output) + "\n";
    write_output(report_file, std::vector<std::uint8_t>(json.begin(), json.end()));
    commit_together({&model_file, &report_file});
    const std::string rate = o.method == ptq::Method::apq ? " widths 2-8, group " + std::to_string(o.group_size)
                             : o.bits == 0                ? std::string(o.method == ptq::Method::smoothquant ? " W8A8" : "")
                                           : " " + std::to_string(o.bits) + " bits, group " + std::to_string(o.group_size);
    std::printf("%s: %s%s, %llu parameters in %zu matrices at %.4f bits/param, deployed %llu bytes -> %s (%s)\n", path.c_str(),
                ptq::method_name(o.method), rate.c_str(), (unsigned long long)report.quantized_params, report.matrices.size(),
                report.bits_per_parameter(), (unsigned long long)report.deployed_bytes, output.c_str(), report_path.c_str());
    return 0;
  });
}
