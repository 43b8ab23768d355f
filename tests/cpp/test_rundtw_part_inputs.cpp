// RundtwPart (rundtw.hpp) from untrusted inputs: what finish() and restore() of a part take from
// elsewhere (the saved phase 1, the previous part's state, the previous series' dist, z_start,
// the candidates of rundtw_select) is refused when inconsistent and never read out of bounds.
#include "incdtw/rundtw.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "check.hpp"
#include "reference.hpp"

using incdtw::index_t;
using incdtw::RundtwOptions;
using incdtw::WindowScaling;
using namespace incdtw_test;

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
