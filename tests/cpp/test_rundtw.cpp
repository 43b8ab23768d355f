// rundtw (rundtw.hpp): every distance against dtw_distance of the scaled windows, the k-NN against
// a brute-force best-first selection over those distances, thread-count independence, and errors.
#include "incdtw/rundtw.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <string>
#include <type_traits>
#include <vector>

#include "incdtw/dtw_vector.hpp"
#include "check.hpp"
#include "reference.hpp"

using incdtw::index_t;
using incdtw::RundtwOptions;
using incdtw::WindowScaling;
using namespace incdtw_test;

namespace {

/// Window j of x scaled min-max from scratch (IncDTW's 1e-9 guard), or left raw.
template <class T>
std::vector<T> window_01(const Series<T>& x, index_t j, index_t n, bool scale) {
    std::vector<T> w(static_cast<std::size_t>(n * x.dims));
    for (index_t l = 0; l < x.dims; ++l) {
        T lo = x.at(j, l), hi = x.at(j, l);
        for (index_t t = j; t < j + n; ++t) {
            lo = std::min(lo, x.at(t, l));
            hi = std::max(hi, x.at(t, l));
        }
        const T den = hi - lo < T(1e-9) ? T{1} : hi - lo;
        for (index_t t = 0; t < n; ++t) {
            const T v = x.at(j + t, l);
            w[idx(t, l, x.dims)] = scale ? (v - lo) / den : v;
        }
    }
    return w;
}

struct Pick {
    double value;
    index_t pos;
};

std::vector<Pick> brute_knn(const std::vector<double>& d, index_t k, index_t w) {
    std::vector<index_t> order(d.size());
    for (std::size_t i = 0; i < d.size(); ++i) order[i] = static_cast<index_t>(i);
    std::sort(order.begin(), order.end(), [&](index_t a, index_t b) {
        const double da = d[static_cast<std::size_t>(a)], db = d[static_cast<std::size_t>(b)];
        return da != db ? da < db : a > b;
    });
    std::vector<Pick> picks;
    for (index_t j : order) {
        if (static_cast<index_t>(picks.size()) == k) break;
        bool free = true;
        for (const Pick& p : picks) free = free && std::abs(p.pos - j) >= w;
        if (free) picks.push_back({d[static_cast<std::size_t>(j)], j});
    }
    return picks;
}

}  // namespace

TEST_CASE("rundtw: unpruned distances are dtw_distance of the scaled windows; the k-NN is best first") {
    std::mt19937 rng(2024);
    for (int trial = 0; trial < 60; ++trial) {
        const index_t dims = trial % 3 == 0 ? 2 : 1;
        const index_t n = random_index(rng, 2, 12);
        const auto x = random_walk<double>(rng, random_index(rng, n, 150), dims);
        const auto q = random_walk<double>(rng, n, dims);
        const bool scale = trial % 2 == 0;
        RundtwOptions opt;
        opt.scale = scale ? WindowScaling::zero_one : WindowScaling::none;
        opt.window = random_index(rng, 0, n);
        opt.dist_method = trial % 4 == 1 ? incdtw::DistMethod::norm2_square : incdtw::DistMethod::norm1;
        opt.lower_bound = false;
        const auto qs = scale ? window_01(q, 0, n, true) : q.data;
        incdtw::DtwOptions dopt;
        dopt.step_pattern = opt.step_pattern;
        dopt.dist_method = opt.dist_method;
        dopt.window = opt.window;
        const auto all = incdtw::rundtw(q.view(), x.view(), opt);
        REQUIRE(all.dist.size() == 1);
        const index_t W = x.length - n + 1;
        REQUIRE(static_cast<index_t>(all.dist[0].size()) == W);
        std::vector<double> ref;
        for (index_t j = 0; j < W; ++j) {
            const auto w = window_01(x, j, n, scale);
            ref.push_back(incdtw::dtw_distance(incdtw::SeriesView<double>{qs.data(), n, dims},
                                               incdtw::SeriesView<double>{w.data(), n, dims}, dopt)
                              .distance);
            CHECK(all.dist[0][static_cast<std::size_t>(j)] == ref.back());
        }
        for (index_t k : {1, 3}) {
            for (int jobs : {1, 2}) {
                opt.k = k;
                opt.overlap_tol = random_index(rng, 0, n - 1);
                opt.n_jobs = jobs;
                const auto r = incdtw::rundtw(q.view(), x.view(), opt);
                const auto picks = brute_knn(ref, k, n - opt.overlap_tol);
                REQUIRE(r.knn_indices.size() == picks.size());
                for (std::size_t i = 0; i < picks.size(); ++i) {
                    CHECK(r.knn_indices[i] == picks[i].pos);
                    CHECK(r.knn_values[i] == picks[i].value);
                }
                for (std::size_t j = 0; j < ref.size(); ++j) {  // reported values are exact
                    const double v = r.dist[0][j];
                    CHECK((std::isnan(v) || v == ref[j]));
                }
            }
        }
    }
}

