// Bindings of rundtw.hpp (subsequence search, and its parts for incdtw.distributed).
#include "common.hpp"

#include <cstdint>
#include <limits>
#include <type_traits>

namespace incdtw::py_detail {

namespace {

using namespace pybind11::literals;

RundtwOptions search_options(const std::string& dist_method, const std::string& step_pattern,
                             std::optional<index_t> ws, std::optional<double> threshold, const std::string& scale,
                             index_t k, bool lower_bound, index_t overlap_tol, int n_jobs, index_t part_windows) {
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
    opt.part_windows = part_windows;
    validate(opt);
    return opt;
}

py::dict counter_dict(const RundtwCounter& c) {
    return py::dict("lb_kim"_a = c.lb_kim, "lb_keogh_q"_a = c.lb_keogh_q, "lb_keogh_c"_a = c.lb_keogh_c,
                    "early_abandon"_a = c.early_abandon, "completed"_a = c.completed,
                    "lower_bound"_a = c.lower_bound());
}

// The reporting state between parts as a tuple of Python numbers and lists (it travels between
// Dask workers by pickle); T round-trips exactly through a Python float.
template <class T>
py::tuple state_to_py(const RundtwState<T>& s) {
    const auto& k = s.knn;
    return py::make_tuple(s.bsfiw, s.ix, k.k, k.overlap, k.val, k.ix, k.series, k.vmax, k.which_vmax, k.which_imax,
                          k.imax, k.nr_detected, s.held_val, s.held_ix, s.held_series);
}

// A state (and a saved part) comes from another process: anything that is not one of these
// Python values is a ValueError; RundtwPart::finish() and restore() check what the values mean.
template <class T>
RundtwState<T> state_from_py(const py::object& o, const char* name) {
    RundtwState<T> s;
    if (o.is_none()) return s;
    if (!py::isinstance<py::tuple>(o) || py::len(o) != 15) {
        throw py::value_error(std::string(name) + ": not a rundtw part state (a tuple of 15 values)");
    }
    const auto t = o.cast<py::tuple>();
    try {
        s.bsfiw = t[0].cast<T>();
        s.ix = t[1].cast<index_t>();
        auto& k = s.knn;
        k.k = t[2].cast<index_t>();
        k.overlap = t[3].cast<index_t>();
        k.val = t[4].cast<std::vector<T>>();
        k.ix = t[5].cast<std::vector<index_t>>();
        k.series = t[6].cast<std::vector<index_t>>();
        k.vmax = t[7].cast<T>();
        k.which_vmax = t[8].cast<index_t>();
        k.which_imax = t[9].cast<index_t>();
        k.imax = t[10].cast<index_t>();
        k.nr_detected = t[11].cast<index_t>();
        s.held_val = t[12].cast<std::vector<T>>();
        s.held_ix = t[13].cast<std::vector<index_t>>();
        s.held_series = t[14].cast<std::vector<index_t>>();
    } catch (const py::cast_error&) {
        throw py::value_error(std::string(name) + ": a value of the wrong type (or an integer out of range)");
    }
    return s;
}

template <class T>
py::dict saved_to_py(typename RundtwPart<T>::Saved&& s) {
    const auto w = static_cast<py::ssize_t>(s.status.size());
    const auto nd = static_cast<py::ssize_t>(s.dist.size());
    return py::dict("status"_a = vector_to_numpy(std::move(s.status), {w}),
                    "val"_a = vector_to_numpy(std::move(s.val), {w}), "dist"_a = vector_to_numpy(std::move(s.dist), {nd}),
                    "speculated"_a = s.speculated, "spec_start"_a = state_to_py(s.spec_start),
                    "spec_end"_a = state_to_py(s.spec_end));
}

/// The values of d[key], a 1-D array of V exactly as saved_to_py() made it (nothing is converted:
/// a saved part has no other form).
template <class V>
std::vector<V> array_values(const py::dict& d, const char* key, const char* dtype) {
    if (!d.contains(key)) throw py::value_error(std::string("saved: no '") + key + "'");
    const py::object h = d[key];
    if (!py::isinstance<py::array_t<V>>(h) || h.cast<py::array>().ndim() != 1) {
        throw py::value_error(std::string("saved: ") + key + " must be a 1-D " + dtype + " array");
    }
    const auto a = py::array_t<V, py::array::c_style | py::array::forcecast>::ensure(h);  // contiguous
    if (!a) throw py::value_error(std::string("saved: ") + key + " cannot be read");
    return std::vector<V>(a.data(), a.data() + a.size());
}

template <class T>
typename RundtwPart<T>::Saved saved_from_py(const py::dict& d) {
    typename RundtwPart<T>::Saved s;
    const char* dtype = std::is_same_v<T, float> ? "float32" : "float64";
    s.status = array_values<std::uint8_t>(d, "status", "uint8");
    s.val = array_values<T>(d, "val", dtype);
    s.dist = array_values<T>(d, "dist", dtype);
    for (const char* key : {"speculated", "spec_start", "spec_end"}) {
        if (!d.contains(key)) throw py::value_error(std::string("saved: no '") + key + "'");
    }
    const py::object spec = d["speculated"];
    if (!py::isinstance<py::bool_>(spec) && !py::isinstance(spec, py::module_::import("numpy").attr("bool_"))) {
        throw py::value_error("saved: speculated must be a bool");
    }
    s.speculated = spec.cast<bool>();
    s.spec_start = state_from_py<T>(d["spec_start"], "saved: spec_start");
    s.spec_end = state_from_py<T>(d["spec_end"], "saved: spec_end");
    return s;
}

}  // namespace

void bind_search(py::module_& m) {
    py::class_<RundtwProgress>(m, "RundtwProgress", "Progress of a running rundtw (polled from another thread).")
        .def(py::init<>())
        .def_property_readonly("done", [](const RundtwProgress& p) { return p.done.load(); })
        .def_property_readonly("total", [](const RundtwProgress& p) { return p.total.load(); });
    m.def(
        "rundtw",
        [](const py::array& q, const py::list& lot, const std::string& dist_method, const std::string& step_pattern,
           std::optional<index_t> ws, std::optional<double> threshold, const std::string& scale, index_t k,
           bool lower_bound, index_t overlap_tol, int n_jobs, RundtwProgress* progress, index_t part_windows,
           bool return_dist) {
            RundtwOptions opt = search_options(dist_method, step_pattern, ws, threshold, scale, k, lower_bound,
                                               overlap_tol, n_jobs, part_windows);
            opt.return_dist = return_dist;
            validate(opt);
            opt.progress = progress;
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
                return py::dict("dist"_a = dist, "knn_values"_a = vector_to_numpy(std::move(r.knn_values), {nk}),
                                "knn_indices"_a = vector_to_numpy(std::move(r.knn_indices), {nk}),
                                "knn_series"_a = vector_to_numpy(std::move(r.knn_series), {nk}),
                                "counter"_a = counter_dict(r.counter),
                                "query"_a = vector_to_numpy(std::move(r.query), qshape));
            };
            return dispatch_float(ptrs, compute);
        },
        "Q"_a, "lot"_a, py::kw_only(), "dist_method"_a, "step_pattern"_a, "ws"_a, "threshold"_a, "scale"_a, "k"_a,
        "lower_bound"_a, "overlap_tol"_a, "n_jobs"_a, "progress"_a = py::none(), "part_windows"_a = 0,
        "return_dist"_a = true, "Subsequence search of Q in each series of lot.");

