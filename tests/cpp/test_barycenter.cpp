// Tests of incdtw/barycenter.hpp: dba against a naive DBA written from IncDTW's algorithm
// (API.md 8), medoid against brute-force column sums, centroid = medoid of dtw_dismat.
#include "incdtw/barycenter.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "check.hpp"
#include "incdtw/collection.hpp"
#include "incdtw/dtw.hpp"
#include "incdtw/dtw_vector.hpp"
#include "reference.hpp"

using namespace incdtw_test;
using incdtw::Collection;
using incdtw::CollectionOptions;
using incdtw::DbaOptions;
using incdtw::DbaResult;
using incdtw::DtwOptions;
using incdtw::IterDist;
using incdtw::Matrix;

namespace {

constexpr double nan_d = std::numeric_limits<double>::quiet_NaN();
constexpr double inf = std::numeric_limits<double>::infinity();

const char* iter_dist_name(IterDist how) {
    const char* names[] = {"dtw_norm1", "dtw_norm2", "norm1", "norm2", "max", "min"};
    return names[static_cast<int>(how)];
}

/// What a naive DBA returns; barycenters row-major (n x d).
template <class T>
struct NaiveDba {
    std::vector<std::vector<T>> iterations;
    std::vector<std::vector<T>> dist, norm;
    std::vector<T> m2m;
};

/// IncDTW's iter_dist_foo: the dtw_* variants are dtw2vec's normalized distance (symmetric2); norm1
/// and norm2 are divided by ncol * 2 * nrow; computed here in double (R) and rounded to T.
template <class T>
T naive_iter_dist(const std::vector<T>& a, const std::vector<T>& b, index_t n, index_t d, IterDist how) {
    if (how == IterDist::dtw_norm1 || how == IterDist::dtw_norm2) {
        DtwOptions o;
        o.step_pattern = StepPattern::symmetric2;
        o.dist_method = how == IterDist::dtw_norm1 ? DistMethod::norm1 : DistMethod::norm2;
        return incdtw::dtw_distance(incdtw::SeriesView<T>{a.data(), n, d}, incdtw::SeriesView<T>{b.data(), n, d}, o)
            .normalized_distance;
    }
    double acc = how == IterDist::min ? inf : 0.0;
    for (std::size_t k = 0; k < a.size(); ++k) {
        const double e = std::abs(static_cast<double>(a[k]) - static_cast<double>(b[k]));
        if (how == IterDist::norm1) acc += e;
        if (how == IterDist::norm2) acc += e * e;
        if (how == IterDist::max) acc = std::max(acc, e);
        if (how == IterDist::min) acc = std::min(acc, e);
    }
    const double scale = static_cast<double>(d) * 2.0 * static_cast<double>(n);
    if (how == IterDist::norm1) return static_cast<T>(acc / scale);
    if (how == IterDist::norm2) return static_cast<T>(std::sqrt(acc) / scale);
    return static_cast<T>(acc);
}

/// IncDTW's dba loop, literally: align m1 to each series (dtw with the warping path), then row i of
/// m2 is colMeans (long double sum, as R) of the stack [rows of every series aligned to row i, in
/// list order along the path; m1's row i]; break before storing when the change is below eps.
template <class T>
NaiveDba<T> naive_dba(const std::vector<Series<T>>& lot, const Series<T>& m0, const DtwOptions& dtw, index_t iter_max,
                      double eps, IterDist how) {
    const index_t n = m0.length, d = m0.dims;
    NaiveDba<T> r;
    std::vector<T> m1 = m0.data;
    r.iterations.push_back(m1);
    DtwOptions align = dtw;
    align.return_path = true;
    for (index_t iter = 0; iter < iter_max; ++iter) {
        const incdtw::SeriesView<T> bary{m1.data(), n, d};
        std::vector<incdtw::DtwResult<T>> res;
        for (const Series<T>& c : lot) res.push_back(incdtw::dtw(bary, c.view(), align));
        std::vector<T> m2(m1.size());
        for (index_t i = 0; i < n; ++i) {
            std::vector<const T*> stack;
            for (std::size_t j = 0; j < lot.size(); ++j) {
                const incdtw::WarpingPath& p = res[j].path;
                for (std::size_t k = 0; k < p.ii.size(); ++k) {
                    if (p.ii[k] == i) stack.push_back(lot[j].data.data() + p.jj[k] * d);
                }
            }
            stack.push_back(m1.data() + i * d);
            for (index_t l = 0; l < d; ++l) {
                long double sum = 0.0L;
                for (const T* row : stack) sum += row[l];
                m2[idx(i, l, d)] = static_cast<T>(sum / static_cast<long double>(stack.size()));
            }
        }
        const T change = naive_iter_dist(m1, m2, n, d, how);
        if (!std::isnan(eps) && change < eps) break;
        std::vector<T> dist, norm;
        for (const auto& x : res) {
            dist.push_back(x.distance);
            norm.push_back(x.normalized_distance);
        }
        r.dist.push_back(dist);
        r.norm.push_back(norm);
        r.m2m.push_back(change);
        r.iterations.push_back(m2);
        m1 = m2;
    }
    return r;
}

template <class T>
void check_against_naive(const DbaResult<T>& got, const NaiveDba<T>& want, const std::vector<Series<T>>& lot,
                         const DbaOptions& opt, index_t n, index_t d) {
    REQUIRE(got.iterations.size() == want.iterations.size());
    const std::size_t stored = want.iterations.size() - 1;
    REQUIRE(got.dist_m2lot.size() == stored);
    REQUIRE(got.dist_m2lot_norm.size() == stored);
    REQUIRE(got.dist_m2m.size() == stored);
    for (std::size_t it = 0; it < want.iterations.size(); ++it) {
        INFO("iteration ", it);
        CHECK(got.iterations[it].rows == n);
        CHECK(got.iterations[it].cols == d);
        INCDTW_CHECK_SAME(compare_bits(got.iterations[it].data, want.iterations[it], d));
    }
    INCDTW_CHECK_SAME(compare_bits(got.m1().data, want.iterations.back(), d));
    for (std::size_t it = 0; it < stored; ++it) {
        INFO("iteration ", it);
        REQUIRE(got.dist_m2lot[it].size() == lot.size());
        REQUIRE(got.dist_m2lot_norm[it].size() == lot.size());
        INCDTW_CHECK_SAME(compare_bits(got.dist_m2lot[it], want.dist[it], 0));
        INCDTW_CHECK_SAME(compare_bits(got.dist_m2lot_norm[it], want.norm[it], 0));
        // The distances are those of the barycenter aligned in that iteration (iterations[it]).
        const incdtw::SeriesView<T> bary{got.iterations[it].data.data(), n, d};
        for (std::size_t j = 0; j < lot.size(); ++j) {
            const incdtw::DistanceResult<T> r = incdtw::dtw_distance(bary, lot[j].view(), opt.dtw);
            CHECK(same_bits(got.dist_m2lot[it][j], r.distance));
            CHECK(same_bits(got.dist_m2lot_norm[it][j], r.normalized_distance));
        }
        if (opt.iter_dist == IterDist::norm1 || opt.iter_dist == IterDist::norm2) {
            // long double in incdtw, double in R: a few ulps apart at most.
            CHECK(close(static_cast<double>(got.dist_m2m[it]), static_cast<double>(want.m2m[it]),
                        same_precision_rel<T>));
        } else {
            CHECK(same_bits(got.dist_m2m[it], want.m2m[it]));
        }
    }
}

template <class T>
void check_same_result(const DbaResult<T>& a, const DbaResult<T>& b) {
    REQUIRE(a.iterations.size() == b.iterations.size());
    REQUIRE(a.dist_m2lot.size() == b.dist_m2lot.size());
    for (std::size_t it = 0; it < a.iterations.size(); ++it) {
        INCDTW_CHECK_SAME(compare_bits(a.iterations[it].data, b.iterations[it].data, a.iterations[it].cols));
    }
    for (std::size_t it = 0; it < a.dist_m2lot.size(); ++it) {
        INCDTW_CHECK_SAME(compare_bits(a.dist_m2lot[it], b.dist_m2lot[it], 0));
        INCDTW_CHECK_SAME(compare_bits(a.dist_m2lot_norm[it], b.dist_m2lot_norm[it], 0));
    }
    INCDTW_CHECK_SAME(compare_bits(a.dist_m2m, b.dist_m2m, 0));
}

template <class T>
struct DbaCase {
    std::vector<Series<T>> lot;
    Series<T> m0;
    DbaOptions opt;

