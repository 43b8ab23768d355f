"""The streaming plane: ``initialize_plane`` and :class:`PlaneDTW`."""

from __future__ import annotations

import math
from typing import Any, Callable, Optional, Union, overload

import numpy as np

from . import _core
from . import _validate as v

_DIRECTIONS = ("C", "Q")


class PlaneDTW:
    """A DTW alignment of two growing series that keeps only the last column and row of the gcm.

    Made by :func:`incdtw.initialize_plane`. ``increment`` appends observations to C or Q in
    O(k * length of the other series) time and amortised O(k) memory; the distance, last column
    and last row are bit-identical to a computation from scratch. The methods change the plane in
    place and return it, so calls chain: ``p.increment(x).decrement("C")``. A plane pickles (and
    ``copy.deepcopy``-s): a stream's state can be saved, restored and sent to another process.

    Attributes
    ----------
    gcm_lc_new : ndarray (nQ,) or None
        Last column of the global cost matrix (``nan`` outside the window); ``None`` after a
        decrement without refresh.
    gcm_lr_new : ndarray (nC,) or None
        Last row of the global cost matrix.
    distance, normalized_distance : float
        DTW distance of Q and C; ``distance / (nQ + nC)`` for ``symmetric2``, ``nan`` for
        ``symmetric1`` (after a decrement: the partial alignment's normalisation, by lengths).
    Q, C : ndarray
        The series (copies; reversed after :meth:`reverse`).
    control : dict
        ``dist_method``, ``step_pattern``, ``nQ``, ``nC``, ``ws``, ``reverse``.
    """

    __slots__ = ("_p", "_dtype")
    _p: Union[_core.Plane64, _core.Plane32]
    _dtype: np.dtype[Any]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        raise TypeError("create a PlaneDTW with incdtw.initialize_plane(Q, C, ...)")

    @classmethod
    def _wrap(cls, core: Union[_core.Plane64, _core.Plane32], dtype: Any) -> "PlaneDTW":
        self = object.__new__(cls)
        self._p = core
        self._dtype = np.dtype(dtype)
        return self

    # -- fields -----------------------------------------------------------------------------------
    @property
    def gcm_lc_new(self) -> Optional[np.ndarray]:
        return self._p.gcm_lc_new

    @property
    def gcm_lr_new(self) -> Optional[np.ndarray]:
        return self._p.gcm_lr_new

    @property
    def distance(self) -> float:
        return self._p.distance

    @property
    def normalized_distance(self) -> float:
        return self._p.normalized_distance

    @property
    def Q(self) -> np.ndarray:
        return self._p.Q

    @property
    def C(self) -> np.ndarray:
        return self._p.C

    @property
    def control(self) -> dict[str, Any]:
        p = self._p
        return {
            "dist_method": p.dist_method,
            "step_pattern": p.step_pattern,
            "nQ": p.nQ,
            "nC": p.nC,
            "ws": p.ws,
            "reverse": p.reversed,
        }

    def keys(self) -> list[str]:
        """Field names, as IncDTW's ``names(x)``."""
        return ["gcm_lr_new", "gcm_lc_new", "distance", "normalized_distance", "control", "Q", "C"]

    def __getitem__(self, name: str) -> Any:
        if name not in self.keys():
            raise KeyError(name)
        return getattr(self, name)

    # -- operations -------------------------------------------------------------------------------
    def increment(self, newObs: Any, direction: str = "C") -> "PlaneDTW":
        """Append ``newObs`` (one observation or several) to C (``direction="C"``) or Q (``"Q"``).

        Costs O(k * length of the other series); nothing of the history is copied. After a
        :meth:`reverse`, new observations extend the original beginning and come in reverse time
        order. Raises ValueError for mismatched dimensions, NaN or inf values, an infeasible
        window, and after a :meth:`decrement` that was not refreshed.
        """
        if direction == "C":
            to_q = False
        elif direction == "Q":
            to_q = True
        else:
            raise ValueError(f"direction must be 'C' or 'Q', got {direction!r}")
        p = self._p
        if not p.has_state:
            raise ValueError("the plane has no last column and row after a decrement: call refresh() first")
        x = v.as_array(newObs, "newObs")
        if x.dtype != self._dtype or not x.flags.c_contiguous:
            if x.dtype.kind not in "fiu":
                raise TypeError(f"newObs must hold real numbers, got dtype {x.dtype}")
            x = np.ascontiguousarray(x, dtype=self._dtype)
        dims = p.dims
        if dims == 1:
            if x.ndim == 0:
                x = x.reshape(1)
            elif x.ndim != 1 and not (x.ndim == 2 and x.shape[1] == 1):
                raise ValueError(
                    f"Q and C are univariate but newObs has shape {x.shape}: pass a scalar or a 1-D array"
                )
        elif x.ndim != 2 or x.shape[1] != dims:
            raise ValueError(
                f"newObs must have shape (k, {dims}) like Q and C (one row per observation), got {x.shape}"
            )
        if x.shape[0] == 0:
            raise ValueError("newObs must not be empty")
        p.increment(x, to_q)
        return self

    def decrement(
        self, direction: str = "C", refresh_dtw: bool = False, nC: Optional[int] = None, nQ: Optional[int] = None
    ) -> "PlaneDTW":
        """Cut C and/or Q back.

        With ``nC`` and/or ``nQ``: keep ``C[:nC]`` and ``Q[:nQ]`` (IncDTW cuts C where Q was asked
        for; incdtw cuts Q). The distance is read from the last row (C cut) or column (Q cut), ``nan``
        when both are cut; ``normalized_distance`` divides it by ``nQ + nC``.

        Otherwise: cut to the best partial alignment of :func:`incdtw.dtw_partial` (``direction``
        ``"C"``, ``"Q"`` or ``"both"``), keeping the prefix of the stored series (after a
        :meth:`reverse`, the end of the original series; IncDTW keeps the wrong end there). Nothing
        changes when no cut is better or when the plane has no state.

        Afterwards the plane has no last column and row; ``refresh_dtw=True`` (or :meth:`refresh`)
        recomputes them, which is needed before the next :meth:`increment`.
        """
        refresh = v.check_flag(refresh_dtw, "refresh_dtw")
        if nC is not None or nQ is not None:
            nc = None if nC is None else v.check_count(nC, "nC", 1)
            nq = None if nQ is None else v.check_count(nQ, "nQ", 1)
            for name, value, length in (("nC", nc, self._p.nC), ("nQ", nq, self._p.nQ)):
                if value is not None and value > length:  # before the core, which takes int64
                    raise ValueError(f"{name} must be between 1 and {length}, got {value}")
            self._p.truncate(nq, nc, refresh=refresh)
        else:
            v.check_choice(direction, "direction", ("C", "Q", "both"))
            self._p.decrement(direction, refresh=refresh)
        return self

    def reverse(self) -> "PlaneDTW":
        """Recompute the alignment on the reversed series (for open-begin searches): O(nQ nC)."""
        self._p.reverse()
        return self

    def refresh(self) -> "PlaneDTW":
        """Recompute the last column and row from ``Q`` and ``C``: O(nQ nC)."""
        self._p.refresh()
        return self

    def plot(self, **kwargs: Any) -> Any:
        """Draw the alignment of the current Q and C: :func:`incdtw.plot.plot_planedtw` (computes the
        path with :func:`incdtw.dtw`, O(nQ nC); needs matplotlib, ``pip install incdtw[plot]``)."""
        from . import plot as _plot

        return _plot.plot_planedtw(self, **kwargs)

    # -- protocols --------------------------------------------------------------------------------
    def __repr__(self) -> str:
        c = self.control
        ws = "None" if c["ws"] is None else str(c["ws"])
        head = (
            f"dist_method={c['dist_method']}, step_pattern={c['step_pattern']}, nQ={c['nQ']}, nC={c['nC']}, "
            f"ws={ws}, reverse={c['reverse']}"
        )
        state = "" if self._p.has_state else "\n    (no last column and row: call refresh())"
        return (
            f"PlaneDTW(\n    {head}\n    distance={_fmt(self.distance)}\n"
            f"    normalized_distance={_fmt(self.normalized_distance)}{state}\n)"
        )

    def __reduce__(self) -> tuple[Callable[..., PlaneDTW], tuple[Any, ...]]:
        return (_restore, (*self._p.state(), self._dtype.str))  # one consistent snapshot

    def __copy__(self) -> "PlaneDTW":
        fn, args = self.__reduce__()
        return fn(*args)

    def __deepcopy__(self, memo: dict[int, Any]) -> "PlaneDTW":
        return self.__copy__()


