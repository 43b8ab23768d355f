// Tests of incdtw/scaling.hpp (scale) and incdtw/lower_bound.hpp (lowerbound_tube, lowerbound):
// against brute force written from API.md 9 and 11 (with incdtw's envelope [i - ws, i + ws],
// DEVIATIONS.md 11), and the lower-bound property lowerbound(C, lowerbound_tube(Q, ws)) <= DTW(Q, C)
// for every window up to ws.
#include "incdtw/lower_bound.hpp"
#include "incdtw/scaling.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <stdexcept>
#include <vector>

#include "check.hpp"
#include "incdtw/dtw_vector.hpp"
#include "reference.hpp"

using namespace incdtw_test;
using incdtw::DtwOptions;
using incdtw::Matrix;
using incdtw::ScaleOptions;
using incdtw::ScaleType;

namespace {

constexpr double nan_d = std::numeric_limits<double>::quiet_NaN();

template <class T>
std::vector<double> column(const Series<T>& x, index_t l) {
    std::vector<double> out;
    for (index_t t = 0; t < x.length; ++t) out.push_back(static_cast<double>(x.at(t, l)));
    return out;
}

/// IncDTW's scale() of one column, as R evaluates it: sums in long double rounded to double, the
/// rest in double; the result rounded to T.
template <class T>
std::vector<T> naive_scale_column(const std::vector<double>& x, const ScaleOptions& opt) {
    const auto n = x.size();
    double shift, div;
    if (opt.type == ScaleType::z) {
        double mu = opt.mean;
        if (std::isnan(mu)) {
            long double s = 0.0L;
            for (const double v : x) s += v;
            mu = static_cast<double>(s) / static_cast<double>(n);
        }
        double sd = opt.sd;
        if (std::isnan(sd)) {
            long double s = 0.0L;
            for (const double v : x) s += (v - mu) * (v - mu);
            // N = 1: NaN (incdtw's documented rule; R's literal formula gives 0 / 0 = NaN around the
            // computed mean but d^2 / 0 = inf around a different fixed mean, see the N = 1 case below).
            sd = n > 1 ? std::sqrt(static_cast<double>(s) / static_cast<double>(n - 1)) : nan_d;
        }
        shift = mu;
        div = sd;
    } else {
        shift = std::isnan(opt.min) ? *std::min_element(x.begin(), x.end()) : opt.min;
        const double hi = std::isnan(opt.max) ? *std::max_element(x.begin(), x.end()) : opt.max;
        div = hi - shift;
    }
    std::vector<T> out;
    for (const double v : x) out.push_back(static_cast<T>(div > opt.threshold ? (v - shift) / div : v - shift));
    return out;
}

template <class T>
std::vector<T> naive_scale(const Series<T>& x, const ScaleOptions& opt) {
    std::vector<T> out(x.data.size());
    for (index_t l = 0; l < x.dims; ++l) {
        const std::vector<T> col = naive_scale_column<T>(column(x, l), opt);
        for (index_t t = 0; t < x.length; ++t) out[idx(t, l, x.dims)] = col[static_cast<std::size_t>(t)];
    }
    return out;
}

template <class T>
std::vector<T> scaled(const std::vector<T>& x, const ScaleOptions& opt) {
    return incdtw::scale(incdtw::view(x), opt);
}

/// Brute-force envelope: min / max over rows [i - ws, i + ws] clipped to the series ([i, i] for
/// ws = 0); columns (L_1, U_1, L_2, U_2, ...). `incdtw_window`: IncDTW's [i - ws, i + ws - 1]
/// instead, which is no lower bound for the window ws (kept to show that below).
template <class T>
std::vector<T> naive_tube(const Series<T>& q, index_t ws, bool incdtw_window = false) {
    const index_t n = q.length, d = q.dims;
    const index_t above = incdtw_window && ws > 0 ? ws - 1 : ws;
    std::vector<T> out(static_cast<std::size_t>(n * 2 * d));
    for (index_t i = 0; i < n; ++i) {
        const index_t a = ws >= n ? 0 : std::max<index_t>(0, i - ws);
        const index_t b = above >= n ? n - 1 : std::min(n - 1, i + above);
        for (index_t l = 0; l < d; ++l) {
            T lo = q.at(a, l), hi = q.at(a, l);
            for (index_t t = a; t <= b; ++t) {
                lo = std::min(lo, q.at(t, l));
                hi = std::max(hi, q.at(t, l));
            }
            out[idx(i, 2 * l, 2 * d)] = lo;
            out[idx(i, 2 * l + 1, 2 * d)] = hi;
        }
    }
    return out;
}

/// Brute-force lower bound: per row of C the excesses e over the band, summed (norm1), their
/// Euclidean norm summed (norm2), their squares summed (norm2_square); one dimension: |e| for norm1
/// and norm2, e^2 for norm2_square. In double from the T values.
template <class T>
double naive_lowerbound(const Series<T>& c, const std::vector<T>& tube, DistMethod method) {
    const index_t d = c.dims;
    double total = 0.0;
    for (index_t k = 0; k < c.length; ++k) {
        double row = 0.0;
        for (index_t l = 0; l < d; ++l) {
            const double x = static_cast<double>(c.at(k, l));
            const double lo = static_cast<double>(tube[idx(k, 2 * l, 2 * d)]);
            const double up = static_cast<double>(tube[idx(k, 2 * l + 1, 2 * d)]);
            const double e = x > up ? x - up : (x < lo ? lo - x : 0.0);
            row += method == DistMethod::norm1 || (d == 1 && method == DistMethod::norm2) ? e : e * e;
        }
        total += method == DistMethod::norm2 && d > 1 ? std::sqrt(row) : row;
    }
    return total;
}

/// Windows of very different sizes for a series of length n.
std::vector<index_t> windows_for(std::mt19937& rng, index_t n) {
    return {0, 1, 2, random_index(rng, 0, n + 3), n - 1, n, n + 1, std::numeric_limits<index_t>::max()};
}

}  // namespace

