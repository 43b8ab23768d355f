#pragma once
/// The k nearest non-overlapping windows of a subsequence search, and the streaming bound that
/// lets a search skip every window that cannot be among them.
///
/// Definition (best first): order the windows by (distance, series, later position first); take
/// the first; drop every window of the same series that overlaps it (|i - j| < w); repeat until k
/// are taken. Windows of different series never overlap.
///
/// The k-th distance taken, v_k(S), never increases when windows are added to S at either end of
/// a series (each added window can displace at most one taken window, by a smaller one, and the
/// chain of displacements keeps that property). So v_k of any contiguous part of the windows
/// bounds v_k of all of them from above, and a window with distance > v_k(part) is never taken
/// and never drops one that is: a search may skip it. Chunks searched on their own, with their
/// candidates merged, give exactly the k-NN of the whole search.

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <limits>
#include <vector>

#include "../types.hpp"

namespace incdtw::detail {

template <class T>
struct Match {
    T value;
    index_t series;
    index_t pos;
};

/// Best-first order: smaller distance, then earlier series, then later position (IncDTW's R code
/// lists tied windows of one series with the later one first).
template <class T>
bool better_match(const Match<T>& a, const Match<T>& b) noexcept {
    if (a.value != b.value) return a.value < b.value;
    if (a.series != b.series) return a.series < b.series;
    return a.pos > b.pos;
}

/// The first k matches taken best first (see the file comment), in that order. Sorts `cands`.
template <class T>
std::vector<Match<T>> select_non_overlapping(std::vector<Match<T>>& cands, index_t k, index_t w) {
    std::sort(cands.begin(), cands.end(), better_match<T>);
    std::vector<Match<T>> picks;
    for (const Match<T>& c : cands) {
        if (static_cast<index_t>(picks.size()) >= k) break;
        bool free = true;
        for (const Match<T>& p : picks) {
            if (p.series == c.series && (p.pos > c.pos ? p.pos - c.pos : c.pos - p.pos) < w) {
                free = false;
                break;
            }
        }
        if (free) picks.push_back(c);
    }
    return picks;
}

/// The candidates of one searched part and its bound tau = min(threshold, v_k(part)): windows with
/// a distance above tau can be skipped. Holds only windows with distance <= tau.
template <class T>
class KnnCandidates {
  public:
    KnnCandidates(index_t k, index_t w, T threshold) : k_(k), w_(w), tau_(threshold) {}

    T tau() const noexcept { return tau_; }

    /// Adds a window whose exact distance is `value` (<= tau).
    void add(T value, index_t series, index_t pos) {
        cands_.push_back({value, series, pos});
        const auto size = static_cast<index_t>(cands_.size());
        // Re-select on every addition while the set is small, then whenever it doubled: tau only
        // has to bound v_k from above, a stale (larger) tau stays valid.
        if (size <= 4 * k_ + 64 || size >= 2 * selected_size_) refresh();
    }

    /// Recomputes tau and drops the candidates above it.
    void refresh() {
        std::vector<Match<T>> work(cands_);
        const auto picks = select_non_overlapping(work, k_, w_);
        if (static_cast<index_t>(picks.size()) == k_ && picks.back().value < tau_) tau_ = picks.back().value;
        drop_above_tau();
    }

    const std::vector<Match<T>>& candidates() const noexcept { return cands_; }

    /// Lowers tau to `bound` (v_k of another part, which bounds v_k of the whole as well) and drops
    /// the candidates above it.
    void tighten(T bound) {
        if (!(bound < tau_)) return;
        tau_ = bound;
        drop_above_tau();
    }

  private:
    void drop_above_tau() {
        const T tau = tau_;
        cands_.erase(std::remove_if(cands_.begin(), cands_.end(), [tau](const Match<T>& m) { return m.value > tau; }),
                     cands_.end());
        selected_size_ = static_cast<index_t>(cands_.size());
    }

    index_t k_, w_;
    T tau_;
    std::vector<Match<T>> cands_;
    index_t selected_size_ = 0;
};

/// The smallest tau of the parts of a search so far, shared between the threads that search
/// them: every part's tau bounds v_k of the whole, so each part may skip by the best of all.
template <class T>
class SharedBound {
  public:
    explicit SharedBound(T start) : tau_(start) {}
    T get() const noexcept { return tau_.load(std::memory_order_relaxed); }
    void lower(T tau) noexcept {
        T cur = tau_.load(std::memory_order_relaxed);
        while (tau < cur && !tau_.compare_exchange_weak(cur, tau, std::memory_order_relaxed)) {
        }
    }

