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
/// The search behind both uses the UCR Suite's cascade: LB_Kim (first and last cells), LB_Keogh of
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
#include "detail/recurrence.hpp"
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

/// One searched series: per-window scaling (offset, divisor) and the raw data's envelope.
template <class T>
struct RunSeries {
    SeriesView<T> x;
    index_t windows = 0;
    std::vector<T> off, div;  ///< windows x dims (empty when not scaled)
    std::vector<T> xlo, xhi;  ///< length x dims
    std::vector<T> val;       ///< per window: the distance (st_done) or a threshold it exceeds
    std::vector<std::uint8_t> status;
};

/// IncDTW's per-window scaling, computed once in window order (the z update is a recurrence).
template <class T>
void prepare_scaling(RunSeries<T>& s, index_t n, WindowScaling how) {
    const index_t d = s.x.dims, W = s.windows, len = s.x.length;
    if (how == WindowScaling::none) return;
    assign_large(s.off, static_cast<std::size_t>(W * d), T{0});
    assign_large(s.div, static_cast<std::size_t>(W * d), T{0});
    for (index_t l = 0; l < d; ++l) {
        if (how == WindowScaling::z) {
            // API.md 12.2: mu = sum / n, s2 = sum(x^2) / (n - 1) - mu^2 n / (n - 1), then the running
            // update; sigma = 1 when s2 < 1e-9. One observation: s2 = 0 (every window is constant).
            const auto at = [&](index_t t) { return static_cast<double>(s.x.data[t * d + l]); };
            const double nn = static_cast<double>(n), n1 = static_cast<double>(n - 1);
            double sum = 0, sum2 = 0;
            for (index_t t = 0; t < n; ++t) {
                sum += at(t);
                sum2 += at(t) * at(t);
            }
            double mu = sum / nn;
            double s2 = n > 1 ? sum2 / n1 - mu * mu * nn / n1 : 0.0;
            for (index_t j = 0; j < W; ++j) {
                if (j > 0) {
                    const double xn = at(j + n - 1), xo = at(j - 1);
                    const double mu_new = mu + (xn - xo) / nn;
                    if (n > 1) s2 = s2 + (xn * xn - xo * xo) / n1 + (mu * mu - mu_new * mu_new) * nn / n1;
                    mu = mu_new;
                }
                const auto u = static_cast<std::size_t>(j * d + l);
                s.off[u] = static_cast<T>(mu);
                s.div[u] = static_cast<T>(s2 < 1e-9 ? 1.0 : std::sqrt(s2));
            }
        } else {
            window_extremes(s.x.data + l, d, len, 0, n - 1, W, s.off.data() + l, s.div.data() + l, d);
            for (index_t j = 0; j < W; ++j) {
                const auto u = static_cast<std::size_t>(j * d + l);
                const T range = s.div[u] - s.off[u];
                s.div[u] = range < T(1e-9) ? T{1} : range;
            }
        }
    }
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
            return sweep_distance_into<T>(n, n, cost, q_.step, q_.window, static_cast<double>(thr), buf_.data(),
                                          row_thr);
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
            // LB_Kim: the local costs of the first and the last cell, which every path contains.
            const auto corner = [&](index_t i) {
                return row(d, [&](index_t l) {
                    const T diff = q_.q[static_cast<std::size_t>(i * d + l)] - yv(j + i, l);
                    return diff < 0 ? -diff : diff;
                });
            };
            if ((n > 1 ? corner(0) + corner(n - 1) : corner(0)) > limit) return mark(st_kim, need);
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

/// IncDTW's reporting rule over one series (phase 2), reusing what phase 1 found.
template <class T, class Tests>
void report_series(RunSeries<T>& s, index_t series_ix, Tests& tests, const RunQuery<T>& q, bool use_lb, bool use_ea,
                   T threshold, index_t k, IncdtwKnnState<T>& knn, bool first_series, std::vector<T>& dist,
                   RundtwProgress* progress) {
    const T inf = std::numeric_limits<T>::infinity();
    const T nan = std::numeric_limits<T>::quiet_NaN();
    const T thr = use_ea ? threshold : inf;
    dist.assign(static_cast<std::size_t>(s.windows), nan);
    const auto report = [&](index_t j, T limit) -> T {
        const auto u = static_cast<std::size_t>(j);
        if (s.status[u] == st_unknown || (s.status[u] != st_done && s.val[u] < limit)) tests.evaluate(s, j, limit);
        if (s.status[u] != st_done || s.val[u] > limit) return nan;  // above the threshold
        // IncDTW also skips the window when its bound reaches the threshold (<=, ties included).
        // The bound is below the distance, so that needs a distance within rounding of the threshold.
        if (use_lb && limit < inf && s.val[u] * (T{1} + q.margin) >= limit && tests.keogh_q(s, j, limit) >= limit) {
            return nan;
        }
        return s.val[u];
    };
    const auto as_best = [inf](T v) { return v == v ? v : inf; };
    std::int64_t counted = 0;  // windows added to `progress`

    dist[0] = report(0, thr);
    T bsfiw = as_best(dist[0]);
    index_t bsfiw_ix = 0;
    if (k > 0) {
        if (first_series) {
            knn.start_first(bsfiw, series_ix);
        } else {
            knn.start_next(bsfiw, series_ix);
        }
    }
    for (index_t j = 1; j < s.windows; ++j) {
        if (j - bsfiw_ix >= q.overlap) {
            bsfiw = thr;
            bsfiw_ix = j;
        }
        T limit = use_ea ? std::min(bsfiw, thr) : thr;
        if (k > 0) limit = std::min(limit, knn.vmax);
        const T v = report(j, limit);
        dist[static_cast<std::size_t>(j)] = v;
        if (k > 0 && v == v) knn.update(v, j, series_ix);
        if (v < bsfiw) {
            bsfiw = v;
            bsfiw_ix = j;
        }
        if (progress != nullptr && (j & 0xFFFF) == 0) {  // windows 0 .. j - 1 are done
            progress->done.fetch_add(0x10000, std::memory_order_relaxed);
            counted += 0x10000;
        }
    }
    if (progress != nullptr) progress->done.fetch_add(s.windows - counted, std::memory_order_relaxed);
}

/// Threads for a search: one below about 2e6 window cells (less than a millisecond of work).
inline int search_threads(index_t windows, index_t n, int n_jobs) {
    return static_cast<double>(windows) * static_cast<double>(n) < 2.0e6 ? 1 : resolve_threads(n_jobs);
}

template <class T, Agg A, bool Scaled>
RundtwResult<T> rundtw_impl(RunQuery<T>& q, std::vector<RunSeries<T>>& all, const RundtwOptions& opt, int threads) {
    const T inf = std::numeric_limits<T>::infinity();
    const bool use_lb = opt.lower_bound || opt.k > 0;
    const bool use_ea = use_lb || opt.threshold < std::numeric_limits<double>::infinity();
    const T threshold = opt.threshold < std::numeric_limits<double>::infinity() ? threshold_as<T>(opt.threshold) : inf;
    const index_t k = opt.k;

    // Phase 1: the k-NN search (or, without any threshold, every distance) in parallel parts.
    struct Part {
        index_t series, begin, end;
    };
    std::vector<Part> parts;
    const bool full = k == 0 && !use_ea;  // every distance is reported: compute them all
    if (k > 0 || full) {
        for (index_t si = 0; si < static_cast<index_t>(all.size()); ++si) {
            const index_t W = all[static_cast<std::size_t>(si)].windows;
            const index_t size = std::max<index_t>(W / (2 * threads) + 1, 20000);
            for (index_t b = 0; b < W; b += size) parts.push_back({si, b, std::min(W, b + size)});
        }
    }
    std::vector<std::vector<Match<T>>> found(parts.size());
    const index_t overlap = q.overlap;
    if (opt.progress != nullptr) {
        index_t total = 0;
        for (const auto& s : all) total += s.windows;
        opt.progress->total.store(static_cast<std::int64_t>(parts.empty() ? total : 2 * total));
    }
    // Searches [begin, end) of series si from the bound tau0; windows that an earlier search
    // already settled are not computed again.
    const auto search = [&](index_t si, index_t begin, index_t end, T tau0, WindowTests<T, A, Scaled>& tests) {
        RunSeries<T>& s = all[static_cast<std::size_t>(si)];
        KnnCandidates<T> cands(k, overlap, tau0);
        for (index_t j = begin; j < end; ++j) {
            const auto u = static_cast<std::size_t>(j);
            const T tau = cands.tau();
            if (s.status[u] == st_unknown || (s.status[u] != st_done && s.val[u] < tau)) tests.evaluate(s, j, tau);
            if (s.status[u] == st_done && s.val[u] <= cands.tau()) cands.add(s.val[u], si, j);
        }
        return cands;
    };
    // With several parts, a serial search of the first windows gives every part a starting bound:
    // v_k of a contiguous range bounds v_k of all windows from above (detail/knn.hpp).
    T tau0 = threshold;
    if (k > 0 && parts.size() > 1) {
        WindowTests<T, A, Scaled> tests(q);
        const index_t seed = std::min(all[0].windows, std::max<index_t>(16 * k * overlap, 4096));
        tau0 = search(0, 0, seed, threshold, tests).tau();
    }
    parallel_for(static_cast<index_t>(parts.size()), threads, [&](index_t p) {
        const Part part = parts[static_cast<std::size_t>(p)];
        WindowTests<T, A, Scaled> tests(q);
        if (full) {
            RunSeries<T>& s = all[static_cast<std::size_t>(part.series)];
            for (index_t j = part.begin; j < part.end; ++j) tests.evaluate(s, j, inf);
        } else {
            found[static_cast<std::size_t>(p)] = search(part.series, part.begin, part.end, tau0, tests).candidates();
        }
        if (opt.progress != nullptr) opt.progress->done.fetch_add(part.end - part.begin, std::memory_order_relaxed);
    });

    // Phase 2: IncDTW's reporting rule, series by series in order.
    RundtwResult<T> out;
    out.dist.resize(all.size());
    WindowTests<T, A, Scaled> tests(q);
    IncdtwKnnState<T> knn(k, overlap);
    std::vector<T> held_val(static_cast<std::size_t>(k), inf);
    std::vector<index_t> held_ix(static_cast<std::size_t>(k), IncdtwKnnState<T>::empty), held_series(held_ix.size(), 0);
    for (std::size_t si = 0; si < all.size(); ++si) {
        if (si > 0 && k > 0) {
            const auto& prev = out.dist[si - 1];
            const auto minima = knn_rev(prev.data(), static_cast<index_t>(prev.size()), overlap);
            knn.carry_over(held_val, held_ix, held_series, prev.data(), minima, static_cast<index_t>(si - 1));
            held_val = knn.val;
            held_ix = knn.ix;
            held_series = knn.series;
        }
        report_series(all[si], static_cast<index_t>(si), tests, q, use_lb, use_ea, threshold, k, knn, si == 0,
                      out.dist[si], opt.progress);
    }

    // The k-NN: best first over every candidate.
    if (k > 0) {
        std::vector<Match<T>> cands;
        for (auto& f : found) cands.insert(cands.end(), f.begin(), f.end());
        for (const Match<T>& m : select_non_overlapping(cands, k, overlap)) {
            out.knn_values.push_back(m.value);
            out.knn_indices.push_back(m.pos);
            out.knn_series.push_back(m.series);
        }
    }
    for (const auto& s : all) {
        for (std::uint8_t st : s.status) {
            switch (st) {
                case st_kim: ++out.counter.lb_kim; break;
                case st_keogh_q: ++out.counter.lb_keogh_q; break;
                case st_keogh_c: ++out.counter.lb_keogh_c; break;
                case st_abandoned: ++out.counter.early_abandon; break;
                case st_done: ++out.counter.completed; break;
                default: break;
            }
        }
    }
    out.query = q.q;
    return out;
}

}  // namespace detail