// ---- scale -------------------------------------------------------------------------------------

TEST_CASE_TEMPLATE("scale: z, hand examples", T, float, double) {
    ScaleOptions opt;
    CHECK(scaled<T>({1, 2, 3}, opt) == std::vector<T>{-1, 0, 1});  // mean 2, sd 1
    CHECK(scaled<T>({0, 2, 4}, opt) == std::vector<T>{-1, 0, 1});  // sd 2
    // sd at or below the threshold: shift only.
    opt.threshold = 2.0;
    CHECK(scaled<T>({0, 2, 4}, opt) == std::vector<T>{-2, 0, 2});
    opt.threshold = 1.99;
    CHECK(scaled<T>({0, 2, 4}, opt) == std::vector<T>{-1, 0, 1});
    opt.threshold = 1e-5;
    CHECK(scaled<T>({5, 5, 5, 5}, opt) == std::vector<T>{0, 0, 0, 0});  // sd 0
    opt.threshold = 0.0;
    CHECK(scaled<T>({5, 5, 5, 5}, opt) == std::vector<T>{0, 0, 0, 0});  // 0 > 0 is false
    opt.threshold = -1.0;  // divides by sd = 0
    const std::vector<T> by_zero = scaled<T>({5, 5}, opt);
    CHECK(std::isnan(by_zero[0]));
    CHECK(std::isnan(by_zero[1]));
    opt.threshold = 1e-5;
    // N = 1: sd is NaN, shift only.
    CHECK(scaled<T>({T(3.5)}, opt) == std::vector<T>{0});
    // A fixed mean: the sd is taken around it, sqrt((1 + 4 + 9) / 2) = sqrt(7).
    opt.mean = 0.0;
    const std::vector<T> around_zero = scaled<T>({1, 2, 3}, opt);
    for (std::size_t k = 0; k < 3; ++k) {
        CHECK(around_zero[k] == static_cast<T>(static_cast<double>(k + 1) / std::sqrt(7.0)));
    }
    opt.mean = 1.0;
    // N = 1 with a fixed mean: R's formula gives sd = sqrt(4 / 0) = inf here, so (3 - 1) / inf = 0;
    // around its own mean it is 0 / 0 = NaN: shift only (3 - 3 = 0 either way).
    CHECK(scaled<T>({T(3)}, opt) == std::vector<T>{0});
    opt.mean = 3.0;
    CHECK(scaled<T>({T(3)}, opt) == std::vector<T>{0});
    opt.mean = 1.0;
    // A fixed sd (with or without a fixed mean).
    opt.mean = nan_d;
    opt.sd = 0.5;
    CHECK(scaled<T>({1, 2, 3}, opt) == std::vector<T>{-2, 0, 2});
    CHECK(scaled<T>({T(3)}, opt) == std::vector<T>{0});
    opt.mean = 1.0;
    CHECK(scaled<T>({T(3)}, opt) == std::vector<T>{4});
    opt.sd = 1e-6;  // below the threshold: shift only
    CHECK(scaled<T>({1, 2, 3}, opt) == std::vector<T>{0, 1, 2});
}

