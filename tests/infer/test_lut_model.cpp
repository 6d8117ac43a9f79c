#include <ATen/ATen.h>
#include <ATen/core/grad_mode.h>

#include <cstdio>
#include <cstring>
#include <random>

#include "../catch.h"
#include "../support/fixtures.h"
#include "pollux/base/error.h"
#include "pollux/base/half.h"
#include "pollux/infer/lut_model.h"
#include "pollux/infer/shell_code.h"
#include "pollux/infer/text.h"
#include "pollux/infer/workers.h"
#include "pollux/lattice/index_packing.h"
#include "pollux/runtime/generate.h"
#include "pollux/runtime/model_file.h"

using namespace pollux;
using lattice::PlxDtype;

namespace {

// A v5 file of random lattice weights (indices anywhere in the codebook), written by hand
// so both codebooks can be tested without training.
lattice::PlxFile random_plx(lattice::CodebookVariant variant, std::uint32_t seed, std::uint32_t T = 16) {
  const std::uint32_t L = 2, d = 48, V = 264;
  std::mt19937 rng(seed);
  std::uniform_int_distribution<std::uint32_t> index(0, lattice::Codebook::kSize - 1);
  std::uniform_real_distribution<float> unit(0.5f, 1.5f);
  lattice::PlxFile f;
  f.version = 5;
  f.codebook = variant;
  f.fingerprint = lattice::codebook_fingerprint(lattice::Codebook::get(variant));
  f.config_json =
      "{\"n_layers\": 2, \"n_heads\": 2, \"d_head\": 24, \"n_embd\": 48, \"tokenizer_vocab_size\": 257, "
      "\"vocab_size\": 264, \"seq_len\": " +
      std::to_string(T) + ", \"tokenizer\": \"bytes\", \"codebook\": \"" + lattice::to_string(variant) + "\"}";
  auto f16 = [&](std::uint32_t n, float mean) {
    std::vector<std::uint8_t> out;
    for (std::uint32_t i = 0; i < n; ++i) {
      const std::uint16_t h = float_to_half(mean * unit(rng));
      out.push_back(std::uint8_t(h & 0xFF));
      out.push_back(std::uint8_t(h >> 8));
    }
    return out;
  };
  auto matrix = [&](const std::string& base, std::uint32_t rows, std::uint32_t cols, float sigma) {
    std::vector<std::uint32_t> idx(std::size_t(rows) * cols / 24);
    for (auto& i : idx) i = index(rng);
    auto packed = lattice::pack_indices(idx);
    const auto bytes = std::uint32_t(packed.size());
    f.tensors.push_back({base + ".packed_weights", PlxDtype::u8, {bytes}, std::move(packed)});
    f.tensors.push_back({base + ".sigma_rows", PlxDtype::f16, {rows}, f16(rows, sigma)});
  };
  auto gain = [&](const std::string& name, std::uint32_t n) {
    std::vector<float> g(n);
    for (float& x : g) x = unit(rng);
    std::vector<std::uint8_t> bytes(n * 4);
    std::memcpy(bytes.data(), g.data(), bytes.size());
    f.tensors.push_back({name, PlxDtype::f32, {n}, std::move(bytes)});
  };
  matrix("tok_emb", V, d, 0.1f);
  matrix("pos_emb", T, d, 0.1f);
  for (std::uint32_t l = 0; l < L; ++l) {
    const std::string p = "blocks." + std::to_string(l) + ".";
    gain(p + "ln1.weight", d);
    for (const char* m : {"q_proj", "k_proj", "v_proj", "o_proj"}) matrix(p + "attn." + m, d, d, 0.15f);
    gain(p + "attn.q_ln.weight", 24);
    gain(p + "attn.k_ln.weight", 24);
    gain(p + "ln2.weight", d);
    matrix(p + "mlp.fc1", 4 * d, d, 0.15f);
    matrix(p + "mlp.fc2", d, 4 * d, 0.08f);
  }
  gain("ln_f.weight", d);
  matrix("head", V, d, 0.1f);
  return f;
}

std::string temp_path(const std::string& name) { return "test_infer_" + name + ".plx"; }

// The dense runtime's logits (1, T, V) for `tokens`, as a flat vector.
std::vector<float> dense_logits(const std::string& path, const std::vector<std::uint32_t>& tokens) {
  const LoadedModel m = load_model(path, at::kCPU);
  std::vector<std::int64_t> ids(tokens.begin(), tokens.end());
  at::NoGradGuard no_grad;
  const at::Tensor x = at::tensor(ids, at::kLong).unsqueeze(0);
  const at::Tensor logits = m.model->forward(x).contiguous();
  return std::vector<float>(logits.data_ptr<float>(), logits.data_ptr<float>() + logits.numel());
}

// Largest difference relative to the largest dense logit: float32 summation error only.
double relative_gap(const std::vector<float>& a, const std::vector<float>& b) {
  REQUIRE(a.size() == b.size());
  double gap = 0, top = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    gap = std::max(gap, double(std::abs(a[i] - b[i])));
    top = std::max(top, double(std::abs(b[i])));
  }
  return gap / top;
}

