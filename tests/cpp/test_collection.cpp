// Tests of incdtw/collection.hpp (dtw_dismat, dtw_disvec, dtw_cdist) and incdtw/detail/parallel.hpp
// (resolve_threads, parallel_for): every value must equal dtw_distance() of its pair bit for bit, in
// scipy's pdist order, and must not depend on the number of threads.
#include "incdtw/collection.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <atomic>
#include <climits>
#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "check.hpp"
#include "incdtw/detail/parallel.hpp"
#include "incdtw/dtw_vector.hpp"
#include "reference.hpp"

#ifdef _OPENMP
#include <omp.h>
#endif

using namespace incdtw_test;
using incdtw::Collection;
using incdtw::CollectionOptions;
using incdtw::DtwOptions;
using incdtw::Matrix;

namespace {

const std::vector<int> all_jobs{1, 2, 4, -1};

/// n_jobs for the many small random cases: serial, and in every fourth case also 2 or all
/// processors (such small jobs run on one thread anyway, see threads_for; should they not, every
/// parallel call leaves libgomp's threads spin-waiting, which slows the next serial steps much on a
/// busy machine). The "large collection" cases run 1, 2, 3, 4, 16 and all threads.
std::vector<int> jobs_for(int t) {
    if (t % 4 != 0) return {1};
    return {1, t % 8 == 0 ? 2 : -1};
}
constexpr double inf = std::numeric_limits<double>::infinity();

std::string describe(const CollectionOptions& opt) {
    std::ostringstream os;
    const char* names[] = {"norm1", "norm2", "norm2_square"};
    os << "method=" << names[static_cast<int>(opt.dtw.dist_method)]
       << " step=" << (opt.dtw.step_pattern == StepPattern::symmetric1 ? "symmetric1" : "symmetric2")
       << " window=" << opt.dtw.window << " threshold=" << opt.dtw.threshold << " normalize=" << opt.normalize;
    return os.str();
}

template <class T>
std::string lengths_of(const std::vector<Series<T>>& lot) {
    std::ostringstream os;
    for (const Series<T>& s : lot) os << s.length << " ";
    return os.str();
}

index_t length_spread(const std::vector<index_t>& lengths) {
    return *std::max_element(lengths.begin(), lengths.end()) - *std::min_element(lengths.begin(), lengths.end());
}

template <class T>
std::vector<index_t> all_lengths(const std::vector<Series<T>>& a, const std::vector<Series<T>>& b = {}) {
    std::vector<index_t> out;
    for (const Series<T>& s : a) out.push_back(s.length);
    for (const Series<T>& s : b) out.push_back(s.length);
    return out;
}

/// Random options for series whose lengths differ by at most `spread`: any method and step, a
/// feasible window, normalize only with symmetric2 (the only combination IncDTW allows).
inline CollectionOptions random_options(std::mt19937& rng, index_t spread) {
    CollectionOptions opt;
    opt.dtw.dist_method = static_cast<DistMethod>(random_index(rng, 0, 2));
    opt.dtw.step_pattern = random_index(rng, 0, 1) == 0 ? StepPattern::symmetric1 : StepPattern::symmetric2;
    opt.dtw.window = random_window(rng, spread);
    opt.normalize = opt.dtw.step_pattern == StepPattern::symmetric2 && random_index(rng, 0, 2) > 0;
    return opt;
}

/// What a collection function must return for the pair (q, c): dtw_distance's distance (NaN when
/// early abandoned), divided by n + m when normalizing, the same bits as dtw_distance's
/// normalized_distance.
template <class T>
T expected_pair(const Series<T>& q, const Series<T>& c, const CollectionOptions& opt) {
    const incdtw::DistanceResult<T> r = incdtw::dtw_distance(q.view(), c.view(), opt.dtw);
    if (!opt.normalize) return r.distance;
    const T want = r.distance / static_cast<T>(q.length + c.length);
    CHECK(same_bits(want, r.normalized_distance));
    return want;
}

/// The condensed matrix of `lot`, pair by pair in pdist order (0,1), (0,2), ..., (1,2), ...
template <class T>
std::vector<T> expected_dismat(const std::vector<Series<T>>& lot, const CollectionOptions& opt) {
    std::vector<T> want;
    for (std::size_t i = 0; i < lot.size(); ++i) {
        for (std::size_t j = i + 1; j < lot.size(); ++j) want.push_back(expected_pair(lot[i], lot[j], opt));
    }
    return want;
}

template <class T>
std::vector<T> expected_disvec(const Series<T>& q, const std::vector<Series<T>>& lot, const CollectionOptions& opt) {
    std::vector<T> want;
    for (const Series<T>& c : lot) want.push_back(expected_pair(q, c, opt));
    return want;
}

template <class T>
std::vector<T> expected_cdist(const std::vector<Series<T>>& x, const std::vector<Series<T>>& y,
                              const CollectionOptions& opt) {
    std::vector<T> want;
    for (const Series<T>& a : x) {
        for (const Series<T>& b : y) want.push_back(expected_pair(a, b, opt));
    }
    return want;
}

/// The three functions against their pair-by-pair expectation, for every n_jobs.
template <class T>
void check_dismat(const std::vector<Series<T>>& lot, CollectionOptions opt,
                  const std::vector<int>& jobs_list = all_jobs) {
    const std::vector<T> want = expected_dismat(lot, opt);
    REQUIRE(want.size() == lot.size() * (lot.size() - 1) / 2);
    const Collection<T> views = views_of(lot);
    for (const int jobs : jobs_list) {
        INFO("n_jobs=", jobs);
        opt.n_jobs = jobs;
        INCDTW_CHECK_SAME(compare_bits(incdtw::dtw_dismat(views, opt), want, 0));
    }
}

template <class T>
void check_disvec(const Series<T>& q, const std::vector<Series<T>>& lot, CollectionOptions opt,
                  const std::vector<int>& jobs_list = all_jobs) {
    const std::vector<T> want = expected_disvec(q, lot, opt);
    const Collection<T> views = views_of(lot);
    for (const int jobs : jobs_list) {
        INFO("n_jobs=", jobs);
        opt.n_jobs = jobs;
        INCDTW_CHECK_SAME(compare_bits(incdtw::dtw_disvec(q.view(), views, opt), want, 0));
    }
}

template <class T>
void check_cdist(const std::vector<Series<T>>& x, const std::vector<Series<T>>& y, CollectionOptions opt,
                 const std::vector<int>& jobs_list = all_jobs) {
    const std::vector<T> want = expected_cdist(x, y, opt);
    const Collection<T> vx = views_of(x), vy = views_of(y);
    for (const int jobs : jobs_list) {
        INFO("n_jobs=", jobs);
        opt.n_jobs = jobs;
        const Matrix<T> got = incdtw::dtw_cdist(vx, vy, opt);
        CHECK(got.rows == static_cast<index_t>(x.size()));
        CHECK(got.cols == static_cast<index_t>(y.size()));
        INCDTW_CHECK_SAME(compare_bits(got.data, want, static_cast<index_t>(y.size())));
    }
}

/// Raw (unnormalized) distances of the pairs, without threshold.
template <class T>
std::vector<double> raw_distances(const std::vector<Series<T>>& lot, const CollectionOptions& opt) {
    std::vector<double> d;
    for (std::size_t i = 0; i < lot.size(); ++i) {
        for (std::size_t j = i + 1; j < lot.size(); ++j) {
            d.push_back(static_cast<double>(incdtw::dtw_distance(lot[i].view(), lot[j].view(), opt.dtw).distance));
        }
    }
    return d;
}

/// A threshold that abandons roughly the larger half of the pairs (and keeps a pair exactly at it).
inline double median_threshold(std::vector<double> d) {
    std::sort(d.begin(), d.end());
    return d[d.size() / 2];
}

}  // namespace

