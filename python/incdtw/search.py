"""Subsequence search: ``rundtw`` (the k nearest non-overlapping windows of a long series under DTW)."""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Any, Optional

import numpy as np

from . import _core
from ._progress import Progress
from . import _validate as v
from ._results import RundtwResult
from .collection import _n_jobs

SCALES = ("01", "z", "none")


def _scale_option(scale: Any, normalize: Any) -> str:
    if normalize is not None:
        warnings.warn(
            "Argument 'normalize' is deprecated, use 'scale' instead; scale is set to normalize",
            DeprecationWarning,
            stacklevel=3,
        )
        scale = normalize
    if isinstance(scale, (bool, np.bool_)):
        warnings.warn(
            "The values True and False for 'scale' are deprecated. Use '01' or 'none' instead.",
            DeprecationWarning,
            stacklevel=3,
        )
        return "01" if scale else "none"
    return v.check_choice(scale, "scale", SCALES)


def _with_progress(q: np.ndarray, series: list[np.ndarray], options: dict[str, Any]) -> Any:
    """_core.rundtw with a bar: the search (GIL released) updates a counter that a Python thread
    polls every 0.1 s."""
    import threading

    counter = _core.RundtwProgress()
    total = 2 * sum(max(len(s) - len(q) + 1, 0) for s in series)  # the core sets the exact total
    finished = threading.Event()
    with Progress(total, "rundtw", unit="windows") as bar:

        def poll() -> None:
            shown = 0
            while True:
                stop = finished.wait(0.1)
                if counter.total > 0 and counter.total != bar.total:
                    bar.set_total(counter.total)
                done = counter.total if stop else counter.done
                if done > shown:
                    bar.update(done - shown)
                    shown = done
                if stop:
                    return

        thread = threading.Thread(target=poll, daemon=True)
        thread.start()
        try:
            return _core.rundtw(q, series, progress=counter, **options)
        finally:
            finished.set()
            thread.join()


