// Bindings of simd.hpp: the runtime choice of the kernels' instruction set.
#include "common.hpp"

namespace incdtw::py_detail {

void bind_simd(py::module_& m) {
    using namespace pybind11::literals;
    m.def("simd_level", [] { return std::string(to_string(simd_level())); }, "The level the kernels use now.");
    m.def("max_simd_level", [] { return std::string(to_string(max_simd_level())); },
          "The best level this CPU supports.");
    m.def(
        "set_simd_level",
        [](const std::string& level) {
            try {
                return std::string(to_string(set_simd_level(simd_level_from_string(level))));
            } catch (const std::invalid_argument& e) {
                throw py::value_error(std::string("level: ") + e.what());
            }
        },
        "level"_a, "Uses `level` (capped at max_simd_level()); returns the level in effect.");
    // The calling thread's own level (SimdScope's state, which Python's context manager cannot hold
    // as an object across calls); None clears it. Returns the previous own level or None.
    m.def(
        "set_thread_simd_level",
        [](const std::optional<std::string>& level) -> std::optional<std::string> {
            int& own = detail::simd_thread_level();
            const int previous = own;
            try {
                own = level ? static_cast<int>(detail::capped(simd_level_from_string(*level))) : -1;
            } catch (const std::invalid_argument& e) {
                throw py::value_error(std::string("level: ") + e.what());
            }
            if (previous < 0) return std::nullopt;
            return std::string(to_string(static_cast<SimdLevel>(previous)));
        },
        "level"_a, "Uses `level` on the calling thread only (None: the process-wide level); returns the previous one.");
}

}  // namespace incdtw::py_detail
