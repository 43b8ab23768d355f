// rundtw (rundtw.hpp), the search as a whole: every distance against dtw_distance of the scaled
// windows, the k-NN against a brute-force best-first selection over those distances, thread-count
// independence, huge values, the progress counter, window_extremes and errors. The search in parts
// is in test_rundtw_parts.cpp, the checks of what a part takes from elsewhere in
// test_rundtw_part_inputs.cpp.
#include "incdtw/rundtw.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <random>
#include <stdexcept>
#include <vector>

#include "incdtw/dtw_vector.hpp"
#include "check.hpp"
#include "reference.hpp"

using incdtw::index_t;
using incdtw::RundtwOptions;
using incdtw::WindowScaling;
using namespace incdtw_test;

namespace {

/// Window j of x scaled min-max from scratch (IncDTW's 1e-9 guard), or left raw.
template <class T>
std::vector<T> window_01(const Series<T>& x, index_t j, index_t n, bool scale) {
    std::vector<T> w(static_cast<std::size_t>(n * x.dims));
    for (index_t l = 0; l < x.dims; ++l) {
        T lo = x.at(j, l), hi = x.at(j, l);
        for (index_t t = j; t < j + n; ++t) {
            lo = std::min(lo, x.at(t, l));
            hi = std::max(hi, x.at(t, l));
        }
        const T den = hi - lo < T(1e-9) ? T{1} : hi - lo;
        for (index_t t = 0; t < n; ++t) {
            const T v = x.at(j + t, l);
            w[idx(t, l, x.dims)] = scale ? (v - lo) / den : v;
        }
    }
    return w;
}

struct Pick {
    double value;
    index_t pos;
};

std::vector<Pick> brute_knn(const std::vector<double>& d, index_t k, index_t w) {
    std::vector<index_t> order(d.size());
    for (std::size_t i = 0; i < d.size(); ++i) order[i] = static_cast<index_t>(i);
    std::sort(order.begin(), order.end(), [&](index_t a, index_t b) {
        const double da = d[static_cast<std::size_t>(a)], db = d[static_cast<std::size_t>(b)];
        return da != db ? da < db : a > b;
    });
    std::vector<Pick> picks;
    for (index_t j : order) {
        if (static_cast<index_t>(picks.size()) == k) break;
        bool free = true;
        for (const Pick& p : picks) free = free && std::abs(p.pos - j) >= w;
        if (free) picks.push_back({d[static_cast<std::size_t>(j)], j});
    }
    return picks;
}

}  // namespace

TEST_CASE("rundtw: unpruned distances are dtw_distance of the scaled windows; the k-NN is best first") {
    std::mt19937 rng(2024);
    for (int trial = 0; trial < 60; ++trial) {
        const index_t dims = trial % 3 == 0 ? 2 : 1;
        const index_t n = random_index(rng, 2, 12);
        const auto x = random_walk<double>(rng, random_index(rng, n, 150), dims);
        const auto q = random_walk<double>(rng, n, dims);
        const bool scale = trial % 2 == 0;
        RundtwOptions opt;
        opt.scale = scale ? WindowScaling::zero_one : WindowScaling::none;
        opt.window = random_index(rng, 0, n);
        opt.dist_method = trial % 4 == 1 ? incdtw::DistMethod::norm2_square : incdtw::DistMethod::norm1;
        opt.lower_bound = false;
        const auto qs = scale ? window_01(q, 0, n, true) : q.data;
        incdtw::DtwOptions dopt;
        dopt.step_pattern = opt.step_pattern;
        dopt.dist_method = opt.dist_method;
        dopt.window = opt.window;
        const auto all = incdtw::rundtw(q.view(), x.view(), opt);
        REQUIRE(all.dist.size() == 1);
        const index_t W = x.length - n + 1;
        REQUIRE(static_cast<index_t>(all.dist[0].size()) == W);
        std::vector<double> ref;
        for (index_t j = 0; j < W; ++j) {
            const auto w = window_01(x, j, n, scale);
            ref.push_back(incdtw::dtw_distance(incdtw::SeriesView<double>{qs.data(), n, dims},
                                               incdtw::SeriesView<double>{w.data(), n, dims}, dopt)
                              .distance);
            CHECK(all.dist[0][static_cast<std::size_t>(j)] == ref.back());
        }
        for (index_t k : {1, 3}) {
            for (int jobs : {1, 2}) {
                opt.k = k;
                opt.overlap_tol = random_index(rng, 0, n - 1);
                opt.n_jobs = jobs;
                const auto r = incdtw::rundtw(q.view(), x.view(), opt);
                const auto picks = brute_knn(ref, k, n - opt.overlap_tol);
                REQUIRE(r.knn_indices.size() == picks.size());
                for (std::size_t i = 0; i < picks.size(); ++i) {
                    CHECK(r.knn_indices[i] == picks[i].pos);
                    CHECK(r.knn_values[i] == picks[i].value);
                }
                for (std::size_t j = 0; j < ref.size(); ++j) {  // reported values are exact
                    const double v = r.dist[0][j];
                    CHECK((std::isnan(v) || v == ref[j]));
                }
            }
        }
    }
}