// Logits of the matrix-free runtime: a prefill of `split` tokens, then one token at a time.
std::vector<float> lut_logits(const infer::LutModel& m, const std::vector<std::uint32_t>& tokens, std::size_t split) {
  const std::size_t V = std::size_t(m.shape().vocab_size);
  std::vector<float> out(tokens.size() * V);
  infer::LutModel::Cache cache;
  m.forward(tokens.data(), split, cache, out.data());
  for (std::size_t t = split; t < tokens.size(); ++t) m.forward(&tokens[t], 1, cache, &out[t * V]);
  CHECK(cache.length == tokens.size());
  return out;
}

}  // namespace

TEST_CASE("infer: random v5 models give the dense runtime's logits, both codebooks, both kernels, every index form", "[infer]") {
  const std::vector<std::uint32_t> tokens{72, 101, 108, 108, 111, 32, 256, 3, 200, 17, 9, 44, 263, 0};
  for (auto variant : {lattice::CodebookVariant::leech, lattice::CodebookVariant::pollux_v4}) {
    const std::string path = temp_path(lattice::to_string(variant));
    lattice::write_plx(random_plx(variant, 11), path);
    const std::vector<float> dense = dense_logits(path, tokens);
    for (auto form : {infer::IndexForm::packed, infer::IndexForm::shell}) {
      infer::LutModel lut = infer::LutModel::load(path, form);
      CHECK(lut.shape().n_layers == 2);
      CHECK(lut.shape().tokenizer == "bytes");
      // ~4 bytes of indices per 24 weights: far below the 4 x 24 of float32.
      CHECK(lut.weight_bytes() < 48 * 48 * 4 * 24 / 4);
      for (auto kernel : {infer::Kernel::portable, infer::Kernel::automatic}) {
        lut.set_kernel(kernel);  // automatic: the widest this CPU has
        for (std::size_t split : {std::size_t(1), std::size_t(5), tokens.size()}) {
          const double gap = relative_gap(lut_logits(lut, tokens, split), dense);
          INFO(lattice::to_string(variant) << " " << infer::to_string(form) << " " << infer::to_string(kernel) << " split "
                                           << split << " relative gap " << gap);
          CHECK(gap < 1e-5);
        }
      }
    }
    std::remove(path.c_str());
  }
}

TEST_CASE("infer: a float16 KV cache gives the float32 cache's logits to float16 rounding, in half the bytes", "[infer]") {
  const std::vector<std::uint32_t> tokens{72, 101, 108, 108, 111, 32, 256, 3, 200, 17, 9, 44, 263, 0};
  const std::string path = temp_path("kv16");
  lattice::write_plx(random_plx(lattice::CodebookVariant::leech, 12), path);
  infer::LutModel lut = infer::LutModel::load(path);
  const std::vector<float> exact = lut_logits(lut, tokens, 5);
  lut.set_kv_cache(infer::KvCache::float16);
  infer::LutModel::Cache cache;
  std::vector<float> last(std::size_t(lut.shape().vocab_size));
  lut.forward(tokens.data(), 3, cache, last.data(), false);
  CHECK(cache.k.empty());
  CHECK(cache.k16.size() == std::size_t(lut.shape().n_layers));
  const std::vector<float> half = lut_logits(lut, tokens, 5);
  const double gap = relative_gap(half, exact);
  INFO("relative gap " << gap);
  CHECK(gap > 0);     // the keys and values really were rounded
  CHECK(gap < 2e-3);  // ... once each: float16 keeps 11 bits
  // A cache made for one precision is refused by a model set to the other.
  lut.set_kv_cache(infer::KvCache::float32);
  CHECK_THROWS_WITH(lut.forward(tokens.data(), 1, cache, last.data(), false), Catch::Contains("made for the other KV precision"));
  CHECK(infer::parse_kv_cache("float16", "--kv_cache") == infer::KvCache::float16);
  CHECK_THROWS_WITH(infer::parse_kv_cache("half", "--kv_cache"), Catch::Contains("--kv_cache 'half'"));
  std::remove(path.c_str());
}

