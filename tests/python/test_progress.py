"""progress=True: the long collection functions compute in blocks behind a progress bar and return
the same bits as without it."""

from __future__ import annotations

import numpy as np
import pytest

import incdtw
from incdtw import _progress


@pytest.fixture
def lot():
    X, _ = incdtw.datasets.warped_classes(n_per_class=9, length=40, seed=4)  # lengths differ
    return X


def same_bits(a, b) -> bool:
    a, b = np.asarray(a), np.asarray(b)
    return a.dtype == b.dtype and a.shape == b.shape and np.array_equal(a, b, equal_nan=True)


@pytest.mark.parametrize("kw", [{}, {"ws": 12, "threshold": 2.0}, {"step_pattern": "symmetric1", "normalize": False}])
def test_blocks_give_the_same_bits(lot, kw, capsys):
    assert same_bits(incdtw.dtw_dismat(lot, progress=True, **kw).dismat, incdtw.dtw_dismat(lot, **kw).dismat)
    assert same_bits(incdtw.dtw_disvec(lot[0], lot, progress=True, **kw).disvec,
                     incdtw.dtw_disvec(lot[0], lot, **kw).disvec)
    ys = lot[:7]
    assert same_bits(incdtw.dtw_cdist(lot, ys, progress=True, **kw), incdtw.dtw_cdist(lot, ys, **kw))
    f32 = [x.astype(np.float32) for x in lot]
    assert same_bits(incdtw.dtw_dismat(f32, progress=True, **kw).dismat, incdtw.dtw_dismat(f32, **kw).dismat)


def test_the_bar_reports_on_stderr_without_tqdm(lot, capsys, monkeypatch):
    import builtins

    real_import = builtins.__import__

    def no_tqdm(name, *args, **kwargs):
        if name.startswith("tqdm"):
            raise ImportError("no tqdm here")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_tqdm)
    incdtw.dtw_dismat(lot, progress=True)
    err = capsys.readouterr().err
    assert "dtw_dismat" in err and "100 %" in err


def test_row_blocks_cover_every_row_once():
    cells = [float(x) for x in np.random.default_rng(1).integers(0, 100, 333)]
    blocks = _progress.row_blocks(cells, pieces=20)
    assert blocks[0][0] == 0 and blocks[-1][1] == 333
    assert all(a < b for a, b in blocks) and all(b == c for (_, b), (c, _) in zip(blocks, blocks[1:]))
    assert len(blocks) <= 21


def test_progress_must_be_a_flag(lot):
    with pytest.raises(TypeError, match="progress"):
        incdtw.dtw_dismat(lot, progress="yes")


@pytest.mark.parametrize("kw", [{"iterMax": 6}, {"iterMax": 25, "eps": 1e-3}, {"iterMax": 4, "iter_dist_method": "max"}])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_dba_stepwise_equals_one_call(kw, dtype):
    X, y = incdtw.datasets.warped_classes(n_per_class=8, length=50, dims=0, seed=9)
    lot = [x.astype(dtype) for x, label in zip(X, y) if label == 1]
    want = incdtw.dba(lot, **kw)
    got = incdtw.dba(lot, progress=True, **kw)
    assert len(got.iterations) == len(want.iterations)
    for a, b in zip(got.iterations, want.iterations):
        assert same_bits(a, b)
    assert same_bits(got.m1, want.m1)
    assert same_bits(got.iterDist_m2m, want.iterDist_m2m)
    assert len(got.iterDist_m2lot) == len(want.iterDist_m2lot)
    for a, b in zip(got.iterDist_m2lot + got.iterDist_m2lot_norm, want.iterDist_m2lot + want.iterDist_m2lot_norm):
        assert same_bits(a, b)


@pytest.mark.parametrize("kw", [dict(k=3, scale="z", ws=10), dict(scale="01"), dict(k=2, n_jobs=1, lower_bound=False)])
def test_rundtw_with_progress_gives_the_same_result(kw, capsys):
    w = incdtw.datasets.planted_walk(length=40_000, planted=3, seed=5)
    want = incdtw.rundtw(w.pattern, w.series, **kw)
    got = incdtw.rundtw(w.pattern, w.series, progress=True, **kw)
    assert same_bits(got.dist, want.dist)
    if "k" in kw:
        assert same_bits(got.knn_indices, want.knn_indices) and same_bits(got.knn_values, want.knn_values)
    if kw.get("n_jobs") == 1:  # on more threads the shared bound makes the counter depend on timing
        assert got.counter == want.counter
    else:
        every = ("lower_bound", "early_abandon", "completed")  # each window counted once
        assert sum(got.counter[c] for c in every) == sum(want.counter[c] for c in every) == len(got.dist)


def test_rundtw_progress_counts_every_window():
    w = incdtw.datasets.planted_walk(length=30_000, planted=1, seed=6)
    counter = incdtw._core.RundtwProgress()
    q = w.pattern
    incdtw._core.rundtw(q, [w.series], dist_method="norm1", step_pattern="symmetric1", ws=None, threshold=None,
                        scale="01", k=0, lower_bound=True, overlap_tol=0, n_jobs=1, progress=counter)
    windows = len(w.series) - len(q) + 1
    assert counter.total == windows and counter.done == windows  # phase 2 only (no k)
    counter = incdtw._core.RundtwProgress()
    incdtw._core.rundtw(q, [w.series, w.series[:5000]], dist_method="norm1", step_pattern="symmetric1", ws=10,
                        threshold=None, scale="z", k=2, lower_bound=True, overlap_tol=0, n_jobs=2, progress=counter)
    windows = (len(w.series) - len(q) + 1) + (5000 - len(q) + 1)
    assert counter.total == 2 * windows and counter.done == 2 * windows  # both phases
