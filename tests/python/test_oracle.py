"""Every case of IncDTW's oracle for dtw, cm and dtw2vec, reproduced (DEVIATIONS.md mapping:
0-based indices, 0 for NA in dm, diffp in path order)."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import decode, load_oracle, scalar

import incdtw

RTOL = 1e-12

DTW_CASES = load_oracle("dtw")
CM_CASES = load_oracle("cm")
DTW2VEC_CASES = load_oracle("dtw2vec")


def kwargs_of(args: dict, keys: tuple[str, ...]) -> dict:
    out = {}
    for k in keys:
        if k in args:
            value = args[k]
            out[k] = value if isinstance(value, (bool, str)) else scalar(value)
    return out


def series_arg(x):
    return x if isinstance(x, str) else decode(x)


def assert_close(actual, expected, name):
    expected = np.asarray(expected, dtype=float)
    actual = np.asarray(actual, dtype=float)
    assert actual.shape == expected.shape, name
    np.testing.assert_array_equal(np.isnan(actual), np.isnan(expected), err_msg=f"{name}: NaN pattern")
    np.testing.assert_allclose(actual, expected, rtol=RTOL, atol=0, equal_nan=True, err_msg=name)


def assert_scalar(actual, expected, name):
    if np.isnan(expected):
        assert np.isnan(actual), name
    else:
        assert actual == pytest.approx(expected, rel=RTOL, abs=0), name


@pytest.mark.parametrize("case", DTW_CASES, ids=[c["id"] for c in DTW_CASES])
def test_dtw_oracle(case):
    a = case["args"]
    kw = kwargs_of(
        a,
        ("dist_method", "step_pattern", "ws", "return_cm", "return_diffM", "return_wp", "return_diffp", "return_QC"),
    )
    Q, C = series_arg(a["Q"]), series_arg(a["C"])
    if case["error"] is not None:
        with pytest.raises(ValueError, match="window size is too small"):
            incdtw.dtw(Q, C, **kw)
        return
    r = incdtw.dtw(Q, C, **kw)
    exp = case["result"]
    assert_close(r.gcm, decode(exp["gcm"]), "gcm")
    dm = decode(exp["dm"])
    np.testing.assert_array_equal(r.dm, np.where(np.isnan(dm), 0, dm).astype(np.int8), err_msg="dm")
    assert r.dm.dtype == np.int8
    assert_scalar(r.distance, scalar(exp["distance"]), "distance")
    assert_scalar(r.normalized_distance, scalar(exp["normalized_distance"]), "normalized_distance")
    if "ii" in exp:
        np.testing.assert_array_equal(r.ii, decode(exp["ii"]).astype(int) - 1, err_msg="ii")
        np.testing.assert_array_equal(r.jj, decode(exp["jj"]).astype(int) - 1, err_msg="jj")
        np.testing.assert_array_equal(r.wp, decode(exp["wp"]).astype(int), err_msg="wp")
    else:
        assert r.ii is None and r.jj is None and r.wp is None
    if "diffp" in exp:  # IncDTW returns diffp from (n,m) back to (1,1); incdtw in path order
        assert_close(r.diffp, decode(exp["diffp"])[::-1], "diffp")
    if "cm" in exp:
        assert_close(r.cm, decode(exp["cm"]), "cm")
    else:
        assert r.cm is None
    if "diffM" in exp:
        expected = decode(exp["diffM"])
        if expected.size == 1 and np.isnan(expected).all():  # IncDTW's NA: matrix or cost-matrix input
            if isinstance(C, str) or Q.shape[1] > 1:
                assert r.diffM is None
            else:  # (n, 1) input is univariate in incdtw (DEVIATIONS 9): it has a difference matrix
                assert_close(r.diffM, Q[:, 0][:, None] - C[:, 0][None, :], "diffM")
        else:
            assert_close(r.diffM, expected, "diffM")
    if "Q" in exp:
        if isinstance(C, str):  # matrix modes: incdtw returns the matrix it was given and the mode
            assert r.C == C
            assert_close(r.Q, Q, "Q")
        else:
            assert_close(r.Q, decode(exp["Q"]), "Q")
            assert_close(r.C, decode(exp["C"]), "C")


@pytest.mark.parametrize("case", CM_CASES, ids=[c["id"] for c in CM_CASES])
def test_cm_oracle(case):
    a = case["args"]
    out = incdtw.cm(decode(a["Q"]), decode(a["C"]), **kwargs_of(a, ("dist_method", "ws")))
    assert_close(out, decode(case["result"]), "cm")


@pytest.mark.parametrize("case", DTW2VEC_CASES, ids=[c["id"] for c in DTW2VEC_CASES])
def test_dtw2vec_oracle(case):
    a = case["args"]
    kw = kwargs_of(a, ("dist_method", "step_pattern", "ws", "threshold"))
    Q, C = series_arg(a["Q"]), series_arg(a["C"])
    if case["error"] is not None:
        with pytest.raises(ValueError):
            incdtw.dtw2vec(Q, C, **kw)
        return
    r = incdtw.dtw2vec(Q, C, **kw)
    exp = case["result"]
    assert_scalar(r.distance, scalar(exp["distance"]), "distance")
    assert_scalar(r.normalized_distance, scalar(exp["normalized_distance"]), "normalized_distance")


def test_oracle_counts():
    # all cases of the three files are exercised above; this guards against an empty fixture
    assert (len(DTW_CASES), len(CM_CASES), len(DTW2VEC_CASES)) == (34, 3, 30)
