// Loading a trained model for inference from a .plx file (v4 or v5) or a training
// checkpoint, and packing a checkpoint into a .plx file.
#pragma once

#include <ATen/ATen.h>

#include <memory>
#include <string>
#include <vector>

#include "pollux/io/checkpoint.h"
#include "pollux/lattice/plx.h"
#include "pollux/model/model.h"

namespace pollux {

struct LoadedModel {
  ModelConfig config;
  std::string tokenizer;    // "bytes" or "gpt2"
  std::string codebook;     // variant the lattice weights index
  std::string kind;         // "plx v4", "plx v5" or "checkpoint"
  int activation_bits = 0;  // quantizer = ternary: the model quantizes its linears' inputs (0 or 8)
  bool ternary = false;     // quantizer = ternary (a .plx file's matrices are then the ternary kind)
  std::unique_ptr<PolluxModel> model;
};

// Reads FILE (a .plx by its magic, else an HDF5 checkpoint) onto `device`. Throws
// pollux::Error naming the file for anything truncated, corrupt or inconsistent, and naming
// the tensor for weights that are not finite or a tensor stored as a kind the model does not
// hold there (a float32 tensor where a ternary matrix belongs).
LoadedModel load_model(const std::string& path, at::Device device);

// The .plx file of a checkpoint's lattice model. Lossless for the forward weights: it stores
// the checkpoint's own indices, and row scales rounded to float16 (no re-quantization).
// version 5: every lattice matrix as indices + sigma; version 4: the reference layout
// (tok_emb and head as INT8 + row max-abs), allowed only for the pollux-v4 codebook.
// quantizer = ternary (version 5 only): every lattice() matrix as the ternary kind (its trits
// and gamma, plx.h), exactly the forward weights the latents give.
lattice::PlxFile pack_checkpoint(const Checkpoint& checkpoint, int version);

// Reads a .plx image as load_model does before it allocates anything (the container, the
// config and the size of every tensor against it); throws the reader's pollux::Error naming `path`. pollux-pack calls it
// before the image replaces anything at `path`.
void check_plx_image(const std::vector<std::uint8_t>& bytes, const std::string& path);

}  // namespace pollux
