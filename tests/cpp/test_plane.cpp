// Tests of incdtw/plane.hpp: the streaming plane (IncDTW's planedtw) against dtw() from scratch,
// bit for bit, through increments on both sides, truncations, decrements, reversals and restores.
#include "incdtw/plane.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <stdexcept>
#include <vector>

#include "check.hpp"
#include "incdtw/dtw.hpp"
#include "incdtw/partial.hpp"
#include "reference.hpp"

using namespace incdtw_test;
using incdtw::DtwOptions;
using incdtw::Plane;
using incdtw::Side;

namespace {

template <class T>
std::vector<T> values(incdtw::SeriesView<T> v) {
    return std::vector<T>(v.data, v.data + v.length * v.dims);
}

/// Everything observable of a plane.
template <class T>
struct Snapshot {
    std::vector<T> q, c, lc, lr;
    index_t nq, nc, dims;
    T distance, normalized;
    bool state, reversed;
};

template <class T>
Snapshot<T> snapshot(const Plane<T>& p) {
    return {values(p.q()), values(p.c()),  p.last_column(),         p.last_row(), p.nq(),
            p.nc(),        p.dims(),       p.distance(),            p.normalized_distance(),
            p.has_state(), p.reversed()};
}

template <class T>
void check_same_plane(const Plane<T>& p, const Snapshot<T>& s) {
    CHECK(p.nq() == s.nq);
    CHECK(p.nc() == s.nc);
    CHECK(p.dims() == s.dims);
    CHECK(p.q().length == s.nq);
    CHECK(p.c().length == s.nc);
    INCDTW_CHECK_SAME(compare_bits(values(p.q()), s.q, 0));
    INCDTW_CHECK_SAME(compare_bits(values(p.c()), s.c, 0));
    INCDTW_CHECK_SAME(compare_bits(p.last_column(), s.lc, 0));
    INCDTW_CHECK_SAME(compare_bits(p.last_row(), s.lr, 0));
    CHECK(same_bits(p.distance(), s.distance));
    CHECK(same_bits(p.normalized_distance(), s.normalized));
    CHECK(p.has_state() == s.state);
    CHECK(p.reversed() == s.reversed);
}

/// A plane with state for the series q and c equals dtw(q, c) from scratch: last column, last row,
/// distance and normalized distance bit for bit, and the stored series.
template <class T>
void check_plane(const Plane<T>& p, const Series<T>& q, const Series<T>& c, const DtwOptions& opt) {
    REQUIRE(p.has_state());
    REQUIRE(p.nq() == q.length);
    REQUIRE(p.nc() == c.length);
    INCDTW_CHECK_SAME(compare_bits(values(p.q()), q.data, 0));
    INCDTW_CHECK_SAME(compare_bits(values(p.c()), c.data, 0));
    DtwOptions o = opt;
    o.return_gcm = true;
    const auto r = incdtw::dtw(q.view(), c.view(), o);
    std::vector<T> lc, lr;
    for (index_t i = 0; i < q.length; ++i) lc.push_back(r.gcm(i, c.length - 1));
    for (index_t j = 0; j < c.length; ++j) lr.push_back(r.gcm(q.length - 1, j));
    INCDTW_CHECK_SAME(compare_bits(p.last_column(), lc, 0));
    INCDTW_CHECK_SAME(compare_bits(p.last_row(), lr, 0));
    CHECK(same_bits(p.distance(), r.distance));
    CHECK(same_bits(p.normalized_distance(), r.normalized_distance));
}

/// Feasible starting prefix lengths (a, b) of (n, m), random when possible.
inline std::pair<index_t, index_t> start_lengths(std::mt19937& rng, const Case& k) {
    for (int tries = 0; tries < 10; ++tries) {
        const index_t a = random_index(rng, 1, k.n), b = random_index(rng, 1, k.m);
        if (incdtw::window_feasible(a, b, k.window)) return {a, b};
    }
    return {k.n, k.m};
}

template <class T>
Plane<T> restored(const Plane<T>& p) {
    return Plane<T>(p.q(), p.c(), p.options(), p.last_column(), p.last_row(), p.distance(), p.normalized_distance(),
                    p.reversed());
}

}  // namespace

