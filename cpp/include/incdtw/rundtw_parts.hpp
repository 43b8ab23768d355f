#pragma once
/// A subsequence search in parts, for several machines (incdtw.distributed): IncDTW's running z
/// state at chosen windows, the parts' search and reporting, and the selection of the k-NN.

#include <cmath>
#include <cstdint>
#include <limits>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "detail/search/search.hpp"
#include "rundtw_types.hpp"
#include "types.hpp"

namespace incdtw {

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
        if (!opt.return_dist) throw std::invalid_argument("a part computes IncDTW's dist: return_dist must be true");
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
        threads_ = detail::search_threads(s.windows, query.length, opt.n_jobs);
        detail::prepare_scaling(s, query.length, q_.radius, opt.scale, first > 0 ? z_start : nullptr);
        detail::prepare_results(s, true);  // finish() and save() need them
        rule_ = detail::report_rule(opt, q_, std::numeric_limits<index_t>::max());
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
