"""Property tests (hypothesis) of the incremental API: idtw, idtw2vec, the plane, dec_dm, dtw_partial.

Every incremental result must be bit-identical to a computation from scratch (``incdtw.dtw`` /
``incdtw.dtw2vec``, themselves checked against the naive reference in test_properties.py), for
univariate and multivariate input, both step patterns, all distance methods, with and without a
Sakoe-Chiba window. Windows are drawn so that every state a stream passes through is feasible.
"""

from __future__ import annotations

import copy
import math
import pickle

import numpy as np
import pytest
import reference as ref
from hypothesis import given, settings
from hypothesis import strategies as st
from helpers import make_series, same

import incdtw

METHODS = st.sampled_from(["norm1", "norm2", "norm2_square"])
STEPS = st.sampled_from(["symmetric1", "symmetric2"])
DIMS = st.sampled_from([0, 1, 2, 3])  # 0: 1-D array (univariate); d >= 1: (length, d) array
SETTINGS = settings(max_examples=500, deadline=None)
FEW = settings(max_examples=200, deadline=None)


# -- helpers ----------------------------------------------------------------------------------------




def same_float(x: float, y: float) -> bool:
    return (math.isnan(x) and math.isnan(y)) or x == y


def expected_normalized(distance: float, n: int, m: int, step: str) -> float:
    return distance / (n + m) if step == "symmetric2" else math.nan


def windows(lengths: list[tuple[int, int]], extra_candidates: list[int] = ()):
    """None, or a window with which every (nQ, nC) state in ``lengths`` is feasible; sometimes the
    tightest one, sometimes one equal to a number of columns (``extra_candidates``)."""
    need = max(abs(nq - nc) for nq, nc in lengths)
    options = [st.none(), st.integers(need, need + 3)]
    cands = sorted({c for c in extra_candidates if c >= need})
    if cands:
        options.append(st.sampled_from(cands))
    return st.one_of(*options)


@st.composite
def c_streams(draw, max_n=16, max_first=8, max_chunk=6, max_chunks=6):
    """Q, C, the cumulative numbers of C observations after each call (first: the initial call) and
    a window feasible at every one of them."""
    d = draw(DIMS)
    n = draw(st.integers(1, max_n))
    first = draw(st.integers(1 if d >= 2 else 2, max_first))  # the initial call needs >= 2 values
    chunks = draw(st.lists(st.integers(1, max_chunk), min_size=1, max_size=max_chunks))
    bounds = np.cumsum([first, *chunks]).tolist()
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    kind = draw(st.integers(0, 2))
    Q = make_series(rng, n, d, kind)
    C = make_series(rng, bounds[-1], d, kind)
    ws = draw(windows([(n, b) for b in bounds], bounds[:-1]))
    return Q, C, bounds, ws


@st.composite
def qc_streams(draw, max_start=8, max_chunk=5, max_ops=8):
    """Initial lengths, a random interleaving of appends to C and Q, the full series and a window
    feasible in every state."""
    d = draw(DIMS)
    nq0 = draw(st.integers(1, max_start))
    nc0 = draw(st.integers(1 if d >= 2 else 2, max_start))
    ops = draw(st.lists(st.tuples(st.sampled_from("CQ"), st.integers(1, max_chunk)), min_size=1, max_size=max_ops))
    states = [(nq0, nc0)]
    for direction, k in ops:
        nq, nc = states[-1]
        states.append((nq + k, nc) if direction == "Q" else (nq, nc + k))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    kind = draw(st.integers(0, 2))
    Q = make_series(rng, states[-1][0], d, kind)
    C = make_series(rng, states[-1][1], d, kind)
    ws = draw(windows(states))
    scalar_steps = draw(st.booleans())  # single univariate observations passed as Python floats
    return Q, C, (nq0, nc0), ops, ws, scalar_steps


