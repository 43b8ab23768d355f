#pragma once
/// The tests of one window of a subsequence search: LB_Kim, LB_Keogh both ways and DTW with early
/// abandoning, each with the relative margin that keeps a skip exact.

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

#include "../cost.hpp"
#include "../pruned.hpp"
#include "../recurrence.hpp"
#include "../simd/kernels.hpp"
#include "lb_kim.hpp"
#include "query.hpp"
#include "series.hpp"
#include "windows.hpp"

namespace incdtw {
namespace detail {

/// Per-row aggregation of the excesses of a lower bound (and the local cost), as the DTW cost:
/// sum of |e| (norm1; norm2 with one dimension), sum of e^2 (norm2_square), sum of row norms (norm2).
enum class Agg : std::uint8_t { abs_sum, sq_sum, row_norm };

inline Agg agg_for(DistMethod m, index_t dims) noexcept {
    if (m == DistMethod::norm2_square) return Agg::sq_sum;
    if (m == DistMethod::norm2 && dims > 1) return Agg::row_norm;
    return Agg::abs_sum;
}

/// What the cascade decided for a window: the last test it needed (RunStatus) and the distance
/// (st_done) or the threshold that the distance exceeds.
template <class T>
struct Verdict {
    std::uint8_t status;
    T val;
};

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
          pruned_(q.n, q.q.data(), q.dims, q.step, q.method, q.window) {
        level_ = simd_level();
        if (q.dims == 1 && q.n >= 6 && A != Agg::row_norm) lanes_ = simd::kim_lanes<T>(level_);
    }

    /// Windows per kim_skips() (0: none at this SIMD level or for this query).
    index_t kim_lanes() const noexcept { return lanes_; }

    /// Bit u set where LB_Kim skips window w + u at `need` (< inf): evaluate()'s decision for each
    /// of the kim_lanes() windows from w (which must lie in w's block), in one vector pass.
    unsigned kim_skips(const WindowRef<T>& w, T need) const noexcept {
        constexpr bool sq = A == Agg::sq_sum;
        return simd::kim_skips<T, sq, Scaled>(level_, w.x, w.off, w.inv, q_.q.data(), q_.n, limit_of(need));
    }

    /// Bit u set, for the lanes of `alive`, where LB_Keogh against the query's envelope skips window
    /// w + u at `need` (< inf), as evaluate() decides after LB_Kim (kim_lanes() windows of w's block).
    unsigned keogh_q_skips(const WindowRef<T>& w, T need, unsigned alive) const noexcept {
        constexpr bool sq = A == Agg::sq_sum;
        return simd::keogh_q_skips<T, sq, Scaled>(level_, w.x, w.off, w.inv, q_.order.data(), q_.olo.data(),
                                                  q_.ohi.data(), q_.n, limit_of(need), alive);
    }

