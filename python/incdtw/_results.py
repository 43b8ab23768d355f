"""Typed result objects with IncDTW's field names."""

from __future__ import annotations

import math
from dataclasses import dataclass, field, fields
from typing import Any, Optional, TypeVar, Union

import numpy as np


def _describe(value: Any) -> str:
    if isinstance(value, np.ndarray):
        return f"array(shape={value.shape}, dtype={value.dtype})"
    if isinstance(value, float):
        return repr(value) if not math.isnan(value) else "nan"
    return repr(value)


_R = TypeVar("_R", bound="_Result")


class _Result:
    """Shared behaviour: a readable repr listing the fields that are set, and dict-like access."""

    def __repr__(self) -> str:
        parts = []
        for f in fields(self):  # type: ignore[arg-type]
            value = getattr(self, f.name)
            if value is not None and not f.name.startswith("_"):
                parts.append(f"    {f.name}={_describe(value)},")
        return type(self).__name__ + "(\n" + "\n".join(parts) + "\n)"

    def __getitem__(self, name: str) -> Any:
        """``result["gcm"]`` is ``result.gcm`` (IncDTW's ``result$gcm``)."""
        if name not in self.keys():
            raise KeyError(name)
        return getattr(self, name)

    @classmethod
    def _of(cls: type[_R], **values: Any) -> _R:
        """A result from all its field values, without the frozen dataclass's per-field
        ``object.__setattr__`` (the hot path of streaming calls)."""
        obj = object.__new__(cls)
        obj.__dict__.update(values)
        return obj

    def keys(self) -> list[str]:
        """Names of the fields that are set, in IncDTW's order (R's ``names(result)``)."""
        return [
            f.name
            for f in fields(self)  # type: ignore[arg-type]
            if not f.name.startswith("_") and getattr(self, f.name) is not None
        ]


@dataclass(frozen=True, repr=False, eq=False)
class DTWResult(_Result):
    """Result of :func:`incdtw.dtw`.

    Attributes
    ----------
    gcm : ndarray (n, m) or None
        Global cost matrix; ``nan`` outside the Sakoe-Chiba window. ``None`` with ``return_gcm=False``.
    dm : ndarray (n, m) of int8
        Direction matrix: 1 diagonal, 2 horizontal (C advances), 3 vertical (Q advances), 0 at the
        start cell and outside the window.
    diffp : ndarray or None
        ``Q[ii] - C[jj]`` along the path, in path order (``return_diffp``); shape ``(L,)`` for
        univariate input, ``(L, d)`` for multivariate input.
    ii, jj : ndarray of intp or None
        0-based warping path from ``(0, 0)`` to ``(n-1, m-1)`` (``return_wp``).
    wp : ndarray of int8 or None
        Direction code of each step of the path (length ``L - 1``).
    distance : float
        DTW distance ``gcm[n-1, m-1]``.
    normalized_distance : float
        ``distance / (n + m)`` for ``symmetric2``; ``nan`` for ``symmetric1``.
    cm : ndarray (n, m) or None
        Local cost matrix (``return_cm``).
    diffM : ndarray (n, m) or None
        Differences ``Q[i] - C[j]`` (``return_diffM``, univariate input or ``C="diffM"``).
    Q, C : the inputs (``return_QC``).
    """

    gcm: Optional[np.ndarray]
    dm: Optional[np.ndarray]
    diffp: Optional[np.ndarray]
    ii: Optional[np.ndarray]
    jj: Optional[np.ndarray]
    wp: Optional[np.ndarray]
    distance: float
    normalized_distance: float
    cm: Optional[np.ndarray] = None
    diffM: Optional[np.ndarray] = None
    Q: Optional[np.ndarray] = None
    C: Optional[Union[np.ndarray, str]] = None

    def plot(self, type: str = "QC", **kwargs: Any) -> Any:
        """Draw the alignment (IncDTW's ``plot.idtw``; needs matplotlib, ``pip install incdtw[plot]``).

        ``type="QC"``: :func:`incdtw.plot.plotQC` (Q and C joined by the path; returns the Axes);
        ``"warp"``: :func:`incdtw.plot.plotWarp` (returns the Figure); ``"gcm"``:
        :func:`incdtw.plot.plot_gcm` (returns the Axes). ``kwargs`` go to that function.
        """
        from . import plot as _plot

        if type == "QC":
            return _plot.plotQC(self, **kwargs)
        if type == "warp":
            return _plot.plotWarp(self, **kwargs)
        if type == "gcm":
            return _plot.plot_gcm(self, **kwargs)
        raise ValueError(f"type must be one of 'QC', 'warp', 'gcm', got {type!r}")


