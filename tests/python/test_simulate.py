"""find_peaks, simulate_timewarp and the insert functions: IncDTW's oracle cases, a brute-force
find_peaks, and the properties of the (random) time warps."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
from conftest import decode, load_oracle, scalar
from helpers import ids
from hypothesis import given, settings
from hypothesis import strategies as st

import incdtw

PEAK_CASES = load_oracle("find_peaks")
WARP_CASES = load_oracle("simulate_timewarp")


def test_oracle_counts():
    assert (len(PEAK_CASES), len(WARP_CASES)) == (11, 3)


@pytest.mark.parametrize("case", PEAK_CASES, ids=ids(PEAK_CASES))
def test_find_peaks_oracle(case):
    a = case["args"]
    kw = {k: a[k] for k in ("get_min", "strict") if k in a}
    x = a["x"] if isinstance(a["x"], list) else [a["x"]]
    got = incdtw.find_peaks(decode(x), int(scalar(a["w"])), **kw)
    expected = np.asarray(case["result"], dtype=np.intp).reshape(-1) - 1  # IncDTW is 1-based
    np.testing.assert_array_equal(got, expected)
    assert got.dtype == np.intp


@pytest.mark.parametrize("case", WARP_CASES, ids=ids(WARP_CASES))
def test_simulate_timewarp_oracle(case):
    a = case["args"]
    x = decode(a["x"])
    if case["error"] is not None:
        with pytest.raises(ValueError, match="compress needs to be >= 0 and < 1"):
            incdtw.simulate_timewarp(x, compress=scalar(a["compress"]))
        return
    ix = int(scalar(a["ix"])) - 1  # IncDTW's ix is 1-based
    N = int(scalar(a["N"]))
    if case["function"] == "insert_const":
        got = incdtw.insert_const(x, ix, N, const=scalar(a["const"]))
    else:
        got = incdtw.insert_linear_interp(x, ix, N)
    np.testing.assert_array_equal(got, decode(case["result"]))


def brute_peaks(x, w, get_min=True, strict=True):
    """API.md 10 with DEVIATIONS 7: nan is never a peak and never blocks one."""
    y = np.where(np.isnan(x), np.inf, x if get_min else -x)
    out = []
    for i in range(len(x)):
        if np.isnan(x[i]):
            continue
        others = [y[j] for j in range(max(0, i - w), min(len(x), i + w + 1)) if j != i]
        if all((o > y[i]) if strict else (o >= y[i]) for o in others):
            out.append(i)
    return np.asarray(out, dtype=np.intp)


@settings(max_examples=400, deadline=None)
@given(
    st.lists(st.one_of(st.integers(-3, 3).map(float), st.just(math.nan)), min_size=1, max_size=40),
    st.integers(0, 8), st.booleans(), st.booleans(),
)
def test_find_peaks_equals_brute_force(values, w, get_min, strict):
    x = np.asarray(values)
    np.testing.assert_array_equal(incdtw.find_peaks(x, w, get_min, strict), brute_peaks(x, w, get_min, strict))


def test_find_peaks_leading_nan_is_never_a_peak_nor_a_blocker():
    # IncDTW's xmax stays NaN when x[0] is NaN (its quirk); incdtw treats NaN alike wherever it is
    x = np.array([np.nan, 3.0, 1.0, 2.0, np.nan, 0.5, 4.0])
    np.testing.assert_array_equal(incdtw.find_peaks(x, 2), [2, 5])
    np.testing.assert_array_equal(incdtw.find_peaks(x, 2, get_min=False), [1, 6])


def test_find_peaks_real_size_and_bad_input():
    rng = np.random.default_rng(4)
    x = np.cumsum(rng.normal(size=20_000))
    np.testing.assert_array_equal(incdtw.find_peaks(x[:3000], 50), brute_peaks(x[:3000], 50))
    assert incdtw.find_peaks(x, 128).size > 0
    with pytest.raises(ValueError, match="w must be >= 0"):
        incdtw.find_peaks(x, -1)
    with pytest.raises(ValueError, match="1-D"):
        incdtw.find_peaks(x.reshape(100, -1), 3)
    with pytest.raises(TypeError, match="1-D array of real numbers"):
        incdtw.find_peaks(["a", "b"], 1)


def test_insert_functions():
    x = np.array([1.0, 4.0, 2.0])
    np.testing.assert_array_equal(incdtw.insert_const(x, 2, 2), [1, 4, 2, 2, 2])  # after the last: no NA
    np.testing.assert_array_equal(incdtw.insert_linear_interp(x, 0, 4), [1, 1, 2, 3, 4, 4, 2])
    np.testing.assert_array_equal(incdtw.insert_linear_interp(x, 1, 1), [1, 4, 4, 2])
    m = np.array([[0.0, 10.0], [3.0, 40.0]])
    np.testing.assert_array_equal(incdtw.insert_linear_interp(m, 0, 4), [[0, 10], [0, 10], [1, 20], [2, 30],
                                                                         [3, 40], [3, 40]])
    noisy = incdtw.insert_norm(x, 1, 3, sd=0.0, rng=1)
    np.testing.assert_array_equal(noisy, [1, 4, 4, 4, 4, 2])
    a = incdtw.insert_linear_norm(x, 0, 3, rng=7)
    b = incdtw.insert_linear_norm(x, 0, 3, rng=np.random.default_rng(7))
    np.testing.assert_array_equal(a, b)
    with pytest.raises(ValueError, match="ix must be between 0 and 1"):
        incdtw.insert_linear_interp(x, 2, 1)  # nothing after the last value to interpolate towards
    with pytest.raises(ValueError, match="ix must be between 0 and 2"):
        incdtw.insert_const(x, 3, 1)
    with pytest.raises(ValueError, match="N must be >= 1"):
        incdtw.insert_const(x, 0, 0)


@settings(max_examples=200, deadline=None)
@given(st.integers(5, 120), st.floats(0, 1.5), st.floats(0, 0.9), st.booleans(), st.integers(0, 2**32 - 1),
       st.sampled_from(["rnorm", "rlnorm", "runif", "rexp"]), st.sampled_from([0, 2]))
def test_simulate_timewarp_lengths_and_reproducibility(n, stretch, compress, keep, seed, p_index, dims):
    rng = np.random.default_rng(seed)
    x = np.cumsum(rng.normal(size=(n,) if dims == 0 else (n, dims)), axis=0)
    kw = dict(stretch=stretch, compress=compress, preserve_length=keep, seed=seed, p_index=p_index)
    y = incdtw.simulate_timewarp(x, **kw)
    np.testing.assert_array_equal(y, incdtw.simulate_timewarp(x, **kw))  # the seed reproduces it
    assert y.shape[1:] == x.shape[1:]
    if stretch == 0 and compress == 0:
        expected = n
    elif keep:
        expected = n
    else:
        expected = math.ceil(n * (1 + stretch)) if stretch > 0 else n
        if compress > 0:
            expected -= n - math.ceil(n * (1 - compress))
    assert y.shape[0] == expected
    if compress == 0 and stretch > 0 and not keep:
        # linear interpolation only inserts values between neighbours: the original series is a
        # subsequence of the result, in order, and nothing leaves the range of the data
        assert x.min() - 1e-12 <= y.min() and y.max() <= x.max() + 1e-12
        pos = 0
        for row in x:
            while not np.array_equal(y[pos], row):
                pos += 1
            pos += 1


def test_simulate_timewarp_planted_pattern_is_found_by_dtw():
    # a warped copy is closer (DTW) to its original than to an unrelated series of the same kind
    rng = np.random.default_rng(11)
    x = np.cumsum(rng.normal(size=200))
    other = np.cumsum(rng.normal(size=200))
    warped = incdtw.simulate_timewarp(x, stretch=0.1, compress=0.1, seed=3)
    assert incdtw.dtw2vec(x, warped).distance < incdtw.dtw2vec(other, warped).distance


def test_simulate_timewarp_bad_input():
    x = np.arange(10.0)
    with pytest.raises(ValueError, match="stretch needs to be >= 0"):
        incdtw.simulate_timewarp(x, stretch=-0.1)
    with pytest.raises(ValueError, match="compress needs to be >= 0 and < 1"):
        incdtw.simulate_timewarp(x, compress=-0.1)
    with pytest.raises(ValueError, match="p_index must be one of"):
        incdtw.simulate_timewarp(x, stretch=0.1, p_index="rgamma")
    with pytest.raises(ValueError, match="p_number_list: rlnorm takes"):
        incdtw.simulate_timewarp(x, stretch=0.1, p_number_list={"mean": 1})
    with pytest.raises(TypeError, match="stretch must be a finite number"):
        incdtw.simulate_timewarp(x, stretch=math.nan)
    with pytest.raises(ValueError, match="at least 3 observations"):
        incdtw.simulate_timewarp(x[:2], stretch=0.5)
    np.testing.assert_array_equal(incdtw.simulate_timewarp(x), x)  # nothing to do
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        incdtw.simulate_timewarp(x, stretch=0.5, stretch_method=incdtw.insert_norm, seed=1)
