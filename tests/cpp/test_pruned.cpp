// Tests of incdtw/detail/pruned.hpp (sweep_pruned, EAPruned DTW): its contract is bit-identity with
// the banded sweep of recurrence.hpp (sweep_distance_into) given the same per-row cut-offs, cells
// above row_thr[i] being +inf there; with no cut-off at all it is the plain DTW distance.
#include "incdtw/detail/pruned.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "incdtw/detail/cost.hpp"
#include "incdtw/detail/recurrence.hpp"
#include "check.hpp"
#include "reference.hpp"

using namespace incdtw_test;

namespace {

template <class T>
constexpr T inf_t = std::numeric_limits<T>::infinity();

/// A random pair and a feasible window for it: lengths 1..max_len (unequal too), windows none, 0
/// (equal lengths), |n - m|, random, and wider than the matrix.
struct PrunedCase {
    index_t n = 1, m = 1, dims = 1, window = -1;
    DistMethod method = DistMethod::norm1;
    StepPattern step = StepPattern::symmetric1;
    bool ints = false;
};

PrunedCase random_pruned_case(std::mt19937& rng, index_t max_len) {
    PrunedCase k;
    k.n = random_index(rng, 1, max_len);
    k.m = random_index(rng, 0, 3) == 0 ? k.n : random_index(rng, 1, max_len);  // often square (rundtw)
    k.dims = random_index(rng, 1, 3);
    k.method = static_cast<DistMethod>(random_index(rng, 0, 2));
    k.step = random_index(rng, 0, 1) == 0 ? StepPattern::symmetric1 : StepPattern::symmetric2;
    k.ints = random_index(rng, 0, 2) == 0;  // small integers: exact sums, ties among the steps and the cut-offs
    const index_t diff = std::abs(k.n - k.m);
    switch (random_index(rng, 0, 5)) {
        case 0: k.window = -1; break;
        case 1:
            k.m = k.n;
            k.window = 0;
            break;
        case 2: k.window = diff; break;
        case 3: k.window = diff + random_index(rng, 0, 2); break;  // narrow bands: the most pruning
        case 4: k.window = random_index(rng, diff, std::max(k.n, k.m)); break;
        default: k.window = std::max(k.n, k.m) + random_index(rng, 0, 5); break;
    }
    return k;
}

/// Integer series whose costs are integers too (not the square roots of multivariate norm2):
/// every sum is exact.
bool exact(const PrunedCase& k) {
    return k.ints && !(k.method == DistMethod::norm2 && k.dims > 1);
}

std::string describe(const PrunedCase& k) {
    return "n=" + std::to_string(k.n) + " m=" + std::to_string(k.m) + " dims=" + std::to_string(k.dims) +
           " window=" + std::to_string(k.window) + " method=" + std::to_string(static_cast<int>(k.method)) +
           " step=" + (k.step == StepPattern::symmetric1 ? "symmetric1" : "symmetric2") + (k.ints ? " ints" : " walk");
}

/// Both sweeps of one pair through the library's own cost source (as rundtw calls them).
template <class T>
struct Sweeps {
    const Series<T>& q;
    const Series<T>& c;
    const PrunedCase& k;

    T banded(T threshold, const T* row_thr) const {
        std::vector<T> buf(static_cast<std::size_t>(2 * k.m), T(-7));  // garbage: nothing may read it
        return incdtw::detail::visit_series_cost(q.data.data(), c.data.data(), k.dims, k.method, [&](const auto& cost) {
            return incdtw::detail::sweep_distance_into<T>(k.n, k.m, cost, k.step, k.window,
                                                          static_cast<double>(threshold), buf.data(), row_thr);
        });
    }

    T pruned(T threshold, const T* row_thr) const {
        std::vector<T> buf(static_cast<std::size_t>(2 * k.m), T(-7));
        return incdtw::detail::visit_series_cost(q.data.data(), c.data.data(), k.dims, k.method, [&](const auto& cost) {
            return incdtw::detail::sweep_pruned<T>(k.n, k.m, cost, k.step, k.window, threshold, row_thr, buf.data());
        });
    }

