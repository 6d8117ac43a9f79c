// Post-training quantization of a continuous checkpoint (quantizer = none, issue 23):
// every matrix the lattice would quantize (Parameter::quantized_matrix(): the embeddings, the block
// linears and the head) is quantized by one method (ptq/quantize.h) and replaced by its
// dequantized values; the gains stay float32. What the matrices would take stored is
// counted exactly by the one byte rule's description of them (lattice/deployed.h): integer
// codes, float16 scales or norms, B-bit zero points (the asymmetric grid), gptq
// --act_order's column order (a u16 per column), int8 rows with a float16 absmax (scope
// backbone), or for leech the .plx layout (4 indices in 9 bytes per matrix, a float16 scale
// per row); Report::deployed describes every tensor for the rule's whole-file figure.
//
// gptq needs each linear layer's inputs: it quantizes layer by layer as the paper does
// (Frantar et al. 2022, section 4), feeding the calibration windows through the layers
// already quantized. The embeddings tok_emb and pos_emb take one-hot inputs, whose Hessian is
// diagonal, and for them GPTQ is rtn: they are rtn-quantized first. Then per block, in
// forward order, {q, k, v} (one shared input), o, fc1, fc2 each from the Hessian of their
// inputs (PolluxModel's linear input observer); last the head, on the final hidden states.
// leech-ldlq and awq are calibrated the same way (their embeddings: leech and rtn).
//
// apq and smoothquant read the unquantized model's inputs in one pass: apq (the issue's
// seed table: a Hessian sensitivity per matrix as HAWQ, Dong et al. 2019, arXiv:1905.03696,
// widths by dynamic programming under a memory budget) takes the sensitivity of matrix i at
// width b in {2, 3, 4, 8} as tr(D H D^T), D = W - gptq_b(W) (the embeddings: their one-hot
// inputs' diagonal Hessian, rtn), and the widths that minimise its sum within
// --budget_bits per parameter; smoothquant (Xiao et al. 2023) divides each linear's inputs
// by s = max|x|^0.5 / max|w|^0.5 per channel and multiplies its weights by s, where the
// division folds exactly into the op before: q, k, v into ln1's gain, o into v's rows, fc1
// into ln2's gain, the head into ln_f's gain (fc2 follows a GELU: no migration); then every
// matrix is int8 rows and the checkpoint says ptq_activation_bits = 8 (per-token 8-bit
// inputs, model/ternary.h's quantize_activations).
#pragma once

#include <ATen/ATen.h>

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "pollux/io/checkpoint.h"
#include "pollux/lattice/deployed.h"
#include "pollux/model/model.h"
#include "pollux/ptq/quantize.h"

