// Bindings of cost_matrix.hpp.
#include "common.hpp"

namespace incdtw::py_detail {

void bind_cost_matrix(py::module_& m) {
    using namespace pybind11::literals;
    m.def(
        "cost_matrix",
        [](const py::array& q, const py::array& c, const std::string& dist_method, std::optional<index_t> ws) {
            const DistMethod method = dist_method_from_string(dist_method);
            const index_t window = window_from(ws);
            return dispatch_float({&q, &c}, [&](auto tag) -> py::object {
                using T = decltype(tag);
                const auto qv = series_view<T>(q, "Q");
                const auto cv = series_view<T>(c, "C");
                Matrix<T> out;
                {
                    py::gil_scoped_release nogil;
                    out = cost_matrix(qv, cv, method, window);
                }
                return matrix_to_numpy(std::move(out));
            });
        },
        "Q"_a, "C"_a, py::kw_only(), "dist_method"_a = "norm1", "ws"_a = py::none(),
        "Local cost matrix (see incdtw.cm).");
    m.def(
        "difference_matrix",
        [](const py::array& q, const py::array& c, std::optional<index_t> ws) {
            const index_t window = window_from(ws);
            return dispatch_float({&q, &c}, [&](auto tag) -> py::object {
                using T = decltype(tag);
                const auto qv = series_view<T>(q, "Q");
                const auto cv = series_view<T>(c, "C");
                Matrix<T> out;
                {
                    py::gil_scoped_release nogil;
                    out = difference_matrix(qv, cv, window);
                }
                return matrix_to_numpy(std::move(out));
            });
        },
        "Q"_a, "C"_a, py::kw_only(), "ws"_a = py::none(), "Difference matrix Q[i] - C[j] (univariate).");
}

}  // namespace incdtw::py_detail
