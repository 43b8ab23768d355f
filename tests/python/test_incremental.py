"""idtw, idtw2vec, dec_dm, dtw_partial and the plane: the vignette's examples, streams, and bad input.

IncDTW's vignette (which docs/tutorial.md also follows) is followed line by line, with R's rnorm replaced
by numpy's default_rng().normal, cumsum by np.cumsum and 1:n by np.arange(1, n + 1). Indices and
ranges are 0-based, ranges half-open (DEVIATIONS.md).
"""

from __future__ import annotations

import copy
import math
import pickle

import numpy as np
import pytest
from helpers import same

import incdtw




def seq(start: float, stop: float, length_out: int) -> np.ndarray:
    """R's seq(from, to, length.out = n)."""
    return np.linspace(start, stop, length_out)


# ---- the vignette --------------------------------------------------------------------------------


def test_vignette_idtw_equals_dtw_from_scratch():
    rng = np.random.default_rng(1030)
    C0 = np.cumsum(rng.normal(size=1000))
    Q = np.cumsum(rng.normal(size=800))
    tmp0 = incdtw.dtw(Q=Q, C=C0)
    C_new = np.cumsum(rng.normal(size=10))
    C_update = np.concatenate([C0, C_new])
    res_inc = incdtw.idtw(Q=Q, C=C_update, newObs=C_new, gcm=tmp0.gcm, dm=tmp0.dm)
    res_scratch = incdtw.dtw(Q=Q, C=C_update)
    assert res_inc.distance == res_scratch.distance
    assert same(res_inc.gcm, res_scratch.gcm)
    assert same(res_inc.dm, res_scratch.dm)
    # IncDTW's normalized_distance differs here (vignette: FALSE); incdtw divides by n + m + o
    assert res_inc.normalized_distance == res_inc.distance / (800 + 1000 + 10)
    assert res_inc.normalized_distance == res_scratch.normalized_distance
    # C before the update gives the same result
    res_old = incdtw.idtw(Q=Q, C=C0, newObs=C_new, gcm=tmp0.gcm, dm=tmp0.dm, return_wp=True)
    full = incdtw.dtw(Q, C_update, return_wp=True)
    assert same(res_old.gcm, full.gcm) and same(res_old.ii, full.ii) and same(res_old.jj, full.jj)
    assert same(res_old.wp, full.wp)


def test_vignette_dec_dm():
    rng = np.random.default_rng(1150)
    Q = np.cos(np.arange(1, 101))
    C = np.cumsum(rng.normal(size=80))
    Ndec = 4
    result_base = incdtw.dtw(Q=Q, C=C)
    result_decr1 = incdtw.dtw(Q=Q, C=C[: len(C) - Ndec], return_wp=True)
    result_decr2 = incdtw.dec_dm(result_base.dm, Ndec=Ndec)
    assert same(result_decr1.ii, result_decr2.ii)
    assert same(result_decr1.jj, result_decr2.jj)
    assert same(result_decr1.wp, result_decr2.wp)
    assert result_decr2.jj[-1] == 75 and result_decr2.ii[-1] == 99
    # the distance of the shortened alignment is in the last row of the old gcm
    assert result_base.gcm[-1, 75] == result_decr1.distance


def test_vignette_idtw2vec_equals_dtw2vec():
    rng = np.random.default_rng(1210)
    Q = np.cumsum(rng.normal(size=800))
    C_initial = Q[:750] + rng.normal(size=750)
    resV_init = incdtw.idtw2vec(Q=Q, newObs=C_initial, gcm_lc=None)
    C_newObs = Q[750:800] + rng.normal(size=50)
    resV_inc = incdtw.idtw2vec(Q=Q, newObs=C_newObs, gcm_lc=resV_init.gcm_lc_new)
    C_update = np.concatenate([C_initial, C_newObs])
    resV_scr = incdtw.dtw2vec(Q=Q, C=C_update)
    assert resV_scr.distance - resV_inc.distance == 0
    assert resV_scr.distance == resV_inc.distance
    assert math.isnan(resV_inc.normalized_distance)  # no nC: unknown number of columns
    assert resV_init.normalized_distance == resV_init.distance / (800 + 750)

    # both series get new observations: update C, then swap the roles of Q and C
    resV_init = incdtw.idtw2vec(Q=Q, newObs=C_initial, gcm_lc=None)
    resV_inc = incdtw.idtw2vec(
        Q=Q, newObs=C_newObs, nC=len(C_initial), gcm_lc=resV_init.gcm_lc_new, gcm_lr=resV_init.gcm_lr_new
    )
    assert len(resV_inc.gcm_lr_new) == 800
    assert resV_inc.normalized_distance == resV_inc.distance / (800 + 800)
    Q_newObs = np.cumsum(rng.normal(size=10))
    resV_inc2 = incdtw.idtw2vec(
        Q=C_update, newObs=Q_newObs, nC=len(Q), gcm_lc=resV_inc.gcm_lr_new, gcm_lr=resV_inc.gcm_lc_new
    )
    res_scratch = incdtw.dtw2vec(Q=np.concatenate([Q, Q_newObs]), C=np.concatenate([C_initial, C_newObs]))
    assert res_scratch.distance - resV_inc2.distance == 0
    assert resV_inc2.normalized_distance == res_scratch.normalized_distance
    # after the swap gcm_lc_new is the last row, gcm_lr_new the last column
    full = incdtw.dtw(np.concatenate([Q, Q_newObs]), C_update)
    assert same(resV_inc2.gcm_lc_new, full.gcm[-1, :])
    assert same(resV_inc2.gcm_lr_new, full.gcm[:, -1])


