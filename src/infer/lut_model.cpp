#include "pollux/infer/lut_model.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <map>
#ifdef __GLIBC__
#include <malloc.h>
#endif

#include "pollux/base/error.h"
#include "pollux/base/half.h"
#include "pollux/base/json.h"
#include "pollux/infer/shell_code.h"
#include "pollux/infer/workers.h"
#include "pollux/lattice/constants.h"
#include "pollux/lattice/index_packing.h"

namespace pollux::infer {
namespace {

using lattice::Codebook;
using lattice::PlxDtype;
using lattice::PlxStorage;

int json_int(const JsonValue& doc, const std::string& key, const std::string& source) {
  const JsonValue* v = doc.get(key);
  if (!v || v->kind != JsonValue::Kind::number || v->number != std::floor(v->number))
    throw Error("infer", source + ": config JSON lacks the integer key " + key);
  return int(v->number);
}

std::vector<float> floats_of(const lattice::PlxTensor& t, const std::string& source) {
  std::vector<float> out(t.element_count());
  if (t.dtype == PlxDtype::f32) {
    std::memcpy(out.data(), t.data.data(), out.size() * 4);  // little-endian hosts
  } else if (t.dtype == PlxDtype::f16) {
    for (std::size_t i = 0; i < out.size(); ++i) out[i] = half_to_float(std::uint16_t(t.data[2 * i] | t.data[2 * i + 1] << 8));
  } else {
    throw Error("infer", source + ": tensor " + t.name + " is " + lattice::to_string(t.dtype) + ", expected f16 or f32");
  }
  return out;
}

class TensorSource {
 public:
  // With `owned` (the same file), each tensor's bytes are freed once converted.
  TensorSource(const lattice::PlxFile& file, lattice::PlxFile* owned, const std::string& source, IndexForm form)
      : file_(file), owned_(owned), source_(source), form_(resolve_index_form(form)) {
    for (const auto& t : lattice::plx_logical_tensors(file)) logical_.emplace(t.name, t);
  }

  const lattice::PlxLogicalTensor& get(const std::string& name, std::vector<std::uint32_t> shape) {
    auto it = logical_.find(name);
    if (it == logical_.end()) throw Error("infer", source_ + ": tensor " + name + " is missing");
    if (it->second.shape != shape) throw Error("infer", source_ + ": tensor " + name + " has the wrong shape for the config");
    ++used_;
    return it->second;
  }

  std::vector<float> gain(const std::string& name, std::uint32_t size) {
    const auto& t = get(name, {size});
    if (t.storage != PlxStorage::f32) throw Error("infer", source_ + ": tensor " + name + " should be float32");
    std::vector<float> out = floats_of(*file_.find(name), source_);
    release(name);
    return out;
  }

