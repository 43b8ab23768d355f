// Tests of incdtw/incremental.hpp (idtw, idtw2vec, dec_dm) and incdtw/detail/extend.hpp: every
// incremental result must equal dtw() / dtw_distance() on the whole series bit for bit.
#include "incdtw/incremental.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <stdexcept>
#include <vector>

#include "check.hpp"
#include "incdtw/cost_matrix.hpp"
#include "incdtw/detail/extend.hpp"
#include "incdtw/dtw.hpp"
#include "incdtw/dtw_vector.hpp"
#include "reference.hpp"

using namespace incdtw_test;
using incdtw::DtwOptions;
using incdtw::DtwResult;
using incdtw::IncrementalResult;
using incdtw::Matrix;
using incdtw::MatrixKind;
using incdtw::MatrixView;
using incdtw::VectorState;

namespace {

/// Columns [from, to) of a matrix.
template <class T>
Matrix<T> columns(const Matrix<T>& a, index_t from, index_t to) {
    Matrix<T> out(a.rows, to - from, T{});
    for (index_t i = 0; i < a.rows; ++i) {
        for (index_t j = from; j < to; ++j) out(i, j - from) = a(i, j);
    }
    return out;
}

template <class T>
std::vector<T> column_of(const Matrix<T>& a, index_t j) {
    std::vector<T> out;
    for (index_t i = 0; i < a.rows; ++i) out.push_back(a(i, j));
    return out;
}

/// Entries [from, to) of row i.
template <class T>
std::vector<T> row_of(const Matrix<T>& a, index_t i, index_t from = 0, index_t to = -1) {
    if (to < 0) to = a.cols;
    return std::vector<T>(a.row(i) + from, a.row(i) + to);
}

/// dtw() with gcm, direction matrix and path.
template <class T>
DtwResult<T> full(const Series<T>& q, const Series<T>& c, DtwOptions opt) {
    opt.return_gcm = true;
    opt.return_direction = true;
    opt.return_path = true;
    return incdtw::dtw(q.view(), c.view(), opt);
}

template <class T>
void check_same_result(const DtwResult<T>& got, const DtwResult<T>& want) {
    REQUIRE(got.gcm.rows == want.gcm.rows);
    REQUIRE(got.gcm.cols == want.gcm.cols);
    REQUIRE(got.dm.rows == want.dm.rows);
    REQUIRE(got.dm.cols == want.dm.cols);
    INCDTW_CHECK_SAME(compare_bits(got.gcm.data, want.gcm.data, want.gcm.cols));
    INCDTW_CHECK_SAME(compare_ints(got.dm.data, want.dm.data, want.dm.cols));
    INCDTW_CHECK_SAME(compare_ints(got.path.ii, want.path.ii));
    INCDTW_CHECK_SAME(compare_ints(got.path.jj, want.path.jj));
    INCDTW_CHECK_SAME(compare_ints(got.path.wp, want.path.wp));
    CHECK(same_bits(got.distance, want.distance));
    CHECK(same_bits(got.normalized_distance, want.normalized_distance));
}

/// Prefix lengths m0 < m1 < ... < m of C at which the alignment with n rows is feasible (the
/// feasible lengths form the interval [max(1, n - w), m]); a single {m} when no shorter prefix is.
inline std::vector<index_t> feasible_splits(std::mt19937& rng, index_t n, index_t m, index_t window) {
    const index_t lo = window < 0 ? 1 : std::max<index_t>(1, n - window);
    if (lo >= m) return {m};
    std::vector<index_t> out{random_index(rng, lo, m - 1)};
    while (out.back() < m) {
        const index_t left = m - out.back();
        const index_t step = random_index(rng, 0, 3) == 0 ? left : random_index(rng, 1, std::max<index_t>(1, left / 2));
        out.push_back(out.back() + step);
    }
    return out;
}

template <class T>
VectorState<T> state_of(const IncrementalResult<T>& r, index_t columns, bool with_last_row) {
    VectorState<T> s;
    s.last_column = r.last_column.data();
    s.rows = static_cast<index_t>(r.last_column.size());
    if (with_last_row) {
        s.last_row = r.last_row.data();
        s.last_row_length = static_cast<index_t>(r.last_row.size());
    }
    s.columns = columns;
    return s;
}

/// An idtw2vec result for Q (n rows) and C[:m] (the gcm `g` of the whole C): last column, last row
/// entries [row_from, m), distance and normalized distance, bit for bit.
template <class T>
void check_vector_result(const IncrementalResult<T>& r, const Matrix<T>& g, index_t m, index_t row_from,
                         StepPattern step, bool normalized_known = true) {
    const index_t n = g.rows;
    INCDTW_CHECK_SAME(compare_bits(r.last_column, column_of(g, m - 1), 0));
    INCDTW_CHECK_SAME(compare_bits(r.last_row, row_of(g, n - 1, row_from, m), 0));
    CHECK(same_bits(r.distance, g(n - 1, m - 1)));
    if (normalized_known) {
        CHECK(same_bits(r.normalized_distance, incdtw::normalize_distance(g(n - 1, m - 1), n, m, step)));
    } else {
        CHECK(std::isnan(r.normalized_distance));
    }
}

}  // namespace

// ---- idtw --------------------------------------------------------------------------------------

TEST_CASE_TEMPLATE("idtw: paper example, appending C[2:] to dtw(Q, C[:2])", T, float, double) {
    const auto q = make_series<T>({3, 4, 5, 6});
    const auto c = make_series<T>({1, 3, 3, 5, 6});
    for (const index_t window : {index_t{-1}, index_t{1}, index_t{2}}) {
        INFO("window=", window);
        DtwOptions opt;
        opt.window = window;
        opt.return_path = true;
        // The first two columns of the whole alignment (dtw(Q, C[:2]) itself is infeasible for ws 1).
        const auto whole = full(q, c, opt);
        const auto gcm = columns(whole.gcm, 0, 2);
        const auto dm = columns(whole.dm, 0, 2);
        if (window != 1) {
            const auto old = full(q, c.prefix(2), opt);
            INCDTW_CHECK_SAME(compare_bits(gcm.data, old.gcm.data, 2));
            INCDTW_CHECK_SAME(compare_ints(dm.data, old.dm.data, 2));
        }
        const auto add = slice(c, 2, 5);
        const auto r = incdtw::idtw(q.view(), add.view(), gcm.view(), dm.view(), opt);
        check_same_result(r, whole);
        CHECK(r.distance == (window == 1 ? T(4) : T(3)));
        CHECK(r.normalized_distance == r.distance / T(9));
    }
}

