#pragma once
/// The SIMD levels a test runs its cases at, and a guard that restores the level on scope exit.

#include <vector>

#include "incdtw/simd.hpp"

namespace incdtw_test {

/// Every SIMD level this CPU runs, scalar first.
inline std::vector<incdtw::SimdLevel> all_levels() {
    std::vector<incdtw::SimdLevel> out;
    for (auto l : {incdtw::SimdLevel::scalar, incdtw::SimdLevel::avx2, incdtw::SimdLevel::avx512}) {
        if (l <= incdtw::max_simd_level()) out.push_back(l);
    }
    return out;
}

/// The levels above scalar that this CPU runs.
inline std::vector<incdtw::SimdLevel> vector_levels() {
    std::vector<incdtw::SimdLevel> out = all_levels();
    out.erase(out.begin());
    return out;
}

/// Restores the level on scope exit.
struct LevelGuard {
    incdtw::SimdLevel saved = incdtw::simd_level();
    ~LevelGuard() { incdtw::set_simd_level(saved); }
};

}  // namespace incdtw_test
