"""A request whose result would not fit in memory is refused before anything is allocated, with a
ResultTooLargeError (a MemoryError and a ValueError) that says what it needed and what to do."""

from __future__ import annotations

import tracemalloc

import numpy as np
import pytest

import incdtw
from incdtw import _validate

ONE = np.zeros(100)
LOT = [np.zeros(5)] * 40  # 780 pairs


@pytest.mark.parametrize("name, call, what", [
    ("dtw", lambda: incdtw.dtw(ONE, ONE), "100 x 100 alignment"),
    ("cm", lambda: incdtw.cm(ONE, ONE), "100 x 100 cost matrix"),
    ("idtw", lambda: incdtw.idtw(ONE, ONE[:50], ONE[50:], np.zeros((100, 50)), np.ones((100, 50), np.int8)),
     "100 x 100"),
    ("dtw_dismat", lambda: incdtw.dtw_dismat(LOT), "distance matrix of 40 series"),
    ("dtw_cdist", lambda: incdtw.dtw_cdist(LOT, LOT), "40 x 40 distance matrix"),
    ("centroid", lambda: incdtw.centroid(LOT), "distance matrix of 40 series"),
])
def test_refused_with_an_explanation(monkeypatch, name, call, what):
    monkeypatch.setattr(_validate, "available_memory", lambda: 1000)
    monkeypatch.setattr(_validate, "SMALL_RESULT_BYTES", 0)
    with pytest.raises(incdtw.ResultTooLargeError, match=what) as info:
        call()
    assert "available" in str(info.value) and ";" in str(info.value)  # the need, the memory, a hint
    assert isinstance(info.value, MemoryError) and isinstance(info.value, ValueError)


def test_refused_before_allocating_at_real_sizes():
    lot = [np.zeros(2)] * 100_000  # 5e9 pairs: 40 GB
    tracemalloc.start()
    try:
        with pytest.raises(incdtw.ResultTooLargeError, match="100000 series"):
            incdtw.dtw_dismat(lot)
        with pytest.raises(incdtw.ResultTooLargeError):
            incdtw.dtw(np.zeros(400_000), np.zeros(400_000))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 100 << 20  # nothing near the result's size was allocated
