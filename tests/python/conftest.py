from __future__ import annotations

import json
import math
import sys
from pathlib import Path

import numpy as np
import pytest

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE))  # tests import the naive reference as `reference`

ORACLE_DIR = HERE / "oracle"


def _levels() -> tuple[str, ...]:
    import incdtw

    return incdtw.available_simd_levels()


@pytest.fixture(scope="session", autouse=True, params=_levels())
def simd_level(request):
    """Every test runs once per SIMD level this CPU supports (scalar, avx2, avx512): the whole
    suite, oracle cases included, must pass on each dispatch path."""
    import incdtw

    previous = incdtw.simd_level()
    used = incdtw.set_simd_level(request.param)
    assert used == request.param
    yield used
    incdtw.set_simd_level(previous)


def load_oracle(name: str) -> list[dict]:
    """Cases computed by the R package IncDTW 1.1.4.6 (copied from shared/oracle)."""
    with open(ORACLE_DIR / f"{name}.json", encoding="utf-8") as f:
        return json.load(f)["cases"]


def decode(x):
    """Oracle encoding -> Python: 'NA'/'NaN' -> nan, 'Inf' -> inf, lists -> float arrays."""
    if isinstance(x, str):
        return {"NA": math.nan, "NaN": math.nan, "Inf": math.inf, "-Inf": -math.inf}.get(x, x)
    if isinstance(x, list):
        return np.array([[decode(e) for e in row] if isinstance(row, list) else decode(row) for row in x], dtype=float)
    return x


def scalar(x):
    v = decode(x)
    return float(np.asarray(v).reshape(-1)[0]) if not isinstance(v, str) else v


@pytest.fixture
def rng():
    return np.random.default_rng(12345)
