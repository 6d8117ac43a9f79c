// y = x W^T over rows of codebook atoms (see lut_model.h). The SIMD kernels are compiled with
// target attributes and chosen at run time, so the binary runs on any x86-64.
#include <algorithm>
#include <array>
#include <cstring>

#include "pollux/base/error.h"
#include "pollux/infer/lut_model.h"
#include "pollux/infer/shell_code.h"
#include "pollux/infer/workers.h"
#include "pollux/lattice/constants.h"
#include "pollux/lattice/index_packing.h"

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define POLLUX_INFER_X86 1
#endif

namespace pollux::infer {
namespace {

constexpr int kDim = lattice::kAtomDim;
constexpr std::size_t kTokenBlock = 4;  // decode: tokens sharing one pass over a row's atoms
constexpr std::size_t kTileFrom = 8;    // from this many tokens on, rows are decoded in tiles
constexpr std::size_t kTileRows = 32;   // rows of a decoded tile (float32, k-major)
constexpr std::size_t kAhead = 8;       // atoms to prefetch ahead: codebook rows are random reads

// ---- decode: per row, the dot products of its atoms with up to kTokenBlock tokens ----------

void row_portable(RowMatrix::Atoms at, std::size_t per_row, std::size_t cols, const float* x, std::size_t pb, float* acc) {
  for (std::size_t a = 0; a < per_row; ++a) {
    const std::int8_t* c = at.table + std::size_t(at.index[a]) * kDim;
    for (std::size_t p = 0; p < pb; ++p) {
      const float* xa = x + p * cols + a * kDim;
      float s = 0;
      for (int k = 0; k < kDim; ++k) s += float(c[k]) * xa[k];
      acc[p] += s;
    }
  }
}

#ifdef POLLUX_INFER_X86
__attribute__((target("avx2,fma"))) inline float hsum(__m256 v) {
  __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
  s = _mm_add_ps(s, _mm_movehl_ps(s, s));
  s = _mm_add_ss(s, _mm_shuffle_ps(s, s, 1));
  return _mm_cvtss_f32(s);
}

// Three accumulators per token (one per 8-wide third of an atom) so consecutive atoms do not
// wait on each other's FMA.
template <int PB>
__attribute__((target("avx2,fma"))) void row_avx2(RowMatrix::Atoms at, std::size_t per_row, std::size_t cols, const float* x,
                                                  float* out) {
  __m256 acc[PB][3];
  for (int p = 0; p < PB; ++p) acc[p][0] = acc[p][1] = acc[p][2] = _mm256_setzero_ps();
  for (std::size_t a = 0; a < per_row; ++a) {
    if (a + kAhead < per_row)
      _mm_prefetch(reinterpret_cast<const char*>(at.table + std::size_t(at.index[a + kAhead]) * kDim), _MM_HINT_T0);
    const std::int8_t* c = at.table + std::size_t(at.index[a]) * kDim;
    const __m128i lo = _mm_loadu_si128(reinterpret_cast<const __m128i*>(c));
    const __m128i hi = _mm_loadl_epi64(reinterpret_cast<const __m128i*>(c + 16));
    const __m256 w0 = _mm256_cvtepi32_ps(_mm256_cvtepi8_epi32(lo));
    const __m256 w1 = _mm256_cvtepi32_ps(_mm256_cvtepi8_epi32(_mm_srli_si128(lo, 8)));
    const __m256 w2 = _mm256_cvtepi32_ps(_mm256_cvtepi8_epi32(hi));
    for (int p = 0; p < PB; ++p) {
      const float* xa = x + std::size_t(p) * cols + a * kDim;
      acc[p][0] = _mm256_fmadd_ps(w0, _mm256_loadu_ps(xa), acc[p][0]);
      acc[p][1] = _mm256_fmadd_ps(w1, _mm256_loadu_ps(xa + 8), acc[p][1]);
      acc[p][2] = _mm256_fmadd_ps(w2, _mm256_loadu_ps(xa + 16), acc[p][2]);
    }
  }
  for (int p = 0; p < PB; ++p) out[p] = hsum(_mm256_add_ps(_mm256_add_ps(acc[p][0], acc[p][1]), acc[p][2]));
}

// An atom as one 16-wide and one 8-wide vector: two FMAs per atom and token instead of three.
template <int PB>
__attribute__((target("avx512f,avx2,fma"))) void row_avx512(RowMatrix::Atoms at, std::size_t per_row, std::size_t cols,
                                                            const float* x, float* out) {
  __m512 acc16[PB];
  __m256 acc8[PB];
  for (int p = 0; p < PB; ++p) {
    acc16[p] = _mm512_setzero_ps();
    acc8[p] = _mm256_setzero_ps();
  }
  for (std::size_t a = 0; a < per_row; ++a) {
    if (a + kAhead < per_row)
      _mm_prefetch(reinterpret_cast<const char*>(at.table + std::size_t(at.index[a + kAhead]) * kDim), _MM_HINT_T0);
    const std::int8_t* c = at.table + std::size_t(at.index[a]) * kDim;
    // (the maskz forms: GCC 12's plain ones warn of an uninitialised pass-through operand)
    const __m512 w0 = _mm512_maskz_cvtepi32_ps(
        0xFFFF, _mm512_maskz_cvtepi8_epi32(0xFFFF, _mm_loadu_si128(reinterpret_cast<const __m128i*>(c))));
    const __m256 w1 = _mm256_cvtepi32_ps(_mm256_cvtepi8_epi32(_mm_loadl_epi64(reinterpret_cast<const __m128i*>(c + 16))));
    for (int p = 0; p < PB; ++p) {
      const float* xa = x + std::size_t(p) * cols + a * kDim;
      acc16[p] = _mm512_fmadd_ps(w0, _mm512_loadu_ps(xa), acc16[p]);
      acc8[p] = _mm256_fmadd_ps(w1, _mm256_loadu_ps(xa + 16), acc8[p]);
    }
  }
  for (int p = 0; p < PB; ++p) {
    alignas(64) float lanes[16];
    _mm512_store_ps(lanes, acc16[p]);
    out[p] = hsum(_mm256_add_ps(_mm256_add_ps(_mm256_load_ps(lanes), _mm256_load_ps(lanes + 8)), acc8[p]));
  }
}
#endif

template <template <int> class Row>
void rows_blocked(const RowMatrix& w, const float* x, std::size_t count, float* y, std::size_t r0, std::size_t r1) {
  const std::size_t per_row = w.per_row();
  std::vector<std::uint32_t> scratch(per_row);
  for (std::size_t r = r0; r < r1; ++r) {
    const RowMatrix::Atoms at = w.atoms(r, scratch.data());
    for (std::size_t p0 = 0; p0 < count; p0 += kTokenBlock) {
      const std::size_t pb = std::min(kTokenBlock, count - p0);
      float acc[kTokenBlock] = {};
      const float* xp = x + p0 * w.cols;
      switch (pb) {
        case 4: Row<4>::run(at, per_row, w.cols, xp, acc); break;
        case 3: Row<3>::run(at, per_row, w.cols, xp, acc); break;
        case 2: Row<2>::run(at, per_row, w.cols, xp, acc); break;
        default: Row<1>::run(at, per_row, w.cols, xp, acc); break;
      }
      for (std::size_t p = 0; p < pb; ++p) y[(p0 + p) * w.rows + r] = acc[p] * w.scale[r];
    }
  }
}

template <int PB>
struct RowPortable {
  static void run(RowMatrix::Atoms at, std::size_t per_row, std::size_t cols, const float* x, float* out) {
    row_portable(at, per_row, cols, x, PB, out);
  }
};
#ifdef POLLUX_INFER_X86
template <int PB>
struct RowAvx2 {
  static void run(RowMatrix::Atoms at, std::size_t per_row, std::size_t cols, const float* x, float* out) {
    row_avx2<PB>(at, per_row, cols, x, out);
  }
};
template <int PB>
struct RowAvx512 {
  static void run(RowMatrix::Atoms at, std::size_t per_row, std::size_t cols, const float* x, float* out) {
    row_avx512<PB>(at, per_row, cols, x, out);
  }
};
#endif

// ---- prefill: a tile of kTileRows rows decoded once, then multiplied with every token -----

// tile[k * kTileRows + j] = integer coordinate k of row r0 + j (0 past the last row). Atom by
// atom across the rows, so the stores of one atom (24 x kTileRows floats) stay in L1.
void decode_tile(const RowMatrix& w, std::size_t r0, std::uint32_t* scratch, float* tile) {
  const std::size_t per_row = w.per_row(), valid = std::min(kTileRows, w.rows - r0);
  if (valid < kTileRows) std::fill(tile, tile + w.cols * kTileRows, 0.0f);
  if (!w.shell.empty()) {  // shell codes: a record holds one atom of 16 rows
    const std::vector<std::uint32_t>& index_of = shell::recoding(w.variant).index_of_code;
    for (std::size_t a = 0; a < per_row; ++a) {
      float* t = tile + a * kDim * kTileRows;
      for (std::size_t j = 0; j < valid; ++j) {
        const std::int8_t* c = w.table + std::size_t(index_of[shell::code_at(w.shell.data(), per_row, r0 + j, a)]) * kDim;
        for (int k = 0; k < kDim; ++k) t[k * kTileRows + j] = float(c[k]);
      }
    }
    return;
  }
  RowMatrix::Atoms rows[kTileRows];
  for (std::size_t j = 0; j < valid; ++j) rows[j] = w.atoms(r0 + j, scratch + j * per_row);
  for (std::size_t a = 0; a < per_row; ++a) {
    float* t = tile + a * kDim * kTileRows;
    for (std::size_t j = 0; j < valid; ++j) {
      if (a + 1 < per_row) __builtin_prefetch(rows[j].table + std::size_t(rows[j].index[a + 1]) * kDim);
      const std::int8_t* c = rows[j].table + std::size_t(rows[j].index[a]) * kDim;
      for (int k = 0; k < kDim; ++k) t[k * kTileRows + j] = float(c[k]);
    }
  }
}

// out[t * kTileRows + j] = sum_k x[t][k] tile[k][j] for T tokens: one broadcast of x per
// token and column, FMAs along the tile's rows.
template <int T>
void tile_portable(const float* tile, const float* x, std::size_t cols, float* out) {
  float acc[T][kTileRows] = {};
  for (std::size_t k = 0; k < cols; ++k) {
    const float* wk = tile + k * kTileRows;
    for (int t = 0; t < T; ++t) {
      const float xv = x[t * cols + k];
      for (std::size_t j = 0; j < kTileRows; ++j) acc[t][j] += xv * wk[j];
    }
  }
  std::memcpy(out, acc, sizeof acc);
}

#ifdef POLLUX_INFER_X86
template <int T>  // T <= 3: 12 accumulators of 8
__attribute__((target("avx2,fma"))) void tile_avx2(const float* tile, const float* x, std::size_t cols, float* out) {
  __m256 acc[T][4];
  for (int t = 0; t < T; ++t) acc[t][0] = acc[t][1] = acc[t][2] = acc[t][3] = _mm256_setzero_ps();
  for (std::size_t k = 0; k < cols; ++k) {
    const float* wk = tile + k * kTileRows;
    const __m256 w0 = _mm256_loadu_ps(wk), w1 = _mm256_loadu_ps(wk + 8), w2 = _mm256_loadu_ps(wk + 16),
                 w3 = _mm256_loadu_ps(wk + 24);
    for (int t = 0; t < T; ++t) {
      const __m256 xv = _mm256_broadcast_ss(x + t * cols + k);
      acc[t][0] = _mm256_fmadd_ps(xv, w0, acc[t][0]);
      acc[t][1] = _mm256_fmadd_ps(xv, w1, acc[t][1]);
      acc[t][2] = _mm256_fmadd_ps(xv, w2, acc[t][2]);
      acc[t][3] = _mm256_fmadd_ps(xv, w3, acc[t][3]);
    }
  }
  for (int t = 0; t < T; ++t)
    for (int q = 0; q < 4; ++q) _mm256_storeu_ps(out + t * kTileRows + 8 * q, acc[t][q]);
}

template <int T>  // T <= 6: 12 accumulators of 16
__attribute__((target("avx512f,avx2,fma"))) void tile_avx512(const float* tile, const float* x, std::size_t cols, float* out) {
  __m512 acc[T][2];
  for (int t = 0; t < T; ++t) acc[t][0] = acc[t][1] = _mm512_setzero_ps();
  for (std::size_t k = 0; k < cols; ++k) {
    const float* wk = tile + k * kTileRows;
    const __m512 w0 = _mm512_loadu_ps(wk), w1 = _mm512_loadu_ps(wk + 16);
    for (int t = 0; t < T; ++t) {
      const __m512 xv = _mm512_set1_ps(x[t * cols + k]);
      acc[t][0] = _mm512_fmadd_ps(xv, w0, acc[t][0]);
      acc[t][1] = _mm512_fmadd_ps(xv, w1, acc[t][1]);
    }
  }
  for (int t = 0; t < T; ++t) {
    _mm512_storeu_ps(out + t * kTileRows, acc[t][0]);
    _mm512_storeu_ps(out + t * kTileRows + 16, acc[t][1]);
  }
}
#endif

using TileFn = void (*)(const float*, const float*, std::size_t, float*);

template <template <int> class Tile, int... T>
constexpr std::array<TileFn, sizeof...(T)> tile_table() {
  return {&Tile<T>::run...};
}

template <int T>
struct TilePortable {
  static void run(const float* tile, const float* x, std::size_t cols, float* out) { tile_portable<T>(tile, x, cols, out); }
};
#ifdef POLLUX_INFER_X86
template <int T>
struct TileAvx2 {
  static void run(const float* tile, const float* x, std::size_t cols, float* out) { tile_avx2<T>(tile, x, cols, out); }
};
template <int T>
struct TileAvx512 {
  static void run(const float* tile, const float* x, std::size_t cols, float* out) { tile_avx512<T>(tile, x, cols, out); }
};
#endif

// fns[t - 1] multiplies t tokens; fns.size() is the widest token block.
template <std::size_t N>
void tiles(const RowMatrix& w, const float* x, std::size_t count, float* y, std::size_t t0, std::size_t t1,
           const std::array<TileFn, N>& fns) {
  std::vector<float> tile(w.cols * kTileRows), out(N * kTileRows);
  std::vector<std::uint32_t> scratch(kTileRows * w.per_row());
  for (std::size_t ti = t0; ti < t1; ++ti) {
    const std::size_t r0 = ti * kTileRows, valid = std::min(kTileRows, w.rows - r0);
    decode_tile(w, r0, scratch.data(), tile.data());
    for (std::size_t p0 = 0; p0 < count; p0 += N) {
      const std::size_t pb = std::min(N, count - p0);
      fns[pb - 1](tile.data(), x + p0 * w.cols, w.cols, out.data());
      for (std::size_t p = 0; p < pb; ++p)
        for (std::size_t j = 0; j < valid; ++j) y[(p0 + p) * w.rows + r0 + j] = out[p * kTileRows + j] * w.scale[r0 + j];
    }
  }
}

}  // namespace

bool kernel_supported(Kernel kernel) {
  switch (kernel) {
    case Kernel::automatic:
    case Kernel::portable: return true;
#ifdef POLLUX_INFER_X86
    case Kernel::avx2: return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    case Kernel::avx512: return __builtin_cpu_supports("avx512f") && kernel_supported(Kernel::avx2);
#endif
    default: return false;
  }
}

Kernel resolve_kernel(Kernel kernel) {
  if (kernel == Kernel::automatic)
    return kernel_supported(Kernel::avx512) ? Kernel::avx512 : kernel_supported(Kernel::avx2) ? Kernel::avx2 : Kernel::portable;
  if (!kernel_supported(kernel))
    throw Error("infer", "the " + to_string(kernel) + " kernel needs a CPU that has it; this one lacks it");
  return kernel;
}

std::string to_string(Kernel kernel) {
  switch (kernel) {
    case Kernel::portable: return "portable";
    case Kernel::avx2: return "avx2";
    case Kernel::avx512: return "avx512";
    default: return "auto";
  }
}

Kernel parse_kernel(const std::string& text, const std::string& what) {
  for (Kernel k : {Kernel::automatic, Kernel::portable, Kernel::avx2, Kernel::avx512})
    if (text == to_string(k)) return k;
  throw Error("infer", what + " '" + text + "': expected auto, portable, avx2 or avx512");
}

IndexForm resolve_index_form(IndexForm form) {
  if (form != IndexForm::automatic) return form;
  return kernel_supported(Kernel::avx512) ? IndexForm::shell : IndexForm::packed;
}

std::string to_string(IndexForm form) {
  switch (form) {
    case IndexForm::packed: return "packed";
    case IndexForm::unpacked: return "unpacked";
    case IndexForm::shell: return "shell";
    default: return "auto";
  }
}

IndexForm parse_index_form(const std::string& text, const std::string& what) {
  for (IndexForm f : {IndexForm::automatic, IndexForm::packed, IndexForm::unpacked, IndexForm::shell})
    if (text == to_string(f)) return f;
  throw Error("infer", what + " '" + text + "': expected auto, packed, unpacked or shell");
}

std::string to_string(KvCache kv) { return kv == KvCache::float16 ? "float16" : "float32"; }

KvCache parse_kv_cache(const std::string& text, const std::string& what) {
  for (KvCache kv : {KvCache::float32, KvCache::float16})
    if (text == to_string(kv)) return kv;
  throw Error("infer", what + " '" + text + "': expected float32 or float16");
}

RowMatrix::Atoms RowMatrix::atoms(std::size_t r, std::uint32_t* scratch) const {
  const std::size_t n = per_row();
  if (!own_table.empty()) return {own_table.data() + r * cols, index.data()};
  if (!index.empty()) return {table, &index[r * n]};
  if (r * n % lattice::kIndicesPerGroup == 0) {  // the row starts a 4-index group (n a multiple of 4: every model size)
    lattice::unpack_indices(packed.data() + lattice::packed_size(r * n), n, scratch);
  } else {
    for (std::size_t a = 0; a < n; ++a) scratch[a] = lattice::unpack_index(packed.data(), r * n + a);
  }
  return {table, scratch};
}

void RowMatrix::row_int8(std::size_t r, std::int8_t* out) const {
  if (!shell.empty()) {  // the codebook row of each code
    const std::vector<std::uint32_t>& index_of = shell::recoding(variant).index_of_code;
    for (std::size_t a = 0; a < per_row(); ++a)
      std::memcpy(out + a * kDim, table + std::size_t(index_of[shell::code_at(shell.data(), per_row(), r, a)]) * kDim, kDim);
    return;
  }
  std::vector<std::uint32_t> scratch(per_row());
  const Atoms at = atoms(r, scratch.data());
  for (std::size_t a = 0; a < per_row(); ++a) std::memcpy(out + a * kDim, at.table + std::size_t(at.index[a]) * kDim, kDim);
}

void RowMatrix::row(std::size_t r, float* out) const {
  if (!dense.empty()) {
    std::memcpy(out, &dense[r * cols], cols * sizeof(float));
    return;
  }
  std::vector<std::int8_t> coords(cols);
  row_int8(r, coords.data());
  for (std::size_t k = 0; k < cols; ++k) out[k] = float(coords[k]) * scale[r];
}

std::size_t RowMatrix::bytes() const {
  return dense.size() * sizeof(float) + packed.size() + shell.size() + index.size() * sizeof(std::uint32_t) + own_table.size() +
         scale.size() * sizeof(float);
}

void matmul(const RowMatrix& w, const float* x, std::size_t count, float* y, Workers& workers, Kernel kernel) {
  kernel = resolve_kernel(kernel);
  if (count >= kTileFrom) {
    const std::size_t n_tiles = (w.rows + kTileRows - 1) / kTileRows;
    workers.run(n_tiles, 1, [&](std::size_t t0, std::size_t t1) {
#ifdef POLLUX_INFER_X86
      if (kernel == Kernel::avx512) return tiles(w, x, count, y, t0, t1, tile_table<TileAvx512, 1, 2, 3, 4, 5, 6>());
      if (kernel == Kernel::avx2) return tiles(w, x, count, y, t0, t1, tile_table<TileAvx2, 1, 2, 3>());
#endif
      tiles(w, x, count, y, t0, t1, tile_table<TilePortable, 1, 2, 3, 4>());
    });
    return;
  }
  if (!w.shell.empty()) {  // per token: its activation tables, then groups of 16 rows split over threads
    const std::size_t per_row = w.per_row(), groups = (w.rows + shell::kGroupRows - 1) / shell::kGroupRows;
    std::vector<float> blocks(count * per_row * shell::kBlockFloats);
    for (std::size_t p = 0; p < count; ++p) {
      float* b = &blocks[p * per_row * shell::kBlockFloats];
      if (kernel == Kernel::avx512)
        shell::build_blocks_avx512(x + p * w.cols, per_row, b);
      else
        shell::build_blocks(x + p * w.cols, per_row, b);
    }
    const shell::Matrix m{w.shell.data(), w.rows, per_row, w.scale.data(), w.variant};
    workers.run(groups, 4, [&](std::size_t g0, std::size_t g1) {
      for (std::size_t p = 0; p < count; ++p) {
        const float* b = &blocks[p * per_row * shell::kBlockFloats];
        if (kernel == Kernel::avx512)
          shell::rows_avx512(m, b, y + p * w.rows, g0, g1);
        else
          shell::rows_portable(m, b, y + p * w.rows, g0, g1);
      }
    });
    return;
  }
  workers.run(w.rows, 64, [&](std::size_t r0, std::size_t r1) {
#ifdef POLLUX_INFER_X86
    if (kernel == Kernel::avx512) return rows_blocked<RowAvx512>(w, x, count, y, r0, r1);
    if (kernel == Kernel::avx2) return rows_blocked<RowAvx2>(w, x, count, y, r0, r1);
#endif
    rows_blocked<RowPortable>(w, x, count, y, r0, r1);
  });
}

}  // namespace pollux::infer
