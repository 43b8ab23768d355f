// Tests of incdtw/simd.hpp and the SIMD kernels (detail/simd): every level returns the scalar
// kernel's bits, for one long pair (the stripe kernel, windows, early abandoning, every cost,
// float and double), for the search's pruned sweep (sweep_pruned's per-row cut-offs) and for groups
// of pairs (dtw_dismat, dtw_disvec, dtw_cdist, mixed lengths).
// CMake also runs the whole C++ suite once per level (INCDTW_SIMD).
#include "incdtw/simd.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <limits>
#include <stdexcept>
#include <random>
#include <string>
#include <vector>

#include "check.hpp"
#include "levels.hpp"
#include "incdtw/collection.hpp"
#include "incdtw/detail/pruned.hpp"
#include "incdtw/detail/simd/kernels.hpp"
#include "incdtw/dtw.hpp"
#include "incdtw/dtw_vector.hpp"
#include "incdtw/incremental.hpp"

using namespace incdtw_test;
using incdtw::Collection;
using incdtw::CollectionOptions;
using incdtw::DistMethod;
using incdtw::DtwOptions;
using incdtw::index_t;
using incdtw::SeriesView;
using incdtw::SimdLevel;
using incdtw::StepPattern;

namespace {

template <class T>
std::vector<T> random_walk(std::mt19937_64& g, index_t values, bool integers) {
    std::normal_distribution<double> nd;
    std::vector<T> x(static_cast<std::size_t>(values));
    double a = 0;
    for (auto& v : x) v = integers ? static_cast<T>(static_cast<int>(g() % 7) - 3) : static_cast<T>(a += nd(g));
    return x;
}

template <class T>
T distance_at(SimdLevel level, const std::vector<T>& q, index_t n, const std::vector<T>& c, index_t m, index_t d,
              const DtwOptions& o) {
    incdtw::set_simd_level(level);
    return incdtw::dtw_distance(SeriesView<T>{q.data(), n, d}, SeriesView<T>{c.data(), m, d}, o).distance;
}

template <class T>
void check_pairs(int iterations) {
    const LevelGuard guard;
    std::mt19937_64 g(2026);
    for (int it = 0; it < iterations; ++it) {
        const auto n = static_cast<index_t>(1 + g() % 600);
        auto m = static_cast<index_t>(1 + g() % 600);
        if (g() % 4 == 0) m = std::max<index_t>(1, n + static_cast<index_t>(g() % 9) - 4);
        const index_t d = g() % 3 == 0 ? static_cast<index_t>(1 + g() % 3) : 1;
        const bool integers = g() % 4 == 0;
        const auto q = random_walk<T>(g, n * d, integers), c = random_walk<T>(g, m * d, integers);
        DtwOptions o;
        o.step_pattern = g() % 2 ? StepPattern::symmetric1 : StepPattern::symmetric2;
        o.dist_method = static_cast<DistMethod>(g() % 3);
        if (g() % 2) o.window = std::abs(n - m) + static_cast<index_t>(g() % 300);
        const T full = distance_at(SimdLevel::scalar, q, n, c, m, d, o);
        if (g() % 3 == 0 && std::isfinite(full)) o.threshold = static_cast<double>(full) * (0.5 + static_cast<double>(g() % 100) / 100.0);
        const T want = distance_at(SimdLevel::scalar, q, n, c, m, d, o);
        for (SimdLevel level : vector_levels()) {
            const T got = distance_at(level, q, n, c, m, d, o);
            INFO("level ", incdtw::to_string(level), " n=", n, " m=", m, " d=", d, " window=", o.window,
                 " threshold=", o.threshold, " got=", got, " want=", want);
            CHECK(same_bits(got, want));
        }
    }
}

template <class T>
void check_collections(int iterations) {
    const LevelGuard guard;
    std::mt19937_64 g(7);
    for (int it = 0; it < iterations; ++it) {
        const int count = 2 + static_cast<int>(g() % 30);
        const index_t d = g() % 3 == 0 ? static_cast<index_t>(1 + g() % 3) : 1;
        const bool equal = g() % 2;
        const auto base = static_cast<index_t>(5 + g() % 120);
        std::vector<std::vector<T>> data(static_cast<std::size_t>(count));
        Collection<T> lot;
        for (auto& v : data) {
            const index_t len = equal ? base : base + static_cast<index_t>(g() % 4) * 3;
            v = random_walk<T>(g, len * d, false);
            lot.push_back({v.data(), len, d});
        }
        const Collection<T> ys(lot.begin(), lot.begin() + 1 + static_cast<std::ptrdiff_t>(g() % lot.size()));
        CollectionOptions o;
        o.dtw.step_pattern = g() % 2 ? StepPattern::symmetric1 : StepPattern::symmetric2;
        o.normalize = o.dtw.step_pattern == StepPattern::symmetric2 && g() % 2;
        o.dtw.dist_method = static_cast<DistMethod>(g() % 3);
        if (g() % 3 == 0) o.dtw.window = static_cast<index_t>(10 + g() % 40);
        if (g() % 4 == 0) o.dtw.threshold = 30.0 + static_cast<double>(g() % 100);
        o.n_jobs = 1 + static_cast<int>(g() % 2);
        incdtw::set_simd_level(SimdLevel::scalar);
        const auto dismat = incdtw::dtw_dismat(lot, o);
        const auto disvec = incdtw::dtw_disvec(lot[0], lot, o);
        const auto cdist = incdtw::dtw_cdist(lot, ys, o).data;
        for (SimdLevel level : vector_levels()) {
            incdtw::set_simd_level(level);
            INFO("level ", incdtw::to_string(level), " count=", count, " d=", d, " equal=", equal);
            CHECK(compare_bits(incdtw::dtw_dismat(lot, o), dismat, 0).empty());
            CHECK(compare_bits(incdtw::dtw_disvec(lot[0], lot, o), disvec, 0).empty());
            CHECK(compare_bits(incdtw::dtw_cdist(lot, ys, o).data, cdist, 0).empty());
        }
    }
}

/// The search's pruned kernel (PrunedPairSweep) against sweep_pruned with the same per-row
/// cut-offs: fractions of the distance growing along the rows (often below it: abandoned), noisy
/// ones, and none at the end; square pairs as a search compares them.
template <class T>
void check_pruned(int iterations) {
    const LevelGuard guard;
    std::mt19937_64 g(11);
    std::normal_distribution<double> nd;
    int used = 0, finished = 0;
    for (int it = 0; it < iterations; ++it) {
        const auto n = static_cast<index_t>(8 + g() % 400);  // AVX-512 from 288 (double)
        const index_t d = g() % 4 == 0 ? static_cast<index_t>(1 + g() % 3) : 1;
        const bool integers = g() % 4 == 0;
        const auto q = random_walk<T>(g, n * d, integers);
        auto c = random_walk<T>(g, n * d, integers);
        if (g() % 2) {
            for (index_t i = 0; i < n * d; ++i) c[static_cast<std::size_t>(i)] = q[static_cast<std::size_t>(i)] + static_cast<T>(integers ? static_cast<double>(g() % 3) : 0.3 * nd(g));
        }
        const StepPattern step = g() % 2 ? StepPattern::symmetric1 : StepPattern::symmetric2;
        const auto method = static_cast<DistMethod>(g() % 3);
        const index_t window = g() % 3 == 0 ? -1 : static_cast<index_t>(g() % static_cast<std::uint64_t>(n));
        std::vector<T> buf(static_cast<std::size_t>(2 * n));
        const T inf = std::numeric_limits<T>::infinity();
        const auto sweep = [&](T thr, const T* row_thr) {
            return incdtw::detail::visit_series_cost(q.data(), c.data(), d, method, [&](const auto& cost) {
                if (row_thr == nullptr) return incdtw::detail::sweep_distance_into<T>(n, n, cost, step, window, static_cast<double>(thr), buf.data());
                return incdtw::detail::sweep_pruned<T>(n, n, cost, step, window, thr, row_thr, buf.data());
            });
        };
        const T full = sweep(inf, nullptr);
        const double f = 0.3 + 1.2 * static_cast<double>(g() % 1000) / 1000.0;
        std::vector<T> row_thr(static_cast<std::size_t>(n));
        for (index_t i = 0; i < n; ++i) {
            const double noise = g() % 4 == 0 ? nd(g) : 0.0;
            row_thr[static_cast<std::size_t>(i)] = static_cast<T>(f * static_cast<double>(full) * (0.2 + 0.8 * static_cast<double>(i + 1) / static_cast<double>(n)) + noise);
        }
        const T thr = g() % 3 == 0 ? static_cast<T>(f * static_cast<double>(full)) : std::numeric_limits<T>::max();
        incdtw::set_simd_level(SimdLevel::scalar);
        const T want = sweep(thr, row_thr.data());
        for (SimdLevel level : vector_levels()) {
            incdtw::set_simd_level(level);
            incdtw::detail::simd::PrunedPairSweep<T> kernel(n, q.data(), d, step, method, window);
            T got{};
            if (!kernel.usable() || !kernel.distance(c.data(), thr, row_thr.data(), got)) continue;
            ++used;
            finished += got == got;
            INFO("level ", incdtw::to_string(level), " n=", n, " d=", d, " window=", window, " f=", f, " got=", got,
                 " want=", want, " full=", full);
            CHECK(same_bits(got, want));
        }
    }
    if (!vector_levels().empty()) {  // the kernel ran, and both finished and abandoned
        CHECK(used > iterations / 4);
        CHECK(finished > used / 10);
        CHECK(finished < used);
    }
}

}  // namespace

