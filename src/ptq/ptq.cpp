#include "pollux/ptq/ptq.h"

#include <ATen/core/grad_mode.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <functional>
#include <map>
#include <memory>

#include "pollux/base/error.h"
#include "pollux/base/json.h"
#include "pollux/data/token_file.h"
#include "pollux/io/load_weights.h"
#include "pollux/lattice/codebook.h"
#include "pollux/lattice/constants.h"
#include "pollux/lattice/index_packing.h"
#include "pollux/ptq/quantize.h"

namespace pollux::ptq {
namespace {

// Tokens per forward pass over the calibration windows (bounds the logits of the head stage).
constexpr std::int64_t kCalibBatchTokens = 2048;
constexpr double kSmoothAlpha = 0.5;  // SmoothQuant's migration strength (the paper's default)
constexpr int kAwqGrid = 20;          // AWQ's grid of alpha: 0, 1/20, ..., 1

// How a matrix is stored after `how` (the byte rule's description of it); `width`: the bits
// per code of a grouped one (0: the options').
lattice::DeployedTensor deployed_matrix(const Options& o, const std::string& name, const at::Tensor& w, const std::string& how,
                                        int width = 0) {
  lattice::DeployedTensor t;
  t.name = name;
  for (std::int64_t d : w.sizes()) t.shape.push_back(std::uint64_t(d));
  if (how == "leech" || how == "leech-ldlq") {
    t.kind = lattice::DeployedKind::lattice;  // .plx: the 18-bit indices packed, a float16 sigma per row
  } else if (how == "int8" || how == "smoothquant") {
    t.kind = lattice::DeployedKind::int8_rows;
  } else {  // codes + a float16 scale (rtn, gptq, awq) or norm (polarquant) per group
    t.kind = lattice::DeployedKind::grouped;
    t.bits = width ? width : o.bits;
    t.group = std::uint64_t(o.group_size);
    t.zero_point = how != "polarquant" && o.grid == Grid::asymmetric;
    t.column_order = how == "gptq" && o.act_order;
    t.column_scales = how == "awq";
  }
  return t;
}

struct Recorder {
  const Options& options;
  Report& report;
  void operator()(Parameter& p, const at::Tensor& q, const char* how, double out_err = -1, double base_err = -1, int width = 0) {
    const at::Tensor w = p.value.detach();
    MatrixReport m;
    m.name = p.name;
    m.method = how;
    m.rows = w.size(0);
    m.cols = w.numel() / m.rows;
    m.width = width;
    const lattice::DeployedTensor t = deployed_matrix(options, p.name, w, how, width);
    m.bits = lattice::deployed_bits(t);
    const double norm = w.norm().item<double>();
    m.relative_error = norm > 0 ? (w - q).norm().item<double>() / norm : 0.0;
    m.output_error = out_err;
    m.baseline_error = base_err;
    p.value.detach().copy_(q.reshape(w.sizes()));
    report.quantized_params += std::uint64_t(w.numel());
    report.quantized_bits += m.bits;
    report.matrices.push_back(m);
  }
};

// scope backbone: the matrices outside the blocks at 8 bits.
bool kept_at_8_bits(const Options& o, const std::string& name) { return o.scope == Scope::backbone && outside_backbone(name); }

Parameter& parameter(PolluxModel& model, const std::string& name) {
  for (Parameter& p : model.parameters())
    if (p.name == name) return p;
  throw Error("ptq", "the model has no parameter " + name);
}

// The calibration windows: calib_tokens / seq_len windows of seq_len tokens, evenly spaced
// over the file, as int64 (windows x seq_len) on the device.
at::Tensor calibration_windows(const Options& o, const ModelConfig& model, std::int64_t& used) {
  std::unique_ptr<TokenFile> file;
  try {
    file = std::make_unique<TokenFile>(o.calib, std::uint32_t(model.tokenizer_vocab_size), o.tokenizer);
  } catch (const Error& e) {
    const std::string what = e.what();
    throw Error("ptq", "--calib: " + what +
                           (what.find("tokenizer_vocab_size") != std::string::npos ? " (made with another tokenizer?)" : ""));
  }
  const std::int64_t T = model.seq_len, size = std::int64_t(file->size());
  const std::int64_t windows = std::max<std::int64_t>(1, o.calib_tokens / T);
  if (size < windows * T)
    throw Error("ptq", "--calib " + o.calib + " holds " + std::to_string(size) + " tokens, fewer than " +
                           std::to_string(windows) + " windows of seq_len " + std::to_string(T) + " (--calib_tokens " +
                           std::to_string(o.calib_tokens) + ")");
  at::Tensor idx = at::empty({windows, T}, at::kLong);
  std::int64_t* out = idx.data_ptr<std::int64_t>();
  for (std::int64_t w = 0; w < windows; ++w) {
    const std::int64_t start = windows > 1 ? (size - T) * w / (windows - 1) : 0;
    for (std::int64_t t = 0; t < T; ++t) out[w * T + t] = (*file)[std::size_t(start + t)];
  }
  used = windows * T;
  return idx.to(o.device);
}

// Adds a linear's input (..., in_features) to its running sums: X^T X, sum |x|, max |x|, n.
void accumulate(LayerInputs& acc, const at::Tensor& input) {
  const at::Tensor rows = input.reshape({-1, input.size(-1)}).to(at::kFloat);
  if (!acc.hessian.defined()) {
    acc.hessian = at::zeros({rows.size(1), rows.size(1)}, rows.options());
    acc.mean_abs = at::zeros({rows.size(1)}, rows.options());
    acc.absmax = at::zeros({rows.size(1)}, rows.options());
  }
  acc.hessian.addmm_(rows.t(), rows);
  const at::Tensor a = rows.abs();
  acc.mean_abs.add_(a.sum(0));
  acc.absmax = at::maximum(acc.absmax, a.amax(0));
  acc.count += rows.size(0);
}

// The sums made statistics: H = 2 X^T X / n (section 3), the mean |x|.
void finish(LayerInputs& acc) {
  acc.hessian.mul_(2.0 / double(acc.count));
  acc.mean_abs.div_(double(acc.count));
}

// A method's error on one matrix as one line naming the method, the matrix and its inputs.
[[noreturn]] void rethrow_for(const Options& o, const std::string& name, std::int64_t inputs, std::int64_t width,
                              const Error& e) {
  throw Error("ptq", std::string(method_name(o.method)) + " " + name + " (" + std::to_string(inputs) +
                         " calibration inputs of width " + std::to_string(width) + "): " + e.message());
}

// One stage of the layer-by-layer methods: matrices whose inputs are all known once the
// stages before them are quantized. `shared`: they read one input (q, k, v), gathered once.
struct Stage {
  std::vector<std::string> names;
  bool shared = false;
};

// A layer-by-layer method: how it quantizes an embedding (one-hot inputs) and a linear layer
// from its inputs.
struct Layerwise {
  std::function<void(Parameter&)> embedding;
  std::function<void(Parameter&, const LayerInputs&)> linear;
};

void layerwise_model(PolluxModel& model, const Options& o, Recorder& record, Report& report, const Layerwise& method) {
  const ModelConfig& c = model.config();
  const at::Tensor idx = calibration_windows(o, c, report.calib_tokens);
  const std::int64_t windows = idx.size(0), per_batch = std::max<std::int64_t>(1, kCalibBatchTokens / c.seq_len);
  // Embeddings: one-hot inputs, a diagonal Hessian (scope backbone: 8 bits).
  for (const char* name : {"tok_emb.weight", "pos_emb.weight"}) {
    Parameter& p = parameter(model, name);
    if (kept_at_8_bits(o, name))
      record(p, int8_rows_quantize(p.value.detach()), "int8");
    else
      method.embedding(p);
  }
  std::vector<at::Tensor> x;  // the next block's input per batch of windows, from the quantized layers before it
  for (std::int64_t b = 0; b < windows; b += per_batch)
    x.push_back(model.embed(idx.slice(0, b, std::min(windows, b + per_batch))));

  auto run_stage = [&](const Stage& stage, const std::function<void()>& forward) {
    std::map<std::string, LayerInputs> inputs;
    model.set_linear_input_observer([&](const std::string& name, const at::Tensor& input) {
      if (std::find(stage.names.begin(), stage.names.end(), name) == stage.names.end()) return;
      if (stage.shared && name != stage.names.front()) return;
      accumulate(inputs[name], input);
    });
    forward();
    model.set_linear_input_observer(nullptr);
    for (auto& [name, in] : inputs) finish(in);
    for (const std::string& name : stage.names) {
      const LayerInputs& in = inputs.at(stage.shared ? stage.names.front() : name);
      Parameter& p = parameter(model, name);
      try {
        method.linear(p, in);
      } catch (const Error& e) { rethrow_for(o, name, in.count, p.value.size(1), e); }
    }
  };
  for (int l = 0; l < c.n_layers; ++l) {
    const std::string b = "blocks." + std::to_string(l) + ".";
    const std::vector<Stage> stages = {{{b + "attn.q_proj.weight", b + "attn.k_proj.weight", b + "attn.v_proj.weight"}, true},
                                       {{b + "attn.o_proj.weight"}, false},
                                       {{b + "mlp.fc1.weight"}, false},
                                       {{b + "mlp.fc2.weight"}, false}};
    for (const Stage& stage : stages)
      run_stage(stage, [&] {
        for (const at::Tensor& xb : x) model.block(std::size_t(l), xb);
      });
    for (at::Tensor& xb : x) xb = model.block(std::size_t(l), xb);
  }
  // The head, on the final hidden states of the whole quantized model (scope backbone: 8 bits).
  if (kept_at_8_bits(o, "head.weight")) {
    Parameter& p = parameter(model, "head.weight");
    record(p, int8_rows_quantize(p.value.detach()), "int8");
    return;
  }
  run_stage({{"head.weight"}, false}, [&] {
    for (std::int64_t b = 0; b < windows; b += per_batch) model.forward(idx.slice(0, b, std::min(windows, b + per_batch)));
  });
}

constexpr int kApqWidths[] = {2, 3, 4, 8};

// apq: every width's gptq (the embeddings' rtn) and its sensitivity on the unquantized model's
// inputs, the widths by dynamic programming within the budget, then each matrix at its width.
void apq_model(PolluxModel& model, const Options& o, Recorder& record, Report& report) {
  const ModelConfig& c = model.config();
  const at::Tensor idx = calibration_windows(o, c, report.calib_tokens);
  const std::map<std::string, LayerInputs> inputs = linear_inputs(model, idx);
  // The embeddings' one-hot inputs: H = 2 diag(count) / n, over the rows.
  const double n = double(idx.numel());
  std::map<std::string, at::Tensor> row_hessian;
  row_hessian["tok_emb.weight"] = at::bincount(idx.flatten(), {}, c.vocab_size).to(at::kFloat) * (2.0 / n);
  row_hessian["pos_emb.weight"] = at::full({c.seq_len}, 2.0 / double(c.seq_len), idx.options().dtype(at::kFloat));
  auto quantize = [&](const Parameter& p, int width) {
    const at::Tensor w = p.value.detach();
    if (row_hessian.count(p.name)) return rtn_quantize(w, width, o.group_size, o.grid);
    const LayerInputs& in = inputs.at(p.name);
    try {
      return gptq_quantize(w, in.hessian, width, o.group_size, o.damp, 128, o.grid);
    } catch (const Error& e) { rethrow_for(o, p.name, in.count, w.size(1), e); }
  };
  auto sensitivity = [&](const Parameter& p, const at::Tensor& q) {
    const at::Tensor d = (p.value.detach() - q).to(at::kDouble);
    auto it = row_hessian.find(p.name);
    if (it != row_hessian.end()) return (d.pow(2).sum(1) * it->second.to(at::kDouble)).sum().item<double>();
    return (at::matmul(d, inputs.at(p.name).hessian.to(at::kDouble)) * d).sum().item<double>();
  };
  std::vector<Parameter*> matrices;
  std::vector<std::vector<std::uint64_t>> cost;
  std::vector<std::vector<double>> error;
  std::uint64_t params = 0, cheapest = 0;
  for (Parameter& p : model.parameters()) {
    if (!p.quantized_matrix()) continue;
    matrices.push_back(&p);
    cost.emplace_back();
    error.emplace_back();
    for (int width : kApqWidths) {
      cost.back().push_back(lattice::deployed_bits(deployed_matrix(o, p.name, p.value, "gptq", width)));
      error.back().push_back(sensitivity(p, quantize(p, width)));
    }
    params += std::uint64_t(p.value.numel());
    cheapest += cost.back().front();
  }
  const auto budget = std::uint64_t(std::floor(o.budget_bits * double(params)));
  if (cheapest > budget) {
    char buf[200];
    std::snprintf(buf, sizeof buf, "--budget_bits %g: below every matrix at 2 bits (%.4f bits per parameter)", o.budget_bits,
                  double(cheapest) / double(params));
    throw Error("ptq", buf);
  }
  const std::vector<int> choice = choose_widths(cost, error, budget);
  for (std::size_t i = 0; i < matrices.size(); ++i) {
    Parameter& p = *matrices[i];
    const int width = kApqWidths[choice[i]];
    const at::Tensor w = p.value.detach(), q = quantize(p, width);
    const bool embedding = row_hessian.count(p.name) > 0;
    if (embedding) {
      record(p, q, "rtn", -1, -1, width);
    } else {
      const at::Tensor& h = inputs.at(p.name).hessian;
      record(p, q, "gptq", output_error(w, q, h), output_error(w, rtn_quantize(w, width, o.group_size, o.grid), h), width);
    }
  }
}

// smoothquant: the migration, then every matrix as int8 rows (per output channel, SmoothQuant's
// W8); the activations are quantized at run time (ptq_activation_bits = 8 in the checkpoint).
void smoothquant_model(PolluxModel& model, const Options& o, Recorder& record, Report& report) {
  const at::Tensor idx = calibration_windows(o, model.config(), report.calib_tokens);
  smooth_model(model, linear_inputs(model, idx), kSmoothAlpha);
  for (Parameter& p : model.parameters())
    if (p.quantized_matrix()) record(p, int8_rows_quantize(p.value.detach()), "smoothquant");
}

}  // namespace

Method parse_method(const std::string& name) {
  for (Method m : {Method::rtn, Method::gptq, Method::polarquant, Method::leech, Method::leech_ldlq, Method::apq, Method::awq,
                   Method::smoothquant})
    if (name == method_name(m)) return m;
  throw Error("ptq", "--method '" + name + "': expected rtn, gptq, polarquant, leech, leech-ldlq, apq, awq or smoothquant");
}

const char* method_name(Method method) {
  switch (method) {
    case Method::rtn: return "rtn";
    case Method::gptq: return "gptq";
    case Method::polarquant: return "polarquant";
    case Method::leech: return "leech";
    case Method::leech_ldlq: return "leech-ldlq";
    case Method::apq: return "apq";
    case Method::awq: return "awq";
    case Method::smoothquant: return "smoothquant";
  }
  return "?";
}

bool calibrated(Method m) {
  return m == Method::gptq || m == Method::leech_ldlq || m == Method::apq || m == Method::awq || m == Method::smoothquant;
}

Scope parse_scope(const std::string& name) {
  if (name == "all") return Scope::all;
  if (name == "backbone") return Scope::backbone;
  throw Error("ptq", "--scope '" + name + "': expected all or backbone");
}

const char* scope_name(Scope scope) { return scope == Scope::all ? "all" : "backbone"; }

bool outside_backbone(const std::string& name) {
  return name.rfind("tok_emb.", 0) == 0 || name.rfind("pos_emb.", 0) == 0 || name.rfind("head.", 0) == 0;
}

double Report::backbone_bits_per_parameter() const {
  std::uint64_t bits = 0, params = 0;
  for (const MatrixReport& m : matrices)
    if (!outside_backbone(m.name)) {
      bits += m.bits;
      params += std::uint64_t(m.rows * m.cols);
    }
  return params ? double(bits) / double(params) : 0;
}

std::uint64_t Report::model_bytes() const {
  std::uint64_t bytes = other_bytes;
  for (const MatrixReport& m : matrices) bytes += (m.bits + 7) / 8;
  return bytes;
}

void check_options(const Options& o, const ModelConfig& model) {
  const std::string method = method_name(o.method);
  auto bits_in = [&](int lo, int hi) {
    if (o.bits < lo || o.bits > hi)
      throw Error("ptq", "--bits " + std::to_string(o.bits) + ": expected " + std::to_string(lo) + " to " + std::to_string(hi) +
                             " for " + method);
  };
  const bool lattice = o.method == Method::leech || o.method == Method::leech_ldlq;
  if (lattice) {
    if (o.bits != 0)
      throw Error("ptq",
                  "--bits: " + method + " has its own rate (18 bits per 24 weights + a float16 row scale); leave --bits out");
  } else if (o.method == Method::smoothquant) {
    if (o.bits != 0) throw Error("ptq", "--bits: smoothquant is W8A8 (int8 rows, 8-bit activations); leave --bits out");
  } else if (o.method == Method::apq) {
    if (o.bits != 0) throw Error("ptq", "--bits: apq chooses each matrix's width from 2, 3, 4, 8; give --budget_bits X instead");
  } else {
    bits_in(o.method == Method::polarquant ? 1 : 2, o.method == Method::polarquant ? 4 : 8);
  }
  if (!lattice && o.method != Method::smoothquant) {
    const std::int64_t g = o.group_size;
    // Every quantized row is n_embd wide (fc2's is 4 n_embd): a group must divide n_embd.
    if (g <= 0 || model.n_embd % g != 0)
      throw Error("ptq", "--group_size " + std::to_string(g) + " does not divide the rows' length " +
                             std::to_string(model.n_embd) + " (n_embd)");
    if (o.method == Method::polarquant && (g & (g - 1)) != 0)
      throw Error("ptq", "--group_size " + std::to_string(g) + ": polarquant's Walsh-Hadamard blocks need a power of 2");
  }
  if (o.method == Method::apq) {
    if (!(o.budget_bits > 0) || !std::isfinite(o.budget_bits))
      throw Error("ptq", "apq needs --budget_bits X: the stored bits per quantized parameter, a positive number");
  } else if (o.budget_bits != 0) {
    throw Error("ptq", "--budget_bits: only apq takes it");
  }
  if ((o.method == Method::apq || o.method == Method::smoothquant) && o.scope != Scope::all)
    throw Error("ptq", "--scope " + std::string(scope_name(o.scope)) + ": " + method + " quantizes every matrix (scope all)");
  if (o.act_order && o.method != Method::gptq) throw Error("ptq", "--act_order: only gptq takes it");
  if (o.incoherence && o.method != Method::leech_ldlq) throw Error("ptq", "--incoherence: only leech-ldlq takes it");
  if (calibrated(o.method)) {
    if (o.calib.empty())
      throw Error("ptq", method + " needs calibration text: --calib DATA.u16 (a token file of the model's tokenizer)");
    if (o.calib_tokens <= 0)
      throw Error("ptq", "--calib_tokens " + std::to_string(o.calib_tokens) + ": expected a positive count");
  } else if (!o.calib.empty()) {
    throw Error("ptq", "--calib: only gptq, leech-ldlq, apq, awq and smoothquant read calibration data");
  }
}

std::map<std::string, LayerInputs> linear_inputs(PolluxModel& model, const at::Tensor& windows) {
  at::NoGradGuard no_grad;
  std::map<std::string, LayerInputs> inputs;
  model.set_linear_input_observer([&](const std::string& name, const at::Tensor& input) { accumulate(inputs[name], input); });
  const std::int64_t n = windows.size(0), per_batch = std::max<std::int64_t>(1, kCalibBatchTokens / model.config().seq_len);
  for (std::int64_t b = 0; b < n; b += per_batch) model.forward(windows.slice(0, b, std::min(n, b + per_batch)));
  model.set_linear_input_observer(nullptr);
  for (auto& [name, in] : inputs) finish(in);
  return inputs;
}

void smooth_model(PolluxModel& model, const std::map<std::string, LayerInputs>& inputs, double alpha) {
  at::NoGradGuard no_grad;
  auto value = [&](const std::string& name) { return parameter(model, name).value.detach(); };
  auto absmax = [&](const std::string& name) {
    auto it = inputs.find(name);
    if (it == inputs.end()) throw Error("ptq", "smoothquant: no calibration inputs of " + name);
    return it->second.absmax;
  };
  // Divides the input channels of `reader`'s inputs by s through `before` (a gain, or the
  // rows of the matrix that makes them) and multiplies the columns of every reader by s.
  auto migrate = [&](const std::vector<std::string>& readers, const at::Tensor& before) {
    at::Tensor wmax;
    for (const std::string& r : readers) {
      const at::Tensor m = value(r).abs().amax(0);
      wmax = wmax.defined() ? at::maximum(wmax, m) : m;
    }
    const at::Tensor s = smooth_scales(absmax(readers.front()), wmax, alpha).to(before.device());
    before.div_(before.dim() == 2 ? s.unsqueeze(1) : s);
    for (const std::string& r : readers) value(r).mul_(s);
  };
  for (int l = 0; l < model.config().n_layers; ++l) {
    const std::string b = "blocks." + std::to_string(l) + ".";
    migrate({b + "attn.q_proj.weight", b + "attn.k_proj.weight", b + "attn.v_proj.weight"}, value(b + "ln1.weight"));
    // Attention mixes tokens, not channels: o's input channel j is v's output channel j.
    migrate({b + "attn.o_proj.weight"}, value(b + "attn.v_proj.weight"));
    migrate({b + "mlp.fc1.weight"}, value(b + "ln2.weight"));
  }
  migrate({"head.weight"}, value("ln_f.weight"));
}

Report quantize_model(PolluxModel& model, const Options& o, const std::string& codebook) {
  check_options(o, model.config());
  at::NoGradGuard no_grad;
  model.to(o.device);
  Report report;
  report.options = o;
  Recorder record{o, report};
  std::unique_ptr<lattice::Quantizer> quantizer;
  if (o.method == Method::leech || o.method == Method::leech_ldlq)
    quantizer = std::make_unique<lattice::Quantizer>(lattice::Codebook::get(lattice::parse_codebook_variant(codebook)),
                                                     lattice::Scoring::exact);
  auto rtn_embedding = [&](Parameter& p) { record(p, rtn_quantize(p.value.detach(), o.bits, o.group_size, o.grid), "rtn"); };
  if (o.method == Method::gptq) {
    layerwise_model(model, o, record, report,
                    {rtn_embedding, [&](Parameter& p, const LayerInputs& in) {
                       const at::Tensor w = p.value.detach();
                       const at::Tensor q = gptq_quantize(w, in.hessian, o.bits, o.group_size, o.damp, 128, o.grid, o.act_order);
                       const at::Tensor r = rtn_quantize(w, o.bits, o.group_size, o.grid);
                       record(p, q, "gptq", output_error(w, q, in.hessian), output_error(w, r, in.hessian));
                     }});
  } else if (o.method == Method::leech_ldlq) {
    auto leech = [&](const at::Tensor& w) { return leech_quantize(w, *quantizer); };
    layerwise_model(model, o, record, report,
                    {[&](Parameter& p) { record(p, leech(p.value.detach()), "leech"); },
                     [&](Parameter& p, const LayerInputs& in) {
                       const at::Tensor w = p.value.detach();
                       const at::Tensor q = o.incoherence ? ldlq_leech_incoherent(w, in.hessian, *quantizer, o.seed, o.damp)
                                                          : ldlq_leech_quantize(w, in.hessian, *quantizer, o.damp);
                       record(p, q, "leech-ldlq", output_error(w, q, in.hessian), output_error(w, leech(w), in.hessian));
                     }});
  } else if (o.method == Method::awq) {
    layerwise_model(model, o, record, report,
                    {rtn_embedding, [&](Parameter& p, const LayerInputs& in) {
                       const at::Tensor w = p.value.detach();
                       double alpha = 0;
                       const at::Tensor q =
                           awq_quantize(w, in.hessian, in.mean_abs, o.bits, o.group_size, o.grid, kAwqGrid, &alpha);
                       const at::Tensor r = rtn_quantize(w, o.bits, o.group_size, o.grid);
                       record(p, q, "awq", output_error(w, q, in.hessian), output_error(w, r, in.hessian));
                       report.matrices.back().alpha = alpha;
                     }});
  } else if (o.method == Method::apq) {
    apq_model(model, o, record, report);
  } else if (o.method == Method::smoothquant) {
    smoothquant_model(model, o, record, report);
  } else {
    for (Parameter& p : model.parameters()) {
      if (!p.quantized_matrix()) continue;
      const at::Tensor w = p.value.detach();
      if (kept_at_8_bits(o, p.name)) {
        record(p, int8_rows_quantize(w), "int8");
      } else if (o.method == Method::rtn) {
        record(p, rtn_quantize(w, o.bits, o.group_size, o.grid), "rtn");
      } else if (o.method == Method::polarquant) {
        record(p, polarquant_quantize(w, o.bits, o.group_size, o.seed), "polarquant");
      } else if (o.method == Method::leech) {
        int rounds = 0;
        record(p, leech_quantize(w, *quantizer, /*fit_scale=*/true, &rounds), "leech");
        report.leech_rounds = std::max(report.leech_rounds, rounds);
      }
    }
  }
  // The byte rule's description: each matrix as recorded, every other tensor float32.
  std::map<std::string, const MatrixReport*> recorded;
  for (const MatrixReport& m : report.matrices) recorded[m.name] = &m;
  for (const Parameter& p : model.parameters()) {
    auto it = recorded.find(p.name);
    if (it != recorded.end()) {
      report.deployed.push_back(deployed_matrix(o, p.name, p.value, it->second->method, it->second->width));
      continue;
    }
    lattice::DeployedTensor t;
    t.name = p.name;
    for (std::int64_t d : p.value.sizes()) t.shape.push_back(std::uint64_t(d));
    report.deployed.push_back(t);  // f32
    report.other_params += std::uint64_t(p.value.numel());
    report.other_bytes += 4 * std::uint64_t(p.value.numel());
  }
  return report;
}

Checkpoint quantize_checkpoint(const Checkpoint& ck, const std::string& path, const Options& options, Report& report) {
  if (ck.config.quantizer != QuantizerKind::none)
    throw Error("ptq", path + " is a " + to_string(ck.config.quantizer) + " checkpoint (quantizer = " +
                           to_string(ck.config.quantizer) + "): pollux-ptq quantizes continuous ones (quantizer = none)");
  check_options(options, ck.config.model);
  PolluxModel model(ck.config.model, 0, at::kCPU);
  load_weights(ck, model, path);
  Options o = options;
  if (o.tokenizer.empty()) o.tokenizer = ck.config.tokenizer;
  report = quantize_model(model, o, ck.codebook);
  Checkpoint out;
  out.config = ck.config;
  if (o.method == Method::smoothquant) out.config.ptq_activation_bits = 8;  // W8A8: the model runs on 8-bit inputs
  out.step = ck.step;
  out.tokens_seen = ck.tokens_seen;
  out.sampler_seed = ck.sampler_seed;
  out.sampler_counter = ck.sampler_counter;
  out.world_size = ck.world_size;
  out.codebook = ck.codebook;
  out.codebook_sha256 = ck.codebook_sha256;
  out.optimizer.step = ck.optimizer.step;
  out.optimizer.heat = ck.optimizer.heat;
  for (const Parameter& p : model.parameters()) out.weights[p.name] = p.value.detach().to(at::kCPU).contiguous();
  return out;
}

std::string report_json(const Report& r, const std::string& checkpoint, const std::string& output) {
  const Options& o = r.options;
  const Method m = o.method;
  const bool lattice = m == Method::leech || m == Method::leech_ldlq;
  JsonWriter j;
  j.begin_object().field("method", method_name(m)).field("checkpoint", checkpoint).field("output", output);
  if (lattice || m == Method::apq || m == Method::smoothquant)
    j.key("bits").raw(m == Method::smoothquant ? "8" : "null");
  else
    j.field("bits", o.bits);
  if (lattice || m == Method::smoothquant)
    j.key("group_size").raw("null");
  else
    j.field("group_size", o.group_size);
  if (m == Method::rtn || m == Method::gptq || m == Method::apq || m == Method::awq) {
    j.field("grid", grid_name(o.grid));
    // What each group stores besides its codes.
    j.field("group_storage", std::string(o.grid == Grid::asymmetric ? "float16 scale + B-bit zero point" : "float16 scale") +
                                 (m == Method::awq ? " (and a float16 scale per input channel)" : ""));
  }
  if (m == Method::polarquant) j.field("seed", o.seed).field("group_storage", "float16 norm");
  if (m == Method::leech) j.field("leech_scale", "least squares per row").field("leech_rounds", r.leech_rounds);
  if (m == Method::leech_ldlq) {
    j.field("leech_scale", "least squares per row, then in the Hessian's metric").field("incoherence", o.incoherence);
    if (o.incoherence) j.field("seed", o.seed);
  }
  if (m == Method::apq) {
    j.field("budget_bits", o.budget_bits).key("widths").begin_object();
    for (const MatrixReport& x : r.matrices) j.field(x.name, x.width);
    j.end_object();
  }
  if (m == Method::awq) j.field("alpha_grid", kAwqGrid);
  if (m == Method::smoothquant)
    j.field("alpha", kSmoothAlpha).field("weights", "int8 rows").field("activation_bits", 8).field("activations", "per token");
  j.field("scope", scope_name(o.scope))
      .field("bits_per_parameter", r.bits_per_parameter())
      .field("backbone_bits_per_parameter", r.backbone_bits_per_parameter())
      .field("quantized_params", r.quantized_params)
      .field("quantized_bytes", r.model_bytes() - r.other_bytes)
      .field("other_params", r.other_params)
      .field("other_bytes", r.other_bytes)
      .field("model_bytes", r.model_bytes())
      .field("deployed_bytes", r.deployed_bytes);
  if (calibrated(m)) j.field("calib", o.calib).field("calib_tokens", r.calib_tokens);
  if (m == Method::gptq || m == Method::leech_ldlq || m == Method::apq) j.field("damp", o.damp);
  if (m == Method::gptq) j.field("act_order", o.act_order);
  // The baseline each layer-by-layer method is compared with on the same inputs.
  const std::string baseline = m == Method::leech_ldlq ? "leech_output_error" : "rtn_output_error";
  j.key("matrices").begin_array();
  for (const MatrixReport& x : r.matrices) {
    j.begin_object()
        .field("name", x.name)
        .field("method", x.method)
        .key("shape")
        .begin_array()
        .value(x.rows)
        .value(x.cols)
        .end_array()
        .field("bits_per_parameter", double(x.bits) / double(x.rows * x.cols))
        .field("relative_error", x.relative_error);
    if (x.width) j.field("width", x.width);
    if (x.alpha >= 0) j.field("alpha", x.alpha);
    if (x.output_error >= 0) j.field("output_error", x.output_error).field(baseline, x.baseline_error);
    j.end_object();
  }
  j.end_array().end_object();
  return j.str();
}

}  // namespace pollux::ptq
