#pragma once
/// The SIMD kernels and their runtime dispatch. stripe.inl is compiled once per instruction set
/// (AVX2, AVX-512F), each copy in its own namespace and target region, so the library itself is
/// built for the baseline (no -march=native) and a wheel runs on any x86-64 CPU. The functions
/// here prepare the data in the layout of StripePlan, pick the level (incdtw::simd_level()) and
/// return false when the SIMD path does not apply (scalar level, short series, narrow windows),
/// so that the caller runs the scalar sweep.

#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <type_traits>
#include <vector>

#include "../../options.hpp"
#include "../../simd.hpp"
#include "../../types.hpp"
#include "../cost.hpp"
#include "../recurrence.hpp"
#include "plan.hpp"

#if INCDTW_X86_SIMD
#include <immintrin.h>

#if defined(__clang__)
#define INCDTW_SIMD_BEGIN(isa) _Pragma(INCDTW_SIMD_STR(clang attribute push(__attribute__((target(isa))), apply_to = function)))
#define INCDTW_SIMD_END _Pragma("clang attribute pop")
#else
#define INCDTW_SIMD_BEGIN(isa) _Pragma("GCC push_options") _Pragma(INCDTW_SIMD_STR(GCC target(isa)))
#define INCDTW_SIMD_END _Pragma("GCC pop_options")
#endif
#define INCDTW_SIMD_STR(x) #x

// clang-format off
INCDTW_SIMD_BEGIN("avx2")
namespace incdtw::detail::simd::avx2 {
#include "vec_avx2.inl"
#include "stripe.inl"
#include "window_bounds.inl"
}  // namespace incdtw::detail::simd::avx2
INCDTW_SIMD_END

INCDTW_SIMD_BEGIN("avx512f")
namespace incdtw::detail::simd::avx512 {
#include "vec_avx512.inl"
#include "stripe.inl"
#include "window_bounds.inl"
}  // namespace incdtw::detail::simd::avx512
INCDTW_SIMD_END
// clang-format on
#endif

