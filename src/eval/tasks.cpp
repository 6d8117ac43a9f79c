#include "pollux/eval/tasks.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>

#include "pollux/base/error.h"
#include "pollux/base/json.h"
#include "pollux/data/whitespace.h"

namespace pollux::eval {

namespace fs = std::filesystem;

namespace {

// Where an item came from, for error messages: "FILE line N".
struct Origin {
  const std::string& path;
  std::uint64_t line;
  [[noreturn]] void fail(const std::string& field, const std::string& what) const {
    throw Error("eval", path + " line " + std::to_string(line) + ": field '" + field + "' " + what);
  }
};

const JsonValue& field_of(const JsonValue& doc, const std::string& field, const Origin& at) {
  const JsonValue* v = doc.get(field);
  if (!v) at.fail(field, "is missing");
  return *v;
}

const std::string& string_field(const JsonValue& doc, const std::string& field, const Origin& at) {
  const JsonValue& v = field_of(doc, field, at);
  if (v.kind != JsonValue::Kind::string) at.fail(field, "must be a string");
  return v.string;
}

std::vector<std::string> string_list(const JsonValue& v, const std::string& field, const Origin& at) {
  if (v.kind != JsonValue::Kind::array || v.array.empty()) at.fail(field, "must be a non-empty list of strings");
  std::vector<std::string> out;
  for (const JsonValue& e : v.array) {
    if (e.kind != JsonValue::Kind::string) at.fail(field, "must be a non-empty list of strings");
    out.push_back(e.string);
  }
  return out;
}

// An integer label in [0, count): a JSON integer, or with `digits_allowed` a string of one
// (lm-eval's int(doc["label"]) takes both).
int label_field(const JsonValue& doc, const std::string& field, std::size_t count, bool digits_allowed, const Origin& at) {
  const JsonValue& v = field_of(doc, field, at);
  double n = -1;
  if (v.kind == JsonValue::Kind::number && v.number == std::floor(v.number)) {
    n = v.number;
  } else if (digits_allowed && v.kind == JsonValue::Kind::string && !v.string.empty() && v.string.size() < 9 &&
             std::all_of(v.string.begin(), v.string.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    n = std::stod(v.string);
  } else {
    at.fail(field, digits_allowed ? "must be an integer or a string of digits" : "must be an integer");
  }
  if (n < 0 || n >= double(count)) at.fail(field, "must be in 0.." + std::to_string(count - 1));
  return int(n);
}

// Multiple choice with the context in front of every choice, after lm-eval's default
// target delimiter " ".
Item choice_item(const std::string& context, std::vector<std::string> choices, int gold) {
  Item item;
  for (const std::string& c : choices) item.requests.push_back({context, " " + c});
  item.choices = std::move(choices);
  item.gold = gold;
  return item;
}

std::string replace_all(const std::string& text, const std::string& from, const std::string& to) {
  std::string out;
  std::size_t at = 0;
  for (std::size_t hit; (hit = text.find(from, at)) != std::string::npos; at = hit + from.size())
    out += text.substr(at, hit - at) + to;
  return out + text.substr(at);
}

// The item of one JSON line of task `name` (lm-eval's YAML for that task, cited per case).
Item make_item(const std::string& name, const JsonValue& doc, const Origin& at) {
  if (doc.kind != JsonValue::Kind::object) at.fail("(line)", "must be a JSON object");
  if (name == "blimp") {  // blimp/_template_yaml: empty context, choices [good, bad], gold 0
    Item item = choice_item("", {string_field(doc, "sentence_good", at), string_field(doc, "sentence_bad", at)}, 0);
    return item;
  }
  if (name == "sciq") {  // sciq.yaml: "{{support.lstrip()}}\nQuestion: {{question}}\nAnswer:", gold 3
    const std::string& support = string_field(doc, "support", at);
    const std::string context =
        support.substr(leading_whitespace(support)) + "\nQuestion: " + string_field(doc, "question", at) + "\nAnswer:";
    return choice_item(context,
                       {string_field(doc, "distractor1", at), string_field(doc, "distractor2", at),
                        string_field(doc, "distractor3", at), string_field(doc, "correct_answer", at)},
                       3);
  }
  if (name == "piqa") {  // piqa.yaml: "Question: {{goal}}\nAnswer:", choices [sol1, sol2], gold label
    const std::string context = "Question: " + string_field(doc, "goal", at) + "\nAnswer:";
    std::vector<std::string> choices{string_field(doc, "sol1", at), string_field(doc, "sol2", at)};
    return choice_item(context, std::move(choices), label_field(doc, "label", 2, false, at));
  }
  if (name == "hellaswag") {  // hellaswag/utils.py process_docs
    const std::string ctx = string_field(doc, "ctx_a", at) + " " + python_capitalize(string_field(doc, "ctx_b", at));
    const std::string query = hellaswag_preprocess(string_field(doc, "activity_label", at) + ": " + ctx);
    std::vector<std::string> endings = string_list(field_of(doc, "endings", at), "endings", at);
    for (std::string& e : endings) e = hellaswag_preprocess(e);
    const int gold = label_field(doc, "label", endings.size(), true, at);
    return choice_item(query, std::move(endings), gold);
  }
  if (name == "winogrande") {
    // preprocess_winogrande.py: each option fills the blank and is the context; the rest of
    // the sentence after the blank, stripped, is the scored continuation (partial scoring).
    const std::string& sentence = string_field(doc, "sentence", at);
    const std::size_t blank = sentence.find('_');
    if (blank == std::string::npos) at.fail("sentence", "has no '_' blank");
    const std::string& answer = string_field(doc, "answer", at);
    if (answer != "1" && answer != "2") at.fail("answer", "must be \"1\" or \"2\"");
    const std::string rest(strip_whitespace(std::string_view(sentence).substr(blank + 1)));
    Item item;
    item.choices = {sentence.substr(0, blank) + string_field(doc, "option1", at),
                    sentence.substr(0, blank) + string_field(doc, "option2", at)};
    for (const std::string& c : item.choices) item.requests.push_back({c, " " + rest});
    item.gold = answer == "1" ? 0 : 1;
    return item;
  }
  if (name == "arc_easy" || name == "arc_challenge") {
    // arc_easy.yaml: "Question: {{question}}\nAnswer:", choices.text, gold choices.label.index(answerKey)
    const std::string context = "Question: " + string_field(doc, "question", at) + "\nAnswer:";
    const JsonValue& choices = field_of(doc, "choices", at);
    if (choices.kind != JsonValue::Kind::object) at.fail("choices", "must be an object with text and label lists");
    std::vector<std::string> text = string_list(field_of(choices, "text", at), "choices.text", at);
    const std::vector<std::string> labels = string_list(field_of(choices, "label", at), "choices.label", at);
    if (labels.size() != text.size()) at.fail("choices.label", "must have as many entries as choices.text");
    const std::string& key = string_field(doc, "answerKey", at);
    const auto hit = std::find(labels.begin(), labels.end(), key);
    if (hit == labels.end()) at.fail("answerKey", "'" + key + "' is not one of choices.label");
    return choice_item(context, std::move(text), int(hit - labels.begin()));
  }
  if (name == "lambada") {
    // lambada_openai.yaml: context = all words but the last (split on ' '), target = ' ' + last word
    const std::string& text = string_field(doc, "text", at);
    const std::size_t space = text.rfind(' ');
    Item item;
    item.requests.push_back(space == std::string::npos ? Request{"", " " + text}
                                                       : Request{text.substr(0, space), text.substr(space)});
    return item;
  }
  if (name == "wikitext") {  // wikitext.yaml: rolling log-likelihood of the detokenized page
    const std::string& page = string_field(doc, "page", at);
    Item item;
    item.requests.push_back({"", wikitext_detokenize(page)});
    item.words = python_split_count(page);
    item.bytes = page.size();
    return item;
  }
  throw Error("eval", "unknown task '" + name + "'");
}

// Python's str.isspace() for the UTF-8 character at `at`; its byte length in `length`.
bool space_at(const std::string& s, std::size_t at, std::size_t& length) {
  length = 1;
  const std::size_t lead = leading_whitespace(std::string_view(s).substr(at));
  if (lead == 0) return false;
  // leading_whitespace counts whole characters; take the first one only.
  const unsigned char c = static_cast<unsigned char>(s[at]);
  length = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
  return true;
}

// re.sub(OPEN \s*([^CLOSE]*?)\s* CLOSE, OPEN \1 CLOSE): the text between a pair, stripped.
std::string strip_inside_pairs(const std::string& s, char open, char close) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const std::size_t end = s[i] == open ? s.find(close, i + 1) : std::string::npos;
    if (end == std::string::npos) {
      out += s[i];
      continue;
    }
    out += open;
    out += std::string(strip_whitespace(std::string_view(s).substr(i + 1, end - i - 1)));
    out += close;
    i = end;
  }
  return out;
}

}  // namespace

