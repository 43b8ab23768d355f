"""Quickstart: ``python -m incdtw`` aligns two example series it makes itself and prints the result."""

from __future__ import annotations

import numpy as np

import incdtw


def main() -> None:
    rng = np.random.default_rng(2026)
    t = np.linspace(0, 4 * np.pi, 120)
    Q = np.sin(t) + 0.05 * rng.standard_normal(t.size)
    warped = np.sin(t + 0.6 * np.sin(t / 2)) + 0.05 * rng.standard_normal(t.size)
    C = warped[::1][: t.size - 15]  # a warped, shorter copy

    r = incdtw.dtw(Q, C, ws=30, return_wp=True)
    print(f"incdtw {incdtw.__version__}: DTW of a noisy sine (n={Q.size}) and a warped copy (m={C.size})")
    print(f"  distance            {r.distance:.6f}")
    print(f"  normalized distance {r.normalized_distance:.6f}  (distance / (n + m))")
    print(f"  warping path        {r.ii.size} steps, from ({r.ii[0]}, {r.jj[0]}) to ({r.ii[-1]}, {r.jj[-1]})")
    moves = {1: "diagonal", 2: "horizontal (C advances)", 3: "vertical (Q advances)"}
    counts = {moves[k]: int((r.wp == k).sum()) for k in moves}
    print(f"  steps               {counts}")
    v = incdtw.dtw2vec(Q, C, ws=30)
    print(f"  dtw2vec distance    {v.distance:.6f}  (O(min(n, m)) memory; equal to dtw: {v.distance == r.distance})")
    e = incdtw.dtw2vec(Q, C, ws=30, threshold=r.distance / 2)
    print(f"  early abandoned at threshold {r.distance / 2:.3f}: distance = {e.distance}")
    lin = incdtw.dtw2vec(Q, np.sin(t[: C.size]) * 0, ws=30).distance
    print(f"  for contrast, DTW to a flat line of the same length: {lin:.6f}")


if __name__ == "__main__":
    main()