def test_vignette_dtw_partial_open_end():
    Q = np.sin(np.arange(1, 51))
    C = np.cos(np.arange(1, 1001))
    tmp = incdtw.dtw(Q=Q, C=C)
    out = incdtw.dtw_partial(tmp, partial_Q=False, partial_C=True)
    assert out.rangeQ == (0, 50)
    assert out.rangeC == (0, 61)
    assert out.normalized_distance == pytest.approx(0.08396951, abs=1e-7)
    assert out.normalized_distance == tmp.gcm[-1, 60] / (50 + 61)


def test_vignette_dtw_partial_open_begin():
    rng = np.random.default_rng(1)
    Q = np.sin(np.arange(1, 101))
    C = np.concatenate([rng.normal(size=50), Q])
    tmp = incdtw.dtw(Q=Q[::-1], C=C[::-1])
    out = incdtw.dtw_partial(tmp, partial_Q=False, partial_C=True, reverse=True)
    assert out.rangeQ == (0, 100)
    assert out.rangeC == (50, 150)
    assert out.normalized_distance == 0
    assert np.array_equal(C[slice(*out.rangeC)], Q[slice(*out.rangeQ)])


def test_vignette_dtw_partial_with_idtw2vec():
    Q = np.sin(seq(1, 50, 200))
    C = np.cos(seq(1, 5, 20))
    tmpi = incdtw.idtw2vec(Q=Q, newObs=C)
    out = incdtw.dtw_partial(tmpi, partial_Q=True, partial_C=False)
    assert out.rangeQ == (0, 24)
    assert out.rangeC == (0, 20)
    assert out.normalized_distance == pytest.approx(0.08470878, abs=1e-7)

    C_new = np.cos(seq(5, 10, 20))
    tmp1 = incdtw.idtw2vec(Q=Q, newObs=C_new, gcm_lc=tmpi.gcm_lc_new, gcm_lr=tmpi.gcm_lr_new, nC=len(C))
    out = incdtw.dtw_partial(tmp1, partial_Q=True, partial_C=False)
    assert out.rangeQ == (0, 44)
    assert out.rangeC == (0, 40)
    assert out.normalized_distance == pytest.approx(0.0643759, abs=1e-7)
    # the same from a plane and from the full matrix
    p = incdtw.initialize_plane(Q, C).increment(C_new)
    for x in (p, incdtw.dtw(Q, np.concatenate([C, C_new]))):
        again = incdtw.dtw_partial(x, partial_Q=True, partial_C=False)
        assert (again.rangeQ, again.rangeC, again.normalized_distance) == (
            out.rangeQ, out.rangeC, out.normalized_distance,
        )


# ---- windows and streams -------------------------------------------------------------------------


@pytest.mark.parametrize("step", ["symmetric1", "symmetric2"])
@pytest.mark.parametrize("n,m,o", [(5, 5, 1), (8, 5, 3), (3, 5, 2), (10, 5, 5)])
def test_idtw_window_equal_to_old_columns(rng, step, n, m, o):
    # IncDTW leaves the first-row cell (0, ws) unfilled when m == ws (DEVIATIONS 4)
    Q, C = rng.normal(size=n), rng.normal(size=m + o)
    ws = m
    r0 = incdtw.dtw(Q, C[:m], step_pattern=step, ws=ws)
    r = incdtw.idtw(Q, C[:m], C[m:], r0.gcm, r0.dm, step_pattern=step, ws=ws, return_wp=True)
    full = incdtw.dtw(Q, C, step_pattern=step, ws=ws, return_wp=True)
    assert not math.isnan(r.gcm[0, ws])
    assert same(r.gcm, full.gcm) and same(r.dm, full.dm)
    assert same(r.ii, full.ii) and same(r.jj, full.jj) and same(r.wp, full.wp)
    assert r.distance == full.distance