namespace incdtw::detail::simd {

/// Lanes per vector (W) and sub-rows per step (B) of a level. 2 B registers hold the front; B
/// independent sub-rows per step must cover the latency of the min-min-add chain between steps
/// (about 12 cycles). AVX-512 (32 registers) takes 9 and keeps the univariate rows in registers;
/// AVX2 (16 registers) takes 6 and reads them from memory (measured best on a Xeon with AVX-512).
template <class T>
struct Shape {
    int W = 1;
    int B = 1;
};
template <class T>
Shape<T> shape_of(SimdLevel level) noexcept {
    if (level == SimdLevel::avx512) return {static_cast<int>(64 / sizeof(T)), 9};
    if (level == SimdLevel::avx2) return {static_cast<int>(32 / sizeof(T)), 6};
    return {};
}

/// The window as the kernels take it: < 0 when it admits every cell.
inline index_t effective_window(index_t rows, index_t cols, index_t window) noexcept {
    return window >= 0 && window < rows + cols ? window : -1;
}

/// G[-1, -1], the diagonal predecessor of the first cell: symmetric1 0, symmetric2 -c(0, 0) (so
/// that G[0, 0] = c + ((-c) + c) = c exactly). False when c(0, 0) is not finite (the scalar sweep
/// then handles the overflow).
template <class T>
bool seed_of(const T* q, const T* c, index_t dims, DistMethod method, StepPattern step, T& seed) {
    const T c00 = visit_series_cost(q, c, dims, method, [](const auto& cost) { return cost(0, 0); });
    if (!std::isfinite(c00)) return false;
    seed = step == StepPattern::symmetric2 ? -c00 : T{0};
    return true;
}

/// Calls the stripe kernel of instruction set namespace `ns` for the options known at run time;
/// the trailing arguments are stripe_sweep's kOne, kDirs and kPruned.
#define INCDTW_SIMD_CALL(ns, V, B, plan, step, kind, ...)                                               \
    [&]() -> typename ns::V::T {                                                                        \
        auto by_kind = [&](auto s_tag) -> typename ns::V::T {                                           \
            constexpr StepPattern S = decltype(s_tag)::value;                                           \
            switch (kind) {                                                                             \
                case CostKind::abs:                                                                     \
                    return ns::stripe_sweep<ns::V, B, S, CostKind::abs, __VA_ARGS__>(plan);             \
                case CostKind::square:                                                                  \
                    return ns::stripe_sweep<ns::V, B, S, CostKind::square, __VA_ARGS__>(plan);          \
                case CostKind::multi:                                                                   \
                default:                                                                                \
                    return ns::stripe_sweep<ns::V, B, S, CostKind::multi, __VA_ARGS__>(plan);           \
            }                                                                                           \
        };                                                                                              \
        if (step == StepPattern::symmetric1) {                                                          \
            return by_kind(std::integral_constant<StepPattern, StepPattern::symmetric1>{});             \
        }                                                                                               \
        return by_kind(std::integral_constant<StepPattern, StepPattern::symmetric2>{});                 \
    }()

template <class T, bool kOne, bool kDirs = false>
T run_stripes(SimdLevel level, const StripePlan<T>& plan, StepPattern step, CostKind kind) {
#if INCDTW_X86_SIMD
    constexpr bool f64 = std::is_same_v<T, double>;
    if (level == SimdLevel::avx512) {
        if constexpr (f64) return INCDTW_SIMD_CALL(avx512, F64, 9, plan, step, kind, kOne, kDirs);
        else return INCDTW_SIMD_CALL(avx512, F32, 9, plan, step, kind, kOne, kDirs);
    }
    if constexpr (f64) return INCDTW_SIMD_CALL(avx2, F64, 6, plan, step, kind, kOne, kDirs);
    else return INCDTW_SIMD_CALL(avx2, F32, 6, plan, step, kind, kOne, kDirs);
#else
    (void)level, (void)plan, (void)step, (void)kind;
    return T{0};
#endif
}

/// The sub-rows per step of the pruned one-pair kernel (PrunedPairSweep): a stripe computes about
/// H^2 cells beside the kept ones (its ends are skewed), so AVX-512 takes 6 sub-rows instead of the
/// full sweep's 9 (measured on a Xeon, double: 3 to 9 tried, 6 best or tied at every |Q| and band);
/// AVX2 keeps its 6.
inline constexpr int kPrunedAvx512Rows = 6;
template <class T>
Shape<T> pruned_shape_of(SimdLevel level) noexcept {
    if (level == SimdLevel::avx512) return {static_cast<int>(64 / sizeof(T)), kPrunedAvx512Rows};
    return shape_of<T>(level);
}

/// run_stripes of one pair with per-row cut-offs (plan.row_thr), in pruned_shape_of's shape.
template <class T>
T run_pruned_stripes(SimdLevel level, const StripePlan<T>& plan, StepPattern step, CostKind kind) {
#if INCDTW_X86_SIMD
    constexpr bool f64 = std::is_same_v<T, double>;
    if (level == SimdLevel::avx512) {
        if constexpr (f64) return INCDTW_SIMD_CALL(avx512, F64, kPrunedAvx512Rows, plan, step, kind, true, false, true);
        else return INCDTW_SIMD_CALL(avx512, F32, kPrunedAvx512Rows, plan, step, kind, true, false, true);
    }
    if constexpr (f64) return INCDTW_SIMD_CALL(avx2, F64, 6, plan, step, kind, true, false, true);
    else return INCDTW_SIMD_CALL(avx2, F32, 6, plan, step, kind, true, false, true);
#else
    (void)level, (void)plan, (void)step, (void)kind;
    return T{0};
#endif
}
#undef INCDTW_SIMD_CALL

/// Windows per call of kim_skips at a level (0: the level has none).
template <class T>
int kim_lanes(SimdLevel level) noexcept {
    if constexpr (!std::is_same_v<T, double> && !std::is_same_v<T, float>) return 0;
    if (!INCDTW_X86_SIMD) return 0;
    if (level == SimdLevel::avx512) return static_cast<int>(64 / sizeof(T));
    if (level == SimdLevel::avx2) return static_cast<int>(32 / sizeof(T));
    return 0;
}

/// LB_Kim's hierarchy of kim_lanes() consecutive windows of a univariate series (window_bounds.inl): bit u
/// set where window u's bound exceeds `limit`, the scalar hierarchy's decision. x: the first
/// window's first observation; off, inv: the windows' offsets and reciprocal divisors (Scaled);
/// q: the scaled query of length n >= 6.
template <class T, bool Square, bool Scaled>
unsigned kim_skips(SimdLevel level, const T* x, const T* off, const T* inv, const T* q, index_t n, T limit) {
#if INCDTW_X86_SIMD
    if constexpr (std::is_same_v<T, double>) {
        if (level == SimdLevel::avx512) return avx512::kim_skips<avx512::F64, Square, Scaled>(x, off, inv, q, n, limit);
        if (level == SimdLevel::avx2) return avx2::kim_skips<avx2::F64, Square, Scaled>(x, off, inv, q, n, limit);
    } else if constexpr (std::is_same_v<T, float>) {
        if (level == SimdLevel::avx512) return avx512::kim_skips<avx512::F32, Square, Scaled>(x, off, inv, q, n, limit);
        if (level == SimdLevel::avx2) return avx2::kim_skips<avx2::F32, Square, Scaled>(x, off, inv, q, n, limit);
    }
#endif
    (void)level, (void)x, (void)off, (void)inv, (void)q, (void)n, (void)limit;
    return 0;
}

/// LB_Keogh of kim_lanes() consecutive windows against the query's envelope (window_bounds.inl):
/// bit u set, for the lanes of `alive`, where window u's bound exceeds `limit` as the search's
/// scalar early sum decides. order, olo, ohi: the query positions by decreasing |q| and the
/// envelope in that order.
template <class T, bool Square, bool Scaled>
unsigned keogh_q_skips(SimdLevel level, const T* x, const T* off, const T* inv, const index_t* order, const T* olo,
                       const T* ohi, index_t n, T limit, unsigned alive) {
#if INCDTW_X86_SIMD
    if constexpr (std::is_same_v<T, double>) {
        if (level == SimdLevel::avx512) {
            return avx512::keogh_q_skips<avx512::F64, Square, Scaled>(x, off, inv, order, olo, ohi, n, limit, alive);
        }
        if (level == SimdLevel::avx2) {
            return avx2::keogh_q_skips<avx2::F64, Square, Scaled>(x, off, inv, order, olo, ohi, n, limit, alive);
        }
    } else if constexpr (std::is_same_v<T, float>) {
        if (level == SimdLevel::avx512) {
            return avx512::keogh_q_skips<avx512::F32, Square, Scaled>(x, off, inv, order, olo, ohi, n, limit, alive);
        }
        if (level == SimdLevel::avx2) {
            return avx2::keogh_q_skips<avx2::F32, Square, Scaled>(x, off, inv, order, olo, ohi, n, limit, alive);
        }
    }
#endif
    (void)level, (void)x, (void)off, (void)inv, (void)order, (void)olo, (void)ohi, (void)n, (void)limit, (void)alive;
    return 0;
}

/// Early abandoning of a final value, as the scalar sweep: NaN unless value <= threshold.
template <class T>
T abandoned(T value, T thr) noexcept {
    return value <= thr ? value : std::numeric_limits<T>::quiet_NaN();
}

/// True when the level has vector kernels for T and the indices fit the kernels' integer lanes.
template <class T>
bool simd_usable(SimdLevel level, index_t rows, index_t cols) noexcept {
    if constexpr (!std::is_same_v<T, double> && !std::is_same_v<T, float>) return false;
    if (!INCDTW_X86_SIMD || level == SimdLevel::scalar) return false;
    return rows + cols < (index_t{1} << 28);
}

/// A buffer of `count` T whose element `origin` is 64-byte aligned (a vector load from there on never
/// splits a cache line). The vector is over-allocated by 64 bytes.
template <class T>
T* aligned_in(std::vector<T>& buf, index_t count, index_t origin, T fill) {
    const index_t slack = static_cast<index_t>(64 / sizeof(T));
    buf.assign(static_cast<std::size_t>(count + slack), fill);
    const auto addr = reinterpret_cast<std::uintptr_t>(buf.data() + origin);
    const auto shift = static_cast<index_t>(((64 - addr % 64) % 64) / sizeof(T));
    return buf.data() + shift;
}

/// The one-pair kernel's shape test: false where the scalar sweep is as fast. Measured break-even
/// (Xeon, AVX-512 and AVX2, float and double): a square pair of side 0.7 H to 1.3 H, a window of 24
/// to 32 (narrow bands are mostly masked).
inline bool pair_kernel_pays(index_t rows, index_t cols, index_t window, index_t H) noexcept {
    if (rows < H / 2 || cols < H / 2 || rows * cols < H * H) return false;
    return !(window >= 0 && window < 32);
}

/// The one-pair kernel's column entries: entry t (dims x W values at x0 + t * dims * W) for t in
/// [-(B - 1), cols + H - 1] holds c[t - u B] in lane u, +inf outside [0, cols). `x0` points at
/// entry 0 of a buffer laid out once with +inf (layout_cols); this writes the cells inside.
template <class T>
void fill_cols(T* x0, index_t cols, const T* c, index_t dims, int W, int B) {
    const index_t stride = dims * W;
    for (int u = 0; u < W; ++u) {
        T* dst = x0 + static_cast<index_t>(u) * B * stride + u;
        if (dims == 1) {  // a search's windows: one strided copy per lane
            for (index_t j = 0; j < cols; ++j) dst[j * stride] = c[j];
            continue;
        }
        for (index_t j = 0; j < cols; ++j, dst += stride) {
            for (index_t l = 0; l < dims; ++l) dst[l * W] = c[j * dims + l];
        }
    }
}

/// A buffer of fill_cols's layout for `cols` columns (+inf), with c's cells if c is not null;
/// returns entry 0.
template <class T>
T* layout_cols(std::vector<T>& buf, index_t cols, const T* c, index_t dims, int W, int B) {
    const index_t stride = dims * W, H = static_cast<index_t>(W) * B;
    const index_t x_first = -(B - 1), x_count = cols + H + B;
    const T inf = std::numeric_limits<T>::infinity();
    T* const x0 = aligned_in(buf, x_count * stride, -x_first * stride, inf) - x_first * stride;
    if (c != nullptr) fill_cols(x0, cols, c, dims, W, B);
    return x0;
}

/// The one-pair kernel's rows: per stripe and sub-row b, lane u holds row s H + u B + b (0 beyond
/// the last row).
template <class T>
T* layout_rows(std::vector<T>& buf, index_t rows, const T* q, index_t dims, int W, int B) {
    const index_t stride = dims * W, H = static_cast<index_t>(W) * B;
    const index_t stripes = (rows + H - 1) / H;
    T* const q0 = aligned_in(buf, stripes * B * stride, 0, T{0});
    for (index_t s = 0; s < stripes; ++s) {
        for (int b = 0; b < B; ++b) {
            T* dst = q0 + (s * B + b) * stride;
            for (int u = 0; u < W; ++u) {
                const index_t i = s * H + static_cast<index_t>(u) * B + b;
                if (i < rows) {
                    for (index_t l = 0; l < dims; ++l) dst[l * W + u] = q[i * dims + l];
                }
            }
        }
    }
    return q0;
}

/// The row above the first stripe: `top` of cols + 2 pad values, +inf except the diagonal
/// predecessor of the first cell (entry pad - 1 holds the seed). Returns column 0.
template <class T>
T* seed_top(std::vector<T>& top, index_t cols, index_t pad, T seed) {
    top.assign(static_cast<std::size_t>(cols + 2 * pad), std::numeric_limits<T>::infinity());
    top[static_cast<std::size_t>(pad - 1)] = seed;
    return top.data() + pad;
}

/// The data of the one-pair kernel (StripePlan's layout) and the plan pointing into it.
template <class T>
struct PairSweep {
    SimdLevel level = SimdLevel::scalar;
    int W = 1, B = 1;
    std::vector<T> xbuf, qbuf, top;
    StripePlan<T> plan;