TEST_CASE("rundtw: the parallel search gives the bits of the serial one") {
    std::mt19937 rng(5);
    const auto x = random_walk<double>(rng, 50000, 1);
    const auto q = random_walk<double>(rng, 64, 1);
    RundtwOptions opt;
    opt.scale = WindowScaling::z;
    opt.window = 6;
    opt.k = 3;
    opt.n_jobs = 1;
    const auto one = incdtw::rundtw(q.view(), x.view(), opt);
    opt.n_jobs = 2;
    const auto two = incdtw::rundtw(q.view(), x.view(), opt);
    CHECK(one.knn_indices == two.knn_indices);
    CHECK(one.knn_values == two.knn_values);
    REQUIRE(one.dist[0].size() == two.dist[0].size());
    for (std::size_t j = 0; j < one.dist[0].size(); ++j) {
        const double a = one.dist[0][j], b = two.dist[0][j];
        CHECK(((std::isnan(a) && std::isnan(b)) || a == b));
    }
}

namespace {

bool same_bits(const std::vector<double>& a, const std::vector<double>& b) {
    if (a.size() != b.size()) return false;
    for (std::size_t j = 0; j < a.size(); ++j) {
        if (!((std::isnan(a[j]) && std::isnan(b[j])) || a[j] == b[j])) return false;
    }
    return true;
}

/// The search in parts of `chunk` windows, run in order in this process as incdtw.distributed runs
/// them on workers: phase 1 (search or speculate) of every part, then finish() in order.
incdtw::RundtwResult<double> in_parts(const Series<double>& q, const std::vector<Series<double>>& xs,
                                      const RundtwOptions& opt, index_t chunk) {
    using Part = incdtw::RundtwPart<double>;
    const index_t n = q.length;
    index_t total = 0;
    for (const auto& x : xs) total += x.length - n + 1;
    RundtwOptions o = opt;
    o.k = std::min(opt.k, total);
    const bool use_ea = o.lower_bound || o.k > 0 || o.threshold < std::numeric_limits<double>::infinity();
    const bool speculative = o.k == 0 && use_ea;
    incdtw::RundtwResult<double> out;
    std::vector<incdtw::RundtwMatch<double>> cands;
    incdtw::RundtwState<double> state;
    for (std::size_t si = 0; si < xs.size(); ++si) {
        const index_t W = xs[si].length - n + 1;
        std::vector<index_t> starts;
        for (index_t b = 0; b < W; b += chunk) starts.push_back(b);
        const auto z = incdtw::rundtw_z_states(xs[si].view(), n, starts);
        std::vector<Part> parts;
        std::vector<incdtw::SeriesView<double>> data;
        const auto z_at = [&](std::size_t c) {
            const auto per = static_cast<std::size_t>(incdtw::detail::z_state_values * xs[si].dims);
            return o.scale == WindowScaling::z ? z.data() + c * per : nullptr;
        };
        for (std::size_t c = 0; c < starts.size(); ++c) {
            const index_t b = starts[c], e = std::min(W, b + chunk);
            data.push_back({xs[si].data.data() + b * xs[si].dims, e - b + n - 1, xs[si].dims});
            parts.emplace_back(q.view(), data.back(), b, static_cast<index_t>(si), o, z_at(c));
            if (speculative) {
                parts.back().speculate();
            } else {
                auto found = parts.back().search(o.threshold);
                cands.insert(cands.end(), found.begin(), found.end());
            }
        }
        std::vector<double> dist;
        for (std::size_t c = 0; c < starts.size(); ++c) {
            Part again(q.view(), data[c], starts[c], static_cast<index_t>(si), o, z_at(c));  // as on another worker
            again.restore(parts[c].save());
            const bool carry = c == 0 && si > 0;
            state = again.finish(state, carry ? out.dist[si - 1].data() : nullptr,
                                 carry ? static_cast<index_t>(out.dist[si - 1].size()) : 0);
            dist.insert(dist.end(), again.dist().begin(), again.dist().end());
        }
        out.dist.push_back(dist);
    }
    if (o.k > 0) {
        for (const auto& m : incdtw::rundtw_select(cands, o.k, n - o.overlap_tol)) {
            out.knn_values.push_back(m.value);
            out.knn_indices.push_back(m.pos);
            out.knn_series.push_back(m.series);
        }
    }
    return out;
}

}  // namespace

