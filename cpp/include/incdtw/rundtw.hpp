#pragma once
/// Subsequence search: the DTW distance of a query to every window of one or more long series, with
/// per-window scaling, lower bounds, early abandoning and the k nearest non-overlapping windows
/// (IncDTW: rundtw).
///
/// Two results, two rules:
///  * `dist` follows IncDTW's reporting rule exactly: window j's distance is reported when it is not
///    above T_j = min(best distance of the last `overlap` windows, threshold, IncDTW's running k-th
///    best) and IncDTW's envelope bound is below T_j; NaN otherwise (API.md section 12.4).
///  * the k nearest neighbours are exact: the best-first non-overlapping windows of the true
///    distances (detail/knn.hpp), whatever was pruned.
/// The search behind both uses the UCR Suite's cascade: LB_Kim (the cheapest cells near the two corners), LB_Keogh of
/// the windows against the query's envelope, LB_Keogh of the query against the data's envelope,
/// then DTW with early abandoning. A bound only skips a window when it exceeds the threshold by a
/// relative margin far above the rounding error of the sums, so no skipped window could have been
/// reported or taken. Phase 1 searches parts of the windows in parallel for the k-NN (each part with
/// its own bound, which is valid for the whole, detail/knn.hpp); phase 2 walks the windows in
/// order, applies IncDTW's reporting rule and computes only what phase 1 left open.

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdint>
#include <limits>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "detail/checks.hpp"
#include "detail/cost.hpp"
#include "detail/knn.hpp"
#include "detail/parallel.hpp"
#include "detail/pruned.hpp"
#include "detail/recurrence.hpp"
#include "detail/search/lb_kim.hpp"
#include "detail/sliding.hpp"
#include "lower_bound.hpp"
#include "options.hpp"
#include "scaling.hpp"
#include "types.hpp"

#if defined(__GNUC__) || defined(__clang__)
#define INCDTW_ALWAYS_INLINE __attribute__((always_inline))
#else
#define INCDTW_ALWAYS_INLINE
#endif

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
    int n_jobs = 1;
    RundtwProgress* progress = nullptr;  ///< optional: updated as the search runs
    /// Windows per part of the parallel phases (0: about two parts per thread, at least 20,000
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
    std::vector<std::vector<T>> dist;  ///< per series, one value per window (NaN: not reported)
    std::vector<T> knn_values;         ///< ascending
    std::vector<index_t> knn_indices;  ///< window starts (0-based)
    std::vector<index_t> knn_series;   ///< the series of each neighbour (0 for one series)
    RundtwCounter counter;
    std::vector<T> query;  ///< the scaled query (length x dims, row-major)
};

namespace detail {

enum RunStatus : std::uint8_t { st_unknown = 0, st_kim, st_keogh_q, st_keogh_c, st_abandoned, st_done };

/// Everything about the query that every window needs.
template <class T>
struct RunQuery {
    index_t n = 0, dims = 1, window = -1, radius = 0, overlap = 1;
    StepPattern step = StepPattern::symmetric1;
    DistMethod method = DistMethod::norm1;
    T margin = 0;  ///< relative slack before a bound may skip a window
    std::vector<T> q, qlo, qhi;
    std::vector<index_t> order;  ///< query positions by decreasing |q| (row norm): bounds grow fastest
    std::vector<T> oq, olo, ohi;  ///< q, qlo, qhi in that order (row k is position order[k])
    T qmax = 0;                   ///< max |q|
    T slack = 0;                  ///< absolute rounding margin of the fast bounds (see evaluate)
};

/// One searched series, or a part of one: per-window scaling (offset, divisor) and the raw data's
/// envelope. Window j of `x` is window `first + j` of the whole series. With scaling, x may be the
/// series times 2^-shift[l] per dimension (prepare_shift), which every window's scaled values do
/// not depend on; off and div are in those units.
template <class T>
struct RunSeries {
    SeriesView<T> x;
    std::vector<int> shift;   ///< per dimension (empty: none)
    std::vector<T> shifted;   ///< the shifted copy that x views (empty: x is the input)
    index_t windows = 0;
    index_t first = 0;
    index_t series = 0;  ///< its index in the searched list
    std::vector<T> off, div;  ///< windows x dims (empty when not scaled)
    std::vector<T> xlo, xhi;  ///< length x dims
    std::vector<T> val;       ///< per window: the distance (st_done) or a threshold it exceeds
    std::vector<std::uint8_t> status;

    // Movable (a moved vector keeps its buffer, which x may view), not copyable (the copy's x would
    // view the original's buffer).
    RunSeries() = default;
    RunSeries(RunSeries&&) noexcept = default;
    RunSeries& operator=(RunSeries&&) noexcept = default;
    RunSeries(const RunSeries&) = delete;
    RunSeries& operator=(const RunSeries&) = delete;
};

/// IncDTW's running mean and variance of the windows of one dimension (API.md 12.2): mu = sum / n,
/// s2 = sum(x^2) / (n - 1) - mu^2 n / (n - 1) for the first window, then the running update; one
/// observation: s2 = 0. The same operations wherever a search starts, so parts agree bit for bit.
struct ZRunning {
    double mu = 0, s2 = 0;

    template <class At>
    void start(const At& at, index_t n) {
        const double nn = static_cast<double>(n), n1 = static_cast<double>(n - 1);
        double sum = 0, sum2 = 0;
        for (index_t t = 0; t < n; ++t) {
            sum += at(t);
            sum2 += at(t) * at(t);
        }
        mu = sum / nn;
        s2 = n > 1 ? sum2 / n1 - mu * mu * nn / n1 : 0.0;
    }

