#pragma once
/// Test oracle: a naive full-matrix DTW written straight from the specification
/// (docs/API.md 1.1-1.6 and docs/DEVIATIONS.md), independent of the incdtw kernels,
/// plus random series generators with fixed seeds.
///
/// Deliberately simple: the whole n x m local cost matrix and gcm are built, cells outside the
/// Sakoe-Chiba window hold NaN (IncDTW's NA), the minimum ignores NaN like IncDTW's `mymin`, and
/// the direction of each cell follows the four cases of API.md 1.3 literally. Only the public
/// value types and enums of incdtw are used (no incdtw algorithm).
///
/// Values follow IncDTW's vector code (API.md 1.2): G = c + min(G[i-1,j], G[i-1,j-1] (+ c), G[i,j-1]),
/// which is also the formula incdtw documents for all its kernels; the matrix code's `2c + G` is
/// the same number up to the last bit.

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <limits>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include <doctest/doctest.h>

#include "incdtw/options.hpp"
#include "incdtw/types.hpp"

namespace incdtw_test {

using incdtw::DistMethod;
using incdtw::index_t;
using incdtw::StepPattern;

inline std::size_t idx(index_t i, index_t j, index_t cols) {
    return static_cast<std::size_t>(i * cols + j);
}

// ---- series ----------------------------------------------------------------------------------

/// An owning series of shape (length, dims), row-major.
template <class T>
struct Series {
    std::vector<T> data;
    index_t length = 0;
    index_t dims = 1;

    incdtw::SeriesView<T> view() const { return {data.data(), length, dims}; }
    T at(index_t t, index_t l) const { return data[idx(t, l, dims)]; }

    /// The same values in another precision (exact for float -> double).
    template <class U>
    Series<U> as() const {
        Series<U> out;
        out.length = length;
        out.dims = dims;
        out.data.reserve(data.size());
        for (const T x : data) out.data.push_back(static_cast<U>(x));
        return out;
    }

