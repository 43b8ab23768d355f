"""Examples and bad input of the collection API: dtw_dismat, dtw_disvec, dtw_cdist, centroid, dba,
scale (norm), lowerbound_tube, lowerbound. The properties (equality with loops of dtw2vec, a naive
DBA, the lower bound) are in test_collection_properties.py."""

from __future__ import annotations

import math
import re

import numpy as np
import pytest
from helpers import same

import incdtw




def loop_dismat(lot, normalize=True, **kw) -> np.ndarray:
    k = len(lot)
    out = []
    for i in range(k):
        for j in range(i + 1, k):
            r = incdtw.dtw2vec(lot[i], lot[j], **kw)
            out.append(r.normalized_distance if normalize else r.distance)
    return np.array(out)


@pytest.fixture
def lot(rng):
    """Five univariate series of different lengths."""
    return [np.cumsum(rng.normal(size=n)) for n in (12, 15, 9, 14, 11)]


@pytest.fixture
def lot_mv(rng):
    """Four 2-dimensional series of different lengths."""
    return [np.cumsum(rng.normal(size=(n, 2)), axis=0) for n in (10, 13, 8, 12)]


# ---------------------------------------------------------------------------------------------------
# bad input
# ---------------------------------------------------------------------------------------------------
def _call(fn: str, lot, **kw):
    """Every collection function on the collection ``lot`` (with a fitting query / start)."""
    q = np.asarray(lot[0]) if isinstance(lot, list) and len(lot) and not isinstance(lot[0], str) else np.arange(4.0)
    if fn == "dtw_dismat":
        return incdtw.dtw_dismat(lot, **kw)
    if fn == "dtw_disvec":
        return incdtw.dtw_disvec(q, lot, **kw)
    if fn == "dtw_cdist":
        return incdtw.dtw_cdist(lot, **kw)
    if fn == "dtw_cdist_Y":
        return incdtw.dtw_cdist([q], lot, **kw)
    if fn == "centroid":
        return incdtw.centroid(lot, **kw)
    if fn == "dba":
        return incdtw.dba(lot, iterMax=1, **kw)
    if fn == "dba_m0":
        return incdtw.dba(lot, m0=q, iterMax=1, **kw)
    raise AssertionError(fn)


ALL = ["dtw_dismat", "dtw_disvec", "dtw_cdist", "dtw_cdist_Y", "centroid", "dba", "dba_m0"]
NAME = {"dtw_cdist": "X", "dtw_cdist_Y": "Y"}  # the name the collection argument has


@pytest.mark.parametrize("fn", ALL)
def test_empty_collection(fn):
    with pytest.raises(ValueError, match=rf"{NAME.get(fn, 'lot')} must not be empty"):
        _call(fn, [])


@pytest.mark.parametrize("fn", ["dtw_dismat", "centroid"])
def test_single_series_has_no_distance_matrix(fn):
    with pytest.raises(ValueError, match="lot must hold at least two series"):
        _call(fn, [np.arange(5.0)])
    with pytest.raises(ValueError, match="lot must hold at least two series"):
        _call(fn, np.arange(5.0)[None, :])  # a (1, n) array: one series


def test_single_series_is_fine_where_no_pair_is_needed():
    x = np.arange(5.0)
    assert incdtw.dtw_disvec(x, [x]).disvec.tolist() == [0.0]
    assert incdtw.dtw_cdist([x]).tolist() == [[0.0]]
    assert same(incdtw.dba([x], m0=x, iterMax=2).m1, x)


@pytest.mark.parametrize("fn", ALL)
@pytest.mark.parametrize("bad_index", [1, 2])
def test_mixed_dimensionality_names_the_series(fn, bad_index):
    series = [np.arange(5.0), np.arange(6.0), np.arange(4.0)]
    series[bad_index] = np.ones((series[bad_index].shape[0], 2))
    name = NAME.get(fn, "lot")
    with pytest.raises(ValueError, match=re.escape(f"{name}[{bad_index}] has 2 dimensions")):
        _call(fn, series)


def test_mixed_dimensionality_of_query_and_collection(lot, lot_mv):
    with pytest.raises(ValueError, match="Q has 2 dimensions"):
        incdtw.dtw_disvec(lot_mv[0], lot)
    with pytest.raises(ValueError, match="X has 2 dimensions but Y has 1"):
        incdtw.dtw_cdist(lot_mv, lot)
    with pytest.raises(ValueError, match="m0 has 2 dimensions"):
        incdtw.dba(lot, m0=lot_mv[0])
    with pytest.raises(ValueError, match="m0 has 1 dimensions"):
        incdtw.dba(lot_mv, m0=lot[0])
    with pytest.raises(ValueError, match="m0 has 3 dimensions"):
        incdtw.dba(lot_mv, m0=np.ones((5, 3)))


