"""Property tests (hypothesis) of the collection API: dtw_dismat, dtw_disvec, dtw_cdist, centroid,
dba, scale, lowerbound_tube and lowerbound.

The pairwise functions must equal a plain Python loop of ``incdtw.dtw2vec`` (itself checked against
the naive reference in test_properties.py) bit for bit, for every option combination, list and
array input, and every ``n_jobs``. ``dba`` is checked against a naive Python implementation of
IncDTW's algorithm (API.md section 8) written here, ``lowerbound`` against the DTW distance it bounds.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import assume, event, given, settings
from hypothesis import strategies as st
from helpers import make_series, same
import reference as ref

import incdtw

METHODS = st.sampled_from(["norm1", "norm2", "norm2_square"])
STEPS = st.sampled_from(["symmetric1", "symmetric2"])
DIMS = st.sampled_from([0, 1, 2, 3])  # 0: 1-D arrays (univariate); d >= 1: (length, d) arrays
ITER_DISTS = st.sampled_from(["dtw_norm1", "dtw_norm2", "norm1", "norm2", "max", "min"])
SETTINGS = settings(max_examples=200, deadline=None)
FEW = settings(max_examples=100, deadline=None)


# -- helpers ----------------------------------------------------------------------------------------




def pair_value(q, c, method, step, normalize, ws, threshold) -> float:
    r = incdtw.dtw2vec(q, c, dist_method=method, step_pattern=step, ws=ws, threshold=threshold)
    return r.normalized_distance if normalize else r.distance


def loop_dismat(lot, **kw) -> np.ndarray:
    """Condensed distances by a Python loop over the pairs (0, 1), (0, 2), ..., (1, 2), ..."""
    k = len(lot)
    return np.array([pair_value(lot[i], lot[j], **kw) for i in range(k) for j in range(i + 1, k)], dtype=float)


def as_input(series: list[np.ndarray], form: str):
    """The collection as a list, a tuple, or (equal lengths only) one 2-D / 3-D array."""
    if form == "list":
        return list(series)
    if form == "tuple":
        return tuple(series)
    return np.stack(series)


@st.composite
def collections(draw, max_k=6, max_len=14, min_k=2, equal_lengths=None, d=None):
    """k series of the same dimensionality, a window feasible for all pairs (None, the tightest, a
    wider one, a fractional one or inf) and the input form (list; array when the lengths agree)."""
    if d is None:
        d = draw(DIMS)
    k = draw(st.integers(min_k, max_k))
    if equal_lengths is None:
        equal_lengths = draw(st.booleans())
    if equal_lengths:
        lengths = [draw(st.integers(1, max_len))] * k
    else:
        lengths = draw(st.lists(st.integers(1, max_len), min_size=k, max_size=k))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    kind = draw(st.integers(0, 2))
    series = [make_series(rng, n, d, kind) for n in lengths]
    need = max(lengths) - min(lengths)
    ws = draw(
        st.one_of(
            st.none(),
            st.integers(need, need + 4),
            st.integers(need, need + 4).map(lambda w: w + 0.5),  # truncated to int, as IncDTW
            st.just(math.inf),  # no window
        )
    )
    form = draw(st.sampled_from(["list", "tuple", "array", "array"] if equal_lengths else ["list", "tuple"]))
    return series, ws, form


def draw_threshold(data, raw: list[float]):
    mode = data.draw(st.sampled_from(["none", "fraction", "exact"]))
    if mode == "none" or not raw:
        return None
    if mode == "exact":
        return data.draw(st.sampled_from(raw))
    return data.draw(st.floats(0.0, 1.2)) * max(raw)


# -- 1. dtw_dismat equals the loop -----------------------------------------------------------------
@SETTINGS
@given(collections(), METHODS, STEPS, st.data())
def test_dismat_equals_loop_of_dtw2vec(coll, method, step, data):
    series, ws, form = coll
    normalize = step == "symmetric2" and data.draw(st.booleans())
    k = len(series)
    raw = [incdtw.dtw2vec(series[i], series[j], dist_method=method, step_pattern=step, ws=ws).distance
           for i in range(k) for j in range(i + 1, k)]
    threshold = draw_threshold(data, raw)
    kw = dict(method=method, step=step, normalize=normalize, ws=ws, threshold=threshold)
    expected = loop_dismat(series, **kw)
    lot = as_input(series, form)
    opts = dict(dist_method=method, step_pattern=step, normalize=normalize, ws=ws, threshold=threshold)

    got1 = incdtw.dtw_dismat(lot, n_jobs=1, **opts)
    got2 = incdtw.dtw_dismat(lot, n_jobs=2, **opts)
    got_all = incdtw.dtw_dismat(lot, **opts)  # n_jobs=-1
    assert same(got1.dismat, expected)  # bit for bit, nan where abandoned
    assert same(got2.dismat, got1.dismat)
    assert same(got_all.dismat, got1.dismat)
    assert got1.dismat.shape == (k * (k - 1) // 2,)

    # the threshold acts on the raw distance; a kept pair is exact, an abandoned one nan
    event(f"abandoned: {'some' if np.isnan(got1.dismat).any() else 'none'}; form: {form}")
    if threshold is not None:
        for value, r in zip(got1.dismat, raw):
            assert math.isnan(value) == (r > threshold)

    square = incdtw.dtw_dismat(lot, return_matrix=True, n_jobs=2, **opts).dismat
    assert square.shape == (k, k)
    assert np.all(np.diag(square) == 0.0)
    assert same(square, square.T)
    i, j = np.triu_indices(k, 1)
    assert same(square[i, j], got1.dismat)


@FEW
@given(collections(), METHODS, STEPS, st.data())
def test_dismat_order_is_scipy_pdist_order(coll, method, step, data):
    distance = pytest.importorskip("scipy.spatial.distance")
    series, ws, _ = coll
    normalize = step == "symmetric2" and data.draw(st.booleans())
    kw = dict(method=method, step=step, normalize=normalize, ws=ws, threshold=None)
    k = len(series)

    def dist_of_pair(a: int, b: int) -> float:
        return pair_value(series[a], series[b], **kw)

    index = np.arange(k, dtype=float)[:, None]
    expected = distance.pdist(index, metric=lambda a, b: dist_of_pair(int(a[0]), int(b[0])))
    opts = dict(dist_method=method, step_pattern=step, normalize=normalize, ws=ws)
    got = incdtw.dtw_dismat(series, **opts).dismat
    assert same(got, expected)
    square = incdtw.dtw_dismat(series, return_matrix=True, **opts).dismat
    assert same(distance.squareform(got), square)
    assert same(distance.squareform(square), got)


@FEW
@given(st.data())
def test_dismat_multivariate_one_column_equals_univariate(data):
    """(n, 1) arrays, in a list or as a (k, n, 1) array, give the 1-D results (DEVIATIONS 9)."""
    series, ws, form = data.draw(collections(d=0))
    method = data.draw(METHODS)
    step = data.draw(STEPS)
    normalize = step == "symmetric2"
    opts = dict(dist_method=method, step_pattern=step, normalize=normalize, ws=ws)
    one_d = incdtw.dtw_dismat(as_input(series, form), **opts).dismat
    columns = [s[:, None] for s in series]
    assert same(incdtw.dtw_dismat(as_input(columns, form), **opts).dismat, one_d)


# -- 2. dtw_disvec and dtw_cdist --------------------------------------------------------------------
@SETTINGS
@given(collections(min_k=1), METHODS, STEPS, st.data())
def test_disvec_equals_dtw2vec_per_series(coll, method, step, data):
    series, ws, form = coll
    d = 0 if series[0].ndim == 1 else series[0].shape[1]
    rng = np.random.default_rng(data.draw(st.integers(0, 2**32 - 1)))
    lengths = [len(s) for s in series]
    # Q's length keeps every pair feasible under the window
    w = None if ws is None or math.isinf(ws) else int(ws)
    lo, hi = (1, 16) if w is None else (max(1, max(lengths) - w), min(lengths) + w)
    assume(lo <= hi)
    Q = make_series(rng, data.draw(st.integers(lo, hi)), d, data.draw(st.integers(0, 2)))
    normalize = step == "symmetric2" and data.draw(st.booleans())
    raw = [incdtw.dtw2vec(Q, s, dist_method=method, step_pattern=step, ws=ws).distance for s in series]
    threshold = draw_threshold(data, raw)
    kw = dict(method=method, step=step, normalize=normalize, ws=ws, threshold=threshold)
    expected = np.array([pair_value(Q, s, **kw) for s in series])
    opts = dict(dist_method=method, step_pattern=step, normalize=normalize, ws=ws, threshold=threshold)
    r1 = incdtw.dtw_disvec(Q, as_input(series, form), n_jobs=1, **opts)
    r2 = incdtw.dtw_disvec(Q, as_input(series, form), n_jobs=2, **opts)
    assert same(r1.disvec, expected)
    assert same(r2.disvec, r1.disvec)


@SETTINGS
@given(st.data(), METHODS, STEPS)
def test_cdist_equals_dtw2vec_per_pair(data, method, step):
    d = data.draw(DIMS)
    X, ws_x, form_x = data.draw(collections(min_k=1, max_k=5, d=d))
    rng = np.random.default_rng(data.draw(st.integers(0, 2**32 - 1)))
    lengths_x = [len(s) for s in X]
    w = None if ws_x is None or math.isinf(ws_x) else int(ws_x)
    lo, hi = (1, 14) if w is None else (max(1, max(lengths_x) - w), min(lengths_x) + w)
    assume(lo <= hi)
    kind = data.draw(st.integers(0, 2))
    Y = [make_series(rng, data.draw(st.integers(lo, hi)), d, kind) for _ in range(data.draw(st.integers(1, 5)))]
    normalize = step == "symmetric2" and data.draw(st.booleans())
    raw = [incdtw.dtw2vec(x, y, dist_method=method, step_pattern=step, ws=ws_x).distance for x in X for y in Y]
    threshold = draw_threshold(data, raw)
    kw = dict(method=method, step=step, normalize=normalize, ws=ws_x, threshold=threshold)
    expected = np.array([[pair_value(x, y, **kw) for y in Y] for x in X])
    opts = dict(dist_method=method, step_pattern=step, normalize=normalize, ws=ws_x, threshold=threshold)
    got1 = incdtw.dtw_cdist(as_input(X, form_x), Y, n_jobs=1, **opts)
    got2 = incdtw.dtw_cdist(as_input(X, form_x), Y, n_jobs=2, **opts)
    got_all = incdtw.dtw_cdist(as_input(X, form_x), Y, **opts)
    assert got1.shape == (len(X), len(Y))
    assert same(got1, expected)
    assert same(got2, got1)
    assert same(got_all, got1)

    # X against itself: the square form of dtw_dismat (the window suits X by construction)
    if len(X) >= 2:
        square = incdtw.dtw_cdist(as_input(X, form_x), dist_method=method, step_pattern=step, normalize=normalize,
                                  ws=ws_x, threshold=threshold, n_jobs=2)
        dm = incdtw.dtw_dismat(as_input(X, form_x), dist_method=method, step_pattern=step, normalize=normalize,
                               ws=ws_x, threshold=threshold, return_matrix=True).dismat
        assert same(square, dm)
        assert same(square, incdtw.dtw_cdist(X, X, **opts))


@FEW
@given(collections(), METHODS, STEPS)
def test_cdist_of_x_equals_squareform_of_dismat(coll, method, step):
    distance = pytest.importorskip("scipy.spatial.distance")
    series, ws, form = coll
    normalize = step == "symmetric2"
    opts = dict(dist_method=method, step_pattern=step, normalize=normalize, ws=ws)
    condensed = incdtw.dtw_dismat(as_input(series, form), **opts).dismat
    assert same(incdtw.dtw_cdist(as_input(series, form), **opts), distance.squareform(condensed))


# -- 3. the lower bound -----------------------------------------------------------------------------
# incdtw's envelope covers rows [i - ws, i + ws] of Q (clipped). LB_Keogh's argument: every row j of
# C is aligned to some row i of Q with |i - j| <= w, and its cost there is at least its distance to
# the envelope, which holds when [j - w, j + w] lies inside [j - ws, j + ws], i.e. w <= ws. So
#     lowerbound(C, tube=lowerbound_tube(Q, ws)) <= DTW(Q, C, window = w) for every w <= ws
# (ws = 0: the envelope is Q itself), for every dist_method, uni- and multivariate, symmetric1 and
# (a fortiori, diagonal steps count twice) symmetric2, and any C not longer than Q for which that
# window is feasible. IncDTW's envelope stops at row i + ws - 1 and bounds only w <= ws - 1: incdtw
# deliberately differs (test_incdtw_envelope_is_no_bound_for_the_window_ws below).
@st.composite
def bound_cases(draw, max_len=14, equal_lengths=False):
    d = draw(DIMS)
    n = draw(st.integers(1, max_len))
    ws = draw(st.integers(0, n + 1))
    m = n if equal_lengths else draw(st.integers(max(1, n - ws), n))  # not longer than the tube, feasible
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    kind = draw(st.integers(0, 2))
    return make_series(rng, n, d, kind), make_series(rng, m, d, kind), ws


@SETTINGS
@given(bound_cases(), METHODS)
def test_tube_and_lowerbound_equal_naive(case, method):
    Q, C, ws = case
    tube = incdtw.lowerbound_tube(Q, ws, scale="none")
    np.testing.assert_array_equal(tube, ref.envelope(Q, ws))
    lb = incdtw.lowerbound(C, ws, "none", method, tube=tube)
    assert lb == pytest.approx(ref.lower_bound(C, tube, method), rel=1e-12, abs=1e-12)
    # the tube built from Q inside lowerbound is the one of the z-scaled Q (IncDTW's quirk)
    zq = incdtw.scale(Q, type="z")
    assert incdtw.lowerbound(C, ws, "none", method, Q=Q) == pytest.approx(
        ref.lower_bound(C, ref.envelope(zq, ws), method), rel=1e-12, abs=1e-12
    )


@SETTINGS
@given(bound_cases(equal_lengths=True), st.sampled_from(["norm1", "norm2_square"]), STEPS)
def test_lowerbound_never_exceeds_dtw_with_window_ws_equal_lengths(case, method, step):
    Q, C, ws = case
    lb = incdtw.lowerbound(C, ws, "none", method, tube=incdtw.lowerbound_tube(Q, ws, "none"))
    assert lb <= incdtw.dtw(Q, C, dist_method=method, step_pattern=step, ws=ws).distance * (1 + 1e-12) + 1e-12


@SETTINGS
@given(bound_cases(), METHODS, STEPS, st.data())
def test_lowerbound_never_exceeds_dtw_with_any_window_up_to_ws(case, method, step, data):
    Q, C, ws = case
    tube = incdtw.lowerbound_tube(Q, ws, scale="none")
    lb = incdtw.lowerbound(C, ws, "none", method, tube=tube)
    w = data.draw(st.integers(len(Q) - len(C), ws), label="window")
    dist = incdtw.dtw2vec(Q, C, dist_method=method, step_pattern=step, ws=w).distance
    assert lb <= dist * (1 + 1e-12) + 1e-12
    if ws >= len(Q) - 1:  # the envelope is Q's range: also without a window
        assert lb <= incdtw.dtw2vec(Q, C, dist_method=method, step_pattern=step).distance * (1 + 1e-12) + 1e-12
    # a wider tube gives a smaller bound; the bound of Q itself is 0
    assert incdtw.lowerbound(C, ws + 1, "none", method, tube=incdtw.lowerbound_tube(Q, ws + 1, "none")) <= lb
    assert incdtw.lowerbound(Q, ws, "none", method, tube=tube) == 0.0


def test_incdtw_envelope_is_no_bound_for_the_window_ws():
    """IncDTW's envelope [i - ws, i + ws - 1] misses row i + ws: Q = [0, 0, 5, 5], C = [0, 5, 5, 5],
    ws = 1. Row 1 of C (5) can align with Q[2] (|1 - 2| <= 1), DTW with window 1 is 0, but IncDTW's
    envelope of row 1 is Q[0..1] = [0, 0], so its 'bound' is 5 (= DTW with window 0). incdtw's
    envelope of row 1 is Q[0..2] = [0, 5]: bound 0."""
    Q = np.array([0.0, 0.0, 5.0, 5.0])
    C = np.array([0.0, 5.0, 5.0, 5.0])
    assert ref.lower_bound(C, ref.envelope(Q, 1, incdtw_window=True), "norm1") == 5.0
    tube = incdtw.lowerbound_tube(Q, 1, scale="none")
    np.testing.assert_array_equal(tube, [[0.0, 0.0], [0.0, 5.0], [0.0, 5.0], [5.0, 5.0]])
    assert incdtw.lowerbound(C, 1, "none", "norm1", tube=tube) == 0.0
    assert incdtw.dtw2vec(Q, C, step_pattern="symmetric1", ws=1).distance == 0.0
    assert incdtw.dtw2vec(Q, C, step_pattern="symmetric1", ws=0).distance == 5.0
    # on random steps (the shape of the example above) IncDTW's envelope is often above DTW with the
    # window ws, incdtw's never
    rng = np.random.default_rng(8)
    violations = 0
    for _ in range(200):
        n = int(rng.integers(4, 12))
        ws = int(rng.integers(1, 3))
        Q, C = np.sort(rng.choice([0.0, 5.0], n)), np.sort(rng.choice([0.0, 5.0], n))
        dist = incdtw.dtw2vec(Q, C, step_pattern="symmetric1", ws=ws).distance
        violations += ref.lower_bound(C, ref.envelope(Q, ws, incdtw_window=True), "norm1") > dist
        assert incdtw.lowerbound(C, ws, "none", tube=incdtw.lowerbound_tube(Q, ws, "none")) <= dist * (1 + 1e-12)
    assert violations > 30  # 60 of the 200


# -- 4. scale ---------------------------------------------------------------------------------------
@st.composite
def scale_inputs(draw):
    d = draw(DIMS)
    n = draw(st.integers(1, 30))
    shape = (n,) if d == 0 else (n, d)
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    kind = draw(st.integers(0, 3))
    if kind == 3:  # (nearly) constant columns: sd and range at or below the default threshold
        x = np.full(shape, rng.normal()) + rng.normal(size=shape) * draw(st.sampled_from([0.0, 3e-6]))
    else:
        x = make_series(rng, n, d, kind) * draw(st.sampled_from([1.0, 1e-3, 1e3])) + draw(st.floats(-50, 50))
    return x


def naive_scale_column(x: np.ndarray, type_: str, threshold: float, xmean=None, xsd=None, xmin=None, xmax=None):
    """API.md 9, with exactly rounded sums."""
    n = len(x)
    if type_ == "z":
        mu = math.fsum(x) / n if xmean is None else xmean
        if xsd is not None:
            sd = xsd
        else:
            # R's formula: n = 1 gives 0/0 = nan around the own mean (shift only) and s/0 = inf
            # around a given mean ((x - mu) / inf = 0)
            s = math.fsum((x - mu) ** 2)
            sd = math.sqrt(s / (n - 1)) if n > 1 else (math.nan if s == 0 else math.inf)
        return (x - mu) / sd if sd > threshold else x - mu
    lo = float(np.min(x)) if xmin is None else xmin
    hi = float(np.max(x)) if xmax is None else xmax
    return (x - lo) / (hi - lo) if hi - lo > threshold else x - lo


@SETTINGS
@given(scale_inputs(), st.sampled_from(["z", "01"]), st.sampled_from([1e-5, 0.0, 0.5]))
def test_scale_column_wise(x, type_, threshold):
    out = incdtw.scale(x, type=type_, threshold=threshold)
    assert out.shape == x.shape and out.dtype == np.float64
    cols = x.reshape(len(x), -1)
    outc = out.reshape(len(x), -1)
    for col in range(cols.shape[1]):
        c, o = cols[:, col], outc[:, col]
        # column by column: the same as scaling the column alone, bit for bit
        assert same(o, incdtw.scale(np.ascontiguousarray(c), type=type_, threshold=threshold))
        np.testing.assert_allclose(o, naive_scale_column(c, type_, threshold), rtol=1e-9, atol=1e-8)
        n = len(c)
        if type_ == "z":
            sd = math.sqrt(math.fsum((c - math.fsum(c) / n) ** 2) / (n - 1)) if n > 1 else math.nan
            if sd > max(threshold, 1e-9 * (1.0 + float(np.max(np.abs(c))))):  # mean 0, sd 1
                # (not for a constant column with threshold 0: sum / N need not give the value back,
                # the sd of the rounding error is > 0 and the column becomes +-(N-1)/sqrt(N(N-1)).)
                assert abs(math.fsum(o) / n) <= 1e-6
                assert np.std(o, ddof=1) == pytest.approx(1.0, rel=1e-6)
            elif not sd > threshold:  # shifted only
                np.testing.assert_allclose(o, c - math.fsum(c) / n, rtol=1e-12, atol=1e-12)
        else:
            if np.ptp(c) > threshold:  # min 0, max 1 exactly
                assert np.min(o) == 0.0
                assert np.max(o) == 1.0
            else:  # shifted only
                assert same(o, c - np.min(c))


@SETTINGS
@given(scale_inputs(), st.floats(-5, 5), st.floats(0.01, 10), st.floats(-5, 5), st.floats(0.01, 10))
def test_scale_fixed_parameters(x, xmean, xsd, xmin, span):
    xmax = xmin + span
    cols = x.reshape(len(x), -1)
    z = incdtw.scale(x, type="z", xmean=xmean, xsd=xsd).reshape(len(x), -1)
    np.testing.assert_allclose(z, (cols - xmean) / xsd, rtol=1e-12, atol=1e-12)
    assert incdtw.scale(x, type="z", xmean=xmean, xsd=xsd).shape == x.shape
    mm = incdtw.scale(x, type="01", xmin=xmin, xmax=xmax).reshape(len(x), -1)
    np.testing.assert_allclose(mm, (cols - xmin) / (xmax - xmin), rtol=1e-12, atol=1e-12)
    # xmean alone: the sd is taken around xmean (IncDTW), per column
    zm = incdtw.scale(x, type="z", xmean=xmean).reshape(len(x), -1)
    for col in range(cols.shape[1]):
        np.testing.assert_allclose(zm[:, col], naive_scale_column(cols[:, col], "z", 1e-5, xmean=xmean),
                                   rtol=1e-9, atol=1e-9)
    # xmin alone: the max of each column
    mlo = incdtw.scale(x, type="01", xmin=xmin).reshape(len(x), -1)
    for col in range(cols.shape[1]):
        np.testing.assert_allclose(mlo[:, col], naive_scale_column(cols[:, col], "01", 1e-5, xmin=xmin),
                                   rtol=1e-9, atol=1e-9)


# -- 5. dba against a naive implementation of IncDTW's algorithm ------------------------------------
def naive_iter_dist(m1: np.ndarray, m2: np.ndarray, how: str) -> float:
    n, d = m1.shape
    if how in ("dtw_norm1", "dtw_norm2"):
        method = "norm1" if how == "dtw_norm1" else "norm2"
        return incdtw.dtw2vec(m1, m2, dist_method=method, step_pattern="symmetric2").normalized_distance
    diff = np.abs(m1 - m2)
    if how == "norm1":
        return float(np.sum(diff)) / (d * 2 * n)
    if how == "norm2":
        return math.sqrt(float(np.sum(diff * diff))) / (d * 2 * n)
    return float(np.max(diff)) if how == "max" else float(np.min(diff))


def naive_dba_step(m1: np.ndarray, lot2: list[np.ndarray], method: str, step: str, ws):
    """One IncDTW iteration from m1 (n x d): the new barycenter and the alignments' distances."""
    res = [incdtw.dtw(m1, s, dist_method=method, step_pattern=step, ws=ws, return_wp=True) for s in lot2]
    m2 = np.empty_like(m1)
    for i in range(m1.shape[0]):
        rows = [s[r.jj[r.ii == i]] for r, s in zip(res, lot2)]  # all series, in list order
        m2[i] = np.vstack([*rows, m1[i : i + 1]]).mean(axis=0)  # ... and the old row itself
    return m2, np.array([r.distance for r in res]), np.array([r.normalized_distance for r in res])


