"""Every case of IncDTW's oracle for dtw_dismat, dtw_disvec, centroid, dba (and DBA), lowerbound_tube,
lowerbound and scale (and norm), reproduced (DEVIATIONS.md mapping: 0-based centroid_index, nan for
NA/NaN, n_jobs for ncores, 1-D barycenters for univariate input).

R's ``ncores`` becomes ``n_jobs``; every case runs with ``n_jobs=1`` and ``n_jobs=2``, whose results must
agree bit for bit. IncDTW's ncores > 1 path multiplies by ``1/(n+m)`` where incdtw divides by ``n + m``
(DEVIATIONS 8): the last bit may differ from the oracle, which the relative tolerance covers.
"""

from __future__ import annotations

import numpy as np
import pytest
from conftest import decode, load_oracle, scalar
from test_oracle import assert_close, assert_scalar
from helpers import ids, opt_int
import reference as ref

import incdtw

DISMAT_CASES = load_oracle("dtw_dismat")
DISVEC_CASES = load_oracle("dtw_disvec")
CENTROID_CASES = load_oracle("centroid")
DBA_CASES = load_oracle("dba")
LOWERBOUND_CASES = load_oracle("lowerbound")
SCALE_CASES = load_oracle("scale")

N_JOBS = (1, 2)






def opt_float(x):
    """R's NULL -> None, a length-1 numeric vector -> float."""
    return None if x is None else scalar(x)


def lot_of(x) -> list[np.ndarray]:
    """An unnamed R list of series (flat arrays or arrays of rows), series by series: lengths differ."""
    assert isinstance(x, list)
    return [decode(s) for s in x]


def collection_kwargs(a: dict) -> dict:
    """The arguments shared by dtw_dismat, dtw_disvec and centroid (R's defaults where absent)."""
    kw = {k: a[k] for k in ("dist_method", "step_pattern", "normalize") if k in a}
    if "ws" in a:
        kw["ws"] = opt_int(a["ws"])
    if "threshold" in a:
        kw["threshold"] = opt_float(a["threshold"])
    return kw


def assert_input(actual: dict, expected: dict, n_jobs: int):
    """incdtw's ``input`` holds IncDTW's fields, with n_jobs (as passed) for ncores."""
    assert set(actual) == {"dist_method", "ws", "normalize", "threshold", "step_pattern", "n_jobs"}
    assert actual["dist_method"] == expected["dist_method"]
    assert actual["step_pattern"] == expected["step_pattern"]
    assert actual["normalize"] is expected["normalize"]
    assert actual["ws"] == opt_int(expected["ws"])
    assert actual["threshold"] == opt_float(expected["threshold"])
    assert actual["n_jobs"] == n_jobs
    assert opt_int(expected["ncores"]) in N_JOBS  # the oracle's value is one of the n_jobs tried


def assert_same_bits(a, b, name):
    a, b = np.asarray(a), np.asarray(b)
    assert a.shape == b.shape and a.dtype == b.dtype, name
    assert a.tobytes() == b.tobytes(), f"{name}: results differ between n_jobs=1 and n_jobs=2"