def _fmt(x: float) -> str:
    return "nan" if math.isnan(x) else repr(x)


def _restore(Q: np.ndarray, C: np.ndarray, dist_method: str, step_pattern: str, ws: Optional[int],
             gcm_lc_new: Optional[np.ndarray], gcm_lr_new: Optional[np.ndarray], distance: float,
             normalized_distance: float, reversed_: bool, dtype: str) -> PlaneDTW:
    """Rebuild a pickled plane; its parts are checked against each other."""
    dt = np.dtype(dtype)
    if dt not in (np.dtype(np.float64), np.dtype(np.float32)):
        raise ValueError(f"a PlaneDTW computes in float64 or float32, not {dt}")
    cls = _core.Plane32 if dt == np.float32 else _core.Plane64

    @overload
    def arr(x: None) -> None: ...
    @overload
    def arr(x: np.ndarray) -> np.ndarray: ...
    def arr(x: Optional[np.ndarray]) -> Optional[np.ndarray]:
        return None if x is None else np.ascontiguousarray(x, dtype=dt)

    core = cls.restore(
        arr(Q), arr(C), dist_method=dist_method, step_pattern=step_pattern, ws=ws, gcm_lc_new=arr(gcm_lc_new),
        gcm_lr_new=arr(gcm_lr_new), distance=distance, normalized_distance=normalized_distance, reversed=reversed_,
    )
    return PlaneDTW._wrap(core, dt)


