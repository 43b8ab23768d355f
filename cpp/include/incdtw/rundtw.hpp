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
///    distances (detail/knn.hpp), whatever was pruned. Without `dist` (return_dist = false) the
///    search keeps nothing per window: memory O(len(Q) x threads + k) beyond the input.
/// The search behind both uses the UCR Suite's cascade: LB_Kim (the cheapest cells near the two corners), LB_Keogh of
/// the windows against the query's envelope, LB_Keogh of the query against the data's envelope,
/// then DTW with early abandoning. A bound only skips a window when it exceeds the threshold by a
/// relative margin far above the rounding error of the sums, so no skipped window could have been
/// reported or taken. Phase 1 searches parts of the windows in parallel for the k-NN (the parts
/// share the best of their bounds, each valid for the whole, detail/knn.hpp); phase 2 walks the windows in
/// order, applies IncDTW's reporting rule and computes only what phase 1 left open.

#include <cstdint>
#include <string>
#include <vector>

#include "detail/search/search.hpp"
#include "rundtw_parts.hpp"
#include "rundtw_types.hpp"
#include "types.hpp"

namespace incdtw {

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
    // Per series: the shift, the z state at window 0, the per-window results where IncDTW's dist
    // needs them (the windows are scaled block by block as the search reads them).
    const int threads = detail::search_threads(total_windows, n, opt.n_jobs);
    detail::parallel_for(static_cast<index_t>(all.size()), threads, [&](index_t i) {
        auto& s = all[static_cast<std::size_t>(i)];
        detail::prepare_shift(s, n, opt.scale);
        detail::prepare_scaling(s, n, q.radius, opt.scale);
        detail::prepare_results(s, opt.return_dist);
    });

    const detail::ReportRule<T> rule = detail::report_rule(opt, q, total_windows);
    const bool speculate = rule.speculative() && (threads > 1 || opt.part_windows > 0);
    const bool phase1 = !speculate && (rule.k > 0 || !rule.use_ea);
    const bool phase2 = opt.return_dist;
    if (opt.progress != nullptr) {
        opt.progress->total.store(static_cast<std::int64_t>((phase1 && phase2 ? 2 : 1) * total_windows));
    }
    RundtwResult<T> out;
    if (phase2) out.dist.resize(all.size());
    detail::with_search(q, all, rule, opt.scale, threads, opt.part_windows, opt.progress, [&](auto& search) {
        std::vector<detail::Match<T>> cands;
        if (speculate) {
            std::vector<detail::ReportState<T>> start, end;  // every series starts at its window 0: exact
            search.speculate(out.dist, start, end);
        } else {
            if (phase1) cands = search.candidates(rule.threshold, true);
            if (phase2) search.report(out.dist);
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

}  // namespace incdtw