TEST_CASE_TEMPLATE("Plane: paper example", T, float, double) {
    const auto q = make_series<T>({3, 4, 5, 6});
    const auto c = make_series<T>({1, 3, 3, 5, 6});
    DtwOptions opt;
    Plane<T> p(q.prefix(2).view(), c.prefix(3).view(), opt);
    p.increment(slice(c, 3, 5).view(), Side::c);
    p.increment(slice(q, 2, 4).view(), Side::q);
    CHECK(p.distance() == T(3));
    CHECK(p.normalized_distance() == T(3) / T(9));
    check_plane(p, q, c, opt);
    CHECK(p.options().window == -1);
    CHECK_FALSE(p.reversed());
}

TEST_CASE_TEMPLATE("Plane: random interleavings of increments equal dtw from scratch", T, float, double) {
    std::mt19937 rng(61u);
    for_random_cases<T>(6101u, 250, 2, [&](const Series<T>& q, const Series<T>& c, const Case& k) {
        const DtwOptions opt = options_for(k);
        const auto start = start_lengths(rng, k);
        index_t a = start.first, b = start.second;
        Plane<T> p(q.prefix(a).view(), c.prefix(b).view(), opt);
        check_plane(p, q.prefix(a), c.prefix(b), opt);
        for (int step = 0; step < 40 && (a < k.n || b < k.m); ++step) {
            const bool grow_q = b == k.m || (a < k.n && random_index(rng, 0, 1) == 0);
            const index_t left = grow_q ? k.n - a : k.m - b;
            const index_t len = random_index(rng, 0, 2) == 0 ? random_index(rng, 1, left)
                                                             : random_index(rng, 1, std::min<index_t>(left, 3));
            const index_t a2 = grow_q ? a + len : a, b2 = grow_q ? b : b + len;
            INFO("step ", step, ": ", a, " x ", b, " -> ", a2, " x ", b2);
            const auto obs = grow_q ? slice(q, a, a2) : slice(c, b, b2);
            if (!incdtw::window_feasible(a2, b2, k.window)) {
                const auto before = snapshot(p);
                CHECK_THROWS_AS(p.increment(obs.view(), grow_q ? Side::q : Side::c), std::invalid_argument);
                check_same_plane(p, before);
                continue;
            }
            p.increment(obs.view(), grow_q ? Side::q : Side::c);
            a = a2;
            b = b2;
            check_plane(p, q.prefix(a), c.prefix(b), opt);
        }
    });
}

TEST_CASE_TEMPLATE("Plane: one observation at a time, alternating sides, under a narrow window", T, float,
                   double) {
    std::mt19937 rng(62u);
    for (int t = 0; t < 40; ++t) {
        const bool ints = t % 2 == 0;
        const index_t dims = random_index(rng, 1, 3);
        const index_t len = random_index(rng, 1, 25);
        const auto q = random_series<T>(rng, len, dims, ints);
        const auto c = random_series<T>(rng, len + 1, dims, ints);
        DtwOptions opt;
        opt.window = t % 4 == 0 ? 1 : random_index(rng, 1, 3);
        opt.step_pattern = t % 3 == 0 ? StepPattern::symmetric1 : StepPattern::symmetric2;
        opt.dist_method = static_cast<DistMethod>(t % 3);
        INFO("t=", t, " len=", len, " window=", opt.window);
        Plane<T> p(q.prefix(1).view(), c.prefix(1).view(), opt);
        for (index_t s = 1; s < len; ++s) {
            p.increment(slice(c, s, s + 1).view(), Side::c);
            p.increment(slice(q, s, s + 1).view(), Side::q);
        }
        p.increment(slice(c, len, len + 1).view(), Side::c);
        check_plane(p, q, c, opt);
    }
}

