// Bindings of dtw.hpp.
#include "common.hpp"

namespace incdtw::py_detail {

void bind_dtw(py::module_& m) {
    using namespace pybind11::literals;
    m.def(
        "dtw",
        [](const py::array& q, const py::array& c, const std::string& dist_method, const std::string& step_pattern,
           std::optional<index_t> ws, bool return_gcm, bool return_dm, bool return_path) {
            const DtwOptions opt = matrix_options(dist_method, step_pattern, ws, return_gcm, return_dm, return_path);
            return on_series_pair(
                q, c, [&](auto qv, auto cv) { return dtw(qv, cv, opt); },
                [&](auto&& r) { return dtw_result_to_python(std::move(r), return_path); });
        },
        "Q"_a, "C"_a, py::kw_only(), "dist_method"_a = "norm1", "step_pattern"_a = "symmetric2",
        "ws"_a = py::none(), "return_gcm"_a = true, "return_dm"_a = true, "return_path"_a = false,
        "Full DTW of two series -> (distance, normalized_distance, gcm, dm, ii, jj, wp).");
    m.def(
        "dtw_matrix",
        [](const py::array& mat, const std::string& kind, const std::string& dist_method,
           const std::string& step_pattern, std::optional<index_t> ws, bool return_gcm, bool return_dm,
           bool return_path) {
            const MatrixKind mk = matrix_kind_from(kind);
            const DtwOptions opt = matrix_options(dist_method, step_pattern, ws, return_gcm, return_dm, return_path);
            return on_matrix(
                mat, [&](auto mv) { return dtw(mv, mk, opt); },
                [&](auto&& r) { return dtw_result_to_python(std::move(r), return_path); });
        },
        "M"_a, "kind"_a, py::kw_only(), "dist_method"_a = "norm1", "step_pattern"_a = "symmetric2",
        "ws"_a = py::none(), "return_gcm"_a = true, "return_dm"_a = true, "return_path"_a = false,
        "Full DTW from a cost ('cm') or difference ('diffM') matrix.");
}

}  // namespace incdtw::py_detail