TEST_CASE_TEMPLATE("idtw: appending to any prefix equals dtw of the whole series", T, float, double) {
    std::mt19937 rng(31u);
    for_random_cases<T>(4401u, 400, 3, [&](const Series<T>& q, const Series<T>& c, const Case& k) {
        if (k.m < 2) return;
        const DtwOptions opt = options_for(k);
        const auto want = full(q, c, opt);
        // Any prefix works, feasible or not: only the old last column is read (finite in its band).
        const index_t m0 = random_index(rng, 1, k.m - 1);
        INFO("m0=", m0);
        const auto gcm = columns(want.gcm, 0, m0);
        const auto dm = columns(want.dm, 0, m0);
        const auto add = slice(c, m0, k.m);
        DtwOptions o2 = opt;
        o2.return_path = true;
        const auto r = incdtw::idtw(q.view(), add.view(), gcm.view(), dm.view(), o2);
        check_same_result(r, want);
        if (k.step == StepPattern::symmetric2) {
            CHECK(same_bits(r.normalized_distance, r.distance / static_cast<T>(k.n + m0 + (k.m - m0))));
        } else {
            CHECK(std::isnan(r.normalized_distance));
        }
        // Independent of dtw(): the reference oracle.
        const RefResult<T> ref = ref_dtw(q, c, k.method, k.step, k.window);
        INCDTW_CHECK_SAME(compare_values(r.gcm.data, ref.gcm, k.m, same_precision_rel<T>));
        INCDTW_CHECK_SAME(compare_ints(r.dm.data, ref.dm, k.m));
        INCDTW_CHECK_SAME(compare_ints(r.path.wp, ref.wp));
    });
}

TEST_CASE_TEMPLATE("idtw: repeated appends in chunks equal dtw from scratch", T, float, double) {
    std::mt19937 rng(32u);
    for_random_cases<T>(4402u, 300, 2, [&](const Series<T>& q, const Series<T>& c, const Case& k) {
        DtwOptions opt = options_for(k);
        opt.return_path = true;
        const auto splits = feasible_splits(rng, k.n, k.m, k.window);
        DtwResult<T> cur = full(q, c.prefix(splits[0]), opt);
        for (std::size_t s = 1; s < splits.size(); ++s) {
            INFO("append ", splits[s - 1], " -> ", splits[s]);
            const auto add = slice(c, splits[s - 1], splits[s]);
            cur = incdtw::idtw(q.view(), add.view(), cur.gcm.view(), cur.dm.view(), opt);
            check_same_result(cur, full(q, c.prefix(splits[s]), opt));
        }
        CHECK(same_bits(cur.distance, incdtw::dtw_distance(q.view(), c.view(), opt).distance));
    });
}

TEST_CASE_TEMPLATE("idtw: windows equal to the old column count, zero, tiny and huge", T, float, double) {
    std::mt19937 rng(33u);
    const index_t huge = std::numeric_limits<index_t>::max();
    for (int t = 0; t < 300; ++t) {
        const bool ints = t % 2 == 0;
        const index_t dims = random_index(rng, 1, 2);
        const index_t m0 = random_index(rng, 1, 12);
        const index_t o = random_index(rng, 1, 6);
        const int kind = t % 4;
        index_t window = 0;
        index_t n = 0;
        if (kind == 0) {  // ws == m (IncDTW's off-by-one leaves the first-row cell (0, ws) unfilled)
            window = m0;
            n = random_index(rng, std::max<index_t>(1, m0 + o - window), m0 + o + window);
        } else if (kind == 1) {  // ws == 0: n == m0 + o
            window = 0;
            n = m0 + o;
        } else if (kind == 2) {  // the narrowest feasible window
            n = random_index(rng, 1, 20);
            window = std::abs(n - (m0 + o));
        } else {  // wider than anything
            n = random_index(rng, 1, 20);
            window = huge;
        }
        Case k;
        k.n = n;
        k.m = m0 + o;
        k.dims = dims;
        k.method = static_cast<DistMethod>(random_index(rng, 0, 2));
        k.step = t % 3 == 0 ? StepPattern::symmetric1 : StepPattern::symmetric2;
        k.window = window;
        k.ints = ints;
        INFO(k.str(), " m0=", m0);
        const auto q = random_series<T>(rng, n, dims, ints);
        const auto c = random_series<T>(rng, m0 + o, dims, ints);
        DtwOptions opt = options_for(k);
        const auto want = full(q, c, opt);
        const auto old = columns(want.gcm, 0, m0);
        const auto dm = columns(want.dm, 0, m0);
        const auto add = slice(c, m0, m0 + o);
        opt.return_path = true;
        check_same_result(incdtw::idtw(q.view(), add.view(), old.view(), dm.view(), opt), want);
        if (window == huge) {
            DtwOptions none = opt;
            none.window = -1;
            check_same_result(want, full(q, c, none));
        }
    }
}

TEST_CASE_TEMPLATE("idtw: from a cost or difference matrix of the new columns", T, float, double) {
    std::mt19937 rng(34u);
    for_random_cases<T>(4403u, 300, 3, [&](const Series<T>& q, const Series<T>& c, const Case& k) {
        if (k.m < 2) return;
        DtwOptions opt = options_for(k);
        opt.return_path = true;
        const auto want = full(q, c, opt);
        const index_t m0 = random_index(rng, 1, k.m - 1);
        INFO("m0=", m0);
        const auto gcm = columns(want.gcm, 0, m0);
        const auto dm = columns(want.dm, 0, m0);
        // NaN outside the window (cm with the window) must not be read; nor the finite values of
        // the unwindowed cm.
        for (const index_t cm_window : {k.window, index_t{-1}}) {
            const auto cm = columns(incdtw::cost_matrix(q.view(), c.view(), k.method, cm_window), m0, k.m);
            check_same_result(incdtw::idtw(cm.view(), MatrixKind::cost, gcm.view(), dm.view(), opt), want);
            if (k.dims == 1) {
                const auto dmat = columns(incdtw::difference_matrix(q.view(), c.view(), cm_window), m0, k.m);
                check_same_result(incdtw::idtw(dmat.view(), MatrixKind::difference, gcm.view(), dm.view(), opt),
                                  want);
            }
        }
    });
}

