// Bindings of collection.hpp, barycenter.hpp, scaling.hpp, lower_bound.hpp and peaks.hpp.
#include "common.hpp"

#include <cmath>
#include <limits>

namespace incdtw::py_detail {

namespace {

/// A Python list of C-contiguous arrays of T (the Python layer converts) as views.
template <class T>
Collection<T> collection_view(const py::list& lot, const char* name) {
    Collection<T> out;
    out.reserve(lot.size());
    for (std::size_t k = 0; k < lot.size(); ++k) {
        const auto a = lot[k].cast<py::array>();
        if (!holds<T>(a)) {
            throw py::type_error(std::string("incdtw._core: ") + name + "[" + std::to_string(k) +
                                 "] must be a C-contiguous array of the collection's dtype");
        }
        out.push_back(series_view<T>(a, name));
    }
    return out;
}

/// fn(T{}) with T the dtype of the first array of `lot` (float32 only when it is float32).
template <class Fn>
py::object on_collection(const py::list& lot, Fn&& fn) {
    if (lot.size() == 0) throw py::value_error("lot must hold at least one series");
    const auto first = lot[0].cast<py::array>();
    if (holds<float>(first)) return fn(float{});
    return fn(double{});
}

CollectionOptions collection_options(const std::string& dist_method, const std::string& step_pattern,
                                     std::optional<index_t> ws, std::optional<double> threshold, bool normalize,
                                     int n_jobs) {
    CollectionOptions opt;
    opt.dtw = options_from(dist_method, step_pattern, ws);
    opt.dtw.threshold = threshold ? *threshold : std::numeric_limits<double>::infinity();
    opt.normalize = normalize;
    opt.n_jobs = n_jobs;
    validate(opt);
    return opt;
}

template <class T>
py::array matrix_copy(const Matrix<T>& m) {
    return py::array_t<T>({static_cast<py::ssize_t>(m.rows), static_cast<py::ssize_t>(m.cols)}, m.data.data());
}

}  // namespace

void bind_collection(py::module_& m) {
    using namespace pybind11::literals;
    m.def(
        "dtw_dismat",
        [](const py::list& lot, const std::string& dist_method, const std::string& step_pattern,
           std::optional<index_t> ws, std::optional<double> threshold, bool normalize, int n_jobs) {
            const CollectionOptions opt = collection_options(dist_method, step_pattern, ws, threshold, normalize, n_jobs);
            return on_collection(lot, [&](auto tag) -> py::object {
                using T = decltype(tag);
                const Collection<T> views = collection_view<T>(lot, "lot");
                std::vector<T> out = without_gil([&] { return dtw_dismat(views, opt); });
                const auto len = static_cast<py::ssize_t>(out.size());
                return vector_to_numpy(std::move(out), {len});
            });
        },
        "lot"_a, py::kw_only(), "dist_method"_a, "step_pattern"_a, "ws"_a, "threshold"_a, "normalize"_a, "n_jobs"_a,
        "Condensed pairwise DTW distances (pdist order).");
    m.def(
        "dtw_disvec",
        [](const py::array& q, const py::list& lot, const std::string& dist_method, const std::string& step_pattern,
           std::optional<index_t> ws, std::optional<double> threshold, bool normalize, int n_jobs) {
            const CollectionOptions opt = collection_options(dist_method, step_pattern, ws, threshold, normalize, n_jobs);
            return on_collection(lot, [&](auto tag) -> py::object {
                using T = decltype(tag);
                const SeriesView<T> qv = series_view<T>(q, "Q");
                if (!holds<T>(q)) throw py::type_error("incdtw._core: Q must have the collection's dtype");
                const Collection<T> views = collection_view<T>(lot, "lot");
                std::vector<T> out = without_gil([&] { return dtw_disvec(qv, views, opt); });
                const auto len = static_cast<py::ssize_t>(out.size());
                return vector_to_numpy(std::move(out), {len});
            });
        },
        "Q"_a, "lot"_a, py::kw_only(), "dist_method"_a, "step_pattern"_a, "ws"_a, "threshold"_a, "normalize"_a,
        "n_jobs"_a, "DTW distances of Q to every series of lot.");
    m.def(
        "dtw_cdist",
        [](const py::list& x, const py::list& y, const std::string& dist_method, const std::string& step_pattern,
           std::optional<index_t> ws, std::optional<double> threshold, bool normalize, int n_jobs) {
            const CollectionOptions opt = collection_options(dist_method, step_pattern, ws, threshold, normalize, n_jobs);
            return on_collection(x, [&](auto tag) -> py::object {
                using T = decltype(tag);
                const Collection<T> xv = collection_view<T>(x, "X");
                const Collection<T> yv = collection_view<T>(y, "Y");
                return matrix_to_numpy(without_gil([&] { return dtw_cdist(xv, yv, opt); }));
            });
        },
        "X"_a, "Y"_a, py::kw_only(), "dist_method"_a, "step_pattern"_a, "ws"_a, "threshold"_a, "normalize"_a,
        "n_jobs"_a, "DTW distances of every series of X to every series of Y.");
    m.def(
        "medoid",
        [](const py::array& condensed, index_t n) {
            const auto [p, len] = vector_view<double>(condensed, "condensed");
            return medoid(std::vector<double>(p, p + len), n);
        },
        "condensed"_a, "n"_a, "Index of the series with the smallest sum of distances.");
    m.def(
        "dba",
        [](const py::list& lot, const py::array& m0, const std::string& dist_method, const std::string& step_pattern,
           std::optional<index_t> ws, index_t iter_max, std::optional<double> eps, const std::string& iter_dist_method,
           int n_jobs) {
            DbaOptions opt;
            opt.dtw = options_from(dist_method, step_pattern, ws);
            opt.iter_max = iter_max;
            opt.eps = eps ? *eps : std::numeric_limits<double>::quiet_NaN();
            opt.iter_dist = iter_dist_from_string(iter_dist_method);
            opt.n_jobs = n_jobs;
            return on_collection(lot, [&](auto tag) -> py::object {
                using T = decltype(tag);
                if (!holds<T>(m0)) throw py::type_error("incdtw._core: m0 must have the collection's dtype");
                const SeriesView<T> mv = series_view<T>(m0, "m0");
                const Collection<T> views = collection_view<T>(lot, "lot");
                DbaResult<T> r = without_gil([&] { return dba(views, mv, opt); });
                py::list iterations, dist, norm;
                for (const Matrix<T>& it : r.iterations) iterations.append(matrix_copy(it));
                for (auto& v : r.dist_m2lot) {
                    const auto len = static_cast<py::ssize_t>(v.size());
                    dist.append(vector_to_numpy(std::move(v), {len}));
                }
                for (auto& v : r.dist_m2lot_norm) {
                    const auto len = static_cast<py::ssize_t>(v.size());
                    norm.append(vector_to_numpy(std::move(v), {len}));
                }
                const auto iters = static_cast<py::ssize_t>(r.dist_m2m.size());
                return py::make_tuple(iterations, dist, norm, vector_to_numpy(std::move(r.dist_m2m), {iters}));
            });
        },
        "lot"_a, "m0"_a, py::kw_only(), "dist_method"_a, "step_pattern"_a, "ws"_a, "iter_max"_a, "eps"_a,
        "iter_dist_method"_a, "n_jobs"_a,
        "DTW barycenter averaging -> (iterations, iterDist_m2lot, iterDist_m2lot_norm, iterDist_m2m).");
    m.def(
        "scale",
        [](const py::array& x, const std::string& type, double threshold, std::optional<double> mean,
           std::optional<double> sd, std::optional<double> lo, std::optional<double> hi) {
            ScaleOptions opt;
            if (type == "z") {
                opt.type = ScaleType::z;
            } else if (type == "01") {
                opt.type = ScaleType::zero_one;
            } else {
                throw py::value_error("type must be 'z' or '01', got '" + type + "'");
            }
            const double none = std::numeric_limits<double>::quiet_NaN();
            opt.threshold = threshold;
            opt.mean = mean ? *mean : none;
            opt.sd = sd ? *sd : none;
            opt.min = lo ? *lo : none;
            opt.max = hi ? *hi : none;
            return dispatch_float({&x}, [&](auto tag) -> py::object {
                using T = decltype(tag);
                const SeriesView<T> xv = series_view<T>(x, "x");
                std::vector<T> out = scale(xv, opt);
                std::vector<py::ssize_t> shape(x.shape(), x.shape() + x.ndim());
                return vector_to_numpy(std::move(out), shape);
            });
        },
        "x"_a, py::kw_only(), "type"_a, "threshold"_a, "xmean"_a, "xsd"_a, "xmin"_a, "xmax"_a,
        "z- or min-max scaling, column by column.");
    m.def(
        "lowerbound_tube",
        [](const py::array& q, index_t ws) {
            return dispatch_float({&q}, [&](auto tag) -> py::object {
                using T = decltype(tag);
                return matrix_to_numpy(lowerbound_tube(series_view<T>(q, "Q"), ws));
            });
        },
        "Q"_a, "ws"_a, "Envelope (L, U per dimension) of Q for the window ws.");
    m.def(
        "find_peaks",
        [](const py::array& x, index_t w, bool get_min, bool strict) {
            const auto [p, n] = vector_view<double>(x, "x");
            std::vector<index_t> peaks = find_peaks(p, n, w, get_min, strict);
            const auto len = static_cast<py::ssize_t>(peaks.size());
            return vector_to_numpy(std::move(peaks), {len});
        },
        "x"_a, "w"_a, "get_min"_a, "strict"_a, "0-based indices of the local minima (maxima) within +-w.");
    m.def(
        "lowerbound",
        [](const py::array& c, const py::array& tube, const std::string& dist_method) {
            const DistMethod method = dist_method_from_string(dist_method);
            return dispatch_float({&c, &tube}, [&](auto tag) -> py::object {
                using T = decltype(tag);
                return py::float_(static_cast<double>(
                    lowerbound(series_view<T>(c, "C"), matrix_view<T>(tube, "tube"), method)));
            });
        },
        "C"_a, "tube"_a, "dist_method"_a, "Lower bound of DTW from an envelope.");
}

}  // namespace incdtw::py_detail
