// The SIMD sweep of the DTW recurrence. No include guard: kernels.hpp includes this file once per
// instruction set, inside that set's namespace and target region, after the vector types F64/F32
// (vec_*.inl). Nothing here allocates or includes: kernels.hpp prepares the data (StripePlan).
//
// Why the values are bit-identical to the scalar sweep (recurrence.hpp): every cell computes
// G[i,j] = c + min(min(v, d'), h) with d' = d (symmetric1) or d + c (symmetric2) from the same
// operands with the same IEEE operations (products go through an optimisation barrier, so nothing
// is contracted into an FMA); a minimum is exact, so only the order in which cells are evaluated
// changes. Cells outside the window and outside the matrix are +inf, as in the scalar sweep.
// Early abandoning drops no cell here: a cell <= threshold never descends from a cell above it
// (costs are >= 0), so the final value is the scalar sweep's whenever it is <= threshold, and
// "every cell of a row is above the threshold" holds here exactly when it holds there.
//
// Layout. The matrix is swept in stripes of H rows. In a stripe, step t evaluates for every sub-row
// b in [0, B) one vector of W cells: lane u holds the cell (i0 + K, t - K) with K = u * B + b (one
// pair, H = W * B) or K = b in pair u (many pairs, H = B). So the cell above (i0 + K - 1, t - K) is
// the previous step's value of sub-row b - 1 in the same lane: only sub-row 0 takes it from the
// neighbouring lane (one pair: a lane shift that brings in the row above the stripe at lane 0) or
// from the row above (many pairs). The B sub-rows of a step are independent, which hides the
// latency of the min/add chain; the front lives in 2 * B registers and only the stripe's last row
// goes to memory.

template <class V, CostKind CK>
inline typename V::R stripe_cost(typename V::R qreg, const typename V::T* qmem, const typename V::T* x, index_t dims,
                                 DistMethod method) {
    using R = typename V::R;
    // x - q == -(q - x) exactly, so |x - q| and (x - q)^2 are the scalar |q - x| and (q - x)^2.
    // Univariate q comes from a register (V::kQInRegisters) or from memory (a free load operand).
    if constexpr (CK == CostKind::abs) {
        return V::abs(V::sub(V::load(x), V::kQInRegisters ? qreg : V::load(qmem)));
    } else if constexpr (CK == CostKind::square) {
        const R d = V::sub(V::load(x), V::kQInRegisters ? qreg : V::load(qmem));
        return V::mul(d, d);
    } else {
        // The scalar order: s = 0 + f(x_0) (== f(x_0): f >= +0), then s + f(x_l), then sqrt (norm2).
        const bool absolute = method == DistMethod::norm1;
        R s = V::set1(0);
        for (index_t l = 0; l < dims; ++l) {
            const R d = V::sub(V::load(x + l * V::W), V::load(qmem + l * V::W));
            const R f = absolute ? V::abs(d) : V::mul(d, d);
            s = l == 0 ? f : V::add(s, f);
        }
        if (method == DistMethod::norm2) s = V::sqrt(s);
        return s;
    }
}

/// The direction codes of W lanes as W bytes at `out`, from the lane masks `diag` (the diagonal
/// wins) and `vh` (v <= h): 1 where diag, else 2 + vh (IncDTW's tie rule). Eight lanes at a time in
/// a 64-bit word (SWAR; each byte stays in 1..3, so nothing carries across bytes), on the scalar
/// ports that the vector recurrence leaves idle.
template <int W>
inline void direction_codes(unsigned diag, unsigned vh, std::uint8_t* out) {
    constexpr std::uint64_t ones = 0x0101010101010101ULL;
    for (int h = 0; h < W; h += 8) {
        const std::uint64_t vb = kMaskBytes[(vh >> h) & 0xFFU];  // bit l -> byte l (0 or 1)
        const std::uint64_t db = kMaskBytes[(diag >> h) & 0xFFU];
        const std::uint64_t a = 2 * ones + vb;                      // 2 + vh
        const std::uint64_t code = a - ((a - ones) & (db * 0xFF));  // 1 where diag
        std::memcpy(out + h, &code, static_cast<std::size_t>(W - h < 8 ? W - h : 8));
    }
}

