"""Plots of the results (IncDTW's ``plot`` methods), drawn with matplotlib.

matplotlib is an optional dependency (``pip install incdtw[plot]``); it is imported when a plot is
drawn, so ``import incdtw`` never needs it. Every function draws into a given ``ax`` (or ``fig``)
or into a new figure and returns the Axes (one panel) or the Figure (several panels); the artists
carry a ``gid`` (``"Q"``, ``"C"``, ``"alignment"``, ``"path"``, ``"dist"``, ``"minima"``, ...) so
that they can be found and restyled afterwards. Multivariate series are drawn one dimension at a
time (``dim``, default the first).

========================  ======================================================================
function                  draws
========================  ======================================================================
:func:`plotQC`            Q and C (C shifted below Q) joined by the warping path
                          (:func:`plot_idtw` is the same function, IncDTW's other name)
:func:`plotWarp`          the warping path, with Q along its left side and C along its bottom
:func:`plot_gcm`          the global cost matrix as an image, the warping path over it
:func:`plot_rundtw`       the distance curve of :func:`incdtw.rundtw` with its local minima and
                          the k nearest windows; C with the windows marked; the scaled fits
:func:`plot_dba`          :func:`incdtw.dba`: the barycenter over the series, or the convergence
:func:`plot_planedtw`     the alignment of a :class:`incdtw.PlaneDTW` in its current state
:func:`plot_partial`      the partial alignment of :func:`incdtw.dtw_partial`
========================  ======================================================================
"""

from __future__ import annotations

import builtins
import math
import numbers
from collections.abc import Mapping
from typing import Any, Optional, Sequence

import numpy as np

__all__ = [
    "plotQC",
    "plot_idtw",
    "plotWarp",
    "plot_gcm",
    "plot_rundtw",
    "plot_dba",
    "plot_planedtw",
    "plot_partial",
    "plot_dismat",
    "plot_disvec",
    "plot_path",
    "plot_lastcolrow",
]

_GREY = "#9a9a9a"
_KNN = "#e4572e"
_MIN = "#3399ff"


# -- helpers ------------------------------------------------------------------------------------------
def _pyplot() -> Any:
    try:
        import matplotlib.pyplot as plt
    except ImportError as exc:  # pragma: no cover - exercised only without matplotlib
        raise ImportError(
            "incdtw's plots need matplotlib, which is not installed: pip install incdtw[plot]"
        ) from exc
    return plt


def _field(x: Any, name: str) -> Any:
    if isinstance(x, Mapping):
        return x.get(name)
    return getattr(x, name, None)


def _check_ax(ax: Any, name: str = "ax") -> Any:
    """A new Axes (on a new pyplot figure) for ``None``, else ``ax`` after checking it is one."""
    plt = _pyplot()
    if ax is None:
        _, ax = plt.subplots()
        return ax
    from matplotlib.axes import Axes

    if not isinstance(ax, Axes):
        raise TypeError(f"{name} must be a matplotlib Axes or None, got {type(ax).__name__}")
    return ax


def _check_fig(fig: Any) -> Any:
    plt = _pyplot()
    if fig is None:
        return plt.figure()
    from matplotlib.figure import Figure, SubFigure

    if not isinstance(fig, (Figure, SubFigure)):
        raise TypeError(f"fig must be a matplotlib Figure or None, got {type(fig).__name__}")
    return fig


def _check_dim(dim: Any) -> int:
    if isinstance(dim, (bool, np.bool_)) or not isinstance(dim, numbers.Integral):
        raise TypeError(f"dim must be an integer, got {dim!r}")
    if dim < 0:
        raise ValueError(f"dim must be >= 0, got {dim}")
    return int(dim)


def _series(x: Any, name: str, dim: int = 0) -> np.ndarray:
    """One dimension of a series as a 1-D float array (column ``dim`` of an ``(n, d)`` array)."""
    if x is None or isinstance(x, str):
        raise TypeError(f"{name} must be a numeric array, got {x!r}")
    arr = np.asarray(x)
    if arr.dtype.kind not in "fiub":
        raise TypeError(f"{name} must hold real numbers, got dtype {arr.dtype}")
    if arr.ndim == 2:
        if dim >= arr.shape[1]:
            raise ValueError(f"dim must be below the {arr.shape[1]} dimensions of {name}, got {dim}")
        arr = arr[:, dim]
    elif arr.ndim != 1:
        raise ValueError(f"{name} must be a series of shape (n,) or (n, d), got shape {arr.shape}")
    elif dim != 0:
        raise ValueError(f"dim must be 0 for the univariate {name}, got {dim}")
    if arr.size == 0:
        raise ValueError(f"{name} must not be empty")
    return arr.astype(np.float64)


def _series_QC(x: Any, Q: Any, C: Any, dim: int, what: str) -> tuple[np.ndarray, np.ndarray]:
    if Q is None:
        Q = _field(x, "Q")
        if Q is None:
            raise ValueError(f"Q is needed: pass Q= or compute x with return_QC=True ({what})")
    if C is None:
        C = _field(x, "C")
        if C is None:
            raise ValueError(f"C is needed: pass C= or compute x with return_QC=True ({what})")
        if isinstance(C, str):
            raise ValueError(f"C is needed: x was computed from a matrix (C={C!r}), pass the series as C=")
    return _series(Q, "Q", dim), _series(C, "C", dim)