TEST_CASE("rundtw: the parallel search gives the bits of the serial one") {
    std::mt19937 rng(5);
    const auto x = random_walk<double>(rng, 50000, 1);
    const auto q = random_walk<double>(rng, 64, 1);
    RundtwOptions opt;
    opt.scale = WindowScaling::z;
    opt.window = 6;
    opt.k = 3;
    opt.n_jobs = 1;
    const auto one = incdtw::rundtw(q.view(), x.view(), opt);
    opt.n_jobs = 2;
    const auto two = incdtw::rundtw(q.view(), x.view(), opt);
    CHECK(one.knn_indices == two.knn_indices);
    CHECK(one.knn_values == two.knn_values);
    REQUIRE(one.dist[0].size() == two.dist[0].size());
    for (std::size_t j = 0; j < one.dist[0].size(); ++j) {
        const double a = one.dist[0][j], b = two.dist[0][j];
        CHECK(((std::isnan(a) && std::isnan(b)) || a == b));
    }
    // Without dist: the same neighbours, whatever the parts (here inside blocks of windows), and a
    // counter of one verdict per window.
    opt.return_dist = false;
    for (index_t part : {index_t{0}, index_t{3000}}) {
        opt.part_windows = part;
        const auto lean = incdtw::rundtw(q.view(), x.view(), opt);
        CHECK(lean.dist.empty());
        CHECK(lean.knn_indices == one.knn_indices);
        CHECK(lean.knn_values == one.knn_values);
        const auto& c = lean.counter;
        CHECK(c.lower_bound() + c.early_abandon + c.completed == static_cast<index_t>(one.dist[0].size()));
    }
}

TEST_CASE("rundtw: parts share their bound, so many small parts prune as much as one") {
    // A close match planted after the serial seed search (its first 4,096 windows): a part that
    // started from that seed's bound instead of the best one found so far would compute far more.
    std::mt19937 rng(9);
    auto x = random_walk<double>(rng, 60000, 1);
    const auto noise = random_walk<double>(rng, 64, 1);
    std::vector<double> qv(64);
    for (index_t t = 0; t < 64; ++t) qv[static_cast<std::size_t>(t)] = x.at(10000 + t, 0) + 0.01 * noise.at(t, 0);
    const Series<double> q{qv, 64, 1};
    RundtwOptions opt;
    opt.scale = WindowScaling::z;
    opt.window = 16;
    opt.k = 1;  // v_1 of a part is the best so far (v_k of one part is above the running one)
    const auto dtws = [](const incdtw::RundtwResult<double>& r) { return r.counter.early_abandon + r.counter.completed; };
    opt.part_windows = 60000;
    const auto whole = incdtw::rundtw(q.view(), x.view(), opt);
    REQUIRE(whole.knn_indices.size() == 1);
    CHECK(whole.knn_indices[0] == 10000);
    for (int jobs : {1, 2}) {
        opt.n_jobs = jobs;
        opt.part_windows = 2000;
        const auto parts = incdtw::rundtw(q.view(), x.view(), opt);
        INFO("n_jobs=", jobs, " DTWs: one part ", dtws(whole), ", parts of 2,000 windows ", dtws(parts));
        CHECK(parts.knn_indices == whole.knn_indices);
        CHECK(parts.knn_values == whole.knn_values);
        CHECK(dtws(parts) <= dtws(whole) + dtws(whole) / 4 + 100);
    }
}

TEST_CASE_TEMPLATE("rundtw: huge values give the bits of the same values times a power of two", T, float, double) {
    // Every window's z and 01 scaling is invariant under multiplying the data by 2^e (exact): a
    // search of huge series, whose running sums of squares and window ranges overflow when computed
    // directly, must give the bits of the search of ordinary ones.
    std::mt19937 rng(103u);
    const int top = std::numeric_limits<T>::max_exponent;
    const auto q = random_walk<T>(rng, 16, 1);
    std::vector<Series<T>> xs{random_walk<T>(rng, 400, 1), random_walk<T>(rng, 60, 1)};
    for (std::size_t t = 0; t < 16; ++t) xs[0].data[t + 220] = q.data[t];
    T big = 0;
    for (const Series<T>* s : std::initializer_list<const Series<T>*>{&q, &xs[0], &xs[1]}) {
        for (const T v : s->data) big = std::max(big, std::abs(v));
    }
    const auto times = [](Series<T> s, int e) {
        for (T& v : s.data) v = std::ldexp(v, e);
        return s;
    };
    for (const int e : {top / 3, top / 2, top - 1 - std::ilogb(big)}) {
        const auto qh = times(q, e);
        std::vector<Series<T>> xh{times(xs[0], e), times(xs[1], e)};
        std::vector<incdtw::SeriesView<T>> views{xs[0].view(), xs[1].view()}, hviews{xh[0].view(), xh[1].view()};
        for (const WindowScaling scale : {WindowScaling::zero_one, WindowScaling::z}) {
            for (const index_t k : {index_t{0}, index_t{3}}) {
                RundtwOptions opt;
                opt.scale = scale;
                opt.window = 3;
                opt.k = k;
                opt.n_jobs = 1;
                CAPTURE(e);
                CAPTURE(static_cast<int>(scale));
                CAPTURE(k);
                const auto want = incdtw::rundtw(q.view(), views, opt);
                const auto got = incdtw::rundtw(qh.view(), hviews, opt);
                INCDTW_CHECK_SAME(compare_bits(got.query, want.query, 0));
                for (std::size_t si = 0; si < xs.size(); ++si) {
                    INCDTW_CHECK_SAME(compare_bits(got.dist[si], want.dist[si], 0));
                }
                CHECK(got.knn_indices == want.knn_indices);
                CHECK(got.knn_values == want.knn_values);
                if (k > 0) CHECK(want.knn_indices.front() == 220);  // the planted copy of Q
            }
        }
    }
}

