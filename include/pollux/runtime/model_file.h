// Loading a trained model for inference from a .plx file (v4 or v5) or a training
// checkpoint, and packing a checkpoint into a .plx file.
#pragma once

#include <ATen/ATen.h>

#include <memory>
#include <string>
#include <vector>

#include "pollux/io/checkpoint.h"
#include "pollux/lattice/deployed.h"
#include "pollux/lattice/plx.h"
#include "pollux/model/model.h"

namespace pollux {

struct LoadedModel {
  ModelConfig config;
  std::string tokenizer;    // "bytes" or "gpt2"
  std::string codebook;     // variant the lattice weights index
  std::string kind;         // "plx v4", "plx v5" or "checkpoint"
  int activation_bits = 0;  // the model quantizes its linears' inputs (0 or 8): ternary, or none's ptq_activation_bits
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
// quantizer = ternary (version 5 only): every quantized_matrix() parameter as the ternary kind (its trits
// and gamma, plx.h), exactly the forward weights the latents give.
// scope = backbone: tok_emb, pos_emb and head as X.weight_int8 + X.mu_rows, the int8 rows of
// their latents (model/int8_rows.h), which decode to the training forward weights bit for
// bit (version 4: pos_emb as float32 of those weights, as the reference layout has it).
// Errors name `path`, the checkpoint's file.
lattice::PlxFile pack_checkpoint(const Checkpoint& checkpoint, int version, const std::string& path = "the checkpoint");

// The one byte rule (lattice/deployed.h) for a model of configuration `config` whose
// tensors are described by `tensors` (names, shapes, kinds): the bytes of the .plx file of
// that version holding them, config JSON included (the one pack_checkpoint writes, whose
// bits_per_param is the backbone's from the same description).
std::uint64_t deployed_bytes(const Config& config, const std::vector<lattice::DeployedTensor>& tensors, int version = 5);
// A checkpoint's model described as pack_checkpoint stores it, from its configuration alone:
// lattice matrices as indices + sigma (version 4: tok_emb and head as int8 rows, pos_emb
// f32), ternary ones as the ternary kind, the rest f32. A continuous checkpoint
// (quantizer = none), which no .plx holds, is described as f32 tensors: what its weights
// take in such records.
std::vector<lattice::DeployedTensor> deployed_tensors(const Checkpoint& checkpoint, int version = 5);

// Reads a .plx image as load_model does before it allocates anything (the container, the
// config and the size of every tensor against it); throws the reader's pollux::Error naming `path`. pollux-pack calls it
// before the image replaces anything at `path`.
void check_plx_image(const std::vector<std::uint8_t>& bytes, const std::string& path);

}  // namespace pollux
