// Host side of the GPU search: its scoring rule, its tables, and its CPU twin.
#include <algorithm>
#include <cmath>
#include <map>
#include <mutex>
#include <string>

#include "pollux/base/error.h"
#include "pollux/kernels/lattice_search.h"
#include "pollux/lattice/golay.h"
#include "pollux/lattice/row_projection.h"

namespace pollux::kernels {

SearchRule search_rule(const lattice::Quantizer& quantizer) {
  SearchRule rule{};
  for (int k = 0; k < 9; ++k) rule.weight[k] = quantizer.score_weights()[k];  // integer coordinates -4..4
  rule.three_excess = quantizer.three_excess();
  rule.fast_zero_threshold = quantizer.fast_zero_threshold();
  rule.sqrt32 = std::sqrt(32.0);
  rule.sqrt32_above = std::fma(rule.sqrt32, rule.sqrt32, -32.0) > 0.0;
  rule.leech = quantizer.codebook().variant() == lattice::CodebookVariant::leech;
  rule.bf16 = quantizer.scoring() == lattice::Scoring::reference_bf16;
  return rule;
}

namespace {

HostSearchTables build_tables(lattice::CodebookVariant variant) {
  HostSearchTables t;
  for (std::uint32_t m = 0; m < kMessages; ++m) {
    t.codewords.push_back(lattice::golay_encode(m));
    t.check_bits.push_back(std::uint16_t(lattice::golay_check_bits(m)));
  }
  for (std::uint32_t octad : lattice::golay_octads())
    for (int i = 0; i < kDim; ++i)
      if ((octad >> i) & 1) t.octads.push_back(std::uint8_t(i));
  const lattice::Codebook& codebook = lattice::Codebook::get(variant);
  VectorKey previous{0, 0};
  for (std::uint32_t idx = 1; idx < lattice::Codebook::kSize; ++idx) {
    VectorKey key;
    for (int i = 0; i < kDim; ++i) key_set(key, i, codebook.integer_row(idx)[i]);
    if (idx > 1 && !key_less(previous, key))
      throw Error("kernels", "the " + lattice::to_string(variant) + " shell is not sorted at row " + std::to_string(idx));
    t.keys.push_back(key.hi);
    t.keys.push_back(key.lo);
    previous = key;
  }
  return t;
}

}  // namespace

const HostSearchTables& host_search_tables(lattice::CodebookVariant variant) {
  static std::mutex mutex;
  static std::map<lattice::CodebookVariant, HostSearchTables> tables;
  std::lock_guard<std::mutex> lock(mutex);
  auto it = tables.find(variant);
  if (it == tables.end()) it = tables.emplace(variant, build_tables(variant)).first;
  return it->second;
}

namespace {

// The warp of search_steps as the 32 lanes one after another.
struct SerialWarp {
  template <typename F>
  void each(F f) const {
    for (int lane = 0; lane < kWarp; ++lane) f(lane);
  }
  void sync() const {}
  int slot(int lane) const { return lane; }
  template <typename F>
  double max(F f) const {
    double m = -INFINITY;
    for (int lane = 0; lane < kWarp; ++lane) m = greater(m, f(lane));
    return m;
  }
  template <typename F>
  LaneBest best(F f) const {
    LaneBest b = lane_best_none();
    for (int lane = 0; lane < kWarp; ++lane) b = better(b, f(lane));
    return b;
  }
};

// The scratch of one search with the atom's scored coordinates in it; throws for a NaN or Inf.
template <typename T>
SearchScratch<T> scratch_of(const SearchRule& rule, const float* atom) {
  SearchScratch<T> s;
  for (int i = 0; i < kDim; ++i) {
    if (!std::isfinite(atom[i])) throw Error("kernels", "atom has a non-finite coordinate (NaN or Inf)");
    s.x[i] = scored_coordinate(rule, atom[i]);
  }
  return s;
}

template <typename T>
lattice::CertifiedIndex certified_search(const SearchRule& rule, const SearchTables& tables, const float* atom) {
  if (rule.bf16) throw Error("kernels", "a certified search needs the exact scoring (lattice_search = exact)");
  SearchScratch<T> s = scratch_of<T>(rule, atom);
  NearKeys near[kWarp];
  return certified_search_steps(rule, tables, SerialWarp{}, s, near);
}

}  // namespace

std::uint32_t emulate_warp_search(const SearchRule& rule, const SearchTables& tables, const float* atom, FastPass pass) {
  if (pass == FastPass::float32) {
    SearchScratch<float> s = scratch_of<float>(rule, atom);
    return search_steps(rule, tables, SerialWarp{}, s);
  }
  SearchScratch<double> s = scratch_of<double>(rule, atom);
  return search_steps(rule, tables, SerialWarp{}, s);
}

lattice::CertifiedIndex emulate_certified_search(const SearchRule& rule, const SearchTables& tables, const float* atom,
                                                 FastPass pass) {
  return pass == FastPass::float32 ? certified_search<float>(rule, tables, atom) : certified_search<double>(rule, tables, atom);
}

std::size_t emulate_project_rows_incremental(const lattice::Quantizer& quantizer, const float* latent, std::size_t rows,
                                             std::size_t cols, std::uint32_t* indices, float* sigma,
                                             const DeviceSearchMemory& memory) {
  const SearchRule rule = search_rule(quantizer);
  const SearchTables tables = host_search_tables(quantizer.codebook().variant()).view();
  const std::size_t per_row = cols / kDim;
  std::size_t searched = 0;
  float atom[kDim];
  for (std::size_t r = 0; r < rows; ++r) {
    const float* row = latent + r * cols;
    const float s = sigma[r] = lattice::row_sigma(row, cols, r);
    for (std::size_t a = 0; a < per_row; ++a) {  // the GPU's check_kernel, then certified_search_kernel
      const std::size_t k = r * per_row + a;
      lattice::scaled_atom(row, a, s, atom);
      float* at_search = memory.atoms + k * kDim;
      lattice::CertifiedIndex& certificate = memory.certificates[k];
      if (!memory.fresh && certificate.index == indices[k] &&
          lattice::certificate_holds(at_search, atom, certificate, KeyCoordinates{tables.keys}))
        continue;
      certificate = emulate_certified_search(rule, tables, atom);
      indices[k] = certificate.index;
      std::copy(atom, atom + kDim, at_search);
      ++searched;
    }
  }
  memory.searched[0] = std::int32_t(searched);
  return searched;
}

}  // namespace pollux::kernels
