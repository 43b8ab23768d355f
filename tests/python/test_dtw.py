"""dtw, cm and dtw2vec: options, result objects, input modes, and bad input."""

from __future__ import annotations

import pickle

import numpy as np
import pytest
import reference as ref

import incdtw
from incdtw import _validate

PAPER_Q = [3.0, 4.0, 5.0, 6.0]
PAPER_C = [1.0, 3.0, 3.0, 5.0, 6.0]


# ---- results -------------------------------------------------------------------------------------


def test_result_fields_and_repr():
    r = incdtw.dtw(PAPER_Q, PAPER_C, return_wp=True)
    assert r.keys() == ["gcm", "dm", "ii", "jj", "wp", "distance", "normalized_distance"]
    assert r["distance"] == r.distance == 3.0
    with pytest.raises(KeyError):
        r["cm"]
    text = repr(r)
    assert text.startswith("DTWResult(") and "gcm=array(shape=(4, 5), dtype=float64)" in text
    assert "distance=3.0" in text and " cm=" not in text
    assert r.ii.dtype == np.intp and r.wp.dtype == np.int8 and r.dm.dtype == np.int8
    with pytest.raises(AttributeError):
        r.distance = 1.0  # frozen


def test_dtw2vec_result():
    r = incdtw.dtw2vec(PAPER_Q, PAPER_C)
    assert (r.distance, r.normalized_distance) == (3.0, 3.0 / 9)
    assert "DTW2VecResult(" in repr(r)
    s1 = incdtw.dtw2vec(PAPER_Q, PAPER_C, step_pattern="symmetric1")
    assert np.isnan(s1.normalized_distance) and s1.distance == 3.0


def test_results_own_their_memory_without_copies():
    r = incdtw.dtw(PAPER_Q, PAPER_C, return_wp=True)
    assert r.gcm.base is not None and r.gcm.flags.c_contiguous  # capsule-owned numpy buffers
    del r  # arrays stay valid after the result goes away
    g = incdtw.dtw(PAPER_Q, PAPER_C).gcm
    assert g[3, 4] == 3.0


def test_results_pickle():
    r = incdtw.dtw(PAPER_Q, PAPER_C, return_wp=True)
    r2 = pickle.loads(pickle.dumps(r))
    np.testing.assert_array_equal(r2.gcm, r.gcm)
    assert r2.distance == r.distance


# ---- options and modes ---------------------------------------------------------------------------


def test_paper_window_and_threshold():
    assert incdtw.dtw(PAPER_Q, PAPER_C, ws=1).distance == 4.0
    assert incdtw.dtw2vec(PAPER_Q, PAPER_C, ws=1).distance == 4.0
    assert np.isnan(incdtw.dtw2vec(PAPER_Q, PAPER_C, threshold=2).distance)
    assert incdtw.dtw2vec(PAPER_Q, PAPER_C, threshold=3).distance == 3.0  # equal to the threshold: kept
    assert incdtw.dtw2vec(PAPER_Q, PAPER_C, threshold=float("inf")).distance == 3.0


def test_window_inf_is_no_window_and_fractional_ws_truncates():
    a = incdtw.dtw(PAPER_Q, PAPER_C, ws=float("inf"))
    b = incdtw.dtw(PAPER_Q, PAPER_C)
    np.testing.assert_array_equal(a.gcm, b.gcm)
    np.testing.assert_array_equal(incdtw.dtw(PAPER_Q, PAPER_C, ws=1.7).gcm, incdtw.dtw(PAPER_Q, PAPER_C, ws=1).gcm)


def test_window_marks_outside_cells():
    r = incdtw.dtw(PAPER_Q, PAPER_C, ws=1, return_cm=True, return_diffM=True)
    i, j = np.indices(r.gcm.shape)
    outside = np.abs(i - j) > 1
    assert np.isnan(r.gcm[outside]).all() and not np.isnan(r.gcm[~outside]).any()
    assert (r.dm[outside] == 0).all()
    assert np.isnan(r.cm[outside]).all() and np.isnan(r.diffM[outside]).all()