TEST_CASE("rundtw: parts (part_windows, RundtwPart) give the bits of the serial search") {
    std::mt19937 rng(11);
    const auto q = random_walk<double>(rng, 24, 1);
    std::vector<Series<double>> xs{random_walk<double>(rng, 3000, 1), random_walk<double>(rng, 24, 1),
                                   random_walk<double>(rng, 800, 1)};
    std::vector<incdtw::SeriesView<double>> views;
    for (const auto& x : xs) views.push_back(x.view());
    for (WindowScaling scale : {WindowScaling::zero_one, WindowScaling::z, WindowScaling::none}) {
        for (index_t k : {0, 1, 4}) {
            for (double thr : {std::numeric_limits<double>::infinity(), 6.0}) {
                for (bool lb : {true, false}) {
                    RundtwOptions opt;
                    opt.scale = scale;
                    opt.window = 3;
                    opt.k = k;
                    opt.threshold = thr;
                    opt.lower_bound = lb;
                    opt.overlap_tol = 5;
                    opt.n_jobs = 1;
                    CAPTURE(static_cast<int>(scale));
                    CAPTURE(k);
                    CAPTURE(thr);
                    CAPTURE(lb);
                    const auto serial = incdtw::rundtw(q.view(), views, opt);
                    for (index_t pw : {1, 7, 250}) {
                        CAPTURE(pw);
                        RundtwOptions parted = opt;
                        parted.part_windows = pw;
                        parted.n_jobs = 2;
                        const auto par = incdtw::rundtw(q.view(), views, parted);
                        const auto chunked = in_parts(q, xs, opt, pw);
                        for (std::size_t si = 0; si < xs.size(); ++si) {
                            CHECK(same_bits(serial.dist[si], par.dist[si]));
                            CHECK(same_bits(serial.dist[si], chunked.dist[si]));
                        }
                        CHECK(serial.knn_indices == par.knn_indices);
                        CHECK(serial.knn_values == par.knn_values);
                        CHECK(serial.knn_series == par.knn_series);
                        CHECK(serial.knn_indices == chunked.knn_indices);
                        CHECK(serial.knn_values == chunked.knn_values);
                        CHECK(serial.knn_series == chunked.knn_series);
                    }
                }
            }
        }
    }
}

TEST_CASE_TEMPLATE("rundtw: huge values give the bits of the same values times a power of two", T, float, double) {
    // Every window's z and 01 scaling is invariant under multiplying the data by 2^e (exact): a
    // search of huge series, whose running sums of squares and window ranges overflow when computed
    // directly, must give the bits of the search of ordinary ones.
    std::mt19937 rng(103u);
    const int top = std::numeric_limits<T>::max_exponent;
    const auto q = random_walk<T>(rng, 16, 1);
    std::vector<Series<T>> xs{random_walk<T>(rng, 400, 1), random_walk<T>(rng, 60, 1)};
    for (std::size_t t = 0; t < 16; ++t) xs[0].data[t + 220] = q.data[t];
    T big = 0;
    for (const Series<T>* s : std::initializer_list<const Series<T>*>{&q, &xs[0], &xs[1]}) {
        for (const T v : s->data) big = std::max(big, std::abs(v));
    }
    const auto times = [](Series<T> s, int e) {
        for (T& v : s.data) v = std::ldexp(v, e);
        return s;
    };
    for (const int e : {top / 3, top / 2, top - 1 - std::ilogb(big)}) {
        const auto qh = times(q, e);
        std::vector<Series<T>> xh{times(xs[0], e), times(xs[1], e)};
        std::vector<incdtw::SeriesView<T>> views{xs[0].view(), xs[1].view()}, hviews{xh[0].view(), xh[1].view()};
        for (const WindowScaling scale : {WindowScaling::zero_one, WindowScaling::z}) {
            for (const index_t k : {index_t{0}, index_t{3}}) {
                RundtwOptions opt;
                opt.scale = scale;
                opt.window = 3;
                opt.k = k;
                opt.n_jobs = 1;
                CAPTURE(e);
                CAPTURE(static_cast<int>(scale));
                CAPTURE(k);
                const auto want = incdtw::rundtw(q.view(), views, opt);
                const auto got = incdtw::rundtw(qh.view(), hviews, opt);
                INCDTW_CHECK_SAME(compare_bits(got.query, want.query, 0));
                for (std::size_t si = 0; si < xs.size(); ++si) {
                    INCDTW_CHECK_SAME(compare_bits(got.dist[si], want.dist[si], 0));
                }
                CHECK(got.knn_indices == want.knn_indices);
                CHECK(got.knn_values == want.knn_values);
                if (k > 0) CHECK(want.knn_indices.front() == 220);  // the planted copy of Q
            }
        }
    }
}

