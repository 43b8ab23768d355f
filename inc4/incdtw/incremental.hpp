#pragma once
/// Incremental and decremental DTW (IncDTW: idtw, idtw2vec, dec_dm). Appending k observations to C
/// costs O(n k) instead of O(n (m + k)); every result is bit-identical to dtw() / dtw_distance()
/// on the whole series.

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <limits>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "detail/checks.hpp"
#include "detail/cost.hpp"
#include "detail/extend.hpp"
#include "detail/memory.hpp"
#include "detail/traceback.hpp"
#include "dtw.hpp"
#include "options.hpp"
#include "types.hpp"

namespace incdtw {

/// Result of idtw2vec(): the last column and the last row of the global cost matrix.
template <class T>
struct IncrementalResult {
    std::vector<T> last_column;  ///< gcm_lc_new: G[:, m-1] (n values, NaN outside the window)
    std::vector<T> last_row;     ///< gcm_lr_new: the previous last row (if given) + G[n-1, new columns]
    T distance{};                ///< G[n-1, m-1]
    T normalized_distance{};     ///< distance / (n + m) for symmetric2 when m is known, else NaN
};

/// The state of an alignment that idtw2vec() continues: views of a previous result.
template <class T>
struct VectorState {
    const T* last_column = nullptr;  ///< gcm_lc: n values (read only inside the window)
    index_t rows = 0;                ///< its length, n
    const T* last_row = nullptr;     ///< gcm_lr (optional): prepended to the new last row
    index_t last_row_length = 0;
    index_t columns = -1;            ///< nC, the number of columns so far; -1 = unknown (no window only)
};

namespace detail {

template <class T>
void check_vector_state(const VectorState<T>& s, index_t n, index_t o, const DtwOptions& opt) {
    if (s.last_column == nullptr || s.rows != n) {
        throw std::invalid_argument("gcm_lc has " + std::to_string(s.rows) + " values but Q has " + std::to_string(n) +
                                    " observations: the state belongs to another query");
    }
    if (s.columns < -1 || s.columns == 0) throw std::invalid_argument("nC must be >= 1 (or unknown)");
    if (s.last_row != nullptr && s.last_row_length < 0) {
        throw std::invalid_argument("gcm_lr: the length of the last row must be >= 0");
    }
    if (opt.window >= 0 && s.columns < 0) {
        throw std::invalid_argument("nC (the number of earlier observations of C) is required with a window");
    }
    if (s.last_row != nullptr && s.columns >= 0 && s.last_row_length != s.columns) {
        throw std::invalid_argument("gcm_lr has " + std::to_string(s.last_row_length) + " values but nC is " +
                                    std::to_string(s.columns) + ": they must describe the same earlier C");
    }
    if (s.columns > std::numeric_limits<index_t>::max() - o) {  // nC + o: the length of C afterwards
        throw std::invalid_argument("nC is " + std::to_string(s.columns) + ": with the " + std::to_string(o) +
                                    " new observations C would be longer than the index type can count");
    }
    if (s.columns >= 0) check_window(n, s.columns + o, opt.window);
    check_state_vector(s.last_column, n, s.columns >= 0 ? s.columns - 1 : 0, opt.window, "gcm_lc");
}

/// idtw2vec: `extend(first, prev, last, edge, work)` sweeps the o new rows (detail/extend.hpp's
/// contract: extend_rows for a cost source, extend_rows_series for two series).
template <class T, class Extend>
IncrementalResult<T> idtw2vec_impl(index_t n, index_t o, const VectorState<T>* state, const DtwOptions& opt,
                                   const Extend& extend) {
    IncrementalResult<T> r;
    const index_t kept = state != nullptr && state->last_row != nullptr ? state->last_row_length : 0;
    r.last_column.resize(static_cast<std::size_t>(n));
    r.last_row.reserve(static_cast<std::size_t>(kept + o));  // the kept part is written once
    if (kept > 0) r.last_row.assign(state->last_row, state->last_row + kept);
    r.last_row.resize(static_cast<std::size_t>(kept + o));
    const std::unique_ptr<T[]> work(new T[static_cast<std::size_t>(2 * n)]);
    // Without nC (no window) the offset of the new columns does not matter: columns start at 1.
    const index_t offset = state == nullptr ? 0 : (state->columns >= 0 ? state->columns : 1);
    extend(offset, state ? state->last_column : nullptr, r.last_column.data(), r.last_row.data() + kept, work.get());
    r.distance = r.last_column[static_cast<std::size_t>(n - 1)];
    const bool known = state == nullptr || state->columns >= 0;
    r.normalized_distance = known ? normalize_distance(r.distance, n, offset + o, opt.step_pattern)
                                  : std::numeric_limits<T>::quiet_NaN();
    return r;
}

/// Q and the observations appended to C: finite, non-empty, the same dimensions.
template <class T>
void check_appended(SeriesView<T> q, SeriesView<T> new_obs) {
    check_series(q, "Q");
    check_series(new_obs, "newObs");
    if (q.dims != new_obs.dims) {
        throw std::invalid_argument("newObs must have the dimensions of Q: " + std::to_string(new_obs.dims) +
                                    " != " + std::to_string(q.dims));
    }
}

inline void check_new_block(index_t o, const char* name) {
    if (o <= 0) throw std::length_error(std::string(name) + " must not be empty");
}

}  // namespace detail

/// Initial idtw2vec: the alignment of Q (n x d) with the whole C (m x d), keeping only the last
/// column and row of the gcm (O(n + m) memory). Throws as dtw().
template <class T>
IncrementalResult<T> idtw2vec(SeriesView<T> q, SeriesView<T> c, const DtwOptions& opt = {}) {
    detail::check_alignment(q, c, opt);
    return detail::idtw2vec_impl<T>(q.length, c.length, nullptr, opt, [&](index_t first, const T* prev, T* last,
                                                                          T* edge, T* work) {
        detail::extend_rows_series(q.length, first, c.length, c.data, q.data, q.dims, opt, prev, last, edge, work);
    });
}

/// Running idtw2vec: appends the observations `new_obs` to C, continuing `state` (a previous
/// result for the same Q and options). The result's last row is state.last_row (if given) followed
/// by the new columns' last-row values. Throws std::invalid_argument when the state does not fit
/// (lengths, nC, window, NaN or negative values inside the window; +inf, an overflowed cost, is a
/// legal state).
template <class T>
IncrementalResult<T> idtw2vec(SeriesView<T> q, SeriesView<T> new_obs, const VectorState<T>& state,
                              const DtwOptions& opt = {}) {
    validate(opt);
    detail::check_appended(q, new_obs);
    detail::check_vector_state(state, q.length, new_obs.length, opt);
    return detail::idtw2vec_impl<T>(q.length, new_obs.length, &state, opt, [&](index_t first, const T* prev, T* last,
                                                                               T* edge, T* work) {
        detail::extend_rows_series(q.length, first, new_obs.length, new_obs.data, q.data, q.dims, opt, prev, last,
                                   edge, work);
    });
}

/// idtw2vec from a precomputed n x k cost (or difference) matrix of the new columns; `state` null
/// for the initial call (then the matrix holds all columns). Entries outside the window are not read.
template <class T>
IncrementalResult<T> idtw2vec(MatrixView<T> mat, MatrixKind kind, const VectorState<T>* state,
                              const DtwOptions& opt = {}) {
    validate(opt);
    const index_t first = state != nullptr ? state->columns : 0;
    if (state != nullptr) {
        detail::check_new_block(mat.cols, "Q");
        detail::check_vector_state(*state, mat.rows, mat.cols, opt);
    } else {
        check_window(mat.rows, mat.cols, opt.window);
    }
    detail::check_matrix(mat, kind, opt.window, "Q", first > 0 ? first : 0);
    return detail::idtw2vec_impl<T>(mat.rows, mat.cols, state, opt, [&](index_t from, const T* prev, T* last,
                                                                       T* edge, T* work) {
        detail::visit_matrix_cost_transposed(mat, kind, opt.dist_method, [&](const auto& cost) {
            detail::extend_rows<T>(mat.rows, from, mat.cols, cost, opt.step_pattern, opt.window, prev, last, edge,
                                   work);
        });
    });
}

namespace detail {

template <class T, class Cost>
DtwResult<T> idtw_impl(index_t n, index_t m, index_t o, const Cost& cost, MatrixView<T> gcm,
                       MatrixView<std::int8_t> dm, const DtwOptions& opt) {
    DtwResult<T> r;
    const index_t cols = m + o;
    // Each element is written once: old rows copied, new columns NaN / 0 (the allocation and the
    // copy dominate the cost of an increment of the matrix form).
    std::vector<T> gv;
    std::vector<std::int8_t> dv;
    const std::size_t total = static_cast<std::size_t>(n) * static_cast<std::size_t>(cols);
    reserve_large(gv, total);
    reserve_large(dv, total);
    for (index_t i = 0; i < n; ++i) {
        const std::int8_t* src = dm.data + i * m;
        unsigned bad = 0;  // branch-free scan (vectorised); the error path finds the cell
        for (index_t j = 0; j < m; ++j) bad |= static_cast<unsigned>(static_cast<std::uint8_t>(src[j]) > 3);
        if (bad != 0) {
            const index_t j = std::find_if(src, src + m, [](std::int8_t x) { return x < 0 || x > 3; }) - src;
            throw std::invalid_argument("dm(" + std::to_string(i) + ", " + std::to_string(j) + ") is " +
                                        std::to_string(int{src[j]}) + ", not a direction code 0..3");
        }
        gv.insert(gv.end(), gcm.data + i * m, gcm.data + (i + 1) * m);
        gv.insert(gv.end(), static_cast<std::size_t>(o), std::numeric_limits<T>::quiet_NaN());
        dv.insert(dv.end(), src, src + m);
        dv.insert(dv.end(), static_cast<std::size_t>(o), std::int8_t{0});
    }
    Matrix<T> g(n, cols, std::move(gv));
    Matrix<std::int8_t> d(n, cols, std::move(dv));
    extend_columns<T>(n, m, o, cost, opt.step_pattern, opt.window, g.data.data(), d.data.data());
    r.distance = g(n - 1, cols - 1);
    r.normalized_distance = normalize_distance(r.distance, n, cols, opt.step_pattern);
    if (opt.return_path) r.path = backtrack(d.view(), n, cols);
    if (opt.return_gcm) r.gcm = std::move(g);
    if (opt.return_direction) r.dm = std::move(d);
    return r;
}

template <class T>
void check_old_shapes(MatrixView<T> gcm, MatrixView<std::int8_t> dm, index_t n) {
    if (gcm.rows != n) {
        throw std::invalid_argument("gcm has " + std::to_string(gcm.rows) + " rows but Q has " + std::to_string(n) +
                                    " observations: it belongs to another query");
    }
    if (gcm.cols <= 0) throw std::length_error("gcm must not be empty");
    if (dm.rows != gcm.rows || dm.cols != gcm.cols) {
        throw std::invalid_argument("dm (" + std::to_string(dm.rows) + " x " + std::to_string(dm.cols) +
                                    ") must have the shape of gcm (" + std::to_string(gcm.rows) + " x " +
                                    std::to_string(gcm.cols) + ")");
    }
}

/// The last column is all that is read of the old gcm: costs >= 0 (or +inf) inside the window, NaN
/// outside it (check_state_values).
template <class T>
void check_old_last_column(MatrixView<T> gcm, const DtwOptions& opt) {
    const index_t n = gcm.rows;
    const index_t m = gcm.cols;
    check_state_values(gcm.data + (m - 1), n, m, m - 1, opt.window, [m](index_t i) {
        return "gcm(" + std::to_string(i) + ", " + std::to_string(m - 1) + ")";
    });
}

}  // namespace detail

/// Matrix-based increment (IncDTW: idtw): the alignment of Q with C + new_obs, from the n x m
/// gcm and dm of dtw(Q, C) (same options). Old columns are copied, not recomputed: O(n m) copy,
/// O(n o) work. The result equals dtw(Q, C + new_obs) bit for bit (also with a window, where
/// IncDTW leaves a cell unfilled). normalized_distance uses n + m + o.
template <class T>
DtwResult<T> idtw(SeriesView<T> q, SeriesView<T> new_obs, MatrixView<T> gcm, MatrixView<std::int8_t> dm,
                  const DtwOptions& opt = {}) {
    validate(opt);
    detail::check_appended(q, new_obs);
    detail::check_old_shapes(gcm, dm, q.length);
    check_window(q.length, gcm.cols + new_obs.length, opt.window);
    detail::check_old_last_column(gcm, opt);
    return detail::visit_series_cost(q.data, new_obs.data, q.dims, opt.dist_method, [&](const auto& cost) {
        return detail::idtw_impl<T>(q.length, gcm.cols, new_obs.length, cost, gcm, dm, opt);
    });
}

/// The same with a precomputed n x o cost or difference matrix of the new columns (IncDTW's
/// C = "cm_add" / "diffM_add"). Entries outside the window are not read.
template <class T>
DtwResult<T> idtw(MatrixView<T> add, MatrixKind kind, MatrixView<T> gcm, MatrixView<std::int8_t> dm,
                  const DtwOptions& opt = {}) {
    validate(opt);
    detail::check_new_block(add.cols, "Q");
    detail::check_old_shapes(gcm, dm, add.rows);
    check_window(add.rows, gcm.cols + add.cols, opt.window);
    detail::check_old_last_column(gcm, opt);
    detail::check_matrix(add, kind, opt.window, "Q", gcm.cols);
    return detail::visit_matrix_cost(add, kind, opt.dist_method, [&](const auto& cost) {
        return detail::idtw_impl<T>(add.rows, gcm.cols, add.cols, cost, gcm, dm, opt);
    });
}

/// Warping path of Q with C shortened by its last `ndec` observations, from the direction matrix of
/// the whole alignment (IncDTW: dec_dm): columns never depend on later ones, so the first
/// m - ndec columns of `dm` are the direction matrix of the shortened alignment.
inline WarpingPath dec_dm(MatrixView<std::int8_t> dm, index_t ndec) {
    if (ndec < 0 || ndec >= dm.cols) {
        throw std::invalid_argument("Ndec must be >= 0 and less than the " + std::to_string(dm.cols) +
                                    " columns of dm, got " + std::to_string(ndec));
    }
    return detail::backtrack(dm, dm.rows, dm.cols - ndec);
}

}  // namespace incdtw