TEST_CASE("rundtw: errors") {
    const std::vector<double> q{1, 2, 3}, x{1, 2, 3, 4, 5}, bad{1, std::nan(""), 3, 4};
    RundtwOptions opt;
    CHECK_THROWS_AS(incdtw::rundtw(incdtw::view(x), incdtw::view(q), opt), std::invalid_argument);  // Q longer
    CHECK_THROWS_AS(incdtw::rundtw(incdtw::view(q), incdtw::view(bad), opt), std::invalid_argument);
    opt.overlap_tol = 3;
    CHECK_THROWS_AS(incdtw::rundtw(incdtw::view(q), incdtw::view(x), opt), std::invalid_argument);
    opt.overlap_tol = 0;
    opt.threshold = -1;
    CHECK_THROWS_AS(incdtw::rundtw(incdtw::view(q), incdtw::view(x), opt), std::invalid_argument);
    opt.threshold = 1;
    opt.k = -1;
    CHECK_THROWS_AS(incdtw::rundtw(incdtw::view(q), incdtw::view(x), opt), std::invalid_argument);
    opt.k = 0;
    opt.return_dist = false;  // nothing to return
    CHECK_THROWS_AS(incdtw::rundtw(incdtw::view(q), incdtw::view(x), opt), std::invalid_argument);
    CHECK_THROWS_AS(incdtw::rundtw(incdtw::view(q), std::vector<incdtw::SeriesView<double>>{}, RundtwOptions{}),
                    std::length_error);
}

TEST_CASE("window_extremes: van Herk / Gil-Werman against brute force, every reach and clipping") {
    std::mt19937 rng(99);
    for (int trial = 0; trial < 300; ++trial) {
        const index_t len = random_index(rng, 1, 40), stride = random_index(rng, 1, 3);
        const auto x = random_ints<double>(rng, len * stride, 1, 9);
        const index_t below = trial % 17 == 0 ? (index_t{1} << 62) : random_index(rng, 0, 45);
        const index_t above = trial % 13 == 0 ? (index_t{1} << 62) : random_index(rng, 0, 45);
        const index_t count = random_index(rng, 1, len);
        std::vector<double> lo(static_cast<std::size_t>(2 * count), -1), hi(lo.size(), -1);
        incdtw::detail::window_extremes(x.data.data(), stride, len, below, above, count, lo.data(), hi.data(), 2);
        for (index_t t = 0; t < count; ++t) {
            const index_t a = std::max<index_t>(0, t - std::min(below, len));
            const index_t b = std::min(len - 1, t + std::min(above, len));
            double mn = x.data[static_cast<std::size_t>(a * stride)], mx = mn;
            for (index_t p = a; p <= b; ++p) {
                mn = std::min(mn, x.data[static_cast<std::size_t>(p * stride)]);
                mx = std::max(mx, x.data[static_cast<std::size_t>(p * stride)]);
            }
            CHECK(lo[static_cast<std::size_t>(2 * t)] == mn);
            CHECK(hi[static_cast<std::size_t>(2 * t)] == mx);
        }
    }
}

TEST_CASE("rundtw: the progress counter reaches its total and changes no result") {
    std::mt19937 rng(5);
    const auto x = random_walk<double>(rng, 70000, 1);  // more than 65,536 windows: both kinds of update
    const auto q = random_walk<double>(rng, 64, 1);
    for (const index_t k : {index_t{0}, index_t{3}}) {
        RundtwOptions opt;
        opt.k = k;
        opt.window = 6;
        opt.scale = WindowScaling::z;
        opt.n_jobs = 2;
        const auto want = incdtw::rundtw(q.view(), x.view(), opt);
        incdtw::RundtwProgress progress;
        opt.progress = &progress;
        const auto got = incdtw::rundtw(q.view(), x.view(), opt);
        const index_t windows = x.length - q.length + 1;
        CHECK(progress.total.load() == (k > 0 ? 2 : 1) * windows);
        CHECK(progress.done.load() == progress.total.load());
        CHECK(compare_bits(got.dist[0], want.dist[0], 0).empty());
        CHECK(got.knn_indices == want.knn_indices);
    }
}