def _path(x: Any, n: int, m: int) -> tuple[np.ndarray, np.ndarray]:
    """The warping path ``ii``, ``jj`` of ``x``, checked against the lengths of Q and C."""
    ii, jj = _field(x, "ii"), _field(x, "jj")
    if ii is None or jj is None:
        raise ValueError("x has no warping path (ii, jj): compute it with return_wp=True")
    ii, jj = np.asarray(ii), np.asarray(jj)
    if ii.dtype.kind not in "iu" or jj.dtype.kind not in "iu" or ii.ndim != 1 or ii.shape != jj.shape:
        raise ValueError("x.ii and x.jj must be 1-D integer arrays of the same length")
    if ii.size == 0:
        raise ValueError("x.ii and x.jj must not be empty")
    if ii.min() < 0 or ii.max() >= n:
        raise ValueError(f"x.ii indexes outside Q (length {n}): the path does not belong to this Q")
    if jj.min() < 0 or jj.max() >= m:
        raise ValueError(f"x.jj indexes outside C (length {m}): the path does not belong to this C")
    return ii.astype(np.intp), jj.astype(np.intp)


def _default_offset(Q: np.ndarray, C: np.ndarray) -> float:
    """Shift that puts all of C below all of Q, with a margin of a quarter of the larger range."""
    span = max(float(np.nanmax(Q) - np.nanmin(Q)), float(np.nanmax(C) - np.nanmin(C)))
    if not np.isfinite(span) or span == 0.0:
        span = 1.0
    return max(0.0, float(np.nanmax(C) - np.nanmin(Q))) + 0.25 * span


def _check_offset(offset: Any, Q: np.ndarray, C: np.ndarray) -> float:
    if offset is None:
        return _default_offset(Q, C)
    if isinstance(offset, (bool, np.bool_)) or not isinstance(offset, numbers.Real) or not math.isfinite(offset):
        raise TypeError(f"offset must be a finite number or None, got {offset!r}")
    return float(offset)


def _draw_qc(
    ax: Any,
    Q: np.ndarray,
    C: np.ndarray,
    ii: np.ndarray,
    jj: np.ndarray,
    offset: float,
    q0: int = 0,
    c0: int = 0,
) -> None:
    """Q, C - offset and one grey segment per path step from (q0+ii, Q) to (c0+jj, C - offset)."""
    from matplotlib.collections import LineCollection

    Cs = C - offset
    qi, cj = ii + q0, jj + c0
    segments = np.stack(
        [np.column_stack([qi, Q[qi]]), np.column_stack([cj, Cs[cj]])], axis=1
    ).astype(np.float64)
    ax.add_collection(
        LineCollection(list(segments), colors=_GREY, linestyles="--", linewidths=0.7, gid="alignment", label="alignment")
    )
    ax.plot(np.arange(len(Q)), Q, color="C0", marker=".", label="Q", gid="Q")
    ax.plot(np.arange(len(C)), Cs, color="C1", marker=".", label="C" if offset == 0 else f"C - {offset:.3g}", gid="C")
    ax.autoscale_view()
    ax.set_xlabel("Index")
    ax.set_ylabel("Value")


# -- alignment of two series -----------------------------------------------------------------------
def plotQC(
    x: Any,
    Q: Any = None,
    C: Any = None,
    ax: Any = None,
    dim: int = 0,
    offset: Optional[float] = None,
    legend: bool = True,
) -> Any:
    """Q and C joined by their warping path (IncDTW's ``plotQC`` / ``plot.idtw(type="QC")``).

    Q is drawn over its index, C below it (shifted down by ``offset``), and one dashed grey line
    joins ``Q[ii[k]]`` and ``C[jj[k]]`` for every step ``k`` of the path.

    Parameters
    ----------
    x : DTWResult, PathResult or mapping
        Holds the warping path ``ii``, ``jj`` (:func:`incdtw.dtw` with ``return_wp=True``, or
        :func:`incdtw.idtw`, :func:`incdtw.dec_dm`); also ``Q`` and ``C`` with ``return_QC=True``.
    Q, C : array_like, optional
        The series; default ``x.Q`` and ``x.C``. Multivariate series are drawn at dimension ``dim``.
    ax : matplotlib Axes, optional
        Where to draw; default a new figure.
    dim : int, default 0
        The dimension (column) of multivariate series to draw.
    offset : float, optional
        How far C is shifted down; default: just below Q, with a margin.
    legend : bool, default True

    Returns
    -------
    matplotlib Axes
        Its lines ``gid="Q"`` and ``gid="C"`` (C minus ``offset``), and a LineCollection
        ``gid="alignment"`` with one segment ``((ii[k], Q[ii[k]]), (jj[k], C[jj[k]] - offset))``
        per path step.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import incdtw
    >>> from incdtw.plot import plotQC
    >>> Q, C = incdtw.datasets.sine_pair()
    >>> r = incdtw.dtw(Q, C, return_wp=True, return_QC=True)
    >>> ax = plotQC(r)
    >>> len(ax.collections[0].get_segments()) == len(r.ii)
    True
    """
    d = _check_dim(dim)
    q, c = _series_QC(x, Q, C, d, "plotQC")
    ii, jj = _path(x, len(q), len(c))
    off = _check_offset(offset, q, c)
    ax = _check_ax(ax)
    _draw_qc(ax, q, c, ii, jj, off)
    if legend:
        ax.legend(loc="best")
    return ax