TEST_CASE("simd: levels are capped at the CPU's and parsed from IncDTW-style names") {
    const LevelGuard guard;
    CHECK(incdtw::set_simd_level(SimdLevel::scalar) == SimdLevel::scalar);
    CHECK(incdtw::simd_level() == SimdLevel::scalar);
    CHECK(incdtw::set_simd_level(SimdLevel::avx512) == incdtw::max_simd_level());
    CHECK(incdtw::simd_level_from_string("avx2") == SimdLevel::avx2);
    CHECK(incdtw::simd_level_from_string("sse2") == SimdLevel::scalar);
    CHECK(std::string(incdtw::to_string(SimdLevel::avx512)) == "avx512");
    CHECK_THROWS_AS(incdtw::simd_level_from_string("avx"), std::invalid_argument);
}

TEST_CASE("simd: one pair, every level gives the scalar bits (double)") { check_pairs<double>(150); }
TEST_CASE("simd: one pair, every level gives the scalar bits (float)") { check_pairs<float>(150); }
TEST_CASE("simd: the search's pruned sweep, every level gives sweep_pruned's bits (double)") { check_pruned<double>(300); }
TEST_CASE("simd: the search's pruned sweep, every level gives sweep_pruned's bits (float)") { check_pruned<float>(300); }
TEST_CASE("simd: collections, every level gives the scalar bits (double)") { check_collections<double>(60); }
TEST_CASE("simd: collections, every level gives the scalar bits (float)") { check_collections<float>(60); }