TEST_CASE_TEMPLATE("idtw: return flags", T, float, double) {
    std::mt19937 rng(35u);
    const auto q = random_walk<T>(rng, 9, 2);
    const auto c = random_walk<T>(rng, 11, 2);
    DtwOptions opt;
    opt.window = 3;
    const auto want = full(q, c, opt);
    const auto old = full(q, c.prefix(7), opt);
    const auto add = slice(c, 7, 11);
    opt.return_gcm = false;
    opt.return_direction = false;
    opt.return_path = false;
    const auto r = incdtw::idtw(q.view(), add.view(), old.gcm.view(), old.dm.view(), opt);
    CHECK(r.gcm.empty());
    CHECK(r.dm.empty());
    CHECK(r.path.ii.empty());
    CHECK(same_bits(r.distance, want.distance));
    CHECK(same_bits(r.normalized_distance, want.normalized_distance));
    opt.return_path = true;
    const auto p = incdtw::idtw(q.view(), add.view(), old.gcm.view(), old.dm.view(), opt);
    CHECK(p.gcm.empty());
    CHECK(p.dm.empty());
    INCDTW_CHECK_SAME(compare_ints(p.path.ii, want.path.ii));
    INCDTW_CHECK_SAME(compare_ints(p.path.jj, want.path.jj));
    INCDTW_CHECK_SAME(compare_ints(p.path.wp, want.path.wp));
}

TEST_CASE_TEMPLATE("idtw: errors", T, float, double) {
    std::mt19937 rng(36u);
    const auto q = random_walk<T>(rng, 6, 1);
    const auto c = random_walk<T>(rng, 5, 1);
    const auto add = random_walk<T>(rng, 2, 1);
    DtwOptions opt;
    opt.window = 2;
    const auto old = full(q, c, opt);  // 6 x 5
    const auto qv = q.view();
    const auto av = add.view();
    CHECK_NOTHROW(incdtw::idtw(qv, av, old.gcm.view(), old.dm.view(), opt));

    SUBCASE("gcm rows differ from Q") {
        CHECK_THROWS_AS(incdtw::idtw(q.prefix(5).view(), av, old.gcm.view(), old.dm.view(), opt),
                        std::invalid_argument);
    }
    SUBCASE("dm shape differs from gcm") {
        const auto dm4 = columns(old.dm, 0, 4);
        CHECK_THROWS_AS(incdtw::idtw(qv, av, old.gcm.view(), dm4.view(), opt), std::invalid_argument);
        const MatrixView<std::int8_t> dm_rows{old.dm.data.data(), 5, 5};
        CHECK_THROWS_AS(incdtw::idtw(qv, av, old.gcm.view(), dm_rows, opt), std::invalid_argument);
    }
    SUBCASE("dm codes outside 0..3") {
        for (const std::int8_t bad : {std::int8_t{4}, std::int8_t{-1}, std::int8_t{127}, std::int8_t{-128}}) {
            for (const index_t pos : {index_t{0}, index_t{7}, index_t{29}}) {
                auto dm = old.dm;
                dm.data[static_cast<std::size_t>(pos)] = bad;
                CHECK_THROWS_AS(incdtw::idtw(qv, av, old.gcm.view(), dm.view(), opt), std::invalid_argument);
            }
        }
    }
    SUBCASE("NaN, -inf or a negative value in the last column inside the window") {
        for (const T bad : {nan_v<T>, -std::numeric_limits<T>::infinity(), T(-1)}) {
            for (const index_t i : {index_t{2}, index_t{5}}) {  // the band of column 4 is rows 2..5
                auto g = old.gcm;
                g(i, 4) = bad;
                CHECK_THROWS_AS(incdtw::idtw(qv, av, g.view(), old.dm.view(), opt), std::invalid_argument);
            }
        }
        // Older columns are not read; outside the window the last column must hold NaN, as a gcm
        // computed with this window does (a value there means another window, or none).
        auto g = old.gcm;
        g(0, 0) = nan_v<T>;
        CHECK_NOTHROW(incdtw::idtw(qv, av, g.view(), old.dm.view(), opt));
        CHECK(std::isnan(g(1, 4)));
        g(1, 4) = T(7);
        CHECK_THROWS_WITH_AS(incdtw::idtw(qv, av, g.view(), old.dm.view(), opt),
                             doctest::Contains("outside the window"), std::invalid_argument);
    }
    SUBCASE("infeasible window") {
        const auto long_add = random_walk<T>(rng, 4, 1);  // |6 - 9| > 2
        CHECK_THROWS_AS(incdtw::idtw(qv, long_add.view(), old.gcm.view(), old.dm.view(), opt),
                        std::invalid_argument);
        DtwOptions bad = opt;
        bad.window = -2;
        CHECK_THROWS_AS(incdtw::idtw(qv, av, old.gcm.view(), old.dm.view(), bad), std::invalid_argument);
    }
    SUBCASE("dimensions differ") {
        const auto add2 = random_walk<T>(rng, 2, 2);
        CHECK_THROWS_AS(incdtw::idtw(qv, add2.view(), old.gcm.view(), old.dm.view(), opt), std::invalid_argument);
    }
    SUBCASE("empty or non-finite new observations") {
        const incdtw::SeriesView<T> empty{add.data.data(), 0, 1};
        CHECK_THROWS_AS(incdtw::idtw(qv, empty, old.gcm.view(), old.dm.view(), opt), std::length_error);
        auto nan_add = add;
        nan_add.data[1] = nan_v<T>;
        CHECK_THROWS_AS(incdtw::idtw(qv, nan_add.view(), old.gcm.view(), old.dm.view(), opt), std::invalid_argument);
        const MatrixView<T> no_cols{old.gcm.data.data(), 6, 0};
        const MatrixView<std::int8_t> no_dm{old.dm.data.data(), 6, 0};
        CHECK_THROWS_AS(incdtw::idtw(qv, av, no_cols, no_dm, opt), std::length_error);
    }
    SUBCASE("matrix overload") {
        const auto cm = incdtw::cost_matrix(q.view(), add.view());
        CHECK_NOTHROW(incdtw::idtw(cm.view(), MatrixKind::cost, old.gcm.view(), old.dm.view(), opt));
        const MatrixView<T> no_cols{cm.data.data(), 6, 0};
        CHECK_THROWS_AS(incdtw::idtw(no_cols, MatrixKind::cost, old.gcm.view(), old.dm.view(), opt),
                        std::length_error);
        const MatrixView<T> five_rows{cm.data.data(), 5, 2};
        CHECK_THROWS_AS(incdtw::idtw(five_rows, MatrixKind::cost, old.gcm.view(), old.dm.view(), opt),
                        std::invalid_argument);
        auto neg = cm;
        neg(5, 1) = T(-1);  // inside the window (|5 - 6| <= 2)
        CHECK_THROWS_AS(incdtw::idtw(neg.view(), MatrixKind::cost, old.gcm.view(), old.dm.view(), opt),
                        std::invalid_argument);
        CHECK_NOTHROW(incdtw::idtw(neg.view(), MatrixKind::difference, old.gcm.view(), old.dm.view(), opt));
        auto outside = cm;
        outside(0, 0) = nan_v<T>;  // |0 - 5| > 2: not read
        CHECK_NOTHROW(incdtw::idtw(outside.view(), MatrixKind::cost, old.gcm.view(), old.dm.view(), opt));
        auto inside = cm;
        inside(3, 0) = nan_v<T>;
        CHECK_THROWS_AS(incdtw::idtw(inside.view(), MatrixKind::difference, old.gcm.view(), old.dm.view(), opt),
                        std::invalid_argument);
        const auto cm4 = incdtw::cost_matrix(q.view(), random_walk<T>(rng, 4, 1).view());
        CHECK_THROWS_AS(incdtw::idtw(cm4.view(), MatrixKind::cost, old.gcm.view(), old.dm.view(), opt),
                        std::invalid_argument);
    }
}