TEST_CASE("half: the vector conversions equal the scalar ones on every non-NaN float16 and on random floats", "[infer]") {
  std::vector<std::uint16_t> all;
  for (std::uint32_t h = 0; h < 65536; ++h)
    if ((h & 0x7C00) != 0x7C00 || (h & 0x3FF) == 0) all.push_back(std::uint16_t(h));  // NaN payloads may differ
  std::vector<float> floats(all.size());
  halves_to_floats(all.data(), floats.data(), all.size());
  for (std::size_t i = 0; i < all.size(); ++i) {
    const float want = half_to_float(all[i]);
    REQUIRE(std::memcmp(&floats[i], &want, 4) == 0);
  }
  std::mt19937 rng(5);
  std::vector<float> values(100003);
  for (float& v : values) {
    const std::uint32_t bits = std::uint32_t(rng());
    std::memcpy(&v, &bits, 4);
    if (v != v) v = 1.0f;  // NaN
  }
  values[0] = 65520.0f;        // rounds up to Inf
  values[1] = 65519.0f;        // the largest finite float16, 65504
  values[2] = 2.9802322e-08f;  // half the smallest subnormal: ties to even (zero)
  std::vector<std::uint16_t> halves(values.size());
  floats_to_halves(values.data(), halves.data(), values.size());
  for (std::size_t i = 0; i < values.size(); ++i) REQUIRE(halves[i] == float_to_half(values[i]));
}

