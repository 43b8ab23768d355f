"""rundtw: every IncDTW oracle case, and against naive references kept here: per-window scaling from
scratch with dtw2vec for the distances, IncDTW's reporting rule replayed over those distances for
`dist`, and the best-first non-overlapping windows for the k-NN (which pruning must never change)."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
from conftest import decode, load_oracle
from helpers import ids
from hypothesis import given, settings
from hypothesis import strategies as st

import incdtw
from incdtw import _core

CASES = load_oracle("rundtw")
LIST_CASES = {"rundtw_067", "rundtw_068", "rundtw_070", "rundtw_071", "rundtw_072"}
SETTINGS = settings(max_examples=60, deadline=None)


# ----------------------------------------------------------------------------------------------------
# naive references
# ----------------------------------------------------------------------------------------------------
def running_z(x: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    """IncDTW's running mean and sd of every window (API.md 12.2), per column, in plain floats."""
    X = x.reshape(len(x), -1)
    W, d = len(X) - n + 1, X.shape[1]
    mus, sds = np.empty((W, d)), np.empty((W, d))
    for col in range(d):
        v = [float(t) for t in X[:, col]]
        s = s2 = 0.0
        for t in range(n):
            s += v[t]
            s2 += v[t] * v[t]
        mu = s / n
        var = s2 / (n - 1) - mu * mu * n / (n - 1) if n > 1 else 0.0
        for j in range(W):
            if j > 0:
                xn, xo = v[j + n - 1], v[j - 1]
                mu_new = mu + (xn - xo) / n
                if n > 1:
                    var = var + ((xn * xn - xo * xo) / (n - 1) + (mu * mu - mu_new * mu_new) * n / (n - 1))
                mu = mu_new
            mus[j, col] = mu
            sds[j, col] = 1.0 if var < 1e-9 else math.sqrt(var)
    return mus, sds


def scaled_window(x: np.ndarray, j: int, n: int, scale: str, z=None) -> np.ndarray:
    """Window j scaled: "01" from scratch, "z" with IncDTW's running mean and sd (``z`` caches
    running_z(x, n)), the same operations as incdtw, so the same bits."""
    w = x[j : j + n].astype(float)
    if scale == "none":
        return w
    if scale == "01":
        lo, hi = w.min(axis=0), w.max(axis=0)
        den = np.where(hi - lo < 1e-9, 1.0, hi - lo)
        return (w - lo) / den
    mus, sds = z if z is not None else running_z(x, n)
    return ((w.reshape(n, -1) - mus[j]) / sds[j]).reshape(w.shape)


def all_distances(Q, C, scale="01", dist_method="norm1", step_pattern="symmetric1", ws=None) -> np.ndarray:
    q = np.asarray(Q, float) if scale == "none" else incdtw.scale(np.asarray(Q, float), scale)
    n = len(q)
    z = running_z(C, n) if scale == "z" else None
    return np.array(
        [
            incdtw.dtw2vec(
                q, scaled_window(C, j, n, scale, z), dist_method=dist_method, step_pattern=step_pattern, ws=ws
            ).distance
            for j in range(len(C) - n + 1)
        ]
    )


def best_first(values: list[tuple[float, int, int]], k: int, w: int) -> list[tuple[float, int, int]]:
    """(value, series, start) taken best first (ties: earlier series, later start); windows of one
    series closer than w overlap."""
    picks: list[tuple[float, int, int]] = []
    for v, s, j in sorted((t for t in values if not math.isnan(t[0])), key=lambda t: (t[0], t[1], -t[2])):
        if len(picks) == k:
            break
        if all(ps != s or abs(pj - j) >= w for _, ps, pj in picks):
            picks.append((v, s, j))
    return picks


def envelope_bound(q: np.ndarray, y: np.ndarray, ws: int, dist_method: str) -> float:
    """LB_Keogh of a scaled window y against the envelope [i - ws, i + ws] of the scaled query q."""
    n = len(q)
    q2, y2 = q.reshape(n, -1), y.reshape(n, -1)
    total = 0.0
    for i in range(n):
        seg = q2[max(0, i - ws) : min(n, i + ws + 1)]
        lo, hi = seg.min(axis=0), seg.max(axis=0)
        e = np.where(y2[i] > hi, y2[i] - hi, np.where(y2[i] < lo, lo - y2[i], 0.0))
        if dist_method == "norm2_square":
            total += float((e * e).sum())
        elif dist_method == "norm2" and q2.shape[1] > 1:
            total += math.sqrt(float((e * e).sum()))
        else:
            total += float(e.sum())
    return total


