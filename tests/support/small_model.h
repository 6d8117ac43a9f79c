// The small model shapes unit tests build: widths a multiple of 24 and, by default, the bytes
// vocabulary (257 ids) padded to 264, so 7 padded ids are masked.
#pragma once

#include "pollux/config/config.h"

namespace pollux::test {

inline ModelConfig small_model(int n_layers, int seq_len, int n_embd = 48, int vocab_size = 264, int tokenizer_vocab_size = 257) {
  ModelConfig c;
  c.n_layers = n_layers;
  c.seq_len = seq_len;
  c.n_embd = n_embd;
  c.vocab_size = vocab_size;
  c.tokenizer_vocab_size = tokenizer_vocab_size;
  return c;
}

}  // namespace pollux::test
