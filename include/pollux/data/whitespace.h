// Document stripping as the reference's FineWeb preparation does it: Python's str.strip()
// with no argument, i.e. the code points for which str.isspace() is true, on UTF-8 text.
// Bytes that are not valid UTF-8 count as non-whitespace.
#pragma once

#include <cstddef>
#include <string_view>

namespace pollux {

// True for the 29 code points Python's str.isspace() accepts (checked with CPython 3).
bool is_python_whitespace(char32_t c);

// Bytes of leading whitespace at the start of `text`.
std::size_t leading_whitespace(std::string_view text);
// Offset where the trailing whitespace of `text` starts (text.size() when there is none).
std::size_t trailing_whitespace_start(std::string_view text);
// str.strip(): `text` without its leading and trailing whitespace.
std::string_view strip_whitespace(std::string_view text);
// Length of the longest prefix of `text` that does not end inside a UTF-8 sequence.
std::size_t complete_utf8_prefix(std::string_view text);

}  // namespace pollux
