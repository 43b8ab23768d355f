#pragma once
/// DTW between many series (IncDTW: dtw_dismat, dtw_disvec, and a cross matrix beyond IncDTW):
/// independent pairs on OpenMP threads; every value is bit-identical to dtw_distance() of the pair
/// and does not depend on the number of threads.

#include <algorithm>
#include <string>
#include <vector>

#include "detail/checks.hpp"
#include "detail/parallel.hpp"
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
    // Row i holds the pairs (i, j > i); rows are scheduled dynamically (they shrink with i).
    const int threads = detail::threads_for(detail::pair_cells(lot, lot) / 2, opt.n_jobs);
    detail::parallel_for(n - 1, threads, [&](index_t i) {
        const index_t base = i * n - i * (i + 1) / 2 - i - 1;  // condensed index of (i, j) is base + j
        for (index_t j = i + 1; j < n; ++j) {
            out[static_cast<std::size_t>(base + j)] = detail::pair_value(lot[static_cast<std::size_t>(i)],
                                                                         lot[static_cast<std::size_t>(j)], opt);
        }
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
    const int threads = detail::threads_for(detail::pair_cells(qs, lot), opt.n_jobs);
    detail::parallel_for(static_cast<index_t>(lot.size()), threads, [&](index_t k) {
        out[static_cast<std::size_t>(k)] = detail::pair_value(q, lot[static_cast<std::size_t>(k)], opt);
    });
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
    const int threads = detail::threads_for(detail::pair_cells(x, y), opt.n_jobs);
    detail::parallel_for(nx * ny, threads, [&](index_t k) {
        const index_t i = k / ny, j = k % ny;
        out(i, j) = detail::pair_value(x[static_cast<std::size_t>(i)], y[static_cast<std::size_t>(j)], opt);
    });
    return out;
}

}  // namespace incdtw