TEST_CASE("rundtw: parts of a series with huge values give the bits of the serial search") {
    // The first half ordinary, the second times 2^900: IncDTW's running z update carries the whole
    // series' power-of-two shift from part to part in the z state.
    std::mt19937 rng(107u);
    const auto q = random_walk<double>(rng, 12, 1);
    std::vector<Series<double>> xs{random_walk<double>(rng, 300, 1)};
    for (std::size_t t = 150; t < 300; ++t) xs[0].data[t] = std::ldexp(xs[0].data[t], 900);
    const std::vector<incdtw::SeriesView<double>> views{xs[0].view()};
    for (const WindowScaling scale : {WindowScaling::zero_one, WindowScaling::z}) {
        for (const index_t k : {index_t{0}, index_t{2}}) {
            RundtwOptions opt;
            opt.scale = scale;
            opt.window = 2;
            opt.k = k;
            opt.n_jobs = 1;
            CAPTURE(static_cast<int>(scale));
            CAPTURE(k);
            const auto serial = incdtw::rundtw(q.view(), views, opt);
            RundtwOptions every = opt;  // every distance reported
            every.k = 0;
            every.lower_bound = false;
            const auto all = incdtw::rundtw(q.view(), views, every).dist[0];
            CHECK(std::all_of(all.begin(), all.end(), [](double v) { return std::isfinite(v); }));  // no overflow
            for (const index_t chunk : {index_t{40}, index_t{100}}) {
                CAPTURE(chunk);
                const auto chunked = in_parts(q, xs, opt, chunk);
                CHECK(same_bits(serial.dist[0], chunked.dist[0]));
                CHECK(serial.knn_indices == chunked.knn_indices);
                CHECK(serial.knn_values == chunked.knn_values);
            }
        }
    }
    const auto z = incdtw::rundtw_z_states(xs[0].view(), 12, {0, 200});
    CHECK(z[2] == z[5]);  // the shift of the whole series, at every start
    CHECK(z[2] > 0);
}

TEST_CASE("RundtwPart: errors") {
    const std::vector<double> q{1, 2, 3}, x{1, 2, 3, 4, 5};
    const incdtw::SeriesView<double> qv{q.data(), 3, 1}, xv{x.data(), 5, 1};
    RundtwOptions opt;
    opt.scale = WindowScaling::z;
    CHECK_THROWS_AS(incdtw::RundtwPart<double>(qv, xv, 4, 0, opt), std::invalid_argument);  // needs z_start
    opt.scale = WindowScaling::zero_one;
    incdtw::RundtwPart<double> part(qv, xv, 4, 0, opt);
    opt.k = 2;
    incdtw::RundtwPart<double> first(qv, xv, 0, 1, opt);
    CHECK_THROWS_AS(first.finish({}), std::invalid_argument);  // a later series needs the previous dist
    CHECK_THROWS_AS(first.speculate(), std::logic_error);
    auto saved = part.save();
    saved.status.pop_back();
    CHECK_THROWS_AS(part.restore(saved), std::invalid_argument);
    CHECK_THROWS_AS(incdtw::rundtw_z_states(xv, 3, {2, 1}), std::invalid_argument);
}

