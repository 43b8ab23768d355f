"""Draws the tutorial's figures into docs/figures/ (python docs/make_figures.py).

The same calls run as doctests in docs/tutorial.md; this script only saves them as PNG files.
"""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

import incdtw  # noqa: E402

OUT = Path(__file__).resolve().parent / "figures"


def main() -> None:
    OUT.mkdir(exist_ok=True)
    Q, C = incdtw.datasets.sine_pair()
    r = incdtw.dtw(Q, C, ws=30, return_wp=True, return_QC=True)
    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4))
    r.plot(ax=left)
    left.set_title("plotQC: Q and C along the warping path")
    r.plot(type="gcm", ax=right)
    right.set_title("plot_gcm: global cost matrix and path")
    fig.tight_layout()
    fig.savefig(OUT / "alignment.png", dpi=80)
    plt.close(fig)

    w = incdtw.datasets.planted_walk(length=20_000, planted=2, seed=1)
    s = incdtw.rundtw(w.pattern, w.series, k=2, scale="z", ws=10, return_QC=True)
    fig = s.plot(scale="z")
    fig.set_size_inches(11, 5)
    fig.tight_layout()
    fig.savefig(OUT / "rundtw.png", dpi=80)
    plt.close(fig)

    X, y = incdtw.datasets.warped_classes(n_per_class=10, length=80, seed=1)
    sines = [x for x, label in zip(X, y) if label == 0]
    bary = incdtw.dba(sines, iterMax=5)
    ax = bary.plot(lot=sines)
    ax.set_title("plot_dba: barycenter of 10 warped sines")
    ax.figure.set_size_inches(8, 4)
    ax.figure.tight_layout()
    ax.figure.savefig(OUT / "dba.png", dpi=80)
    plt.close(ax.figure)


if __name__ == "__main__":
    main()
