"""Scaling (``scale``, ``norm``) and the lower bound of DTW (``lowerbound_tube``, ``lowerbound``)."""

from __future__ import annotations

import math
import numbers
import warnings
from typing import Any, Optional

import numpy as np

from . import _core
from . import _validate as v

_SCALES = ("z", "01", "none")


def _optional_number(value: Any, name: str) -> Optional[float]:
    if value is None:
        return None
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be None or a finite number, got {value!r}")
    try:
        f = float(value)
    except OverflowError:  # an int beyond float's range
        f = math.inf
    if not math.isfinite(f):
        raise TypeError(f"{name} must be None or a finite number, got {value!r}")
    return f


def scale(
    x: Any,
    type: str = "z",
    threshold: float = 1e-5,
    xmean: Optional[float] = None,
    xsd: Optional[float] = None,
    xmin: Optional[float] = None,
    xmax: Optional[float] = None,
) -> np.ndarray:
    """z-scaling or min-max scaling, column by column (IncDTW's ``scale``).

    Parameters
    ----------
    x : array_like, shape (n,) or (n, d)
    type : {"z", "01"}
        ``"z"``: ``(x - mean) / sd`` with ``sd = sqrt(sum (x - mean)^2 / (n - 1))``; ``"01"``:
        ``(x - min) / (max - min)``.
    threshold : float, default 1e-5
        When ``sd`` (or ``max - min``) is not above it, ``x`` is only shifted (also for ``n = 1``
        around its own mean; around a given ``xmean`` one value scales to 0, as in IncDTW).
    xmean, xsd, xmin, xmax : float, optional
        Fixed parameters instead of the column's own (the same for every column).

    Returns
    -------
    ndarray of the shape of ``x`` (float32 for float32 input).

    Examples
    --------
    >>> import incdtw
    >>> incdtw.scale([1.0, 2.0, 3.0])
    array([-1.,  0.,  1.])
    >>> incdtw.scale([1.0, 2.0, 5.0], type="01")
    array([0.  , 0.25, 1.  ])
    """
    v.check_choice(type, "type", ("z", "01"))
    arr = v.as_series(x, "x", scalar_ok=True)
    t = _optional_number(threshold, "threshold")
    if t is None:
        raise TypeError("threshold must be a finite number")
    out: np.ndarray = _core.scale(
        v.to_float(arr, v.float_dtype(arr)), type=type, threshold=t, xmean=_optional_number(xmean, "xmean"),
        xsd=_optional_number(xsd, "xsd"), xmin=_optional_number(xmin, "xmin"), xmax=_optional_number(xmax, "xmax"),
    )
    return out


def norm(*args: Any, **kwargs: Any) -> np.ndarray:
    """Deprecated alias of :func:`scale` (as in IncDTW)."""
    warnings.warn("norm() is deprecated, use scale()", DeprecationWarning, stacklevel=2)
    return scale(*args, **kwargs)


def _scaled(x: np.ndarray, how: str, name: str) -> np.ndarray:
    if how == "none":
        return x
    v.check_finite(x, name)  # scale() would call it x
    return scale(x, type=how)


def lowerbound_tube(Q: Any, ws: int, scale: str = "z") -> np.ndarray:
    """The envelope of Q for a Sakoe-Chiba window (IncDTW's ``lowerbound_tube``).

    Q is scaled first (``scale="z"`` or ``"01"``; ``"none"``: as it is). Row ``i`` holds the minimum
    and maximum of Q over rows ``i - ws .. i + ws`` (clipped to Q; ``ws = 0``: Q's own row), the rows
    the Sakoe-Chiba window ``|i - j| <= ws`` lets row ``i`` of C align with, so that
    :func:`lowerbound` bounds DTW with that window. IncDTW's envelope stops at row ``i + ws - 1``
    and is no bound for the window ``ws``; incdtw deliberately differs there.

    Returns
    -------
    ndarray, shape (n, 2) or (n, 2 d)
        Columns ``(L, U)`` per dimension: ``(L_1, U_1, L_2, U_2, ...)``.

    Examples
    --------
    >>> import incdtw
    >>> incdtw.lowerbound_tube([1.0, 3.0, 2.0, 0.0], ws=1, scale="none")
    array([[1., 3.],
           [1., 3.],
           [0., 3.],
           [0., 2.]])
    """
    v.check_choice(scale, "scale", _SCALES)
    w = v.check_count(ws, "ws", 0)
    q = v.as_series(Q, "Q")
    q = _scaled(v.to_float(q, v.float_dtype(q)), scale, "Q")
    w = min(w, q.shape[0])  # every window of at least the length covers all of Q
    return _core.lowerbound_tube(np.ascontiguousarray(q), w)


