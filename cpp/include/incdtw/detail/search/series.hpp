#pragma once
/// The searched side of a subsequence search: a series (or a part of one), the power-of-two shift
/// that keeps its scaling in range, IncDTW's running z state at the start of every block of windows
/// (detail/search/windows.hpp scales a block from there), and the per-window results.

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <vector>

#include "../../lower_bound.hpp"
#include "../../rundtw_types.hpp"
#include "../../scaling.hpp"
#include "../checks.hpp"
#include "../memory.hpp"
#include "../sliding.hpp"
#include "query.hpp"

namespace incdtw {
namespace detail {

/// One searched series, or a part of one. Window j of `x` is window `first + j` of the whole
/// series. With scaling, x may be the series times 2^-shift[l] per dimension (prepare_shift), which
/// every window's scaled values do not depend on. The windows are scaled block by block
/// (WindowCursor): `zcheck` holds IncDTW's running z state at the first window of each block, filled
/// in order when a search first starts inside the series (parts on several threads; z_checkpoint).
template <class T>
struct RunSeries {
    SeriesView<T> x;
    std::vector<int> shift;   ///< per dimension (empty: none)
    std::vector<T> shifted;   ///< the shifted copy that x views (empty: x is the input)
    index_t windows = 0;
    index_t first = 0;
    index_t series = 0;  ///< its index in the searched list
    index_t n = 0;       ///< the window length (the query's)
    index_t radius = 0;  ///< of the data's envelope
    index_t block = 1;   ///< windows per block
    WindowScaling how = WindowScaling::none;
    /// z: per block and dimension mu, s2 (in the shifted units), blocks [0, zready) filled; a cache
    /// that z_checkpoint() extends under zlock (mutable: the searches read s as const).
    mutable std::vector<double> zcheck;
    mutable index_t zready = 0;
    std::unique_ptr<std::mutex> zlock = std::make_unique<std::mutex>();
    /// Per window, kept when a later walk reuses them (IncDTW's `dist`, a part's save()); else
    /// empty, and the search only tallies the verdicts.
    std::vector<T> val;  ///< the distance (st_done) or a threshold it exceeds
    std::vector<std::uint8_t> status;

