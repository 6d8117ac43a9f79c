// --runtime lut|dense and --threads of pollux-generate and pollux-eval: the matrix-free
// runtime (pollux/infer) is the default for a .plx file on the CPU; dense (pollux/runtime,
// LibTorch) for checkpoints, CUDA, or when asked.
#pragma once

#include <ATen/Parallel.h>

#include <cstdint>
#include <memory>
#include <string>

#include "pollux/base/error.h"
#include "pollux/base/json.h"
#include "pollux/config/config.h"
#include "pollux/infer/lut_model.h"
#include "pollux/lattice/plx.h"
#include "pollux/runtime/model_file.h"

namespace pollux::cli {

// Whether a .plx file's config JSON names quantizer = ternary (read from its header only).
inline bool ternary_plx(const std::string& path) {
  try {
    const JsonValue doc = parse_json(lattice::read_plx_config_json(path));
    const JsonValue* q = doc.get("quantizer");
    return q && q->kind == JsonValue::Kind::string && q->string == "ternary";
  } catch (const Error&) {
    return false;  // the loader names what is wrong with the file
  }
}

// True for lut. `requested` is "" (the default), "lut" or "dense".
inline bool use_lut_runtime(const std::string& tool, const std::string& requested, const std::string& model_path,
                            const std::string& device) {
  if (requested != "" && requested != "lut" && requested != "dense")
    throw Error(tool, "--runtime '" + requested + "': expected lut or dense");
  if (requested == "dense") return false;
  const bool possible = device == "cpu" && lattice::is_plx_file(model_path);
  if (requested == "lut" && !possible) throw Error(tool, "--runtime lut runs .plx files on the CPU (--device cpu)");
  // A ternary model (quantizer = ternary) runs dense by default; asked for lut, the lut
  // runtime refuses it by name.
  if (possible && requested == "" && ternary_plx(model_path)) return false;
  return possible;
}

// --threads of pollux-generate and pollux-eval (0 = all cores), checked as the config key is.
inline int threads_option(const std::string& tool, int threads) {
  if (threads < 0 || threads > kMaxThreads)
    throw Error(tool, "--threads " + std::to_string(threads) + ": expected 0 (all cores) to " + std::to_string(kMaxThreads));
  return threads;
}

// A model loaded in the runtime a tool chose.
struct RunnableModel {
  std::unique_ptr<infer::LutModel> lut;  // the lut runtime's model; null for dense
  LoadedModel dense;                     // the dense runtime's
  std::string tokenizer, kind;           // kind: "plx v5", "checkpoint", ...
  std::uint32_t active_vocab = 0;        // ids below this are the tokenizer's
  std::string runtime() const { return lut ? "lut" : "dense"; }
};

// Loads `model_path` in the lut runtime (`lut`, see use_lut_runtime) or the dense one on
// `device`, with `threads` CPU threads (0 = all cores) in either.
inline RunnableModel load_runnable(bool lut, const std::string& model_path, const std::string& device, int threads) {
  if (threads > 0) at::set_num_threads(threads);
  RunnableModel m;
  if (lut) {
    m.lut = std::make_unique<infer::LutModel>(infer::LutModel::load(model_path));
    m.lut->set_threads(threads);
    m.tokenizer = m.lut->shape().tokenizer;
    m.active_vocab = std::uint32_t(m.lut->shape().tokenizer_vocab_size);
    m.kind = "plx v" + std::to_string(m.lut->shape().plx_version);
  } else {
    m.dense = load_model(model_path, device == "cuda" ? at::Device(at::kCUDA) : at::Device(at::kCPU));
    m.tokenizer = m.dense.tokenizer;
    m.active_vocab = std::uint32_t(m.dense.config.tokenizer_vocab_size);
    m.kind = m.dense.kind;
  }
  return m;
}

}  // namespace pollux::cli