// ---- idtw2vec ----------------------------------------------------------------------------------

TEST_CASE_TEMPLATE("idtw2vec: initial call gives the last column and row of dtw", T, float, double) {
    for_random_cases<T>(4501u, 500, 3, [&](const Series<T>& q, const Series<T>& c, const Case& k) {
        const DtwOptions opt = options_for(k);
        const auto want = full(q, c, opt);
        const auto r = incdtw::idtw2vec(q.view(), c.view(), opt);
        check_vector_result(r, want.gcm, k.m, 0, k.step);
        const auto d = incdtw::dtw_distance(q.view(), c.view(), opt);
        CHECK(same_bits(r.distance, d.distance));
        CHECK(same_bits(r.normalized_distance, d.normalized_distance));
    });
}

TEST_CASE_TEMPLATE("idtw2vec: running calls in chunks equal dtw from scratch", T, float, double) {
    std::mt19937 rng(45u);
    for_random_cases<T>(4502u, 400, 2, [&](const Series<T>& q, const Series<T>& c, const Case& k) {
        const DtwOptions opt = options_for(k);
        const auto want = full(q, c, opt);
        const auto splits = feasible_splits(rng, k.n, k.m, k.window);
        // Carrying the last row along (it grows), or not (only the new columns' values come back).
        for (const bool carry : {true, false}) {
            INFO("carry last row: ", carry);
            IncrementalResult<T> cur = incdtw::idtw2vec(q.view(), c.prefix(splits[0]).view(), opt);
            check_vector_result(cur, want.gcm, splits[0], 0, k.step);
            for (std::size_t s = 1; s < splits.size(); ++s) {
                INFO("append ", splits[s - 1], " -> ", splits[s]);
                const auto add = slice(c, splits[s - 1], splits[s]);
                const VectorState<T> st = state_of(cur, splits[s - 1], carry);
                cur = incdtw::idtw2vec(q.view(), add.view(), st, opt);
                check_vector_result(cur, want.gcm, splits[s], carry ? 0 : splits[s - 1], k.step);
                CHECK(same_bits(cur.distance, incdtw::dtw_distance(q.view(), c.prefix(splits[s]).view(), opt).distance));
            }
        }
    });
}

TEST_CASE_TEMPLATE("idtw2vec: continuing from any column of the gcm", T, float, double) {
    // The state may come from an infeasible prefix: its column is finite inside the band.
    std::mt19937 rng(46u);
    for_random_cases<T>(4503u, 400, 3, [&](const Series<T>& q, const Series<T>& c, const Case& k) {
        if (k.m < 2) return;
        const DtwOptions opt = options_for(k);
        const auto want = full(q, c, opt);
        const index_t m0 = random_index(rng, 1, k.m - 1);
        INFO("m0=", m0);
        const auto lc = column_of(want.gcm, m0 - 1);
        const auto lr = row_of(want.gcm, k.n - 1, 0, m0);
        VectorState<T> st;
        st.last_column = lc.data();
        st.rows = k.n;
        st.last_row = lr.data();
        st.last_row_length = m0;
        st.columns = m0;
        const auto add = slice(c, m0, k.m);
        check_vector_result(incdtw::idtw2vec(q.view(), add.view(), st, opt), want.gcm, k.m, 0, k.step);
        // The same from the cost matrix (and the difference matrix) of the new columns.
        for (const index_t cm_window : {k.window, index_t{-1}}) {
            const auto cm = columns(incdtw::cost_matrix(q.view(), c.view(), k.method, cm_window), m0, k.m);
            check_vector_result(incdtw::idtw2vec(cm.view(), MatrixKind::cost, &st, opt), want.gcm, k.m, 0, k.step);
            if (k.dims == 1) {
                const auto dmat = columns(incdtw::difference_matrix(q.view(), c.view(), cm_window), m0, k.m);
                check_vector_result(incdtw::idtw2vec(dmat.view(), MatrixKind::difference, &st, opt), want.gcm, k.m,
                                    0, k.step);
            }
        }
        // Unknown number of columns (no window only): same values, normalized distance NaN.
        if (k.window < 0) {
            VectorState<T> unknown = st;
            unknown.columns = -1;
            check_vector_result(incdtw::idtw2vec(q.view(), add.view(), unknown, opt), want.gcm, k.m, 0, k.step,
                                false);
            const auto cm = columns(incdtw::cost_matrix(q.view(), c.view(), k.method), m0, k.m);
            check_vector_result(incdtw::idtw2vec(cm.view(), MatrixKind::cost, &unknown, opt), want.gcm, k.m, 0,
                                k.step, false);
            unknown.last_row = nullptr;
            unknown.last_row_length = 0;
            check_vector_result(incdtw::idtw2vec(q.view(), add.view(), unknown, opt), want.gcm, k.m, m0, k.step,
                                false);
        }
    });
}

