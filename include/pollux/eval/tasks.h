// Benchmark tasks as lm-evaluation-harness 0.4 (checked against 0.4.13) builds them: each
// task read from local JSON lines in its Hugging Face schema and turned into the same
// (context, continuation) requests, gold indices and choice strings as lm-eval's task files.
// Plain C++: no model, no tokenizer.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace pollux::eval {

// The log-probability of `continuation` after `context` (an empty context means "after
// the end-of-text token", as lm-eval conditions it).
struct Request {
  std::string context;
  std::string continuation;
};

// One scored item. Multiple choice: one request per choice, `gold` the right one, and
// `choices` the strings whose lengths acc_norm divides by. Last word (LAMBADA): one request.
struct Item {
  std::vector<Request> requests;
  std::vector<std::string> choices;
  int gold = 0;
  std::uint64_t words = 0, bytes = 0;  // wikitext: of the original page, the perplexities' weights
};

struct Task {
  std::string name;        // lm-eval's task name: "sciq", "lambada_openai", "blimp_passive_1", ...
  std::string group;       // "structural" (BLiMP), "factual" (the paper's table) or "" (none)
  std::string headline;    // the metric the summary takes: "acc", "acc_norm" or "perplexity"
  bool last_word = false;  // LAMBADA: greedy last-word accuracy and perplexity
  bool rolling = false;    // wikitext: the page's log-likelihood in rolling windows
  std::vector<Item> items;
};

// The names --tasks accepts: blimp, sciq, piqa, hellaswag, winogrande, arc_easy,
// arc_challenge, lambada, wikitext (field "page", as EleutherAI/wikitext_document_level).
const std::vector<std::string>& task_names();

// The names of a --tasks list ("sciq,piqa"); throws pollux::Error naming --tasks for an
// unknown or empty name.
std::vector<std::string> split_task_list(const std::string& list);

// Reads task `name` from `dir`: DIR/NAME.jsonl, or for "blimp" every DIR/blimp/*.jsonl in
// name order (one Task per set). At most `limit` items per file (0 = all). Throws
// pollux::Error naming the file, the line and the field for anything missing or mistyped,
// and for a file that holds no item.
std::vector<Task> read_tasks(const std::string& name, const std::string& dir, int limit);

// Every FOLDER/*.jsonl as a BLiMP set, in name order (what --blimp FOLDER reads).
std::vector<Task> read_blimp(const std::string& folder, int limit);

// One file of one task (`name` as in task_names(); "blimp" for a BLiMP set).
Task read_task_file(const std::string& name, const std::string& path, int limit);

// HellaSwag's text preprocessing (lm-eval's hellaswag/utils.py: strip, " [title]" -> ". ",
// drop "[...]", "  " -> " ").
std::string hellaswag_preprocess(const std::string& text);

// Python's str.capitalize() for the characters it changes in ASCII text: the first
// character upper case, the rest lower case (other bytes are kept).
std::string python_capitalize(const std::string& text);

// lm-eval's wikitext_detokenizer (wikitext/preprocess_wikitext.py): WikiText's spaced
// punctuation, " @-@ " number separators and "= =" headings back to plain text.
std::string wikitext_detokenize(const std::string& page);

// len(re.split(r"\s+", text)): the words lm-eval's word perplexity divides by.
std::uint64_t python_split_count(const std::string& text);

// Characters (Unicode code points) of UTF-8 text: Python's len(str), which acc_norm uses.
std::size_t code_points(const std::string& text);

}  // namespace pollux::eval