namespace pollux::ptq {

enum class Method { rtn, gptq, polarquant, leech, leech_ldlq, apq, awq, smoothquant };
Method parse_method(const std::string& name);  // throws naming --method
const char* method_name(Method method);
bool calibrated(Method method);  // reads --calib: gptq, leech-ldlq, apq, awq, smoothquant

// all: every matrix the lattice would quantize gets the method. backbone: tok_emb, pos_emb
// and head are kept at 8 bits (int8 rows, absmax per row with a float16 scale: the .plx
// X.weight_int8 + X.mu_rows kind), the blocks' matrices get the method.
enum class Scope { all, backbone };
Scope parse_scope(const std::string& name);  // throws naming --scope
const char* scope_name(Scope scope);
bool outside_backbone(const std::string& parameter);  // tok_emb.*, pos_emb.*, head.*

struct Options {
  Method method = Method::rtn;
  int bits = 0;                  // rtn, gptq, awq: 2..8; polarquant: 1..4; leech, leech-ldlq, apq, smoothquant: 0
  std::int64_t group_size = 32;  // rtn, gptq: a group of a row; polarquant: a power-of-2 block
  std::string calib;             // gptq: uint16 token file of calibration text
  std::int64_t calib_tokens = 16384;
  std::string tokenizer;         // the model's ("bytes", "gpt2"): a calibration file's sidecar must name it
  double damp = 0.01;            // gptq: dampening, a fraction of the Hessian's mean diagonal
  Grid grid = Grid::asymmetric;  // rtn, gptq
  bool act_order = false;        // gptq: columns by decreasing Hessian diagonal
  std::uint64_t seed = 0;        // polarquant: the random sign diagonal; leech-ldlq --incoherence: the transforms
  bool incoherence = false;      // leech-ldlq: seeded orthogonal transforms on both sides first
  double budget_bits = 0;        // apq: stored bits per quantized parameter at most
  Scope scope = Scope::all;
  at::Device device = at::kCPU;
};

struct MatrixReport {
  std::string name, method;  // method: how this matrix was quantized (gptq's embeddings: rtn; scope backbone: int8)
  std::int64_t rows = 0, cols = 0;
  std::uint64_t bits = 0;      // stored: codes plus scales (and zero points, column order)
  double relative_error = 0;   // ||W - Q||_F / ||W||_F
  double output_error = -1;    // layer by layer: ||(W - Q) X^T|| / ||W X^T|| on the calibration inputs (-1: none)
  double baseline_error = -1;  // the same for the baseline at the same bits and inputs: rtn (gptq, awq), leech (leech-ldlq)
  int width = 0;               // the bits per code of a grouped matrix (apq: its chosen width; 0: options.bits)
  double alpha = -1;           // awq: the exponent chosen
};

struct Report {
  Options options;
  std::vector<MatrixReport> matrices;
  std::uint64_t quantized_params = 0, quantized_bits = 0;
  std::uint64_t other_params = 0, other_bytes = 0;  // the gains, float32 as a .plx stores them
  std::int64_t calib_tokens = 0;                    // gptq: tokens actually used
  int leech_rounds = 0;                             // leech: the most scale/point rounds any row took
  // Every tensor of the model as it would be deployed (lattice/deployed.h), and the byte
  // rule's figure for them: set by the caller, who knows the config JSON (the tool calls
  // runtime's deployed_bytes); 0 until then.
  std::vector<lattice::DeployedTensor> deployed;
  std::uint64_t deployed_bytes = 0;
  double bits_per_parameter() const { return quantized_params ? double(quantized_bits) / double(quantized_params) : 0; }
  std::uint64_t model_bytes() const;           // each matrix's bits rounded up to bytes, plus other_bytes
  double backbone_bits_per_parameter() const;  // the matrices of the blocks alone
};

// The linear layers' inputs over calibration windows (windows x seq_len token ids), keyed by
// weight name: H = 2 X^T X / n, the mean and the max of |x| per input channel, n.
struct LayerInputs {
  at::Tensor hessian, mean_abs, absmax;
  std::int64_t count = 0;
};
std::map<std::string, LayerInputs> linear_inputs(PolluxModel& model, const at::Tensor& windows);

// SmoothQuant's migration above, in place (alpha 0.5 in the tool): the model's float function
// is unchanged. `inputs`: linear_inputs of the model before it.
void smooth_model(PolluxModel& model, const std::map<std::string, LayerInputs>& inputs, double alpha);

// Throws pollux::Error naming the flag for bits out of the method's range, a group size that
// does not divide every quantized row (or is no power of 2 for polarquant), a calibrated
// method without a calibration file, calibration options given to another method, an apq
// budget that is not a positive number, or --incoherence but for leech-ldlq.
void check_options(const Options& options, const ModelConfig& model);

// Quantizes `model` in place (its parameters on options.device). `codebook` names the lattice
// variant for leech (lattice/codebook.h).
Report quantize_model(PolluxModel& model, const Options& options, const std::string& codebook);

// The whole tool's work on a checkpoint: refuses one that is not continuous (the one check of
// the quantizer), quantizes a model loaded from its weights, and returns the checkpoint to
// write: the same configuration and counters, the dequantized weights, no optimizer moments
// (they belong to the unquantized weights).
Checkpoint quantize_checkpoint(const Checkpoint& checkpoint, const std::string& path, const Options& options, Report& report);

// One JSON object: method, bits, group_size, grid, scope, bits_per_parameter,
// quantized_params, model_bytes, deployed_bytes, ..., and per matrix its shape, bits and
// errors.
std::string report_json(const Report& report, const std::string& checkpoint, const std::string& output);

}  // namespace pollux::ptq
