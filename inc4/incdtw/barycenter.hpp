#pragma once
/// DTW barycenter averaging (IncDTW: dba) and the medoid of a collection (centroid).

#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

#include "collection.hpp"
#include "detail/parallel.hpp"
#include "dtw.hpp"
#include "dtw_vector.hpp"
#include "options.hpp"
#include "types.hpp"

namespace incdtw {

/// How dba() measures the change of the barycenter from one iteration to the next (IncDTW's names).
enum class IterDist : std::uint8_t {
    dtw_norm1,  ///< dtw_distance(m1, m2, norm1, symmetric2) / (2 n)
    dtw_norm2,  ///< the same with norm2
    norm1,      ///< sum |m1 - m2| / (d * 2 n)
    norm2,      ///< sqrt(sum (m1 - m2)^2) / (d * 2 n)
    max,        ///< max |m1 - m2|
    min,        ///< min |m1 - m2|
};

inline IterDist iter_dist_from_string(const std::string& s) {
    if (s == "dtw_norm1") return IterDist::dtw_norm1;
    if (s == "dtw_norm2") return IterDist::dtw_norm2;
    if (s == "norm1") return IterDist::norm1;
    if (s == "norm2") return IterDist::norm2;
    if (s == "max") return IterDist::max;
    if (s == "min") return IterDist::min;
    throw std::invalid_argument("iter_dist_method must be one of 'dtw_norm1', 'dtw_norm2', 'norm1', 'norm2', 'max', "
                                "'min', got '" + s + "'");
}

struct DbaOptions {
    DtwOptions dtw;                                          ///< of the alignments to the series
    index_t iter_max = 10;                                   ///< iterations at most
    double eps = std::numeric_limits<double>::quiet_NaN();   ///< stop when the change is below eps (NaN: never)
    IterDist iter_dist = IterDist::dtw_norm1;
    int n_jobs = -1;                                         ///< threads for the alignments
};

/// Result of dba(); IncDTW's fields.
template <class T>
struct DbaResult {
    std::vector<Matrix<T>> iterations;            ///< [0] = m0, then each stored barycenter (n x d)
    std::vector<std::vector<T>> dist_m2lot;       ///< per iteration: DTW distance of the barycenter to each series
    std::vector<std::vector<T>> dist_m2lot_norm;  ///< the same, normalized (NaN for symmetric1)
    std::vector<T> dist_m2m;                      ///< per iteration: change of the barycenter (IterDist)
    const Matrix<T>& m1() const { return iterations.back(); }
};

namespace detail {

template <class T>
T iteration_distance(const Matrix<T>& a, const Matrix<T>& b, IterDist how) {
    const auto cells = a.data.size();
    if (how == IterDist::dtw_norm1 || how == IterDist::dtw_norm2) {
        DtwOptions o;
        o.dist_method = how == IterDist::dtw_norm1 ? DistMethod::norm1 : DistMethod::norm2;
        o.step_pattern = StepPattern::symmetric2;
        const SeriesView<T> va{a.data.data(), a.rows, a.cols};
        const SeriesView<T> vb{b.data.data(), b.rows, b.cols};
        return distance_unchecked(va, vb, o) / static_cast<T>(a.rows + b.rows);
    }
    long double acc = how == IterDist::min ? std::numeric_limits<long double>::infinity() : 0.0L;
    for (std::size_t k = 0; k < cells; ++k) {
        const long double d = std::fabs(static_cast<long double>(a.data[k]) - static_cast<long double>(b.data[k]));
        switch (how) {
            case IterDist::norm1: acc += d; break;
            case IterDist::norm2: acc += d * d; break;
            case IterDist::max: acc = d > acc ? d : acc; break;
            default: acc = d < acc ? d : acc; break;
        }
    }
    const long double scale = static_cast<long double>(a.cols) * 2.0L * static_cast<long double>(a.rows);
    if (how == IterDist::norm1) return static_cast<T>(acc / scale);
    if (how == IterDist::norm2) return static_cast<T>(std::sqrt(acc) / scale);
    return static_cast<T>(acc);
}

}  // namespace detail

/// DTW barycenter averaging from the start m0 (n x d), as IncDTW: each iteration aligns the
/// barycenter with every series (in parallel), then replaces each barycenter row by the mean of the
/// series rows aligned to it *and the row itself* (IncDTW includes the old barycenter in the average).
/// With a finite eps the loop stops before storing an iteration whose change is below eps.
/// Throws std::invalid_argument (empty collection, mismatched dimensions, non-finite values,
/// infeasible window, iter_max < 1).
template <class T>
DbaResult<T> dba(const Collection<T>& lot, SeriesView<T> m0, const DbaOptions& opt) {
    validate(opt.dtw);
    if (opt.iter_max < 1) throw std::invalid_argument("iterMax must be >= 1");
    detail::check_series(m0, "m0");
    detail::check_collection(lot, "lot", m0.dims, "m0");
    detail::check_pairs_feasible(Collection<T>{m0}, "m0", lot, "lot", opt.dtw.window);
    const int threads = detail::threads_for(detail::pair_cells(Collection<T>{m0}, lot), opt.n_jobs);
    const index_t n = m0.length, d = m0.dims;
    DtwOptions align = opt.dtw;
    align.return_gcm = false;
    align.return_direction = false;
    align.return_path = true;

    DbaResult<T> r;
    Matrix<T> m1(n, d, T{0});
    std::copy(m0.data, m0.data + n * d, m1.data.begin());
    r.iterations.push_back(m1);
    std::vector<DtwResult<T>> paths(lot.size());
    std::vector<long double> sums(static_cast<std::size_t>(n * d));
    std::vector<index_t> counts(static_cast<std::size_t>(n));
    for (index_t iter = 0; iter < opt.iter_max; ++iter) {
        const SeriesView<T> bary{m1.data.data(), n, d};
        detail::parallel_for(static_cast<index_t>(lot.size()), threads, [&](index_t j) {
            paths[static_cast<std::size_t>(j)] = dtw(bary, lot[static_cast<std::size_t>(j)], align);
        });
        // Sums in IncDTW's order: the series in list order, each along its path, then the old row.
        std::fill(sums.begin(), sums.end(), 0.0L);
        std::fill(counts.begin(), counts.end(), index_t{0});
        for (std::size_t j = 0; j < lot.size(); ++j) {
            const WarpingPath& p = paths[j].path;
            for (std::size_t k = 0; k < p.ii.size(); ++k) {
                const index_t i = p.ii[k];
                const T* row = lot[j][p.jj[k]];
                for (index_t l = 0; l < d; ++l) sums[static_cast<std::size_t>(i * d + l)] += row[l];
                ++counts[static_cast<std::size_t>(i)];
            }
        }
        Matrix<T> m2(n, d, T{0});
        for (index_t i = 0; i < n; ++i) {
            for (index_t l = 0; l < d; ++l) {
                const auto at = static_cast<std::size_t>(i * d + l);
                m2.data[at] = static_cast<T>((sums[at] + m1.data[at]) /
                                             static_cast<long double>(counts[static_cast<std::size_t>(i)] + 1));
            }
        }
        const T change = detail::iteration_distance(m1, m2, opt.iter_dist);
        if (!std::isnan(opt.eps) && static_cast<double>(change) < opt.eps) break;
        std::vector<T> dist(lot.size()), norm(lot.size());
        for (std::size_t j = 0; j < lot.size(); ++j) {
            dist[j] = paths[j].distance;
            norm[j] = paths[j].normalized_distance;
        }
        r.dist_m2lot.push_back(std::move(dist));
        r.dist_m2lot_norm.push_back(std::move(norm));
        r.dist_m2m.push_back(change);
        r.iterations.push_back(m2);
        m1 = std::move(m2);
    }
    return r;
}

/// Index of the series whose distances to all others (condensed, as dtw_dismat returns them for n
/// series) have the smallest sum; the first of equal sums. Sums in long double, as R's colSums; a
/// sum with a NaN (an early-abandoned pair) is passed over, as R's which.min does. Throws
/// std::invalid_argument when the sizes do not fit or every sum is NaN.
template <class T>
index_t medoid(const std::vector<T>& condensed, index_t n) {
    if (n < 1 || static_cast<index_t>(condensed.size()) != n * (n - 1) / 2) {
        throw std::invalid_argument("medoid: " + std::to_string(condensed.size()) +
                                    " condensed distances do not describe " + std::to_string(n) + " series");
    }
    std::vector<long double> sums(static_cast<std::size_t>(n), 0.0L);
    for (index_t i = 0, k = 0; i < n; ++i) {  // column j gets rows 0, 1, ... in order, as colSums
        for (index_t j = i + 1; j < n; ++j, ++k) {
            sums[static_cast<std::size_t>(i)] += condensed[static_cast<std::size_t>(k)];
            sums[static_cast<std::size_t>(j)] += condensed[static_cast<std::size_t>(k)];
        }
    }
    index_t best = -1;
    for (index_t i = 0; i < n; ++i) {
        const long double x = sums[static_cast<std::size_t>(i)];
        if (!std::isnan(x) && (best < 0 || x < sums[static_cast<std::size_t>(best)])) best = i;
    }
    if (best < 0) throw std::invalid_argument("medoid: every sum of distances is NaN");
    return best;
}

/// Index of the medoid of `lot` under DTW (IncDTW: centroid): medoid(dtw_dismat(lot, opt)).
template <class T>
index_t centroid(const Collection<T>& lot, const CollectionOptions& opt) {
    return medoid(dtw_dismat(lot, opt), static_cast<index_t>(lot.size()));
}

}  // namespace incdtw
