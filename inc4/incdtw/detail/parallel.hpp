#pragma once
/// Loops over independent work items on OpenMP threads (serial without OpenMP). Every item writes
/// its own result, so results never depend on the number of threads.

#include <atomic>
#include <chrono>
#include <exception>
#include <thread>
#include <stdexcept>

#include "../cancel.hpp"
#include "../simd.hpp"
#include "../types.hpp"

#ifdef _OPENMP
#include <omp.h>
#if defined(__unix__) || defined(__APPLE__)
#include <unistd.h>
#define INCDTW_FORK_AWARE 1
#endif
#endif

namespace incdtw::detail {

/// False in a process forked from one whose OpenMP runtime had started threads for incdtw: GCC's
/// libgomp keeps its thread pool across fork() in an unusable state, and a child's first parallel
/// region would block forever. Such a child runs every loop on its calling thread (results do not
/// depend on the number of threads). A pid check rather than pthread_atfork: it needs no
/// registration before the fork and holds for grandchildren too.
inline bool openmp_usable(bool starting_threads = false) noexcept {
#ifdef INCDTW_FORK_AWARE
    static std::atomic<pid_t> owner{0};  // the process whose runtime started threads (0: none yet)
    const pid_t me = getpid();
    pid_t seen = owner.load(std::memory_order_acquire);
    if (seen == 0 && starting_threads && owner.compare_exchange_strong(seen, me, std::memory_order_acq_rel)) {
        return true;
    }
    return seen == 0 || seen == me;
#else
    (void)starting_threads;
    return true;
#endif
}

/// Threads for `n_jobs`: -1 = every processor, k >= 1 = k, at most the number of processors (more
/// threads only compete for them; tens of thousands would exhaust the process). 1 without OpenMP
/// and in a forked child that cannot use it (openmp_usable). Throws std::invalid_argument for 0
/// and values below -1.
inline int resolve_threads(int n_jobs) {
    if (n_jobs == 0 || n_jobs < -1) {
        throw std::invalid_argument("n_jobs must be -1 (all cores) or >= 1, got " + std::to_string(n_jobs));
    }
#ifdef _OPENMP
    if (!openmp_usable()) return 1;
    const int procs = omp_get_num_procs();
    return n_jobs == -1 || n_jobs > procs ? procs : n_jobs;
#else
    return 1;
#endif
}

/// Threads for a job of about `cells` DTW cells: one below a few million cells, where starting and
/// (on a busy machine) spin-waiting threads costs more than the job.
inline int threads_for(double cells, int n_jobs) {
    const int threads = resolve_threads(n_jobs);
    return cells < 4.0e6 ? 1 : threads;
}

/// body(k) for k in [0, count) on `threads` threads, dynamically scheduled (items may differ in
/// cost). The first exception thrown by a body is rethrown after the loop. The calling thread's
/// Cancellation (cancel.hpp) is checked before every item: once it asks to stop, the remaining
/// items are skipped and Cancelled is thrown. A calling thread that runs out of items keeps
/// polling the Cancellation until the others finish theirs (its poll may only run there). Every
/// thread runs the calling thread's SIMD level (a SimdScope of the caller reaches the workers).
template <class Body>
void parallel_for(index_t count, int threads, Body&& body) {
    Cancellation* const cancel = current_cancellation();
    std::exception_ptr error;
    const auto run = [&](index_t k) {
        try {
            interruption_point(cancel);
            body(k);
        } catch (...) {
#ifdef _OPENMP
#pragma omp critical(incdtw_parallel_error)
#endif
            {
                if (!error) error = std::current_exception();
            }
        }
    };
#ifdef _OPENMP
    if (threads > 1 && count > 1 && openmp_usable(true)) {
        std::atomic<index_t> next{0}, finished{0};
        const auto caller = std::this_thread::get_id();
        const SimdLevel level = simd_level();
#pragma omp parallel num_threads(threads)
        {
            const SimdScope simd_scope(level);
            for (index_t k = next.fetch_add(1); k < count; k = next.fetch_add(1)) {
                run(k);
                finished.fetch_add(1, std::memory_order_release);
            }
            if (cancel != nullptr && std::this_thread::get_id() == caller) {
                while (finished.load(std::memory_order_acquire) < count && !cancel->check()) {
                    std::this_thread::sleep_for(std::chrono::milliseconds(1));
                }
            }
        }
        if (error) std::rethrow_exception(error);
        return;
    }
#else
    (void)threads;
#endif
    for (index_t k = 0; k < count; ++k) run(k);
    if (error) std::rethrow_exception(error);
}

}  // namespace incdtw::detail
