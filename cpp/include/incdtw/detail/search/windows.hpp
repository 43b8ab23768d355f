#pragma once
/// The scaled windows of a searched series, block by block: the per-window offsets and divisors and
/// the data's envelope of one block of windows, computed when a test first reads the block. A
/// search so holds O(block) of them per thread, not O(length), and they stay in the caches.

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <vector>

#include "../sliding.hpp"
#include "series.hpp"

namespace incdtw {
namespace detail {

/// What the tests read of window j: pointers at its first observation (row-major, dims values per
/// observation), at its offsets, divisors and their reciprocals (dims each; null without scaling)
/// and at the data's envelope from observation j on (as x).
template <class T>
struct WindowRef {
    const T* x;
    const T* off;
    const T* div;
    const T* inv;  ///< 1 / div, for the bounds (a division per window is a latency the bounds wait on)
    const T* xlo;
    const T* xhi;
};

/// Window j of s on demand, for one thread; any order works, window order loads each block once.
/// The values are those of a whole-series pass bit for bit: the z recurrence continues from the
/// block's checkpoint in the same operations, and minima and maxima do not round.
template <class T>
class WindowCursor {
  public:
    explicit WindowCursor(const RunSeries<T>& s) : s_(s) {}

    WindowRef<T> at(index_t j) {
        if (j < begin_ || j >= end_) load(j - j % s_.block);
        const index_t d = s_.x.dims;
        const auto w = static_cast<std::size_t>((j - begin_) * d);
        const auto e = static_cast<std::size_t>((lead_ + j - begin_) * d);
        const bool scaled = s_.how != WindowScaling::none;
        return {s_.x.data + j * d,     scaled ? off_.data() + w : nullptr, scaled ? div_.data() + w : nullptr,
                scaled ? inv_.data() + w : nullptr, xlo_.data() + e, xhi_.data() + e};
    }

    /// The end of the block the last at() read: windows up to it share that call's pointers.
    index_t block_end() const noexcept { return end_; }

  private:
    /// The block of windows [b, b + block).
    void load(index_t b) {
        const index_t d = s_.x.dims, n = s_.n, r = s_.radius, len = s_.x.length;
        const index_t e = std::min(s_.windows, b + s_.block), count = e - b;
        begin_ = b;
        end_ = e;
        if (s_.how != WindowScaling::none) {
            off_.resize(static_cast<std::size_t>(count * d));
            div_.resize(off_.size());
            inv_.resize(off_.size());
            // z: continued from the cursor's own state (window order), else from block b's
            // checkpoint
            const bool own = zat_ >= 0 && zat_ <= b;
            const double* check = nullptr;
            if (s_.how == WindowScaling::z) {
                if (zmu_.empty()) zmu_.assign(static_cast<std::size_t>(2 * d), 0.0);
                if (!own) check = z_checkpoint(s_, b / s_.block);
            }
            for (index_t l = 0; l < d; ++l) scale(b, count, l, own ? zat_ : b, check);
            zat_ = e - 1;
            for (std::size_t i = 0; i < inv_.size(); ++i) inv_[i] = T{1} / div_[i];
        }
        // the envelope of observations [b, e + n - 1), from the data within r of them
        const index_t a = std::max<index_t>(0, b - r), z = std::min(len, e + n - 1 + r);
        lead_ = b - a;
        const index_t rows = e + n - 1 - a;
        xlo_.resize(static_cast<std::size_t>(rows * d));
        xhi_.resize(xlo_.size());
        for (index_t l = 0; l < d; ++l) {
            window_extremes(s_.x.data + a * d + l, d, z - a, r, r, rows, xlo_.data() + l, xhi_.data() + l, d, &extremes_);
        }
    }

    /// IncDTW's scaling of dimension l of windows [b, b + count): z continued from its state at
    /// window `from` <= b (the cursor's own; `check`: block b's checkpoint instead, from = b), 01
    /// from the window extremes; a divisor below 1e-9 (of the unshifted series) is 1 (shift only).
    void scale(index_t b, index_t count, index_t l, index_t from, const double* check) {
        const index_t d = s_.x.dims, n = s_.n;
        const int k = s_.shift.empty() ? 0 : s_.shift[static_cast<std::size_t>(l)];
        const T unit = std::ldexp(T{1}, -k);  // the divisor 1 in the shifted units
        T* off = off_.data() + l;
        T* div = div_.data() + l;
        if (s_.how == WindowScaling::z) {
            const auto at = [&](index_t t) { return static_cast<double>(s_.x.data[t * d + l]); };
            double* mine = zmu_.data() + 2 * l;
            ZRunning z;
            z.mu = check != nullptr ? check[2 * l] : mine[0];
            z.s2 = check != nullptr ? check[2 * l + 1] : mine[1];
            for (index_t j = from + 1; j <= b; ++j) z.advance(at(j + n - 1), at(j - 1), n);
            zs_.resize(static_cast<std::size_t>(4 * count));
            z_run(z, at, b, count, n, zs_.data());
            const double *mu = zs_.data() + 2 * count, *s2 = mu + count;
            for (index_t i = 0; i < count; ++i) off[i * d] = static_cast<T>(mu[i]);
            if (k == 0) {
                for (index_t i = 0; i < count; ++i) div[i * d] = s2[i] < 1e-9 ? unit : static_cast<T>(std::sqrt(s2[i]));
            } else {
                for (index_t i = 0; i < count; ++i) {
                    const double big = std::ldexp(s2[i], 2 * k);  // may overflow to inf: fine here
                    div[i * d] = big < 1e-9 ? unit : static_cast<T>(std::sqrt(s2[i]));
                }
            }
            mine[0] = z.mu;
            mine[1] = z.s2;
            return;
        }
        window_extremes(s_.x.data + b * d + l, d, count + n - 1, 0, n - 1, count, off, div, d, &extremes_);
        for (index_t i = 0; i < count; ++i) {
            const T range = div[i * d] - off[i * d];
            div[i * d] = (k == 0 ? range : std::ldexp(range, k)) < T(1e-9) ? unit : range;
        }
    }

    const RunSeries<T>& s_;
    index_t begin_ = 0, end_ = 0;  ///< the loaded block (none yet)
    index_t lead_ = 0;             ///< envelope rows before observation begin_
    index_t zat_ = -1;             ///< z: the window of the cursor's own state zmu_ (none yet)
    std::vector<double> zmu_;      ///< per dimension mu, s2 at window zat_
    std::vector<double> zs_;       ///< z: scratch of the block's passes
    std::vector<T> off_, div_, inv_, xlo_, xhi_;
    std::vector<T> extremes_;  ///< window_extremes' scratch, reused from block to block
};

}  // namespace detail
}  // namespace incdtw
