#pragma once
/// The DTW distance against per-row cut-offs, computing only the cells that can still finish below
/// them (EAPrunedDTW, Herrmann & Webb 2021): a row starts at the first column the previous row
/// kept, and ends after the previous row's last kept column as soon as a cell exceeds the row's
/// cut-off, since past that column only the horizontal step reaches it. The search cascades
/// (rundtw, dtw_knn) use it after their lower bounds.
///
/// Bits: a cell above its row's cut-off counts as +inf, exactly as in sweep_distance_into with
/// row_thr (recurrence.hpp), and every kept cell is c + min(d', v, h) of the same operands, so the
/// result is bit-identical to that sweep; the cells it skips are those that sweep sets to +inf.

#include <limits>

#include "../options.hpp"
#include "../types.hpp"
#include "checks.hpp"

namespace incdtw::detail {

template <StepPattern S, class T, class Cost>
T sweep_pruned_impl(index_t rows, index_t cols, const Cost& cost, index_t window, T thr, const T* row_thr, T* buf) {
    constexpr T inf = std::numeric_limits<T>::infinity();
    const Band band{cols, window};
    T* prev = buf;
    T* cur = buf + cols;
    // Row 0: the horizontal chain from G[0,0], kept while within the cut-off.
    index_t ps = 0, pe = -1;  // the previous row's first and last kept column
    {
        const auto rc = cost.row(0);
        const index_t hi = band.hi(0);
        const T t = row_thr[0];
        T acc = 0;
        for (index_t j = 0; j <= hi; ++j) {
            acc = rc(j) + acc;
            if (!(acc <= t)) break;
            prev[j] = acc;
            pe = j;
        }
        if (pe < 0) return std::numeric_limits<T>::quiet_NaN();
    }
    for (index_t i = 1; i < rows; ++i) {
        const auto rc = cost.row(i);
        const T t = row_thr[i];
        const index_t lo = band.lo(i), hi = band.hi(i);
        index_t j = lo > ps ? lo : ps;
        index_t ns = -1, ne = -1;
        T h = inf;
        const auto keep = [&](T val) {
            if (val <= t) {
                if (ns < 0) ns = j;
                ne = j;
                return val;
            }
            return inf;
        };
        if (j == 0) {  // ps == 0: the first column has only the vertical step
            h = keep(rc(0) + prev[0]);
            cur[0] = h;
            j = 1;
        } else if (j == ps) {
            prev[j - 1] = inf;  // dropped in the previous row: the diagonal of column j
        }
        const index_t mid = hi < pe ? hi : pe;
        // Columns the previous row reaches from above: all three steps.
        for (; j <= mid; ++j) {
            const T c = rc(j);
            T d = prev[j - 1];
            if constexpr (S == StepPattern::symmetric2) d = d + c;
            const T v = prev[j];
            const T dv = v < d ? v : d;
            h = keep(c + (h < dv ? h : dv));
            cur[j] = h;
        }
        // One column past the previous row's last kept one: the diagonal and the horizontal step.
        if (j <= hi && j == pe + 1) {
            const T c = rc(j);
            T d = prev[j - 1];
            if constexpr (S == StepPattern::symmetric2) d = d + c;
            T val = c + (h < d ? h : d);
            if (val <= t) {
                if (ns < 0) ns = j;
                ne = j;
                cur[j] = val;
                h = val;
                // Further right only the horizontal step: stop at the first cell above the cut-off.
                for (++j; j <= hi; ++j) {
                    val = rc(j) + h;
                    if (!(val <= t)) break;
                    cur[j] = val;
                    h = val;
                    ne = j;
                }
            }
        }
        if (ns < 0) return std::numeric_limits<T>::quiet_NaN();
        ps = ns;
        pe = ne;
        T* tmp = prev;
        prev = cur;
        cur = tmp;
    }
    if (pe != cols - 1) return std::numeric_limits<T>::quiet_NaN();
    const T r = prev[cols - 1];
    return r <= thr ? r : std::numeric_limits<T>::quiet_NaN();
}

/// G[rows-1, cols-1] with the cells above row_thr[i] in row i dropped, NaN when the last cell is
/// dropped or above `threshold` (finite). `buf`: 2 * cols values. Preconditions as
/// sweep_distance_into with row_thr: rows, cols >= 1, a feasible window, costs >= 0, and row_thr
/// only dropping cells that cannot lead to a distance <= threshold.
template <class T, class Cost>
T sweep_pruned(index_t rows, index_t cols, const Cost& cost, StepPattern step, index_t window, T threshold,
               const T* row_thr, T* buf) {
    if (step == StepPattern::symmetric2) {
        return sweep_pruned_impl<StepPattern::symmetric2, T>(rows, cols, cost, window, threshold, row_thr, buf);
    }
    return sweep_pruned_impl<StepPattern::symmetric1, T>(rows, cols, cost, window, threshold, row_thr, buf);
}

}  // namespace incdtw::detail
