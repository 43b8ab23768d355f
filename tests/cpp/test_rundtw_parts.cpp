// rundtw (rundtw.hpp) in parts: part_windows and RundtwPart, run in order in this process as
// incdtw.distributed runs them on workers, give the bits of the serial search, huge values too.
#include "incdtw/rundtw.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <random>
#include <vector>

#include "check.hpp"
#include "reference.hpp"

using incdtw::index_t;
using incdtw::RundtwOptions;
using incdtw::WindowScaling;
using namespace incdtw_test;

namespace {

/// Same length and the same bits entry by entry (NaN == NaN).
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
