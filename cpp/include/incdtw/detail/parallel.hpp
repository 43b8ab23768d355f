#pragma once
/// Loops over independent work items on OpenMP threads (serial without OpenMP). Every item writes
/// its own result, so results never depend on the number of threads.

#include <exception>
#include <stdexcept>

#include "../types.hpp"

#ifdef _OPENMP
#include <omp.h>
#endif

namespace incdtw::detail {

/// Threads for `n_jobs`: -1 = every processor, k >= 1 = k, at most the number of processors (more
/// threads only compete for them; tens of thousands would exhaust the process). 1 without OpenMP.
/// Throws std::invalid_argument for 0 and values below -1.
inline int resolve_threads(int n_jobs) {
    if (n_jobs == 0 || n_jobs < -1) {
        throw std::invalid_argument("n_jobs must be -1 (all cores) or >= 1, got " + std::to_string(n_jobs));
    }
#ifdef _OPENMP
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
/// cost). The first exception thrown by a body is rethrown after the loop.
template <class Body>
void parallel_for(index_t count, int threads, Body&& body) {
    std::exception_ptr error;
#ifdef _OPENMP
#pragma omp parallel for schedule(dynamic, 1) num_threads(threads) if (threads > 1 && count > 1)
#else
    (void)threads;
#endif
    for (index_t k = 0; k < count; ++k) {
        try {
            body(k);
        } catch (...) {
#ifdef _OPENMP
#pragma omp critical(incdtw_parallel_error)
#endif
            {
                if (!error) error = std::current_exception();
            }
        }
    }
    if (error) std::rethrow_exception(error);
}

}  // namespace incdtw::detail