TEST_CASE_TEMPLATE("scale: zero_one, hand examples", T, float, double) {
    ScaleOptions opt;
    opt.type = ScaleType::zero_one;
    CHECK(scaled<T>({2, 4, 6, 10}, opt) == std::vector<T>{0, T(0.25), T(0.5), 1});
    CHECK(scaled<T>({10, 2, 6}, opt) == std::vector<T>{1, 0, T(0.5)});
    opt.min = 0.0;
    CHECK(scaled<T>({2, 4, 6, 10}, opt) == std::vector<T>{T(0.2), T(0.4), T(0.6), 1});
    opt.max = 20.0;
    CHECK(scaled<T>({2, 4, 6, 10}, opt) == std::vector<T>{T(0.1), T(0.2), T(0.3), T(0.5)});
    opt.min = nan_d;  // min from the data (2), max fixed: denominator 18
    CHECK(scaled<T>({2, 11, 20}, opt) == std::vector<T>{0, T(0.5), 1});
    opt.max = nan_d;
    // max - min at or below the threshold: shift only.
    CHECK(scaled<T>({7, 7, 7}, opt) == std::vector<T>{0, 0, 0});
    CHECK(scaled<T>({T(4)}, opt) == std::vector<T>{0});  // N = 1
    opt.threshold = 2.0;
    CHECK(scaled<T>({1, 3, 2}, opt) == std::vector<T>{0, 2, 1});
    opt.threshold = 1.5;
    CHECK(scaled<T>({1, 3, 2}, opt) == std::vector<T>{0, 1, T(0.5)});
    opt.threshold = 1e-5;
    opt.min = 1.0;
    opt.max = 1.000001;
    CHECK(scaled<T>({1, 3, 2}, opt) == std::vector<T>{0, 2, 1});
}

TEST_CASE_TEMPLATE("scale: random series against R's formulas, column by column", T, float, double) {
    std::mt19937 rng(2718u);
    std::uniform_real_distribution<double> offset(-100.0, 100.0);
    for (int t = 0; t < 300; ++t) {
        const index_t n = random_index(rng, 1, 50);
        const index_t dims = random_index(rng, 1, 4);
        Series<T> x = random_series<T>(rng, n, dims, t % 4 == 0);
        // Columns of very different location and spread, one constant now and then.
        for (index_t l = 0; l < dims; ++l) {
            const double shift = offset(rng), factor = std::pow(10.0, random_index(rng, -3, 3));
            const bool constant = random_index(rng, 0, 6) == 0;
            for (index_t k = 0; k < n; ++k) {
                T& v = x.data[idx(k, l, dims)];
                v = static_cast<T>(constant ? shift : static_cast<double>(v) * factor + shift);
            }
        }
        ScaleOptions opt;
        opt.type = t % 2 == 0 ? ScaleType::z : ScaleType::zero_one;
        switch (t % 7) {
            case 1: opt.threshold = 0.0; break;
            case 2: opt.threshold = 1.0; break;
            case 3: opt.mean = 1.0; opt.min = -1.0; break;
            case 4: opt.sd = 2.0; opt.max = 150.0; break;
            case 5: opt.mean = -3.0; opt.sd = 0.25; opt.min = -200.0; opt.max = 200.0; break;
            default: break;
        }
        INFO("case ", t, ": n=", n, " dims=", dims, " type=", opt.type == ScaleType::z ? "z" : "01",
             " threshold=", opt.threshold, " mean=", opt.mean, " sd=", opt.sd, " min=", opt.min, " max=", opt.max);
        const std::vector<T> got = incdtw::scale(x.view(), opt);
        INCDTW_CHECK_SAME(compare_bits(got, naive_scale(x, opt), dims));
        // Each column alone gives the same bits.
        for (index_t l = 0; l < dims; ++l) {
            std::vector<T> col;
            for (index_t k = 0; k < n; ++k) col.push_back(x.at(k, l));
            const std::vector<T> alone = scaled(col, opt);
            std::vector<T> from_all;
            for (index_t k = 0; k < n; ++k) from_all.push_back(got[idx(k, l, dims)]);
            INCDTW_CHECK_SAME(compare_bits(from_all, alone, 0));
        }
    }
}

TEST_CASE_TEMPLATE("scale: z gives mean 0 and sd 1, zero_one gives [0, 1]", T, float, double) {
    std::mt19937 rng(99u);
    for (int t = 0; t < 100; ++t) {
        const index_t n = random_index(rng, 2, 60);
        const Series<T> x = random_walk<T>(rng, n, 1);
        INFO("case ", t, ": n=", n);
        const std::vector<T> z = incdtw::scale(x.view(), ScaleOptions{});
        double mean = 0.0, ss = 0.0;
        for (const T v : z) mean += static_cast<double>(v);
        mean /= static_cast<double>(n);
        for (const T v : z) ss += (static_cast<double>(v) - mean) * (static_cast<double>(v) - mean);
        CHECK(std::abs(mean) < 1e-5);
        CHECK(close(std::sqrt(ss / static_cast<double>(n - 1)), 1.0, 1e-5));
        ScaleOptions zo;
        zo.type = ScaleType::zero_one;
        const std::vector<T> u = incdtw::scale(x.view(), zo);
        CHECK(*std::min_element(u.begin(), u.end()) == T(0));
        CHECK(*std::max_element(u.begin(), u.end()) == T(1));
    }
}