def test_stream_single_scalars_into_C(rng):
    Q = np.cumsum(rng.normal(size=60))
    C = np.cumsum(rng.normal(size=202))
    p = incdtw.initialize_plane(Q, C[:2], dist_method="norm1", step_pattern="symmetric2")
    r = incdtw.idtw2vec(Q, C[:2])
    for k in range(2, 202):
        assert p.increment(float(C[k])) is p
        r = incdtw.idtw2vec(Q, C[k:k + 1], gcm_lc=r.gcm_lc_new, gcm_lr=r.gcm_lr_new, nC=k)
        if k % 40 == 0:
            assert p.distance == incdtw.dtw2vec(Q, C[: k + 1]).distance
    full = incdtw.dtw(Q, C)
    for x in (p, r):
        assert same(x.gcm_lc_new, full.gcm[:, -1])
        assert same(x.gcm_lr_new, full.gcm[-1, :])
        assert x.distance == full.distance
        assert x.normalized_distance == full.distance / (60 + 202)
    assert p.control["nC"] == 202 and same(p.C, C)


@pytest.mark.parametrize("step", ["symmetric1", "symmetric2"])
def test_stream_single_scalars_alternating_with_window(rng, step):
    Q = rng.integers(-3, 4, size=105).astype(float)
    C = rng.integers(-3, 4, size=102).astype(float)
    p = incdtw.initialize_plane(Q[:5], C[:2], step_pattern=step, ws=3)
    nq, nc = 5, 2
    for k in range(200):
        if k % 2 == 0:
            p.increment(float(C[nc]), direction="C")
            nc += 1
        else:
            p.increment(np.float64(Q[nq]), direction="Q")
            nq += 1
        if k % 50 == 49:
            assert p.distance == incdtw.dtw2vec(Q[:nq], C[:nc], step_pattern=step, ws=3).distance
    assert (nq, nc) == (105, 102)
    full = incdtw.dtw(Q, C, step_pattern=step, ws=3)
    assert same(p.gcm_lc_new, full.gcm[:, -1]) and same(p.gcm_lr_new, full.gcm[-1, :])
    assert p.distance == full.distance


def test_stream_single_multivariate_rows(rng):
    Q, C = rng.normal(size=(40, 3)), rng.normal(size=(200, 3))
    p = incdtw.initialize_plane(Q, C[:1], dist_method="norm2")  # one row of 3 values is enough
    for k in range(1, 200):
        p.increment(C[k:k + 1], direction="C")
    full = incdtw.dtw(Q, C, dist_method="norm2")
    assert same(p.gcm_lc_new, full.gcm[:, -1]) and same(p.gcm_lr_new, full.gcm[-1, :])
    assert p.distance == full.distance


# ---- the plane's protocols -----------------------------------------------------------------------


def test_plane_repr_keys_and_getitem(rng):
    Q, C = rng.normal(size=12), rng.normal(size=10)
    p = incdtw.initialize_plane(Q, C, dist_method="norm2", step_pattern="symmetric1", ws=3)
    text = repr(p)
    for part in ("PlaneDTW", "dist_method=norm2", "step_pattern=symmetric1", "nQ=12", "nC=10", "ws=3",
                 "reverse=False", repr(p.distance), "normalized_distance=nan"):
        assert part in text, part
    assert p.keys() == ["gcm_lr_new", "gcm_lc_new", "distance", "normalized_distance", "control", "Q", "C"]
    assert p["distance"] == p.distance
    assert p["control"] == p.control == {
        "dist_method": "norm2", "step_pattern": "symmetric1", "nQ": 12, "nC": 10, "ws": 3, "reverse": False,
    }
    assert same(p["gcm_lc_new"], p.gcm_lc_new)
    with pytest.raises(KeyError):
        p["gcm"]
    p.increment(rng.normal(size=1), direction="Q")
    assert "nQ=13" in repr(p) and repr(p.distance) in repr(p)
    p2 = incdtw.initialize_plane(Q, C)
    assert "ws=None" in repr(p2) and repr(p2.normalized_distance) in repr(p2)
    p2.decrement(nC=9)
    assert "nC=9" in repr(p2) and "refresh" in repr(p2) and repr(p2.distance) in repr(p2)
    with pytest.raises(TypeError, match="initialize_plane"):
        incdtw.PlaneDTW(Q, C)


def test_plane_pickles_and_continues(rng):
    Q, C = rng.normal(size=(30, 2)), rng.normal(size=(40, 2))
    p = incdtw.initialize_plane(Q[:20], C[:25], dist_method="norm2_square", ws=10)
    q = pickle.loads(pickle.dumps(p))
    d = copy.deepcopy(p)
    for plane in (p, q, d):
        plane.increment(Q[20:], direction="Q").increment(C[25:], direction="C")
    full = incdtw.dtw(Q, C, dist_method="norm2_square", ws=10)
    for plane in (p, q, d):
        assert same(plane.gcm_lc_new, full.gcm[:, -1]) and same(plane.gcm_lr_new, full.gcm[-1, :])
        assert plane.distance == full.distance and plane.control == p.control
    assert q is not p and d is not p