    /// From one window to the next: `xn` enters, `xo` leaves.
    void advance(double xn, double xo, index_t n) {
        const double nn = static_cast<double>(n), n1 = static_cast<double>(n - 1);
        const double mu_new = mu + (xn - xo) / nn;
        if (n > 1) s2 = s2 + (xn * xn - xo * xo) / n1 + (mu * mu - mu_new * mu_new) * nn / n1;
        mu = mu_new;
    }
};

/// The values of z_start / rundtw_z_states per dimension: mu, s2 (in the units of the shifted
/// series) and the shift.
inline constexpr index_t z_state_values = 3;

/// The power-of-two shift (scaling.hpp's pow2_shift) of dimension l of x for windows of length n,
/// small enough to keep every value of the search in range: for z, IncDTW's running sums
/// (n x^2, in double) and the per-window offsets and divisors in T; for 01, the window ranges.
template <class T>
int series_shift(SeriesView<T> x, index_t l, index_t n, WindowScaling how) {
    double big = 0;
    for (index_t t = 0; t < x.length; ++t) big = std::max(big, std::fabs(static_cast<double>(x.data[t * x.dims + l])));
    const int t_limit = std::numeric_limits<T>::max_exponent - 3;  // v - off and the divisor fit T
    if (how == WindowScaling::zero_one) return pow2_shift(big, t_limit + 1);
    const int sums = (1020 - std::ilogb(static_cast<double>(n) + 1.0)) / 2;  // n x^2 < 2^1021
    return pow2_shift(big, std::min(sums, t_limit));
}

/// Points s.x at a copy of the series times 2^-shift[l] when a dimension's values are so large that
/// the scaling of its windows would overflow (ordinary data: no copy). `z_start` (z, a part after
/// window 0) carries the shift of the whole series, which the part keeps (see prepare_scaling).
template <class T>
void prepare_shift(RunSeries<T>& s, index_t n, WindowScaling how, const double* z_start = nullptr) {
    const index_t d = s.x.dims, len = s.x.length;
    if (how == WindowScaling::none) return;
    s.shift.assign(static_cast<std::size_t>(d), 0);
    bool any = false;
    for (index_t l = 0; l < d; ++l) {
        int k = series_shift(s.x, l, n, how);
        if (z_start != nullptr) k = std::max(k, static_cast<int>(z_start[z_state_values * l + 2]));
        s.shift[static_cast<std::size_t>(l)] = k;
        any = any || k != 0;
    }
    if (!any) return;
    assign_large(s.shifted, static_cast<std::size_t>(len * d), T{0});
    for (index_t t = 0; t < len; ++t) {
        for (index_t l = 0; l < d; ++l) {
            const auto u = static_cast<std::size_t>(t * d + l);
            s.shifted[u] = std::ldexp(s.x.data[u], -s.shift[static_cast<std::size_t>(l)]);
        }
    }
    s.x.data = s.shifted.data();
}

/// IncDTW's per-window scaling of s, computed in window order (the z update is a recurrence), in
/// the units of the shifted series (prepare_shift first). `z_start` (z only, z_state_values x dims
/// values: mu, s2 and the shift of each dimension) is the running state at window 0 of s, from
/// rundtw_z_states(); null: start it from s's own first window (a whole series).
template <class T>
void prepare_scaling(RunSeries<T>& s, index_t n, WindowScaling how, const double* z_start = nullptr) {
    const index_t d = s.x.dims, W = s.windows, len = s.x.length;
    if (how == WindowScaling::none) return;
    assign_large(s.off, static_cast<std::size_t>(W * d), T{0});
    assign_large(s.div, static_cast<std::size_t>(W * d), T{0});
    for (index_t l = 0; l < d; ++l) {
        const int k = s.shift.empty() ? 0 : s.shift[static_cast<std::size_t>(l)];
        const T unit = std::ldexp(T{1}, -k);  // the divisor 1 (shift only) in these units
        if (how == WindowScaling::z) {
            // sigma = 1 when s2 < 1e-9 (s2 of the unshifted series, 2^2k times this one's)
            const auto at = [&](index_t t) { return static_cast<double>(s.x.data[t * d + l]); };
            ZRunning z;
            if (z_start != nullptr) {
                const int from = static_cast<int>(z_start[z_state_values * l + 2]);  // prepare_shift: k >= from
                z.mu = std::ldexp(z_start[z_state_values * l], from - k);
                z.s2 = std::ldexp(z_start[z_state_values * l + 1], 2 * (from - k));
            } else {
                z.start(at, n);
            }
            for (index_t j = 0; j < W; ++j) {
                if (j > 0) z.advance(at(j + n - 1), at(j - 1), n);
                const auto u = static_cast<std::size_t>(j * d + l);
                s.off[u] = static_cast<T>(z.mu);
                const double s2 = k == 0 ? z.s2 : std::ldexp(z.s2, 2 * k);  // may overflow to inf: fine here
                s.div[u] = s2 < 1e-9 ? unit : static_cast<T>(std::sqrt(z.s2));
            }
        } else {
            window_extremes(s.x.data + l, d, len, 0, n - 1, W, s.off.data() + l, s.div.data() + l, d);
            for (index_t j = 0; j < W; ++j) {
                const auto u = static_cast<std::size_t>(j * d + l);
                const T range = s.div[u] - s.off[u];
                s.div[u] = (k == 0 ? range : std::ldexp(range, k)) < T(1e-9) ? unit : range;
            }
        }
    }
}

/// The data's envelope (radius r) and the per-window results of s, all unknown.
template <class T>
void prepare_envelope(RunSeries<T>& s, index_t r) {
    const index_t d = s.x.dims;
    assign_large(s.xlo, static_cast<std::size_t>(s.x.length * d), T{0});
    assign_large(s.xhi, static_cast<std::size_t>(s.x.length * d), T{0});
    envelope(s.x.data, s.x.length, d, r, r, s.xlo.data(), s.xhi.data());
    assign_large(s.val, static_cast<std::size_t>(s.windows), T{0});
    assign_large(s.status, static_cast<std::size_t>(s.windows), std::uint8_t{st_unknown});
}

/// Per-row aggregation of the excesses of a lower bound (and the local cost), as the DTW cost:
/// sum of |e| (norm1; norm2 with one dimension), sum of e^2 (norm2_square), sum of row norms (norm2).
enum class Agg : std::uint8_t { abs_sum, sq_sum, row_norm };

inline Agg agg_for(DistMethod m, index_t dims) noexcept {
    if (m == DistMethod::norm2_square) return Agg::sq_sum;
    if (m == DistMethod::norm2 && dims > 1) return Agg::row_norm;
    return Agg::abs_sum;
}

/// The tests of one window, for one thread (owns the scratch buffers).
template <class T, Agg A, bool Scaled>
class WindowTests {
  public:
    explicit WindowTests(const RunQuery<T>& q)
        : q_(q),
          y_(static_cast<std::size_t>(q.n * q.dims)),
          buf_(static_cast<std::size_t>(2 * q.n)),
          eq_(static_cast<std::size_t>(q.n)),
          ec_(static_cast<std::size_t>(q.n)),
          kq_(static_cast<std::size_t>(q.n)),
          kc_(static_cast<std::size_t>(q.n)),

          row_thr_(static_cast<std::size_t>(q.n)),
          off_(static_cast<std::size_t>(q.dims)),
          inv_(static_cast<std::size_t>(q.dims)) {}

    /// y of observation t (absolute index) of series s scaled for window j.
    static T scaled(const RunSeries<T>& s, index_t j, index_t t, index_t l) noexcept {
        const index_t d = s.x.dims;
        const T v = s.x.data[t * d + l];
        if constexpr (Scaled) {
            const auto u = static_cast<std::size_t>(j * d + l);
            return (v - s.off[u]) / s.div[u];
        } else {
            (void)j;
            return v;
        }
    }

    /// sum of term(0..n-1) in four partial sums, each term also written to keep[k]; +inf as soon as
    /// a sum of four exceeds `limit`.
    template <class Term>
    INCDTW_ALWAYS_INLINE static T early_sum(index_t n, T limit, const Term& term, T* keep) {
        T s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        index_t k = 0;
        for (; k + 4 <= n; k += 4) {
            const T e0 = term(k), e1 = term(k + 1), e2 = term(k + 2), e3 = term(k + 3);
            keep[k] = e0;
            keep[k + 1] = e1;
            keep[k + 2] = e2;
            keep[k + 3] = e3;
            s0 += e0;
            s1 += e1;
            s2 += e2;
            s3 += e3;
            if ((s0 + s1) + (s2 + s3) > limit) return std::numeric_limits<T>::infinity();
        }
        for (; k < n; ++k) {
            keep[k] = term(k);
            s0 += keep[k];
        }
        return (s0 + s1) + (s2 + s3);
    }

    /// a > b ? a : b: exactly the semantics of SSE's maxsd, so compilers emit it (std::max(a, b)
    /// differs for NaN and becomes a compare and a branch, which mispredicts on these terms).
    INCDTW_ALWAYS_INLINE static T gt_max(T a, T b) noexcept { return a > b ? a : b; }

    /// max(e, 0) without a branch (compilers keep one for a comparison with a constant): exact,
    /// (e + |e|) / 2 is e for e > 0 and 0 otherwise.
    INCDTW_ALWAYS_INLINE static T positive(T e) noexcept { return (e + std::abs(e)) * T(0.5); }

    /// The aggregated excess of row i: fn(l) gives dimension l's excess.
    template <class Fn>
    T row(index_t dims, const Fn& fn) const noexcept {
        if (dims == 1) {
            const T e = fn(0);
            if constexpr (A == Agg::sq_sum) return e * e;
            return e;
        }
        T acc = 0;
        for (index_t l = 0; l < dims; ++l) {
            const T e = fn(l);
            if constexpr (A == Agg::abs_sum) {
                acc += e;
            } else {
                acc += e * e;
            }
        }
        if constexpr (A == Agg::row_norm) return std::sqrt(acc);
        return acc;
    }

    /// Window position t against the query's envelope.
    T eq_term(const RunSeries<T>& s, index_t j, index_t t) const noexcept {
        return row(q_.dims, [&](index_t l) {
            const auto u = static_cast<std::size_t>(t * q_.dims + l);
            return excess(scaled(s, j, j + t, l), q_.qlo[u], q_.qhi[u]);
        });
    }

    /// IncDTW's bound: the window's values against the query's envelope, summed in order; stops
    /// once the sum reaches `stop` (the result is then >= stop, the full sum is too).
    T keogh_q(const RunSeries<T>& s, index_t j, T stop) const noexcept {
        const index_t n = q_.n;
        T lb = 0;
        for (index_t i = 0; i < n; ++i) {
            lb += eq_term(s, j, i);
            if ((i & 7) == 7 && lb >= stop) return lb;
        }
        return lb;
    }

