// A fuzz target for the C++ kernels (libFuzzer's entry point): the bytes become two series, a
// small collection and options; every SIMD level must give the scalar kernels' bits, the scalar
// kernels the naive reference's values (tests/cpp/reference.hpp), and the search in parts the
// serial search's bits. Any disagreement aborts with a description.
//
// Built as a libFuzzer binary with Clang (-DINCDTW_LIBFUZZER=ON, see tests/fuzz/CMakeLists.txt) or,
// with any compiler, linked with fuzz_driver.cpp, which replays files or runs random inputs (the
// ctest smoke test).
#define DOCTEST_CONFIG_DISABLE
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "incdtw/collection.hpp"
#include "incdtw/dtw.hpp"
#include "incdtw/dtw_vector.hpp"
#include "incdtw/rundtw.hpp"
#include "incdtw/simd.hpp"
#include "reference.hpp"

using incdtw::index_t;
using incdtw_test::Series;

namespace {

[[noreturn]] void fail(const std::string& what, const std::string& where) {
    std::fprintf(stderr, "incdtw fuzz: %s (%s)\n", what.c_str(), where.c_str());
    std::abort();
}

/// Reads the input as a stream of bytes (cyclically once it runs out; zeros for an empty input).
class Bytes {
  public:
    Bytes(const std::uint8_t* data, std::size_t size) : data_(data), size_(size) {}
    unsigned next() { return size_ == 0 ? 0u : data_[pos_++ % size_]; }
    unsigned next16() { return next() | (next() << 8); }
    bool exhausted() const { return pos_ >= size_; }

