// Tests of incdtw/dtw.hpp: incdtw::dtw against the reference DTW of reference.hpp.
#include "incdtw/dtw.hpp"

#include <doctest/doctest.h>

#include <cstdint>
#include <limits>
#include <random>
#include <stdexcept>
#include <vector>

#include "check.hpp"
#include "incdtw/cost_matrix.hpp"
#include "reference.hpp"

using namespace incdtw_test;
using incdtw::DtwOptions;
using incdtw::DtwResult;
using incdtw::MatrixKind;

namespace {

/// Compares a dtw() result with `opt.return_gcm/return_direction/return_path` all on against the
/// reference: gcm (NaN outside the window) to a few ulps of the same-precision reference and, for
/// float, to 1e-5 of the double reference; dm and path exactly against the same-precision reference
/// (ties can resolve differently in another precision).
template <class T>
void check_against_reference(const DtwResult<T>& r, const Series<T>& q, const Series<T>& c, const Case& k) {
    const RefResult<T> ref = ref_dtw(q, c, k.method, k.step, k.window);
    const index_t n = q.length, m = c.length;
    REQUIRE(r.gcm.rows == n);
    REQUIRE(r.gcm.cols == m);
    REQUIRE(r.dm.rows == n);
    REQUIRE(r.dm.cols == m);
    INCDTW_CHECK_SAME(compare_values(r.gcm.data, ref.gcm, m, same_precision_rel<T>));
    INCDTW_CHECK_SAME(compare_ints(r.dm.data, ref.dm, m));
    INCDTW_CHECK_SAME(compare_ints(r.path.ii, ref.ii));
    INCDTW_CHECK_SAME(compare_ints(r.path.jj, ref.jj));
    INCDTW_CHECK_SAME(compare_ints(r.path.wp, ref.wp));
    CHECK(close(static_cast<double>(r.distance), static_cast<double>(ref.distance), same_precision_rel<T>));
    CHECK(close(static_cast<double>(r.normalized_distance), static_cast<double>(ref.normalized_distance),
                same_precision_rel<T>));
    CHECK(same_bits(r.distance, r.gcm(n - 1, m - 1)));
    if constexpr (!std::is_same_v<T, double>) {
        const RefResult<double> refd = ref_dtw(q.template as<double>(), c.template as<double>(), k.method, k.step,
                                               k.window);
        INCDTW_CHECK_SAME(compare_values(r.gcm.data, refd.gcm, m, float_vs_double_rel));
        CHECK(close(static_cast<double>(r.distance), refd.distance, float_vs_double_rel));
        CHECK(close(static_cast<double>(r.normalized_distance), refd.normalized_distance, float_vs_double_rel));
    }
}

template <class T>
DtwResult<T> run_full(const Series<T>& q, const Series<T>& c, const Case& k) {
    DtwOptions opt = options_for(k);
    opt.return_path = true;
    return incdtw::dtw(q.view(), c.view(), opt);
}

template <class T>
void random_cases(std::uint32_t seed, bool ints, int count) {
    for_random_cases<T>(seed, count, ints ? 1 : 0, [](const Series<T>& q, const Series<T>& c, const Case& k) {
        check_against_reference(run_full(q, c, k), q, c, k);
    });
}

template <class T>
Series<T> paper_q() {
    return make_series<T>({3, 4, 5, 6});
}
template <class T>
Series<T> paper_c() {
    return make_series<T>({1, 3, 3, 5, 6});
}

}  // namespace