    std::string str() const {
        std::ostringstream os;
        const char* names[] = {"norm1", "norm2", "norm2_square"};
        os << "N=" << lot.size() << " dims=" << m0.dims << " n0=" << m0.length << " lengths=";
        for (const Series<T>& s : lot) os << s.length << " ";
        os << "method=" << names[static_cast<int>(opt.dtw.dist_method)]
           << " step=" << (opt.dtw.step_pattern == StepPattern::symmetric1 ? "symmetric1" : "symmetric2")
           << " window=" << opt.dtw.window << " iter_max=" << opt.iter_max
           << " iter_dist=" << iter_dist_name(opt.iter_dist) << " eps=" << opt.eps;
        return os.str();
    }
};

/// 1 to 6 series of 1 to 20 observations, m0 a member of the collection (IncDTW's default, the
/// centroid) or an unrelated series, a feasible window, any step, cost and iteration distance.
template <class T>
DbaCase<T> random_dba_case(std::mt19937& rng, bool ints) {
    DbaCase<T> k;
    const index_t dims = random_index(rng, 1, 3);
    k.lot = random_collection<T>(rng, random_index(rng, 1, 6), 1, 20, dims, ints);
    k.m0 = random_index(rng, 0, 1) == 0
               ? k.lot[static_cast<std::size_t>(random_index(rng, 0, static_cast<index_t>(k.lot.size()) - 1))]
               : random_series<T>(rng, random_index(rng, 1, 20), dims, ints);
    index_t spread = 0;
    for (const Series<T>& s : k.lot) spread = std::max(spread, std::abs(s.length - k.m0.length));
    k.opt.dtw.window = random_window(rng, spread);
    k.opt.dtw.dist_method = static_cast<DistMethod>(random_index(rng, 0, 2));
    k.opt.dtw.step_pattern = random_index(rng, 0, 1) == 0 ? StepPattern::symmetric1 : StepPattern::symmetric2;
    k.opt.iter_dist = static_cast<IterDist>(random_index(rng, 0, 5));
    k.opt.iter_max = random_index(rng, 1, 6);
    return k;
}

template <class T>
DbaResult<T> run_dba(const DbaCase<T>& k, int jobs) {
    DbaOptions opt = k.opt;
    opt.n_jobs = jobs;
    return incdtw::dba(views_of(k.lot), k.m0.view(), opt);
}

}  // namespace