  RowMatrix matrix(const std::string& name, std::uint32_t rows, std::uint32_t cols) {
    const auto& t = get(name, {rows, cols});
    const std::string base = name.substr(0, name.size() - 7);  // without ".weight"
    RowMatrix m;
    m.rows = rows;
    m.cols = cols;
    const std::size_t atoms = std::size_t(rows) * cols / lattice::kAtomDim;
    if (t.storage == PlxStorage::f32) {
      m.dense = floats_of(*file_.find(name), source_);
      release(name);
    } else if (t.storage == PlxStorage::int8_rows) {
      const auto& q = file_.find(base + ".weight_int8")->data;
      m.own_table.assign(q.begin(), q.end());
      m.table = m.own_table.data();
      m.index.resize(m.per_row());
      for (std::size_t a = 0; a < m.index.size(); ++a) m.index[a] = std::uint32_t(a);
      m.scale = floats_of(*file_.find(base + ".mu_rows"), source_);
      for (float& s : m.scale) s /= 127.0f;
      release(base + ".weight_int8");
      release(base + ".mu_rows");
    } else {
      const Codebook& codebook = Codebook::get(file_.codebook);
      const auto& packed = file_.find(base + ".packed_weights")->data;
      for (std::size_t i = 0; i < atoms; ++i)
        if (lattice::unpack_index(packed.data(), i) >= Codebook::kSize)
          throw Error("infer", source_ + ": tensor " + base + ".packed_weights: codebook index " +
                                   std::to_string(lattice::unpack_index(packed.data(), i)) + " (row " +
                                   std::to_string(i / m.per_row()) + ") is outside the 196,561-entry codebook");
      m.variant = file_.codebook;
      if (form_ == IndexForm::packed) {
        m.packed.assign(packed.begin(), packed.begin() + std::ptrdiff_t(lattice::packed_size(atoms)));
      } else if (form_ == IndexForm::shell) {
        m.shell = shell::interleave(packed.data(), rows, m.per_row(), file_.codebook);
      } else {
        m.index.resize(atoms);
        lattice::unpack_indices(packed.data(), atoms, m.index.data());
      }
      m.table = codebook.integer_row(0);  // shell codes: for decoding rows (embeddings, prefill tiles)
      m.scale = floats_of(*file_.find(base + ".sigma_rows"), source_);
      // Integer coordinates are codebook x sqrt(8): fold 1/sqrt(8) into s_lattice.
      const float fold = float(lattice::kLatticeScale / Codebook::kIntegerScale);
      for (float& s : m.scale) s *= fold;
      release(base + ".packed_weights");
      release(base + ".sigma_rows");
    }
    return m;
  }

  void check_all_used() const {
    if (used_ != logical_.size()) throw Error("infer", source_ + ": holds tensors the model does not have");
  }

 private:
  void release(const std::string& name) {
    if (!owned_) return;
    for (auto& t : owned_->tensors)
      if (t.name == name) t.data = lattice::PlxBytes();  // a mapped file is unmapped with its last tensor
  }

