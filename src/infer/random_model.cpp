#include "pollux/infer/random_model.h"

#include <cmath>
#include <cstring>
#include <random>

#include "pollux/base/half.h"
#include "pollux/base/json.h"
#include "pollux/lattice/constants.h"
#include "pollux/lattice/index_packing.h"

namespace pollux::infer {

lattice::PlxFile random_model_file(const ModelShape& s, lattice::CodebookVariant codebook, std::uint64_t seed) {
  using lattice::PlxDtype;
  std::mt19937_64 rng(seed);
  std::uniform_int_distribution<std::uint32_t> index(1, lattice::Codebook::kSize - 1);
  lattice::PlxFile f;
  f.version = 5;
  f.codebook = codebook;
  f.fingerprint = lattice::codebook_fingerprint(lattice::Codebook::get(codebook));
  JsonWriter j;
  j.begin_object()
      .field("n_layers", s.n_layers)
      .field("n_heads", s.n_heads())
      .field("d_head", 24)
      .field("n_embd", s.n_embd)
      .field("tokenizer_vocab_size", s.tokenizer_vocab_size)
      .field("vocab_size", s.vocab_size)
      .field("seq_len", s.seq_len)
      .field("tokenizer", s.tokenizer.empty() ? std::string("none") : s.tokenizer)
      .field("codebook", lattice::to_string(codebook))
      .end_object();
  f.config_json = j.str();
  const auto d = std::uint32_t(s.n_embd), V = std::uint32_t(s.vocab_size);
  // A row of n shell vectors (squared norm 4 each) has norm 2 sqrt(n / 24): sigma scales it to ~1.
  auto matrix = [&](const std::string& base, std::uint32_t rows, std::uint32_t cols) {
    std::vector<std::uint32_t> idx(std::size_t(rows) * cols / lattice::kAtomDim);
    for (auto& i : idx) i = index(rng);
    auto packed = lattice::pack_indices(idx);
    const auto bytes = std::uint32_t(packed.size());
    f.tensors.push_back({base + ".packed_weights", PlxDtype::u8, {bytes}, std::move(packed)});
    const std::uint16_t sigma =
        float_to_half(float(1.0 / (2.0 * std::sqrt(double(cols) / lattice::kAtomDim) * lattice::kLatticeScale)));
    std::vector<std::uint8_t> sigmas;
    for (std::uint32_t r = 0; r < rows; ++r) {
      sigmas.push_back(std::uint8_t(sigma & 0xFF));
      sigmas.push_back(std::uint8_t(sigma >> 8));
    }
    f.tensors.push_back({base + ".sigma_rows", PlxDtype::f16, {rows}, std::move(sigmas)});
  };
  auto gain = [&](const std::string& name, std::uint32_t n) {
    const std::vector<float> ones(n, 1.0f);
    std::vector<std::uint8_t> bytes(n * 4);
    std::memcpy(bytes.data(), ones.data(), bytes.size());
    f.tensors.push_back({name, PlxDtype::f32, {n}, std::move(bytes)});
  };
  matrix("tok_emb", V, d);
  matrix("pos_emb", std::uint32_t(s.seq_len), d);
  for (int l = 0; l < s.n_layers; ++l) {
    const std::string p = "blocks." + std::to_string(l) + ".";
    gain(p + "ln1.weight", d);
    for (const char* m : {"q_proj", "k_proj", "v_proj", "o_proj"}) matrix(p + "attn." + m, d, d);
    gain(p + "attn.q_ln.weight", 24);
    gain(p + "attn.k_ln.weight", 24);
    gain(p + "ln2.weight", d);
    matrix(p + "mlp.fc1", 4 * d, d);
    matrix(p + "mlp.fc2", d, 4 * d);
  }
  gain("ln_f.weight", d);
  matrix("head", V, d);
  return f;
}

}  // namespace pollux::infer
