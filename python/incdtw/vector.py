"""Vector-based DTW distance (``dtw2vec``): O(min(n, m)) memory and early abandoning."""

from __future__ import annotations

from typing import Any, Optional

from . import _core
from . import _validate as v
from ._results import DTW2VecResult


def dtw2vec(
    Q: Any,
    C: Any,
    dist_method: str = "norm1",
    step_pattern: str = "symmetric2",
    ws: Optional[float] = None,
    threshold: Optional[float] = None,
) -> DTW2VecResult:
    """DTW distance without the matrices: two buffers of ``min(n, m)`` values.

    The distance is bit-identical to ``dtw(Q, C, ...).distance`` for the same options.

    Parameters
    ----------
    Q, C : array_like
        Series of shape (n,) or (n, d) and (m,) or (m, d); or ``Q`` an ``(n, m)`` cost matrix with
        ``C="cm"`` (or a difference matrix with ``C="diffM"``).
    dist_method, step_pattern, ws
        As in :func:`incdtw.dtw`.
    threshold : float, optional
        Early abandoning: cells above ``threshold`` are dropped and the computation stops as soon
        as a whole row is above it. The result is the exact distance when it is ``<= threshold``
        and ``nan`` otherwise.

    Returns
    -------
    DTW2VecResult
        ``distance`` and ``normalized_distance`` (``distance / (n + m)`` for ``symmetric2``,
        ``nan`` for ``symmetric1`` and when abandoned).

    Examples
    --------
    >>> import incdtw
    >>> incdtw.dtw2vec([3, 4, 5, 6], [1, 3, 3, 5, 6]).distance
    3.0
    >>> incdtw.dtw2vec([3, 4, 5, 6], [1, 3, 3, 5, 6], threshold=2).distance
    nan
    """
    v.check_choice(dist_method, "dist_method", v.DIST_METHODS)
    v.check_choice(step_pattern, "step_pattern", v.STEP_PATTERNS)
    w = v.check_ws(ws)
    t = v.check_threshold(threshold)
    options: dict[str, Any] = dict(dist_method=dist_method, step_pattern=step_pattern, ws=w, threshold=t)
    if isinstance(C, str):
        if C not in ("cm", "diffM"):
            raise ValueError(
                "C must be a series, or 'cm' when Q is a cost matrix ('diffM' when Q is a difference "
                f"matrix), got {C!r}"
            )
        M = v.as_matrix(Q, "Q", "cost matrix" if C == "cm" else "difference matrix")
        M = v.to_float(M, v.float_dtype(M))
        v.check_window_feasible(M.shape[0], M.shape[1], w)
        d, nd = _core.dtw2vec_matrix(M, C, **options)
        return DTW2VecResult(distance=d, normalized_distance=nd)
    Qa = v.as_series(Q, "Q")
    Ca = v.as_series(C, "C")
    v.check_same_dims(Qa, Ca)
    v.check_window_feasible(Qa.shape[0], Ca.shape[0], w)
    dtype = v.float_dtype(Qa, Ca)
    d, nd = _core.dtw2vec(v.to_float(Qa, dtype), v.to_float(Ca, dtype), **options)
    return DTW2VecResult(distance=d, normalized_distance=nd)
