"""The state of a search part (rundtw_part's `saved` and `state`, and the previous series' dist,
which incdtw.distributed passes between Dask tasks) comes from other processes: any tampered value
of it is a ValueError from the core, never a crash or a read out of bounds. Flipped bytes and bits,
values replaced by extreme numbers or other types, lists and arrays shortened or lengthened."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import warnings
from typing import Any, Callable

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from incdtw import _core

OPTS = dict(dist_method="norm1", step_pattern="symmetric1", ws=3, threshold=None, scale="01", k=2, lower_bound=True,
            overlap_tol=2, n_jobs=1)
CONFIGS = [
    {},  # k-NN bookkeeping, carried over between the series of a list
    {"k": 0, "threshold": 6.0},  # speculative walks (spec_start, spec_end)
    {"k": 3, "scale": "z", "step_pattern": "symmetric2"},  # z_start
    {"k": 0, "lower_bound": False},  # every distance
    {"k": 1, "dtype": np.float32},
]


def _parts(config: dict[str, Any]) -> list[dict[str, Any]]:
    """Every part's finish() call (its keyword arguments) of a search of two series in parts of 40
    windows, run in order as incdtw.distributed runs them."""
    config = dict(config)
    dtype = config.pop("dtype", np.float64)
    opts = {**OPTS, **config}
    rng = np.random.default_rng(3)
    lot = [np.cumsum(rng.normal(size=m)).astype(dtype) for m in (130, 70)]
    q = lot[0][50:62].copy()
    n = len(q)
    speculative = opts["k"] == 0 and (opts["lower_bound"] or opts["threshold"] is not None)
    calls, state, prev = [], None, None
    for si, x in enumerate(lot):
        starts = list(range(0, len(x) - n + 1, 40))
        z = _core.rundtw_z_states(x, n, starts) if opts["scale"] == "z" else None
        dist = []
        for i, b in enumerate(starts):
            data = x[b : min(len(x) - n + 1, b + 40) + n - 1]
            where = dict(first=b, series=si, z_start=z[i].ravel() if z is not None and b > 0 else None)
            action = "speculate" if speculative else "search"
            saved = _core.rundtw_part(action, q, data, **where, **opts)["saved"]
            carry = b == 0 and si > 0 and opts["k"] > 0
            call = dict(Q=q, data=data, **where, saved=saved, state=state if b > 0 or carry else None,
                        prev_dist=prev if carry else None, **opts)
            out = _core.rundtw_part("finish", **call)
            state = out["state"]
            dist.append(out["dist"])
            calls.append(call)
        prev = np.concatenate(dist)
    return calls


CALLS = [call for config in CONFIGS for call in _parts(config)]


class Draw:
    """The choices of a mutation: from hypothesis (data.draw) or from a seeded numpy generator."""

    def __init__(self, integer: Callable[[int, int], int]) -> None:
        self.integer = integer

    def choice(self, options: list[Any]) -> Any:
        return options[self.integer(0, len(options) - 1)]


INTS = [-(2**70), -(2**63), -(2**63) + 1, -(2**62), -100, -99, -2, -1, 0, 1, 2, 3, 39, 40, 41, 79, 80, 118, 119,
        2**31, 2**62, 2**63 - 1, 2**63, 2**70]
FLOATS = [float("nan"), float("inf"), float("-inf"), -1.0, -0.0, 0.0, 5e-324, 1e-30, 1.0, 3.5, 1e30, 3.4e38, 1e300,
          1.7976931348623157e308, -1e300]
OTHERS = [None, "x", b"\x00", [], [1.0], (1, 2), {"a": 1}, True, np.int64(7), np.float32(2.5), np.array([1, 2])]


def _value(draw: Draw) -> Any:
    return draw.choice([draw.choice(INTS), draw.choice(FLOATS), draw.choice(OTHERS)])


def _flip(a: Any, draw: Draw) -> Any:
    """A copy of a with one bit (or one whole byte) flipped."""
    if not isinstance(a, np.ndarray) or a.dtype.hasobject:
        return a
    b = np.array(a, copy=True)
    raw = b.reshape(-1).view(np.uint8)
    if raw.size:
        i = draw.integer(0, raw.size - 1)
        raw[i] ^= np.uint8(1 << draw.integer(0, 7)) if draw.integer(0, 1) else np.uint8(draw.integer(1, 255))
    return b


def _array(a: Any, draw: Draw) -> Any:
    if not isinstance(a, np.ndarray) or a.dtype.hasobject:
        return _value(draw)
    with warnings.catch_warnings(), np.errstate(all="ignore"):  # casts of NaN to integers
        warnings.simplefilter("ignore")
        return _changed(a, draw)


def _changed(a: np.ndarray, draw: Draw) -> Any:
    kind = draw.integer(0, 5)
    a = a.reshape(-1)
    if kind == 0:
        return _flip(a, draw)
    if kind == 1:
        return a[: max(len(a) - draw.integer(1, 3), 0)]
    if kind == 2:
        return np.concatenate([a, np.full(draw.integer(1, 3), draw.choice(FLOATS)).astype(a.dtype)])
    if kind == 3:
        return a.astype(draw.choice([np.float32, np.float64, np.int64, np.uint64, np.uint8, np.int8, bool, complex,
                                     object]))
    if kind == 4:
        return a.reshape(1, -1) if draw.integer(0, 1) else np.empty(0, a.dtype)
    return _value(draw)


def _state(s: Any, draw: Draw) -> Any:
    if not isinstance(s, tuple) or draw.integer(0, 9) == 0:
        return draw.choice([None, (), (1.0,) * 15, [0] * 15, list(s) if isinstance(s, tuple) else s, _value(draw)])
    t = list(s)
    kind = draw.integer(0, 5) if t else 1
    if kind == 0:
        del t[draw.integer(0, len(t) - 1)]
    elif kind == 1:
        t.append(_value(draw))
    else:
        i = draw.integer(0, len(t) - 1)
        if isinstance(t[i], list) and draw.integer(0, 2):
            entries = list(t[i])
            op = draw.integer(0, 2)
            if op == 0 and entries:
                entries[draw.integer(0, len(entries) - 1)] = _value(draw)
            elif op == 1 and entries:
                entries.pop()
            else:
                entries.append(draw.choice(INTS))
            t[i] = entries
        else:
            t[i] = _value(draw) if draw.integer(0, 2) else draw.choice(INTS) + draw.integer(-1, 1)
    return tuple(t)


def _mutate(call: dict[str, Any], draw: Draw) -> dict[str, Any]:
    call = dict(call, saved=dict(call["saved"]))
    for _ in range(draw.integer(1, 3)):
        target = draw.choice(["status", "val", "dist", "speculated", "spec_start", "spec_end", "drop", "state",
                              "state", "state", "prev_dist", "z_start"])
        saved = call["saved"]
        if target in ("status", "val", "dist") and target in saved:
            saved[target] = _array(saved[target], draw)
        elif target == "speculated":
            saved[target] = draw.choice([True, False, np.bool_(True), 0, 1, 2, None, "yes"])
        elif target in ("spec_start", "spec_end") and target in saved:
            saved[target] = _state(saved[target], draw)
        elif target == "drop":
            saved.pop(draw.choice(sorted(saved)), None)
        elif target == "state":
            call["state"] = _state(call["state"], draw)
        elif target == "prev_dist" and call["prev_dist"] is not None:  # another dtype: TypeError
            p = call["prev_dist"]
            call["prev_dist"] = draw.choice([_flip(p, draw), p[: draw.integer(0, len(p))], None])
        elif target == "z_start" and call["z_start"] is not None:
            call["z_start"] = _flip(call["z_start"], draw)
    return call


def _check(call: dict[str, Any]) -> str:
    """finish() from the (tampered) call: the part's dist, or a ValueError; nothing else."""
    try:
        out = _core.rundtw_part("finish", **call)
    except ValueError as exc:
        assert str(exc), "a ValueError without a message"
        return "refused"
    assert len(out["dist"]) == len(call["data"]) - len(call["Q"]) + 1
    assert len(out["state"]) == 15
    return "ran"