TEST_CASE_TEMPLATE("idtw2vec: initial call from a cost or difference matrix", T, float, double) {
    for_random_cases<T>(4504u, 300, 3, [&](const Series<T>& q, const Series<T>& c, const Case& k) {
        const DtwOptions opt = options_for(k);
        const auto want = incdtw::idtw2vec(q.view(), c.view(), opt);
        for (const index_t cm_window : {k.window, index_t{-1}}) {
            INFO("cm window=", cm_window);
            const auto cm = incdtw::cost_matrix(q.view(), c.view(), k.method, cm_window);
            const auto r = incdtw::idtw2vec(cm.view(), MatrixKind::cost, static_cast<const VectorState<T>*>(nullptr), opt);
            INCDTW_CHECK_SAME(compare_bits(r.last_column, want.last_column, 0));
            INCDTW_CHECK_SAME(compare_bits(r.last_row, want.last_row, 0));
            CHECK(same_bits(r.distance, want.distance));
            CHECK(same_bits(r.normalized_distance, want.normalized_distance));
            if (k.dims == 1) {
                const auto dmat = incdtw::difference_matrix(q.view(), c.view(), cm_window);
                const auto rd = incdtw::idtw2vec(dmat.view(), MatrixKind::difference,
                                                 static_cast<const VectorState<T>*>(nullptr), opt);
                INCDTW_CHECK_SAME(compare_bits(rd.last_column, want.last_column, 0));
                INCDTW_CHECK_SAME(compare_bits(rd.last_row, want.last_row, 0));
                CHECK(same_bits(rd.distance, want.distance));
            }
        }
    });
}

TEST_CASE_TEMPLATE("idtw2vec: both-sides update (rows of Q by swapping roles) in random order", T, float, double) {
    std::mt19937 rng(47u);
    for_random_cases<T>(4505u, 300, 2, [&](const Series<T>& q, const Series<T>& c, const Case& k) {
        const DtwOptions opt = options_for(k);
        const auto feasible = [&](index_t a, index_t b) { return incdtw::window_feasible(a, b, k.window); };
        // Start from feasible prefixes (a, b) and grow one side at a time to (n, m).
        index_t a = k.n, b = k.m;
        for (int tries = 0; tries < 8; ++tries) {
            const index_t a2 = random_index(rng, 1, k.n), b2 = random_index(rng, 1, k.m);
            if (feasible(a2, b2)) {
                a = a2;
                b = b2;
                break;
            }
        }
        auto r = incdtw::idtw2vec(q.prefix(a).view(), c.prefix(b).view(), opt);
        std::vector<T> lc = r.last_column, lr = r.last_row;  // lc: a values, lr: b values
        int steps = 0;
        while ((a < k.n || b < k.m) && steps < 40) {
            ++steps;
            const bool grow_q = b == k.m || (a < k.n && random_index(rng, 0, 1) == 0);
            if (grow_q) {
                const index_t a2 = a + random_index(rng, 1, k.n - a);
                if (!feasible(a2, b)) continue;
                const auto add = slice(q, a, a2);
                VectorState<T> st;  // the transposed problem: C plays Q
                st.last_column = lr.data();
                st.rows = b;
                st.last_row = lc.data();
                st.last_row_length = a;
                st.columns = a;
                r = incdtw::idtw2vec(c.prefix(b).view(), add.view(), st, opt);
                lr = r.last_column;
                lc = r.last_row;
                a = a2;
            } else {
                const index_t b2 = b + random_index(rng, 1, k.m - b);
                if (!feasible(a, b2)) continue;
                const auto add = slice(c, b, b2);
                VectorState<T> st;
                st.last_column = lc.data();
                st.rows = a;
                st.last_row = lr.data();
                st.last_row_length = b;
                st.columns = b;
                r = incdtw::idtw2vec(q.prefix(a).view(), add.view(), st, opt);
                lc = r.last_column;
                lr = r.last_row;
                b = b2;
            }
            INFO("grown to ", a, " x ", b, (grow_q ? " (Q)" : " (C)"));
            const auto want = full(q.prefix(a), c.prefix(b), opt);
            INCDTW_CHECK_SAME(compare_bits(lc, column_of(want.gcm, b - 1), 0));
            INCDTW_CHECK_SAME(compare_bits(lr, row_of(want.gcm, a - 1), 0));
            CHECK(same_bits(r.distance, want.distance));
            CHECK(same_bits(r.normalized_distance, want.normalized_distance));
        }
    });
}

