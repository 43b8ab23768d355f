#pragma once
/// DTW between many series (IncDTW: dtw_dismat, dtw_disvec, and a cross matrix beyond IncDTW):
/// independent pairs on OpenMP threads; every value is bit-identical to dtw_distance() of the pair
/// and does not depend on the number of threads.

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "detail/checks.hpp"
#include "detail/parallel.hpp"
#include "detail/simd/kernels.hpp"
#include "dtw_vector.hpp"
#include "options.hpp"
#include "types.hpp"

namespace incdtw {

/// A collection of series (views; the data must outlive the calls). Lengths may differ; the
/// number of dimensions may not.
template <class T>
using Collection = std::vector<SeriesView<T>>;

/// What the collection functions return for each pair.
struct CollectionOptions {
    DtwOptions dtw;          ///< step pattern, cost, window, threshold (early abandoning: NaN)
    bool normalize = true;   ///< distance / (n + m) (symmetric2 only, as IncDTW)
    int n_jobs = -1;         ///< threads: -1 = all processors
};

/// Throws std::invalid_argument naming the bad option.
inline void validate(const CollectionOptions& opt) {
    validate(opt.dtw);
    if (opt.normalize && opt.dtw.step_pattern == StepPattern::symmetric1) {
        throw std::invalid_argument(
            "normalize=True needs step_pattern 'symmetric2': symmetric1 distances do not scale with the lengths "
            "(IncDTW: It is recommended to use step_pattern 'symmetric2' to compare time series of different lengths)");
    }
}

namespace detail {

/// Every series finite, non-empty, with `dims` dimensions (dims < 0: those of the first), the
/// dimensions of the series named `reference` (for messages).
template <class T>
index_t check_collection(const Collection<T>& lot, const char* name, index_t dims = -1, const char* reference = "") {
    if (lot.empty()) throw std::invalid_argument(std::string(name) + " must hold at least one series");
    for (std::size_t k = 0; k < lot.size(); ++k) {
        const std::string label = std::string(name) + "[" + std::to_string(k) + "]";
        check_series(lot[k], label.c_str());
        if (dims < 0) dims = lot[k].dims;
        if (lot[k].dims != dims) {
            const std::string other = k == 0 ? std::string(reference) : std::string(name) + "[0]";
            throw std::invalid_argument(label + " has " + std::to_string(lot[k].dims) + " dimensions but " + other +
                                        " has " + std::to_string(dims) +
                                        ": all series need the same number of dimensions");
        }
    }
    return dims;
}

/// Total cells of all pairs of a and b (for the thread decision).
template <class T>
double pair_cells(const Collection<T>& a, const Collection<T>& b) {
    double sa = 0, sb = 0;
    for (const auto& s : a) sa += static_cast<double>(s.length);
    for (const auto& s : b) sb += static_cast<double>(s.length);
    return sa * sb;
}

/// With a window every pair must be feasible: the longest against the shortest.

template <class T>
void check_pairs_feasible(const Collection<T>& a, const char* a_name, const Collection<T>& b, const char* b_name,
                          index_t window) {
    if (window < 0) return;
    auto by_length = [](const SeriesView<T>& x, const SeriesView<T>& y) { return x.length < y.length; };
    const auto a_min = std::min_element(a.begin(), a.end(), by_length), a_max = std::max_element(a.begin(), a.end(), by_length);
    const auto b_min = std::min_element(b.begin(), b.end(), by_length), b_max = std::max_element(b.begin(), b.end(), by_length);
    // a one-series "collection" (the query, m0) is named without an index
    auto label = [](const Collection<T>& s, const char* name, auto it) {
        return s.size() == 1 ? std::string(name) : std::string(name) + "[" + std::to_string(it - s.begin()) + "]";
    };
    auto check = [&](auto ia, auto ib) {
        if (!window_feasible(ia->length, ib->length, window)) {
            throw std::invalid_argument("window size is too small, no warping path can be found for the pair " +
                                        label(a, a_name, ia) + " (length " + std::to_string(ia->length) + ") and " +
                                        label(b, b_name, ib) + " (length " + std::to_string(ib->length) +
                                        "): |difference| > ws = " + std::to_string(window));
        }
    };
    check(a_max, b_min);
    check(a_min, b_max);
}

template <class T>
T pair_value(SeriesView<T> q, SeriesView<T> c, const CollectionOptions& opt) {
    const T d = distance_unchecked(q, c, opt.dtw);
    return opt.normalize ? d / static_cast<T>(q.length + c.length) : d;
}

/// The members of a collection with one length, in their original order.
struct LengthClass {
    index_t length = 0;
    std::vector<index_t> members;
};

template <class T>
std::vector<LengthClass> length_classes(const Collection<T>& lot) {
    std::vector<index_t> order(lot.size());
    for (std::size_t k = 0; k < order.size(); ++k) order[k] = static_cast<index_t>(k);
    std::stable_sort(order.begin(), order.end(), [&](index_t x, index_t y) {
        return lot[static_cast<std::size_t>(x)].length < lot[static_cast<std::size_t>(y)].length;
    });
    std::vector<LengthClass> classes;
    for (const index_t k : order) {
        const index_t len = lot[static_cast<std::size_t>(k)].length;
        if (classes.empty() || classes.back().length != len) classes.push_back({len, {}});
        classes.back().members.push_back(k);
    }
    return classes;
}

/// Pairs of one shape: every member of `a` with every member of `b` (rectangle), or the pairs
/// (a[x], a[y]) with x < y in row-major order (triangle, b == a).
struct PairBlock {
    const std::vector<index_t>* a = nullptr;
    const std::vector<index_t>* b = nullptr;
    bool triangle = false;

