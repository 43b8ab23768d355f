// Tests of incdtw/detail/traceback.hpp: backtracking a direction matrix into a warping path.
#include "incdtw/detail/traceback.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <cstdint>
#include <random>
#include <stdexcept>
#include <vector>

#include "check.hpp"
#include "incdtw/dtw.hpp"
#include "reference.hpp"

using namespace incdtw_test;
using incdtw::detail::backtrack;

namespace {

incdtw::Matrix<std::int8_t> make_dm(index_t rows, index_t cols, const std::vector<int>& codes) {
    incdtw::Matrix<std::int8_t> dm(rows, cols, std::int8_t{0});
    for (std::size_t k = 0; k < codes.size(); ++k) dm.data[k] = static_cast<std::int8_t>(codes[k]);
    return dm;
}

/// A warping path's invariants: starts at (0,0), ends at (n-1,m-1), each step is one of the three
/// moves and wp[k] is its code; hence max(n,m) <= length <= n+m-1.
void check_path_shape(const incdtw::WarpingPath& p, index_t n, index_t m) {
    REQUIRE(!p.ii.empty());
    REQUIRE(p.ii.size() == p.jj.size());
    REQUIRE(p.wp.size() + 1 == p.ii.size());
    CHECK(p.ii.front() == 0);
    CHECK(p.jj.front() == 0);
    CHECK(p.ii.back() == n - 1);
    CHECK(p.jj.back() == m - 1);
    const auto len = static_cast<index_t>(p.ii.size());
    CHECK(len >= std::max(n, m));
    CHECK(len <= n + m - 1);
    for (std::size_t k = 0; k + 1 < p.ii.size(); ++k) {
        const index_t di = p.ii[k + 1] - p.ii[k];
        const index_t dj = p.jj[k + 1] - p.jj[k];
        const int want = di == 1 && dj == 1 ? 1 : (di == 0 && dj == 1 ? 2 : (di == 1 && dj == 0 ? 3 : -1));
        if (want != p.wp[k]) {
            FAIL_CHECK("bad step ", k, ": (", p.ii[k], ",", p.jj[k], ") -> (", p.ii[k + 1], ",", p.jj[k + 1],
                       ") with code ", int{p.wp[k]});
            return;
        }
    }
}

}  // namespace

TEST_CASE("backtrack: paper example") {
    const auto dm = make_dm(4, 5, {0, 2, 2, 2, 2,  //
                                   3, 3, 3, 1, 2,  //
                                   3, 3, 3, 1, 2,  //
                                   3, 3, 3, 3, 1});
    const auto p = backtrack(dm.view(), 4, 5);
    INCDTW_CHECK_SAME(compare_ints(p.ii, std::vector<int>{0, 0, 0, 1, 2, 3}));
    INCDTW_CHECK_SAME(compare_ints(p.jj, std::vector<int>{0, 1, 2, 2, 3, 4}));
    INCDTW_CHECK_SAME(compare_ints(p.wp, std::vector<int>{2, 2, 3, 1, 1}));
    check_path_shape(p, 4, 5);
    // A prefix of the columns (and rows) is the path of the shortened alignment.
    const auto p3 = backtrack(dm.view(), 4, 3);
    INCDTW_CHECK_SAME(compare_ints(p3.ii, std::vector<int>{0, 0, 0, 1, 2, 3}));
    INCDTW_CHECK_SAME(compare_ints(p3.jj, std::vector<int>{0, 1, 2, 2, 2, 2}));
    INCDTW_CHECK_SAME(compare_ints(p3.wp, std::vector<int>{2, 2, 3, 3, 3}));
    const auto p1 = backtrack(dm.view(), 1, 5);
    INCDTW_CHECK_SAME(compare_ints(p1.ii, std::vector<int>{0, 0, 0, 0, 0}));
    INCDTW_CHECK_SAME(compare_ints(p1.wp, std::vector<int>{2, 2, 2, 2}));
}

TEST_CASE("backtrack: one cell gives the path (0,0) and no steps") {
    const auto dm = make_dm(1, 1, {0});
    const auto p = backtrack(dm.view(), 1, 1);
    INCDTW_CHECK_SAME(compare_ints(p.ii, std::vector<int>{0}));
    INCDTW_CHECK_SAME(compare_ints(p.jj, std::vector<int>{0}));
    CHECK(p.wp.empty());
    // The start cell's code is never read, whatever it holds.
    const auto junk = make_dm(1, 1, {7});
    CHECK(backtrack(junk.view(), 1, 1).ii == std::vector<index_t>{0});
    const auto big = make_dm(2, 2, {0, 2, 3, 1});
    CHECK(backtrack(big.view(), 1, 1).ii == std::vector<index_t>{0});
}

