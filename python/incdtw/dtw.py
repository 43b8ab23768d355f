"""Full DTW (``dtw``) and the local cost matrix (``cm``)."""

from __future__ import annotations

from typing import Any, Callable, Optional, Union

import numpy as np

from . import _core
from . import _validate as v
from ._results import DTWResult

_MATRIX_MODES = {"cm": "cost matrix", "diffM": "difference matrix"}


def cm(
    Q: Any,
    C: Any,
    dist_method: Union[str, Callable[..., float]] = "norm1",
    ws: Optional[float] = None,
    **kwargs: Any,
) -> np.ndarray:
    """Local cost matrix of two series.

    Parameters
    ----------
    Q, C : array_like, shape (n,) or (n, d) and (m,) or (m, d)
        Univariate or multivariate series (one row per observation), same number of dimensions.
    dist_method : {"norm1", "norm2", "norm2_square"} or callable
        ``norm1``: sum of absolute differences; ``norm2``: Euclidean; ``norm2_square``: squared
        Euclidean. For one dimension ``norm1`` and ``norm2`` are both ``|q - c|``. A callable is
        called as ``dist_method(Q[i], C[j], **kwargs)`` with the observations as 1-D arrays of
        length ``d`` and must return a real number.
    ws : int, optional
        Sakoe-Chiba window: entries with ``|i - j| > ws`` are ``nan`` (not computed).

    Returns
    -------
    ndarray, shape (n, m)
        ``cm[i, j]`` = cost between ``Q[i]`` and ``C[j]`` (float32 when both inputs are float32).

    Examples
    --------
    >>> import incdtw
    >>> incdtw.cm([1.0, 2.0], [1.0, 3.0, 4.0])
    array([[0., 2., 3.],
           [1., 1., 2.]])
    """
    Qa = v.as_series(Q, "Q")
    Ca = v.as_series(C, "C")
    v.check_same_dims(Qa, Ca)
    w = v.check_ws(ws)
    n, m = Qa.shape[0], Ca.shape[0]
    if callable(dist_method):
        return _cm_callable(Qa, Ca, dist_method, w, kwargs)
    if kwargs:
        raise TypeError(f"cm() got unexpected keyword arguments {sorted(kwargs)} (only for a callable dist_method)")
    v.check_choice(dist_method, "dist_method", v.DIST_METHODS)
    dtype = v.float_dtype(Qa, Ca)
    v.ensure_fits(n * m * np.dtype(dtype).itemsize, f"the {n} x {m} cost matrix", "compute it in blocks of rows")
    return _core.cost_matrix(v.to_float(Qa, dtype), v.to_float(Ca, dtype), dist_method=dist_method, ws=w)


def _cm_callable(Qa: np.ndarray, Ca: np.ndarray, f: Callable[..., Any], w: Optional[int],
                 kwargs: dict[str, Any]) -> np.ndarray:
    Q2 = Qa.reshape(Qa.shape[0], -1).astype(np.float64)
    C2 = Ca.reshape(Ca.shape[0], -1).astype(np.float64)
    for name, arr in (("Q", Q2), ("C", C2)):
        bad = np.flatnonzero(~np.isfinite(arr).all(axis=1))
        if bad.size:
            raise ValueError(f"{name} contains a non-finite value (NaN or inf) at observation {bad[0]}")
    n, m = Q2.shape[0], C2.shape[0]
    v.ensure_fits(8 * n * m, f"the {n} x {m} cost matrix", "compute it in blocks of rows")
    out = np.full((n, m), np.nan)
    for i in range(n):
        lo, hi = (0, m) if w is None else (max(0, i - w), min(m, i + w + 1))
        for j in range(lo, hi):
            value = f(Q2[i], C2[j], **kwargs)
            try:
                out[i, j] = float(value)
            except (TypeError, ValueError):
                raise TypeError(
                    f"dist_method must return a real number, returned {value!r} for Q[{i}], C[{j}]"
                ) from None
    return out


