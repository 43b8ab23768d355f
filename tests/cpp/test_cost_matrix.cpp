// Tests of incdtw/cost_matrix.hpp: cost_matrix and difference_matrix.
#include "incdtw/cost_matrix.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <limits>
#include <random>
#include <stdexcept>
#include <vector>

#include "check.hpp"
#include "reference.hpp"

using namespace incdtw_test;

namespace {

/// The reference costs with NaN outside the window.
template <class T>
std::vector<T> ref_banded_costs(const Series<T>& q, const Series<T>& c, DistMethod method, index_t window) {
    std::vector<T> cm = ref_cost_matrix(q, c, method);
    for (index_t i = 0; i < q.length; ++i) {
        for (index_t j = 0; j < c.length; ++j) {
            if (!in_window(i, j, window)) cm[idx(i, j, c.length)] = nan_v<T>;
        }
    }
    return cm;
}

}  // namespace

TEST_CASE_TEMPLATE("cost_matrix: paper example", T, float, double) {
    const auto q = make_series<T>({3, 4, 5, 6});
    const auto c = make_series<T>({1, 3, 3, 5, 6});
    const auto cm = incdtw::cost_matrix(q.view(), c.view());
    CHECK(cm.rows == 4);
    CHECK(cm.cols == 5);
    INCDTW_CHECK_SAME(compare_bits(cm.data,
                                   std::vector<T>{2, 0, 0, 2, 3,  //
                                                  3, 1, 1, 1, 2,  //
                                                  4, 2, 2, 0, 1,  //
                                                  5, 3, 3, 1, 0},
                                   5));
    const T nan = std::numeric_limits<T>::quiet_NaN();
    INCDTW_CHECK_SAME(compare_bits(incdtw::cost_matrix(q.view(), c.view(), DistMethod::norm1, 1).data,
                                   std::vector<T>{2, 0, nan, nan, nan,  //
                                                  3, 1, 1, nan, nan,    //
                                                  nan, 2, 2, 0, nan,    //
                                                  nan, nan, 3, 1, 0},
                                   5));
    const auto sq = incdtw::cost_matrix(q.view(), c.view(), DistMethod::norm2_square);
    CHECK(sq(3, 0) == T(25));
    CHECK(sq(1, 4) == T(4));
    const auto n2 = incdtw::cost_matrix(q.view(), c.view(), DistMethod::norm2);
    INCDTW_CHECK_SAME(compare_bits(n2.data, cm.data, 5));  // one dimension: norm2 == |q - c|
}

TEST_CASE_TEMPLATE("cost_matrix: the three norms on a multivariate pair", T, float, double) {
    const auto q = make_series<T>({0, 0, 1, 1}, 2);   // (0,0), (1,1)
    const auto c = make_series<T>({3, 4, -2, 1}, 2);  // (3,4), (-2,1)
    const auto m1 = incdtw::cost_matrix(q.view(), c.view(), DistMethod::norm1);
    const auto m2 = incdtw::cost_matrix(q.view(), c.view(), DistMethod::norm2);
    const auto m22 = incdtw::cost_matrix(q.view(), c.view(), DistMethod::norm2_square);
    INCDTW_CHECK_SAME(compare_bits(m1.data, std::vector<T>{7, 3, 5, 3}, 2));
    INCDTW_CHECK_SAME(compare_bits(m22.data, std::vector<T>{25, 5, 13, 9}, 2));
    CHECK(m2(0, 0) == T(5));
    CHECK(m2(1, 1) == T(3));
    CHECK(m2(0, 1) == std::sqrt(T(5)));
    CHECK(m2(1, 0) == std::sqrt(T(13)));
}

