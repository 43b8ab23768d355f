"""Values and lengths at the ends of their types: finite but huge series (scaling must not
overflow), overflowed (+inf) costs in incremental states, lengths near int64's end, and numpy
masked arrays."""

from __future__ import annotations

import pickle

import numpy as np
import pytest

import incdtw
from incdtw import _core, _validate

RNG = np.random.default_rng(20)
WALK = np.cumsum(RNG.normal(size=300))
WALK2 = np.cumsum(RNG.normal(size=(120, 2)), axis=0)
NOISE = RNG.normal(size=300)  # both signs in every window: near the largest value, max - min overflows


def centred(x):
    """x shifted so that its largest and smallest value (per column) are of equal size."""
    return x - (np.max(x, axis=0) + np.min(x, axis=0)) / 2


def same_bits(a, b) -> bool:
    a, b = np.asarray(a), np.asarray(b)
    return a.dtype == b.dtype and a.shape == b.shape and np.array_equal(a, b, equal_nan=True)


def largest_exponent(*arrays) -> int:
    """The largest e for which every array times 2**e stays finite."""
    big = max(float(np.max(np.abs(a))) for a in arrays)
    return int(np.finfo(np.asarray(arrays[0]).dtype).maxexp) - 1 - int(np.floor(np.log2(big)))


# ---- scaling of huge values ------------------------------------------------------------------------


@pytest.mark.parametrize("x", [centred(WALK[:40]), centred(WALK2[:30]), centred(WALK[:30]).astype(np.float32)],
                         ids=["1-d", "2-d", "float32"])
