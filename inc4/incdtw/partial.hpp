#pragma once
/// Open-end and open-begin partial alignments from the last column and row of a global cost matrix
/// (IncDTW: dtw_partial).

#include <cmath>
#include <limits>
#include <stdexcept>

#include "types.hpp"

namespace incdtw {

/// Best partial alignment: Q[q_begin:q_end] with C[c_begin:c_end] (0-based, end exclusive).
struct PartialAlignment {
    index_t q_begin = 0;
    index_t q_end = 0;
    index_t c_begin = 0;
    index_t c_end = 0;
    double normalized_distance = 0;  ///< G / (length of Q used + length of C used); inf if none
};

/// From the last column `lc` (n values: lc[i] = DTW(Q[:i+1], C)) and the last row `lr` (m values:
/// lr[j] = DTW(Q, C[:j+1])) of a gcm: the prefix of C (partial_c) or of Q (partial_q) whose DTW
/// distance divided by the summed lengths is smallest (C wins ties, then the shortest prefix).
/// NaN (outside the window) counts as +inf. `reverse`: the gcm was computed on reversed series, so
/// the prefix is reported as the matching suffix of the original series (open-begin alignment).
/// The normalisation by lengths is used for both step patterns. With neither partial_q nor
/// partial_c, IncDTW's answer: all of Q, C[0:1] and an infinite distance.
template <class T>
PartialAlignment partial_alignment(const T* lc, index_t n, const T* lr, index_t m, bool partial_q, bool partial_c,
                                   bool reverse) {
    if (n <= 0 || m <= 0) throw std::invalid_argument("dtw_partial: the last column and row must not be empty");
    const double inf = std::numeric_limits<double>::infinity();
    auto best = [inf](const T* v, index_t len, index_t other, bool use, index_t& arg) {
        double lowest = inf;
        arg = 0;
        if (!use) return lowest;
        for (index_t k = 0; k < len; ++k) {
            const double x = static_cast<double>(v[k]);
            const double val = std::isnan(x) ? inf : x / static_cast<double>(other + k + 1);
            if (val < lowest) {
                lowest = val;
                arg = k;
            }
        }
        return lowest;
    };
    index_t bc = 0, bq = 0;
    const double dc = best(lr, m, n, partial_c, bc);
    const double dq = best(lc, n, m, partial_q, bq);
    PartialAlignment r;
    if (dc <= dq) {
        const index_t b = bc + 1;
        r.q_begin = 0;
        r.q_end = n;
        r.c_begin = reverse ? m - b : 0;
        r.c_end = reverse ? m : b;
        r.normalized_distance = dc;
    } else {
        const index_t b = bq + 1;
        r.q_begin = reverse ? n - b : 0;
        r.q_end = reverse ? n : b;
        r.c_begin = 0;
        r.c_end = m;
        r.normalized_distance = dq;
    }
    return r;
}

}  // namespace incdtw