// ---- dtw_dismat ------------------------------------------------------------------------------

TEST_CASE_TEMPLATE("dtw_dismat: hand example, pdist order", T, float, double) {
    // Single observations: each distance is |a - b|, all different, so the order is visible.
    const std::vector<Series<T>> lot{make_series<T>({0}), make_series<T>({1}), make_series<T>({3}),
                                     make_series<T>({7})};
    const Collection<T> views = views_of(lot);
    CollectionOptions opt;
    opt.normalize = false;
    CHECK(incdtw::dtw_dismat(views, opt) == std::vector<T>{1, 3, 7, 2, 6, 4});
    opt.normalize = true;  // divided by n + m = 2
    CHECK(incdtw::dtw_dismat(views, opt) == std::vector<T>{T(0.5), T(1.5), T(3.5), T(1), T(3), T(2)});
    opt.dtw.threshold = 3.0;  // on the raw distance: 7, 6 and 4 are abandoned
    const std::vector<T> thr = incdtw::dtw_dismat(views, opt);
    REQUIRE(thr.size() == 6);
    CHECK(thr[0] == T(0.5));
    CHECK(thr[1] == T(1.5));
    CHECK(std::isnan(thr[2]));
    CHECK(thr[3] == T(1));
    CHECK(std::isnan(thr[4]));
    CHECK(std::isnan(thr[5]));

    // The paper example (distance 3, normalized 3 / 9), a copy of Q and one more series.
    const std::vector<Series<T>> paper{make_series<T>({3, 4, 5, 6}), make_series<T>({1, 3, 3, 5, 6}),
                                       make_series<T>({3, 4, 5, 6})};
    opt = CollectionOptions{};
    CHECK(incdtw::dtw_dismat(views_of(paper), opt) == std::vector<T>{T(3) / T(9), T(0), T(3) / T(9)});
    opt.normalize = false;
    opt.dtw.window = 1;
    CHECK(incdtw::dtw_dismat(views_of(paper), opt) == std::vector<T>{T(4), T(0), T(4)});
    opt.n_jobs = 3;
    CHECK(incdtw::dtw_dismat(views_of(paper), opt) == std::vector<T>{T(4), T(0), T(4)});
}