namespace {

/// What finish() of one part of a search gets from elsewhere when incdtw.distributed runs it on a
/// worker: the part's saved phase 1, the previous part's state and (at window 0 of a later series
/// with k > 0) the previous series' dist.
template <class T>
struct PartInputs {
    incdtw::SeriesView<T> data;
    index_t first = 0, series = 0;
    std::vector<double> z;  ///< z_start (empty: none)
    typename incdtw::RundtwPart<T>::Saved saved;
    incdtw::RundtwState<T> state;
    bool carry = false;  ///< prev is passed
    std::vector<T> prev;
};

/// Every part's inputs of the search of xs in parts of `chunk` windows, as in_parts() runs it.
template <class T>
std::vector<PartInputs<T>> record_parts(const Series<T>& q, const std::vector<Series<T>>& xs, const RundtwOptions& o,
                                        index_t chunk) {
    using Part = incdtw::RundtwPart<T>;
    const index_t n = q.length;
    const bool speculative = o.k == 0 && (o.lower_bound || o.threshold < std::numeric_limits<double>::infinity());
    std::vector<PartInputs<T>> out;
    incdtw::RundtwState<T> state;
    std::vector<T> prev;
    for (std::size_t si = 0; si < xs.size(); ++si) {
        const index_t W = xs[si].length - n + 1;
        std::vector<index_t> starts;
        for (index_t b = 0; b < W; b += chunk) starts.push_back(b);
        const auto z = incdtw::rundtw_z_states(xs[si].view(), n, starts);
        std::vector<T> dist;
        for (std::size_t c = 0; c < starts.size(); ++c) {
            PartInputs<T> in;
            const index_t b = starts[c], e = std::min(W, b + chunk);
            in.data = {xs[si].data.data() + b * xs[si].dims, e - b + n - 1, xs[si].dims};
            in.first = b;
            in.series = static_cast<index_t>(si);
            if (o.scale == WindowScaling::z) {
                const auto d2 = static_cast<std::size_t>(incdtw::detail::z_state_values * xs[si].dims);
                const auto at = z.begin() + static_cast<std::ptrdiff_t>(c * d2);
                in.z.assign(at, at + static_cast<std::ptrdiff_t>(d2));
            }
            Part p(q.view(), in.data, in.first, in.series, o, in.z.empty() ? nullptr : in.z.data());
            if (speculative) {
                p.speculate();
            } else {
                p.search(o.threshold);
            }
            in.saved = p.save();
            in.state = state;
            in.carry = c == 0 && si > 0 && o.k > 0;
            if (in.carry) in.prev = prev;
            Part again(q.view(), in.data, in.first, in.series, o, in.z.empty() ? nullptr : in.z.data());
            again.restore(in.saved);
            const auto prev_len = in.carry ? static_cast<index_t>(prev.size()) : 0;
            state = again.finish(state, in.carry ? in.prev.data() : nullptr, prev_len);
            dist.insert(dist.end(), again.dist().begin(), again.dist().end());
            out.push_back(std::move(in));
        }
        prev = dist;
    }
    return out;
}

/// restore() and finish() of the part from (possibly tampered) inputs: true when they ran (then
/// within bounds: the sanitizer build checks every access), false when refused.
template <class T>
bool finishes(const Series<T>& q, const RundtwOptions& o, PartInputs<T> in, std::vector<T>* dist = nullptr) {
    try {
        incdtw::RundtwPart<T> p(q.view(), in.data, in.first, in.series, o, in.z.empty() ? nullptr : in.z.data());
        p.restore(std::move(in.saved));
        const T* prev = in.carry ? in.prev.data() : nullptr;
        p.finish(std::move(in.state), prev, in.carry ? static_cast<index_t>(in.prev.size()) : 0);
        CHECK(static_cast<index_t>(p.dist().size()) == p.windows());
        if (dist != nullptr) *dist = p.dist();
        return true;
    } catch (const std::invalid_argument& e) {
        CHECK(std::string(e.what()).size() > 10);  // a message, not an empty one
        return false;
    }
}

/// Tampered copies of a part's inputs: every field of the saved part and of the states (spec_start,
/// spec_end, the state from the previous part) set to extreme and near-miss values, every list one
/// entry shorter, longer, empty or much longer; `check(name, inputs)` for each.
template <class T, class Check>
void tamper(const PartInputs<T>& base, index_t k, index_t W, const Check& check) {
    using State = incdtw::RundtwState<T>;
    const index_t big = std::numeric_limits<index_t>::max(), small = std::numeric_limits<index_t>::min();
    const index_t f = base.first;
    const std::vector<index_t> ints{small, small + 1, -100, -99, -2, -1, 0, 1, 2, k - 1, k, k + 1, f - 1, f, f + 1,
                                    f + W - 1, f + W, big / 4, big / 4 + 1, big - 1, big};
    const T inf = std::numeric_limits<T>::infinity();
    const std::vector<T> reals{std::numeric_limits<T>::quiet_NaN(), -inf, T(-1), T(-0.0), T(0), T(1e-30), T(1), T(1e30),
                               inf, std::numeric_limits<T>::max(), std::numeric_limits<T>::lowest()};
    const auto lists = [&](auto& v, const auto& values, const std::string& name, auto&& apply) {
        using V = std::remove_reference_t<decltype(v)>;
        const V keep = v;
        const auto again = [&](const std::string& what) {
            apply(what);
            v = keep;
        };
        if (!v.empty()) {
            v.pop_back();
            again(name + " shorter");
            v.clear();
            again(name + " empty");
        }
        v.push_back(values.front());
        again(name + " longer");
        v.resize(2 * v.size() + 3);
        again(name + " much longer");
        for (std::size_t i : {std::size_t{0}, keep.size() / 2, keep.size() - 1}) {
            if (i >= keep.size()) continue;
            for (const auto& x : values) {
                v[i] = x;
                again(name + "[" + std::to_string(i) + "]");
            }
        }
    };
    const auto states = [&](State& st, const std::string& name, auto&& apply) {
        const State keep = st;
        const auto again = [&](const std::string& what) {
            apply(what);
            st = keep;
        };
        for (T x : reals) {
            st.bsfiw = x;
            again(name + ".bsfiw");
            st.knn.vmax = x;
            again(name + ".vmax");
        }
        for (index_t x : ints) {
            for (index_t* field : {&st.ix, &st.knn.k, &st.knn.overlap, &st.knn.which_vmax, &st.knn.which_imax,
                                   &st.knn.imax, &st.knn.nr_detected}) {
                *field = x;
                again(name + " index field");
            }
        }
        lists(st.knn.val, reals, name + ".knn.val", apply);
        lists(st.held_val, reals, name + ".held_val", apply);
        for (auto* v : {&st.knn.ix, &st.knn.series, &st.held_ix, &st.held_series}) {
            lists(*v, ints, name + " list", apply);
        }
    };
    PartInputs<T> in = base;
    const auto run = [&](const std::string& what) { check(what, in); };
    const std::vector<std::uint8_t> codes{0, 5, 6, 7, 200, 255};
    lists(in.saved.status, codes, "saved.status", [&](const std::string& what) { run(what); });
    lists(in.saved.val, reals, "saved.val", [&](const std::string& what) { run(what); });
    lists(in.saved.dist, reals, "saved.dist", [&](const std::string& what) { run(what); });
    if (in.saved.dist.empty()) {
        in.saved.dist.assign(static_cast<std::size_t>(W), T(1));
        run("saved.dist of every window");
        in.saved.dist.clear();
    }
    in.saved.speculated = !in.saved.speculated;
    run("saved.speculated");
    in.saved.speculated = !in.saved.speculated;
    states(in.saved.spec_start, "saved.spec_start", [&](const std::string& what) { run(what); });
    states(in.saved.spec_end, "saved.spec_end", [&](const std::string& what) { run(what); });
    states(in.state, "state", [&](const std::string& what) { run(what); });
    lists(in.prev, reals, "prev", [&](const std::string& what) { run(what); });
    in.carry = !in.carry;
    run("prev passed or not");
}

template <class T>
void tampered_parts_are_refused_or_stay_in_bounds(const Series<T>& q, const std::vector<Series<T>>& xs,
                                                  const RundtwOptions& o, index_t chunk) {
    const auto parts = record_parts(q, xs, o, chunk);
    std::size_t refused = 0, ran = 0;
    for (const auto& base : parts) {
        const index_t W = base.data.length - q.length + 1;
        std::vector<T> want;
        REQUIRE(finishes(q, o, base, &want));  // untouched: accepted
        tamper(base, o.k, W, [&](const std::string& what, const PartInputs<T>& in) {
            CAPTURE(what);
            if (finishes(q, o, in)) {
                ++ran;
            } else {
                ++refused;
            }
        });
    }
    CHECK(refused > 0);
    CHECK(ran > 0);  // fields a part does not use (and values within range) are accepted
}

}  // namespace