@st.composite
def pairs(draw, max_len=12, min_m=1):
    d = draw(DIMS)
    n = draw(st.integers(1, max_len))
    m = draw(st.integers(min_m, max_len))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    kind = draw(st.integers(0, 2))
    Q, C = make_series(rng, n, d, kind), make_series(rng, m, d, kind)
    ws = draw(st.one_of(st.none(), st.integers(abs(n - m), abs(n - m) + 4)))
    return Q, C, ws


def chunk_for_plane(x: np.ndarray, scalar_steps: bool):
    """What a user passes to increment(): a Python float for one univariate observation (sometimes)."""
    if scalar_steps and x.ndim == 1 and x.shape[0] == 1:
        return float(x[0])
    return x


def plane_state(p) -> tuple:
    return (p.gcm_lc_new, p.gcm_lr_new, p.distance, p.normalized_distance, p.Q, p.C, p.control)


def assert_same_state(a, b) -> None:
    for x, y in zip(plane_state(a), plane_state(b)):
        if isinstance(x, dict):
            assert x == y
        elif x is None or y is None:
            assert x is None and y is None
        elif isinstance(x, float):
            assert same_float(x, y)
        else:
            assert same(x, y)


def assert_plane_equals_scratch(p, Q, C, method, step, ws) -> None:
    full = incdtw.dtw(Q, C, dist_method=method, step_pattern=step, ws=ws)
    assert same(p.gcm_lc_new, full.gcm[:, -1])
    assert same(p.gcm_lr_new, full.gcm[-1, :])
    assert p.distance == full.distance
    assert p.distance == incdtw.dtw2vec(Q, C, dist_method=method, step_pattern=step, ws=ws).distance
    assert same_float(p.normalized_distance, expected_normalized(full.distance, len(Q), len(C), step))
    assert same(p.Q, Q.reshape(p.Q.shape)) and same(p.C, C.reshape(p.C.shape))  # (n, 1) may come back 1-D
    assert p.Q.shape[0] == len(Q) and p.C.shape[0] == len(C)
    assert p.control == {
        "dist_method": method, "step_pattern": step, "nQ": len(Q), "nC": len(C), "ws": ws, "reverse": False,
    }


def run_plane(p, Q, C, start, ops, scalar_steps, check=None):
    """Apply ``ops`` to the plane; ``check(p, nq, nc)`` after each step."""
    nq, nc = start
    for direction, k in ops:
        if direction == "C":
            out = p.increment(chunk_for_plane(C[nc:nc + k], scalar_steps), direction="C")
            nc += k
        else:
            out = p.increment(chunk_for_plane(Q[nq:nq + k], scalar_steps), direction="Q")
            nq += k
        assert out is p  # mutates and returns the plane
        if check is not None:
            check(p, nq, nc)
    return nq, nc


# -- 1. idtw2vec: appends to C in chunks ------------------------------------------------------------
@SETTINGS
@given(c_streams(), METHODS, STEPS, st.booleans(), st.booleans())
def test_idtw2vec_chunks_equal_dtw_from_scratch(stream, method, step, pass_lr, give_nc):
    Q, C, bounds, ws = stream
    n = len(Q)
    kw = dict(dist_method=method, step_pattern=step, ws=ws)
    r = incdtw.idtw2vec(Q, C[: bounds[0]], **kw)
    full = incdtw.dtw(Q, C[: bounds[0]], **kw)
    assert same(r.gcm_lc_new, full.gcm[:, -1])
    assert same(r.gcm_lr_new, full.gcm[-1, :])
    assert r.distance == full.distance
    assert same_float(r.normalized_distance, full.normalized_distance)
    lr = r.gcm_lr_new
    for a, b in zip(bounds, bounds[1:]):
        nc = a if (give_nc or ws is not None) else None
        r = incdtw.idtw2vec(Q, C[a:b], gcm_lc=r.gcm_lc_new, gcm_lr=lr if pass_lr else None, nC=nc, **kw)
        full = incdtw.dtw(Q, C[:b], **kw)
        assert same(r.gcm_lc_new, full.gcm[:, -1])
        if pass_lr:
            assert same(r.gcm_lr_new, full.gcm[-1, :])  # gcm_lr followed by the new values
        else:
            assert same(r.gcm_lr_new, full.gcm[-1, a:b])  # the new values only
        lr = r.gcm_lr_new if pass_lr else None
        assert r.distance == full.distance
        assert r.distance == incdtw.dtw2vec(Q, C[:b], **kw).distance
        if nc is None:
            assert math.isnan(r.normalized_distance)
        else:
            assert same_float(r.normalized_distance, expected_normalized(r.distance, n, b, step))