TEST_CASE_TEMPLATE("dtw_dismat: random collections, every entry equals dtw_distance of its pair", T, float,
                   double) {
    std::mt19937 rng(20240501u);
    for (int t = 0; t < 100; ++t) {
        const index_t count = random_index(rng, 2, 9);
        const index_t dims = random_index(rng, 1, 3);
        const bool ints = t % 3 == 0;
        const std::vector<Series<T>> lot = random_collection<T>(rng, count, 1, 30, dims, ints);
        CollectionOptions opt = random_options(rng, length_spread(all_lengths(lot)));
        INFO("case ", t, ": N=", count, " dims=", dims, " lengths=", lengths_of(lot), " ", describe(opt));
        check_dismat(lot, opt, jobs_for(t));

        // The raw distances against the reference DTW (same precision).
        const std::vector<double> raw = raw_distances(lot, opt);
        for (std::size_t i = 0, k = 0; i < lot.size(); ++i) {
            for (std::size_t j = i + 1; j < lot.size(); ++j, ++k) {
                const RefResult<T> ref = ref_dtw(lot[i], lot[j], opt.dtw.dist_method, opt.dtw.step_pattern,
                                                 opt.dtw.window);
                CHECK(close(raw[k], static_cast<double>(ref.distance), same_precision_rel<T>));
            }
        }

        // Early abandoning on the raw distance: NaN above the threshold, the exact value at or below.
        opt.dtw.threshold = median_threshold(raw);
        INFO("threshold=", opt.dtw.threshold);
        const std::vector<T> with_thr = expected_dismat(lot, opt);
        for (std::size_t i = 0, k = 0; i < lot.size(); ++i) {
            for (std::size_t j = i + 1; j < lot.size(); ++j, ++k) {
                const T kept = ref_abandon(static_cast<T>(raw[k]), opt.dtw.threshold);
                const T want = opt.normalize ? kept / static_cast<T>(lot[i].length + lot[j].length) : kept;
                CHECK(same_bits(with_thr[k], want));
            }
        }
        check_dismat(lot, opt, jobs_for(t));
        opt.dtw.threshold = 0.0;
        check_dismat(lot, opt, jobs_for(t));
    }
}

// The collection functions run small jobs on one thread whatever n_jobs says (detail::threads_for:
// below about 4e6 DTW cells), so the n_jobs cases use collections of more cells than that.

TEST_CASE_TEMPLATE("dtw_dismat: a large collection, identical for every n_jobs", T, float, double) {
    std::mt19937 rng(77u);
    // 100 series of 35 to 45 observations: about (100 * 40)^2 / 2 = 8e6 cells.
    const std::vector<Series<T>> lot = random_collection<T>(rng, 100, 35, 45, 2, false);
    CollectionOptions opt;
    opt.dtw.dist_method = DistMethod::norm2;
    check_dismat(lot, opt, {1, 2, 3, 4, 16, -1});
    opt.dtw.window = 12;
    opt.dtw.step_pattern = StepPattern::symmetric1;
    opt.normalize = false;
    opt.dtw.threshold = median_threshold(raw_distances(lot, opt));
    check_dismat(lot, opt);
    // More threads than rows.
    const std::vector<Series<T>> three(lot.begin(), lot.begin() + 3);
    opt.n_jobs = 16;
    INCDTW_CHECK_SAME(compare_bits(incdtw::dtw_dismat(views_of(three), opt), expected_dismat(three, opt), 0));
}

