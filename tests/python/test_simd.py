"""The SIMD kernels and their runtime dispatch.

conftest.py runs the whole suite once per level this CPU supports. The tests here make sure the
vector kernels are really exercised (series long enough for the one-pair kernel, groups of pairs
for the collection kernels, windows that need masking, early abandoning, every cost, float32) and
that each level returns the scalar kernel's bits exactly.
"""

from __future__ import annotations

import os
import subprocess
import sys

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from reference import dtw as naive_dtw

import incdtw

METHODS = st.sampled_from(["norm1", "norm2", "norm2_square"])
STEPS = st.sampled_from(["symmetric1", "symmetric2"])
DTYPES = st.sampled_from([np.float64, np.float32])
FEW = settings(max_examples=40, deadline=None)


def same_bits(a, b) -> bool:
    """The same numbers to the last bit (NaN where the other has NaN)."""
    a, b = np.atleast_1d(np.asarray(a)), np.atleast_1d(np.asarray(b))
    if a.shape != b.shape or a.dtype != b.dtype:
        return False
    uint = np.uint32 if a.dtype == np.float32 else np.uint64
    nan = np.isnan(a)
    return bool(np.array_equal(nan, np.isnan(b)) and np.array_equal(a[~nan].view(uint), b[~nan].view(uint)))


def walk(rng, length, dims, dtype, kind=2):
    shape = (length,) if dims == 0 else (length, dims)
    if kind == 0:  # small integers: many ties between the three predecessors
        x = rng.integers(-3, 4, size=shape).astype(float)
    else:
        x = np.cumsum(rng.normal(size=shape), axis=0)
    return x.astype(dtype)


def scalar_of(fn):
    with incdtw.simd("scalar"):
        return fn()


# -- the level API ------------------------------------------------------------------------------------


def test_levels_are_ordered_and_settable(simd_level):
    levels = incdtw.available_simd_levels()
    assert levels[0] == "scalar"
    assert levels[-1] == incdtw.max_simd_level()
    assert incdtw.simd_level() == simd_level
    with incdtw.simd("scalar") as used:
        assert used == "scalar" and incdtw.simd_level() == "scalar"
    assert incdtw.simd_level() == simd_level
    try:
        assert incdtw.set_simd_level("sse2") == "scalar" == incdtw.simd_level()  # an alias
    finally:
        incdtw.set_simd_level(simd_level)
    # a level above the CPU's is capped at it
    with incdtw.simd("avx512") as used:
        assert used == incdtw.max_simd_level()


@pytest.mark.parametrize("bad", ["avx", "AVX2", "", "neon"])
def test_bad_level_is_a_value_error(bad):
    with pytest.raises(ValueError, match="level"):
        incdtw.set_simd_level(bad)


def test_level_must_be_a_string():
    with pytest.raises(TypeError, match="level"):
        incdtw.set_simd_level(2)  # type: ignore[arg-type]


def test_environment_variable_caps_the_level():
    code = "import incdtw; print(incdtw.simd_level())"
    env = dict(os.environ, INCDTW_SIMD="scalar")
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "scalar"
    env["INCDTW_SIMD"] = "fast"
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == incdtw.max_simd_level()
    assert "INCDTW_SIMD='fast' is not a level" in out.stderr


# -- one pair -------------------------------------------------------------------------------------------


@FEW
@given(
    n=st.integers(1, 700),
    extra=st.integers(-300, 300),
    dims=st.sampled_from([0, 0, 1, 2, 3]),
    method=METHODS,
    step=STEPS,
    dtype=DTYPES,
    kind=st.sampled_from([0, 2]),
    window=st.one_of(st.none(), st.integers(0, 400)),
    abandon=st.sampled_from([None, 0.6, 1.0, 1.3]),
    seed=st.integers(0, 2**32 - 1),
)
def test_dtw2vec_matches_scalar(n, extra, dims, method, step, dtype, kind, window, abandon, seed):
    rng = np.random.default_rng(seed)
    m = max(1, n + extra)
    Q, C = walk(rng, n, dims, dtype, kind), walk(rng, m, dims, dtype, kind)
    ws = None if window is None else abs(n - m) + window
    full = scalar_of(lambda: incdtw.dtw2vec(Q, C, dist_method=method, step_pattern=step, ws=ws).distance)
    threshold = None if abandon is None or not np.isfinite(full) else full * abandon
    want = scalar_of(lambda: incdtw.dtw2vec(Q, C, dist_method=method, step_pattern=step, ws=ws, threshold=threshold))
    got = incdtw.dtw2vec(Q, C, dist_method=method, step_pattern=step, ws=ws, threshold=threshold)
    assert same_bits(got.distance, want.distance)
    assert same_bits(got.normalized_distance, want.normalized_distance)