const std::vector<std::string>& task_names() {
  static const std::vector<std::string> names{"blimp",    "sciq",          "piqa",    "hellaswag", "winogrande",
                                              "arc_easy", "arc_challenge", "lambada", "wikitext"};
  return names;
}

std::vector<std::string> split_task_list(const std::string& list) {
  std::vector<std::string> names;
  std::size_t at = 0;
  for (;;) {
    const std::size_t comma = std::min(list.find(',', at), list.size());
    const std::string name = list.substr(at, comma - at);
    if (std::find(task_names().begin(), task_names().end(), name) == task_names().end())
      throw Error("eval", "--tasks: unknown task '" + name +
                              "' (known: blimp, sciq, piqa, hellaswag, winogrande, arc_easy, arc_challenge, lambada, wikitext)");
    names.push_back(name);
    if (comma == list.size()) return names;
    at = comma + 1;
  }
}

std::string hellaswag_preprocess(const std::string& text) {
  std::string s = replace_all(std::string(strip_whitespace(text)), " [title]", ". ");
  std::string out;  // re.sub("\\[.*?\\]", "", s): shortest [...] not crossing a line break
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '[') {
      const std::size_t close = s.find_first_of("]\n", i + 1);
      if (close != std::string::npos && s[close] == ']') {
        i = close;
        continue;
      }
    }
    out += s[i];
  }
  return replace_all(out, "  ", " ");
}