    /// The DTW of the query and window j, NaN when above `thr` (+inf: no abandoning); `row_thr`
    /// as in sweep_distance_into.
    T dtw(const RunSeries<T>& s, index_t j, T thr, const T* row_thr = nullptr) {
        const index_t n = q_.n, d = q_.dims;
        const T* y = s.x.data + j * d;
        if constexpr (Scaled) {
            for (index_t i = 0; i < n; ++i) {
                for (index_t l = 0; l < d; ++l) y_[static_cast<std::size_t>(i * d + l)] = scaled(s, j, j + i, l);
            }
            y = y_.data();
        }
        return visit_series_cost(q_.q.data(), y, d, q_.method, [&](const auto& cost) {
            if (row_thr != nullptr) return sweep_pruned<T>(n, n, cost, q_.step, q_.window, thr, row_thr, buf_.data());
            return sweep_distance_into<T>(n, n, cost, q_.step, q_.window, static_cast<double>(thr), buf_.data());
        });
    }

    /// The cascade at threshold `need`: sets s.status[j] / s.val[j] (the distance, or `need` as a
    /// threshold the distance exceeds).
    ///
    /// The bounds only decide what to skip, so they are computed fast (UCR Suite): the query
    /// positions in the order of decreasing |q| (they grow fastest), four partial sums, and the
    /// window scaled by multiplying with 1 / divisor. That rounds differently from the DTW's
    /// (x - offset) / divisor: a term max(0, y - U, L - y) is 1-Lipschitz in y, and where it is
    /// near zero |y| is near |U| or |L| <= max |q|, so each term is off by at most a few ulps of
    /// (term + max |q|) (squared terms: of term + max |q|^2). A bound skips only when it exceeds
    /// `need` by a relative margin (which covers the terms and the summation) and the absolute one
    /// q.slack (the max |q| part).
    /// When no bound skips, the larger one's terms, summed from the end, bound the cost still to
    /// come after each row, and the DTW drops the cells that cannot finish below `need` (the UCR
    /// Suite's cumulative bound).
    void evaluate(RunSeries<T>& s, index_t j, T need) {
        const auto u = static_cast<std::size_t>(j);
        const auto mark = [&](std::uint8_t st, T v) {
            s.status[u] = std::max(s.status[u], st);
            s.val[u] = v;
        };
        const T* row_thr = nullptr;
        if (need < std::numeric_limits<T>::infinity()) {
            const index_t n = q_.n, d = q_.dims;
            const T eps = std::numeric_limits<T>::epsilon();
            const T slack = q_.slack;
            const T limit = need + need * q_.margin + slack;
            // fast scaled value of a value v of window j, dimension l
            T* off = off_.data();
            T* inv = inv_.data();
            if constexpr (Scaled) {
                for (index_t l = 0; l < d; ++l) {
                    off[l] = s.off[static_cast<std::size_t>(j * d + l)];
                    inv[l] = T{1} / s.div[static_cast<std::size_t>(j * d + l)];
                }
            }
            const T* x = s.x.data;
            const auto fast_scaled = [off, inv](T v, index_t l) -> T {
                if constexpr (Scaled) return (v - off[l]) * inv[l];
                (void)off;
                (void)inv;
                (void)l;
                return v;
            };
            const auto yv = [&](index_t t, index_t l) { return fast_scaled(x[t * d + l], l); };
            const auto term_q = [&](index_t k) {  // window position order[k] vs the query's envelope
                const index_t t = q_.order[static_cast<std::size_t>(k)];
                return row(d, [&](index_t l) {
                    const auto w = static_cast<std::size_t>(k * d + l);
                    const T y = yv(j + t, l);
                    return positive(gt_max(y - q_.ohi[w], q_.olo[w] - y));
                });
            };
            const auto term_c = [&](index_t k) {  // query position order[k] vs the data's envelope
                const index_t i = q_.order[static_cast<std::size_t>(k)];
                return row(d, [&](index_t l) {
                    const auto w = static_cast<std::size_t>((j + i) * d + l);
                    const T lo = fast_scaled(s.xlo[w], l), hi = fast_scaled(s.xhi[w], l);
                    const T qv = q_.oq[static_cast<std::size_t>(k * d + l)];
                    return positive(gt_max(qv - hi, lo - qv));
                });
            };
            // LB_Kim: the cheapest cells near the two corners, which every path passes.
            const auto cell = [&](index_t i, index_t t) {
                return row(d, [&](index_t l) {
                    const T diff = q_.q[static_cast<std::size_t>(i * d + l)] - yv(j + t, l);
                    return diff < 0 ? -diff : diff;
                });
            };
            if (lb_kim_hierarchy<T>(n, cell, limit) > limit) return mark(st_kim, need);
            // LB_Keogh both ways (four partial sums, checked after every four terms); the terms are
            // kept (for the cumulative bound) only for a window that neither skips.
            T lq, lc;
            if (d == 1) {  // the common case, without the per-dimension loops
                const T* xw = x + j;
                const T o = off[0], iv = inv[0];
                const index_t* order = q_.order.data();
                const T *ohi = q_.ohi.data(), *olo = q_.olo.data(), *oq = q_.oq.data();
                const T *xlo = s.xlo.data() + j, *xhi = s.xhi.data() + j;
                const auto scale1 = [o, iv](T v) {
                    if constexpr (Scaled) return (v - o) * iv;
                    return v;
                };
                // Branch-free terms (a data-dependent branch on e > 0 mispredicts half the time).
                const auto eq1 = [&](index_t k) INCDTW_ALWAYS_INLINE {
                    const T y = scale1(xw[order[k]]);
                    const T e = positive(gt_max(y - ohi[k], olo[k] - y));
                    if constexpr (A == Agg::sq_sum) return e * e;
                    return e;
                };
                const auto ec1 = [&](index_t k) INCDTW_ALWAYS_INLINE {
                    const index_t i = order[k];
                    const T e = positive(gt_max(oq[k] - scale1(xhi[i]), scale1(xlo[i]) - oq[k]));
                    if constexpr (A == Agg::sq_sum) return e * e;
                    return e;
                };
                lq = early_sum(n, limit, eq1, kq_.data());
                if (lq > limit) return mark(st_keogh_q, need);
                lc = early_sum(n, limit, ec1, kc_.data());
                if (lc > limit) return mark(st_keogh_c, need);
            } else {
                lq = early_sum(n, limit, term_q, kq_.data());
                if (lq > limit) return mark(st_keogh_q, need);
                lc = early_sum(n, limit, term_c, kc_.data());
                if (lc > limit) return mark(st_keogh_c, need);
            }
            for (index_t k = 0; k < n; ++k) {  // from the order of the sums to positions
                const auto t = static_cast<std::size_t>(q_.order[static_cast<std::size_t>(k)]);
                eq_[t] = kq_[static_cast<std::size_t>(k)];
                ec_[t] = kc_[static_cast<std::size_t>(k)];
            }
            // rest[i]: a lower bound of the cost after row i (query position i), the larger of two:
            // the query's terms (ec) of rows i+1.., and the window's terms (eq) of the columns
            // > i + radius, which every path still visits after a cell of row i.
            T rest_c = 0, rest_q = 0;
            const T top = need + need * T(4) * eps;
            const T keep = T{1} - q_.margin;
            for (index_t i = n - 1; i >= 0; --i) {
                const auto ui = static_cast<std::size_t>(i);
                const T rest = rest_c > rest_q ? rest_c : rest_q;
                const T safe = rest * keep - slack;
                row_thr_[ui] = safe > 0 ? top - safe : top;
                rest_c += ec_[ui];
                if (i + q_.radius < n) rest_q += eq_[static_cast<std::size_t>(i + q_.radius)];
            }
            row_thr = row_thr_.data();
        }
        const T dist = dtw(s, j, need, row_thr);
        if (dist == dist) {
            s.status[u] = st_done;
            s.val[u] = dist;
        } else {
            mark(st_abandoned, need);
        }
    }

  private:
    const RunQuery<T>& q_;
    std::vector<T> y_;
    std::vector<T> buf_;
    std::vector<T> eq_, ec_, kq_, kc_, row_thr_;
    std::vector<T> off_, inv_;  ///< the current window's offsets and 1 / divisors
};

/// The constants of IncDTW's reporting rule (phase 2).
template <class T>
struct ReportRule {
    bool use_lb = true, use_ea = true;
    T threshold = std::numeric_limits<T>::infinity();  ///< +inf: none
    index_t k = 0, overlap = 1;
    T margin = 0;  ///< RunQuery::margin

