#include "pollux/model/memory_plan.h"

#include <unistd.h>

#include <algorithm>
#include <cstdio>

#include "pollux/base/error.h"

namespace pollux {

double model_parameter_count(const ModelConfig& c) {
  const double d = c.n_embd, V = c.vocab_size, T = c.seq_len, L = c.n_layers;
  return 2 * V * d + T * d + L * (12 * d * d + 2 * d + 2 * 24) + d;
}

double training_bytes_lower_bound(const Config& config) {
  const ModelConfig& m = config.model;
  const double rows = double(config.micro_batch) * m.seq_len;  // token rows of the logits
  const double logit_rows = config.loss_chunk > 0 ? std::min(rows, double(config.loss_chunk)) : rows;
  return 16 * model_parameter_count(m) + 8 * logit_rows * m.vocab_size;
}

std::uint64_t physical_memory_bytes() {
  const long pages = ::sysconf(_SC_PHYS_PAGES), page = ::sysconf(_SC_PAGESIZE);
  return pages > 0 && page > 0 ? std::uint64_t(pages) * std::uint64_t(page) : 0;
}

void refuse_larger_than_memory(const Config& config, const std::string& component) {
  if (config.device != Device::cpu) return;
  const double need = training_bytes_lower_bound(config), have = double(physical_memory_bytes());
  if (have <= 0 || need <= have) return;
  char text[320];
  std::snprintf(text, sizeof text,
                "training this model needs at least %.3g GB (%.4g parameters x 16 bytes and the logits of one micro-batch) "
                "but this machine has %.3g GB of memory: reduce n_layers, n_embd, vocab_size, seq_len or micro_batch",
                need / 1e9, model_parameter_count(config.model), have / 1e9);
  throw Error(component, text);
}

}  // namespace pollux