TEST_CASE("RundtwPart: a tampered saved part or state is refused or stays in bounds") {
    std::mt19937 rng(5);
    const auto q = random_walk<double>(rng, 12, 1);
    const std::vector<Series<double>> xs{random_walk<double>(rng, 130, 1), random_walk<double>(rng, 12, 1),
                                         random_walk<double>(rng, 70, 1)};
    RundtwOptions o;
    o.window = 3;
    o.n_jobs = 1;
    o.overlap_tol = 2;
    for (int c = 0; c < 5; ++c) {
        CAPTURE(c);
        o.k = c == 0 ? 3 : c == 1 ? 1 : c == 4 ? 2 : 0;
        o.scale = c == 4 ? WindowScaling::z : WindowScaling::zero_one;
        o.lower_bound = c != 3;
        o.threshold = c == 2 ? 6.0 : std::numeric_limits<double>::infinity();
        tampered_parts_are_refused_or_stay_in_bounds(q, xs, o, 40);
    }
    // float32, two dimensions
    std::vector<Series<float>> xf{random_walk<float>(rng, 90, 2), random_walk<float>(rng, 50, 2)};
    o.k = 2;
    o.scale = WindowScaling::z;
    tampered_parts_are_refused_or_stay_in_bounds(random_walk<float>(rng, 10, 2), xf, o, 25);
}