    /// Prepares the sweep of rows x cols (q along the rows); false when the kernel does not apply.
    bool prepare(index_t rows, index_t cols, const T* q, const T* c, index_t dims, const DtwOptions& opt) {
        level = simd_level();
        if (!simd_usable<T>(level, rows, cols)) return false;
        const Shape<T> sh = shape_of<T>(level);
        W = sh.W;
        B = sh.B;
        const index_t H = static_cast<index_t>(W) * B;
        const index_t window = effective_window(rows, cols, opt.window);
        if (!pair_kernel_pays(rows, cols, window, H)) return false;
        T seed{};
        if (!seed_of(q, c, dims, opt.dist_method, opt.step_pattern, seed)) return false;
        const T* x0 = layout_cols(xbuf, cols, c, dims, W, B);
        const T* q0 = layout_rows(qbuf, rows, q, dims, W, B);
        T* const top0 = seed_top(top, cols, H + W, seed);
        plan = stripe_plan<T>(rows, cols, dims, window, opt.dist_method, x0, q0, top0);
        return true;
    }
};

/// The one-pair kernel with per-row cut-offs (sweep_pruned's semantics, bit for bit) for one query
/// against many series of its length, the windows of a search: the query's layout and every buffer
/// are made once, distance() lays out one window.
template <class T>
class PrunedPairSweep {
  public:
    PrunedPairSweep(index_t n, const T* q, index_t dims, StepPattern step, DistMethod method, index_t window)
        : n_(n), dims_(dims), step_(step), method_(method), q_(q) {
        level_ = simd_level();
        if (!simd_usable<T>(level_, n, n)) return;
        const Shape<T> sh = pruned_shape_of<T>(level_);
        W_ = sh.W;
        B_ = sh.B;
        const index_t H = static_cast<index_t>(W_) * B_;
        const index_t w = effective_window(n, n, window);
        // Measured (Xeon, double): the pruned kernel wins from a band of 16 on (12: a tie).
        if (n < H / 2 || (w >= 0 && w < 16)) return;
        x0_ = layout_cols<T>(xbuf_, n, nullptr, dims, W_, B_);
        const T* q0 = layout_rows(qbuf_, n, q, dims, W_, B_);
        pad_ = H + W_;
        lanes_.assign(static_cast<std::size_t>(W_ * B_), T{0});
        plan_ = stripe_plan<T>(n, n, dims, w, method, x0_, q0, seed_top(top_, n, pad_, T{0}));
        plan_.lane_thr = lanes_.data();
        usable_ = true;
    }