    m.def(
        "rundtw_z_states",
        [](const py::array& x, index_t n, const std::vector<index_t>& starts) {
            return dispatch_float({&x}, [&](auto tag) -> py::object {
                using T = decltype(tag);
                const SeriesView<T> xv = series_view<T>(x, "C");
                std::vector<double> z = without_gil([&] { return rundtw_z_states(xv, n, starts); });
                return vector_to_numpy(std::move(z), {static_cast<py::ssize_t>(starts.size()), xv.dims,
                                                      detail::z_state_values});
            });
        },
        "C"_a, "n"_a, "starts"_a, "IncDTW's running z state (mu, s2, shift per dimension) at the given windows.");

    // One part of a search (RundtwPart): action "search" (phase 1 from the bound tau),
    // "speculate" or "finish" (from `saved` of the part's earlier call and the previous part's state).
    m.def(
        "rundtw_part",
        [](const std::string& action, const py::array& q, const py::array& data, index_t first, index_t series,
           std::optional<py::array_t<double, py::array::c_style | py::array::forcecast>> z_start, double tau,
           std::optional<py::dict> saved, const py::object& state, std::optional<py::array> prev_dist,
           const std::string& dist_method, const std::string& step_pattern, std::optional<index_t> ws,
           std::optional<double> threshold, const std::string& scale, index_t k, bool lower_bound,
           index_t overlap_tol, int n_jobs, index_t part_windows) {
            const RundtwOptions opt = search_options(dist_method, step_pattern, ws, threshold, scale, k, lower_bound,
                                                     overlap_tol, n_jobs, part_windows);
            std::vector<const py::array*> ptrs{&q, &data};
            if (prev_dist) ptrs.push_back(&*prev_dist);
            return dispatch_float(ptrs, [&](auto tag) -> py::object {
                using T = decltype(tag);
                const SeriesView<T> qv = series_view<T>(q, "Q");
                const SeriesView<T> xv = series_view<T>(data, "C");
                const double* z = nullptr;
                if (z_start) {
                    if (z_start->size() != detail::z_state_values * xv.dims) {
                        throw py::value_error("z_start must hold 3 x dims values (rundtw_z_states)");
                    }
                    z = z_start->data();
                }
                RundtwPart<T> part(qv, xv, first, series, opt, z);
                if (saved) part.restore(saved_from_py<T>(*saved));
                if (action == "search") {
                    std::vector<RundtwMatch<T>> found = without_gil([&] { return part.search(tau); });
                    std::vector<T> values;
                    std::vector<index_t> positions;
                    for (const auto& mt : found) {
                        values.push_back(mt.value);
                        positions.push_back(mt.pos);
                    }
                    const auto nf = static_cast<py::ssize_t>(values.size());
                    return py::dict("values"_a = vector_to_numpy(std::move(values), {nf}),
                                    "positions"_a = vector_to_numpy(std::move(positions), {nf}),
                                    "saved"_a = saved_to_py<T>(part.save()));
                }
                if (action == "speculate") {
                    without_gil([&] { part.speculate(); });
                    return py::dict("saved"_a = saved_to_py<T>(part.save()));
                }
                if (action != "finish") throw py::value_error("action must be 'search', 'speculate' or 'finish'");
                RundtwState<T> in = state_from_py<T>(state, "state");
                const T* prev = prev_dist ? static_cast<const T*>(prev_dist->data()) : nullptr;
                const index_t prev_len = prev_dist ? static_cast<index_t>(prev_dist->size()) : 0;
                RundtwState<T> out = without_gil([&] { return part.finish(std::move(in), prev, prev_len); });
                std::vector<T> dist = part.dist();
                const auto nd = static_cast<py::ssize_t>(dist.size());
                std::vector<T> scaled = part.query();
                std::vector<py::ssize_t> qshape(q.shape(), q.shape() + q.ndim());
                return py::dict("dist"_a = vector_to_numpy(std::move(dist), {nd}), "state"_a = state_to_py(out),
                                "counter"_a = counter_dict(part.counter()),
                                "query"_a = vector_to_numpy(std::move(scaled), qshape));
            });
        },
        "action"_a, "Q"_a, "data"_a, py::kw_only(), "first"_a, "series"_a, "z_start"_a = py::none(),
        "tau"_a = std::numeric_limits<double>::infinity(), "saved"_a = py::none(), "state"_a = py::none(),
        "prev_dist"_a = py::none(), "dist_method"_a, "step_pattern"_a, "ws"_a, "threshold"_a, "scale"_a, "k"_a,
        "lower_bound"_a, "overlap_tol"_a, "n_jobs"_a, "part_windows"_a = 0, "One part of a subsequence search.");