// ---- dba ---------------------------------------------------------------------------------------

TEST_CASE_TEMPLATE("dba: hand example, one iteration", T, float, double) {
    // m0 = (0, 3) against C = (0, 0, 6), symmetric2 / norm1: path (0,0) (0,1) (1,2) (the tie of
    // G[1,2] goes to the diagonal), distance 6. Row 0 = mean(0, 0; 0) = 0, row 1 = mean(6; 3) = 4.5.
    const std::vector<Series<T>> lot{make_series<T>({0, 0, 6})};
    const auto m0 = make_series<T>({0, 3});
    DbaOptions opt;
    opt.iter_max = 1;
    const struct {
        IterDist how;
        T change;
    } expected[] = {{IterDist::dtw_norm1, T(0.75)}, {IterDist::dtw_norm2, T(0.75)}, {IterDist::norm1, T(0.375)},
                    {IterDist::norm2, T(0.375)},    {IterDist::max, T(1.5)},        {IterDist::min, T(0)}};
    for (const auto& e : expected) {
        INFO(iter_dist_name(e.how));
        opt.iter_dist = e.how;
        const DbaResult<T> r = incdtw::dba(views_of(lot), m0.view(), opt);
        REQUIRE(r.iterations.size() == 2);
        CHECK(r.iterations[0].data == m0.data);
        CHECK(r.iterations[1].data == std::vector<T>{T(0), T(4.5)});
        CHECK(r.m1().data == std::vector<T>{T(0), T(4.5)});
        REQUIRE(r.dist_m2lot.size() == 1);
        CHECK(r.dist_m2lot[0] == std::vector<T>{T(6)});
        CHECK(r.dist_m2lot_norm[0] == std::vector<T>{T(6) / T(5)});
        CHECK(r.dist_m2m == std::vector<T>{e.change});
    }
    // symmetric1: normalized distances are NaN.
    opt.dtw.step_pattern = StepPattern::symmetric1;
    const DbaResult<T> s1 = incdtw::dba(views_of(lot), m0.view(), opt);
    REQUIRE(s1.dist_m2lot_norm.size() == 1);
    CHECK(std::isnan(s1.dist_m2lot_norm[0][0]));
}

