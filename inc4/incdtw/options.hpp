#pragma once
/// Options shared by all DTW algorithms, their parsing from IncDTW's names, and their checks.

#include <cmath>
#include <cstdint>
#include <limits>
#include <stdexcept>
#include <string>
#include <string_view>

#include "types.hpp"

namespace incdtw {

/// Step pattern of the recurrence (IncDTW's names).
///  symmetric1: G[i,j] = c + min(G[i-1,j-1], G[i-1,j], G[i,j-1])
///  symmetric2: G[i,j] = c + min(G[i-1,j-1] + c, G[i-1,j], G[i,j-1])
/// Both start with G[0,0] = c[0,0] and plain cumulative sums along the first row and column.
enum class StepPattern : std::uint8_t { symmetric1, symmetric2 };

/// Local cost between observations q and c of `d` components.
///  norm1: sum |q_l - c_l|;  norm2: sqrt(sum (q_l - c_l)^2);  norm2_square: sum (q_l - c_l)^2.
/// For univariate series norm1 and norm2 are both |q - c|.
enum class DistMethod : std::uint8_t { norm1, norm2, norm2_square };

/// What a precomputed matrix holds (IncDTW's `C = "cm"` and `C = "diffM"` modes).
enum class MatrixKind : std::uint8_t {
    cost,        ///< local costs, used as they are (must be >= 0 inside the window)
    difference,  ///< differences Q[i] - C[j]; the cost is |d| (norm1, norm2) or d^2 (norm2_square)
};

/// One options struct for every algorithm; each reads the members it needs.
struct DtwOptions {
    StepPattern step_pattern = StepPattern::symmetric2;
    DistMethod dist_method = DistMethod::norm1;
    index_t window = -1;  ///< Sakoe-Chiba radius: cell (i, j) is admissible iff |i - j| <= window; -1 = none
    double threshold = std::numeric_limits<double>::infinity();  ///< early abandoning (distance only)
    bool return_gcm = true;        ///< dtw(): keep the n x m global cost matrix
    bool return_direction = true;  ///< dtw(): keep the n x m direction matrix (1 byte per cell)
    bool return_path = false;      ///< dtw(): backtrack the warping path (needs the direction matrix)
};

/// Throws std::invalid_argument naming the bad member.
inline void validate(const DtwOptions& opt) {
    if (opt.window < -1) throw std::invalid_argument("incdtw: window must be >= 0 (or -1 for none)");
    if (std::isnan(opt.threshold)) throw std::invalid_argument("incdtw: threshold must not be NaN");
    if (opt.threshold < 0) throw std::invalid_argument("incdtw: threshold must be >= 0");
}

/// True when a warping path from (0,0) to (n-1,m-1) exists inside the window.
inline bool window_feasible(index_t n, index_t m, index_t window) noexcept {
    if (window < 0) return true;
    const index_t diff = n > m ? n - m : m - n;
    return diff <= window;
}

/// IncDTW's check: |n - m| > window means no warping path (std::invalid_argument).
inline void check_window(index_t n, index_t m, index_t window) {
    if (!window_feasible(n, m, window)) {
        throw std::invalid_argument("window size is too small, no warping path can be found: |" +
                                    std::to_string(n) + " - " + std::to_string(m) + "| > ws = " +
                                    std::to_string(window));
    }
}

/// normalized_distance: distance / (n + m) for symmetric2, NaN for symmetric1 (IncDTW's NA). n + m
/// is summed in double: exact below 2^53 (the same bits as the integer sum), no overflow beyond.
template <class T>
T normalize_distance(T distance, index_t n, index_t m, StepPattern step) noexcept {
    if (step == StepPattern::symmetric2) {
        return distance / static_cast<T>(static_cast<double>(n) + static_cast<double>(m));
    }
    return std::numeric_limits<T>::quiet_NaN();
}

/// Parse IncDTW's names ("symmetric1", "symmetric2"); std::invalid_argument otherwise.
inline StepPattern step_pattern_from_string(std::string_view s) {
    if (s == "symmetric2") return StepPattern::symmetric2;
    if (s == "symmetric1") return StepPattern::symmetric1;
    throw std::invalid_argument("step_pattern must be 'symmetric1' or 'symmetric2', got '" +
                                std::string(s) + "'");
}

/// Parse IncDTW's names ("norm1", "norm2", "norm2_square"); std::invalid_argument otherwise.
inline DistMethod dist_method_from_string(std::string_view s) {
    if (s == "norm1") return DistMethod::norm1;
    if (s == "norm2") return DistMethod::norm2;
    if (s == "norm2_square") return DistMethod::norm2_square;
    throw std::invalid_argument("dist_method must be 'norm1', 'norm2' or 'norm2_square', got '" +
                                std::string(s) + "'");
}

}  // namespace incdtw