    /// The limit a run of windows starts from.
    T thr() const noexcept { return use_ea ? threshold : std::numeric_limits<T>::infinity(); }
    /// Phase 2 can start anywhere from a guessed state and be corrected afterwards (Reporter::fix_up):
    /// without IncDTW's k-NN bookkeeping the state between windows is (bsfiw, ix) alone.
    bool speculative() const noexcept { return k == 0 && use_ea; }
};

/// IncDTW's reporting state at the top of a window: the best reported distance of the current run
/// of windows and its (absolute) position, and with k > 0 IncDTW's k-NN bookkeeping, with the
/// bookkeeping held at the start of the current series (list mode carries it over).
template <class T>
struct ReportState {
    T bsfiw = std::numeric_limits<T>::infinity();
    index_t ix = 0;
    IncdtwKnnState<T> knn;
    std::vector<T> held_val;
    std::vector<index_t> held_ix, held_series;

    /// Two states that continue alike (k = 0).
    bool same_walk(const ReportState& o) const noexcept { return bsfiw == o.bsfiw && ix == o.ix; }
};

/// Before window 0 of series `si`: IncDTW's k-NN bookkeeping starts (si = 0) or is carried over from
/// the previous series' whole `dist` (R's kNN_update between the series of a list).
template <class T>
void begin_series(ReportState<T>& st, const ReportRule<T>& rule, index_t si, const T* prev_dist, index_t prev_len) {
    if (rule.k == 0) return;
    const auto k = static_cast<std::size_t>(rule.k);
    if (si == 0) {
        st.knn = IncdtwKnnState<T>(rule.k, rule.overlap);
        st.held_val.assign(k, std::numeric_limits<T>::infinity());
        st.held_ix.assign(k, IncdtwKnnState<T>::empty);
        st.held_series.assign(k, 0);
        return;
    }
    const auto minima = knn_rev(prev_dist, prev_len, rule.overlap);
    st.knn.carry_over(st.held_val, st.held_ix, st.held_series, prev_dist, minima, si - 1);
    st.held_val = st.knn.val;
    st.held_ix = st.knn.ix;
    st.held_series = st.knn.series;
}

/// IncDTW's reporting rule over windows of one series (phase 2), reusing what phase 1 found.
template <class T, class Tests>
class Reporter {
  public:
    /// `cancel`: checked every 1,024 windows (cancel.hpp; null: none).
    Reporter(RunSeries<T>& s, const ReportRule<T>& rule, Tests& tests, T* dist, Cancellation* cancel = nullptr)
        : s_(s), rule_(rule), tests_(tests), dist_(dist), cancel_(cancel) {}

    /// Window j (of s) at `limit`: its distance when reported, NaN otherwise.
    T report(index_t j, T limit) {
        const auto u = static_cast<std::size_t>(j);
        if (s_.status[u] == st_unknown || (s_.status[u] != st_done && s_.val[u] < limit)) tests_.evaluate(s_, j, limit);
        if (s_.status[u] != st_done || s_.val[u] > limit) return std::numeric_limits<T>::quiet_NaN();
        // IncDTW also skips the window when its bound reaches the threshold (<=, ties included).
        // The bound is below the distance, so that needs a distance within rounding of the threshold.
        if (rule_.use_lb && limit < std::numeric_limits<T>::infinity() && s_.val[u] * (T{1} + rule_.margin) >= limit &&
            tests_.keogh_q(s_, j, limit) >= limit) {
            return std::numeric_limits<T>::quiet_NaN();
        }
        return s_.val[u];
    }

    /// Window j from the state at its top; writes dist[j] and moves the state past j.
    void step(ReportState<T>& st, index_t j) {
        const index_t a = s_.first + j;
        const T thr = rule_.thr();
        const auto u = static_cast<std::size_t>(j);
        if (a == 0) {  // a series starts
            dist_[u] = report(j, thr);
            st.bsfiw = best(dist_[u]);
            st.ix = 0;
            if (rule_.k > 0) {
                if (s_.series == 0) {
                    st.knn.start_first(st.bsfiw, s_.series);
                } else {
                    st.knn.start_next(st.bsfiw, s_.series);
                }
            }
            return;
        }
        if (a - st.ix >= rule_.overlap) {
            st.bsfiw = thr;
            st.ix = a;
        }
        T limit = rule_.use_ea ? std::min(st.bsfiw, thr) : thr;
        if (rule_.k > 0) limit = std::min(limit, st.knn.vmax);
        const T v = report(j, limit);
        dist_[u] = v;
        if (rule_.k > 0 && v == v) st.knn.update(v, a, s_.series);
        if (v < st.bsfiw) {
            st.bsfiw = v;
            st.ix = a;
        }
    }

    /// Windows [jb, je) in order.
    void run(ReportState<T>& st, index_t jb, index_t je, RundtwProgress* progress) {
        std::int64_t counted = 0;
        for (index_t j = jb; j < je; ++j) {
            if ((j & 1023) == 0) interruption_point(cancel_);
            step(st, j);
            if (progress != nullptr && ((j - jb + 1) & 0xFFFF) == 0) {
                progress->done.fetch_add(0x10000, std::memory_order_relaxed);
                counted += 0x10000;
            }
        }
        if (progress != nullptr) progress->done.fetch_add(je - jb - counted, std::memory_order_relaxed);
    }

    /// The state after a window whose reported value was `v`, without computing anything (k = 0).
    void replay(ReportState<T>& st, index_t j, T v) const noexcept {
        const index_t a = s_.first + j;
        if (a == 0) {
            st.bsfiw = best(v);
            st.ix = 0;
            return;
        }
        if (a - st.ix >= rule_.overlap) {
            st.bsfiw = rule_.thr();
            st.ix = a;
        }
        if (v < st.bsfiw) {
            st.bsfiw = v;
            st.ix = a;
        }
    }

    /// Windows [jb, je) were run() from the state `spec` (at jb), which ended as `spec_end`; the
    /// true state at jb is `st`. Recomputes them from st until both walks reach the same state at
    /// the top of a window: from there on they are the same walk, and `st` becomes spec_end. Only
    /// for rule.speculative(). Returns the windows recomputed.
    index_t fix_up(ReportState<T>& st, ReportState<T> spec, const ReportState<T>& spec_end, index_t jb, index_t je) {
        for (index_t j = jb; j < je; ++j) {
            if ((j & 1023) == 0) interruption_point(cancel_);
            if (st.same_walk(spec)) {
                st.bsfiw = spec_end.bsfiw;
                st.ix = spec_end.ix;
                return j - jb;
            }
            replay(spec, j, dist_[static_cast<std::size_t>(j)]);
            step(st, j);
        }
        return je - jb;
    }

  private:
    static T best(T v) noexcept { return v == v ? v : std::numeric_limits<T>::infinity(); }

    RunSeries<T>& s_;
    const ReportRule<T>& rule_;
    Tests& tests_;
    T* dist_;
    Cancellation* cancel_;
};

/// Adds the final status of every window of s to c.
template <class T>
void count_status(const RunSeries<T>& s, RundtwCounter& c) {
    for (std::uint8_t st : s.status) {
        switch (st) {
            case st_kim: ++c.lb_kim; break;
            case st_keogh_q: ++c.lb_keogh_q; break;
            case st_keogh_c: ++c.lb_keogh_c; break;
            case st_abandoned: ++c.early_abandon; break;
            case st_done: ++c.completed; break;
            default: break;
        }
    }
}

/// Threads for a search: one below about 2e6 window cells (less than a millisecond of work).
inline int search_threads(index_t windows, index_t n, int n_jobs) {
    return static_cast<double>(windows) * static_cast<double>(n) < 2.0e6 ? 1 : resolve_threads(n_jobs);
}

/// Windows [begin, end) of series `series` (an index into the searched list).
struct PartRange {
    index_t series, begin, end;
};

/// The parts a search runs on its threads: `part_windows` windows each (0: about two per thread,
/// at least 20,000 windows).
template <class T>
std::vector<PartRange> split_parts(const std::vector<RunSeries<T>>& all, int threads, index_t part_windows) {
    std::vector<PartRange> parts;
    for (index_t si = 0; si < static_cast<index_t>(all.size()); ++si) {
        const index_t W = all[static_cast<std::size_t>(si)].windows;
        const index_t size = part_windows > 0 ? part_windows : std::max<index_t>(W / (2 * threads) + 1, 20000);
        for (index_t b = 0; b < W; b += size) parts.push_back({si, b, std::min(W, b + size)});
    }
    return parts;
}

/// The two phases of a search over a list of series (or parts of them), on `threads` threads.
///  * phase 1 finds the k-NN candidates (or, without any threshold, every distance) in parallel
///    parts, each with its own bound (valid for the whole, detail/knn.hpp);
///  * phase 2 applies IncDTW's reporting rule: in order (report), or, without the k-NN
///    bookkeeping, in parallel parts from a guessed state that are then corrected in order
///    (speculate: the walks of the rule meet again soon after a part starts).
template <class T, Agg A, bool Scaled>
class Search {
  public:
    using Tests = WindowTests<T, A, Scaled>;