TEST_CASE_TEMPLATE("dtw: paper example Q=(3 4 5 6) C=(1 3 3 5 6)", T, float, double) {
    DtwOptions opt;
    opt.return_path = true;
    const auto r = incdtw::dtw(paper_q<T>().view(), paper_c<T>().view(), opt);
    CHECK(r.distance == T(3));
    CHECK(r.normalized_distance == T(3) / T(9));
    const std::vector<T> gcm{2, 2, 2, 4, 7,  //
                             5, 3, 3, 4, 6,  //
                             9, 5, 5, 3, 4,  //
                             14, 8, 8, 4, 3};
    const std::vector<int> dm{0, 2, 2, 2, 2,  //
                              3, 3, 3, 1, 2,  //
                              3, 3, 3, 1, 2,  //
                              3, 3, 3, 3, 1};
    CHECK(r.gcm.rows == 4);
    CHECK(r.gcm.cols == 5);
    INCDTW_CHECK_SAME(compare_bits(r.gcm.data, gcm, 5));
    INCDTW_CHECK_SAME(compare_ints(r.dm.data, dm, 5));
    INCDTW_CHECK_SAME(compare_ints(r.path.ii, std::vector<int>{0, 0, 0, 1, 2, 3}));
    INCDTW_CHECK_SAME(compare_ints(r.path.jj, std::vector<int>{0, 1, 2, 2, 3, 4}));
    INCDTW_CHECK_SAME(compare_ints(r.path.wp, std::vector<int>{2, 2, 3, 1, 1}));

    SUBCASE("window 1") {
        opt.window = 1;
        const auto w = incdtw::dtw(paper_q<T>().view(), paper_c<T>().view(), opt);
        CHECK(w.distance == T(4));
        CHECK(w.normalized_distance == T(4) / T(9));
        const T nan = std::numeric_limits<T>::quiet_NaN();
        // Worked by hand from API.md 1.2-1.4 (cm rows 2 0 0 2 3 / 3 1 1 1 2 / 4 2 2 0 1 / 5 3 3 1 0).
        const std::vector<T> gcmw{2, 2, nan, nan, nan,  //
                                  5, 3, 4, nan, nan,    //
                                  nan, 5, 6, 4, nan,    //
                                  nan, nan, 9, 5, 4};
        const std::vector<int> dmw{0, 2, 0, 0, 0,  //
                                   3, 3, 1, 0, 0,  //
                                   0, 3, 3, 1, 0,  //
                                   0, 0, 3, 3, 1};
        INCDTW_CHECK_SAME(compare_bits(w.gcm.data, gcmw, 5));
        INCDTW_CHECK_SAME(compare_ints(w.dm.data, dmw, 5));
        INCDTW_CHECK_SAME(compare_ints(w.path.ii, std::vector<int>{0, 0, 1, 2, 3}));
        INCDTW_CHECK_SAME(compare_ints(w.path.jj, std::vector<int>{0, 1, 2, 3, 4}));
        INCDTW_CHECK_SAME(compare_ints(w.path.wp, std::vector<int>{2, 1, 1, 1}));
    }
    SUBCASE("symmetric1") {
        opt.step_pattern = incdtw::StepPattern::symmetric1;
        const auto s1 = incdtw::dtw(paper_q<T>().view(), paper_c<T>().view(), opt);
        CHECK(s1.distance == T(3));
        CHECK(std::isnan(s1.normalized_distance));
    }
}

TEST_CASE("reference: paper example (the oracle itself)") {
    const auto ref = ref_dtw(paper_q<double>(), paper_c<double>(), DistMethod::norm1, StepPattern::symmetric2, -1);
    CHECK(ref.distance == 3.0);
    INCDTW_CHECK_SAME(compare_ints(ref.dm, std::vector<int>{0, 2, 2, 2, 2, 3, 3, 3, 1, 2, 3, 3, 3, 1, 2, 3, 3, 3, 3, 1}, 5));
    INCDTW_CHECK_SAME(compare_ints(ref.wp, std::vector<int>{2, 2, 3, 1, 1}));
    CHECK(ref_dtw(paper_q<double>(), paper_c<double>(), DistMethod::norm1, StepPattern::symmetric2, 1).distance == 4.0);
}

TEST_CASE_TEMPLATE("dtw: random walks against the reference", T, float, double) {
    random_cases<T>(20240611u, false, 1500);
}

TEST_CASE_TEMPLATE("dtw: integer-valued series (many ties) against the reference", T, float, double) {
    random_cases<T>(777u, true, 1500);
}

TEST_CASE_TEMPLATE("dtw: long and thin shapes against the reference", T, float, double) {
    std::mt19937 rng(99u);
    for (const index_t n : {1, 2, 3, 150}) {
        for (const index_t m : {1, 2, 3, 150}) {
            for (const bool ints : {false, true}) {
                Case k;
                k.n = n;
                k.m = m;
                k.dims = 1 + (n + m) % 3;
                k.method = static_cast<DistMethod>((n + 2 * m) % 3);
                k.step = ints ? StepPattern::symmetric1 : StepPattern::symmetric2;
                k.ints = ints;
                for (const index_t window : {index_t{-1}, std::abs(n - m), std::abs(n - m) + 1}) {
                    k.window = window;
                    const Series<T> q = random_series<T>(rng, n, k.dims, ints);
                    const Series<T> c = random_series<T>(rng, m, k.dims, ints);
                    INFO(k.str());
                    check_against_reference(run_full(q, c, k), q, c, k);
                }
            }
        }
    }
}