def naive_dba(lot, m0, iter_max, eps, method, step, ws, iter_dist):
    lot2 = [s.reshape(len(s), -1) for s in lot]
    m1 = m0.reshape(len(m0), -1)
    iterations, dist, norm, m2m = [m1], [], [], []
    for _ in range(iter_max):
        m2, dd, nn = naive_dba_step(m1, lot2, method, step, ws)
        change = naive_iter_dist(m1, m2, iter_dist)
        if eps is not None and change < eps:
            break
        iterations.append(m2)
        dist.append(dd)
        norm.append(nn)
        m2m.append(change)
        m1 = m2
    return iterations, dist, norm, np.array(m2m)


@st.composite
def dba_cases(draw):
    series, ws, form = draw(collections(max_k=5, max_len=10, min_k=1))
    d = 0 if series[0].ndim == 1 else series[0].shape[1]
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    lengths = [len(s) for s in series]
    w = None if ws is None or math.isinf(ws) else int(ws)
    if len(series) >= 2 and draw(st.booleans()):
        m0 = None  # the medoid
    else:
        lo, hi = (1, 10) if w is None else (max(1, max(lengths) - w), min(lengths) + w)
        m0 = make_series(rng, draw(st.integers(lo, hi)), d, draw(st.integers(0, 2)))
    return series, m0, ws, form