    /// The first `len` observations.
    Series prefix(index_t len) const {
        Series out;
        out.length = len;
        out.dims = dims;
        out.data.assign(data.begin(), data.begin() + static_cast<std::ptrdiff_t>(len * dims));
        return out;
    }
};

template <class T>
Series<T> make_series(std::vector<T> values, index_t dims = 1) {
    Series<T> s;
    s.length = static_cast<index_t>(values.size()) / dims;
    s.dims = dims;
    s.data = std::move(values);
    return s;
}

/// Gaussian random walk: x[0] ~ N(0, 1), x[t] = x[t-1] + N(0, 1), independently per dimension.
/// Generated in double, then rounded to T (so a float series is exactly representable in double).
/// Observations [from, to) of a series.
template <class T>
Series<T> slice(const Series<T>& s, index_t from, index_t to) {
    Series<T> out;
    out.length = to - from;
    out.dims = s.dims;
    out.data.assign(s.data.begin() + static_cast<std::ptrdiff_t>(from * s.dims),
                    s.data.begin() + static_cast<std::ptrdiff_t>(to * s.dims));
    return out;
}

/// a followed by b (same dims).
template <class T>
Series<T> concat(const Series<T>& a, const Series<T>& b) {
    Series<T> out = a;
    out.data.insert(out.data.end(), b.data.begin(), b.data.end());
    out.length += b.length;
    return out;
}

/// Observation order reversed, dimensions kept.
template <class T>
Series<T> reversed(const Series<T>& s) {
    Series<T> out = s;
    for (index_t t = 0; t < s.length; ++t) {
        for (index_t l = 0; l < s.dims; ++l) out.data[idx(t, l, s.dims)] = s.at(s.length - 1 - t, l);
    }
    return out;
}

template <class T>
Series<T> random_walk(std::mt19937& rng, index_t length, index_t dims) {
    std::normal_distribution<double> step(0.0, 1.0);
    Series<T> s;
    s.length = length;
    s.dims = dims;
    s.data.resize(static_cast<std::size_t>(length * dims));
    for (index_t l = 0; l < dims; ++l) {
        double x = 0.0;
        for (index_t t = 0; t < length; ++t) {
            x += step(rng);
            s.data[idx(t, l, dims)] = static_cast<T>(x);
        }
    }
    return s;
}

/// Integer values in [0, hi]: costs and gcm entries are small integers, exact in float and double,
/// so the three candidates of a cell tie often and the tie rule is exercised.
template <class T>
Series<T> random_ints(std::mt19937& rng, index_t length, index_t dims, int hi = 3) {
    std::uniform_int_distribution<int> value(0, hi);
    Series<T> s;
    s.length = length;
    s.dims = dims;
    s.data.resize(static_cast<std::size_t>(length * dims));
    for (T& x : s.data) x = static_cast<T>(value(rng));
    return s;
}

inline index_t random_index(std::mt19937& rng, index_t lo, index_t hi) {
    return std::uniform_int_distribution<index_t>(lo, hi)(rng);
}

// ---- the reference DTW -----------------------------------------------------------------------

template <class T>
constexpr T nan_v = std::numeric_limits<T>::quiet_NaN();

/// API.md 1.1 (+ DEVIATIONS.md 9): one dimension gives |q - c| for norm1 and norm2 and (q - c)^2
/// for norm2_square; otherwise the sum of |.|, the Euclidean norm, or the sum of squares.
template <class T>
T ref_point_cost(const T* a, const T* b, index_t dims, DistMethod method) {
    if (dims == 1) {
        const T x = a[0] - b[0];
        return method == DistMethod::norm2_square ? x * x : std::abs(x);
    }
    T s = 0;
    for (index_t l = 0; l < dims; ++l) {
        const T x = a[l] - b[l];
        s += method == DistMethod::norm1 ? std::abs(x) : x * x;
    }
    return method == DistMethod::norm2 ? std::sqrt(s) : s;
}

inline bool in_window(index_t i, index_t j, index_t window) {
    return window < 0 || std::abs(i - j) <= window;
}

/// Full n x m local cost matrix (every cell, no window).
template <class T>
std::vector<T> ref_cost_matrix(const Series<T>& q, const Series<T>& c, DistMethod method) {
    std::vector<T> cm(static_cast<std::size_t>(q.length * c.length));
    for (index_t i = 0; i < q.length; ++i) {
        for (index_t j = 0; j < c.length; ++j) {
            cm[idx(i, j, c.length)] =
                ref_point_cost(q.data.data() + i * q.dims, c.data.data() + j * c.dims, q.dims, method);
        }
    }
    return cm;
}

/// IncDTW's `mymin`: the non-NaN argument if exactly one is NaN, x if both are.
template <class T>
T nan_min(T x, T y) {
    if (std::isnan(x)) return std::isnan(y) ? x : y;
    if (std::isnan(y)) return x;
    return y < x ? y : x;
}

template <class T>
struct RefResult {
    index_t n = 0;
    index_t m = 0;
    T distance{};
    T normalized_distance{};
    std::vector<T> gcm;            ///< n x m, NaN outside the window
    std::vector<std::int8_t> dm;   ///< n x m, 0 for IncDTW's NA (start cell, outside the window)
    std::vector<index_t> ii, jj;   ///< 0-based path from (0,0) to (n-1,m-1)
    std::vector<std::int8_t> wp;   ///< one code per step