# ---- bad input: idtw2vec -------------------------------------------------------------------------


@pytest.fixture
def series(rng):
    return rng.normal(size=10), rng.normal(size=12)


def test_idtw2vec_state_from_another_query(series):
    Q, C = series
    r = incdtw.idtw2vec(Q, C[:8])
    with pytest.raises(ValueError, match="gcm_lc has 10 values but Q has 9"):
        incdtw.idtw2vec(Q[:9], C[8:], gcm_lc=r.gcm_lc_new)
    with pytest.raises(ValueError, match="gcm_lr has 8 values but nC is 7"):
        incdtw.idtw2vec(Q, C[8:], gcm_lc=r.gcm_lc_new, gcm_lr=r.gcm_lr_new, nC=7)
    with pytest.raises(ValueError, match="gcm_lr was given without gcm_lc"):
        incdtw.idtw2vec(Q, C[8:], gcm_lr=r.gcm_lr_new)
    with pytest.raises(TypeError, match="gcm_lc"):
        incdtw.idtw2vec(Q, C[8:], gcm_lc="last column")
    with pytest.raises(ValueError, match="gcm_lc must be 1-D"):
        incdtw.idtw2vec(Q, C[8:], gcm_lc=r.gcm_lc_new[:, None])


def test_idtw2vec_window_needs_nC_and_feasibility(series):
    Q, C = series
    r = incdtw.idtw2vec(Q, C[:8], ws=3)
    with pytest.raises(ValueError, match="nC .*required with ws"):
        incdtw.idtw2vec(Q, C[8:], gcm_lc=r.gcm_lc_new, ws=3)
    with pytest.raises(ValueError, match=r"window size is too small.*\|10 - 4\|"):
        incdtw.idtw2vec(Q, C[:4], ws=3)  # initial
    with pytest.raises(ValueError, match=r"window size is too small.*\|10 - 12\| > ws = 1"):
        incdtw.idtw2vec(Q, C[8:12], gcm_lc=r.gcm_lc_new, nC=8, ws=1)  # running


def test_idtw2vec_nan_in_state_inside_window(series):
    Q, C = series
    r = incdtw.idtw2vec(Q, C[:8])
    lc = r.gcm_lc_new.copy()
    lc[3] = np.nan
    with pytest.raises(ValueError, match=r"gcm_lc\[3\] is nan.*inside the window"):
        incdtw.idtw2vec(Q, C[8:], gcm_lc=lc)
    rw = incdtw.idtw2vec(Q, C[:8], ws=3)
    lc = rw.gcm_lc_new.copy()
    lc[-1] = np.nan
    with pytest.raises(ValueError, match=r"gcm_lc\[9\] is nan.*inside the window"):
        incdtw.idtw2vec(Q, C[8:10], gcm_lc=lc, nC=8, ws=3)
    for bad in (-np.inf, -1.0):  # +inf is legal: an overflowed cost
        lc = rw.gcm_lc_new.copy()
        lc[5] = bad
        with pytest.raises(ValueError, match=r"gcm_lc\[5\]"):
            incdtw.idtw2vec(Q, C[8:10], gcm_lc=lc, nC=8, ws=3)


def test_idtw2vec_bad_newObs(series):
    Q, C = series
    r = incdtw.idtw2vec(Q, C[:8])
    with pytest.raises(ValueError, match="newObs has 2, Q has 1"):
        incdtw.idtw2vec(Q, np.ones((3, 2)), gcm_lc=r.gcm_lc_new)
    with pytest.raises(ValueError, match="newObs has 2, Q has 3"):
        incdtw.idtw2vec(np.ones((10, 3)), np.ones((3, 2)))
    with pytest.raises(ValueError, match="non-finite value.*observation 1"):
        incdtw.idtw2vec(Q, np.array([1.0, np.nan]), gcm_lc=r.gcm_lc_new)
    with pytest.raises(ValueError, match="non-finite value.*observation 0"):
        incdtw.idtw2vec(Q, np.array([np.inf]), gcm_lc=r.gcm_lc_new)
    with pytest.raises(ValueError, match="non-finite value"):
        incdtw.idtw2vec(Q, np.array([1.0, -np.inf, 2.0]))
    with pytest.raises(ValueError, match="at least 2 observations"):
        incdtw.idtw2vec(Q, np.array([1.0]))
    with pytest.raises(TypeError, match="newObs must hold real numbers"):
        incdtw.idtw2vec(Q, np.array(["a", "b"]), gcm_lc=r.gcm_lc_new)
    with pytest.raises(ValueError, match="newObs must be a series, or 'cm'"):
        incdtw.idtw2vec(Q, "cost", gcm_lc=r.gcm_lc_new)