TEST_CASE("infer: every kernel on this CPU, packed, unpacked or shell indices, gives y = x W^T for 1 to 20 tokens", "[infer]") {
  for (auto variant : {lattice::CodebookVariant::leech, lattice::CodebookVariant::pollux_v4}) {
    const lattice::Codebook& cb = lattice::Codebook::get(variant);
    infer::RowMatrix unpacked;
    unpacked.rows = 70;   // not a multiple of the 32-row tile nor of the 16-row shell group
    unpacked.cols = 120;  // 5 atoms per row: rows start inside a 4-index packed group
    unpacked.table = cb.integer_row(0);
    unpacked.variant = variant;
    std::mt19937 rng(3);
    for (std::size_t i = 0; i < unpacked.rows * unpacked.cols / 24; ++i)
      unpacked.index.push_back(std::uint32_t(rng() % lattice::Codebook::kSize));
    unpacked.index[7] = 0;  // the zero vector
    for (std::size_t r = 0; r < unpacked.rows; ++r) unpacked.scale.push_back(0.01f * float(r + 1));
    infer::RowMatrix packed = unpacked;
    packed.packed = lattice::pack_indices(unpacked.index);
    packed.index.clear();
    infer::RowMatrix shell = unpacked;
    shell.shell = infer::shell::interleave(packed.packed.data(), unpacked.rows, 5, variant);
    shell.index.clear();
    CHECK(unpacked.bytes() - packed.bytes() == 350 * 4 - lattice::packed_size(350));  // 2.25 bytes per atom, not 4
    CHECK(shell.bytes() - packed.bytes() == 5 * 5 * 36 - lattice::packed_size(350));  // 5 groups of 16 rows, 36 bytes per atom
    std::normal_distribution<float> normal;
    infer::Workers workers(2);
    for (auto kernel : {infer::Kernel::portable, infer::Kernel::avx2, infer::Kernel::avx512}) {
      if (!infer::kernel_supported(kernel)) {
        WARN("skipping the " << infer::to_string(kernel) << " kernel: this CPU lacks it");
        infer::Workers one(1);
        CHECK_THROWS_WITH(infer::matmul(packed, nullptr, 1, nullptr, one, kernel), Catch::Contains("this one lacks it"));
        continue;
      }
      for (std::size_t count = 1; count <= 20; ++count) {
        std::vector<float> x(count * unpacked.cols), want(count * unpacked.rows);
        for (float& e : x) e = normal(rng);
        for (std::size_t t = 0; t < count; ++t)
          for (std::size_t r = 0; r < unpacked.rows; ++r) {
            double s = 0;
            for (std::size_t c = 0; c < unpacked.cols; ++c)
              s += double(cb.integer_row(unpacked.index[r * 5 + c / 24])[c % 24]) * x[t * unpacked.cols + c];
            want[t * unpacked.rows + r] = float(s * unpacked.scale[r]);
          }
        for (const infer::RowMatrix* w : {&packed, &unpacked, &shell}) {
          std::vector<float> y(count * unpacked.rows);
          infer::matmul(*w, x.data(), count, y.data(), workers, kernel);
          INFO(lattice::to_string(variant) << " " << infer::to_string(kernel)
                                           << (w == &packed  ? " packed"
                                               : w == &shell ? " shell"
                                                             : " unpacked")
                                           << ", count " << count);
          CHECK(relative_gap(y, want) < 1e-6);
        }
      }
      std::vector<float> row(unpacked.cols), want(unpacked.cols);
      for (std::size_t r : {std::size_t(0), std::size_t(1), std::size_t(69)}) {
        shell.row(r, row.data());
        unpacked.row(r, want.data());
        CHECK(row == want);
      }
    }
  }
  CHECK(infer::resolve_kernel(infer::Kernel::automatic) != infer::Kernel::automatic);
  CHECK_THROWS_WITH(infer::parse_kernel("sse", "--kernel"), Catch::Contains("--kernel 'sse'"));
  CHECK(infer::parse_index_form("shell", "--index_form") == infer::IndexForm::shell);
  CHECK_THROWS_WITH(infer::parse_index_form("dense", "--index_form"), Catch::Contains("--index_form 'dense'"));
  CHECK(infer::resolve_index_form(infer::IndexForm::automatic) ==
        (infer::kernel_supported(infer::Kernel::avx512) ? infer::IndexForm::shell : infer::IndexForm::packed));
}

TEST_CASE("infer: shell codes are 18 bits, one per codebook row of either variant, and decode to it", "[infer]") {
  STATIC_REQUIRE(infer::shell::kZeroCode < (1u << 18));
  for (auto variant : {lattice::CodebookVariant::leech, lattice::CodebookVariant::pollux_v4}) {
    const lattice::Codebook& cb = lattice::Codebook::get(variant);
    const infer::shell::Recoding& r = infer::shell::recoding(variant);
    REQUIRE(r.code_of_index.size() == lattice::Codebook::kSize);
    std::size_t shape3 = 0, octads = 0, pairs = 0, wrong = 0;
    std::int8_t back[24];
    for (std::uint32_t idx = 0; idx < lattice::Codebook::kSize; ++idx) {
      const std::uint32_t code = r.code_of_index[idx];
      REQUIRE(code <= infer::shell::kZeroCode);
      infer::shell::decode(code, variant, back);
      // one code per row, decoding to it
      if (r.index_of_code[code] != idx || std::memcmp(back, cb.integer_row(idx), 24) != 0) ++wrong;
      if (code < infer::shell::kShape3Codes)
        ++shape3;
      else if (code < infer::shell::kShape3Codes + infer::shell::kBaseCodes * infer::shell::kPairBase)
        ++octads;
      else if (code < infer::shell::kZeroCode)
        ++pairs;
    }
    CHECK(shape3 == 98304);
    CHECK(octads == 97152);
    CHECK(pairs == 1104);
    CHECK(wrong == 0);
    CHECK(r.code_of_index[0] == infer::shell::kZeroCode);
  }
}

