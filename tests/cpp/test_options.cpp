// Tests of incdtw/options.hpp: defaults, validation, parsing of IncDTW's option names.
#include "incdtw/options.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <limits>
#include <stdexcept>

using incdtw::DistMethod;
using incdtw::DtwOptions;
using incdtw::StepPattern;

TEST_CASE("options: defaults are IncDTW's") {
    const DtwOptions opt;
    CHECK(opt.step_pattern == StepPattern::symmetric2);
    CHECK(opt.dist_method == DistMethod::norm1);
    CHECK(opt.window == -1);
    CHECK(std::isinf(opt.threshold));
    CHECK(opt.threshold > 0);
    CHECK_NOTHROW(incdtw::validate(opt));
}

TEST_CASE("options: validate") {
    DtwOptions opt;
    opt.window = 0;
    CHECK_NOTHROW(incdtw::validate(opt));
    opt.window = -2;
    CHECK_THROWS_AS(incdtw::validate(opt), std::invalid_argument);
    opt.window = -1;
    opt.threshold = 0.0;
    CHECK_NOTHROW(incdtw::validate(opt));
    opt.threshold = -1e-300;
    CHECK_THROWS_AS(incdtw::validate(opt), std::invalid_argument);
    opt.threshold = std::numeric_limits<double>::quiet_NaN();
    CHECK_THROWS_AS(incdtw::validate(opt), std::invalid_argument);
}

TEST_CASE("options: step_pattern_from_string and dist_method_from_string") {
    CHECK(incdtw::step_pattern_from_string("symmetric1") == StepPattern::symmetric1);
    CHECK(incdtw::step_pattern_from_string("symmetric2") == StepPattern::symmetric2);
    for (const char* bad : {"", "symmetric", "Symmetric2", "symmetric2 ", "symmetric3", "norm1"}) {
        CAPTURE(bad);
        CHECK_THROWS_AS(incdtw::step_pattern_from_string(bad), std::invalid_argument);
    }
    CHECK(incdtw::dist_method_from_string("norm1") == DistMethod::norm1);
    CHECK(incdtw::dist_method_from_string("norm2") == DistMethod::norm2);
    CHECK(incdtw::dist_method_from_string("norm2_square") == DistMethod::norm2_square);
    for (const char* bad : {"", "norm", "norm3", "NORM1", "norm2square", "euclidean", "symmetric1"}) {
        CAPTURE(bad);
        CHECK_THROWS_AS(incdtw::dist_method_from_string(bad), std::invalid_argument);
    }
}

TEST_CASE("options: window_feasible and check_window") {
    CHECK(incdtw::window_feasible(5, 3, -1));
    CHECK(incdtw::window_feasible(5, 3, 2));
    CHECK(incdtw::window_feasible(3, 5, 2));
    CHECK_FALSE(incdtw::window_feasible(5, 3, 1));
    CHECK_FALSE(incdtw::window_feasible(3, 5, 1));
    CHECK(incdtw::window_feasible(4, 4, 0));
    CHECK_NOTHROW(incdtw::check_window(3, 5, 2));
    CHECK_THROWS_AS(incdtw::check_window(3, 5, 1), std::invalid_argument);
    CHECK_THROWS_AS(incdtw::check_window(1, 2, 0), std::invalid_argument);
}

TEST_CASE_TEMPLATE("options: normalize_distance", T, float, double) {
    CHECK(incdtw::normalize_distance(T(3), 4, 5, StepPattern::symmetric2) == T(3) / T(9));
    CHECK(std::isnan(incdtw::normalize_distance(T(3), 4, 5, StepPattern::symmetric1)));
    CHECK(std::isnan(incdtw::normalize_distance(std::numeric_limits<T>::quiet_NaN(), 4, 5, StepPattern::symmetric2)));
}