def reported(D, lbs, k, overlap, threshold=None, lower_bound=True):
    """IncDTW's reporting rule (API.md 12.4) replayed over the true distances D and bounds lbs."""
    inf = math.inf
    use_lb = lower_bound or k > 0
    use_ea = use_lb or threshold is not None
    thr = threshold if (threshold is not None and use_ea) else inf
    W = len(D)
    dist = [math.nan] * W

    def value(j, limit):
        if use_lb and limit <= lbs[j]:
            return math.nan
        return D[j] if D[j] <= limit else math.nan

    dist[0] = value(0, thr)
    bsfiw = dist[0] if not math.isnan(dist[0]) else inf
    bix = 0
    val = [bsfiw] + [inf] * (k - 1)
    ix = [0] + [-99] * (k - 1)
    vmax, nr, wv, imax, wimax = inf, 1, (-99 if k > 1 else 0), 0, 0
    for j in range(1, W):
        if j - bix >= overlap:
            bsfiw, bix = thr, j
        limit = min(bsfiw, thr) if use_ea else thr
        if k > 0:
            limit = min(limit, vmax)
        d = value(j, limit)
        dist[j] = d
        if k > 0 and not math.isnan(d):
            if j < imax + overlap:
                if d < val[wimax]:
                    val[wimax], ix[wimax], imax = d, j, j
                    if nr == k:
                        vmax = max(val)
                        wv = val.index(vmax)
            elif d < vmax:
                if nr < k:
                    slot = ix.index(-99)
                    nr += 1
                else:
                    slot = wv
                val[slot], ix[slot], imax, wimax = d, j, j, slot
                if nr == k:
                    vmax = max(val)
                    wv = val.index(vmax)
                else:
                    vmax = inf
        if not math.isnan(d) and d < bsfiw:
            bsfiw, bix = d, j
    return np.array(dist)


def series_strategy(min_len, max_len, dims):
    return st.integers(min_len, max_len).flatmap(
        lambda n: st.lists(
            st.floats(-5, 5, allow_nan=False, width=32) if dims == 1 else st.tuples(*[st.floats(-5, 5, width=32)] * dims),
            min_size=n,
            max_size=n,
        )
    )


# ----------------------------------------------------------------------------------------------------
# oracle
# ----------------------------------------------------------------------------------------------------
def oracle_kwargs(a: dict) -> dict:
    kw = {key: a[key] for key in ("dist_method", "step_pattern", "scale", "lower_bound", "normalize") if key in a}
    for key in ("k", "ws", "overlap_tol"):
        if a.get(key) is not None:
            kw[key] = int(a[key][0])
    if a.get("threshold") is not None:
        kw["threshold"] = float(a["threshold"][0])
    return kw


def test_oracle_count():
    assert len(CASES) == 43


@pytest.mark.parametrize("n_jobs", [1, 2])
@pytest.mark.parametrize("case", CASES, ids=ids(CASES))
def test_rundtw_oracle(case, n_jobs):
    a = case["args"]
    kw = oracle_kwargs(a)
    list_mode = case["id"] in LIST_CASES
    C = [decode(x) for x in a["C"]] if list_mode else decode(a["C"])
    Q = decode(a["Q"])
    if case["id"] == "rundtw_072":
        # Deviation: IncDTW compares overlap_tol with the number of series in list mode; incdtw
        # with len(Q) as for one series. The answer is the best-first one.
        r = incdtw.rundtw(Q, C, n_jobs=n_jobs, **kw)
        assert r.knn_indices is None and len(r.dist) == 3
        return
    if case["error"]:
        with pytest.raises(ValueError, match="threshold|overlap_tol"):
            incdtw.rundtw(Q, C, n_jobs=n_jobs, **kw)
        return
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        r = incdtw.rundtw(Q, C, n_jobs=n_jobs, **kw)
    if case["warnings"]:
        assert any(issubclass(w.category, DeprecationWarning) for w in caught)
    res = case["result"]
    z = kw.get("scale", kw.get("normalize")) == "z"
    rtol = 1e-9 if z else 1e-12  # z: IncDTW's running variance (oracle README)
    if list_mode:
        expected = [np.atleast_1d(decode(x)) for x in res["dist"]]
        assert len(r.dist) == len(expected)
        for got, exp in zip(r.dist, expected):
            np.testing.assert_allclose(got, exp, rtol=rtol, atol=1e-12, equal_nan=True)
            assert np.array_equal(np.isnan(got), np.isnan(exp))
    else:
        exp = np.atleast_1d(decode(res["dist"]))
        np.testing.assert_allclose(r.dist, exp, rtol=rtol, atol=1e-12, equal_nan=True)
        assert np.array_equal(np.isnan(r.dist), np.isnan(exp))
    if "knn_indices" in res:
        assert r.knn_indices.tolist() == [int(i) - 1 for i in np.atleast_1d(decode(res["knn_indices"]))]
        np.testing.assert_allclose(r.knn_values, np.atleast_1d(decode(res["knn_values"])), rtol=rtol, atol=1e-12)
        if list_mode:
            assert r.knn_list_indices.tolist() == [int(i) - 1 for i in np.atleast_1d(decode(res["knn_list_indices"]))]
    else:
        assert r.knn_indices is None