TEST_CASE_TEMPLATE("Plane: truncate", T, float, double) {
    std::mt19937 rng(63u);
    for_random_cases<T>(6301u, 200, 2, [&](const Series<T>& q, const Series<T>& c, const Case& k) {
        const DtwOptions opt = options_for(k);
        const Plane<T> orig(q.view(), c.view(), opt);
        const index_t nq = random_index(rng, 1, k.n), nc = random_index(rng, 1, k.m);
        INFO("nq=", nq, " nc=", nc);
        struct Cut {
            index_t nq, nc;
        };
        for (const Cut cut : {Cut{-1, nc}, Cut{nq, -1}, Cut{nq, nc}, Cut{-1, -1}, Cut{k.n, k.m}}) {
            INFO("truncate(", cut.nq, ", ", cut.nc, ")");
            const index_t new_q = cut.nq < 0 ? k.n : cut.nq, new_c = cut.nc < 0 ? k.m : cut.nc;
            Plane<T> p = orig;
            if (!incdtw::window_feasible(new_q, new_c, k.window)) {
                CHECK_THROWS_AS(p.truncate(cut.nq, cut.nc), std::invalid_argument);
                check_same_plane(p, snapshot(orig));
                continue;
            }
            p.truncate(cut.nq, cut.nc);
            T want = nan_v<T>;
            if (cut.nq < 0 && cut.nc < 0) {
                want = orig.distance();
            } else if (cut.nq < 0) {
                want = orig.last_row()[static_cast<std::size_t>(new_c - 1)];
            } else if (cut.nc < 0) {
                want = orig.last_column()[static_cast<std::size_t>(new_q - 1)];
            }
            CHECK(p.nq() == new_q);
            CHECK(p.nc() == new_c);
            INCDTW_CHECK_SAME(compare_bits(values(p.q()), q.prefix(new_q).data, 0));
            INCDTW_CHECK_SAME(compare_bits(values(p.c()), c.prefix(new_c).data, 0));
            CHECK(same_bits(p.distance(), want));
            CHECK(same_bits(p.normalized_distance(), want / static_cast<T>(new_q + new_c)));  // any step pattern
            CHECK_FALSE(p.has_state());
            CHECK(p.last_column().empty());
            CHECK(p.last_row().empty());
            // No state: increments refuse (and change nothing), decrements do nothing.
            const auto before = snapshot(p);
            CHECK_THROWS_AS(p.increment(c.prefix(1).view(), Side::c), std::logic_error);
            CHECK_THROWS_AS(p.increment(q.prefix(1).view(), Side::q), std::logic_error);
            CHECK_FALSE(p.decrement(Side::both));
            CHECK_FALSE(p.decrement(Side::c));
            check_same_plane(p, before);
            // A second truncation without state has no distance to read.
            Plane<T> twice = p;
            twice.truncate(-1, new_c);
            CHECK(std::isnan(twice.distance()));
            // refresh restores the state; the truncated distance was already exact.
            p.refresh();
            check_plane(p, q.prefix(new_q), c.prefix(new_c), opt);
            if (!std::isnan(want)) CHECK(same_bits(p.distance(), want));
        }
        // Out of range: unchanged.
        Plane<T> p = orig;
        for (const index_t bad : {index_t{0}, k.n + 1}) CHECK_THROWS_AS(p.truncate(bad, -1), std::invalid_argument);
        for (const index_t bad : {index_t{0}, k.m + 1}) CHECK_THROWS_AS(p.truncate(-1, bad), std::invalid_argument);
        check_same_plane(p, snapshot(orig));
    });
}