TEST_CASE_TEMPLATE("dtw_disvec: a large collection, identical for every n_jobs", T, float, double) {
    std::mt19937 rng(78u);
    // 300 x (60 * 300) = 5.4e6 cells.
    const Series<T> q = random_walk<T>(rng, 300, 1);
    const std::vector<Series<T>> lot = random_collection<T>(rng, 60, 290, 310, 1, false);
    CollectionOptions opt;
    check_disvec(q, lot, opt, {1, 2, 3, 4, 16, -1});
    opt.dtw.window = 20;
    opt.dtw.dist_method = DistMethod::norm2_square;
    check_disvec(q, lot, opt);
}

TEST_CASE_TEMPLATE("dtw_cdist: large collections, identical for every n_jobs", T, float, double) {
    std::mt19937 rng(79u);
    // (40 * 60) x (45 * 60) = 6.5e6 cells.
    const std::vector<Series<T>> x = random_collection<T>(rng, 40, 50, 70, 3, false);
    const std::vector<Series<T>> y = random_collection<T>(rng, 45, 50, 70, 3, false);
    CollectionOptions opt;
    check_cdist(x, y, opt, {1, 2, 3, 4, 16, -1});
    opt.normalize = false;
    opt.dtw.window = 25;
    check_cdist(x, y, opt);
}

TEST_CASE_TEMPLATE("dtw_dismat: symmetric1 without normalization, windows of exactly the length spread", T, float,
                   double) {
    std::mt19937 rng(31u);
    for (int t = 0; t < 40; ++t) {
        const std::vector<Series<T>> lot = random_collection<T>(rng, random_index(rng, 2, 7), 3, 20, 3, t % 2 == 0);
        CollectionOptions opt;
        opt.normalize = false;
        opt.dtw.step_pattern = StepPattern::symmetric1;
        opt.dtw.dist_method = static_cast<DistMethod>(t % 3);
        opt.dtw.window = length_spread(all_lengths(lot));
        INFO("case ", t, ": lengths=", lengths_of(lot), " ", describe(opt));
        check_dismat(lot, opt, jobs_for(t));
    }
}

TEST_CASE_TEMPLATE("dtw_dismat: errors", T, float, double) {
    const std::vector<Series<T>> lot{make_series<T>({1, 2, 3, 4, 5}), make_series<T>({1, 2, 3}),
                                     make_series<T>({1, 2, 3, 4, 5, 6, 7, 8, 9}), make_series<T>({1, 2, 3, 4})};
    const Collection<T> views = views_of(lot);
    CollectionOptions opt;
    CHECK_NOTHROW(incdtw::dtw_dismat(views, opt));

    CHECK_THROWS_WITH_AS(incdtw::dtw_dismat(Collection<T>{}, opt), doctest::Contains("at least one series"),
                         std::invalid_argument);
    CHECK_THROWS_WITH_AS(incdtw::dtw_dismat(Collection<T>{views[0]}, opt), doctest::Contains("at least two"),
                         std::invalid_argument);

    // Mismatched dimensions: lot[2] has two.
    const auto two_dims = make_series<T>({1, 2, 3, 4}, 2);
    Collection<T> bad = views;
    bad[2] = two_dims.view();
    CHECK_THROWS_WITH_AS(incdtw::dtw_dismat(bad, opt), doctest::Contains("lot[2] has 2 dimensions"),
                         std::invalid_argument);

    // NaN / inf in lot[3]; an empty lot[1].
    for (const T value : {std::numeric_limits<T>::quiet_NaN(), std::numeric_limits<T>::infinity()}) {
        Series<T> s = lot[3];
        s.data[2] = value;
        bad = views;
        bad[3] = s.view();
        CHECK_THROWS_WITH_AS(incdtw::dtw_dismat(bad, opt), doctest::Contains("lot[3] contains a non-finite value"),
                             std::invalid_argument);
    }
    bad = views;
    bad[1] = incdtw::SeriesView<T>{nullptr, 0, 1};
    CHECK_THROWS_WITH_AS(incdtw::dtw_dismat(bad, opt), doctest::Contains("lot[1]"), std::length_error);

    // Infeasible: the longest (lot[2], 9) against the shortest (lot[1], 3) needs a window >= 6.
    opt.dtw.window = 5;
    CHECK_THROWS_WITH_AS(incdtw::dtw_dismat(views, opt), doctest::Contains("lot[2] (length 9) and lot[1] (length 3)"),
                         std::invalid_argument);
    opt.dtw.window = 6;
    CHECK_NOTHROW(incdtw::dtw_dismat(views, opt));
    opt.dtw.window = 0;
    CHECK_THROWS_AS(incdtw::dtw_dismat(views, opt), std::invalid_argument);
    const std::vector<Series<T>> same_length{lot[0], lot[0], lot[0]};
    CHECK_NOTHROW(incdtw::dtw_dismat(views_of(same_length), opt));  // window 0 is fine for equal lengths

    // Options.
    opt = CollectionOptions{};
    opt.dtw.step_pattern = StepPattern::symmetric1;
    CHECK_THROWS_WITH_AS(incdtw::dtw_dismat(views, opt), doctest::Contains("symmetric2"), std::invalid_argument);
    CHECK_THROWS_AS(incdtw::validate(opt), std::invalid_argument);
    opt.normalize = false;
    CHECK_NOTHROW(incdtw::validate(opt));
    CHECK_NOTHROW(incdtw::dtw_dismat(views, opt));
    for (const int jobs : {0, -2, INT_MIN}) {
        opt.n_jobs = jobs;
        CHECK_THROWS_WITH_AS(incdtw::dtw_dismat(views, opt), doctest::Contains("n_jobs"), std::invalid_argument);
    }
    opt = CollectionOptions{};
    opt.dtw.window = -2;
    CHECK_THROWS_AS(incdtw::dtw_dismat(views, opt), std::invalid_argument);
    CHECK_THROWS_AS(incdtw::validate(opt), std::invalid_argument);
    opt.dtw.window = -1;
    opt.dtw.threshold = -1.0;
    CHECK_THROWS_AS(incdtw::dtw_dismat(views, opt), std::invalid_argument);
    opt.dtw.threshold = std::numeric_limits<double>::quiet_NaN();
    CHECK_THROWS_AS(incdtw::dtw_dismat(views, opt), std::invalid_argument);
    CHECK_NOTHROW(incdtw::validate(CollectionOptions{}));
}