/// The front of a stripe between calls of stripe_steps: the values of every sub-row at steps
/// t - 1 (P) and t - 2 (PP), and the row above at column t - 1 (the diagonal predecessor of lane 0).
template <class V, int B>
struct StripeFront {
    typename V::R P[B], PP[B], above;
};

/// One step t: `cur` holds the front at t - 1, `prev` at t - 2; on return `prev` holds the front
/// at t. Sub-rows go in descending order, so the new value of sub-row b replaces its value at t - 2
/// only after sub-row b + 1 has read it (no extra registers, no copies).
template <class V, int B, StepPattern S, CostKind CK, bool kOne, bool kMasked, bool kDirs, bool kPrune = false>
__attribute__((always_inline)) inline void stripe_step(const typename V::T* X, typename V::T* top, index_t dims,
                                                       index_t w, DistMethod method, const typename V::T* qs,
                                                       const typename V::R (&q)[B], typename V::R (&cur)[B],
                                                       typename V::R (&prev)[B], typename V::R& above, index_t i0,
                                                       index_t t, typename V::I k2base, typename V::R inf,
                                                       std::uint8_t* dirs, typename V::T* vals,
                                                       const typename V::T* lthr = nullptr) {
    using T = typename V::T;
    using R = typename V::R;
    constexpr int W = V::W;
    constexpr index_t H = kOne ? index_t{W} * B : index_t{B};
    constexpr bool kUni = CK == CostKind::abs || CK == CostKind::square;
    const index_t stride = kUni ? index_t{W} : dims * W;
    const T* xt = X + t * stride;
    const R v0 = kOne ? V::shift_in(cur[B - 1], V::load(top + t - (W - 1))) : V::load(top + t * W);
#pragma GCC unroll 16
    for (int b = B - 1; b >= 0; --b) {
        const R v = b == 0 ? v0 : cur[b - 1];
        R d = b == 0 ? above : prev[b - 1];
        const R c = stripe_cost<V, CK>(q[b], qs + b * stride, xt - b * stride, dims, method);
        if constexpr (S == StepPattern::symmetric2) d = V::add(d, c);
        R val = V::add(c, V::min(V::min(v, d), cur[b]));
        if constexpr (kMasked) val = V::keep_band(val, k2base, 2 * b + i0 - t, w, inf);
        if constexpr (kPrune) val = V::keep_le(val, V::load(lthr + b * W), inf);  // the row's cut-off
        if constexpr (kDirs) {  // IncDTW's tie rule: diagonal if d' <= v and d' <= h, else vertical if v <= h
            direction_codes<W>(V::le_bits(d, v) & V::le_bits(d, cur[b]), V::le_bits(v, cur[b]), dirs + b * W);
        }
        if (vals != nullptr) V::store(vals + b * W, val);  // recorded values (gcm, or a stripe's tail)
        prev[b] = val;
    }
    above = v0;
    if constexpr (kOne) {
        V::store_last(top + t - (H - 1), prev[B - 1]);
    } else {
        V::store(top + (t - (B - 1)) * W, prev[B - 1]);
    }
}