def check_dba_against_naive_steps(r, series, method, step, ws, iter_dist, iter_max, eps):
    """Each stored iteration is IncDTW's step from the previous one (the previous one taken from the
    result, so that ties of the alignments are decided on identical input)."""
    lot2 = [s.reshape(len(s), -1) for s in series]
    univariate = series[0].ndim == 1 and r.iterations[0].ndim == 1
    stored = len(r.iterations) - 1
    assert 1 <= len(r.iterations) <= iter_max + 1
    assert len(r.iterDist_m2lot) == len(r.iterDist_m2lot_norm) == len(r.iterDist_m2m) == stored
    assert same(r.m1, r.iterations[-1])
    for k in range(stored):
        m1 = r.iterations[k].reshape(len(r.iterations[k]), -1)
        m2, dd, nn = naive_dba_step(m1, lot2, method, step, ws)
        got = r.iterations[k + 1]
        assert got.ndim == (1 if univariate else 2)
        np.testing.assert_allclose(got.reshape(m2.shape), m2, rtol=1e-12, atol=1e-14)
        np.testing.assert_array_equal(r.iterDist_m2lot[k], dd)  # the same alignments: the same bits
        np.testing.assert_array_equal(r.iterDist_m2lot_norm[k], nn)
        change = naive_iter_dist(m1, got.reshape(m2.shape), iter_dist)
        assert r.iterDist_m2m[k] == pytest.approx(change, rel=1e-12, abs=1e-14)
        if eps is not None:
            assert not change < eps * (1 - 1e-9)
    event(f"dba stopped early: {stored < iter_max}")
    if stored < iter_max:  # stopped by eps: the next change is below it
        assert eps is not None
        m1 = r.iterations[-1].reshape(len(r.iterations[-1]), -1)
        m2, _, _ = naive_dba_step(m1, lot2, method, step, ws)
        # (the naive mean may be 1 ulp off where the library's change is exactly 0: 'min' of a row that stays)
        assert naive_iter_dist(m1, m2, iter_dist) < eps * (1 + 1e-9) + 1e-13


