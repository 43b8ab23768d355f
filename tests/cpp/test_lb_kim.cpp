// Tests of incdtw/detail/search/lb_kim.hpp: the LB_Kim hierarchy never exceeds the DTW distance
// (naive reference, every window, both step patterns, every cost), equals a brute-force ring
// minimum, and abandons only what the full sum also puts above the limit; the vector form of the
// search (detail/simd/lb_kim.inl) decides as it for every window, at every SIMD level.
#include "incdtw/detail/search/lb_kim.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <random>
#include <vector>

#include "incdtw/detail/simd/kernels.hpp"
#include "incdtw/simd.hpp"
#include "reference.hpp"

using namespace incdtw_test;

namespace {

/// The bound written from its definition: per ring r < rings of each end, the minimum over the
/// cells with max(i, t) = r (front) and max(n-1-i, n-1-t) = r (back).
template <class T, class Cost>
T brute_rings(index_t n, const Cost& cost) {
    if (n == 1) return cost(0, 0);
    const index_t rings = std::min<index_t>(3, n / 2);
    T sum = 0;
    for (index_t r = 0; r < rings; ++r) {
        T front = std::numeric_limits<T>::infinity(), back = front;
        for (index_t i = 0; i < n; ++i) {
            for (index_t t = 0; t < n; ++t) {
                if (std::max(i, t) == r) front = std::min(front, cost(i, t));
                if (std::max(n - 1 - i, n - 1 - t) == r) back = std::min(back, cost(i, t));
            }
        }
        sum += front + back;
    }
    return sum;
}

}  // namespace

TEST_CASE_TEMPLATE("lb_kim_hierarchy: a lower bound of DTW, equal to the ring minima", T, float, double) {
    std::mt19937 rng(4242u);
    const DistMethod methods[] = {DistMethod::norm1, DistMethod::norm2, DistMethod::norm2_square};
    int tight = 0;
    for (int c = 0; c < 3000; ++c) {
        const index_t n = random_index(rng, 1, 14), d = random_index(rng, 1, 3);
        const bool ints = c % 3 == 0;
        const Series<T> q = random_series<T>(rng, n, d, ints), y = random_series<T>(rng, n, d, ints);
        const DistMethod method = methods[random_index(rng, 0, 2)];
        const auto cost = [&](index_t i, index_t t) {
            return ref_point_cost(q.data.data() + i * d, y.data.data() + t * d, d, method);
        };
        const T lb = incdtw::detail::lb_kim_hierarchy<T>(n, cost, std::numeric_limits<T>::infinity());
        const T brute = brute_rings<T>(n, cost);
        INFO("case ", c, ": n=", n, " d=", d);
        // The same terms, summed in another order.
        CHECK(lb == doctest::Approx(brute).epsilon(1e-5));
        for (const index_t window : {index_t{-1}, index_t{0}, index_t{1}, random_index(rng, 0, n)}) {
            for (const StepPattern step : {StepPattern::symmetric1, StepPattern::symmetric2}) {
                const T dist = ref_dtw(q, y, method, step, window).distance;
                CHECK(lb <= dist * (T(1) + T(1e-5)));
                tight += lb == dist;
            }
        }
        // Early abandoning: a partial sum above the limit, never above it when the full one is not.
        const T limit = lb * static_cast<T>(std::uniform_real_distribution<double>(0.0, 1.5)(rng));
        const T part = incdtw::detail::lb_kim_hierarchy<T>(n, cost, limit);
        CHECK((part > limit) == (lb > limit));
        CHECK(part <= lb);
    }
    CHECK(tight > 100);  // the bound is often the distance itself (short or integer series)
}