TEST_CASE_TEMPLATE("scale: huge values give the bits of the same values times a power of two", T, float, double) {
    // z and 01 are invariant under multiplying x (and the given mean, sd, min, max and the threshold)
    // by 2^e, which is exact: huge x must give the bits of ordinary x, where sums of squares and
    // ranges would overflow if computed directly.
    std::mt19937 rng(101u);
    const int top = std::numeric_limits<T>::max_exponent;
    for (int t = 0; t < 120; ++t) {
        const index_t n = random_index(rng, 2, 40);
        const index_t dims = random_index(rng, 1, 3);
        const Series<T> x = random_walk<T>(rng, n, dims);
        T big = 64;  // also above the given parameters
        for (const T v : x.data) big = std::max(big, std::abs(v));
        // the largest e that keeps x * 2^e finite, and smaller ones down to where nothing overflows
        const int e = top - 1 - std::ilogb(big) - static_cast<int>(random_index(rng, 0, 3)) * (top / 8);
        ScaleOptions opt;
        opt.type = t % 2 == 0 ? ScaleType::z : ScaleType::zero_one;
        switch (t % 5) {
            case 1: opt.mean = 0.5; opt.min = -1.0; break;
            case 2: opt.sd = 2.0; opt.max = 50.0; break;
            case 3: opt.mean = -3.0; opt.sd = 0.25; opt.min = -60.0; opt.max = 60.0; break;
            default: break;
        }
        ScaleOptions huge = opt;
        for (double* p : {&huge.mean, &huge.sd, &huge.min, &huge.max, &huge.threshold}) *p = std::ldexp(*p, e);
        Series<T> xh = x;
        for (T& v : xh.data) v = std::ldexp(v, e);
        INFO("case ", t, ": n=", n, " dims=", dims, " e=", e, " type=", opt.type == ScaleType::z ? "z" : "01");
        INCDTW_CHECK_SAME(compare_bits(incdtw::scale(xh.view(), huge), incdtw::scale(x.view(), opt), dims));
    }
    // Values of both signs near the largest: 01 divides by a range beyond it.
    const T m = std::numeric_limits<T>::max();
    const std::vector<T> wide{-m, m / 2, m, T(0)};
    ScaleOptions zo;
    zo.type = ScaleType::zero_one;
    INCDTW_CHECK_SAME(compare_bits(scaled(wide, zo), std::vector<T>{0, T(0.75), 1, T(0.5)}, 0));
    const std::vector<T> z = scaled(wide, ScaleOptions{});
    std::vector<T> quarter;  // the same values / 4 (exact): no overflow anywhere
    for (const T v : wide) quarter.push_back(v / 4);
    INCDTW_CHECK_SAME(compare_bits(z, scaled(quarter, ScaleOptions{}), 0));
    CHECK(z[2] > T(0.9));
    // A constant huge column (whose sum is exact): shift only, zeros.
    const T c = std::ldexp(T(1), top - 1);
    INCDTW_CHECK_SAME(compare_bits(scaled(std::vector<T>(5, c), ScaleOptions{}), std::vector<T>(5, T(0)), 0));
    INCDTW_CHECK_SAME(compare_bits(scaled(std::vector<T>(5, -m), zo), std::vector<T>(5, T(0)), 0));
}

TEST_CASE_TEMPLATE("scale: errors", T, float, double) {
    ScaleOptions opt;
    CHECK_THROWS_AS(incdtw::scale(incdtw::SeriesView<T>{nullptr, 0, 1}, opt), std::length_error);
    for (const T bad : {std::numeric_limits<T>::quiet_NaN(), -std::numeric_limits<T>::infinity()}) {
        CHECK_THROWS_WITH_AS(scaled<T>({1, bad, 3}, opt), doctest::Contains("x contains a non-finite"),
                             std::invalid_argument);
    }
    opt.threshold = nan_d;
    CHECK_THROWS_WITH_AS(scaled<T>({1, 2, 3}, opt), doctest::Contains("threshold"), std::invalid_argument);
}

// ---- lowerbound_tube ---------------------------------------------------------------------------