# ----------------------------------------------------------------------------------------------------
# distances, the reporting rule and the k-NN against the references
# ----------------------------------------------------------------------------------------------------
def test_running_z_variance_is_updated_in_incdtws_expression_order():
    """IncDTW writes sigma2 += a + b, i.e. sigma2 + (a + b); (sigma2 + a) + b rounds differently
    (and reorders exact repeats of the query). Every window's s2, bit for bit, on data where the
    two orders differ."""
    rng = np.random.default_rng(11)
    x = np.cumsum(rng.normal(size=4000))
    n = 50
    W = len(x) - n + 1
    got = _core.rundtw_z_states(x, n, list(range(W)))[:, 0, 1]
    v = [float(t) for t in x]
    mu = sum(v[:n]) / n
    s2 = sum(t * t for t in v[:n]) / (n - 1) - mu * mu * n / (n - 1)
    ours, other = [s2], [s2]
    for j in range(1, W):
        xn, xo = v[j + n - 1], v[j - 1]
        mu_new = mu + (xn - xo) / n
        a, b = (xn * xn - xo * xo) / (n - 1), (mu * mu - mu_new * mu_new) * n / (n - 1)
        ours.append(ours[-1] + (a + b))
        other.append(other[-1] + a + b)
        mu = mu_new
    assert ours != other  # the data tell the orders apart
    assert got.tobytes() == np.array(ours).tobytes()


@SETTINGS
@given(
    data=st.data(),
    scale=st.sampled_from(["01", "z", "none"]),
    step=st.sampled_from(["symmetric1", "symmetric2"]),
    method=st.sampled_from(["norm1", "norm2", "norm2_square"]),
    dims=st.sampled_from([1, 2]),
)
def test_unpruned_distances_are_dtw2vec_of_scaled_windows(data, scale, step, method, dims):
    n = data.draw(st.integers(1, 12))
    C = np.array(data.draw(series_strategy(n, 60, dims)), float)
    Q = np.array(data.draw(series_strategy(n, n, dims)), float)
    ws = data.draw(st.one_of(st.none(), st.integers(0, n)))
    r = incdtw.rundtw(Q, C, dist_method=method, step_pattern=step, scale=scale, ws=ws, lower_bound=False)
    ref = all_distances(Q, C, scale, method, step, ws)
    np.testing.assert_allclose(r.dist, ref, rtol=1e-9, atol=1e-9)
    assert r.counter["completed"] == len(ref) and r.counter["lower_bound"] == 0


