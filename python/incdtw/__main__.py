"""Quickstart: ``python -m incdtw`` aligns two example series it makes itself, streams one into a
PlaneDTW, compares a dozen series on all cores, finds a time-warped pattern in a long random walk,
and prints the results. Standard output that cannot be written is handled as by the command line
(``incdtw.cli``): a full disk is one line on stderr and exit code 2, a closed pipe (``| head``) ends
quietly with 0; never a traceback."""

from __future__ import annotations

import sys

import numpy as np

import incdtw
from incdtw._cli_write import _flush_stdout, _say, _stdout_failed, _StdoutError


def main() -> int:
    """Run the quickstart; returns the exit code."""
    try:
        _quickstart()
        _flush_stdout()  # output still buffered fails here, not in the flush at exit
    except _StdoutError as e:
        return _stdout_failed(e, "incdtw")
    return 0


def _quickstart() -> None:
    rng = np.random.default_rng(2026)
    t = np.linspace(0, 4 * np.pi, 120)
    Q = np.sin(t) + 0.05 * rng.standard_normal(t.size)
    warped = np.sin(t + 0.6 * np.sin(t / 2)) + 0.05 * rng.standard_normal(t.size)
    C = warped[::1][: t.size - 15]  # a warped, shorter copy

    r = incdtw.dtw(Q, C, ws=30, return_wp=True)
    assert r.ii is not None and r.jj is not None and r.wp is not None  # return_wp=True: the path is there
    _say(f"incdtw {incdtw.__version__}: DTW of a noisy sine (n={Q.size}) and a warped copy (m={C.size})")
    _say(f"  distance            {r.distance:.6f}")
    _say(f"  normalized distance {r.normalized_distance:.6f}  (distance / (n + m))")
    _say(f"  warping path        {r.ii.size} steps, from ({r.ii[0]}, {r.jj[0]}) to ({r.ii[-1]}, {r.jj[-1]})")
    moves = {1: "diagonal", 2: "horizontal (C advances)", 3: "vertical (Q advances)"}
    counts = {moves[k]: int((r.wp == k).sum()) for k in moves}
    _say(f"  steps               {counts}")
    v = incdtw.dtw2vec(Q, C, ws=30)
    _say(f"  dtw2vec distance    {v.distance:.6f}  (O(min(n, m)) memory; equal to dtw: {v.distance == r.distance})")
    e = incdtw.dtw2vec(Q, C, ws=30, threshold=r.distance / 2)
    _say(f"  early abandoned at threshold {r.distance / 2:.3f}: distance = {e.distance}")
    lin = incdtw.dtw2vec(Q, np.sin(t[: C.size]) * 0, ws=30).distance
    _say(f"  for contrast, DTW to a flat line of the same length: {lin:.6f}")

    # streaming: the rest of the warped copy arrives one observation at a time; the plane keeps only
    # the last column and row of the global cost matrix and updates them in O(n) per observation
    # (with a window the plane starts once |n - m| <= ws)
    start = Q.size - 30
    p = incdtw.initialize_plane(Q, C[:start], ws=30)
    for x in C[start:]:
        p.increment(x)
    _say(f"streamed C into a PlaneDTW one observation at a time (nC={p.control['nC']}):")
    _say(f"  distance            {p.distance:.6f}  (equal to dtw: {p.distance == r.distance})")
    part = incdtw.dtw_partial(p, partial_Q=True, partial_C=False)
    _say(f"  best open-end match Q[{part.rangeQ[0]}:{part.rangeQ[1]}] ~ C[{part.rangeC[0]}:{part.rangeC[1]}], "
         f"normalized distance {part.normalized_distance:.6f}")

    # many series: warped copies of the sine and of a cosine, compared pairwise on all cores
    shifts = rng.uniform(0.2, 1.0, size=8)
    lot = [np.sin(t[: t.size - 3 * k] + a * np.sin(t[: t.size - 3 * k] / 2)) for k, a in enumerate(shifts)]
    lot += [np.cos(t[: t.size - 2 * k]) for k in range(4)]
    d = incdtw.dtw_dismat(lot, return_matrix=True).dismat
    medoid = incdtw.centroid(lot).centroid_index
    nearest = [int(np.argsort(row)[1]) for row in d]
    _say(f"distance matrix of {len(lot)} series (8 warped sines, 4 cosines) on all cores:")
    _say(f"  medoid: series {medoid}; nearest neighbour of each: {nearest}")

    # subsequence search: three time-warped copies of a pattern planted in a random walk of
    # 200,000 points; the 3 nearest non-overlapping windows (z-scaled) are found exactly
    pattern = np.sin(np.linspace(0, 3 * np.pi, 100)) * np.linspace(1, 2, 100)
    walk = np.cumsum(rng.standard_normal(200_000)) * 0.2
    planted = [31_000, 97_500, 160_250]
    for at, seed in zip(planted, (1, 2, 3)):
        copy = incdtw.simulate_timewarp(pattern, stretch=0.1, compress=0.1, preserve_length=True, seed=seed)
        walk[at : at + 100] = walk[at] + 3 * (copy - copy[0])
    s = incdtw.rundtw(pattern, walk, k=3, scale="z", ws=10)
    assert s.knn_indices is not None  # k > 0: the nearest windows are there
    found = sorted(int(i) for i in s.knn_indices)
    _say(f"searched {walk.size - pattern.size + 1} windows of a random walk for a pattern of {pattern.size} "
         f"(planted at {planted}):")
    _say(f"  3 nearest windows start at {found}; {s.counter['lower_bound']} windows skipped by lower bounds")


if __name__ == "__main__":
    sys.exit(main())