# -- 2. appends to both series ----------------------------------------------------------------------
@SETTINGS
@given(qc_streams(), METHODS, STEPS)
def test_plane_mixed_appends_equal_dtw_from_scratch(stream, method, step):
    Q, C, start, ops, ws, scalar_steps = stream
    p = incdtw.initialize_plane(Q[: start[0]], C[: start[1]], dist_method=method, step_pattern=step, ws=ws)
    assert_plane_equals_scratch(p, Q[: start[0]], C[: start[1]], method, step, ws)
    nq, nc = run_plane(
        p, Q, C, start, ops, scalar_steps,
        check=lambda p, nq, nc: assert_plane_equals_scratch(p, Q[:nq], C[:nc], method, step, ws),
    )
    assert (nq, nc) == (len(Q), len(C))


@SETTINGS
@given(qc_streams(), METHODS, STEPS)
def test_idtw2vec_role_swapping_equals_dtw_from_scratch(stream, method, step):
    Q, C, (nq, nc), ops, ws, _ = stream
    kw = dict(dist_method=method, step_pattern=step, ws=ws)
    r = incdtw.idtw2vec(Q[:nq], C[:nc], **kw)
    lc, lr = r.gcm_lc_new, r.gcm_lr_new  # last column (length nQ) and last row (length nC)
    for direction, k in ops:
        if direction == "C":
            r = incdtw.idtw2vec(Q[:nq], C[nc:nc + k], gcm_lc=lc, gcm_lr=lr, nC=nc, **kw)
            nc += k
            lc, lr = r.gcm_lc_new, r.gcm_lr_new
        else:
            r = incdtw.idtw2vec(C[:nc], Q[nq:nq + k], gcm_lc=lr, gcm_lr=lc, nC=nq, **kw)
            nq += k
            lc, lr = r.gcm_lr_new, r.gcm_lc_new  # roles swapped back
        full = incdtw.dtw(Q[:nq], C[:nc], **kw)
        assert same(lc, full.gcm[:, -1])
        assert same(lr, full.gcm[-1, :])
        assert r.distance == full.distance
        assert same_float(r.normalized_distance, expected_normalized(full.distance, nq, nc, step))


# -- 3. idtw (matrices) in chunks -------------------------------------------------------------------
def assert_matrix_result_equals(r, full, n: int, m: int, step: str) -> None:
    assert same(r.gcm, full.gcm)
    assert same(r.dm, full.dm)
    assert same(r.ii, full.ii) and same(r.jj, full.jj) and same(r.wp, full.wp)
    assert r.distance == full.distance
    assert same_float(r.normalized_distance, expected_normalized(full.distance, n, m, step))


@SETTINGS
@given(c_streams(), METHODS, STEPS, st.data())
def test_idtw_chunks_equal_dtw_from_scratch(stream, method, step, data):
    Q, C, bounds, ws = stream
    n = len(Q)
    kw = dict(dist_method=method, step_pattern=step, ws=ws)
    r = incdtw.dtw(Q, C[: bounds[0]], return_wp=True, **kw)
    for a, b in zip(bounds, bounds[1:]):
        c_arg = C[:b] if data.draw(st.booleans(), label="pass updated C") else C[:a]
        r = incdtw.idtw(Q, c_arg, C[a:b], r.gcm, r.dm, return_wp=True, **kw)
        full = incdtw.dtw(Q, C[:b], return_wp=True, **kw)
        assert_matrix_result_equals(r, full, n, b, step)