/// Steps [ta, tb] of the stripe starting at row i0. The front is copied into locals so that it
/// stays in registers; two steps per iteration swap the roles of the two halves of the front.
/// kMasked: cells outside the band become +inf (2K = k2base + 2b per lane).
/// kPrune: cells above their row's cut-off (`lthr`, B x W values in the front's layout) become
/// +inf, and the steps stop once two consecutive fronts are all +inf past column `pe` (the row
/// above's last finite cell): every later cell of the stripe is then +inf, and so is the front
/// left behind. Returns the first step not computed (tb + 1 when all were).
template <class V, int B, StepPattern S, CostKind CK, bool kOne, bool kMasked, bool kDirs, bool kPrune = false>
index_t stripe_steps(const StripePlan<typename V::T>& p, const typename V::T* qs, index_t i0, index_t ta, index_t tb,
                     index_t t_begin, StripeFront<V, B>& front, const typename V::T* lthr = nullptr, index_t pe = 0) {
    using T = typename V::T;
    using R = typename V::R;
    constexpr bool kUni = CK == CostKind::abs || CK == CostKind::square;
    const R inf = V::set1(std::numeric_limits<T>::infinity());
    const auto k2base = kOne ? V::iota(0, 2 * B) : V::iset1(0);
    R q[B], P[B], PP[B];
    for (int b = 0; b < B; ++b) {
        q[b] = kUni && V::kQInRegisters ? V::load(qs + b * V::W) : inf;
        P[b] = front.P[b];
        PP[b] = front.PP[b];
    }
    R above = front.above;
    // Locals: a store through a vector type may alias anything, which would reload the plan each step.
    const T* X = p.X;
    T* top = p.top;
    const index_t dims = kUni ? 1 : p.dims, w = p.window;
    const DistMethod method = p.method;
    std::uint8_t* dirs = kDirs ? p.dirs + (ta - t_begin) * B * V::W : nullptr;
    // The values of step t are recorded: every step into p.vals (kDirs, for the gcm), or the steps
    // from the last column on into p.tail (the last-column value of every row, extend_rows' edge).
    const index_t t_tail = p.cols - 1;
    T* const vals = kDirs ? p.vals : p.tail;
    const auto rec = [&](index_t tt) -> T* {
        if (vals == nullptr || (!kDirs && tt < t_tail)) return nullptr;
        return vals + (tt - (kDirs ? t_begin : t_tail)) * B * V::W;
    };
    [[maybe_unused]] const R finite = V::set1(std::numeric_limits<T>::max());
    bool dead = false;
    index_t t = ta;
    for (; t + 1 <= tb; t += 2) {
        stripe_step<V, B, S, CK, kOne, kMasked, kDirs, kPrune>(X, top, dims, w, method, qs, q, P, PP, above, i0, t,
                                                                k2base, inf, dirs, rec(t), lthr);
        if constexpr (kDirs) dirs += B * V::W;
        stripe_step<V, B, S, CK, kOne, kMasked, kDirs, kPrune>(X, top, dims, w, method, qs, q, PP, P, above, i0,
                                                                t + 1, k2base, inf, dirs, rec(t + 1), lthr);
        if constexpr (kDirs) dirs += B * V::W;
        if constexpr (kPrune) {
            if (t + 1 > pe) {  // lane 0 reads only +inf from the row above from here on
                unsigned alive = 0;
                for (int b = 0; b < B; ++b) alive |= V::le_bits(P[b], finite) | V::le_bits(PP[b], finite);
                if (alive == 0) {
                    dead = true;
                    t += 2;
                    break;
                }
            }
        }
    }
    if (!dead && t <= tb) {
        stripe_step<V, B, S, CK, kOne, kMasked, kDirs, kPrune>(X, top, dims, w, method, qs, q, P, PP, above, i0, t,
                                                                k2base, inf, dirs, rec(t), lthr);
        for (int b = 0; b < B; ++b) {
            const R x = P[b];
            P[b] = PP[b];
            PP[b] = x;
        }
    }
    for (int b = 0; b < B; ++b) {
        front.P[b] = P[b];
        front.PP[b] = PP[b];
    }
    front.above = above;
    return dead ? t : tb + 1;
}

