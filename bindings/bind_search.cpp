// Bindings of rundtw.hpp (subsequence search).
#include "common.hpp"

#include <limits>

namespace incdtw::py_detail {

void bind_search(py::module_& m) {
    using namespace pybind11::literals;
    py::class_<RundtwProgress>(m, "RundtwProgress", "Progress of a running rundtw (polled from another thread).")
        .def(py::init<>())
        .def_property_readonly("done", [](const RundtwProgress& p) { return p.done.load(); })
        .def_property_readonly("total", [](const RundtwProgress& p) { return p.total.load(); });
    m.def(
        "rundtw",
        [](const py::array& q, const py::list& lot, const std::string& dist_method, const std::string& step_pattern,
           std::optional<index_t> ws, std::optional<double> threshold, const std::string& scale, index_t k,
           bool lower_bound, index_t overlap_tol, int n_jobs, RundtwProgress* progress) {
            RundtwOptions opt;
            opt.dist_method = dist_method_from_string(dist_method);
            opt.step_pattern = step_pattern_from_string(step_pattern);
            opt.window = window_from(ws);
            opt.threshold = threshold ? *threshold : std::numeric_limits<double>::infinity();
            if (scale == "01") {
                opt.scale = WindowScaling::zero_one;
            } else if (scale == "z") {
                opt.scale = WindowScaling::z;
            } else if (scale == "none") {
                opt.scale = WindowScaling::none;
            } else {
                throw py::value_error("scale must be '01', 'z' or 'none', got '" + scale + "'");
            }
            opt.k = k;
            opt.lower_bound = lower_bound;
            opt.overlap_tol = overlap_tol;
            opt.n_jobs = n_jobs;
            opt.progress = progress;
            validate(opt);
            std::vector<py::array> arrays(lot.size());
            std::vector<const py::array*> ptrs{&q};
            for (std::size_t i = 0; i < lot.size(); ++i) {
                arrays[i] = lot[i].cast<py::array>();
                ptrs.push_back(&arrays[i]);
            }
            const auto compute = [&](auto tag) -> py::object {
                using T = decltype(tag);
                const SeriesView<T> qv = series_view<T>(q, "Q");
                std::vector<SeriesView<T>> views;
                for (const auto& a : arrays) views.push_back(series_view<T>(a, "C"));
                RundtwResult<T> r = without_gil([&] { return rundtw(qv, views, opt); });
                py::list dist;
                for (auto& d : r.dist) {
                    const auto len = static_cast<py::ssize_t>(d.size());
                    dist.append(vector_to_numpy(std::move(d), {len}));
                }
                const auto nk = static_cast<py::ssize_t>(r.knn_values.size());
                std::vector<py::ssize_t> qshape(q.shape(), q.shape() + q.ndim());
                py::dict counter("lb_kim"_a = r.counter.lb_kim, "lb_keogh_q"_a = r.counter.lb_keogh_q,
                                 "lb_keogh_c"_a = r.counter.lb_keogh_c, "early_abandon"_a = r.counter.early_abandon,
                                 "completed"_a = r.counter.completed, "lower_bound"_a = r.counter.lower_bound());
                return py::dict("dist"_a = dist, "knn_values"_a = vector_to_numpy(std::move(r.knn_values), {nk}),
                                "knn_indices"_a = vector_to_numpy(std::move(r.knn_indices), {nk}),
                                "knn_series"_a = vector_to_numpy(std::move(r.knn_series), {nk}),
                                "counter"_a = counter, "query"_a = vector_to_numpy(std::move(r.query), qshape));
            };
            return dispatch_float(ptrs, compute);
        },
        "Q"_a, "lot"_a, py::kw_only(), "dist_method"_a, "step_pattern"_a, "ws"_a, "threshold"_a, "scale"_a, "k"_a,
        "lower_bound"_a, "overlap_tol"_a, "n_jobs"_a, "progress"_a = py::none(),
        "Subsequence search of Q in each series of lot.");
}

}  // namespace incdtw::py_detail
