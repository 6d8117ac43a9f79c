// Host side of the GPU search: its scoring rule, its tables, and its CPU twin.
#include <cmath>
#include <map>
#include <mutex>
#include <string>

#include "pollux/base/error.h"
#include "pollux/kernels/lattice_search.h"
#include "pollux/lattice/golay.h"

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

}  // namespace

std::uint32_t emulate_warp_search(const SearchRule& rule, const SearchTables& tables, const float* atom) {
  double x[kDim];
  for (int i = 0; i < kDim; ++i) {
    if (!std::isfinite(atom[i])) throw Error("kernels", "atom has a non-finite coordinate (NaN or Inf)");
    x[i] = scored_coordinate(rule, atom[i]);
  }
  double sign_sum[256], max_term[256];
  return search_steps(rule, tables, SerialWarp{}, x, sign_sum, max_term);
}

}  // namespace pollux::kernels
