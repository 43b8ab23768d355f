"""The Examples sections of the public docstrings run and print what they claim."""

from __future__ import annotations

import doctest
import importlib

import pytest


@pytest.mark.parametrize(
    "name", ["incdtw.dtw", "incdtw.vector", "incdtw.incremental", "incdtw.plane", "incdtw.collection", "incdtw.bounds",
             "incdtw.simulate", "incdtw.search", "incdtw.datasets", "incdtw.simd", "incdtw.plot", "incdtw.sklearn"]
)
def test_docstring_examples(name):
    module = importlib.import_module(name)  # the module, not the function incdtw.dtw
    try:
        result = doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE)
    finally:
        if name == "incdtw.plot":  # the examples' figures: past 20 open ones matplotlib warns
            import matplotlib.pyplot as plt

            plt.close("all")
    assert result.attempted > 0
    assert result.failed == 0


def test_quickstart_runs(capsys):
    from incdtw.__main__ import main

    main()
    out = capsys.readouterr().out
    assert "distance" in out and "equal to dtw: True" in out
    assert out.count("equal to dtw: True") == 2  # dtw2vec and the streamed plane
    # the 8 warped sines (0-7) have sines as nearest neighbours, the 4 cosines (8-11) cosines
    nearest = eval(out.split("nearest neighbour of each: ")[1].splitlines()[0])
    assert all((k < 8) == (j < 8) for k, j in enumerate(nearest))
    # the three planted, warped copies are the three nearest windows (within a few samples)
    found = eval(out.split("3 nearest windows start at ")[1].split(";")[0])
    assert all(abs(f - p) <= 5 for f, p in zip(found, [31_000, 97_500, 160_250]))
