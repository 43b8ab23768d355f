// Tests of incdtw/partial.hpp: partial_alignment (IncDTW's dtw_partial) against a brute force over
// the prefixes of Q and C, and its tie, NaN and reverse rules.
#include "incdtw/partial.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <random>
#include <stdexcept>
#include <vector>

#include "check.hpp"
#include "incdtw/dtw.hpp"
#include "incdtw/dtw_vector.hpp"
#include "reference.hpp"

using namespace incdtw_test;
using incdtw::DtwOptions;
using incdtw::PartialAlignment;

namespace {

constexpr double inf = std::numeric_limits<double>::infinity();

/// What dtw_partial should answer, with the ranges in the original (not reversed) series.
struct Expected {
    index_t q_begin, q_end, c_begin, c_end;
    double normalized_distance;
};

/// The first minimum of `vals` (index 0 and +inf when empty or all +inf).
inline std::pair<index_t, double> first_min(const std::vector<double>& vals) {
    if (vals.empty()) return {0, inf};
    const auto it = std::min_element(vals.begin(), vals.end());
    return {static_cast<index_t>(it - vals.begin()), *it};
}

/// Brute force from the series: DTW of every prefix of C with Q (cut_c) and of Q with C (cut_q),
/// +inf where the window admits no path, divided by the summed lengths.
template <class T>
Expected brute_force(const Series<T>& q, const Series<T>& c, const DtwOptions& opt, bool partial_q, bool partial_c,
                     bool reverse) {
    const index_t n = q.length, m = c.length;
    std::vector<double> cut_c, cut_q;
    if (partial_c) {
        for (index_t j = 1; j <= m; ++j) {
            const double d = incdtw::window_feasible(n, j, opt.window)
                                 ? static_cast<double>(incdtw::dtw_distance(q.view(), c.prefix(j).view(), opt).distance)
                                 : inf;
            cut_c.push_back(d / static_cast<double>(n + j));
        }
    }
    if (partial_q) {
        for (index_t i = 1; i <= n; ++i) {
            const double d = incdtw::window_feasible(i, m, opt.window)
                                 ? static_cast<double>(incdtw::dtw_distance(q.prefix(i).view(), c.view(), opt).distance)
                                 : inf;
            cut_q.push_back(d / static_cast<double>(i + m));
        }
    }
    const auto [bc, dc] = first_min(cut_c);
    const auto [bq, dq] = first_min(cut_q);
    if (dc <= dq) {  // C wins ties (also when neither is partial: C[0:1], inf)
        const index_t len = bc + 1;
        return reverse ? Expected{0, n, m - len, m, dc} : Expected{0, n, 0, len, dc};
    }
    const index_t len = bq + 1;
    return reverse ? Expected{n - len, n, 0, m, dq} : Expected{0, len, 0, m, dq};
}

void check_expected(const PartialAlignment& got, const Expected& want) {
    CHECK(got.q_begin == want.q_begin);
    CHECK(got.q_end == want.q_end);
    CHECK(got.c_begin == want.c_begin);
    CHECK(got.c_end == want.c_end);
    CHECK(same_bits(got.normalized_distance, want.normalized_distance));
}

}  // namespace