plot_idtw = plotQC


def plotWarp(x: Any, Q: Any = None, C: Any = None, fig: Any = None, dim: int = 0) -> Any:
    """The warping path with the two series on its sides (IncDTW's ``plotWarp``).

    Three axes: the path in the centre (C's index to the right, Q's index downwards, as in the
    global cost matrix), Q along the left side (its values to the left of its index) and C along
    the bottom. The side panels share the centre's index axes.

    Parameters
    ----------
    x : DTWResult, PathResult or mapping
        With ``ii``, ``jj`` (``return_wp=True``), and ``Q``, ``C`` unless given.
    Q, C : array_like, optional
        Default ``x.Q``, ``x.C``.
    fig : matplotlib Figure or SubFigure, optional
        Where to draw (it should be empty); default a new figure.
    dim : int, default 0

    Returns
    -------
    matplotlib Figure
        ``fig.axes`` is ``[centre, left, bottom]``: the centre's line ``gid="path"`` has x data
        ``jj`` and y data ``ii``; the left line ``gid="Q"`` x data ``Q`` and y data its index; the
        bottom line ``gid="C"`` x data the index and y data ``C``.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import incdtw
    >>> from incdtw.plot import plotWarp
    >>> Q, C = incdtw.datasets.sine_pair()
    >>> fig = plotWarp(incdtw.dtw(Q, C, return_wp=True, return_QC=True))
    >>> len(fig.axes)
    3
    """
    d = _check_dim(dim)
    q, c = _series_QC(x, Q, C, d, "plotWarp")
    ii, jj = _path(x, len(q), len(c))
    fig = _check_fig(fig)
    gs = fig.add_gridspec(2, 2, width_ratios=(1, 4), height_ratios=(4, 1), wspace=0.05, hspace=0.05)
    centre = fig.add_subplot(gs[0, 1])
    left = fig.add_subplot(gs[0, 0], sharey=centre)
    bottom = fig.add_subplot(gs[1, 1], sharex=centre)
    centre.plot(jj, ii, color="k", marker=".", markersize=3, gid="path", label="warping path")
    centre.set_xlim(-0.5, len(c) - 0.5)
    centre.set_ylim(len(q) - 0.5, -0.5)  # Q's index downwards (shared with the left panel)
    centre.set_title("Warping path")
    centre.tick_params(labelbottom=False, labelleft=False)
    centre.grid(True, color="#eaeaea")
    left.plot(q, np.arange(len(q)), color="C0", marker=".", markersize=3, gid="Q", label="Q")
    left.invert_xaxis()
    left.set_ylabel("Q (index ii)")
    bottom.plot(np.arange(len(c)), c, color="C1", marker=".", markersize=3, gid="C", label="C")
    bottom.set_xlabel("C (index jj)")
    return fig


def plot_gcm(x: Any, ax: Any = None, path: bool = True, colorbar: bool = True, cmap: str = "viridis") -> Any:
    """The global cost matrix as an image, with the warping path over it.

    Parameters
    ----------
    x : DTWResult or mapping
        With ``gcm`` (:func:`incdtw.dtw` or :func:`incdtw.idtw` with ``return_gcm=True``). The path
        is ``x.ii``, ``x.jj`` (``return_wp=True``), or else backtracked from ``x.dm``.
    ax : matplotlib Axes, optional
    path : bool, default True
        Draw the warping path.
    colorbar : bool, default True
    cmap : str, default "viridis"

    Returns
    -------
    matplotlib Axes
        Its image holds the gcm masked where it is ``nan`` (outside the window: left blank), row
        ``i`` (Q) downwards and column ``j`` (C) to the right; the line ``gid="path"`` has x data
        ``jj`` and y data ``ii``.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import incdtw
    >>> from incdtw.plot import plot_gcm
    >>> Q, C = incdtw.datasets.sine_pair()
    >>> ax = plot_gcm(incdtw.dtw(Q, C, ws=20))
    >>> ax.images[0].get_array().shape
    (120, 105)
    """
    from . import _validate as v

    gcm = _field(x, "gcm")
    if gcm is None:
        raise ValueError("x has no gcm: compute it with return_gcm=True (the default of dtw)")
    G = v.as_matrix(gcm, "x.gcm", "global cost matrix")
    draw_path = v.check_flag(path, "path")
    show_bar = v.check_flag(colorbar, "colorbar")
    n, m = G.shape
    ii = jj = None
    if draw_path:
        if _field(x, "ii") is not None:
            ii, jj = _path(x, n, m)
        elif _field(x, "dm") is not None:
            from .incremental import dec_dm

            p = dec_dm(_field(x, "dm"), 0)
            ii, jj = p.ii, p.jj
        else:
            raise ValueError("x has neither a warping path (ii, jj) nor dm to draw the path from: pass path=False")
    ax = _check_ax(ax)
    image = ax.imshow(np.ma.masked_invalid(G.astype(np.float64)), cmap=cmap, origin="upper", aspect="auto",
                      interpolation="nearest")
    image.set_gid("gcm")
    if show_bar:
        ax.figure.colorbar(image, ax=ax, label="global cost")
    if ii is not None:
        ax.plot(jj, ii, color="w", linewidth=1.5, gid="path", label="warping path")
    ax.set_xlabel("C (index j)")
    ax.set_ylabel("Q (index i)")
    return ax


