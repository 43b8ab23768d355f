#pragma once
/// z-scaling and min-max scaling of a series, column by column (IncDTW: scale).

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <vector>

#include "detail/checks.hpp"
#include "types.hpp"

namespace incdtw {

enum class ScaleType : std::uint8_t {
    z,         ///< (x - mean) / sd
    zero_one,  ///< (x - min) / (max - min)  (IncDTW's "01")
};

/// Parameters of scale(); NaN means "computed from the column".
struct ScaleOptions {
    ScaleType type = ScaleType::z;
    double threshold = 1e-5;  ///< sd (or max - min) at or below it: shift only, no division
    double mean = std::numeric_limits<double>::quiet_NaN();
    double sd = std::numeric_limits<double>::quiet_NaN();
    double min = std::numeric_limits<double>::quiet_NaN();
    double max = std::numeric_limits<double>::quiet_NaN();
};

namespace detail {

/// The k >= 0 for which m * 2^-k < 2^e (0 when m < 2^e already; m >= 0 finite). z- and min-max
/// scaling are invariant under multiplying the data by a power of two, and that product is exact
/// (barring underflow), so data scaled by 2^-k gives the same bits without overflowing sums and
/// differences of huge values; ordinary data (k = 0) is not touched at all.
inline int pow2_shift(double m, int e) noexcept {
    if (!(m >= std::ldexp(1.0, e))) return 0;
    return std::ilogb(m) + 1 - e;
}

/// The shift of scale()'s z statistics: values below 2^400 keep every sum of squares far from
/// overflow (2^800 per square, for any number of observations an array can hold).
inline constexpr int z_shift_exponent = 400;

}  // namespace detail

/// Each column of x (length x dims, row-major) scaled with the same options, as IncDTW:
///  z: mu = opt.mean or sum / N; sd = opt.sd or sqrt(sum (x - mu)^2 / (N - 1)) (around opt.mean when
///     given); (x - mu) / sd if sd > threshold, else x - mu (also for N = 1, where sd is NaN);
///  zero_one: lo = opt.min or min, hi = opt.max or max; (x - lo) / (hi - lo) if hi - lo > threshold,
///     else x - lo.
/// Sums are accumulated in long double and the rest computed in double, as R does. Columns of huge
/// values (sums or differences that would overflow) are computed from the column times 2^-k, which
/// gives the same bits wherever the direct formula does not overflow (detail::pow2_shift). Throws
/// std::invalid_argument for NaN/inf values and std::length_error for an empty series.
template <class T>
std::vector<T> scale(SeriesView<T> x, const ScaleOptions& opt) {
    detail::check_series(x, "x");
    if (std::isnan(opt.threshold)) throw std::invalid_argument("threshold must not be NaN");
    const index_t n = x.length, d = x.dims;
    std::vector<T> out(static_cast<std::size_t>(n * d));
    const auto given = [](double v) { return std::isnan(v) ? 0.0 : std::fabs(v); };
    for (index_t l = 0; l < d; ++l) {
        double big = 0;  // the largest magnitude of the column and of the given parameters
        for (index_t t = 0; t < n; ++t) big = std::max(big, std::fabs(static_cast<double>(x.data[t * d + l])));
        int k;
        if (opt.type == ScaleType::z) {
            big = std::max(big, given(opt.mean));
            k = detail::pow2_shift(big, detail::z_shift_exponent);
        } else {
            big = std::max({big, given(opt.min), given(opt.max)});
            k = detail::pow2_shift(big, 1022);  // x - lo and hi - lo stay below 2^1024
        }
        const auto down = [k](double v) { return k == 0 ? v : std::ldexp(v, -k); };
        auto at = [&](index_t t) { return down(static_cast<double>(x.data[t * d + l])); };
        double shift, div, div_unscaled;  // shift and div in the units of at()
        if (opt.type == ScaleType::z) {
            // R: mean = sum(x) / N and sd = sqrt(sum((x - mu)^2) / (N - 1)), sums in long double
            // rounded to double, everything else in double.
            double mu = down(opt.mean);
            if (std::isnan(opt.mean)) {
                long double s = 0.0L;
                for (index_t t = 0; t < n; ++t) s += at(t);
                mu = static_cast<double>(s) / static_cast<double>(n);
            }
            double sd = down(opt.sd);
            if (std::isnan(opt.sd)) {
                long double s = 0.0L;
                for (index_t t = 0; t < n; ++t) {
                    const double e = at(t) - mu;
                    s += e * e;
                }
                // N = 1: 0/0 = NaN around its own mean (shift only), x/0 = inf around a given one
                sd = std::sqrt(static_cast<double>(s) / static_cast<double>(n - 1));
            }
            shift = mu;
            div = sd;
            div_unscaled = std::isnan(opt.sd) ? std::ldexp(sd, k) : opt.sd;  // may overflow to inf
        } else {
            double lo = down(opt.min), hi = down(opt.max);
            if (std::isnan(opt.min)) {
                lo = at(0);
                for (index_t t = 1; t < n; ++t) lo = at(t) < lo ? at(t) : lo;
            }
            if (std::isnan(opt.max)) {
                hi = at(0);
                for (index_t t = 1; t < n; ++t) hi = at(t) > hi ? at(t) : hi;
            }
            shift = lo;
            div = hi - lo;
            div_unscaled = std::ldexp(div, k);
        }
        const bool divide = div_unscaled > opt.threshold;  // false for NaN (one observation)
        for (index_t t = 0; t < n; ++t) {
            const double y = at(t) - shift;
            out[static_cast<std::size_t>(t * d + l)] = static_cast<T>(divide ? y / div : std::ldexp(y, k));
        }
    }
    return out;
}

}  // namespace incdtw
