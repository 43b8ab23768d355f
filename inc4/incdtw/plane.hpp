#pragma once
/// The streaming plane (IncDTW: initialize_plane, increment, decrement, reverse, refresh): an
/// alignment of two growing series that keeps only the last column and row of the global cost
/// matrix. Appending k observations to either series costs O(k * length of the other) time and
/// amortised O(k) memory; the values are bit-identical to a computation from scratch.

#include <algorithm>
#include <cstddef>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

#include "detail/checks.hpp"
#include "detail/cost.hpp"
#include "detail/extend.hpp"
#include "options.hpp"
#include "partial.hpp"
#include "types.hpp"

namespace incdtw {

/// Which series a plane operation is about.
enum class Side : std::uint8_t { q, c, both };

template <class T>
class Plane {
  public:
    /// initialize_plane: the alignment of q (nQ x d) and c (nC x d). Throws as dtw().
    Plane(SeriesView<T> q, SeriesView<T> c, const DtwOptions& opt) : Plane(q, c, opt, false) { recompute(); }

    /// Restores a plane from its parts (unpickling). `lc`/`lr` empty means no state (after a
    /// decrement without refresh); otherwise they must fit the series and the window.
    Plane(SeriesView<T> q, SeriesView<T> c, const DtwOptions& opt, std::vector<T> lc, std::vector<T> lr,
          T distance, T normalized_distance, bool reversed)
        : Plane(q, c, opt, reversed) {
        if (lc.empty() != lr.empty()) throw std::invalid_argument("gcm_lc_new and gcm_lr_new: both or neither");
        if (!lc.empty()) {
            if (static_cast<index_t>(lc.size()) != nq_ || static_cast<index_t>(lr.size()) != nc_) {
                throw std::invalid_argument("gcm_lc_new / gcm_lr_new have " + std::to_string(lc.size()) + " / " +
                                            std::to_string(lr.size()) + " values, but Q / C have " +
                                            std::to_string(nq_) + " / " + std::to_string(nc_) + " observations");
            }
            detail::check_state_vector(lc.data(), nq_, nc_ - 1, opt_.window, "gcm_lc_new");
            detail::check_state_vector(lr.data(), nc_, nq_ - 1, opt_.window, "gcm_lr_new");
            if (!(lc.back() == lr.back()) || !(distance == lc.back())) {
                throw std::invalid_argument("distance, gcm_lc_new[-1] and gcm_lr_new[-1] must be the same value");
            }
            lc_ = std::move(lc);
            lr_ = std::move(lr);
            has_state_ = true;
        }
        distance_ = distance;
        normalized_ = normalized_distance;
    }

    /// increment: appends observations to C (side c) or Q (side q). Throws std::logic_error when
    /// the plane has no state (decrement without refresh), std::invalid_argument for mismatched
    /// dimensions, non-finite values or an infeasible window; the plane is unchanged then.
    void increment(SeriesView<T> obs, Side side) {
        if (side == Side::both) throw std::invalid_argument("increment: direction must be C or Q");
        if (!has_state_) {
            throw std::logic_error("the plane has no last column and row after a decrement: call refresh() first");
        }
        detail::check_series(obs, "newObs");
        if (obs.dims != dims_) {
            throw std::invalid_argument("newObs has " + std::to_string(obs.dims) + " dimensions but Q and C have " +
                                        std::to_string(dims_));
        }
        const bool to_c = side == Side::c;
        const index_t k = obs.length;
        const index_t width = to_c ? nq_ : nc_;  // the series that does not grow
        const index_t grown = (to_c ? nc_ : nq_) + k;
        check_window(to_c ? nq_ : grown, to_c ? grown : nc_, opt_.window);
        std::vector<T>& across = to_c ? lc_ : lr_;  // spans the fixed series; replaced
        std::vector<T>& along = to_c ? lr_ : lc_;   // grows by k
        std::vector<T>& series = to_c ? c_ : q_;
        const std::vector<T>& other = to_c ? q_ : c_;
        // Allocations first: a std::bad_alloc leaves the plane as it was.
        work_.resize(static_cast<std::size_t>(2 * width));
        if (series.capacity() < static_cast<std::size_t>(grown * dims_)) {
            series.reserve(std::max(static_cast<std::size_t>(grown * dims_), 2 * series.capacity()));
        }
        along.resize(static_cast<std::size_t>(grown));
        detail::extend_rows_series(width, grown - k, k, obs.data, other.data(), dims_, opt_, across.data(),
                                   across.data(), along.data() + (grown - k), work_.data());
        series.insert(series.end(), obs.data, obs.data + k * dims_);
        (to_c ? nc_ : nq_) = grown;
        set_distance();
    }