TEST_CASE_TEMPLATE("idtw2vec: errors", T, float, double) {
    std::mt19937 rng(48u);
    const auto q = random_walk<T>(rng, 6, 2);
    const auto c = random_walk<T>(rng, 5, 2);
    const auto add = random_walk<T>(rng, 2, 2);
    DtwOptions opt;
    opt.window = 2;
    const auto init = incdtw::idtw2vec(q.view(), c.view(), opt);
    VectorState<T> st;
    st.last_column = init.last_column.data();
    st.rows = 6;
    st.last_row = init.last_row.data();
    st.last_row_length = 5;
    st.columns = 5;
    CHECK_NOTHROW(incdtw::idtw2vec(q.view(), add.view(), st, opt));

    SUBCASE("a window needs the number of columns") {
        VectorState<T> s = st;
        s.columns = -1;
        CHECK_THROWS_AS(incdtw::idtw2vec(q.view(), add.view(), s, opt), std::invalid_argument);
        s.last_row = nullptr;
        s.last_row_length = 0;
        CHECK_THROWS_AS(incdtw::idtw2vec(q.view(), add.view(), s, opt), std::invalid_argument);
        DtwOptions none = opt;
        none.window = -1;
        const auto init_none = incdtw::idtw2vec(q.view(), c.view(), none);
        s.last_column = init_none.last_column.data();
        const auto r = incdtw::idtw2vec(q.view(), add.view(), s, none);
        CHECK(std::isnan(r.normalized_distance));
        Series<T> whole = c;
        whole.data.insert(whole.data.end(), add.data.begin(), add.data.end());
        whole.length += add.length;
        CHECK(same_bits(r.distance, incdtw::dtw_distance(q.view(), whole.view(), none).distance));
    }
    SUBCASE("nC must be >= 1 or -1") {
        VectorState<T> s = st;
        for (const index_t bad : {index_t{0}, index_t{-2}}) {
            s.columns = bad;
            s.last_row = nullptr;
            CHECK_THROWS_AS(incdtw::idtw2vec(q.view(), add.view(), s, opt), std::invalid_argument);
        }
    }
    SUBCASE("the state belongs to another query") {
        VectorState<T> s = st;
        s.rows = 5;
        CHECK_THROWS_AS(incdtw::idtw2vec(q.view(), add.view(), s, opt), std::invalid_argument);
        s.rows = 6;
        s.last_column = nullptr;
        CHECK_THROWS_AS(incdtw::idtw2vec(q.view(), add.view(), s, opt), std::invalid_argument);
    }
    SUBCASE("last row length differs from nC") {
        VectorState<T> s = st;
        s.last_row_length = 4;
        CHECK_THROWS_AS(incdtw::idtw2vec(q.view(), add.view(), s, opt), std::invalid_argument);
        s.last_row_length = 6;
        CHECK_THROWS_AS(incdtw::idtw2vec(q.view(), add.view(), s, opt), std::invalid_argument);
        s.last_row = nullptr;  // no last row: its length is not looked at
        CHECK_NOTHROW(incdtw::idtw2vec(q.view(), add.view(), s, opt));
    }
    SUBCASE("infeasible window") {
        const auto long_add = random_walk<T>(rng, 4, 2);  // |6 - 9| > 2
        CHECK_THROWS_AS(incdtw::idtw2vec(q.view(), long_add.view(), st, opt), std::invalid_argument);
        VectorState<T> s = st;
        s.columns = 1;  // |6 - 3| > 2
        s.last_row = nullptr;
        CHECK_THROWS_AS(incdtw::idtw2vec(q.view(), add.view(), s, opt), std::invalid_argument);
        const auto short_c = c.prefix(3);  // initial call: |6 - 3| > 2
        CHECK_THROWS_AS(incdtw::idtw2vec(q.view(), short_c.view(), opt), std::invalid_argument);
    }
    SUBCASE("NaN, -inf or negative state inside the window") {
        for (const T bad : {nan_v<T>, -std::numeric_limits<T>::infinity(), T(-1)}) {
            for (const std::size_t i : {std::size_t{2}, std::size_t{5}}) {  // band of column 4: rows 2..5
                auto lc = init.last_column;
                lc[i] = bad;
                VectorState<T> s = st;
                s.last_column = lc.data();
                CHECK_THROWS_AS(incdtw::idtw2vec(q.view(), add.view(), s, opt), std::invalid_argument);
            }
        }
        auto lc = init.last_column;
        CHECK(std::isnan(lc[1]));  // outside the window: NaN in a state made with this window
        lc[1] = T(3);
        VectorState<T> s = st;
        s.last_column = lc.data();
        CHECK_THROWS_WITH_AS(incdtw::idtw2vec(q.view(), add.view(), s, opt), doctest::Contains("another window"),
                             std::invalid_argument);
    }
    SUBCASE("new observations: empty, non-finite, other dimensions") {
        const incdtw::SeriesView<T> empty{add.data.data(), 0, 2};
        CHECK_THROWS_AS(incdtw::idtw2vec(q.view(), empty, st, opt), std::length_error);
        auto nan_add = add;
        nan_add.data[3] = nan_v<T>;
        CHECK_THROWS_AS(incdtw::idtw2vec(q.view(), nan_add.view(), st, opt), std::invalid_argument);
        const incdtw::SeriesView<T> one_dim{add.data.data(), 4, 1};
        CHECK_THROWS_AS(incdtw::idtw2vec(q.view(), one_dim, st, opt), std::invalid_argument);
        const incdtw::SeriesView<T> empty_c{c.data.data(), 0, 2};
        CHECK_THROWS_AS(incdtw::idtw2vec(q.view(), empty_c, opt), std::length_error);
        CHECK_THROWS_AS(incdtw::idtw2vec(q.view(), one_dim, opt), std::invalid_argument);
    }
    SUBCASE("matrix overload") {
        const auto cm = incdtw::cost_matrix(q.view(), add.view());
        CHECK_NOTHROW(incdtw::idtw2vec(cm.view(), MatrixKind::cost, &st, opt));
        const MatrixView<T> no_cols{cm.data.data(), 6, 0};
        CHECK_THROWS_AS(incdtw::idtw2vec(no_cols, MatrixKind::cost, &st, opt), std::length_error);
        const MatrixView<T> five_rows{cm.data.data(), 5, 2};
        CHECK_THROWS_AS(incdtw::idtw2vec(five_rows, MatrixKind::cost, &st, opt), std::invalid_argument);
        auto neg = cm;
        neg(5, 0) = T(-1);
        CHECK_THROWS_AS(incdtw::idtw2vec(neg.view(), MatrixKind::cost, &st, opt), std::invalid_argument);
        CHECK_NOTHROW(incdtw::idtw2vec(neg.view(), MatrixKind::difference, &st, opt));
        auto outside = cm;
        outside(0, 0) = nan_v<T>;  // |0 - 5| > 2
        CHECK_NOTHROW(incdtw::idtw2vec(outside.view(), MatrixKind::cost, &st, opt));
        const auto full_cm = incdtw::cost_matrix(q.view(), c.prefix(3).view());  // initial, infeasible
        CHECK_THROWS_AS(incdtw::idtw2vec(full_cm.view(), MatrixKind::cost, static_cast<const VectorState<T>*>(nullptr),
                                         opt),
                        std::invalid_argument);
    }
}

// A last row of negative length with nC unknown is not checked: the result's last row would be
// written before its start. The call must be refused (std::invalid_argument), not write out of
// bounds.
TEST_CASE_TEMPLATE("idtw2vec: a negative last row length is refused", T, float, double) {
    const auto q = make_series<T>({1, 2, 3});
    const auto c = make_series<T>({1, 2});
    const auto add = make_series<T>({3, 4, 5, 6});
    const auto init = incdtw::idtw2vec(q.view(), c.view());
    VectorState<T> s;
    s.last_column = init.last_column.data();
    s.rows = 3;
    s.last_row = init.last_row.data();
    s.last_row_length = -1;
    s.columns = -1;
    CHECK_THROWS_AS(incdtw::idtw2vec(q.view(), add.view(), s), std::invalid_argument);
}