/// Throws std::invalid_argument naming the bad member.
inline void validate(const RundtwOptions& opt) {
    if (opt.window < -1) throw std::invalid_argument("ws must be >= 0");
    if (std::isnan(opt.threshold) || opt.threshold < 0) throw std::invalid_argument("threshold needs to be >= 0");
    if (opt.k < 0) throw std::invalid_argument("k must be >= 0");
    if (opt.overlap_tol < 0) throw std::invalid_argument("overlap_tol must be >= 0");
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
    detail::check_series(query, "Q");
    if (series.empty()) throw std::length_error("C must hold at least one series");
    const index_t n = query.length, d = query.dims;
    if (opt.overlap_tol >= n) {
        throw std::invalid_argument("overlap_tol must be between 0 and len(Q) - 1 = " + std::to_string(n - 1) +
                                    ", got " + std::to_string(opt.overlap_tol));
    }
    for (std::size_t i = 0; i < series.size(); ++i) {
        const std::string name = series.size() == 1 ? std::string("C") : "C[" + std::to_string(i) + "]";
        detail::check_series(series[i], name.c_str());
        if (series[i].dims != d) {
            throw std::invalid_argument(name + " has " + std::to_string(series[i].dims) + " dimensions but Q has " +
                                        std::to_string(d));
        }
        if (series[i].length < n) {
            throw std::invalid_argument("Q (length " + std::to_string(n) + ") is longer than " + name + " (length " +
                                        std::to_string(series[i].length) + ")");
        }
    }

    detail::RunQuery<T> q;
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
    detail::envelope(q.q.data(), n, d, q.radius, q.radius, q.qlo.data(), q.qhi.data());
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

    std::vector<detail::RunSeries<T>> all(series.size());
    index_t total_windows = 0;
    for (std::size_t i = 0; i < series.size(); ++i) {
        all[i].x = series[i];
        all[i].windows = series[i].length - n + 1;
        total_windows += all[i].windows;
    }
    // Per series two independent O(length) jobs: the scaling of every window, and the data's
    // envelope with the per-window results.
    const int threads = detail::search_threads(total_windows, n, opt.n_jobs);
    detail::parallel_for(static_cast<index_t>(2 * all.size()), threads, [&](index_t job) {
        auto& s = all[static_cast<std::size_t>(job / 2)];
        if (job % 2 == 0) {
            detail::prepare_scaling(s, n, opt.scale);
            return;
        }
        detail::assign_large(s.xlo, static_cast<std::size_t>(s.x.length * d), T{0});
        detail::assign_large(s.xhi, static_cast<std::size_t>(s.x.length * d), T{0});
        detail::envelope(s.x.data, s.x.length, d, q.radius, q.radius, s.xlo.data(), s.xhi.data());
        detail::assign_large(s.val, static_cast<std::size_t>(s.windows), T{0});
        detail::assign_large(s.status, static_cast<std::size_t>(s.windows), std::uint8_t{detail::st_unknown});
    });

    const detail::Agg agg = detail::agg_for(opt.dist_method, d);
    const bool scaled = opt.scale != WindowScaling::none;
    RundtwOptions eff = opt;
    eff.k = std::min(opt.k, total_windows);  // no more neighbours than windows (the state holds k)
    const auto run = [&](auto a, auto sc) {
        return detail::rundtw_impl<T, decltype(a)::value, decltype(sc)::value>(q, all, eff, threads);
    };
    using detail::Agg;
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

/// One series.
template <class T>
RundtwResult<T> rundtw(SeriesView<T> query, SeriesView<T> series, const RundtwOptions& opt = {}) {
    return rundtw(query, std::vector<SeriesView<T>>{series}, opt);
}

}  // namespace incdtw
