// Cancellation (cancel.hpp): long computations stop when asked, from a poll on the calling thread
// or from another thread, and leave no result; without a request they are unaffected.
#include "incdtw/cancel.hpp"

#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <random>
#include <thread>
#include <vector>

#include "incdtw/collection.hpp"
#include "incdtw/rundtw.hpp"
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
