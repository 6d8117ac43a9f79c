#include "pollux/data/prepare.h"

#include <glob.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>

#include "pollux/base/error.h"
#include "pollux/base/file_io.h"
#include "pollux/base/json.h"
#include "pollux/base/parallel.h"
#include "pollux/base/stop_signal.h"
#include "pollux/data/parquet_reader.h"
#include "pollux/data/whitespace.h"

namespace pollux {
namespace {

constexpr std::size_t kBatchBytes = 16u << 20;  // text tokenized per parallel batch
constexpr std::size_t kPieceBytes = 1u << 20;   // one piece per thread task

bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

bool is_input_name(const std::string& name) {
  return name[0] != '.' && (ends_with(name, ".parquet") || ends_with(name, ".jsonl") || ends_with(name, ".txt"));
}

// Input arguments -> files: a folder gives its .parquet, .jsonl and .txt files, a pattern that names no file gives its
// matches (for quoted globs), each in sorted name order; anything else is a file.
std::vector<std::string> expand_inputs(const std::vector<std::string>& arguments) {
  namespace fs = std::filesystem;
  std::vector<std::string> files;
  for (const std::string& argument : arguments) {
    std::vector<std::string> found;
    std::error_code ec;
    if (fs::is_directory(argument, ec)) {
      for (const auto& entry : fs::directory_iterator(argument, ec))
        if (entry.is_regular_file() && is_input_name(entry.path().filename().string())) found.push_back(entry.path().string());
      if (ec) throw Error("prepare", "cannot list input folder " + argument + ": " + ec.message());
      if (found.empty()) throw Error("prepare", "input folder " + argument + " holds no .parquet, .jsonl or .txt files");
    } else if (!fs::exists(argument, ec) && argument.find_first_of("*?[") != std::string::npos) {
      glob_t g{};
      if (::glob(argument.c_str(), 0, nullptr, &g) == 0)
        for (std::size_t i = 0; i < g.gl_pathc; ++i) found.push_back(g.gl_pathv[i]);
      ::globfree(&g);
      if (found.empty()) throw Error("prepare", "input pattern " + argument + " matches no file");
    } else {
      found.push_back(argument);
    }
    std::sort(found.begin(), found.end());
    files.insert(files.end(), found.begin(), found.end());
  }
  return files;
}

// A token file being written, and its JSON sidecar: both to temporary files (OutputFile, the
// one write path), committed by run() together with the other split's, so that no new file
// stays beside an old one; an error or a signal removes them.
class TokenWriter {
 public:
  TokenWriter(const std::string& path, const std::string& tokenizer, const std::string& framing)
      : out_(path, "--output"),
        meta_(path + ".json", "--output"),
        file_(File::create(out_.tmp(), "prepare")),
        tokenizer_(tokenizer),
        framing_(framing) {}
  void write(const std::vector<std::uint32_t>& ids) {
    throw_if_stopped();  // pollux-prepare's SIGINT/SIGTERM: unwinding removes the temporary file
    pending_.insert(pending_.end(), ids.begin(), ids.end());  // ids < 65536, checked by the caller
    tokens_ += ids.size();
    if (pending_.size() >= kPending) write_pending();
  }
  std::uint64_t tokens() const { return tokens_; }
  // Flushes the tokens and writes the sidecar, both still temporary (commit them with outputs()).
  void finish(const std::vector<std::string>& sources, const std::string& split, std::uint64_t documents) {
    write_pending();
    file_.sync_and_close();
    JsonWriter j;
    j.begin_object()
        .field("format", "uint16-le")
        .field("tokenizer", tokenizer_)
        .field("framing", framing_)
        .field("tokens", tokens_)
        .field("documents", documents)
        .field("split", split)
        .key("sources")
        .begin_array();
    for (const auto& s : sources) j.value(s);
    j.end_array().end_object();
    const std::string text = j.str() + "\n";
    write_output(meta_, std::vector<std::uint8_t>(text.begin(), text.end()));
  }
  std::vector<OutputFile*> outputs() { return {&out_, &meta_}; }