@pytest.mark.parametrize("fn", ALL)
@pytest.mark.parametrize("value", [math.nan, math.inf, -math.inf])
@pytest.mark.parametrize("bad_index", [0, 2])
def test_non_finite_values_name_the_series(fn, value, bad_index):
    series = [np.arange(5.0), np.arange(6.0) + 1, np.arange(4.0) * 2]
    bad = series[bad_index].copy()
    bad[1] = value
    series[bad_index] = bad
    name = NAME.get(fn, "lot")
    if fn in ("dtw_disvec", "dba_m0", "dtw_cdist_Y") and bad_index == 0:
        # _call's query / start is lot[0] itself: checked first, under its own name
        name = {"dtw_disvec": "Q", "dba_m0": "m0", "dtw_cdist_Y": "X"}[fn]
        bad_index = 0
    with pytest.raises(ValueError, match=re.escape(f"{name}[{bad_index}]" if name in ("lot", "X", "Y") else name)
                       + r".*non-finite"):
        _call(fn, series)


def test_non_finite_query_and_start(lot, lot_mv):
    q = lot[0].copy()
    q[3] = math.nan
    with pytest.raises(ValueError, match="Q contains a non-finite value"):
        incdtw.dtw_disvec(q, lot)
    with pytest.raises(ValueError, match="m0 contains a non-finite value"):
        incdtw.dba(lot, m0=q)
    m = lot_mv[1].copy()
    m[2, 1] = math.inf
    with pytest.raises(ValueError, match=re.escape("lot[1]") + ".*non-finite"):
        incdtw.dtw_dismat(lot_mv[:1] + [m] + lot_mv[2:])


def test_infeasible_window_names_the_pair():
    series = [np.arange(5.0), np.arange(7.0), np.arange(12.0)]
    with pytest.raises(ValueError, match="window size is too small") as e:
        incdtw.dtw_dismat(series, ws=3)
    msg = str(e.value)
    assert "lot[2]" in msg and "length 12" in msg and "lot[0]" in msg and "length 5" in msg and "ws = 3" in msg
    with pytest.raises(ValueError, match="window size is too small") as e:
        incdtw.centroid(series, ws=6)
    assert "lot[2]" in str(e.value) and "lot[0]" in str(e.value)
    assert incdtw.dtw_dismat(series, ws=7).dismat.shape == (3,)  # the tightest feasible window

    with pytest.raises(ValueError, match="window size is too small") as e:
        incdtw.dtw_disvec(np.arange(5.0), series, ws=4)
    msg = str(e.value)
    assert "Q" in msg and "lot[2]" in msg and "length 12" in msg and "length 5" in msg
    with pytest.raises(ValueError, match="window size is too small") as e:
        incdtw.dtw_cdist([np.arange(9.0), np.arange(3.0)], series, ws=5)
    msg = str(e.value)
    assert "X[1]" in msg and "length 3" in msg and "Y[2]" in msg and "length 12" in msg
    with pytest.raises(ValueError, match="window size is too small") as e:
        incdtw.dba(series, m0=np.arange(6.0), ws=2)
    msg = str(e.value)
    assert "m0" in msg and "lot[2]" in msg and "length 12" in msg
    with pytest.raises(ValueError, match="window size is too small"):
        incdtw.dba(series, ws=3)  # through the medoid


@pytest.mark.parametrize("fn", ALL)
def test_n_jobs_zero_is_an_error(fn):
    with pytest.raises(ValueError, match="n_jobs must not be 0"):
        _call(fn, [np.arange(5.0), np.arange(6.0)], n_jobs=0)


@pytest.mark.parametrize("fn", ALL)
@pytest.mark.parametrize("n_jobs", [None, -2, -10])
def test_n_jobs_as_scikit_learn_counts_them(fn, n_jobs):
    # None: one thread, -2: all cores but one, below -(cores): one thread (joblib's rule)
    def values(r):
        for field in ("dismat", "disvec", "centroid_index", "m1"):
            if hasattr(r, field):
                return np.asarray(getattr(r, field))
        return np.asarray(r)

    series = [np.arange(5.0), np.arange(6.0), np.arange(4.0)]
    want = values(_call(fn, series, n_jobs=1))
    got = values(_call(fn, series, n_jobs=n_jobs))
    assert want.shape == got.shape and np.array_equal(want, got, equal_nan=True)


@pytest.mark.parametrize("fn", ALL)
@pytest.mark.parametrize("n_jobs", [1.5, 2.0, True, "2"])
def test_n_jobs_not_an_integer(fn, n_jobs):
    with pytest.raises(TypeError, match="n_jobs must be an integer"):
        _call(fn, [np.arange(5.0), np.arange(6.0)], n_jobs=n_jobs)


def test_n_jobs_numpy_integer_and_more_threads_than_pairs(lot):
    ref = incdtw.dtw_dismat(lot, n_jobs=1).dismat
    assert same(incdtw.dtw_dismat(lot, n_jobs=np.int64(2)).dismat, ref)
    assert same(incdtw.dtw_dismat(lot, n_jobs=64).dismat, ref)
    assert same(incdtw.dtw_dismat(lot[:2], n_jobs=8).dismat, ref[:1])


