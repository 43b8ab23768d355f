#pragma once
// Helpers shared by the binding translation units: strict array views, zero-copy results,
// option parsing. The Python layer (python/incdtw) validates and normalises every argument first
// (dtype, contiguity, shapes); these checks are the last line of defence and never convert.

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <chrono>
#include <exception>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <type_traits>
#include <utility>
#include <vector>

#ifdef _WIN32
#include <process.h>
#else
#include <unistd.h>
#endif

#include <incdtw/incdtw.hpp>

namespace incdtw::py_detail {

namespace py = pybind11;

void bind_cost_matrix(py::module_& m);
void bind_dtw(py::module_& m);
void bind_dtw_vector(py::module_& m);
void bind_incremental(py::module_& m);
void bind_plane(py::module_& m);
void bind_collection(py::module_& m);
void bind_search(py::module_& m);
void bind_simd(py::module_& m);

/// True when `a` holds T exactly (native byte order) and is C-contiguous (the Python layer
/// guarantees both). Compares the dtype by equivalence: an unpickled array (a Dask worker's
/// argument) has an equal dtype that is not numpy's cached instance.
template <class T>
bool holds(const py::array& a) {
    return py::isinstance<py::array_t<T>>(a) && (a.flags() & py::array::c_style) != 0;
}

/// Calls fn(T{}) with T = float for float32 arrays and double for float64 arrays; every array must
/// have that same dtype and be C-contiguous.
template <class Fn>
decltype(auto) dispatch_float(const std::vector<const py::array*>& arrays, Fn&& fn) {
    bool all_f32 = true, all_f64 = true;
    for (const py::array* a : arrays) {
        all_f32 = all_f32 && holds<float>(*a);
        all_f64 = all_f64 && holds<double>(*a);
    }
    if (all_f64) return fn(double{});
    if (all_f32) return fn(float{});
    throw py::type_error("incdtw._core: arrays must all be C-contiguous float64 or all float32");
}

template <class Fn>
decltype(auto) dispatch_float(std::initializer_list<const py::array*> arrays, Fn&& fn) {
    return dispatch_float(std::vector<const py::array*>(arrays), std::forward<Fn>(fn));
}

/// (length,) or (length, dims) array as a series view.
template <class T>
SeriesView<T> series_view(const py::array& a, const char* name) {
    if (a.ndim() == 1) return SeriesView<T>{static_cast<const T*>(a.data()), a.shape(0), 1};
    if (a.ndim() == 2) return SeriesView<T>{static_cast<const T*>(a.data()), a.shape(0), a.shape(1)};
    throw py::value_error(std::string(name) + " must be 1-D or 2-D");
}

template <class T>
MatrixView<T> matrix_view(const py::array& a, const char* name) {
    if (a.ndim() != 2) throw py::value_error(std::string(name) + " must be a 2-D matrix");
    return MatrixView<T>{static_cast<const T*>(a.data()), a.shape(0), a.shape(1)};
}

/// True while the interpreter shuts down; safe without the GIL.
inline bool interpreter_finalizing() noexcept {
#if PY_VERSION_HEX >= 0x030D0000
    return Py_IsFinalizing() != 0;
#else
    return _Py_IsFinalizing() != 0;
#endif
}

/// True on the interpreter's main thread, the only one that runs signal handlers and the one
/// that finalizes. Called with the GIL held (which guards the cache); the main thread is looked
/// up again in a forked child, where the forking thread is the main one.
inline bool on_main_thread() {
#ifdef _WIN32
    const long pid = static_cast<long>(_getpid());
#else
    const long pid = static_cast<long>(getpid());
#endif
    static long cached_pid = -1;
    static unsigned long main_ident = 0;
    if (pid != cached_pid) {
        main_ident = py::module_::import("threading").attr("main_thread")().attr("ident").cast<unsigned long>();
        cached_pid = pid;
    }
    return PyThread_get_thread_ident() == main_ident;
}

/// Calls fn() with the GIL released and returns its result with the GIL held again; an exception
/// of fn is rethrown after the GIL is back. The GIL is taken back in plain code, never in a
/// destructor: when the interpreter finalizes meanwhile (a daemon thread still computing when the
/// main thread exits), a thread other than the main one parks instead of returning into the dying
/// interpreter, as Python 3.14 itself does, and process exit ends it. (Before 3.14, Python ends
/// such a thread with pthread_exit, whose unwinding aborts the process when it meets a C++
/// destructor or catch-all.)
template <class Fn>
decltype(auto) release_gil_for(bool main_thread, Fn&& fn) {
    using R = decltype(fn());
    std::exception_ptr error;
    std::optional<std::conditional_t<std::is_void_v<R>, bool, R>> result;
    PyThreadState* const state = PyEval_SaveThread();
    try {
        if constexpr (std::is_void_v<R>) {
            fn();
            result.emplace(true);
        } else {
            result.emplace(fn());
        }
    } catch (...) {
        error = std::current_exception();
    }
    while (!main_thread && interpreter_finalizing()) std::this_thread::sleep_for(std::chrono::hours(1));
    PyEval_RestoreThread(state);
    if (error) std::rethrow_exception(error);
    if constexpr (!std::is_void_v<R>) return R(std::move(*result));
}

/// fn() with the GIL released (the arguments' views are read before, the results converted after).
/// Ctrl-C stops it: the computations check a Cancellation (cancel.hpp) whose poll, on the main
/// thread every 50 ms, takes the GIL and runs Python's signal handlers (other threads never run
/// them); KeyboardInterrupt (or whatever a handler raised) then propagates from here. A
/// computation on another thread stops when the interpreter finalizes (release_gil_for).
template <class Fn>
decltype(auto) without_gil(Fn&& fn) {
    const bool main_thread = on_main_thread();
    Cancellation cancel([main_thread] {
        if (!main_thread) return interpreter_finalizing();
        py::gil_scoped_acquire gil;
        return PyErr_CheckSignals() != 0;
    });
    CancellationScope scope(cancel);
    try {
        return release_gil_for(main_thread, std::forward<Fn>(fn));
    } catch (const Cancelled&) {
        if (PyErr_Occurred() != nullptr) throw py::error_already_set();
        throw;
    }
}

/// The binding pattern for two series: dtype dispatch, views read with the GIL held,
/// `compute(qv, cv)` with the GIL released, `convert(result)` with the GIL held again.
template <class Compute, class Convert>
py::object on_series_pair(const py::array& q, const py::array& c, Compute&& compute, Convert&& convert) {
    return dispatch_float({&q, &c}, [&](auto tag) -> py::object {
        using T = decltype(tag);
        const SeriesView<T> qv = series_view<T>(q, "Q");
        const SeriesView<T> cv = series_view<T>(c, "C");
        auto result = without_gil([&] { return compute(qv, cv); });
        return convert(std::move(result));
    });
}

/// The same for one precomputed matrix: `compute(mv)`.
template <class Compute, class Convert>
py::object on_matrix(const py::array& mat, Compute&& compute, Convert&& convert) {
    return dispatch_float({&mat}, [&](auto tag) -> py::object {
        using T = decltype(tag);
        const MatrixView<T> mv = matrix_view<T>(mat, "Q");
        auto result = without_gil([&] { return compute(mv); });
        return convert(std::move(result));
    });
}

/// Moves a std::vector into a numpy array owned by a capsule (no copy).
template <class V>
py::array vector_to_numpy(std::vector<V>&& v, std::vector<py::ssize_t> shape) {
    auto* heap = new std::vector<V>(std::move(v));
    py::capsule owner(heap, [](void* p) { delete static_cast<std::vector<V>*>(p); });
    return py::array_t<V>(shape, heap->data(), owner);
}

template <class V>
py::object matrix_to_numpy(Matrix<V>&& mat) {
    if (mat.empty()) return py::none();
    const std::vector<py::ssize_t> shape{mat.rows, mat.cols};
    return vector_to_numpy(std::move(mat.data), shape);
}

inline index_t window_from(const std::optional<index_t>& ws) {
    if (!ws) return -1;
    if (*ws < 0) throw py::value_error("ws must be >= 0");
    return *ws;
}

inline DtwOptions options_from(const std::string& dist_method, const std::string& step_pattern,
                               const std::optional<index_t>& ws) {
    DtwOptions opt;
    opt.dist_method = dist_method_from_string(dist_method);
    opt.step_pattern = step_pattern_from_string(step_pattern);
    opt.window = window_from(ws);
    return opt;
}

/// A warping path as three numpy arrays (ii, jj: intp; wp: int8).
inline py::tuple path_to_numpy(WarpingPath&& p) {
    const auto len = static_cast<py::ssize_t>(p.ii.size());
    const auto steps = static_cast<py::ssize_t>(p.wp.size());
    return py::make_tuple(vector_to_numpy(std::move(p.ii), {len}), vector_to_numpy(std::move(p.jj), {len}),
                          vector_to_numpy(std::move(p.wp), {steps}));
}

inline MatrixKind matrix_kind_from(const std::string& kind) {
    if (kind == "cm") return MatrixKind::cost;
    if (kind == "diffM") return MatrixKind::difference;
    throw py::value_error("matrix kind must be 'cm' or 'diffM', got '" + kind + "'");
}

/// Options of the matrix algorithms (dtw, idtw).
inline DtwOptions matrix_options(const std::string& dist_method, const std::string& step_pattern,
                                 std::optional<index_t> ws, bool return_gcm, bool return_dm, bool return_path) {
    DtwOptions opt = options_from(dist_method, step_pattern, ws);
    opt.return_gcm = return_gcm;
    opt.return_direction = return_dm;
    opt.return_path = return_path;
    return opt;
}

/// A DtwResult as (distance, normalized_distance, gcm, dm, ii, jj, wp); None for what was not requested.
template <class T>
py::object dtw_result_to_python(DtwResult<T>&& r, bool return_path) {
    py::object ii = py::none(), jj = py::none(), wp = py::none();
    if (return_path) {
        const py::tuple p = path_to_numpy(std::move(r.path));
        ii = p[0];
        jj = p[1];
        wp = p[2];
    }
    return py::make_tuple(static_cast<double>(r.distance), static_cast<double>(r.normalized_distance),
                          matrix_to_numpy(std::move(r.gcm)), matrix_to_numpy(std::move(r.dm)), ii, jj, wp);
}

/// An int8 C-contiguous (rows, cols) array (a direction matrix) as a view.
inline MatrixView<std::int8_t> direction_view(const py::array& a, const char* name) {
    if (!py::isinstance<py::array_t<std::int8_t>>(a) || (a.flags() & py::array::c_style) == 0 || a.ndim() != 2) {
        throw py::type_error(std::string("incdtw._core: ") + name + " must be a C-contiguous 2-D int8 array");
    }
    return MatrixView<std::int8_t>{static_cast<const std::int8_t*>(a.data()), a.shape(0), a.shape(1)};
}

/// A 1-D array of T (the Python layer converts) as pointer and length.
template <class T>
std::pair<const T*, index_t> vector_view(const py::array& a, const char* name) {
    if (!holds<T>(a) || a.ndim() != 1) {
        throw py::type_error(std::string("incdtw._core: ") + name + " must be a 1-D array of the series' dtype");
    }
    return {static_cast<const T*>(a.data()), a.shape(0)};
}

}  // namespace incdtw::py_detail