# ---- bad input: idtw -----------------------------------------------------------------------------


def test_idtw_matrices_that_do_not_fit(series):
    Q, C = series
    r = incdtw.dtw(Q, C[:8])
    with pytest.raises(ValueError, match=r"dm has shape \(10, 7\) but gcm has shape \(10, 8\)"):
        incdtw.idtw(Q, C[:8], C[8:], r.gcm, r.dm[:, :7])
    with pytest.raises(ValueError, match="gcm has 10 rows but Q has 9"):
        incdtw.idtw(Q[:9], C[:8], C[8:], r.gcm, r.dm)
    with pytest.raises(ValueError, match="C has 9 observations: it must be C before the update"):
        incdtw.idtw(Q, C[:9], C[8:], r.gcm, r.dm)
    tail_differs = np.concatenate([C[:8], C[8:] + 1.0])
    with pytest.raises(ValueError, match="C has 12 observations: .*ending with newObs"):
        incdtw.idtw(Q, tail_differs, C[8:], r.gcm, r.dm)
    with pytest.raises(ValueError, match="newObs has 2, Q has 1"):
        incdtw.idtw(Q, C[:8], np.ones((3, 2)), r.gcm, r.dm)
    with pytest.raises(ValueError, match="non-finite value.*observation 1"):
        incdtw.idtw(Q, C[:8], np.array([1.0, np.nan]), r.gcm, r.dm)
    with pytest.raises(ValueError, match=r"dm.0, 1. is 7"):
        bad = r.dm.copy()
        bad[0, 1] = 7
        incdtw.idtw(Q, C[:8], C[8:], r.gcm, bad)
    with pytest.raises(TypeError, match="gcm"):
        incdtw.idtw(Q, C[:8], C[8:], "gcm", r.dm)


def test_idtw_multivariate_dimensions(rng):
    Q, C = rng.normal(size=(6, 3)), rng.normal(size=(8, 3))
    r = incdtw.dtw(Q, C[:5], dist_method="norm2")
    with pytest.raises(ValueError, match="newObs has 2, Q has 3"):
        incdtw.idtw(Q, C[:5], np.ones((3, 2)), r.gcm, r.dm, dist_method="norm2")
    with pytest.raises(ValueError, match="C has 2, Q has 3"):
        incdtw.idtw(Q, np.ones((5, 2)), C[5:], r.gcm, r.dm, dist_method="norm2")


def test_idtw_infeasible_window(series):
    Q, C = series
    r = incdtw.dtw(Q, C[:8], ws=3)
    with pytest.raises(ValueError, match=r"window size is too small.*\|10 - 12\| > ws = 1"):
        incdtw.idtw(Q, C[:8], C[8:12], r.gcm, r.dm, ws=1)


# ---- bad input: dec_dm, dtw_partial --------------------------------------------------------------


def test_dec_dm_bad_Ndec(series):
    Q, C = series
    dm = incdtw.dtw(Q, C[:8]).dm
    with pytest.raises(ValueError, match="Ndec must be less than the 8 columns of dm, got 8"):
        incdtw.dec_dm(dm, 8)
    with pytest.raises(ValueError, match="Ndec must be less than the 8 columns"):
        incdtw.dec_dm(dm, 100)
    with pytest.raises(ValueError, match="Ndec must be >= 0, got -1"):
        incdtw.dec_dm(dm, -1)
    with pytest.raises(ValueError, match="Ndec must be an integer"):
        incdtw.dec_dm(dm, 1.5)
    with pytest.raises(TypeError, match="Ndec"):
        incdtw.dec_dm(dm, "1")
    with pytest.raises(ValueError, match=r"diffM has shape \(10, 7\) but dm has shape \(10, 8\)"):
        incdtw.dec_dm(dm, 1, diffM=np.zeros((10, 7)))


