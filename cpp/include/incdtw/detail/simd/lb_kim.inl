// LB_Kim's hierarchy (detail/search/lb_kim.hpp) of W consecutive windows of one univariate series,
// one window per lane, for the subsequence search. No include guard: kernels.hpp includes this file
// once per instruction set, inside that set's namespace and target region, after the vector types.
//
// Lane u computes the bound of window j + u with the scalar hierarchy's operations in its order:
// the window's value scaled as (x - off) * inv, |q - y| (squared for the squared cost; the product
// goes through V::mul's barrier), exact minima, the sums in the same order. The scalar hierarchy
// returns early once a partial sum exceeds the limit; partial sums of terms >= 0 only grow, so
// "the whole sum exceeds the limit" is the same decision, lane for lane.

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

/// Bit u set where window j + u's bound exceeds `limit` (bound > limit; n >= 6). x: observation j of
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
