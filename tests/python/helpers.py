"""Helpers shared by the test modules (the tests directory is on sys.path, see conftest.py)."""

from __future__ import annotations

import numpy as np
from conftest import scalar


def make_series(rng: np.random.Generator, length: int, d: int, kind: int) -> np.ndarray:
    """d = 0: a 1-D array, d >= 1: (length, d). kind 0: small integers (many ties), 1: multiples
    of 0.5, 2: real-valued."""
    shape = (length,) if d == 0 else (length, d)
    if kind == 0:
        return rng.integers(-3, 4, size=shape).astype(np.float64)
    if kind == 1:
        return rng.integers(-6, 7, size=shape) / 2.0
    return rng.normal(size=shape)


def same(a, b) -> bool:
    """Same shape, dtype and values (nan where the other has nan): bit-identical results."""
    a, b = np.asarray(a), np.asarray(b)
    return a.shape == b.shape and a.dtype == b.dtype and np.array_equal(a, b, equal_nan=True)


def ids(cases):
    """Oracle case ids for pytest's parametrize."""
    return [c["id"] for c in cases]


def opt_int(x):
    """R's NULL -> None, a length-1 numeric vector -> int."""
    if x is None:
        return None
    v = scalar(x)
    assert v == int(v)
    return int(v)