    index_t count() const noexcept {
        const auto na = static_cast<index_t>(a->size());
        return triangle ? na * (na - 1) / 2 : na * static_cast<index_t>(b->size());
    }
    /// The f-th pair (indices into the collections).
    std::pair<index_t, index_t> at(index_t f) const noexcept {
        if (!triangle) {
            const auto nb = static_cast<index_t>(b->size());
            return {(*a)[static_cast<std::size_t>(f / nb)], (*b)[static_cast<std::size_t>(f % nb)]};
        }
        // Row x holds n - 1 - x pairs and starts at x n - x (x + 1) / 2.
        const auto n = static_cast<index_t>(a->size());
        const double dn = static_cast<double>(2 * n - 1);
        auto x = static_cast<index_t>((dn - std::sqrt(std::max(0.0, dn * dn - 8.0 * static_cast<double>(f)))) / 2);
        x = std::max<index_t>(0, std::min(x, n - 2));
        auto start = [n](index_t r) { return r * n - r * (r + 1) / 2; };
        while (x > 0 && start(x) > f) --x;
        while (x + 1 < n - 1 && start(x + 1) <= f) ++x;
        const index_t y = x + 1 + (f - start(x));
        return {(*a)[static_cast<std::size_t>(x)], (*a)[static_cast<std::size_t>(y)]};
    }
};

/// Every pair of every block: out(i, j, value) with value = pair_value(x[i], y[j]). Pairs of one
/// shape go through the SIMD kernels W at a time (one pair per lane); groups run on `threads`
/// OpenMP threads. Values are bit-identical to pair_value's, whatever the grouping.
template <class T, class Out>
void grouped_pair_values(const Collection<T>& x, const Collection<T>& y, const std::vector<PairBlock>& blocks,
                         const CollectionOptions& opt, int threads, Out&& out) {
    const int lanes = simd::simd_usable<T>(simd_level(), 1, 1) ? simd::shape_of<T>(simd_level()).W : 1;
    std::vector<index_t> first_group(blocks.size() + 1, 0);  // prefix sums of the groups per block
    for (std::size_t k = 0; k < blocks.size(); ++k) {
        first_group[k + 1] = first_group[k] + (blocks[k].count() + lanes - 1) / lanes;
    }
    parallel_for(first_group.back(), threads, [&](index_t g) {
        const auto k = static_cast<std::size_t>(
            std::upper_bound(first_group.begin(), first_group.end(), g) - first_group.begin() - 1);
        const PairBlock& block = blocks[k];
        const index_t f0 = (g - first_group[k]) * lanes;
        const int count = static_cast<int>(std::min<index_t>(lanes, block.count() - f0));
        std::pair<index_t, index_t> ij[simd::kMaxLanes];
        for (int u = 0; u < count; ++u) ij[u] = block.at(f0 + u);
        if (count >= 2) {
            const T* rows_data[simd::kMaxLanes];
            const T* cols_data[simd::kMaxLanes];
            T values[simd::kMaxLanes];
            const SeriesView<T> q0 = x[static_cast<std::size_t>(ij[0].first)];
            const SeriesView<T> c0 = y[static_cast<std::size_t>(ij[0].second)];
            const bool transpose = q0.length < c0.length;  // as distance_unchecked (the bits are the same)
            for (int u = 0; u < count; ++u) {
                const SeriesView<T> q = x[static_cast<std::size_t>(ij[u].first)];
                const SeriesView<T> c = y[static_cast<std::size_t>(ij[u].second)];
                rows_data[u] = transpose ? c.data : q.data;
                cols_data[u] = transpose ? q.data : c.data;
            }
            const index_t rows = transpose ? c0.length : q0.length, cols = transpose ? q0.length : c0.length;
            if (simd::try_group_distances(rows, cols, q0.dims, rows_data, cols_data, count, opt.dtw, values)) {
                for (int u = 0; u < count; ++u) {
                    const T d = values[u];
                    out(ij[u].first, ij[u].second, opt.normalize ? d / static_cast<T>(rows + cols) : d);
                }
                return;
            }
        }
        for (int u = 0; u < count; ++u) {
            out(ij[u].first, ij[u].second,
                pair_value(x[static_cast<std::size_t>(ij[u].first)], y[static_cast<std::size_t>(ij[u].second)], opt));
        }
    });
}

}  // namespace detail

/// All pairwise distances in condensed form: (0,1), (0,2), ..., (0,N-1), (1,2), ... (the order of
/// scipy.spatial.distance.pdist and of R's dist). N(N-1)/2 values; NaN where early abandoned.
/// Throws std::invalid_argument for fewer than two series, mismatched dimensions, NaN/inf values,
/// an infeasible pair, bad options.
template <class T>
std::vector<T> dtw_dismat(const Collection<T>& lot, const CollectionOptions& opt) {
    validate(opt);
    detail::check_collection(lot, "lot");
    if (lot.size() < 2) throw std::invalid_argument("lot must hold at least two series for a distance matrix");
    detail::check_pairs_feasible(lot, "lot", lot, "lot", opt.dtw.window);
    const auto n = static_cast<index_t>(lot.size());
    std::vector<T> out(static_cast<std::size_t>(n * (n - 1) / 2));
    const auto classes = detail::length_classes(lot);
    std::vector<detail::PairBlock> blocks;
    for (std::size_t a = 0; a < classes.size(); ++a) {
        for (std::size_t b = a; b < classes.size(); ++b) {
            blocks.push_back({&classes[a].members, &classes[b].members, a == b});
        }
    }
    const int threads = detail::threads_for(detail::pair_cells(lot, lot) / 2, opt.n_jobs);
    detail::grouped_pair_values(lot, lot, blocks, opt, threads, [&](index_t i, index_t j, T value) {
        if (i > j) std::swap(i, j);
        out[static_cast<std::size_t>(i * n - i * (i + 1) / 2 + j - i - 1)] = value;  // condensed (i, j)
    });
    return out;
}

/// Distances of one query to every series of `lot` (IncDTW: dtw_disvec).
template <class T>
std::vector<T> dtw_disvec(SeriesView<T> q, const Collection<T>& lot, const CollectionOptions& opt) {
    validate(opt);
    detail::check_series(q, "Q");
    detail::check_collection(lot, "lot", q.dims, "Q");
    const Collection<T> qs{q};
    detail::check_pairs_feasible(qs, "Q", lot, "lot", opt.dtw.window);
    std::vector<T> out(lot.size());
    const auto classes = detail::length_classes(lot);
    const std::vector<index_t> query{0};
    std::vector<detail::PairBlock> blocks;
    for (const auto& cls : classes) blocks.push_back({&query, &cls.members, false});
    const int threads = detail::threads_for(detail::pair_cells(qs, lot), opt.n_jobs);
    detail::grouped_pair_values(qs, lot, blocks, opt, threads,
                                [&](index_t, index_t k, T value) { out[static_cast<std::size_t>(k)] = value; });
    return out;
}

/// Every series of `x` against every series of `y`: a row-major |x| x |y| matrix.
template <class T>
Matrix<T> dtw_cdist(const Collection<T>& x, const Collection<T>& y, const CollectionOptions& opt) {
    validate(opt);
    const index_t dims = detail::check_collection(x, "X");
    detail::check_collection(y, "Y", dims, "X[0]");
    detail::check_pairs_feasible(x, "X", y, "Y", opt.dtw.window);
    const auto nx = static_cast<index_t>(x.size());
    const auto ny = static_cast<index_t>(y.size());
    Matrix<T> out(nx, ny, T{0});
    const auto cx = detail::length_classes(x);
    const auto cy = detail::length_classes(y);
    std::vector<detail::PairBlock> blocks;
    for (const auto& a : cx) {
        for (const auto& b : cy) blocks.push_back({&a.members, &b.members, false});
    }
    const int threads = detail::threads_for(detail::pair_cells(x, y), opt.n_jobs);
    detail::grouped_pair_values(x, y, blocks, opt, threads, [&](index_t i, index_t j, T value) { out(i, j) = value; });
    return out;
}

}  // namespace incdtw