def test_single_observation_path():  # IncDTW never returns here (DEVIATIONS 1)
    r = incdtw.dtw([1.0], [2.5], return_wp=True, return_diffp=True)
    assert r.distance == 1.5
    np.testing.assert_array_equal(r.ii, [0])
    np.testing.assert_array_equal(r.jj, [0])
    assert r.wp.size == 0 and r.wp.dtype == np.int8
    np.testing.assert_array_equal(r.diffp, [-1.5])


def test_diffp_with_one_column_or_row():  # IncDTW errors (DEVIATIONS 2)
    r = incdtw.dtw([2.0, 3.0, 4.5], [1.5], return_diffp=True)
    np.testing.assert_array_equal(r.diffp, [0.5, 1.5, 3.0])
    r = incdtw.dtw([1.5], [2.0, 3.0], return_diffp=True)
    np.testing.assert_array_equal(r.diffp, [-0.5, -1.5])


def test_diffp_in_path_order_and_multivariate(rng):
    Q, C = rng.normal(size=(9, 2)), rng.normal(size=(7, 2))
    r = incdtw.dtw(Q, C, return_diffp=True)
    np.testing.assert_array_equal(r.diffp, Q[r.ii] - C[r.jj])
    q, c = rng.normal(size=9), rng.normal(size=7)
    r = incdtw.dtw(q, c, return_diffp=True, return_diffM=True)
    np.testing.assert_array_equal(r.diffp, r.diffM[r.ii, r.jj])
    assert r.ii is not None  # return_diffp implies return_wp


def test_univariate_norm2_square_is_squared(rng):  # DEVIATIONS 9: no silent switch to norm1
    q, c = rng.normal(size=8), rng.normal(size=6)
    sq = incdtw.dtw(q, c, dist_method="norm2_square", return_cm=True)
    np.testing.assert_array_equal(sq.cm, (q[:, None] - c[None, :]) ** 2)
    n1 = incdtw.dtw(q, c, dist_method="norm1").distance
    assert incdtw.dtw(q, c, dist_method="norm2").distance == n1
    col = incdtw.dtw(q[:, None], c[:, None], dist_method="norm2_square")
    assert col.distance == sq.distance  # (n,) and (n, 1) agree


def test_matrix_modes_equal_series_mode(rng):
    q, c = rng.normal(size=12), rng.normal(size=10)
    for ws in (None, 3):
        for method in ("norm1", "norm2_square"):
            base = incdtw.dtw(q, c, dist_method=method, ws=ws, return_wp=True)
            cost = incdtw.cm(q, c, dist_method=method, ws=ws)  # nan outside the window is fine with ws
            from_cm = incdtw.dtw(cost, "cm", ws=ws, return_wp=True)
            diff = np.subtract.outer(q, c)
            from_diff = incdtw.dtw(diff, "diffM", dist_method=method, ws=ws, return_wp=True, return_cm=True)
            for other in (from_cm, from_diff):
                np.testing.assert_array_equal(other.gcm, base.gcm)
                np.testing.assert_array_equal(other.dm, base.dm)
                np.testing.assert_array_equal(other.ii, base.ii)
            assert incdtw.dtw2vec(cost, "cm", ws=ws).distance == base.distance
            assert incdtw.dtw2vec(diff, "diffM", dist_method=method, ws=ws).distance == base.distance


def test_return_gcm_false_keeps_only_directions(rng):
    q, c = rng.normal(size=30), rng.normal(size=25)
    full = incdtw.dtw(q, c, ws=7, return_wp=True)
    light = incdtw.dtw(q, c, ws=7, return_wp=True, return_gcm=False)
    assert light.gcm is None
    np.testing.assert_array_equal(light.dm, full.dm)
    np.testing.assert_array_equal(light.ii, full.ii)
    np.testing.assert_array_equal(light.jj, full.jj)
    assert light.distance == full.distance