def initialize_plane(
    Q: Any, C: Any, dist_method: str = "norm1", step_pattern: str = "symmetric2", ws: Optional[float] = None
) -> PlaneDTW:
    """Start a streaming alignment of Q and C (IncDTW's ``initialize_plane``).

    Parameters
    ----------
    Q, C : array_like, shape (n,) or (n, d) and (m,) or (m, d)
        The series, with the same number of dimensions; C needs at least two values (IncDTW's
        rule for the initial calculation).
    dist_method, step_pattern, ws
        As in :func:`incdtw.dtw`; kept in ``control``.

    Returns
    -------
    PlaneDTW

    Examples
    --------
    >>> import numpy as np, incdtw
    >>> Q, C = np.sin(np.arange(30.0)), np.sin(np.arange(40.0) * 0.9)
    >>> p = incdtw.initialize_plane(Q, C[:20])
    >>> for x in C[20:]:
    ...     _ = p.increment(x)
    >>> p.distance == incdtw.dtw2vec(Q, C).distance
    True
    """
    v.check_choice(dist_method, "dist_method", v.DIST_METHODS)
    v.check_choice(step_pattern, "step_pattern", v.STEP_PATTERNS)
    w = v.check_ws(ws)
    Qa = v.as_series(Q, "Q")
    Ca = v.as_series(C, "C")
    dq, dc = v.dims_of(Qa), v.dims_of(Ca)
    if dq != dc:
        raise ValueError(
            f"C and Q must be vectors or matrices having the same number of columns: Q has {dq}, C has {dc}"
        )
    if Ca.size < 2:
        raise ValueError("in the initial calculation C needs at least 2 observations (IncDTW's rule), got 1")
    v.check_window_feasible(Qa.shape[0], Ca.shape[0], w)
    dtype = v.float_dtype(Qa, Ca)
    cls = _core.Plane32 if dtype == np.float32 else _core.Plane64
    core = cls(v.to_float(Qa, dtype), v.to_float(Ca, dtype), dist_method=dist_method, step_pattern=step_pattern, ws=w)
    return PlaneDTW._wrap(core, dtype)
