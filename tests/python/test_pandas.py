"""pandas input: a Series is a univariate series (its values), a DataFrame a
multivariate one (length, dims) with one column per dimension, wherever a series is accepted;
collections are lists of them. Results equal those of the numpy values, bit for bit."""

from __future__ import annotations

import re
import subprocess
import sys

import numpy as np
import pytest
from helpers import same

import incdtw

pd = pytest.importorskip("pandas")


def vec(r) -> tuple:
    """The values of a DTW2VecResult (results compare by identity)."""
    return (r.distance, r.normalized_distance)


@pytest.fixture
def pair(rng):
    return rng.normal(size=30), rng.normal(size=24)


def test_import_incdtw_imports_neither_pandas_nor_sklearn():
    code = "import sys, incdtw; print('pandas' in sys.modules, 'sklearn' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["False", "False"]


def test_dtw_and_dtw2vec_with_series(pair):
    q, c = pair
    Q, C = pd.Series(q), pd.Series(c, index=np.arange(100, 124))  # the index plays no part
    a, b = incdtw.dtw(Q, C, return_diffp=True), incdtw.dtw(q, c, return_diffp=True)
    assert a.distance == b.distance and same(a.gcm, b.gcm) and same(a.dm, b.dm) and same(a.diffp, b.diffp)
    assert vec(incdtw.dtw2vec(Q, C)) == vec(incdtw.dtw2vec(q, c))
    assert vec(incdtw.dtw2vec(Q, c, dist_method="norm2", ws=8)) == vec(incdtw.dtw2vec(q, c, dist_method="norm2", ws=8))


def test_dataframe_is_length_by_dims(rng):
    q, c = rng.normal(size=(30, 3)), rng.normal(size=(26, 3))
    Q = pd.DataFrame(q, columns=["x", "y", "z"])
    C = pd.DataFrame({"a": c[:, 0], "b": c[:, 1], "c": c[:, 2]})
    for method in ("norm1", "norm2"):
        assert vec(incdtw.dtw2vec(Q, C, dist_method=method)) == vec(incdtw.dtw2vec(q, c, dist_method=method))
    assert same(incdtw.dtw(Q, C).gcm, incdtw.dtw(q, c).gcm)


def test_mixed_integer_and_float_columns(rng):
    q = rng.integers(-3, 4, size=(20, 2))
    Q = pd.DataFrame({"i": q[:, 0], "f": q[:, 1].astype(float)})
    c = rng.normal(size=(22, 2))
    assert vec(incdtw.dtw2vec(Q, c)) == vec(incdtw.dtw2vec(q.astype(float), c))
    assert vec(incdtw.dtw2vec(pd.Series(q[:, 0]), c[:, 0])) == vec(incdtw.dtw2vec(q[:, 0], c[:, 0]))


def test_float32_stays_float32(pair):
    q, c = (x.astype(np.float32) for x in pair)
    a, b = incdtw.dtw2vec(pd.Series(q), pd.Series(c)), incdtw.dtw2vec(q, c)
    assert vec(a) == vec(b) and isinstance(a.distance, float)
    assert same(incdtw.dtw(pd.Series(q), pd.Series(c)).gcm, incdtw.dtw(q, c).gcm)
    assert incdtw.dtw(pd.Series(q), pd.Series(c)).gcm.dtype == np.float32
    assert same(incdtw.dtw(pd.Series(q, dtype="Float32"), c).gcm, incdtw.dtw(q, c).gcm)


def test_nullable_dtypes(rng):
    q = rng.integers(-5, 6, size=25)
    c = rng.normal(size=20)
    ref = vec(incdtw.dtw2vec(q.astype(float), c))
    assert vec(incdtw.dtw2vec(pd.Series(q, dtype="Int64"), c)) == ref
    assert vec(incdtw.dtw2vec(pd.Series(q.astype(float), dtype="Float64"), pd.Series(c, dtype="Float64"))) == ref
    df = pd.DataFrame({"a": pd.array(q, dtype="Int32"), "b": q.astype(float)})
    assert vec(incdtw.dtw2vec(df, np.c_[c, c])) == vec(incdtw.dtw2vec(np.c_[q, q].astype(float), np.c_[c, c]))