TEST_CASE_TEMPLATE("idtw2vec: nC near the index type's end (no overflow in nQ + nC)", T, float, double) {
    const auto q = make_series<T>({1, 2, 3});
    const auto c = make_series<T>({1, 2});
    const auto add = make_series<T>({3, 4});
    const auto init = incdtw::idtw2vec(q.view(), c.view());
    VectorState<T> s;
    s.last_column = init.last_column.data();
    s.rows = 3;
    const index_t top = std::numeric_limits<index_t>::max();
    s.columns = top - 2;  // nC + 2 new observations: the largest length; + 3 rows overflows int64
    const auto r = incdtw::idtw2vec(q.view(), add.view(), s);
    const double len = 3.0 + static_cast<double>(top - 2) + 2.0;
    CHECK(r.normalized_distance > 0);
    CHECK(same_bits(r.normalized_distance, static_cast<T>(r.distance / static_cast<T>(len))));
    for (const index_t bad : {top - 1, top}) {  // C would be longer than index_t counts
        s.columns = bad;
        CHECK_THROWS_WITH_AS(incdtw::idtw2vec(q.view(), add.view(), s), doctest::Contains("nC"),
                             std::invalid_argument);
    }
}

TEST_CASE_TEMPLATE("incremental: overflowed (+inf) states continue as from scratch", T, float, double) {
    // Costs of values of opposite sign near the largest finite value overflow to +inf (norm1 and
    // norm2: |h + h|; norm2_square also for squares above the largest value), and so do their sums:
    // the last columns and rows hold +inf inside the window, and continuing them must give the bits
    // of the computation from scratch.
    std::mt19937 rng(91u);
    const T h = std::numeric_limits<T>::max() / T(1.5);
    const T mid = std::sqrt(std::numeric_limits<T>::max()) * T(4);  // its square overflows
    auto q = random_walk<T>(rng, 9, 1);
    auto c = random_walk<T>(rng, 12, 1);
    q.data[3] = h;
    q.data[6] = mid;
    c.data[2] = -h;
    c.data[5] = h;
    c.data[9] = -mid;
    for (const auto method : {DistMethod::norm1, DistMethod::norm2_square}) {
        for (const auto step : {StepPattern::symmetric1, StepPattern::symmetric2}) {
            for (const index_t window : {index_t{-1}, index_t{4}}) {
                DtwOptions opt;
                opt.dist_method = method;
                opt.step_pattern = step;
                opt.window = window;
                CAPTURE(static_cast<int>(method));
                CAPTURE(static_cast<int>(step));
                CAPTURE(window);
                const auto want = full(q, c, opt);
                for (const index_t m0 : {index_t{6}, index_t{8}}) {
                    CAPTURE(m0);
                    const auto head = c.prefix(m0);
                    const auto tail = slice(c, m0, c.length);
                    // idtw2vec from the last column (and row) of C[:m0]
                    const auto init = incdtw::idtw2vec(q.view(), head.view(), opt);
                    const bool overflowed = std::any_of(init.last_column.begin(), init.last_column.end(),
                                                        [](T x) { return std::isinf(x); });
                    CHECK(overflowed);  // the state holds +inf: the case this test is about
                    const auto cur = incdtw::idtw2vec(q.view(), tail.view(), state_of(init, m0, true), opt);
                    check_vector_result(cur, want.gcm, c.length, 0, step);
                    // idtw from the gcm and dm of C[:m0]
                    const auto old = full(q, head, opt);
                    DtwOptions all = opt;
                    all.return_gcm = all.return_direction = all.return_path = true;
                    check_same_result(incdtw::idtw(q.view(), tail.view(), old.gcm.view(), old.dm.view(), all), want);
                }
            }
        }
    }
}

// ---- dec_dm ------------------------------------------------------------------------------------

TEST_CASE_TEMPLATE("dec_dm: the path of a shortened C from the direction matrix of the whole", T, float, double) {
    for_random_cases<T>(4601u, 300, 2, [&](const Series<T>& q, const Series<T>& c, const Case& k) {
        const DtwOptions opt = options_for(k);
        const auto whole = full(q, c, opt);
        const RefResult<T> ref = ref_dtw(q, c, k.method, k.step, k.window);
        for (index_t ndec = 0; ndec < k.m; ++ndec) {
            const index_t m2 = k.m - ndec;
            INFO("ndec=", ndec);
            if (!incdtw::window_feasible(k.n, m2, k.window)) {
                // The end cell is outside the window: no path.
                if (k.n > 1 || m2 > 1) CHECK_THROWS_AS(incdtw::dec_dm(whole.dm.view(), ndec), std::invalid_argument);
                continue;
            }
            const auto p = incdtw::dec_dm(whole.dm.view(), ndec);
            const auto want = full(q, c.prefix(m2), opt);
            INCDTW_CHECK_SAME(compare_ints(p.ii, want.path.ii));
            INCDTW_CHECK_SAME(compare_ints(p.jj, want.path.jj));
            INCDTW_CHECK_SAME(compare_ints(p.wp, want.path.wp));
            std::vector<index_t> ii, jj;
            std::vector<std::int8_t> wp;
            ref_backtrack(ref.dm, k.m, k.n, m2, ii, jj, wp);
            INCDTW_CHECK_SAME(compare_ints(p.ii, ii));
            INCDTW_CHECK_SAME(compare_ints(p.jj, jj));
            INCDTW_CHECK_SAME(compare_ints(p.wp, wp));
        }
    });
}