TEST_CASE_TEMPLATE("dtw: return flags do not change the results", T, float, double) {
    for_random_cases<T>(4242u, 150, 2, [&](const Series<T>& q, const Series<T>& c, const Case& k) {
        const DtwResult<T> full = run_full(q, c, k);

        DtwOptions opt;
        {  // defaults: gcm and dm, no path
            opt = options_for(k);
            const auto r = incdtw::dtw(q.view(), c.view(), opt);
            INCDTW_CHECK_SAME(compare_bits(r.gcm.data, full.gcm.data, k.m));
            INCDTW_CHECK_SAME(compare_ints(r.dm.data, full.dm.data, k.m));
            CHECK(r.path.ii.empty());
            CHECK(r.path.jj.empty());
            CHECK(r.path.wp.empty());
            CHECK(same_bits(r.distance, full.distance));
            CHECK(same_bits(r.normalized_distance, full.normalized_distance));
        }
        {  // no gcm: same dm, path and distance
            opt = options_for(k);
            opt.return_gcm = false;
            opt.return_path = true;
            const auto r = incdtw::dtw(q.view(), c.view(), opt);
            CHECK(r.gcm.empty());
            INCDTW_CHECK_SAME(compare_ints(r.dm.data, full.dm.data, k.m));
            INCDTW_CHECK_SAME(compare_ints(r.path.ii, full.path.ii));
            INCDTW_CHECK_SAME(compare_ints(r.path.jj, full.path.jj));
            INCDTW_CHECK_SAME(compare_ints(r.path.wp, full.path.wp));
            CHECK(same_bits(r.distance, full.distance));
            CHECK(same_bits(r.normalized_distance, full.normalized_distance));
        }
        {  // path without dm in the result
            opt = options_for(k);
            opt.return_direction = false;
            opt.return_path = true;
            const auto r = incdtw::dtw(q.view(), c.view(), opt);
            CHECK(r.dm.empty());
            INCDTW_CHECK_SAME(compare_bits(r.gcm.data, full.gcm.data, k.m));
            INCDTW_CHECK_SAME(compare_ints(r.path.ii, full.path.ii));
            INCDTW_CHECK_SAME(compare_ints(r.path.jj, full.path.jj));
            INCDTW_CHECK_SAME(compare_ints(r.path.wp, full.path.wp));
            CHECK(same_bits(r.distance, full.distance));
        }
        {  // gcm only
            opt = options_for(k);
            opt.return_direction = false;
            const auto r = incdtw::dtw(q.view(), c.view(), opt);
            CHECK(r.dm.empty());
            CHECK(r.path.ii.empty());
            INCDTW_CHECK_SAME(compare_bits(r.gcm.data, full.gcm.data, k.m));
            CHECK(same_bits(r.distance, full.distance));
        }
        {  // nothing but the distance
            opt = options_for(k);
            opt.return_gcm = false;
            opt.return_direction = false;
            const auto r = incdtw::dtw(q.view(), c.view(), opt);
            CHECK(r.gcm.empty());
            CHECK(r.dm.empty());
            CHECK(r.path.ii.empty());
            CHECK(same_bits(r.distance, full.distance));
            CHECK(same_bits(r.normalized_distance, full.normalized_distance));
        }
        {  // threshold is ignored by dtw()
            opt = options_for(k);
            opt.threshold = 0.0;
            opt.return_path = true;
            const auto r = incdtw::dtw(q.view(), c.view(), opt);
            INCDTW_CHECK_SAME(compare_bits(r.gcm.data, full.gcm.data, k.m));
            INCDTW_CHECK_SAME(compare_ints(r.path.wp, full.path.wp));
            CHECK(same_bits(r.distance, full.distance));
        }
    });
}