    Search(const RunQuery<T>& q, std::vector<RunSeries<T>>& all, const ReportRule<T>& rule, int threads,
           index_t part_windows, RundtwProgress* progress)
        : q_(q), all_(all), rule_(rule), threads_(threads), part_windows_(part_windows), progress_(progress),
          cancel_(current_cancellation()) {}

    /// Phase 1 (k > 0: the candidates of every part; without a threshold and k = 0: every
    /// distance). `tau0`: a bound of the k-th distance known beforehand (or the threshold); `seed`:
    /// search the first windows serially first for a better one.
    std::vector<Match<T>> candidates(T tau0, bool seed) {
        const bool full = rule_.k == 0 && !rule_.use_ea;
        const auto parts = split_parts(all_, threads_, part_windows_);
        std::vector<std::vector<Match<T>>> found(parts.size());
        if (seed && rule_.k > 0 && parts.size() > 1) {
            Tests tests(q_);
            const index_t n = std::min(all_[0].windows, std::max<index_t>(16 * rule_.k * rule_.overlap, 4096));
            tau0 = search_range(all_[0], 0, n, tau0, tests).tau();
        }
        parallel_for(static_cast<index_t>(parts.size()), threads_, [&](index_t p) {
            const PartRange part = parts[static_cast<std::size_t>(p)];
            Tests tests(q_);
            RunSeries<T>& s = all_[static_cast<std::size_t>(part.series)];
            if (full) {
                for (index_t j = part.begin; j < part.end; ++j) {
                    if ((j & 1023) == 0) interruption_point(cancel_);
                    tests.evaluate(s, j, std::numeric_limits<T>::infinity());
                }
            } else {
                found[static_cast<std::size_t>(p)] = search_range(s, part.begin, part.end, tau0, tests).candidates();
            }
            if (progress_ != nullptr) progress_->done.fetch_add(part.end - part.begin, std::memory_order_relaxed);
        });
        std::vector<Match<T>> out;
        for (auto& f : found) out.insert(out.end(), f.begin(), f.end());
        return out;
    }

    /// Phase 2 in order over every series from its start (list mode carries IncDTW's bookkeeping
    /// from one series to the next).
    void report(std::vector<std::vector<T>>& dist) {
        Tests tests(q_);
        ReportState<T> st;
        for (std::size_t i = 0; i < all_.size(); ++i) {
            RunSeries<T>& s = all_[i];
            const auto& prev = i > 0 ? dist[i - 1] : dist[i];
            begin_series(st, rule_, s.series, prev.data(), static_cast<index_t>(prev.size()));
            assign_large(dist[i], static_cast<std::size_t>(s.windows), std::numeric_limits<T>::quiet_NaN());
            Reporter<T, Tests>(s, rule_, tests, dist[i].data(), cancel_).run(st, 0, s.windows, progress_);
        }
    }

    /// Phase 2 speculatively (rule.speculative()): every part from the state "a run of windows
    /// starts here", in parallel, then corrected in order within each series. dist[i] is then the
    /// walk of series (part) i from the state start[i] at its first window, ending in end[i].
    void speculate(std::vector<std::vector<T>>& dist, std::vector<ReportState<T>>& start,
                   std::vector<ReportState<T>>& end) {
        const auto parts = split_parts(all_, threads_, part_windows_);
        std::vector<ReportState<T>> from(parts.size()), to(parts.size());
        for (std::size_t i = 0; i < all_.size(); ++i) {
            assign_large(dist[i], static_cast<std::size_t>(all_[i].windows), std::numeric_limits<T>::quiet_NaN());
        }
        parallel_for(static_cast<index_t>(parts.size()), threads_, [&](index_t p) {
            const auto u = static_cast<std::size_t>(p);
            const PartRange part = parts[u];
            RunSeries<T>& s = all_[static_cast<std::size_t>(part.series)];
            Tests tests(q_);
            from[u].bsfiw = rule_.thr();  // a run of windows starts at the part's first window
            from[u].ix = s.first + part.begin;
            to[u] = from[u];
            Reporter<T, Tests>(s, rule_, tests, dist[static_cast<std::size_t>(part.series)].data(), cancel_)
                .run(to[u], part.begin, part.end, progress_);
        });
        start.assign(all_.size(), ReportState<T>{});
        end.assign(all_.size(), ReportState<T>{});
        Tests tests(q_);
        for (std::size_t p = 0; p < parts.size(); ++p) {
            const auto si = static_cast<std::size_t>(parts[p].series);
            if (p == 0 || parts[p - 1].series != parts[p].series) {
                start[si] = from[p];
                end[si] = to[p];
                continue;
            }
            Reporter<T, Tests>(all_[si], rule_, tests, dist[si].data(), cancel_)
                .fix_up(end[si], from[p], to[p], parts[p].begin, parts[p].end);
        }
    }

    /// Every window's final status, counted.
    RundtwCounter counter() const {
        RundtwCounter c;
        for (const auto& s : all_) count_status(s, c);
        return c;
    }

  private:
    /// Searches windows [begin, end) of s from the bound tau0; windows that an earlier search
    /// already settled are not computed again.
    KnnCandidates<T> search_range(RunSeries<T>& s, index_t begin, index_t end, T tau0, Tests& tests) const {
        KnnCandidates<T> cands(rule_.k, rule_.overlap, tau0);
        for (index_t j = begin; j < end; ++j) {
            if ((j & 1023) == 0) interruption_point(cancel_);
            const auto u = static_cast<std::size_t>(j);
            const T tau = cands.tau();
            if (s.status[u] == st_unknown || (s.status[u] != st_done && s.val[u] < tau)) tests.evaluate(s, j, tau);
            if (s.status[u] == st_done && s.val[u] <= cands.tau()) cands.add(s.val[u], s.series, s.first + j);
        }
        return cands;
    }