TEST_CASE_TEMPLATE("lowerbound_tube: hand examples", T, float, double) {
    const auto q = make_series<T>({1, 5, 2, 4, 3});
    auto tube = [&](index_t ws) { return incdtw::lowerbound_tube(q.view(), ws); };
    const Matrix<T> t0 = tube(0);
    CHECK(t0.rows == 5);
    CHECK(t0.cols == 2);
    CHECK(t0.data == std::vector<T>{1, 1, 5, 5, 2, 2, 4, 4, 3, 3});
    // ws = 1: rows [i - 1, i + 1] (IncDTW's [i - 1, i] would give 1 1, 1 5, 2 5, 2 4, 3 4).
    CHECK(tube(1).data == std::vector<T>{1, 5, 1, 5, 2, 5, 2, 4, 3, 4});
    // ws = 2: rows [i - 2, i + 2].
    CHECK(tube(2).data == std::vector<T>{1, 5, 1, 5, 1, 5, 2, 5, 2, 4});
    // ws = 3: rows [i - 3, i + 3], the last row misses only Q[0].
    CHECK(tube(3).data == std::vector<T>{1, 5, 1, 5, 1, 5, 1, 5, 2, 5});
    for (const index_t ws : {index_t{4}, index_t{5}, index_t{6}, std::numeric_limits<index_t>::max()}) {
        CHECK(tube(ws).data == std::vector<T>{1, 5, 1, 5, 1, 5, 1, 5, 1, 5});
    }
    // Two dimensions: columns (L1, U1, L2, U2).
    const auto q2 = make_series<T>({1, 0, 5, -1, 2, 3, 4, 3, 3, -2}, 2);
    const Matrix<T> m = incdtw::lowerbound_tube(q2.view(), 1);
    CHECK(m.rows == 5);
    CHECK(m.cols == 4);
    CHECK(m.data == std::vector<T>{1, 5, -1, 0, 1, 5, -1, 3, 2, 5, -1, 3, 2, 4, -2, 3, 3, 4, -2, 3});
    // One observation.
    const auto one = make_series<T>({T(2.5)});
    for (const index_t ws : {0, 1, 3}) CHECK(incdtw::lowerbound_tube(one.view(), ws).data == std::vector<T>{2.5, 2.5});
}

TEST_CASE_TEMPLATE("lowerbound_tube: random series against brute force", T, float, double) {
    std::mt19937 rng(1414u);
    for (int t = 0; t < 300; ++t) {
        const index_t n = random_index(rng, 1, 40);
        const index_t dims = random_index(rng, 1, 3);
        const Series<T> q = random_series<T>(rng, n, dims, t % 3 == 0);  // integers: plateaus and ties
        for (const index_t ws : windows_for(rng, n)) {
            if (ws < 0) continue;
            INFO("case ", t, ": n=", n, " dims=", dims, " ws=", ws);
            const Matrix<T> got = incdtw::lowerbound_tube(q.view(), ws);
            CHECK(got.rows == n);
            CHECK(got.cols == 2 * dims);
            INCDTW_CHECK_SAME(compare_bits(got.data, naive_tube(q, ws), 2 * dims));
        }
    }
}

TEST_CASE_TEMPLATE("lowerbound_tube: errors", T, float, double) {
    const auto q = make_series<T>({1, 2, 3});
    CHECK_THROWS_WITH_AS(incdtw::lowerbound_tube(q.view(), -1), doctest::Contains("ws"), std::invalid_argument);
    CHECK_THROWS_AS(incdtw::lowerbound_tube(incdtw::SeriesView<T>{nullptr, 0, 1}, 1), std::length_error);
    Series<T> bad = q;
    bad.data[2] = std::numeric_limits<T>::quiet_NaN();
    CHECK_THROWS_WITH_AS(incdtw::lowerbound_tube(bad.view(), 1), doctest::Contains("Q contains a non-finite"),
                         std::invalid_argument);
    bad.data[2] = std::numeric_limits<T>::infinity();
    CHECK_THROWS_AS(incdtw::lowerbound_tube(bad.view(), 0), std::invalid_argument);
}

// ---- lowerbound --------------------------------------------------------------------------------