@SETTINGS
@given(DIMS, st.integers(1, 8), st.data(), METHODS, STEPS)
def test_idtw_when_old_columns_equal_window(d, m0, data, method, step):
    # IncDTW leaves the first-row cell (0, ws) unfilled when m == ws (DEVIATIONS 4): incdtw must not
    ws = m0
    n = data.draw(st.integers(1, 2 * m0), label="n")
    o = data.draw(st.integers(1, n), label="o")  # |n - (m0 + o)| <= ws
    rng = np.random.default_rng(data.draw(st.integers(0, 2**32 - 1), label="seed"))
    kind = data.draw(st.integers(0, 2), label="kind")
    Q, C = make_series(rng, n, d, kind), make_series(rng, m0 + o, d, kind)
    kw = dict(dist_method=method, step_pattern=step, ws=ws)
    r0 = incdtw.dtw(Q, C[:m0], **kw)
    r = incdtw.idtw(Q, C[:m0], C[m0:], r0.gcm, r0.dm, return_wp=True, **kw)
    assert_matrix_result_equals(r, incdtw.dtw(Q, C, return_wp=True, **kw), n, m0 + o, step)


# -- 4. dec_dm --------------------------------------------------------------------------------------
@SETTINGS
@given(pairs(max_len=16), METHODS, STEPS)
def test_dec_dm_equals_path_of_shortened_alignment(qc, method, step):
    Q, C, ws = qc
    n, m = len(Q), len(C)
    kw = dict(dist_method=method, step_pattern=step, ws=ws)
    base = incdtw.dtw(Q, C, return_diffM=Q.ndim == 1, **kw)
    for ndec in range(m):
        k = m - ndec
        if ws is not None and abs(n - k) > ws:
            continue
        expect = incdtw.dtw(Q, C[:k], return_wp=True, **kw)
        got = incdtw.dec_dm(base.dm, ndec)
        assert same(got.ii, expect.ii) and same(got.jj, expect.jj) and same(got.wp, expect.wp), ndec
        assert got.diffp is None
        if Q.ndim == 1:
            with_diff = incdtw.dec_dm(base.dm, ndec, diffM=base.diffM)
            np.testing.assert_array_equal(with_diff.diffp, base.diffM[expect.ii, expect.jj])
            np.testing.assert_array_equal(with_diff.diffp, Q[expect.ii] - C[expect.jj])


# -- 5. dtw_partial ---------------------------------------------------------------------------------
def brute_partial(Q, C, method, step, ws, partial_Q, partial_C, reverse):
    """IncDTW's definition (API.md 6) from naive DTWs of all prefixes; returns 0-based half-open ranges."""
    n, m = len(Q), len(C)

    def distance(q, c):
        if ws is not None and abs(len(q) - len(c)) > ws:
            return math.inf
        d = ref.dtw_from_cost(ref.cost_matrix(q, c, method, ws), step, ws)[2]
        return math.inf if math.isnan(d) else d

    pc = [distance(Q, C[: j + 1]) / (n + j + 1) for j in range(m)] if partial_C else [math.inf] * m
    pq = [distance(Q[: i + 1], C) / (i + 1 + m) for i in range(n)] if partial_Q else [math.inf] * n
    # with neither: all inf, so C "wins" with b = 0 (IncDTW: rangeC = c(1, 1), or c(m, m) reversed)
    if min(pc) <= min(pq):  # C wins ties
        b = int(np.argmin(pc))  # first minimum
        rc = (m - b - 1, m) if reverse else (0, b + 1)
        return (0, n), rc, pc[b]
    b = int(np.argmin(pq))
    rq = (n - b - 1, n) if reverse else (0, b + 1)
    return rq, (0, m), pq[b]