@pytest.mark.parametrize("fn", ALL)
def test_unknown_dist_method_and_step_pattern(fn):
    series = [np.arange(5.0), np.arange(6.0)]
    with pytest.raises(ValueError, match="dist_method must be one of"):
        _call(fn, series, dist_method="euclidean")
    with pytest.raises(ValueError, match="step_pattern must be one of"):
        _call(fn, series, step_pattern="asymmetric")
    with pytest.raises(ValueError, match="dist_method must be one of"):
        _call(fn, series, dist_method=None)


def test_unknown_iter_dist_method_and_scale_type():
    series = [np.arange(5.0), np.arange(6.0)]
    with pytest.raises(ValueError, match="iter_dist_method must be one of"):
        incdtw.dba(series, iter_dist_method="euclid")
    with pytest.raises(ValueError, match="type must be one of"):
        incdtw.scale(np.arange(5.0), type="minmax")
    with pytest.raises(ValueError, match="type must be one of"):
        incdtw.scale(np.arange(5.0), type="none")  # scale() has no 'none'
    with pytest.raises(ValueError, match="scale must be one of"):
        incdtw.lowerbound_tube(np.arange(5.0), 1, scale="zz")
    with pytest.raises(ValueError, match="scale must be one of"):
        incdtw.lowerbound(np.arange(5.0), 1, scale="zz", Q=np.arange(5.0))
    with pytest.raises(ValueError, match="dist_method must be one of"):
        incdtw.lowerbound(np.arange(5.0), 1, dist_method="norm3", Q=np.arange(5.0))


@pytest.mark.parametrize("fn", ["dtw_dismat", "dtw_disvec", "dtw_cdist", "centroid"])
def test_normalize_needs_symmetric2(fn):
    series = [np.arange(5.0), np.arange(6.0)]
    with pytest.raises(ValueError, match="normalize=True needs step_pattern='symmetric2'"):
        _call(fn, series, step_pattern="symmetric1")
    _call(fn, series, step_pattern="symmetric1", normalize=False)
    with pytest.raises(TypeError, match="normalize must be True or False"):
        _call(fn, series, normalize=1)


@pytest.mark.parametrize("fn", ["dtw_dismat", "dtw_disvec", "dtw_cdist", "dtw_cdist_Y", "centroid", "dba"])
@pytest.mark.parametrize("bad", [{"a": np.arange(3.0), "b": np.arange(4.0)}, "abc", None, 3.0, {1.0, 2.0}])
def test_collection_of_wrong_type(fn, bad):
    name = NAME.get(fn, "lot")
    if fn == "dtw_cdist_Y" and bad is None:
        return  # Y=None: X against itself
    with pytest.raises(TypeError, match=rf"{name} must be a list of series"):
        _call(fn, bad)


@pytest.mark.parametrize("fn", ["dtw_dismat", "dtw_disvec", "centroid"])
def test_collection_array_of_wrong_rank(fn):
    with pytest.raises(ValueError, match="lot as an array must be 2-D .* or 3-D"):
        _call(fn, np.arange(6.0))
    with pytest.raises(ValueError, match="lot as an array must be 2-D .* or 3-D"):
        _call(fn, np.zeros((2, 3, 2, 2)))


def test_series_of_wrong_kind():
    with pytest.raises(TypeError, match=re.escape("lot[1]")):
        incdtw.dtw_dismat([np.arange(3.0), "abc"])
    with pytest.raises(ValueError, match=re.escape("lot[1] must not be empty")):
        incdtw.dtw_dismat([np.arange(3.0), np.array([])])
    with pytest.raises(ValueError, match=re.escape("lot[0] must be 1-D")):
        incdtw.dtw_dismat([np.zeros((2, 2, 2)), np.arange(3.0)])
    with pytest.raises(TypeError, match=re.escape("lot[1] must hold real numbers")):
        incdtw.dtw_dismat([np.arange(3.0), np.array([1 + 2j, 3j])])


def test_bad_window_and_threshold(lot):
    with pytest.raises(ValueError, match="ws must be >= 0"):
        incdtw.dtw_dismat(lot, ws=-1)
    with pytest.raises(TypeError, match="ws must be None or a number"):
        incdtw.dtw_dismat(lot, ws="3")
    with pytest.raises(ValueError, match="threshold must be >= 0"):
        incdtw.dtw_dismat(lot, threshold=-0.5)
    with pytest.raises(ValueError, match="threshold must be None or a number"):
        incdtw.dtw_disvec(lot[0], lot, threshold=math.nan)
    with pytest.raises(TypeError, match="return_matrix must be True or False"):
        incdtw.dtw_dismat(lot, return_matrix="yes")


