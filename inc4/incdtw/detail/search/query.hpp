#pragma once
/// The query side of a subsequence search: scaled, its envelope and its positions by decreasing |q|.

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "../../lower_bound.hpp"
#include "../../rundtw_types.hpp"
#include "../../scaling.hpp"
#include "../checks.hpp"
#include "../cost.hpp"

namespace incdtw {
namespace detail {

enum RunStatus : std::uint8_t { st_unknown = 0, st_kim, st_keogh_q, st_keogh_c, st_abandoned, st_done };

/// Everything about the query that every window needs.
template <class T>
struct RunQuery {
    index_t n = 0, dims = 1, window = -1, radius = 0, overlap = 1;
    StepPattern step = StepPattern::symmetric1;
    DistMethod method = DistMethod::norm1;
    T margin = 0;  ///< relative slack before a bound may skip a window
    std::vector<T> q, qlo, qhi;
    std::vector<index_t> order;  ///< query positions by decreasing |q| (row norm): bounds grow fastest
    std::vector<T> oq, olo, ohi;  ///< q, qlo, qhi in that order (row k is position order[k])
    T qmax = 0;                   ///< max |q|
    T slack = 0;                  ///< absolute rounding margin of the fast bounds (see evaluate)
};

/// The query side of a search: scaled, its envelope, its positions by decreasing |q|.
template <class T>
RunQuery<T> make_query(SeriesView<T> query, const RundtwOptions& opt) {
    const index_t n = query.length, d = query.dims;
    RunQuery<T> q;
    q.n = n;
    q.dims = d;
    q.window = opt.window;
    q.radius = (opt.window < 0 || opt.window >= n) ? n : opt.window;
    q.overlap = n - opt.overlap_tol;
    q.step = opt.step_pattern;
    q.method = opt.dist_method;
    q.margin = T(8) * static_cast<T>(n * (d + 1) + 2) * std::numeric_limits<T>::epsilon();
    if (opt.scale == WindowScaling::none) {
        q.q.assign(query.data, query.data + n * d);
    } else {
        ScaleOptions so;
        so.type = opt.scale == WindowScaling::z ? ScaleType::z : ScaleType::zero_one;
        q.q = scale(query, so);
    }
    q.qlo.resize(q.q.size());
    q.qhi.resize(q.q.size());
    envelope(q.q.data(), n, d, q.radius, q.radius, q.qlo.data(), q.qhi.data());
    std::vector<T> weight(static_cast<std::size_t>(n), T{0});
    for (index_t i = 0; i < n; ++i) {
        for (index_t l = 0; l < d; ++l) weight[static_cast<std::size_t>(i)] += std::abs(q.q[static_cast<std::size_t>(i * d + l)]);
        q.order.push_back(i);
    }
    std::stable_sort(q.order.begin(), q.order.end(), [&](index_t a, index_t b) {
        return weight[static_cast<std::size_t>(a)] > weight[static_cast<std::size_t>(b)];
    });
    for (index_t k = 0; k < n; ++k) {
        const index_t t = q.order[static_cast<std::size_t>(k)];
        for (index_t l = 0; l < d; ++l) {
            const auto w = static_cast<std::size_t>(t * d + l);
            q.oq.push_back(q.q[w]);
            q.olo.push_back(q.qlo[w]);
            q.ohi.push_back(q.qhi[w]);
            q.qmax = std::max(q.qmax, std::abs(q.q[w]));
        }
    }
    q.slack = T(32) * static_cast<T>(n * d + 2) * std::numeric_limits<T>::epsilon() * (q.qmax + q.qmax * q.qmax);
    q.margin = std::max(q.margin, T(64) * std::numeric_limits<T>::epsilon());
    return q;
}

/// The query's checks shared by rundtw() and RundtwPart.
template <class T>
void check_query(SeriesView<T> query, const RundtwOptions& opt) {
    check_series(query, "Q");
    if (opt.overlap_tol >= query.length) {
        throw std::invalid_argument("overlap_tol must be between 0 and len(Q) - 1 = " + std::to_string(query.length - 1) +
                                    ", got " + std::to_string(opt.overlap_tol));
    }
}

}  // namespace detail
}  // namespace incdtw