TEST_CASE_TEMPLATE("lb_kim_hierarchy: hand examples", T, float, double) {
    // Q = [0, 0, 0, 0, 0, 0], the window y = t: cost |t - 0| of column t. Rings from the front:
    // min 0, min(1, 0, 1) = 0, min(2, 2, 2, 1, 0) = 0; from the back (cells (5,5), (4|5, 4|5), ...):
    // 5, min(5, 4, 4) = 4, min(5, 4, 3, 3, 3) = 3.
    const auto cost = [](index_t, index_t t) { return static_cast<T>(t); };
    CHECK(incdtw::detail::lb_kim_hierarchy<T>(6, cost, T(100)) == T(12));
    // Abandons after the corners (0 + 5 > 4.5) and after the back's first ring (5 + 4 > 8).
    CHECK(incdtw::detail::lb_kim_hierarchy<T>(6, cost, T(4.5)) == T(5));
    CHECK(incdtw::detail::lb_kim_hierarchy<T>(6, cost, T(8)) == T(9));
    // n = 1: the one cell; n = 2, 3: the two corners; n = 4, 5: two rings a side.
    CHECK(incdtw::detail::lb_kim_hierarchy<T>(1, cost, T(100)) == T(0));
    CHECK(incdtw::detail::lb_kim_hierarchy<T>(3, cost, T(100)) == T(2));
    CHECK(incdtw::detail::lb_kim_hierarchy<T>(5, cost, T(100)) == T(4 + 3));
}

namespace {

/// kim_skips (the search's LB_Kim over a vector of consecutive windows) at `level` against the
/// scalar hierarchy's decision for each window, at limits around and exactly at the bounds.
template <class T, bool Square, bool Scaled>
void check_kim_skips(incdtw::SimdLevel level, std::mt19937& rng) {
    const int lanes = incdtw::detail::simd::kim_lanes<T>(level);
    REQUIRE(lanes > 0);
    std::normal_distribution<double> nd;
    for (int round = 0; round < 60; ++round) {
        const index_t n = 6 + static_cast<index_t>(rng() % 40);
        std::vector<T> x(static_cast<std::size_t>(n + lanes)), q(static_cast<std::size_t>(n));
        std::vector<T> off(static_cast<std::size_t>(lanes)), inv(off.size());
        for (auto& v : x) v = static_cast<T>(round % 3 == 0 ? static_cast<double>(rng() % 3) : nd(rng));  // ties too
        for (auto& v : q) v = static_cast<T>(round % 3 == 0 ? static_cast<double>(rng() % 3) : nd(rng));
        for (std::size_t u = 0; u < off.size(); ++u) {
            off[u] = static_cast<T>(0.3 * nd(rng));
            inv[u] = T{1} / static_cast<T>(0.5 + std::abs(nd(rng)));
        }
        const auto scalar = [&](int u, T limit) {  // evaluate()'s cells of window u and its decision
            const auto cell = [&](index_t i, index_t t) {
                T y = x[static_cast<std::size_t>(u + t)];
                if (Scaled) y = (y - off[static_cast<std::size_t>(u)]) * inv[static_cast<std::size_t>(u)];
                const T diff = q[static_cast<std::size_t>(i)] - y, e = diff < 0 ? -diff : diff;
                return Square ? e * e : e;
            };
            return incdtw::detail::lb_kim_hierarchy<T>(n, cell, limit);
        };
        const T inf = std::numeric_limits<T>::infinity();
        for (int pick = 0; pick < lanes; pick += 3) {
            const T bound = scalar(pick, inf);
            for (T limit : {bound, std::nextafter(bound, T{0}), bound * T(0.7), bound * T(1.3), T{0}}) {
                const unsigned bits = incdtw::detail::simd::kim_skips<T, Square, Scaled>(
                    level, x.data(), off.data(), inv.data(), q.data(), n, limit);
                for (int u = 0; u < lanes; ++u) {
                    INFO("n=", n, " lane ", u, " limit ", limit);
                    CHECK(((bits >> u) & 1u) == (scalar(u, limit) > limit ? 1u : 0u));
                }
            }
        }
    }
}

}  // namespace

TEST_CASE_TEMPLATE("lb_kim: the vector of windows decides as the scalar hierarchy, at every level", T, float, double) {
    std::mt19937 rng(23);
    for (incdtw::SimdLevel level : {incdtw::SimdLevel::avx2, incdtw::SimdLevel::avx512}) {
        if (level > incdtw::max_simd_level()) continue;
        check_kim_skips<T, false, false>(level, rng);
        check_kim_skips<T, false, true>(level, rng);
        check_kim_skips<T, true, false>(level, rng);
        check_kim_skips<T, true, true>(level, rng);
    }
    CHECK(incdtw::detail::simd::kim_lanes<T>(incdtw::SimdLevel::scalar) == 0);
}