@SETTINGS
@given(pairs(max_len=12, min_m=2), METHODS, STEPS, st.booleans(), st.booleans(), st.booleans())
def test_dtw_partial_equals_brute_force(qc, method, step, partial_Q, partial_C, reverse):
    Q, C, ws = qc
    kw = dict(dist_method=method, step_pattern=step, ws=ws)
    rq, rc, nd = brute_partial(Q, C, method, step, ws, partial_Q, partial_C, reverse)
    flags = dict(partial_Q=partial_Q, partial_C=partial_C, reverse=reverse)
    sources = {
        "dtw": incdtw.dtw(Q, C, **kw),
        "idtw2vec": incdtw.idtw2vec(Q, C, **kw),
        "plane": incdtw.initialize_plane(Q, C, **kw),
    }
    full = sources["dtw"]
    sources["dict"] = {"gcm": full.gcm}
    sources["dict_vectors"] = {"gcm_lc_new": full.gcm[:, -1], "gcm_lr_new": full.gcm[-1, :]}
    for name, x in sources.items():
        got = incdtw.dtw_partial(x, **flags)
        assert got.rangeQ == rq and got.rangeC == rc, name
        assert isinstance(got.rangeQ[0], int) and isinstance(got.rangeC[1], int)
        assert got.normalized_distance == nd, name