@SETTINGS
@given(
    data=st.data(),
    scale=st.sampled_from(["01", "z", "none"]),
    method=st.sampled_from(["norm1", "norm2_square"]),
    dims=st.sampled_from([1, 2]),
    k=st.integers(0, 5),
    n_jobs=st.sampled_from([1, 2]),
)
def test_reporting_rule_and_exact_knn(data, scale, method, dims, k, n_jobs):
    n = data.draw(st.integers(2, 10))
    rng = np.random.default_rng(data.draw(st.integers(0, 2**32 - 1)))
    m = data.draw(st.integers(n, 120))
    C = np.cumsum(rng.normal(size=(m, dims)), axis=0).reshape(m) if dims == 1 else np.cumsum(rng.normal(size=(m, dims)), axis=0)
    Q = C[: n].copy() + rng.normal(scale=0.3, size=C[:n].shape) if data.draw(st.booleans()) else rng.normal(size=C[:n].shape)
    ws = data.draw(st.integers(0, n))
    tol = data.draw(st.integers(0, n - 1))
    threshold = data.draw(st.one_of(st.none(), st.floats(0, 20)))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        r = incdtw.rundtw(
            Q, C, dist_method=method, scale=scale, ws=ws, k=k, overlap_tol=tol, threshold=threshold, n_jobs=n_jobs
        )
    D = all_distances(Q, C, scale, method, "symmetric1", ws)
    q = Q if scale == "none" else incdtw.scale(Q, scale)
    z = running_z(C, n) if scale == "z" else None
    lbs = [envelope_bound(q, scaled_window(C, j, n, scale, z), ws, method) for j in range(len(D))]
    expected = reported(D, lbs, k, n - tol, threshold)
    assert r.dist.tobytes() == expected.tobytes()  # the same distances, the same decisions
    if k == 0:
        assert r.knn_indices is None
        return
    picks = best_first([(float(d), 0, j) for j, d in enumerate(D) if threshold is None or d <= threshold], k, n - tol)
    assert r.knn_indices.tolist() == [j for _, _, j in picks]
    np.testing.assert_allclose(r.knn_values, [v for v, _, _ in picks], rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize(("scale", "dims"), [("01", 1), ("z", 1), ("none", 1), ("z", 2), ("01", 2)])
def test_windows_scaled_block_by_block_agree_with_the_references(scale, dims):
    """A series of several blocks of windows (the search scales them and computes the data's
    envelope block by block): dist bit for bit under IncDTW's rule and the exact k-NN, on one and
    two threads, with and without dist."""
    rng = np.random.default_rng(5 + dims)
    n, m, ws, k, tol = 6, 4400, 2, 4, 2  # 3 blocks of windows
    C = np.cumsum(rng.normal(size=(m, dims)), axis=0).reshape(m) if dims == 1 else np.cumsum(rng.normal(size=(m, dims)), axis=0)
    Q = C[3000 : 3000 + n] + rng.normal(scale=0.2, size=C[:n].shape)
    D = all_distances(Q, C, scale, "norm1", "symmetric1", ws)
    q = Q if scale == "none" else incdtw.scale(Q, scale)
    z = running_z(C, n) if scale == "z" else None
    lbs = [envelope_bound(q, scaled_window(C, j, n, scale, z), ws, "norm1") for j in range(len(D))]
    expected = reported(D, lbs, k, n - tol, None)
    picks = [j for _, _, j in best_first([(float(d), 0, j) for j, d in enumerate(D)], k, n - tol)]
    kw = dict(scale=scale, ws=ws, k=k, overlap_tol=tol)
    r = incdtw.rundtw(Q, C, **kw)
    assert r.dist.tobytes() == expected.tobytes()
    assert r.knn_indices.tolist() == picks
    lean = incdtw.rundtw(Q, C, return_dist=False, **kw)
    assert lean.dist is None
    assert lean.knn_indices.tolist() == picks and lean.knn_values.tobytes() == r.knn_values.tobytes()
    for return_dist in (True, False):  # parts that start and end inside blocks, on two threads
        parted = _core.rundtw(Q, [C], dist_method="norm1", step_pattern="symmetric1", threshold=None,
                              lower_bound=True, n_jobs=2, part_windows=1500, return_dist=return_dist, **kw)
        assert [d.tobytes() for d in parted["dist"]] == ([expected.tobytes()] if return_dist else [])
        assert parted["knn_indices"].tolist() == picks


def test_return_dist_false_needs_k():
    with pytest.raises(ValueError, match="return_dist=False needs k >= 1"):
        incdtw.rundtw(np.arange(4.0), np.arange(20.0), return_dist=False)
    with pytest.raises(TypeError, match="return_dist"):
        incdtw.rundtw(np.arange(4.0), np.arange(20.0), k=1, return_dist="no")
    r = incdtw.rundtw(np.arange(4.0), np.arange(20.0), k=1, return_dist=False)
    pytest.importorskip("matplotlib")
    with pytest.raises(ValueError, match="return_dist=True"):
        r.plot()


@SETTINGS
@given(seed=st.integers(0, 2**32 - 1), k=st.integers(1, 6), scale=st.sampled_from(["01", "z", "none"]))
def test_list_mode_knn_is_best_first_over_all_series(seed, k, scale):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(3, 9))
    C = [np.cumsum(rng.normal(size=int(rng.integers(n, 50)))) for _ in range(int(rng.integers(1, 4)))]
    Q = rng.normal(size=n)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        r = incdtw.rundtw(Q, C, k=k, scale=scale, ws=2)
    values = [(float(d), s, j) for s, c in enumerate(C) for j, d in enumerate(all_distances(Q, c, scale, ws=2))]
    picks = best_first(values, k, n)
    assert r.knn_indices.tolist() == [j for _, _, j in picks]
    assert r.knn_list_indices.tolist() == [s for _, s, _ in picks]
    np.testing.assert_allclose(r.knn_values, [v for v, _, _ in picks], rtol=1e-9, atol=1e-12)
    assert isinstance(r.dist, list) and [len(d) for d in r.dist] == [len(c) - n + 1 for c in C]