TEST_CASE("simd: a long pair with the kernel against the reference DTW") {
    const LevelGuard guard;
    std::mt19937_64 g(11);
    const auto q = random_walk<double>(g, 500, false), c = random_walk<double>(g, 470, false);
    for (const StepPattern step : {StepPattern::symmetric1, StepPattern::symmetric2}) {
        const auto ref = ref_dtw(make_series(q), make_series(c), DistMethod::norm1, step, -1);
        for (SimdLevel level : vector_levels()) {
            DtwOptions o;
            o.step_pattern = step;
            CHECK(close(distance_at(level, q, 500, c, 470, 1, o), ref.distance, 1e-12));
        }
    }
}

TEST_CASE("simd: dtw's gcm, direction matrix and path at every level equal the scalar sweep's") {
    const LevelGuard guard;
    std::mt19937_64 g(99);
    for (int it = 0; it < 120; ++it) {
        const auto n = static_cast<index_t>(1 + g() % 400);
        const index_t m = std::max<index_t>(1, n + static_cast<index_t>(g() % 200) - 100);
        const index_t d = g() % 3 == 0 ? 2 : 1;
        const bool integers = g() % 3 == 0;
        const auto q = random_walk<double>(g, n * d, integers), c = random_walk<double>(g, m * d, integers);
        DtwOptions o;
        o.step_pattern = g() % 2 ? StepPattern::symmetric1 : StepPattern::symmetric2;
        o.dist_method = static_cast<DistMethod>(g() % 3);
        if (g() % 2) o.window = std::abs(n - m) + static_cast<index_t>(g() % 150);
        o.return_gcm = g() % 2;
        o.return_path = true;
        const SeriesView<double> qv{q.data(), n, d}, cv{c.data(), m, d};
        incdtw::set_simd_level(SimdLevel::scalar);
        const auto want = incdtw::dtw(qv, cv, o);
        for (SimdLevel level : vector_levels()) {
            incdtw::set_simd_level(level);
            const auto got = incdtw::dtw(qv, cv, o);
            INFO("level ", incdtw::to_string(level), " n=", n, " m=", m, " d=", d, " window=", o.window);
            CHECK(same_bits(got.distance, want.distance));
            CHECK(compare_ints(got.dm.data, want.dm.data, m).empty());
            CHECK(compare_ints(got.path.ii, want.path.ii).empty());
            CHECK(compare_ints(got.path.jj, want.path.jj).empty());
            CHECK(compare_bits(got.gcm.data, want.gcm.data, m).empty());
        }
    }
}