TEST_CASE_TEMPLATE("dtw: one observation on either side", T, float, double) {
    DtwOptions opt;
    opt.return_path = true;
    SUBCASE("n = m = 1") {
        const auto q = make_series<T>({T(2.5)});
        const auto c = make_series<T>({T(-1)});
        const auto r = incdtw::dtw(q.view(), c.view(), opt);
        CHECK(r.distance == T(3.5));
        CHECK(r.normalized_distance == T(3.5) / T(2));
        CHECK(r.gcm.data == std::vector<T>{T(3.5)});
        INCDTW_CHECK_SAME(compare_ints(r.dm.data, std::vector<int>{0}));
        INCDTW_CHECK_SAME(compare_ints(r.path.ii, std::vector<int>{0}));
        INCDTW_CHECK_SAME(compare_ints(r.path.jj, std::vector<int>{0}));
        CHECK(r.path.wp.empty());
        opt.window = 0;
        CHECK(incdtw::dtw(q.view(), c.view(), opt).path.ii == std::vector<index_t>{0});
    }
    SUBCASE("n = 1, m = 4: horizontal steps only") {
        const auto q = make_series<T>({T(1)});
        const auto c = make_series<T>({T(0), T(2), T(4), T(1)});
        const auto r = incdtw::dtw(q.view(), c.view(), opt);
        CHECK(r.distance == T(1 + 1 + 3 + 0));
        INCDTW_CHECK_SAME(compare_ints(r.path.ii, std::vector<int>{0, 0, 0, 0}));
        INCDTW_CHECK_SAME(compare_ints(r.path.jj, std::vector<int>{0, 1, 2, 3}));
        INCDTW_CHECK_SAME(compare_ints(r.path.wp, std::vector<int>{2, 2, 2}));
    }
    SUBCASE("n = 4, m = 1: vertical steps only") {
        const auto q = make_series<T>({T(0), T(2), T(4), T(1)});
        const auto c = make_series<T>({T(1)});
        const auto r = incdtw::dtw(q.view(), c.view(), opt);
        CHECK(r.distance == T(5));
        INCDTW_CHECK_SAME(compare_ints(r.path.ii, std::vector<int>{0, 1, 2, 3}));
        INCDTW_CHECK_SAME(compare_ints(r.path.jj, std::vector<int>{0, 0, 0, 0}));
        INCDTW_CHECK_SAME(compare_ints(r.path.wp, std::vector<int>{3, 3, 3}));
        INCDTW_CHECK_SAME(compare_ints(r.dm.data, std::vector<int>{0, 3, 3, 3}));
    }
}

TEST_CASE_TEMPLATE("dtw: transposing Q and C transposes the gcm", T, float, double) {
    std::mt19937 rng(31337u);
    for (int t = 0; t < 100; ++t) {
        const bool ints = t % 2 == 1;
        const Case k = random_case(rng, ints);
        const Series<T> q = random_series<T>(rng, k.n, k.dims, ints);
        const Series<T> c = random_series<T>(rng, k.m, k.dims, ints);
        INFO("case ", t, ": ", k.str());
        const auto a = incdtw::dtw(q.view(), c.view(), options_for(k));
        const auto b = incdtw::dtw(c.view(), q.view(), options_for(k));
        CHECK(same_bits(a.distance, b.distance));
        std::vector<T> bt(b.gcm.data.size());
        for (index_t i = 0; i < k.n; ++i) {
            for (index_t j = 0; j < k.m; ++j) bt[idx(i, j, k.m)] = b.gcm(j, i);
        }
        INCDTW_CHECK_SAME(compare_bits(a.gcm.data, bt, k.m));
    }
}

TEST_CASE_TEMPLATE("dtw: a series against itself", T, float, double) {
    std::mt19937 rng(5u);
    for (const index_t dims : {1, 2, 3}) {
        const Series<T> q = random_walk<T>(rng, 25, dims);
        for (const auto method : {DistMethod::norm1, DistMethod::norm2, DistMethod::norm2_square}) {
            for (const index_t window : {index_t{-1}, index_t{0}, index_t{3}}) {
                DtwOptions opt;
                opt.dist_method = method;
                opt.window = window;
                opt.return_path = true;
                const auto r = incdtw::dtw(q.view(), q.view(), opt);
                CHECK(r.distance == T(0));
                REQUIRE(r.path.wp.size() == 24);
                for (const auto code : r.path.wp) CHECK(code == 1);
            }
        }
    }
}

