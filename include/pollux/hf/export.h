// A trained model as a Hugging Face model folder (issue 32, pollux-export --format hf), which
// AutoModelForCausalLM.from_pretrained(DIR, trust_remote_code=True) and AutoTokenizer load:
//   config.json            the shape (PolluxConfig), auto_map to the two Python files below
//   model.safetensors      the forward weights as float32, under Pollux's parameter names: what
//                          the model computes with (lattice points times row scales, ternary
//                          weights, int8 rows, dequantized), so the logits are Pollux's
//   configuration_pollux.py, modeling_pollux.py   the architecture (spec section 4)
//   tokenizer files        gpt2: vocab.json and merges.txt (GPT2Tokenizer) made from the bundled
//                          ranks; bytes: tokenization_pollux.py (PolluxByteTokenizer)
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include <ATen/ATen.h>

namespace pollux::hf {

// A safetensors file (the format's documentation: an 8-byte little-endian header length, a
// JSON header naming each tensor's dtype, shape and byte range, padded with spaces to a
// multiple of 8, then the tensors' bytes) of float32 CPU tensors, in the order given.
std::vector<std::uint8_t> safetensors(const std::vector<std::pair<std::string, at::Tensor>>& tensors);

// GPT-2's byte-level alphabet: byte b as the character Hugging Face's vocab.json and
// merges.txt write it (printable bytes as themselves, the others as U+0100 and on), UTF-8.
std::string byte_level(const std::string& bytes);

// Writes the folder `out_dir` for the model in `model_path` (a checkpoint or a .plx file of
// any quantizer). A folder that holds files is refused unless `overwrite`; the files are
// written to temporary names and renamed together, and files an earlier export left that this
// one does not write are removed. tokenizer_dir: where gpt2.tiktoken is. Returns the files
// written, in order.
std::vector<std::string> export_model(const std::string& model_path, const std::string& out_dir, bool overwrite,
                                      const std::string& tokenizer_dir);

}  // namespace pollux::hf
