"""incdtw.datasets: reproducible example data with the properties its docstrings promise."""

from __future__ import annotations

import numpy as np
import pytest

import incdtw
from incdtw import datasets


def test_sine_pair_is_reproducible_and_shaped():
    Q, C = datasets.sine_pair(n=80, shorten=10, seed=3)
    Q2, C2 = datasets.sine_pair(n=80, shorten=10, seed=3)
    assert Q.shape == (80,) and C.shape == (70,)
    assert np.array_equal(Q, Q2) and np.array_equal(C, C2)
    # the warped copy is much closer under DTW than under the Euclidean distance of the overlap
    assert incdtw.dtw2vec(Q, C, step_pattern="symmetric1").distance < np.abs(Q[:70] - C).sum() / 2


def test_planted_walk_positions_are_found_and_apart():
    w = datasets.planted_walk(length=30_000, pattern_length=80, planted=4, seed=7)
    assert w.series.shape == (30_000,) and w.pattern.shape == (80,)
    assert np.all(np.diff(w.positions) > 80)
    r = incdtw.rundtw(w.pattern, w.series, k=4, scale="z", ws=8)
    assert sorted(int(i) for i in r.knn_indices) == w.positions.tolist()
    assert np.array_equal(datasets.planted_walk(length=30_000, pattern_length=80, planted=4, seed=7).series, w.series)


def test_warped_classes_lengths_labels_and_separability():
    X, y = datasets.warped_classes(n_per_class=12, length=90, seed=5)
    assert len(X) == 48 and np.bincount(y).tolist() == [12, 12, 12, 12]
    assert len({x.shape[0] for x in X}) > 5  # warped to different lengths
    d = incdtw.dtw_dismat(X, return_matrix=True).dismat
    np.fill_diagonal(d, np.inf)
    accuracy = (y[d.argmin(axis=1)] == y).mean()
    assert 0.6 < accuracy  # leave-one-out 1-NN: a learnable, not trivial, problem
    X2, _ = datasets.warped_classes(n_per_class=2, dims=3, seed=5)
    assert all(x.ndim == 2 and x.shape[1] == 3 for x in X2)


@pytest.mark.parametrize(
    "call, error, match",
    [
        (lambda: datasets.sine_pair(n=10, shorten=10), ValueError, "shorten"),
        (lambda: datasets.sine_pair(n=2.5), TypeError, "n"),
        (lambda: datasets.planted_walk(length=1000, pattern_length=100, planted=6), ValueError, "planted"),
        (lambda: datasets.planted_walk(warp=1.5), ValueError, "warp"),
        (lambda: datasets.warped_classes(shapes="sine"), TypeError, "shapes"),
        (lambda: datasets.warped_classes(shapes=("circle",)), ValueError, "shape"),
        (lambda: datasets.warped_classes(n_per_class=0), ValueError, "n_per_class"),
        (lambda: datasets.warped_classes(dims=-1), ValueError, "dims"),
    ],
)
def test_bad_arguments(call, error, match):
    with pytest.raises(error, match=match):
        call()
