#pragma once
/// Minimum or maximum over sliding windows whose ends never move backwards, in O(n) with a
/// monotone queue (the envelope of lowerbound_tube, the neighbourhoods of find_peaks).

#include <vector>
#include <functional>

#include "../types.hpp"

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

}  // namespace incdtw::detail

namespace incdtw::detail {

/// Per dimension l, the minimum (lower) and maximum (upper) of x over rows [t - below, t + above]
/// (clipped to the series), written row-major: lower[t * dims + l]. O(length * dims).
template <class T>
void envelope(const T* x, index_t length, index_t dims, index_t below, index_t above, T* lower, T* upper) {
    const auto lo = [below](index_t t) { return t > below ? t - below : index_t{0}; };
    const auto hi = [above, length](index_t t) { return above >= length - 1 - t ? length - 1 : t + above; };
    for (index_t l = 0; l < dims; ++l) {
        const auto v = [x, dims, l](index_t t) { return x[t * dims + l]; };
        sliding_extreme(length, v, lo, hi, std::less<T>(), T{0}, [&](index_t t, T e) { lower[t * dims + l] = e; });
        sliding_extreme(length, v, lo, hi, std::greater<T>(), T{0}, [&](index_t t, T e) { upper[t * dims + l] = e; });
    }
}

}  // namespace incdtw::detail
