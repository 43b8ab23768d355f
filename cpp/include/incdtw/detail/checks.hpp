#pragma once
/// Precondition checks shared by the algorithms. They throw std::length_error for empty input and
/// std::invalid_argument otherwise, with messages naming the argument (the bindings turn both into
/// Python's ValueError).

#include <cmath>
#include <stdexcept>
#include <string>

#include "../options.hpp"
#include "../types.hpp"

namespace incdtw::detail {

/// Admissible columns [lo(i), hi(i)] of row i under a Sakoe-Chiba window of radius `window`
/// (-1 = none) for a matrix with `cols` columns.
struct Band {
    index_t cols;
    index_t window;
    index_t lo(index_t i) const noexcept { return (window < 0 || i <= window) ? 0 : i - window; }
    index_t hi(index_t i) const noexcept {  // no i + window: it overflows for huge windows
        return (window < 0 || window >= cols - 1 - i) ? cols - 1 : i + window;
    }
};

/// Whether x[0, count) is all finite: x - x is 0 for a finite x and NaN for inf or NaN, summed in
/// eight accumulators, a loop the compiler vectorises (a test per value does not vectorise).
template <class T>
bool all_finite(const T* x, index_t count) noexcept {
    T acc[8] = {0, 0, 0, 0, 0, 0, 0, 0};
    index_t k = 0;
    for (; k + 8 <= count; k += 8) {
        for (int u = 0; u < 8; ++u) acc[u] += x[k + u] - x[k + u];
    }
    for (; k < count; ++k) acc[0] += x[k] - x[k];
    T sum = 0;
    for (T a : acc) sum += a;
    return sum == 0;
}

template <class T>
void check_series(SeriesView<T> s, const char* name) {
    if (s.length <= 0) throw std::length_error(std::string(name) + " must not be empty");
    if (s.dims <= 0) throw std::invalid_argument(std::string(name) + " must have at least one dimension");
    if (s.data == nullptr) throw std::invalid_argument(std::string(name) + " has no data");
    const index_t total = s.length * s.dims;
    if (all_finite(s.data, total)) return;
    for (index_t k = 0; k < total; ++k) {
        if (!std::isfinite(s.data[k])) {
            throw std::invalid_argument(std::string(name) + " contains a non-finite value (NaN or inf) at observation " +
                                        std::to_string(k / s.dims));
        }
    }
}

template <class T>
void check_pair(SeriesView<T> q, SeriesView<T> c) {
    check_series(q, "Q");
    check_series(c, "C");
    if (q.dims != c.dims) {
        throw std::invalid_argument("Q and C must have the same number of dimensions (columns): " +
                                    std::to_string(q.dims) + " != " + std::to_string(c.dims));
    }
}

/// The checks of every entry point that aligns two series: the options, the series (non-empty,
/// finite, same dimensions) and a feasible window.
template <class T>
void check_alignment(SeriesView<T> q, SeriesView<T> c, const DtwOptions& opt) {
    validate(opt);
    check_pair(q, c);
    check_window(q.length, c.length, opt.window);
}

/// A precomputed matrix: non-empty; inside the window every entry finite, and >= 0 for a cost
/// matrix (early abandoning and the recurrence assume non-negative costs). Entries outside the
/// window are never read and may hold anything (cm(..., ws) puts NaN there). `col_offset` is the
/// alignment column of the matrix's first column (a block of appended columns starts at m).
template <class T>
void check_matrix(MatrixView<T> mat, MatrixKind kind, index_t window, const char* name, index_t col_offset = 0) {
    if (mat.rows <= 0 || mat.cols <= 0) throw std::length_error(std::string(name) + " must not be empty");
    if (mat.data == nullptr) throw std::invalid_argument(std::string(name) + " has no data");
    const Band band{col_offset + mat.cols, window};
    for (index_t i = 0; i < mat.rows; ++i) {
        const index_t hi = band.hi(i) - col_offset;
        const index_t lo_global = band.lo(i);
        for (index_t j = lo_global > col_offset ? lo_global - col_offset : 0; j <= hi; ++j) {
            const T x = mat(i, j);
            if (!std::isfinite(x) || (kind == MatrixKind::cost && x < 0)) {
                throw std::invalid_argument(
                    std::string(name) + (kind == MatrixKind::cost ? " (a cost matrix) must hold finite values >= 0"
                                                                  : " (a difference matrix) must hold finite values") +
                    " inside the window; entry (" + std::to_string(i) + ", " + std::to_string(j) + ") is " +
                    std::to_string(x));
            }
        }
    }
}

/// The one check of a state that an incremental computation continues (idtw2vec's gcm_lc, the last
/// column of idtw's gcm, a restored plane's last column and row): the `len` values v[0], v[stride],
/// ... (the column or row with index `index` of the alignment) must be costs >= 0 inside the window
/// band, where +inf is legal (a sum of finite costs can overflow, and the computation from scratch
/// gives the same +inf), and NaN outside it, as a state computed with this window holds. NaN inside
/// the band, -inf or a negative value cannot come from a computation; a value outside the band means
/// another window (or none). Throws std::invalid_argument; `label(j)` names value j in messages.
template <class T, class Label>
void check_state_values(const T* v, index_t len, index_t stride, index_t index, index_t window, const Label& label) {
    const Band band{len, window};
    const index_t lo = band.lo(index);
    const index_t hi = band.hi(index);
    for (index_t j = 0; j < len; ++j) {
        const T x = v[j * stride];
        if (j >= lo && j <= hi) {
            if (!(x >= 0)) {  // NaN, -inf and negative values; +inf passes
                throw std::invalid_argument(label(j) + " is " + std::to_string(x) +
                                            " inside the window, where it must be a cost >= 0 (or +inf): the state "
                                            "does not belong to these series, window and lengths");
            }
        } else if (!std::isnan(x)) {
            throw std::invalid_argument(label(j) + " is " + std::to_string(x) + " outside the window |i - j| <= " +
                                        std::to_string(window) +
                                        ", where a state computed with that window holds NaN: it was computed "
                                        "with another window");
        }
    }
}

/// check_state_values for a contiguous last column or row named `name` (gcm_lc, gcm_lr_new, ...).
template <class T>
void check_state_vector(const T* v, index_t len, index_t index, index_t window, const char* name) {
    check_state_values(v, len, 1, index, window,
                       [name](index_t j) { return std::string(name) + "[" + std::to_string(j) + "]"; });
}

}  // namespace incdtw::detail