TEST_CASE_TEMPLATE("dba: a fixed point stops at once with eps", T, float, double) {
    // m0 = (1, 3) between (0, 2) and (2, 4): both paths diagonal, every row mean equals m0.
    const std::vector<Series<T>> lot{make_series<T>({0, 2}), make_series<T>({2, 4})};
    const auto m0 = make_series<T>({1, 3});
    DbaOptions opt;
    opt.iter_max = 3;
    DbaResult<T> r = incdtw::dba(views_of(lot), m0.view(), opt);
    REQUIRE(r.iterations.size() == 4);
    for (const Matrix<T>& it : r.iterations) CHECK(it.data == m0.data);
    CHECK(r.dist_m2m == std::vector<T>{0, 0, 0});
    CHECK(r.dist_m2lot[2] == std::vector<T>{3, 3});
    opt.eps = 1e-300;
    r = incdtw::dba(views_of(lot), m0.view(), opt);
    CHECK(r.iterations.size() == 1);
    CHECK(r.dist_m2lot.empty());
    CHECK(r.dist_m2lot_norm.empty());
    CHECK(r.dist_m2m.empty());
    CHECK(r.m1().data == m0.data);
}

TEST_CASE_TEMPLATE("dba: random cases against the naive algorithm, identical for every n_jobs", T, float, double) {
    std::mt19937 rng(8080u);
    for (int t = 0; t < 120; ++t) {
        const DbaCase<T> k = random_dba_case<T>(rng, t % 4 == 0);
        INFO("case ", t, ": ", k.str());
        const NaiveDba<T> want = naive_dba(k.lot, k.m0, k.opt.dtw, k.opt.iter_max, nan_d, k.opt.iter_dist);
        const DbaResult<T> got = run_dba(k, 1);
        CHECK(got.iterations.size() == static_cast<std::size_t>(k.opt.iter_max) + 1);  // eps NaN: never stops
        check_against_naive(got, want, k.lot, k.opt, k.m0.length, k.m0.dims);
        if (t % 4 == 0) {  // a parallel run in every fourth case (see jobs_for in test_collection.cpp)
            const int jobs = t % 8 == 0 ? 2 : -1;
            INFO("n_jobs=", jobs);
            check_same_result(run_dba(k, jobs), got);
        }
    }
}

