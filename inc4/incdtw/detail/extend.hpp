#pragma once
/// Growing a DTW alignment by whole rows or columns, from the last row or column alone. The kernels
/// of recurrence.hpp do the work, so every result is bit-identical to a sweep from scratch.
///
/// Vector form (idtw2vec, the plane): appending observations to one series adds rows to the sweep
/// of the transposed problem whose columns are the other series: `extend_rows` with the appended
/// series as rows. Values do not depend on the orientation (see recurrence.hpp).
/// Matrix form (idtw): `extend_columns` appends columns to a row-major gcm and direction matrix,
/// reading the old matrices only in their last column.

#include <cmath>
#include <cstdint>
#include <limits>
#include <memory>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>

#include "../options.hpp"
#include "../types.hpp"
#include "checks.hpp"
#include "cost.hpp"
#include "recurrence.hpp"
#include "simd/kernels.hpp"

namespace incdtw::detail {

template <class T>
inline constexpr T nan_v = std::numeric_limits<T>::quiet_NaN();

template <StepPattern S, class T, class Cost>
void extend_rows_impl(index_t width, index_t first, index_t k, const Cost& cost, index_t window, const T* prev,
                      T* last, T* edge, T* work) {
    const Band band{width, window};
    T* bufs[2] = {work, work + width};
    const T* p = prev;
    index_t prev_hi = first > 0 ? band.hi(first - 1) : -1;
    const T thr = inf_v<T>;
    T* cur = bufs[0];
    for (index_t r = 0; r < k; ++r) {
        const index_t i = first + r;
        cur = bufs[r % 2];
        const index_t lo = band.lo(i);
        const index_t hi = band.hi(i);
        if (i == 0) {
            first_row<false>(hi, cost.row(r), cur, thr, NoDirections{});
        } else {
            next_row<S, false>(lo, hi, prev_hi, p, cur, cost.row(r), thr, NoDirections{});
        }
        edge[r] = (lo <= width - 1 && width - 1 <= hi) ? cur[width - 1] : nan_v<T>;
        p = cur;
        prev_hi = hi;
    }
    if (k > 0) {
        const index_t i = first + k - 1;
        const index_t lo = band.lo(i);
        const index_t hi = band.hi(i);
        for (index_t j = 0; j < width; ++j) last[j] = (j < lo || j > hi) ? nan_v<T> : cur[j];
    }
}

/// Rows first .. first+k-1 of a sweep whose rows have `width` columns, from row first-1 (`prev`,
/// read only inside its window band; unused when first == 0). `cost.row(r)(j)` is the cost of
/// the r-th new row at column j. Writes the last new row to `last` (width values, NaN outside the
/// band; may alias `prev`) and each new row's value in column width-1 to `edge[r]` (NaN outside the
/// band). `work` holds 2 * width scratch values. Preconditions: width >= 1, k >= 1, every new row
/// meets the window band (the final alignment is feasible), `prev` finite inside its band.
template <class T, class Cost>
void extend_rows(index_t width, index_t first, index_t k, const Cost& cost, StepPattern step, index_t window,
                 const T* prev, T* last, T* edge, T* work) {
    if (step == StepPattern::symmetric2) {
        extend_rows_impl<StepPattern::symmetric2>(width, first, k, cost, window, prev, last, edge, work);
    } else {
        extend_rows_impl<StepPattern::symmetric1>(width, first, k, cost, window, prev, last, edge, work);
    }
}

/// extend_rows for two series: the k new observations `rows` (row-major, `dims` components) against
/// `cols` (width observations). The vector kernel does whole stripes (long extensions), the scalar
/// sweep the rest, from the kernel's last row; the bits are the scalar sweep's either way.
template <class T>
void extend_rows_series(index_t width, index_t first, index_t k, const T* rows, const T* cols, index_t dims,
                        const DtwOptions& opt, const T* prev, T* last, T* edge, T* work) {
    const index_t done = simd::try_extend_rows(width, first, k, rows, cols, dims, opt, prev, last, edge);
    if (done == k) return;
    visit_series_cost(rows + done * dims, cols, dims, opt.dist_method, [&](const auto& cost) {
        extend_rows<T>(width, first + done, k - done, cost, opt.step_pattern, opt.window, done > 0 ? last : prev,
                       last, edge + done, work);
    });
}

/// A cost source whose columns are shifted: column j reads the inner source's column j - offset
/// (the appended block of idtw starts at column m of the whole alignment).
template <class Cost>
struct ShiftedCost {
    const Cost& inner;
    index_t offset;
    struct Row {
        typename std::decay_t<decltype(std::declval<const Cost&>().row(0))> r;
        index_t offset;
        auto operator()(index_t j) const noexcept { return r(j - offset); }
    };
    Row row(index_t i) const noexcept { return Row{inner.row(i), offset}; }
};

template <StepPattern S, class T, class Cost>
void extend_columns_impl(index_t n, index_t m, index_t o, const Cost& cost, index_t window, T* gcm, std::int8_t* dm) {
    const index_t cols = m + o;
    const Band band{cols, window};
    const T thr = inf_v<T>;
    // Local coordinates start at the old last column m - 1, so that a row's new block and its left
    // neighbour are contiguous: local column l is global column m - 1 + l.
    const index_t base = m - 1;
    const ShiftedCost<Cost> shifted{cost, 1};  // local column l >= 1 is new column l - 1
    index_t prev_hi = band.hi(0);
    if (prev_hi >= m) {
        T* row0 = gcm + base;
        extend_first_row<false>(1, prev_hi - base, row0[0], shifted.row(0), row0, thr, DirectionRow{dm + base});
    }
    for (index_t i = 1; i < n; ++i) {
        const index_t lo_band = band.lo(i);
        const index_t hi = band.hi(i);
        const index_t lo = lo_band > m ? lo_band : m;
        if (lo <= hi) {
            T* cur = gcm + i * cols + base;
            const T* prev = gcm + (i - 1) * cols + base;
            const T left = lo == m && lo_band <= m - 1 ? cur[0] : inf_v<T>;
            next_row<S, false>(lo - base, hi - base, prev_hi - base, prev, cur, shifted.row(i), thr,
                               DirectionRow{dm + i * cols + base}, left);
        }
        prev_hi = hi;
    }
}

/// Fills columns m .. m+o-1 of the row-major n x (m+o) matrices `gcm` and `dm`, whose first m
/// columns hold an alignment of the same rows (NaN / 0 outside the window). `cost.row(i)(k)` is the
/// cost of row i and new column k (0 <= k < o). Only column m-1 of the old part is read.
/// Preconditions: n, m, o >= 1, the alignment n x (m+o) is feasible, column m-1 >= 0 (or +inf) in its band.
template <class T, class Cost>
void extend_columns(index_t n, index_t m, index_t o, const Cost& cost, StepPattern step, index_t window, T* gcm,
                    std::int8_t* dm) {
    if (step == StepPattern::symmetric2) {
        extend_columns_impl<StepPattern::symmetric2>(n, m, o, cost, window, gcm, dm);
    } else {
        extend_columns_impl<StepPattern::symmetric1>(n, m, o, cost, window, gcm, dm);
    }
}

}  // namespace incdtw::detail
