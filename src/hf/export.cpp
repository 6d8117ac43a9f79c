#include "pollux/hf/export.h"

#include <algorithm>
#include <filesystem>
#include <memory>

#include "pollux/base/error.h"
#include "pollux/base/file_io.h"
#include "pollux/base/json.h"
#include "pollux/runtime/model_file.h"
#include "pollux/tokenizer/tokenizer.h"

namespace pollux::hf {
namespace {

namespace fs = std::filesystem;

// The Python files of the export (src/hf/python/), compiled in by src/CMakeLists.txt.
#include "pollux_hf_python.inc"

constexpr const char* kEndOfText = "<|endoftext|>";

// Every file an export may write: those of another tokenizer are removed by an --overwrite.
const std::vector<std::string> kExportFiles = {"config.json",        "model.safetensors",     "configuration_pollux.py",
                                               "modeling_pollux.py", "tokenizer_config.json", "vocab.json",
                                               "merges.txt",         "tokenization_pollux.py"};

std::vector<std::uint8_t> bytes_of(const std::string& s) { return std::vector<std::uint8_t>(s.begin(), s.end()); }

// UTF-8 of a code point below 0x800 (all the byte-level alphabet needs).
void append_utf8(std::string& out, unsigned cp) {
  if (cp < 0x80) {
    out += char(cp);
  } else {
    out += char(0xC0 | (cp >> 6));
    out += char(0x80 | (cp & 0x3F));
  }
}

std::string config_json(const LoadedModel& m, std::uint32_t end_of_text) {
  const ModelConfig& c = m.config;
  JsonWriter j;
  j.begin_object()
      .key("architectures")
      .begin_array()
      .value("PolluxForCausalLM")
      .end_array()
      .field("model_type", "pollux")
      .key("auto_map")
      .begin_object()
      .field("AutoConfig", "configuration_pollux.PolluxConfig")
      .field("AutoModelForCausalLM", "modeling_pollux.PolluxForCausalLM")
      .end_object()
      .field("vocab_size", std::int64_t(c.vocab_size))
      .field("tokenizer_vocab_size", std::int64_t(c.tokenizer_vocab_size))
      .field("hidden_size", std::int64_t(c.n_embd))
      .field("num_hidden_layers", std::int64_t(c.n_layers))
      .field("max_position_embeddings", std::int64_t(c.seq_len))
      .field("head_dim", std::int64_t(c.d_head))
      .field("rms_norm_eps", 1e-8)
      .field("activation_bits", m.activation_bits)
      .field("bos_token_id", std::uint64_t(end_of_text))
      .field("eos_token_id", std::uint64_t(end_of_text))
      .field("tie_word_embeddings", false)
      .field("use_cache", false)
      .field("dtype", "float32")
      .field("pollux_kind", m.kind)
      .field("pollux_codebook", m.codebook)
      .field("pollux_tokenizer", m.tokenizer)
      .end_object();
  return j.str() + "\n";
}

std::string tokenizer_config(const LoadedModel& m) {
  JsonWriter j;
  j.begin_object();
  if (m.tokenizer == "gpt2") {
    j.field("tokenizer_class", "GPT2Tokenizer").field("add_prefix_space", false).field("add_bos_token", false);
  } else {
    j.field("tokenizer_class", "PolluxByteTokenizer")
        .key("auto_map")
        .begin_object()
        .key("AutoTokenizer")
        .begin_array()
        .value("tokenization_pollux.PolluxByteTokenizer")
        .raw("null")
        .end_array()
        .end_object();
  }
  j.field("bos_token", kEndOfText)
      .field("eos_token", kEndOfText)
      .field("unk_token", kEndOfText)
      .field("model_max_length", std::int64_t(m.config.seq_len))
      .field("clean_up_tokenization_spaces", false)
      .field("split_special_tokens", true)  // "<|endoftext|>" in a text is text, as our tokenizers read it
      .end_object();
  return j.str() + "\n";
}

// vocab.json and merges.txt of GPT2Tokenizer: the ranks' tokens by id and end-of-text, and
// the merge that makes each id from 256 on, in id order (Hugging Face's BPE merges by a
// pair's line, tiktoken by the merged token's rank: the same order).
std::pair<std::string, std::string> gpt2_files(const std::string& tokenizer_dir) {
  const Gpt2Vocabulary v = gpt2_vocabulary(tokenizer_dir);
  JsonWriter vocab;
  vocab.begin_object();
  for (std::size_t id = 0; id < v.tokens.size(); ++id) vocab.field(byte_level(v.tokens[id]), std::uint64_t(id));
  vocab.field(kEndOfText, std::uint64_t(v.tokens.size())).end_object();
  std::string merges = "#version: 0.2\n";
  for (const auto& [left, right] : v.merges) merges += byte_level(left) + " " + byte_level(right) + "\n";
  return {vocab.str() + "\n", merges};
}

// The folder is a new or empty one, or --overwrite says its files may be replaced.
void check_output(const std::string& out_dir, bool overwrite) {
  std::error_code ec;
  const fs::file_status st = fs::status(out_dir, ec);
  if (fs::exists(st) && !fs::is_directory(st)) throw Error("export", "--output " + out_dir + " is not a folder");
  if (fs::is_directory(st) && !overwrite && fs::directory_iterator(out_dir) != fs::directory_iterator())
    throw Error("export", "--output " + out_dir + " holds files: choose an empty or new folder, or pass --overwrite");
}

}  // namespace

std::string byte_level(const std::string& bytes) {
  std::string out;
  for (unsigned char b : bytes) {
    const bool printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || b >= 0xAE;
    if (printable) {
      append_utf8(out, b);
    } else {  // the unprintable bytes in order: 0..32, 127..160, 173 -> U+0100, U+0101, ...
      const unsigned rank = b <= 32 ? b : b <= 160 ? 33 + (b - 127) : 33 + 34;
      append_utf8(out, 256 + rank);
    }
  }
  return out;
}

std::vector<std::uint8_t> safetensors(const std::vector<std::pair<std::string, at::Tensor>>& tensors) {
  JsonWriter header;
  header.begin_object().key("__metadata__").begin_object().field("format", "pt").end_object();
  std::uint64_t offset = 0;
  for (const auto& [name, t] : tensors) {
    header.key(name).begin_object().field("dtype", "F32").key("shape").begin_array();
    for (std::int64_t n : t.sizes()) header.value(n);
    const std::uint64_t bytes = std::uint64_t(t.numel()) * 4;
    header.end_array().key("data_offsets").begin_array().value(offset).value(offset + bytes).end_array().end_object();
    offset += bytes;
  }
  header.end_object();
  std::string text = header.str();
  text.append((8 - text.size() % 8) % 8, ' ');
  std::vector<std::uint8_t> out;
  out.reserve(8 + text.size() + offset);
  for (int i = 0; i < 8; ++i) out.push_back(std::uint8_t(std::uint64_t(text.size()) >> (8 * i)));
  out.insert(out.end(), text.begin(), text.end());
  for (const auto& [name, t] : tensors) {  // float32 as the host stores it: little-endian on every target we build for
    const at::Tensor c = t.detach().to(at::kCPU, at::kFloat).contiguous();
    const auto* p = static_cast<const std::uint8_t*>(c.data_ptr());
    out.insert(out.end(), p, p + c.numel() * 4);
  }
  return out;
}

std::vector<std::string> export_model(const std::string& model_path, const std::string& out_dir, bool overwrite,
                                      const std::string& tokenizer_dir) {
  check_output(out_dir, overwrite);  // before the model is read: a mistake costs nothing
  const LoadedModel m = load_model(model_path, at::kCPU);
  const std::unique_ptr<Tokenizer> tokenizer = make_tokenizer(m.tokenizer, tokenizer_dir);

  std::vector<std::pair<std::string, std::vector<std::uint8_t>>> files;
  files.emplace_back("config.json", bytes_of(config_json(m, tokenizer->end_of_text())));
  std::vector<std::pair<std::string, at::Tensor>> weights;
  for (const Parameter& p : m.model->parameters()) weights.emplace_back(p.name, p.value);
  files.emplace_back("model.safetensors", safetensors(weights));
  files.emplace_back("configuration_pollux.py", bytes_of(kConfigurationPollux));
  files.emplace_back("modeling_pollux.py", bytes_of(kModelingPollux));
  files.emplace_back("tokenizer_config.json", bytes_of(tokenizer_config(m)));
  if (m.tokenizer == "gpt2") {
    const auto [vocab, merges] = gpt2_files(tokenizer_dir);
    files.emplace_back("vocab.json", bytes_of(vocab));
    files.emplace_back("merges.txt", bytes_of(merges));
  } else {
    files.emplace_back("tokenization_pollux.py", bytes_of(kTokenizationPollux));
  }

  std::error_code ec;
  fs::create_directories(out_dir, ec);
  if (ec) throw Error("export", "cannot create --output " + out_dir + ": " + ec.message());
  std::vector<std::unique_ptr<OutputFile>> outputs;
  std::vector<OutputFile*> pointers;
  std::vector<std::string> written;
  for (const auto& [name, bytes] : files) {
    outputs.push_back(std::make_unique<OutputFile>(out_dir + "/" + name, "--output"));
    write_output(*outputs.back(), bytes);
    pointers.push_back(outputs.back().get());
    written.push_back(out_dir + "/" + name);
  }
  commit_together(pointers);
  for (const std::string& name : kExportFiles)  // an earlier export's files of another tokenizer
    if (std::find(written.begin(), written.end(), out_dir + "/" + name) == written.end()) fs::remove(out_dir + "/" + name, ec);
  return written;
}

}  // namespace pollux::hf