    // The plan points into the buffers: a copy would point into the original's.
    PrunedPairSweep(const PrunedPairSweep&) = delete;
    PrunedPairSweep& operator=(const PrunedPairSweep&) = delete;

    /// False where the scalar sweep_pruned is as fast (or the level has no kernel).
    bool usable() const noexcept { return usable_; }

    /// G[n-1, n-1] of the query and c (n x dims) with the cells above row_thr[i] in row i +inf,
    /// NaN when the last cell is +inf or above `thr`, into `out`. False (nothing computed) when
    /// c(0, 0) is not finite: the scalar sweep then handles the overflow.
    bool distance(const T* c, T thr, const T* row_thr, T& out) {
        T seed{};
        if (!seed_of(q_, c, dims_, method_, step_, seed)) return false;
        fill_cols(x0_, n_, c, dims_, W_, B_);
        seed_top(top_, n_, pad_, seed);  // the same buffer: plan_.top stays valid
        plan_.thr = thr;
        plan_.row_thr = row_thr;
        out = abandoned(run_pruned_stripes<T>(level_, plan_, step_, cost_kind(dims_, method_)), thr);
        return true;
    }

  private:
    index_t n_, dims_;
    StepPattern step_;
    DistMethod method_;
    const T* q_;
    SimdLevel level_ = SimdLevel::scalar;
    int W_ = 1, B_ = 1;
    index_t pad_ = 0;
    bool usable_ = false;
    std::vector<T> xbuf_, qbuf_, top_, lanes_;
    T* x0_ = nullptr;
    StripePlan<T> plan_;
};

/// The distance G[rows-1, cols-1] of two series (rows x dims and cols x dims, row-major) with the
/// one-pair kernel; false when the kernel does not apply (the caller then sweeps scalar). `cancel`
/// (optional) is checked between stripes: Cancelled is thrown when it asks to stop.
template <class T>
bool try_pair_distance(index_t rows, index_t cols, const T* q, const T* c, index_t dims, const DtwOptions& opt,
                       T& result, Cancellation* cancel = nullptr) {
    PairSweep<T> sweep;
    if (!sweep.prepare(rows, cols, q, c, dims, opt)) return false;
    sweep.plan.cancel = cancel;
    const bool abandon = opt.threshold < std::numeric_limits<double>::infinity();
    if (abandon) sweep.plan.thr = threshold_as<T>(opt.threshold);
    const T r = run_stripes<T, true>(sweep.level, sweep.plan, opt.step_pattern, cost_kind(dims, opt.dist_method));
    result = abandon ? abandoned(r, sweep.plan.thr) : r;
    return true;
}

/// The direction matrix `dm` (rows x cols, pre-filled with 0, which stays outside the window; 0 at
/// (0, 0), 2 in the rest of row 0, 3 in the rest of column 0) and, if `gcm` is not null, the global
/// cost matrix (pre-filled with NaN) of two series; returns false when the kernel does not apply.
/// `distance` receives G[rows-1, cols-1]. The codes are those of sweep_matrix, bit for bit. `cancel`
/// as in try_pair_distance (the matrices are then incomplete).
template <class T>
bool try_pair_matrix(index_t rows, index_t cols, const T* q, const T* c, index_t dims, const DtwOptions& opt,
                     T* gcm, std::int8_t* dm, T& distance, Cancellation* cancel = nullptr) {
    PairSweep<T> sweep;
    if (!sweep.prepare(rows, cols, q, c, dims, opt)) return false;
    sweep.plan.cancel = cancel;
    // Per stripe: at most cols + 2 H steps, B sub-rows, W codes (and W values) each.
    const index_t H = static_cast<index_t>(sweep.W) * sweep.B;
    const index_t steps = cols + 2 * H;
    std::vector<std::uint8_t> dirs(static_cast<std::size_t>(steps * H));
    std::vector<T> vals;
    if (gcm != nullptr) vals.resize(static_cast<std::size_t>(steps * sweep.B * sweep.W));
    sweep.plan.dirs = dirs.data();
    sweep.plan.vals = gcm != nullptr ? vals.data() : nullptr;
    sweep.plan.dm = dm;
    sweep.plan.gcm = gcm;
    distance =
        run_stripes<T, true, true>(sweep.level, sweep.plan, opt.step_pattern, cost_kind(dims, opt.dist_method));
    return true;
}

/// The first rows of extend_rows(width, first, k, ...) (detail/extend.hpp) with the one-pair kernel,
/// in whole stripes: `rows` (k x dims, the new rows) against `cols` (width x dims). Returns how many
/// rows it did (a multiple of the stripe height, 0 when the kernel does not apply); their last row
/// goes to `last` (width values, NaN outside the window; may alias prev) and each row's value in the last column
/// to edge[r] (NaN outside the window). `prev` is row first - 1 (read inside its band; unused when
/// first == 0). The caller continues with the scalar extend_rows from `last`.
template <class T>
index_t try_extend_rows(index_t width, index_t first, index_t k, const T* rows, const T* cols, index_t dims,
                        const DtwOptions& opt, const T* prev, T* last, T* edge) {
    PairSweep<T> sweep;
    if (!sweep.prepare(k, width, rows, cols, dims, opt)) return 0;
    const index_t H = static_cast<index_t>(sweep.W) * sweep.B;
    const index_t done = k / H * H;
    if (done == 0) return 0;
    const index_t w = effective_window(first + k, width, opt.window);
    StripePlan<T>& plan = sweep.plan;
    plan.rows = done;
    plan.row0 = first;
    plan.window = w;
    if (first > 0) {  // the row above is the previous state's last row, +inf outside its band
        const index_t r = first - 1;
        const index_t lo = w >= 0 && r - w > 0 ? r - w : 0;
        const index_t hi = w >= 0 && r + w < width - 1 ? r + w : width - 1;
        plan.top[-1] = std::numeric_limits<T>::infinity();
        for (index_t j = lo; j <= hi; ++j) plan.top[j] = prev[j];
    }
    std::vector<T> tail(static_cast<std::size_t>(H * H));
    plan.tail = tail.data();
    plan.edge = edge;
    run_stripes<T, true>(sweep.level, plan, opt.step_pattern, cost_kind(dims, opt.dist_method));
    const index_t r = first + done - 1;  // the last row done: NaN outside its band, as extend_rows
    for (index_t j = 0; j < width; ++j) {
        const bool inside = w < 0 || (j >= r - w && j <= r + w);
        last[j] = inside ? plan.top[j] : std::numeric_limits<T>::quiet_NaN();
    }
    return done;
}

/// Up to W pairs of one shape (rows x cols), one per lane: out[k] = G[rows-1, cols-1] of
/// (q[k], c[k]) (NaN when early abandoned). False when the kernel does not apply.
template <class T>
bool try_group_distances(index_t rows, index_t cols, index_t dims, const T* const* q, const T* const* c, int count,
                         const DtwOptions& opt, T* out) {
    const SimdLevel level = simd_level();
    if (count < 1 || !simd_usable<T>(level, rows, cols)) return false;
    const auto [W, B] = shape_of<T>(level);
    if (count > W) return false;
    const index_t window = effective_window(rows, cols, opt.window);
    const index_t stride = dims * W;
    const T inf = std::numeric_limits<T>::infinity();
    std::vector<T> seeds(static_cast<std::size_t>(W));
    for (int u = 0; u < W; ++u) {
        const int k = u < count ? u : 0;  // spare lanes repeat the first pair
        if (!seed_of(q[k], c[k], dims, opt.dist_method, opt.step_pattern, seeds[static_cast<std::size_t>(u)])) {
            return false;
        }
    }
    const index_t x_first = -(B - 1), x_count = cols + B + B;
    std::vector<T> xbuf;
    T* const x0 = aligned_in(xbuf, x_count * stride, -x_first * stride, inf);
    for (index_t e = 0; e < x_count; ++e) {
        const index_t t = x_first + e;
        T* dst = x0 + e * stride;
        for (index_t l = 0; l < dims; ++l) {
            for (int u = 0; u < W; ++u) dst[l * W + u] = t >= 0 && t < cols ? c[u < count ? u : 0][t * dims + l] : inf;
        }
    }
    const index_t stripes = (rows + B - 1) / B;
    std::vector<T> qbuf;
    T* const q0 = aligned_in(qbuf, stripes * B * stride, 0, T{0});
    for (index_t i = 0; i < rows; ++i) {
        T* dst = q0 + i * stride;
        for (index_t l = 0; l < dims; ++l) {
            for (int u = 0; u < W; ++u) dst[l * W + u] = q[u < count ? u : 0][i * dims + l];
        }
    }
    const index_t pad = B + 2;
    std::vector<T> topbuf;
    T* const top = aligned_in(topbuf, (cols + 2 * pad) * W, 0, inf);
    for (int u = 0; u < W; ++u) top[(pad - 1) * W + u] = seeds[static_cast<std::size_t>(u)];
    std::vector<T> lanes(static_cast<std::size_t>(W));

    StripePlan<T> plan =
        stripe_plan<T>(rows, cols, dims, window, opt.dist_method, x0 - x_first * stride, q0, top + pad * W);
    plan.out = lanes.data();
    run_stripes<T, false>(level, plan, opt.step_pattern, cost_kind(dims, opt.dist_method));
    const bool abandon = opt.threshold < std::numeric_limits<double>::infinity();
    const T thr = abandon ? threshold_as<T>(opt.threshold) : inf;
    for (int k = 0; k < count; ++k) {
        const T r = lanes[static_cast<std::size_t>(k)];
        out[k] = abandon ? abandoned(r, thr) : r;
    }
    return true;
}

}  // namespace incdtw::detail::simd