TEST_CASE_TEMPLATE("partial_alignment: brute force over the prefixes of Q and C", T, float, double) {
    for_random_cases<T>(5101u, 150, 2, [&](const Series<T>& q, const Series<T>& c, const Case& k) {
        DtwOptions opt = options_for(k);
        opt.return_gcm = true;
        const auto r = incdtw::dtw(q.view(), c.view(), opt);
        std::vector<T> lc, lr;
        for (index_t i = 0; i < k.n; ++i) lc.push_back(r.gcm(i, k.m - 1));
        for (index_t j = 0; j < k.m; ++j) lr.push_back(r.gcm(k.n - 1, j));
        for (const bool pq : {true, false}) {
            for (const bool pc : {true, false}) {
                INFO("partial_q=", pq, " partial_c=", pc);
                check_expected(incdtw::partial_alignment(lc.data(), k.n, lr.data(), k.m, pq, pc, false),
                               brute_force(q, c, opt, pq, pc, false));
                // reverse: the same numbers, the ranges at the end of the original series; the
                // brute force on the reversed series names the suffix of the original ones.
                check_expected(incdtw::partial_alignment(lc.data(), k.n, lr.data(), k.m, pq, pc, true),
                               brute_force(q, c, opt, pq, pc, true));
            }
        }
        // A gcm of the reversed series: the matched part is a suffix of Q or C.
        const auto rq = reversed(q), rc = reversed(c);
        const auto rr = incdtw::dtw(rq.view(), rc.view(), opt);
        std::vector<T> rlc, rlr;
        for (index_t i = 0; i < k.n; ++i) rlc.push_back(rr.gcm(i, k.m - 1));
        for (index_t j = 0; j < k.m; ++j) rlr.push_back(rr.gcm(k.n - 1, j));
        const auto p = incdtw::partial_alignment(rlc.data(), k.n, rlr.data(), k.m, true, true, true);
        const auto fwd = incdtw::partial_alignment(rlc.data(), k.n, rlr.data(), k.m, true, true, false);
        CHECK(p.q_end - p.q_begin == fwd.q_end - fwd.q_begin);
        CHECK(p.c_end - p.c_begin == fwd.c_end - fwd.c_begin);
        CHECK(p.q_end == k.n);
        CHECK(p.c_end == k.m);
        // The suffix reversed is the prefix the forward answer names on the reversed series.
        const auto qs = reversed(Series<T>{std::vector<T>(q.data.begin() + p.q_begin * k.dims, q.data.end()),
                                           p.q_end - p.q_begin, k.dims});
        const auto cs = reversed(Series<T>{std::vector<T>(c.data.begin() + p.c_begin * k.dims, c.data.end()),
                                           p.c_end - p.c_begin, k.dims});
        INCDTW_CHECK_SAME(compare_bits(qs.data, rq.prefix(fwd.q_end).data, 0));
        INCDTW_CHECK_SAME(compare_bits(cs.data, rc.prefix(fwd.c_end).data, 0));
        const double d = static_cast<double>(incdtw::dtw_distance(rq.prefix(fwd.q_end).view(),
                                                                  rc.prefix(fwd.c_end).view(), opt)
                                                 .distance);
        CHECK(same_bits(p.normalized_distance, d / static_cast<double>(fwd.q_end + fwd.c_end)));
    });
}

TEST_CASE("partial_alignment: random vectors with ties and NaN against a brute force") {
    std::mt19937 rng(5102u);
    for (int t = 0; t < 2000; ++t) {
        const index_t n = random_index(rng, 1, 6), m = random_index(rng, 1, 6);
        // Small integers: equal normalised values are frequent (e.g. 2/4 == 3/6).
        auto draw = [&](index_t len) {
            std::vector<double> v;
            for (index_t k = 0; k < len; ++k) {
                const index_t x = random_index(rng, 0, 9);
                v.push_back(x == 9 ? std::numeric_limits<double>::quiet_NaN() : static_cast<double>(x));
            }
            return v;
        };
        const auto lc = draw(n), lr = draw(m);
        for (const bool pq : {true, false}) {
            for (const bool pc : {true, false}) {
                for (const bool rev : {false, true}) {
                    INFO("t=", t, " n=", n, " m=", m, " partial_q=", pq, " partial_c=", pc, " reverse=", rev);
                    std::vector<double> cut_c, cut_q;
                    if (pc) {
                        for (index_t j = 0; j < m; ++j) {
                            cut_c.push_back(std::isnan(lr[static_cast<std::size_t>(j)])
                                                ? inf
                                                : lr[static_cast<std::size_t>(j)] / static_cast<double>(n + j + 1));
                        }
                    }
                    if (pq) {
                        for (index_t i = 0; i < n; ++i) {
                            cut_q.push_back(std::isnan(lc[static_cast<std::size_t>(i)])
                                                ? inf
                                                : lc[static_cast<std::size_t>(i)] / static_cast<double>(m + i + 1));
                        }
                    }
                    const auto [bc, dc] = first_min(cut_c);
                    const auto [bq, dq] = first_min(cut_q);
                    Expected want{};
                    if (dc <= dq) {
                        want = rev ? Expected{0, n, m - bc - 1, m, dc} : Expected{0, n, 0, bc + 1, dc};
                    } else {
                        want = rev ? Expected{n - bq - 1, n, 0, m, dq} : Expected{0, bq + 1, 0, m, dq};
                    }
                    check_expected(incdtw::partial_alignment(lc.data(), n, lr.data(), m, pq, pc, rev), want);
                    // float input: the same decisions on the same (exact) values
                    std::vector<float> lcf(lc.begin(), lc.end()), lrf(lr.begin(), lr.end());
                    check_expected(incdtw::partial_alignment(lcf.data(), n, lrf.data(), m, pq, pc, rev), want);
                }
            }
        }
    }
}

