// Tests of the search's bounds over a vector of consecutive windows (detail/simd/window_bounds.inl):
// LB_Kim and LB_Keogh against the query's envelope decide, window by window, as the scalar code of
// the cascade (lb_kim_hierarchy, WindowTests::early_sum) at every SIMD level, at limits around and
// exactly at each window's bound; and a search gives the same results, statuses and counter at
// every level.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <random>
#include <vector>

#include "check.hpp"
#include "levels.hpp"
#include "incdtw/detail/search/cascade.hpp"
#include "incdtw/detail/search/lb_kim.hpp"
#include "incdtw/detail/simd/kernels.hpp"
#include "incdtw/rundtw.hpp"
#include "incdtw/simd.hpp"

using incdtw::index_t;
using incdtw::SimdLevel;
using namespace incdtw_test;

namespace {

/// Random windows of one series (with ties in a third of the rounds), their scaling and a query.
template <class T>
struct Windows {
    index_t n;
    std::vector<T> x, q, off, inv;

    Windows(std::mt19937& rng, int round, int lanes) : n(6 + static_cast<index_t>(rng() % 40)) {
        std::normal_distribution<double> nd;
        const auto value = [&]() { return static_cast<T>(round % 3 == 0 ? static_cast<double>(rng() % 3) : nd(rng)); };
        x.resize(static_cast<std::size_t>(n + lanes));
        q.resize(static_cast<std::size_t>(n));
        for (auto& v : x) v = value();
        for (auto& v : q) v = value();
        for (int u = 0; u < lanes; ++u) {
            off.push_back(static_cast<T>(0.3 * nd(rng)));
            inv.push_back(T{1} / static_cast<T>(0.5 + std::abs(nd(rng))));
        }
    }
    /// Position t of window u, scaled as the cascade's bounds scale it.
    T y(int u, index_t t, bool scaled) const {
        const T v = x[static_cast<std::size_t>(u + t)];
        return scaled ? (v - off[static_cast<std::size_t>(u)]) * inv[static_cast<std::size_t>(u)] : v;
    }
};

/// The limits tried for a lane whose bound is b: exactly b (b > b is false), just below it,
/// around it, and 0.
template <class T>
std::vector<T> limits_around(T b) {
    return {b, std::nextafter(b, T{0}), b * T(0.7), b * T(1.3), T{0}};
}

template <class T, bool Square, bool Scaled>
void check_kim(SimdLevel level, std::mt19937& rng) {
    const int lanes = incdtw::detail::simd::kim_lanes<T>(level);
    REQUIRE(lanes > 0);
    for (int round = 0; round < 60; ++round) {
        const Windows<T> w(rng, round, lanes);
        const auto scalar = [&](int u, T limit) {  // evaluate()'s cells of window u and its decision
            const auto cell = [&](index_t i, index_t t) {
                const T diff = w.q[static_cast<std::size_t>(i)] - w.y(u, t, Scaled), e = diff < 0 ? -diff : diff;
                return Square ? e * e : e;
            };
            return incdtw::detail::lb_kim_hierarchy<T>(w.n, cell, limit) > limit;
        };
        for (int pick = 0; pick < lanes; pick += 3) {
            const auto cell = [&](index_t i, index_t t) {
                const T diff = w.q[static_cast<std::size_t>(i)] - w.y(pick, t, Scaled), e = diff < 0 ? -diff : diff;
                return Square ? e * e : e;
            };
            const T bound = incdtw::detail::lb_kim_hierarchy<T>(w.n, cell, std::numeric_limits<T>::infinity());
            for (T limit : limits_around(bound)) {
                const unsigned bits = incdtw::detail::simd::kim_skips<T, Square, Scaled>(
                    level, w.x.data(), w.off.data(), w.inv.data(), w.q.data(), w.n, limit);
                for (int u = 0; u < lanes; ++u) {
                    INFO("n=", w.n, " lane ", u, " limit ", limit);
                    CHECK(((bits >> u) & 1u) == (scalar(u, limit) ? 1u : 0u));
                }
            }
        }
    }
}

template <class T, bool Square, bool Scaled>
void check_keogh_q(SimdLevel level, std::mt19937& rng) {
    using Tests = incdtw::detail::WindowTests<T, Square ? incdtw::detail::Agg::sq_sum : incdtw::detail::Agg::abs_sum,
                                              Scaled>;
    const int lanes = incdtw::detail::simd::kim_lanes<T>(level);
    for (int round = 0; round < 60; ++round) {
        const Windows<T> w(rng, round, lanes);
        std::vector<index_t> order(static_cast<std::size_t>(w.n));
        for (index_t i = 0; i < w.n; ++i) order[static_cast<std::size_t>(i)] = i;
        std::shuffle(order.begin(), order.end(), rng);
        std::vector<T> lo(order.size()), hi(order.size()), keep(order.size());
        std::normal_distribution<double> nd;
        for (std::size_t k = 0; k < lo.size(); ++k) {
            lo[k] = static_cast<T>(nd(rng));
            hi[k] = lo[k] + static_cast<T>(round % 3 == 0 ? 0.0 : std::abs(nd(rng)));
        }
        const auto sum = [&](int u, T limit) {  // evaluate()'s early sum of window u
            const auto term = [&](index_t k) {
                const T y = w.y(u, order[static_cast<std::size_t>(k)], Scaled);
                const T e = Tests::positive(Tests::gt_max(y - hi[static_cast<std::size_t>(k)], lo[static_cast<std::size_t>(k)] - y));
                return Square ? e * e : e;
            };
            return Tests::early_sum(w.n, limit, term, keep.data());
        };
        const unsigned all = lanes >= 32 ? ~0u : (1u << lanes) - 1u;
        for (int pick = 0; pick < lanes; pick += 3) {
            for (T limit : limits_around(sum(pick, std::numeric_limits<T>::infinity()))) {
                for (unsigned alive : {all, all & 0x5A5Au}) {
                    const unsigned bits = incdtw::detail::simd::keogh_q_skips<T, Square, Scaled>(
                        level, w.x.data(), w.off.data(), w.inv.data(), order.data(), lo.data(), hi.data(), w.n,
                        limit, alive);
                    for (int u = 0; u < lanes; ++u) {
                        INFO("n=", w.n, " lane ", u, " limit ", limit, " alive ", alive);
                        const bool live = ((alive >> u) & 1u) != 0;
                        CHECK(((bits >> u) & 1u) == (live && sum(u, limit) > limit ? 1u : 0u));
                    }
                }
            }
        }
    }
}

}  // namespace