TEST_CASE_TEMPLATE("dba: a large collection, identical for every n_jobs", T, float, double) {
    // Small jobs run on one thread whatever n_jobs says (detail::threads_for, below about 4e6 cells):
    // m0 of 100 observations against 50 series of 900 to 1000 is at least 4.5e6 cells an iteration.
    std::mt19937 rng(4711u);
    DbaCase<T> k;
    k.lot = random_collection<T>(rng, 50, 900, 1000, 2, false);
    k.m0 = random_walk<T>(rng, 100, 2);
    k.opt.iter_max = 2;
    k.opt.dtw.dist_method = DistMethod::norm2;
    const DbaResult<T> serial = run_dba(k, 1);
    CHECK(serial.iterations.size() == 3);
    for (const int jobs : {2, 3, 4, 16, -1}) {
        INFO("n_jobs=", jobs);
        check_same_result(run_dba(k, jobs), serial);
    }
    check_against_naive(serial, naive_dba(k.lot, k.m0, k.opt.dtw, k.opt.iter_max, nan_d, k.opt.iter_dist), k.lot,
                        k.opt, k.m0.length, k.m0.dims);
}

TEST_CASE_TEMPLATE("dba: eps stops before storing the iteration whose change is below it", T, float, double) {
    std::mt19937 rng(1717u);
    int stopped_early = 0;
    for (int t = 0; t < 60; ++t) {
        DbaCase<T> k = random_dba_case<T>(rng, t % 4 == 0);
        k.opt.iter_max = 8;
        INFO("case ", t, ": ", k.str());
        const DbaResult<T> all = run_dba(k, 1);
        const std::vector<T>& change = all.dist_m2m;
        REQUIRE(change.size() == 8);

        // eps between the first change that is below all earlier ones and the smallest earlier one.
        std::size_t stop = 0;
        double eps = static_cast<double>(change[0]) * 2.0 + 1.0;  // stop at once
        double lowest = static_cast<double>(change[0]);
        for (std::size_t i = 1; i < change.size(); ++i) {
            const double c = static_cast<double>(change[i]);
            if (c < lowest * (1 - 1e-3)) {
                stop = i;
                eps = (c + lowest) / 2;
                break;
            }
            lowest = std::min(lowest, c);
        }
        if (t % 5 == 0) {
            stop = 0;
            eps = inf;
        }
        k.opt.eps = eps;
        INFO("eps=", eps, " expected stop after ", stop, " stored iterations");
        const DbaResult<T> got = run_dba(k, t % 4 == 0 ? 2 : 1);
        REQUIRE(got.iterations.size() == stop + 1);
        stopped_early += stop > 0;
        for (std::size_t it = 0; it <= stop; ++it) {
            INCDTW_CHECK_SAME(compare_bits(got.iterations[it].data, all.iterations[it].data, k.m0.dims));
        }
        REQUIRE(got.dist_m2m.size() == stop);
        REQUIRE(got.dist_m2lot.size() == stop);
        REQUIRE(got.dist_m2lot_norm.size() == stop);
        for (std::size_t it = 0; it < stop; ++it) {
            CHECK(same_bits(got.dist_m2m[it], all.dist_m2m[it]));
            INCDTW_CHECK_SAME(compare_bits(got.dist_m2lot[it], all.dist_m2lot[it], 0));
        }
        const NaiveDba<T> want = naive_dba(k.lot, k.m0, k.opt.dtw, k.opt.iter_max, eps, k.opt.iter_dist);
        check_against_naive(got, want, k.lot, k.opt, k.m0.length, k.m0.dims);

        // eps 0 or below never stops (changes are >= 0).
        for (const double never : {0.0, -1.0}) {
            k.opt.eps = never;
            CHECK(run_dba(k, 1).iterations.size() == 9);
        }
    }
    CHECK(stopped_early > 10);
}