def test_dtw_partial_without_last_column_and_row(series):
    Q, C = series
    with pytest.raises(ValueError, match="x has no gcm"):
        incdtw.dtw_partial(incdtw.dtw(Q, C, return_gcm=False))
    for x in (object(), {"distance": 1.0}, incdtw.dtw2vec(Q, C)):
        with pytest.raises(ValueError, match="x needs either the attribute 'gcm'"):
            incdtw.dtw_partial(x)
    r0 = incdtw.idtw2vec(Q, C[:8])
    r1 = incdtw.idtw2vec(Q, C[8:], gcm_lc=r0.gcm_lc_new)  # gcm_lr_new: the new columns only
    with pytest.raises(ValueError, match="gcm_lr_new covers only the columns of the last idtw2vec"):
        incdtw.dtw_partial(r1)
    with pytest.raises(ValueError, match="gcm_lr_new covers only"):
        incdtw.dtw_partial(r1, partial_Q=False, partial_C=True)
    r1n = incdtw.idtw2vec(Q, C[8:], gcm_lc=r0.gcm_lc_new, nC=8)  # nC alone does not give the row
    with pytest.raises(ValueError, match="gcm_lr_new covers only"):
        incdtw.dtw_partial(r1n)
    # partial_Q alone reads the last column, but rangeC and the normalisation need the number of
    # columns of all of C (12), not of the last call (4): known with nC, refused without it
    expect = incdtw.dtw_partial(incdtw.dtw(Q, C), partial_Q=True, partial_C=False)
    with pytest.raises(ValueError, match="number of earlier columns is unknown"):
        incdtw.dtw_partial(r1, partial_Q=True, partial_C=False)
    only_q = incdtw.dtw_partial(r1n, partial_Q=True, partial_C=False)
    assert (only_q.rangeQ, only_q.rangeC, only_q.normalized_distance) == (
        expect.rangeQ, expect.rangeC, expect.normalized_distance,
    )
    with pytest.raises(TypeError, match="partial_Q"):
        incdtw.dtw_partial(incdtw.dtw(Q, C), partial_Q="yes")


# ---- bad input: the plane; a rejected call leaves it unchanged -----------------------------------


def snapshot(p) -> tuple:
    def own(x):
        return None if x is None else np.array(x, copy=True)

    return (own(p.gcm_lc_new), own(p.gcm_lr_new), p.distance, p.normalized_distance, own(p.Q), own(p.C),
            dict(p.control), repr(p))


def assert_unchanged(before: tuple, p) -> None:
    after = snapshot(p)
    for x, y in zip(before, after):
        if isinstance(x, np.ndarray) or x is None:
            assert (x is None and y is None) or same(x, y)
        elif isinstance(x, float):
            assert (math.isnan(x) and math.isnan(y)) or x == y
        else:
            assert x == y


def rejected(p, exc, match, call) -> None:
    before = snapshot(p)
    with pytest.raises(exc, match=match):
        call()
    assert_unchanged(before, p)


def test_plane_bad_increments_leave_it_unchanged(series):
    Q, C = series
    p = incdtw.initialize_plane(Q, C[:8], ws=3)
    rejected(p, ValueError, "direction must be 'C' or 'Q', got 'X'", lambda: p.increment(1.0, direction="X"))
    rejected(p, ValueError, "direction must be 'C' or 'Q'", lambda: p.increment(1.0, direction="both"))
    rejected(p, ValueError, r"univariate but newObs has shape \(2, 2\)", lambda: p.increment(np.ones((2, 2))))
    rejected(p, ValueError, "non-finite value.*observation 0", lambda: p.increment(np.nan))
    rejected(p, ValueError, "non-finite value.*observation 1", lambda: p.increment([1.0, np.inf], direction="Q"))
    rejected(p, ValueError, "must not be empty", lambda: p.increment(np.array([])))
    rejected(p, TypeError, "newObs must hold real numbers", lambda: p.increment("a"))
    # infeasible: |10 - 14| > 3 and |15 - 8| > 3
    rejected(p, ValueError, "window size is too small", lambda: p.increment(np.ones(6)))
    rejected(p, ValueError, "window size is too small", lambda: p.increment(np.ones(5), direction="Q"))
    # the plane still works and equals dtw from scratch
    p.increment(C[8:10])
    assert p.distance == incdtw.dtw2vec(Q, C[:10], ws=3).distance


def test_plane_multivariate_bad_increments(rng):
    Q, C = rng.normal(size=(10, 2)), rng.normal(size=(8, 2))
    p = incdtw.initialize_plane(Q, C, dist_method="norm2")
    rejected(p, ValueError, r"shape \(k, 2\)", lambda: p.increment(np.ones(2)))
    rejected(p, ValueError, r"shape \(k, 2\).*\(3, 3\)", lambda: p.increment(np.ones((3, 3)), direction="Q"))
    rejected(p, ValueError, "non-finite", lambda: p.increment(np.array([[1.0, np.nan]])))
    with pytest.raises(ValueError, match="same number of columns: Q has 2, C has 3"):
        incdtw.initialize_plane(Q, np.ones((5, 3)))
    with pytest.raises(ValueError, match="same number of columns: Q has 1, C has 2"):
        incdtw.initialize_plane(Q[:, 0], C)


def test_plane_bad_initialisation(series):
    Q, C = series
    with pytest.raises(ValueError, match=r"window size is too small.*\|10 - 5\| = 5 > ws = 2"):
        incdtw.initialize_plane(Q, C[:5], ws=2)
    with pytest.raises(ValueError, match="at least 2 observations"):
        incdtw.initialize_plane(Q, C[:1])
    with pytest.raises(ValueError, match="non-finite"):
        incdtw.initialize_plane(Q, np.array([1.0, np.nan, 2.0]))