@dataclass(frozen=True, repr=False, eq=False)
class DTW2VecResult(_Result):
    """Result of :func:`incdtw.dtw2vec`: ``distance`` (``nan`` when early abandoned) and
    ``normalized_distance`` (``distance / (n + m)`` for ``symmetric2``, ``nan`` for ``symmetric1``)."""

    distance: float
    normalized_distance: float


@dataclass(frozen=True, repr=False, eq=False)
class IDTW2VecResult(_Result):
    """Result of :func:`incdtw.idtw2vec`: the state to continue the alignment from.

    Attributes
    ----------
    gcm_lr_new : ndarray
        Last row of the global cost matrix: ``gcm_lr`` (when passed) followed by the values of the
        new columns; ``nan`` outside the window.
    gcm_lc_new : ndarray (n,)
        Last column of the global cost matrix (``nan`` outside the window).
    distance : float
        DTW distance of Q and all of C so far (``gcm_lc_new[-1]``).
    normalized_distance : float
        ``distance / (n + m)`` for ``symmetric2`` when the number of columns ``m`` is known (initial
        call, or ``nC`` given); ``nan`` otherwise and for ``symmetric1``.
    """

    gcm_lr_new: np.ndarray
    gcm_lc_new: np.ndarray
    distance: float
    normalized_distance: float
    # Columns of the alignment before gcm_lr_new[0]: 0 when gcm_lr_new is the whole last row, None
    # when unknown. dtw_partial refuses a partial last row.
    _lr_offset: Optional[int] = field(default=0, repr=False)

    def plot(self, **kwargs: Any) -> Any:
        """The last column and row: :func:`incdtw.plot.plot_lastcolrow` (needs matplotlib)."""
        from . import plot as _plot

        return _plot.plot_lastcolrow(self, **kwargs)


@dataclass(frozen=True, repr=False, eq=False)
class PathResult(_Result):
    """Result of :func:`incdtw.dec_dm`: the warping path of the shortened alignment.

    Attributes
    ----------
    ii, jj : ndarray of intp
        0-based path from ``(0, 0)`` to ``(n-1, m-1-Ndec)``.
    wp : ndarray of int8
        Direction code of each step (1 diagonal, 2 horizontal, 3 vertical).
    diffp : ndarray or None
        ``diffM[ii, jj]`` along the path, in path order (when ``diffM`` is given).
    """

    ii: np.ndarray
    jj: np.ndarray
    wp: np.ndarray
    diffp: Optional[np.ndarray] = None

    def plot(self, **kwargs: Any) -> Any:
        """The warping path: :func:`incdtw.plot.plot_path` (needs matplotlib)."""
        from . import plot as _plot

        return _plot.plot_path(self, **kwargs)


@dataclass(frozen=True, repr=False, eq=False)
class PartialResult(_Result):
    """Result of :func:`incdtw.dtw_partial`.

    Attributes
    ----------
    rangeQ, rangeC : tuple of int
        ``(start, stop)``, 0-based with ``stop`` exclusive: ``Q[slice(*rangeQ)]`` is aligned with
        ``C[slice(*rangeC)]``.
    normalized_distance : float
        DTW distance of the partial alignment divided by the summed lengths of the two parts.
    """

    rangeQ: tuple[int, int]
    rangeC: tuple[int, int]
    normalized_distance: float

    def plot(self, Q: Any, C: Any, **kwargs: Any) -> Any:
        """Draw Q and C with the matched ranges highlighted and aligned: :func:`incdtw.plot.plot_partial`
        (needs matplotlib, ``pip install incdtw[plot]``); returns the Axes."""
        from . import plot as _plot

        return _plot.plot_partial(self, Q, C, **kwargs)


@dataclass(frozen=True, repr=False, eq=False)
class DismatResult(_Result):
    """Result of :func:`incdtw.dtw_dismat`: ``input`` (the options) and ``dismat``, the condensed
    distances in ``scipy.spatial.distance.pdist`` order (or the square matrix with
    ``return_matrix=True``); ``nan`` where early abandoned."""

    input: dict[str, Any]
    dismat: np.ndarray

    def plot(self, **kwargs: Any) -> Any:
        """The distance matrix as an image: :func:`incdtw.plot.plot_dismat` (needs matplotlib)."""
        from . import plot as _plot

        return _plot.plot_dismat(self, **kwargs)