def rundtw(
    Q: Any,
    C: Any,
    dist_method: str = "norm1",
    step_pattern: str = "symmetric1",
    k: Optional[int] = None,
    scale: Any = "01",
    ws: Optional[float] = None,
    threshold: Optional[float] = None,
    lower_bound: bool = True,
    overlap_tol: int = 0,
    return_QC: bool = False,
    normalize: Any = None,
    n_jobs: int = -1,
    progress: bool = False,
    return_dist: bool = True,
) -> RundtwResult:
    """DTW of a query against every window of a long series, and its k nearest non-overlapping
    windows (IncDTW's ``rundtw``).

    Window ``j`` is ``C[j : j + len(Q)]``. Both the query and each window are scaled (``scale``)
    before the comparison, the window with its own minimum and maximum (``"01"``) or mean and
    standard deviation (``"z"``, IncDTW's running update).

    Parameters
    ----------
    Q : array_like, shape (n,) or (n, d)
        The query.
    C : array_like, shape (m,) or (m, d), or a list of such series
        The series to search (``m >= n``); a list of series searches every one (list mode).
    dist_method, step_pattern, ws
        As in :func:`incdtw.dtw`; note IncDTW's default step pattern here, ``"symmetric1"``. ``ws``
        (default: none) is the Sakoe-Chiba radius of each window's alignment.
    k : int, optional
        Find the ``k`` nearest windows that do not overlap: windows ``i`` and ``j`` of one series
        overlap when ``|i - j| < len(Q) - overlap_tol``. Taken best first: the window with the
        smallest distance, then the best window that overlaps none taken, and so on. The answer is
        exact (the same as computing every distance), whatever the search skips. If fewer than
        ``k`` exist (at most ``threshold``), a ``UserWarning`` says so and those found are returned.
        ``k > 0`` turns ``lower_bound`` on, as in IncDTW.
    scale : {"01", "z", "none"}
        Scaling of the query (:func:`incdtw.scale`) and of every window. A window whose range
        (``"01"``) is below 1e-9 or whose variance (``"z"``) is below 1e-9 is only shifted.
    threshold : float, optional
        Report only distances ``<= threshold``.
    lower_bound : bool, default True
        IncDTW's pruning: skip windows with LB_Keogh, and abandon a window's DTW once it exceeds
        the best distance of the last ``len(Q) - overlap_tol`` windows (so ``dist`` shows the local
        minima only). With ``False`` and no threshold, ``dist`` holds every window's distance.
    overlap_tol : int, default 0
        ``0 <= overlap_tol < len(Q)``.
    return_QC : bool
        Also return the scaled query ``Q`` and the input ``C``.
    normalize : deprecated
        IncDTW's old name of ``scale`` (a ``DeprecationWarning``); ``scale=True``/``False`` are
        IncDTW's old ``"01"``/``"none"`` (also deprecated).
    n_jobs : int or None, default -1
        Threads, as scikit-learn counts them (``-1`` = all cores, ``-2`` = all but one, ``None`` =
        one), for searches of more than about 2e6 window cells: parts of the windows are searched
        in parallel (for the k-NN; without ``k``, IncDTW's reporting rule runs in parts from a
        guessed state and each part is corrected until it meets the true one). Results do not
        depend on it, bit for bit; only ``counter`` does.
    progress : bool, default False
        Show a progress bar (tqdm if installed, else a counter on stderr) while the search runs;
        it never changes a result.
    return_dist : bool, default True
        Compute IncDTW's ``dist`` (8 bytes per window). ``False`` (needs ``k``): only the k nearest
        windows, the same ones, with memory beyond the input of O(len(Q) x threads + k) instead of
        O(len(C)), and faster (no second walk over the windows); ``dist`` is then ``None``.

    Returns
    -------
    RundtwResult
        ``dist`` follows IncDTW's reporting rule exactly: window ``j`` is reported when its distance
        is not above ``T_j = min(best distance of the last len(Q) - overlap_tol windows, threshold,
        IncDTW's running k-th best)`` and its LB_Keogh bound is below ``T_j``; ``nan`` elsewhere.

    Notes
    -----
    Deviations from IncDTW (README, "Deviations"): the envelope of the query covers
    ``[i - ws, i + ws]`` (IncDTW's ``[i - ws, i + ws - 1]`` is no lower bound for the window
    ``ws`` and can skip the best match); the k nearest neighbours are the exact best-first ones
    (IncDTW derives them from the pruned ``dist`` vector, which can miss a window); ``overlap_tol``
    must be below ``len(Q)`` in list mode too; a ``"01"`` window range below 1e-9 always divides by
    1; a negative ``k`` is an error.

    Examples
    --------
    >>> import numpy as np, incdtw
    >>> rng = np.random.default_rng(0)
    >>> C = np.cumsum(rng.normal(size=2000))
    >>> Q = C[700:764] + rng.normal(scale=0.01, size=64)
    >>> r = incdtw.rundtw(Q, C, k=2, scale="z", ws=6)
    >>> int(r.knn_indices[0])
    700
    """
    args = _prepare(Q, C, dist_method, step_pattern, k, scale, ws, threshold, lower_bound, overlap_tol, return_QC,
                    normalize, n_jobs)
    q, series = args.q, args.series
    options = {**args.options, "return_dist": v.check_flag(return_dist, "return_dist")}
    if not options["return_dist"] and options["k"] == 0:
        raise ValueError("return_dist=False needs k >= 1: without dist the search returns its k nearest windows only")
    if v.check_flag(progress, "progress"):
        out = _with_progress(q, series, options)
    else:
        out = _core.rundtw(q, series, **options)
    return _result(args, out["dist"], dict(out["counter"]), out["knn_values"], out["knn_indices"], out["knn_series"],
                   out["query"])