def test_float32_computed_in_float32(rng):
    q, c = rng.normal(size=50).astype(np.float32), rng.normal(size=40).astype(np.float32)
    r32 = incdtw.dtw(q, c, return_cm=True)
    assert r32.gcm.dtype == np.float32 and r32.cm.dtype == np.float32
    r64 = incdtw.dtw(q.astype(np.float64), c.astype(np.float64))
    assert r32.distance == pytest.approx(r64.distance, rel=1e-5)
    assert incdtw.dtw2vec(q, c).distance == r32.distance
    mixed = incdtw.dtw(q, c.astype(np.float64))
    assert mixed.gcm.dtype == np.float64


def test_accepts_lists_ints_and_non_contiguous_views(rng):
    base = rng.integers(-5, 5, size=(20, 3))
    view = np.asfortranarray(base.astype(float))[::2]
    r = incdtw.dtw(view, base[:7].tolist(), dist_method="norm2")
    expect = ref.dtw(view, base[:7], dist_method="norm2")
    assert r.distance == pytest.approx(expect[2], rel=1e-12)


def test_cm_with_callable():
    def manhattan(a, b, scale=1.0):
        return scale * float(np.abs(a - b).sum())

    Q = np.array([[0.0, 1.0], [2.0, 2.0], [3.0, 1.0]])
    C = np.array([[1.0, 1.0], [2.0, 0.0]])
    out = incdtw.cm(Q, C, dist_method=manhattan, scale=2.0)
    np.testing.assert_array_equal(out, 2.0 * incdtw.cm(Q, C))
    banded = incdtw.cm(Q, C, dist_method=manhattan, ws=0)
    assert np.isnan(banded[0, 1]) and banded[0, 0] == 1.0
    with pytest.raises(TypeError, match="dist_method must return a real number"):
        incdtw.cm(Q, C, dist_method=lambda a, b: "x")
    with pytest.raises(ValueError, match="C contains a non-finite value .* at observation 1"):
        incdtw.cm(Q, np.array([[1.0, 1.0], [np.nan, 0.0]]), dist_method=manhattan)
    with pytest.raises(TypeError, match="unexpected keyword"):
        incdtw.cm(Q, C, scale=2.0)


# ---- bad input ---------------------------------------------------------------------------------

BAD_SERIES = [
    ([], ValueError, "Q must not be empty"),
    (np.zeros((0, 2)), ValueError, "Q must not be empty"),
    ([1.0, np.nan, 2.0], ValueError, "Q contains a non-finite value"),
    ([1.0, np.inf], ValueError, "Q contains a non-finite value"),
    (np.zeros((2, 2, 2)), ValueError, "Q must be 1-D"),
    (np.float64(3.0), ValueError, "Q must be 1-D"),
    (["a", "b"], TypeError, "Q must hold real numbers"),
    (np.array([1 + 1j]), TypeError, "Q must hold real numbers"),
    (np.array([True, False]), TypeError, "Q must hold real numbers"),
    (np.array([1.0, None], dtype=object), TypeError, "Q must hold real numbers"),
    ("abc", TypeError, "Q must be a numeric array"),
]


@pytest.mark.parametrize("func", [incdtw.dtw, incdtw.dtw2vec, incdtw.cm])
@pytest.mark.parametrize("bad,exc,msg", BAD_SERIES, ids=[m for _, _, m in BAD_SERIES])
def test_bad_series(func, bad, exc, msg):
    with pytest.raises(exc, match=msg):
        func(bad, [1.0, 2.0])


@pytest.mark.parametrize("func", [incdtw.dtw, incdtw.dtw2vec, incdtw.cm])
def test_bad_C_named(func):
    with pytest.raises(ValueError, match="C contains a non-finite value"):
        func([1.0, 2.0], [0.0, np.nan])
    with pytest.raises(ValueError, match="C must not be empty"):
        func([1.0, 2.0], [])