@FEW
@given(dba_cases(), METHODS, STEPS, ITER_DISTS, st.integers(1, 4), st.data())
def test_dba_equals_naive_incdtw_algorithm(case, method, step, iter_dist, iter_max, data):
    series, m0, ws, form = case
    eps_mode = data.draw(st.sampled_from(["none", "small", "large", "mid"]))
    eps = {"none": None, "small": 1e-300, "large": 1e300, "mid": data.draw(st.floats(1e-4, 0.5))}[eps_mode]
    lot = as_input(series, form)
    if m0 is None and step == "symmetric1":  # the medoid needs normalize=True: symmetric2 (as IncDTW)
        with pytest.raises(ValueError, match="symmetric2"):
            incdtw.dba(lot, iterMax=iter_max, dist_method=method, step_pattern=step, ws=ws)
        return
    r1 = incdtw.dba(lot, m0=m0, iterMax=iter_max, eps=eps, dist_method=method, step_pattern=step, ws=ws,
                    iter_dist_method=iter_dist, n_jobs=1)
    r2 = incdtw.dba(lot, m0=m0, iterMax=iter_max, eps=eps, dist_method=method, step_pattern=step, ws=ws,
                    iter_dist_method=iter_dist, n_jobs=2)
    # n_jobs never changes a bit
    assert len(r1.iterations) == len(r2.iterations)
    for a, b in zip(r1.iterations, r2.iterations):
        assert same(a, b)
    for a, b in zip(r1.iterDist_m2lot + r1.iterDist_m2lot_norm, r2.iterDist_m2lot + r2.iterDist_m2lot_norm):
        assert same(a, b)
    assert same(r1.iterDist_m2m, r2.iterDist_m2m)

    # the start: m0, or the medoid (centroid with normalize=True)
    if m0 is None:
        c = incdtw.centroid(series, method, "symmetric2", normalize=True, ws=ws).centroid_index
        assert same(r1.iterations[0], series[c])
    else:
        np.testing.assert_array_equal(r1.iterations[0], m0)
    if eps_mode == "none":
        assert len(r1.iterations) == iter_max + 1
    if eps_mode == "large":
        assert len(r1.iterations) == 1  # every change is below eps: nothing stored
    check_dba_against_naive_steps(r1, series, method, step, ws, iter_dist, iter_max, eps)
    assert r1.input["iterMax"] == iter_max and r1.input["iter_dist_method"] == iter_dist


