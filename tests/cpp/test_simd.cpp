// Tests of incdtw/simd.hpp and the SIMD kernels (detail/simd): every level returns the scalar
// kernel's bits, for one long pair (the stripe kernel, windows, early abandoning, every cost,
// float and double) and for groups of pairs (dtw_dismat, dtw_disvec, dtw_cdist, mixed lengths).
// CMake also runs the whole C++ suite once per level (INCDTW_SIMD).
#include "incdtw/simd.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

#include "check.hpp"
#include "incdtw/collection.hpp"
#include "incdtw/dtw.hpp"
#include "incdtw/dtw_vector.hpp"

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

/// The levels above scalar that this CPU runs.
std::vector<SimdLevel> vector_levels() {
    std::vector<SimdLevel> out;
    for (SimdLevel l : {SimdLevel::avx2, SimdLevel::avx512}) {
        if (l <= incdtw::max_simd_level()) out.push_back(l);
    }
    return out;
}

/// Restores the level on scope exit.
struct LevelGuard {
    SimdLevel saved = incdtw::simd_level();
    ~LevelGuard() { incdtw::set_simd_level(saved); }
};

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
