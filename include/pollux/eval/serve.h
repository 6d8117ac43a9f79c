// `pollux-eval MODEL --serve`: the model as an lm-evaluation-harness backend, answering one
// JSON object per line on `in` with one JSON object per line on `out` (flushed):
//   {"op":"info"}                       -> {"eot_token_id", "max_length", "tokenizer", "vocab_size"}
//   {"op":"tokenize","texts":[s...]}    -> {"tokens":[[id...]...]}
//   {"op":"loglikelihood","requests":[{"context":[id...],"continuation":[id...]}...]}
//                                       -> {"results":[[logprob, is_greedy]...]}
//   {"op":"loglikelihood_rolling","texts":[s...]}  -> {"results":[logprob...]}
//   {"op":"generate_until","requests":[{"context":s,"until":[s...],"max_gen_toks":n}...]}
//                                       -> {"results":[s...]}  (greedy)
// A bad request gets {"error":"..."} and the server goes on; end of input ends it.
#pragma once

#include <iosfwd>

#include "pollux/model/model.h"
#include "pollux/tokenizer/tokenizer.h"

namespace pollux::eval {

void serve(const PolluxModel& model, const Tokenizer& tokenizer, std::istream& in, std::ostream& out, int batch_size);

}  // namespace pollux::eval