std::string python_capitalize(const std::string& text) {
  std::string out = text;
  for (std::size_t i = 0; i < out.size(); ++i) {
    const char c = out[i];
    if (i == 0 && c >= 'a' && c <= 'z') out[i] = char(c - 'a' + 'A');
    if (i > 0 && c >= 'A' && c <= 'Z') out[i] = char(c - 'A' + 'a');
  }
  return out;
}

std::string wikitext_detokenize(const std::string& page) {
  std::string s = replace_all(page, "s '", "s'");
  std::string out;  // re.sub(r"/' [0-9]/", r"/'[0-9]/", s): the replacement is that literal text
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s.compare(i, 3, "/' ") == 0 && i + 4 < s.size() && s[i + 3] >= '0' && s[i + 3] <= '9' && s[i + 4] == '/') {
      out += "/'[0-9]/";
      i += 4;
    } else {
      out += s[i];
    }
  }
  s = out;
  for (const auto& [from, to] : std::vector<std::pair<const char*, const char*>>{{" @-@ ", "-"},
                                                                                 {" @,@ ", ","},
                                                                                 {" @.@ ", "."},
                                                                                 {" : ", ": "},
                                                                                 {" ; ", "; "},
                                                                                 {" . ", ". "},
                                                                                 {" ! ", "! "},
                                                                                 {" ? ", "? "},
                                                                                 {" , ", ", "}})
    s = replace_all(s, from, to);
  for (const auto& [open, close] :
       std::vector<std::pair<char, char>>{{'(', ')'}, {'[', ']'}, {'{', '}'}, {'"', '"'}, {'\'', '\''}})
    s = strip_inside_pairs(s, open, close);
  for (const auto& [from, to] : std::vector<std::pair<const char*, const char*>>{{"= = = =", "===="},
                                                                                 {"= = =", "==="},
                                                                                 {"= =", "=="},
                                                                                 {" \xc2\xb0 ", "\xc2\xb0"},
                                                                                 {" \n", "\n"},
                                                                                 {"\n ", "\n"},
                                                                                 {" N ", " 1 "},
                                                                                 {" 's", "'s"}})
    s = replace_all(s, from, to);
  return s;
}

std::uint64_t python_split_count(const std::string& text) {
  std::uint64_t pieces = 1;
  for (std::size_t i = 0, n; i < text.size();) {
    if (!space_at(text, i, n)) {
      i += n;
      continue;
    }
    ++pieces;
    while (i < text.size() && space_at(text, i, n)) i += n;
  }
  return pieces;
}

std::size_t code_points(const std::string& text) {
  return std::size_t(
      std::count_if(text.begin(), text.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

Task read_task_file(const std::string& name, const std::string& path, int limit) {
  if (std::find(task_names().begin(), task_names().end(), name) == task_names().end())
    throw Error("eval", "unknown task '" + name + "'");
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error("eval", "cannot open task file " + path);
  Task task;
  const std::string stem = fs::path(path).stem().string();
  task.name = name == "blimp" ? "blimp_" + stem : name == "lambada" ? "lambada_openai" : name;
  task.group = name == "blimp" ? "structural" : (name == "lambada" || name == "wikitext") ? "" : "factual";
  task.headline = name == "wikitext"                                               ? "word_perplexity"
                  : (name == "blimp" || name == "winogrande" || name == "lambada") ? "acc"
                                                                                   : "acc_norm";
  task.last_word = name == "lambada";
  task.rolling = name == "wikitext";
  std::string line;
  for (std::uint64_t number = 1; (limit <= 0 || task.items.size() < std::size_t(limit)) && std::getline(in, line); ++number) {
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    const Origin at{path, number};
    JsonValue doc;
    try {
      doc = parse_json(line);
    } catch (const Error& e) { throw Error("eval", path + " line " + std::to_string(number) + ": " + e.what()); }
    task.items.push_back(make_item(name, doc, at));
  }
  if (task.items.empty()) throw Error("eval", "task file " + path + " holds no items");
  return task;
}

std::vector<Task> read_blimp(const std::string& folder, int limit) {
  if (!fs::is_directory(folder)) throw Error("eval", "BLiMP folder " + folder + " does not exist");
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(folder))
    if (e.path().extension() == ".jsonl") files.push_back(e.path());
  std::sort(files.begin(), files.end());
  if (files.empty()) throw Error("eval", "BLiMP folder " + folder + " holds no *.jsonl files");
  std::vector<Task> tasks;
  for (const fs::path& f : files) tasks.push_back(read_task_file("blimp", f.string(), limit));
  return tasks;
}

std::vector<Task> read_tasks(const std::string& name, const std::string& dir, int limit) {
  if (name == "blimp") return read_blimp((fs::path(dir) / "blimp").string(), limit);
  return {read_task_file(name, (fs::path(dir) / (name + ".jsonl")).string(), limit)};
}

}  // namespace pollux::eval
