#pragma once
/// Full DTW: distance, global cost matrix, direction matrix and warping path (IncDTW: dtw).

#include <limits>
#include <stdexcept>

#include "detail/checks.hpp"
#include "detail/cost.hpp"
#include "detail/recurrence.hpp"
#include "detail/simd/kernels.hpp"
#include "detail/traceback.hpp"
#include "options.hpp"
#include "types.hpp"

namespace incdtw {

/// Result of dtw(). Matrices are empty when not requested.
template <class T>
struct DtwResult {
    T distance{};             ///< G[n-1, m-1]
    T normalized_distance{};  ///< distance / (n + m) for symmetric2, NaN for symmetric1
    Matrix<T> gcm;            ///< n x m global cost matrix, NaN outside the window
    Matrix<std::int8_t> dm;   ///< n x m direction codes (see Direction), 0 at (0,0) and outside the window
    WarpingPath path;         ///< filled when opt.return_path
};

namespace detail {

/// No vector kernel (precomputed matrices): dtw_impl sweeps scalar.
struct ScalarOnly {
    template <class T>
    bool distance(T&) const noexcept {
        return false;
    }
    template <class T>
    bool matrices(T*, std::int8_t*, T&) const noexcept {
        return false;
    }
};

/// The SIMD kernels for two series (detail/simd); each returns false when it does not apply.
template <class T>
struct SeriesKernels {
    SeriesView<T> q, c;
    DtwOptions opt;  // threshold +inf: dtw() does not abandon
    Cancellation* cancel;
    bool distance(T& d) const {
        return simd::try_pair_distance(q.length, c.length, q.data, c.data, q.dims, opt, d, cancel);
    }
    bool matrices(T* gcm, std::int8_t* dm, T& d) const {
        return simd::try_pair_matrix(q.length, c.length, q.data, c.data, q.dims, opt, gcm, dm, d, cancel);
    }
};

/// `cancel` (the caller's current_cancellation(); null: none) is checked during the sweep; when it
/// asks to stop, Cancelled propagates and the partly filled matrices are dropped with `r`.
template <class T, class Cost, class Kernels>
DtwResult<T> dtw_impl(index_t n, index_t m, const Cost& cost, const DtwOptions& opt, const Kernels& kernels,
                      Cancellation* cancel) {
    DtwResult<T> r;
    const bool want_dm = opt.return_direction || opt.return_path;
    if (!opt.return_gcm && !want_dm) {
        if (!kernels.distance(r.distance)) {
            r.distance = sweep_distance<T>(n, m, cost, opt.step_pattern, opt.window,
                                           std::numeric_limits<double>::infinity(), cancel);
        }
    } else {
        if (opt.return_gcm) r.gcm = Matrix<T>(n, m, std::numeric_limits<T>::quiet_NaN());
        Matrix<std::int8_t> dm;
        if (want_dm) dm = Matrix<std::int8_t>(n, m, std::int8_t{0});
        T* const gcm = opt.return_gcm ? r.gcm.data.data() : nullptr;
        // The vector kernel records directions; a gcm alone (no directions wanted) sweeps scalar.
        if (!(want_dm && kernels.matrices(gcm, dm.data.data(), r.distance))) {
            r.distance = sweep_matrix<T>(n, m, cost, opt.step_pattern, opt.window, gcm,
                                         want_dm ? dm.data.data() : nullptr, cancel);
        }
        if (opt.return_path) r.path = backtrack(dm.view(), n, m);
        if (opt.return_direction) r.dm = std::move(dm);
    }
    r.normalized_distance = normalize_distance(r.distance, n, m, opt.step_pattern);
    return r;
}

}  // namespace detail

/// DTW of two series Q (n x d) and C (m x d), Q along the rows.
/// Time O(n m) (O(band) with a window); memory: n*m*sizeof(T) for the gcm (opt.return_gcm), n*m
/// bytes for the direction matrix (opt.return_direction or opt.return_path), O(m) otherwise.
/// opt.threshold is not used (see dtw_distance). Throws std::length_error (empty series),
/// std::invalid_argument (dims differ, NaN/inf values, infeasible window, bad options),
/// std::bad_alloc, incdtw::Cancelled (the calling thread's Cancellation, cancel.hpp, checked about
/// every 2^18 cells, asked to stop; nothing is returned).
template <class T>
DtwResult<T> dtw(SeriesView<T> q, SeriesView<T> c, const DtwOptions& opt = {}) {
    detail::check_alignment(q, c, opt);
    Cancellation* const cancel = detail::current_cancellation();
    detail::SeriesKernels<T> kernels{q, c, opt, cancel};
    kernels.opt.threshold = std::numeric_limits<double>::infinity();
    return detail::visit_series_cost(q.data, c.data, q.dims, opt.dist_method, [&](const auto& cost) {
        return detail::dtw_impl<T>(q.length, c.length, cost, opt, kernels, cancel);
    });
}

/// DTW from a precomputed n x m cost matrix (kind = cost) or difference matrix (kind = difference,
/// cost |d| or d^2 by opt.dist_method). Entries outside the window are not read. Throws as dtw().
template <class T>
DtwResult<T> dtw(MatrixView<T> mat, MatrixKind kind, const DtwOptions& opt = {}) {
    validate(opt);
    detail::check_matrix(mat, kind, opt.window, "Q");
    check_window(mat.rows, mat.cols, opt.window);
    Cancellation* const cancel = detail::current_cancellation();
    return detail::visit_matrix_cost(mat, kind, opt.dist_method, [&](const auto& cost) {
        return detail::dtw_impl<T>(mat.rows, mat.cols, cost, opt, detail::ScalarOnly{}, cancel);
    });
}

}  // namespace incdtw
