#pragma once
/// Minimum or maximum over sliding windows whose ends never move backwards, in O(n) with a
/// monotone queue (the envelope of lowerbound_tube, the neighbourhoods of find_peaks).

#include <deque>

#include "../types.hpp"

namespace incdtw::detail {

/// For i in [0, n): out(i, e) with e = the `better`-most (std::less: minimum) of value(t) over
/// t in [lo(i), hi(i)], or out(i, empty) when lo(i) > hi(i). lo and hi must be non-decreasing in
/// i and hi(i) < n.
template <class T, class Value, class Lo, class Hi, class Better, class Out>
void sliding_extreme(index_t n, const Value& value, const Lo& lo, const Hi& hi, const Better& better, T empty,
                     const Out& out) {
    std::deque<index_t> q;  // indices whose values are strictly better-ordered from back to front
    index_t next = 0;       // first index not yet pushed
    for (index_t i = 0; i < n; ++i) {
        const index_t a = lo(i), b = hi(i);
        for (; next <= b; ++next) {
            while (!q.empty() && !better(value(q.back()), value(next))) q.pop_back();
            q.push_back(next);
        }
        while (!q.empty() && q.front() < a) q.pop_front();
        out(i, (a > b || q.empty()) ? empty : value(q.front()));
    }
}

}  // namespace incdtw::detail
