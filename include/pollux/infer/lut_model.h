// Matrix-free inference on a .plx model (issue 12): every lattice matrix stays as its
// codebook indices and y = W x is computed per row as
//   y_r = sigma_r * s_lattice / sqrt(8) * sum_atoms <codebook_int8[idx], x_atom>
// (the codebook in integer coordinates, spec section 2; its 1/sqrt(8) folded into the row
// scale). No dense lattice matrix is ever built and no LibTorch is linked. The forward
// pass is the one of spec section 4 (pre-norm blocks, per-head RMSNorm on q and k, head
// width 24, learned positions, exact erf GELU), with a float32 KV cache (or float16, to
// halve its memory).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "pollux/lattice/constants.h"
#include "pollux/lattice/plx.h"

namespace pollux::infer {

struct ModelShape {
  int n_layers = 0, n_embd = 0, seq_len = 0, vocab_size = 0, tokenizer_vocab_size = 0;
  std::string tokenizer;  // "bytes", "gpt2" or "none"
  int plx_version = 5;    // of the file it was read from
  int n_heads() const { return n_embd / lattice::kAtomDim; }
};

// How a lattice matrix's 18-bit indices are held in memory: as in the file (2.25 bytes per
// atom, each row unpacked as it is read), unpacked once at load into uint32 (4 bytes), or
// recoded at load into shell codes (2.25 bytes, shell_code.h: products by table look-ups,
// no codebook reads). automatic: shell where the CPU has AVX-512 (its kernel is the fast
// one), else packed.
enum class IndexForm { automatic, packed, unpacked, shell };
IndexForm resolve_index_form(IndexForm form);
std::string to_string(IndexForm form);
IndexForm parse_index_form(const std::string& text, const std::string& what);

// How the KV cache holds keys and values: float32 (the logits equal the dense runtime's to
// float rounding) or IEEE float16 (half the memory; each key and value rounded once).
enum class KvCache { float32, float16 };
std::string to_string(KvCache kv);
KvCache parse_kv_cache(const std::string& text, const std::string& what);

// A matrix as rows of 24-wide atoms: atom a of row r is table[index of (r, a)] (24 int8),
// times scale[r]; with shell codes the index is recoding(variant).index_of_code[code]. Lattice matrices point into the codebook's
// integer table; the INT8 rows of a v4 file (tok_emb, head) hold their own table, row r's atoms being its rows r * per_row + a.
// A plain float32 matrix (pos_emb in v4) keeps `dense` instead and is only looked up by row.
struct RowMatrix {
  std::size_t rows = 0, cols = 0;
  const std::int8_t* table = nullptr;
  std::vector<std::int8_t> own_table;
  std::vector<std::uint8_t> packed;  // IndexForm::packed
  std::vector<std::uint32_t> index;  // IndexForm::unpacked; 0 .. per_row - 1 with own_table
  std::vector<std::uint8_t> shell;   // IndexForm::shell: shell codes in groups of 16 rows
  lattice::CodebookVariant variant = lattice::CodebookVariant::leech;
  std::vector<float> scale;
  std::vector<float> dense;

