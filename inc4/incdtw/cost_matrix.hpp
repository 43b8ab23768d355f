#pragma once
/// Local cost matrix and difference matrix of two series (IncDTW: cm, cpp_cm, cpp_diffm).

#include <limits>
#include <stdexcept>

#include "detail/checks.hpp"
#include "detail/cost.hpp"
#include "options.hpp"
#include "types.hpp"

namespace incdtw {

/// n x m matrix of local costs cost(Q[i], C[j]) with `method`; NaN outside the Sakoe-Chiba window
/// |i - j| <= window (window = -1: none). The entries are exactly the costs dtw() uses.
/// Memory: n * m values. Throws std::length_error (empty), std::invalid_argument (dims, NaN/inf).
template <class T>
Matrix<T> cost_matrix(SeriesView<T> q, SeriesView<T> c, DistMethod method = DistMethod::norm1,
                      index_t window = -1) {
    detail::check_pair(q, c);
    if (window < -1) throw std::invalid_argument("incdtw: window must be >= 0 (or -1 for none)");
    Matrix<T> out(q.length, c.length, std::numeric_limits<T>::quiet_NaN());
    const detail::Band band{c.length, window};
    detail::visit_series_cost(q.data, c.data, q.dims, method, [&](const auto& cost) {
        for (index_t i = 0; i < q.length; ++i) {
            const auto rc = cost.row(i);
            T* row = out.row(i);
            const index_t hi = band.hi(i);
            for (index_t j = band.lo(i); j <= hi; ++j) row[j] = rc(j);
        }
        return 0;
    });
    return out;
}

/// n x m matrix of differences Q[i] - C[j] of two univariate series; NaN outside the window.
template <class T>
Matrix<T> difference_matrix(SeriesView<T> q, SeriesView<T> c, index_t window = -1) {
    detail::check_pair(q, c);
    if (q.dims != 1) throw std::invalid_argument("difference_matrix: Q and C must be univariate");
    if (window < -1) throw std::invalid_argument("incdtw: window must be >= 0 (or -1 for none)");
    Matrix<T> out(q.length, c.length, std::numeric_limits<T>::quiet_NaN());
    const detail::Band band{c.length, window};
    for (index_t i = 0; i < q.length; ++i) {
        T* row = out.row(i);
        const index_t hi = band.hi(i);
        for (index_t j = band.lo(i); j <= hi; ++j) row[j] = q.data[i] - c.data[j];
    }
    return out;
}

}  // namespace incdtw
