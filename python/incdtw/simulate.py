"""Local extremes (``find_peaks``) and simulated time warps (``simulate_timewarp``, ``insert_*``)."""

from __future__ import annotations

import math
import numbers
from collections.abc import Mapping
from statistics import NormalDist
from typing import Any, Callable, Optional, Union

import numpy as np

from . import _core
from . import _validate as v

RngLike = Union[None, int, np.random.Generator]


def find_peaks(x: Any, w: int, get_min: bool = True, strict: bool = True) -> np.ndarray:
    """Local minima (or maxima) within a neighbourhood (IncDTW's ``find_peaks``).

    Index ``i`` is reported when ``x[i]`` is below (``get_min=False``: above) every other value of
    ``x[i-w : i+w+1]`` (clipped at the borders); with ``strict=False`` when it is at most (at least)
    each of them, so every point of a flat stretch counts. ``nan`` is never a peak and never
    stands in the way of one, wherever it is (IncDTW mishandles a leading ``nan``).

    Parameters
    ----------
    x : array_like, shape (n,)
        For instance the ``dist`` vector of a running search.
    w : int
        Half-width of the neighbourhood, ``>= 0``.
    get_min, strict : bool

    Returns
    -------
    ndarray of intp
        0-based indices, ascending.

    Examples
    --------
    >>> import incdtw
    >>> incdtw.find_peaks([3, 1, 2, 5, 4, 0, 2], w=2)
    array([1, 5])
    >>> incdtw.find_peaks([3, 1, 2, 5, 4, 0, 2], w=2, get_min=False)
    array([0, 3])
    """
    arr = v.as_array(x, "x")
    if arr.ndim == 0:
        arr = arr.reshape(1)
    if arr.dtype.kind not in "fiub" or arr.ndim != 1:
        raise (TypeError if arr.dtype.kind not in "fiub" else ValueError)(
            f"x must be a 1-D array of real numbers, got shape {arr.shape} and dtype {arr.dtype}"
        )
    ww = min(v.check_count(w, "w", 0), arr.shape[0])  # a neighbourhood past both ends: all of x
    gm = v.check_flag(get_min, "get_min")
    st = v.check_flag(strict, "strict")
    return _core.find_peaks(np.ascontiguousarray(arr, dtype=np.float64), ww, gm, st)