TEST_CASE("backtrack: a corrupt direction matrix throws std::invalid_argument") {
    SUBCASE("0 (NA) on the way") {
        const auto dm = make_dm(3, 3, {0, 2, 2, 3, 0, 2, 3, 3, 1});
        CHECK_THROWS_AS(backtrack(dm.view(), 3, 3), std::invalid_argument);
    }
    SUBCASE("unknown codes") {
        for (const int code : {4, 5, -1, 127, -128}) {
            const auto dm = make_dm(2, 2, {0, 2, 3, code});
            CHECK_THROWS_AS(backtrack(dm.view(), 2, 2), std::invalid_argument);
        }
    }
    SUBCASE("a diagonal or vertical step out of row 0") {
        CHECK_THROWS_AS(backtrack(make_dm(2, 3, {0, 1, 2, 3, 1, 1}).view(), 2, 3), std::invalid_argument);
        CHECK_THROWS_AS(backtrack(make_dm(1, 3, {0, 2, 3}).view(), 1, 3), std::invalid_argument);
        CHECK_THROWS_AS(backtrack(make_dm(1, 3, {0, 1, 2}).view(), 1, 3), std::invalid_argument);
    }
    SUBCASE("a diagonal or horizontal step out of column 0") {
        CHECK_THROWS_AS(backtrack(make_dm(3, 1, {0, 3, 2}).view(), 3, 1), std::invalid_argument);
        CHECK_THROWS_AS(backtrack(make_dm(3, 1, {0, 1, 3}).view(), 3, 1), std::invalid_argument);
    }
    SUBCASE("sizes outside the matrix") {
        const auto dm = make_dm(2, 2, {0, 2, 3, 1});
        CHECK_THROWS_AS(backtrack(dm.view(), 3, 2), std::invalid_argument);
        CHECK_THROWS_AS(backtrack(dm.view(), 2, 3), std::invalid_argument);
        CHECK_THROWS_AS(backtrack(dm.view(), 0, 2), std::invalid_argument);
        CHECK_THROWS_AS(backtrack(dm.view(), 2, 0), std::invalid_argument);
        CHECK_THROWS_AS(backtrack(dm.view(), -1, -1), std::invalid_argument);
        CHECK_THROWS_AS(backtrack(incdtw::MatrixView<std::int8_t>{}, 1, 1), std::invalid_argument);
    }
}

TEST_CASE_TEMPLATE("backtrack: paths of dtw() are valid warping paths whose cost is the distance", T, float,
                   double) {
    for_random_cases<T>(17u, 300, 2, [&](const Series<T>& q, const Series<T>& c, const Case& k) {
        incdtw::DtwOptions opt = options_for(k);
        opt.return_path = true;
        const auto r = incdtw::dtw(q.view(), c.view(), opt);
        check_path_shape(r.path, k.n, k.m);
        // Inside the window, and the weighted sum of the local costs along the path is the distance
        // (symmetric2: diagonal steps count their cell twice; the first cell counts once).
        const std::vector<double> cm = ref_cost_matrix(q.template as<double>(), c.template as<double>(), k.method);
        double cost = cm[idx(0, 0, k.m)];
        for (std::size_t s = 0; s < r.path.wp.size(); ++s) {
            const index_t i = r.path.ii[s + 1], j = r.path.jj[s + 1];
            CHECK(in_window(i, j, k.window));
            const double w = (k.step == StepPattern::symmetric2 && r.path.wp[s] == 1) ? 2.0 : 1.0;
            cost += w * cm[idx(i, j, k.m)];
        }
        CHECK(close(cost, static_cast<double>(r.distance), std::is_same_v<T, float> ? 1e-5 : 1e-12, 1e-12));
        // The same path from backtrack() on the returned dm.
        const auto p = backtrack(r.dm.view(), k.n, k.m);
        INCDTW_CHECK_SAME(compare_ints(p.ii, r.path.ii));
        INCDTW_CHECK_SAME(compare_ints(p.jj, r.path.jj));
        INCDTW_CHECK_SAME(compare_ints(p.wp, r.path.wp));
    });
}

TEST_CASE_TEMPLATE("backtrack: a prefix of the direction matrix gives the path of the shortened series", T,
                   float, double) {
    std::mt19937 rng(23u);
    for (int t = 0; t < 100; ++t) {
        const bool ints = t % 2 == 1;
        Case k = random_case(rng, ints);
        const Series<T> q = random_series<T>(rng, k.n, k.dims, ints);
        const Series<T> c = random_series<T>(rng, k.m, k.dims, ints);
        INFO("case ", t, ": ", k.str());
        const auto full = incdtw::dtw(q.view(), c.view(), options_for(k));
        const index_t n2 = random_index(rng, 1, k.n);
        const index_t m2 = random_index(rng, 1, k.m);
        if (!incdtw::window_feasible(n2, m2, k.window)) continue;
        INFO("prefix ", n2, " x ", m2);
        incdtw::DtwOptions opt = options_for(k);
        opt.return_path = true;
        const auto shorter = incdtw::dtw(q.prefix(n2).view(), c.prefix(m2).view(), opt);
        const auto p = backtrack(full.dm.view(), n2, m2);
        INCDTW_CHECK_SAME(compare_ints(p.ii, shorter.path.ii));
        INCDTW_CHECK_SAME(compare_ints(p.jj, shorter.path.jj));
        INCDTW_CHECK_SAME(compare_ints(p.wp, shorter.path.wp));
    }
}