@FEW
@given(dba_cases(), METHODS, STEPS, ITER_DISTS, st.integers(1, 4))
def test_dba_full_run_equals_naive_run(case, method, step, iter_dist, iter_max):
    """The whole naive run from m0, on real-valued data with squared (or multivariate Euclidean)
    costs: no ties that the last bit of an average could flip. (With absolute differences ties are
    structural even for real values: |a - s1| + |a - s2| = |b - s1| + |b - s2| = |s1 - s2| whenever a
    and b both lie between s1 and s2, so two paths can cost the same and a 1-ulp difference of the
    barycenter would pick another one. test_dba_equals_naive_incdtw_algorithm covers those methods
    step by step.)"""
    series, m0, ws, form = case
    assume(m0 is not None or step == "symmetric2")
    if method == "norm1" or (method == "norm2" and series[0].reshape(len(series[0]), -1).shape[1] == 1):
        method = "norm2_square"
    rng = np.random.default_rng(len(series) * 1000 + sum(len(s) for s in series))
    series = [s + rng.normal(size=s.shape) for s in series]
    if m0 is not None:
        m0 = m0 + rng.normal(size=m0.shape)
    r = incdtw.dba(as_input(series, form), m0=m0, iterMax=iter_max, dist_method=method, step_pattern=step, ws=ws,
                   iter_dist_method=iter_dist)
    start = r.iterations[0] if m0 is None else m0
    iterations, dist, norm, m2m = naive_dba(series, np.asarray(start), iter_max, None, method, step, ws, iter_dist)
    assert len(r.iterations) == len(iterations)
    for got, want in zip(r.iterations, iterations):
        np.testing.assert_allclose(got.reshape(want.shape), want, rtol=1e-12, atol=1e-13)
    for got, want in zip(r.iterDist_m2lot, dist):
        np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-13)
    for got, want in zip(r.iterDist_m2lot_norm, norm):
        np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-13, equal_nan=True)
    np.testing.assert_allclose(r.iterDist_m2m, m2m, rtol=1e-10, atol=1e-13)


