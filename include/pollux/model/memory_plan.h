// What a model costs before any of it is allocated (issue 15): a size larger than the machine
// is refused by name instead of failing inside an allocator. Plain C++, no LibTorch.
#pragma once

#include <cstdint>
#include <string>

#include "pollux/config/config.h"

namespace pollux {

// The parameters PolluxModel(c) allocates (model.cpp): tok_emb and head (V x d), pos_emb
// (T x d), per layer four d x d and two 4d x d matrices, two d gains and two 24-wide QK
// gains, and ln_f. In double so that absurd sizes cannot overflow.
double model_parameter_count(const ModelConfig& c);

// A lower bound of the host memory training `config` takes: 16 bytes per parameter (float32
// weight, gradient and the two Adam moments; pollux_step keeps more) and the logits of one
// micro-batch and their gradient (micro_batch x seq_len x vocab_size x 8 bytes; loss_chunk rows
// when the loss is chunked).
double training_bytes_lower_bound(const Config& config);

// The machine's physical memory in bytes (0 when it cannot be read).
std::uint64_t physical_memory_bytes();

// Throws pollux::Error(component, ...) naming the sizes when training `config` on the CPU
// needs more than the machine's physical memory. (A CUDA device is not checked here.)
void refuse_larger_than_memory(const Config& config, const std::string& component);

}  // namespace pollux
