"""Typed result objects with IncDTW's field names."""

from __future__ import annotations

import math
from dataclasses import dataclass, fields
from typing import Any, Optional, Union

import numpy as np


def _describe(value: Any) -> str:
    if isinstance(value, np.ndarray):
        return f"array(shape={value.shape}, dtype={value.dtype})"
    if isinstance(value, float):
        return repr(value) if not math.isnan(value) else "nan"
    return repr(value)


class _Result:
    """Shared behaviour: a readable repr listing the fields that are set, and dict-like access."""

    def __repr__(self) -> str:
        parts = []
        for f in fields(self):  # type: ignore[arg-type]
            value = getattr(self, f.name)
            if value is not None:
                parts.append(f"    {f.name}={_describe(value)},")
        return type(self).__name__ + "(\n" + "\n".join(parts) + "\n)"

    def __getitem__(self, name: str) -> Any:
        """``result["gcm"]`` is ``result.gcm`` (IncDTW's ``result$gcm``)."""
        if name not in self.keys():
            raise KeyError(name)
        return getattr(self, name)

    def keys(self) -> list[str]:
        """Names of the fields that are set, in IncDTW's order (R's ``names(result)``)."""
        return [f.name for f in fields(self) if getattr(self, f.name) is not None]  # type: ignore[arg-type]


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


@dataclass(frozen=True, repr=False, eq=False)
class DTW2VecResult(_Result):
    """Result of :func:`incdtw.dtw2vec`: ``distance`` (``nan`` when early abandoned) and
    ``normalized_distance`` (``distance / (n + m)`` for ``symmetric2``, ``nan`` for ``symmetric1``)."""

    distance: float
    normalized_distance: float
