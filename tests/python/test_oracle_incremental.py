"""Every case of IncDTW's oracle for idtw, idtw2vec, dec_dm, dtw_partial and the planedtw functions,
reproduced (DEVIATIONS.md mapping: 0-based indices, 0 for NA in dm, half-open 0-based ranges, diffp in
path order, nan for NA/NaN)."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import decode, load_oracle, scalar
from helpers import ids, opt_int

import incdtw

RTOL = 1e-12

IDTW_CASES = load_oracle("idtw")
IDTW2VEC_CASES = load_oracle("idtw2vec")
DEC_DM_CASES = load_oracle("dec_dm")
DTW_PARTIAL_CASES = load_oracle("dtw_partial")
PLANE_CASES = load_oracle("planedtw")




def assert_close(actual, expected, name):
    expected = np.asarray(expected, dtype=float)
    actual = np.asarray(actual, dtype=float)
    assert actual.shape == expected.shape, f"{name}: shape {actual.shape} != {expected.shape}"
    np.testing.assert_array_equal(np.isnan(actual), np.isnan(expected), err_msg=f"{name}: NaN pattern")
    np.testing.assert_allclose(actual, expected, rtol=RTOL, atol=0, equal_nan=True, err_msg=name)


def assert_scalar(actual, expected, name):
    if np.isnan(expected):
        assert np.isnan(actual), f"{name}: {actual} is not nan"
    else:
        assert actual == pytest.approx(expected, rel=RTOL, abs=0), name


def series_arg(x):
    """A series, a matrix, or a mode string ('cm', 'cm_add', 'diffM_add')."""
    return x if isinstance(x, str) else decode(x)




def dm_of(x):
    """R's direction matrix -> incdtw's: int8 with 0 where R has NA."""
    d = decode(x)
    return np.where(np.isnan(d), 0, d).astype(np.int8)


def r_range(x):
    """R's 1-based inclusive c(a, b) -> incdtw's 0-based half-open (a - 1, b)."""
    a, b = (int(v) for v in decode(x))
    return (a - 1, b)


def assert_path(r, exp):
    np.testing.assert_array_equal(r.ii, decode(exp["ii"]).astype(int) - 1, err_msg="ii")
    np.testing.assert_array_equal(r.jj, decode(exp["jj"]).astype(int) - 1, err_msg="jj")
    np.testing.assert_array_equal(r.wp, decode(exp["wp"]).astype(int), err_msg="wp")


# ----------------------------------------------------------------------------------------------------
# idtw
# ----------------------------------------------------------------------------------------------------
IDTW_FLAGS = ("return_cm", "return_diffM", "return_wp", "return_diffp", "return_QC")


def idtw_kwargs(a: dict) -> dict:
    kw = {k: a[k] for k in ("dist_method", "step_pattern", *IDTW_FLAGS) if k in a}
    if "ws" in a:
        kw["ws"] = opt_int(a["ws"])
    if a.get("diffM") is not None:
        kw["diffM"] = decode(a["diffM"])
    return kw


# IncDTW's idtw() leaves the first-row cell (0, ws) unfilled when the old column count m equals ws
# (DEVIATIONS 4); incdtw's idtw() equals dtw() from scratch there. idtw_004 (m = ws = 6) is such a case:
# only that one cell of gcm and dm differs (the path and the distance agree).
IDTW_FIRST_ROW_QUIRK = {"idtw_004"}
# idtw_011 passes the gcm of a ws = 5 alignment without ws (see test_idtw_oracle).
IDTW_STATE_FROM_A_WINDOW = {"idtw_011"}


def assert_idtw_normalized(r, exp, n, m, o, step_pattern):
    """normalized_distance of idtw().

    IncDTW 1.1.4.6 divides by nrow(gcm) + ncol(gcm) + length(newObs) *after* appending the o new
    columns to gcm, i.e. by n + m + 2o, which is not the normalisation of dtw(Q, c(C, newObs)).
    incdtw divides by n + m + o (API.md section 3, as dtw() from scratch). The oracle's value is
    checked to be exactly IncDTW's formula, so both numbers are pinned.
    """
    expected = scalar(exp["normalized_distance"])
    if step_pattern == "symmetric1":
        assert np.isnan(expected)
        assert np.isnan(r.normalized_distance)
        return
    distance = scalar(exp["distance"])
    assert expected == pytest.approx(distance / (n + m + 2 * o), rel=RTOL, abs=0), "IncDTW's normalisation"
    assert_scalar(r.normalized_distance, distance / (n + m + o), "normalized_distance")


@pytest.mark.parametrize("case", IDTW_CASES, ids=ids(IDTW_CASES))
def test_idtw_oracle(case):
    a = case["args"]
    kw = idtw_kwargs(a)
    Q, C, newObs = series_arg(a["Q"]), series_arg(a["C"]), decode(a["newObs"])
    gcm, dm = decode(a["gcm"]), decode(a["dm"])  # R's dm with NaN for NA: idtw converts it
    n, m = gcm.shape

    if case["error"] is not None:
        # idtw_012: IncDTW fails for multivariate input with return_diffM=TRUE ("object 'diffM_add' not
        # found"); incdtw returns the result, without a difference matrix (univariate input only).
        assert case["id"] == "idtw_012" and "diffM_add" in case["error"]
        r = incdtw.idtw(Q, C, newObs, gcm, dm, **kw)
        assert r.diffM is None
        assert r.gcm.shape == (n, m + len(newObs))
        assert_close(r.gcm[:, :m], gcm, "old columns of gcm")  # copied, untouched
        # the case's gcm does not belong to its Q and C (IncDTW stopped before it mattered): with the
        # gcm and dm of dtw(Q, C), the result is that of dtw() on the whole series
        C_full = np.vstack([C, newObs])
        dtw_kw = {k: v for k, v in kw.items() if k != "return_diffM"}
        r0 = incdtw.dtw(Q, C, **dtw_kw)
        r = incdtw.idtw(Q, C, newObs, r0.gcm, r0.dm, **kw)
        full = incdtw.dtw(Q, C_full, **dtw_kw)
        assert r.diffM is None
        assert_close(r.gcm, full.gcm, "gcm")
        np.testing.assert_array_equal(r.dm, full.dm, err_msg="dm")
        assert_scalar(r.distance, full.distance, "distance")
        assert_scalar(r.normalized_distance, full.normalized_distance, "normalized_distance")
        return

    if case["id"] in IDTW_STATE_FROM_A_WINDOW:
        # The gcm was computed with ws = 5 (NaN outside that band) but idtw is called without ws;
        # IncDTW then mixes a banded old part with unbanded new columns, an alignment that is no
        # DTW at all. incdtw refuses the inconsistent state, naming the cell.
        with pytest.raises(ValueError, match=r"gcm\(0, 7\) is nan inside the window"):
            incdtw.idtw(Q, C, newObs, gcm, dm, **kw)
        r = incdtw.idtw(Q, C, newObs, gcm, dm, ws=5, **kw)  # with the window the gcm was made with
        assert_close(r.gcm[:, :m], gcm, "old columns of gcm")
        assert np.isfinite(r.distance) and r.ii[-1] == n - 1 and r.jj[-1] == m + len(newObs) - 1
        return

    r = incdtw.idtw(Q, C, newObs, gcm, dm, **kw)
    exp = case["result"]
    exp_gcm, exp_dm = decode(exp["gcm"]), dm_of(exp["dm"])
    o = exp_gcm.shape[1] - m
    if case["id"] in IDTW_FIRST_ROW_QUIRK:
        ws = kw["ws"]
        assert m == ws and np.isnan(exp_gcm[0, ws]) and exp_dm[0, ws] == 0
        full = incdtw.dtw(Q, np.concatenate([C, newObs]), step_pattern=kw["step_pattern"], ws=ws,
                          dist_method=kw["dist_method"])
        assert_close(r.gcm, full.gcm, "gcm (dtw from scratch)")
        np.testing.assert_array_equal(r.dm, full.dm, err_msg="dm (dtw from scratch)")
        assert np.isfinite(r.gcm[0, ws]) and r.dm[0, ws] == 2
        exp_gcm[0, ws], exp_dm[0, ws] = r.gcm[0, ws], r.dm[0, ws]  # all other cells as IncDTW
    assert_close(r.gcm, exp_gcm, "gcm")
    assert r.dm.dtype == np.int8
    np.testing.assert_array_equal(r.dm, exp_dm, err_msg="dm")
    assert_scalar(r.distance, scalar(exp["distance"]), "distance")
    assert_idtw_normalized(r, exp, n, m, o, kw.get("step_pattern", "symmetric2"))
    if "ii" in exp:
        assert_path(r, exp)
    else:
        assert r.ii is None and r.jj is None and r.wp is None
    if "diffp" in exp:  # IncDTW returns diffp from (n,m) back to (1,1); incdtw in path order
        assert_close(r.diffp, decode(exp["diffp"])[::-1], "diffp")
    else:
        assert r.diffp is None
    if "cm" in exp:  # only the new n x o columns, NaN outside the window
        assert_close(r.cm, decode(exp["cm"]), "cm")
    else:
        assert r.cm is None
    if "diffM" in exp:  # cbind(diffM, new block), or only the new block when no diffM was given
        assert_close(r.diffM, decode(exp["diffM"]), "diffM")
    else:
        assert r.diffM is None
    if "Q" in exp:
        assert_close(r.Q, decode(exp["Q"]), "Q")
        expected_C = decode(exp["C"])
        if r.C.ndim == 2:
            # R's c(C, newObs) of two matrices is the concatenation of their column-major vectors;
            # incdtw returns the updated multivariate series (one row per observation)
            assert_close(r.C, np.vstack([C, newObs]), "C")
            flat = np.concatenate([r.C[:m].ravel(order="F"), r.C[m:].ravel(order="F")])
            assert_close(flat, expected_C, "C (R's c(C, newObs))")
        else:
            assert_close(r.C, expected_C, "C")
    else:
        assert r.Q is None and r.C is None


# ----------------------------------------------------------------------------------------------------
# idtw2vec
# ----------------------------------------------------------------------------------------------------
def idtw2vec_kwargs(a: dict) -> dict:
    kw = {k: a[k] for k in ("dist_method", "step_pattern") if k in a}
    for k in ("gcm_lc", "gcm_lr"):
        if a.get(k) is not None:
            kw[k] = decode(a[k])  # the state holds "NA"/"NaN" outside the window
    for k in ("nC", "ws"):
        if k in a:
            kw[k] = opt_int(a[k])
    return kw


# IncDTW forgot the window check in cost-matrix mode (n = 14, m = 8, ws = 4: |n - m| > ws) and
# returned a NaN distance; incdtw raises as it does for series.
IDTW2VEC_INFEASIBLE_WINDOW = {"idtw2vec_044", "idtw2vec_045"}


@pytest.mark.parametrize("case", IDTW2VEC_CASES, ids=ids(IDTW2VEC_CASES))
def test_idtw2vec_oracle(case):
    a = case["args"]
    kw = idtw2vec_kwargs(a)
    Q, newObs = series_arg(a["Q"]), series_arg(a["newObs"])
    if case["id"] in IDTW2VEC_INFEASIBLE_WINDOW:
        assert np.isnan(scalar(case["result"]["distance"]))
        with pytest.raises(ValueError, match="window size is too small"):
            incdtw.idtw2vec(Q, newObs, **kw)
        return
    if case["error"] is not None:  # idtw2vec_025 (infeasible window), idtw2vec_047 (1-column cm)
        with pytest.raises(ValueError):
            incdtw.idtw2vec(Q, newObs, **kw)
        return
    r = incdtw.idtw2vec(Q, newObs, **kw)
    exp = case["result"]
    assert_close(r.gcm_lr_new, decode(exp["gcm_lr_new"]), "gcm_lr_new")
    assert_close(r.gcm_lc_new, decode(exp["gcm_lc_new"]), "gcm_lc_new")
    assert_scalar(r.distance, scalar(exp["distance"]), "distance")
    assert_scalar(r.normalized_distance, scalar(exp["normalized_distance"]), "normalized_distance")


# ----------------------------------------------------------------------------------------------------
# dec_dm
# ----------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("case", DEC_DM_CASES, ids=ids(DEC_DM_CASES))
def test_dec_dm_oracle(case):
    a = case["args"]
    diffM = None if a.get("diffM") is None else decode(a["diffM"])
    # dec_dm_010 passes a double dm: IncDTW warns (slower path); incdtw does not warn (pytest turns
    # warnings into errors, so a warning would fail here)
    r = incdtw.dec_dm(decode(a["dm"]), opt_int(a["Ndec"]), diffM=diffM)
    exp = case["result"]
    assert_path(r, exp)
    if "diffp" in exp:  # dec_dm's diffp is already in path order in IncDTW
        assert_close(r.diffp, decode(exp["diffp"]), "diffp")
    else:
        assert r.diffp is None


# ----------------------------------------------------------------------------------------------------
# dtw_partial
# ----------------------------------------------------------------------------------------------------
def partial_x(x: dict) -> dict:
    return {k: decode(v) for k, v in x.items()}


@pytest.mark.parametrize("case", DTW_PARTIAL_CASES, ids=ids(DTW_PARTIAL_CASES))
def test_dtw_partial_oracle(case):
    a = case["args"]
    kw = {k: a[k] for k in ("partial_Q", "partial_C", "reverse") if k in a}
    x = partial_x(a["x"])
    if case["error"] is not None:  # dtw_partial_016: x has neither gcm nor gcm_lc_new/gcm_lr_new
        with pytest.raises(ValueError):
            incdtw.dtw_partial(x, **kw)
        return
    r = incdtw.dtw_partial(x, **kw)
    exp = case["result"]
    # dtw_partial_004 (both partial_* FALSE): IncDTW's answer, all of Q, C[0:1], inf -- kept
    assert r.rangeQ == r_range(exp["rangeQ"])
    assert r.rangeC == r_range(exp["rangeC"])
    assert_scalar(r.normalized_distance, scalar(exp["normalized_distance"]), "normalized_distance")


# ----------------------------------------------------------------------------------------------------
# planedtw: initialize_plane, increment, decrement, reverse, refresh
# ----------------------------------------------------------------------------------------------------
def step_args(step) -> dict:
    return step["args"] or {}  # reverse()/refresh() are recorded with args []


def apply_step(plane, step):
    op, a = step["op"], step_args(step)
    if op == "initialize_plane":
        kw = {k: a[k] for k in ("dist_method", "step_pattern") if k in a}
        if "ws" in a:
            kw["ws"] = opt_int(a["ws"])
        return incdtw.initialize_plane(decode(a["Q"]), decode(a["C"]), **kw)
    if op == "increment":
        kw = {"direction": a["direction"]} if "direction" in a else {}
        return plane.increment(decode(a["newObs"]), **kw)
    if op == "decrement":
        kw = {k: a[k] for k in ("direction", "refresh_dtw") if k in a}
        for k in ("nC", "nQ"):
            if k in a:
                kw[k] = opt_int(a[k])
        return plane.decrement(**kw)
    if op == "reverse":
        return plane.reverse()
    if op == "refresh":
        return plane.refresh()
    raise AssertionError(f"unknown op {op!r}")


def assert_control(plane, control, name):
    c = plane.control
    assert c["dist_method"] == control["dist_method"], name
    assert c["step_pattern"] == control["step_pattern"], name
    assert c["nQ"] == opt_int(control["nQ"]), f"{name}: nQ"
    assert c["nC"] == opt_int(control["nC"]), f"{name}: nC"
    assert c["ws"] == opt_int(control["ws"]), f"{name}: ws"
    assert c["reverse"] is control["reverse"], f"{name}: reverse"


def assert_optional_vector(actual, expected, name):
    if expected is None:
        assert actual is None, f"{name} should be None"
    else:
        assert_close(actual, decode(expected), name)


def assert_state(plane, state, name):
    assert_scalar(plane.distance, scalar(state["distance"]), f"{name}: distance")
    assert_scalar(plane.normalized_distance, scalar(state["normalized_distance"]), f"{name}: normalized_distance")
    assert_optional_vector(plane.gcm_lc_new, state["gcm_lc_new"], f"{name}: gcm_lc_new")
    assert_optional_vector(plane.gcm_lr_new, state["gcm_lr_new"], f"{name}: gcm_lr_new")
    assert_close(plane.Q, decode(state["Q"]), f"{name}: Q")
    assert_close(plane.C, decode(state["C"]), f"{name}: C")
    assert_control(plane, state["control"], name)


def assert_reversed_partial_decrement(plane, prev, state, name):
    """planedtw_009's last step: decrement(direction="C", refresh_dtw=TRUE) after reverse().

    After reverse() the plane stores the reversed series, so the partial alignment it cuts to is a
    prefix of the *stored* C (the end of the original C). IncDTW takes dtw_partial's range, which is
    given in original-time coordinates, and cuts the wrong end of the stored C: it keeps the two
    newest stored observations (the ones just incremented) and drops the two oldest stored ones.
    incdtw keeps the best prefix of the stored C, here its first 20 observations: the alignment
    whose distance dtw_partial found, gcm_lr_new[19] of the previous state, which the refresh
    recomputes unchanged. Everything else (Q, control) agrees with IncDTW.
    """
    prevQ, prevC = decode(prev["Q"]), decode(prev["C"])
    expected_distance = decode(prev["gcm_lr_new"])[19]
    assert expected_distance == pytest.approx(23.802280784710664, rel=RTOL)
    assert_close(plane.C, prevC[:20], f"{name}: C")
    assert_close(plane.Q, decode(state["Q"]), f"{name}: Q")
    assert_control(plane, state["control"], name)
    assert plane.control["nC"] == 20
    assert_scalar(plane.distance, expected_distance, f"{name}: distance")
    fresh = incdtw.initialize_plane(prevQ, prevC[:20], dist_method="norm2")
    assert_scalar(plane.distance, fresh.distance, f"{name}: distance (fresh)")
    assert_scalar(plane.normalized_distance, fresh.normalized_distance, f"{name}: normalized_distance")
    assert_close(plane.gcm_lc_new, fresh.gcm_lc_new, f"{name}: gcm_lc_new")
    assert_close(plane.gcm_lr_new, fresh.gcm_lr_new, f"{name}: gcm_lr_new")


@pytest.mark.parametrize("case", PLANE_CASES, ids=ids(PLANE_CASES))
def test_planedtw_oracle(case):
    plane = None
    prev = None
    steps = case["steps"]
    for k, step in enumerate(steps):
        name = f"step {k} ({step['op']})"
        if step["error"] is not None:
            # planedtw_011: C of length 1 at initialize_plane; planedtw_012: a 2-column newObs for a
            # univariate plane. Both are the last step of their sequence.
            assert k == len(steps) - 1
            with pytest.raises(ValueError):
                apply_step(plane, step)
            return
        out = apply_step(plane, step)
        assert isinstance(out, incdtw.PlaneDTW)
        if plane is not None:
            assert out is plane  # the methods change the plane in place and return it
        plane = out
        if case["id"] == "planedtw_009" and k == len(steps) - 1:
            assert step["op"] == "decrement" and prev["control"]["reverse"] is True
            assert_reversed_partial_decrement(plane, prev, step["state"], name)
        else:
            assert_state(plane, step["state"], name)
        prev = step["state"]


def test_oracle_counts():
    # all cases of the five files are exercised above; this guards against an empty fixture
    counts = tuple(len(c) for c in (IDTW_CASES, IDTW2VEC_CASES, DEC_DM_CASES, DTW_PARTIAL_CASES, PLANE_CASES))
    assert counts == (8, 28, 7, 11, 9)