namespace {

/// Series whose cumulative costs overflow to +inf: values +-big and big / 4, so that the first row
/// and column reach +inf after some fifty cells (`fast`: costs that are +inf themselves), and +inf
/// ties +inf everywhere beyond. The first observation is big in both series, so c(0, 0) = 0 is
/// finite and the vector kernels apply. (norm2 of two dimensions squares: its costs are 0 or +inf.)
template <class T>
std::vector<T> overflowing(std::mt19937_64& g, index_t n, index_t d, DistMethod method, bool fast) {
    const double max = static_cast<double>(std::numeric_limits<T>::max());
    const bool squares = method == DistMethod::norm2_square;
    // the largest cost, (2 big)^2 or 2 big: about max / 20, or +inf when fast
    const T big = static_cast<T>(fast ? (squares ? std::sqrt(max) : max) / 1.5 : squares ? std::sqrt(max) / 9 : max / 40);
    std::vector<T> x(static_cast<std::size_t>(n * d));
    for (auto& v : x) {
        const auto k = g() % 3;
        v = k == 0 ? big : k == 1 ? -big : big / 4;
    }
    for (index_t l = 0; l < d; ++l) x[static_cast<std::size_t>(l)] = big;
    return x;
}

/// A direction matrix that every cut can be backtracked in: row 0 only horizontal, column 0 only
/// vertical steps inside the window, and dec_dm succeeds for every cut whose end is in the window.
std::string dm_defect(const incdtw::Matrix<std::int8_t>& dm, index_t window) {
    const index_t n = dm.rows, m = dm.cols;
    const auto inside = [window](index_t i, index_t j) { return window < 0 || std::abs(i - j) <= window; };
    if (dm(0, 0) != 0) return "dm(0, 0) = " + std::to_string(int{dm(0, 0)});
    for (index_t j = 1; j < m; ++j) {
        if (inside(0, j) && dm(0, j) != 2) return "dm(0, " + std::to_string(j) + ") = " + std::to_string(int{dm(0, j)});
    }
    for (index_t i = 1; i < n; ++i) {
        if (inside(i, 0) && dm(i, 0) != 3) return "dm(" + std::to_string(i) + ", 0) = " + std::to_string(int{dm(i, 0)});
    }
    for (index_t cut = 0; cut < m; ++cut) {
        if (!inside(n - 1, m - 1 - cut)) continue;
        try {
            (void)incdtw::dec_dm(dm.view(), cut);
        } catch (const std::invalid_argument& e) {
            return "dec_dm(" + std::to_string(cut) + "): " + e.what();
        }
    }
    return {};
}

template <class T>
void check_overflowing_pairs() {
    const LevelGuard guard;
    std::mt19937_64 g(1000003);
    int overflowed = 0;
    for (const StepPattern step : {StepPattern::symmetric1, StepPattern::symmetric2}) {
        for (const DistMethod method : {DistMethod::norm1, DistMethod::norm2, DistMethod::norm2_square}) {
            for (const index_t d : {index_t{1}, index_t{2}}) {
                for (const bool windowed : {false, true}) {
                    for (const bool fast : {false, true}) {
                        // several stripes at every level (H <= 144 rows), not a multiple of any H
                        const auto n = static_cast<index_t>(400 + g() % 120);
                        const auto m = static_cast<index_t>(400 + g() % 120);
                        const auto q = overflowing<T>(g, n, d, method, fast), c = overflowing<T>(g, m, d, method, fast);
                        DtwOptions o;
                        o.step_pattern = step;
                        o.dist_method = method;
                        o.window = windowed ? std::abs(n - m) + 100 : -1;
                        o.return_gcm = true;
                        o.return_direction = true;
                        o.return_path = true;
                        const SeriesView<T> qv{q.data(), n, d}, cv{c.data(), m, d};
                        incdtw::set_simd_level(SimdLevel::scalar);
                        const auto want = incdtw::dtw(qv, cv, o);
                        const T want_vec = incdtw::dtw_distance(qv, cv, o).distance;
                        INFO("step=", static_cast<int>(step), " method=", static_cast<int>(method), " d=", d,
                             " n=", n, " m=", m, " window=", o.window, " fast=", fast);
                        CHECK(std::isinf(want.distance));
                        const index_t last_j = windowed ? std::min(m - 1, o.window) : m - 1;
                        const index_t last_i = windowed ? std::min(n - 1, o.window) : n - 1;
                        overflowed += std::isinf(want.gcm(0, last_j)) && std::isinf(want.gcm(last_i, 0)) ? 1 : 0;
                        CHECK(dm_defect(want.dm, o.window) == "");
                        for (SimdLevel level : vector_levels()) {
                            incdtw::set_simd_level(level);
                            const auto got = incdtw::dtw(qv, cv, o);
                            INFO("level ", std::string(incdtw::to_string(level)));
                            CHECK(same_bits(got.distance, want.distance));
                            CHECK(same_bits(incdtw::dtw_distance(qv, cv, o).distance, want_vec));
                            CHECK(compare_ints(got.dm.data, want.dm.data, m) == "");
                            CHECK(compare_bits(got.gcm.data, want.gcm.data, m) == "");
                            CHECK(compare_ints(got.path.ii, want.path.ii) == "");
                            CHECK(compare_ints(got.path.jj, want.path.jj) == "");
                            CHECK(compare_ints(got.path.wp, want.path.wp) == "");
                            CHECK(dm_defect(got.dm, o.window) == "");
                        }
                    }
                }
            }
        }
    }
    CHECK(overflowed == 48);  // row 0 and column 0 end in +inf: the edge ties are exercised
}

}  // namespace

TEST_CASE("simd: costs that overflow to inf, every level gives the scalar gcm, dm and path (double)") {
    check_overflowing_pairs<double>();
}
TEST_CASE("simd: costs that overflow to inf, every level gives the scalar gcm, dm and path (float)") {
    check_overflowing_pairs<float>();
}

TEST_CASE("simd: INCDTW_SIMD caps the level of the whole run") {
    // CTest runs this binary with INCDTW_SIMD=scalar and =avx2 besides the default.
    const char* env = std::getenv("INCDTW_SIMD");
    if (env != nullptr && *env != '\0') {
        const SimdLevel cap = incdtw::simd_level_from_string(env);
        CHECK(incdtw::simd_level() == std::min(cap, incdtw::max_simd_level()));
    } else {
        CHECK(incdtw::simd_level() == incdtw::max_simd_level());
    }
}