# -- running search -----------------------------------------------------------------------------------
def plot_rundtw(
    x: Any,
    C: Any = None,
    Q: Any = None,
    ax: Any = None,
    scaled: bool = False,
    scale: str = "01",
    knn: bool = True,
    minima: bool = True,
    dim: int = 0,
    lix: int = 0,
) -> Any:
    """The result of :func:`incdtw.rundtw` (IncDTW's ``plot.rundtw``).

    The first panel draws the distance of each window (``x.dist`` over the window start; ``nan``,
    the windows the search skipped, are gaps), its local minima (:func:`incdtw.find_peaks` with
    ``w = len(Q)``) and the k nearest windows (shaded). The second panel draws C with the minima
    windows and the k nearest windows coloured over it; ``scaled=True`` adds a third panel with
    the k nearest windows scaled (``scale``) and the scaled query.

    Parameters
    ----------
    x : RundtwResult
    C, Q : array_like, optional
        Default ``x.C`` and ``x.Q`` (``return_QC=True``; ``x.Q`` is the scaled query). Without C
        only the distance panel is drawn. The length of Q (or, from C, ``len(C) - len(x.dist) + 1``)
        sets the window length.
    ax : matplotlib Axes or a sequence of Axes, optional
        One Axes per panel (a single Axes draws the distance panel only); default a new figure.
    scaled : bool, default False
        Add the panel of scaled fits (needs C).
    scale : {"01", "z"}, default "01"
        The scaling of the fits, as in the ``rundtw`` call.
    knn, minima : bool, default True
        Mark the k nearest windows and the local minima.
    dim : int, default 0
        The dimension of multivariate series to draw.
    lix : int, default 0
        In list mode (C a list of series), the series to draw.

    Returns
    -------
    matplotlib Figure
        ``fig.axes[0]``: the line ``gid="dist"`` (x data ``arange(len(dist))``, y data ``dist``),
        the markers ``gid="minima"`` and ``gid="knn"``, spans ``gid="knn_window"``; ``fig.axes[1]``:
        the line ``gid="C"`` and one line per window, ``gid="knn_fit"`` / ``gid="minimum_fit"``;
        ``fig.axes[2]`` (``scaled``): ``gid="scaled_fit"`` per neighbour and ``gid="Q"``.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import incdtw
    >>> walk = incdtw.datasets.planted_walk(length=3000, pattern_length=50, planted=2)
    >>> r = incdtw.rundtw(walk.pattern, walk.series, k=2, scale="z", ws=5, return_QC=True)
    >>> fig = plot_rundtw(r, scaled=True, scale="z")
    >>> len(fig.axes)
    3
    """
    from . import _validate as v
    from ._results import RundtwResult
    from .bounds import scale as scale_series
    from .simulate import find_peaks

    d = _check_dim(dim)
    do_scaled = v.check_flag(scaled, "scaled")
    do_knn = v.check_flag(knn, "knn")
    do_min = v.check_flag(minima, "minima")
    sc = v.check_choice(scale, "scale", ("01", "z"))
    dist = _field(x, "dist")
    if isinstance(x, RundtwResult) and dist is None:
        raise ValueError("x holds no dist to draw: search with rundtw(..., return_dist=True)")
    if dist is None:
        raise TypeError(f"x must be a RundtwResult (with dist), got {type(x).__name__}")
    knn_idx, knn_val = _field(x, "knn_indices"), _field(x, "knn_values")
    if C is None:
        C = _field(x, "C")
    if Q is None:
        Q = _field(x, "Q")
    if isinstance(dist, (list, tuple)):  # list mode
        if isinstance(lix, (bool, np.bool_)) or not isinstance(lix, numbers.Integral):
            raise TypeError(f"lix must be an integer, got {lix!r}")
        if not 0 <= lix < len(dist):
            raise ValueError(f"lix must be between 0 and {len(dist) - 1} (the series of x.dist), got {lix}")
        dist = dist[lix]
        if knn_idx is not None:
            keep = np.asarray(_field(x, "knn_list_indices")) == lix
            knn_idx, knn_val = np.asarray(knn_idx)[keep], np.asarray(knn_val)[keep]
        if isinstance(C, (list, tuple)):
            C = C[lix]
    elif lix != 0:
        raise ValueError(f"lix selects a series in list mode only; x has one series, got lix={lix}")
    dist = np.asarray(dist, dtype=np.float64)
    if dist.ndim != 1 or dist.size == 0:
        raise ValueError(f"x.dist must be a non-empty 1-D array, got shape {dist.shape}")
    c = None if C is None else _series(C, "C", d)
    q = None if Q is None else _series(Q, "Q", d)
    if q is not None:
        nq = len(q)
        if c is not None and len(c) - len(dist) + 1 != nq:
            raise ValueError(f"C (length {len(c)}) and Q (length {nq}) do not fit x.dist (length {len(dist)})")
    elif c is not None:
        nq = len(c) - len(dist) + 1
        if nq < 1:
            raise ValueError(f"C (length {len(c)}) is shorter than x.dist (length {len(dist)})")
    else:
        nq = None
    if nq is None and (do_min or (do_knn and knn_idx is not None)):
        raise ValueError(
            "Q or C is needed for the window length of the minima and neighbours: pass Q= or C=, compute x "
            "with return_QC=True, or pass minima=False, knn=False"
        )
    if do_scaled and c is None:
        raise ValueError("scaled=True draws the scaled windows of C: pass C= or compute x with return_QC=True")
    if knn_idx is None or not do_knn:
        knn_idx = knn_val = np.zeros(0, dtype=np.intp)
    knn_idx = np.asarray(knn_idx, dtype=np.intp)
    knn_val = np.asarray(knn_val, dtype=np.float64)
    peaks = find_peaks(dist, w=nq) if do_min and nq is not None else np.zeros(0, dtype=np.intp)
    width = 0 if nq is None else nq  # set whenever there are windows to draw

    panels = 1 + (c is not None) + do_scaled
    plt = _pyplot()
    if ax is None:
        fig, axes = plt.subplots(panels, 1, sharex=True, squeeze=False, figsize=(8, 2.5 * panels))
        axes = list(axes[:, 0])
    else:
        from matplotlib.axes import Axes

        axes = [ax] if isinstance(ax, Axes) else list(ax) if isinstance(ax, Sequence) else None
        if axes is None or not all(isinstance(a, Axes) for a in axes):
            raise TypeError(f"ax must be a matplotlib Axes or a sequence of Axes, got {type(ax).__name__}")
        if len(axes) not in (1, panels):
            raise ValueError(f"ax must hold 1 or {panels} Axes (one per panel), got {len(axes)}")
        fig = axes[0].figure
    a0 = axes[0]
    j = np.arange(len(dist))
    a0.plot(j, dist, color="#808080", gid="dist", label="dist")
    a0.plot(peaks, dist[peaks], ls="none", marker="o", color=_MIN, gid="minima", label="local minimum")
    a0.plot(knn_idx, knn_val, ls="none", marker="*", markersize=10, color=_KNN, gid="knn", label="kNN")
    for k, s in enumerate(knn_idx):
        a0.axvspan(s, s + width - 1, color=_KNN, alpha=0.15, gid="knn_window", label="kNN window" if k == 0 else None)
    a0.set_ylabel("DTW distance")
    a0.legend(loc="best")
    if len(axes) == 1 or c is None:
        a0.set_xlabel("window start")
        return fig
    a1 = axes[1]
    a1.plot(np.arange(len(c)), c, color="k", linewidth=0.8, gid="C", label="C")
    for k, s in enumerate(peaks):
        a1.plot(np.arange(s, s + width), c[s:s + width], color=_MIN, gid="minimum_fit",
                label="local minimum" if k == 0 else None)
    for k, s in enumerate(knn_idx):
        a1.plot(np.arange(s, s + width), c[s:s + width], color=_KNN, linewidth=1.5, gid="knn_fit",
                label="kNN" if k == 0 else None)
    a1.set_ylabel("C")
    a1.legend(loc="best")
    if not do_scaled:
        a1.set_xlabel("Index")
        return fig
    a2 = axes[2]
    for k, s in enumerate(knn_idx):
        a2.plot(np.arange(s, s + width), scale_series(c[s:s + width], type=sc), color=_KNN, gid="scaled_fit",
                label="kNN window, scaled" if k == 0 else None)
        if q is not None:
            a2.plot(np.arange(s, s + width), q, color="C0", linestyle="--", gid="Q", label="Q" if k == 0 else None)
    a2.set_ylabel(f"scaled fits ({sc})")
    a2.set_xlabel("Index")
    if len(knn_idx):
        a2.legend(loc="best")
    return fig


