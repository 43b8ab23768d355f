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

/// (distance, normalized_distance)
template <class T>
py::object to_python(const DistanceResult<T>& r) {
    return py::make_tuple(static_cast<double>(r.distance), static_cast<double>(r.normalized_distance));
}

}  // namespace

void bind_dtw_vector(py::module_& m) {
    using namespace pybind11::literals;
    const auto convert = [](const auto& r) { return to_python(r); };
    m.def(
        "dtw2vec",
        [convert](const py::array& q, const py::array& c, const std::string& dist_method,
                  const std::string& step_pattern, std::optional<index_t> ws, std::optional<double> threshold) {
            const DtwOptions opt = vector_options(dist_method, step_pattern, ws, threshold);
            return on_series_pair(q, c, [&](auto qv, auto cv) { return dtw_distance(qv, cv, opt); }, convert);
        },
        "Q"_a, "C"_a, py::kw_only(), "dist_method"_a = "norm1", "step_pattern"_a = "symmetric2",
        "ws"_a = py::none(), "threshold"_a = py::none(),
        "DTW distance with O(min(n, m)) memory -> (distance, normalized_distance).");
    m.def(
        "dtw2vec_matrix",
        [convert](const py::array& mat, const std::string& kind, const std::string& dist_method,
                  const std::string& step_pattern, std::optional<index_t> ws, std::optional<double> threshold) {
            const MatrixKind mk = matrix_kind_from(kind);
            const DtwOptions opt = vector_options(dist_method, step_pattern, ws, threshold);
            return on_matrix(mat, [&](auto mv) { return dtw_distance(mv, mk, opt); }, convert);
        },
        "M"_a, "kind"_a, py::kw_only(), "dist_method"_a = "norm1", "step_pattern"_a = "symmetric2",
        "ws"_a = py::none(), "threshold"_a = py::none(), "DTW distance from a cost ('cm') or difference ('diffM') matrix.");
}

}  // namespace incdtw::py_detail