TEST_CASE_TEMPLATE("window bounds: LB_Kim of a vector of windows decides as the scalar hierarchy", T, float, double) {
    std::mt19937 rng(23);
    for (SimdLevel level : vector_levels()) {
        check_kim<T, false, false>(level, rng);
        check_kim<T, false, true>(level, rng);
        check_kim<T, true, false>(level, rng);
        check_kim<T, true, true>(level, rng);
    }
    CHECK(incdtw::detail::simd::kim_lanes<T>(SimdLevel::scalar) == 0);
}

TEST_CASE_TEMPLATE("window bounds: LB_Keogh of a vector of windows decides as the scalar early sum", T, float, double) {
    std::mt19937 rng(29);
    for (SimdLevel level : vector_levels()) {
        check_keogh_q<T, false, false>(level, rng);
        check_keogh_q<T, false, true>(level, rng);
        check_keogh_q<T, true, false>(level, rng);
        check_keogh_q<T, true, true>(level, rng);
    }
}

TEST_CASE("window bounds: a search gives the same results and counter at every level") {
    // The vector bounds decide window by window as the scalar cascade, so even the statuses (the
    // counter) agree, not only dist and the neighbours.
    const LevelGuard guard;
    std::mt19937 rng(31);
    const auto x = random_walk<double>(rng, 30000, 1);
    const auto q = random_walk<double>(rng, 40, 1);
    for (auto scale : {incdtw::WindowScaling::z, incdtw::WindowScaling::zero_one, incdtw::WindowScaling::none}) {
        for (auto method : {incdtw::DistMethod::norm1, incdtw::DistMethod::norm2_square}) {
            incdtw::RundtwOptions opt;
            opt.scale = scale;
            opt.dist_method = method;
            opt.window = 4;
            opt.k = 3;
            incdtw::set_simd_level(SimdLevel::scalar);
            const auto ref = incdtw::rundtw(q.view(), x.view(), opt);
            for (SimdLevel level : vector_levels()) {
                incdtw::set_simd_level(level);
                const auto r = incdtw::rundtw(q.view(), x.view(), opt);
                CHECK(r.knn_indices == ref.knn_indices);
                CHECK(r.knn_values == ref.knn_values);
                CHECK(compare_bits(r.dist[0], ref.dist[0], 0).empty());
                CHECK(r.counter.lb_kim == ref.counter.lb_kim);
                CHECK(r.counter.lb_keogh_q == ref.counter.lb_keogh_q);
                CHECK(r.counter.lb_keogh_c == ref.counter.lb_keogh_c);
                CHECK(r.counter.early_abandon == ref.counter.early_abandon);
                CHECK(r.counter.completed == ref.counter.completed);
            }
        }
    }
}