/// Writes the directions (and values) recorded for the stripe at row i0, steps [t_begin, t_end],
/// row-major to p.dm (and p.gcm): only the cells inside the matrix and the window.
template <class V, int B>
void stripe_unskew(const StripePlan<typename V::T>& p, index_t i0, index_t t_begin, index_t t_end) {
    using T = typename V::T;
    constexpr int W = V::W;
    const index_t w = p.window;
    for (int b = 0; b < B; ++b) {
        for (int u = 0; u < W; ++u) {
            const index_t k = index_t{u} * B + b, r = i0 + k;
            if (r >= p.rows) continue;
            index_t lo = t_begin - k > 0 ? t_begin - k : 0;
            index_t hi = t_end - k < p.cols - 1 ? t_end - k : p.cols - 1;
            if (w >= 0) {
                lo = r - w > lo ? r - w : lo;
                hi = r + w < hi ? r + w : hi;
            }
            const std::uint8_t* d = p.dirs + ((lo + k - t_begin) * B + b) * W + u;
            std::int8_t* dm = p.dm + r * p.cols;
            if (r == 0) {
                // Row 0 has only the horizontal step (the start none), as first_row writes: the kernel's
                // +inf padding above would win the tie against an overflowed (+inf) left neighbour.
                for (index_t j = lo; j <= hi; ++j) dm[j] = static_cast<std::int8_t>(j == 0 ? 0 : 2);
            } else {
                for (index_t j = lo; j <= hi; ++j, d += B * W) dm[j] = static_cast<std::int8_t>(*d);
                if (lo == 0) dm[0] = 3;  // column 0: only the vertical step, as next_row writes
            }
            if (p.gcm != nullptr) {
                const T* v = p.vals + ((lo + k - t_begin) * B + b) * W + u;
                T* g = p.gcm + r * p.cols;
                for (index_t j = lo; j <= hi; ++j, v += B * W) g[j] = *v;
            }
        }
    }
}

/// Stripe s of H rows: its first row i0 (g0 in the window's coordinates), the last row's offset
/// kstar (in the last stripe), and its steps [t_begin, t_end], from the band's first column of row
/// g0 to the last column of the stripe's last row (the result cell, in the last stripe).
struct StripeSpan {
    index_t i0, g0, kstar, t_begin, t_end;
    bool last;
};
inline StripeSpan stripe_span(index_t s, index_t H, index_t rows, index_t cols, index_t row0, index_t w) {
    StripeSpan sp{};
    sp.i0 = s * H;
    sp.g0 = sp.i0 + row0;
    sp.last = (s + 1) * H >= rows;
    sp.kstar = rows - 1 - sp.i0;
    sp.t_begin = w >= 0 && sp.g0 - w > 0 ? sp.g0 - w : 0;
    sp.t_end = cols - 1 + sp.kstar;
    if (!sp.last) sp.t_end = (w >= 0 && sp.g0 + H - 1 + w < cols - 1 ? sp.g0 + H - 1 + w : cols - 1) + H - 1;
    return sp;
}

/// The columns [lo, hi] of row r (window coordinates) inside the band (w < 0: every column).
inline void band_columns(index_t r, index_t w, index_t cols, index_t& lo, index_t& hi) {
    lo = w >= 0 && r - w > 0 ? r - w : 0;
    hi = w >= 0 && r + w < cols - 1 ? r + w : cols - 1;
}

/// Steps [t_begin, t_end] of the stripe at row g0 as fn(masked, ta, tb) in order, `masked` a
/// std::bool_constant: false where every lane's cell is inside the band (no mask needed).
template <class Fn>
void stripe_segments(index_t g0, index_t H, index_t w, index_t t_begin, index_t t_end, Fn&& fn) {
    if (w < 0) {
        fn(std::false_type{}, t_begin, t_end);
        return;
    }
    const index_t lo = g0 + 2 * (H - 1) - w > t_begin ? g0 + 2 * (H - 1) - w : t_begin;
    const index_t hi = g0 + w < t_end ? g0 + w : t_end;
    if (lo <= hi) {
        fn(std::true_type{}, t_begin, lo - 1);
        fn(std::false_type{}, lo, hi);
        fn(std::true_type{}, hi + 1, t_end);
    } else {
        fn(std::true_type{}, t_begin, t_end);
    }
}