def test_the_recorded_parts_are_accepted():
    for call in CALLS:
        assert _check(call) == "ran"


@settings(max_examples=400, deadline=None)
@given(st.data())
def test_a_tampered_state_is_a_valueerror_or_runs(data):
    call = CALLS[data.draw(st.integers(0, len(CALLS) - 1))]
    _check(_mutate(call, Draw(lambda a, b: data.draw(st.integers(a, b)))))


def fuzz(seed: int, cases: int) -> dict[str, int]:
    """`cases` random mutations (for the subprocess below)."""
    rng = np.random.default_rng(seed)
    draw = Draw(lambda a, b: int(rng.integers(a, b + 1)))
    counts = {"refused": 0, "ran": 0}
    for _ in range(cases):
        counts[_check(_mutate(CALLS[draw.integer(0, len(CALLS) - 1)], draw))] += 1
    return counts


def test_many_tampered_states_in_a_subprocess():
    """A crash (a regression) fails this test instead of killing the whole suite."""
    here = os.path.dirname(os.path.abspath(__file__))
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([here, *sys.path]))
    code = "import json, test_rundtw_state as t; print('COUNTS', json.dumps(t.fuzz(11, 3000)))"
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=600, env=env)
    assert proc.returncode == 0, f"rc {proc.returncode} (a signal when negative): {proc.stderr[-3000:]}"
    counts = json.loads(proc.stdout.split("COUNTS", 1)[1])
    assert counts["refused"] > 1000 and counts["ran"] > 100, counts


