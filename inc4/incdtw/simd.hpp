#pragma once
/// Runtime choice of the SIMD kernels. The library is compiled for the baseline instruction set
/// (no -march=native); kernels for AVX2 and AVX-512 are compiled alongside, for their target only,
/// and picked at run time from what the CPU supports. Every level gives bit-identical results: the
/// vector kernels evaluate the same operations on the same values, only in another order (see
/// detail/simd/stripe.inl).
///
/// Levels: scalar (the portable kernels; SSE2 code on x86-64), avx2, avx512 (AVX-512F).
/// The environment variable INCDTW_SIMD (scalar, avx2, avx512) read at first use caps the level,
/// e.g. to test a lower path on a machine that has a higher one; set_simd_level does the same at
/// run time. A level above what the CPU supports is capped at what it supports.

#include <atomic>
#include <cstdlib>
#include <stdexcept>
#include <string>
#include <string_view>

#if !defined(INCDTW_NO_SIMD) && (defined(__x86_64__) || defined(__i386__)) && \
    (defined(__GNUC__) || defined(__clang__)) && !defined(__INTEL_COMPILER)
#define INCDTW_X86_SIMD 1
#else
#define INCDTW_X86_SIMD 0
#endif

namespace incdtw {

/// Instruction-set levels of the kernels, lowest first.
enum class SimdLevel : int { scalar = 0, avx2 = 1, avx512 = 2 };

inline const char* to_string(SimdLevel level) noexcept {
    switch (level) {
        case SimdLevel::avx512:
            return "avx512";
        case SimdLevel::avx2:
            return "avx2";
        case SimdLevel::scalar:
        default:
            return "scalar";
    }
}

/// Parses "scalar" (alias "sse2"), "avx2", "avx512"; std::invalid_argument otherwise.
inline SimdLevel simd_level_from_string(std::string_view s) {
    if (s == "avx512") return SimdLevel::avx512;
    if (s == "avx2") return SimdLevel::avx2;
    if (s == "scalar" || s == "sse2") return SimdLevel::scalar;
    throw std::invalid_argument("SIMD level must be 'scalar', 'avx2' or 'avx512', got '" + std::string(s) + "'");
}

namespace detail {

inline SimdLevel detect_simd_level() noexcept {
#if INCDTW_X86_SIMD
    __builtin_cpu_init();
    // libgcc's and compiler-rt's checks include the operating system's support of the registers (XCR0).
    if (__builtin_cpu_supports("avx512f")) return SimdLevel::avx512;
    if (__builtin_cpu_supports("avx2")) return SimdLevel::avx2;
#endif
    return SimdLevel::scalar;
}

inline SimdLevel initial_simd_level(SimdLevel supported) noexcept {
    const char* env = std::getenv("INCDTW_SIMD");
    if (env == nullptr || *env == '\0') return supported;
    try {
        const SimdLevel wanted = simd_level_from_string(env);
        return wanted < supported ? wanted : supported;
    } catch (const std::invalid_argument&) {
        return supported;  // an unknown value is ignored (the Python package warns about it)
    }
}

}  // namespace detail

/// The best level this CPU (and operating system) supports; scalar off x86 or with INCDTW_NO_SIMD.
inline SimdLevel max_simd_level() noexcept {
    static const SimdLevel level = detail::detect_simd_level();
    return level;
}

namespace detail {
inline std::atomic<int>& simd_level_state() noexcept {
    static std::atomic<int> state{static_cast<int>(initial_simd_level(max_simd_level()))};
    return state;
}

/// The calling thread's own level (-1: none, the process-wide one applies); set by SimdScope.
inline int& simd_thread_level() noexcept {
    static thread_local int level = -1;
    return level;
}

inline SimdLevel capped(SimdLevel level) noexcept {
    const SimdLevel cap = max_simd_level();
    return level < cap ? level : cap;
}
}  // namespace detail

/// The level the kernels use now on the calling thread: its SimdScope's, else the process-wide one.
inline SimdLevel simd_level() noexcept {
    const int own = detail::simd_thread_level();
    if (own >= 0) return static_cast<SimdLevel>(own);
    return static_cast<SimdLevel>(detail::simd_level_state().load(std::memory_order_relaxed));
}

/// Uses `level` from now on (process-wide), capped at max_simd_level(); returns the level in effect.
/// A thread inside a SimdScope keeps its scope's level. Results do not depend on the level; this
/// exists to test and to measure each path.
inline SimdLevel set_simd_level(SimdLevel level) noexcept {
    const SimdLevel eff = detail::capped(level);
    detail::simd_level_state().store(static_cast<int>(eff), std::memory_order_relaxed);
    return eff;
}

/// Uses `level` (capped) on the calling thread, and on the threads of the parallel loops it starts,
/// while the scope lives; other threads keep theirs. Scopes nest.
class SimdScope {
  public:
    explicit SimdScope(SimdLevel level) noexcept : previous_(detail::simd_thread_level()) {
        detail::simd_thread_level() = static_cast<int>(detail::capped(level));
    }
    ~SimdScope() { detail::simd_thread_level() = previous_; }
    SimdScope(const SimdScope&) = delete;
    SimdScope& operator=(const SimdScope&) = delete;

  private:
    int previous_;
};

}  // namespace incdtw