 private:
  static constexpr std::size_t kPending = std::size_t(1) << 19;  // tokens written at once (1 MiB)
  void write_pending() {
    file_.write_at(pending_.data(), 2 * pending_.size(), 2 * (tokens_ - pending_.size()));
    pending_.clear();
  }
  OutputFile out_, meta_;
  File file_;  // out_'s temporary file
  std::string tokenizer_, framing_;
  std::vector<std::uint16_t> pending_;
  std::uint64_t tokens_ = 0;  // written and pending
};

// Text waiting to be tokenized: pieces in order, each with the writer it goes to and
// whether an end-of-text precedes or follows it.
struct Piece {
  std::string text;
  bool val;
  bool eot_before;
  bool eot_after;
};

std::string framing_name(const PrepareOptions& o) {
  const char* eot = o.end_of_text ? "" : ", no end-of-text";
  return o.framing == Framing::reference
             ? std::string("reference (documents stripped, empty ones skipped, end-of-text after each") + eot + ")"
             : std::string("between (documents as they are, end-of-text between them") + eot + ")";
}

class Preparer {
 public:
  Preparer(const PrepareOptions& o, const Tokenizer& t) : o_(o), tok_(t) {
    if (o.output.empty()) throw Error("prepare", "no --output FILE.u16 given");
    if (o.inputs.empty()) throw Error("prepare", "no input files given");
    inputs_ = expand_inputs(o.inputs);
    // Every parquet file's footer and column checked before any tokenizing.
    for (const std::string& path : inputs_) {
      if (ends_with(path, ".parquet")) ParquetTextReader(path, o.text_column);
      std::error_code ec;
      const auto size = std::filesystem::file_size(path, ec);
      if (!ec) total_file_bytes_ += size;
    }
    if (!(o.val_fraction >= 0 && o.val_fraction < 1)) throw Error("prepare", "--val_fraction must be in [0, 1)");
    if (tok_.vocab_size() > 65536) throw Error("prepare", "tokenizer " + tok_.name() + " has ids beyond uint16");
    train_ = std::make_unique<TokenWriter>(o.output, tok_.name(), framing_name(o));
    if (o.val_fraction > 0) val_ = std::make_unique<TokenWriter>(validation_path(o.output), tok_.name(), framing_name(o));
  }

  PrepareReport run() {
    const auto start = std::chrono::steady_clock::now();
    last_progress_ = start;
    start_ = start;
    const bool single_text = inputs_.size() == 1 && !ends_with(inputs_[0], ".jsonl") && !ends_with(inputs_[0], ".parquet");
    for (const std::string& path : inputs_) {
      file_part_ = 0;
      if (ends_with(path, ".jsonl"))
        read_jsonl(path);
      else if (ends_with(path, ".parquet"))
        read_parquet(path);
      else
        read_text(path, single_text && val_);
      std::error_code ec;
      const auto size = std::filesystem::file_size(path, ec);
      files_done_bytes_ += ec ? 0 : size;
      file_part_ = 0;
      progress();
    }
    flush();
    report_.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    report_.train_tokens = train_->tokens();
    if (report_.train_tokens == 0)  // a 0-token file would only fail later, in the trainer
      throw Error("prepare", "the input gave no tokens (" + std::to_string(report_.input_bytes) +
                                 " bytes of input): nothing written to " + o_.output);
    if (val_ && val_->tokens() == 0)
      throw Error("prepare", "--val_fraction " + std::to_string(o_.val_fraction) +
                                 " selected no validation text: use more documents or a larger fraction");
    train_->finish(inputs_, report_.split_document ? "train (first part of the document)" : "train",
                   report_.documents - report_.val_documents);
    if (val_) {
      report_.val_tokens = val_->tokens();
      val_->finish(inputs_, report_.split_document ? "validation (last part of the document)" : "validation",
                   report_.split_document ? 1 : report_.val_documents);
      report_.val_output = validation_path(o_.output);
    }
    std::vector<OutputFile*> outputs = train_->outputs();
    if (val_)
      for (OutputFile* out : val_->outputs()) outputs.push_back(out);
    commit_together(outputs);
    return report_;
  }

 private:
  // Document k goes to validation when floor((k + 1) f) > floor(k f): a fraction f of the
  // documents, spread evenly.
  bool next_document_is_val() {
    const std::uint64_t k = report_.documents++;
    const bool val = val_ && std::uint64_t(double(k + 1) * o_.val_fraction) > std::uint64_t(double(k) * o_.val_fraction);
    report_.val_documents += val;
    return val;
  }

