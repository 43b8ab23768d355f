// Bindings of cost_matrix.hpp.
#include "common.hpp"

namespace incdtw::py_detail {

void bind_cost_matrix(py::module_& m) {
    using namespace pybind11::literals;
    const auto to_numpy = [](auto&& mat) { return matrix_to_numpy(std::move(mat)); };
    m.def(
        "cost_matrix",
        [to_numpy](const py::array& q, const py::array& c, const std::string& dist_method,
                   std::optional<index_t> ws) {
            const DistMethod method = dist_method_from_string(dist_method);
            const index_t window = window_from(ws);
            return on_series_pair(
                q, c, [&](auto qv, auto cv) { return cost_matrix(qv, cv, method, window); }, to_numpy);
        },
        "Q"_a, "C"_a, py::kw_only(), "dist_method"_a = "norm1", "ws"_a = py::none(),
        "Local cost matrix (see incdtw.cm).");
    m.def(
        "difference_matrix",
        [to_numpy](const py::array& q, const py::array& c, std::optional<index_t> ws) {
            const index_t window = window_from(ws);
            return on_series_pair(
                q, c, [&](auto qv, auto cv) { return difference_matrix(qv, cv, window); }, to_numpy);
        },
        "Q"_a, "C"_a, py::kw_only(), "ws"_a = py::none(), "Difference matrix Q[i] - C[j] (univariate).");
}

}  // namespace incdtw::py_detail
