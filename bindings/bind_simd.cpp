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
}

}  // namespace incdtw::py_detail