@pytest.mark.parametrize("step", ["symmetric1", "symmetric2"])
@pytest.mark.parametrize("method", ["norm1", "norm2_square"])
def test_long_pair_against_naive_reference(step, method, rng):
    # 400 x 380 cells: above every level's one-pair threshold; the naive reference is plain Python.
    Q, C = walk(rng, 400, 0, np.float64), walk(rng, 380, 0, np.float64)
    want = naive_dtw(Q, C, dist_method=method, step_pattern=step)[2]
    for ws in (None, 150):
        got = incdtw.dtw2vec(Q, C, dist_method=method, step_pattern=step, ws=ws).distance
        ref = want if ws is None else naive_dtw(Q, C, dist_method=method, step_pattern=step, ws=ws)[2]
        assert got == pytest.approx(ref, rel=1e-12)
        assert same_bits(got, scalar_of(lambda: incdtw.dtw2vec(Q, C, dist_method=method, step_pattern=step, ws=ws).distance))


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_costs_that_overflow_match_scalar(dtype):
    big = np.finfo(dtype).max / 4
    Q = np.tile([big, -big, 0.0], 200).astype(dtype)
    C = np.tile([-big, big, 1.0], 210).astype(dtype)
    for method in ("norm1", "norm2_square"):
        for step in ("symmetric1", "symmetric2"):
            want = scalar_of(lambda: incdtw.dtw2vec(Q, C, dist_method=method, step_pattern=step).distance)
            got = incdtw.dtw2vec(Q, C, dist_method=method, step_pattern=step).distance
            assert same_bits(got, want)


def test_early_abandoning_at_the_exact_distance():
    rng = np.random.default_rng(3)
    Q, C = walk(rng, 600, 0, np.float64), walk(rng, 640, 0, np.float64)
    d = incdtw.dtw2vec(Q, C).distance
    assert incdtw.dtw2vec(Q, C, threshold=d).distance == d
    assert np.isnan(incdtw.dtw2vec(Q, C, threshold=np.nextafter(d, 0)).distance)
    # abandoned long before the end: the stripes stop once a whole stripe row is above it
    assert np.isnan(incdtw.dtw2vec(Q, C, threshold=d / 100).distance)


def test_dtw_distance_matches_dtw2vec_at_this_level(rng):
    Q, C = walk(rng, 500, 2, np.float64), walk(rng, 450, 2, np.float64)
    full = incdtw.dtw(Q, C, dist_method="norm2", ws=120, return_gcm=False)
    vec = incdtw.dtw2vec(Q, C, dist_method="norm2", ws=120)
    assert same_bits(full.distance, vec.distance)


# -- many pairs --------------------------------------------------------------------------------------------


