#pragma once
/// Memory helpers for large results.

#include <cstddef>
#include <cstdint>

#if defined(__linux__)
#include <sys/mman.h>
#endif

namespace incdtw::detail {

/// Asks the kernel to back [p, p + bytes) with transparent huge pages (Linux; a no-op elsewhere and
/// for blocks under 4 MiB). Filling a large fresh gcm is dominated by page faults otherwise: with
/// 2 MiB pages there are 512 times fewer (numpy does the same for its large arrays).
inline void advise_huge_pages(void* p, std::size_t bytes) noexcept {
#if defined(__linux__) && defined(MADV_HUGEPAGE)
    constexpr std::size_t kHuge = std::size_t{1} << 21;
    if (p == nullptr || bytes < 2 * kHuge) return;
    const auto begin = (reinterpret_cast<std::uintptr_t>(p) + kHuge - 1) & ~(kHuge - 1);
    const auto end = (reinterpret_cast<std::uintptr_t>(p) + bytes) & ~(kHuge - 1);
    if (end > begin) madvise(reinterpret_cast<void*>(begin), end - begin, MADV_HUGEPAGE);  // advice only
#else
    (void)p;
    (void)bytes;
#endif
}

/// Reserves `count` elements in `v` (untouched) and advises huge pages for them.
template <class Vector>
void reserve_large(Vector& v, std::size_t count) {
    v.reserve(count);
    advise_huge_pages(v.data(), count * sizeof(typename Vector::value_type));
}

}  // namespace incdtw::detail

namespace incdtw::detail {

/// v = count copies of `value`, in huge pages where the kernel has them (see reserve_large).
template <class Vector>
void assign_large(Vector& v, std::size_t count, typename Vector::value_type value) {
    Vector fresh;
    reserve_large(fresh, count);
    fresh.assign(count, value);
    v.swap(fresh);
}

}  // namespace incdtw::detail