TEST_CASE_TEMPLATE("Plane: decrement cuts to the best partial alignment", T, float, double) {
    for_random_cases<T>(6401u, 300, 2, [&](const Series<T>& q, const Series<T>& c, const Case& k) {
        const DtwOptions opt = options_for(k);
        const Plane<T> orig(q.view(), c.view(), opt);
        for (const Side side : {Side::c, Side::q, Side::both}) {
            INFO("side=", static_cast<int>(side));
            Plane<T> p = orig;
            const auto pa = incdtw::partial_alignment(orig.last_column().data(), k.n, orig.last_row().data(), k.m,
                                                      side != Side::c, side != Side::q, false);
            const index_t new_q = pa.q_end - pa.q_begin, new_c = pa.c_end - pa.c_begin;
            CHECK(pa.q_begin == 0);
            CHECK(pa.c_begin == 0);
            if (new_q == k.n && new_c == k.m) {
                CHECK_FALSE(p.decrement(side));
                check_same_plane(p, snapshot(orig));
                continue;
            }
            CHECK(p.decrement(side));
            CHECK(p.nq() == new_q);
            CHECK(p.nc() == new_c);
            if (side == Side::c) CHECK(new_q == k.n);
            if (side == Side::q) CHECK(new_c == k.m);
            INCDTW_CHECK_SAME(compare_bits(values(p.q()), q.prefix(new_q).data, 0));
            INCDTW_CHECK_SAME(compare_bits(values(p.c()), c.prefix(new_c).data, 0));
            CHECK_FALSE(p.has_state());
            const T d = new_q != k.n ? orig.last_column()[static_cast<std::size_t>(new_q - 1)]
                                     : orig.last_row()[static_cast<std::size_t>(new_c - 1)];
            CHECK(same_bits(p.distance(), d));
            CHECK(same_bits(p.normalized_distance(), static_cast<T>(pa.normalized_distance)));
            CHECK(same_bits(p.normalized_distance(), d / static_cast<T>(new_q + new_c)));
            CHECK_THROWS_AS(p.increment(c.prefix(1).view(), Side::c), std::logic_error);
            CHECK_FALSE(p.decrement(side));  // no state
            p.refresh();
            check_plane(p, q.prefix(new_q), c.prefix(new_c), opt);
            CHECK(same_bits(p.distance(), d));
        }
    });
}

TEST_CASE_TEMPLATE("Plane: reverse equals a plane on the reversed series", T, float, double) {
    std::mt19937 rng(65u);
    for_random_cases<T>(6501u, 200, 2, [&](const Series<T>& q, const Series<T>& c, const Case& k) {
        const DtwOptions opt = options_for(k);
        Plane<T> p(q.view(), c.view(), opt);
        p.reverse();
        CHECK(p.reversed());
        const auto rq = reversed(q), rc = reversed(c);
        check_plane(p, rq, rc, opt);
        {
            const Plane<T> fresh(rq.view(), rc.view(), opt);
            auto s = snapshot(fresh);
            s.reversed = true;
            check_same_plane(p, s);
        }
        // Increments now prepend to the original series (new observations in reverse order).
        if (incdtw::window_feasible(k.n, k.m + 2, k.window)) {
            const auto extra = random_series<T>(rng, 2, k.dims, k.ints);
            Plane<T> g = p;
            g.increment(extra.view(), Side::c);
            check_plane(g, rq, concat(rc, extra), opt);
            g.reverse();
            CHECK_FALSE(g.reversed());
            check_plane(g, q, concat(reversed(extra), c), opt);
        }
        // Decrement after reverse keeps a prefix of the stored (reversed) series: the end of the
        // original ones, as partial_alignment with reverse = true names it.
        {
            Plane<T> d = p;
            const auto pa = incdtw::partial_alignment(p.last_column().data(), k.n, p.last_row().data(), k.m, true,
                                                      true, true);
            const bool cut = d.decrement(Side::both);
            CHECK(cut == (pa.q_end - pa.q_begin != k.n || pa.c_end - pa.c_begin != k.m));
            INCDTW_CHECK_SAME(compare_bits(values(d.q()), reversed(slice(q, pa.q_begin, pa.q_end)).data, 0));
            INCDTW_CHECK_SAME(compare_bits(values(d.c()), reversed(slice(c, pa.c_begin, pa.c_end)).data, 0));
            if (cut) {
                CHECK(same_bits(d.normalized_distance(), static_cast<T>(pa.normalized_distance)));
                CHECK_FALSE(d.has_state());
            } else {
                check_same_plane(d, snapshot(p));
            }
            CHECK(d.reversed());
        }
        // Twice: back to the original plane, bit for bit.
        p.reverse();
        CHECK_FALSE(p.reversed());
        check_same_plane(p, snapshot(Plane<T>(q.view(), c.view(), opt)));
    });
}