  private:
    std::atomic<T> tau_;
};

/// IncDTW's backward scan over a distance vector (cpp_kNN_rev): the window indices it keeps as
/// local minima at least w apart (NaN = not computed). Used to carry IncDTW's reporting state from
/// one series of a list to the next.
template <class T>
std::vector<index_t> knn_rev(const T* dist, index_t nd, index_t w) {
    std::vector<index_t> out;
    if (nd <= 0) return out;
    T bsf = std::numeric_limits<T>::infinity();
    index_t bi = 0;
    const index_t imin = nd - w > 0 ? nd - w : 0;
    for (index_t i = nd - 1; i > imin; --i) {
        if (dist[i] < bsf) {
            bsf = dist[i];
            bi = i;
        }
    }
    for (index_t i = imin; i >= 0; --i) {
        if (bi - i >= w) {
            out.push_back(bi);
            bsf = dist[i] == dist[i] ? dist[i] : std::numeric_limits<T>::infinity();
            bi = i;
        } else if (dist[i] < bsf) {
            bsf = dist[i];
            bi = i;
        }
    }
    if (dist[bi] == dist[bi]) out.push_back(bi);
    return out;
}

/// IncDTW's forward k-NN bookkeeping of rundtw (kNN_Info with kick_vmax / kick_imax). It decides
/// nothing about the k-NN answer here; its vmax is part of IncDTW's rule for which distances the
/// `dist` vector reports, which incdtw reproduces.
template <class T>
struct IncdtwKnnState {
    static constexpr index_t empty = -99;
    index_t k = 0;
    index_t overlap = 1;
    std::vector<T> val;
    std::vector<index_t> ix;
    std::vector<index_t> series;
    T vmax = std::numeric_limits<T>::infinity();
    index_t which_vmax = 0, which_imax = 0, imax = 0, nr_detected = 1;

    IncdtwKnnState() = default;
    IncdtwKnnState(index_t k_, index_t overlap_) : k(k_), overlap(overlap_) {
        val.assign(static_cast<std::size_t>(k), std::numeric_limits<T>::infinity());
        ix.assign(static_cast<std::size_t>(k), empty);
        series.assign(static_cast<std::size_t>(k), 0);
        which_vmax = k > 1 ? empty : 0;
    }

    void recompute_vmax() {
        T best = val[0];
        index_t at = 0;
        for (index_t i = 1; i < k; ++i) {
            if (val[static_cast<std::size_t>(i)] > best) {
                best = val[static_cast<std::size_t>(i)];
                at = i;
            }
        }
        vmax = best;
        which_vmax = at;
    }

    void kick_vmax(T v, index_t pos, index_t s) {
        std::size_t slot = 0;
        if (nr_detected < k) {
            for (index_t i = 0; i < k; ++i) {
                if (ix[static_cast<std::size_t>(i)] == empty) {
                    slot = static_cast<std::size_t>(i);
                    break;
                }
            }
            ++nr_detected;
        } else {
            slot = static_cast<std::size_t>(which_vmax);
        }
        val[slot] = v;
        ix[slot] = pos;
        series[slot] = s;
        imax = pos;
        which_imax = static_cast<index_t>(slot);
        if (nr_detected == k) {
            recompute_vmax();
        } else {
            vmax = std::numeric_limits<T>::infinity();
            which_vmax = empty;
        }
    }

    void kick_imax(T v, index_t pos, index_t s) {
        const auto slot = static_cast<std::size_t>(which_imax);
        val[slot] = v;
        ix[slot] = pos;
        series[slot] = s;
        imax = pos;
        if (nr_detected == k) {
            if (v > vmax) {
                vmax = v;
                which_vmax = which_imax;
            } else {
                recompute_vmax();
            }
        }
    }

    /// Window 0 of the first series (its distance, +inf when not reported).
    void start_first(T first, index_t s) {
        val[0] = first;
        ix[0] = 0;
        series[0] = s;
    }

    /// Window 0 of a later series of a list, after carry_over().
    void start_next(T first, index_t s) {
        imax = -overlap - 1;
        if (nr_detected < k || first < vmax) kick_vmax(first, 0, s);
    }

    /// A reported (non-NaN) distance of window `pos` >= 1.
    void update(T v, index_t pos, index_t s) {
        if (pos < imax + overlap) {
            if (v < val[static_cast<std::size_t>(which_imax)]) kick_imax(v, pos, s);
        } else if (v < vmax) {
            kick_vmax(v, pos, s);
        }
    }

    /// IncDTW's R step between two series of a list (kNN_update): the k best of the values held
    /// before the series and the series' backward-scan minima, by R's stable order() (NaN last).
    void carry_over(const std::vector<T>& held_val, const std::vector<index_t>& held_ix,
                    const std::vector<index_t>& held_series, const T* dist, const std::vector<index_t>& minima,
                    index_t s) {
        struct Entry {
            T v;
            index_t ix, series;
        };
        std::vector<Entry> all;
        for (std::size_t i = 0; i < held_val.size(); ++i) all.push_back({held_val[i], held_ix[i], held_series[i]});
        for (index_t m : minima) all.push_back({dist[m], m, s});
        std::stable_sort(all.begin(), all.end(), [](const Entry& a, const Entry& b) {
            const bool an = a.v != a.v, bn = b.v != b.v;
            if (an || bn) return !an && bn;
            return a.v < b.v;
        });
        for (index_t i = 0; i < k; ++i) {
            const auto u = static_cast<std::size_t>(i);
            val[u] = all[u].v;
            ix[u] = all[u].ix;
            series[u] = all[u].series;
        }
        vmax = std::numeric_limits<T>::infinity();  // R never updates it
        imax = 0;
        which_imax = 0;
        // which.max (first maximum, NA ignored) - 1
        index_t at = 0;
        bool found = false;
        T best{};
        nr_detected = 0;
        for (index_t i = 0; i < k; ++i) {
            const T v = val[static_cast<std::size_t>(i)];
            if (v < std::numeric_limits<T>::infinity()) ++nr_detected;
            if (v == v && (!found || v > best)) {
                best = v;
                at = i;
                found = true;
            }
        }
        which_vmax = at;
    }
};

}  // namespace incdtw::detail
