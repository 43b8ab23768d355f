// Bindings of dtw_vector.hpp.
#include "common.hpp"

#include <limits>

namespace incdtw::py_detail {

namespace {

DtwOptions vector_options(const std::string& dist_method, const std::string& step_pattern,
                          std::optional<index_t> ws, std::optional<double> threshold) {
    DtwOptions opt = options_from(dist_method, step_pattern, ws);
    opt.threshold = threshold ? *threshold : std::numeric_limits<double>::infinity();
    validate(opt);
    return opt;
}

template <class T>
py::tuple to_python(const DistanceResult<T>& r) {
    return py::make_tuple(static_cast<double>(r.distance), static_cast<double>(r.normalized_distance));
}

}  // namespace

void bind_dtw_vector(py::module_& m) {
    using namespace pybind11::literals;
    m.def(
        "dtw2vec",
        [](const py::array& q, const py::array& c, const std::string& dist_method, const std::string& step_pattern,
           std::optional<index_t> ws, std::optional<double> threshold) {
            const DtwOptions opt = vector_options(dist_method, step_pattern, ws, threshold);
            return dispatch_float({&q, &c}, [&](auto tag) {
                using T = decltype(tag);
                const auto qv = series_view<T>(q, "Q");
                const auto cv = series_view<T>(c, "C");
                DistanceResult<T> r;
                {
                    py::gil_scoped_release nogil;
                    r = dtw_distance(qv, cv, opt);
                }
                return to_python(r);
            });
        },
        "Q"_a, "C"_a, py::kw_only(), "dist_method"_a = "norm1", "step_pattern"_a = "symmetric2",
        "ws"_a = py::none(), "threshold"_a = py::none(),
        "DTW distance with O(min(n, m)) memory -> (distance, normalized_distance).");
    m.def(
        "dtw2vec_matrix",
        [](const py::array& mat, const std::string& kind, const std::string& dist_method,
           const std::string& step_pattern, std::optional<index_t> ws, std::optional<double> threshold) {
            const MatrixKind mk = matrix_kind_from(kind);
            const DtwOptions opt = vector_options(dist_method, step_pattern, ws, threshold);
            return dispatch_float({&mat}, [&](auto tag) {
                using T = decltype(tag);
                const auto mv = matrix_view<T>(mat, "Q");
                DistanceResult<T> r;
                {
                    py::gil_scoped_release nogil;
                    r = dtw_distance(mv, mk, opt);
                }
                return to_python(r);
            });
        },
        "M"_a, "kind"_a, py::kw_only(), "dist_method"_a = "norm1", "step_pattern"_a = "symmetric2",
        "ws"_a = py::none(), "threshold"_a = py::none(),
        "DTW distance from a cost ('cm') or difference ('diffM') matrix.");
}

}  // namespace incdtw::py_detail