TEST_CASE("RundtwPart: what a part takes from elsewhere is checked") {
    std::mt19937 rng(8);
    const auto q = random_walk<double>(rng, 12, 1);
    const std::vector<Series<double>> xs{random_walk<double>(rng, 130, 1), random_walk<double>(rng, 70, 1)};
    RundtwOptions o;
    o.n_jobs = 1;
    o.k = 2;
    const auto parts = record_parts(q, xs, o, 40);
    const PartInputs<double>& mid = parts[2];  // series 0, window 80: the state of the k-NN bookkeeping is used
    const PartInputs<double>& next = parts[3];  // series 1, window 0: the bookkeeping is carried over
    REQUIRE(mid.first == 80);
    REQUIRE((next.first == 0 && next.series == 1 && next.carry));
    REQUIRE(finishes(q, o, mid));
    REQUIRE(finishes(q, o, next));
    const auto refused = [&](const PartInputs<double>& base, auto&& change) {
        PartInputs<double> in = base;
        change(in);
        return !finishes(q, o, in);
    };
    using P = PartInputs<double>;
    CHECK(refused(mid, [](P& in) { in.saved.status[3] = 6; }));
    CHECK(refused(mid, [](P& in) { in.saved.val[3] = std::nan(""); }));
    CHECK(refused(mid, [](P& in) { in.saved.val[3] = -1; }));
    CHECK(refused(mid, [](P& in) { in.saved.val.pop_back(); }));
    CHECK(refused(mid, [](P& in) { in.saved.dist.assign(3, 0.0); }));
    CHECK(refused(mid, [](P& in) { in.saved.speculated = true; }));  // k > 0 never speculates
    CHECK(refused(mid, [](P& in) { in.state.bsfiw = std::nan(""); }));
    CHECK(refused(mid, [](P& in) { in.state.ix = 80; }));  // not reached yet
    CHECK(refused(mid, [](P& in) { in.state.ix = -1; }));
    CHECK(refused(mid, [](P& in) { in.state.knn.k = 3; }));
    CHECK(refused(mid, [](P& in) { in.state.knn.overlap = 5; }));
    CHECK(refused(mid, [](P& in) { in.state.knn.val.pop_back(); }));
    CHECK(refused(mid, [](P& in) { in.state.held_series.push_back(0); }));
    CHECK(refused(mid, [](P& in) { in.state.knn.which_imax = 2; }));
    CHECK(refused(mid, [](P& in) { in.state.knn.which_vmax = 100000000; }));  // was a wild write
    CHECK(refused(mid, [](P& in) { in.state.knn.nr_detected = 3; }));
    CHECK(refused(mid, [](P& in) { in.state.knn.imax = std::numeric_limits<index_t>::max(); }));
    CHECK(refused(mid, [](P& in) { in.state.knn.series[0] = 1; }));  // a later series
    CHECK(refused(mid, [](P& in) { in.state.knn.ix[0] = 95; }));
    CHECK(refused(mid, [](P& in) { in.state.knn.val[0] = -1; }));
    CHECK(refused(mid, [](P& in) { in.state = {}; }));  // a default state cannot follow window 79
    CHECK(refused(next, [](P& in) { in.state.held_ix.pop_back(); }));  // carry_over reads k of each
    CHECK(refused(next, [](P& in) { in.prev[0] = -1; }));
    CHECK(refused(next, [](P& in) { in.carry = false; }));
    CHECK_FALSE(refused(next, [](P& in) { in.prev.pop_back(); }));  // any length: it is the previous series'
    CHECK_FALSE(refused(mid, [](P& in) { in.saved.val[3] = 1e300; }));  // a value: only the result changes

    o.k = 0;  // speculative: the walk's states are saved
    o.threshold = 6;
    const auto spec = record_parts(q, xs, o, 40);
    REQUIRE(spec[1].saved.speculated);
    CHECK(finishes(q, o, spec[1]));
    for (index_t ix : {index_t{39}, index_t{80}, std::numeric_limits<index_t>::min()}) {
        CAPTURE(ix);
        PartInputs<double> in = spec[1];  // windows 40..79
        in.saved.spec_end.ix = ix;
        CHECK_FALSE(finishes(q, o, in));
    }
    PartInputs<double> in = spec[1];
    in.saved.spec_start.knn = incdtw::detail::IncdtwKnnState<double>(2, 11);
    CHECK_FALSE(finishes(q, o, in));

    // the other inputs from elsewhere: z_start, first, tau, the candidates of rundtw_select
    RundtwOptions z;
    z.scale = WindowScaling::z;
    const double bad_z[3] = {0.0, std::nan(""), 0.0};  // (mu, s2, shift)
    CHECK_THROWS_AS(incdtw::RundtwPart<double>(q.view(), xs[0].view(), 5, 0, z, bad_z), std::invalid_argument);
    CHECK_THROWS_AS(incdtw::RundtwPart<double>(q.view(), xs[0].view(), std::numeric_limits<index_t>::max() - 5, 0, o),
                    std::invalid_argument);
    incdtw::RundtwPart<double> speculating(q.view(), xs[0].view(), 0, 0, o);
    CHECK_THROWS_AS(speculating.search(1.0), std::invalid_argument);  // k = 0 with a threshold: speculate()
    o.k = 1;
    incdtw::RundtwPart<double> searching(q.view(), xs[0].view(), 0, 0, o);
    CHECK_THROWS_AS(searching.search(std::nan("")), std::invalid_argument);
    CHECK_THROWS_AS(searching.search(-1.0), std::invalid_argument);
    using M = incdtw::RundtwMatch<double>;
    CHECK_THROWS_AS(incdtw::rundtw_select(std::vector<M>{{1.0, 0, 3}, {std::nan(""), 0, 9}}, 1, 2),
                    std::invalid_argument);
    CHECK_THROWS_AS(incdtw::rundtw_select(std::vector<M>{{1.0, 0, -3}}, 1, 2), std::invalid_argument);
    CHECK_THROWS_AS(incdtw::rundtw_select(std::vector<M>{{1.0, -1, 3}}, 1, 2), std::invalid_argument);
    CHECK_THROWS_AS(incdtw::rundtw_select(std::vector<M>{{1.0, 0, 3}}, -1, 2), std::invalid_argument);
    CHECK_THROWS_AS(incdtw::rundtw_select(std::vector<M>{{1.0, 0, 3}}, 1, 0), std::invalid_argument);
    CHECK(incdtw::rundtw_select(std::vector<M>{{2.0, 0, 3}, {1.0, 0, 4}, {3.0, 0, 9}}, 2, 2).size() == 2);
    CHECK_THROWS_AS(incdtw::rundtw_z_states(xs[0].view(), std::numeric_limits<index_t>::min(), {0}),
                    std::invalid_argument);
}

