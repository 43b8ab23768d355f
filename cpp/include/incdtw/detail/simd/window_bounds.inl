// The subsequence search's first two lower bounds (detail/search/cascade.hpp) for W consecutive
// windows of one univariate series, one window per lane: a position of the windows is one
// contiguous load. No include guard: kernels.hpp includes this file once per instruction set,
// inside that set's namespace and target region, after the vector types.
//
// Lane u computes the bound of window j + u with the scalar code's operations in its order: the
// window's value scaled as (x - off) * inv, the terms, exact minima and maxima, the sums in the
// same order (products go through V::mul's barrier), so each lane's decision is the scalar one.

/// |q - y| (squared for the squared cost), lane by lane.
template <class V, bool Square>
inline typename V::R kim_cost(typename V::T q, typename V::R y) {
    const typename V::R d = V::abs(V::sub(V::set1(q), y));
    if constexpr (Square) return V::mul(d, d);
    return d;
}

/// min(min(a, b), c) as the scalar a < b ? a : b (V::min's semantics).
template <class V>
inline typename V::R kim_min3(typename V::R a, typename V::R b, typename V::R c) {
    return V::min(V::min(a, b), c);
}

/// LB_Kim's hierarchy (detail/search/lb_kim.hpp): bit u set where window j + u's bound exceeds
/// `limit` (bound > limit; n >= 6). The scalar hierarchy returns early once a partial sum exceeds
/// the limit; partial sums of terms >= 0 only grow, so the whole sum decides alike. x: observation j of
/// the series; off, inv: the W windows' offsets and reciprocal divisors (Scaled); q: the scaled
/// query. (No lambdas: a lambda returning a vector is compiled outside the target region.)
template <class V, bool Square, bool Scaled>
unsigned kim_skips(const typename V::T* x, const typename V::T* off, const typename V::T* inv,
                   const typename V::T* q, index_t n, typename V::T limit) {
    using R = typename V::R;
    const index_t e = n - 1;
    R y[3], z[3];  // the windows' positions 0, 1, 2 and e, e - 1, e - 2, scaled
    for (int t = 0; t < 3; ++t) {
        y[t] = V::load(x + t);
        z[t] = V::load(x + e - t);
    }
    if constexpr (Scaled) {
        const R o = V::load(off), iv = V::load(inv);
        for (int t = 0; t < 3; ++t) {
            y[t] = V::mul(V::sub(y[t], o), iv);
            z[t] = V::mul(V::sub(z[t], o), iv);
        }
    }
    R lb = V::add(kim_cost<V, Square>(q[0], y[0]), kim_cost<V, Square>(q[e], z[0]));
    lb = V::add(lb, kim_min3<V>(kim_cost<V, Square>(q[0], y[1]), kim_cost<V, Square>(q[1], y[0]),
                                kim_cost<V, Square>(q[1], y[1])));
    lb = V::add(lb, kim_min3<V>(kim_cost<V, Square>(q[e - 1], z[0]), kim_cost<V, Square>(q[e], z[1]),
                                kim_cost<V, Square>(q[e - 1], z[1])));
    lb = V::add(lb, kim_min3<V>(kim_min3<V>(kim_cost<V, Square>(q[0], y[2]), kim_cost<V, Square>(q[1], y[2]),
                                            kim_cost<V, Square>(q[2], y[2])),
                                kim_cost<V, Square>(q[2], y[1]), kim_cost<V, Square>(q[2], y[0])));
    lb = V::add(lb, kim_min3<V>(kim_min3<V>(kim_cost<V, Square>(q[e - 2], z[0]), kim_cost<V, Square>(q[e - 2], z[1]),
                                            kim_cost<V, Square>(q[e - 2], z[2])),
                                kim_cost<V, Square>(q[e - 1], z[2]), kim_cost<V, Square>(q[e], z[2])));
    return V::lt_bits(V::set1(limit), lb);
}

/// Term k of keogh_q_skips: position order[k] of the windows against the envelope, as the scalar
/// positive(gt_max(y - hi, lo - y)), squared for the squared cost.
template <class V, bool Square, bool Scaled>
inline typename V::R keogh_term(const typename V::T* x, typename V::R o, typename V::R iv, const index_t* order,
                                const typename V::T* olo, const typename V::T* ohi, index_t k, typename V::R half) {
    typename V::R y = V::load(x + order[k]);
    if constexpr (Scaled) y = V::mul(V::sub(y, o), iv);
    const typename V::R g = V::max(V::sub(y, V::set1(ohi[k])), V::sub(V::set1(olo[k]), y));
    const typename V::R e = V::mul(V::add(g, V::abs(g)), half);
    if constexpr (Square) return V::mul(e, e);
    return e;
}

/// LB_Keogh of the windows against the query's envelope, summed as WindowTests::early_sum (four
/// partial sums over the query positions in `order`, checked after every four terms): bit u set
/// where lane u's sum exceeds `limit` at a check or at the end, for the lanes of `alive`; stops
/// once every lane of `alive` is decided. olo, ohi: the envelope in that order; x: observation j.
template <class V, bool Square, bool Scaled>
unsigned keogh_q_skips(const typename V::T* x, const typename V::T* off, const typename V::T* inv,
                       const index_t* order, const typename V::T* olo, const typename V::T* ohi, index_t n,
                       typename V::T limit, unsigned alive) {
    using R = typename V::R;
    R o = V::set1(0), iv = V::set1(1);
    if constexpr (Scaled) {
        o = V::load(off);
        iv = V::load(inv);
    }
    const R lim = V::set1(limit), half = V::set1(typename V::T(0.5));
    R s[4] = {V::set1(0), V::set1(0), V::set1(0), V::set1(0)};
    unsigned out = 0;
    index_t k = 0;
    for (; k + 4 <= n; k += 4) {
        for (int m = 0; m < 4; ++m) s[m] = V::add(s[m], keogh_term<V, Square, Scaled>(x, o, iv, order, olo, ohi, k + m, half));
        out |= V::lt_bits(lim, V::add(V::add(s[0], s[1]), V::add(s[2], s[3])));
        if ((alive & ~out) == 0) return out & alive;
    }
    for (; k < n; ++k) s[0] = V::add(s[0], keogh_term<V, Square, Scaled>(x, o, iv, order, olo, ohi, k, half));
    out |= V::lt_bits(lim, V::add(V::add(s[0], s[1]), V::add(s[2], s[3])));
    return out & alive;
}