    const RunQuery<T>& q_;
    std::vector<RunSeries<T>>& all_;
    const ReportRule<T>& rule_;
    int threads_;
    index_t part_windows_;
    RundtwProgress* progress_;
    Cancellation* cancel_;
};

/// fn(Search<T, A, Scaled>) for the options' cost aggregation and scaling.
template <class T, class Fn>
decltype(auto) with_search(const RunQuery<T>& q, std::vector<RunSeries<T>>& all, const ReportRule<T>& rule,
                           WindowScaling scale, int threads, index_t part_windows, RundtwProgress* progress, Fn&& fn) {
    const Agg agg = agg_for(q.method, q.dims);
    const bool scaled = scale != WindowScaling::none;
    const auto run = [&](auto a, auto sc) -> decltype(auto) {
        Search<T, decltype(a)::value, decltype(sc)::value> search(q, all, rule, threads, part_windows, progress);
        return fn(search);
    };
    using std::integral_constant;
    if (agg == Agg::abs_sum) {
        return scaled ? run(integral_constant<Agg, Agg::abs_sum>{}, std::true_type{})
                      : run(integral_constant<Agg, Agg::abs_sum>{}, std::false_type{});
    }
    if (agg == Agg::sq_sum) {
        return scaled ? run(integral_constant<Agg, Agg::sq_sum>{}, std::true_type{})
                      : run(integral_constant<Agg, Agg::sq_sum>{}, std::false_type{});
    }
    return scaled ? run(integral_constant<Agg, Agg::row_norm>{}, std::true_type{})
                  : run(integral_constant<Agg, Agg::row_norm>{}, std::false_type{});
}

/// The rule of the options (k at most `windows`: no more neighbours than windows, the state holds k).
template <class T>
ReportRule<T> report_rule(const RundtwOptions& opt, const RunQuery<T>& q, index_t windows) {
    ReportRule<T> rule;
    rule.use_lb = opt.lower_bound || opt.k > 0;
    rule.use_ea = rule.use_lb || opt.threshold < std::numeric_limits<double>::infinity();
    rule.threshold = opt.threshold < std::numeric_limits<double>::infinity() ? threshold_as<T>(opt.threshold)
                                                                             : std::numeric_limits<T>::infinity();
    rule.k = std::min(opt.k, windows);
    rule.overlap = q.overlap;
    rule.margin = q.margin;
    return rule;
}

/// The query side of a search: scaled, its envelope, its positions by decreasing |q|.
template <class T>
RunQuery<T> make_query(SeriesView<T> query, const RundtwOptions& opt) {
    const index_t n = query.length, d = query.dims;
    RunQuery<T> q;
    q.n = n;
    q.dims = d;
    q.window = opt.window;
    q.radius = (opt.window < 0 || opt.window >= n) ? n : opt.window;
    q.overlap = n - opt.overlap_tol;
    q.step = opt.step_pattern;
    q.method = opt.dist_method;
    q.margin = T(8) * static_cast<T>(n * (d + 1) + 2) * std::numeric_limits<T>::epsilon();
    if (opt.scale == WindowScaling::none) {
        q.q.assign(query.data, query.data + n * d);
    } else {
        ScaleOptions so;
        so.type = opt.scale == WindowScaling::z ? ScaleType::z : ScaleType::zero_one;
        q.q = scale(query, so);
    }
    q.qlo.resize(q.q.size());
    q.qhi.resize(q.q.size());
    envelope(q.q.data(), n, d, q.radius, q.radius, q.qlo.data(), q.qhi.data());
    std::vector<T> weight(static_cast<std::size_t>(n), T{0});
    for (index_t i = 0; i < n; ++i) {
        for (index_t l = 0; l < d; ++l) weight[static_cast<std::size_t>(i)] += std::abs(q.q[static_cast<std::size_t>(i * d + l)]);
        q.order.push_back(i);
    }
    std::stable_sort(q.order.begin(), q.order.end(), [&](index_t a, index_t b) {
        return weight[static_cast<std::size_t>(a)] > weight[static_cast<std::size_t>(b)];
    });
    for (index_t k = 0; k < n; ++k) {
        const index_t t = q.order[static_cast<std::size_t>(k)];
        for (index_t l = 0; l < d; ++l) {
            const auto w = static_cast<std::size_t>(t * d + l);
            q.oq.push_back(q.q[w]);
            q.olo.push_back(q.qlo[w]);
            q.ohi.push_back(q.qhi[w]);
            q.qmax = std::max(q.qmax, std::abs(q.q[w]));
        }
    }
    q.slack = T(32) * static_cast<T>(n * d + 2) * std::numeric_limits<T>::epsilon() * (q.qmax + q.qmax * q.qmax);
    q.margin = std::max(q.margin, T(64) * std::numeric_limits<T>::epsilon());
    return q;
}

/// The query's checks shared by rundtw() and RundtwPart.
template <class T>
void check_query(SeriesView<T> query, const RundtwOptions& opt) {
    check_series(query, "Q");
    if (opt.overlap_tol >= query.length) {
        throw std::invalid_argument("overlap_tol must be between 0 and len(Q) - 1 = " + std::to_string(query.length - 1) +
                                    ", got " + std::to_string(opt.overlap_tol));
    }
}

/// A part's z_start: per dimension a finite mu and s2 and an integral shift in [0, 2200] (a shift of
/// rundtw_z_states is at most ~1100).
inline void check_z_start(const double* z, index_t dims) {
    for (index_t l = 0; l < dims; ++l) {
        const double* v = z + z_state_values * l;
        if (!std::isfinite(v[0]) || !std::isfinite(v[1]) || !(v[2] >= 0 && v[2] <= 2200) || v[2] != std::floor(v[2])) {
            throw std::invalid_argument("z_start is not a state of rundtw_z_states (mu, s2, shift per dimension)");
        }
    }
}

template <class T>
void check_searched(SeriesView<T> query, SeriesView<T> x, const std::string& name) {
    check_series(x, name.c_str());
    if (x.dims != query.dims) {
        throw std::invalid_argument(name + " has " + std::to_string(x.dims) + " dimensions but Q has " +
                                    std::to_string(query.dims));
    }
    if (x.length < query.length) {
        throw std::invalid_argument("Q (length " + std::to_string(query.length) + ") is longer than " + name +
                                    " (length " + std::to_string(x.length) + ")");
    }
}

}  // namespace detail

/// Throws std::invalid_argument naming the bad member.
inline void validate(const RundtwOptions& opt) {
    if (opt.window < -1) throw std::invalid_argument("ws must be >= 0");
    if (std::isnan(opt.threshold) || opt.threshold < 0) throw std::invalid_argument("threshold needs to be >= 0");
    if (opt.k < 0) throw std::invalid_argument("k must be >= 0");
    if (opt.overlap_tol < 0) throw std::invalid_argument("overlap_tol must be >= 0");
    if (opt.part_windows < 0) throw std::invalid_argument("part_windows must be >= 0");
    detail::resolve_threads(opt.n_jobs);
}

/// The DTW distance of the scaled query `q` (n x d) to every window of length n of each series
/// (scaled per window), IncDTW's reporting rule for `dist`, and the k nearest non-overlapping
/// windows over all series (windows of one series overlap when fewer than n - overlap_tol apart).
/// Throws std::invalid_argument (NaN/inf values, a series shorter than the query, dimensions that
/// differ, overlap_tol >= n, bad options) and std::length_error (empty input).
template <class T>
RundtwResult<T> rundtw(SeriesView<T> query, const std::vector<SeriesView<T>>& series, const RundtwOptions& opt = {}) {
    validate(opt);
    detail::check_query(query, opt);
    if (series.empty()) throw std::length_error("C must hold at least one series");
    for (std::size_t i = 0; i < series.size(); ++i) {
        detail::check_searched(query, series[i], series.size() == 1 ? std::string("C") : "C[" + std::to_string(i) + "]");
    }
    const index_t n = query.length;
    const detail::RunQuery<T> q = detail::make_query(query, opt);

    std::vector<detail::RunSeries<T>> all(series.size());
    index_t total_windows = 0;
    for (std::size_t i = 0; i < series.size(); ++i) {
        all[i].x = series[i];
        all[i].windows = series[i].length - n + 1;
        all[i].series = static_cast<index_t>(i);
        total_windows += all[i].windows;
    }
    // Per series two independent O(length) jobs: the scaling of every window, and the data's
    // envelope with the per-window results.
    const int threads = detail::search_threads(total_windows, n, opt.n_jobs);
    detail::parallel_for(static_cast<index_t>(all.size()), threads, [&](index_t i) {  // before both jobs
        detail::prepare_shift(all[static_cast<std::size_t>(i)], n, opt.scale);
    });
    detail::parallel_for(static_cast<index_t>(2 * all.size()), threads, [&](index_t job) {
        auto& s = all[static_cast<std::size_t>(job / 2)];
        if (job % 2 == 0) {
            detail::prepare_scaling(s, n, opt.scale);
        } else {
            detail::prepare_envelope(s, q.radius);
        }
    });

    const detail::ReportRule<T> rule = detail::report_rule(opt, q, total_windows);
    const bool speculate = rule.speculative() && (threads > 1 || opt.part_windows > 0);
    const bool phase1 = !speculate && (rule.k > 0 || !rule.use_ea);
    if (opt.progress != nullptr) opt.progress->total.store(static_cast<std::int64_t>(phase1 ? 2 * total_windows : total_windows));
    RundtwResult<T> out;
    out.dist.resize(all.size());
    detail::with_search(q, all, rule, opt.scale, threads, opt.part_windows, opt.progress, [&](auto& search) {
        std::vector<detail::Match<T>> cands;
        if (speculate) {
            std::vector<detail::ReportState<T>> start, end;  // every series starts at its window 0: exact
            search.speculate(out.dist, start, end);
        } else {
            if (phase1) cands = search.candidates(rule.threshold, true);
            search.report(out.dist);
        }
        if (rule.k > 0) {  // the k-NN: best first over every candidate
            for (const detail::Match<T>& m : detail::select_non_overlapping(cands, rule.k, rule.overlap)) {
                out.knn_values.push_back(m.value);
                out.knn_indices.push_back(m.pos);
                out.knn_series.push_back(m.series);
            }
        }
        out.counter = search.counter();
        return 0;
    });
    out.query = q.q;
    return out;
}

