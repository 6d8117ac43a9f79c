#include "pollux/data/whitespace.h"

namespace pollux {
namespace {

// The code point starting at text[i] and its byte length; a byte that does not start a
// valid UTF-8 sequence decodes as itself with length 1 (never whitespace above 0x7f).
char32_t decode(std::string_view text, std::size_t i, std::size_t& length) {
  const unsigned char b = (unsigned char)text[i];
  length = 1;
  if (b < 0x80) return b;
  const std::size_t n = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 0;
  if (n == 0 || i + n > text.size()) return 0xfffd;
  char32_t c = b & (0x7f >> n);
  for (std::size_t k = 1; k < n; ++k) {
    const unsigned char cb = (unsigned char)text[i + k];
    if ((cb & 0xc0) != 0x80) return 0xfffd;
    c = (c << 6) | (cb & 0x3f);
  }
  length = n;
  return c;
}

}  // namespace

bool is_python_whitespace(char32_t c) {
  if (c < 0x80) return (c >= 0x09 && c <= 0x0d) || (c >= 0x1c && c <= 0x20);
  switch (c) {
    case 0x85:
    case 0xa0:
    case 0x1680:
    case 0x2028:
    case 0x2029:
    case 0x202f:
    case 0x205f:
    case 0x3000: return true;
    default: return c >= 0x2000 && c <= 0x200a;
  }
}

std::size_t leading_whitespace(std::string_view text) {
  std::size_t i = 0, length = 0;
  while (i < text.size() && is_python_whitespace(decode(text, i, length))) i += length;
  return i;
}

std::size_t trailing_whitespace_start(std::string_view text) {
  std::size_t start = text.size();
  while (start > 0) {
    // Step back to the start of the previous code point (at most 3 continuation bytes).
    std::size_t i = start - 1, length = 0;
    while (i > 0 && start - i < 4 && ((unsigned char)text[i] & 0xc0) == 0x80) --i;
    const char32_t c = decode(text, i, length);
    if (i + length != start || !is_python_whitespace(c)) break;
    start = i;
  }
  return start;
}

std::string_view strip_whitespace(std::string_view text) {
  const std::size_t begin = leading_whitespace(text);
  text.remove_prefix(begin);
  return text.substr(0, trailing_whitespace_start(text));
}

std::size_t complete_utf8_prefix(std::string_view text) {
  for (std::size_t back = 1; back <= 3 && back <= text.size(); ++back) {
    const unsigned char b = (unsigned char)text[text.size() - back];
    if ((b & 0xc0) == 0x80) continue;  // a continuation byte: look further back
    const std::size_t n = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
    return n > back ? text.size() - back : text.size();
  }
  return text.size();
}

}  // namespace pollux
