"""The Examples sections of the public docstrings run and print what they claim."""

from __future__ import annotations

import doctest
import importlib
import os
import subprocess
import sys
from pathlib import Path

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

    assert main() == 0
    out = capsys.readouterr().out
    assert "distance" in out and "equal to dtw: True" in out
    assert out.count("equal to dtw: True") == 2  # dtw2vec and the streamed plane
    # the 8 warped sines (0-7) have sines as nearest neighbours, the 4 cosines (8-11) cosines
    nearest = eval(out.split("nearest neighbour of each: ")[1].splitlines()[0])
    assert all((k < 8) == (j < 8) for k, j in enumerate(nearest))
    # the three planted, warped copies are the three nearest windows (within a few samples)
    found = eval(out.split("3 nearest windows start at ")[1].split(";")[0])
    assert all(abs(f - p) <= 5 for f, p in zip(found, [31_000, 97_500, 160_250]))


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="no /dev/full")
def test_quickstart_to_a_full_or_closed_stdout():
    """``python -m incdtw`` meets an unwritable standard output as incdtw.cli does: a full disk is
    one line on stderr and exit code 2, a reader that has gone (``| head``) a quiet 0."""
    import incdtw

    env = dict(os.environ, PYTHONPATH=str(Path(incdtw.__file__).resolve().parent.parent))
    cmd = [sys.executable, "-m", "incdtw"]
    with open("/dev/full", "w") as full:
        proc = subprocess.run(cmd, stdout=full, stderr=subprocess.PIPE, env=env, timeout=120)
    assert proc.returncode == 2, proc.stderr
    assert proc.stderr == b"incdtw: error: cannot write to standard output (No space left on device)\n"
    r, w = os.pipe()
    os.close(r)  # the reader has gone, as after | head -c1
    try:
        proc = subprocess.run(cmd, stdout=w, stderr=subprocess.PIPE, env=env, timeout=120)
    finally:
        os.close(w)
    assert proc.returncode == 0 and proc.stderr == b"", proc.stderr
