#include "pollux/ptq/ptq.h"

#include <ATen/core/grad_mode.h>

#include <algorithm>
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

// How a matrix is stored after `how` (the byte rule's description of it).
lattice::DeployedTensor deployed_matrix(const Options& o, const std::string& name, const at::Tensor& w, const std::string& how) {
  lattice::DeployedTensor t;
  t.name = name;
  for (std::int64_t d : w.sizes()) t.shape.push_back(std::uint64_t(d));
  if (how == "leech") {
    t.kind = lattice::DeployedKind::lattice;  // .plx: the 18-bit indices packed, a float16 sigma per row
  } else if (how == "int8") {
    t.kind = lattice::DeployedKind::int8_rows;
  } else {  // codes + a float16 scale (rtn, gptq) or norm (polarquant) per group
    t.kind = lattice::DeployedKind::grouped;
    t.bits = o.bits;
    t.group = std::uint64_t(o.group_size);
    t.zero_point = how != "polarquant" && o.grid == Grid::asymmetric;
    t.column_order = how == "gptq" && o.act_order;
  }
  return t;
}

struct Recorder {
  const Options& options;
  Report& report;
  void operator()(Parameter& p, const at::Tensor& q, const char* how, double out_err = -1, double rtn_out_err = -1) {
    const at::Tensor w = p.value.detach();
    MatrixReport m;
    m.name = p.name;
    m.method = how;
    m.rows = w.size(0);
    m.cols = w.numel() / m.rows;
    const lattice::DeployedTensor t = deployed_matrix(options, p.name, w, how);
    m.bits = lattice::deployed_bits(t);
    const double norm = w.norm().item<double>();
    m.relative_error = norm > 0 ? (w - q).norm().item<double>() / norm : 0.0;
    m.output_error = out_err;
    m.rtn_output_error = rtn_out_err;
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

// One GPTQ stage: matrices whose inputs are all known once the stages before them are
// quantized. `shared`: they read one input (q, k, v), whose Hessian is accumulated once.
struct Stage {
  std::vector<std::string> names;
  bool shared = false;
};

void gptq_model(PolluxModel& model, const Options& o, Recorder& record, Report& report) {
  const ModelConfig& c = model.config();
  const at::Tensor idx = calibration_windows(o, c, report.calib_tokens);
  const std::int64_t windows = idx.size(0), per_batch = std::max<std::int64_t>(1, kCalibBatchTokens / c.seq_len);
  // Embeddings: one-hot inputs, a diagonal Hessian, GPTQ = rtn (scope backbone: 8 bits).
  for (const char* name : {"tok_emb.weight", "pos_emb.weight"}) {
    Parameter& p = parameter(model, name);
    if (kept_at_8_bits(o, name))
      record(p, int8_rows_quantize(p.value.detach()), "int8");
    else
      record(p, rtn_quantize(p.value.detach(), o.bits, o.group_size, o.grid), "rtn");
  }
  std::vector<at::Tensor> x;  // the next block's input per batch of windows, from the quantized layers before it
  for (std::int64_t b = 0; b < windows; b += per_batch)
    x.push_back(model.embed(idx.slice(0, b, std::min(windows, b + per_batch))));

  auto run_stage = [&](const Stage& stage, const std::function<void()>& forward) {
    std::map<std::string, at::Tensor> h;
    std::map<std::string, std::int64_t> n;
    model.set_linear_input_observer([&](const std::string& name, const at::Tensor& input) {
      if (std::find(stage.names.begin(), stage.names.end(), name) == stage.names.end()) return;
      if (stage.shared && name != stage.names.front()) return;
      const at::Tensor rows = input.reshape({-1, input.size(-1)}).to(at::kFloat);
      at::Tensor& acc = h[name];
      if (!acc.defined()) acc = at::zeros({rows.size(1), rows.size(1)}, rows.options());
      acc.addmm_(rows.t(), rows);
      n[name] += rows.size(0);
    });
    forward();
    model.set_linear_input_observer(nullptr);
    for (const std::string& name : stage.names) {
      const std::string& key = stage.shared ? stage.names.front() : name;
      const at::Tensor hessian = h.at(key) * (2.0 / double(n.at(key)));  // H = 2 X^T X / n (section 3)
      Parameter& p = parameter(model, name);
      const at::Tensor w = p.value.detach();
      at::Tensor q;
      try {
        q = gptq_quantize(w, hessian, o.bits, o.group_size, o.damp, 128, o.grid, o.act_order);
      } catch (const Error& e) {
        std::string what = e.what();
        if (what.rfind("[gptq] ", 0) == 0) what = what.substr(7);
        throw Error("ptq", "gptq " + name + " (" + std::to_string(n.at(key)) + " calibration inputs of width " +
                               std::to_string(w.size(1)) + "): " + what);
      }
      const at::Tensor r = rtn_quantize(w, o.bits, o.group_size, o.grid);
      record(p, q, "gptq", output_error(w, q, hessian), output_error(w, r, hessian));
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

}  // namespace

Method parse_method(const std::string& name) {
  if (name == "rtn") return Method::rtn;
  if (name == "gptq") return Method::gptq;
  if (name == "polarquant") return Method::polarquant;
  if (name == "leech") return Method::leech;
  throw Error("ptq", "--method '" + name + "': expected rtn, gptq, polarquant or leech");
}

const char* method_name(Method method) {
  switch (method) {
    case Method::rtn: return "rtn";
    case Method::gptq: return "gptq";
    case Method::polarquant: return "polarquant";
    case Method::leech: return "leech";
  }
  return "?";
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
  if (o.method == Method::leech) {
    if (o.bits != 0)
      throw Error("ptq", "--bits: leech has its own rate (18 bits per 24 weights + a float16 row scale); leave --bits out");
  } else {
    bits_in(o.method == Method::polarquant ? 1 : 2, o.method == Method::polarquant ? 4 : 8);
    const std::int64_t g = o.group_size;
    // Every quantized row is n_embd wide (fc2's is 4 n_embd): a group must divide n_embd.
    if (g <= 0 || model.n_embd % g != 0)
      throw Error("ptq", "--group_size " + std::to_string(g) + " does not divide the rows' length " +
                             std::to_string(model.n_embd) + " (n_embd)");
    if (o.method == Method::polarquant && (g & (g - 1)) != 0)
      throw Error("ptq", "--group_size " + std::to_string(g) + ": polarquant's Walsh-Hadamard blocks need a power of 2");
  }
  if (o.act_order && o.method != Method::gptq) throw Error("ptq", "--act_order: only gptq takes it");
  if (o.method == Method::gptq) {
    if (o.calib.empty())
      throw Error("ptq", "gptq needs calibration text: --calib DATA.u16 (a token file of the model's tokenizer)");
    if (o.calib_tokens <= 0)
      throw Error("ptq", "--calib_tokens " + std::to_string(o.calib_tokens) + ": expected a positive count");
  } else if (!o.calib.empty()) {
    throw Error("ptq", "--calib: only gptq reads calibration data");
  }
}

Report quantize_model(PolluxModel& model, const Options& o, const std::string& codebook) {
  check_options(o, model.config());
  at::NoGradGuard no_grad;
  model.to(o.device);
  Report report;
  report.options = o;
  Recorder record{o, report};
  if (o.method == Method::gptq) {
    gptq_model(model, o, record, report);
  } else {
    std::unique_ptr<lattice::Quantizer> quantizer;
    if (o.method == Method::leech)
      quantizer = std::make_unique<lattice::Quantizer>(lattice::Codebook::get(lattice::parse_codebook_variant(codebook)),
                                                       lattice::Scoring::exact);
    for (Parameter& p : model.parameters()) {
      if (!p.lattice()) continue;
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
      report.deployed.push_back(deployed_matrix(o, p.name, p.value, it->second->method));
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
  JsonWriter j;
  j.begin_object().field("method", method_name(o.method)).field("checkpoint", checkpoint).field("output", output);
  if (o.method == Method::leech) {
    j.key("bits").raw("null").key("group_size").raw("null");
  } else {
    j.field("bits", o.bits).field("group_size", o.group_size);
  }
  if (o.method == Method::rtn || o.method == Method::gptq) {
    j.field("grid", grid_name(o.grid));
    // What each group stores besides its codes.
    j.field("group_storage", o.grid == Grid::asymmetric ? "float16 scale + B-bit zero point" : "float16 scale");
  }
  if (o.method == Method::polarquant) j.field("seed", o.seed).field("group_storage", "float16 norm");
  if (o.method == Method::leech) j.field("leech_scale", "least squares per row").field("leech_rounds", r.leech_rounds);
  j.field("scope", scope_name(o.scope))
      .field("bits_per_parameter", r.bits_per_parameter())
      .field("backbone_bits_per_parameter", r.backbone_bits_per_parameter())
      .field("quantized_params", r.quantized_params)
      .field("quantized_bytes", r.model_bytes() - r.other_bytes)
      .field("other_params", r.other_params)
      .field("other_bytes", r.other_bytes)
      .field("model_bytes", r.model_bytes())
      .field("deployed_bytes", r.deployed_bytes);
  if (o.method == Method::gptq)
    j.field("calib", o.calib).field("calib_tokens", r.calib_tokens).field("damp", o.damp).field("act_order", o.act_order);
  j.key("matrices").begin_array();
  for (const MatrixReport& m : r.matrices) {
    j.begin_object()
        .field("name", m.name)
        .field("method", m.method)
        .key("shape")
        .begin_array()
        .value(m.rows)
        .value(m.cols)
        .end_array()
        .field("bits_per_parameter", double(m.bits) / double(m.rows * m.cols))
        .field("relative_error", m.relative_error);
    if (m.output_error >= 0) j.field("output_error", m.output_error).field("rtn_output_error", m.rtn_output_error);
    j.end_object();
  }
  j.end_array().end_object();
  return j.str();
}

}  // namespace pollux::ptq
