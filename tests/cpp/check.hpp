#pragma once
/// Comparison helpers for the tests: each returns an empty string when the two sides agree and a
/// description of the first disagreement otherwise, so that one doctest assertion covers a whole
/// matrix (CHECK_MESSAGE(msg.empty(), msg)).

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <sstream>
#include <string>
#include <vector>

#include "reference.hpp"

namespace incdtw_test {

/// Same bits (so NaN == NaN, and +0 != -0).
template <class T>
bool same_bits(T a, T b) {
    return std::memcmp(&a, &b, sizeof(T)) == 0;
}

/// Both NaN, or |a - b| <= rel * max(|a|, |b|) + abs_tol.
inline bool close(double a, double b, double rel, double abs_tol = 0.0) {
    if (std::isnan(a) || std::isnan(b)) return std::isnan(a) && std::isnan(b);
    if (a == b) return true;
    return std::abs(a - b) <= rel * std::max(std::abs(a), std::abs(b)) + abs_tol;
}

/// Tolerance for a kernel against the reference run in the same precision: both evaluate the same
/// formula, so they agree to the last bit on x86-64; a few ulps leave room for FMA contraction.
template <class T>
constexpr double same_precision_rel = 8.0 * std::numeric_limits<T>::epsilon();

/// Tolerance for a float kernel against the double reference on the same (float) inputs.
constexpr double float_vs_double_rel = 1e-5;

template <class A, class B>
std::string compare_values(const std::vector<A>& got, const std::vector<B>& want, index_t cols, double rel) {
    std::ostringstream os;
    os.precision(17);
    if (got.size() != want.size()) {
        os << "size " << got.size() << " != " << want.size();
        return os.str();
    }
    for (std::size_t k = 0; k < got.size(); ++k) {
        const double g = static_cast<double>(got[k]);
        const double w = static_cast<double>(want[k]);
        if (!close(g, w, rel)) {
            const auto kk = static_cast<index_t>(k);
            os << "entry (" << kk / cols << ", " << kk % cols << "): got " << g << ", want " << w;
            return os.str();
        }
    }
    return {};
}

template <class T>
std::string compare_bits(const std::vector<T>& got, const std::vector<T>& want, index_t cols) {
    std::ostringstream os;
    os.precision(17);
    if (got.size() != want.size()) {
        os << "size " << got.size() << " != " << want.size();
        return os.str();
    }
    for (std::size_t k = 0; k < got.size(); ++k) {
        if (!same_bits(got[k], want[k])) {
            const auto kk = static_cast<index_t>(k);
            os << "entry (" << kk / cols << ", " << kk % cols << "): got " << +got[k] << ", want " << +want[k];
            return os.str();
        }
    }
    return {};
}

/// Exact comparison of integer sequences (direction codes, path indices).
template <class A, class B>
std::string compare_ints(const std::vector<A>& got, const std::vector<B>& want, index_t cols = 0) {
    std::ostringstream os;
    if (got.size() != want.size()) {
        os << "size " << got.size() << " != " << want.size();
        return os.str();
    }
    for (std::size_t k = 0; k < got.size(); ++k) {
        if (static_cast<long long>(got[k]) != static_cast<long long>(want[k])) {
            os << "entry ";
            if (cols > 0) {
                const auto kk = static_cast<index_t>(k);
                os << "(" << kk / cols << ", " << kk % cols << ")";
            } else {
                os << k;
            }
            os << ": got " << static_cast<long long>(got[k]) << ", want " << static_cast<long long>(want[k]);
            return os.str();
        }
    }
    return {};
}

}  // namespace incdtw_test

/// One assertion for a whole comparison.
#define INCDTW_CHECK_SAME(expr)                 \
    do {                                        \
        const std::string incdtw_msg_ = (expr); \
        CHECK_MESSAGE(incdtw_msg_.empty(), incdtw_msg_); \
    } while (false)

namespace incdtw_test {

inline incdtw::DtwOptions options_for(const Case& k) {
    incdtw::DtwOptions opt;
    opt.step_pattern = k.step;
    opt.dist_method = k.method;
    opt.window = k.window;
    return opt;
}

}  // namespace incdtw_test
