// Tests of incdtw/detail/search/lb_kim.hpp: the LB_Kim hierarchy never exceeds the DTW distance
// (naive reference, every window, both step patterns, every cost), equals a brute-force ring
// minimum, and abandons only what the full sum also puts above the limit.
#include "incdtw/detail/search/lb_kim.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <limits>
#include <random>

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
