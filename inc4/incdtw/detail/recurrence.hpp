#pragma once
/// The DTW recurrence, evaluated row by row. One implementation serves every algorithm: the
/// matrix form (dtw: gcm and direction matrix), the vector form (dtw2vec: two rows, early
/// abandoning) and, later, the incremental forms.
///
/// Values: G[i,j] = c + min(d', v, h) with d' = G[i-1,j-1] (symmetric1) or G[i-1,j-1] + c
/// (symmetric2), v = G[i-1,j], h = G[i,j-1] (IncDTW's vector code). The minimum of three numbers
/// does not depend on the order of evaluation, so sweeping the transposed problem, or rows
/// instead of columns, gives bit-identical values.
/// Directions (IncDTW's tie rule): diagonal if d' <= v and d' <= h, else vertical if v <= h, else
/// horizontal. Cells outside the window count as +inf internally, which reproduces IncDTW's
/// NaN-ignoring minimum; early-abandoned cells (value > threshold) count as +inf too.

#include <algorithm>
#include <cmath>
#include <limits>
#include <memory>

#include "../cancel.hpp"
#include "../options.hpp"
#include "../types.hpp"
#include "checks.hpp"

namespace incdtw::detail {

template <class T>
inline constexpr T inf_v = std::numeric_limits<T>::infinity();

/// Cells between two checks of a Cancellation in a one-pair sweep (about a millisecond of work or
/// less); a check reads the clock, the poll itself runs at most once per Cancellation interval.
inline constexpr index_t kCellsPerCheck = index_t{1} << 18;

/// Counts the cells of one sweep and checks `cancel` (cancel.hpp; null: never) after about every
/// kCellsPerCheck of them: throws Cancelled when it asks to stop. The caller's results are then
/// incomplete and must be dropped with the exception.
class SweepCheck {
  public:
    explicit SweepCheck(Cancellation* cancel) noexcept : cancel_(cancel) {}
    void done(index_t cells) {
        if (cancel_ == nullptr) return;
        left_ -= cells;
        if (left_ > 0) return;
        left_ = kCellsPerCheck;
        interruption_point(cancel_);
    }