// ---- dtw_disvec --------------------------------------------------------------------------------

TEST_CASE_TEMPLATE("dtw_disvec: hand example", T, float, double) {
    const auto q = make_series<T>({3, 4, 5, 6});
    const std::vector<Series<T>> lot{make_series<T>({1, 3, 3, 5, 6}), make_series<T>({3, 4, 5, 6}),
                                     make_series<T>({4})};
    CollectionOptions opt;
    opt.normalize = false;
    // (4): 1 + 0 + 1 + 2 along the only path.
    CHECK(incdtw::dtw_disvec(q.view(), views_of(lot), opt) == std::vector<T>{3, 0, 4});
    opt.normalize = true;
    CHECK(incdtw::dtw_disvec(q.view(), views_of(lot), opt) == std::vector<T>{T(3) / T(9), T(0), T(4) / T(5)});
    opt.dtw.threshold = 3.0;
    const std::vector<T> thr = incdtw::dtw_disvec(q.view(), views_of(lot), opt);
    CHECK(thr[0] == T(3) / T(9));
    CHECK(thr[1] == T(0));
    CHECK(std::isnan(thr[2]));
}

TEST_CASE_TEMPLATE("dtw_disvec: random collections, every entry equals dtw_distance(Q, lot[k])", T, float,
                   double) {
    std::mt19937 rng(4242u);
    for (int t = 0; t < 100; ++t) {
        const index_t dims = random_index(rng, 1, 3);
        const bool ints = t % 3 == 0;
        const std::vector<Series<T>> lot = random_collection<T>(rng, random_index(rng, 1, 9), 1, 30, dims, ints);
        const Series<T> q = random_series<T>(rng, random_index(rng, 1, 30), dims, ints);
        std::vector<index_t> lengths = all_lengths(lot);
        index_t spread = 0;
        for (const index_t len : lengths) spread = std::max(spread, std::abs(len - q.length));
        CollectionOptions opt = random_options(rng, spread);
        INFO("case ", t, ": n=", q.length, " dims=", dims, " lengths=", lengths_of(lot), " ", describe(opt));
        check_disvec(q, lot, opt, jobs_for(t));
        std::vector<double> raw;
        for (const Series<T>& c : lot) {
            raw.push_back(static_cast<double>(incdtw::dtw_distance(q.view(), c.view(), opt.dtw).distance));
        }
        opt.dtw.threshold = median_threshold(raw);
        const std::vector<T> with_thr = expected_disvec(q, lot, opt);
        for (std::size_t k = 0; k < lot.size(); ++k) {
            const T kept = ref_abandon(static_cast<T>(raw[k]), opt.dtw.threshold);
            CHECK(same_bits(with_thr[k], opt.normalize ? kept / static_cast<T>(q.length + lot[k].length) : kept));
        }
        check_disvec(q, lot, opt, jobs_for(t));
    }
}