def test_best_first_differs_from_incdtws_backward_scan():
    """A chain of overlapping windows: IncDTW's backward scan of the full distances keeps one of
    the two non-overlapping windows 0 and 5; the exact answer keeps both."""
    D = [0.11, 0.63, 0.38, 0.73, 0.65, 0.43, 0.87, 0.63]
    assert [j for _, _, j in best_first([(d, 0, j) for j, d in enumerate(D)], 2, 4)] == [0, 5]


@pytest.mark.parametrize("scale", ["z", "01"])
def test_thread_count_changes_no_bit(scale):
    """Long enough for the parallel search (2 parts): dist, k-NN and values bit for bit."""
    rng = np.random.default_rng(7)
    C = np.cumsum(rng.normal(size=60_000))
    Q = np.cumsum(rng.normal(size=64))
    one = incdtw.rundtw(Q, C, k=4, scale=scale, ws=6, n_jobs=1)
    two = incdtw.rundtw(Q, C, k=4, scale=scale, ws=6, n_jobs=2)
    assert one.dist.tobytes() == two.dist.tobytes()
    assert one.knn_indices.tolist() == two.knn_indices.tolist()
    assert one.knn_values.tobytes() == two.knn_values.tobytes()
    full = incdtw.rundtw(Q, C[: 6000], scale=scale, ws=6, lower_bound=False, n_jobs=2)
    ref = incdtw.rundtw(Q, C[: 6000], scale=scale, ws=6, lower_bound=False, n_jobs=1)
    assert full.dist.tobytes() == ref.dist.tobytes()


def test_pruning_changes_no_knn_on_a_long_walk():
    rng = np.random.default_rng(3)
    C = np.cumsum(rng.normal(size=20_000))
    Q = C[5000:5040] + rng.normal(scale=0.2, size=40)
    r = incdtw.rundtw(Q, C, k=5, scale="z", ws=4)
    full = incdtw.rundtw(Q, C, scale="z", ws=4, lower_bound=False).dist
    picks = best_first([(float(d), 0, j) for j, d in enumerate(full)], 5, 40)
    assert r.knn_indices.tolist() == [j for _, _, j in picks]
    assert r.knn_values.tolist() == [v for v, _, _ in picks]  # the same bits: the same kernel
    assert r.knn_indices[0] == 5000
    assert r.counter["lower_bound"] > 0.75 * len(full)  # the bounds did the work


def test_planted_warped_pattern_is_found():
    rng = np.random.default_rng(11)
    pattern = np.sin(np.linspace(0, 3 * np.pi, 80)) * 4
    walk = np.cumsum(rng.normal(size=5000)) * 0.3
    warped = incdtw.simulate_timewarp(pattern, stretch=0.1, compress=0.1, preserve_length=True, seed=4)
    at = 3100
    C = walk.copy()
    C[at : at + 80] = C[at] + warped - warped[0]
    r = incdtw.rundtw(pattern, C, k=1, scale="z", ws=8)
    assert abs(int(r.knn_indices[0]) - at) <= 4