def test_rundtw_select_and_z_start_from_elsewhere():
    v = np.array([1.0, np.nan, 2.0])
    s, p = np.zeros(3, np.intp), np.array([0, 5, 9], np.intp)
    with pytest.raises(ValueError, match="NaN"):
        _core.rundtw_select(v, s, p, 2, 3)
    with pytest.raises(ValueError, match="positions must be >= 0"):
        _core.rundtw_select(np.ones(3), s, -p - 1, 2, 3)
    with pytest.raises(ValueError, match="k must be >= 0"):
        _core.rundtw_select(np.ones(3), s, p, -1, 3)
    with pytest.raises(ValueError, match="overlap must be >= 1"):
        _core.rundtw_select(np.ones(3), s, p, 1, 0)
    values, series, positions = _core.rundtw_select(np.array([3.0, 1.0, 2.0]), s, p, 2, 3)
    assert values.tolist() == [1.0, 2.0] and positions.tolist() == [5, 9]
    x = np.cumsum(np.random.default_rng(1).normal(size=100))
    z = {**OPTS, "scale": "z"}
    with pytest.raises(ValueError, match="z_start must hold 3 x dims values"):
        _core.rundtw_part("search", x[:12], x[20:], first=20, series=0, z_start=np.array([0.0, 1.0]), **z)
    for bad in ([0.0, np.inf, 0.0], [np.nan, 1.0, 0.0], [0.0, 1.0, -1.0], [0.0, 1.0, 0.5], [0.0, 1.0, 1e9]):
        with pytest.raises(ValueError, match="z_start is not a state of rundtw_z_states"):
            _core.rundtw_part("search", x[:12], x[20:], first=20, series=0, z_start=np.array(bad), **z)
    with pytest.raises(ValueError, match="search\\(\\) is for k > 0"):  # was a segfault
        _core.rundtw_part("search", x[:12], x, first=0, series=0, **{**OPTS, "k": 0})
    with pytest.raises(ValueError, match="tau must be >= 0"):
        _core.rundtw_part("search", x[:12], x, first=0, series=0, tau=float("nan"), **OPTS)
    with pytest.raises(ValueError, match="first is too large"):
        _core.rundtw_part("search", x[:12], x, first=2**62, series=0, **OPTS)