TEST_CASE_TEMPLATE("dtw_disvec: errors", T, float, double) {
    const auto q = make_series<T>({1, 2, 3, 4, 5});
    const std::vector<Series<T>> lot{make_series<T>({1, 2, 3, 4}), make_series<T>({1, 2, 3}),
                                     make_series<T>({1, 2, 3, 4, 5, 6, 7, 8})};
    const Collection<T> views = views_of(lot);
    CollectionOptions opt;
    CHECK_NOTHROW(incdtw::dtw_disvec(q.view(), views, opt));
    CHECK(incdtw::dtw_disvec(q.view(), Collection<T>{views[0]}, opt).size() == 1);

    CHECK_THROWS_WITH_AS(incdtw::dtw_disvec(q.view(), Collection<T>{}, opt), doctest::Contains("at least one"),
                         std::invalid_argument);
    CHECK_THROWS_AS(incdtw::dtw_disvec(incdtw::SeriesView<T>{nullptr, 0, 1}, views, opt), std::length_error);
    Series<T> qn = q;
    qn.data[4] = std::numeric_limits<T>::quiet_NaN();
    CHECK_THROWS_WITH_AS(incdtw::dtw_disvec(qn.view(), views, opt), doctest::Contains("Q contains a non-finite"),
                         std::invalid_argument);
    Series<T> cn = lot[2];
    cn.data[7] = -std::numeric_limits<T>::infinity();
    Collection<T> bad = views;
    bad[2] = cn.view();
    CHECK_THROWS_WITH_AS(incdtw::dtw_disvec(q.view(), bad, opt), doctest::Contains("lot[2] contains a non-finite"),
                         std::invalid_argument);

    // Dimensions are checked against Q, from lot[0] on.
    const auto q2 = make_series<T>({1, 2, 3, 4}, 2);
    CHECK_THROWS_WITH_AS(incdtw::dtw_disvec(q2.view(), views, opt), doctest::Contains("lot[0] has 1 dimensions"),
                         std::invalid_argument);
    bad = views;
    bad[1] = q2.view();
    CHECK_THROWS_WITH_AS(incdtw::dtw_disvec(q.view(), bad, opt), doctest::Contains("lot[1] has 2 dimensions"),
                         std::invalid_argument);

    // Infeasible: Q (5) against lot[2] (8) needs a window >= 3; against a series of length 2 as well.
    opt.dtw.window = 2;
    CHECK_THROWS_WITH_AS(incdtw::dtw_disvec(q.view(), views, opt), doctest::Contains("lot[2] (length 8)"),
                         std::invalid_argument);
    opt.dtw.window = 3;
    CHECK_NOTHROW(incdtw::dtw_disvec(q.view(), views, opt));
    const std::vector<Series<T>> shorter{lot[0], make_series<T>({1, 2})};
    opt.dtw.window = 2;
    CHECK_THROWS_WITH_AS(incdtw::dtw_disvec(q.view(), views_of(shorter), opt), doctest::Contains("lot[1] (length 2)"),
                         std::invalid_argument);

    opt = CollectionOptions{};
    opt.dtw.step_pattern = StepPattern::symmetric1;
    CHECK_THROWS_AS(incdtw::dtw_disvec(q.view(), views, opt), std::invalid_argument);
    opt.normalize = false;
    CHECK_NOTHROW(incdtw::dtw_disvec(q.view(), views, opt));
    for (const int jobs : {0, -2}) {
        opt.n_jobs = jobs;
        CHECK_THROWS_WITH_AS(incdtw::dtw_disvec(q.view(), views, opt), doctest::Contains("n_jobs"),
                             std::invalid_argument);
    }
}

// ---- dtw_cdist ---------------------------------------------------------------------------------

TEST_CASE_TEMPLATE("dtw_cdist: random collections, entry (i, j) equals dtw_distance(X[i], Y[j])", T, float,
                   double) {
    std::mt19937 rng(9090u);
    for (int t = 0; t < 80; ++t) {
        const index_t dims = random_index(rng, 1, 3);
        const bool ints = t % 3 == 0;
        const std::vector<Series<T>> x = random_collection<T>(rng, random_index(rng, 1, 7), 1, 25, dims, ints);
        const std::vector<Series<T>> y = random_collection<T>(rng, random_index(rng, 1, 7), 1, 25, dims, ints);
        CollectionOptions opt = random_options(rng, length_spread(all_lengths(x, y)));
        INFO("case ", t, ": dims=", dims, " X lengths=", lengths_of(x), " Y lengths=", lengths_of(y), " ",
             describe(opt));
        check_cdist(x, y, opt, jobs_for(t));
        std::vector<double> raw;
        for (const Series<T>& a : x) {
            for (const Series<T>& b : y) {
                raw.push_back(static_cast<double>(incdtw::dtw_distance(a.view(), b.view(), opt.dtw).distance));
            }
        }
        opt.dtw.threshold = median_threshold(raw);
        check_cdist(x, y, opt, jobs_for(t));
    }
}