# -- barycenter -------------------------------------------------------------------------------------
def plot_dba(x: Any, lot: Any = None, type: str = "barycenter", ax: Any = None, dim: int = 0) -> Any:
    """The result of :func:`incdtw.dba` (IncDTW's ``plot.dba``: ``plotBary``, ``plotM2m``, ``plotM2lot``).

    Parameters
    ----------
    x : DBAResult
    lot : collection of series, optional
        The series averaged (``type="barycenter"``), drawn in light grey under the barycenter.
    type : {"barycenter", "m2m", "m2lot"}
        ``"barycenter"``: the series and the iterations (thin) with ``m1`` on top; ``"m2m"``: the
        change of the barycenter per iteration (``iterDist_m2m``); ``"m2lot"``: per iteration the
        mean and (shaded) mean +- standard deviation of the distances of the barycenter to the
        series (normalized for ``symmetric2``, as IncDTW).
    ax : matplotlib Axes, optional
    dim : int, default 0
        The dimension of multivariate series to draw.

    Returns
    -------
    matplotlib Axes
        ``"barycenter"``: lines ``gid="series"`` (one per series), ``gid="iteration"`` (the
        iterations before the last) and ``gid="m1"``; ``"m2m"``: line ``gid="m2m"`` (x data
        ``1, 2, ...``); ``"m2lot"``: line ``gid="m2lot"`` (the means) and the band ``gid="sd"``.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import numpy as np, incdtw
    >>> lot = incdtw.datasets.warped_classes(n_per_class=5, shapes=("sine",))[0]
    >>> r = incdtw.dba(lot, iterMax=3)
    >>> ax = plot_dba(r, lot)
    >>> [l.get_gid() for l in ax.lines].count("series")
    5
    """
    from . import _validate as v

    kind = v.check_choice(type, "type", ("barycenter", "m2m", "m2lot"))
    d = _check_dim(dim)
    m1 = _field(x, "m1")
    if m1 is None or _field(x, "iterDist_m2m") is None:
        raise TypeError(f"x must be a DBAResult, got {builtins.type(x).__name__}")
    if kind == "barycenter":
        series = []
        if lot is not None:
            from .collection import as_collection

            series = [_series(s, f"lot[{i}]", d) for i, s in enumerate(as_collection(lot))]
        bary = _series(m1, "x.m1", d)
        iterations = [_series(it, "x.iterations", d) for it in (_field(x, "iterations") or [])[:-1]]
        ax = _check_ax(ax)
        for k, s in enumerate(series):
            ax.plot(np.arange(len(s)), s, color="#c8c8c8", linewidth=0.8, gid="series",
                    label="series" if k == 0 else None)
        for k, it in enumerate(iterations):
            ax.plot(np.arange(len(it)), it, color="C0", alpha=0.3, linewidth=0.8, gid="iteration",
                    label="iterations" if k == 0 else None)
        ax.plot(np.arange(len(bary)), bary, color="C3", linewidth=2.0, gid="m1", label="barycenter m1")
        ax.set_xlabel("Index")
        ax.set_ylabel("Value")
        ax.legend(loc="best")
        return ax
    if lot is not None:
        raise ValueError(f"lot is drawn with type='barycenter' only, not with type={kind!r}")
    ax = _check_ax(ax)
    if kind == "m2m":
        m2m = np.asarray(_field(x, "iterDist_m2m"), dtype=np.float64).reshape(-1)
        ax.plot(np.arange(1, len(m2m) + 1), m2m, marker="o", color="k", gid="m2m")
        ax.set_xlabel("Iteration")
        ax.set_ylabel("distance of m[n] to m[n-1]")
        return ax
    inp = _field(x, "input") or {}
    sym1 = inp.get("step_pattern") == "symmetric1"
    dists = _field(x, "iterDist_m2lot" if sym1 else "iterDist_m2lot_norm")
    mean = np.array([np.mean(np.asarray(a, dtype=np.float64)) for a in dists])
    sd = np.array([np.std(np.asarray(a, dtype=np.float64), ddof=1) if np.size(a) > 1 else 0.0 for a in dists])
    it = np.arange(1, len(mean) + 1)
    ax.plot(it, mean, marker="o", color="k", gid="m2lot", label="mean")
    band = ax.fill_between(it, mean - sd, mean + sd, color="k", alpha=0.2, label="mean +- sd")
    band.set_gid("sd")
    ax.set_xlabel("Iteration")
    ax.set_ylabel("avg. distance of m[n] to lot" if sym1 else "avg. normalized distance of m[n] to lot")
    ax.legend(loc="best")
    return ax


