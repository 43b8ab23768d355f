// find_peaks (peaks.hpp) against a brute force of API.md section 10 with DEVIATIONS 7 (NaN is never
// a peak and never blocks one), for random series with ties and NaN, every window and both modes.
#include "incdtw/peaks.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <limits>
#include <random>
#include <vector>


using incdtw::index_t;

namespace {

template <class T>
std::vector<index_t> brute_peaks(const std::vector<T>& x, index_t w, bool get_min, bool strict) {
    const auto n = static_cast<index_t>(x.size());
    auto y = [&](index_t t) {
        const T v = get_min ? x[static_cast<std::size_t>(t)] : -x[static_cast<std::size_t>(t)];
        return std::isnan(v) ? std::numeric_limits<T>::infinity() : v;
    };
    std::vector<index_t> out;
    for (index_t i = 0; i < n; ++i) {
        if (std::isnan(x[static_cast<std::size_t>(i)])) continue;
        bool peak = true;
        for (index_t j = std::max<index_t>(0, i - w); j <= std::min(n - 1, i + w); ++j) {
            if (j != i && (strict ? !(y(j) > y(i)) : !(y(j) >= y(i)))) peak = false;
        }
        if (peak) out.push_back(i);
    }
    return out;
}

}  // namespace

TEST_CASE_TEMPLATE("find_peaks: random series with ties and NaN against brute force", T, float, double) {
    std::mt19937 rng(99);
    for (int trial = 0; trial < 3000; ++trial) {
        const auto n = static_cast<index_t>(1 + rng() % 40);
        std::vector<T> x(static_cast<std::size_t>(n));
        for (auto& v : x) v = rng() % 9 == 0 ? std::numeric_limits<T>::quiet_NaN() : static_cast<T>(rng() % 5);
        const auto w = static_cast<index_t>(rng() % 12);
        for (const bool get_min : {true, false}) {
            for (const bool strict : {true, false}) {
                INFO("trial " << trial << " n " << n << " w " << w);
                CHECK(incdtw::find_peaks(x.data(), n, w, get_min, strict) == brute_peaks(x, w, get_min, strict));
            }
        }
    }
}

TEST_CASE("find_peaks: hand examples and errors") {
    const std::vector<double> x{3, 1, 2, 5, 4, 0, 2};
    CHECK(incdtw::find_peaks(x.data(), 7, 2) == std::vector<index_t>{1, 5});
    CHECK(incdtw::find_peaks(x.data(), 7, 2, false) == std::vector<index_t>{0, 3});
    CHECK(incdtw::find_peaks(x.data(), 7, 0) == std::vector<index_t>{0, 1, 2, 3, 4, 5, 6});  // w = 0: every point
    const std::vector<double> flat{2, 2, 2};
    CHECK(incdtw::find_peaks(flat.data(), 3, 1).empty());
    CHECK(incdtw::find_peaks(flat.data(), 3, 1, true, false) == std::vector<index_t>{0, 1, 2});
    CHECK_THROWS_AS(incdtw::find_peaks(x.data(), 7, -1), std::invalid_argument);
}
