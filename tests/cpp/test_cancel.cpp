// Cancellation (cancel.hpp): long computations stop when asked, from a poll on the calling thread
// or from another thread, and leave no result; without a request they are unaffected.
#include "incdtw/cancel.hpp"

#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "check.hpp"
#include "levels.hpp"
#include "incdtw/collection.hpp"
#include "incdtw/cost_matrix.hpp"
#include "incdtw/dtw.hpp"
#include "incdtw/dtw_vector.hpp"
#include "incdtw/rundtw.hpp"
#include "incdtw/simd.hpp"
#include "reference.hpp"

using incdtw::index_t;
using namespace incdtw_test;

namespace {

struct Walks {
    std::vector<Series<double>> series;
    incdtw::Collection<double> views;
};

Walks walks(index_t count, index_t length) {
    std::mt19937 rng(3);
    Walks w;
    for (index_t i = 0; i < count; ++i) w.series.push_back(random_walk<double>(rng, length, 1));
    for (const auto& s : w.series) w.views.push_back(s.view());
    return w;
}

}  // namespace

TEST_CASE("Cancellation: a poll on the calling thread stops dtw_dismat on every thread count") {
    const Walks w = walks(400, 400);  // 79,800 pairs of 160,000 cells: seconds of work
    for (int jobs : {1, 2}) {
        CAPTURE(jobs);
        incdtw::CollectionOptions opt;
        opt.n_jobs = jobs;
        int polls = 0;
        incdtw::Cancellation stop([&] { return ++polls >= 3; }, std::chrono::milliseconds(5));
        incdtw::CancellationScope scope(stop);
        CHECK_THROWS_AS(incdtw::dtw_dismat(w.views, opt), incdtw::Cancelled);
        CHECK(polls == 3);  // stopped at the third poll: no poll after the request
    }
}

TEST_CASE("Cancellation: request() from another thread stops rundtw, serial and in parts") {
    std::mt19937 rng(4);
    const auto x = random_walk<double>(rng, 3'000'000, 1);
    const auto q = random_walk<double>(rng, 200, 1);
    for (int jobs : {1, 2}) {
        for (index_t k : {0, 3}) {
            CAPTURE(jobs);
            CAPTURE(k);
            incdtw::RundtwOptions opt;
            opt.window = 20;
            opt.k = k;
            opt.n_jobs = jobs;
            incdtw::Cancellation stop;
            incdtw::CancellationScope scope(stop);
            std::thread other([&] {
                std::this_thread::sleep_for(std::chrono::milliseconds(100));
                stop.request();
            });
            // seconds of work: only a stop makes it throw (no wall-clock bound: sanitizer builds are slow)
            CHECK_THROWS_AS(incdtw::rundtw(q.view(), x.view(), opt), incdtw::Cancelled);
            other.join();
        }
    }
}

TEST_CASE("Cancellation: scopes nest and end; without a request nothing changes") {
    const Walks w = walks(20, 50);
    incdtw::CollectionOptions opt;
    opt.n_jobs = 2;
    const auto plain = incdtw::dtw_dismat(w.views, opt);
    incdtw::Cancellation outer;
    {
        incdtw::CancellationScope a(outer);
        incdtw::Cancellation inner;
        {
            incdtw::CancellationScope b(inner);
            CHECK(incdtw::detail::current_cancellation() == &inner);
            CHECK(incdtw::dtw_dismat(w.views, opt) == plain);
        }
        CHECK(incdtw::detail::current_cancellation() == &outer);
        outer.request();
        CHECK_THROWS_AS(incdtw::dtw_dismat(w.views, opt), incdtw::Cancelled);
    }
    CHECK(incdtw::detail::current_cancellation() == nullptr);
    CHECK(incdtw::dtw_dismat(w.views, opt) == plain);  // a requested Cancellation out of scope: no effect
}

