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