def test_lowerbound_bad_input():
    q = np.arange(6.0)
    tube = incdtw.lowerbound_tube(q, 2)
    with pytest.raises(ValueError, match="either Q or tube must be given"):
        incdtw.lowerbound(q, 2)
    with pytest.raises(ValueError, match="C has 7 observations but the tube only 6"):
        incdtw.lowerbound(np.arange(7.0), 2, tube=tube)
    with pytest.raises(ValueError, match="C has 8 observations but Q only 6"):
        incdtw.lowerbound(np.arange(8.0), 2, Q=q)
    with pytest.raises(ValueError, match="Q and C must have the same number of dimensions"):
        incdtw.lowerbound(np.ones((6, 2)), 2, Q=q)
    with pytest.raises(ValueError, match="tube has 3 columns but C has 1 dimensions"):
        incdtw.lowerbound(q, 2, tube=np.zeros((6, 3)))
    with pytest.raises(ValueError, match="tube has 2 columns but C has 2 dimensions"):
        incdtw.lowerbound(np.ones((6, 2)), 2, tube=tube)
    with pytest.raises(ValueError, match="tube must be a 2-D"):
        incdtw.lowerbound(q, 2, tube=np.zeros(6))
    with pytest.raises(ValueError, match="ws must be >= 0"):
        incdtw.lowerbound_tube(q, -1)
    with pytest.raises(ValueError, match="ws must be an integer"):
        incdtw.lowerbound_tube(q, 1.5)
    with pytest.raises(ValueError, match="Q contains a non-finite value"):
        incdtw.lowerbound_tube(np.array([1.0, math.nan, 2.0]), 1, scale="none")
    with pytest.raises(ValueError, match="C contains a non-finite value"):
        incdtw.lowerbound(np.array([1.0, math.inf]), 1, scale="none", tube=tube)


def test_dba_bad_iterations_and_eps(lot):
    with pytest.raises(ValueError, match="iterMax must be >= 1"):
        incdtw.dba(lot, iterMax=0)
    with pytest.raises(ValueError, match="iterMax must be >= 1"):
        incdtw.dba(lot, iterMax=-3)
    with pytest.raises(ValueError, match="iterMax must be an integer"):
        incdtw.dba(lot, iterMax=2.5)
    with pytest.raises(TypeError, match="iterMax must be an integer"):
        incdtw.dba(lot, iterMax="3")
    with pytest.raises(ValueError, match="eps must be >= 0"):
        incdtw.dba(lot, eps=-1.0)
    assert len(incdtw.dba(lot, iterMax=2.0).iterations) == 3  # an integral float is R's 2


def test_scale_bad_input():
    with pytest.raises(TypeError, match="threshold must be"):
        incdtw.scale(np.arange(3.0), threshold=None)
    with pytest.raises(TypeError, match="xmean must be None or a finite number"):
        incdtw.scale(np.arange(3.0), xmean=math.nan)
    with pytest.raises(TypeError, match="xsd must be None or a finite number"):
        incdtw.scale(np.arange(3.0), xsd="1")
    with pytest.raises(ValueError, match="x contains a non-finite value"):
        incdtw.scale(np.array([1.0, math.inf]))
    with pytest.raises(ValueError, match="x must not be empty"):
        incdtw.scale(np.array([]))


# ---------------------------------------------------------------------------------------------------
# examples
# ---------------------------------------------------------------------------------------------------
def test_dismat_example_equals_loop(lot):
    r = incdtw.dtw_dismat(lot)
    assert same(r.dismat, loop_dismat(lot))
    assert r.input == dict(dist_method="norm1", ws=None, normalize=True, threshold=None, step_pattern="symmetric2",
                           n_jobs=-1)
    raw = incdtw.dtw_dismat(lot, normalize=False, dist_method="norm2", ws=6, threshold=20.0, n_jobs=2)
    assert raw.input == dict(dist_method="norm2", ws=6, normalize=False, threshold=20.0, step_pattern="symmetric2",
                             n_jobs=2)
    assert same(raw.dismat, loop_dismat(lot, normalize=False, dist_method="norm2", ws=6, threshold=20.0))
    assert r["dismat"] is r.dismat  # IncDTW's list access


def test_dismat_threshold_gives_nan_exactly_above(lot):
    raw = incdtw.dtw_dismat(lot, normalize=False).dismat
    t = float(np.median(raw))
    got = incdtw.dtw_dismat(lot, normalize=False, threshold=t).dismat
    assert same(np.where(raw <= t, raw, np.nan), got)
    assert np.isnan(got).any() and not np.isnan(got).all()
    # normalized: the threshold is on the raw distance (IncDTW passes it to dtw2vec)
    norm = incdtw.dtw_dismat(lot, threshold=t).dismat
    assert same(np.isnan(norm), raw > t)
    assert np.all(np.isnan(incdtw.dtw_dismat(lot, normalize=False, threshold=0.0).dismat))


