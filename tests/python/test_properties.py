"""Property tests (hypothesis): incdtw against the naive reference and against itself."""

from __future__ import annotations

import math

import numpy as np
import pytest
import reference as ref
from hypothesis import given, settings
from hypothesis import strategies as st

import incdtw

METHODS = st.sampled_from(["norm1", "norm2", "norm2_square"])
STEPS = st.sampled_from(["symmetric1", "symmetric2"])
SETTINGS = settings(max_examples=150, deadline=None)


@st.composite
def pairs(draw, max_len=18):
    """Two series of equal dimensionality (1-D, or (n, d) with d in 1..3), integer-valued (many
    ties) or real-valued, plus a feasible window or None."""
    n = draw(st.integers(1, max_len))
    m = draw(st.integers(1, max_len))
    d = draw(st.sampled_from([0, 1, 2, 3]))  # 0: 1-D array
    shape_q = (n,) if d == 0 else (n, d)
    shape_c = (m,) if d == 0 else (m, d)
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    if draw(st.booleans()):
        Q, C = rng.integers(-3, 4, size=shape_q).astype(float), rng.integers(-3, 4, size=shape_c).astype(float)
    else:
        Q, C = rng.normal(size=shape_q), rng.normal(size=shape_c)
    ws = draw(st.one_of(st.none(), st.integers(abs(n - m), abs(n - m) + max_len)))
    return Q, C, ws


@SETTINGS
@given(pairs(), METHODS, STEPS)
def test_dtw_equals_naive_reference(qc, method, step):
    Q, C, ws = qc
    gcm, dm, dist, nd, ii, jj, wp = ref.dtw(Q, C, method, step, ws)
    r = incdtw.dtw(Q, C, dist_method=method, step_pattern=step, ws=ws, return_wp=True, return_cm=True)
    np.testing.assert_array_equal(r.gcm, gcm)  # same operations in the same precision: same bits
    np.testing.assert_array_equal(r.dm, dm)
    np.testing.assert_array_equal(r.ii, ii)
    np.testing.assert_array_equal(r.jj, jj)
    np.testing.assert_array_equal(r.wp, wp)
    np.testing.assert_array_equal(r.cm, ref.cost_matrix(Q, C, method, ws))
    assert r.distance == dist
    assert (math.isnan(r.normalized_distance) and math.isnan(nd)) or r.normalized_distance == nd


@SETTINGS
@given(pairs(max_len=30), METHODS, STEPS)
def test_dtw2vec_equals_dtw_and_is_symmetric(qc, method, step):
    Q, C, ws = qc
    full = incdtw.dtw(Q, C, dist_method=method, step_pattern=step, ws=ws)
    vec = incdtw.dtw2vec(Q, C, dist_method=method, step_pattern=step, ws=ws)
    assert vec.distance == full.distance
    assert vec.normalized_distance == full.normalized_distance or step == "symmetric1"
    swapped = incdtw.dtw2vec(C, Q, dist_method=method, step_pattern=step, ws=ws)
    assert swapped.distance == vec.distance


@SETTINGS
@given(pairs(max_len=30), METHODS, STEPS, st.floats(0.0, 2.0))
def test_early_abandoning_is_exact_or_nan(qc, method, step, frac):
    Q, C, ws = qc
    exact = incdtw.dtw2vec(Q, C, dist_method=method, step_pattern=step, ws=ws).distance
    for threshold in (exact * frac, exact, np.nextafter(exact, 0.0)):
        got = incdtw.dtw2vec(Q, C, dist_method=method, step_pattern=step, ws=ws, threshold=threshold).distance
        if exact <= threshold:
            assert got == exact
        else:
            assert math.isnan(got)


@SETTINGS
@given(pairs(max_len=30), METHODS, STEPS)
def test_path_is_a_valid_alignment_with_the_distance_as_cost(qc, method, step):
    Q, C, ws = qc
    r = incdtw.dtw(Q, C, dist_method=method, step_pattern=step, ws=ws, return_wp=True, return_cm=True)
    n, m = r.dm.shape
    assert (r.ii[0], r.jj[0]) == (0, 0) and (r.ii[-1], r.jj[-1]) == (n - 1, m - 1)
    di, dj = np.diff(r.ii), np.diff(r.jj)
    assert ((di >= 0) & (di <= 1) & (dj >= 0) & (dj <= 1) & (di + dj >= 1)).all()  # monotone, contiguous
    codes = np.where((di == 1) & (dj == 1), 1, np.where(dj == 1, 2, 3))
    np.testing.assert_array_equal(r.wp, codes)
    if ws is not None:
        assert (np.abs(r.ii - r.jj) <= ws).all()
    cost = ref.path_cost(r.cm, r.ii, r.jj, step)
    assert cost == pytest.approx(r.distance, rel=1e-12, abs=1e-12)


@SETTINGS
@given(pairs(max_len=25), METHODS, STEPS)
def test_float32_close_to_float64_and_one_column_equals_1d(qc, method, step):
    Q, C, ws = qc
    r64 = incdtw.dtw(Q, C, dist_method=method, step_pattern=step, ws=ws)
    r32 = incdtw.dtw2vec(Q.astype(np.float32), C.astype(np.float32), dist_method=method, step_pattern=step, ws=ws)
    assert r32.distance == pytest.approx(r64.distance, rel=1e-4, abs=1e-4)
    if Q.ndim == 1:
        col = incdtw.dtw(Q[:, None], C[:, None], dist_method=method, step_pattern=step, ws=ws)
        np.testing.assert_array_equal(col.gcm, r64.gcm)
        np.testing.assert_array_equal(col.dm, r64.dm)


@SETTINGS
@given(pairs(max_len=25), METHODS, STEPS)
def test_precomputed_matrices_match_series(qc, method, step):
    Q, C, ws = qc
    base = incdtw.dtw(Q, C, dist_method=method, step_pattern=step, ws=ws, return_wp=True)
    cost = incdtw.cm(Q, C, dist_method=method, ws=ws)
    from_cm = incdtw.dtw(cost, "cm", step_pattern=step, ws=ws, return_wp=True)
    np.testing.assert_array_equal(from_cm.gcm, base.gcm)
    np.testing.assert_array_equal(from_cm.dm, base.dm)
    assert incdtw.dtw2vec(cost, "cm", step_pattern=step, ws=ws).distance == base.distance
