// Tests of incdtw/dtw_vector.hpp: incdtw::dtw_distance (two-row sweep, early abandoning) against
// the reference DTW and, bit for bit, against incdtw::dtw.
#include "incdtw/dtw_vector.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <stdexcept>
#include <vector>

#include "check.hpp"
#include "incdtw/cost_matrix.hpp"
#include "incdtw/dtw.hpp"
#include "reference.hpp"

using namespace incdtw_test;
using incdtw::DistanceResult;
using incdtw::DtwOptions;
using incdtw::MatrixKind;

namespace {

template <class T>
T dtw_full_distance(const Series<T>& q, const Series<T>& c, DtwOptions opt) {
    opt.return_path = true;  // the matrix sweep, with gcm and directions
    return incdtw::dtw(q.view(), c.view(), opt).distance;
}

/// dtw_distance(q, c) and dtw_distance(c, q) (the transposed sweep) against dtw(q, c).distance bit
/// for bit, and against the reference (same precision to a few ulps; float also to 1e-5 of the
/// double reference).
template <class T>
void check_distance_case(const Series<T>& q, const Series<T>& c, const Case& k) {
    const DtwOptions opt = options_for(k);
    const T full = dtw_full_distance(q, c, opt);
    const DistanceResult<T> a = incdtw::dtw_distance(q.view(), c.view(), opt);
    const DistanceResult<T> b = incdtw::dtw_distance(c.view(), q.view(), opt);
    CHECK(same_bits(a.distance, full));
    CHECK(same_bits(b.distance, full));
    CHECK(same_bits(incdtw::dtw(c.view(), q.view(), opt).distance, full));
    CHECK(same_bits(a.normalized_distance, incdtw::normalize_distance(full, k.n, k.m, k.step)));
    CHECK(same_bits(a.normalized_distance, b.normalized_distance));
    if (k.step == StepPattern::symmetric1) CHECK(std::isnan(a.normalized_distance));

    const RefResult<T> ref = ref_dtw(q, c, k.method, k.step, k.window);
    CHECK(close(static_cast<double>(a.distance), static_cast<double>(ref.distance), same_precision_rel<T>));
    CHECK(close(static_cast<double>(a.normalized_distance), static_cast<double>(ref.normalized_distance),
                same_precision_rel<T>));
    if constexpr (!std::is_same_v<T, double>) {
        const RefResult<double> refd = ref_dtw(q.template as<double>(), c.template as<double>(), k.method, k.step,
                                               k.window);
        CHECK(close(static_cast<double>(a.distance), refd.distance, float_vs_double_rel));
    }
}

/// Thresholds below, at and above the distance: the exact distance when distance <= threshold,
/// NaN (distance and normalized distance) otherwise, in both orientations.
template <class T>
void check_thresholds(const Series<T>& q, const Series<T>& c, const Case& k) {
    DtwOptions opt = options_for(k);
    const T d = dtw_full_distance(q, c, opt);
    const double dd = static_cast<double>(d);
    std::vector<double> thresholds{0.0,
                                   dd,
                                   static_cast<double>(std::nextafter(d, std::numeric_limits<T>::infinity())),
                                   dd * 1.5 + 1.0,
                                   std::numeric_limits<double>::max(),
                                   std::numeric_limits<double>::infinity()};
    if (d > 0) {
        thresholds.push_back(static_cast<double>(std::nextafter(d, T(0))));  // the next T below
        thresholds.push_back(dd * 0.5);
        thresholds.push_back(dd * 0.999);
    }
    for (const double thr : thresholds) {
        INFO("threshold=", thr, " distance=", dd);
        opt.threshold = thr;
        const T want = ref_abandon(d, thr);
        for (const bool transpose : {false, true}) {
            const auto r = transpose ? incdtw::dtw_distance(c.view(), q.view(), opt)
                                     : incdtw::dtw_distance(q.view(), c.view(), opt);
            CHECK(same_bits(r.distance, want));
            CHECK(same_bits(r.normalized_distance, incdtw::normalize_distance(want, k.n, k.m, k.step)));
        }
    }
}

template <class T>
void random_cases(std::uint32_t seed, bool ints, int count) {
    for_random_cases<T>(seed, count, ints ? 1 : 0, [](const Series<T>& q, const Series<T>& c, const Case& k) {
        check_distance_case(q, c, k);
        check_thresholds(q, c, k);
    });
}

}  // namespace