  // Documents arrive as begin_document, any number of add_text, end_document. Text is cut
  // into pieces at safe points: after a newline that a non-space byte follows (no pre-token
  // of either tokenizer spans such a point), so memory stays bounded whatever the document.
  // Reference framing strips the document as it streams: leading whitespace is dropped,
  // trailing whitespace is held back until more text shows it is not trailing.
  void begin_document(bool val) {
    current_val_ = val;
    leading_ = true;
    held_.clear();
    if (o_.framing == Framing::between) {
      eot_next_ = o_.end_of_text && (val ? val_started_ : train_started_);
      (val ? val_started_ : train_started_) = true;
    }
  }
  void add_text(std::string_view text) {
    if (o_.framing == Framing::reference) {
      if (leading_) {
        text.remove_prefix(leading_whitespace(text));
        if (text.empty()) return;
        leading_ = false;
      }
      const std::size_t trailing = trailing_whitespace_start(text);
      if (trailing == 0) {
        held_.append(text);
        return;
      }
      carry_ += held_;
      carry_.append(text.substr(0, trailing));
      held_.assign(text.substr(trailing));
    } else {
      carry_.append(text);
    }
    while (carry_.size() >= kPieceBytes) {
      std::size_t cut = kPieceBytes;
      while (cut > 1 && !(carry_[cut - 1] == '\n' && !std::isspace((unsigned char)carry_[cut]))) --cut;
      if (cut <= 1) cut = kPieceBytes;  // no safe point in a whole piece: cut anyway
      emit(carry_.substr(0, cut));
      carry_.erase(0, cut);
    }
  }
  // Returns false for a document that reference framing skips as empty.
  bool end_document() {
    if (o_.framing == Framing::reference) {
      if (leading_) return false;
      emit(carry_, o_.end_of_text);
    } else if (!carry_.empty() || eot_next_) {
      emit(carry_);
    }
    carry_.clear();
    return true;
  }
  void emit(std::string text, bool eot_after = false) {
    pending_bytes_ += text.size();
    pending_.push_back({std::move(text), current_val_, eot_next_, eot_after});
    eot_next_ = false;
    if (pending_bytes_ >= kBatchBytes) flush();
  }
  // A whole document (JSON lines, parquet): skipped when reference framing finds it empty,
  // so that documents are counted and split only when they reach the output.
  void add_document(std::string_view text) {
    if (o_.framing == Framing::reference) {
      text = strip_whitespace(text);
      if (text.empty()) {
        ++report_.empty_documents;
        return;
      }
    }
    begin_document(next_document_is_val());
    add_text(text);
    end_document();
  }

  void flush() {
    std::vector<std::vector<std::uint32_t>> ids(pending_.size());
    parallel_for(pending_.size(), o_.threads, 1, [&](std::size_t b, std::size_t e) {
      for (std::size_t i = b; i < e; ++i) {
        if (pending_[i].eot_before) ids[i].push_back(tok_.end_of_text());
        tok_.encode(pending_[i].text, ids[i]);
        if (pending_[i].eot_after) ids[i].push_back(tok_.end_of_text());
      }
    });
    for (std::size_t i = 0; i < pending_.size(); ++i) (pending_[i].val ? *val_ : *train_).write(ids[i]);
    pending_.clear();
    pending_bytes_ = 0;
    progress();
  }

  // A progress line every progress_seconds: text bytes, documents, tokens (written so far),
  // rate, and the ETA from the share of the input files' bytes read.
  void progress() {
    if (!(o_.progress_seconds > 0)) return;
    const auto now = std::chrono::steady_clock::now();
    if (std::chrono::duration<double>(now - last_progress_).count() < o_.progress_seconds) return;
    last_progress_ = now;
    const double elapsed = std::chrono::duration<double>(now - start_).count();
    const double done = double(files_done_bytes_ + file_part_);
    const double left = done > 0 ? elapsed * (double(total_file_bytes_) - done) / done : 0;
    std::fprintf(stderr, "%sprepared %.1f MB of text, %llu documents, %llu tokens, %.1f MB/s, %.0f%% done, ETA %.0f s%s",
                 ::isatty(STDERR_FILENO) ? "\r" : "", double(report_.input_bytes) / 1e6, (unsigned long long)report_.documents,
                 (unsigned long long)(train_->tokens() + (val_ ? val_->tokens() : 0)),
                 elapsed > 0 ? double(report_.input_bytes) / 1e6 / elapsed : 0.0,
                 total_file_bytes_ ? 100.0 * done / double(total_file_bytes_) : 0.0, std::max(left, 0.0),
                 ::isatty(STDERR_FILENO) ? "" : "\n");
  }