def test_plane_bad_decrements_leave_it_unchanged(series):
    Q, C = series
    p = incdtw.initialize_plane(Q, C[:8])
    rejected(p, ValueError, "nC must be >= 1, got 0", lambda: p.decrement(nC=0))
    rejected(p, ValueError, "nC must be between 1 and 8, got 9", lambda: p.decrement(nC=9))
    rejected(p, ValueError, "nQ must be between 1 and 10, got 11", lambda: p.decrement(nQ=11))
    rejected(p, ValueError, "nC must be >= 1", lambda: p.decrement(nC=-3))
    rejected(p, ValueError, "nC must be an integer", lambda: p.decrement(nC=2.5))
    rejected(p, TypeError, "nC", lambda: p.decrement(nC="3"))
    rejected(p, ValueError, "direction must be one of", lambda: p.decrement(direction="X"))
    rejected(p, TypeError, "refresh_dtw", lambda: p.decrement(refresh_dtw="yes"))
    pw = incdtw.initialize_plane(Q, C[:8], ws=3)
    rejected(pw, ValueError, "window size is too small", lambda: pw.decrement(nC=6))


def test_plane_increment_after_decrement_needs_refresh(series):
    Q, C = series
    p = incdtw.initialize_plane(Q, C[:8]).decrement(nC=5)
    assert p.gcm_lc_new is None and p.gcm_lr_new is None
    assert p.distance == incdtw.dtw2vec(Q, C[:5]).distance
    assert p.normalized_distance == p.distance / (10 + 5)
    rejected(p, ValueError, "call refresh", lambda: p.increment(1.0))
    rejected(p, ValueError, "call refresh", lambda: p.increment([1.0, 2.0], direction="Q"))
    with pytest.raises(ValueError, match="call refresh"):
        incdtw.dtw_partial(p)
    p.refresh().increment(C[5:])
    assert p.distance == incdtw.dtw2vec(Q, C).distance
    assert p.gcm_lc_new is not None


class _Tampered:
    """Unpickles through PlaneDTW's own restore function with altered arguments."""

    def __init__(self, fn, args):
        self.fn, self.args = fn, args

    def __reduce__(self):
        return self.fn, self.args


def tampered_pickle(p, index: int, value) -> bytes:
    fn, args = type(p).__reduce__(p)
    args = list(args)
    args[index] = value
    return pickle.dumps(_Tampered(fn, tuple(args)))


@pytest.mark.parametrize(
    "index,change,match",
    [
        (5, lambda a: a[:-1], "gcm_lc_new / gcm_lr_new have 9 / 8 values, but Q / C have 10 / 8"),
        (6, lambda a: a[:-1], "gcm_lc_new / gcm_lr_new have 10 / 7 values"),
        (1, lambda a: a[:-1], "Q / C have 10 / 7 observations"),
        (7, lambda a: a + 1.0, "distance, gcm_lc_new"),
        (3, lambda a: "symmetric3", "step_pattern"),
        (4, lambda a: 0, "window size is too small"),
        (10, lambda a: "<i8", "float64 or float32"),
    ],
    ids=["gcm_lc_new length", "gcm_lr_new length", "C length", "distance", "step_pattern", "ws", "dtype"],
)
def test_unpickling_a_tampered_plane(series, index, change, match):
    Q, C = series
    p = incdtw.initialize_plane(Q, C[:8])
    args = type(p).__reduce__(p)[1]
    data = tampered_pickle(p, index, change(args[index]))
    with pytest.raises(ValueError, match=match):
        pickle.loads(data)
    # the untampered state restores
    q = pickle.loads(tampered_pickle(p, index, args[index]))
    assert q.distance == p.distance and same(q.gcm_lc_new, p.gcm_lc_new)


