#pragma once
/// Local cost sources for the recurrences. Every source offers `row(i)`, a light object whose
/// `operator()(j)` returns cost(i, j), so that kernels hoist the row's data out of the inner loop.
/// Costs are symmetric in their arguments (|a - b| == |b - a| and (a - b)^2 == (b - a)^2 exactly),
/// so a sweep over the transposed problem (swapping the series) yields bit-identical values.

#include <cmath>

#include "../options.hpp"
#include "../types.hpp"

namespace incdtw::detail {

/// x unchanged, opaque to the optimiser: a product passed through it is never contracted with a
/// following addition into a fused multiply-add (which rounds once and changes the bits), whatever
/// the build flags (-mfma, -march=native). The SIMD kernels do the same, so every level agrees.
template <class T>
inline T no_contract(T x) noexcept {
#if defined(__GNUC__) && (defined(__x86_64__) || defined(__i386__))
    __asm__("" : "+x"(x));
#elif defined(__GNUC__) && defined(__aarch64__)
    __asm__("" : "+w"(x));
#endif
    return x;
}

template <class T>
struct AbsOf {
    static T apply(T d) noexcept { return std::abs(d); }
};
template <class T>
struct SquareOf {
    static T apply(T d) noexcept { return no_contract(d * d); }
};
template <class T>
struct Identity {
    static T apply(T d) noexcept { return d; }
};

/// Univariate series: cost(i, j) = F(q[i] - c[j]).
template <class T, class F>
struct UnivariateCost {
    const T* q;
    const T* c;

    struct Row {
        T qi;
        const T* c;
        T operator()(index_t j) const noexcept { return F::apply(qi - c[j]); }
    };
    Row row(index_t i) const noexcept { return Row{q[i], c}; }
    T operator()(index_t i, index_t j) const noexcept { return F::apply(q[i] - c[j]); }
};

/// Multivariate series (row-major, `dims` components per observation).
template <class T, DistMethod M>
struct MultivariateCost {
    const T* q;
    const T* c;
    index_t dims;

    static T point(const T* a, const T* b, index_t dims) noexcept {
        T s = 0;
        for (index_t l = 0; l < dims; ++l) {
            const T x = a[l] - b[l];
            if constexpr (M == DistMethod::norm1) {
                s += std::abs(x);
            } else {
                s += no_contract(x * x);
            }
        }
        if constexpr (M == DistMethod::norm2) return std::sqrt(s);
        return s;
    }

    struct Row {
        const T* qi;
        const T* c;
        index_t dims;
        T operator()(index_t j) const noexcept { return point(qi, c + j * dims, dims); }
    };
    Row row(index_t i) const noexcept { return Row{q + i * dims, c, dims}; }
    T operator()(index_t i, index_t j) const noexcept { return point(q + i * dims, c + j * dims, dims); }
};

/// A precomputed row-major matrix, each entry mapped through F (identity for a cost matrix,
/// |.| or square for a difference matrix).
template <class T, class F>
struct MatrixCost {
    const T* m;
    index_t ld;

    struct Row {
        const T* r;
        T operator()(index_t j) const noexcept { return F::apply(r[j]); }
    };
    Row row(index_t i) const noexcept { return Row{m + i * ld}; }
    T operator()(index_t i, index_t j) const noexcept { return F::apply(m[i * ld + j]); }
};

/// The transposed view of a precomputed row-major matrix: row(r)(j) is F(m[j, r]) (a column).
template <class T, class F>
struct TransposedMatrixCost {
    const T* m;
    index_t ld;

    struct Row {
        const T* col;
        index_t ld;
        T operator()(index_t j) const noexcept { return F::apply(col[j * ld]); }
    };
    Row row(index_t r) const noexcept { return Row{m + r, ld}; }
};

/// Calls fn(cost) with the cost source for two series of `dims` components. One dimension uses
/// |q - c| for norm1 and norm2 and (q - c)^2 for norm2_square, so (n,) and (n, 1) input agree.
template <class T, class Fn>
decltype(auto) visit_series_cost(const T* q, const T* c, index_t dims, DistMethod method, Fn&& fn) {
    if (dims == 1) {
        if (method == DistMethod::norm2_square) return fn(UnivariateCost<T, SquareOf<T>>{q, c});
        return fn(UnivariateCost<T, AbsOf<T>>{q, c});
    }
    switch (method) {
        case DistMethod::norm2:
            return fn(MultivariateCost<T, DistMethod::norm2>{q, c, dims});
        case DistMethod::norm2_square:
            return fn(MultivariateCost<T, DistMethod::norm2_square>{q, c, dims});
        case DistMethod::norm1:
        default:
            return fn(MultivariateCost<T, DistMethod::norm1>{q, c, dims});
    }
}

/// Calls fn(cost) with the cost source for a precomputed matrix of the given kind.
template <class T, class Fn>
decltype(auto) visit_matrix_cost(MatrixView<T> mat, MatrixKind kind, DistMethod method, Fn&& fn) {
    if (kind == MatrixKind::cost) return fn(MatrixCost<T, Identity<T>>{mat.data, mat.cols});
    if (method == DistMethod::norm2_square) return fn(MatrixCost<T, SquareOf<T>>{mat.data, mat.cols});
    return fn(MatrixCost<T, AbsOf<T>>{mat.data, mat.cols});
}

/// The same for the transposed matrix (its columns as rows).
template <class T, class Fn>
decltype(auto) visit_matrix_cost_transposed(MatrixView<T> mat, MatrixKind kind, DistMethod method, Fn&& fn) {
    if (kind == MatrixKind::cost) return fn(TransposedMatrixCost<T, Identity<T>>{mat.data, mat.cols});
    if (method == DistMethod::norm2_square) return fn(TransposedMatrixCost<T, SquareOf<T>>{mat.data, mat.cols});
    return fn(TransposedMatrixCost<T, AbsOf<T>>{mat.data, mat.cols});
}

}  // namespace incdtw::detail