/// One series.
template <class T>
RundtwResult<T> rundtw(SeriesView<T> query, SeriesView<T> series, const RundtwOptions& opt = {}) {
    return rundtw(query, std::vector<SeriesView<T>>{series}, opt);
}

/// IncDTW's running z state of the windows of length n of x at the windows `starts` (ascending):
/// mu and s2 of every dimension in the units of the series times 2^-shift, and that shift (the
/// whole series', detail::series_shift), starts.size() x dims x 3 values: the `z_start` of RundtwPart.
template <class T>
std::vector<double> rundtw_z_states(SeriesView<T> x, index_t n, const std::vector<index_t>& starts) {
    if (n < 1 || n > x.length) throw std::invalid_argument("rundtw_z_states: x is shorter than the query");
    const index_t d = x.dims, W = x.length - n + 1;
    constexpr auto per = static_cast<std::size_t>(detail::z_state_values);
    std::vector<double> out(starts.size() * static_cast<std::size_t>(d) * per);
    for (index_t l = 0; l < d; ++l) {
        const int k = detail::series_shift(x, l, n, WindowScaling::z);
        // as prepare_shift's copy: the value in T times 2^-k, then in double
        const auto at = [&](index_t t) { return static_cast<double>(std::ldexp(x.data[t * d + l], -k)); };
        detail::ZRunning z;
        z.start(at, n);
        index_t j = 0;
        for (std::size_t i = 0; i < starts.size(); ++i) {
            const index_t target = starts[i];
            if (target < j || target >= W) throw std::invalid_argument("rundtw_z_states: starts must be ascending windows");
            for (; j < target; ++j) z.advance(at(j + n), at(j), n);
            double* o = out.data() + (i * static_cast<std::size_t>(d) + static_cast<std::size_t>(l)) * per;
            o[0] = z.mu;
            o[1] = z.s2;
            o[2] = k;
        }
    }
    return out;
}

/// IncDTW's reporting state between two parts of a search (opaque; copy it from one part's
/// finish() to the next one's).
template <class T>
using RundtwState = detail::ReportState<T>;

/// A match of a search part: distance, series, window.
template <class T>
using RundtwMatch = detail::Match<T>;

/// The k best first non-overlapping matches (windows of one series closer than `overlap` overlap),
/// the exact k-NN when `candidates` are every part's search() candidates.
/// Throws std::invalid_argument for k < 0, overlap < 1, a NaN value (no order to sort by) or a
/// negative series or position (the candidates come from other machines).
template <class T>
std::vector<RundtwMatch<T>> rundtw_select(std::vector<RundtwMatch<T>> candidates, index_t k, index_t overlap) {
    if (k < 0) throw std::invalid_argument("k must be >= 0");
    if (overlap < 1) throw std::invalid_argument("overlap must be >= 1");
    for (const RundtwMatch<T>& m : candidates) {
        if (std::isnan(m.value)) throw std::invalid_argument("rundtw_select: a candidate's value is NaN");
        if (m.series < 0 || m.pos < 0) throw std::invalid_argument("rundtw_select: series and positions must be >= 0");
    }
    return detail::select_non_overlapping(candidates, k, overlap);
}

/// One part of a search, to run a search on several machines (incdtw.distributed): windows
/// [first, first + windows) of series `series` of the searched list, given as their observations
/// (`data`: windows + len(Q) - 1 of them). With z scaling `z_start` is the running state at window
/// `first` (rundtw_z_states(); 3 x dims values); a part at window 0 needs none. Each part runs on
/// its own with opt.n_jobs threads. Together the parts give rundtw()'s result bit for bit:
///  * k > 0: search(tau) of every part, in parallel, with tau = the threshold or any bound of the
///    k-th distance (the k-th value of a search of some windows): the candidates, whose
///    rundtw_select() is the exact k-NN; then finish() of the parts in order, each from the state
///    the previous one returned, gives `dist` (IncDTW's reporting rule);
///  * k = 0 and a threshold or lower_bound: speculate() of every part in parallel, then finish() in
///    order, which recomputes the windows (usually a few) until the part's walk meets the true one;
///  * k = 0 without either: search() (every distance) of every part, then finish().
/// A part that does not start at window 0 of its series needs the state of the part before it;
/// one that does needs, in list mode with k > 0, the previous series' whole `dist`.
template <class T>
class RundtwPart {
  public:
    RundtwPart(SeriesView<T> query, SeriesView<T> data, index_t first, index_t series, const RundtwOptions& opt,
               const double* z_start = nullptr)
        : opt_(opt) {
        validate(opt);
        detail::check_query(query, opt);
        detail::check_searched(query, data, "C");
        if (first < 0 || series < 0) throw std::invalid_argument("first and series must be >= 0");
        // positions first + j (and the k-NN bookkeeping's imax + overlap) must not overflow
        if (first > std::numeric_limits<index_t>::max() / 4) throw std::invalid_argument("first is too large");
        if (opt.scale == WindowScaling::z && first > 0 && z_start == nullptr) {
            throw std::invalid_argument("a part with z scaling after window 0 needs z_start");
        }
        if (opt.scale == WindowScaling::z && first > 0) detail::check_z_start(z_start, data.dims);
        q_ = detail::make_query(query, opt);
        all_.resize(1);
        detail::RunSeries<T>& s = all_[0];
        s.x = data;
        s.windows = data.length - query.length + 1;
        s.first = first;
        s.series = series;
        const double* z = opt.scale == WindowScaling::z && first > 0 ? z_start : nullptr;
        detail::prepare_shift(s, query.length, opt.scale, z);
        detail::prepare_scaling(s, query.length, opt.scale, first > 0 ? z_start : nullptr);
        detail::prepare_envelope(s, q_.radius);
        rule_ = detail::report_rule(opt, q_, std::numeric_limits<index_t>::max());
        threads_ = detail::search_threads(s.windows, query.length, opt.n_jobs);
        dist_.resize(1);
    }

    index_t windows() const noexcept { return all_[0].windows; }

    /// Phase 1 (k > 0, or k = 0 without a threshold or lower_bound): the candidates of this part
    /// (k > 0) from the bound `tau` (the threshold, or smaller: any bound of the k-th distance).
    std::vector<RundtwMatch<T>> search(double tau) {
        if (rule_.speculative()) {  // phase 1 of k = 0 with either is speculate(); KnnCandidates needs k > 0
            throw std::invalid_argument("search() is for k > 0 or k = 0 without a threshold or lower_bound");
        }
        if (std::isnan(tau) || tau < 0) throw std::invalid_argument("tau must be >= 0");
        const T t = tau < std::numeric_limits<double>::infinity() ? detail::threshold_as<T>(tau)
                                                                   : std::numeric_limits<T>::infinity();
        return with([&](auto& s) { return s.candidates(std::min(t, rule_.threshold), false); });
    }

    /// Phase 2 from a guessed state (k = 0 with a threshold or lower_bound), for finish() to correct.
    void speculate() {
        if (!rule_.speculative()) {
            throw std::invalid_argument("speculate() is for k = 0 with a threshold or lower_bound");
        }
        std::vector<RundtwState<T>> start, end;
        with([&](auto& s) {
            s.speculate(dist_, start, end);
            return 0;
        });
        spec_start_ = start[0];
        spec_end_ = end[0];
        speculated_ = true;
    }