def lowerbound(
    C: Any,
    ws: int,
    scale: str = "z",
    dist_method: str = "norm1",
    Q: Any = None,
    tube: Any = None,
) -> float:
    """A lower bound of the DTW distance of Q and C from Q's envelope (IncDTW's ``lowerbound``,
    LB_Keogh with LB_MV for multivariate series).

    C is scaled with ``scale`` (unless ``"none"``); without ``tube`` the envelope is built from Q
    scaled with ``scale`` and then z-scaled (IncDTW always z-scales the query of the tube). The
    bound sums, over the rows of C, how far C leaves the envelope: ``norm1`` the excesses,
    ``norm2`` each row's Euclidean norm of them, ``norm2_square`` their squares (one dimension:
    ``|e|`` for norm1 and norm2, ``e**2`` for norm2_square).

    The envelope covers rows ``i - ws .. i + ws`` of Q (:func:`lowerbound_tube`), so the bound never
    exceeds the DTW distance of Q and a C not longer than Q with any window up to ``ws`` (also
    ``ws`` itself), for every ``dist_method`` and both step patterns (``symmetric2`` counts diagonal
    steps twice, which only adds); for ``ws >= len(Q) - 1`` also without a window. The bound is of
    the DTW distance, not of its normalized value. IncDTW's envelope stops at row ``i + ws - 1`` and
    is no bound for the window ``ws`` (``Q=[0, 0, 5, 5]``, ``C=[0, 5, 5, 5]``, ``ws=1``: IncDTW's
    bound is 5, the symmetric1 DTW with ``ws=1`` is 0; incdtw's bound is 0): incdtw deliberately
    differs from IncDTW there.

    Parameters
    ----------
    C : array_like, shape (m,) or (m, d)
        Not longer than the envelope.
    ws : int
        Window of the envelope (when it is built from Q).
    scale : {"z", "01", "none"}
    dist_method : {"norm1", "norm2", "norm2_square"}
    Q : array_like, optional
    tube : array_like, shape (n, 2 d), optional
        A precomputed envelope (:func:`lowerbound_tube`); one of Q and tube is needed.

    Returns
    -------
    float

    Examples
    --------
    >>> import incdtw
    >>> incdtw.lowerbound([0.0, 5.0, 1.0], ws=1, scale="none", tube=[[1.0, 2.0], [1.0, 3.0], [0.0, 3.0]])
    3.0
    """
    v.check_choice(scale, "scale", _SCALES)
    v.check_choice(dist_method, "dist_method", v.DIST_METHODS)
    if Q is None and tube is None:
        raise ValueError("either Q or tube must be given")
    c = v.as_series(C, "C")
    c = _scaled(v.to_float(c, v.float_dtype(c)), scale, "C")
    if tube is None:
        q = v.as_series(Q, "Q")
        v.check_same_dims(q, c)
        if c.shape[0] > q.shape[0]:
            raise ValueError(f"C has {c.shape[0]} observations but Q only {q.shape[0]}: C may not be longer than Q")
        t = lowerbound_tube(_scaled(v.to_float(q, np.float64), scale, "Q"), ws, scale="z")
    else:
        v.check_count(ws, "ws", 0)
        t = v.as_matrix(tube, "tube", "envelope")
        v.check_finite(t, "tube")
    dtype = v.float_dtype(c, t)
    return float(_core.lowerbound(v.to_float(c, dtype), v.to_float(t, dtype), dist_method))