    /// Per row i, the least cost of any cell of row i inside the band: every path visits every
    /// row, paying at least that there (symmetric2's doubled diagonal only adds).
    std::vector<double> row_min_cost() const {
        const incdtw::detail::Band band{k.m, k.window};
        std::vector<double> out(static_cast<std::size_t>(k.n));
        const std::vector<T> cm = ref_cost_matrix(q, c, k.method);
        for (index_t i = 0; i < k.n; ++i) {
            double best = std::numeric_limits<double>::infinity();
            for (index_t j = band.lo(i); j <= band.hi(i); ++j) best = std::min(best, double(cm[idx(i, j, k.m)]));
            out[static_cast<std::size_t>(i)] = best;
        }
        return out;
    }
};

/// Cut-offs that drop only cells which cannot finish at or below `thr` (rundtw's kind): thr minus
/// a lower bound of the cost of the rows still to come, `scale` in [0, 1] of the row minima (0:
/// the cut-off is thr itself in every row).
template <class T>
std::vector<T> valid_cutoffs(const std::vector<double>& row_min, T thr, double scale) {
    const auto n = row_min.size();
    std::vector<T> out(n);
    double rest = 0.0;
    for (std::size_t i = n; i-- > 0;) {
        const T r = static_cast<T>(scale * rest);
        out[i] = r > T(0) ? static_cast<T>(thr - r) : thr;  // float rounding of the difference is no concern:
        rest += row_min[i];                                 // both sweeps get the same cut-offs
    }
    return out;
}

/// Thresholds from far below to above the true distance d (finite, >= 0), with exact ties.
template <class T>
std::vector<T> thresholds_around(std::mt19937& rng, T d) {
    std::uniform_real_distribution<double> u(0.0, 1.0);
    std::vector<T> out{T(0), d, std::nextafter(d, -inf_t<T>), std::nextafter(d, inf_t<T>),
                       static_cast<T>(double(d) * 1e-3), static_cast<T>(double(d) * 0.5),
                       static_cast<T>(double(d) * u(rng)), static_cast<T>(double(d) * 0.999),
                       static_cast<T>(double(d) * 1.001 + 1e-6), static_cast<T>(double(d) * 2 + 1),
                       std::numeric_limits<T>::max()};
    out.erase(std::remove_if(out.begin(), out.end(), [](T t) { return !(t >= T(0)); }), out.end());
    return out;
}

/// The random cases of the cut-off tests: 1500 pairs from `seed` (the first 1000 of lengths up to 12,
/// then up to 60), fn(t, k, sweeps, d, rng) for each, d the banded distance without cut-offs; fn
/// draws its thresholds and cut-offs from the same rng, so the cases follow from the seed alone.
template <class T, class Fn>
void for_pruned_cases(unsigned seed, Fn&& fn) {
    std::mt19937 rng(seed);
    for (int t = 0; t < 1500; ++t) {
        const PrunedCase k = random_pruned_case(rng, t < 1000 ? 12 : 60);
        const Series<T> q = random_series<T>(rng, k.n, k.dims, k.ints);
        const Series<T> c = random_series<T>(rng, k.m, k.dims, k.ints);
        const Sweeps<T> s{q, c, k};
        const T d = s.banded(inf_t<T>, nullptr);
        fn(t, k, s, d, rng);
    }
}

/// INFO-friendly comparison: same bits, reported with both values.
template <class T>
void check_same(T banded, T pruned, const std::string& what) {
    INFO(what, ": banded=", banded, " pruned=", pruned);
    CHECK(same_bits(banded, pruned));
}

}  // namespace

TEST_CASE_TEMPLATE("sweep_pruned: no cut-off gives the plain DTW distance", T, float, double) {
    std::mt19937 rng(20210901u);
    for (int t = 0; t < 600; ++t) {
        const PrunedCase k = random_pruned_case(rng, t < 400 ? 12 : 60);
        const Series<T> q = random_series<T>(rng, k.n, k.dims, k.ints);
        const Series<T> c = random_series<T>(rng, k.m, k.dims, k.ints);
        INFO("case ", t, ": ", describe(k));
        const Sweeps<T> s{q, c, k};
        const T plain = s.banded(inf_t<T>, nullptr);
        REQUIRE(std::isfinite(plain));
        // The reference DTW (full matrix, NaN outside the window) agrees to rounding; integer
        // series are exact.
        const T ref = ref_dtw(q, c, k.method, k.step, k.window).distance;
        if (exact(k)) CHECK(ref == plain);
        CHECK(close(double(ref), double(plain), 1e-5, 1e-6));
        const std::vector<T> none(static_cast<std::size_t>(k.n), inf_t<T>);
        check_same(plain, s.pruned(inf_t<T>, none.data()), "threshold and cut-offs +inf");
        // Cut-offs of +inf under a finite threshold at or above the distance change nothing.
        check_same(plain, s.pruned(plain, none.data()), "threshold = distance");
        check_same(plain, s.pruned(std::numeric_limits<T>::max(), none.data()), "threshold = max");
    }
}

