// The private extension module incdtw._core: one bind_xxx() per public header.
#include "common.hpp"

PYBIND11_MODULE(_core, m) {
    m.doc() = "incdtw's C++ core (private; use the incdtw package)";
    incdtw::py_detail::bind_cost_matrix(m);
    incdtw::py_detail::bind_dtw(m);
    incdtw::py_detail::bind_dtw_vector(m);
    incdtw::py_detail::bind_incremental(m);
    incdtw::py_detail::bind_plane(m);
    incdtw::py_detail::bind_collection(m);
    incdtw::py_detail::bind_search(m);
    incdtw::py_detail::bind_simd(m);
#ifdef INCDTW_VERSION_INFO
    m.attr("__version__") = INCDTW_VERSION_INFO;
#else
    m.attr("__version__") = INCDTW_VERSION_STRING;
#endif
}