TEST_CASE_TEMPLATE("Plane: restore constructor round trip", T, float, double) {
    std::mt19937 rng(66u);
    for_random_cases<T>(6601u, 200, 2, [&](const Series<T>& q, const Series<T>& c, const Case& k) {
        const DtwOptions opt = options_for(k);
        Plane<T> p(q.view(), c.view(), opt);
        if (random_index(rng, 0, 1) == 0) p.reverse();
        const Plane<T> r = restored(p);
        check_same_plane(r, snapshot(p));
        CHECK(r.options().window == opt.window);
        CHECK(r.options().step_pattern == opt.step_pattern);
        CHECK(r.options().dist_method == opt.dist_method);
        // Both continue identically.
        if (incdtw::window_feasible(k.n, k.m + 1, k.window)) {
            const auto extra = random_series<T>(rng, 1, k.dims, k.ints);
            Plane<T> a = p, b = r;
            a.increment(extra.view(), Side::c);
            b.increment(extra.view(), Side::c);
            check_same_plane(b, snapshot(a));
        }
        // Without state (after a truncation).
        Plane<T> t = p;
        t.truncate(-1, -1);
        const Plane<T> rt = restored(t);
        check_same_plane(rt, snapshot(t));
        CHECK_FALSE(rt.has_state());
    });
}

TEST_CASE_TEMPLATE("Plane: a restored state holding +inf (overflowed costs) continues as from scratch", T, float,
                   double) {
    std::mt19937 rng(93u);
    const T h = std::numeric_limits<T>::max() / T(1.5);  // |h - (-h)| overflows
    auto q = random_walk<T>(rng, 8, 1);
    auto c = random_walk<T>(rng, 11, 1);
    q.data[2] = h;
    c.data[1] = -h;
    c.data[4] = h;
    for (const index_t window : {index_t{-1}, index_t{4}}) {
        for (const auto step : {StepPattern::symmetric1, StepPattern::symmetric2}) {
            DtwOptions opt;
            opt.window = window;
            opt.step_pattern = step;
            CAPTURE(window);
            const Plane<T> whole(q.view(), c.view(), opt);
            Plane<T> p(q.prefix(6).view(), c.prefix(7).view(), opt);
            const auto& lc = p.last_column();
            CHECK(std::any_of(lc.begin(), lc.end(), [](T x) { return std::isinf(x); }));  // the case tested
            Plane<T> r = restored(p);
            check_same_plane(r, snapshot(p));
            r.increment(slice(q, 6, 8).view(), Side::q);  // Q first: |8 - 7| and |8 - 11| fit the window
            r.increment(slice(c, 7, 11).view(), Side::c);
            check_same_plane(r, snapshot(whole));
        }
    }
}