@dataclass
class _Search:
    """rundtw's arguments, checked: the query and the series in one float dtype, the core's options."""

    list_mode: bool
    q: np.ndarray
    series: list[np.ndarray]
    options: dict[str, Any]
    return_QC: bool


def _prepare(Q: Any, C: Any, dist_method: Any, step_pattern: Any, k: Any, scale: Any, ws: Any, threshold: Any,
             lower_bound: Any, overlap_tol: Any, return_QC: Any, normalize: Any, n_jobs: Any) -> _Search:
    # A list of series is list mode (IncDTW); a list of numbers is one series.
    list_mode = isinstance(C, (list, tuple)) and (len(C) == 0 or np.ndim(C[0]) >= 1)
    scale_opt = _scale_option(scale, normalize)
    dist_method = v.check_choice(dist_method, "dist_method", ("norm1", "norm2", "norm2_square"))
    step_pattern = v.check_choice(step_pattern, "step_pattern", ("symmetric1", "symmetric2"))
    q = v.as_series(Q, "Q", scalar_ok=True)
    if list_mode:
        if not C:
            raise ValueError("C must not be an empty list")
        series = [v.as_series(c, f"C[{i}]") for i, c in enumerate(C)]
    else:
        series = [v.as_series(C, "C")]
    for i, s in enumerate(series):
        name = f"C[{i}]" if list_mode else "C"
        if v.dims_of(s) != v.dims_of(q):
            raise ValueError(f"{name} has {v.dims_of(s)} dimensions but Q has {v.dims_of(q)}")
        if len(s) < len(q):
            raise ValueError(f"Q (length {len(q)}) is longer than {name} (length {len(s)}): no window fits")
    kk = 0 if k is None else min(v.check_count(k, "k"), 2**62)  # the core takes int64 (and at most the windows)
    window = v.check_ws(ws)
    thr = v.check_threshold(threshold)
    lb = v.check_flag(lower_bound, "lower_bound")
    qc = v.check_flag(return_QC, "return_QC")
    tol = v.check_count(overlap_tol, "overlap_tol")
    if tol >= len(q):
        raise ValueError(f"overlap_tol must be between 0 and len(Q) - 1 = {len(q) - 1}, got {tol}")
    jobs = _n_jobs(n_jobs)
    dtype = v.float_dtype(q, *series)
    q = v.to_float(q, dtype)
    series = [v.to_float(s, dtype) for s in series]
    options = dict(dist_method=dist_method, step_pattern=step_pattern, ws=window, threshold=thr, scale=scale_opt,
                   k=kk, lower_bound=lb, overlap_tol=tol, n_jobs=jobs)
    return _Search(list_mode, q, series, options, qc)


def _result(args: _Search, dist: list[np.ndarray], counter: dict[str, int], knn_values: Optional[np.ndarray],
            knn_indices: Optional[np.ndarray], knn_series: Optional[np.ndarray],
            query: Optional[np.ndarray]) -> RundtwResult:
    """The result object (and the warning when fewer than k windows were found)."""
    kk, thr, list_mode, series = args.options["k"], args.options["threshold"], args.list_mode, args.series
    knn_list = None
    if kk > 0:
        assert knn_values is not None  # the neighbours are searched when k > 0
        if list_mode:
            knn_list = knn_series
        if len(knn_values) < kk:
            limit = "" if thr is None else f" with a distance <= threshold = {thr}"
            warnings.warn(
                f"found only {len(knn_values)} of k = {kk} non-overlapping windows{limit}",
                UserWarning,
                stacklevel=3,
            )
    else:
        knn_values = knn_indices = None
    out_dist = None if not dist else dist if list_mode else dist[0]  # none without return_dist
    return RundtwResult._of(
        dist=out_dist,
        counter=counter,
        knn_indices=knn_indices,
        knn_values=knn_values,
        knn_list_indices=knn_list,
        Q=query if args.return_QC else None,
        C=(series if list_mode else series[0]) if args.return_QC else None,
    )