def test_return_matrix_is_symmetric_with_zero_diagonal(lot, lot_mv):
    for series in (lot, lot_mv):
        k = len(series)
        m = incdtw.dtw_dismat(series, return_matrix=True).dismat
        assert m.shape == (k, k) and m.dtype == np.float64
        assert np.all(np.diag(m) == 0.0)
        assert same(m, m.T)
        assert same(m[np.triu_indices(k, 1)], incdtw.dtw_dismat(series).dismat)
        assert np.all(m[~np.eye(k, dtype=bool)] > 0)


def test_scipy_squareform_and_linkage_accept_the_condensed_vector(lot):
    pytest.importorskip("scipy")
    from scipy.cluster.hierarchy import fcluster, linkage
    from scipy.spatial.distance import is_valid_y, squareform

    d = incdtw.dtw_dismat(lot).dismat
    assert is_valid_y(d)
    assert same(squareform(d), incdtw.dtw_dismat(lot, return_matrix=True).dismat)
    Z = linkage(d, method="average")
    assert Z.shape == (len(lot) - 1, 4)
    assert fcluster(Z, 2, criterion="maxclust").shape == (len(lot),)


def test_two_dimensional_array_equals_list(rng):
    arr = np.cumsum(rng.normal(size=(6, 20)), axis=1)
    as_list = list(arr)
    assert same(incdtw.dtw_dismat(arr).dismat, incdtw.dtw_dismat(as_list).dismat)
    assert same(incdtw.dtw_dismat(arr).dismat, loop_dismat(as_list))
    assert same(incdtw.dtw_disvec(arr[0], arr).disvec, incdtw.dtw_disvec(arr[0], as_list).disvec)
    assert same(incdtw.dtw_cdist(arr), incdtw.dtw_cdist(as_list))
    assert same(incdtw.dtw_cdist(arr[:2], arr), incdtw.dtw_cdist(as_list[:2], as_list))
    assert incdtw.centroid(arr).centroid_index == incdtw.centroid(as_list).centroid_index
    a, b = incdtw.dba(arr, iterMax=3), incdtw.dba(as_list, iterMax=3)
    assert a.m1.shape == (20,)
    assert all(same(x, y) for x, y in zip(a.iterations, b.iterations))
    # a tuple, and lists of lists of numbers, and integer input (float64)
    assert same(incdtw.dtw_dismat(tuple(as_list)).dismat, incdtw.dtw_dismat(as_list).dismat)
    ints = rng.integers(-5, 5, size=(4, 9))
    assert same(incdtw.dtw_dismat([row.tolist() for row in ints]).dismat, incdtw.dtw_dismat(ints.astype(float)).dismat)
    assert same(incdtw.dtw_dismat(ints).dismat, incdtw.dtw_dismat(ints.astype(float)).dismat)


def test_three_dimensional_array_equals_list(rng):
    arr = np.cumsum(rng.normal(size=(5, 15, 3)), axis=1)
    as_list = list(arr)
    for kw in (dict(), dict(dist_method="norm2"), dict(dist_method="norm2_square", ws=3)):
        assert same(incdtw.dtw_dismat(arr, **kw).dismat, incdtw.dtw_dismat(as_list, **kw).dismat)
        assert same(incdtw.dtw_dismat(arr, **kw).dismat, loop_dismat(as_list, **kw))
    r = incdtw.dba(arr, iterMax=2)
    assert r.m1.shape == (15, 3)


def test_list_of_one_column_arrays_equals_one_dimensional(lot):
    cols = [s[:, None] for s in lot]
    for kw in (dict(), dict(dist_method="norm2"), dict(dist_method="norm2_square", ws=6),
               dict(step_pattern="symmetric1", normalize=False, threshold=15.0)):
        assert same(incdtw.dtw_dismat(cols, **kw).dismat, incdtw.dtw_dismat(lot, **kw).dismat)
        assert same(incdtw.dtw_disvec(cols[0], cols, **kw).disvec, incdtw.dtw_disvec(lot[0], lot, **kw).disvec)
        assert same(incdtw.dtw_cdist(cols, **kw), incdtw.dtw_cdist(lot, **kw))
    # mixed: (n, 1) and (n,) series have the same single dimension
    mixed = [cols[0], lot[1], cols[2], lot[3], lot[4]]
    assert same(incdtw.dtw_dismat(mixed).dismat, incdtw.dtw_dismat(lot).dismat)
    # dba: (n, 1) in, (n, 1) out; 1-D in, 1-D out; same numbers
    a, b = incdtw.dba(cols, iterMax=2), incdtw.dba(lot, iterMax=2)
    assert a.m1.shape == (len(b.m1), 1) and b.m1.ndim == 1
    assert same(a.m1[:, 0], b.m1)


