#pragma once
/// LB_Kim's hierarchy (the UCR Suite's LB_KimFL): a lower bound of the DTW distance of two series of
/// one length n from the cells near the two ends of the matrix, with early abandoning.

#include "../../types.hpp"

#ifndef INCDTW_ALWAYS_INLINE  // for the search's per-window tests, called for every window
#if defined(__GNUC__) || defined(__clang__)
#define INCDTW_ALWAYS_INLINE __attribute__((always_inline))
#else
#define INCDTW_ALWAYS_INLINE
#endif
#endif

namespace incdtw {
namespace detail {

/// The cheapest cell of each of the first `rings` rings {(i, t) : max(i, t) = r} from (0, 0) and of
/// the last ones from (n - 1, n - 1), summed: every warping path visits each ring (a step raises
/// max(i, t) by at most one), and the rings of the two ends are disjoint for n >= 2 * rings, so the
/// sum bounds the cost of every path, with any window (a cell outside it only lowers a minimum) and
/// for both step patterns (symmetric2 weighs diagonal steps twice, which only adds). Up to three
/// rings a side; n = 1: the one cell. `cost(i, t)`: the local cost of query row i and position t of
/// the window. Returns as soon as the partial sum exceeds `limit` (that partial sum).
template <class T, class Cost>
INCDTW_ALWAYS_INLINE inline T lb_kim_hierarchy(index_t n, const Cost& cost, T limit) {
    if (n == 1) return cost(0, 0);
    const index_t e = n - 1;
    T lb = cost(0, 0) + cost(e, e);
    if (lb > limit || n < 4) return lb;
    const auto min3 = [](T a, T b, T c) {
        const T m = a < b ? a : b;
        return m < c ? m : c;
    };
    lb += min3(cost(0, 1), cost(1, 0), cost(1, 1));
    if (lb > limit) return lb;
    lb += min3(cost(e - 1, e), cost(e, e - 1), cost(e - 1, e - 1));
    if (lb > limit || n < 6) return lb;
    lb += min3(min3(cost(0, 2), cost(1, 2), cost(2, 2)), cost(2, 1), cost(2, 0));
    if (lb > limit) return lb;
    return lb + min3(min3(cost(e - 2, e), cost(e - 2, e - 1), cost(e - 2, e - 2)), cost(e - 1, e - 2), cost(e, e - 2));
}

}  // namespace detail
}  // namespace incdtw