TEST_CASE_TEMPLATE("dtw_distance: paper example", T, float, double) {
    const auto q = make_series<T>({3, 4, 5, 6});
    const auto c = make_series<T>({1, 3, 3, 5, 6});
    DtwOptions opt;
    CHECK(incdtw::dtw_distance(q.view(), c.view(), opt).distance == T(3));
    CHECK(incdtw::dtw_distance(q.view(), c.view(), opt).normalized_distance == T(3) / T(9));
    CHECK(incdtw::dtw_distance(c.view(), q.view(), opt).distance == T(3));
    opt.threshold = 3.0;
    CHECK(incdtw::dtw_distance(q.view(), c.view(), opt).distance == T(3));
    opt.threshold = 2.5;
    CHECK(std::isnan(incdtw::dtw_distance(q.view(), c.view(), opt).distance));
    CHECK(std::isnan(incdtw::dtw_distance(q.view(), c.view(), opt).normalized_distance));
    opt.threshold = std::numeric_limits<double>::infinity();
    opt.window = 1;
    CHECK(incdtw::dtw_distance(q.view(), c.view(), opt).distance == T(4));
    CHECK(incdtw::dtw_distance(c.view(), q.view(), opt).distance == T(4));
    opt.threshold = 3.5;
    CHECK(std::isnan(incdtw::dtw_distance(q.view(), c.view(), opt).distance));
    opt.step_pattern = StepPattern::symmetric1;
    opt.threshold = 3.0;
    const auto s1 = incdtw::dtw_distance(q.view(), c.view(), opt);
    CHECK(s1.distance == T(3));  // symmetric1, window 1: path (0,0) (0,1) (1,2) (2,3) (3,4), costs 2+0+1+0+0
    CHECK(std::isnan(s1.normalized_distance));
    opt.threshold = 2.0;
    CHECK(std::isnan(incdtw::dtw_distance(q.view(), c.view(), opt).distance));
}

TEST_CASE_TEMPLATE("dtw_distance: random walks against the reference and dtw()", T, float, double) {
    random_cases<T>(1234567u, false, 1000);
}

TEST_CASE_TEMPLATE("dtw_distance: integer-valued series (many ties) against the reference and dtw()", T, float,
                   double) {
    random_cases<T>(7654321u, true, 1000);
}

TEST_CASE_TEMPLATE("dtw_distance: long against short, both orientations", T, float, double) {
    std::mt19937 rng(55u);
    for (const index_t n : {1, 2, 7, 200}) {
        for (const index_t m : {1, 3, 200}) {
            for (const bool ints : {false, true}) {
                Case k;
                k.n = n;
                k.m = m;
                k.dims = ints ? 2 : 1;
                k.method = ints ? DistMethod::norm2 : DistMethod::norm2_square;
                k.step = ints ? StepPattern::symmetric2 : StepPattern::symmetric1;
                k.ints = ints;
                for (const index_t window : {index_t{-1}, std::abs(n - m), std::abs(n - m) + 2}) {
                    k.window = window;
                    const Series<T> q = random_series<T>(rng, n, k.dims, ints);
                    const Series<T> c = random_series<T>(rng, m, k.dims, ints);
                    INFO(k.str());
                    check_distance_case(q, c, k);
                    check_thresholds(q, c, k);
                }
            }
        }
    }
}

TEST_CASE_TEMPLATE("dtw_distance: early abandoning keeps distances equal to the threshold", T, float, double) {
    // Integer series: the distance is an exact small integer, so threshold == distance is exact.
    std::mt19937 rng(9u);
    for (int t = 0; t < 200; ++t) {
        const Case k = random_case(rng, true);
        const Series<T> q = random_series<T>(rng, k.n, k.dims, true);
        const Series<T> c = random_series<T>(rng, k.m, k.dims, true);
        INFO("case ", t, ": ", k.str());
        DtwOptions opt = options_for(k);
        const T d = dtw_full_distance(q, c, opt);
        opt.threshold = static_cast<double>(d);
        CHECK(same_bits(incdtw::dtw_distance(q.view(), c.view(), opt).distance, d));
        if (d >= T(1)) {
            opt.threshold = static_cast<double>(d) - 0.5;
            CHECK(std::isnan(incdtw::dtw_distance(q.view(), c.view(), opt).distance));
        }
    }
}

TEST_CASE_TEMPLATE("dtw_distance: identical series with threshold 0", T, float, double) {
    std::mt19937 rng(10u);
    const Series<T> q = random_walk<T>(rng, 17, 2);
    DtwOptions opt;
    opt.threshold = 0.0;
    opt.dist_method = DistMethod::norm2;
    CHECK(incdtw::dtw_distance(q.view(), q.view(), opt).distance == T(0));
    const Series<T> c = random_walk<T>(rng, 17, 2);
    CHECK(std::isnan(incdtw::dtw_distance(q.view(), c.view(), opt).distance));
}

