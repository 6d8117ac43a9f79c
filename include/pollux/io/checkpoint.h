// Training checkpoints in HDF5, readable from Python with h5py:
//
//   /                  attributes: format = "pollux-checkpoint", format_version = 2,
//                      step, tokens_seen, sampler_seed, sampler_counter, heat,
//                      world_size (ranks of the run that wrote it; absent = 1),
//                      codebook, codebook_sha256 (of the float32 table), config_json,
//                      attributes_sha256 (over all of these and every /config attribute)
//   /config            one string attribute per configuration key (as in configs/*.ini)
//   /weights/<param>   float32 forward weights of parameters that are not lattice matrices
//                      (the gains; every parameter when quantizer = none; the latents when
//                      quantizer = ternary; with scope = backbone, tok_emb, pos_emb and head's
//                      int8 rows, whose latents a lattice model keeps in /optimizer/latent)
//   /optimizer/indices/<param>  int32 (rows x cols/24) codebook indices of a lattice matrix
//   /optimizer/sigma/<param>    float32 (rows) row scales: weight = codebook[idx] sigma / C
//   /optimizer/latent/<param>, /optimizer/m/<param>, /optimizer/v/<param>   float32
//
// The first 512 bytes (HDF5's user block) hold "pollux-checkpoint sha256 <hex>\n" and zeros:
// the SHA-256 of the rest of the file, checked before HDF5 reads anything (in Python:
// hashlib.sha256(open(f, "rb").read()[512:])). Version 1 files also carry a sha256 attribute
// per dataset, still checked when a file has no whole-file digest (the oldest ones); version
// 2 drops it, so a write and a read each hash the data once. Datasets are contiguous; those
// of 4 KiB or more start on 64-byte boundaries. Only a finite state is written (the heat and
// every float tensor). Files are written to PATH.tmp.<pid>, fsync'ed and renamed, so a
// checkpoint on disk is always whole.
//
// Both directions take one pass: a write puts each tensor's bytes into the file straight from
// its memory while checking them finite and hashing them; a read reads the file into memory
// while hashing it, and the tensors it returns view that memory (freed with the last of them;
// not a mapping, which another program truncating the file in place would turn into SIGBUS). Peak memory is the state itself plus
// HDF5's structure, never a second copy of the file.
#pragma once

#include <ATen/ATen.h>

#include <map>
#include <string>

#include "pollux/base/file_io.h"
#include "pollux/config/config.h"
#include "pollux/optim/optimizer.h"

namespace pollux {

// Where a run's weights started when not from its own initialisation (pollux-train
// --init_from, train/init_from.h): root attributes init_from (the source checkpoint's path as
// given), init_from_sha256 (its content digest, as its first 512 bytes name it) and
// init_from_step; absent for every other run. A resumed run keeps them.
struct RunOrigin {
  std::string path;
  std::string sha256;
  std::int64_t step = 0;
  bool empty() const { return path.empty(); }
};

struct Checkpoint {
  Config config;
  std::int64_t step = 0;  // optimizer steps completed
  std::uint64_t tokens_seen = 0;
  std::uint64_t sampler_seed = 0, sampler_counter = 0;
  int world_size = 1;           // ranks of the data-parallel run that wrote it (any number may resume it)
  std::string codebook;         // variant name
  std::string codebook_sha256;  // of its float32 table
  OptimizerState optimizer;
  std::map<std::string, at::Tensor> weights;  // /weights/*
  RunOrigin origin;                           // empty: the run started from its own initialisation
  // read_checkpoint: the SHA-256 of the file past its first 512 bytes, which those bytes name
  // and the read checked ("" for a file from before the whole-file digest). Not written.
  std::string file_sha256;
};

// What a write cost: the file's size, the wall time of the whole write, and the part of it
// spent only waiting for the disk to take the bytes (fsync) after they were written and hashed.
struct CheckpointWrite {
  std::uint64_t bytes = 0;
  double seconds = 0, sync_seconds = 0;
};
// Throws pollux::Error (and writes nothing) when first_non_finite(checkpoint) is not empty,
// and naming the file on any I/O failure (PATH is then untouched). Goes through the one write
// path (OutputFile, file_io.h): a non-regular PATH is refused naming `flag` ("--output").
// Logs the size and time.
CheckpointWrite write_checkpoint(const std::string& path, const Checkpoint& checkpoint, const std::string& flag = "");
// The same into `out`'s temporary file, fsync'ed, not committed: a tool writing a checkpoint
// and a report commits both together (commit_together).
CheckpointWrite write_checkpoint(const OutputFile& out, const Checkpoint& checkpoint);
// The name of the first non-finite part of the state ("heat", "weights/<p>",
// "optimizer/<kind>/<p>"), or "" when the whole state is finite.
std::string first_non_finite(const Checkpoint& checkpoint);

// Throws pollux::Error naming the file for anything missing, truncated or inconsistent
// (including a codebook_sha256 that does not match the named codebook).
Checkpoint read_checkpoint(const std::string& path);

// Whether `path` starts as a checkpoint does (the whole-file digest header, or the HDF5
// signature of one written before it). Throws pollux::Error for a file that cannot be
// opened or is not a regular file.
bool is_checkpoint_file(const std::string& path);

// SHA-256 over the forward weights in a fixed order (parameter name order; for a lattice
// matrix its int32 indices then float32 sigma, otherwise its float32 values).
std::string weights_sha256(const Checkpoint& checkpoint);
// SHA-256 over the whole optimizer state (step, heat and every tensor in name order).
std::string optimizer_sha256(const Checkpoint& checkpoint);

}  // namespace pollux