TEST_CASE_TEMPLATE("dba: errors", T, float, double) {
    const std::vector<Series<T>> lot{make_series<T>({1, 2, 3}), make_series<T>({2, 3, 4, 5})};
    const Collection<T> views = views_of(lot);
    const auto m0 = make_series<T>({1, 2, 3});
    DbaOptions opt;
    CHECK_NOTHROW(incdtw::dba(views, m0.view(), opt));
    for (const index_t bad : {index_t{0}, index_t{-1}}) {
        opt.iter_max = bad;
        CHECK_THROWS_WITH_AS(incdtw::dba(views, m0.view(), opt), doctest::Contains("iterMax"), std::invalid_argument);
    }
    opt = DbaOptions{};
    // Dimensions of the series against m0's.
    const auto m0_2d = make_series<T>({1, 2, 3, 4, 5, 6}, 2);
    CHECK_THROWS_WITH_AS(incdtw::dba(views, m0_2d.view(), opt), doctest::Contains("lot[0] has 1 dimensions"),
                         std::invalid_argument);
    Collection<T> bad = views;
    bad[1] = m0_2d.view();
    CHECK_THROWS_WITH_AS(incdtw::dba(bad, m0.view(), opt), doctest::Contains("lot[1] has 2 dimensions"),
                         std::invalid_argument);
    // Infeasible window: m0 (3) against lot[1] (4).
    opt.dtw.window = 0;
    CHECK_THROWS_WITH_AS(incdtw::dba(views, m0.view(), opt), doctest::Contains("lot[1] (length 4)"),
                         std::invalid_argument);
    opt.dtw.window = 1;
    CHECK_NOTHROW(incdtw::dba(views, m0.view(), opt));
    opt.dtw.window = -2;
    CHECK_THROWS_AS(incdtw::dba(views, m0.view(), opt), std::invalid_argument);
    opt = DbaOptions{};
    // Empty and non-finite input.
    CHECK_THROWS_WITH_AS(incdtw::dba(Collection<T>{}, m0.view(), opt), doctest::Contains("at least one"),
                         std::invalid_argument);
    CHECK_THROWS_AS(incdtw::dba(views, incdtw::SeriesView<T>{nullptr, 0, 1}, opt), std::length_error);
    Series<T> m0_nan = m0;
    m0_nan.data[1] = std::numeric_limits<T>::quiet_NaN();
    CHECK_THROWS_WITH_AS(incdtw::dba(views, m0_nan.view(), opt), doctest::Contains("m0 contains a non-finite"),
                         std::invalid_argument);
    Series<T> c_inf = lot[1];
    c_inf.data[3] = std::numeric_limits<T>::infinity();
    bad = views;
    bad[1] = c_inf.view();
    CHECK_THROWS_WITH_AS(incdtw::dba(bad, m0.view(), opt), doctest::Contains("lot[1] contains a non-finite"),
                         std::invalid_argument);
    for (const int jobs : {0, -2}) {
        opt.n_jobs = jobs;
        CHECK_THROWS_WITH_AS(incdtw::dba(views, m0.view(), opt), doctest::Contains("n_jobs"), std::invalid_argument);
    }
}

TEST_CASE("iter_dist_from_string") {
    CHECK(incdtw::iter_dist_from_string("dtw_norm1") == IterDist::dtw_norm1);
    CHECK(incdtw::iter_dist_from_string("dtw_norm2") == IterDist::dtw_norm2);
    CHECK(incdtw::iter_dist_from_string("norm1") == IterDist::norm1);
    CHECK(incdtw::iter_dist_from_string("norm2") == IterDist::norm2);
    CHECK(incdtw::iter_dist_from_string("max") == IterDist::max);
    CHECK(incdtw::iter_dist_from_string("min") == IterDist::min);
    CHECK_THROWS_WITH_AS(incdtw::iter_dist_from_string("norm3"), doctest::Contains("'norm3'"),
                         std::invalid_argument);
    CHECK_THROWS_AS(incdtw::iter_dist_from_string(""), std::invalid_argument);
    CHECK_THROWS_AS(incdtw::iter_dist_from_string("Max"), std::invalid_argument);
}

// ---- medoid / centroid -------------------------------------------------------------------------