# -- plane and partial alignment --------------------------------------------------------------------
def plot_planedtw(plane: Any, ax: Any = None, type: str = "QC", dim: int = 0, offset: Optional[float] = None) -> Any:
    """The alignment of a :class:`incdtw.PlaneDTW` in its current state (IncDTW's ``plot.planedtw``).

    The plane keeps no path, so it is computed: :func:`incdtw.dtw` on ``plane.Q`` and ``plane.C``
    with the plane's ``dist_method``, ``step_pattern`` and ``ws`` (O(nQ nC) time and memory).

    Parameters
    ----------
    plane : PlaneDTW
    ax : matplotlib Axes (``type="QC"``) or Figure (``type="warp"``), optional
    type : {"QC", "warp"}
        :func:`plotQC` (returns the Axes) or :func:`plotWarp` (returns the Figure).
    dim : int, default 0
    offset : float, optional
        As in :func:`plotQC`.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import incdtw
    >>> Q, C = incdtw.datasets.sine_pair()
    >>> p = incdtw.initialize_plane(Q, C[:50]).increment(C[50:])
    >>> ax = plot_planedtw(p)
    >>> len(ax.collections[0].get_segments()) > 0
    True
    """
    from . import _validate as v
    from .dtw import dtw
    from .plane import PlaneDTW

    if not isinstance(plane, PlaneDTW):
        raise TypeError(f"plane must be a PlaneDTW, got {builtins.type(plane).__name__}")
    kind = v.check_choice(type, "type", ("QC", "warp"))
    ctl = plane.control
    r = dtw(plane.Q, plane.C, dist_method=ctl["dist_method"], step_pattern=ctl["step_pattern"], ws=ctl["ws"],
            return_wp=True, return_QC=True, return_gcm=False)
    if kind == "warp":
        if offset is not None:
            raise ValueError("offset applies to type='QC' only")
        return plotWarp(r, fig=ax, dim=dim)
    return plotQC(r, ax=ax, dim=dim, offset=offset)