# ----------------------------------------------------------------------------------------------------
# results and bad input
# ----------------------------------------------------------------------------------------------------
def test_result_fields_and_return_qc():
    C = np.cumsum(np.random.default_rng(0).normal(size=200))
    Q = C[50:70].copy()
    r = incdtw.rundtw(Q, C, k=2, return_QC=True)
    assert r.keys() == ["dist", "counter", "knn_indices", "knn_values", "Q", "C"]
    np.testing.assert_allclose(r.Q, incdtw.scale(Q, "01"))
    assert r.C is not None and r.knn_indices[0] == 50 and r.knn_values[0] == 0
    assert set(r.counter) == {"lb_kim", "lb_keogh_q", "lb_keogh_c", "early_abandon", "completed", "lower_bound"}
    assert sum(r.counter[c] for c in ("lower_bound", "early_abandon", "completed")) == len(r.dist)
    assert "rundtw" not in repr(r) and "knn_indices" in repr(r)


def test_k_larger_than_the_windows_warns_and_returns_what_exists():
    C = np.cumsum(np.random.default_rng(1).normal(size=50))
    with pytest.warns(UserWarning, match="found only 2 of k = 10"):
        r = incdtw.rundtw(C[:20], C, k=10)
    assert len(r.knn_indices) == 2


def test_float32_and_lists():
    C = np.cumsum(np.random.default_rng(2).normal(size=300))
    r64 = incdtw.rundtw(C[10:30], C, k=2, scale="z")
    r32 = incdtw.rundtw(C[10:30].astype(np.float32), C.astype(np.float32), k=2, scale="z")
    assert r32.dist.dtype == np.float32 and r32.knn_indices[0] == r64.knn_indices[0] == 10
    assert incdtw.rundtw(list(C[10:30]), list(C), k=1).knn_indices[0] == 10


@pytest.mark.parametrize(
    "kwargs, exc, match",
    [
        ({"Q": np.ones(30), "C": np.ones(20)}, ValueError, "longer than C"),
        ({"Q": np.ones(5), "C": [np.ones(20), np.ones(3)]}, ValueError, r"longer than C\[1\]"),
        ({"Q": np.ones(5), "C": np.r_[np.ones(10), np.nan]}, ValueError, "C"),
        ({"Q": np.r_[1.0, np.inf], "C": np.ones(10)}, ValueError, "Q"),
        ({"Q": np.ones(5), "C": np.ones(10), "overlap_tol": 5}, ValueError, "overlap_tol"),
        ({"Q": np.ones(5), "C": np.ones(10), "overlap_tol": -1}, ValueError, "overlap_tol"),
        ({"Q": np.ones(5), "C": np.ones(10), "k": -1}, ValueError, "k"),
        ({"Q": np.ones(5), "C": np.ones(10), "k": 1.5}, ValueError, "k"),
        ({"Q": np.ones(5), "C": np.ones(10), "threshold": -1}, ValueError, "threshold"),
        ({"Q": np.ones(5), "C": np.ones(10), "scale": "max"}, ValueError, "scale"),
        ({"Q": np.ones(5), "C": np.ones(10), "ws": -2}, ValueError, "ws"),
        ({"Q": np.ones(5), "C": np.ones((10, 2))}, ValueError, "dimensions"),
        ({"Q": np.ones(5), "C": []}, ValueError, "C"),
        ({"Q": np.ones(5), "C": np.ones(10), "n_jobs": 0}, ValueError, "n_jobs"),
        ({"Q": np.ones(5), "C": np.ones(10), "lower_bound": "yes"}, TypeError, "lower_bound"),
        ({"Q": np.ones(5), "C": "abc"}, (TypeError, ValueError), "C"),
    ],
)
def test_bad_input(kwargs, exc, match):
    with pytest.raises(exc, match=match):
        incdtw.rundtw(**kwargs)


def test_deprecated_scale_spellings():
    C = np.cumsum(np.random.default_rng(5).normal(size=100))
    plain = incdtw.rundtw(C[:10], C, scale="none", k=1)
    with pytest.warns(DeprecationWarning, match="normalize"):
        a = incdtw.rundtw(C[:10], C, normalize="none", k=1)
    with pytest.warns(DeprecationWarning, match="True and False"):
        b = incdtw.rundtw(C[:10], C, scale=False, k=1)
    assert a.dist.tobytes() == b.dist.tobytes() == plain.dist.tobytes()