  std::size_t per_row() const { return cols / lattice::kAtomDim; }
  // Row r as table rows: the table base and its per_row() indices (unpacked into `scratch`,
  // per_row() long, when packed). Not for shell codes: see row_int8.
  struct Atoms {
    const std::int8_t* table;
    const std::uint32_t* index;
  };
  Atoms atoms(std::size_t r, std::uint32_t* scratch) const;
  void row_int8(std::size_t r, std::int8_t* out) const;  // row r's integer coordinates (cols)
  void row(std::size_t r, float* out) const;             // decodes one row (embedding look-up)
  std::size_t bytes() const;                             // what one pass over the matrix reads
};

// Which inner product kernel runs: the widest the CPU has (checked at run time: AVX-512F,
// else AVX2 + FMA), or portable C++. The SIMD kernels are compiled with target attributes,
// so the binary runs on any x86-64. Exposed so tests and the benchmark can compare them.
// On shell codes the avx512 kernel is the SIMD one; avx2 and portable run its scalar twin.
enum class Kernel { automatic, portable, avx2, avx512 };
bool kernel_supported(Kernel kernel);
Kernel resolve_kernel(Kernel kernel);  // automatic -> the widest; throws pollux::Error if unsupported
std::string to_string(Kernel kernel);
Kernel parse_kernel(const std::string& text, const std::string& what);

class Workers;  // workers.h

// y (count x rows) = x (count x cols) W^T, rows split over `workers`. One token (or a few):
// each row's indices are read once for all of them. Many tokens (prefill): a tile of rows is
// decoded into float32 once and multiplied with every token while it sits in cache.
void matmul(const RowMatrix& w, const float* x, std::size_t count, float* y, Workers& workers, Kernel kernel = Kernel::automatic);

class LutModel {
 public:
  // Checks the whole file before any computation: config, every tensor's presence and
  // shape, every index inside the file's codebook. Throws pollux::Error naming `source`.
  // The rvalue form frees each tensor of `file` once converted, so the file and the model
  // are never both resident (peak memory).
  static LutModel from_plx(const lattice::PlxFile& file, const std::string& source, IndexForm form = IndexForm::automatic);
  static LutModel from_plx(lattice::PlxFile&& file, const std::string& source, IndexForm form = IndexForm::automatic);
  static LutModel load(const std::string& path, IndexForm form = IndexForm::automatic);

  const ModelShape& shape() const { return shape_; }
  std::size_t weight_bytes() const;  // bytes read per decoded token (all matrices, gains)
  LutModel();
  LutModel(LutModel&&) noexcept;
  LutModel& operator=(LutModel&&) noexcept;
  ~LutModel();
  void set_threads(int threads);  // <= 0: one per core (the default)
  void set_kernel(Kernel kernel) { kernel_ = resolve_kernel(kernel); }
  void set_kv_cache(KvCache kv) { kv_cache_ = kv; }  // before the first forward pass of a cache

  // Keys and values of the positions seen so far, per layer seq_len x n_embd, float32 (k, v)
  // or float16 (k16, v16) as the model's KvCache says, allocated uninitialised on first use:
  // pages become resident only as positions fill them. length = 0 starts a new sequence and
  // keeps the buffers.
  struct Cache {
    std::vector<std::unique_ptr<float[]>> k, v;
    std::vector<std::unique_ptr<std::uint16_t[]>> k16, v16;
    std::size_t length = 0;
  };

  // Runs `count` tokens after the cached positions (prefill when count > 1) and writes the
  // unmasked logits of each (count x vocab_size) or, when all_logits is false, of the last
  // only (vocab_size). Throws pollux::Error past seq_len. Long inputs run in chunks of
  // kChunk tokens, which bounds the activations' memory. One call at a time per model: the
  // model's helper threads serve one pass.
  void forward(const std::uint32_t* tokens, std::size_t count, Cache& cache, float* logits, bool all_logits = true) const;
  static constexpr std::size_t kChunk = 128;

 private:
  struct Block {
    std::vector<float> ln1, q_ln, k_ln, ln2;
    RowMatrix q, k, v, o, fc1, fc2;
  };
  static LutModel build(const lattice::PlxFile& file, lattice::PlxFile* owned, const std::string& source, IndexForm form);
  void forward_chunk(const std::uint32_t* tokens, std::size_t count, Cache& cache, float* logits, bool all_logits) const;
  ModelShape shape_;
  RowMatrix tok_emb_, pos_emb_, head_;
  std::vector<Block> blocks_;
  std::vector<float> ln_f_;
  int threads_ = 0;
  mutable std::unique_ptr<Workers> workers_;  // started on the first forward pass
  Kernel kernel_ = Kernel::automatic;
  KvCache kv_cache_ = KvCache::float32;
};

}  // namespace pollux::infer
