#pragma once
/// Local minima or maxima within a neighbourhood (IncDTW: find_peaks).

#include <cmath>
#include <functional>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

#include "detail/sliding.hpp"
#include "types.hpp"

namespace incdtw {

/// 0-based indices i (ascending) where x[i] is a local minimum (get_min) or maximum over
/// x[i-w .. i+w] (clipped at the borders): strict, x[i] below (above) every other value there;
/// not strict, x[i] at most (at least) every value there, so every point of a flat stretch counts.
/// NaN is never a peak and never stands in the way of one, wherever it is. O(n).
/// Throws std::invalid_argument for w < 0.
template <class T>
std::vector<index_t> find_peaks(const T* x, index_t n, index_t w, bool get_min = true, bool strict = true) {
    if (w < 0) throw std::invalid_argument("w must be >= 0, got " + std::to_string(w));
    const T inf = std::numeric_limits<T>::infinity();
    // y: minima of x or of -x; NaN -> +inf (above everything, so it blocks nothing)
    const auto y = [&](index_t t) {
        const T v = get_min ? x[t] : -x[t];
        return std::isnan(v) ? inf : v;
    };
    // the best value strictly left of i and strictly right of i within the neighbourhood
    std::vector<T> left(static_cast<std::size_t>(n)), right(static_cast<std::size_t>(n));
    detail::sliding_extreme(
        n, y, [w](index_t i) { return i > w ? i - w : 0; }, [](index_t i) { return i - 1; }, std::less<T>(), inf,
        [&](index_t i, T e) { left[static_cast<std::size_t>(i)] = e; });
    detail::sliding_extreme(
        n, y, [](index_t i) { return i + 1; }, [w, n](index_t i) { return w >= n - 1 - i ? n - 1 : i + w; },
        std::less<T>(), inf, [&](index_t i, T e) { right[static_cast<std::size_t>(i)] = e; });
    std::vector<index_t> peaks;
    for (index_t i = 0; i < n; ++i) {
        if (std::isnan(x[i])) continue;
        const T v = y(i), l = left[static_cast<std::size_t>(i)], r = right[static_cast<std::size_t>(i)];
        if (strict ? (v < l && v < r) : (v <= l && v <= r)) peaks.push_back(i);
    }
    return peaks;
}

}  // namespace incdtw