TEST_CASE_TEMPLATE("dtw_cdist: of a collection with itself: symmetric, zero diagonal, dtw_dismat above it", T,
                   float, double) {
    std::mt19937 rng(5u);
    for (int t = 0; t < 20; ++t) {
        const std::vector<Series<T>> lot = random_collection<T>(rng, random_index(rng, 2, 8), 1, 20, 2, t % 2 == 0);
        CollectionOptions opt = random_options(rng, length_spread(all_lengths(lot)));
        INFO("case ", t, ": lengths=", lengths_of(lot), " ", describe(opt));
        const Collection<T> views = views_of(lot);
        const Matrix<T> full = incdtw::dtw_cdist(views, views, opt);
        const std::vector<T> condensed = incdtw::dtw_dismat(views, opt);
        const auto n = static_cast<index_t>(lot.size());
        index_t k = 0;
        for (index_t i = 0; i < n; ++i) {
            CHECK(full(i, i) == T(0));
            for (index_t j = i + 1; j < n; ++j, ++k) {
                CHECK(same_bits(full(i, j), condensed[static_cast<std::size_t>(k)]));
                CHECK(same_bits(full(j, i), full(i, j)));
            }
        }
    }
}

TEST_CASE_TEMPLATE("dtw_cdist: errors", T, float, double) {
    const std::vector<Series<T>> x{make_series<T>({1, 2, 3}), make_series<T>({1, 2, 3, 4, 5, 6})};
    const std::vector<Series<T>> y{make_series<T>({1, 2, 3, 4}), make_series<T>({1, 2}), make_series<T>({5})};
    const Collection<T> vx = views_of(x), vy = views_of(y);
    CollectionOptions opt;
    CHECK_NOTHROW(incdtw::dtw_cdist(vx, vy, opt));
    CHECK_THROWS_WITH_AS(incdtw::dtw_cdist(Collection<T>{}, vy, opt), doctest::Contains("X must hold"),
                         std::invalid_argument);
    CHECK_THROWS_WITH_AS(incdtw::dtw_cdist(vx, Collection<T>{}, opt), doctest::Contains("Y must hold"),
                         std::invalid_argument);
    Series<T> bad_series = y[1];
    bad_series.data[1] = std::numeric_limits<T>::quiet_NaN();
    Collection<T> bad = vy;
    bad[1] = bad_series.view();
    CHECK_THROWS_WITH_AS(incdtw::dtw_cdist(vx, bad, opt), doctest::Contains("Y[1] contains a non-finite"),
                         std::invalid_argument);
    const auto two_dims = make_series<T>({1, 2, 3, 4}, 2);
    bad = vy;
    bad[2] = two_dims.view();
    CHECK_THROWS_WITH_AS(incdtw::dtw_cdist(vx, bad, opt), doctest::Contains("Y[2] has 2 dimensions"),
                         std::invalid_argument);
    bad = vx;
    bad[1] = two_dims.view();
    CHECK_THROWS_WITH_AS(incdtw::dtw_cdist(bad, vy, opt), doctest::Contains("X[1] has 2 dimensions"),
                         std::invalid_argument);
    // Y[0] against X's dimensions (the message's wording is not checked: see the report).
    bad = vy;
    bad[0] = two_dims.view();
    CHECK_THROWS_WITH_AS(incdtw::dtw_cdist(vx, bad, opt), doctest::Contains("Y[0] has 2 dimensions"),
                         std::invalid_argument);

    // Infeasible: X[1] (6) against Y[2] (1) needs a window >= 5.
    opt.dtw.window = 4;
    CHECK_THROWS_WITH_AS(incdtw::dtw_cdist(vx, vy, opt), doctest::Contains("X[1] (length 6) and Y[2] (length 1)"),
                         std::invalid_argument);
    opt.dtw.window = 5;
    CHECK_NOTHROW(incdtw::dtw_cdist(vx, vy, opt));
    // Infeasible the other way: Y longer than X.
    opt.dtw.window = 1;
    CHECK_THROWS_WITH_AS(incdtw::dtw_cdist(Collection<T>{vy[2], vy[2]}, Collection<T>{vy[0], vy[0]}, opt),
                         doctest::Contains("X[0] (length 1) and Y[0] (length 4)"), std::invalid_argument);

    opt = CollectionOptions{};
    opt.dtw.step_pattern = StepPattern::symmetric1;
    CHECK_THROWS_AS(incdtw::dtw_cdist(vx, vy, opt), std::invalid_argument);
    opt.normalize = false;
    CHECK_NOTHROW(incdtw::dtw_cdist(vx, vy, opt));
    for (const int jobs : {0, -2}) {
        opt.n_jobs = jobs;
        CHECK_THROWS_WITH_AS(incdtw::dtw_cdist(vx, vy, opt), doctest::Contains("n_jobs"), std::invalid_argument);
    }
}

