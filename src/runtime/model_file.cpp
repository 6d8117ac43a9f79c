#include "pollux/runtime/model_file.h"

#include <ATen/core/grad_mode.h>

#include <cmath>
#include <cstring>
#include <map>

#include "pollux/base/error.h"
#include "pollux/base/half.h"
#include "pollux/base/json.h"
#include "pollux/base/log.h"
#include "pollux/io/load_weights.h"
#include "pollux/lattice/index_packing.h"
#include "pollux/model/int8_rows.h"
#include "pollux/model/memory_plan.h"
#include "pollux/model/ternary.h"

namespace pollux {
namespace {

using lattice::PlxDtype;
using lattice::PlxTensor;

// A v4 file does not name its tokenizer: GPT-2 for a GPT-2-sized vocabulary, bytes for 257
// ids, none otherwise (such a model can still be run on token ids).
std::string guess_tokenizer(int tokenizer_vocab_size) {
  if (tokenizer_vocab_size == 50257) return "gpt2";
  if (tokenizer_vocab_size == 257) return "bytes";
  return "none";
}

int json_int(const JsonValue& doc, const std::string& key, const std::string& path) {
  const JsonValue* v = doc.get(key);
  if (!v || v->kind != JsonValue::Kind::number || v->number != std::floor(v->number))
    throw Error("model", path + ": config JSON lacks the integer key " + key);
  if (v->number < 0 || v->number > double(1 << 30))
    throw Error("model", path + ": config JSON key " + key + " is out of range (0 to 2^30)");
  return int(v->number);
}

void copy_into(at::Tensor& param, const std::vector<float>& values, const std::vector<std::uint32_t>& shape,
               const std::string& name, const std::string& path) {
  std::vector<std::int64_t> dims(shape.begin(), shape.end());
  if (!param.sizes().equals(dims)) throw Error("model", path + ": tensor " + name + " has the wrong shape for the config");
  param.detach().copy_(at::from_blob(const_cast<float*>(values.data()), dims, at::kFloat));
}

// The model a .plx file describes, checked against its tensors before anything is allocated
// (everything but the model itself).
LoadedModel describe_plx(const lattice::PlxFile& file, const std::string& path) {
  JsonValue doc;
  try {
    doc = parse_json(file.config_json);
  } catch (const Error& e) { throw Error("model", path + ": config JSON: " + e.what()); }
  LoadedModel out;
  out.config.n_layers = json_int(doc, "n_layers", path);
  out.config.n_embd = json_int(doc, "n_embd", path);
  out.config.d_head = json_int(doc, "d_head", path);
  out.config.seq_len = json_int(doc, "seq_len", path);
  out.config.vocab_size = json_int(doc, "vocab_size", path);
  out.config.tokenizer_vocab_size = json_int(doc, "tokenizer_vocab_size", path);
  const JsonValue* tok = doc.get("tokenizer");
  out.tokenizer = tok && tok->kind == JsonValue::Kind::string ? tok->string : guess_tokenizer(out.config.tokenizer_vocab_size);
  out.codebook = lattice::to_string(file.codebook);
  out.kind = "plx v" + std::to_string(file.version);
  // quantizer = ternary: the file holds the forward weights; its linears' inputs are quantized
  // as in training (activation_bits, 8 when absent).
  const JsonValue* quantizer = doc.get("quantizer");
  if (quantizer && quantizer->kind == JsonValue::Kind::string && quantizer->string == "ternary") {
    out.ternary = true;
    out.activation_bits = doc.get("activation_bits") ? json_int(doc, "activation_bits", path) : 8;
    if (out.activation_bits != 0 && out.activation_bits != 8)
      throw Error("model", path + ": config JSON key activation_bits is " + std::to_string(out.activation_bits) + ", not 0 or 8");
  }
  const ModelConfig& c = out.config;
  if (c.n_layers <= 0 || c.n_embd <= 0 || c.n_embd % 24 != 0 || c.d_head != 24 || c.seq_len <= 0 || c.vocab_size % 24 != 0 ||
      c.tokenizer_vocab_size <= 0 || c.tokenizer_vocab_size > c.vocab_size)
    throw Error("model", path +
                             ": config JSON describes no valid Pollux model (n_embd and vocab_size multiples of 24, "
                             "d_head 24, tokenizer_vocab_size <= vocab_size)");
  // Sizes in the config JSON are capped by what the file's tensors hold, before allocating.
  double held = 0;
  try {
    for (const auto& t : lattice::plx_logical_tensors(file)) held += double(t.parameter_count());
  } catch (const Error& e) {  // the tensor's own message, with the file it is in
    throw Error("model", path + ": " + e.what());
  }
  if (model_parameter_count(c) != held)
    throw Error("model", path + strprintf(": config JSON describes a model of %.6g parameters but the file's tensors hold %.6g",
                                          model_parameter_count(c), held));
  // n_heads is derived (n_embd / 24): a file that says otherwise describes another model
  // (checked after the sizes, which name the parameter count).
  if (doc.get("n_heads") && json_int(doc, "n_heads", path) != c.n_heads())
    throw Error("model", path + ": config JSON key n_heads is " + std::to_string(json_int(doc, "n_heads", path)) +
                             ", but n_embd " + std::to_string(c.n_embd) + " gives " + std::to_string(c.n_heads()) +
                             " heads of 24");
  return out;
}

// Every weight a tool runs is finite, and so is each row's sum of magnitudes (a scale such as
// gamma = 3e38 is finite, but its first product is not). Checked once at load for every tool
// (issue 29: a damaged model printed NUL bytes, or a bare LibTorch message mid-text).
void check_loaded_weights(const PolluxModel& model, const std::string& path) {
  for (const auto& p : model.parameters()) {
    const at::Tensor w = p.value.detach().abs();
    if (!(w.dim() > 1 ? w.sum(-1) : w).isfinite().all().item<bool>())
      throw Error("model", path + ": tensor " + p.name +
                               " holds weights that are not finite (or rows whose sum overflows float32): a damaged model");
  }
}

// The kind each tensor is stored as must be one its model gives it: a ternary model's
// matrices ternary (its embeddings and head int8 rows with scope = backbone), a lattice model's never ternary (lattice, INT8
// rows, or float32 as v4 keeps pos_emb), every other tensor float32 (issue 29: a float32 tensor where a ternary matrix belongs
// was taken).
void check_storage_kinds(const lattice::PlxFile& file, const PolluxModel& model, bool ternary, const std::string& path) {
  std::map<std::string, lattice::PlxStorage> storage;
  for (const auto& t : lattice::plx_logical_tensors(file)) storage[t.name] = t.storage;
  for (const auto& p : model.parameters()) {
    const auto it = storage.find(p.name);
    if (it == storage.end()) continue;  // missing: refused by name below
    const lattice::PlxStorage s = it->second;
    // scope = backbone keeps tok_emb, pos_emb and head as int8 rows beside ternary blocks.
    const bool int8_allowed = int8_rows_parameter(Scope::backbone, p.name) && s == lattice::PlxStorage::int8_rows;
    const bool expected = !p.quantized_matrix() ? s == lattice::PlxStorage::f32
                          : ternary             ? s == lattice::PlxStorage::ternary || int8_allowed
                                                : s != lattice::PlxStorage::ternary;
    if (!expected)
      throw Error("model", path + ": tensor " + p.name + " is stored as " + lattice::to_string(s) + ", which a " +
                               (ternary ? "ternary" : "lattice") + " model does not hold there: a damaged or mislabelled file");
  }
}

LoadedModel load_plx(const std::string& path, at::Device device) {
  const lattice::PlxFile file = lattice::read_plx(path);
  LoadedModel out = describe_plx(file, path);
  out.model = std::make_unique<PolluxModel>(out.config, 0, at::kCPU);
  check_storage_kinds(file, *out.model, out.ternary, path);
  const auto decoded = lattice::decode_plx(file, lattice::Codebook::get(file.codebook));
  at::NoGradGuard no_grad;
  for (auto& p : out.model->parameters()) {
    auto it = decoded.find(p.name);
    if (it == decoded.end()) throw Error("model", path + ": tensor " + p.name + " is missing");
    copy_into(p.value, it->second.values, it->second.shape, p.name, path);
  }
  if (decoded.size() != out.model->parameters().size()) throw Error("model", path + ": holds tensors the model does not have");
  check_loaded_weights(*out.model, path);
  out.model->set_quantization(false, out.activation_bits);
  out.model->to(device);
  return out;
}

LoadedModel load_checkpoint(const std::string& path, at::Device device) {
  const Checkpoint ck = read_checkpoint(path);
  LoadedModel out;
  out.config = ck.config.model;
  out.tokenizer = ck.config.tokenizer;
  out.codebook = ck.codebook;
  out.kind = "checkpoint";
  out.model = std::make_unique<PolluxModel>(out.config, 0, at::kCPU);
  load_weights(ck, *out.model, path);
  at::NoGradGuard no_grad;
  const Scope scope = ck.config.scope;
  if (ck.config.quantizer == QuantizerKind::ternary) {  // the checkpoint holds the latents: their forward weights
    for (auto& p : out.model->parameters())
      if (p.quantized_matrix())
        p.value.detach().copy_(int8_rows_parameter(scope, p.name) ? int8_row_weight(p.value.detach())
                                                                  : ternary_weight(p.value.detach()));
    out.activation_bits = ck.config.activation_bits;
    out.model->set_quantization(false, out.activation_bits);
  } else if (ck.config.quantizer == QuantizerKind::none && ck.config.ptq_activation_bits != 0) {
    out.activation_bits = ck.config.ptq_activation_bits;  // pollux-ptq --method smoothquant: W8A8
    out.model->set_quantization(false, out.activation_bits);
  }
  check_loaded_weights(*out.model, path);
  out.model->to(device);
  return out;
}

std::vector<std::uint8_t> f16_bytes(const at::Tensor& t) {
  const at::Tensor c = t.to(at::kCPU).to(at::kFloat).contiguous();
  std::vector<std::uint8_t> out;
  for (std::int64_t i = 0; i < c.numel(); ++i) {
    const std::uint16_t h = float_to_half(c.data_ptr<float>()[i]);
    out.push_back(std::uint8_t(h & 0xFF));
    out.push_back(std::uint8_t(h >> 8));
  }
  return out;
}

std::vector<std::uint8_t> f32_bytes(const at::Tensor& t) {
  const at::Tensor c = t.to(at::kCPU).to(at::kFloat).contiguous();
  std::vector<std::uint8_t> out(std::size_t(c.numel()) * 4);
  std::memcpy(out.data(), c.data_ptr<float>(), out.size());  // little-endian hosts
  return out;
}

std::vector<std::uint32_t> dims_of(const at::Tensor& t) { return {t.sizes().begin(), t.sizes().end()}; }

// The reference's config keys (spec section 6), in its order, then ours for v5. The reference
// writes bits_per_param = 0.76 whatever the model; ours is the file's own backbone figure, the
// one pollux-inspect reports (indices, row scales and gains of the blocks).
std::string plx_config(const Config& c, int version, double bits_per_param) {
  const bool ternary = c.quantizer == QuantizerKind::ternary;
  JsonWriter j;
  j.begin_object()
      .field("n_layers", c.model.n_layers)
      .field("n_heads", c.model.n_heads())
      .field("d_head", c.model.d_head)
      .field("n_embd", c.model.n_embd)
      .field("tokenizer_vocab_size", c.model.tokenizer_vocab_size)
      .field("vocab_size", c.model.vocab_size)
      .field("batch_size", c.micro_batch)
      .field("seq_len", c.model.seq_len)
      .field("grad_accum_steps", c.grad_accum)
      .field("use_compile", false)
      .field("use_gradient_checkpointing", false)
      .field("target_tokens", c.target_tokens)
      .field("tokenizer_dir", std::string(""))
      .field("scales_per_row", 1)
      .field("scale_serialization", "row_wise")
      .field("bits_per_param", bits_per_param);
  if (version == 5) j.field("tokenizer", c.tokenizer).field("codebook", to_string(c.codebook));
  if (ternary) j.field("quantizer", "ternary").field("activation_bits", c.activation_bits);
  if (version == 5 && c.scope != Scope::all) j.field("scope", to_string(c.scope));  // tok_emb, pos_emb and head as int8 rows
  j.end_object();
  return j.str();
}

}  // namespace

LoadedModel load_model(const std::string& path, at::Device device) {
  return lattice::is_plx_file(path) ? load_plx(path, device) : load_checkpoint(path, device);
}

void check_plx_image(const std::vector<std::uint8_t>& bytes, const std::string& path) {
  const lattice::PlxFile file = lattice::parse_plx(bytes.data(), bytes.size(), path);
  describe_plx(file, path);
}

std::uint64_t deployed_bytes(const Config& config, const std::vector<lattice::DeployedTensor>& tensors, int version) {
  std::uint64_t backbone_parameters = 0;
  const std::uint64_t backbone_bytes = lattice::deployed_backbone_bytes(tensors, &backbone_parameters);
  lattice::DeployedModel m;
  m.version = version;
  m.config_json_bytes =
      plx_config(config, version, backbone_parameters ? 8.0 * double(backbone_bytes) / double(backbone_parameters) : 0.0).size();
  m.tensors = tensors;
  return lattice::deployed_bytes(m);
}

std::vector<lattice::DeployedTensor> deployed_tensors(const Checkpoint& ck, int version) {
  const bool ternary = ck.config.quantizer == QuantizerKind::ternary, continuous = ck.config.quantizer == QuantizerKind::none;
  std::vector<lattice::DeployedTensor> out;
  PolluxModel shape(ck.config.model, 0, at::kCPU);
  for (const auto& p : shape.parameters()) {
    lattice::DeployedTensor t;
    t.name = p.name;
    for (std::int64_t d : p.value.sizes()) t.shape.push_back(std::uint64_t(d));
    const std::string base = p.name.substr(0, p.name.size() - 7);
    if (!p.quantized_matrix() || continuous || (version == 4 && base == "pos_emb"))
      t.kind = lattice::DeployedKind::f32;
    else if (int8_rows_parameter(ck.config.scope, p.name) || (version == 4 && (base == "tok_emb" || base == "head")))
      t.kind = lattice::DeployedKind::int8_rows;  // scope = backbone; v4's layout for tok_emb and head
    else if (ternary)
      t.kind = lattice::DeployedKind::ternary;
    else
      t.kind = lattice::DeployedKind::lattice;
    out.push_back(t);
  }
  return out;
}

lattice::PlxFile pack_checkpoint(const Checkpoint& ck, int version, const std::string& path) {
  if (version != 4 && version != 5) throw Error("pack", "--format must be v4 or v5");
  if (ck.config.quantizer == QuantizerKind::none)
    throw Error("pack",
                "the checkpoint is a continuous-weight model (quantizer = none): a .plx file holds lattice and ternary models");
  const bool ternary = ck.config.quantizer == QuantizerKind::ternary;
  if (ternary && version != 5)
    throw Error("pack", "a ternary model (quantizer = ternary) needs --format v5: version 4 has no ternary tensor kind");
  const auto variant = lattice::parse_codebook_variant(ck.codebook);
  if (version == 4 && variant != lattice::CodebookVariant::pollux_v4)
    throw Error("pack",
                "--format v4 is for models trained with the pollux-v4 codebook (readers decode v4 with it); "
                "this one uses " +
                    ck.codebook + ": use --format v5");
  const lattice::Codebook& codebook = lattice::Codebook::get(variant);
  lattice::PlxFile file;
  file.version = std::uint8_t(version);
  file.codebook = variant;
  file.fingerprint = lattice::codebook_fingerprint(codebook);
  // Parameters in model order, with their weights (a ternary model's latents).
  PolluxModel model(ck.config.model, 0, at::kCPU);
  load_weights(ck, model, path);
  for (const auto& p : model.parameters()) {
    const std::string base = p.name.substr(0, p.name.size() - 7);  // without ".weight"
    if (int8_rows_parameter(ck.config.scope, p.name)) {
      // scope = backbone: the int8 rows training computed from the latent (model/int8_rows.h),
      // q and the float16 row scale as they are: decoded, q * mu / 127 is the forward weight.
      at::Tensor latent = p.value;
      if (!ternary) {
        auto it = ck.optimizer.tensors.find("latent/" + p.name);
        if (it == ck.optimizer.tensors.end() || !it->second.sizes().equals(p.value.sizes()))
          throw Error("pack", path + ": the checkpoint has no latent " + p.name + " of its shape");
        latent = it->second;
      }
      const Int8Rows rows = int8_rows(latent.to(at::kCPU).to(at::kFloat));
      if (version == 4 && base == "pos_emb") {  // the reference layout's float32 pos_emb: the forward weight
        file.tensors.push_back({p.name, PlxDtype::f32, dims_of(rows.q), f32_bytes(int8_rows_value(rows))});
        continue;
      }
      const at::Tensor q = rows.q.contiguous();
      std::vector<std::uint8_t> q_bytes(std::size_t(q.numel()));
      std::memcpy(q_bytes.data(), q.data_ptr<std::int8_t>(), q_bytes.size());
      file.tensors.push_back({base + ".weight_int8", PlxDtype::i8, dims_of(q), std::move(q_bytes)});
      file.tensors.push_back({base + ".mu_rows", PlxDtype::f16, {std::uint32_t(q.size(0))}, f16_bytes(rows.scale)});
      continue;
    }
    if (ternary && p.quantized_matrix()) {
      // The trits and gamma of the latent's forward weight (model/ternary.h): decoded, trit *
      // gamma is that forward weight bit for bit.
      const at::Tensor latent = p.value.detach().to(at::kFloat);
      const at::Tensor gamma = ternary_scale(latent);
      const at::Tensor trits = ternary_trits(latent, gamma).contiguous();
      lattice::TernaryMatrix m;
      m.gamma = gamma.item<float>();
      m.trits.assign(trits.data_ptr<std::int8_t>(), trits.data_ptr<std::int8_t>() + trits.numel());
      file.tensors.push_back(lattice::ternary_tensor(p.name, dims_of(latent), m));
      continue;
    }
    if (!p.quantized_matrix()) {
      file.tensors.push_back({p.name, PlxDtype::f32, dims_of(p.value), f32_bytes(p.value)});
      continue;
    }
    const bool int8 = version == 4 && (base == "tok_emb" || base == "head");
    if (version == 4 && base == "pos_emb") {
      file.tensors.push_back({p.name, PlxDtype::f32, dims_of(p.value), f32_bytes(p.value)});
    } else if (int8) {
      // INT8 rows: mu = row max-abs rounded to float16, q = round(127 w / mu).
      const at::Tensor w = p.value.detach();
      const at::Tensor mu = w.abs().amax({1});
      std::vector<std::uint8_t> mu_bytes = f16_bytes(mu);
      at::Tensor mu16 = mu.to(at::kHalf).to(at::kFloat).clamp_min(1e-30f);
      const at::Tensor q = (w * 127.0 / mu16.unsqueeze(1)).round().clamp(-127, 127).to(at::kChar).contiguous();
      std::vector<std::uint8_t> q_bytes(std::size_t(q.numel()));
      std::memcpy(q_bytes.data(), q.data_ptr<std::int8_t>(), q_bytes.size());
      file.tensors.push_back({base + ".weight_int8", PlxDtype::i8, dims_of(w), std::move(q_bytes)});
      file.tensors.push_back({base + ".mu_rows", PlxDtype::f16, {std::uint32_t(w.size(0))}, std::move(mu_bytes)});
    } else {
      const at::Tensor idx = ck.optimizer.tensors.at("indices/" + p.name).contiguous();
      const at::Tensor sigma = ck.optimizer.tensors.at("sigma/" + p.name);  // both checked by load_weights
      const std::vector<std::uint32_t> indices(idx.data_ptr<std::int32_t>(), idx.data_ptr<std::int32_t>() + idx.numel());
      std::vector<std::uint8_t> packed = lattice::pack_indices(indices);
      const auto bytes = std::uint32_t(packed.size());
      file.tensors.push_back({base + ".packed_weights", PlxDtype::u8, {bytes}, std::move(packed)});
      file.tensors.push_back({base + ".sigma_rows", PlxDtype::f16, {std::uint32_t(sigma.numel())}, f16_bytes(sigma)});
    }
  }
  const lattice::PlxBudget budget = lattice::plx_budget(lattice::plx_logical_tensors(file));
  file.config_json =
      plx_config(ck.config, version,
                 budget.backbone_parameters ? 8.0 * double(budget.backbone_bytes) / double(budget.backbone_parameters) : 0.0);
  return file;
}

}  // namespace pollux