def test_planes_in_threads_are_independent_and_one_shared_plane_is_never_torn():
    """The GIL is released during long increments: planes in parallel threads give the results of
    a serial run, and threads sharing one plane take turns (its mutex) instead of racing."""
    import threading

    rng = np.random.default_rng(7)
    Q = np.cumsum(rng.normal(size=400))
    streams = [np.cumsum(rng.normal(size=3000)) for _ in range(4)]
    planes = [incdtw.initialize_plane(Q, s[:2]) for s in streams]

    def feed(p, s):
        for a in range(2, s.size, 97):  # chunks above the size that releases the GIL
            p.increment(s[a:a + 97])

    threads = [threading.Thread(target=feed, args=(p, s)) for p, s in zip(planes, streams)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for p, s in zip(planes, streams):
        assert p.distance == incdtw.dtw2vec(Q, s).distance

    shared = incdtw.initialize_plane(Q, np.zeros(2))
    chunk = np.zeros(100)  # every thread appends the same values, so the order does not matter

    def hammer():
        for _ in range(20):
            shared.increment(chunk)

    threads = [threading.Thread(target=hammer) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    full = np.zeros(2 + 4 * 20 * 100)
    assert shared.control["nC"] == full.size
    np.testing.assert_array_equal(shared.C, full)
    assert shared.distance == incdtw.dtw2vec(Q, full).distance
    np.testing.assert_array_equal(shared.gcm_lr_new, incdtw.idtw2vec(Q, full).gcm_lr_new)


def test_a_number_is_one_new_observation():
    # IncDTW's idtw2vec(Q, newObs = -1.3536, ...): a scalar appends one observation
    rng = np.random.default_rng(3)
    Q, C = rng.normal(size=9), rng.normal(size=7)
    r0 = incdtw.idtw2vec(Q, C[:6])
    r1 = incdtw.idtw2vec(Q, float(C[6]), gcm_lc=r0.gcm_lc_new, gcm_lr=r0.gcm_lr_new, nC=6)
    assert r1.distance == incdtw.dtw2vec(Q, C).distance
    d0 = incdtw.dtw(Q, C[:6])
    r = incdtw.idtw(Q, C[:6], np.float64(C[6]), d0.gcm, d0.dm)
    np.testing.assert_array_equal(r.gcm, incdtw.dtw(Q, C).gcm)
    with pytest.raises(ValueError, match="at least 2 observations"):
        incdtw.idtw2vec(Q, 1.0)


def test_a_state_from_another_window_is_refused():
    """A last column computed without a window (or with another one) holds values where a state of
    this window has nan: continuing it would mix two alignments, so it is refused."""
    rng = np.random.default_rng(11)
    Q, C = rng.normal(size=12), rng.normal(size=14)
    free = incdtw.dtw(Q, C[:10])
    with pytest.raises(ValueError, match=r"outside the window \|i - j\| <= 3.*another window"):
        incdtw.idtw(Q, C[:10], C[10:], free.gcm, free.dm, ws=3)
    r0 = incdtw.idtw2vec(Q, C[:10])
    with pytest.raises(ValueError, match=r"gcm_lc\[0\] is .* outside the window"):
        incdtw.idtw2vec(Q, C[10:], gcm_lc=r0.gcm_lc_new, nC=10, ws=3)
    banded = incdtw.idtw2vec(Q, C[:10], ws=3)  # the same state made with the window continues
    r1 = incdtw.idtw2vec(Q, C[10:], gcm_lc=banded.gcm_lc_new, nC=10, ws=3)
    assert r1.distance == incdtw.dtw2vec(Q, C, ws=3).distance


@pytest.mark.parametrize("ws", [None, 3])
def test_idtw_matrix_modes_equal_the_series_mode(ws):
    """C="cm_add" / "diffM_add" with the cost / difference block of the new columns give the
    series result; diffM_add extends a given diffM and reads diffp from it."""
    rng = np.random.default_rng(5)
    Q, C = rng.normal(size=9), rng.normal(size=11)
    m = 8
    r0 = incdtw.dtw(Q, C[:m], ws=ws, return_diffM=True)
    full = incdtw.dtw(Q, C, ws=ws, return_wp=True, return_diffp=True, return_diffM=True)
    block = Q[:, None] - C[None, m:]
    via_cm = incdtw.idtw(np.abs(block), "cm_add", None, r0.gcm, r0.dm, ws=ws, return_wp=True, return_cm=True)
    via_diff = incdtw.idtw(block, "diffM_add", None, r0.gcm, r0.dm, ws=ws, diffM=r0.diffM, return_wp=True,
                           return_diffp=True, return_diffM=True)
    for r in (via_cm, via_diff):
        np.testing.assert_array_equal(r.gcm, full.gcm)
        np.testing.assert_array_equal(r.dm, full.dm)
        np.testing.assert_array_equal(r.jj, full.jj)
    np.testing.assert_array_equal(via_cm.cm, np.abs(block))
    np.testing.assert_array_equal(via_diff.diffM, np.hstack([r0.diffM, block]))
    np.testing.assert_array_equal(via_diff.diffp, np.hstack([r0.diffM, block])[full.ii, full.jj])
    if ws is None:  # without a window the difference matrix has no nan and diffp is Q[ii] - C[jj]
        np.testing.assert_array_equal(via_diff.diffp, full.diffp)
    with pytest.raises(ValueError, match="return_diffp with C='diffM_add' needs diffM"):
        incdtw.idtw(block, "diffM_add", None, r0.gcm, r0.dm, ws=ws, return_diffp=True)