TEST_CASE("dec_dm: one column left, and errors") {
    const auto q = make_series<double>({3, 4, 5, 6});
    const auto c = make_series<double>({1, 3, 3, 5, 6});
    const auto whole = full(q, c, DtwOptions{});
    const auto p = incdtw::dec_dm(whole.dm.view(), 4);  // C[:1]: Q advances alone
    INCDTW_CHECK_SAME(compare_ints(p.ii, std::vector<int>{0, 1, 2, 3}));
    INCDTW_CHECK_SAME(compare_ints(p.jj, std::vector<int>{0, 0, 0, 0}));
    INCDTW_CHECK_SAME(compare_ints(p.wp, std::vector<int>{3, 3, 3}));
    const auto p0 = incdtw::dec_dm(whole.dm.view(), 0);
    INCDTW_CHECK_SAME(compare_ints(p0.wp, std::vector<int>{2, 2, 3, 1, 1}));
    for (const index_t bad : {index_t{-1}, index_t{5}, index_t{6}}) {
        CHECK_THROWS_AS(incdtw::dec_dm(whole.dm.view(), bad), std::invalid_argument);
    }
    auto corrupt = whole.dm;
    corrupt(3, 4) = 0;
    CHECK_THROWS_AS(incdtw::dec_dm(corrupt.view(), 0), std::invalid_argument);
    CHECK_NOTHROW(incdtw::dec_dm(corrupt.view(), 1));
    corrupt(0, 1) = 3;  // would leave the matrix
    CHECK_THROWS_AS(incdtw::dec_dm(corrupt.view(), 1), std::invalid_argument);
}

// ---- detail/extend.hpp -------------------------------------------------------------------------

TEST_CASE_TEMPLATE("extend_rows / extend_columns against dtw", T, float, double) {
    namespace d = incdtw::detail;
    std::mt19937 rng(49u);
    for_random_cases<T>(4701u, 300, 2, [&](const Series<T>& q, const Series<T>& c, const Case& k) {
        const DtwOptions opt = options_for(k);
        const auto want = full(q, c, opt);
        const index_t n = k.n, m = k.m;
        // extend_rows: the rows of the transposed sweep are the observations of C; width n.
        const index_t first = random_index(rng, 0, m - 1);
        INFO("first=", first);
        std::vector<T> last(static_cast<std::size_t>(n), T(-99)), edge(static_cast<std::size_t>(m - first), T(-99));
        std::vector<T> work(static_cast<std::size_t>(2 * n));
        std::vector<T> prev = first > 0 ? column_of(want.gcm, first - 1) : std::vector<T>(static_cast<std::size_t>(n));
        const T* cnew = c.data.data() + first * k.dims;
        d::visit_series_cost(cnew, q.data.data(), k.dims, k.method, [&](const auto& cost) {
            d::extend_rows<T>(n, first, m - first, cost, k.step, k.window, prev.data(), last.data(), edge.data(),
                              work.data());
            return 0;
        });
        INCDTW_CHECK_SAME(compare_bits(last, column_of(want.gcm, m - 1), 0));
        INCDTW_CHECK_SAME(compare_bits(edge, row_of(want.gcm, n - 1, first, m), 0));
        // `last` may alias `prev`.
        d::visit_series_cost(cnew, q.data.data(), k.dims, k.method, [&](const auto& cost) {
            d::extend_rows<T>(n, first, m - first, cost, k.step, k.window, prev.data(), prev.data(), edge.data(),
                              work.data());
            return 0;
        });
        INCDTW_CHECK_SAME(compare_bits(prev, column_of(want.gcm, m - 1), 0));

        // extend_columns: the first m0 columns filled, the rest NaN / 0.
        if (m >= 2) {
            const index_t m0 = random_index(rng, 1, m - 1);
            Matrix<T> g = want.gcm;
            Matrix<std::int8_t> dm = want.dm;
            for (index_t i = 0; i < n; ++i) {
                for (index_t j = m0; j < m; ++j) {
                    g(i, j) = nan_v<T>;
                    dm(i, j) = 0;
                }
            }
            const T* cadd = c.data.data() + m0 * k.dims;
            d::visit_series_cost(q.data.data(), cadd, k.dims, k.method, [&](const auto& cost) {
                d::extend_columns<T>(n, m0, m - m0, cost, k.step, k.window, g.data.data(), dm.data.data());
                return 0;
            });
            INCDTW_CHECK_SAME(compare_bits(g.data, want.gcm.data, m));
            INCDTW_CHECK_SAME(compare_ints(dm.data, want.dm.data, m));
        }
    });
}

TEST_CASE_TEMPLATE("check_state_vector: >= 0 (or +inf) inside the band, NaN outside", T, float, double) {
    namespace d = incdtw::detail;
    // 8 values, index 5, window 2: the band is 3..7.
    std::vector<T> v{nan_v<T>, nan_v<T>, nan_v<T>, T(0), T(1), T(2), T(3), T(4)};
    CHECK_NOTHROW(d::check_state_vector(v.data(), 8, 5, 2, "v"));
    for (const std::size_t j : {std::size_t{3}, std::size_t{7}}) {  // an overflowed cost is a legal state
        auto w = v;
        w[j] = std::numeric_limits<T>::infinity();
        CHECK_NOTHROW(d::check_state_vector(w.data(), 8, 5, 2, "v"));
    }
    for (const T other : {T(-1), T(0), std::numeric_limits<T>::infinity()}) {  // a value outside the band
        auto w = v;
        w[1] = other;
        CHECK_THROWS_AS(d::check_state_vector(w.data(), 8, 5, 2, "v"), std::invalid_argument);
    }
    for (const std::size_t j : {std::size_t{3}, std::size_t{5}, std::size_t{7}}) {
        for (const T bad : {nan_v<T>, T(-0.5), -std::numeric_limits<T>::infinity()}) {
            auto w = v;
            w[j] = bad;
            CHECK_THROWS_AS(d::check_state_vector(w.data(), 8, 5, 2, "v"), std::invalid_argument);
        }
    }
    CHECK_THROWS_AS(d::check_state_vector(v.data(), 8, 5, -1, "v"), std::invalid_argument);  // no window: all
    CHECK_THROWS_AS(d::check_state_vector(v.data(), 8, 5, 3, "v"), std::invalid_argument);   // band 2..7
    CHECK_NOTHROW(d::check_state_vector(v.data() + 3, 5, 0, 4, "v"));
    CHECK_THROWS_AS(d::check_state_vector(v.data(), 8, 20, 2, "v"), std::invalid_argument);  // band misses v
    const std::vector<T> all_nan(8, nan_v<T>);
    CHECK_NOTHROW(d::check_state_vector(all_nan.data(), 8, 20, 2, "v"));
    CHECK_THROWS_AS(d::check_state_vector(v.data(), 8, 12, std::numeric_limits<index_t>::max(), "v"),
                    std::invalid_argument);  // a huge window covers everything
}