/// One pair with per-row cut-offs (p.row_thr; EAPrunedDTW, stripe by stripe): a cell above its
/// row's cut-off is +inf, exactly as in sweep_pruned (detail/pruned.hpp), so the values of the
/// cells are that sweep's, bit for bit. A stripe starts at the first finite cell of the row above
/// (every cell to its left is +inf) and stops once its front is all +inf past the row above's last
/// finite cell; a row above with no finite cell abandons. Returns G[rows-1, cols-1] or NaN.
template <class V, int B, StepPattern S, CostKind CK>
typename V::T stripe_sweep_pruned(const StripePlan<typename V::T>& p) {
    using T = typename V::T;
    constexpr int W = V::W;
    constexpr index_t H = index_t{W} * B;
    constexpr T tinf = std::numeric_limits<T>::infinity();
    const index_t rows = p.rows, cols = p.cols, w = p.window;
    const typename V::R inf = V::set1(tinf);
    const index_t stripes = (rows + H - 1) / H;
    T* const lthr = p.lane_thr;
    SweepCheck check(p.cancel);
    index_t ps = 0, pe = -1;  // the first and last finite cell of the row above (row -1: the seed at -1)
    for (index_t s = 0; s < stripes; ++s) {
        const StripeSpan sp = stripe_span(s, H, rows, cols, p.row0, w);
        const index_t t_begin = ps > sp.t_begin ? ps : sp.t_begin, t_end = sp.t_end;
        // Sub-row b, lane u: row i0 + u B + b; rows past the matrix keep nothing.
        for (int b = 0; b < B; ++b) {
            for (int u = 0; u < W; ++u) {
                const index_t r = sp.i0 + index_t{u} * B + b;
                lthr[b * W + u] = r < rows ? p.row_thr[r] : -tinf;
            }
        }
        const T* qs = p.Q + s * B * p.dims * W;
        StripeFront<V, B> front;
        for (int b = 0; b < B; ++b) front.P[b] = front.PP[b] = inf;
        front.above = V::shift_in(inf, V::load(p.top + t_begin - 1 - (W - 1)));
        index_t next = t_begin;  // the first step not computed
        stripe_segments(sp.g0, H, w, t_begin, t_end, [&](auto masked, index_t ta, index_t tb) {
            if (next != ta) return;  // an earlier segment stopped
            next = stripe_steps<V, B, S, CK, true, decltype(masked)::value, false, true>(p, qs, sp.g0, ta, tb, t_begin,
                                                                                         front, lthr, pe);
        });
        const bool stopped = next <= t_end;
        if (sp.last) {
            if (stopped) return std::numeric_limits<T>::quiet_NaN();
            alignas(64) T lanes[W];
            V::store(lanes, front.P[sp.kstar % B]);
            return lanes[sp.kstar / B];
        }
        // The stripe's last row, in top: its columns from next - H + 1 on were not reached (they hold
        // an earlier stripe's values): +inf. Then its finite cells bound the next stripe.
        index_t lo = 0, hi = 0;
        band_columns(sp.g0 + H - 1, w, cols, lo, hi);
        if (stopped) {
            for (index_t j = next - H + 1 > lo ? next - H + 1 : lo; j <= hi; ++j) p.top[j] = tinf;
        }
        ps = -1;
        for (index_t j = lo; j <= hi; ++j) {
            if (p.top[j] < tinf) {
                if (ps < 0) ps = j;
                pe = j;
            }
        }
        if (ps < 0) return std::numeric_limits<T>::quiet_NaN();
        check.done(H * (next - t_begin));
    }
    return std::numeric_limits<T>::quiet_NaN();  // not reached: rows >= 1
}