def test_float32_computes_in_float32(lot, lot_mv):
    for series in (lot, lot_mv):
        f32 = [s.astype(np.float32) for s in series]
        d32 = incdtw.dtw_dismat(f32).dismat
        assert d32.dtype == np.float32
        np.testing.assert_allclose(d32, incdtw.dtw_dismat(series).dismat, rtol=1e-5)
        m32 = incdtw.dtw_dismat(f32, return_matrix=True).dismat
        assert m32.dtype == np.float32 and same(m32[np.triu_indices(len(f32), 1)], d32)
        v32 = incdtw.dtw_disvec(f32[0], f32).disvec
        assert v32.dtype == np.float32
        np.testing.assert_allclose(v32, incdtw.dtw_disvec(series[0], series).disvec, rtol=1e-5, atol=1e-6)
        c32 = incdtw.dtw_cdist(f32)
        assert c32.dtype == np.float32
        np.testing.assert_allclose(c32, incdtw.dtw_cdist(series), rtol=1e-5)
        # float32 results are those of dtw2vec in float32 (same bits), independent of n_jobs
        assert same(incdtw.dtw_dismat(f32, n_jobs=1).dismat, incdtw.dtw_dismat(f32, n_jobs=2).dismat)
        assert d32[0] == np.float32(incdtw.dtw2vec(f32[0], f32[1]).normalized_distance)
        r32, r64 = incdtw.dba(f32, iterMax=3), incdtw.dba(series, iterMax=3)
        assert r32.m1.dtype == np.float32 and r32.iterDist_m2m.dtype == np.float32
        np.testing.assert_allclose(r32.m1, r64.m1, rtol=1e-4, atol=1e-4)
    # one float64 series (or query) makes it float64
    mixed = [lot[0].astype(np.float32), *lot[1:]]
    assert incdtw.dtw_dismat(mixed).dismat.dtype == np.float64
    f32 = [s.astype(np.float32) for s in lot]
    assert incdtw.dtw_disvec(lot[0], f32).disvec.dtype == np.float64
    assert incdtw.dtw_cdist(f32, lot).dtype == np.float64
    assert incdtw.dtw_cdist(f32, f32).dtype == np.float32
    # scale and the tube keep float32
    assert incdtw.scale(f32[0]).dtype == np.float32
    np.testing.assert_allclose(incdtw.scale(f32[0]), incdtw.scale(lot[0]), rtol=1e-5, atol=1e-5)
    assert incdtw.lowerbound_tube(f32[0], 2).dtype == np.float32


def test_disvec_and_cdist_examples(lot, lot_mv):
    for series in (lot, lot_mv):
        q = series[1]
        r = incdtw.dtw_disvec(q, series, normalize=False)
        assert r.disvec.shape == (len(series),) and r.disvec[1] == 0.0
        assert same(r.disvec, np.array([incdtw.dtw2vec(q, s).distance for s in series]))
        assert r.input["normalize"] is False
        cd = incdtw.dtw_cdist(series[:2], series)
        assert cd.shape == (2, len(series))
        assert same(cd[1], incdtw.dtw_disvec(series[1], series).disvec)
        assert same(incdtw.dtw_cdist(series), incdtw.dtw_dismat(series, return_matrix=True).dismat)
    # 1-NN classification: each test series is nearest to the train series it was made from
    t = np.linspace(0, 4 * np.pi, 40)
    train = [np.sin(t), t / 4, np.sign(np.sin(t))]
    test = [np.sin(t[3:]) + 0.05, t[:-4] / 4 - 0.05, np.sign(np.sin(t[::2]))]
    assert incdtw.dtw_cdist(test, train).argmin(axis=1).tolist() == [0, 1, 2]


def test_centroid_examples(lot):
    r = incdtw.centroid(lot)
    square = incdtw.dtw_dismat(lot, return_matrix=True).dismat
    assert r.centroid_index == int(np.argmin(square.sum(axis=0)))
    assert isinstance(r.centroid_index, int)
    assert same(r.dismat_result.dismat, square)
    assert r.dismat_result.input["normalize"] is True
    # ties: the first minimum
    x = np.arange(6.0)
    assert incdtw.centroid([x, x + 1, x + 1, x]).centroid_index == 0
    assert incdtw.centroid([x + 5, x, x]).centroid_index == 1
    assert incdtw.centroid([x, x]).centroid_index == 0
    # the medoid of series around a middle one is the middle one
    assert incdtw.centroid([x - 3, x + 0.1, x - 0.2, x + 3, x]).centroid_index == 4
    r1 = incdtw.centroid(lot, step_pattern="symmetric1", normalize=False, dist_method="norm2", ws=6)
    assert r1.dismat_result.input["step_pattern"] == "symmetric1"


