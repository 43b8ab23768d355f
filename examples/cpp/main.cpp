// incdtw from C++: DTW distance and warping path of two short series, the same distance with
// O(min(n, m)) memory and a Sakoe-Chiba window, and the two nearest windows of a query in a long
// series (rundtw). Built against the installed package by examples/cpp/CMakeLists.txt.
#include <cmath>
#include <cstdio>
#include <vector>

#include <incdtw/incdtw.hpp>

int main() {
    // Full DTW (IncDTW's defaults: symmetric2 steps, norm1 costs) with the warping path.
    const std::vector<double> q{3, 4, 5, 6}, c{1, 3, 3, 5, 6};
    incdtw::DtwOptions opt;
    opt.return_path = true;
    const auto r = incdtw::dtw(incdtw::view(q), incdtw::view(c), opt);
    std::printf("dtw distance: %g (normalized %g)\n", r.distance, r.normalized_distance);
    std::printf("warping path:");
    for (std::size_t k = 0; k < r.path.ii.size(); ++k) std::printf(" (%td,%td)", r.path.ii[k], r.path.jj[k]);
    std::printf("\n");

    // The distance alone with two buffers of min(n, m) values; window = Sakoe-Chiba radius.
    incdtw::DtwOptions windowed;
    windowed.window = 1;
    std::printf("dtw_distance, window 1: %g\n", incdtw::dtw_distance(incdtw::view(q), incdtw::view(c), windowed).distance);

    // Subsequence search: a peak planted at 120 (twice as high) and 400 (shifted up) in a slow wave.
    const std::vector<double> peak{0, 1, 2, 3, 4, 3, 2, 1, 0};
    std::vector<double> series(600);
    for (std::size_t t = 0; t < series.size(); ++t) series[t] = std::sin(0.02 * static_cast<double>(t));
    for (std::size_t t = 0; t < peak.size(); ++t) {
        series[120 + t] = 2 * peak[t];
        series[400 + t] = peak[t] + 5;
    }
    incdtw::RundtwOptions search;
    search.scale = incdtw::WindowScaling::z;  // every window z-normalised, as the query
    search.k = 2;                             // the two nearest non-overlapping windows
    const auto found = incdtw::rundtw(incdtw::view(peak), incdtw::view(series), search);
    std::printf("nearest windows:");
    for (std::size_t k = 0; k < found.knn_indices.size(); ++k)
        std::printf(" %td (distance %.2f)", found.knn_indices[k], found.knn_values[k]);
    std::printf("\n");
    return 0;
}