// ---- detail/parallel.hpp -----------------------------------------------------------------------

TEST_CASE("resolve_threads") {
    CHECK_THROWS_WITH_AS(incdtw::detail::resolve_threads(0), doctest::Contains("n_jobs"), std::invalid_argument);
    CHECK_THROWS_AS(incdtw::detail::resolve_threads(-2), std::invalid_argument);
    CHECK_THROWS_AS(incdtw::detail::resolve_threads(INT_MIN), std::invalid_argument);
#ifdef _OPENMP
    const int procs = omp_get_num_procs();
    CHECK(incdtw::detail::resolve_threads(1) == 1);
    CHECK(incdtw::detail::resolve_threads(3) == std::min(3, procs));  // capped at the processors
    CHECK(incdtw::detail::resolve_threads(64) == std::min(64, procs));
    CHECK(incdtw::detail::resolve_threads(100000) == procs);  // 100,000 threads crashed libgomp
    CHECK(incdtw::detail::resolve_threads(-1) == procs);
    CHECK(incdtw::detail::resolve_threads(-1) >= 1);
#else
    for (const int jobs : {1, 3, 64, -1}) CHECK(incdtw::detail::resolve_threads(jobs) == 1);
#endif
}

TEST_CASE("parallel_for: every index is visited exactly once") {
    for (const index_t count : {index_t{0}, index_t{1}, index_t{2}, index_t{3}, index_t{17}, index_t{1000}}) {
        for (const int threads : {1, 2, 3, 4, 8}) {
            INFO("count=", count, " threads=", threads);
            std::vector<std::atomic<int>> hits(static_cast<std::size_t>(count));
            std::atomic<int> max_thread{0};
            incdtw::detail::parallel_for(count, threads, [&](index_t k) {
                hits[static_cast<std::size_t>(k)].fetch_add(1);
#ifdef _OPENMP
                const int id = omp_get_thread_num();
                int seen = max_thread.load();
                while (id > seen && !max_thread.compare_exchange_weak(seen, id)) {
                }
#endif
            });
            int wrong = 0;
            for (const auto& h : hits) wrong += h.load() != 1;
            CHECK(wrong == 0);
            CHECK(max_thread.load() < threads);  // never more threads than asked for
        }
    }
}

namespace {
struct Boom : std::runtime_error {
    index_t at;
    explicit Boom(index_t k) : std::runtime_error("boom at " + std::to_string(k)), at(k) {}
};
}  // namespace

TEST_CASE("parallel_for: an exception in a body is rethrown after the loop") {
    for (const int threads : {1, 2, 4}) {
        INFO("threads=", threads);
        // Items 3, 13, 23, ... throw; every item still runs, then one of the exceptions comes out.
        std::vector<std::atomic<int>> hits(100);
        index_t thrown_at = -1;
        try {
            incdtw::detail::parallel_for(100, threads, [&](index_t k) {
                hits[static_cast<std::size_t>(k)].fetch_add(1);
                if (k % 10 == 3) throw Boom(k);
            });
        } catch (const Boom& e) {
            thrown_at = e.at;
        }
        CHECK(thrown_at % 10 == 3);
        if (threads == 1) CHECK(thrown_at == 3);  // serial: the first one
        int wrong = 0;
        for (const auto& h : hits) wrong += h.load() != 1;
        CHECK(wrong == 0);

        // Any type, also one not derived from std::exception.
        CHECK_THROWS_AS(incdtw::detail::parallel_for(5, threads,
                                                     [](index_t k) {
                                                         if (k == 4) throw 42;
                                                     }),
                        int);
        CHECK_THROWS_WITH_AS(incdtw::detail::parallel_for(8, threads,
                                                          [](index_t k) {
                                                              if (k == 0) throw std::out_of_range("first item");
                                                          }),
                             "first item", std::out_of_range);
        CHECK_NOTHROW(incdtw::detail::parallel_for(8, threads, [](index_t) {}));
    }
}
