#pragma once
/// Minimum or maximum over sliding windows whose ends never move backwards, in O(n) with a
/// monotone queue (the envelope of lowerbound_tube, the neighbourhoods of find_peaks).

#include <vector>
#include <functional>

#include "../types.hpp"
#include "memory.hpp"

namespace incdtw::detail {

/// For i in [0, n): out(i, e) with e = the `better`-most (std::less: minimum) of value(t) over
/// t in [lo(i), hi(i)], or out(i, empty) when lo(i) > hi(i). lo and hi must be non-decreasing in
/// i and hi(i) < n.
template <class T, class Value, class Lo, class Hi, class Better, class Out>
void sliding_extreme(index_t n, const Value& value, const Lo& lo, const Hi& hi, const Better& better, T empty,
                     const Out& out) {
    // A queue of indices whose values are strictly better-ordered from back to front. Every index
    // enters once, so a vector with a moving front holds it (a std::deque is several times slower).
    std::vector<index_t> q;
    q.reserve(n > 0 ? static_cast<std::size_t>(hi(n - 1) + 1) : 0);
    std::size_t front = 0;
    index_t next = 0;  // first index not yet pushed
    for (index_t i = 0; i < n; ++i) {
        const index_t a = lo(i), b = hi(i);
        for (; next <= b; ++next) {
            const T v = value(next);
            while (q.size() > front && !better(value(q.back()), v)) q.pop_back();
            q.push_back(next);
        }
        while (q.size() > front && q[front] < a) ++front;
        out(i, (a > b || q.size() == front) ? empty : value(q[front]));
    }
}

/// The minimum and maximum of x[s * stride] over s in [t - below, t + above] (clipped to [0, len))
/// for t in [0, count), written to lower[t * out_stride] and upper[t * out_stride]. Windows of one
/// width L = below + above + 1: van Herk / Gil-Werman, the running extremes from the start and from
/// the end of blocks of L, so that an unclipped window is min(suffix[a], prefix[b]): three
/// comparisons per value, no queue. Requires count <= len. `scratch` (optional): a buffer to reuse
/// between calls (4 len values; it grows as needed).
template <class T>
void window_extremes(const T* x, index_t stride, index_t len, index_t below, index_t above, index_t count, T* lower,
                     T* upper, index_t out_stride, std::vector<T>* scratch = nullptr) {
    if (count <= 0) return;
    below = below < len ? below : len;  // any reach beyond the series is the whole series (no overflow)
    above = above < len ? above : len;
    const index_t L = below + above + 1;
    const auto ulen = static_cast<std::size_t>(len);
    std::vector<T> own;
    if (scratch == nullptr) {
        assign_large(own, 4 * ulen, T{0});
    } else if (scratch->size() < 4 * ulen) {
        scratch->resize(4 * ulen);
    }
    // every value of the four is written below before it is read
    T* pmin = scratch == nullptr ? own.data() : scratch->data();
    T* pmax = pmin + ulen;
    T* smin = pmax + ulen;
    T* smax = smin + ulen;
    for (index_t b0 = 0; b0 < len; b0 += L) {  // block by block (no modulo per value)
        const index_t end = len - b0 > L ? b0 + L : len;
        auto u = static_cast<std::size_t>(b0);
        pmin[u] = pmax[u] = x[b0 * stride];
        for (index_t p = b0 + 1; p < end; ++p) {
            u = static_cast<std::size_t>(p);
            const T v = x[p * stride];
            pmin[u] = v < pmin[u - 1] ? v : pmin[u - 1];
            pmax[u] = v > pmax[u - 1] ? v : pmax[u - 1];
        }
        u = static_cast<std::size_t>(end - 1);
        smin[u] = smax[u] = x[(end - 1) * stride];
        for (index_t p = end - 2; p >= b0; --p) {
            u = static_cast<std::size_t>(p);
            const T v = x[p * stride];
            smin[u] = v < smin[u + 1] ? v : smin[u + 1];
            smax[u] = v > smax[u + 1] ? v : smax[u + 1];
        }
    }
    // Clipped windows: one that starts before the series lies in block 0 (b < L - 1) and is a
    // prefix; one that ends after it spans the last block or also the one before.
    const index_t last_start = ((len - 1) / L) * L;
    for (index_t t = 0; t < count; ++t) {
        const index_t a = t - below, b = t + above;
        T mn, mx;
        if (a < 0) {
            const auto ub = static_cast<std::size_t>(b < len ? b : len - 1);
            mn = pmin[ub];
            mx = pmax[ub];
        } else if (b >= len) {
            const auto ua = static_cast<std::size_t>(a), ul = static_cast<std::size_t>(len - 1);
            mn = a >= last_start ? smin[ua] : (smin[ua] < pmin[ul] ? smin[ua] : pmin[ul]);
            mx = a >= last_start ? smax[ua] : (smax[ua] > pmax[ul] ? smax[ua] : pmax[ul]);
        } else {  // width L: at most two blocks, and when one, it is whole
            const auto ua = static_cast<std::size_t>(a), ub = static_cast<std::size_t>(b);
            mn = smin[ua] < pmin[ub] ? smin[ua] : pmin[ub];
            mx = smax[ua] > pmax[ub] ? smax[ua] : pmax[ub];
        }
        lower[t * out_stride] = mn;
        upper[t * out_stride] = mx;
    }
}

}  // namespace incdtw::detail

namespace incdtw::detail {

/// Per dimension l, the minimum (lower) and maximum (upper) of x over rows [t - below, t + above]
/// (clipped to the series), written row-major: lower[t * dims + l]. O(length * dims).
template <class T>
void envelope(const T* x, index_t length, index_t dims, index_t below, index_t above, T* lower, T* upper) {
    for (index_t l = 0; l < dims; ++l) {
        window_extremes(x + l, dims, length, below, above, length, lower + l, upper + l, dims);
    }
}

}  // namespace incdtw::detail