@pytest.mark.parametrize("func", [incdtw.dtw, incdtw.dtw2vec, incdtw.cm])
def test_mismatched_dimensions(func):
    with pytest.raises(ValueError, match="same number of dimensions"):
        func(np.zeros((10, 2)), np.zeros((8, 3)))
    with pytest.raises(ValueError, match="same number of dimensions"):
        func(np.zeros(10), np.zeros((8, 3)))


@pytest.mark.parametrize(
    "kwargs,exc,msg",
    [
        (dict(ws=-1), ValueError, "ws must be >= 0"),
        (dict(ws=float("nan")), ValueError, "ws must be None or a number"),
        (dict(ws="3"), TypeError, "ws must be None or a number"),
        (dict(ws=True), TypeError, "ws must be None or a number"),
        (dict(ws=0), ValueError, "window size is too small"),
        (dict(dist_method="euclid"), ValueError, "dist_method must be one of"),
        (dict(dist_method=None), ValueError, "dist_method must be one of"),
        (dict(step_pattern="asymmetric"), ValueError, "step_pattern must be one of"),
    ],
)
@pytest.mark.parametrize("func", [incdtw.dtw, incdtw.dtw2vec])
def test_bad_options(func, kwargs, exc, msg):
    with pytest.raises(exc, match=msg):
        func([1.0, 2.0, 3.0], [1.0, 2.0], **kwargs)


@pytest.mark.parametrize("flag", ["return_cm", "return_diffM", "return_wp", "return_diffp", "return_QC", "return_gcm"])
def test_bad_flags(flag):
    with pytest.raises(TypeError, match=flag):
        incdtw.dtw([1.0], [2.0], **{flag: "yes"})


@pytest.mark.parametrize(
    "threshold,exc,msg",
    [(-1, ValueError, "threshold must be >= 0"), (float("nan"), ValueError, "threshold"), ("1", TypeError, "threshold")],
)
def test_bad_threshold(threshold, exc, msg):
    with pytest.raises(exc, match=msg):
        incdtw.dtw2vec([1.0, 2.0], [1.0, 2.0], threshold=threshold)


def test_bad_matrix_modes():
    with pytest.raises(ValueError, match="C must be a series, or one of the strings"):
        incdtw.dtw(np.ones((3, 3)), "cdrm")
    with pytest.raises(ValueError, match="'cm' when Q is a cost matrix"):
        incdtw.dtw2vec(np.ones((3, 3)), "foo")
    with pytest.raises(ValueError, match="Q must be a 2-D cost matrix"):
        incdtw.dtw([1.0, 2.0], "cm")
    with pytest.raises(ValueError, match="finite values >= 0 inside the window"):
        incdtw.dtw(np.array([[1.0, -1.0], [0.0, 1.0]]), "cm")
    with pytest.raises(ValueError, match="finite values >= 0 inside the window"):
        incdtw.dtw2vec(np.array([[1.0, np.nan], [0.0, 1.0]]), "cm")
    with pytest.raises(ValueError, match="finite values inside the window"):
        incdtw.dtw(np.array([[1.0, np.inf], [0.0, 1.0]]), "diffM")
    # NaN outside the window is never read
    banded = np.array([[1.0, np.nan], [np.nan, 1.0]])
    assert incdtw.dtw(banded, "cm", ws=0).distance == 3.0  # 1 + 2 * 1 (symmetric2 diagonal)
    with pytest.raises(ValueError, match="window size is too small"):
        incdtw.dtw2vec(np.ones((5, 2)), "cm", ws=2)


