// Errors of the whole project: one exception type whose message names the component,
// the input and, where there is one, a hint. Tools print what() on one line and exit 1.
#pragma once

#include <stdexcept>
#include <string>

namespace pollux {

class Error : public std::runtime_error {
 public:
  // component: a short name in brackets in the message, e.g. "plx", "quantizer".
  Error(const std::string& component, const std::string& message)
      : std::runtime_error("[" + component + "] " + message), message_(message) {}
  // The message without its "[component] " tag: for a caller that rethrows it as its own.
  const std::string& message() const { return message_; }

 private:
  std::string message_;
};

}  // namespace pollux