namespace {

/// Brute force: the full symmetric matrix, column sums (rows in order, long double as colSums),
/// the first index of the smallest sum.
template <class T>
index_t naive_medoid(const std::vector<T>& condensed, index_t n) {
    std::vector<long double> full(static_cast<std::size_t>(n * n), 0.0L);
    for (index_t i = 0, k = 0; i < n; ++i) {
        for (index_t j = i + 1; j < n; ++j, ++k) {
            full[idx(i, j, n)] = full[idx(j, i, n)] = condensed[static_cast<std::size_t>(k)];
        }
    }
    index_t best = 0;
    long double best_sum = 0.0L;
    for (index_t j = 0; j < n; ++j) {
        long double sum = 0.0L;
        for (index_t i = 0; i < n; ++i) sum += full[idx(i, j, n)];
        if (j == 0 || sum < best_sum) {
            best = j;
            best_sum = sum;
        }
    }
    return best;
}

}  // namespace

TEST_CASE_TEMPLATE("medoid: hand examples and ties", T, float, double) {
    // Column sums 6, 3, 5, 6.
    CHECK(incdtw::medoid(std::vector<T>{1, 2, 3, 1, 1, 2}, 4) == 1);
    // Column sums 6, 4, 4: the first of equal sums.
    CHECK(incdtw::medoid(std::vector<T>{3, 3, 1}, 3) == 1);
    // Column sums 3, 3, 2.
    CHECK(incdtw::medoid(std::vector<T>{2, 1, 1}, 3) == 2);
    CHECK(incdtw::medoid(std::vector<T>(10, T(1)), 5) == 0);  // all equal
    CHECK(incdtw::medoid(std::vector<T>{T(7)}, 2) == 0);
    CHECK(incdtw::medoid(std::vector<T>{}, 1) == 0);
}

TEST_CASE_TEMPLATE("medoid: random condensed matrices against brute force", T, float, double) {
    std::mt19937 rng(3131u);
    std::uniform_real_distribution<double> uniform(0.0, 10.0);
    std::uniform_int_distribution<int> small(0, 3);
    for (int t = 0; t < 300; ++t) {
        const index_t n = random_index(rng, 1, 12);
        std::vector<T> condensed(static_cast<std::size_t>(n * (n - 1) / 2));
        for (T& x : condensed) x = t % 2 == 0 ? static_cast<T>(small(rng)) : static_cast<T>(uniform(rng));
        INFO("case ", t, ": n=", n);
        CHECK(incdtw::medoid(condensed, n) == naive_medoid(condensed, n));
    }
}

TEST_CASE_TEMPLATE("medoid: wrong sizes", T, float, double) {
    CHECK_THROWS_WITH_AS(incdtw::medoid(std::vector<T>(5, T(1)), 4), doctest::Contains("4 series"),
                         std::invalid_argument);
    CHECK_THROWS_AS(incdtw::medoid(std::vector<T>(7, T(1)), 4), std::invalid_argument);
    CHECK_THROWS_AS(incdtw::medoid(std::vector<T>{}, 2), std::invalid_argument);
    CHECK_THROWS_AS(incdtw::medoid(std::vector<T>{T(1)}, 1), std::invalid_argument);
    CHECK_THROWS_AS(incdtw::medoid(std::vector<T>{}, 0), std::invalid_argument);
    CHECK_THROWS_AS(incdtw::medoid(std::vector<T>{}, -1), std::invalid_argument);
    CHECK_THROWS_AS(incdtw::medoid(std::vector<T>{T(1)}, -1), std::invalid_argument);
}