TEST_CASE_TEMPLATE("dtw: a window at least max(n, m) - 1 wide equals no window", T, float, double) {
    std::mt19937 rng(8u);
    for (int t = 0; t < 60; ++t) {
        const index_t n = random_index(rng, 1, 30), m = random_index(rng, 1, 30);
        const Series<T> q = random_walk<T>(rng, n, 1);
        const Series<T> c = random_walk<T>(rng, m, 1);
        DtwOptions opt;
        opt.return_path = true;
        const auto none = incdtw::dtw(q.view(), c.view(), opt);
        for (const index_t window : {std::max(n, m) - 1, std::max(n, m), index_t{1000}, index_t{1} << 40,
                                    std::numeric_limits<index_t>::max()}) {
            INFO("n=", n, " m=", m, " window=", window);
            opt.window = window;
            const auto w = incdtw::dtw(q.view(), c.view(), opt);
            INCDTW_CHECK_SAME(compare_bits(w.gcm.data, none.gcm.data, m));
            INCDTW_CHECK_SAME(compare_ints(w.dm.data, none.dm.data, m));
            INCDTW_CHECK_SAME(compare_ints(w.path.wp, none.path.wp));
            CHECK(same_bits(w.distance, none.distance));
        }
    }
}

TEST_CASE_TEMPLATE("dtw: (n, 1) input with norm2 equals norm1, norm2_square squares", T, float, double) {
    const auto q = make_series<T>({T(0), T(3), T(-1)});
    const auto c = make_series<T>({T(2), T(2)});
    DtwOptions opt;
    opt.step_pattern = incdtw::StepPattern::symmetric1;
    opt.dist_method = DistMethod::norm1;
    const T d1 = incdtw::dtw(q.view(), c.view(), opt).distance;
    opt.dist_method = DistMethod::norm2;
    const T d2 = incdtw::dtw(q.view(), c.view(), opt).distance;
    opt.dist_method = DistMethod::norm2_square;
    const T d22 = incdtw::dtw(q.view(), c.view(), opt).distance;
    CHECK(d1 == T(2 + 1 + 3));
    CHECK(d2 == d1);
    CHECK(d22 == T(4 + 1 + 9));
}

TEST_CASE_TEMPLATE("dtw: from a cost matrix or a difference matrix equals dtw from the series", T, float,
                   double) {
    for_random_cases<T>(2025u, 200, 3, [&](const Series<T>& q, const Series<T>& c, const Case& k) {
        DtwOptions opt = options_for(k);
        opt.return_path = true;
        const auto want = incdtw::dtw(q.view(), c.view(), opt);
        auto same = [&](const DtwResult<T>& got) {
            INCDTW_CHECK_SAME(compare_bits(got.gcm.data, want.gcm.data, k.m));
            INCDTW_CHECK_SAME(compare_ints(got.dm.data, want.dm.data, k.m));
            INCDTW_CHECK_SAME(compare_ints(got.path.ii, want.path.ii));
            INCDTW_CHECK_SAME(compare_ints(got.path.jj, want.path.jj));
            INCDTW_CHECK_SAME(compare_ints(got.path.wp, want.path.wp));
            CHECK(same_bits(got.distance, want.distance));
            CHECK(same_bits(got.normalized_distance, want.normalized_distance));
        };
        // cost_matrix() puts NaN outside the window: those entries must not be read.
        const auto cm = incdtw::cost_matrix(q.view(), c.view(), k.method, k.window);
        same(incdtw::dtw(cm.view(), MatrixKind::cost, opt));
        // Anything may stand outside the window, even negative or infinite values.
        incdtw::Matrix<T> junk = cm;
        for (index_t i = 0; i < k.n; ++i) {
            for (index_t j = 0; j < k.m; ++j) {
                if (!in_window(i, j, k.window)) junk(i, j) = (i + j) % 2 == 0 ? T(-1) : std::numeric_limits<T>::infinity();
            }
        }
        same(incdtw::dtw(junk.view(), MatrixKind::cost, opt));
        if (k.dims == 1) {
            const auto dmat = incdtw::difference_matrix(q.view(), c.view(), k.window);
            same(incdtw::dtw(dmat.view(), MatrixKind::difference, opt));
        }
    });
}