def plot_partial(
    x: Any,
    Q: Any = None,
    C: Any = None,
    partial: Any = None,
    ax: Any = None,
    dim: int = 0,
    offset: Optional[float] = None,
    dist_method: str = "norm1",
    step_pattern: str = "symmetric2",
    ws: Optional[float] = None,
) -> Any:
    """A partial alignment of :func:`incdtw.dtw_partial` (IncDTW's ``plot.idtw(partial=...)``).

    Q and C are drawn as in :func:`plotQC`, the matched parts ``Q[slice(*rangeQ)]`` and
    ``C[slice(*rangeC)]`` highlighted, and the two parts joined along the warping path of their
    alignment (:func:`incdtw.dtw` of the two parts with ``dist_method``, ``step_pattern``, ``ws``:
    for an open-end alignment the path of the full alignment's global cost matrix from its
    corner).

    Parameters
    ----------
    x : PartialResult, or a DTWResult (then ``partial`` is the PartialResult)
        The result of :func:`incdtw.dtw_partial`, or the alignment it was computed from, which
        supplies ``Q`` and ``C`` when it has them (``return_QC=True``).
    Q, C : array_like
        The series the partial alignment belongs to.
    partial : PartialResult, optional
        When ``x`` is not the PartialResult.
    ax : matplotlib Axes, optional
    dim : int, default 0
    offset : float, optional
        How far C is shifted down (as in :func:`plotQC`).
    dist_method, step_pattern, ws
        Of the alignment, as in :func:`incdtw.dtw`.

    Returns
    -------
    matplotlib Axes
        As :func:`plotQC`'s, with the lines ``gid="rangeQ"`` (x data ``arange(*rangeQ)``) and
        ``gid="rangeC"``, and the segments of ``gid="alignment"`` within the two ranges.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import numpy as np, incdtw
    >>> Q, C = np.sin(np.arange(1, 51) / 3), np.sin(np.arange(1, 201) / 3)
    >>> part = incdtw.dtw_partial(incdtw.dtw(Q, C), partial_Q=False)
    >>> ax = plot_partial(part, Q, C)
    >>> [l.get_gid() for l in ax.lines]
    ['Q', 'C', 'rangeQ', 'rangeC']
    """
    from ._results import PartialResult
    from .dtw import dtw

    if partial is None:
        partial, source = x, None
    else:
        source = x
    if not isinstance(partial, PartialResult):
        name = "x" if source is None else "partial"
        raise TypeError(f"{name} must be a PartialResult (from dtw_partial), got {builtins.type(partial).__name__}")
    d = _check_dim(dim)
    src = source if source is not None else {}
    q, c = _series_QC(src, Q, C, d, "plot_partial")
    # the path aligns all dimensions; one of them is drawn
    Qall = np.asarray(Q if Q is not None else _field(src, "Q"))
    Call = np.asarray(C if C is not None else _field(src, "C"))
    (q0, q1), (c0, c1) = partial.rangeQ, partial.rangeC
    if not (0 <= q0 < q1 <= len(q)):
        raise ValueError(f"partial.rangeQ {partial.rangeQ} does not fit Q (length {len(q)})")
    if not (0 <= c0 < c1 <= len(c)):
        raise ValueError(f"partial.rangeC {partial.rangeC} does not fit C (length {len(c)})")
    off = _check_offset(offset, q, c)
    r = dtw(Qall[q0:q1], Call[c0:c1], dist_method=dist_method, step_pattern=step_pattern, ws=ws, return_wp=True,
            return_gcm=False)
    assert r.ii is not None and r.jj is not None
    ax = _check_ax(ax)
    _draw_qc(ax, q, c, r.ii, r.jj, off, q0, c0)
    ax.plot(np.arange(q0, q1), q[q0:q1], color="C3", linewidth=2.5, alpha=0.6, gid="rangeQ", label="rangeQ")
    ax.plot(np.arange(c0, c1), c[c0:c1] - off, color="C2", linewidth=2.5, alpha=0.6, gid="rangeC", label="rangeC")
    ax.legend(loc="best")
    return ax


def _square_from(d: np.ndarray, name: str) -> np.ndarray:
    """A square distance matrix from a square one or a condensed (pdist-order) vector."""
    d = np.asarray(d, dtype=np.float64)
    if d.ndim == 2 and d.shape[0] == d.shape[1]:
        return d
    if d.ndim != 1:
        raise ValueError(f"{name} must be a condensed vector or a square matrix, got shape {d.shape}")
    k = int(round((1 + np.sqrt(1 + 8 * d.size)) / 2))
    if k * (k - 1) // 2 != d.size:
        raise ValueError(f"{name} has {d.size} values: not the condensed distances of any number of series")
    out = np.zeros((k, k))
    i, j = np.triu_indices(k, 1)
    out[i, j] = d
    out[j, i] = d
    return out


def plot_dismat(x: Any, ax: Any = None, colorbar: bool = True, cmap: str = "viridis") -> Any:
    """A distance matrix as an image: a :func:`incdtw.dtw_dismat` result (condensed or square), a
    :func:`incdtw.centroid` result (the medoid's row and column outlined), or an array.

    Returns
    -------
    matplotlib Axes
        Its image (``gid="dismat"``) holds the square matrix (``nan`` where early abandoned, blank);
        for a centroid result the lines ``gid="medoid"`` mark the medoid's row and column.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import incdtw
    >>> X, _ = incdtw.datasets.warped_classes(n_per_class=3, length=40, seed=0)
    >>> ax = incdtw.dtw_dismat(X).plot()
    >>> ax.images[0].get_array().shape
    (12, 12)
    """
    from . import _validate as v

    medoid = None
    if _field(x, "centroid_index") is not None:
        medoid = int(_field(x, "centroid_index"))
        x = _field(x, "dismat_result")
    d = _field(x, "dismat") if not isinstance(x, np.ndarray) else x
    if d is None:
        raise TypeError("x must be a dtw_dismat or centroid result, or a distance matrix")
    D = _square_from(d, "x.dismat")
    show_bar = v.check_flag(colorbar, "colorbar")
    ax = _check_ax(ax)
    image = ax.imshow(np.ma.masked_invalid(D), cmap=cmap, interpolation="nearest")
    image.set_gid("dismat")
    if show_bar:
        ax.figure.colorbar(image, ax=ax, label="DTW distance")
    if medoid is not None:
        ax.axhline(medoid, color="w", linewidth=1.5, gid="medoid")
        ax.axvline(medoid, color="w", linewidth=1.5, gid="medoid")
        ax.set_title(f"medoid: series {medoid}")
    ax.set_xlabel("series")
    ax.set_ylabel("series")
    return ax


