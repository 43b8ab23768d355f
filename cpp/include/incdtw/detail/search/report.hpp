#pragma once
/// IncDTW's reporting rule of a subsequence search (API.md 12.4): which windows' distances `dist`
/// reports, walked in window order over what the cascade found.

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

#include "../../cancel.hpp"
#include "../knn.hpp"
#include "cascade.hpp"
#include "query.hpp"
#include "series.hpp"
#include "windows.hpp"

namespace incdtw {
namespace detail {

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
        : s_(s), rule_(rule), tests_(tests), dist_(dist), cancel_(cancel), cur_(s) {}

    /// Window j (of s) at `limit`: its distance when reported, NaN otherwise.
    T report(index_t j, T limit) {
        const auto u = static_cast<std::size_t>(j);
        if (s_.open(j, limit)) {
            const Verdict<T> v = tests_.evaluate(cur_.at(j), limit);
            s_.record(j, v.status, v.val);
        }
        if (s_.status[u] != st_done || s_.val[u] > limit) return std::numeric_limits<T>::quiet_NaN();
        // IncDTW also skips the window when its bound reaches the threshold (<=, ties included).
        // The bound is below the distance, so that needs a distance within rounding of the threshold.
        if (rule_.use_lb && limit < std::numeric_limits<T>::infinity() && s_.val[u] * (T{1} + rule_.margin) >= limit &&
            tests_.keogh_q(cur_.at(j), limit) >= limit) {
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
    WindowCursor<T> cur_;
};

/// Counts a window whose last test was `st` (a RunStatus) in c.
inline void count_one(RundtwCounter& c, std::uint8_t st) noexcept {
    switch (st) {
        case st_kim: ++c.lb_kim; break;
        case st_keogh_q: ++c.lb_keogh_q; break;
        case st_keogh_c: ++c.lb_keogh_c; break;
        case st_abandoned: ++c.early_abandon; break;
        case st_done: ++c.completed; break;
        default: break;
    }
}

/// Adds the final status of every window of s (keeps()) to c.
template <class T>
void count_status(const RunSeries<T>& s, RundtwCounter& c) {
    for (std::uint8_t st : s.status) count_one(c, st);
}

/// Adds the counts b to a.
inline void add_counts(RundtwCounter& a, const RundtwCounter& b) noexcept {
    a.lb_kim += b.lb_kim;
    a.lb_keogh_q += b.lb_keogh_q;
    a.lb_keogh_c += b.lb_keogh_c;
    a.early_abandon += b.early_abandon;
    a.completed += b.completed;
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

}  // namespace detail
}  // namespace incdtw