TEST_CASE_TEMPLATE("lowerbound: hand examples", T, float, double) {
    const auto q = make_series<T>({1, 5, 2, 4, 3});
    const Matrix<T> tube = incdtw::lowerbound_tube(q.view(), 1);  // L 1 1 2 2 3, U 5 5 5 4 4
    // Excesses 2, 1, 0, 0, 3.
    const auto c = make_series<T>({-1, 6, 3, 4, 7});
    CHECK(incdtw::lowerbound(c.view(), tube.view(), DistMethod::norm1) == T(6));
    CHECK(incdtw::lowerbound(c.view(), tube.view(), DistMethod::norm2) == T(6));
    CHECK(incdtw::lowerbound(c.view(), tube.view(), DistMethod::norm2_square) == T(14));
    // A shorter C uses the first rows.
    const auto c3 = make_series<T>({-1, 6, 3});
    CHECK(incdtw::lowerbound(c3.view(), tube.view(), DistMethod::norm2_square) == T(5));
    // Inside the envelope: 0.
    const auto inside = make_series<T>({1, 3, 5, 2, 4});
    CHECK(incdtw::lowerbound(inside.view(), tube.view(), DistMethod::norm1) == T(0));

    // Two dimensions: bands (1..5, -1..0), (1..5, -1..3), (2..5, -1..3), (2..4, -2..3), (3..4, -2..3),
    // excesses (1, 1), (0, 2), (0, 2), (0, 0), (0, 0).
    const auto q2 = make_series<T>({1, 0, 5, -1, 2, 3, 4, 3, 3, -2}, 2);
    const Matrix<T> tube2 = incdtw::lowerbound_tube(q2.view(), 1);
    const auto c2 = make_series<T>({0, 1, 5, 5, 2, -3, 4, 3, 3, 3}, 2);
    CHECK(incdtw::lowerbound(c2.view(), tube2.view(), DistMethod::norm1) == T(6));
    CHECK(incdtw::lowerbound(c2.view(), tube2.view(), DistMethod::norm2_square) == T(10));
    CHECK(incdtw::lowerbound(c2.view(), tube2.view(), DistMethod::norm2) == static_cast<T>(4.0 + std::sqrt(2.0)));
}

TEST_CASE_TEMPLATE("lowerbound: random series against brute force", T, float, double) {
    std::mt19937 rng(1732u);
    for (int t = 0; t < 300; ++t) {
        const index_t n = random_index(rng, 1, 40);
        const index_t m = random_index(rng, 1, n);
        const index_t dims = random_index(rng, 1, 3);
        const bool ints = t % 3 == 0;
        const Series<T> q = random_series<T>(rng, n, dims, ints);
        const Series<T> c = random_series<T>(rng, m, dims, ints);
        for (const index_t ws : windows_for(rng, n)) {
            if (ws < 0) continue;
            const Matrix<T> tube = incdtw::lowerbound_tube(q.view(), ws);
            for (const DistMethod method : {DistMethod::norm1, DistMethod::norm2, DistMethod::norm2_square}) {
                INFO("case ", t, ": n=", n, " m=", m, " dims=", dims, " ws=", ws, " method=", static_cast<int>(method));
                const T got = incdtw::lowerbound(c.view(), tube.view(), method);
                const double want = naive_lowerbound(c, tube.data, method);
                CHECK(close(static_cast<double>(got), want, same_precision_rel<T>));
                if (ints && method != DistMethod::norm2) CHECK(static_cast<double>(got) == want);  // exact integers
            }
        }
    }
}

TEST_CASE_TEMPLATE("lowerbound: errors", T, float, double) {
    const auto q = make_series<T>({1, 2, 3, 4});
    const Matrix<T> tube = incdtw::lowerbound_tube(q.view(), 1);
    const auto longer = make_series<T>({1, 2, 3, 4, 5});
    CHECK_THROWS_WITH_AS(incdtw::lowerbound(longer.view(), tube.view(), DistMethod::norm1),
                         doctest::Contains("may not be longer"), std::invalid_argument);
    const auto two_dims = make_series<T>({1, 2, 3, 4}, 2);
    CHECK_THROWS_WITH_AS(incdtw::lowerbound(two_dims.view(), tube.view(), DistMethod::norm1),
                         doctest::Contains("columns"), std::invalid_argument);
    const Matrix<T> tube2 = incdtw::lowerbound_tube(two_dims.view(), 1);
    const auto one_dim = make_series<T>({1, 2});
    CHECK_THROWS_AS(incdtw::lowerbound(one_dim.view(), tube2.view(), DistMethod::norm1), std::invalid_argument);
    CHECK_NOTHROW(incdtw::lowerbound(two_dims.view(), tube2.view(), DistMethod::norm2));
    Series<T> bad = q;
    bad.data[0] = std::numeric_limits<T>::quiet_NaN();
    CHECK_THROWS_WITH_AS(incdtw::lowerbound(bad.view(), tube.view(), DistMethod::norm1),
                         doctest::Contains("C contains a non-finite"), std::invalid_argument);
    CHECK_THROWS_AS(incdtw::lowerbound(incdtw::SeriesView<T>{nullptr, 0, 1}, tube.view(), DistMethod::norm1),
                    std::length_error);
}