  void read_text(const std::string& path, bool split_tail) {
    File::read(path, "prepare", "input");  // a FIFO or /dev/zero is refused, never read
    std::ifstream in(path, std::ios::binary);
    struct stat st;
    if (!in || ::stat(path.c_str(), &st) != 0) throw Error("prepare", "cannot open input " + path);
    // One plain-text document and a validation fraction: its last part, from the first line
    // start at or after (1 - f) of its bytes, is the validation text.
    const std::uint64_t val_from = split_tail ? std::uint64_t(double(st.st_size) * (1.0 - o_.val_fraction)) : ~0ull;
    bool counted_val = false;
    if (split_tail) {
      ++report_.documents;
      report_.split_document = true;
      begin_document(false);
    } else {
      counted_val = next_document_is_val();
      begin_document(counted_val);
    }
    std::string chunk(kPieceBytes, '\0'), text;
    std::uint64_t offset = 0;
    char previous = '\n';  // the byte before the text (a line start precedes the file)
    bool in_val = false;
    while (in.read(&chunk[0], std::streamsize(chunk.size())) || in.gcount() > 0) {
      report_.input_bytes += std::uint64_t(in.gcount());
      file_part_ += std::uint64_t(in.gcount());
      text.append(chunk, 0, std::size_t(in.gcount()));
      // Whole UTF-8 characters only, so that stripping sees every whitespace code point whole;
      // an incomplete one waits for the next read.
      const std::size_t whole = in ? complete_utf8_prefix(text) : text.size();
      std::size_t split = whole;
      if (split_tail && !in_val && offset + whole > val_from) {
        for (std::size_t p = std::size_t(std::max(val_from, offset) - offset); p < whole; ++p)
          if ((p == 0 ? previous : text[p - 1]) == '\n') {
            split = p;
            break;
          }
      }
      add_text(std::string_view(text).substr(0, split));
      if (split < whole) {
        end_document();
        begin_document(true);
        in_val = true;
        add_text(std::string_view(text).substr(split, whole - split));
      }
      if (whole > 0) previous = text[whole - 1];
      offset += whole;
      text.erase(0, whole);
    }
    if (in.bad()) throw Error("prepare", "cannot read " + path);
    if (!end_document() && !split_tail) {  // an empty document under reference framing
      --report_.documents;
      report_.val_documents -= counted_val;
      ++report_.empty_documents;
    }
  }

  // Parquet: one document per non-null value of the text column, row group by row group.
  void read_parquet(const std::string& path) {
    File::read(path, "prepare", "input");
    ParquetTextReader reader(path, o_.text_column);
    std::error_code ec;
    const std::uint64_t size = std::filesystem::file_size(path, ec);
    for (int g = 0; g < reader.row_groups(); ++g) {
      report_.empty_documents += reader.read_row_group(g, [&](std::string_view text) {
        report_.input_bytes += text.size();
        add_document(text);
      });
      file_part_ = ec ? 0 : size * std::uint64_t(g + 1) / std::uint64_t(reader.row_groups());
    }
  }

  void read_jsonl(const std::string& path) {
    File::read(path, "prepare", "input");
    std::ifstream in(path, std::ios::binary);
    if (!in) throw Error("prepare", "cannot open input " + path);
    std::string line;
    std::uint64_t number = 0;
    while (std::getline(in, line)) {
      ++number;
      report_.input_bytes += line.size() + 1;
      file_part_ += line.size() + 1;
      if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
      std::string text;
      try {
        const JsonValue doc = parse_json(line);
        const JsonValue* t = doc.get("text");
        if (!t || t->kind != JsonValue::Kind::string) throw Error("json", "no \"text\" string field");
        text = t->string;
      } catch (const Error& e) {
        if (!o_.skip_bad_lines)
          throw Error("prepare",
                      path + " line " + std::to_string(number) + ": " + e.what() + " (--skip_bad_lines to skip such lines)");
        ++report_.skipped_lines;
        continue;
      }
      add_document(text);
    }
  }

  const PrepareOptions& o_;
  const Tokenizer& tok_;
  std::vector<std::string> inputs_;  // the input arguments expanded to files
  std::unique_ptr<TokenWriter> train_, val_;
  std::vector<Piece> pending_;
  std::size_t pending_bytes_ = 0;
  std::string carry_;         // text of the current document not yet cut into pieces
  bool current_val_ = false;  // the current document goes to validation
  bool eot_next_ = false;     // the next piece starts with end-of-text
  bool leading_ = true;       // reference framing: no non-whitespace seen yet in this document
  std::string held_;          // reference framing: whitespace that may turn out to be trailing
  bool train_started_ = false, val_started_ = false;
  PrepareReport report_;
  std::chrono::steady_clock::time_point start_, last_progress_;
  std::uint64_t total_file_bytes_ = 0;  // on disk, of all inputs
  std::uint64_t files_done_bytes_ = 0;  // on disk, of the inputs finished
  std::uint64_t file_part_ = 0;         // on disk, the part of the current input read
};

}  // namespace

std::string validation_path(const std::string& output) {
  return (ends_with(output, ".u16") ? output.substr(0, output.size() - 4) : output) + ".val.u16";
}

PrepareReport prepare_corpus(const PrepareOptions& options, const Tokenizer& tokenizer) {
  return Preparer(options, tokenizer).run();
}

}  // namespace pollux