def dtw(
    Q: Any,
    C: Any,
    dist_method: str = "norm1",
    step_pattern: str = "symmetric2",
    ws: Optional[float] = None,
    return_cm: bool = False,
    return_diffM: bool = False,
    return_wp: bool = False,
    return_diffp: bool = False,
    return_QC: bool = False,
    return_gcm: bool = True,
) -> DTWResult:
    """Dynamic Time Warping of two series, with the global cost and direction matrices.

    Q gives the rows (index ``i``), C the columns (index ``j``). The global cost matrix ``G``
    starts with ``G[0, 0] = cm[0, 0]``; the first row and column are cumulative sums; inside,
    ``symmetric1``: ``G[i,j] = cm[i,j] + min(G[i-1,j-1], G[i-1,j], G[i,j-1])`` and ``symmetric2``:
    the diagonal step costs ``2 * cm[i,j]``. The distance is ``G[n-1, m-1]``.

    Parameters
    ----------
    Q : array_like, shape (n,) or (n, d)
        Query series; or a precomputed ``(n, m)`` cost matrix (``C="cm"``) or difference matrix
        ``Q[i] - C[j]`` (``C="diffM"``).
    C : array_like, shape (m,) or (m, d), or "cm" or "diffM"
        Candidate series with the same number of dimensions as Q, or the string naming the mode.
    dist_method : {"norm1", "norm2", "norm2_square"}
        Local cost (see :func:`cm`). With ``C="diffM"`` the cost is ``|d|`` (``norm1``, ``norm2``)
        or ``d**2`` (``norm2_square``).
    step_pattern : {"symmetric2", "symmetric1"}
    ws : int, optional
        Sakoe-Chiba window: only cells with ``|i - j| <= ws`` are admissible. ``None`` or ``inf``:
        no window. ``|n - m| > ws`` raises ValueError (no warping path exists).
    return_cm, return_diffM, return_wp, return_diffp, return_QC : bool
        Also return the cost matrix, the difference matrix (univariate input or ``C="diffM"``),
        the warping path ``ii``, ``jj``, ``wp``, the differences along the path ``diffp``
        (implies ``return_wp``; not available with ``C="cm"``, where it is ``None``), and the
        inputs.
    return_gcm : bool, default True
        ``False`` keeps only the 1-byte direction matrix: the path then needs ``n * m`` bytes
        instead of ``9 * n * m`` (a 20,000 x 20,000 alignment path fits in 0.4 GB), and
        ``gcm`` is ``None``.

    Returns
    -------
    DTWResult
        ``gcm``, ``dm``, ``distance``, ``normalized_distance`` and the requested fields.

    Raises
    ------
    ValueError
        Empty series, NaN or inf values, mismatched dimensions, unknown options, infeasible window,
        a cost matrix with negative or non-finite entries inside the window.
    TypeError
        Non-numeric input or options of the wrong type.
    ResultTooLargeError
        (a MemoryError and ValueError) when the matrices would not fit in memory; use
        :func:`incdtw.dtw2vec` for the distance alone, or ``return_gcm=False`` for the path.

    Examples
    --------
    >>> import incdtw
    >>> r = incdtw.dtw([3, 4, 5, 6], [1, 3, 3, 5, 6], return_wp=True)
    >>> r.distance, r.normalized_distance
    (3.0, 0.3333333333333333)
    >>> r.ii, r.jj
    (array([0, 0, 0, 1, 2, 3]), array([0, 1, 2, 2, 3, 4]))
    """
    v.check_choice(dist_method, "dist_method", v.DIST_METHODS)
    v.check_choice(step_pattern, "step_pattern", v.STEP_PATTERNS)
    w = v.check_ws(ws)
    return_cm = v.check_flag(return_cm, "return_cm")
    return_diffM = v.check_flag(return_diffM, "return_diffM")
    return_wp = v.check_flag(return_wp, "return_wp")
    return_diffp = v.check_flag(return_diffp, "return_diffp")
    return_QC = v.check_flag(return_QC, "return_QC")
    return_gcm = v.check_flag(return_gcm, "return_gcm")
    return_wp = return_wp or return_diffp
    options: dict[str, Any] = dict(
        dist_method=dist_method, step_pattern=step_pattern, ws=w, return_gcm=return_gcm, return_path=return_wp
    )

    if isinstance(C, str):
        if C not in _MATRIX_MODES:
            raise ValueError(
                "C must be a series, or one of the strings 'cm' (Q is a cost matrix) or 'diffM' "
                f"(Q is a difference matrix), got {C!r}"
            )
        M = v.as_matrix(Q, "Q", _MATRIX_MODES[C])
        M = v.to_float(M, v.float_dtype(M))
        n, m = M.shape
        v.check_window_feasible(n, m, w)
        _ensure_dtw_fits(n, m, M.dtype.itemsize, return_gcm)
        dist, ndist, gcm, dm, ii, jj, wp = _core.dtw_matrix(M, C, **options)
        cost: Optional[np.ndarray]
        diff: Optional[np.ndarray]
        if C == "cm":
            cost, diff, diffp = M, None, None
        else:
            cost = (M * M if dist_method == "norm2_square" else np.abs(M)) if return_cm else None
            diff = M
            diffp = M[ii, jj] if return_diffp else None
        return DTWResult(
            gcm=gcm, dm=dm, diffp=diffp, ii=ii, jj=jj, wp=wp, distance=dist, normalized_distance=ndist,
            cm=cost if return_cm else None, diffM=diff if return_diffM else None,
            Q=M if return_QC else None, C=C if return_QC else None,
        )

    Qa = v.as_series(Q, "Q")
    Ca = v.as_series(C, "C")
    v.check_same_dims(Qa, Ca)
    n, m = Qa.shape[0], Ca.shape[0]
    v.check_window_feasible(n, m, w)
    dtype = v.float_dtype(Qa, Ca)
    Qf, Cf = v.to_float(Qa, dtype), v.to_float(Ca, dtype)
    univariate = v.dims_of(Qa) == 1
    extra = int(return_cm) + int(return_diffM and univariate)
    _ensure_dtw_fits(n, m, Qf.dtype.itemsize, return_gcm, extra)
    dist, ndist, gcm, dm, ii, jj, wp = _core.dtw(Qf, Cf, **options)
    diffp = None
    if return_diffp:
        diffp = Qf.reshape(n)[ii] - Cf.reshape(m)[jj] if univariate else Qf[ii] - Cf[jj]
    return DTWResult(
        gcm=gcm, dm=dm, diffp=diffp, ii=ii, jj=jj, wp=wp, distance=dist, normalized_distance=ndist,
        cm=_core.cost_matrix(Qf, Cf, dist_method=dist_method, ws=w) if return_cm else None,
        diffM=_core.difference_matrix(Qf.reshape(n), Cf.reshape(m), ws=w) if (return_diffM and univariate) else None,
        Q=Qa if return_QC else None, C=Ca if return_QC else None,
    )


def _ensure_dtw_fits(n: int, m: int, itemsize: int, return_gcm: bool, extra_matrices: int = 0) -> None:
    cells = n * m
    nbytes = cells * (1 + itemsize * (int(return_gcm) + extra_matrices))
    v.ensure_fits(
        nbytes,
        f"dtw() of a {n} x {m} alignment",
        "use incdtw.dtw2vec() for the distance alone (memory O(min(n, m))), or return_gcm=False to "
        "keep only the 1-byte direction matrix for the warping path",
    )
