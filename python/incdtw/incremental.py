"""Incremental, decremental and partial DTW: ``idtw``, ``idtw2vec``, ``dec_dm``, ``dtw_partial``."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Optional

import numpy as np

from . import _core
from . import _validate as v
from ._results import DTWResult, IDTW2VecResult, PartialResult, PathResult
from .plane import PlaneDTW

_ADD_MODES = {"cm_add": "cm", "diffM_add": "diffM"}


def idtw(
    Q: Any,
    C: Any,
    newObs: Any,
    gcm: Any,
    dm: Any,
    dist_method: str = "norm1",
    step_pattern: str = "symmetric2",
    diffM: Any = None,
    ws: Optional[float] = None,
    return_cm: bool = False,
    return_diffM: bool = False,
    return_wp: bool = False,
    return_diffp: bool = False,
    return_QC: bool = False,
    return_gcm: bool = True,
) -> DTWResult:
    """Append observations to C, reusing the global cost and direction matrices of ``dtw(Q, C)``.

    Only the ``o`` new columns are computed (O(n o) time); the old ``n x m`` matrices are copied into
    the ``n x (m + o)`` result. The result equals ``dtw(Q, C + newObs)`` bit for bit, also with a
    window (where IncDTW leaves the first-row cell ``(0, ws)`` unfilled when ``m == ws``).

    Parameters
    ----------
    Q : array_like, shape (n,) or (n, d)
        The query; or, with ``C="cm_add"`` / ``C="diffM_add"``, the ``(n, o)`` cost / difference
        matrix (``Q[i] - newObs[k]``) of the new columns.
    C : array_like or {"cm_add", "diffM_add"}
        C before the update (``m`` observations, as in ``gcm``) or after it (``m + o`` observations,
        ending with ``newObs``, as in IncDTW's vignette); or the string naming a matrix mode.
    newObs : array_like, shape (o,) or (o, d), or a number
        The new observations of C (ignored in the matrix modes).
    gcm, dm : array_like, shape (n, m)
        Global cost matrix and direction matrix of ``dtw(Q, C)`` with the same ``dist_method``,
        ``step_pattern`` and ``ws``.
    dist_method, step_pattern, ws
        As in :func:`incdtw.dtw`; must be those ``gcm`` was computed with.
    diffM : array_like, shape (n, m), optional
        Difference matrix of the old columns: ``return_diffM`` returns it extended by the new
        columns, and ``C="diffM_add"`` needs it for ``return_diffp``.
    return_cm, return_diffM, return_wp, return_diffp, return_QC, return_gcm : bool
        As in :func:`incdtw.dtw`. ``cm`` holds the new ``(n, o)`` columns only; ``diffM`` the new
        columns, after ``diffM`` when that is given (univariate input or ``C="diffM_add"``);
        ``diffp`` comes in path order; ``C`` is the updated series.

    Returns
    -------
    DTWResult
        ``normalized_distance`` divides by ``n + m + o``.

    Raises
    ------
    ValueError
        ``gcm``/``dm`` that do not fit Q (rows, shapes, NaN, ``-inf`` or negative values in the last
        column inside the window; ``+inf``, an overflowed cost, is legal), C that is neither the old
        nor the updated series, mismatched dimensions, NaN or inf values in the series, an
        infeasible window.

    Examples
    --------
    >>> import numpy as np, incdtw
    >>> Q, C = np.sin(np.arange(8.0)), np.cos(np.arange(10.0))
    >>> r0 = incdtw.dtw(Q, C[:7])
    >>> r = incdtw.idtw(Q, C[:7], C[7:], r0.gcm, r0.dm)
    >>> r.distance == incdtw.dtw(Q, C).distance
    True
    """
    v.check_choice(dist_method, "dist_method", v.DIST_METHODS)
    v.check_choice(step_pattern, "step_pattern", v.STEP_PATTERNS)
    w = v.check_ws(ws)
    flags = {
        name: v.check_flag(value, name)
        for name, value in (
            ("return_cm", return_cm), ("return_diffM", return_diffM), ("return_wp", return_wp),
            ("return_diffp", return_diffp), ("return_QC", return_QC), ("return_gcm", return_gcm),
        )
    }
    want_path = flags["return_wp"] or flags["return_diffp"]
    G = v.as_matrix(gcm, "gcm", "global cost matrix")
    D = v.as_direction_matrix(dm, "dm")
    if D.shape != G.shape:
        raise ValueError(f"dm has shape {D.shape} but gcm has shape {G.shape}: they must come from the same dtw()")
    n, m = G.shape
    options: dict[str, Any] = dict(dist_method=dist_method, step_pattern=step_pattern, ws=w,
                                   return_gcm=flags["return_gcm"], return_path=want_path)

    if isinstance(C, str):
        if C not in _ADD_MODES:
            raise ValueError(
                "C must be a series, or one of the strings 'cm_add' (Q is the cost matrix of the new "
                f"columns) or 'diffM_add' (Q is their difference matrix), got {C!r}"
            )
        M = v.as_matrix(Q, "Q", "cost matrix" if C == "cm_add" else "difference matrix")
        if M.shape[0] != n:
            raise ValueError(f"Q has {M.shape[0]} rows but gcm has {n}: they must describe the same query")
        o = M.shape[1]
        old_diff = _old_difference_matrix(diffM, n, m) if C == "diffM_add" else None
        if C == "diffM_add" and flags["return_diffp"] and old_diff is None:
            raise ValueError("return_diffp with C='diffM_add' needs diffM, the difference matrix of the old columns")
        dtype = v.float_dtype(M, G)
        M = v.to_float(M, dtype)  # also the returned cm, diffM and diffp
        _ensure_idtw_fits(n, m + o, np.dtype(dtype).itemsize, flags["return_gcm"])
        dist, ndist, g, d, ii, jj, wp = _core.idtw_matrix(
            v.to_float(M, dtype), _ADD_MODES[C], v.to_float(G, dtype), D, **options
        )
        cost = diff = diffp = None
        if C == "diffM_add":
            if flags["return_cm"]:
                cost = M * M if dist_method == "norm2_square" else np.abs(M)
            diff = M if old_diff is None else np.hstack([old_diff, M])
            if flags["return_diffp"]:  # old_diff is given (checked above)
                diffp = diff[ii, jj]
        elif flags["return_cm"]:
            cost = M
        return DTWResult(
            gcm=g, dm=d, diffp=diffp, ii=ii, jj=jj, wp=wp, distance=dist, normalized_distance=ndist,
            cm=cost, diffM=diff if flags["return_diffM"] else None,
            Q=M if flags["return_QC"] else None, C=C if flags["return_QC"] else None,
        )

    Qa = v.as_series(Q, "Q")
    Na = v.as_series(newObs, "newObs", scalar_ok=True)
    dq = v.check_new_obs_dims(Qa, Na)
    if Qa.shape[0] != n:
        raise ValueError(f"gcm has {n} rows but Q has {Qa.shape[0]} observations: gcm belongs to another query")
    o = Na.shape[0]
    C_full = _updated_series(C, Na, m, dq)
    dtype = v.float_dtype(Qa, Na, G)
    Qf, Nf = v.to_float(Qa, dtype), v.to_float(Na, dtype)
    univariate = dq == 1
    _ensure_idtw_fits(n, m + o, np.dtype(dtype).itemsize, flags["return_gcm"])
    dist, ndist, g, d, ii, jj, wp = _core.idtw(Qf, Nf, v.to_float(G, dtype), D, **options)
    diffp = None
    if flags["return_diffp"]:
        Cf = v.to_float(C_full, dtype)
        diffp = Qf.reshape(n)[ii] - Cf.reshape(m + o)[jj] if univariate else Qf[ii] - Cf[jj]
    cost = None
    if flags["return_cm"]:
        cost = _mask_block(_core.cost_matrix(Qf, Nf, dist_method=dist_method, ws=None), m, w)
    diff = None
    if flags["return_diffM"] and univariate:
        block = _mask_block(_core.difference_matrix(Qf.reshape(n), Nf.reshape(o), ws=None), m, w)
        old_diff = _old_difference_matrix(diffM, n, m)
        diff = block if old_diff is None else np.hstack([old_diff.astype(block.dtype, copy=False), block])
    return DTWResult(
        gcm=g, dm=d, diffp=diffp, ii=ii, jj=jj, wp=wp, distance=dist, normalized_distance=ndist,
        cm=cost, diffM=diff,
        Q=Qa if flags["return_QC"] else None, C=C_full if flags["return_QC"] else None,
    )


def _updated_series(C: Any, new: np.ndarray, m: int, dims: int) -> np.ndarray:
    """C + newObs, from C before (m observations) or after (m + o, ending with newObs) the update."""
    Ca = v.as_series(C, "C")
    dc = v.dims_of(Ca)
    if dc != dims:
        raise ValueError(f"newObs, C and Q must have the same number of dimensions: C has {dc}, Q has {dims}")
    v.check_finite(Ca, "C")  # the core never sees C: its values only make diffp and the returned C
    o = new.shape[0]
    if Ca.shape[0] == m:
        joined: np.ndarray = np.concatenate([Ca.reshape(m, -1), new.reshape(o, -1)]).reshape((m + o,) + Ca.shape[1:])
        return joined
    if Ca.shape[0] == m + o and np.array_equal(Ca[m:].reshape(o, -1), new.reshape(o, -1)):
        return Ca
    raise ValueError(
        f"C has {Ca.shape[0]} observations: it must be C before the update ({m} observations, the columns of "
        f"gcm) or after it ({m + o} observations, ending with newObs)"
    )


def _old_difference_matrix(diffM: Any, n: int, m: int) -> Optional[np.ndarray]:
    if diffM is None:
        return None
    arr = v.as_matrix(diffM, "diffM", "difference matrix")
    if arr.shape != (n, m):
        raise ValueError(f"diffM has shape {arr.shape} but gcm has shape {(n, m)}")
    return arr


def _mask_block(block: np.ndarray, m: int, w: Optional[int]) -> np.ndarray:
    """NaN outside the window in the block of new columns m, m+1, ... (IncDTW's cm_add)."""
    if w is not None:
        i = np.arange(block.shape[0])[:, None]
        j = m + np.arange(block.shape[1])[None, :]
        block[np.abs(i - j) > w] = np.nan
    return block


def _ensure_idtw_fits(n: int, cols: int, itemsize: int, return_gcm: bool) -> None:
    # the result gcm is built even with return_gcm=False (the new columns read their neighbours)
    v.ensure_fits(
        n * cols * (1 + itemsize),
        f"idtw() of a {n} x {cols} alignment",
        "use incdtw.idtw2vec() or incdtw.initialize_plane() for the distance (memory O(n + m))",
    )


def idtw2vec(
    Q: Any,
    newObs: Any,
    dist_method: str = "norm1",
    step_pattern: str = "symmetric2",
    gcm_lc: Any = None,
    gcm_lr: Any = None,
    nC: Optional[int] = None,
    ws: Optional[float] = None,
) -> IDTW2VecResult:
    """Vector-based incremental DTW: keeps only the last column (and row) of the global cost matrix.

    The initial call (``gcm_lc=None``) aligns Q with all of C (``newObs``); each running call
    appends ``newObs`` to C in O(n o) time from the previous ``gcm_lc_new``. Values are
    bit-identical to :func:`incdtw.dtw2vec` on the whole series. New observations of Q are added by
    swapping roles: ``idtw2vec(Q=C_so_far, newObs=new_Q, gcm_lc=r.gcm_lr_new, gcm_lr=r.gcm_lc_new,
    nC=len(Q_so_far))``, after which ``gcm_lc_new`` is the last row and ``gcm_lr_new`` the last
    column (see :class:`incdtw.PlaneDTW`, which does this bookkeeping).

    Parameters
    ----------
    Q : array_like, shape (n,) or (n, d)
        The query; with ``newObs="cm"``, the ``(n, o)`` cost matrix of the new columns (initial
        call: of all columns).
    newObs : array_like, shape (o,) or (o, d), a number, or "cm"
        New observations of C (initial call: all of C, at least two values as in IncDTW).
    dist_method, step_pattern, ws
        As in :func:`incdtw.dtw`.
    gcm_lc : array_like, shape (n,), optional
        ``gcm_lc_new`` of the previous call; ``None`` for the initial call.
    gcm_lr : array_like, optional
        ``gcm_lr_new`` of the previous call: the result's ``gcm_lr_new`` then covers all columns
        (needed by :func:`incdtw.dtw_partial` with ``partial_C``).
    nC : int, optional
        Number of observations of C before this call (at most ``2**61 - 1``). Required with ``ws``;
        gives the normalised distance.

    Returns
    -------
    IDTW2VecResult
        ``gcm_lr_new``, ``gcm_lc_new``, ``distance``, ``normalized_distance``.

    Raises
    ------
    ValueError
        A state that does not fit (``gcm_lc`` not of length n, ``gcm_lr`` not of length ``nC``,
        NaN, ``-inf`` or negative values of ``gcm_lc`` inside the window; ``+inf``, an overflowed
        cost, is legal), ``nC`` missing with ``ws`` or larger than a length can be, mismatched
        dimensions, fewer than two values in the initial call, an infeasible window.

    Examples
    --------
    >>> import numpy as np, incdtw
    >>> Q, C = np.sin(np.arange(20.0)), np.cos(np.arange(16.0))
    >>> r0 = incdtw.idtw2vec(Q, C[:12])
    >>> r1 = incdtw.idtw2vec(Q, C[12:], gcm_lc=r0.gcm_lc_new, gcm_lr=r0.gcm_lr_new, nC=12)
    >>> r1.distance == incdtw.dtw2vec(Q, C).distance, len(r1.gcm_lr_new)
    (True, 16)
    """
    v.check_choice(dist_method, "dist_method", v.DIST_METHODS)
    v.check_choice(step_pattern, "step_pattern", v.STEP_PATTERNS)
    w = v.check_ws(ws)
    running = gcm_lc is not None
    nc = None if nC is None else v.check_length(nC, "nC", 1)
    if not running:
        if gcm_lr is not None:
            raise ValueError("gcm_lr was given without gcm_lc: pass both from the previous result (or neither)")
        if nc is not None:
            raise ValueError("nC was given without gcm_lc: the initial call (gcm_lc=None) aligns all of C")
    elif w is not None and nc is None:
        raise ValueError("nC (the number of earlier observations of C) is required with ws")
    if isinstance(newObs, str):
        if newObs != "cm":
            raise ValueError(f"newObs must be a series, or 'cm' when Q is a cost matrix, got {newObs!r}")
        M = v.as_matrix(Q, "Q", "cost matrix")
        if not running and M.shape[1] < 2:
            raise ValueError("in the initial calculation the cost matrix Q needs at least 2 columns")
        state = _state_arrays(gcm_lc, gcm_lr, nc, M.shape[0], M)
        dtype = state[0]
        out = _core.idtw2vec_matrix(
            v.to_float(M, dtype), "cm", *state[1:], dist_method=dist_method, step_pattern=step_pattern, ws=w
        )
    else:
        Qa = v.as_series(Q, "Q")
        Na = v.as_series(newObs, "newObs", scalar_ok=True)
        v.check_new_obs_dims(Qa, Na)
        if not running and Na.size < 2:
            raise ValueError(
                "in the initial calculation newObs needs at least 2 observations (IncDTW's rule), got 1"
            )
        if not running:
            v.check_finite(Na, "newObs")  # the core checks it as its C
        state = _state_arrays(gcm_lc, gcm_lr, nc, Qa.shape[0], Qa, Na)
        dtype = state[0]
        out = _core.idtw2vec(v.to_float(Qa, dtype), v.to_float(Na, dtype), *state[1:], dist_method, step_pattern, w)
    lr_new, lc_new, dist, ndist = out
    offset: Optional[int] = 0
    if running and gcm_lr is None:
        offset = nc
    return IDTW2VecResult._of(
        gcm_lr_new=lr_new, gcm_lc_new=lc_new, distance=dist, normalized_distance=ndist, _lr_offset=offset
    )


def _state_arrays(gcm_lc: Any, gcm_lr: Any, nc: Optional[int], n: int,
                  *data: np.ndarray) -> tuple[type, Optional[np.ndarray], Optional[np.ndarray], Optional[int]]:
    """(dtype, gcm_lc, gcm_lr, nC) converted to the dtype of the computation."""
    if gcm_lc is None:
        return (v.float_dtype(*data), None, None, None)
    lc = v.as_vector(gcm_lc, "gcm_lc")
    if lc.shape[0] != n:
        raise ValueError(
            f"gcm_lc has {lc.shape[0]} values but Q has {n} observations: the state belongs to another query"
        )
    lr = None if gcm_lr is None else v.as_vector(gcm_lr, "gcm_lr")
    if lr is not None and nc is not None and lr.shape[0] != nc:
        raise ValueError(
            f"gcm_lr has {lr.shape[0]} values but nC is {nc}: they must describe the same earlier C"
        )
    arrays = [a for a in (lc, lr) if a is not None]
    dtype = v.float_dtype(*data, *arrays)
    return (dtype, v.to_float(lc, dtype), None if lr is None else v.to_float(lr, dtype), nc)


def dec_dm(dm: Any, Ndec: int, diffM: Any = None) -> PathResult:
    """Warping path after removing the last ``Ndec`` observations of C, from the direction matrix.

    Columns of the direction matrix never depend on later ones, so the first ``m - Ndec`` columns
    of ``dm`` are the direction matrix of the shortened alignment: the path equals
    ``dtw(Q, C[:m - Ndec], return_wp=True)``'s without recomputing anything.

    Parameters
    ----------
    dm : array_like, shape (n, m)
        Direction matrix of ``dtw(Q, C)`` (codes 1, 2, 3; 0 or ``nan`` where undefined).
    Ndec : int
        Number of observations to remove from the end of C, ``0 <= Ndec < m``.
    diffM : array_like, shape (n, m), optional
        Difference matrix ``Q[i] - C[j]``: then ``diffp = diffM[ii, jj]`` is returned too.

    Returns
    -------
    PathResult
        ``ii``, ``jj``, ``wp`` (0-based, in path order) and ``diffp``.

    Examples
    --------
    >>> import numpy as np, incdtw
    >>> Q, C = np.cos(np.arange(1.0, 11.0)), np.sin(np.arange(1.0, 9.0))
    >>> p = incdtw.dec_dm(incdtw.dtw(Q, C).dm, Ndec=2)
    >>> np.array_equal(p.jj, incdtw.dtw(Q, C[:6], return_wp=True).jj)
    True
    """
    D = v.as_direction_matrix(dm, "dm")
    n, m = D.shape
    ndec = v.check_count(Ndec, "Ndec", 0)
    if ndec >= m:
        raise ValueError(f"Ndec must be less than the {m} columns of dm, got {ndec}")
    diff = None
    if diffM is not None:
        diff = v.as_matrix(diffM, "diffM", "difference matrix")
        if diff.shape != D.shape:
            raise ValueError(f"diffM has shape {diff.shape} but dm has shape {D.shape}")
        diff = v.to_float(diff, v.float_dtype(diff))  # diffp as float64 (float32), native byte order
    ii, jj, wp = _core.dec_dm(D, ndec)
    return PathResult(ii=ii, jj=jj, wp=wp, diffp=None if diff is None else diff[ii, jj])


def dtw_partial(x: Any, partial_Q: bool = True, partial_C: bool = True, reverse: bool = False) -> PartialResult:
    """Best open-end (or, on reversed series, open-begin) partial alignment.

    The last row of the global cost matrix holds ``DTW(Q, C[:j+1])`` and the last column
    ``DTW(Q[:i+1], C)``. Divided by the summed lengths (for both step patterns), the smallest of
    them gives the best alignment of all of Q with a prefix of C (``partial_C``) or of a prefix of
    Q with all of C (``partial_Q``); C wins ties, then the shortest prefix.

    Parameters
    ----------
    x : DTWResult, IDTW2VecResult, PlaneDTW or mapping
        A result with ``gcm`` (from :func:`incdtw.dtw` or :func:`incdtw.idtw`), or with
        ``gcm_lc_new`` and ``gcm_lr_new`` (from :func:`incdtw.idtw2vec`, covering all columns, or a
        :class:`incdtw.PlaneDTW`).
    partial_Q, partial_C : bool
        Which series may be cut. With neither, IncDTW's answer: all of Q, ``C[0:1]``, ``inf``.
    reverse : bool
        ``x`` was computed on reversed series (``Q[::-1]``, ``C[::-1]``): the prefix is reported
        as the matching suffix of the original series (open-begin alignment).

    Returns
    -------
    PartialResult
        ``rangeQ``, ``rangeC`` (0-based ``(start, stop)``, stop exclusive) and ``normalized_distance``.

    Examples
    --------
    >>> import numpy as np, incdtw
    >>> Q, C = np.sin(np.arange(1, 51)), np.cos(np.arange(1, 1001))
    >>> incdtw.dtw_partial(incdtw.dtw(Q, C), partial_Q=False, partial_C=True).rangeC
    (0, 61)
    """
    pq = v.check_flag(partial_Q, "partial_Q")
    pc = v.check_flag(partial_C, "partial_C")
    rev = v.check_flag(reverse, "reverse")
    if isinstance(x, PlaneDTW):  # on the plane's own vectors: nothing of the stream is copied
        q0, q1, c0, c1, nd = x._p.partial(pq, pc, rev)
        return PartialResult(rangeQ=(q0, q1), rangeC=(c0, c1), normalized_distance=nd)
    lc, lr = _last_column_and_row(x, pc)
    lc = np.ascontiguousarray(v.as_vector(lc, "x.gcm_lc_new"), dtype=np.float64)
    lr = np.ascontiguousarray(v.as_vector(lr, "x.gcm_lr_new"), dtype=np.float64)
    q0, q1, c0, c1, nd = _core.partial_alignment(lc, lr, pq, pc, rev)
    return PartialResult(rangeQ=(q0, q1), rangeC=(c0, c1), normalized_distance=nd)


def _field(x: Any, name: str) -> Any:
    if isinstance(x, Mapping):
        return x.get(name)
    return getattr(x, name, None)


def _last_column_and_row(x: Any, partial_c: bool) -> tuple[Any, Any]:
    gcm = _field(x, "gcm")
    if gcm is not None:
        G = v.as_matrix(gcm, "x.gcm", "global cost matrix")
        return G[:, -1], G[-1, :]
    lc, lr = _field(x, "gcm_lc_new"), _field(x, "gcm_lr_new")
    if lc is not None and lr is not None:
        offset = getattr(x, "_lr_offset", 0)
        if offset != 0:  # gcm_lr_new covers only the columns of the last idtw2vec() call
            if partial_c or offset is None:
                raise ValueError(
                    "x.gcm_lr_new covers only the columns of the last idtw2vec() call"
                    + ("" if partial_c else " and the number of earlier columns is unknown")
                    + ": pass gcm_lr (and nC) to idtw2vec() so that it covers all of C"
                )
            # partial_Q needs only the length of C: the earlier columns count, their values do not
            lr = np.concatenate([np.full(offset, np.nan), np.asarray(lr, dtype=np.float64)])
        return lc, lr
    if isinstance(x, DTWResult):
        raise ValueError("x has no gcm (computed with return_gcm=False): dtw_partial needs it")
    raise ValueError(
        "x needs either the attribute 'gcm' (a dtw() or idtw() result) or 'gcm_lc_new' and 'gcm_lr_new' "
        "(an idtw2vec() result or a PlaneDTW)"
    )