// ---- the lower-bound property ------------------------------------------------------------------
//
// Every row j of C is matched by a warping path to some row i of Q with |i - j| <= window. The
// envelope of row j covers Q's rows [j - ws, j + ws] (clipped), so for window <= ws every
// admissible i lies in it, each C[j] pays at least its distance to the band and
// lowerbound(C, tube(Q, ws)) <= DTW(Q, C) for both step patterns (symmetric2 only adds weight) and
// every cost (each |q_l - c_l| >= e_l), C not longer than Q (feasible: n - m <= window). For
// ws >= n - 1 the envelope is Q's global range: any window, also none. ws = 0 with window 0 is the
// diagonal path, where symmetric1 / norm1 gives equality. IncDTW's envelope [j - ws, j + ws - 1]
// misses row j + ws and bounds only window ws - 1 (shown below).

namespace {

template <class T>
void check_bound(const Series<T>& q, const Series<T>& c, const Matrix<T>& tube, const DtwOptions& opt) {
    const T d = incdtw::dtw_distance(q.view(), c.view(), opt).distance;
    const T lb = incdtw::lowerbound(c.view(), tube.view(), opt.dist_method);
    // Both sides are sums of the same kind of terms; allow the rounding of ~n additions.
    const double slack = 64.0 * static_cast<double>(q.length + c.length) * std::numeric_limits<T>::epsilon();
    CHECK(static_cast<double>(lb) <= static_cast<double>(d) * (1.0 + slack) + 1e-300);
}

template <class T>
void check_bound(const Series<T>& q, const Series<T>& c, index_t ws, const DtwOptions& opt) {
    check_bound(q, c, incdtw::lowerbound_tube(q.view(), ws), opt);
}

/// IncDTW's envelope [i - ws, i + ws - 1] as a tube.
template <class T>
Matrix<T> incdtw_tube(const Series<T>& q, index_t ws) {
    Matrix<T> tube(q.length, 2 * q.dims, T{0});
    tube.data = naive_tube(q, ws, true);
    return tube;
}

}  // namespace

TEST_CASE_TEMPLATE("lowerbound: never above DTW with any window up to ws, window = ws included", T, float, double) {
    std::mt19937 rng(161803u);
    for (int t = 0; t < 600; ++t) {
        const index_t n = random_index(rng, 1, 40);
        const index_t ws = random_index(rng, 0, n + 2);
        // A third of the cases with equal lengths, the others C not longer than Q and n - m <= ws.
        const index_t m = t % 3 == 0 ? n : random_index(rng, std::max<index_t>(1, n - ws), n);
        const index_t dims = random_index(rng, 1, 3);
        const bool ints = t % 4 == 0;
        const Series<T> q = random_series<T>(rng, n, dims, ints);
        const Series<T> c = random_series<T>(rng, m, dims, ints);
        const Matrix<T> tube = incdtw::lowerbound_tube(q.view(), ws);
        DtwOptions opt;
        opt.step_pattern = t % 2 == 0 ? StepPattern::symmetric1 : StepPattern::symmetric2;
        for (const index_t window : {ws, random_index(rng, n - m, ws)}) {
            opt.window = window;
            for (const DistMethod method : {DistMethod::norm1, DistMethod::norm2, DistMethod::norm2_square}) {
                opt.dist_method = method;
                INFO("case ", t, ": n=", n, " m=", m, " dims=", dims, " ws=", ws, " window=", opt.window,
                     " method=", static_cast<int>(method), " step=", static_cast<int>(opt.step_pattern));
                check_bound(q, c, tube, opt);
            }
        }
    }
}

TEST_CASE_TEMPLATE("lowerbound: ws = 0 with window 0 (equality for symmetric1 / norm1), ws >= n - 1 with any window",
                   T, float, double) {
    std::mt19937 rng(271828u);
    for (int t = 0; t < 300; ++t) {
        const index_t n = random_index(rng, 1, 40);
        const index_t dims = random_index(rng, 1, 3);
        const bool ints = t % 3 == 0;
        const Series<T> q = random_series<T>(rng, n, dims, ints);
        for (const DistMethod method : {DistMethod::norm1, DistMethod::norm2, DistMethod::norm2_square}) {
            for (const StepPattern step : {StepPattern::symmetric1, StepPattern::symmetric2}) {
                INFO("case ", t, ": n=", n, " dims=", dims, " method=", static_cast<int>(method),
                     " step=", static_cast<int>(step));
                DtwOptions opt;
                opt.dist_method = method;
                opt.step_pattern = step;
                // ws = 0, window 0: only the diagonal path.
                const Series<T> same_length = random_series<T>(rng, n, dims, ints);
                opt.window = 0;
                check_bound(q, same_length, 0, opt);
                if (step == StepPattern::symmetric1 && method == DistMethod::norm1) {
                    const Matrix<T> tube = incdtw::lowerbound_tube(q.view(), 0);
                    CHECK(close(static_cast<double>(incdtw::lowerbound(same_length.view(), tube.view(), method)),
                                static_cast<double>(incdtw::dtw_distance(q.view(), same_length.view(), opt).distance),
                                64.0 * static_cast<double>(n) * std::numeric_limits<T>::epsilon()));
                }
                // ws >= n - 1: the global range of Q; any feasible window, also none.
                const index_t m = random_index(rng, 1, n);
                const Series<T> c = random_series<T>(rng, m, dims, ints);
                for (const index_t window : {index_t{-1}, n - m, n - m + random_index(rng, 0, 5)}) {
                    opt.window = window;
                    check_bound(q, c, std::max<index_t>(n - 1, 0), opt);
                    check_bound(q, c, n + random_index(rng, 0, 5), opt);
                }
            }
        }
    }
}