// The threshold is a double; for float the kernel must round it down, not to nearest, or a
// threshold a hair below a float distance would keep the distance.
TEST_CASE("dtw_distance<float>: a threshold just below the distance gives NaN") {
    const auto q = make_series<float>({3, 4, 5, 6});
    const auto c = make_series<float>({1, 3, 3, 5, 6});
    DtwOptions opt;
    opt.threshold = std::nextafter(3.0, 0.0);  // 2.9999999999999996 < 3
    CHECK(std::isnan(incdtw::dtw_distance(q.view(), c.view(), opt).distance));
}

TEST_CASE_TEMPLATE("dtw_distance: from a cost matrix or a difference matrix equals the series version", T,
                   float, double) {
    for_random_cases<T>(606u, 200, 3, [&](const Series<T>& q, const Series<T>& c, const Case& k) {
        DtwOptions opt = options_for(k);
        const T d = incdtw::dtw_distance(q.view(), c.view(), opt).distance;
        const auto cm = incdtw::cost_matrix(q.view(), c.view(), k.method, k.window);
        const std::vector<double> thresholds{std::numeric_limits<double>::infinity(), static_cast<double>(d),
                                             static_cast<double>(d) * 0.75};
        for (const double thr : thresholds) {
            INFO("threshold=", thr);
            opt.threshold = thr;
            const T want = incdtw::dtw_distance(q.view(), c.view(), opt).distance;
            const auto r = incdtw::dtw_distance(cm.view(), MatrixKind::cost, opt);
            CHECK(same_bits(r.distance, want));
            CHECK(same_bits(r.normalized_distance, incdtw::normalize_distance(want, k.n, k.m, k.step)));
            if (k.dims == 1) {
                const auto dmat = incdtw::difference_matrix(q.view(), c.view(), k.window);
                CHECK(same_bits(incdtw::dtw_distance(dmat.view(), MatrixKind::difference, opt).distance, want));
            }
        }
    });
}

TEST_CASE_TEMPLATE("dtw_distance: errors", T, float, double) {
    const auto q = make_series<T>({T(1), T(2), T(3), T(4), T(5)});
    const auto c = make_series<T>({T(1), T(2), T(3)});
    const auto q2 = make_series<T>({T(1), T(2), T(3), T(4)}, 2);
    const incdtw::SeriesView<T> empty{nullptr, 0, 1};
    DtwOptions opt;
    CHECK_THROWS_AS(incdtw::dtw_distance(empty, c.view(), opt), std::length_error);
    CHECK_THROWS_AS(incdtw::dtw_distance(q.view(), empty, opt), std::length_error);
    CHECK_THROWS_AS(incdtw::dtw_distance(q2.view(), c.view(), opt), std::invalid_argument);
    for (const T bad : {std::numeric_limits<T>::quiet_NaN(), std::numeric_limits<T>::infinity()}) {
        auto cb = c;
        cb.data[0] = bad;
        CHECK_THROWS_AS(incdtw::dtw_distance(q.view(), cb.view(), opt), std::invalid_argument);
        CHECK_THROWS_AS(incdtw::dtw_distance(cb.view(), q.view(), opt), std::invalid_argument);
    }
    opt.window = 1;
    CHECK_THROWS_AS(incdtw::dtw_distance(q.view(), c.view(), opt), std::invalid_argument);
    CHECK_THROWS_AS(incdtw::dtw_distance(c.view(), q.view(), opt), std::invalid_argument);
    opt.window = -3;
    CHECK_THROWS_AS(incdtw::dtw_distance(q.view(), q.view(), opt), std::invalid_argument);
    opt.window = -1;
    opt.threshold = -0.5;
    CHECK_THROWS_AS(incdtw::dtw_distance(q.view(), c.view(), opt), std::invalid_argument);
    opt.threshold = std::numeric_limits<double>::quiet_NaN();
    CHECK_THROWS_AS(incdtw::dtw_distance(q.view(), c.view(), opt), std::invalid_argument);
    opt.threshold = -std::numeric_limits<double>::infinity();
    CHECK_THROWS_AS(incdtw::dtw_distance(q.view(), c.view(), opt), std::invalid_argument);

    opt.threshold = std::numeric_limits<double>::infinity();
    incdtw::Matrix<T> cm(3, 4, T(1));
    CHECK_THROWS_AS(incdtw::dtw_distance(incdtw::MatrixView<T>{cm.data.data(), 0, 4}, MatrixKind::cost, opt),
                    std::length_error);
    cm(2, 3) = T(-1);
    CHECK_THROWS_AS(incdtw::dtw_distance(cm.view(), MatrixKind::cost, opt), std::invalid_argument);
    CHECK_NOTHROW(incdtw::dtw_distance(cm.view(), MatrixKind::difference, opt));
    opt.window = 0;
    CHECK_THROWS_AS(incdtw::dtw_distance(cm.view(), MatrixKind::difference, opt), std::invalid_argument);
}
