// One include for Catch2 v2 (Debian) and v3 (the GPU machine).
#pragma once

#if __has_include(<catch2/catch_test_macros.hpp>)
#include <catch2/catch_approx.hpp>
#include <catch2/catch_test_macros.hpp>
#include <catch2/generators/catch_generators.hpp>
#include <catch2/matchers/catch_matchers_string.hpp>
#define POLLUX_SKIP(message) SKIP(message)
using Catch::Approx;
namespace Catch {
inline Matchers::StringContainsMatcher Contains(const std::string& text) { return Matchers::ContainsSubstring(text); }
}  // namespace Catch
#else
#include <catch2/catch.hpp>
// Catch2 v2 has no SKIP: say why and leave the test case.
#define POLLUX_SKIP(message) \
  do {                       \
    WARN(message);           \
    return;                  \
  } while (0)
#endif
