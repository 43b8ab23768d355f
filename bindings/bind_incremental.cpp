// Bindings of incremental.hpp and partial.hpp.
#include "common.hpp"

namespace incdtw::py_detail {

namespace {

/// (gcm_lr_new, gcm_lc_new, distance, normalized_distance)
template <class T>
py::object incremental_to_python(IncrementalResult<T>&& r) {
    const auto n = static_cast<py::ssize_t>(r.last_column.size());
    const auto m = static_cast<py::ssize_t>(r.last_row.size());
    return py::make_tuple(vector_to_numpy(std::move(r.last_row), {m}), vector_to_numpy(std::move(r.last_column), {n}),
                          static_cast<double>(r.distance), static_cast<double>(r.normalized_distance));
}

/// The previous state of idtw2vec from optional arrays (views valid while the arrays live).
template <class T>
VectorState<T> state_from(const py::array& gcm_lc, const std::optional<py::array>& gcm_lr, std::optional<index_t> nc) {
    VectorState<T> s;
    std::tie(s.last_column, s.rows) = vector_view<T>(gcm_lc, "gcm_lc");
    if (gcm_lr) std::tie(s.last_row, s.last_row_length) = vector_view<T>(*gcm_lr, "gcm_lr");
    s.columns = nc ? *nc : -1;
    return s;
}

}  // namespace

void bind_incremental(py::module_& m) {
    using namespace pybind11::literals;
    m.def(
        "idtw",
        [](const py::array& q, const py::array& new_obs, const py::array& gcm, const py::array& dm,
           const std::string& dist_method, const std::string& step_pattern, std::optional<index_t> ws,
           bool return_gcm, bool return_dm, bool return_path) {
            const DtwOptions opt = matrix_options(dist_method, step_pattern, ws, return_gcm, return_dm, return_path);
            const MatrixView<std::int8_t> dv = direction_view(dm, "dm");
            return dispatch_float({&q, &new_obs, &gcm}, [&](auto tag) -> py::object {
                using T = decltype(tag);
                const SeriesView<T> qv = series_view<T>(q, "Q");
                const SeriesView<T> ov = series_view<T>(new_obs, "newObs");
                const MatrixView<T> gv = matrix_view<T>(gcm, "gcm");
                auto r = without_gil([&] { return idtw(qv, ov, gv, dv, opt); });
                return dtw_result_to_python(std::move(r), return_path);
            });
        },
        "Q"_a, "newObs"_a, "gcm"_a, "dm"_a, py::kw_only(), "dist_method"_a = "norm1",
        "step_pattern"_a = "symmetric2", "ws"_a = py::none(), "return_gcm"_a = true, "return_dm"_a = true,
        "return_path"_a = false, "Matrix-based increment -> (distance, normalized_distance, gcm, dm, ii, jj, wp).");
    m.def(
        "idtw_matrix",
        [](const py::array& add, const std::string& kind, const py::array& gcm, const py::array& dm,
           const std::string& dist_method, const std::string& step_pattern, std::optional<index_t> ws,
           bool return_gcm, bool return_dm, bool return_path) {
            const MatrixKind mk = matrix_kind_from(kind);
            const DtwOptions opt = matrix_options(dist_method, step_pattern, ws, return_gcm, return_dm, return_path);
            const MatrixView<std::int8_t> dv = direction_view(dm, "dm");
            return dispatch_float({&add, &gcm}, [&](auto tag) -> py::object {
                using T = decltype(tag);
                const MatrixView<T> av = matrix_view<T>(add, "Q");
                const MatrixView<T> gv = matrix_view<T>(gcm, "gcm");
                auto r = without_gil([&] { return idtw(av, mk, gv, dv, opt); });
                return dtw_result_to_python(std::move(r), return_path);
            });
        },
        "M"_a, "kind"_a, "gcm"_a, "dm"_a, py::kw_only(), "dist_method"_a = "norm1", "step_pattern"_a = "symmetric2",
        "ws"_a = py::none(), "return_gcm"_a = true, "return_dm"_a = true, "return_path"_a = false,
        "Matrix-based increment from the cost ('cm') or difference ('diffM') matrix of the new columns.");
    m.def(
        "idtw2vec",
        [](const py::array& q, const py::array& new_obs, const std::optional<py::array>& gcm_lc,
           const std::optional<py::array>& gcm_lr, std::optional<index_t> nc, const std::string& dist_method,
           const std::string& step_pattern, std::optional<index_t> ws) {
            const DtwOptions opt = options_from(dist_method, step_pattern, ws);
            return dispatch_float({&q, &new_obs}, [&](auto tag) -> py::object {
                using T = decltype(tag);
                const SeriesView<T> qv = series_view<T>(q, "Q");
                const SeriesView<T> ov = series_view<T>(new_obs, "newObs");
                if (!gcm_lc) return incremental_to_python(without_gil([&] { return idtw2vec(qv, ov, opt); }));
                const VectorState<T> state = state_from<T>(*gcm_lc, gcm_lr, nc);
                return incremental_to_python(without_gil([&] { return idtw2vec(qv, ov, state, opt); }));
            });
        },
        // positional options too: keyword matching costs half a microsecond, a stream calls this often
        "Q"_a, "newObs"_a, "gcm_lc"_a = py::none(), "gcm_lr"_a = py::none(), "nC"_a = py::none(),
        "dist_method"_a = "norm1", "step_pattern"_a = "symmetric2", "ws"_a = py::none(),
        "Vector-based increment -> (gcm_lr_new, gcm_lc_new, distance, normalized_distance).");
    m.def(
        "idtw2vec_matrix",
        [](const py::array& mat, const std::string& kind, const std::optional<py::array>& gcm_lc,
           const std::optional<py::array>& gcm_lr, std::optional<index_t> nc, const std::string& dist_method,
           const std::string& step_pattern, std::optional<index_t> ws) {
            const MatrixKind mk = matrix_kind_from(kind);
            const DtwOptions opt = options_from(dist_method, step_pattern, ws);
            return dispatch_float({&mat}, [&](auto tag) -> py::object {
                using T = decltype(tag);
                const MatrixView<T> mv = matrix_view<T>(mat, "Q");
                std::optional<VectorState<T>> state;
                if (gcm_lc) state = state_from<T>(*gcm_lc, gcm_lr, nc);
                return incremental_to_python(
                    without_gil([&] { return idtw2vec(mv, mk, state ? &*state : nullptr, opt); }));
            });
        },
        "M"_a, "kind"_a, "gcm_lc"_a = py::none(), "gcm_lr"_a = py::none(), "nC"_a = py::none(), py::kw_only(),
        "dist_method"_a = "norm1", "step_pattern"_a = "symmetric2", "ws"_a = py::none(),
        "Vector-based increment from a cost matrix of the new columns.");
    m.def(
        "dec_dm",
        [](const py::array& dm, index_t ndec) {
            const MatrixView<std::int8_t> dv = direction_view(dm, "dm");
            return path_to_numpy(without_gil([&] { return dec_dm(dv, ndec); }));
        },
        "dm"_a, "Ndec"_a, "Warping path after removing the last Ndec observations of C -> (ii, jj, wp).");
    m.def(
        "partial_alignment",
        [](const py::array& lc, const py::array& lr, bool partial_q, bool partial_c, bool reverse) {
            const auto [lcp, n] = vector_view<double>(lc, "lc");
            const auto [lrp, len] = vector_view<double>(lr, "lr");
            const PartialAlignment p = partial_alignment(lcp, n, lrp, len, partial_q, partial_c, reverse);
            return py::make_tuple(p.q_begin, p.q_end, p.c_begin, p.c_end, p.normalized_distance);
        },
        "lc"_a, "lr"_a, "partial_Q"_a, "partial_C"_a, "reverse"_a,
        "Best open-end partial alignment -> (q_begin, q_end, c_begin, c_end, normalized_distance).");
}

}  // namespace incdtw::py_detail