TEST_CASE("infer: a prompt longer than one chunk gives the dense logits, packed, unpacked and shell", "[infer]") {
  const std::string path = temp_path("long");
  const std::size_t n = 2 * infer::LutModel::kChunk + 22;  // two whole chunks and a part
  lattice::write_plx(random_plx(lattice::CodebookVariant::leech, 5, std::uint32_t(n + 10)), path);
  std::vector<std::uint32_t> tokens(n);
  std::mt19937 rng(9);
  for (auto& t : tokens) t = rng() % 257;
  const std::vector<float> dense = dense_logits(path, tokens);
  for (auto form : {infer::IndexForm::packed, infer::IndexForm::unpacked, infer::IndexForm::shell}) {
    const infer::LutModel lut = infer::LutModel::load(path, form);
    for (std::size_t split : {n, infer::LutModel::kChunk + 3}) {
      const double gap = relative_gap(lut_logits(lut, tokens, split), dense);
      INFO("split " << split << " relative gap " << gap);
      CHECK(gap < 1e-5);
    }
    // only the last logits: those of the last chunk's last token
    const std::size_t V = std::size_t(lut.shape().vocab_size);
    std::vector<float> last(V);
    infer::LutModel::Cache cache;
    lut.forward(tokens.data(), tokens.size(), cache, last.data(), false);
    CHECK(relative_gap(last, std::vector<float>(dense.end() - std::ptrdiff_t(V), dense.end())) < 1e-5);
  }
  std::remove(path.c_str());
}

TEST_CASE("infer: the reference v4 file (trained, INT8 embeddings) gives the dense runtime's logits", "[infer][fixture]") {
  const std::string dir = test::reference_dir();
  if (dir.empty()) POLLUX_SKIP_NO_FIXTURES("shared/reference not found: skipping the reference .plx");
  const std::string path = dir + "/reference_tiny_v4.plx";
  for (auto form : {infer::IndexForm::packed, infer::IndexForm::shell}) {
    infer::LutModel lut = infer::LutModel::load(path, form);
    std::vector<std::uint32_t> tokens;
    for (std::uint32_t t = 0; t < std::uint32_t(lut.shape().seq_len); ++t) tokens.push_back((t * 37 + 5) % 257);
    const std::vector<float> dense = dense_logits(path, tokens);
    for (auto kernel : {infer::Kernel::portable, infer::Kernel::automatic}) {
      lut.set_kernel(kernel);
      const double gap = relative_gap(lut_logits(lut, tokens, 7), dense);
      INFO(infer::to_string(form) << " " << infer::to_string(kernel) << " relative gap " << gap);
      CHECK(gap < 1e-5);
    }
  }
}

TEST_CASE("infer: greedy text, sampling distributions, loss and log-probabilities equal the dense runtime's", "[infer]") {
  const std::string path = temp_path("text");
  lattice::write_plx(random_plx(lattice::CodebookVariant::leech, 5), path);
  const LoadedModel dense = load_model(path, at::kCPU);
  const infer::LutModel lut = infer::LutModel::load(path);  // shell codes where the CPU has AVX-512
  const infer::LutModel packed = infer::LutModel::load(path, infer::IndexForm::packed);
  std::remove(path.c_str());

  SamplingOptions o;
  o.temperature = 0;
  o.max_new_tokens = 40;  // past the 16-position context: both restart from its last half
  const std::vector<std::uint32_t> prompt{72, 101, 108};
  const auto expected = generate(*dense.model, prompt, o, [](std::uint32_t) {});
  std::vector<std::uint32_t> streamed;
  CHECK(infer::generate(lut, prompt, o, [&](std::uint32_t id) { streamed.push_back(id); }) == expected);
  CHECK(streamed == expected);
  o.temperature = 0.9;
  o.seed = 3;
  const auto a = infer::generate(lut, prompt, o, [](std::uint32_t) {});
  CHECK(a == infer::generate(lut, prompt, o, [](std::uint32_t) {}));     // same seed, same tokens
  CHECK(a == infer::generate(packed, prompt, o, [](std::uint32_t) {}));  // whatever the index form
  for (auto id : a) CHECK(id < 257);
  CHECK_THROWS_WITH(infer::generate(lut, std::vector<std::uint32_t>(17, 65), o, [](std::uint32_t) {}),
                    Catch::Contains("longer than the model's context of 16"));

  std::vector<float> logits(264);
  std::mt19937 rng(9);
  std::normal_distribution<float> normal(0, 2);
  for (float& l : logits) l = normal(rng);
  const std::vector<std::uint32_t> context{3, 3, 7, 250};
  for (double top_p : {1.0, 0.8}) {
    SamplingOptions s;
    s.temperature = 0.7;
    s.top_k = 20;
    s.top_p = top_p;
    s.repetition_penalty = 1.3;
    const at::Tensor ref = sampling_probabilities(at::from_blob(logits.data(), {264}, at::kFloat).clone(), context, s, 257);
    const auto ours = infer::sampling_probabilities(logits.data(), 264, context, s, 257);
    double gap = 0;
    for (std::size_t i = 0; i < 264; ++i) gap = std::max(gap, std::abs(ours[i] - ref[std::int64_t(i)].item<double>()));
    INFO("top_p " << top_p);
    CHECK(gap < 1e-6);
  }

  std::vector<std::uint16_t> tokens;
  for (std::uint16_t t = 0; t < 40; ++t) tokens.push_back(std::uint16_t((t * 53 + 11) % 257));
  const LossReport want = evaluate_loss(*dense.model, tokens.data(), tokens.size(), 2);
  const LossReport got = infer::evaluate_loss(lut, tokens.data(), tokens.size());
  CHECK(got.tokens == want.tokens);
  CHECK(got.mean_loss == Approx(want.mean_loss).epsilon(1e-5));
  const std::vector<std::uint32_t> ids{5, 9, 200, 31, 8, 8, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18};
  CHECK(infer::sequence_logprob(lut, 256, ids) == Approx(sequence_logprob(*dense.model, 256, ids)).epsilon(1e-5));
}

