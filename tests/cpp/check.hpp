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

/// First entry k where agree(got[k], want[k]) is false, described with its (row, col) position
/// (or its index when cols == 0); empty when every entry agrees.
template <class A, class B, class Agree>
std::string first_difference(const std::vector<A>& got, const std::vector<B>& want, index_t cols, Agree agree) {
    std::ostringstream os;
    os.precision(17);
    if (got.size() != want.size()) {
        os << "size " << got.size() << " != " << want.size();
        return os.str();
    }
    for (std::size_t k = 0; k < got.size(); ++k) {
        if (!agree(got[k], want[k])) {
            const auto kk = static_cast<index_t>(k);
            os << "entry ";
            if (cols > 0) {
                os << "(" << kk / cols << ", " << kk % cols << ")";
            } else {
                os << k;
            }
            os << ": got " << +got[k] << ", want " << +want[k];
            return os.str();
        }
    }
    return {};
}

template <class A, class B>
std::string compare_values(const std::vector<A>& got, const std::vector<B>& want, index_t cols, double rel) {
    return first_difference(got, want, cols, [rel](A g, B w) {
        return close(static_cast<double>(g), static_cast<double>(w), rel);
    });
}

template <class T>
std::string compare_bits(const std::vector<T>& got, const std::vector<T>& want, index_t cols) {
    return first_difference(got, want, cols, [](T g, T w) { return same_bits(g, w); });
}

/// Exact comparison of integer sequences (direction codes, path indices).
template <class A, class B>
std::string compare_ints(const std::vector<A>& got, const std::vector<B>& want, index_t cols = 0) {
    return first_difference(got, want, cols, [](A g, B w) {
        return static_cast<long long>(g) == static_cast<long long>(w);
    });
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