namespace {

/// The one-pair computations of a rows x cols pair, each returning its distance.
template <class T>
std::vector<std::pair<std::string, std::function<T()>>> one_pair_calls(const Series<T>& q, const Series<T>& c,
                                                                       const incdtw::Matrix<T>& cm, index_t window) {
    using incdtw::DtwOptions;
    DtwOptions plain;
    plain.window = window;
    DtwOptions abandoning = plain;
    abandoning.threshold = 1e30;  // finite: the early-abandoning sweep, which never abandons here
    DtwOptions path = plain;
    path.return_path = true;
    DtwOptions matrices = path;
    matrices.return_gcm = true;
    matrices.return_direction = true;
    DtwOptions dm_only = plain;
    dm_only.return_direction = true;
    const incdtw::MatrixView<T> cmv{cm.data.data(), cm.rows, cm.cols};
    return {
        {"dtw_distance", [=] { return incdtw::dtw_distance(q.view(), c.view(), plain).distance; }},
        {"dtw_distance threshold", [=] { return incdtw::dtw_distance(q.view(), c.view(), abandoning).distance; }},
        {"dtw distance only", [=] { return incdtw::dtw(q.view(), c.view(), plain).distance; }},
        {"dtw dm", [=] { return incdtw::dtw(q.view(), c.view(), dm_only).distance; }},
        {"dtw path", [=] { return incdtw::dtw(q.view(), c.view(), path).distance; }},
        {"dtw gcm dm path", [=] { return incdtw::dtw(q.view(), c.view(), matrices).distance; }},
        {"dtw_distance of a cost matrix",
         [=] { return incdtw::dtw_distance(cmv, incdtw::MatrixKind::cost, plain).distance; }},
        {"dtw of a cost matrix", [=] { return incdtw::dtw(cmv, incdtw::MatrixKind::cost, matrices).distance; }},
    };
}

template <class T>
void check_one_pair_cancellation() {
    const LevelGuard guard;
    std::mt19937 rng(6);
    const index_t n = 2000, m = 1900;  // 3.8 million cells: some 14 checks (6 with the window)
    const auto q = random_walk<T>(rng, n, 1), c = random_walk<T>(rng, m, 1);
    const incdtw::Matrix<T> cm = incdtw::cost_matrix(q.view(), c.view(), incdtw::DistMethod::norm1);
    const auto every_check = std::chrono::steady_clock::duration::zero();  // the poll runs at each check
    for (const index_t window : {index_t{-1}, index_t{400}}) {
        const index_t cells = window < 0 ? n * m : n * (2 * window + 1);  // about, inside the band
        for (const incdtw::SimdLevel level : all_levels()) {
            incdtw::set_simd_level(level);
            for (const auto& entry : one_pair_calls(q, c, cm, window)) {
                const std::string& name = entry.first;
                const auto& call = entry.second;
                CAPTURE(name);
                CAPTURE(window);
                const std::string level_name = incdtw::to_string(level);
                CAPTURE(level_name);
                const T want = call();
                {
                    // a poll that never asks to stop: the same bits, checked about every kCellsPerCheck cells
                    int polls = 0;
                    incdtw::Cancellation idle([&] { return ++polls < 0; }, every_check);
                    incdtw::CancellationScope scope(idle);
                    CHECK(same_bits(call(), want));
                    CHECK(polls >= cells / incdtw::detail::kCellsPerCheck / 2);
                    CHECK(polls <= n * (m + 300) / incdtw::detail::kCellsPerCheck + 1);  // (+ the stripes' margins)
                }
                {
                    int polls = 0;
                    incdtw::Cancellation stop([&] { return ++polls >= 3; }, every_check);
                    incdtw::CancellationScope scope(stop);
                    CHECK_THROWS_AS(call(), incdtw::Cancelled);
                    CHECK(polls == 3);  // stopped at the third check: the rest of the pair was skipped
                }
                {
                    incdtw::Cancellation stop;
                    stop.request();
                    incdtw::CancellationScope scope(stop);
                    CHECK_THROWS_AS(call(), incdtw::Cancelled);  // a request from another thread
                }
            }
        }
    }
}

}  // namespace

TEST_CASE("Cancellation: the one-pair sweeps check it every few hundred thousand cells (double)") {
    check_one_pair_cancellation<double>();
}

TEST_CASE("Cancellation: the one-pair sweeps check it every few hundred thousand cells (float)") {
    check_one_pair_cancellation<float>();
}