TEST_CASE_TEMPLATE("centroid: the medoid of dtw_dismat, against brute force over the pairs", T, float, double) {
    std::mt19937 rng(6262u);
    for (int t = 0; t < 60; ++t) {
        const index_t dims = random_index(rng, 1, 3);
        std::vector<Series<T>> lot = random_collection<T>(rng, random_index(rng, 2, 8), 1, 20, dims, t % 3 == 0);
        if (t % 4 == 0) lot.push_back(lot[0]);  // a duplicate: equal column sums, the first wins
        index_t spread = 0;
        for (const Series<T>& a : lot) {
            for (const Series<T>& b : lot) spread = std::max(spread, std::abs(a.length - b.length));
        }
        CollectionOptions opt;
        opt.dtw.dist_method = static_cast<DistMethod>(random_index(rng, 0, 2));
        opt.dtw.step_pattern = random_index(rng, 0, 1) == 0 ? StepPattern::symmetric1 : StepPattern::symmetric2;
        opt.normalize = opt.dtw.step_pattern == StepPattern::symmetric2 && t % 2 == 0;
        opt.dtw.window = random_window(rng, spread);
        INFO("case ", t, ": N=", lot.size(), " window=", opt.dtw.window, " normalize=", opt.normalize);
        const auto n = static_cast<index_t>(lot.size());
        // Brute force from dtw_distance of every ordered pair (the full matrix).
        index_t best = 0;
        long double best_sum = 0.0L;
        for (index_t j = 0; j < n; ++j) {
            long double sum = 0.0L;
            for (index_t i = 0; i < n; ++i) {
                if (i == j) continue;
                const Series<T>& a = lot[static_cast<std::size_t>(std::min(i, j))];
                const Series<T>& b = lot[static_cast<std::size_t>(std::max(i, j))];
                const auto r = incdtw::dtw_distance(a.view(), b.view(), opt.dtw);
                sum += opt.normalize ? r.normalized_distance : r.distance;
            }
            if (j == 0 || sum < best_sum) {
                best = j;
                best_sum = sum;
            }
        }
        const Collection<T> views = views_of(lot);
        for (const int jobs : {1, t % 4 == 0 ? 2 : (t % 4 == 2 ? -1 : 1)}) {
            opt.n_jobs = jobs;
            const index_t got = incdtw::centroid(views, opt);
            CHECK(got == best);
            CHECK(got == incdtw::medoid(incdtw::dtw_dismat(views, opt), n));
        }
        if (t % 4 == 0) CHECK(best != n - 1);  // never the later copy of lot[0]
    }
}

TEST_CASE_TEMPLATE("centroid: errors come from dtw_dismat", T, float, double) {
    const std::vector<Series<T>> lot{make_series<T>({1, 2, 3}), make_series<T>({2, 3, 4, 5, 6})};
    CollectionOptions opt;
    CHECK(incdtw::centroid(views_of(lot), opt) == 0);
    CHECK_THROWS_AS(incdtw::centroid(Collection<T>{lot[0].view()}, opt), std::invalid_argument);
    CHECK_THROWS_AS(incdtw::centroid(Collection<T>{}, opt), std::invalid_argument);
    opt.dtw.step_pattern = StepPattern::symmetric1;
    CHECK_THROWS_AS(incdtw::centroid(views_of(lot), opt), std::invalid_argument);
    opt = CollectionOptions{};
    opt.dtw.window = 1;
    CHECK_THROWS_AS(incdtw::centroid(views_of(lot), opt), std::invalid_argument);
}

TEST_CASE("medoid passes over NaN sums, as R's which.min") {
    const double nan = std::numeric_limits<double>::quiet_NaN();
    // 3 series: pairs (0,1), (0,2), (1,2). Column sums: 0 -> d01 + d02, 1 -> d01 + d12, 2 -> d02 + d12.
    CHECK(incdtw::medoid(std::vector<double>{nan, 1, 1}, 3) == 2);  // sums NaN, NaN, 2
    CHECK(incdtw::medoid(std::vector<double>{1, nan, 5}, 3) == 1);  // sums NaN, 6, NaN
    CHECK_THROWS_AS(incdtw::medoid(std::vector<double>{nan, nan, nan}, 3), std::invalid_argument);
}