def plot_disvec(x: Any, ax: Any = None) -> Any:
    """The distances of a :func:`incdtw.dtw_disvec` result, one point per series, the nearest marked.

    Returns
    -------
    matplotlib Axes
        The line ``gid="disvec"`` has x data ``0, 1, ...`` and y data ``disvec``; the point
        ``gid="nearest"`` is at the smallest distance.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import numpy as np, incdtw
    >>> X, _ = incdtw.datasets.warped_classes(n_per_class=3, length=40, seed=0)
    >>> r = incdtw.dtw_disvec(X[0], X[1:])
    >>> ax = r.plot()
    >>> bool(np.array_equal(ax.get_lines()[0].get_ydata(), r.disvec))
    True
    """
    d = _field(x, "disvec") if not isinstance(x, np.ndarray) else x
    if d is None:
        raise TypeError("x must be a dtw_disvec result or a vector of distances")
    d = np.asarray(d, dtype=np.float64)
    if d.ndim != 1 or d.size == 0:
        raise ValueError(f"x.disvec must be a non-empty vector, got shape {d.shape}")
    ax = _check_ax(ax)
    ax.plot(np.arange(d.size), d, "o-", color=_GREY, markersize=4, gid="disvec", label="distance")
    if np.isfinite(d).any():
        best = int(np.nanargmin(d))
        ax.plot([best], [d[best]], "*", color=_KNN, markersize=12, gid="nearest", label=f"nearest: {best}")
    ax.set_xlabel("series")
    ax.set_ylabel("DTW distance")
    ax.legend()
    return ax


def plot_path(x: Any, ax: Any = None) -> Any:
    """The warping path of a :func:`incdtw.dec_dm` result (or anything with ``ii``, ``jj``):
    Q's index downwards, C's to the right, as in :func:`plot_gcm`.

    Returns
    -------
    matplotlib Axes
        The line ``gid="path"`` has x data ``jj`` and y data ``ii``.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import incdtw
    >>> Q, C = incdtw.datasets.sine_pair()
    >>> p = incdtw.dec_dm(incdtw.dtw(Q, C).dm, Ndec=5)
    >>> ax = p.plot()
    >>> int(ax.get_lines()[0].get_xdata()[-1]), len(C) - 1 - 5
    (99, 99)
    """
    ii, jj = _field(x, "ii"), _field(x, "jj")
    if ii is None or jj is None:
        raise ValueError("x has no warping path (ii, jj)")
    ii, jj = np.asarray(ii), np.asarray(jj)
    if ii.shape != jj.shape or ii.ndim != 1 or ii.size == 0:
        raise ValueError("x.ii and x.jj must be vectors of the same, non-zero length")
    ax = _check_ax(ax)
    ax.plot(jj, ii, color=_KNN, linewidth=1.5, gid="path", label="warping path")
    ax.set_xlim(-0.5, jj.max() + 0.5)
    ax.set_ylim(ii.max() + 0.5, -0.5)
    ax.set_xlabel("C (index j)")
    ax.set_ylabel("Q (index i)")
    return ax


def plot_lastcolrow(x: Any, ax: Any = None) -> Any:
    """The last column and last row of the global cost matrix of an :func:`incdtw.idtw2vec` result
    (or a plane): the DTW distances of every open-end alignment, the values
    :func:`incdtw.dtw_partial` chooses from.

    Returns
    -------
    matplotlib Axes
        Lines ``gid="gcm_lc"`` (x: Q's index, y: ``gcm_lc_new``) and ``gid="gcm_lr"`` (x: C's index,
        y: ``gcm_lr_new``).

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import incdtw
    >>> Q, C = incdtw.datasets.sine_pair()
    >>> ax = incdtw.idtw2vec(Q, C).plot()
    >>> [line.get_gid() for line in ax.get_lines()]
    ['gcm_lc', 'gcm_lr']
    """
    lc, lr = _field(x, "gcm_lc_new"), _field(x, "gcm_lr_new")
    if lc is None or lr is None:
        raise ValueError("x has no last column and row (gcm_lc_new, gcm_lr_new)")
    lc, lr = np.asarray(lc, dtype=np.float64), np.asarray(lr, dtype=np.float64)
    ax = _check_ax(ax)
    ax.plot(np.arange(lc.size), lc, color="#1f77b4", gid="gcm_lc", label="last column: Q[:i+1] against all of C")
    ax.plot(np.arange(lr.size), lr, color="#ff7f0e", gid="gcm_lr", label="last row: all of Q against C[:j+1]")
    ax.set_xlabel("index")
    ax.set_ylabel("global cost")
    ax.legend()
    return ax