@dataclass(frozen=True, repr=False, eq=False)
class DisvecResult(_Result):
    """Result of :func:`incdtw.dtw_disvec`: ``input`` and ``disvec`` (one distance per series)."""

    input: dict[str, Any]
    disvec: np.ndarray

    def plot(self, **kwargs: Any) -> Any:
        """The distances, the nearest marked: :func:`incdtw.plot.plot_disvec` (needs matplotlib)."""
        from . import plot as _plot

        return _plot.plot_disvec(self, **kwargs)


@dataclass(frozen=True, repr=False, eq=False)
class CentroidResult(_Result):
    """Result of :func:`incdtw.centroid`: the 0-based ``centroid_index`` and the ``dismat_result``
    (square matrix) it was chosen from."""

    centroid_index: int
    dismat_result: DismatResult

    def plot(self, **kwargs: Any) -> Any:
        """The distance matrix with the medoid's row and column marked: :func:`incdtw.plot.plot_dismat`."""
        from . import plot as _plot

        return _plot.plot_dismat(self, **kwargs)


@dataclass(frozen=True, repr=False, eq=False)
class DBAResult(_Result):
    """Result of :func:`incdtw.dba` (IncDTW's fields).

    Attributes
    ----------
    input : dict
        The options.
    m1 : ndarray
        The barycenter (``iterations[-1]``); 1-D for univariate input, ``(n, d)`` otherwise.
    iterations : list of ndarray
        ``iterations[0]`` is the start ``m0``, then one barycenter per stored iteration.
    iterDist_m2lot, iterDist_m2lot_norm : list of ndarray
        Per iteration, the DTW distance (normalized) of the barycenter it started from to each series.
    iterDist_m2m : ndarray
        Per iteration, the change of the barycenter (``iter_dist_method``).
    """

    input: dict[str, Any]
    m1: np.ndarray
    iterations: list[np.ndarray]
    iterDist_m2lot: list[np.ndarray]
    iterDist_m2lot_norm: list[np.ndarray]
    iterDist_m2m: np.ndarray

    def plot(self, lot: Any = None, type: str = "barycenter", **kwargs: Any) -> Any:
        """Draw the barycenter over ``lot`` or the convergence (``type="m2m"``, ``"m2lot"``):
        :func:`incdtw.plot.plot_dba` (needs matplotlib, ``pip install incdtw[plot]``); returns the Axes."""
        from . import plot as _plot

        return _plot.plot_dba(self, lot, type=type, **kwargs)


@dataclass(frozen=True, repr=False, eq=False)
class RundtwResult(_Result):
    """Result of :func:`incdtw.rundtw`.

    Attributes
    ----------
    dist : ndarray, or list of ndarray in list mode, or None
        One value per window (window ``j`` is ``C[j : j + len(Q)]``): its DTW distance to the query,
        both scaled, where IncDTW's rule reports it, ``nan`` elsewhere (see :func:`incdtw.rundtw`);
        ``None`` with ``return_dist=False``.
    counter : dict
        How the search decided the windows (each counted once, by the last test it needed):
        ``lb_kim``, ``lb_keogh_q``, ``lb_keogh_c`` (skipped by a lower bound), ``early_abandon``,
        ``completed``; ``lower_bound`` is the sum of the first three (with ``return_dist=False``:
        the verdicts of the k-NN search alone). Informative, not a contract:
        on more than one thread it can differ between runs (the threads share their best bound as
        they go), while ``dist`` and the neighbours never do.
    knn_indices : ndarray of intp or None
        0-based starts of the k nearest non-overlapping windows, best first (``k > 0``).
    knn_values : ndarray or None
        Their distances, ascending.
    knn_list_indices : ndarray of intp or None
        List mode: the 0-based index of the series of each neighbour.
    Q, C : the scaled query and the input (``return_QC``).
    """

    dist: Union[np.ndarray, list[np.ndarray], None]
    counter: dict[str, int]
    knn_indices: Optional[np.ndarray] = None
    knn_values: Optional[np.ndarray] = None
    knn_list_indices: Optional[np.ndarray] = None
    Q: Optional[np.ndarray] = None
    C: Any = None

    def plot(self, **kwargs: Any) -> Any:
        """Draw the distance curve, its minima and the k nearest windows (and C with the fits):
        :func:`incdtw.plot.plot_rundtw` (needs matplotlib, ``pip install incdtw[plot]``); returns the
        Figure."""
        from . import plot as _plot

        return _plot.plot_rundtw(self, **kwargs)
