// Bindings of plane.hpp: the classes _core.Plane64 and _core.Plane32 behind incdtw.PlaneDTW.
#include "common.hpp"

#include <memory>
#include <mutex>

namespace incdtw::py_detail {

namespace {

/// Work (cells) above which an increment releases the GIL; below it the release costs more than it gives.
constexpr index_t kReleaseCells = 1 << 14;

template <class T>
py::array copy_series(SeriesView<T> s) {
    if (s.dims == 1) return py::array_t<T>({static_cast<py::ssize_t>(s.length)}, s.data);
    return py::array_t<T>({static_cast<py::ssize_t>(s.length), static_cast<py::ssize_t>(s.dims)}, s.data);
}

template <class T>
py::object copy_vector(const std::vector<T>& v) {
    if (v.empty()) return py::none();
    return py::array_t<T>({static_cast<py::ssize_t>(v.size())}, v.data());
}

template <class T>
std::vector<T> vector_from(const std::optional<py::array>& a, const char* name) {
    if (!a) return {};
    const auto [p, len] = vector_view<T>(*a, name);
    return std::vector<T>(p, p + len);
}

Side side_from(const std::string& s) {
    if (s == "C") return Side::c;
    if (s == "Q") return Side::q;
    if (s == "both") return Side::both;
    throw py::value_error("direction must be 'C', 'Q' or 'both', got '" + s + "'");
}

const char* name_of(StepPattern s) { return s == StepPattern::symmetric2 ? "symmetric2" : "symmetric1"; }
const char* name_of(DistMethod d) {
    return d == DistMethod::norm1 ? "norm1" : (d == DistMethod::norm2 ? "norm2" : "norm2_square");
}

/// A plane shared with Python: every method holds the mutex, so threads that call one plane
/// concurrently (the GIL is released during long computations) take turns instead of racing.
template <class T>
struct SharedPlane {
    Plane<T> plane;
    std::mutex mu;
    explicit SharedPlane(Plane<T>&& p) : plane(std::move(p)) {}
};

/// Runs fn(plane) holding the plane's mutex; without the GIL when `release` (long work, fn must not
/// touch Python), else with it (fn may build numpy arrays). A thread never waits for the mutex
/// while it holds the GIL: the holder may need the GIL to finish (numpy releases and retakes it),
/// and waiting for both in opposite orders froze the whole process.
template <class T, class Fn>
decltype(auto) with_plane(SharedPlane<T>& s, bool release, Fn&& fn) {
    if (release) {
        return release_gil_for(on_main_thread(), [&]() -> decltype(auto) {
            std::lock_guard<std::mutex> lock(s.mu);
            return fn(s.plane);
        });
    }
    std::unique_lock<std::mutex> lock(s.mu, std::try_to_lock);
    if (!lock.owns_lock()) release_gil_for(on_main_thread(), [&] { lock.lock(); });
    return fn(s.plane);
}

template <class T>
void bind_plane_class(py::module_& m, const char* name) {
    using namespace pybind11::literals;
    using S = SharedPlane<T>;
    using P = Plane<T>;
    const auto get = [](auto fn) {
        return [fn](S& s) { return with_plane(s, false, [&](const P& p) { return fn(p); }); };
    };
    py::class_<S>(m, name)
        .def(py::init([](const py::array& q, const py::array& c, const std::string& dist_method,
                         const std::string& step_pattern, std::optional<index_t> ws) {
                 const SeriesView<T> qv = series_view<T>(q, "Q");
                 const SeriesView<T> cv = series_view<T>(c, "C");
                 const DtwOptions opt = options_from(dist_method, step_pattern, ws);
                 return without_gil([&] { return std::make_unique<S>(P(qv, cv, opt)); });
             }),
             "Q"_a, "C"_a, py::kw_only(), "dist_method"_a, "step_pattern"_a, "ws"_a)
        .def_static(
            "restore",
            [](const py::array& q, const py::array& c, const std::string& dist_method, const std::string& step_pattern,
               std::optional<index_t> ws, const std::optional<py::array>& lc, const std::optional<py::array>& lr,
               double distance, double normalized_distance, bool reversed) {
                const DtwOptions opt = options_from(dist_method, step_pattern, ws);
                return std::make_unique<S>(P(series_view<T>(q, "Q"), series_view<T>(c, "C"), opt,
                                             vector_from<T>(lc, "gcm_lc_new"), vector_from<T>(lr, "gcm_lr_new"),
                                             static_cast<T>(distance), static_cast<T>(normalized_distance), reversed));
            },
            "Q"_a, "C"_a, py::kw_only(), "dist_method"_a, "step_pattern"_a, "ws"_a, "gcm_lc_new"_a, "gcm_lr_new"_a,
            "distance"_a, "normalized_distance"_a, "reversed"_a)
        .def(
            "increment",
            [](S& s, const py::array& obs, bool to_q) {
                const SeriesView<T> ov = series_view<T>(obs, "newObs");
                const Side side = to_q ? Side::q : Side::c;
                const index_t width = with_plane(s, false, [&](const P& p) { return to_q ? p.nc() : p.nq(); });
                with_plane(s, ov.length * width >= kReleaseCells, [&](P& p) { p.increment(ov, side); });
            },
            "newObs"_a, "to_q"_a)
        // a cut and its refresh under one lock: no other thread sees the plane without a state between
        .def(
            "truncate",
            [](S& s, std::optional<index_t> nq, std::optional<index_t> nc, bool refresh) {
                with_plane(s, refresh, [&](P& p) {
                    p.truncate(nq ? *nq : -1, nc ? *nc : -1);
                    if (refresh) p.refresh();
                });
            },
            "nQ"_a, "nC"_a, py::kw_only(), "refresh"_a = false)
        .def(
            "decrement",
            [](S& s, const std::string& direction, bool refresh) {
                const Side side = side_from(direction);
                return with_plane(s, refresh, [&](P& p) {
                    const bool cut = p.decrement(side);
                    if (refresh) p.refresh();
                    return cut;
                });
            },
            "direction"_a, py::kw_only(), "refresh"_a = false)
        .def(
            "partial",
            [](S& s, bool partial_q, bool partial_c, bool reverse) {
                // on the plane's own last column and row: no copy of the history (O(nQ) for partial_Q)
                const PartialAlignment r = with_plane(s, false, [&](const P& p) {
                    if (!p.has_state()) {
                        throw std::invalid_argument(
                            "the plane has no last column and row after a decrement: call refresh() first");
                    }
                    return partial_alignment(p.last_column().data(), p.nq(), p.last_row().data(), p.nc(),
                                             partial_q, partial_c, reverse);
                });
                return py::make_tuple(r.q_begin, r.q_end, r.c_begin, r.c_end, r.normalized_distance);
            },
            "partial_Q"_a, "partial_C"_a, "reverse"_a)
        .def("reverse", [](S& s) { with_plane(s, true, [](P& p) { p.reverse(); }); })
        .def("refresh", [](S& s) { with_plane(s, true, [](P& p) { p.refresh(); }); })
        // everything __reduce__ needs, read under one lock (a consistent state while others increment)
        .def("state",
             [](S& s) {
                 return with_plane(s, false, [](const P& p) {
                     const py::object ws = p.options().window < 0 ? py::object(py::none()) : py::int_(p.options().window);
                     return py::make_tuple(copy_series(p.q()), copy_series(p.c()), name_of(p.options().dist_method),
                                           name_of(p.options().step_pattern), ws, copy_vector(p.last_column()),
                                           copy_vector(p.last_row()), static_cast<double>(p.distance()),
                                           static_cast<double>(p.normalized_distance()), p.reversed());
                 });
             })
        .def_property_readonly("Q", get([](const P& p) { return copy_series(p.q()); }))
        .def_property_readonly("C", get([](const P& p) { return copy_series(p.c()); }))
        .def_property_readonly("gcm_lc_new", get([](const P& p) { return copy_vector(p.last_column()); }))
        .def_property_readonly("gcm_lr_new", get([](const P& p) { return copy_vector(p.last_row()); }))
        .def_property_readonly("distance", get([](const P& p) { return static_cast<double>(p.distance()); }))
        .def_property_readonly("normalized_distance",
                               get([](const P& p) { return static_cast<double>(p.normalized_distance()); }))
        .def_property_readonly("nQ", get([](const P& p) { return p.nq(); }))
        .def_property_readonly("nC", get([](const P& p) { return p.nc(); }))
        .def_property_readonly("dims", get([](const P& p) { return p.dims(); }))
        .def_property_readonly("reversed", get([](const P& p) { return p.reversed(); }))
        .def_property_readonly("has_state", get([](const P& p) { return p.has_state(); }))
        .def_property_readonly("dist_method", get([](const P& p) { return name_of(p.options().dist_method); }))
        .def_property_readonly("step_pattern", get([](const P& p) { return name_of(p.options().step_pattern); }))
        .def_property_readonly("ws", get([](const P& p) -> py::object {
            if (p.options().window < 0) return py::none();
            return py::int_(p.options().window);
        }));
}

}  // namespace

void bind_plane(py::module_& m) {
    bind_plane_class<double>(m, "Plane64");
    bind_plane_class<float>(m, "Plane32");
}

}  // namespace incdtw::py_detail