TEST_CASE("rundtw: errors") {
    const std::vector<double> q{1, 2, 3}, x{1, 2, 3, 4, 5}, bad{1, std::nan(""), 3, 4};
    RundtwOptions opt;
    CHECK_THROWS_AS(incdtw::rundtw(incdtw::view(x), incdtw::view(q), opt), std::invalid_argument);  // Q longer
    CHECK_THROWS_AS(incdtw::rundtw(incdtw::view(q), incdtw::view(bad), opt), std::invalid_argument);
    opt.overlap_tol = 3;
    CHECK_THROWS_AS(incdtw::rundtw(incdtw::view(q), incdtw::view(x), opt), std::invalid_argument);
    opt.overlap_tol = 0;
    opt.threshold = -1;
    CHECK_THROWS_AS(incdtw::rundtw(incdtw::view(q), incdtw::view(x), opt), std::invalid_argument);
    opt.threshold = 1;
    opt.k = -1;
    CHECK_THROWS_AS(incdtw::rundtw(incdtw::view(q), incdtw::view(x), opt), std::invalid_argument);
    CHECK_THROWS_AS(incdtw::rundtw(incdtw::view(q), std::vector<incdtw::SeriesView<double>>{}, RundtwOptions{}),
                    std::length_error);
}

TEST_CASE("window_extremes: van Herk / Gil-Werman against brute force, every reach and clipping") {
    std::mt19937 rng(99);
    for (int trial = 0; trial < 300; ++trial) {
        const index_t len = random_index(rng, 1, 40), stride = random_index(rng, 1, 3);
        const auto x = random_ints<double>(rng, len * stride, 1, 9);
        const index_t below = trial % 17 == 0 ? (index_t{1} << 62) : random_index(rng, 0, 45);
        const index_t above = trial % 13 == 0 ? (index_t{1} << 62) : random_index(rng, 0, 45);
        const index_t count = random_index(rng, 1, len);
        std::vector<double> lo(static_cast<std::size_t>(2 * count), -1), hi(lo.size(), -1);
        incdtw::detail::window_extremes(x.data.data(), stride, len, below, above, count, lo.data(), hi.data(), 2);
        for (index_t t = 0; t < count; ++t) {
            const index_t a = std::max<index_t>(0, t - std::min(below, len));
            const index_t b = std::min(len - 1, t + std::min(above, len));
            double mn = x.data[static_cast<std::size_t>(a * stride)], mx = mn;
            for (index_t p = a; p <= b; ++p) {
                mn = std::min(mn, x.data[static_cast<std::size_t>(p * stride)]);
                mx = std::max(mx, x.data[static_cast<std::size_t>(p * stride)]);
            }
            CHECK(lo[static_cast<std::size_t>(2 * t)] == mn);
            CHECK(hi[static_cast<std::size_t>(2 * t)] == mx);
        }
    }
}

TEST_CASE("rundtw: the progress counter reaches its total and changes no result") {
    std::mt19937 rng(5);
    const auto x = random_walk<double>(rng, 70000, 1);  // more than 65,536 windows: both kinds of update
    const auto q = random_walk<double>(rng, 64, 1);
    for (const index_t k : {index_t{0}, index_t{3}}) {
        RundtwOptions opt;
        opt.k = k;
        opt.window = 6;
        opt.scale = WindowScaling::z;
        opt.n_jobs = 2;
        const auto want = incdtw::rundtw(q.view(), x.view(), opt);
        incdtw::RundtwProgress progress;
        opt.progress = &progress;
        const auto got = incdtw::rundtw(q.view(), x.view(), opt);
        const index_t windows = x.length - q.length + 1;
        CHECK(progress.total.load() == (k > 0 ? 2 : 1) * windows);
        CHECK(progress.done.load() == progress.total.load());
        CHECK(compare_bits(got.dist[0], want.dist[0], 0).empty());
        CHECK(got.knn_indices == want.knn_indices);
    }
}