TEST_CASE_TEMPLATE("sweep_pruned: bit-identical to the banded sweep with valid cut-offs", T, float, double) {
    int abandoned = 0, kept = 0;
    for_pruned_cases<T>(31415926u, [&](int t, const PrunedCase& k, const Sweeps<T>& s, T d, std::mt19937& rng) {
        const std::vector<double> row_min = s.row_min_cost();
        for (const T thr : thresholds_around(rng, d)) {
            for (const double scale : {0.0, 0.5, 1.0}) {
                const std::vector<T> cut = valid_cutoffs(row_min, thr, scale);
                INFO("case ", t, ": ", describe(k), " distance=", d, " threshold=", thr, " scale=", scale);
                const T want = s.banded(thr, cut.data());
                const T got = s.pruned(thr, cut.data());
                check_same(want, got, "valid cut-offs");
                // The cut-offs only drop cells above the threshold's share, so the distance is kept
                // when within the threshold (where rounding cannot decide: exact sums, or cut-offs
                // equal to the threshold, which every cell of the path stays below), NaN otherwise.
                if (d <= thr) {
                    if (exact(k) || scale == 0.0) CHECK(same_bits(want, d));
                    ++kept;
                } else {
                    CHECK(std::isnan(want));
                    ++abandoned;
                }
            }
        }
    });
    // The thresholds reach both outcomes often.
    CHECK(abandoned > 1000);
    CHECK(kept > 1000);
}

TEST_CASE_TEMPLATE("sweep_pruned: bit-identical to the banded sweep with arbitrary cut-offs", T, float, double) {
    // Cut-offs that also drop cells a path below the threshold needs (so the result may be NaN or
    // a larger distance): the contract is still the banded sweep's cells with those dropped.
    int n_finite = 0, n_nan = 0;
    for_pruned_cases<T>(27182818u, [&](int t, const PrunedCase& k, const Sweeps<T>& s, T d, std::mt19937& rng) {
        std::uniform_real_distribution<double> u(0.0, 1.0);
        for (int rep = 0; rep < 6; ++rep) {
            const T thr = rep == 0 ? std::numeric_limits<T>::max() : static_cast<T>(double(d) * (0.5 + u(rng)));
            std::vector<T> cut(static_cast<std::size_t>(k.n));
            for (index_t i = 0; i < k.n; ++i) {
                // Around the share of the distance reached by row i, integer-valued for integer
                // series (ties with the cells), sometimes +inf or far below.
                const double share = double(d) * double(i + 1) / double(k.n) * (0.6 + 0.8 * u(rng));
                const int pick = static_cast<int>(random_index(rng, 0, 9));
                T x = static_cast<T>(k.ints ? std::round(share) : share);
                if (pick == 0) x = inf_t<T>;
                if (pick == 1) x = T(0);
                if (pick == 2) x = thr;
                cut[static_cast<std::size_t>(i)] = x;
            }
            INFO("case ", t, ": ", describe(k), " distance=", d, " threshold=", thr, " rep=", rep);
            const T want = s.banded(thr, cut.data());
            check_same(want, s.pruned(thr, cut.data()), "arbitrary cut-offs");
            ++(std::isnan(want) ? n_nan : n_finite);
        }
    });
    CHECK(n_nan > 1000);
    CHECK(n_finite > 500);  // about 800 of the 9000
}

TEST_CASE_TEMPLATE("sweep_pruned: hand examples", T, float, double) {
    // Q = C = [0, 1, 2]: the diagonal costs 0, every other cell costs >= 1.
    const auto q = make_series<T>({0, 1, 2});
    const PrunedCase k{3, 3, 1, -1, DistMethod::norm1, StepPattern::symmetric1, true};
    const Sweeps<T> s{q, q, k};
    const std::vector<T> zero(3, T(0));
    CHECK(s.pruned(T(0), zero.data()) == T(0));  // only the diagonal survives, ties at the cut-off kept
    CHECK(same_bits(s.banded(T(0), zero.data()), T(0)));
    // A negative cut-off in the middle row drops everything there: NaN.
    const std::vector<T> hole{T(0), T(-1), T(0)};
    CHECK(std::isnan(s.pruned(T(10), hole.data())));
    CHECK(std::isnan(s.banded(T(10), hole.data())));
    // Q = [0, 0, 5], C = [0, 5, 5] (symmetric1): the path (0,0) (1,0) (2,1) (2,2) costs 0 and needs
    // the cell (1,0) left of the diagonal; a cut-off of 0 keeps it.
    const auto q2 = make_series<T>({0, 0, 5});
    const auto c2 = make_series<T>({0, 5, 5});
    const Sweeps<T> s2{q2, c2, k};
    CHECK(s2.pruned(T(0), zero.data()) == T(0));
    // The last column is reached only by the horizontal run of row 0: Q = [0], C = [0, 1, 2, 3].
    const auto q3 = make_series<T>({0});
    const auto c3 = make_series<T>({0, 1, 2, 3});
    const PrunedCase k3{1, 4, 1, -1, DistMethod::norm1, StepPattern::symmetric1, true};
    const Sweeps<T> s3{q3, c3, k3};
    const std::vector<T> six{T(6)};
    CHECK(s3.pruned(T(6), six.data()) == T(6));
    const std::vector<T> five{T(5)};
    CHECK(std::isnan(s3.pruned(T(6), five.data())));
    CHECK(std::isnan(s3.pruned(T(5), six.data())));
}
