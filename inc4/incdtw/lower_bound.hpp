#pragma once
/// LB_Keogh-style lower bound of DTW and its envelope (IncDTW: lowerbound_tube, lowerbound).

#include <cmath>
#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

#include "detail/checks.hpp"
#include "detail/sliding.hpp"
#include "options.hpp"
#include "types.hpp"

namespace incdtw {

namespace detail {

/// How far v lies outside [lo, hi] (0 inside): one term of LB_Keogh.
template <class T>
T excess(T v, T lo, T hi) noexcept {
    return v > hi ? v - hi : (v < lo ? lo - v : T{0});
}

}  // namespace detail

/// Envelope of q (n x d) for a window ws: row i holds (L_1, U_1, ..., L_d, U_d), the minimum and
/// maximum of q over rows [i - ws, i + ws] (clipped; q's own row for ws = 0), so that lowerbound()
/// bounds DTW with the window |i - j| <= ws. IncDTW's envelope stops at i + ws - 1 and is no bound
/// for that window. O(n d) with monotone queues. Throws std::invalid_argument for NaN/inf values or
/// ws < 0, std::length_error for an empty q.
template <class T>
Matrix<T> lowerbound_tube(SeriesView<T> q, index_t ws) {
    detail::check_series(q, "Q");
    if (ws < 0) throw std::invalid_argument("ws must be >= 0");
    const index_t n = q.length, d = q.dims;
    std::vector<T> lower(static_cast<std::size_t>(n * d)), upper(lower.size());
    detail::envelope(q.data, n, d, ws, ws, lower.data(), upper.data());
    Matrix<T> tube(n, 2 * d, T{0});
    for (index_t i = 0; i < n; ++i) {
        for (index_t l = 0; l < d; ++l) {
            tube(i, 2 * l) = lower[static_cast<std::size_t>(i * d + l)];
            tube(i, 2 * l + 1) = upper[static_cast<std::size_t>(i * d + l)];
        }
    }
    return tube;
}

/// Lower bound of DTW(q, c) from q's envelope: the summed distance of c's values to the band
/// [L, U], row by row: norm1 sum of the excesses, norm2 the Euclidean norm of each row's excesses
/// summed, norm2_square their squares summed (one dimension: |e| for norm1 and norm2, e^2 for
/// norm2_square). c may not be longer than the envelope. Throws std::invalid_argument.
template <class T>
T lowerbound(SeriesView<T> c, MatrixView<T> tube, DistMethod method) {
    detail::check_series(c, "C");
    if (tube.cols != 2 * c.dims) {
        throw std::invalid_argument("tube has " + std::to_string(tube.cols) + " columns but C has " +
                                    std::to_string(c.dims) + " dimensions: it needs 2 per dimension (L, U)");
    }
    if (c.length > tube.rows) {
        throw std::invalid_argument("C has " + std::to_string(c.length) + " observations but the tube only " +
                                    std::to_string(tube.rows) + ": C may not be longer than the envelope");
    }
    for (index_t k = 0; k < c.length; ++k) {  // the rows that are read: finite, L <= U
        for (index_t l = 0; l < c.dims; ++l) {
            const T lo = tube(k, 2 * l), up = tube(k, 2 * l + 1);
            if (!std::isfinite(lo) || !std::isfinite(up) || lo > up) {
                throw std::invalid_argument("tube row " + std::to_string(k) + ", dimension " + std::to_string(l) +
                                            ": the envelope needs finite L <= U, got L = " + std::to_string(lo) +
                                            ", U = " + std::to_string(up));
            }
        }
    }
    long double total = 0.0L;
    for (index_t k = 0; k < c.length; ++k) {
        long double row = 0.0L;
        for (index_t l = 0; l < c.dims; ++l) {
            const T x = c.data[k * c.dims + l];
            const T lo = tube(k, 2 * l), up = tube(k, 2 * l + 1);
            const T e = detail::excess(x, lo, up);
            row += (method == DistMethod::norm1 || (c.dims == 1 && method == DistMethod::norm2))
                       ? static_cast<long double>(e)
                       : static_cast<long double>(e) * static_cast<long double>(e);
        }
        if (method == DistMethod::norm2 && c.dims > 1) row = std::sqrt(row);
        total += row;
    }
    return static_cast<T>(total);
}

}  // namespace incdtw