# ----------------------------------------------------------------------------------------------------
# dtw_dismat
# ----------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("case", DISMAT_CASES, ids=ids(DISMAT_CASES))
def test_dtw_dismat_oracle(case):
    a = case["args"]
    lot = lot_of(a["lot"])
    kw = collection_kwargs(a)
    if case["error"] is not None:
        assert "symmetric2" in case["error"]
        for n_jobs in N_JOBS:
            for return_matrix in (False, True):
                with pytest.raises(ValueError, match="symmetric2"):
                    incdtw.dtw_dismat(lot, return_matrix=return_matrix, n_jobs=n_jobs, **kw)
        return

    exp = case["result"]
    dist = exp["dismat"]
    k = len(lot)
    assert opt_int(dist["size"]) == k  # the dist object's size: the number of series
    assert dist["labels"] is None  # names(lot) of an unnamed list; incdtw has no labels
    exp_lower, exp_matrix = decode(dist["dist_lower"]), decode(dist["matrix"])
    assert exp_lower.shape == (k * (k - 1) // 2,)

    condensed, square = {}, {}
    for n_jobs in N_JOBS:
        r = incdtw.dtw_dismat(lot, n_jobs=n_jobs, **kw)
        assert_input(r.input, exp["input"], n_jobs)
        assert r.dismat.shape == (k * (k - 1) // 2,)
        assert_close(r.dismat, exp_lower, f"dismat (condensed, n_jobs={n_jobs})")
        condensed[n_jobs] = r.dismat

        rm = incdtw.dtw_dismat(lot, return_matrix=True, n_jobs=n_jobs, **kw)
        assert_input(rm.input, exp["input"], n_jobs)
        assert_close(rm.dismat, exp_matrix, f"dismat (matrix, n_jobs={n_jobs})")
        np.testing.assert_array_equal(np.diag(rm.dismat), 0.0)
        i, j = np.triu_indices(k, 1)  # pdist order == R's dist order
        assert_same_bits(rm.dismat[i, j], r.dismat, "condensed vs matrix")
        assert_same_bits(rm.dismat.T, rm.dismat, "matrix symmetry")
        square[n_jobs] = rm.dismat
    assert_same_bits(condensed[1], condensed[2], "condensed")
    assert_same_bits(square[1], square[2], "matrix")


# ----------------------------------------------------------------------------------------------------
# dtw_disvec
# ----------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("case", DISVEC_CASES, ids=ids(DISVEC_CASES))
def test_dtw_disvec_oracle(case):
    a = case["args"]
    Q, lot = decode(a["Q"]), lot_of(a["lot"])
    kw = collection_kwargs(a)
    if case["error"] is not None:
        assert "symmetric2" in case["error"]
        for n_jobs in N_JOBS:
            with pytest.raises(ValueError, match="symmetric2"):
                incdtw.dtw_disvec(Q, lot, n_jobs=n_jobs, **kw)
        return

    exp = case["result"]
    exp_disvec = decode(exp["disvec"])
    assert exp_disvec.shape == (len(lot),)
    out = {}
    for n_jobs in N_JOBS:
        r = incdtw.dtw_disvec(Q, lot, n_jobs=n_jobs, **kw)
        assert_input(r.input, exp["input"], n_jobs)
        assert_close(r.disvec, exp_disvec, f"disvec (n_jobs={n_jobs})")
        out[n_jobs] = r.disvec
    assert_same_bits(out[1], out[2], "disvec")


# ----------------------------------------------------------------------------------------------------
# centroid
# ----------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("case", CENTROID_CASES, ids=ids(CENTROID_CASES))
def test_centroid_oracle(case):
    a = case["args"]
    lot = lot_of(a["lot"])
    kw = collection_kwargs(a)
    exp = case["result"]
    exp_index = opt_int(exp["centroid_index"]) - 1  # R's 1-based index
    exp_dm = exp["dismat_result"]
    exp_matrix = decode(exp_dm["dismat"])  # return_matrix = TRUE: the square matrix
    assert exp_matrix.shape == (len(lot), len(lot))
    # the oracle is consistent with its definition: the first minimum of the column sums
    assert exp_index == int(np.argmin(exp_matrix.sum(axis=0)))

    out = {}
    for n_jobs in N_JOBS:
        r = incdtw.centroid(lot, n_jobs=n_jobs, **kw)
        assert isinstance(r.centroid_index, int)
        assert r.centroid_index == exp_index
        assert_input(r.dismat_result.input, exp_dm["input"], n_jobs)
        assert_close(r.dismat_result.dismat, exp_matrix, f"dismat_result.dismat (n_jobs={n_jobs})")
        out[n_jobs] = r.dismat_result.dismat
    assert_same_bits(out[1], out[2], "dismat_result.dismat")


# ----------------------------------------------------------------------------------------------------
# dba / DBA
# ----------------------------------------------------------------------------------------------------
def dba_kwargs(a: dict) -> dict:
    kw = {k: a[k] for k in ("dist_method", "step_pattern", "iter_dist_method") if k in a}
    if "m0" in a:
        kw["m0"] = None if a["m0"] is None else decode(a["m0"])
    if "iterMax" in a:
        kw["iterMax"] = opt_int(a["iterMax"])
    if "eps" in a:
        kw["eps"] = opt_float(a["eps"])
    if "ws" in a:
        kw["ws"] = opt_int(a["ws"])
    return kw


def barycenter(actual, expected, univariate):
    """R's barycenters are matrices (1 column for univariate input); incdtw's are 1-D there."""
    actual = np.asarray(actual)
    if univariate:
        assert actual.ndim == 1
        assert expected.shape == (actual.shape[0], 1)
        return actual.reshape(-1, 1)
    return actual


@pytest.mark.parametrize("case", DBA_CASES, ids=ids(DBA_CASES))
def test_dba_oracle(case):
    a = case["args"]
    lot = lot_of(a["lot"])
    kw = dba_kwargs(a)
    univariate = lot[0].ndim == 1
    deprecated = case["function"] == "DBA"
    assert bool(case["warnings"]) == deprecated and (not deprecated or "is deprecated" in case["warnings"][0])

    exp = case["result"]
    exp_iterations = [decode(it) for it in exp["iterations"]]
    exp_m2lot = [decode(d) for d in exp["iterDist_m2lot"]]
    exp_m2lot_norm = [decode(d) for d in exp["iterDist_m2lot_norm"]]
    exp_m2m = decode(exp["iterDist_m2m"])
    n_iter = len(exp_m2lot)
    assert len(exp_iterations) == n_iter + 1 and len(exp_m2lot_norm) == n_iter and exp_m2m.shape == (n_iter,)

    results = {}
    for n_jobs in N_JOBS:
        if deprecated:
            with pytest.warns(DeprecationWarning, match="dba"):
                r = incdtw.DBA(lot, n_jobs=n_jobs, **kw)
        else:
            r = incdtw.dba(lot, n_jobs=n_jobs, **kw)
        results[n_jobs] = r

        ei = exp["input"]
        assert r.input == {
            "iterMax": opt_int(ei["iterMax"]),
            "eps": opt_float(ei["eps"]),
            "step_pattern": ei["step_pattern"],
            "dist_method": ei["dist_method"],
            "ws": opt_int(ei["ws"]),
            "iter_dist_method": ei["iter_dist_method"],
        }
        assert_close(barycenter(r.m1, decode(exp["m1"]), univariate), decode(exp["m1"]), "m1")
        assert len(r.iterations) == len(exp_iterations)
        for t, (it, e) in enumerate(zip(r.iterations, exp_iterations)):
            assert_close(barycenter(it, e, univariate), e, f"iterations[{t}]")
        assert_same_bits(r.m1, r.iterations[-1], "m1 is the last iteration")
        if kw.get("m0") is not None:
            assert_same_bits(r.iterations[0], kw["m0"], "iterations[0] is m0")
        assert len(r.iterDist_m2lot) == n_iter and len(r.iterDist_m2lot_norm) == n_iter
        for t in range(n_iter):
            assert_close(r.iterDist_m2lot[t], exp_m2lot[t], f"iterDist_m2lot[{t}]")
            assert_close(r.iterDist_m2lot_norm[t], exp_m2lot_norm[t], f"iterDist_m2lot_norm[{t}]")
        assert_close(r.iterDist_m2m, exp_m2m, "iterDist_m2m")

    r1, r2 = results[1], results[2]
    for t in range(len(r1.iterations)):
        assert_same_bits(r1.iterations[t], r2.iterations[t], f"iterations[{t}]")
    for t in range(n_iter):
        assert_same_bits(r1.iterDist_m2lot[t], r2.iterDist_m2lot[t], f"iterDist_m2lot[{t}]")
        assert_same_bits(r1.iterDist_m2lot_norm[t], r2.iterDist_m2lot_norm[t], f"iterDist_m2lot_norm[{t}]")
    assert_same_bits(r1.iterDist_m2m, r2.iterDist_m2m, "iterDist_m2m")


# ----------------------------------------------------------------------------------------------------
# lowerbound_tube / lowerbound
# ----------------------------------------------------------------------------------------------------
# incdtw's envelope covers rows i - ws .. i + ws; IncDTW's stops at i + ws - 1 and is no lower bound
# of DTW with the window ws (DEVIATIONS.md 11), so incdtw deliberately differs where the two
# envelopes differ. Each case checks that the naive reference with IncDTW's window reproduces the
# oracle (so the reference and the scaling are IncDTW's), then incdtw against the reference with its
# own window; the oracle itself where both windows give the same result (ws = 0, a given tube, ...).
LOWERBOUND_DIFFER = {"lowerbound_004", "lowerbound_010", "lowerbound_018", "lowerbound_020"}


def _scaled(x: np.ndarray, how: str) -> np.ndarray:
    return x if how == "none" else incdtw.scale(x, type=how)


@pytest.mark.parametrize("case", LOWERBOUND_CASES, ids=ids(LOWERBOUND_CASES))
def test_lowerbound_oracle(case):
    a = case["args"]
    assert case["error"] is None and not case["warnings"]
    ws = opt_int(a["ws"])
    expected = decode(case["result"])
    if case["function"] == "lowerbound_tube":
        kw = {"scale": a["scale"]} if "scale" in a else {}
        q = _scaled(decode(a["Q"]), a.get("scale", "z"))
        assert_close(ref.envelope(q, ws, incdtw_window=True), expected, "IncDTW's tube")
        out = incdtw.lowerbound_tube(decode(a["Q"]), ws, **kw)
        np.testing.assert_array_equal(out, ref.envelope(q, ws))
        differ = not np.array_equal(ref.envelope(q, ws), ref.envelope(q, ws, incdtw_window=True))
        assert differ == (case["id"] in LOWERBOUND_DIFFER)
        if not differ:
            assert_close(out, expected, "tube")
        return
    assert case["function"] == "lowerbound"
    kw = {k: a[k] for k in ("scale", "dist_method") if k in a}
    for k in ("Q", "tube"):
        if a.get(k) is not None:
            kw[k] = decode(a[k])
    out = incdtw.lowerbound(decode(a["C"]), ws, **kw)
    assert isinstance(out, float)
    if "tube" in kw:  # the envelope is given: no window of incdtw's own
        assert case["id"] not in LOWERBOUND_DIFFER
        assert_scalar(out, scalar(expected), "lowerbound")
        return
    how, method = a.get("scale", "z"), a.get("dist_method", "norm1")
    c = _scaled(decode(a["C"]), how)
    zq = incdtw.scale(_scaled(decode(a["Q"]), how), type="z")  # IncDTW z-scales the query of the tube again
    old = ref.lower_bound(c, ref.envelope(zq, ws, incdtw_window=True), method)
    assert_scalar(old, scalar(expected), "IncDTW's lowerbound")
    new = ref.lower_bound(c, ref.envelope(zq, ws), method)
    assert out == pytest.approx(new, rel=1e-12, abs=1e-12)
    if new == pytest.approx(old, rel=1e-12, abs=1e-12):  # the wider envelope may not change the sum
        assert_scalar(out, scalar(expected), "lowerbound")
    else:
        assert case["id"] in LOWERBOUND_DIFFER


# ----------------------------------------------------------------------------------------------------
# scale / norm
# ----------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("case", SCALE_CASES, ids=ids(SCALE_CASES))
def test_scale_oracle(case):
    a = case["args"]
    assert case["error"] is None
    x = decode(a["x"])
    if x.shape == (1,):  # R's x = 4.2: pass the number itself
        x = float(x[0])
    kw = {k: opt_float(a[k]) for k in ("threshold", "xmean", "xsd", "xmin", "xmax") if k in a}
    if "type" in a:
        kw["type"] = a["type"]
    expected = decode(case["result"])
    if case["function"] == "norm":
        assert case["warnings"] and "is deprecated" in case["warnings"][0]
        with pytest.warns(DeprecationWarning, match="scale"):
            out = incdtw.norm(x, **kw)
        assert_same_bits(out, incdtw.scale(x, **kw), "norm == scale")
    else:
        assert case["function"] == "scale" and not case["warnings"]
        out = incdtw.scale(x, **kw)
    assert out.shape == np.shape(expected)  # a number gives shape (1,), a vector (n,), a matrix (n, d)
    assert_close(out, expected, "scale")


def test_oracle_counts():
    # all cases of the six files are exercised above; this guards against an empty fixture
    counts = tuple(len(c) for c in (DISMAT_CASES, DISVEC_CASES, CENTROID_CASES, DBA_CASES, LOWERBOUND_CASES,
                                    SCALE_CASES))
    assert counts == (7, 6, 2, 6, 10, 9)