@FEW
@given(pairs(max_len=10, min_m=2), METHODS, STEPS, st.booleans(), st.booleans())
def test_dtw_partial_on_running_idtw2vec_with_gcm_lr(qc, method, step, partial_Q, partial_C):
    Q, C, ws = qc
    m = len(C)
    split = max(2, m // 2)
    if split >= m or (ws is not None and abs(len(Q) - split) > ws):
        return
    kw = dict(dist_method=method, step_pattern=step, ws=ws)
    r0 = incdtw.idtw2vec(Q, C[:split], **kw)
    r1 = incdtw.idtw2vec(Q, C[split:], gcm_lc=r0.gcm_lc_new, gcm_lr=r0.gcm_lr_new, nC=split, **kw)
    flags = dict(partial_Q=partial_Q, partial_C=partial_C)
    a, b = incdtw.dtw_partial(r1, **flags), incdtw.dtw_partial(incdtw.dtw(Q, C, **kw), **flags)
    assert (a.rangeQ, a.rangeC, a.normalized_distance) == (b.rangeQ, b.rangeC, b.normalized_distance)


# -- 6. pickling a plane mid-stream -----------------------------------------------------------------
@SETTINGS
@given(qc_streams(), METHODS, STEPS, st.data())
def test_plane_pickled_mid_stream_continues_identically(stream, method, step, data):
    Q, C, start, ops, ws, scalar_steps = stream
    cut = data.draw(st.integers(0, len(ops)), label="pickle after op")
    how = data.draw(st.sampled_from(["pickle", "deepcopy", "copy"]), label="how")
    p = incdtw.initialize_plane(Q[: start[0]], C[: start[1]], dist_method=method, step_pattern=step, ws=ws)
    mid = run_plane(p, Q, C, start, ops[:cut], scalar_steps)
    if how == "pickle":
        q = pickle.loads(pickle.dumps(p, protocol=data.draw(st.integers(2, pickle.HIGHEST_PROTOCOL), label="proto")))
    elif how == "deepcopy":
        q = copy.deepcopy(p)
    else:
        q = copy.copy(p)
    assert type(q) is type(p) and q is not p
    assert_same_state(p, q)
    assert repr(p) == repr(q)
    end_p = run_plane(p, Q, C, mid, ops[cut:], scalar_steps)
    end_q = run_plane(q, Q, C, mid, ops[cut:], scalar_steps)
    assert end_p == end_q == (len(Q), len(C))
    assert_same_state(p, q)
    assert_plane_equals_scratch(q, Q, C, method, step, ws)


@FEW
@given(qc_streams(), METHODS, STEPS, st.integers(1, 3))
def test_plane_pickled_after_decrement_refreshes_identically(stream, method, step, drop):
    Q, C, start, ops, ws, scalar_steps = stream
    p = incdtw.initialize_plane(Q[: start[0]], C[: start[1]], dist_method=method, step_pattern=step, ws=ws)
    run_plane(p, Q, C, start, ops, scalar_steps)
    nc = len(C) - drop
    if nc < 2 or (ws is not None and abs(len(Q) - nc) > ws):
        return
    p.decrement(nC=nc)
    assert p.gcm_lc_new is None and p.gcm_lr_new is None
    q = pickle.loads(pickle.dumps(p))
    assert_same_state(p, q)
    with pytest.raises(ValueError, match="refresh"):
        q.increment(C[-1:])
    p.refresh()
    q.refresh()
    assert_same_state(p, q)
    assert_plane_equals_scratch(q, Q, C[:nc], method, step, ws)


# -- 7. float32 -------------------------------------------------------------------------------------
def assert_close32(x32, x64) -> None:
    x32, x64 = np.asarray(x32), np.asarray(x64)
    assert x32.dtype == np.float32
    assert x32.shape == x64.shape
    assert np.array_equal(np.isnan(x32), np.isnan(x64))
    np.testing.assert_allclose(x32.astype(np.float64), x64, rtol=1e-4, atol=1e-4)


@SETTINGS
@given(qc_streams(), METHODS, STEPS)
def test_float32_plane_computes_in_float32(stream, method, step):
    Q, C, start, ops, ws, _ = stream
    Q32, C32 = Q.astype(np.float32), C.astype(np.float32)
    p64 = incdtw.initialize_plane(Q[: start[0]], C[: start[1]], dist_method=method, step_pattern=step, ws=ws)
    p32 = incdtw.initialize_plane(Q32[: start[0]], C32[: start[1]], dist_method=method, step_pattern=step, ws=ws)
    run_plane(p64, Q, C, start, ops, False)
    run_plane(p32, Q32, C32, start, ops, False)
    assert p32.Q.dtype == np.float32 and p32.C.dtype == np.float32
    assert_close32(p32.gcm_lc_new, p64.gcm_lc_new)
    assert_close32(p32.gcm_lr_new, p64.gcm_lr_new)
    assert p32.distance == pytest.approx(p64.distance, rel=1e-4, abs=1e-4)
    # computed in float32: the same values as the float32 computation from scratch
    full32 = incdtw.dtw(Q32, C32, dist_method=method, step_pattern=step, ws=ws)
    assert same(p32.gcm_lc_new, full32.gcm[:, -1])
    assert same(p32.gcm_lr_new, full32.gcm[-1, :])
    assert p32.distance == incdtw.dtw2vec(Q32, C32, dist_method=method, step_pattern=step, ws=ws).distance
    q = pickle.loads(pickle.dumps(p32))
    assert_same_state(p32, q)


@SETTINGS
@given(c_streams(), METHODS, STEPS)
def test_float32_idtw2vec_computes_in_float32(stream, method, step):
    Q, C, bounds, ws = stream
    kw = dict(dist_method=method, step_pattern=step, ws=ws)
    Q32, C32 = Q.astype(np.float32), C.astype(np.float32)
    r32 = incdtw.idtw2vec(Q32, C32[: bounds[0]], **kw)
    r64 = incdtw.idtw2vec(Q, C[: bounds[0]], **kw)
    for a, b in zip(bounds, bounds[1:]):
        r32 = incdtw.idtw2vec(Q32, C32[a:b], gcm_lc=r32.gcm_lc_new, gcm_lr=r32.gcm_lr_new, nC=a, **kw)
        r64 = incdtw.idtw2vec(Q, C[a:b], gcm_lc=r64.gcm_lc_new, gcm_lr=r64.gcm_lr_new, nC=a, **kw)
    assert_close32(r32.gcm_lc_new, r64.gcm_lc_new)
    assert_close32(r32.gcm_lr_new, r64.gcm_lr_new)
    assert r32.distance == pytest.approx(r64.distance, rel=1e-4, abs=1e-4)
    assert r32.distance == incdtw.dtw2vec(Q32, C32, **kw).distance