    /// Observation i of window w, dimension l, scaled.
    T scaled(const WindowRef<T>& w, index_t i, index_t l) const noexcept {
        const T v = w.x[i * q_.dims + l];
        if constexpr (Scaled) return (v - w.off[l]) / w.div[l];
        return v;
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
    T eq_term(const WindowRef<T>& w, index_t t) const noexcept {
        return row(q_.dims, [&](index_t l) {
            const auto u = static_cast<std::size_t>(t * q_.dims + l);
            return excess(scaled(w, t, l), q_.qlo[u], q_.qhi[u]);
        });
    }

    /// IncDTW's bound: the window's values against the query's envelope, summed in order; stops
    /// once the sum reaches `stop` (the result is then >= stop, the full sum is too).
    T keogh_q(const WindowRef<T>& w, T stop) const noexcept {
        const index_t n = q_.n;
        T lb = 0;
        for (index_t i = 0; i < n; ++i) {
            lb += eq_term(w, i);
            if ((i & 7) == 7 && lb >= stop) return lb;
        }
        return lb;
    }

    /// The DTW of the query and window w, NaN when above `thr` (+inf: no abandoning); `row_thr`
    /// as in sweep_distance_into.
    T dtw(const WindowRef<T>& w, T thr, const T* row_thr = nullptr) {
        const index_t n = q_.n, d = q_.dims;
        const T* y = w.x;
        if constexpr (Scaled) {
            if (d == 1) {  // the common case, a loop the compiler vectorises
                const T o = w.off[0], dv = w.div[0];
                T* out = y_.data();
                for (index_t i = 0; i < n; ++i) out[i] = (y[i] - o) / dv;
            } else {
                for (index_t i = 0; i < n; ++i) {
                    for (index_t l = 0; l < d; ++l) y_[static_cast<std::size_t>(i * d + l)] = scaled(w, i, l);
                }
            }
            y = y_.data();
        }
        T r;
        if (row_thr != nullptr && pruned_.usable() && pruned_.distance(y, thr, row_thr, r)) return r;
        return visit_series_cost(q_.q.data(), y, d, q_.method, [&](const auto& cost) {
            if (row_thr != nullptr) return sweep_pruned<T>(n, n, cost, q_.step, q_.window, thr, row_thr, buf_.data());
            return sweep_distance_into<T>(n, n, cost, q_.step, q_.window, static_cast<double>(thr), buf_.data());
        });
    }

    /// The cascade of window w at threshold `need`: the distance, or `need` as a threshold the
    /// distance exceeds, and the last test it needed.
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
    Verdict<T> evaluate(const WindowRef<T>& w, T need) {
        const auto mark = [need](std::uint8_t st) { return Verdict<T>{st, need}; };
        const T* row_thr = nullptr;
        if (need < std::numeric_limits<T>::infinity()) {
            const index_t n = q_.n, d = q_.dims;
            const T eps = std::numeric_limits<T>::epsilon();
            const T slack = q_.slack;
            const T limit = limit_of(need);
            // fast scaled value of a value v of window j, dimension l
            const T* off = w.off;
            const T* inv = w.inv;
            const T* x = w.x;
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
                    const auto e = static_cast<std::size_t>(k * d + l);
                    const T y = yv(t, l);
                    return positive(gt_max(y - q_.ohi[e], q_.olo[e] - y));
                });
            };
            const auto term_c = [&](index_t k) {  // query position order[k] vs the data's envelope
                const index_t i = q_.order[static_cast<std::size_t>(k)];
                return row(d, [&](index_t l) {
                    const auto e = static_cast<std::size_t>(i * d + l);
                    const T lo = fast_scaled(w.xlo[e], l), hi = fast_scaled(w.xhi[e], l);
                    const T qv = q_.oq[static_cast<std::size_t>(k * d + l)];
                    return positive(gt_max(qv - hi, lo - qv));
                });
            };
            // LB_Kim: the cheapest cells near the two corners, which every path passes.
            const auto cell = [&](index_t i, index_t t) {
                return row(d, [&](index_t l) {
                    const T diff = q_.q[static_cast<std::size_t>(i * d + l)] - yv(t, l);
                    return diff < 0 ? -diff : diff;
                });
            };
            if (d == 1) {  // most windows end here: the cells inline, the window scaled as below
                const T* qq = q_.q.data();
                const T o = Scaled ? off[0] : T{0}, iv = Scaled ? inv[0] : T{1};
                const auto cell1 = [x, qq, o, iv](index_t i, index_t t) INCDTW_ALWAYS_INLINE {
                    T y = x[t];
                    if constexpr (Scaled) y = (y - o) * iv;
                    const T diff = qq[i] - y, e = diff < 0 ? -diff : diff;
                    if constexpr (A == Agg::sq_sum) return e * e;
                    return e;
                };
                if (lb_kim_hierarchy<T>(n, cell1, limit) > limit) return mark(st_kim);
            } else if (lb_kim_hierarchy<T>(n, cell, limit) > limit) {
                return mark(st_kim);
            }
            // LB_Keogh both ways (four partial sums, checked after every four terms); the terms are
            // kept (for the cumulative bound) only for a window that neither skips.
            T lq, lc;
            if (d == 1) {  // the common case, without the per-dimension loops
                const T* xw = x;
                const T o = Scaled ? off[0] : T{0}, iv = Scaled ? inv[0] : T{1};
                const index_t* order = q_.order.data();
                const T *ohi = q_.ohi.data(), *olo = q_.olo.data(), *oq = q_.oq.data();
                const T *xlo = w.xlo, *xhi = w.xhi;
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
                if (lq > limit) return mark(st_keogh_q);
                lc = early_sum(n, limit, ec1, kc_.data());
                if (lc > limit) return mark(st_keogh_c);
            } else {
                lq = early_sum(n, limit, term_q, kq_.data());
                if (lq > limit) return mark(st_keogh_q);
                lc = early_sum(n, limit, term_c, kc_.data());
                if (lc > limit) return mark(st_keogh_c);
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
        const T dist = dtw(w, need, row_thr);
        return dist == dist ? Verdict<T>{st_done, dist} : mark(st_abandoned);
    }

  private:
    /// What a bound must exceed to skip a window at `need` (the rounding margins, see evaluate).
    T limit_of(T need) const noexcept { return need + need * q_.margin + q_.slack; }

    const RunQuery<T>& q_;
    std::vector<T> y_;
    std::vector<T> buf_;
    std::vector<T> eq_, ec_, kq_, kc_, row_thr_;
    simd::PrunedPairSweep<T> pruned_;  ///< the SIMD sweep_pruned, where it pays
    SimdLevel level_ = SimdLevel::scalar;
    index_t lanes_ = 0;
};

}  // namespace detail
}  // namespace incdtw
