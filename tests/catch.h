// One include for Catch2 v2 (Debian) and v3 (the GPU machine).
#pragma once

#include <cstdlib>
#include <cstring>

#if __has_include(<catch2/catch_test_macros.hpp>)
#include <catch2/catch_approx.hpp>
#include <catch2/catch_test_macros.hpp>
#include <catch2/generators/catch_generators.hpp>
#include <catch2/matchers/catch_matchers_string.hpp>
#define POLLUX_CATCH_SKIP_(message) SKIP(message)
using Catch::Approx;
namespace Catch {
inline Matchers::StringContainsMatcher Contains(const std::string& text) { return Matchers::ContainsSubstring(text); }
}  // namespace Catch
#else
#include <catch2/catch.hpp>
// Catch2 v2 has no SKIP: say why and leave the test case.
#define POLLUX_CATCH_SKIP_(message) \
  do {                              \
    WARN(message);                  \
    return;                         \
  } while (0)
#endif

namespace pollux::test {
// The exit status of a test run that skipped a case and failed none (catch_main.cpp); ctest
// reports such a test as Skipped (SKIP_RETURN_CODE in tests/CMakeLists.txt). The e2e scripts
// exit with it too (tests/e2e/lib.sh).
constexpr int kSkipExitCode = 77;
// Cases skipped so far in this process.
inline int skipped_cases = 0;
// Whether the environment variable is set to 1: then a skip of its kind is a failure.
inline bool required(const char* variable) {
  const char* value = std::getenv(variable);
  return value && std::strcmp(value, "1") == 0;
}
}  // namespace pollux::test

// POLLUX_SKIP_NO_GPU(message), POLLUX_SKIP_NO_FIXTURES(message): this case cannot run here
// (no GPU; no shared/ fixtures): say why and leave it, so that the run exits with
// kSkipExitCode, unless POLLUX_REQUIRE_GPU=1 / POLLUX_REQUIRE_FIXTURES=1 make it a failure.
#define POLLUX_SKIP_BECAUSE_(variable, message)                                                      \
  do {                                                                                               \
    if (pollux::test::required(variable)) FAIL(message << " (" variable "=1: a skip is a failure)"); \
    ++pollux::test::skipped_cases;                                                                   \
    POLLUX_CATCH_SKIP_(message);                                                                     \
  } while (0)
#define POLLUX_SKIP_NO_GPU(message) POLLUX_SKIP_BECAUSE_("POLLUX_REQUIRE_GPU", message)
#define POLLUX_SKIP_NO_FIXTURES(message) POLLUX_SKIP_BECAUSE_("POLLUX_REQUIRE_FIXTURES", message)
