#pragma once
/// Backtracking a direction matrix into a warping path (IncDTW's BACKTRACK_cpp, 0-based).

#include <algorithm>
#include <stdexcept>
#include <string>

#include "../types.hpp"

namespace incdtw::detail {

/// Path from (0, 0) to (n-1, m-1) read from the first n rows and m columns of `dm` (so a prefix of
/// the columns gives the path of a shortened C). Throws std::invalid_argument when a code is not
/// 1, 2 or 3, or would leave the matrix, so a corrupt `dm` can never read out of bounds.
inline WarpingPath backtrack(MatrixView<std::int8_t> dm, index_t n, index_t m) {
    if (n <= 0 || m <= 0 || n > dm.rows || m > dm.cols) {
        throw std::invalid_argument("dm: cannot backtrack a " + std::to_string(n) + " x " + std::to_string(m) +
                                    " alignment in a " + std::to_string(dm.rows) + " x " +
                                    std::to_string(dm.cols) + " direction matrix");
    }
    WarpingPath p;
    const auto reserve = static_cast<std::size_t>(n + m - 1);
    p.ii.reserve(reserve);
    p.jj.reserve(reserve);
    p.wp.reserve(reserve);
    index_t i = n - 1;
    index_t j = m - 1;
    p.ii.push_back(i);
    p.jj.push_back(j);
    while (i > 0 || j > 0) {
        const std::int8_t code = dm(i, j);
        if (code == 1 && i > 0 && j > 0) {
            --i;
            --j;
        } else if (code == 2 && j > 0) {
            --j;
        } else if (code == 3 && i > 0) {
            --i;
        } else {
            throw std::invalid_argument("dm: invalid direction " + std::to_string(int{code}) + " at (" +
                                        std::to_string(i) + ", " + std::to_string(j) + ")");
        }
        p.wp.push_back(code);
        p.ii.push_back(i);
        p.jj.push_back(j);
    }
    std::reverse(p.ii.begin(), p.ii.end());
    std::reverse(p.jj.begin(), p.jj.end());
    std::reverse(p.wp.begin(), p.wp.end());
    return p;
}

}  // namespace incdtw::detail