@FEW
@given(
    count=st.integers(2, 40),
    length=st.integers(1, 160),
    mixed=st.booleans(),
    dims=st.sampled_from([0, 0, 1, 2]),
    method=METHODS,
    step=STEPS,
    dtype=DTYPES,
    window=st.one_of(st.none(), st.integers(6, 60)),
    threshold=st.one_of(st.none(), st.floats(5, 200)),
    n_jobs=st.sampled_from([1, 2]),
    seed=st.integers(0, 2**32 - 1),
)
def test_collections_match_scalar(count, length, mixed, dims, method, step, dtype, window, threshold, n_jobs, seed):
    rng = np.random.default_rng(seed)
    lengths = [length + (int(rng.integers(0, 3)) * 2 if mixed else 0) for _ in range(count)]
    lot = [walk(rng, k, dims, dtype) for k in lengths]
    kw = dict(dist_method=method, step_pattern=step, ws=window, threshold=threshold, n_jobs=n_jobs)
    kw["normalize"] = step == "symmetric2"
    want = scalar_of(lambda: incdtw.dtw_dismat(lot, **kw).dismat)
    assert same_bits(incdtw.dtw_dismat(lot, **kw).dismat, want)
    want = scalar_of(lambda: incdtw.dtw_disvec(lot[0], lot[1:], **kw).disvec)
    assert same_bits(incdtw.dtw_disvec(lot[0], lot[1:], **kw).disvec, want)
    ys = lot[: 1 + count // 2]
    want = scalar_of(lambda: incdtw.dtw_cdist(lot, ys, **kw))
    assert same_bits(incdtw.dtw_cdist(lot, ys, **kw), want)


def test_dismat_of_many_equal_series_equals_pairwise_dtw2vec(rng):
    lot = [walk(rng, 90, 0, np.float64) for _ in range(37)]  # 666 pairs: whole groups and a partial one
    got = incdtw.dtw_dismat(lot, normalize=False).dismat
    want = [incdtw.dtw2vec(lot[i], lot[j]).distance for i in range(37) for j in range(i + 1, 37)]
    assert same_bits(got, np.array(want))


# -- the matrix form: direction matrix, warping path, gcm ---------------------------------------------------


@settings(max_examples=25, deadline=None)
@given(
    n=st.integers(1, 400),
    extra=st.integers(-150, 150),
    dims=st.sampled_from([0, 0, 2]),
    method=METHODS,
    step=STEPS,
    dtype=DTYPES,
    kind=st.sampled_from([0, 2]),
    window=st.one_of(st.none(), st.integers(0, 200)),
    return_gcm=st.booleans(),
    seed=st.integers(0, 2**32 - 1),
)
def test_dtw_matrices_match_scalar(n, extra, dims, method, step, dtype, kind, window, return_gcm, seed):
    rng = np.random.default_rng(seed)
    m = max(1, n + extra)
    Q, C = walk(rng, n, dims, dtype, kind), walk(rng, m, dims, dtype, kind)
    ws = None if window is None else abs(n - m) + window
    kw = dict(dist_method=method, step_pattern=step, ws=ws, return_wp=True, return_gcm=return_gcm)
    want = scalar_of(lambda: incdtw.dtw(Q, C, **kw))
    got = incdtw.dtw(Q, C, **kw)
    assert same_bits(got.distance, want.distance)
    assert np.array_equal(got.dm, want.dm)
    assert np.array_equal(got.ii, want.ii) and np.array_equal(got.jj, want.jj) and np.array_equal(got.wp, want.wp)
    if return_gcm:
        assert same_bits(got.gcm.ravel(), want.gcm.ravel())
    else:
        assert got.gcm is None


def test_long_path_against_naive_reference(rng):
    Q, C = walk(rng, 300, 0, np.float64, kind=0), walk(rng, 280, 0, np.float64, kind=0)  # ties everywhere
    gcm, dm, dist, _, ii, jj, wp = naive_dtw(Q, C, dist_method="norm1", step_pattern="symmetric2", ws=90)
    got = incdtw.dtw(Q, C, ws=90, return_wp=True)
    assert got.distance == dist
    assert np.array_equal(got.dm, dm)
    assert np.array_equal(got.ii, ii) and np.array_equal(got.jj, jj)
    assert np.array_equal(got.gcm, gcm, equal_nan=True)


def overflowing(rng, length, dims, dtype, method, fast=False):
    """Values +-big and big / 4 whose cumulative costs reach +inf after some fifty cells (``fast``:
    costs that are +inf themselves), so that +inf ties +inf in the first row and column and beyond;
    the first observation is big, as in its partner, so cost(0, 0) = 0 and the vector kernels apply.
    (norm2 of two dimensions squares: its costs are 0 or +inf.)"""
    top = float(np.finfo(dtype).max)
    root = np.sqrt(top) if method == "norm2_square" else top
    big = root / 1.5 if fast else root / (9 if method == "norm2_square" else 40)
    shape = (length,) if dims == 0 else (length, dims)
    x = rng.choice([big, -big, big / 4], size=shape)
    x[0] = big
    return x.astype(dtype)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("method", ["norm1", "norm2", "norm2_square"])
@pytest.mark.parametrize("step", ["symmetric1", "symmetric2"])
@pytest.mark.parametrize("dims", [0, 2])
@pytest.mark.parametrize("ws", [None, 100])
@pytest.mark.parametrize("fast", [False, True])
def test_overflowing_costs_give_the_scalar_matrices_and_path(dtype, method, step, dims, ws, fast, rng):
    # 450 x 480: several stripes at every level (at most 144 rows each)
    Q, C = overflowing(rng, 450, dims, dtype, method, fast), overflowing(rng, 480, dims, dtype, method, fast)
    win = None if ws is None else ws + 30
    kw = dict(dist_method=method, step_pattern=step, ws=win)
    want = scalar_of(lambda: incdtw.dtw(Q, C, return_wp=True, **kw))
    got = incdtw.dtw(Q, C, return_wp=True, **kw)
    last_i, last_j = (449, 479) if win is None else (win, win)  # the last cells of row 0 and column 0
    assert np.isinf(want.gcm[0, last_j]) and np.isinf(want.gcm[last_i, 0]) and np.isinf(want.distance)
    assert same_bits(got.gcm.ravel(), want.gcm.ravel())
    assert np.array_equal(got.dm, want.dm)
    assert np.array_equal(got.ii, want.ii) and np.array_equal(got.jj, want.jj) and np.array_equal(got.wp, want.wp)
    assert same_bits(got.distance, want.distance)
    assert same_bits(incdtw.dtw2vec(Q, C, **kw).distance, scalar_of(lambda: incdtw.dtw2vec(Q, C, **kw).distance))
    # a valid direction matrix: the first row only horizontal, the first column only vertical steps
    # (inside the window), so dec_dm backtracks every cut that ends inside the window
    assert np.all(got.dm[0, 1 : last_j + 1] == 2) and np.all(got.dm[1 : last_i + 1, 0] == 3) and got.dm[0, 0] == 0
    for ndec in range(480):
        if win is None or abs(449 - (479 - ndec)) <= win:
            path = incdtw.dec_dm(got.dm, ndec)
            assert path.ii[0] == 0 and path.jj[0] == 0 and path.jj[-1] == 479 - ndec
    for ndec in (1, 17, 110):  # 450 x 370 still fits the window
        short = scalar_of(lambda: incdtw.dtw(Q, C[: 480 - ndec], return_wp=True, **kw))
        assert np.array_equal(incdtw.dec_dm(got.dm, ndec).jj, short.jj)


def test_overflowing_costs_in_collections_and_appends_match_scalar(rng):
    for dtype, method in ((np.float64, "norm1"), (np.float32, "norm2_square")):
        lot = [overflowing(rng, 160, 0, dtype, method, fast=k % 2 == 1) for k in range(24)]  # groups of one shape
        Q, C = overflowing(rng, 300, 0, dtype, method), overflowing(rng, 900, 0, dtype, method)

        def run():
            p = incdtw.initialize_plane(Q, C[:400], dist_method=method)
            p.increment(C[400:800])  # whole stripes of the vector kernel and a rest
            p.increment(Q[::-1][:200], direction="Q")
            first = incdtw.idtw2vec(Q, C[:500], dist_method=method)
            return [incdtw.dtw_dismat(lot, dist_method=method, normalize=False).dismat,
                    incdtw.dtw_disvec(Q, lot, dist_method=method).disvec,
                    p.distance, p.gcm_lc_new.copy(), p.gcm_lr_new.copy(),
                    first.distance, first.gcm_lc_new, first.gcm_lr_new]

        want, got = scalar_of(run), run()
        assert np.isinf(want[2]) and np.isinf(want[0]).any()
        for a, b in zip(want, got):
            assert same_bits(a, b)


# -- incremental: long appends (idtw2vec, the plane) -----------------------------------------------------------


@settings(max_examples=25, deadline=None)
@given(
    n=st.integers(1, 300),
    m0=st.integers(2, 300),  # IncDTW's initial call needs at least 2 observations
    k=st.integers(1, 400),
    dims=st.sampled_from([0, 0, 2]),
    method=METHODS,
    step=STEPS,
    dtype=DTYPES,
    window=st.one_of(st.none(), st.integers(0, 150)),
    seed=st.integers(0, 2**32 - 1),
)
def test_idtw2vec_long_appends_match_scalar(n, m0, k, dims, method, step, dtype, window, seed):
    rng = np.random.default_rng(seed)
    Q, C = walk(rng, n, dims, dtype), walk(rng, m0 + k, dims, dtype)
    ws = None if window is None else abs(n - m0) + abs(n - m0 - k) + window

    def run():
        first = incdtw.idtw2vec(Q, C[:m0], dist_method=method, step_pattern=step, ws=ws)
        more = incdtw.idtw2vec(Q, C[m0:], dist_method=method, step_pattern=step, ws=ws, gcm_lc=first.gcm_lc_new,
                               gcm_lr=first.gcm_lr_new, nC=m0)
        return first, more

    want, got = scalar_of(run), run()
    for a, b in zip(want, got):
        assert same_bits(a.gcm_lc_new, b.gcm_lc_new)
        assert same_bits(a.gcm_lr_new, b.gcm_lr_new)
        assert same_bits(a.distance, b.distance)
    assert same_bits(got[1].distance, incdtw.dtw2vec(Q, C, dist_method=method, step_pattern=step, ws=ws).distance)


def test_plane_long_increments_match_scalar(rng):
    Q, C = walk(rng, 300, 0, np.float64), walk(rng, 900, 0, np.float64)

    def run():
        p = incdtw.initialize_plane(Q, C[:400], ws=700)
        p.increment(C[400:800])       # 400 new columns: whole stripes of the vector kernel and a rest
        p.increment(Q[::-1][:200], direction="Q")
        p.increment(C[800:])
        return p.distance, p.gcm_lc_new.copy(), p.gcm_lr_new.copy()

    want, got = scalar_of(run), run()
    for a, b in zip(want, got):
        assert same_bits(a, b)