    /// decrement with explicit lengths (IncDTW's nC / nQ): keeps Q[:nq] and C[:nc] (-1: unchanged).
    /// The distance is read from the last row (only C cut) or column (only Q cut); both cut: NaN.
    /// The normalised distance divides by nq + nc for both step patterns. The plane has no state
    /// afterwards: refresh() before the next increment.
    void truncate(index_t nq, index_t nc) {
        const index_t new_q = nq < 0 ? nq_ : nq;
        const index_t new_c = nc < 0 ? nc_ : nc;
        if (new_q < 1 || new_q > nq_) {
            throw std::invalid_argument("nQ must be between 1 and " + std::to_string(nq_) + ", got " +
                                        std::to_string(new_q));
        }
        if (new_c < 1 || new_c > nc_) {
            throw std::invalid_argument("nC must be between 1 and " + std::to_string(nc_) + ", got " +
                                        std::to_string(new_c));
        }
        check_window(new_q, new_c, opt_.window);
        T d = std::numeric_limits<T>::quiet_NaN();
        if (has_state_ && nq < 0) d = lr_[static_cast<std::size_t>(new_c - 1)];
        if (has_state_ && nc < 0) d = lc_[static_cast<std::size_t>(new_q - 1)];
        if (nq < 0 && nc < 0) d = distance_;
        cut(new_q, new_c);
        distance_ = d;
        normalized_ = d / static_cast<T>(new_q + new_c);
    }

    /// decrement to the best partial alignment (IncDTW: dtw_partial on the last column and row):
    /// cuts C (side c), Q (side q) or whichever is better (both) to the prefix of the stored series
    /// with the smallest length-normalised distance. Returns false (plane unchanged) when nothing is
    /// cut or the plane has no state. After a reverse() the stored series are reversed and the kept
    /// prefix is the end of the original series.
    bool decrement(Side side) {
        if (!has_state_) return false;
        const PartialAlignment p = partial_alignment(lc_.data(), nq_, lr_.data(), nc_, side != Side::c,
                                                     side != Side::q, false);
        const index_t new_q = p.q_end - p.q_begin;
        const index_t new_c = p.c_end - p.c_begin;
        if (new_q == nq_ && new_c == nc_) return false;
        const T d = new_q != nq_ ? lc_[static_cast<std::size_t>(new_q - 1)] : lr_[static_cast<std::size_t>(new_c - 1)];
        cut(new_q, new_c);
        distance_ = d;
        normalized_ = static_cast<T>(p.normalized_distance);
        return true;
    }

    /// Recomputes the alignment from scratch on the reversed series (open-begin search); later
    /// increments append at the original beginning (new observations in reverse time order).
    void reverse() {
        reverse_observations(q_, nq_);
        reverse_observations(c_, nc_);
        reversed_ = !reversed_;
        recompute();
    }

    /// Recomputes the last column and row from the stored series: O(nQ nC) time.
    void refresh() {
        check_window(nq_, nc_, opt_.window);
        recompute();
    }

    SeriesView<T> q() const noexcept { return SeriesView<T>{q_.data(), nq_, dims_}; }
    SeriesView<T> c() const noexcept { return SeriesView<T>{c_.data(), nc_, dims_}; }
    bool has_state() const noexcept { return has_state_; }
    const std::vector<T>& last_column() const noexcept { return lc_; }  ///< empty without state
    const std::vector<T>& last_row() const noexcept { return lr_; }     ///< empty without state
    T distance() const noexcept { return distance_; }
    T normalized_distance() const noexcept { return normalized_; }
    bool reversed() const noexcept { return reversed_; }
    const DtwOptions& options() const noexcept { return opt_; }
    index_t nq() const noexcept { return nq_; }
    index_t nc() const noexcept { return nc_; }
    index_t dims() const noexcept { return dims_; }

  private:
    /// The series and options, checked; no state yet.
    Plane(SeriesView<T> q, SeriesView<T> c, const DtwOptions& opt, bool reversed)
        : opt_(opt), dims_(q.dims), reversed_(reversed) {
        validate(opt_);
        detail::check_pair(q, c);
        check_window(q.length, c.length, opt_.window);
        q_.assign(q.data, q.data + q.length * q.dims);
        c_.assign(c.data, c.data + c.length * c.dims);
        nq_ = q.length;
        nc_ = c.length;
    }

    void recompute() {
        lc_.resize(static_cast<std::size_t>(nq_));
        lr_.resize(static_cast<std::size_t>(nc_));
        work_.resize(static_cast<std::size_t>(2 * nq_));
        detail::extend_rows_series<T>(nq_, 0, nc_, c_.data(), q_.data(), dims_, opt_, nullptr, lc_.data(), lr_.data(),
                                      work_.data());
        has_state_ = true;
        set_distance();
    }

    void set_distance() {
        distance_ = lc_[static_cast<std::size_t>(nq_ - 1)];
        normalized_ = normalize_distance(distance_, nq_, nc_, opt_.step_pattern);
    }

    void cut(index_t new_q, index_t new_c) {
        q_.resize(static_cast<std::size_t>(new_q * dims_));
        c_.resize(static_cast<std::size_t>(new_c * dims_));
        nq_ = new_q;
        nc_ = new_c;
        lc_.clear();
        lr_.clear();
        has_state_ = false;
    }

    void reverse_observations(std::vector<T>& s, index_t len) const {
        for (index_t a = 0, b = len - 1; a < b; ++a, --b) {
            std::swap_ranges(s.begin() + a * dims_, s.begin() + (a + 1) * dims_, s.begin() + b * dims_);
        }
    }

    DtwOptions opt_;
    index_t dims_ = 1;
    std::vector<T> q_, c_;  // row-major observations
    index_t nq_ = 0, nc_ = 0;
    std::vector<T> lc_, lr_;  // last column (nq_) and last row (nc_) of the gcm
    std::vector<T> work_;     // scratch of the sweeps
    bool has_state_ = false;
    T distance_{};
    T normalized_{};
    bool reversed_ = false;
};

}  // namespace incdtw