@pytest.mark.parametrize("scale", ["z", "01", "none"])
def test_exact_repeats_tie_at_zero_and_are_all_found(scale):
    """Exact copies of the query give distance 0 = the k-th best: a bound may never skip them."""
    rng = np.random.default_rng(21)
    pattern = np.cumsum(rng.normal(size=30))
    C = np.cumsum(rng.normal(size=3000))
    starts = [200, 900, 1700, 2500]
    for s in starts:
        C[s : s + 30] = pattern + (C[s - 1] - pattern[0] if scale != "none" else 0.0)
    r = incdtw.rundtw(pattern, C, k=4, scale=scale, ws=3)
    assert sorted(r.knn_indices.tolist()) == starts
    assert np.all(r.knn_values <= 1e-9)
    full = incdtw.rundtw(pattern, C, scale=scale, ws=3, lower_bound=False).dist
    picks = best_first([(float(d), 0, j) for j, d in enumerate(full)], 4, 30)
    assert r.knn_indices.tolist() == [j for _, _, j in picks]
    with_thr = incdtw.rundtw(pattern, C, k=4, scale=scale, ws=3, threshold=float(max(r.knn_values)))
    assert with_thr.knn_indices.tolist() == r.knn_indices.tolist()


@pytest.mark.parametrize("method", ["norm1", "norm2_square"])
def test_float32_knn_is_its_own_unpruned_answer(method):
    rng = np.random.default_rng(8)
    C = np.cumsum(rng.normal(size=30_000)).astype(np.float32)
    Q = np.cumsum(rng.normal(size=48)).astype(np.float32)
    r = incdtw.rundtw(Q, C, k=5, scale="z", ws=5, dist_method=method)
    full = incdtw.rundtw(Q, C, scale="z", ws=5, dist_method=method, lower_bound=False).dist
    assert full.dtype == np.float32
    picks = best_first([(float(d), 0, j) for j, d in enumerate(full)], 5, 48)
    assert r.knn_indices.tolist() == [j for _, _, j in picks]
    assert r.knn_values.tolist() == [v for v, _, _ in picks]


def test_huge_k_returns_every_non_overlapping_window():
    C = np.cumsum(np.random.default_rng(4).normal(size=120))
    with pytest.warns(UserWarning, match=f"of k = {10**15}"):
        r = incdtw.rundtw(C[:10], C, k=10**15, overlap_tol=9)
    full = incdtw.rundtw(C[:10], C, lower_bound=False).dist
    picks = best_first([(float(d), 0, j) for j, d in enumerate(full)], len(full), 1)
    assert r.knn_indices.tolist() == [j for _, _, j in picks] and len(picks) == len(full)


@SETTINGS
@given(
    data=st.data(),
    scale=st.sampled_from(["01", "z", "none"]),
    k=st.integers(0, 4),
    lower_bound=st.booleans(),
    part_windows=st.integers(1, 40),
)
def test_parts_change_no_bit(data, scale, k, lower_bound, part_windows):
    """The search in parts (the k-NN candidates of every part merged; IncDTW's reporting rule
    speculated per part and corrected in order) gives the bits of the serial search, in list mode too."""
    rng = np.random.default_rng(data.draw(st.integers(0, 2**32 - 1)))
    n = data.draw(st.integers(2, 12))
    lot = [np.cumsum(rng.normal(size=data.draw(st.integers(n, 300)))) for _ in range(data.draw(st.integers(1, 3)))]
    Q = rng.normal(size=n) if data.draw(st.booleans()) else lot[0][:n] + rng.normal(scale=0.2, size=n)
    options = dict(dist_method="norm1", step_pattern=data.draw(st.sampled_from(["symmetric1", "symmetric2"])),
                   ws=data.draw(st.one_of(st.none(), st.integers(0, n))), scale=scale, k=k, lower_bound=lower_bound,
                   threshold=data.draw(st.one_of(st.none(), st.floats(0, 30))), overlap_tol=data.draw(st.integers(0, n - 1)))
    serial = _core.rundtw(Q, lot, n_jobs=1, **options)
    parted = _core.rundtw(Q, lot, n_jobs=2, part_windows=part_windows, **options)
    assert [d.tobytes() for d in parted["dist"]] == [d.tobytes() for d in serial["dist"]]
    for key in ("knn_values", "knn_indices", "knn_series"):
        assert parted[key].tobytes() == serial[key].tobytes()
