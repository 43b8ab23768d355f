#pragma once
/// Value types shared by every incdtw algorithm: index type, non-owning views, owning matrices,
/// the direction codes of the direction matrix and the warping path.

#include <cstddef>
#include <cstdint>
#include <limits>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "detail/memory.hpp"

namespace incdtw {

/// Signed index type (OpenMP loops need signed indices; see dtaidistance).
using index_t = std::ptrdiff_t;

/// Non-owning view of a series stored row-major with shape (length, dims): observation `t` is
/// `data[t * dims]` .. `data[t * dims + dims - 1]`. A univariate series has dims == 1.
template <class T>
struct SeriesView {
    static_assert(std::is_floating_point_v<T>, "incdtw: T must be a floating-point type");
    const T* data = nullptr;
    index_t length = 0;
    index_t dims = 1;

    const T* operator[](index_t t) const noexcept { return data + t * dims; }
};

/// Convenience: a univariate view of a std::vector (the vector must outlive the view).
template <class T>
SeriesView<T> view(const std::vector<T>& v) noexcept {
    return SeriesView<T>{v.data(), static_cast<index_t>(v.size()), 1};
}

/// Non-owning view of a row-major matrix with shape (rows, cols).
template <class T>
struct MatrixView {
    const T* data = nullptr;
    index_t rows = 0;
    index_t cols = 0;

    T operator()(index_t i, index_t j) const noexcept { return data[i * cols + j]; }
};

/// Owning row-major matrix. Results own their storage so that bindings can hand it to numpy
/// without a copy.
template <class T>
struct Matrix {
    index_t rows = 0;
    index_t cols = 0;
    std::vector<T> data;

    Matrix() = default;
    /// Throws std::length_error when r * c elements cannot be addressed (before allocating).
    Matrix(index_t r, index_t c, T fill) : rows(r), cols(c) {
        const std::size_t size = checked_size(r, c);
        detail::reserve_large(data, size);
        data.assign(size, fill);
    }

    /// Takes `values` (r * c elements, row-major) as the matrix's storage.
    Matrix(index_t r, index_t c, std::vector<T>&& values) : rows(r), cols(c), data(std::move(values)) {
        if (data.size() != checked_size(r, c)) throw std::length_error("incdtw::Matrix: size does not match r * c");
    }

    bool empty() const noexcept { return data.empty(); }
    T* row(index_t i) noexcept { return data.data() + i * cols; }
    const T* row(index_t i) const noexcept { return data.data() + i * cols; }
    T& operator()(index_t i, index_t j) noexcept { return data[static_cast<std::size_t>(i * cols + j)]; }
    const T& operator()(index_t i, index_t j) const noexcept {
        return data[static_cast<std::size_t>(i * cols + j)];
    }
    MatrixView<T> view() const noexcept { return MatrixView<T>{data.data(), rows, cols}; }

  private:
    static std::size_t checked_size(index_t r, index_t c) {
        if (r < 0 || c < 0) throw std::length_error("incdtw::Matrix: negative size");
        const auto ur = static_cast<std::size_t>(r), uc = static_cast<std::size_t>(c);
        if (uc != 0 && ur > std::numeric_limits<std::size_t>::max() / sizeof(T) / uc) {
            throw std::length_error("incdtw::Matrix: " + std::to_string(r) + " x " + std::to_string(c) +
                                    " elements cannot be allocated");
        }
        return ur * uc;
    }
};

/// Codes of the direction matrix `dm` (IncDTW's encoding; 0 where IncDTW has NA).
enum class Direction : std::int8_t {
    none = 0,        ///< start cell (0, 0) and cells outside the window
    diagonal = 1,    ///< came from (i-1, j-1)
    horizontal = 2,  ///< came from (i, j-1): C advanced
    vertical = 3,    ///< came from (i-1, j): Q advanced
};

/// Warping path from (0, 0) to (n-1, m-1). `wp[k]` is the direction code of the step from
/// (ii[k], jj[k]) to (ii[k+1], jj[k+1]), so wp has one element less than ii and jj.
struct WarpingPath {
    std::vector<index_t> ii;
    std::vector<index_t> jj;
    std::vector<std::int8_t> wp;
};

}  // namespace incdtw