def test_collections_of_pandas_objects(rng):
    arrays = [rng.normal(size=n) for n in (20, 25, 18, 30)]
    series = [pd.Series(a) for a in arrays]
    assert same(incdtw.dtw_dismat(series).dismat, incdtw.dtw_dismat(arrays).dismat)
    assert same(incdtw.dtw_dismat(tuple(series), return_matrix=True).dismat,
                incdtw.dtw_dismat(arrays, return_matrix=True).dismat)
    assert same(incdtw.dtw_disvec(series[0], series[1:]).disvec, incdtw.dtw_disvec(arrays[0], arrays[1:]).disvec)
    assert same(incdtw.dtw_cdist(series[:2], series), incdtw.dtw_cdist(arrays[:2], arrays))
    assert incdtw.centroid(series).centroid_index == incdtw.centroid(arrays).centroid_index
    assert same(incdtw.dba(series, iterMax=2).m1, incdtw.dba(arrays, iterMax=2).m1)
    multi = [rng.normal(size=(n, 2)) for n in (15, 19, 17)]
    frames = [pd.DataFrame(m, columns=["u", "v"]) for m in multi]
    assert same(incdtw.dtw_dismat(frames).dismat, incdtw.dtw_dismat(multi).dismat)


def test_rundtw_with_series(rng):
    q = rng.normal(size=12)
    c = np.concatenate([rng.normal(size=60), q * 1.1, rng.normal(size=40)])
    a = incdtw.rundtw(pd.Series(q), pd.Series(c), k=2)
    b = incdtw.rundtw(q, c, k=2)
    assert same(a.dist, b.dist) and same(a.knn_indices, b.knn_indices) and same(a.knn_values, b.knn_values)
    assert a.knn_indices[0] == 60
    # list mode with a list of Series
    la = incdtw.rundtw(pd.Series(q), [pd.Series(c), pd.Series(c[::-1])], k=1)
    lb = incdtw.rundtw(q, [c, c[::-1]], k=1)
    assert all(same(x, y) for x, y in zip(la.dist, lb.dist))


def test_incremental_with_series(pair):
    q, c = pair
    a = incdtw.idtw2vec(pd.Series(q), pd.Series(c[:10]))
    b = incdtw.idtw2vec(q, c[:10])
    assert a.distance == b.distance
    a2 = incdtw.idtw2vec(pd.Series(q), pd.Series(c[10:]), gcm_lc=a.gcm_lc_new)
    b2 = incdtw.idtw2vec(q, c[10:], gcm_lc=b.gcm_lc_new)
    assert a2.distance == b2.distance


@pytest.mark.parametrize(
    "bad, where",
    [
        (lambda n: pd.DataFrame({"x": np.arange(n, dtype=float), "label": ["a"] * n}), "column 'label'"),
        (lambda n: pd.Series(["a"] * n), "dtype str"),
        (lambda n: pd.Series(pd.Categorical(np.arange(n))), "dtype category"),
        (lambda n: pd.Series(np.arange(n) % 2 == 0), "dtype bool"),
        (lambda n: pd.Series(pd.date_range("2020-01-01", periods=n)), "dtype datetime64"),
    ],
)
def test_non_numeric_is_a_type_error_naming_the_argument(bad, where):
    with pytest.raises(TypeError, match=rf"^C must hold real numbers, got .*{re.escape(where)}"):
        incdtw.dtw2vec(np.arange(5.0), bad(6))
    with pytest.raises(TypeError, match=r"^lot\[1\] must hold real numbers"):
        incdtw.dtw_dismat([np.arange(5.0), bad(6)])


def test_nan_is_the_numpy_value_error(pair):
    q, c = pair
    q = q.copy()
    q[4] = np.nan
    with pytest.raises(ValueError) as numpy_error:
        incdtw.dtw2vec(q, c)
    for Q in (pd.Series(q), pd.Series(q, dtype="Float64"), pd.DataFrame({"a": q})):
        with pytest.raises(ValueError) as pandas_error:
            incdtw.dtw2vec(Q, c)
        assert str(pandas_error.value) == str(numpy_error.value)
    missing = pd.Series(np.arange(len(q)), dtype="Int64")
    missing[4] = pd.NA
    with pytest.raises(ValueError) as pandas_error:
        incdtw.dtw2vec(missing, c)
    assert str(pandas_error.value) == str(numpy_error.value)
    with pytest.raises(ValueError, match="non-finite"):
        incdtw.dtw_dismat([pd.Series(q), pd.Series(c)])


def test_empty_and_shape_errors():
    with pytest.raises(ValueError, match="^Q must not be empty"):
        incdtw.dtw2vec(pd.Series([], dtype=float), np.arange(3.0))
    with pytest.raises(ValueError, match="^Q must have at least one dimension"):
        incdtw.dtw2vec(pd.DataFrame(index=range(4)), np.arange(3.0))