  private:
    Cancellation* cancel_;
    index_t left_ = kCellsPerCheck;
};

/// Direction sink that drops the directions (distance-only sweeps compile them away).
struct NoDirections {
    static constexpr bool enabled = false;
    void operator()(index_t, std::int8_t) const noexcept {}
};

/// Direction sink writing one row of the direction matrix.
struct DirectionRow {
    static constexpr bool enabled = true;
    std::int8_t* out;
    void operator()(index_t j, std::int8_t code) const noexcept { out[j] = code; }
};

/// One interior cell. `d`, `v`, `h` are the diagonal, vertical and horizontal predecessors.
template <StepPattern S, bool kAbandon, class T, class Dirs>
inline T cell(T c, T d, T v, T h, T thr, const Dirs& dirs, index_t j) noexcept {
    if constexpr (S == StepPattern::symmetric2) d = d + c;
    const T dv = v < d ? v : d;             // off the h -> h dependency chain
    T val = c + (h < dv ? h : dv);
    if constexpr (Dirs::enabled) {
        dirs(j, (d <= v && d <= h) ? std::int8_t{1} : (v <= h ? std::int8_t{3} : std::int8_t{2}));
    }
    if constexpr (kAbandon) val = val > thr ? inf_v<T> : val;
    return val;
}

/// Continues row 0 over columns [from, hi] from acc = G[0, from-1]: G[0,j] = c + G[0,j-1].
template <bool kAbandon, class T, class RowCost, class Dirs>
inline void extend_first_row(index_t from, index_t hi, T acc, const RowCost& rc, T* cur, T thr,
                             const Dirs& dirs) noexcept {
    for (index_t j = from; j <= hi; ++j) {
        acc = rc(j) + acc;
        if constexpr (kAbandon) acc = acc > thr ? inf_v<T> : acc;
        cur[j] = acc;
        if constexpr (Dirs::enabled) dirs(j, std::int8_t{2});
    }
}

/// Row 0 up to column `hi`: G[0,0] = c, G[0,j] = c + G[0,j-1]. Returns false when the whole row
/// is abandoned (kAbandon only).
template <bool kAbandon, class T, class RowCost, class Dirs>
inline bool first_row(index_t hi, const RowCost& rc, T* cur, T thr, const Dirs& dirs) noexcept {
    T acc = rc(0);
    if constexpr (kAbandon) acc = acc > thr ? inf_v<T> : acc;
    cur[0] = acc;
    extend_first_row<kAbandon>(1, hi, acc, rc, cur, thr, dirs);
    return !kAbandon || cur[0] <= thr;
}

/// Row i >= 1 over columns [lo, hi], from the previous row whose band ends at `prev_hi` (its band
/// starts at lo - 1 or 0). `left` is G[i, lo-1] when lo > 0 (+inf when that cell is outside the
/// window): lo is the start of the row's band, or the first column of an appended block (idtw).
/// Reads no entry outside either band. Returns false when every cell of the row is abandoned
/// (kAbandon only).
template <StepPattern S, bool kAbandon, class T, class RowCost, class Dirs>
inline bool next_row(index_t lo, index_t hi, index_t prev_hi, const T* prev, T* cur, const RowCost& rc,
                     T thr, const Dirs& dirs, T left = inf_v<T>) noexcept {
    index_t j = lo;
    T h = left;
    bool alive = false;
    if (lo == 0) {  // first column: only the vertical step
        h = rc(0) + prev[0];
        if constexpr (kAbandon) h = h > thr ? inf_v<T> : h;
        cur[0] = h;
        if constexpr (Dirs::enabled) dirs(0, std::int8_t{3});
        if constexpr (kAbandon) alive = h <= thr;
        j = 1;
    }
    const index_t inner_end = hi < prev_hi ? hi : prev_hi;
    if constexpr (!Dirs::enabled) {
        // Distance-only fast path. The loop-carried chain of the plain loop is one min and one add
        // per cell. Rounding is monotone, so fl(min(a, b) + c) == min(fl(a + c), fl(b + c)); with
        // e_k = c_k + min(d'_k, v_k) the cells of a block of four are
        //   val_k = min(t_k, f_k),  t_k = t_{k-1} + c_k (t_{-1} = h),  f_k = min(f_{k-1} + c_k, e_k),
        // bit-identical to the plain loop, with a chain of four adds and one min per block.
        for (; j + 3 <= inner_end; j += 4) {
            T c[4], e[4];
            for (int k = 0; k < 4; ++k) {
                c[k] = rc(j + k);
                T d = prev[j + k - 1];
                if constexpr (S == StepPattern::symmetric2) d = d + c[k];
                const T v = prev[j + k];
                e[k] = c[k] + (v < d ? v : d);
            }
            T t = h + c[0];
            T f = e[0];
            T val[4];
            val[0] = t < f ? t : f;
            for (int k = 1; k < 4; ++k) {
                t = t + c[k];
                const T g = f + c[k];
                f = g < e[k] ? g : e[k];
                val[k] = t < f ? t : f;
            }
            if constexpr (kAbandon) {
                // Cells above the threshold are dropped after the block: the same bits as cell by
                // cell, since a cell <= thr only descends from cells <= thr (costs are >= 0) and
                // the cells above it are +inf either way.
                for (int k = 0; k < 4; ++k) {
                    alive |= (val[k] <= thr);
                    val[k] = val[k] > thr ? inf_v<T> : val[k];
                }
            }
            for (int k = 0; k < 4; ++k) cur[j + k] = val[k];
            h = val[3];
        }
    }
    for (; j <= inner_end; ++j) {
        h = cell<S, kAbandon>(rc(j), prev[j - 1], prev[j], h, thr, dirs, j);
        cur[j] = h;
        if constexpr (kAbandon) alive |= (h <= thr);
    }
    for (; j <= hi; ++j) {  // at most one cell, above the previous row's band
        h = cell<S, kAbandon>(rc(j), prev[j - 1], inf_v<T>, h, thr, dirs, j);
        cur[j] = h;
        if constexpr (kAbandon) alive |= (h <= thr);
    }
    return !kAbandon || alive;
}

template <StepPattern S, bool kAbandon, class T, class Cost>
T sweep_distance_impl(index_t rows, index_t cols, const Cost& cost, index_t window, T thr, T* buf,
                      const T* row_thr, Cancellation* cancel) {
    SweepCheck check(cancel);
    T* prev = buf;
    T* cur = prev + cols;
    const Band band{cols, window};
    index_t prev_hi = band.hi(0);
    if (!first_row<kAbandon>(prev_hi, cost.row(0), prev, row_thr != nullptr ? row_thr[0] : thr, NoDirections{})) {
        return std::numeric_limits<T>::quiet_NaN();
    }
    for (index_t i = 1; i < rows; ++i) {
        const index_t lo = band.lo(i), hi = band.hi(i);
        const T t = row_thr != nullptr ? row_thr[i] : thr;
        if (!next_row<S, kAbandon>(lo, hi, prev_hi, prev, cur, cost.row(i), t, NoDirections{})) {
            return std::numeric_limits<T>::quiet_NaN();
        }
        std::swap(prev, cur);
        prev_hi = hi;
        check.done(hi - lo + 1);
    }
    const T r = prev[cols - 1];
    if (kAbandon && !(r <= thr)) return std::numeric_limits<T>::quiet_NaN();
    return r;
}

/// The largest T not above `threshold` (a float threshold rounded to nearest could keep a distance
/// just above the double threshold).
template <class T>
T threshold_as(double threshold) noexcept {
    if (threshold >= static_cast<double>(std::numeric_limits<T>::max())) return std::numeric_limits<T>::max();
    T t = static_cast<T>(threshold);
    if (static_cast<double>(t) > threshold) t = std::nextafter(t, -inf_v<T>);
    return t;
}

/// G[rows-1, cols-1] using `buf` (2 * cols values) as the two rows; NaN when early abandoned
/// (value > threshold). Preconditions: rows, cols >= 1, the window is feasible, costs are >= 0.
/// `row_thr` (optional, with a finite threshold): per row, cells above row_thr[i] are dropped too.
/// It must only drop cells that cannot lead to a distance <= threshold (a lower bound of the cost
/// still to come, subtracted from the threshold with a safety margin), so the result is unchanged.
/// `cancel` (optional) is checked between rows (SweepCheck).
template <class T, class Cost>
T sweep_distance_into(index_t rows, index_t cols, const Cost& cost, StepPattern step, index_t window,
                      double threshold, T* buf, const T* row_thr = nullptr, Cancellation* cancel = nullptr) {
    const bool abandon = threshold < std::numeric_limits<double>::infinity();
    const T thr = abandon ? threshold_as<T>(threshold) : inf_v<T>;
    if (!abandon) row_thr = nullptr;
    if (step == StepPattern::symmetric2) {
        return abandon ? sweep_distance_impl<StepPattern::symmetric2, true, T>(rows, cols, cost, window, thr, buf,
                                                                               row_thr, cancel)
                       : sweep_distance_impl<StepPattern::symmetric2, false, T>(rows, cols, cost, window, thr, buf,
                                                                                nullptr, cancel);
    }
    return abandon ? sweep_distance_impl<StepPattern::symmetric1, true, T>(rows, cols, cost, window, thr, buf, row_thr,
                                                                           cancel)
                   : sweep_distance_impl<StepPattern::symmetric1, false, T>(rows, cols, cost, window, thr, buf,
                                                                            nullptr, cancel);
}

/// The same with its own buffers.
template <class T, class Cost>
T sweep_distance(index_t rows, index_t cols, const Cost& cost, StepPattern step, index_t window,
                 double threshold, Cancellation* cancel = nullptr) {
    const std::unique_ptr<T[]> buf(new T[static_cast<std::size_t>(2 * cols)]);
    return sweep_distance_into<T>(rows, cols, cost, step, window, threshold, buf.get(), nullptr, cancel);
}

template <StepPattern S, class T, class Cost, class MakeDirs>
T sweep_matrix_impl(index_t rows, index_t cols, const Cost& cost, index_t window, T* gcm,
                    const MakeDirs& make_dirs, Cancellation* cancel) {
    SweepCheck check(cancel);
    std::unique_ptr<T[]> buf;
    if (gcm == nullptr) buf.reset(new T[static_cast<std::size_t>(2 * cols)]);
    T* prev = gcm != nullptr ? gcm : buf.get();
    const Band band{cols, window};
    const T thr = inf_v<T>;
    index_t prev_hi = band.hi(0);
    first_row<false>(prev_hi, cost.row(0), prev, thr, make_dirs(0));
    for (index_t i = 1; i < rows; ++i) {
        T* cur = gcm != nullptr ? gcm + i * cols : (i % 2 == 1 ? buf.get() + cols : buf.get());
        const index_t lo = band.lo(i), hi = band.hi(i);
        next_row<S, false>(lo, hi, prev_hi, prev, cur, cost.row(i), thr, make_dirs(i));
        prev = cur;
        prev_hi = hi;
        check.done(hi - lo + 1);
    }
    return prev[cols - 1];
}

/// Full sweep writing the global cost matrix (if `gcm` is not null: rows x cols, pre-filled with
/// NaN, which stays outside the window) and the direction matrix (if `dm` is not null: rows x cols,
/// pre-filled with 0). Returns G[rows-1, cols-1]. Same preconditions as sweep_distance; `cancel`
/// (optional) is checked between rows (SweepCheck), the matrices are then incomplete.
template <class T, class Cost>
T sweep_matrix(index_t rows, index_t cols, const Cost& cost, StepPattern step, index_t window, T* gcm,
               std::int8_t* dm, Cancellation* cancel = nullptr) {
    if (dm != nullptr) {
        const auto dirs = [dm, cols](index_t i) { return DirectionRow{dm + i * cols}; };
        return step == StepPattern::symmetric2
                   ? sweep_matrix_impl<StepPattern::symmetric2>(rows, cols, cost, window, gcm, dirs, cancel)
                   : sweep_matrix_impl<StepPattern::symmetric1>(rows, cols, cost, window, gcm, dirs, cancel);
    }
    const auto dirs = [](index_t) { return NoDirections{}; };
    return step == StepPattern::symmetric2
               ? sweep_matrix_impl<StepPattern::symmetric2>(rows, cols, cost, window, gcm, dirs, cancel)
               : sweep_matrix_impl<StepPattern::symmetric1>(rows, cols, cost, window, gcm, dirs, cancel);
}

}  // namespace incdtw::detail
