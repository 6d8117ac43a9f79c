// The test main for Catch2 v2; with v3 the tests link Catch2::Catch2WithMain instead.
#define CATCH_CONFIG_MAIN
#include "catch.h"