def test_dba_examples(lot, lot_mv):
    # identical series: the barycenter stays where it is (every row averages copies of itself)
    x = np.sin(np.arange(15) / 3)
    r = incdtw.dba([x, x, x], iterMax=4)
    assert same(r.m1, x) and len(r.iterations) == 5
    assert np.all(r.iterDist_m2m == 0.0)
    assert all(np.all(d == 0.0) for d in r.iterDist_m2lot)
    # eps: stop before storing an iteration whose change is below it
    r = incdtw.dba([x, x, x], iterMax=4, eps=1e-12)
    assert len(r.iterations) == 1 and same(r.m1, x)
    assert len(r.iterDist_m2m) == 0 and r.iterDist_m2lot == [] and r.iterDist_m2lot_norm == []
    # m0 = None: the medoid starts
    r = incdtw.dba(lot, iterMax=3)
    assert same(r.iterations[0], lot[incdtw.centroid(lot).centroid_index])
    assert len(r.iterations) == 4 and r.m1.shape == r.iterations[0].shape
    assert [len(d) for d in r.iterDist_m2lot] == [len(lot)] * 3
    assert r.input == dict(iterMax=3, eps=None, step_pattern="symmetric2", dist_method="norm1", ws=None,
                           iter_dist_method="dtw_norm1")
    # the barycenter has m0's length
    m0 = np.zeros(7)
    r = incdtw.dba(lot, m0=m0, iterMax=2, iter_dist_method="max", n_jobs=1)
    assert r.m1.shape == (7,) and same(r.iterations[0], m0)
    rm = incdtw.dba(lot_mv, iterMax=2, dist_method="norm2", iter_dist_method="norm2")
    assert rm.m1.shape == rm.iterations[0].shape and rm.m1.ndim == 2
    # symmetric1 with m0 = None fails through the medoid (normalize=True), as IncDTW
    with pytest.raises(ValueError, match="symmetric2"):
        incdtw.dba(lot, step_pattern="symmetric1")
    r1 = incdtw.dba(lot, m0=lot[0], step_pattern="symmetric1")
    assert all(np.all(np.isnan(d)) for d in r1.iterDist_m2lot_norm)


def test_dba_one_iteration_by_hand():
    """m0 = [0, 10], series [0, 10] and [0, 0, 10]: the paths are (0,0),(1,1) and (0,0),(0,1),(1,2),
    so row 0 averages 0, 0, 0 and m0's 0; row 1 averages 10, 10 and m0's 10: nothing moves. With
    m0 = [2, 8]: row 0 averages 0 (series 0), 0, 0 (series 1) and 2 -> 0.5; row 1: 10, 10, 8 -> 28/3."""
    lot = [np.array([0.0, 10.0]), np.array([0.0, 0.0, 10.0])]
    r = incdtw.dba(lot, m0=np.array([0.0, 10.0]), iterMax=1)
    assert same(r.m1, np.array([0.0, 10.0]))
    r = incdtw.dba(lot, m0=np.array([2.0, 8.0]), iterMax=1, iter_dist_method="norm1")
    np.testing.assert_allclose(r.m1, [0.5, 28.0 / 3.0], rtol=1e-15)
    np.testing.assert_allclose(r.iterDist_m2m, [(1.5 + 4.0 / 3.0) / 4.0], rtol=1e-15)


def test_scale_examples():
    assert same(incdtw.scale([1.0, 2.0, 3.0]), np.array([-1.0, 0.0, 1.0]))
    assert same(incdtw.scale([1.0, 2.0, 5.0], type="01"), np.array([0.0, 0.25, 1.0]))
    # one observation or a constant: shifted only
    assert same(incdtw.scale([4.0]), np.array([0.0]))
    assert same(incdtw.scale(np.full(5, 3.0)), np.zeros(5))
    assert same(incdtw.scale(np.full(5, 3.0), type="01"), np.zeros(5))
    # column by column
    x = np.column_stack([np.arange(5.0), np.arange(5.0) * 10 + 3])
    z = incdtw.scale(x)
    assert same(z[:, 0], z[:, 1]) and z.shape == (5, 2)
    assert same(incdtw.scale(x, type="01")[:, 1], np.linspace(0, 1, 5))
    # fixed parameters (the same for every column)
    assert same(incdtw.scale(x, xmean=1.0, xsd=2.0), (x - 1.0) / 2.0)
    assert same(incdtw.scale(x, type="01", xmin=0.0, xmax=4.0), x / 4.0)
    # the threshold: at or below it, shift only
    small = np.array([0.0, 1e-6, 2e-6])
    assert same(incdtw.scale(small, type="01"), small)
    assert same(incdtw.scale(small, type="01", threshold=0.0), np.array([0.0, 0.5, 1.0]))
    assert incdtw.scale(np.arange(4)).dtype == np.float64  # integers scale as float64