    T g(index_t i, index_t j) const { return gcm[idx(i, j, m)]; }
    int d(index_t i, index_t j) const { return dm[idx(i, j, m)]; }
};

/// API.md 1.6 with DEVIATIONS.md 1 (n = m = 1 gives ii = jj = {0}, wp = {}).
inline void ref_backtrack(const std::vector<std::int8_t>& dm, index_t m, index_t n_rows, index_t n_cols,
                          std::vector<index_t>& ii, std::vector<index_t>& jj, std::vector<std::int8_t>& wp) {
    index_t i = n_rows - 1;
    index_t j = n_cols - 1;
    ii.assign(1, i);
    jj.assign(1, j);
    wp.clear();
    while (i > 0 || j > 0) {
        const std::int8_t s = dm[idx(i, j, m)];
        if (s == 1) {
            --i;
            --j;
        } else if (s == 2) {
            --j;
        } else if (s == 3) {
            --i;
        } else {
            std::abort();  // the reference never produces this
        }
        ii.push_back(i);
        jj.push_back(j);
        wp.push_back(s);
    }
    std::reverse(ii.begin(), ii.end());
    std::reverse(jj.begin(), jj.end());
    std::reverse(wp.begin(), wp.end());
}

/// DTW of an n x m local cost matrix (API.md 1.2-1.4, 1.6, 1.7).
template <class T>
RefResult<T> ref_dtw_cost(const std::vector<T>& cm, index_t n, index_t m, StepPattern step, index_t window) {
    RefResult<T> r;
    r.n = n;
    r.m = m;
    r.gcm.assign(static_cast<std::size_t>(n * m), nan_v<T>);
    r.dm.assign(static_cast<std::size_t>(n * m), std::int8_t{0});
    auto G = [&](index_t i, index_t j) -> T& { return r.gcm[idx(i, j, m)]; };
    auto D = [&](index_t i, index_t j) -> std::int8_t& { return r.dm[idx(i, j, m)]; };
    for (index_t i = 0; i < n; ++i) {
        for (index_t j = 0; j < m; ++j) {
            if (!in_window(i, j, window)) continue;  // NA / 0
            const T c = cm[idx(i, j, m)];
            if (i == 0 && j == 0) {
                G(i, j) = c;  // no diagonal weight on the first cell
            } else if (j == 0) {
                G(i, j) = c + G(i - 1, 0);
                D(i, j) = 3;
            } else if (i == 0) {
                G(i, j) = c + G(0, j - 1);
                D(i, j) = 2;
            } else {
                const T d = step == StepPattern::symmetric2 ? G(i - 1, j - 1) + c : G(i - 1, j - 1);
                const T v = G(i - 1, j);  // NaN when outside the window
                const T h = G(i, j - 1);
                G(i, j) = c + nan_min(v, nan_min(d, h));
                std::int8_t dir;
                if (!std::isnan(v) && !std::isnan(h)) {
                    if (d <= v && d <= h) {
                        dir = 1;
                    } else if (v <= d && v <= h) {
                        dir = 3;
                    } else {
                        dir = 2;
                    }
                } else if (std::isnan(v) && std::isnan(h)) {
                    dir = 1;
                } else if (std::isnan(v)) {
                    dir = d <= h ? 1 : 2;
                } else {
                    dir = d <= v ? 1 : 3;
                }
                D(i, j) = dir;
            }
        }
    }
    r.distance = G(n - 1, m - 1);
    r.normalized_distance = step == StepPattern::symmetric2 ? r.distance / static_cast<T>(n + m) : nan_v<T>;
    ref_backtrack(r.dm, m, n, m, r.ii, r.jj, r.wp);
    return r;
}

template <class T>
RefResult<T> ref_dtw(const Series<T>& q, const Series<T>& c, DistMethod method, StepPattern step,
                     index_t window) {
    return ref_dtw_cost(ref_cost_matrix(q, c, method), q.length, c.length, step, window);
}

/// Early abandoning (API.md 1.5): the exact distance when it is <= threshold, NaN otherwise.
template <class T>
T ref_abandon(T distance, double threshold) {
    return static_cast<double>(distance) <= threshold ? distance : nan_v<T>;
}

// ---- random cases ----------------------------------------------------------------------------

enum class WindowKind { none, zero, abs_diff, random, wide };

struct Case {
    index_t n = 1, m = 1, dims = 1;
    DistMethod method = DistMethod::norm1;
    StepPattern step = StepPattern::symmetric2;
    index_t window = -1;
    bool ints = false;  ///< integer-valued series (ties) instead of random walks