TEST_CASE_TEMPLATE("lowerbound: IncDTW's envelope exceeds DTW with window ws, incdtw's does not", T, float, double) {
    // ws = 1. DTW with window 1 matches C[1] to Q[2] and C[0] to Q[1]: path (0,0) (1,0) (2,1) (2,2),
    // cost 0. IncDTW's envelope of row 1 covers Q[0..1] = [0, 0] and charges C[1] = 10 against it;
    // incdtw's covers Q[0..2] = [0, 10].
    const auto q = make_series<T>({0, 0, 10});
    const auto c = make_series<T>({0, 10, 10});
    DtwOptions opt;
    opt.window = 1;
    for (const StepPattern step : {StepPattern::symmetric1, StepPattern::symmetric2}) {
        opt.step_pattern = step;
        CHECK(incdtw::dtw_distance(q.view(), c.view(), opt).distance == T(0));
    }
    CHECK(incdtw::lowerbound(c.view(), incdtw_tube(q, 1).view(), DistMethod::norm1) == T(10));
    const Matrix<T> tube = incdtw::lowerbound_tube(q.view(), 1);
    CHECK(tube.data == std::vector<T>{0, 0, 0, 10, 0, 10});
    CHECK(incdtw::lowerbound(c.view(), tube.view(), DistMethod::norm1) == T(0));
    // IncDTW's envelope bounds window 0 (= ws - 1) only: DTW is the diagonal 0 + 10 + 0.
    opt.window = 0;
    opt.step_pattern = StepPattern::symmetric1;
    CHECK(incdtw::dtw_distance(q.view(), c.view(), opt).distance == T(10));

    // On random equal-length series IncDTW's envelope is often above DTW with window ws, incdtw's never.
    std::mt19937 rng(577215u);
    int violations = 0;
    for (int t = 0; t < 300; ++t) {
        const index_t n = random_index(rng, 2, 30);
        const index_t ws = random_index(rng, 1, std::max<index_t>(1, n / 3));
        const Series<T> qr = random_series<T>(rng, n, 1, t % 2 == 0);
        const Series<T> cr = random_series<T>(rng, n, 1, t % 2 == 0);
        DtwOptions o;
        o.window = ws;
        o.step_pattern = StepPattern::symmetric1;
        for (const DistMethod method : {DistMethod::norm1, DistMethod::norm2_square}) {
            o.dist_method = method;
            INFO("case ", t, ": n=", n, " ws=", ws, " method=", static_cast<int>(method));
            const T d = incdtw::dtw_distance(qr.view(), cr.view(), o).distance;
            if (incdtw::lowerbound(cr.view(), incdtw_tube(qr, ws).view(), method) > d) ++violations;
            check_bound(qr, cr, ws, o);
        }
    }
    CHECK(violations > 10);
}

TEST_CASE_TEMPLATE("lowerbound: the rows of the tube that are read must be a finite band L <= U", T, float, double) {
    const std::vector<T> c{T(0), T(5), T(1)};
    const incdtw::SeriesView<T> cv = incdtw::view(c);
    Matrix<T> tube(4, 2, T(0));
    for (index_t i = 0; i < 4; ++i) tube(i, 1) = T(2);
    CHECK_NOTHROW(incdtw::lowerbound(cv, tube.view(), incdtw::DistMethod::norm1));
    tube(3, 0) = nan_v<T>;  // row 3 is never read (C has 3 rows)
    CHECK_NOTHROW(incdtw::lowerbound(cv, tube.view(), incdtw::DistMethod::norm1));
    tube(1, 1) = nan_v<T>;
    CHECK_THROWS_WITH_AS(incdtw::lowerbound(cv, tube.view(), incdtw::DistMethod::norm1),
                         doctest::Contains("tube row 1"), std::invalid_argument);
    tube(1, 1) = T(-1);  // L = 0 > U = -1
    CHECK_THROWS_WITH_AS(incdtw::lowerbound(cv, tube.view(), incdtw::DistMethod::norm1),
                         doctest::Contains("L <= U"), std::invalid_argument);
}