    m.def(
        "rundtw_select",
        [](const py::array& values, const py::array_t<index_t, py::array::c_style | py::array::forcecast>& series,
           const py::array_t<index_t, py::array::c_style | py::array::forcecast>& positions, index_t k,
           index_t overlap) {
            if (series.size() != values.size() || positions.size() != values.size()) {
                throw py::value_error("values, series and positions must have one length");
            }
            return dispatch_float({&values}, [&](auto tag) -> py::object {
                using T = decltype(tag);
                std::vector<RundtwMatch<T>> cands;
                const T* v = static_cast<const T*>(values.data());
                for (py::ssize_t i = 0; i < values.size(); ++i) cands.push_back({v[i], series.at(i), positions.at(i)});
                std::vector<T> out_v;
                std::vector<index_t> out_s, out_p;
                for (const auto& mt : rundtw_select(std::move(cands), k, overlap)) {
                    out_v.push_back(mt.value);
                    out_s.push_back(mt.series);
                    out_p.push_back(mt.pos);
                }
                const auto nk = static_cast<py::ssize_t>(out_v.size());
                return py::make_tuple(vector_to_numpy(std::move(out_v), {nk}), vector_to_numpy(std::move(out_s), {nk}),
                                      vector_to_numpy(std::move(out_p), {nk}));
            });
        },
        "values"_a, "series"_a, "positions"_a, "k"_a, "overlap"_a,
        "The k best first non-overlapping matches of the candidates of every part.");
}

}  // namespace incdtw::py_detail