# -- 6. centroid ------------------------------------------------------------------------------------
@SETTINGS
@given(collections(), METHODS, STEPS, st.booleans())
def test_centroid_is_first_argmin_of_column_sums(coll, method, step, duplicate):
    series, ws, form = coll
    if duplicate:  # exact ties: two identical series have bit-identical column sums
        series = [*series, series[0].copy()]
        form = "list" if len({len(s) for s in series}) > 1 else form
    normalize = step == "symmetric2"
    r1 = incdtw.centroid(as_input(series, form), method, step, normalize=normalize, ws=ws, n_jobs=1)
    r2 = incdtw.centroid(as_input(series, form), method, step, normalize=normalize, ws=ws, n_jobs=2)
    assert r1.centroid_index == r2.centroid_index
    square = r1.dismat_result.dismat
    assert same(square, r2.dismat_result.dismat)
    assert same(square, incdtw.dtw_dismat(series, method, step, normalize=normalize, ws=ws, return_matrix=True).dismat)
    sums = np.array([math.fsum(square[:, j]) for j in range(len(series))])  # exact sums of the doubles
    best = float(np.min(sums))
    near = np.flatnonzero(sums <= best + 1e-12 * max(1.0, abs(best)))
    if len(near) == 1 or np.all(square == np.round(square)):
        # a clear minimum, or integer distances (exact sums, exact ties): the first minimum
        assert r1.centroid_index == int(np.argmin(sums))
    else:  # sums equal up to rounding: one of them
        assert r1.centroid_index in near
    if duplicate:  # series[0] and its copy have the same sum: the copy (last) is never the first minimum
        assert r1.centroid_index != len(series) - 1
