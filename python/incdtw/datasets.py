"""Small example data made by code (no files, no downloads), for the quickstart, the command line,
the tutorial and tests. Every function is reproducible with ``seed``.

- :func:`sine_pair`: a noisy sine and a time-warped, shorter copy of it (IncDTW's vignette pair).
- :func:`planted_walk`: a long random walk with time-warped copies of a pattern planted in it
  (subsequence search, :func:`incdtw.rundtw`).
- :func:`warped_classes`: labelled classes of time-warped shapes of different lengths
  (distance matrices, clustering, nearest-neighbour classification).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Optional, Sequence

import numpy as np
from numpy.typing import NDArray

from .simulate import simulate_timewarp

SHAPES = ("sine", "square", "triangle", "bump")


def _check_int(value: Any, name: str, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"{name} must be an integer, got {type(value).__name__}")
    if value < minimum:
        raise ValueError(f"{name} must be >= {minimum}, got {value}")
    return int(value)


def _check_fraction(value: Any, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise TypeError(f"{name} must be a number, got {type(value).__name__}")
    if not 0 <= value < 1:
        raise ValueError(f"{name} must be in [0, 1), got {value}")
    return float(value)


def sine_pair(
    n: int = 120, shorten: int = 15, noise: float = 0.05, seed: Optional[int] = 2026
) -> tuple[np.ndarray, np.ndarray]:
    """A noisy sine ``Q`` (two periods, ``n`` points) and a time-warped copy ``C`` shortened by
    ``shorten`` points: the pair of the quickstart and of IncDTW's vignette.

    Returns
    -------
    (Q, C) : tuple of ndarray

    Examples
    --------
    >>> import incdtw
    >>> Q, C = incdtw.datasets.sine_pair()
    >>> Q.shape, C.shape
    ((120,), (105,))
    """
    n = _check_int(n, "n", 4)
    shorten = _check_int(shorten, "shorten", 0)
    if shorten >= n:
        raise ValueError(f"shorten must be < n, got shorten={shorten}, n={n}")
    rng = np.random.default_rng(seed)
    t = np.linspace(0, 4 * np.pi, n)
    Q = np.sin(t) + noise * rng.standard_normal(n)
    C = np.sin(t + 0.6 * np.sin(t / 2)) + noise * rng.standard_normal(n)
    return Q, C[: n - shorten]


@dataclass(frozen=True)
class PlantedWalk:
    """A random walk with planted copies of a pattern: ``series``, the ``pattern``, and the 0-based
    start of each planted copy (``positions``, sorted)."""

    series: np.ndarray
    pattern: np.ndarray
    positions: np.ndarray


def planted_walk(
    length: int = 200_000,
    pattern_length: int = 100,
    planted: int = 3,
    warp: float = 0.1,
    seed: Optional[int] = 2026,
) -> PlantedWalk:
    """A random walk of ``length`` points with ``planted`` time-warped copies of a pattern (a sine
    of growing amplitude, ``pattern_length`` points) at random, non-overlapping positions.

    Each copy is stretched and compressed by up to ``warp`` of its length
    (:func:`incdtw.simulate_timewarp` with ``preserve_length=True``), scaled by 3 and shifted to
    continue the walk, so a z-scaled search finds it.

    Examples
    --------
    >>> import incdtw
    >>> w = incdtw.datasets.planted_walk(length=20_000, planted=2, seed=1)
    >>> r = incdtw.rundtw(w.pattern, w.series, k=2, scale="z", ws=10)
    >>> sorted(int(i) for i in r.knn_indices) == list(w.positions)
    True
    """
    length = _check_int(length, "length", 1)
    pattern_length = _check_int(pattern_length, "pattern_length", 4)
    planted = _check_int(planted, "planted", 0)
    warp = _check_fraction(warp, "warp")
    slots = length // (2 * pattern_length)
    if planted > slots:
        raise ValueError(
            f"planted={planted} copies of {pattern_length} points do not fit apart in a walk of {length} "
            f"(at most {slots})"
        )
    rng = np.random.default_rng(seed)
    pattern = np.sin(np.linspace(0, 3 * np.pi, pattern_length)) * np.linspace(1, 2, pattern_length)
    series = np.cumsum(rng.standard_normal(length)) * 0.2
    # one copy per slot of 2 * pattern_length points: never overlapping, never touching
    chosen = np.sort(rng.choice(slots, size=planted, replace=False))
    positions = chosen * 2 * pattern_length + rng.integers(0, pattern_length, size=planted)
    for k, at in enumerate(positions):
        copy = simulate_timewarp(pattern, stretch=warp, compress=warp, preserve_length=True,
                                 seed=None if seed is None else seed + 1 + k)
        series[at : at + pattern_length] = series[at] + 3 * (copy - copy[0])
    return PlantedWalk(series=series, pattern=pattern, positions=positions.astype(np.intp))


def _shape(name: str, t: NDArray[np.float64]) -> np.ndarray:
    y: np.ndarray  # numpy's stubs type a ufunc of a ufunc's result as Any
    if name == "sine":
        y = np.sin(t)
    elif name == "square":
        y = np.tanh(4 * np.sin(t))
    elif name == "triangle":
        y = 2 / np.pi * np.arcsin(np.sin(t))
    elif name == "bump":
        y = 2 * np.exp(-((t - 2 * np.pi) ** 2) / 1.5) - 0.5
    else:
        raise ValueError(f"shapes: unknown shape {name!r}; choose from {SHAPES}")
    return y


def warped_classes(
    n_per_class: int = 20,
    length: int = 100,
    shapes: Sequence[str] = SHAPES,
    warp: float = 0.2,
    noise: float = 0.1,
    dims: int = 0,
    seed: Optional[int] = 2026,
) -> tuple[list[np.ndarray], np.ndarray]:
    """Labelled classes of time-warped shapes: ``n_per_class`` series per shape, each a randomly
    stretched and compressed copy (by up to ``warp`` of its length, so lengths differ) of the shape
    over two periods, with amplitude jitter and Gaussian noise.

    Parameters
    ----------
    n_per_class : int
    length : int
        Length of the unwarped shape; warped series are up to ``warp`` longer or shorter.
    shapes : sequence of str
        Any of ``"sine"``, ``"square"``, ``"triangle"``, ``"bump"``; the label of a series is the
        index of its shape in ``shapes``.
    dims : int
        0: 1-D series; d >= 1: ``(length, d)`` series whose dimension l is shifted by l/2 radians.

    Returns
    -------
    (X, y) : list of ndarray, ndarray of int
        The series (shuffled) and their labels.

    Examples
    --------
    >>> import incdtw
    >>> X, y = incdtw.datasets.warped_classes(n_per_class=3, shapes=("sine", "bump"), seed=0)
    >>> len(X), sorted(set(y.tolist()))
    (6, [0, 1])
    """
    n_per_class = _check_int(n_per_class, "n_per_class", 1)
    length = _check_int(length, "length", 8)
    dims = _check_int(dims, "dims", 0)
    warp = _check_fraction(warp, "warp")
    if isinstance(shapes, str):
        raise TypeError("shapes must be a sequence of shape names, not a string")
    shapes = list(shapes)
    if not shapes:
        raise ValueError("shapes must name at least one shape")
    rng = np.random.default_rng(seed)
    t = np.linspace(0, 4 * np.pi, length)
    X, y = [], []
    for label, name in enumerate(shapes):
        columns = [_shape(name, t + 0.5 * l) for l in range(max(dims, 1))]
        base = np.stack(columns, axis=1) if dims >= 1 else columns[0]
        for _ in range(n_per_class):
            stretch, compress = rng.uniform(0, warp, size=2)  # so the lengths differ
            idx = simulate_timewarp(np.arange(length, dtype=float), stretch=float(stretch), compress=float(compress),
                                    seed=int(rng.integers(2**31)))
            warped = base[np.clip(np.rint(idx).astype(int), 0, length - 1)]
            amplitude = 1 + 0.15 * rng.standard_normal()
            X.append(amplitude * warped + noise * rng.standard_normal(warped.shape))
            y.append(label)
    order = rng.permutation(len(X))
    return [X[k] for k in order], np.asarray(y, dtype=np.intp)[order]
