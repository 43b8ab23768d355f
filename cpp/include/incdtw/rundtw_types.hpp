#pragma once
/// The options, progress, counters and result of a subsequence search (rundtw.hpp), and the
/// options' checks.

#include <atomic>
#include <cmath>
#include <cstdint>
#include <limits>
#include <stdexcept>
#include <vector>

#include "detail/parallel.hpp"
#include "options.hpp"
#include "types.hpp"

namespace incdtw {

/// How every window (and the query) is scaled before the comparison.
enum class WindowScaling : std::uint8_t {
    zero_one,  ///< (x - min) / (max - min) per window and dimension (range below 1e-9: x - min)
    z,         ///< (x - mean) / sd per window and dimension, IncDTW's running update (sd below ~3e-5: x - mean)
    none,      ///< raw values
};

/// Progress of a running search, for a progress bar that another thread polls: `done` grows to
/// `total` (windows, counted once per phase that visits them). Never changes a result.
struct RundtwProgress {
    std::atomic<std::int64_t> done{0};
    std::atomic<std::int64_t> total{0};
};

struct RundtwOptions {
    StepPattern step_pattern = StepPattern::symmetric1;  ///< IncDTW's rundtw default
    DistMethod dist_method = DistMethod::norm1;
    index_t window = -1;  ///< Sakoe-Chiba radius; -1 = none
    double threshold = std::numeric_limits<double>::infinity();  ///< +inf = none
    WindowScaling scale = WindowScaling::zero_one;
    index_t k = 0;             ///< nearest neighbours wanted (0 = none; forces lower_bound)
    bool lower_bound = true;   ///< IncDTW's lower_bound (also turns on best-so-far abandoning)
    index_t overlap_tol = 0;   ///< windows closer than len(Q) - overlap_tol overlap
    /// Compute IncDTW's per-window `dist` (false: only the k nearest windows, k > 0, in memory
    /// O(len(Q) x threads + k) beyond the input; the counter then counts the search's verdicts).
    bool return_dist = true;
    int n_jobs = 1;
    RundtwProgress* progress = nullptr;  ///< optional: updated as the search runs
    /// Windows per part of the parallel phases (0: about eight parts per thread, at least 20,000
    /// windows). Never changes a result; small parts exercise the merging of parts in tests.
    index_t part_windows = 0;
};

/// How the search decided each window (every window counts once, by the last test it needed).
struct RundtwCounter {
    index_t lb_kim = 0;         ///< skipped by LB_Kim
    index_t lb_keogh_q = 0;     ///< skipped by LB_Keogh against the query's envelope (IncDTW's bound)
    index_t lb_keogh_c = 0;     ///< skipped by LB_Keogh against the data's envelope
    index_t early_abandon = 0;  ///< DTW started and abandoned
    index_t completed = 0;      ///< DTW computed to the end
    index_t lower_bound() const noexcept { return lb_kim + lb_keogh_q + lb_keogh_c; }
};

template <class T>
struct RundtwResult {
    std::vector<std::vector<T>> dist;  ///< per series, one value per window (NaN: not reported); empty without return_dist
    std::vector<T> knn_values;         ///< ascending
    std::vector<index_t> knn_indices;  ///< window starts (0-based)
    std::vector<index_t> knn_series;   ///< the series of each neighbour (0 for one series)
    RundtwCounter counter;
    std::vector<T> query;  ///< the scaled query (length x dims, row-major)
};

/// Throws std::invalid_argument naming the bad member.
inline void validate(const RundtwOptions& opt) {
    if (opt.window < -1) throw std::invalid_argument("ws must be >= 0");
    if (std::isnan(opt.threshold) || opt.threshold < 0) throw std::invalid_argument("threshold needs to be >= 0");
    if (opt.k < 0) throw std::invalid_argument("k must be >= 0");
    if (!opt.return_dist && opt.k == 0) throw std::invalid_argument("return_dist=False needs k >= 1 (nothing to return)");
    if (opt.overlap_tol < 0) throw std::invalid_argument("overlap_tol must be >= 0");
    if (opt.part_windows < 0) throw std::invalid_argument("part_windows must be >= 0");
    detail::resolve_threads(opt.n_jobs);
}

}  // namespace incdtw