def test_too_large_refused_before_allocating(monkeypatch):
    q = np.zeros(300_000)
    with pytest.raises(incdtw.ResultTooLargeError, match="dtw2vec"):
        incdtw.dtw(q, q)  # 300k x 300k would need ~800 TB
    monkeypatch.setattr(_validate, "available_memory", lambda: 10_000)
    monkeypatch.setattr(_validate, "SMALL_RESULT_BYTES", 0)
    with pytest.raises(MemoryError, match="return_gcm=False"):
        incdtw.dtw(np.zeros(100), np.zeros(100))
    with pytest.raises(ValueError):  # ResultTooLargeError is also a ValueError
        incdtw.cm(np.zeros(100), np.zeros(100))
    # 100 x 90 directions alone (9 kB) fit
    assert incdtw.dtw(np.zeros(100), np.zeros(90), return_gcm=False, return_wp=True).distance == 0.0


@pytest.mark.parametrize("step", ["symmetric1", "symmetric2"])
@pytest.mark.parametrize("method", ["norm1", "norm2", "norm2_square"])
def test_dtw2vec_bit_identical_to_dtw_on_longer_series(rng, step, method):
    # long rows exercise the blocked distance loop and its remainders
    for n, m, d in ((203, 190, 1), (97, 131, 2), (64, 64, 3)):
        Q = np.cumsum(rng.normal(size=(n, d)), axis=0)
        C = np.cumsum(rng.normal(size=(m, d)), axis=0)
        for ws in (None, abs(n - m), abs(n - m) + 17):
            full = incdtw.dtw(Q, C, dist_method=method, step_pattern=step, ws=ws).distance
            assert incdtw.dtw2vec(Q, C, dist_method=method, step_pattern=step, ws=ws).distance == full
            assert incdtw.dtw2vec(C, Q, dist_method=method, step_pattern=step, ws=ws).distance == full


@pytest.mark.parametrize("ws", [2**63 - 1, 2**63 + 5, 1e300, 10**400], ids=["int64max", "above", "1e300", "10**400"])
def test_huge_windows_are_no_window(ws):
    base = incdtw.dtw(PAPER_Q, PAPER_C, return_cm=True)
    r = incdtw.dtw(PAPER_Q, PAPER_C, ws=ws, return_cm=True)
    np.testing.assert_array_equal(r.gcm, base.gcm)
    np.testing.assert_array_equal(r.cm, base.cm)
    assert incdtw.dtw2vec(PAPER_Q, PAPER_C, ws=ws).distance == 3.0
    np.testing.assert_array_equal(incdtw.cm(PAPER_Q, PAPER_C, ws=ws), base.cm)


def test_float32_threshold_is_not_rounded_up():
    q = np.array(PAPER_Q, dtype=np.float32)
    c = np.array(PAPER_C, dtype=np.float32)
    assert incdtw.dtw2vec(q, c, threshold=3.0).distance == 3.0
    assert np.isnan(incdtw.dtw2vec(q, c, threshold=np.nextafter(3.0, 0.0)).distance)
    assert incdtw.dtw2vec(q, c, threshold=1e300).distance == 3.0  # beyond float32's range


def test_threads_share_inputs_and_agree_with_serial(rng):
    from concurrent.futures import ThreadPoolExecutor

    Q = np.cumsum(rng.normal(size=(300, 2)), axis=0)
    Cs = [np.cumsum(rng.normal(size=(250 + 10 * k, 2)), axis=0) for k in range(8)]
    serial = [(incdtw.dtw(Q, C, return_wp=True), incdtw.dtw2vec(Q, C, ws=120).distance) for C in Cs]
    with ThreadPoolExecutor(max_workers=8) as pool:  # the GIL is released inside _core
        parallel = list(pool.map(lambda C: (incdtw.dtw(Q, C, return_wp=True), incdtw.dtw2vec(Q, C, ws=120).distance), Cs))
    for (a, da), (b, db) in zip(serial, parallel):
        np.testing.assert_array_equal(a.gcm, b.gcm)
        np.testing.assert_array_equal(a.ii, b.ii)
        assert da == db