TEST_CASE_TEMPLATE("dtw: errors", T, float, double) {
    const auto q = make_series<T>({T(1), T(2), T(3), T(4), T(5)});
    const auto c = make_series<T>({T(1), T(2), T(3)});
    const auto q2 = make_series<T>({T(1), T(2), T(3), T(4)}, 2);
    const T nan = std::numeric_limits<T>::quiet_NaN();
    const T inf = std::numeric_limits<T>::infinity();
    const incdtw::SeriesView<T> empty{nullptr, 0, 1};
    DtwOptions opt;

    CHECK_THROWS_AS(incdtw::dtw(empty, c.view(), opt), std::length_error);
    CHECK_THROWS_AS(incdtw::dtw(q.view(), empty, opt), std::length_error);
    CHECK_THROWS_AS(incdtw::dtw(q2.view(), c.view(), opt), std::invalid_argument);
    CHECK_THROWS_AS(incdtw::dtw(c.view(), q2.view(), opt), std::invalid_argument);
    CHECK_THROWS_AS(incdtw::dtw(incdtw::SeriesView<T>{q.data.data(), 5, 0}, c.view(), opt), std::invalid_argument);
    CHECK_THROWS_AS(incdtw::dtw(incdtw::SeriesView<T>{nullptr, 5, 1}, c.view(), opt), std::invalid_argument);
    for (const T bad : {nan, inf, -inf}) {
        auto qb = q;
        qb.data[3] = bad;
        CHECK_THROWS_AS(incdtw::dtw(qb.view(), c.view(), opt), std::invalid_argument);
        CHECK_THROWS_AS(incdtw::dtw(c.view(), qb.view(), opt), std::invalid_argument);
    }
    SUBCASE("window") {
        opt.window = 1;  // |5 - 3| = 2 > 1
        CHECK_THROWS_AS(incdtw::dtw(q.view(), c.view(), opt), std::invalid_argument);
        CHECK_THROWS_AS(incdtw::dtw(c.view(), q.view(), opt), std::invalid_argument);
        opt.window = 2;
        CHECK_NOTHROW(incdtw::dtw(q.view(), c.view(), opt));
        opt.window = -2;
        CHECK_THROWS_AS(incdtw::dtw(q.view(), q.view(), opt), std::invalid_argument);
    }
    SUBCASE("threshold") {
        opt.threshold = std::numeric_limits<double>::quiet_NaN();
        CHECK_THROWS_AS(incdtw::dtw(q.view(), c.view(), opt), std::invalid_argument);
        opt.threshold = -1.0;
        CHECK_THROWS_AS(incdtw::dtw(q.view(), c.view(), opt), std::invalid_argument);
    }
    SUBCASE("precomputed matrices") {
        incdtw::Matrix<T> cm(3, 4, T(1));
        CHECK_NOTHROW(incdtw::dtw(cm.view(), MatrixKind::cost, opt));
        CHECK_THROWS_AS(incdtw::dtw(incdtw::MatrixView<T>{cm.data.data(), 0, 4}, MatrixKind::cost, opt),
                        std::length_error);
        CHECK_THROWS_AS(incdtw::dtw(incdtw::MatrixView<T>{cm.data.data(), 3, 0}, MatrixKind::difference, opt),
                        std::length_error);
        CHECK_THROWS_AS(incdtw::dtw(incdtw::MatrixView<T>{nullptr, 3, 4}, MatrixKind::cost, opt),
                        std::invalid_argument);
        auto neg = cm;
        neg(1, 2) = T(-0.5);  // inside the window 1
        opt.window = 1;
        CHECK_THROWS_AS(incdtw::dtw(neg.view(), MatrixKind::cost, opt), std::invalid_argument);
        CHECK_NOTHROW(incdtw::dtw(neg.view(), MatrixKind::difference, opt));  // differences are signed
        neg(1, 2) = T(1);
        neg(0, 3) = T(-0.5);  // outside the window 1: never read
        CHECK_NOTHROW(incdtw::dtw(neg.view(), MatrixKind::cost, opt));
        for (const T bad : {nan, inf}) {
            auto m = cm;
            m(2, 2) = bad;
            CHECK_THROWS_AS(incdtw::dtw(m.view(), MatrixKind::cost, opt), std::invalid_argument);
            CHECK_THROWS_AS(incdtw::dtw(m.view(), MatrixKind::difference, opt), std::invalid_argument);
        }
        opt.window = 0;  // 3 x 4 needs a window >= 1
        CHECK_THROWS_AS(incdtw::dtw(cm.view(), MatrixKind::cost, opt), std::invalid_argument);
    }
}

TEST_CASE("Matrix: sizes whose product overflows are refused before allocating") {
    const index_t big = index_t{1} << 32;
    CHECK_THROWS_AS(incdtw::Matrix<double>(big, big, 0.0), std::length_error);
    CHECK_THROWS_AS(incdtw::Matrix<double>(-1, 3, 0.0), std::length_error);
    const incdtw::Matrix<double> ok(3, 0, 0.0);
    CHECK(ok.empty());
}