    std::string str() const {
        std::ostringstream os;
        const char* names[] = {"norm1", "norm2", "norm2_square"};
        os << "n=" << n << " m=" << m << " dims=" << dims << " method=" << names[static_cast<int>(method)]
           << " step=" << (step == StepPattern::symmetric1 ? "symmetric1" : "symmetric2") << " window=" << window
           << (ints ? " ints" : " walk");
        return os.str();
    }
};

/// A random case: n, m in [1, max_len], dims in [1, 3], any method and step, and a feasible window
/// chosen among none, 0 (needs n == m), |n - m|, random in [|n - m|, max(n, m)] and wider than
/// the matrix.
inline Case random_case(std::mt19937& rng, bool ints, index_t max_len = 40) {
    Case k;
    k.n = random_index(rng, 1, max_len);
    k.m = random_index(rng, 1, max_len);
    k.dims = random_index(rng, 1, 3);
    k.method = static_cast<DistMethod>(random_index(rng, 0, 2));
    k.step = random_index(rng, 0, 1) == 0 ? StepPattern::symmetric1 : StepPattern::symmetric2;
    k.ints = ints;
    const index_t diff = std::abs(k.n - k.m);
    switch (static_cast<WindowKind>(random_index(rng, 0, 4))) {
        case WindowKind::none: k.window = -1; break;
        case WindowKind::zero:
            k.m = k.n;  // window 0 is only feasible for n == m
            k.window = 0;
            break;
        case WindowKind::abs_diff: k.window = diff; break;
        case WindowKind::random: k.window = random_index(rng, diff, std::max(k.n, k.m)); break;
        case WindowKind::wide: k.window = std::max(k.n, k.m) + random_index(rng, 0, 5); break;
    }
    return k;
}

template <class T>
Series<T> random_series(std::mt19937& rng, index_t length, index_t dims, bool ints) {
    return ints ? random_ints<T>(rng, length, dims) : random_walk<T>(rng, length, dims);
}

// ---- collections (test_collection.cpp, test_barycenter.cpp) -----------------------------------

/// `count` random series with lengths in [min_len, max_len] and `dims` dimensions.
template <class T>
std::vector<Series<T>> random_collection(std::mt19937& rng, index_t count, index_t min_len, index_t max_len,
                                         index_t dims, bool ints) {
    std::vector<Series<T>> lot;
    for (index_t k = 0; k < count; ++k) {
        lot.push_back(random_series<T>(rng, random_index(rng, min_len, max_len), dims, ints));
    }
    return lot;
}

/// Views of the series: the collection argument of incdtw's collection functions (incdtw::Collection).
template <class T>
std::vector<incdtw::SeriesView<T>> views_of(const std::vector<Series<T>>& lot) {
    std::vector<incdtw::SeriesView<T>> out;
    for (const Series<T>& s : lot) out.push_back(s.view());
    return out;
}

/// A random feasible window when every pair's |length difference| is at most `min_window`: none,
/// exactly min_window, or a little wider.
inline index_t random_window(std::mt19937& rng, index_t min_window) {
    switch (random_index(rng, 0, 2)) {
        case 0: return -1;
        case 1: return min_window;
        default: return min_window + random_index(rng, 1, 6);
    }
}

/// Runs check(q, c, k) on `count` random cases drawn from `seed` (INFO names the case on failure).
/// Every `ints_every`-th case (0: none, 1: all) uses integer-valued series, which make ties.
template <class T, class Check>
void for_random_cases(std::uint32_t seed, int count, int ints_every, Check&& check) {
    std::mt19937 rng(seed);
    for (int t = 0; t < count; ++t) {
        const bool ints = ints_every > 0 && t % ints_every == 0;
        const Case k = random_case(rng, ints);
        const Series<T> q = random_series<T>(rng, k.n, k.dims, ints);
        const Series<T> c = random_series<T>(rng, k.m, k.dims, ints);
        INFO("case ", t, ": ", k.str());
        check(q, c, k);
    }
}

}  // namespace incdtw_test