  const lattice::PlxFile& file_;
  lattice::PlxFile* owned_;
  std::string source_;
  IndexForm form_;
  std::map<std::string, lattice::PlxLogicalTensor> logical_;
  std::size_t used_ = 0;
};

// RMSNorm (spec section 4): x rsqrt(mean(x^2) + eps) g over `n` values.
void rms_norm(const float* x, const float* g, std::size_t n, float* out) {
  float ss = 0;
  for (std::size_t i = 0; i < n; ++i) ss += x[i] * x[i];
  const float r = 1.0f / std::sqrt(ss / float(n) + float(lattice::kEpsilon));
  for (std::size_t i = 0; i < n; ++i) out[i] = x[i] * r * g[i];
}

// <a, b> over one head (24 values) in eight independent lanes, which the compiler turns into
// vector instructions (a single running sum would be a chain of 24 dependent adds).
inline float dot24(const float* a, const float* b) {
  float lane[8];
  for (int c = 0; c < 8; ++c) lane[c] = a[c] * b[c] + a[c + 8] * b[c + 8] + a[c + 16] * b[c + 16];
  return ((lane[0] + lane[4]) + (lane[1] + lane[5])) + ((lane[2] + lane[6]) + (lane[3] + lane[7]));
}

}  // namespace

LutModel::LutModel() = default;
LutModel::LutModel(LutModel&&) noexcept = default;
LutModel& LutModel::operator=(LutModel&&) noexcept = default;
LutModel::~LutModel() = default;

void LutModel::set_threads(int threads) {
  threads_ = threads;
  workers_.reset();
}

LutModel LutModel::from_plx(const lattice::PlxFile& file, const std::string& source, IndexForm form) {
  return build(file, nullptr, source, form);
}

LutModel LutModel::from_plx(lattice::PlxFile&& file, const std::string& source, IndexForm form) {
  return build(file, &file, source, form);
}

LutModel LutModel::build(const lattice::PlxFile& file, lattice::PlxFile* owned, const std::string& source, IndexForm form) {
  JsonValue doc;
  try {
    doc = parse_json(file.config_json);
  } catch (const Error& e) { throw Error("infer", source + ": config JSON: " + e.what()); }
  for (const lattice::PlxTensor& t : file.tensors)
    if (t.dtype == lattice::PlxDtype::ternary)
      throw Error("infer", source + ": a ternary model (tensor " + t.name +
                               "): the lut runtime runs lattice models only; use --runtime dense");
  LutModel m;
  ModelShape& s = m.shape_;
  s.n_layers = json_int(doc, "n_layers", source);
  s.n_embd = json_int(doc, "n_embd", source);
  s.seq_len = json_int(doc, "seq_len", source);
  s.vocab_size = json_int(doc, "vocab_size", source);
  s.tokenizer_vocab_size = json_int(doc, "tokenizer_vocab_size", source);
  const int d_head = json_int(doc, "d_head", source);
  s.plx_version = file.version;
  const JsonValue* tok = doc.get("tokenizer");
  s.tokenizer = tok && tok->kind == JsonValue::Kind::string ? tok->string
                : s.tokenizer_vocab_size == 50257           ? "gpt2"
                : s.tokenizer_vocab_size == 257             ? "bytes"
                                                            : "none";
  if (s.n_layers <= 0 || s.n_embd <= 0 || s.n_embd % 24 != 0 || d_head != 24 || s.seq_len <= 0 || s.vocab_size % 24 != 0 ||
      s.tokenizer_vocab_size <= 0 || s.tokenizer_vocab_size > s.vocab_size)
    throw Error("infer", source +
                             ": config JSON describes no valid Pollux model (n_embd and vocab_size multiples of 24, "
                             "d_head 24, tokenizer_vocab_size <= vocab_size)");
  const auto d = std::uint32_t(s.n_embd), V = std::uint32_t(s.vocab_size);
  TensorSource t(file, owned, source, form);
  m.tok_emb_ = t.matrix("tok_emb.weight", V, d);
  m.pos_emb_ = t.matrix("pos_emb.weight", std::uint32_t(s.seq_len), d);
  for (int l = 0; l < s.n_layers; ++l) {
    const std::string p = "blocks." + std::to_string(l) + ".";
    Block b;
    b.ln1 = t.gain(p + "ln1.weight", d);
    b.q = t.matrix(p + "attn.q_proj.weight", d, d);
    b.k = t.matrix(p + "attn.k_proj.weight", d, d);
    b.v = t.matrix(p + "attn.v_proj.weight", d, d);
    b.o = t.matrix(p + "attn.o_proj.weight", d, d);
    b.q_ln = t.gain(p + "attn.q_ln.weight", 24);
    b.k_ln = t.gain(p + "attn.k_ln.weight", 24);
    b.ln2 = t.gain(p + "ln2.weight", d);
    b.fc1 = t.matrix(p + "mlp.fc1.weight", 4 * d, d);
    b.fc2 = t.matrix(p + "mlp.fc2.weight", d, 4 * d);
    m.blocks_.push_back(std::move(b));
  }
  m.ln_f_ = t.gain("ln_f.weight", d);
  m.head_ = t.matrix("head.weight", V, d);
  t.check_all_used();
  // n_heads is derived (n_embd / 24): a file that says otherwise describes another model
  // (checked after the tensors, whose sizes name a wrong n_embd first).
  if (doc.get("n_heads") && d_head > 0 && json_int(doc, "n_heads", source) != s.n_embd / d_head)
    throw Error("infer", source + ": config JSON key n_heads is " + std::to_string(json_int(doc, "n_heads", source)) +
                             ", but n_embd " + std::to_string(s.n_embd) + " gives " + std::to_string(s.n_embd / d_head) +
                             " heads of 24");
#ifdef __GLIBC__
  // The file's tensors, freed one by one, sit in the heap's middle: hand their pages back so
  // that they do not count as resident next to the model (peak memory).
  if (owned) malloc_trim(0);
#endif
  return m;
}

LutModel LutModel::load(const std::string& path, IndexForm form) { return from_plx(lattice::read_plx(path), path, form); }

std::size_t LutModel::weight_bytes() const {
  // Per decoded token: every block matrix and the head in full, one row of each embedding.
  const std::size_t d = std::size_t(shape_.n_embd);
  std::size_t n = head_.bytes() + 2 * d * sizeof(float) + ln_f_.size() * sizeof(float);
  for (const Block& b : blocks_)
    n += b.q.bytes() + b.k.bytes() + b.v.bytes() + b.o.bytes() + b.fc1.bytes() + b.fc2.bytes() +
         (b.ln1.size() + b.ln2.size() + b.q_ln.size() + b.k_ln.size()) * sizeof(float);
  return n;
}

void LutModel::forward(const std::uint32_t* tokens, std::size_t count, Cache& cache, float* logits, bool all_logits) const {
  const std::size_t V = std::size_t(shape_.vocab_size);
  if (cache.length + count > std::size_t(shape_.seq_len))
    throw Error("infer", "sequence of " + std::to_string(cache.length + count) + " tokens exceeds seq_len " +
                             std::to_string(shape_.seq_len));
  for (std::size_t i = 0; i < count; ++i)
    if (tokens[i] >= std::uint32_t(shape_.vocab_size))
      throw Error("infer",
                  "token id " + std::to_string(tokens[i]) + " is outside the vocabulary of " + std::to_string(shape_.vocab_size));
  for (std::size_t begin = 0; begin < count; begin += kChunk) {
    const std::size_t n = std::min(kChunk, count - begin);
    if (all_logits)
      forward_chunk(tokens + begin, n, cache, logits + begin * V, true);
    else
      forward_chunk(tokens + begin, n, cache, logits, false);  // the last chunk's last token wins
  }
}

namespace {

// One 24-wide head of a cached key or value as float32: the entries themselves, or converted
// from float16 into `scratch`.
const float* head_entries(const float* cached, float*) { return cached; }
const float* head_entries(const std::uint16_t* cached, float* scratch) {
  halves_to_floats(cached, scratch, 24);
  return scratch;
}

// Causal attention of `count` queries (positions past .. past + count - 1, rows of q) over the
// cache K, V (positions 0 .. past + count - 1, n_embd per position), into att.
template <typename Entry>
void causal_attention(const Entry* K, const Entry* V, const float* q, std::size_t count, std::size_t past, std::size_t d,
                      float* att, Workers& pool) {
  const std::size_t H = d / 24;
  const float scale = 1.0f / std::sqrt(24.0f);
  pool.run(count * H, 8, [&](std::size_t begin, std::size_t end) {
    std::vector<float> w(past + count);
    float scratch[24];
    for (std::size_t job = begin; job < end; ++job) {
      const std::size_t hh = job / count, i = job % count, n = past + i + 1;  // a head's queries together
      const float* qi = &q[i * d + hh * 24];
      float top = -INFINITY;
      for (std::size_t j = 0; j < n; ++j) {
        w[j] = dot24(qi, head_entries(&K[j * d + hh * 24], scratch)) * scale;
        top = std::max(top, w[j]);
      }
      float sum = 0;
      for (std::size_t j = 0; j < n; ++j) sum += (w[j] = std::exp(w[j] - top));
      float out[24] = {};
      for (std::size_t j = 0; j < n; ++j) {
        const float* vj = head_entries(&V[j * d + hh * 24], scratch);
        for (int c = 0; c < 24; ++c) out[c] += w[j] * vj[c];
      }
      for (int c = 0; c < 24; ++c) att[i * d + hh * 24 + c] = out[c] / sum;
    }
  });
}

}  // namespace

void LutModel::forward_chunk(const std::uint32_t* tokens, std::size_t count, Cache& cache, float* logits, bool all_logits) const {
  const std::size_t d = std::size_t(shape_.n_embd), H = std::size_t(shape_.n_heads()), past = cache.length;
  const bool half = kv_cache_ == KvCache::float16;
  const std::size_t entries = std::size_t(shape_.seq_len) * d;
  if (cache.k.empty() && cache.k16.empty())
    for (std::size_t l = 0; l < blocks_.size(); ++l) {
      if (half) {
        cache.k16.emplace_back(new std::uint16_t[entries]);
        cache.v16.emplace_back(new std::uint16_t[entries]);
      } else {
        cache.k.emplace_back(new float[entries]);
        cache.v.emplace_back(new float[entries]);
      }
    }
  if ((half ? cache.k16.size() : cache.k.size()) != blocks_.size())
    throw Error("infer", "the KV cache belongs to another model (or was made for the other KV precision)");
  if (!workers_) workers_ = std::make_unique<Workers>(threads_);
  Workers& pool = *workers_;
  std::vector<float> x(count * d), h(count * d), q(count * d), k(count * d), v(count * d), att(count * d), f(count * 4 * d),
      row(d);
  for (std::size_t i = 0; i < count; ++i) {
    tok_emb_.row(tokens[i], &x[i * d]);
    pos_emb_.row(past + i, row.data());
    for (std::size_t j = 0; j < d; ++j) x[i * d + j] += row[j];
  }
  for (std::size_t l = 0; l < blocks_.size(); ++l) {
    const Block& b = blocks_[l];
    for (std::size_t i = 0; i < count; ++i) rms_norm(&x[i * d], b.ln1.data(), d, &h[i * d]);
    matmul(b.q, h.data(), count, q.data(), pool, kernel_);
    matmul(b.k, h.data(), count, k.data(), pool, kernel_);
    matmul(b.v, h.data(), count, v.data(), pool, kernel_);
    // Per-head RMSNorm of queries and keys; keys and values into the cache at positions past ..
    // past + count - 1, then attention over the cache.
    for (std::size_t i = 0; i < count; ++i) {
      for (std::size_t hh = 0; hh < H; ++hh) {
        rms_norm(&q[i * d + hh * 24], b.q_ln.data(), 24, &q[i * d + hh * 24]);
        rms_norm(&k[i * d + hh * 24], b.k_ln.data(), 24, &k[i * d + hh * 24]);
      }
    }
    if (half) {
      floats_to_halves(k.data(), &cache.k16[l][past * d], count * d);
      floats_to_halves(v.data(), &cache.v16[l][past * d], count * d);
      causal_attention(cache.k16[l].get(), cache.v16[l].get(), q.data(), count, past, d, att.data(), pool);
    } else {
      std::memcpy(&cache.k[l][past * d], k.data(), count * d * sizeof(float));
      std::memcpy(&cache.v[l][past * d], v.data(), count * d * sizeof(float));
      causal_attention(cache.k[l].get(), cache.v[l].get(), q.data(), count, past, d, att.data(), pool);
    }
    matmul(b.o, att.data(), count, h.data(), pool, kernel_);
    for (std::size_t i = 0; i < count * d; ++i) x[i] += h[i];
    for (std::size_t i = 0; i < count; ++i) rms_norm(&x[i * d], b.ln2.data(), d, &h[i * d]);
    matmul(b.fc1, h.data(), count, f.data(), pool, kernel_);
    for (float& e : f) e = 0.5f * e * (1.0f + std::erf(e * 0.70710678118654752f));  // exact GELU
    matmul(b.fc2, f.data(), count, h.data(), pool, kernel_);
    for (std::size_t i = 0; i < count * d; ++i) x[i] += h[i];
  }
  cache.length = past + count;
  const std::size_t first = all_logits ? 0 : count - 1;
  for (std::size_t i = first; i < count; ++i) rms_norm(&x[i * d], ln_f_.data(), d, &h[(i - first) * d]);
  matmul(head_, h.data(), count - first, logits, pool, kernel_);
}

}  // namespace pollux::infer
