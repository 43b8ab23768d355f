#pragma once
/// The two phases of a subsequence search over a list of series on several threads: the k-NN
/// candidates of parallel parts, then IncDTW's reporting rule in order or speculated in parts.

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <limits>
#include <memory>
#include <vector>

#include "../knn.hpp"
#include "../parallel.hpp"
#include "cascade.hpp"
#include "report.hpp"
#include "series.hpp"
#include "windows.hpp"

namespace incdtw {
namespace detail {

/// Threads for a search: one below about 2e6 window cells (less than a millisecond of work).
inline int search_threads(index_t windows, index_t n, int n_jobs) {
    return static_cast<double>(windows) * static_cast<double>(n) < 2.0e6 ? 1 : resolve_threads(n_jobs);
}

/// Windows [begin, end) of series `series` (an index into the searched list).
struct PartRange {
    index_t series, begin, end;
};

/// The parts a search runs on its threads: `part_windows` windows each (0: one per series on one
/// thread, whose bound is then the running one of the whole series; else about eight per thread,
/// at least 20,000 windows: the threads finish together, and the parts share their bound).
template <class T>
std::vector<PartRange> split_parts(const std::vector<RunSeries<T>>& all, int threads, index_t part_windows) {
    std::vector<PartRange> parts;
    for (index_t si = 0; si < static_cast<index_t>(all.size()); ++si) {
        const index_t W = all[static_cast<std::size_t>(si)].windows;
        index_t size = part_windows > 0 ? part_windows : std::max<index_t>(W / (8 * threads) + 1, 20000);
        if (part_windows == 0 && threads == 1) size = std::max<index_t>(W, 1);
        for (index_t b = 0; b < W; b += size) parts.push_back({si, b, std::min(W, b + size)});
    }
    return parts;
}

/// The two phases of a search over a list of series (or parts of them), on `threads` threads.
///  * phase 1 finds the k-NN candidates (or, without any threshold, every distance) in parallel
///    parts, which share the best of their bounds (each valid for the whole, detail/knn.hpp);
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
        tallies_.assign(parts.size(), RundtwCounter{});
        if (seed && rule_.k > 0 && parts.size() > 1) {
            Tests tests(q_);
            const index_t n = std::min(all_[0].windows, std::max<index_t>(16 * rule_.k * rule_.overlap, 4096));
            tau0 = search_range(all_[0], 0, n, tau0, tests).tau();
        }
        SharedBound<T> bound(tau0);  // parts on one thread run in order: each starts from the last's tau
        parallel_for(static_cast<index_t>(parts.size()), threads_, [&](index_t p) {
            const PartRange part = parts[static_cast<std::size_t>(p)];
            Tests tests(q_);
            RunSeries<T>& s = all_[static_cast<std::size_t>(part.series)];
            if (full) {  // IncDTW's dist needs every distance (s keeps them)
                WindowCursor<T> cur(s);
                for (index_t j = part.begin; j < part.end; ++j) {
                    if ((j & 1023) == 0) interruption_point(cancel_);
                    const Verdict<T> v = tests.evaluate(cur.at(j), std::numeric_limits<T>::infinity());
                    s.record(j, v.status, v.val);
                }
            } else {
                const auto u = static_cast<std::size_t>(p);
                found[u] = search_range(s, part.begin, part.end, tau0, tests, rule_.k > 0 ? &bound : nullptr,
                                        &tallies_[u])
                               .candidates();
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

    /// Every window's final status, counted (without kept results: the verdicts of phase 1).
    RundtwCounter counter() const {
        RundtwCounter c;
        if (all_.empty() || all_[0].keeps()) {
            for (const auto& s : all_) count_status(s, c);
        } else {
            for (const RundtwCounter& t : tallies_) add_counts(c, t);
        }
        return c;
    }

  private:
    /// Searches windows [begin, end) of s from the bound tau0. When s keeps its results, windows
    /// that an earlier search already settled are not computed again; else the verdicts are
    /// counted in `tally` (optional). `shared` (optional): the best tau of the other parts, read
    /// every 256 windows and lowered by this part's.
    KnnCandidates<T> search_range(RunSeries<T>& s, index_t begin, index_t end, T tau0, Tests& tests,
                                  SharedBound<T>* shared = nullptr, RundtwCounter* tally = nullptr) const {
        KnnCandidates<T> cands(rule_.k, rule_.overlap, tau0);
        WindowCursor<T> cur(s);
        const bool keeps = s.keeps();
        const index_t lanes = tests.kim_lanes();
        // windows [kim_at, kim_at + lanes): the bit masks of the ones LB_Kim and LB_Keogh skip at the
        // tau of kim_at, which is >= the current one
        unsigned kim = 0, keogh = 0;
        index_t kim_at = begin - lanes;
        T kim_tau = 0;
        for (index_t j = begin; j < end; ++j) {
            if ((j & 1023) == 0) interruption_point(cancel_);
            if (shared != nullptr && ((j - begin) & 255) == 0) {
                shared->lower(cands.tau());
                cands.tighten(shared->get());
            }
            const T tau = cands.tau();
            const WindowRef<T> w = cur.at(j);
            if (lanes > 0 && j >= kim_at + lanes && tau < std::numeric_limits<T>::infinity() &&
                j + lanes <= std::min(end, cur.block_end())) {
                const unsigned all = lanes >= 32 ? ~0u : (1u << lanes) - 1u;
                kim = tests.kim_skips(w, tau);  // skipped at this tau: skipped at any smaller one
                keogh = kim == all ? 0u : tests.keogh_q_skips(w, tau, all & ~kim);
                kim_at = j;
                kim_tau = tau;
            }
            // LB_Kim's skip holds at any smaller tau; LB_Keogh's is evaluate()'s verdict only at the
            // same tau (at a smaller one LB_Kim might skip first)
            const bool batch = j < kim_at + lanes;
            const unsigned bit = batch ? 1u << (j - kim_at) : 0u;
            const bool skip = (kim & bit) != 0, skip_q = (keogh & bit) != 0 && tau == kim_tau;
            const auto verdict = [&]() {
                if (skip) return Verdict<T>{st_kim, tau};
                if (skip_q) return Verdict<T>{st_keogh_q, tau};
                return tests.evaluate(w, tau);
            };
            Verdict<T> v;
            if (keeps) {
                if (s.open(j, tau)) {
                    v = verdict();
                    s.record(j, v.status, v.val);
                }
                const auto u = static_cast<std::size_t>(j);
                v = {s.status[u], s.val[u]};
            } else {
                v = verdict();
                if (tally != nullptr) count_one(*tally, v.status);
            }
            if (v.status == st_done && v.val <= cands.tau()) cands.add(v.val, s.series, s.first + j);
        }
        if (shared != nullptr) shared->lower(cands.tau());
        return cands;
    }

    const RunQuery<T>& q_;
    std::vector<RunSeries<T>>& all_;
    const ReportRule<T>& rule_;
    int threads_;
    index_t part_windows_;
    RundtwProgress* progress_;
    Cancellation* cancel_;
    std::vector<RundtwCounter> tallies_;  ///< per part of phase 1, when the series keep no results
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

}  // namespace detail
}  // namespace incdtw
