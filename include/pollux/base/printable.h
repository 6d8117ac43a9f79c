// Text from a file as an error line may show it (issue 15): printable ASCII kept, every other
// byte (newlines, binary, UTF-8) as \xNN, and at most `cap` bytes of it followed by
// "... (N bytes)", so a 64 KB binary name in a corrupt file is never echoed whole.
#pragma once

#include <cstdio>
#include <string>

namespace pollux {

inline std::string printable_excerpt(const std::string& text, std::size_t cap = 200) {
  std::string out;
  for (std::size_t i = 0; i < text.size() && i < cap; ++i) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    if (c >= 0x20 && c < 0x7f) {
      out += char(c);
    } else {
      char hex[5];
      std::snprintf(hex, sizeof hex, "\\x%02x", c);
      out += hex;
    }
  }
  if (text.size() > cap) out += "... (" + std::to_string(text.size()) + " bytes)";
  return out;
}

}  // namespace pollux
