#pragma once
/// DTW distance with O(min(n, m)) memory and early abandoning (IncDTW: dtw2vec).

#include "detail/checks.hpp"
#include "detail/cost.hpp"
#include "detail/recurrence.hpp"
#include "detail/simd/kernels.hpp"
#include "options.hpp"
#include "types.hpp"

namespace incdtw {

template <class T>
struct DistanceResult {
    T distance{};             ///< DTW distance; NaN when it exceeds opt.threshold
    T normalized_distance{};  ///< distance / (n + m) for symmetric2, NaN for symmetric1
};

namespace detail {

/// dtw_distance without the argument checks (the collection functions check every series once).
/// Sweeps along the longer series so that the buffers have the length of the shorter one; costs
/// are symmetric, so the transposed sweep gives the same bits. The calling thread's Cancellation
/// is checked during the sweep (on the worker threads of parallel_for there is none).
template <class T>
T distance_unchecked(SeriesView<T> q, SeriesView<T> c, const DtwOptions& opt) {
    const bool transpose = q.length < c.length;
    const SeriesView<T> rows = transpose ? c : q;
    const SeriesView<T> cols = transpose ? q : c;
    Cancellation* const cancel = current_cancellation();
    T simd_result{};
    if (simd::try_pair_distance(rows.length, cols.length, rows.data, cols.data, rows.dims, opt, simd_result,
                                cancel)) {
        return simd_result;
    }
    return visit_series_cost(rows.data, cols.data, rows.dims, opt.dist_method, [&](const auto& cost) {
        return sweep_distance<T>(rows.length, cols.length, cost, opt.step_pattern, opt.window, opt.threshold,
                                 cancel);
    });
}

}  // namespace detail

/// DTW distance of Q (n x d) and C (m x d) with two buffers of min(n, m) values.
/// Early abandoning: with a finite opt.threshold, the result is the exact distance when it is
/// <= threshold and NaN otherwise (cells above the threshold are dropped; the sweep stops once a
/// whole row is dropped). Values are bit-identical to dtw(q, c, opt).distance.
/// Throws as dtw() (Cancelled included).
template <class T>
DistanceResult<T> dtw_distance(SeriesView<T> q, SeriesView<T> c, const DtwOptions& opt = {}) {
    detail::check_alignment(q, c, opt);
    const T d = detail::distance_unchecked(q, c, opt);
    return {d, normalize_distance(d, q.length, c.length, opt.step_pattern)};
}

/// The same from a precomputed n x m cost or difference matrix (see dtw()); O(m) extra memory.
template <class T>
DistanceResult<T> dtw_distance(MatrixView<T> mat, MatrixKind kind, const DtwOptions& opt = {}) {
    validate(opt);
    detail::check_matrix(mat, kind, opt.window, "Q");
    check_window(mat.rows, mat.cols, opt.window);
    Cancellation* const cancel = detail::current_cancellation();
    const T d = detail::visit_matrix_cost(mat, kind, opt.dist_method, [&](const auto& cost) {
        return detail::sweep_distance<T>(mat.rows, mat.cols, cost, opt.step_pattern, opt.window, opt.threshold,
                                         cancel);
    });
    return {d, normalize_distance(d, mat.rows, mat.cols, opt.step_pattern)};
}

}  // namespace incdtw
