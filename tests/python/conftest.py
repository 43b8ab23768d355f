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


# Modules whose tests exercise what lies around the kernels (the command line, plots, typing, docs,
# estimators, Dask, progress, input conversion, processes): they run once, at the CPU's best level.
# Every other module runs once per SIMD level.
ONE_LEVEL_MODULES = frozenset({
    "test_cli", "test_datasets", "test_distributed", "test_docstrings", "test_memory", "test_pandas",
    "test_plot", "test_process_safety", "test_progress", "test_readme", "test_simulate", "test_sklearn",
    "test_tutorial", "test_typing",
})


def pytest_generate_tests(metafunc):
    if "simd_level" not in metafunc.fixturenames:
        return
    levels = _levels()
    if metafunc.module.__name__.rpartition(".")[2] in ONE_LEVEL_MODULES:
        levels = levels[-1:]
    metafunc.parametrize("simd_level", levels, indirect=True, scope="session")


@pytest.fixture(scope="session", autouse=True)
def simd_level(request):
    """The SIMD level (scalar, avx2, avx512) a test runs at: every level this CPU supports for the
    modules that run kernels, so that each dispatch path passes the whole of them, oracle cases
    included; the best one for the modules in ONE_LEVEL_MODULES."""
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
