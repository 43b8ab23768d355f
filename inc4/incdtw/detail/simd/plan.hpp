#pragma once
/// What the SIMD kernels (stripe.inl) read and write, prepared by the portable code in
/// kernels.hpp. Shared by every instruction-set variant.

#include <cstdint>
#include <limits>

#include "../../cancel.hpp"
#include "../../options.hpp"
#include "../../types.hpp"

namespace incdtw::detail::simd {

/// The most lanes of any kernel (AVX-512, float).
inline constexpr int kMaxLanes = 16;

/// kMaskBytes[m]: byte l is bit l of m (0 or 1), for the direction codes of the kernels.
struct MaskBytes {
    std::uint64_t table[256]{};
    constexpr MaskBytes() {
        for (int m = 0; m < 256; ++m) {
            for (int l = 0; l < 8; ++l) table[m] |= static_cast<std::uint64_t>((m >> l) & 1) << (8 * l);
        }
    }
    constexpr std::uint64_t operator[](unsigned m) const { return table[m]; }
};
inline constexpr MaskBytes kMaskBytes{};

/// The local cost, resolved from DistMethod and the number of dimensions exactly as
/// visit_series_cost does: one dimension uses |q - c| (norm1, norm2) or (q - c)^2 (norm2_square);
/// several dimensions (multi) take StripePlan::method at run time (one kernel for the three).
enum class CostKind { abs, square, multi };

inline CostKind cost_kind(index_t dims, DistMethod method) noexcept {
    if (dims == 1) return method == DistMethod::norm2_square ? CostKind::square : CostKind::abs;
    return CostKind::multi;
}

/// A stripe sweep. The matrix is swept in stripes of H rows; inside a stripe the lanes and the B
/// sub-rows of a vector register hold H cells of one anti-diagonal-like front (see stripe.inl).
///  one pair:   H = W * B rows of one pair, lane u and sub-row b hold row i0 + u * B + b;
///  many pairs: H = B rows, lane u holds pair u (all pairs of the group have the same shape).
template <class T>
struct StripePlan {
    index_t rows = 0;     ///< of the swept matrix (after the transposition, if any)
    index_t cols = 0;
    index_t dims = 1;
    index_t window = -1;  ///< Sakoe-Chiba radius; < 0: none
    index_t row0 = 0;     ///< the window's row of the first row (extend_rows continues at row `first`)
    DistMethod method = DistMethod::norm1;  ///< of CostKind::multi
    /// One pair: stop (NaN) after a stripe whose last row has no cell <= thr (+inf: never).
    T thr{};
    /// Column data: entry t (a vector of W values per dimension: dims * W values) at X + t * dims * W,
    /// for t in [-(B - 1), cols + H - 1]. One pair: lane u of entry t is c[t - u * B] (+inf outside
    /// [0, cols)); many pairs: lane u is c_u[t].
    const T* X = nullptr;
    /// Row data: ((stripe * B + b) * dims + l) * W, lane u: the row of lane u and sub-row b (0 beyond rows).
    const T* Q = nullptr;
    /// The row above the stripe. One pair: top[j] for j in [-(H + W), cols + H + W), +inf except
    /// top[-1] = seed; many pairs: W values per column, at top + j * W for j in [-(B + 1), cols + B + 1).
    T* top = nullptr;
    /// Many pairs: the W distances.
    T* out = nullptr;
    /// One pair with directions (kDirs): per stripe, step t - t_begin and sub-row b, the W direction
    /// codes at dirs[((t - t_begin) * B + b) * W] and, if `vals` is not null, the W values at
    /// vals[((t - t_begin) * B + b) * W]. After each stripe they are written row-major to dm (codes
    /// 1, 2, 3, 0 at (0, 0); rows x cols, cells outside the window untouched) and gcm (if not null).
    std::uint8_t* dirs = nullptr;
    T* vals = nullptr;
    std::int8_t* dm = nullptr;
    T* gcm = nullptr;
    /// One pair without directions: if `edge` is not null, edge[i] = G[i, cols-1] (NaN outside the
    /// window), read from `tail` (H steps x B x W values: each stripe's steps from cols - 1 on).
    T* edge = nullptr;
    T* tail = nullptr;
    /// One pair without directions: per-row cut-offs (rows values; null: none), cells above which
    /// are +inf (sweep_pruned's semantics), and B x W values of scratch for them (`lane_thr`).
    const T* row_thr = nullptr;
    T* lane_thr = nullptr;
    /// One pair: checked between stripes (detail::SweepCheck; null: never).
    Cancellation* cancel = nullptr;
};

/// A plan for rows x cols with the data laid out by the caller (X and Q at entry 0, top at column
/// 0); no early abandoning (thr = +inf) and nothing recorded.
template <class T>
StripePlan<T> stripe_plan(index_t rows, index_t cols, index_t dims, index_t window, DistMethod method, const T* X,
                          const T* Q, T* top) {
    StripePlan<T> plan;
    plan.rows = rows;
    plan.cols = cols;
    plan.dims = dims;
    plan.window = window;
    plan.method = method;
    plan.thr = std::numeric_limits<T>::infinity();
    plan.X = X;
    plan.Q = Q;
    plan.top = top;
    return plan;
}

}  // namespace incdtw::detail::simd
