// `pollux-eval MODEL --serve`: the model as an lm-evaluation-harness backend, answering one
// JSON object per line on `in` with one JSON object per line on `out` (flushed):
//   {"op":"info"}                       -> {"eot_token_id", "max_length", "max_request_bytes", "tokenizer", "vocab_size"}
//   {"op":"tokenize","texts":[s...]}    -> {"tokens":[[id...]...]}
//   {"op":"loglikelihood","requests":[{"context":[id...],"continuation":[id...]}...]}
//                                       -> {"results":[[logprob, is_greedy]...]}
//   {"op":"loglikelihood_rolling","texts":[s...]}  -> {"results":[logprob...]}
//   {"op":"generate_until","requests":[{"context":s,"until":[s...],"max_gen_toks":n}...]}
//                                       -> {"results":[s...]}  (greedy)
// Every request line gets one reply line: a bad request, or one that fails (out of memory, a
// c10 error), gets {"error":"..."} and the server goes on; end of input ends it. A line longer
// than max_request_bytes is skipped as it is read (never held whole) and answered with an
// error. Replies are valid UTF-8: generated text is decoded with U+FFFD for partial
// characters (valid_utf8), as lm-eval's Hugging Face models decode. generate_until's
// max_gen_toks is cut to seq_len - 1, so that at least one token of context remains.
#pragma once

#include <cstddef>
#include <iosfwd>

#include "pollux/model/model.h"
#include "pollux/tokenizer/tokenizer.h"

namespace pollux::eval {

struct ServeOptions {
  int batch_size = 8;                        // requests per forward pass
  std::size_t max_request_bytes = 16 << 20;  // longest request line answered (--max_request_mb)
};

void serve(const PolluxModel& model, const Tokenizer& tokenizer, std::istream& in, std::ostream& out,
           const ServeOptions& options);

}  // namespace pollux::eval
