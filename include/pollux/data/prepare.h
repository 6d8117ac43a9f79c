// Corpus preparation (pollux-prepare): text files (one document each), JSON-lines files
// (a "text" field per line, one document each) and parquet files (a string column, one
// document per row; folders and globs in sorted name order) -> a uint16 token file, an optional
// validation file, and a JSON sidecar per file naming the tokenizer and framing. Framing is
// the reference FineWeb preparation's by default (each document stripped as Python's
// str.strip() does, empty ones skipped, end-of-text after every document). Streams in
// bounded batches and tokenizes them on all cores.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "pollux/tokenizer/tokenizer.h"

namespace pollux {

enum class Framing {
  reference,  // strip each document, skip empty ones, end-of-text after every document
  between,    // documents as they are, end-of-text between them
};

struct PrepareOptions {
  std::vector<std::string> inputs;   // files, folders (their files) or glob patterns
  std::string text_column = "text";  // the parquet column holding the documents
  std::string output;                // training tokens; validation goes to <output without .u16>.val.u16
  double val_fraction = 0.0;         // of documents; a single plain-text input splits its last part
  Framing framing = Framing::reference;
  bool end_of_text = true;      // put end-of-text after (reference) or between documents
  bool skip_bad_lines = false;  // JSON lines that do not parse: skip and count, or fail
  int threads = 0;
  double progress_seconds = 0;  // seconds between progress lines on stderr; 0 = none
};

struct PrepareReport {
  std::uint64_t train_tokens = 0, val_tokens = 0;
  std::uint64_t documents = 0, val_documents = 0;
  std::uint64_t input_bytes = 0, skipped_lines = 0;
  std::uint64_t empty_documents = 0;  // skipped by reference framing, and parquet nulls
  bool split_document = false;        // one text document split into train and validation parts
  double seconds = 0;
  std::string val_output;  // "" when no validation file was written
};

// The validation file name for an output name: "x.u16" -> "x.val.u16".
std::string validation_path(const std::string& output);

PrepareReport prepare_corpus(const PrepareOptions& options, const Tokenizer& tokenizer);

}  // namespace pollux
