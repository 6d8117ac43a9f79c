// Document stripping: Python's str.strip() on UTF-8 (see include/pollux/data/whitespace.h).
#include "../catch.h"
#include "pollux/data/whitespace.h"

#include <string>

using namespace pollux;

TEST_CASE("whitespace is exactly the code points of Python's str.isspace()") {
  // The set printed by [hex(c) for c in range(0x110000) if chr(c).isspace()] in CPython 3.
  const char32_t python[] = {0x9,    0xa,    0xb,    0xc,    0xd,    0x1c,   0x1d,   0x1e,   0x1f,   0x20,
                             0x85,   0xa0,   0x1680, 0x2000, 0x2001, 0x2002, 0x2003, 0x2004, 0x2005, 0x2006,
                             0x2007, 0x2008, 0x2009, 0x200a, 0x2028, 0x2029, 0x202f, 0x205f, 0x3000};
  std::size_t count = 0, next = 0;
  for (char32_t c = 0; c < 0x110000; ++c) {
    const bool want = next < sizeof(python) / sizeof(python[0]) && python[next] == c;
    if (want) ++next;
    if (is_python_whitespace(c) != want) FAIL("code point " << std::hex << std::uint32_t(c));
    count += is_python_whitespace(c);
  }
  CHECK(count == 29);
}

TEST_CASE("strip_whitespace strips multi-byte whitespace and keeps everything else") {
  CHECK(strip_whitespace("\xe3\x80\x80 a b\xc2\x85\n") == "a b");
  CHECK(strip_whitespace("\xe2\x80\x8b"
                         "a") ==
        "\xe2\x80\x8b"
        "a");  // U+200B is not whitespace
  CHECK(strip_whitespace(" \t\xe2\x80\xa8 ").empty());
  CHECK(strip_whitespace("a\xff ") == "a\xff");       // invalid UTF-8 is kept
  CHECK(strip_whitespace("\x80\x85") == "\x80\x85");  // a stray continuation byte is not U+0085
  CHECK(leading_whitespace("  x ") == 2);
  CHECK(trailing_whitespace_start("x \xe3\x80\x80") == 1);
}

TEST_CASE("complete_utf8_prefix holds back an unfinished UTF-8 character") {
  CHECK(complete_utf8_prefix("ab\xe3\x80") == 2);
  CHECK(complete_utf8_prefix("ab\xe3\x80\x80") == 5);
  CHECK(complete_utf8_prefix("ab\xf0") == 2);
  CHECK(complete_utf8_prefix("abc") == 3);
  CHECK(complete_utf8_prefix("") == 0);
}