    /// Phase 2 from the true state at the part's first window (the previous part's finish(); at
    /// window 0 of a series the state after the previous series, or a default one for the first);
    /// `prev_dist`: the previous series' whole dist (list mode, k > 0, at window 0). Returns the
    /// state after the part; dist() is then final.
    /// Throws std::invalid_argument when `state` or `prev_dist` cannot be what it should be (they come
    /// from another machine): see check_state().
    RundtwState<T> finish(RundtwState<T> state, const T* prev_dist = nullptr, index_t prev_len = 0) {
        detail::RunSeries<T>& s = all_[0];
        if (prev_len < 0 || (prev_dist == nullptr && prev_len != 0)) {
            throw std::invalid_argument("finish(): prev_dist must hold prev_len >= 0 values");
        }
        if (s.first > 0) {
            check_state(state, 0, s.first - 1, "state");
        } else if (rule_.k > 0 && s.series > 0) {  // the state after the previous series, carried over
            if (prev_dist == nullptr) {
                throw std::invalid_argument("finish() of window 0 of a later series needs the previous series' dist");
            }
            check_state(state, 0, std::numeric_limits<index_t>::max() / 4, "state");
            for (index_t i = 0; i < prev_len; ++i) {
                if (!maybe_distance(prev_dist[i])) {
                    throw std::invalid_argument("prev_dist[" + std::to_string(i) + "] is no distance (NaN or >= 0)");
                }
            }
        }  // else the state is not used: window 0 of a series starts afresh
        if (s.first == 0) detail::begin_series(state, rule_, s.series, prev_dist, prev_len);
        with([&](auto& search) {
            using Tests = typename std::remove_reference_t<decltype(search)>::Tests;
            Tests tests(q_);
            if (speculated_) {
                detail::Reporter<T, Tests>(s, rule_, tests, dist_[0].data(), detail::current_cancellation())
                    .fix_up(state, spec_start_, spec_end_, 0, s.windows);
            } else {
                detail::assign_large(dist_[0], static_cast<std::size_t>(s.windows), std::numeric_limits<T>::quiet_NaN());
                detail::Reporter<T, Tests>(s, rule_, tests, dist_[0].data(), detail::current_cancellation())
                    .run(state, 0, s.windows, nullptr);
            }
            return 0;
        });
        return state;
    }

    /// The scaled query (length x dims, row-major).
    const std::vector<T>& query() const noexcept { return q_.q; }
    /// The part's `dist` (after speculate() or finish()).
    const std::vector<T>& dist() const noexcept { return dist_[0]; }
    /// How the part decided its windows.
    RundtwCounter counter() const {
        RundtwCounter c;
        detail::count_status(all_[0], c);
        return c;
    }

    /// What a part found (per window: its status and distance or bound; the speculative walk), to
    /// carry it to a later call on another machine: restore() it into a part made from the same data.
    struct Saved {
        std::vector<std::uint8_t> status;
        std::vector<T> val, dist;
        bool speculated = false;
        RundtwState<T> spec_start, spec_end;
    };
    Saved save() const { return {all_[0].status, all_[0].val, dist_[0], speculated_, spec_start_, spec_end_}; }
    /// Throws std::invalid_argument (and changes nothing) unless every field of `saved` is one that
    /// save() of this part could have produced as far as sizes, statuses, indices and the kinds of
    /// values go: it comes from another machine, and no value of it may make a later search crash
    /// or read out of bounds (a changed distance can only change the result).
    void restore(Saved saved) {
        const detail::RunSeries<T>& s = all_[0];
        const index_t W = s.windows;
        const auto w = static_cast<std::size_t>(W);
        const auto fail = [](const std::string& why) { throw std::invalid_argument("restore(): " + why); };
        if (saved.status.size() != w || saved.val.size() != w) {
            fail("the saved part has " + std::to_string(saved.status.size()) + " statuses and " +
                 std::to_string(saved.val.size()) + " values, this part " + std::to_string(W) + " windows");
        }
        if (saved.speculated ? saved.dist.size() != w : (!saved.dist.empty() && saved.dist.size() != w)) {
            fail("dist holds " + std::to_string(saved.dist.size()) + " values, this part has " + std::to_string(W) +
                 " windows");
        }
        for (std::size_t j = 0; j < w; ++j) {
            if (saved.status[j] > detail::st_done) {
                fail("status[" + std::to_string(j) + "] = " + std::to_string(saved.status[j]) + " is no window status");
            }
            if (std::isnan(saved.val[j]) || saved.val[j] < 0) {
                fail("val[" + std::to_string(j) + "] is no distance or bound (>= 0)");
            }
        }
        for (std::size_t j = 0; j < saved.dist.size(); ++j) {
            if (!maybe_distance(saved.dist[j])) fail("dist[" + std::to_string(j) + "] is no distance (NaN or >= 0)");
        }
        if (saved.speculated) {
            if (!rule_.speculative()) fail("a speculated part, but this part's options do not speculate");
            check_state(saved.spec_start, s.first, s.first + W - 1, "restore(): spec_start");
            check_state(saved.spec_end, s.first, s.first + W - 1, "restore(): spec_end");
        }
        all_[0].status = std::move(saved.status);
        all_[0].val = std::move(saved.val);
        dist_[0] = std::move(saved.dist);
        speculated_ = saved.speculated;
        spec_start_ = std::move(saved.spec_start);
        spec_end_ = std::move(saved.spec_end);
    }

  private:
    template <class Fn>
    decltype(auto) with(Fn&& fn) {
        return detail::with_search(q_, all_, rule_, opt_.scale, threads_, opt_.part_windows, nullptr, fn);
    }

    /// A reported distance or none: NaN or >= 0 (+inf included: float32 DTW can overflow).
    static bool maybe_distance(T v) noexcept { return std::isnan(v) || v >= 0; }

    /// Throws std::invalid_argument (`what`: which state) unless `st` can be IncDTW's reporting
    /// state of this part's series at a window in [lo, hi] (st.ix there, and every position of
    /// this series it holds at most hi): what finish() and the k-NN bookkeeping (detail/knn.hpp)
    /// index with or compute positions from is in range, every size is this part's k, and no
    /// value is NaN or negative where none can be.
    void check_state(const RundtwState<T>& st, index_t lo, index_t hi, const std::string& what) const {
        const auto fail = [&](const std::string& why) { throw std::invalid_argument(what + ": " + why); };
        const auto num = [](auto v) { return std::to_string(v); };
        if (std::isnan(st.bsfiw) || st.bsfiw < 0) fail("bsfiw must be a distance >= 0 or inf");
        if (st.ix < lo || st.ix > hi) fail("ix = " + num(st.ix) + " is outside [" + num(lo) + ", " + num(hi) + "]");
        const auto& k = st.knn;
        const index_t kk = rule_.k, series = all_[0].series, empty = detail::IncdtwKnnState<T>::empty;
        if (k.k != kk) fail("k-NN bookkeeping for k = " + num(k.k) + ", but the part has k = " + num(kk));
        const auto ku = static_cast<std::size_t>(kk);
        if (k.val.size() != ku || k.ix.size() != ku || k.series.size() != ku || st.held_val.size() != ku ||
            st.held_ix.size() != ku || st.held_series.size() != ku) {
            fail("every k-NN list must hold k = " + num(kk) + " entries");
        }
        if (kk == 0) return;
        if (k.overlap != rule_.overlap) fail("overlap = " + num(k.overlap) + ", the part has " + num(rule_.overlap));
        if (k.nr_detected < 0 || k.nr_detected > kk) fail("nr_detected = " + num(k.nr_detected) + " is outside [0, k]");
        if (k.which_imax < 0 || k.which_imax >= kk) fail("which_imax = " + num(k.which_imax) + " is no entry");
        // which_vmax is an entry once all k are detected (kick_vmax replaces it), else maybe none
        if (!((k.which_vmax >= 0 && k.which_vmax < kk) || (k.which_vmax == empty && k.nr_detected < kk))) {
            fail("which_vmax = " + num(k.which_vmax) + " is no entry");
        }
        if (!maybe_distance(k.vmax)) fail("vmax is no distance (NaN or >= 0)");
        if (k.imax < -rule_.overlap - 1 || k.imax > hi) fail("imax = " + num(k.imax) + " is no position");
        const auto entries = [&](const std::vector<T>& val, const std::vector<index_t>& ix,
                                 const std::vector<index_t>& ser, const char* name) {
            for (std::size_t i = 0; i < ku; ++i) {
                const std::string at = std::string(name) + "[" + num(i) + "]";
                if (!maybe_distance(val[i])) fail(at + " holds no distance (NaN or >= 0)");
                if (ser[i] < 0 || ser[i] > series) {
                    fail(at + " holds series " + num(ser[i]) + ", not one up to this part's");
                }
                if (ix[i] != empty && (ix[i] < 0 || (ser[i] == series && ix[i] > hi))) {
                    fail(at + " holds window " + num(ix[i]) + ", which the walk has not reached");
                }
            }
        };
        entries(k.val, k.ix, k.series, "knn");
        entries(st.held_val, st.held_ix, st.held_series, "held");
    }

    RundtwOptions opt_;
    detail::RunQuery<T> q_;
    std::vector<detail::RunSeries<T>> all_;
    detail::ReportRule<T> rule_;
    int threads_ = 1;
    std::vector<std::vector<T>> dist_;
    bool speculated_ = false;
    RundtwState<T> spec_start_, spec_end_;
};

}  // namespace incdtw