TEST_CASE("partial_alignment: hand-made cases") {
    const double nan = std::numeric_limits<double>::quiet_NaN();
    SUBCASE("C wins a tie between the sides") {
        const std::vector<double> lc{4, 6}, lr{4, 6};  // 4/3 both ways
        const auto p = incdtw::partial_alignment(lc.data(), 2, lr.data(), 2, true, true, false);
        CHECK(p.q_begin == 0);
        CHECK(p.q_end == 2);
        CHECK(p.c_begin == 0);
        CHECK(p.c_end == 1);
        CHECK(p.normalized_distance == 4.0 / 3.0);
    }
    SUBCASE("the first (shortest) of equal prefixes") {
        const std::vector<double> lc{10}, lr{2, 3, 4};  // 2/2 == 3/3 == 4/4
        const auto p = incdtw::partial_alignment(lc.data(), 1, lr.data(), 3, true, true, false);
        CHECK(p.c_end == 1);
        CHECK(p.normalized_distance == 1.0);
        const auto r = incdtw::partial_alignment(lc.data(), 1, lr.data(), 3, true, true, true);
        CHECK(r.c_begin == 2);
        CHECK(r.c_end == 3);
        const std::vector<double> lq{3, 4, 5}, lr1{10};  // Q: 3/2 4/3 5/4 -> the last
        const auto s = incdtw::partial_alignment(lq.data(), 3, lr1.data(), 1, true, true, false);
        CHECK(s.q_begin == 0);
        CHECK(s.q_end == 3);
        CHECK(s.c_end == 1);
        CHECK(s.normalized_distance == 5.0 / 4.0);
    }
    SUBCASE("Q strictly better") {
        const std::vector<double> lc{1, 5, 9}, lr{8, 9};  // Q: 1/3; C: 8/4, 9/5
        const auto p = incdtw::partial_alignment(lc.data(), 3, lr.data(), 2, true, true, false);
        CHECK(p.q_begin == 0);
        CHECK(p.q_end == 1);
        CHECK(p.c_begin == 0);
        CHECK(p.c_end == 2);
        CHECK(p.normalized_distance == 1.0 / 3.0);
        const auto r = incdtw::partial_alignment(lc.data(), 3, lr.data(), 2, true, true, true);
        CHECK(r.q_begin == 2);
        CHECK(r.q_end == 3);
        CHECK(r.c_begin == 0);
        CHECK(r.c_end == 2);
        const auto only_c = incdtw::partial_alignment(lc.data(), 3, lr.data(), 2, false, true, false);
        CHECK(only_c.q_end == 3);
        CHECK(only_c.c_end == 2);  // 9/5 < 8/4
        CHECK(only_c.normalized_distance == 9.0 / 5.0);
    }
    SUBCASE("NaN counts as +inf") {
        const std::vector<double> lc{nan, nan, 6}, lr{nan, 0.5, 9};
        const auto p = incdtw::partial_alignment(lc.data(), 3, lr.data(), 3, true, true, false);
        CHECK(p.c_end == 2);
        CHECK(p.normalized_distance == 0.5 / 5.0);
        const std::vector<double> all_nan{nan, nan};
        const auto q = incdtw::partial_alignment(lc.data(), 3, all_nan.data(), 2, true, true, false);
        CHECK(q.q_end == 3);
        CHECK(q.c_end == 2);
        CHECK(q.normalized_distance == 6.0 / 5.0);
        // Only C partial and all NaN: the first prefix with an infinite distance (C wins the tie).
        const auto c = incdtw::partial_alignment(lc.data(), 3, all_nan.data(), 2, false, true, false);
        CHECK(c.q_end == 3);
        CHECK(c.c_end == 1);
        CHECK(std::isinf(c.normalized_distance));
    }
    SUBCASE("neither partial: all of Q, C[0:1], inf") {
        const std::vector<double> lc{1, 2, 3}, lr{1, 2};
        const auto p = incdtw::partial_alignment(lc.data(), 3, lr.data(), 2, false, false, false);
        CHECK(p.q_begin == 0);
        CHECK(p.q_end == 3);
        CHECK(p.c_begin == 0);
        CHECK(p.c_end == 1);
        CHECK(p.normalized_distance == inf);
    }
    SUBCASE("errors") {
        const std::vector<double> v{1, 2};
        CHECK_THROWS_AS(incdtw::partial_alignment(v.data(), 0, v.data(), 2, true, true, false), std::invalid_argument);
        CHECK_THROWS_AS(incdtw::partial_alignment(v.data(), 2, v.data(), 0, true, true, false), std::invalid_argument);
        CHECK_THROWS_AS(incdtw::partial_alignment(v.data(), -1, v.data(), 2, true, true, false), std::invalid_argument);
    }
}