TEST_CASE_TEMPLATE("Plane: the restore constructor rejects inconsistent parts", T, float, double) {
    std::mt19937 rng(67u);
    const auto q = random_walk<T>(rng, 6, 2);
    const auto c = random_walk<T>(rng, 5, 2);
    DtwOptions opt;
    opt.window = 2;
    const Plane<T> p(q.view(), c.view(), opt);
    const auto lc = p.last_column(), lr = p.last_row();  // lc: band rows 2..5; lr: band columns 3..4
    const T d = p.distance(), nd = p.normalized_distance();
    auto make = [&](const Series<T>& qq, const Series<T>& cc, const DtwOptions& o, std::vector<T> a,
                    std::vector<T> b, T dist) { return Plane<T>(qq.view(), cc.view(), o, a, b, dist, nd, false); };
    CHECK_NOTHROW(make(q, c, opt, lc, lr, d));
    CHECK_NOTHROW(make(q, c, opt, {}, {}, nan_v<T>));  // no state: the distance is not checked

    SUBCASE("wrong lengths") {
        CHECK_THROWS_AS(make(q, c, opt, std::vector<T>(lc.begin(), lc.end() - 1), lr, d), std::invalid_argument);
        CHECK_THROWS_AS(make(q, c, opt, lc, std::vector<T>(lr.begin() + 1, lr.end()), d), std::invalid_argument);
        auto longer = lr;
        longer.push_back(d);
        CHECK_THROWS_AS(make(q, c, opt, lc, longer, d), std::invalid_argument);
        CHECK_THROWS_AS(make(q, c, opt, lc, {}, d), std::invalid_argument);
        CHECK_THROWS_AS(make(q, c, opt, {}, lr, d), std::invalid_argument);
        CHECK_THROWS_AS(make(q, c, opt, lr, lc, d), std::invalid_argument);  // swapped
    }
    SUBCASE("distance, last column and last row disagree") {
        CHECK_THROWS_AS(make(q, c, opt, lc, lr, std::nextafter(d, T(0))), std::invalid_argument);
        CHECK_THROWS_AS(make(q, c, opt, lc, lr, nan_v<T>), std::invalid_argument);
        auto lr2 = lr;
        lr2.back() = std::nextafter(d, T(1e30));
        CHECK_THROWS_AS(make(q, c, opt, lc, lr2, d), std::invalid_argument);
        auto lc2 = lc;
        lc2.back() = std::nextafter(d, T(1e30));
        CHECK_THROWS_AS(make(q, c, opt, lc2, lr, lc2.back()), std::invalid_argument);
    }
    SUBCASE("NaN, -inf or negative values inside the window") {
        for (const T bad : {nan_v<T>, -std::numeric_limits<T>::infinity(), T(-1)}) {
            auto lc2 = lc;
            lc2[2] = bad;
            CHECK_THROWS_AS(make(q, c, opt, lc2, lr, d), std::invalid_argument);
            auto lr2 = lr;
            lr2[3] = bad;
            CHECK_THROWS_AS(make(q, c, opt, lc, lr2, d), std::invalid_argument);
        }
        // Outside the window a state made with this window holds NaN; a value there is refused.
        auto lc2 = lc;
        auto lr2 = lr;
        CHECK(std::isnan(lc2[1]));
        CHECK(std::isnan(lr2[2]));
        lc2[1] = T(1);
        CHECK_THROWS_AS(make(q, c, opt, lc2, lr, d), std::invalid_argument);
        lr2[2] = T(5);
        CHECK_THROWS_AS(make(q, c, opt, lc, lr2, d), std::invalid_argument);
    }
    SUBCASE("series and options") {
        DtwOptions narrow = opt;
        narrow.window = 0;  // |6 - 5| > 0
        CHECK_THROWS_AS(make(q, c, narrow, lc, lr, d), std::invalid_argument);
        const auto c1 = random_walk<T>(rng, 5, 1);
        CHECK_THROWS_AS(make(q, c1, opt, lc, lr, d), std::invalid_argument);
        auto qn = q;
        qn.data[0] = nan_v<T>;
        CHECK_THROWS_AS(make(qn, c, opt, lc, lr, d), std::invalid_argument);
        const Series<T> empty;
        CHECK_THROWS_AS(make(empty, c, opt, {}, {}, d), std::length_error);
        // A state that fits the lengths and window but another window than it was made with
        DtwOptions wide = opt;
        wide.window = -1;
        CHECK_THROWS_AS(make(q, c, wide, lc, lr, d), std::invalid_argument);  // NaN now inside the window
    }
}