# -- insert functions: N new observations after observation ix (0-based) ----------------------------
def _insert_args(x: Any, ix: Any, N: Any, need_next: bool) -> tuple[np.ndarray, int, int]:
    arr = v.as_series(x, "x")
    n = arr.shape[0]
    i = v.check_count(ix, "ix", 0)
    last = n - 2 if need_next else n - 1
    if i > last:
        raise ValueError(
            f"ix must be between 0 and {last} for the {n} observations of x"
            + (" (the values are interpolated towards x[ix + 1])" if need_next else "")
            + f", got {i}"
        )
    n_new = v.check_count(N, "N", 1)
    v.ensure_fits((n + n_new) * (arr.size // n) * 8, f"inserting N={n_new} observations into x", "insert fewer")
    return arr.astype(np.float64, copy=False), i, n_new


def _linspace(a: np.ndarray, b: np.ndarray, n: int) -> np.ndarray:
    """``np.linspace(a, b, n)``, also where ``b - a`` overflows (values of both signs near the
    largest): there from the halves, doubled (exact), the bits the direct formula would give."""
    with np.errstate(over="ignore", invalid="ignore"):
        direct = np.linspace(a, b, n)
        wide = ~np.isfinite(np.subtract(b, a))
    if not np.any(wide):
        return direct
    return np.where(wide, 2.0 * np.linspace(np.multiply(a, 0.5), np.multiply(b, 0.5), n), direct)


def _splice(x: np.ndarray, ix: int, new: np.ndarray) -> np.ndarray:
    return np.concatenate([x[: ix + 1], new, x[ix + 1:]])


def _generator(rng: RngLike, name: str = "rng") -> np.random.Generator:
    if isinstance(rng, np.random.Generator):
        return rng
    try:
        return np.random.default_rng(rng)
    except (TypeError, ValueError) as e:  # numpy's messages do not say which argument
        raise (TypeError if isinstance(e, TypeError) else ValueError)(
            f"{name} must be None, a non-negative integer seed or a numpy.random.Generator, got {rng!r} ({e})"
        ) from None


def insert_const(x: Any, ix: int, N: int, const: Optional[float] = None) -> np.ndarray:
    """``N`` copies of ``const`` (default ``x[ix]``) inserted after ``x[ix]`` (0-based; IncDTW's ix is
    1-based). Multivariate ``x``: rows, ``const`` for every column.

    >>> import incdtw
    >>> incdtw.insert_const([1.0, 2.0, 3.0], ix=0, N=2)
    array([1., 1., 1., 2., 3.])
    """
    arr, i, n_new = _insert_args(x, ix, N, need_next=False)
    value = arr[i] if const is None else np.full(arr.shape[1:], v.check_real(const, "const"))
    return _splice(arr, i, np.repeat(np.asarray(value, dtype=np.float64)[None, ...], n_new, axis=0))


def insert_linear_interp(x: Any, ix: int, N: int) -> np.ndarray:
    """``N`` values equally spaced from ``x[ix]`` to ``x[ix + 1]``, both included (IncDTW's
    ``approx(..., n = N)``; ``N = 1`` inserts ``x[ix]``), inserted after ``x[ix]``.

    >>> import incdtw
    >>> incdtw.insert_linear_interp([0.0, 3.0, 1.0], ix=0, N=4)
    array([0., 0., 1., 2., 3., 3., 1.])
    """
    arr, i, n_new = _insert_args(x, ix, N, need_next=True)
    return _splice(arr, i, _linspace(arr[i], arr[i + 1], n_new))


def insert_norm(x: Any, ix: int, N: int, mean: float = 0.0, sd: float = 1.0, rng: RngLike = None) -> np.ndarray:
    """``x[ix]`` plus normal noise ``N(mean, sd)``, ``N`` times, inserted after ``x[ix]``; ``rng`` a
    seed or a ``numpy.random.Generator``.

    Examples
    --------
    >>> import numpy as np, incdtw
    >>> y = incdtw.insert_norm(np.array([0.0, 1.0, 2.0]), ix=1, N=3, sd=0.1, rng=7)
    >>> y.shape, y[:2].tolist(), y[-1]
    ((6,), [0.0, 1.0], np.float64(2.0))
    >>> bool(np.all(np.abs(y[2:5] - 1.0) < 1))
    True
    """
    arr, i, n_new = _insert_args(x, ix, N, need_next=False)
    mu, sigma = v.check_real(mean, "mean"), v.check_real(sd, "sd", 0.0)
    noise = _generator(rng).normal(mu, sigma, size=(n_new,) + arr.shape[1:])
    return _splice(arr, i, arr[i] + noise)


def insert_linear_norm(
    x: Any, ix: int, N: int, mean: float = 0.0, sd: float = 1.0, rng: RngLike = None
) -> np.ndarray:
    """:func:`insert_linear_interp` plus normal noise ``N(mean, sd)``.

    Examples
    --------
    >>> import numpy as np, incdtw
    >>> incdtw.insert_linear_norm(np.array([0.0, 1.0, 2.0]), ix=0, N=4, sd=0.0).tolist()
    [0.0, 0.0, 0.3333333333333333, 0.6666666666666666, 1.0, 1.0, 2.0]
    """
    arr, i, n_new = _insert_args(x, ix, N, need_next=True)
    mu, sigma = v.check_real(mean, "mean"), v.check_real(sd, "sd", 0.0)
    noise = _generator(rng).normal(mu, sigma, size=(n_new,) + arr.shape[1:])
    return _splice(arr, i, _linspace(arr[i], arr[i + 1], n_new) + noise)


# -- simulate_timewarp ------------------------------------------------------------------------------
# R's distribution names, their numpy draws and quantile functions; parameters take R's names.
_DISTRIBUTIONS: dict[str, tuple[Callable[..., Any], Callable[..., float], dict[str, float]]] = {
    "rnorm": (
        lambda g, n, mean=0.0, sd=1.0: g.normal(mean, sd, n),
        lambda p, mean=0.0, sd=1.0: NormalDist(mean, sd).inv_cdf(p),
        {"mean": 0.0, "sd": 1.0},
    ),
    "rlnorm": (
        lambda g, n, meanlog=0.0, sdlog=1.0: g.lognormal(meanlog, sdlog, n),
        lambda p, meanlog=0.0, sdlog=1.0: math.exp(NormalDist(meanlog, sdlog).inv_cdf(p)),
        {"meanlog": 0.0, "sdlog": 1.0},
    ),
    "runif": (
        lambda g, n, min=0.0, max=1.0: g.uniform(min, max, n),
        lambda p, min=0.0, max=1.0: min + p * (max - min),
        {"min": 0.0, "max": 1.0},
    ),
    "rexp": (
        lambda g, n, rate=1.0: g.exponential(1.0 / rate, n),
        lambda p, rate=1.0: -math.log1p(-p) / rate,
        {"rate": 1.0},
    ),
}


def _trunc_sample(g: np.random.Generator, a: int, b: int, prob: str, params: dict[str, float]) -> int:
    """IncDTW's trunc_sample: a draw clipped to the distribution's 0.1 % / 99.9 % quantiles and
    mapped linearly onto the integers a..b."""
    draw, quantile, _ = _DISTRIBUTIONS[prob]
    qmin, qmax = quantile(0.001, **params), quantile(0.999, **params)
    if qmax == qmin:
        return int(qmax)
    y = min(max(float(draw(g, 1, **params)[0]), qmin), qmax)
    return int(np.round((y - qmin) / (qmax - qmin) * (b - a) + a))


def _distribution(name: Any, params: Any, what: str) -> dict[str, float]:
    if not isinstance(name, str) or name not in _DISTRIBUTIONS:
        raise ValueError(f"{what} must be one of {', '.join(map(repr, _DISTRIBUTIONS))}, got {name!r}")
    if params is not None and not isinstance(params, Mapping):
        raise TypeError(f"{what}_list must be None or a dict of {name}'s parameters, got {params!r}")
    given = dict(params or {})
    unknown = set(given) - set(_DISTRIBUTIONS[name][2])
    if unknown:
        raise ValueError(f"{what}_list: {name} takes {sorted(_DISTRIBUTIONS[name][2])}, got {sorted(unknown)}")
    out = {k: v.check_real(val, f"{what}_list[{k!r}]", 0.0 if k in ("sd", "sdlog", "rate") else None)
           for k, val in given.items()}
    if out.get("rate") == 0:
        raise ValueError(f"{what}_list['rate'] must be > 0")
    return out


def simulate_timewarp(
    x: Any,
    stretch: float = 0.0,
    compress: float = 0.0,
    stretch_method: Callable[..., np.ndarray] = insert_linear_interp,
    p_index: str = "rnorm",
    p_number: str = "rlnorm",
    p_index_list: Optional[dict[str, float]] = None,
    p_number_list: Optional[dict[str, float]] = None,
    preserve_length: bool = False,
    seed: RngLike = None,
    **kwargs: Any,
) -> np.ndarray:
    """A randomly stretched and/or compressed copy of a series (IncDTW's ``simulate_timewarp``).

    Stretching inserts ``ceil(n (1 + stretch)) - n`` observations in chunks: the chunk size is drawn
    from ``p_number``, its position (after observation ``1 .. n - 2``) from ``p_index``, each mapped
    onto the integer range by IncDTW's truncated sampling (clipped to the 0.1 % / 99.9 % quantiles),
    and inserted with ``stretch_method(x, ix, N, **kwargs)``. Compressing then removes
    ``n - ceil(n (1 - compress))`` observations in chunks at drawn positions. With
    ``preserve_length`` the copy is stretched and compressed by the same amount and keeps its
    length. Multivariate series warp all columns alike. The draws use numpy's generator, so results
    differ from IncDTW's (R's generator) but are reproducible with ``seed``.

    Parameters
    ----------
    x : array_like, shape (n,) or (n, d)
    stretch : float, >= 0
    compress : float, 0 <= compress < 1
    stretch_method : callable
        :func:`insert_linear_interp` (default), :func:`insert_const`, :func:`insert_norm`,
        :func:`insert_linear_norm` or any ``f(x, ix, N, **kwargs)``; the random ones get ``rng``.
    p_index, p_number : {"rnorm", "rlnorm", "runif", "rexp"}
        Distributions of the positions and of the chunk sizes (R's names).
    p_index_list, p_number_list : dict, optional
        Their parameters with R's names (``mean``/``sd``, ``meanlog``/``sdlog``, ``min``/``max``, ``rate``).
    preserve_length : bool
    seed : int or numpy.random.Generator, optional

    Returns
    -------
    ndarray

    Examples
    --------
    >>> import numpy as np, incdtw
    >>> x = np.sin(np.arange(100) / 8)
    >>> incdtw.simulate_timewarp(x, stretch=0.2, seed=1).shape
    (120,)
    >>> incdtw.simulate_timewarp(x, stretch=0.3, preserve_length=True, seed=1).shape
    (100,)
    """
    for name, val in (("stretch", stretch), ("compress", compress)):
        finite = isinstance(val, numbers.Integral) or (isinstance(val, numbers.Real) and math.isfinite(val))
        if isinstance(val, (bool, np.bool_)) or not finite:
            raise TypeError(f"{name} must be a finite number, got {val!r}")
    if stretch < 0:
        raise ValueError(f"stretch needs to be >= 0, got {stretch}")
    if compress < 0 or compress >= 1:
        raise ValueError(f"compress needs to be >= 0 and < 1, got {compress}")
    if not callable(stretch_method):
        raise TypeError("stretch_method must be a function f(x, ix, N, ...)")
    keep = v.check_flag(preserve_length, "preserve_length")
    index_params = _distribution(p_index, p_index_list, "p_index")
    number_params = _distribution(p_number, p_number_list, "p_number")
    arr = v.as_series(x, "x").astype(np.float64, copy=False)
    n = arr.shape[0]
    if stretch == 0 and compress == 0:
        return arr
    if keep:
        if stretch <= 0:
            stretch = compress
        compress = stretch
    g = _generator(seed, "seed")
    if stretch_method in (insert_norm, insert_linear_norm) and "rng" not in kwargs:
        kwargs = dict(kwargs, rng=g)
    out = arr
    if stretch > 0:
        if n < 3:
            raise ValueError(f"stretching needs x of at least 3 observations, got {n}")
        v.ensure_fits(math.ceil(n * (1 + stretch)) * (arr.size // n) * 8, f"x stretched by stretch={stretch}",
                      "stretch less")
        remaining = math.ceil(n * (1 + stretch)) - n
        while remaining > 0:
            size = _trunc_sample(g, 1, remaining, p_number, number_params)
            ix = _trunc_sample(g, 2, n - 1, p_index, index_params) - 1  # IncDTW's 1-based 2..n-1
            out = stretch_method(out, ix, size, **kwargs)
            remaining -= size
    if compress > 0:
        remaining = out.shape[0] - n if keep else n - math.ceil(n * (1 - compress))
        while remaining > 0:
            size = _trunc_sample(g, 1, remaining, p_number, number_params)
            start = _trunc_sample(g, 1, out.shape[0] - size + 1, p_index, index_params) - 1
            out = np.concatenate([out[:start], out[start + size:]])
            remaining -= size
    return out
