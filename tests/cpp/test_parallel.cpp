// parallel_for (detail/parallel.hpp): the workers run the calling thread's SIMD level, and a process
// forked after OpenMP started threads runs its loops on the calling thread instead of hanging.
#include "incdtw/detail/parallel.hpp"

#include <doctest/doctest.h>

#include <atomic>
#include <vector>

#include "incdtw/simd.hpp"

#if defined(_OPENMP) && (defined(__unix__) || defined(__APPLE__))
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#define INCDTW_TEST_FORK 1
#endif

using incdtw::index_t;
using incdtw::SimdLevel;

namespace {

/// The level each of `count` items of a two-thread parallel_for ran at.
std::vector<SimdLevel> levels_seen(index_t count) {
    std::vector<SimdLevel> seen(static_cast<std::size_t>(count), SimdLevel::avx512);
    incdtw::detail::parallel_for(count, 2, [&](index_t k) { seen[static_cast<std::size_t>(k)] = incdtw::simd_level(); });
    return seen;
}

}  // namespace

TEST_CASE("parallel_for: the workers run the calling thread's SimdScope level") {
    const SimdLevel process = incdtw::simd_level();
    for (const SimdLevel level : {SimdLevel::scalar, SimdLevel::avx2, SimdLevel::avx512}) {
        const incdtw::SimdScope scope(level);
        const SimdLevel used = incdtw::simd_level();
        CHECK(used == (level < incdtw::max_simd_level() ? level : incdtw::max_simd_level()));
        for (const SimdLevel seen : levels_seen(64)) CHECK(seen == used);
    }
    CHECK(incdtw::simd_level() == process);  // the scopes restored the thread, and the workers
    for (const SimdLevel seen : levels_seen(64)) CHECK(seen == process);
}

TEST_CASE("SimdScope: nests, and set_simd_level inside it changes only the process-wide level") {
    const SimdLevel process = incdtw::simd_level();
    {
        const incdtw::SimdScope outer(SimdLevel::scalar);
        {
            const incdtw::SimdScope inner(SimdLevel::avx512);
            CHECK(incdtw::simd_level() == incdtw::max_simd_level());
        }
        CHECK(incdtw::simd_level() == SimdLevel::scalar);
        incdtw::set_simd_level(SimdLevel::avx2);
        CHECK(incdtw::simd_level() == SimdLevel::scalar);
    }
    CHECK(incdtw::simd_level() == (SimdLevel::avx2 < incdtw::max_simd_level() ? SimdLevel::avx2 : incdtw::max_simd_level()));
    incdtw::set_simd_level(process);
}

#ifdef INCDTW_TEST_FORK
TEST_CASE("parallel_for: a child forked after the runtime started threads runs serially") {
    std::atomic<index_t> sum{0};
    incdtw::detail::parallel_for(1000, 2, [&](index_t k) { sum += k; });  // the parent's pool exists now
    REQUIRE(sum == 999 * 1000 / 2);
    REQUIRE(incdtw::detail::openmp_usable());
    const pid_t pid = fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
        alarm(20);  // a hang in the child ends it by SIGALRM, which the parent reports
        std::atomic<index_t> child_sum{0};
        const bool serial = !incdtw::detail::openmp_usable() && incdtw::detail::resolve_threads(2) == 1;
        incdtw::detail::parallel_for(1000, 2, [&](index_t k) { child_sum += k; });
        _exit(serial && child_sum == 999 * 1000 / 2 ? 0 : 3);
    }
    int status = 0;
    REQUIRE(waitpid(pid, &status, 0) == pid);
    CHECK_FALSE(WIFSIGNALED(status));
    REQUIRE(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) == 0);
    CHECK(incdtw::detail::openmp_usable());  // the parent keeps its threads
}
#endif