TEST_CASE_TEMPLATE("Plane: failed increments and constructions", T, float, double) {
    std::mt19937 rng(68u);
    const auto q = random_walk<T>(rng, 6, 2);
    const auto c = random_walk<T>(rng, 5, 2);
    DtwOptions opt;
    opt.window = 2;
    Plane<T> p(q.view(), c.view(), opt);
    const auto before = snapshot(p);
    const auto one = random_walk<T>(rng, 1, 2);
    const auto three = random_walk<T>(rng, 3, 2);
    CHECK_THROWS_AS(p.increment(random_walk<T>(rng, 2, 1).view(), Side::c), std::invalid_argument);  // dims
    CHECK_THROWS_AS(p.increment(random_walk<T>(rng, 2, 3).view(), Side::q), std::invalid_argument);
    for (const T bad : {nan_v<T>, std::numeric_limits<T>::infinity()}) {
        auto obs = three;
        obs.data[4] = bad;
        CHECK_THROWS_AS(p.increment(obs.view(), Side::c), std::invalid_argument);
        CHECK_THROWS_AS(p.increment(obs.view(), Side::q), std::invalid_argument);
    }
    CHECK_THROWS_AS(p.increment(three.view(), Side::q), std::invalid_argument);  // |9 - 5| > 2
    CHECK_THROWS_AS(p.increment(random_walk<T>(rng, 4, 2).view(), Side::c), std::invalid_argument);  // |6 - 9|
    CHECK_THROWS_AS(p.increment(one.view(), Side::both), std::invalid_argument);
    const incdtw::SeriesView<T> empty{one.data.data(), 0, 2};
    CHECK_THROWS_AS(p.increment(empty, Side::c), std::length_error);
    check_same_plane(p, before);
    // Still usable, and equal to the computation from scratch.
    p.increment(three.view(), Side::c);
    check_plane(p, q, concat(c, three), opt);

    const auto c1 = random_walk<T>(rng, 5, 1);
    CHECK_THROWS_AS(Plane<T>(q.view(), c1.view(), opt), std::invalid_argument);
    CHECK_THROWS_AS(Plane<T>(q.view(), c.prefix(3).view(), opt), std::invalid_argument);  // |6 - 3| > 2
    const incdtw::SeriesView<T> no_obs{c.data.data(), 0, 2};
    CHECK_THROWS_AS(Plane<T>(q.view(), no_obs, opt), std::length_error);
    DtwOptions bad = opt;
    bad.window = -2;
    CHECK_THROWS_AS(Plane<T>(q.view(), c.view(), bad), std::invalid_argument);
}

TEST_CASE_TEMPLATE("Plane: single observations and symmetric1", T, float, double) {
    DtwOptions opt;
    opt.step_pattern = StepPattern::symmetric1;
    const auto q = make_series<T>({2});
    const auto c = make_series<T>({5});
    Plane<T> p(q.view(), c.view(), opt);
    CHECK(p.distance() == T(3));
    CHECK(std::isnan(p.normalized_distance()));
    p.increment(make_series<T>({1, 2}).view(), Side::q);
    check_plane(p, make_series<T>({2, 1, 2}), c, opt);
    CHECK(p.distance() == T(10));
    CHECK(std::isnan(p.normalized_distance()));
    p.truncate(1, -1);
    CHECK(p.distance() == T(3));
    CHECK(p.normalized_distance() == T(3) / T(2));  // truncate divides by nq + nc for any step pattern
}