TEST_CASE("infer: a file with an index outside the codebook, a missing or misshapen tensor is refused at load", "[infer]") {
  lattice::PlxFile f = random_plx(lattice::CodebookVariant::leech, 2);
  lattice::PlxFile bad_index = f;
  for (auto& t : bad_index.tensors)
    if (t.name == "blocks.1.mlp.fc2.packed_weights") {
      const std::vector<std::uint32_t> big{(1u << 18) - 1};
      const auto packed = lattice::pack_indices(big);
      std::copy(packed.begin(), packed.begin() + 3, t.data.begin());  // the first index only
    }
  CHECK_THROWS_WITH(infer::LutModel::from_plx(bad_index, "bad.plx"), Catch::Contains("bad.plx") &&
                                                                         Catch::Contains("blocks.1.mlp.fc2.packed_weights") &&
                                                                         Catch::Contains("outside the 196,561-entry codebook"));
  lattice::PlxFile missing = f;
  missing.tensors.erase(missing.tensors.begin() + 2);  // pos_emb.packed_weights
  missing.tensors.erase(missing.tensors.begin() + 2);  // pos_emb.sigma_rows
  CHECK_THROWS_WITH(infer::LutModel::from_plx(missing, "m.plx"), Catch::Contains("pos_emb.weight is missing"));
  lattice::PlxFile wrong = f;
  wrong.config_json.replace(wrong.config_json.find("\"seq_len\": 16"), 13, "\"seq_len\": 17");
  CHECK_THROWS_WITH(infer::LutModel::from_plx(wrong, "w.plx"), Catch::Contains("pos_emb.weight has the wrong shape"));
}

TEST_CASE("infer: workers cover every item once per run, run after run, and pass a part's exception on", "[infer]") {
  for (int threads : {1, 2, 3}) {
    infer::Workers workers(threads);
    CHECK(workers.threads() == threads);
    for (std::size_t n : {std::size_t(0), std::size_t(1), std::size_t(7), std::size_t(1000)}) {
      std::vector<int> hits(n, 0);
      for (int round = 0; round < 50; ++round)
        workers.run(n, 2, [&](std::size_t begin, std::size_t end) {
          for (std::size_t i = begin; i < end; ++i) ++hits[i];
        });
      CHECK(std::count(hits.begin(), hits.end(), 50) == std::ptrdiff_t(n));
    }
    // a helper's part (begin > 0) fails, or with one thread the only part
    CHECK_THROWS_WITH(workers.run(100, 1,
                                  [&](std::size_t begin, std::size_t) {
                                    if (begin > 0 || threads == 1) throw Error("test", "part failed");
                                  }),
                      Catch::Contains("part failed"));
  }
}