@pytest.mark.parametrize("type_", ["z", "01"])
def test_scale_of_huge_values_is_the_scale_of_ordinary_ones(x, type_):
    # z and 01 are invariant under x * 2**e, which is exact: the same bits, up to the largest e
    top = largest_exponent(x)
    for e in (top // 3, top // 2, top):
        huge = np.ldexp(x, e)
        assert np.all(np.isfinite(huge))
        assert same_bits(incdtw.scale(huge, type=type_), incdtw.scale(x, type=type_)), e
    kw = dict(xmean=1.5, xsd=2.0) if type_ == "z" else dict(xmin=-40.0, xmax=40.0)
    e = largest_exponent(x, np.array([64.0]))
    scaled_kw = {key: float(np.ldexp(val, e)) for key, val in kw.items()}
    assert same_bits(incdtw.scale(np.ldexp(x, e), type=type_, threshold=float(np.ldexp(1e-5, e)), **scaled_kw),
                     incdtw.scale(x, type=type_, **kw))


def test_scale_of_the_reported_values():
    x = RNG.normal(size=20)
    z = incdtw.scale(x * 1e160, type="z")  # was all zeros: (x - mu)^2 overflowed
    np.testing.assert_allclose(z, incdtw.scale(x), rtol=1e-13)
    near = x / np.abs(x).max() * 1.7e308  # was NaN: max - min and x - min overflowed
    u = incdtw.scale(near, type="01")
    assert np.all(np.isfinite(u)) and u.min() == 0.0 and u.max() == 1.0
    np.testing.assert_allclose(u, incdtw.scale(x, type="01"), rtol=1e-13)
    assert same_bits(incdtw.scale(np.full(4, 1.7e308)), np.zeros(4))  # constant: shift only


def test_lower_bounds_of_huge_values():
    Q, C = WALK[:30], WALK[100:125]
    e = largest_exponent(Q, C)
    for scale in ("z", "01"):
        tube = incdtw.lowerbound_tube(Q, 3, scale=scale)
        assert same_bits(incdtw.lowerbound_tube(np.ldexp(Q, e), 3, scale=scale), tube)
        assert incdtw.lowerbound(np.ldexp(C, e), 3, scale=scale, Q=np.ldexp(Q, e)) == incdtw.lowerbound(
            C, 3, scale=scale, Q=Q)


def same_search(a, b) -> bool:
    dists = zip(*(r.dist if isinstance(r.dist, list) else [r.dist] for r in (a, b)))
    knn = [(x, y) for x, y in ((a.knn_indices, b.knn_indices), (a.knn_values, b.knn_values))]
    return all(same_bits(x, y) for x, y in dists) and all(
        (x is None and y is None) or same_bits(x, y) for x, y in knn)


@pytest.mark.filterwarnings("ignore:found only")
@pytest.mark.parametrize("scale", ["z", "01"])
@pytest.mark.parametrize("kw", [{"k": 3, "ws": 4}, {"lower_bound": False}, {"k": 2, "n_jobs": 2, "threshold": 2.0}])
def test_rundtw_of_huge_values_is_the_search_of_ordinary_ones(scale, kw):
    for C in (WALK, NOISE):
        Q = C[150:170] + RNG.normal(scale=0.05, size=20)
        top = largest_exponent(Q, C)
        for e in (top // 2, top):
            want = incdtw.rundtw(Q, C, scale=scale, **kw)
            got = incdtw.rundtw(np.ldexp(Q, e), np.ldexp(C, e), scale=scale, **kw)
            assert same_search(got, want), e
            if "k" in kw:
                assert 150 in got.knn_indices  # the reported defect: z found no window at all
    lot = [WALK2[:60], WALK2[50:]]  # list mode, multivariate
    e = largest_exponent(*lot)
    assert same_search(incdtw.rundtw(np.ldexp(WALK2[10:22], e), [np.ldexp(s, e) for s in lot], scale=scale, k=2),
                       incdtw.rundtw(WALK2[10:22], lot, scale=scale, k=2))


def test_rundtw_z_states_carry_the_shift_of_the_whole_series():
    x = WALK.copy()
    x[150:] = np.ldexp(x[150:], 900)
    z = _core.rundtw_z_states(x, 12, [0, 100, 200])
    assert z.shape == (3, 1, 3)
    assert np.all(z[:, 0, 2] == z[0, 0, 2]) and z[0, 0, 2] > 0
    assert np.all(np.isfinite(z))


# ---- overflowed (+inf) costs in incremental states -------------------------------------------------

H = 1e308  # |H - (-H)|, H + H and H**2 overflow
Q_INF = np.array([0.5, 1.0, H, -1.0, 2.0, 1.5, 0.0])
C_INF = np.array([0.0, -H, 1.0, H, 0.5, 2.0, -0.5, 1.0, 3.0])
METRICS = [dict(dist_method=d, step_pattern=s) for d in ("norm1", "norm2_square") for s in ("symmetric1", "symmetric2")]


@pytest.mark.parametrize("metric", METRICS)
@pytest.mark.parametrize("ws", [None, 3])
def test_idtw2vec_and_idtw_continue_an_overflowed_state_as_from_scratch(metric, ws):
    want = incdtw.dtw(Q_INF, C_INF, ws=ws, **metric)
    for m0 in (4, 6):
        head, tail = C_INF[:m0], C_INF[m0:]
        r0 = incdtw.idtw2vec(Q_INF, head, ws=ws, **metric)
        assert np.isinf(r0.gcm_lc_new).any()  # the state holds +inf: refused before
        r1 = incdtw.idtw2vec(Q_INF, tail, gcm_lc=r0.gcm_lc_new, gcm_lr=r0.gcm_lr_new, nC=m0, ws=ws, **metric)
        assert same_bits(r1.gcm_lc_new, want.gcm[:, -1])
        assert same_bits(r1.gcm_lr_new, want.gcm[-1, :])
        assert same_bits(r1.distance, want.distance) and same_bits(r1.normalized_distance, want.normalized_distance)
        old = incdtw.dtw(Q_INF, head, ws=ws, **metric)
        r = incdtw.idtw(Q_INF, head, tail, old.gcm, old.dm, ws=ws, return_wp=True, **metric)
        assert same_bits(r.gcm, want.gcm) and same_bits(r.dm, want.dm)
        assert same_bits(r.distance, want.distance) and same_bits(r.normalized_distance, want.normalized_distance)


@pytest.mark.parametrize("metric", METRICS)
@pytest.mark.parametrize("ws", [None, 3])
def test_a_pickled_plane_holding_inf_continues_as_from_scratch(metric, ws):
    p = incdtw.initialize_plane(Q_INF[:5], C_INF[:6], ws=ws, **metric)
    assert np.isinf(p.gcm_lc_new).any()
    back = pickle.loads(pickle.dumps(p))  # refused before: +inf in gcm_lc_new / gcm_lr_new
    assert same_bits(back.gcm_lc_new, p.gcm_lc_new) and same_bits(back.gcm_lr_new, p.gcm_lr_new)
    back.increment(Q_INF[5:], direction="Q").increment(C_INF[6:])
    whole = incdtw.initialize_plane(Q_INF, C_INF, ws=ws, **metric)
    assert same_bits(back.gcm_lc_new, whole.gcm_lc_new) and same_bits(back.gcm_lr_new, whole.gcm_lr_new)
    assert same_bits(back.distance, whole.distance)


def test_states_that_no_computation_gives_are_still_refused():
    r0 = incdtw.idtw2vec(Q_INF, C_INF[:4])
    for bad in (np.nan, -np.inf, -1.0):
        lc = r0.gcm_lc_new.copy()
        lc[2] = bad
        with pytest.raises(ValueError, match=r"gcm_lc\[2\].*inside the window"):
            incdtw.idtw2vec(Q_INF, C_INF[4:], gcm_lc=lc, nC=4)
        g = incdtw.dtw(Q_INF, C_INF[:4])
        gcm = g.gcm.copy()
        gcm[2, -1] = bad
        with pytest.raises(ValueError, match=r"gcm\(2, 3\)"):
            incdtw.idtw(Q_INF, C_INF[:4], C_INF[4:], gcm, g.dm)


# ---- lengths near int64's end ----------------------------------------------------------------------


@pytest.mark.parametrize("nC", [2**63 - 1, 2**63, 10**30, 1e300, _validate.MAX_LENGTH + 1])
def test_idtw2vec_refuses_an_nC_that_cannot_be_a_length(nC):
    Q = np.array([1.0, 2.0, 3.0])
    r0 = incdtw.idtw2vec(Q, np.array([1.0, 2.0]))
    with pytest.raises(ValueError, match=r"nC must be at most"):
        incdtw.idtw2vec(Q, np.array([3.0]), gcm_lc=r0.gcm_lc_new, nC=nC)


def test_idtw2vec_normalises_the_largest_nC_without_overflow():
    Q = np.array([1.0, 2.0, 3.0])
    r0 = incdtw.idtw2vec(Q, np.array([1.0, 2.0]))
    nC = _validate.MAX_LENGTH
    r = incdtw.idtw2vec(Q, np.array([3.0, 4.0]), gcm_lc=r0.gcm_lc_new, nC=nC)
    assert r.normalized_distance > 0
    assert r.normalized_distance == r.distance / (3.0 + nC + 2.0)


# ---- numpy masked arrays ---------------------------------------------------------------------------


def masked(values, at):
    x = np.ma.masked_array(np.array(values, dtype=float))
    if at is not None:
        x[at] = 1e6
        x[at] = np.ma.masked
    return x


def test_masked_values_are_refused_everywhere():
    Q, C = WALK[:8], WALK[20:30]
    calls = [
        ("Q", lambda m: incdtw.dtw(m, C)),
        ("C", lambda m: incdtw.dtw2vec(Q, m)),
        ("x", lambda m: incdtw.scale(m)),
        ("x", lambda m: incdtw.find_peaks(m, 1)),
        ("newObs", lambda m: incdtw.initialize_plane(Q, C).increment(m)),
        ("lot[1]", lambda m: incdtw.dtw_dismat([Q, m, C])),
        ("C", lambda m: incdtw.rundtw(Q[:4], m)),
        ("gcm_lc", lambda m: incdtw.idtw2vec(Q, C[5:], gcm_lc=m, nC=5)),
    ]
    state = incdtw.idtw2vec(Q, C[:5]).gcm_lc_new
    for name, call in calls:
        base = state if name == "gcm_lc" else (C if name in ("C", "lot[1]", "newObs") else Q)
        with pytest.raises(ValueError, match=rf"{name.replace('[', '.').replace(']', '.')} is a masked array"):
            call(masked(base, 2))
        call(masked(base, None))  # nothing masked: accepted (its data: see below and test_hostile)


def test_a_masked_array_without_masked_values_gives_the_result_of_its_data():
    Q, C = WALK[:8], WALK[20:30]
    assert same_bits(incdtw.dtw(masked(Q, None), masked(C, None)).gcm, incdtw.dtw(Q, C).gcm)
    assert same_bits(incdtw.scale(masked(Q, None)), incdtw.scale(Q))
    # the masked 1e6 would change the distance if it were used
    with pytest.raises(ValueError, match="masked"):
        incdtw.dtw2vec(masked(Q, 3), C)


# ---- simulation ------------------------------------------------------------------------------------


def test_linear_interpolation_between_huge_values_of_both_signs():
    x = np.array([1.7e308, -1.5e308, 2.0])  # x[1] - x[0] overflows
    for f in (incdtw.insert_linear_interp, lambda *a: incdtw.insert_linear_norm(*a, sd=0.0, rng=1)):
        got = f(x, 0, 5)
        assert np.all(np.isfinite(got))  # was inf and NaN
        assert same_bits(got, 4.0 * f(x / 4.0, 0, 5))  # the interpolation of x / 4 (exact), times 4
    multi = np.column_stack([x, [1.0, 2.0, 3.0]])
    assert same_bits(incdtw.insert_linear_interp(multi, 0, 4)[:, 1], incdtw.insert_linear_interp(multi[:, 1], 0, 4))