    bool keeps() const noexcept { return !status.empty(); }
    /// The verdict of window j (keeps() only): its status only rises (the last test it needed).
    void record(index_t j, std::uint8_t st, T v) noexcept {
        const auto u = static_cast<std::size_t>(j);
        status[u] = std::max(status[u], st);
        val[u] = v;
    }
    /// Whether window j needs the tests at `limit` (keeps() only): unknown, or only known to exceed
    /// a smaller limit.
    bool open(index_t j, T limit) const noexcept {
        const auto u = static_cast<std::size_t>(j);
        return status[u] == st_unknown || (status[u] != st_done && val[u] < limit);
    }

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
        // IncDTW: sigma2 += a + b, that is sigma2 + (a + b) (the other order rounds differently)
        if (n > 1) s2 = s2 + ((xn * xn - xo * xo) / n1 + (mu * mu - mu_new * mu_new) * nn / n1);
        mu = mu_new;
    }
};

/// ZRunning::advance from window b (the state z) over windows b + 1, ..., b + count - 1 (count >= 1),
/// in passes: the divisions, which no window waits on, in loops the compiler vectorises, around
/// the two chains of additions (mu, then s2), each value by advance()'s operations. Leaves mu and
/// s2 of window b + i in scratch[2 count + i] and scratch[3 count + i] (scratch: 4 count doubles)
/// and z at window b + count - 1.
template <class At>
void z_run(ZRunning& z, const At& at, index_t b, index_t count, index_t n, double* scratch) {
    const double nn = static_cast<double>(n), n1 = static_cast<double>(n - 1);
    double *a = scratch, *sq = a + count, *mu = sq + count, *s2 = mu + count;
    for (index_t i = 1; i < count; ++i) {
        const double xn = at(b + i + n - 1), xo = at(b + i - 1);
        a[i] = (xn - xo) / nn;
        sq[i] = (xn * xn - xo * xo) / n1;
    }
    mu[0] = z.mu;
    for (index_t i = 1; i < count; ++i) mu[i] = mu[i - 1] + a[i];
    s2[0] = z.s2;
    if (n > 1) {
        for (index_t i = 1; i < count; ++i) a[i] = (mu[i - 1] * mu[i - 1] - mu[i] * mu[i]) * nn / n1;
        for (index_t i = 1; i < count; ++i) s2[i] = s2[i - 1] + (sq[i] + a[i]);
    } else {
        for (index_t i = 1; i < count; ++i) s2[i] = s2[0];
    }
    z.mu = mu[count - 1];
    z.s2 = s2[count - 1];
}

/// The values of z_start / rundtw_z_states per dimension: mu, s2 (in the units of the shifted
/// series) and the shift.
inline constexpr index_t z_state_values = 3;

/// The power-of-two shift (scaling.hpp's pow2_shift) of dimension l of x for windows of length n,
/// small enough to keep every value of the search in range: for z, IncDTW's running sums
/// (n x^2, in double) and the per-window offsets and divisors in T; for 01, the window ranges.
template <class T>
int series_shift(SeriesView<T> x, index_t l, index_t n, WindowScaling how) {
    double m[4] = {0, 0, 0, 0};  // four maxima: a loop the compiler vectorises (a maximum is exact)
    index_t t = 0;
    for (; t + 4 <= x.length; t += 4) {
        for (int u = 0; u < 4; ++u) {
            const double v = std::fabs(static_cast<double>(x.data[(t + u) * x.dims + l]));
            m[u] = m[u] > v ? m[u] : v;
        }
    }
    for (; t < x.length; ++t) m[0] = std::max(m[0], std::fabs(static_cast<double>(x.data[t * x.dims + l])));
    const double big = std::max(std::max(m[0], m[1]), std::max(m[2], m[3]));
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

/// Windows per block of a search: a block's scaling and envelope (about 4 x (block + n) values per
/// dimension) stay in the caches, and recomputing n - 1 observations' envelope per block is cheap.
inline index_t block_windows(index_t n) { return std::max<index_t>(2048, 4 * n); }

/// The running z state of s at window 0 (z scaling), in the units of the shifted series
/// (prepare_shift first); the states of later blocks follow on demand (z_checkpoint). `z_start`
/// (z_state_values x dims values: mu, s2 and the shift of each dimension) is the state at window 0
/// of s, from rundtw_z_states(); null: start it from s's own first window (a whole series). Also
/// sets the geometry of the blocks.
template <class T>
void prepare_scaling(RunSeries<T>& s, index_t n, index_t radius, WindowScaling how, const double* z_start = nullptr) {
    const index_t d = s.x.dims;
    s.n = n;
    s.radius = radius;
    s.block = block_windows(n);
    s.how = how;
    if (how != WindowScaling::z) return;
    const index_t blocks = (s.windows + s.block - 1) / s.block;
    s.zcheck.assign(static_cast<std::size_t>(blocks * d * 2), 0.0);
    for (index_t l = 0; l < d; ++l) {
        const int k = s.shift.empty() ? 0 : s.shift[static_cast<std::size_t>(l)];
        ZRunning z;
        if (z_start != nullptr) {
            const int from = static_cast<int>(z_start[z_state_values * l + 2]);  // prepare_shift: k >= from
            z.mu = std::ldexp(z_start[z_state_values * l], from - k);
            z.s2 = std::ldexp(z_start[z_state_values * l + 1], 2 * (from - k));
        } else {
            z.start([&](index_t t) { return static_cast<double>(s.x.data[t * d + l]); }, n);
        }
        s.zcheck[static_cast<std::size_t>(2 * l)] = z.mu;
        s.zcheck[static_cast<std::size_t>(2 * l + 1)] = z.s2;
    }
    s.zready = 1;
}

/// The z state (mu, s2 per dimension) at the first window of block `b` of s, computing the
/// blocks up to it in window order if no search needed them yet (under s.zlock: threads that
/// start parts inside the series share the work, and a thread that starts at window 0 never
/// waits for it).
template <class T>
const double* z_checkpoint(const RunSeries<T>& s, index_t b) {
    const index_t d = s.x.dims, n = s.n;
    const std::lock_guard<std::mutex> hold(*s.zlock);
    for (; s.zready <= b; ++s.zready) {
        const index_t c = s.zready, j0 = (c - 1) * s.block;
        for (index_t l = 0; l < d; ++l) {
            const auto at = [&](index_t t) { return static_cast<double>(s.x.data[t * d + l]); };
            ZRunning z;
            z.mu = s.zcheck[static_cast<std::size_t>(((c - 1) * d + l) * 2)];
            z.s2 = s.zcheck[static_cast<std::size_t>(((c - 1) * d + l) * 2 + 1)];
            // one update at a time: faster here than z_run's passes, nothing per window is kept
            for (index_t j = j0 + 1; j <= j0 + s.block; ++j) z.advance(at(j + n - 1), at(j - 1), n);
            s.zcheck[static_cast<std::size_t>((c * d + l) * 2)] = z.mu;
            s.zcheck[static_cast<std::size_t>((c * d + l) * 2 + 1)] = z.s2;
        }
    }
    return s.zcheck.data() + b * d * 2;
}

/// The per-window results of s, all unknown, when a later walk reuses them (`keep`).
template <class T>
void prepare_results(RunSeries<T>& s, bool keep) {
    if (!keep) return;
    assign_large(s.val, static_cast<std::size_t>(s.windows), T{0});
    assign_large(s.status, static_cast<std::size_t>(s.windows), std::uint8_t{st_unknown});
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
}  // namespace incdtw