def test_tube_and_lowerbound_examples():
    q = [1.0, 3.0, 2.0, 0.0]
    # rows i - ws .. i + ws (IncDTW's envelope stops at i + ws - 1: [[1, 1], [1, 3], [2, 3], [0, 2]])
    np.testing.assert_array_equal(incdtw.lowerbound_tube(q, 1, scale="none"),
                                  [[1.0, 3.0], [1.0, 3.0], [0.0, 3.0], [0.0, 2.0]])
    np.testing.assert_array_equal(incdtw.lowerbound_tube(q, 2, scale="none"),
                                  [[1.0, 3.0], [0.0, 3.0], [0.0, 3.0], [0.0, 3.0]])
    np.testing.assert_array_equal(incdtw.lowerbound_tube(q, 3, scale="none"), [[0.0, 3.0]] * 4)
    np.testing.assert_array_equal(incdtw.lowerbound_tube(q, 0, scale="none"), np.column_stack([q, q]))
    np.testing.assert_array_equal(incdtw.lowerbound_tube(q, 10, scale="none"), [[0.0, 3.0]] * 4)
    np.testing.assert_array_equal(incdtw.lowerbound_tube(q, 1), incdtw.lowerbound_tube(incdtw.scale(q), 1, "none"))
    np.testing.assert_array_equal(incdtw.lowerbound_tube(q, 1, "01"),
                                  incdtw.lowerbound_tube(incdtw.scale(q, type="01"), 1, "none"))
    tube = [[1.0, 2.0], [1.0, 3.0], [0.0, 3.0]]
    assert incdtw.lowerbound([0.0, 5.0, 1.0], ws=1, scale="none", tube=tube) == 3.0
    assert incdtw.lowerbound([0.0, 5.0, 1.0], ws=1, scale="none", dist_method="norm2_square", tube=tube) == 5.0
    assert incdtw.lowerbound([0.0, 5.0], ws=1, scale="none", tube=tube) == 3.0  # C shorter than the tube
    # multivariate: columns (L1, U1, L2, U2)
    qm = np.column_stack([[0.0, 1.0, 2.0], [5.0, 5.0, 5.0]])
    tm = incdtw.lowerbound_tube(qm, 1, scale="none")
    np.testing.assert_array_equal(tm, [[0.0, 1.0, 5.0, 5.0], [0.0, 2.0, 5.0, 5.0], [1.0, 2.0, 5.0, 5.0]])
    c = np.column_stack([[4.0, 1.0, 2.0], [1.0, 5.0, 5.0]])  # excesses (3, 4), (0, 0), (0, 0)
    assert incdtw.lowerbound(c, 1, "none", "norm1", tube=tm) == 7.0
    assert incdtw.lowerbound(c, 1, "none", "norm2", tube=tm) == 5.0
    assert incdtw.lowerbound(c, 1, "none", "norm2_square", tube=tm) == 25.0
    # with Q: the tube of the z-scaled Q (IncDTW), C scaled as asked
    x = np.array([1.0, 4.0, 2.0, 8.0, 5.0])
    y = np.array([2.0, 2.0, 9.0, 1.0, 3.0])
    assert incdtw.lowerbound(y, 1, "none", Q=x) == incdtw.lowerbound(y, 1, "none", tube=incdtw.lowerbound_tube(x, 1))
    assert incdtw.lowerbound(y, 1, "z", Q=x) == incdtw.lowerbound(  # z(z(Q)), as IncDTW
        incdtw.scale(y), 1, "none", tube=incdtw.lowerbound_tube(incdtw.scale(x), 1, "z"))
    assert incdtw.lowerbound(y, 1, "01", Q=x) == incdtw.lowerbound(
        incdtw.scale(y, type="01"), 1, "none", tube=incdtw.lowerbound_tube(incdtw.scale(x, type="01"), 1, "z"))
    assert isinstance(incdtw.lowerbound(y, 1, Q=x), float)


def test_deprecated_aliases(lot):
    x = np.array([1.0, 2.0, 5.0])
    with pytest.warns(DeprecationWarning, match="scale"):
        out = incdtw.norm(x, type="01")
    assert same(out, incdtw.scale(x, type="01"))
    with pytest.warns(DeprecationWarning, match="dba"):
        r = incdtw.DBA(lot, iterMax=2)
    expected = incdtw.dba(lot, iterMax=2)
    assert all(same(a, b) for a, b in zip(r.iterations, expected.iterations))
    assert same(r.iterDist_m2m, expected.iterDist_m2m)


def test_realistic_size_equals_loop(rng):
    """60 series of length ~200 (unequal), all cores, against the Python loop of dtw2vec."""
    series = [np.cumsum(rng.normal(size=int(n))) for n in rng.integers(180, 221, size=60)]
    got = incdtw.dtw_dismat(series).dismat
    assert got.shape == (60 * 59 // 2,)
    assert same(got, loop_dismat(series))
    assert same(incdtw.dtw_dismat(series, n_jobs=1).dismat, got)
    ws = 45
    got_ws = incdtw.dtw_dismat(series, ws=ws, dist_method="norm2_square", n_jobs=2).dismat
    assert same(got_ws, loop_dismat(series, ws=ws, dist_method="norm2_square"))
    arr = np.cumsum(rng.normal(size=(60, 200, 2)), axis=1)
    assert same(incdtw.dtw_cdist(arr[:10], arr), np.array(
        [[incdtw.dtw2vec(a, b).normalized_distance for b in arr] for a in arr[:10]]))