TEST_CASE_TEMPLATE("cost_matrix: random series against the reference costs", T, float, double) {
    for_random_cases<T>(11u, 300, 2, [&](const Series<T>& q, const Series<T>& c, const Case& k) {
        const auto cm = incdtw::cost_matrix(q.view(), c.view(), k.method, k.window);
        REQUIRE(cm.rows == k.n);
        REQUIRE(cm.cols == k.m);
        // Same operations in the same order: exact up to FMA contraction.
        INCDTW_CHECK_SAME(compare_values(cm.data, ref_banded_costs(q, c, k.method, k.window), k.m,
                                         same_precision_rel<T>));
        // The cost is symmetric bit for bit.
        const auto ct = incdtw::cost_matrix(c.view(), q.view(), k.method, k.window);
        for (index_t i = 0; i < k.n; ++i) {
            for (index_t j = 0; j < k.m; ++j) {
                if (!same_bits(cm(i, j), ct(j, i))) {
                    FAIL_CHECK("cost not symmetric at (", i, ", ", j, ")");
                    i = k.n;
                    break;
                }
            }
        }
        if (k.dims == 1) {
            const auto dm = incdtw::difference_matrix(q.view(), c.view(), k.window);
            REQUIRE(dm.rows == k.n);
            REQUIRE(dm.cols == k.m);
            std::vector<T> want(static_cast<std::size_t>(k.n * k.m), nan_v<T>);
            for (index_t i = 0; i < k.n; ++i) {
                for (index_t j = 0; j < k.m; ++j) {
                    if (in_window(i, j, k.window)) want[idx(i, j, k.m)] = q.data[idx(i, 0, 1)] - c.data[idx(j, 0, 1)];
                }
            }
            INCDTW_CHECK_SAME(compare_bits(dm.data, want, k.m));
        }
    });
}

TEST_CASE_TEMPLATE("cost_matrix: window 0 keeps the diagonal only, an infeasible window is allowed", T, float,
                   double) {
    const auto q = make_series<T>({1, 2, 3});
    const auto c = make_series<T>({0, 0, 0, 0, 0});
    const auto cm = incdtw::cost_matrix(q.view(), c.view(), DistMethod::norm1, 0);
    for (index_t i = 0; i < 3; ++i) {
        for (index_t j = 0; j < 5; ++j) {
            if (i == j) {
                CHECK(cm(i, j) == T(i + 1));
            } else {
                CHECK(std::isnan(cm(i, j)));
            }
        }
    }
    const auto dm = incdtw::difference_matrix(q.view(), c.view(), 0);
    CHECK(dm(2, 2) == T(3));
    CHECK(std::isnan(dm(2, 3)));
}

TEST_CASE_TEMPLATE("cost_matrix: errors", T, float, double) {
    const auto q = make_series<T>({1, 2, 3});
    const auto c = make_series<T>({1, 2, 3, 4});
    const auto q2 = make_series<T>({1, 2, 3, 4}, 2);
    const auto c2 = make_series<T>({1, 2, 3, 4, 5, 6}, 2);
    const incdtw::SeriesView<T> empty{nullptr, 0, 1};
    CHECK_THROWS_AS(incdtw::cost_matrix(empty, c.view()), std::length_error);
    CHECK_THROWS_AS(incdtw::cost_matrix(q.view(), empty), std::length_error);
    CHECK_THROWS_AS(incdtw::difference_matrix(empty, c.view()), std::length_error);
    CHECK_THROWS_AS(incdtw::cost_matrix(q2.view(), c.view()), std::invalid_argument);
    CHECK_THROWS_AS(incdtw::difference_matrix(q.view(), c2.view()), std::invalid_argument);
    CHECK_THROWS_AS(incdtw::difference_matrix(q2.view(), c2.view()), std::invalid_argument);  // multivariate
    CHECK_NOTHROW(incdtw::cost_matrix(q2.view(), c2.view(), DistMethod::norm2));
    CHECK_THROWS_AS(incdtw::cost_matrix(q.view(), c.view(), DistMethod::norm1, -2), std::invalid_argument);
    CHECK_THROWS_AS(incdtw::difference_matrix(q.view(), c.view(), -2), std::invalid_argument);
    for (const T bad : {std::numeric_limits<T>::quiet_NaN(), -std::numeric_limits<T>::infinity()}) {
        auto qb = q;
        qb.data[1] = bad;
        CHECK_THROWS_AS(incdtw::cost_matrix(qb.view(), c.view()), std::invalid_argument);
        CHECK_THROWS_AS(incdtw::cost_matrix(c.view(), qb.view()), std::invalid_argument);
        CHECK_THROWS_AS(incdtw::difference_matrix(qb.view(), c.view()), std::invalid_argument);
    }
}