/// Sweeps the whole matrix described by `p` (see StripePlan). One pair (kOne): returns
/// G[rows-1, cols-1], or NaN once a stripe's last row has no cell <= p.thr. Many pairs: writes the
/// W values G[rows-1, cols-1] to p.out. Throws Cancelled between stripes when p.cancel asks to stop.
/// kPruned: one pair with per-row cut-offs (stripe_sweep_pruned).
template <class V, int B, StepPattern S, CostKind CK, bool kOne, bool kDirs = false, bool kPruned = false>
typename V::T stripe_sweep(const StripePlan<typename V::T>& p) {
    using T = typename V::T;
    constexpr int W = V::W;
    constexpr index_t H = kOne ? index_t{W} * B : index_t{B};
    if constexpr (kPruned) {
        static_assert(kOne && !kDirs, "the cut-offs are for one pair's distance");
        return stripe_sweep_pruned<V, B, S, CK>(p);
    }
    const index_t rows = p.rows, cols = p.cols, w = p.window;
    const bool windowed = w >= 0;
    const typename V::R inf = V::set1(std::numeric_limits<T>::infinity());
    const index_t stripes = (rows + H - 1) / H;
    SweepCheck check(p.cancel);
    for (index_t s = 0; s < stripes; ++s) {
        const StripeSpan sp = stripe_span(s, H, rows, cols, p.row0, w);
        const index_t i0 = sp.i0, g0 = sp.g0, kstar = sp.kstar, t_begin = sp.t_begin, t_end = sp.t_end;
        const bool last = sp.last;
        const T* qs = p.Q + s * B * p.dims * W;
        StripeFront<V, B> front;
        for (int b = 0; b < B; ++b) front.P[b] = front.PP[b] = inf;  // before the stripe's first column
        front.above = kOne ? V::shift_in(inf, V::load(p.top + t_begin - 1 - (W - 1))) : V::load(p.top + (t_begin - 1) * W);
        stripe_segments(g0, H, w, t_begin, t_end, [&](auto masked, index_t ta, index_t tb) {
            stripe_steps<V, B, S, CK, kOne, decltype(masked)::value, kDirs>(p, qs, g0, ta, tb, t_begin, front);
        });
        if constexpr (kDirs) stripe_unskew<V, B>(p, i0, t_begin, t_end);
        if (kOne && !kDirs && p.edge != nullptr) {
            // Row K reaches the last column at step cols - 1 + K: tail entry K, sub-row K % B, lane K / B.
            for (index_t k = 0; k < H && i0 + k < rows; ++k) {
                const index_t off = g0 + k - (cols - 1);
                const bool inside = !windowed || (off <= w && -off <= w);
                p.edge[i0 + k] = inside ? p.tail[(k * B + k % B) * W + k / B] : std::numeric_limits<T>::quiet_NaN();
            }
        }

        if (last) {
            alignas(64) T lanes[W];
            if constexpr (kOne) {
                V::store(lanes, front.P[kstar % B]);
                return lanes[kstar / B];
            } else {
                V::store(lanes, front.P[kstar]);
                for (int u = 0; u < W; ++u) p.out[u] = lanes[u];
                return T{0};
            }
        }
        if (kOne && p.thr < std::numeric_limits<T>::infinity()) {
            // The stripe's last row has no cell <= thr: no later cell can have one (costs are >= 0).
            index_t lo = 0, hi = 0;
            band_columns(g0 + H - 1, w, cols, lo, hi);
            bool alive = false;
            for (index_t j = lo; j <= hi; ++j) alive |= p.top[j] <= p.thr;
            if (!alive) return std::numeric_limits<T>::quiet_NaN();
        }
        check.done(H * (t_end - t_begin + 1));
    }
    return std::numeric_limits<T>::quiet_NaN();  // not reached: rows >= 1
}
