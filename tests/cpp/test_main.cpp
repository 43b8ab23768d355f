// doctest's main. Including the umbrella header here as well as the single headers in the test
// files makes the binary a two-translation-unit ODR check (non-template functions must be inline).
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

#include "incdtw/incdtw.hpp"

TEST_CASE("umbrella header: version macros") {
    CHECK(INCDTW_VERSION_MAJOR >= 0);
    CHECK(std::string(INCDTW_VERSION_STRING).find('.') != std::string::npos);
}
