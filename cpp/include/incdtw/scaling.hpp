#pragma once
/// z-scaling and min-max scaling of a series, column by column (IncDTW: scale).

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

/// Each column of x (length x dims, row-major) scaled with the same options, as IncDTW:
///  z: mu = opt.mean or sum / N; sd = opt.sd or sqrt(sum (x - mu)^2 / (N - 1)) (around opt.mean when
///     given); (x - mu) / sd if sd > threshold, else x - mu (also for N = 1, where sd is NaN);
///  zero_one: lo = opt.min or min, hi = opt.max or max; (x - lo) / (hi - lo) if hi - lo > threshold,
///     else x - lo.
/// Sums are accumulated in long double and the rest computed in double, as R does. Throws
/// std::invalid_argument for NaN/inf values and std::length_error for an empty series.
template <class T>
std::vector<T> scale(SeriesView<T> x, const ScaleOptions& opt) {
    detail::check_series(x, "x");
    if (std::isnan(opt.threshold)) throw std::invalid_argument("threshold must not be NaN");
    const index_t n = x.length, d = x.dims;
    std::vector<T> out(static_cast<std::size_t>(n * d));
    for (index_t l = 0; l < d; ++l) {
        auto at = [&](index_t t) { return static_cast<double>(x.data[t * d + l]); };
        double shift, div;
        if (opt.type == ScaleType::z) {
            // R: mean = sum(x) / N and sd = sqrt(sum((x - mu)^2) / (N - 1)), sums in long double
            // rounded to double, everything else in double.
            double mu = opt.mean;
            if (std::isnan(opt.mean)) {
                long double s = 0.0L;
                for (index_t t = 0; t < n; ++t) s += at(t);
                mu = static_cast<double>(s) / static_cast<double>(n);
            }
            double sd = opt.sd;
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
        } else {
            double lo = opt.min, hi = opt.max;
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
        }
        const bool divide = div > opt.threshold;  // false for NaN (one observation)
        for (index_t t = 0; t < n; ++t) {
            const double y = at(t) - shift;
            out[static_cast<std::size_t>(t * d + l)] = static_cast<T>(divide ? y / div : y);
        }
    }
    return out;
}

}  // namespace incdtw