  private:
    const std::uint8_t* data_;
    std::size_t size_;
    std::size_t pos_ = 0;
};

/// A series of `length` x `dims`: a random walk (steps from the bytes), small integers (ties), a
/// constant, or values spanning many magnitudes.
template <class T>
Series<T> series_from(Bytes& in, index_t length, index_t dims) {
    Series<T> s;
    s.length = length;
    s.dims = dims;
    s.data.resize(static_cast<std::size_t>(length * dims));
    const unsigned kind = in.next() % 4;
    double level = 0;
    for (auto& v : s.data) {
        const double b = static_cast<double>(in.next()) - 127.5;
        switch (kind) {
            case 0: level += b / 32; v = static_cast<T>(level); break;
            case 1: v = static_cast<T>(static_cast<int>(in.next() % 4)); break;
            case 2: v = T(1.5); break;
            default: v = static_cast<T>(b * std::pow(10.0, static_cast<double>(in.next() % 13) - 6)); break;
        }
    }
    return s;
}

bool same_bits(double a, double b) { return (std::isnan(a) && std::isnan(b)) || a == b; }

template <class T>
bool close(T a, T b) {
    if (std::isnan(a) || std::isnan(b)) return std::isnan(a) && std::isnan(b);
    const double tol = std::is_same_v<T, float> ? 1e-4 : 1e-10;
    return std::abs(static_cast<double>(a) - static_cast<double>(b)) <=
           tol * (1 + std::abs(static_cast<double>(a)) + std::abs(static_cast<double>(b)));
}

template <class T>
void check_pair(const Series<T>& q, const Series<T>& c, const incdtw::DtwOptions& opt, const std::string& where) {
    using incdtw::SimdLevel;
    const SimdLevel top = incdtw::max_simd_level();
    incdtw::set_simd_level(SimdLevel::scalar);
    const T scalar = incdtw::dtw_distance(q.view(), c.view(), opt).distance;
    incdtw::DtwOptions full = opt;
    full.threshold = std::numeric_limits<double>::infinity();
    full.return_path = true;
    const auto scalar_full = incdtw::dtw(q.view(), c.view(), full);
    const auto ref = incdtw_test::ref_dtw(q, c, opt.dist_method, opt.step_pattern, opt.window);
    if (!close(scalar_full.distance, ref.distance)) fail("dtw distance differs from the reference", where);
    const T expected = static_cast<double>(scalar_full.distance) <= opt.threshold ? scalar_full.distance
                                                                                   : std::numeric_limits<T>::quiet_NaN();
    if (!same_bits(scalar, expected)) fail("dtw2vec with a threshold differs from dtw", where);
    for (int level = 1; level <= static_cast<int>(top); ++level) {
        incdtw::set_simd_level(static_cast<SimdLevel>(level));
        const std::string at = where + ", level " + std::to_string(level);
        if (!same_bits(incdtw::dtw_distance(q.view(), c.view(), opt).distance, scalar)) {
            fail("dtw2vec differs from the scalar kernel", at);
        }
        const auto r = incdtw::dtw(q.view(), c.view(), full);
        if (!same_bits(r.distance, scalar_full.distance)) fail("dtw distance differs from the scalar kernel", at);
        if (r.dm.data != scalar_full.dm.data) fail("direction matrix differs from the scalar kernel", at);
        for (std::size_t u = 0; u < r.gcm.data.size(); ++u) {
            if (!same_bits(r.gcm.data[u], scalar_full.gcm.data[u])) fail("gcm differs from the scalar kernel", at);
        }
        if (r.path.ii != scalar_full.path.ii || r.path.jj != scalar_full.path.jj || r.path.wp != scalar_full.path.wp) {
            fail("warping path differs from the scalar kernel", at);
        }
    }
    incdtw::set_simd_level(top);
}

template <class T>
void run(Bytes& in) {
    const index_t dims = 1 + static_cast<index_t>(in.next() % 3);
    const index_t n = 1 + static_cast<index_t>(in.next16() % 300);
    const index_t m = 1 + static_cast<index_t>(in.next16() % 300);
    incdtw::DtwOptions opt;
    opt.step_pattern = in.next() % 2 ? incdtw::StepPattern::symmetric1 : incdtw::StepPattern::symmetric2;
    const unsigned method = in.next() % 3;
    opt.dist_method = method == 0 ? incdtw::DistMethod::norm1
                                  : method == 1 ? incdtw::DistMethod::norm2 : incdtw::DistMethod::norm2_square;
    const unsigned w = in.next();
    const index_t diff = n > m ? n - m : m - n;
    opt.window = w < 96 ? -1 : diff + static_cast<index_t>(w % 80);  // feasible windows only
    const Series<T> q = series_from<T>(in, n, dims), c = series_from<T>(in, m, dims);
    const unsigned t = in.next();
    if (t > 128) {  // a threshold around the distance: exact or NaN
        incdtw::DtwOptions plain = opt;
        const double d = incdtw::dtw_distance(q.view(), c.view(), plain).distance;
        opt.threshold = d * (static_cast<double>(t - 128) / 64.0);
    }
    const std::string where = "n=" + std::to_string(n) + " m=" + std::to_string(m) + " dims=" + std::to_string(dims) +
                              " window=" + std::to_string(opt.window) + (sizeof(T) == 4 ? " float32" : " float64");
    check_pair(q, c, opt, where);

    // A collection cut from both series: every dismat value is the pair's dtw_distance.
    std::vector<Series<T>> lot;
    for (const Series<T>* s : {&q, &c}) {
        const index_t cut = 1 + static_cast<index_t>(in.next() % static_cast<unsigned>(s->length));
        lot.push_back(incdtw_test::slice(*s, 0, cut));
        if (cut < s->length) lot.push_back(incdtw_test::slice(*s, cut, s->length));
    }
    incdtw::CollectionOptions copt;
    copt.dtw.step_pattern = opt.step_pattern;
    copt.dtw.dist_method = opt.dist_method;
    copt.normalize = opt.step_pattern == incdtw::StepPattern::symmetric2 && in.next() % 2 == 0;
    copt.n_jobs = 1 + static_cast<int>(in.next() % 2);
    const auto views = incdtw_test::views_of(lot);
    const auto d = incdtw::dtw_dismat(views, copt);
    std::size_t u = 0;
    for (std::size_t i = 0; i < lot.size(); ++i) {
        for (std::size_t j = i + 1; j < lot.size(); ++j, ++u) {
            T pair = incdtw::dtw_distance(views[i], views[j], copt.dtw).distance;
            if (copt.normalize) {
                pair /= static_cast<T>(views[i].length + views[j].length);
            }
            if (!same_bits(d[u], pair)) fail("dtw_dismat differs from dtw_distance of a pair", where);
        }
    }

    // The subsequence search of the first part of q in c, serial and in parts.
    const index_t qn = 1 + static_cast<index_t>(in.next() % static_cast<unsigned>(std::min<index_t>(n, 24)));
    if (qn <= m) {
        incdtw::RundtwOptions ro;
        ro.scale = static_cast<incdtw::WindowScaling>(in.next() % 3);
        ro.k = static_cast<index_t>(in.next() % 4);
        ro.lower_bound = in.next() % 2 == 0;
        ro.window = in.next() % 2 ? -1 : static_cast<index_t>(in.next() % 8);
        ro.overlap_tol = static_cast<index_t>(in.next() % static_cast<unsigned>(qn));
        ro.n_jobs = 1;
        const auto query = incdtw_test::slice(q, 0, qn);
        const auto serial = incdtw::rundtw(query.view(), c.view(), ro);
        ro.part_windows = 1 + static_cast<index_t>(in.next() % 64);
        ro.n_jobs = 2;
        const auto parts = incdtw::rundtw(query.view(), c.view(), ro);
        for (std::size_t j = 0; j < serial.dist[0].size(); ++j) {
            if (!same_bits(serial.dist[0][j], parts.dist[0][j])) fail("rundtw in parts differs (dist)", where);
        }
        if (serial.knn_indices != parts.knn_indices || serial.knn_values != parts.knn_values) {
            fail("rundtw in parts differs (k-NN)", where);
        }
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    Bytes in(data, size);
    if (in.next() % 4 == 0) {
        run<float>(in);
    } else {
        run<double>(in);
    }
    return 0;
}
