"""DTW between many series: ``dtw_dismat``, ``dtw_disvec``, ``dtw_cdist``, ``centroid``, ``dba``."""

from __future__ import annotations

import warnings
from typing import Any, Optional

import numpy as np

from . import _core
from . import _validate as v
from ._progress import Progress, row_blocks
from ._results import CentroidResult, DBAResult, DismatResult, DisvecResult

ITER_DIST_METHODS = ("dtw_norm1", "dtw_norm2", "norm1", "norm2", "max", "min")


def as_collection(lot: Any, name: str = "lot") -> list[np.ndarray]:
    """A list of series from a list/tuple of arrays (any lengths) or a 2-D ``(k, length)`` /
    3-D ``(k, length, dims)`` array of equal-length series; float32 only when every series is."""
    if isinstance(lot, np.ndarray):
        if lot.ndim not in (2, 3):
            raise ValueError(
                f"{name} as an array must be 2-D (k univariate series of equal length) or 3-D "
                f"(k, length, dims), got {lot.ndim}-D; pass a list for series of different lengths"
            )
        items = list(lot)
    elif isinstance(lot, (list, tuple)):
        items = list(lot)
    else:
        raise TypeError(f"{name} must be a list of series or a 2-D/3-D array, got {type(lot).__name__}")
    if not items:
        raise ValueError(f"{name} must not be empty")
    series = [v.as_series(x, f"{name}[{k}]") for k, x in enumerate(items)]
    dims = v.dims_of(series[0])
    for k, s in enumerate(series):
        if v.dims_of(s) != dims:
            raise ValueError(
                f"{name}[{k}] has {v.dims_of(s)} dimensions but {name}[0] has {dims}: all series need the same "
                "number of dimensions"
            )
    dtype = v.float_dtype(*series)
    return [v.to_float(s, dtype) for s in series]


def _with_collection(x: np.ndarray, name: str, series: list[np.ndarray]) -> tuple[np.ndarray, list[np.ndarray]]:
    """A series and a collection with the same dimensions, converted to one float dtype."""
    if v.dims_of(x) != v.dims_of(series[0]):
        raise ValueError(f"{name} has {v.dims_of(x)} dimensions but the series of lot have {v.dims_of(series[0])}")
    dtype = v.float_dtype(x, series[0])
    return v.to_float(x, dtype), [v.to_float(s, dtype) for s in series]


def _n_jobs(n_jobs: Any) -> int:
    """scikit-learn's convention (see _validate.resolve_n_jobs): None 1, -1 all cores, -2 all but one."""
    return v.resolve_n_jobs(n_jobs)


def _options(
    dist_method: str, step_pattern: str, normalize: bool, ws: Any, threshold: Any, n_jobs: Any
) -> dict[str, Any]:
    v.check_choice(dist_method, "dist_method", v.DIST_METHODS)
    v.check_choice(step_pattern, "step_pattern", v.STEP_PATTERNS)
    norm = v.check_flag(normalize, "normalize")
    if norm and step_pattern == "symmetric1":
        raise ValueError(
            "normalize=True needs step_pattern='symmetric2': symmetric1 distances do not grow with the lengths "
            "(IncDTW: It is recommended to use step_pattern 'symmetric2' to compare time series of different "
            "lengths); pass normalize=False"
        )
    return dict(
        dist_method=dist_method, step_pattern=step_pattern, ws=v.check_ws(ws), threshold=v.check_threshold(threshold),
        normalize=norm, n_jobs=_n_jobs(n_jobs),
    )


def _input(opts: dict[str, Any]) -> dict[str, Any]:
    return {k: opts[k] for k in ("dist_method", "ws", "normalize", "threshold", "step_pattern", "n_jobs")}


def dtw_dismat(
    lot: Any,
    dist_method: str = "norm1",
    step_pattern: str = "symmetric2",
    normalize: bool = True,
    ws: Optional[float] = None,
    threshold: Optional[float] = None,
    return_matrix: bool = False,
    n_jobs: int = -1,
    progress: bool = False,
) -> DismatResult:
    """Pairwise DTW distances of a collection, in parallel (IncDTW's ``dtw_dismat``).

    Parameters
    ----------
    lot : list of array_like, or ndarray
        Series of shape ``(length,)`` or ``(length, dims)`` (any lengths, the same dims), or a 2-D
        array ``(k, length)`` of univariate / 3-D array ``(k, length, dims)`` of multivariate series.
    dist_method, step_pattern, ws
        As in :func:`incdtw.dtw`; with ``ws`` every pair must be feasible (the message names the
        pair that is not).
    normalize : bool, default True
        ``distance / (n + m)`` (needs ``symmetric2``, as in IncDTW).
    threshold : float, optional
        Early abandoning on the distance: ``nan`` for pairs above it.
    return_matrix : bool
        The square ``(k, k)`` matrix (zero diagonal) instead of the condensed vector.
    n_jobs : int or None, default -1
        Threads (OpenMP, GIL released), as scikit-learn counts them: ``-1`` = all cores, ``-2`` =
        all but one, ``None`` = one; at most the number of processors (small jobs run on one).
        Results do not depend on it, bit for bit.
    progress : bool, default False
        Show a progress bar (tqdm if installed, else a counter on stderr): the pairs are then
        computed in about 50 blocks of rows, with the same results bit for bit.

    Returns
    -------
    DismatResult
        ``input`` (the options) and ``dismat``: condensed distances in the order of
        ``scipy.spatial.distance.pdist`` (and R's ``dist``): pairs ``(0, 1), (0, 2), ..., (1, 2), ...``,
        so ``scipy.spatial.distance.squareform`` and ``scipy.cluster.hierarchy.linkage`` take it.

    Examples
    --------
    >>> import numpy as np, incdtw
    >>> lot = [np.sin(np.arange(20) / 3), np.sin(np.arange(25) / 4), np.cos(np.arange(18) / 3)]
    >>> r = incdtw.dtw_dismat(lot)
    >>> r.dismat.shape, incdtw.dtw_dismat(lot, return_matrix=True).dismat.shape
    ((3,), (3, 3))
    >>> bool(r.dismat[0] == incdtw.dtw2vec(lot[0], lot[1]).normalized_distance)
    True
    """
    opts = _options(dist_method, step_pattern, normalize, ws, threshold, n_jobs)
    matrix = v.check_flag(return_matrix, "return_matrix")
    series = as_collection(lot)
    if len(series) < 2:
        raise ValueError("lot must hold at least two series for a distance matrix")
    k = len(series)
    v.ensure_fits(8 * k * (k - 1) // 2 * (3 if matrix else 1), f"the distance matrix of {k} series",
                  "use dtw_disvec() for one query at a time")
    if v.check_flag(progress, "progress"):
        condensed = _dismat_in_blocks(series, opts)
    else:
        condensed = _core.dtw_dismat(series, **opts)
    return DismatResult(input=_input(opts), dismat=_square(condensed, k) if matrix else condensed)


def _cross_collections(X: Any, Y: Any) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """X and Y (Y=None: X itself) of dtw_cdist as float series of one dtype and one number of dimensions."""
    xs = as_collection(X, "X")
    ys = xs if Y is None else as_collection(Y, "Y")
    if v.dims_of(xs[0]) != v.dims_of(ys[0]):
        raise ValueError(f"X has {v.dims_of(xs[0])} dimensions but Y has {v.dims_of(ys[0])}")
    dtype = v.float_dtype(xs[0], ys[0])
    return [v.to_float(s, dtype) for s in xs], [v.to_float(s, dtype) for s in ys]


def _condensed_start(i: int, k: int) -> int:
    """The condensed (pdist-order) index of the pair (i, i + 1) of k series; (i, j) is at this plus
    j - i - 1."""
    return i * k - i * (i + 1) // 2


def _dismat_in_blocks(series: list[np.ndarray], opts: dict[str, Any]) -> np.ndarray:
    """dtw_dismat in row blocks with a progress bar: each block is the cross matrix of its rows
    against the rows from its first on, of which the pairs (i, j > i) are kept in pdist order."""
    k = len(series)
    lengths = [len(x) for x in series]
    later = np.cumsum(lengths[::-1])[::-1]  # later[i] = sum of lengths[i:]
    cells = [lengths[i] * float(later[i + 1]) if i + 1 < k else 0.0 for i in range(k)]
    out: Optional[np.ndarray] = None
    with Progress(int(sum(cells)), "dtw_dismat") as bar:
        for a, b in row_blocks(cells[: k - 1]):
            try:
                block = _core.dtw_cdist(series[a:b], series[a:], **opts)
            except ValueError:
                _core.dtw_dismat(series, **opts)  # the message names the pair in the whole collection
                raise
            if out is None:
                out = np.empty(k * (k - 1) // 2, dtype=block.dtype)
            for i in range(a, b):
                start = _condensed_start(i, k)
                out[start : start + k - 1 - i] = block[i - a, i - a + 1 :]
            bar.update(int(sum(cells[a:b])))
    assert out is not None
    return out


def _cdist_in_blocks(xs: list[np.ndarray], ys: list[np.ndarray], opts: dict[str, Any], desc: str) -> np.ndarray:
    """The cross matrix in row blocks of X with a progress bar (the same values, bit for bit)."""
    total_y = float(sum(len(y) for y in ys))
    cells = [len(x) * total_y for x in xs]
    blocks = []
    with Progress(int(sum(cells)), desc) as bar:
        for a, b in row_blocks(cells):
            try:
                blocks.append(_core.dtw_cdist(xs[a:b], ys, **opts))
            except ValueError:
                _core.dtw_cdist(xs, ys, **opts)  # the message names the pair in the whole collection
                raise
            bar.update(int(sum(cells[a:b])))
    return np.concatenate(blocks, axis=0)


def _square(condensed: np.ndarray, k: int) -> np.ndarray:
    out = np.zeros((k, k), dtype=condensed.dtype)
    i, j = np.triu_indices(k, 1)
    out[i, j] = condensed
    out[j, i] = condensed
    return out


def dtw_disvec(
    Q: Any,
    lot: Any,
    dist_method: str = "norm1",
    step_pattern: str = "symmetric2",
    normalize: bool = True,
    ws: Optional[float] = None,
    threshold: Optional[float] = None,
    n_jobs: int = -1,
    progress: bool = False,
) -> DisvecResult:
    """DTW distances of one query to every series of a collection (IncDTW's ``dtw_disvec``).

    Parameters are those of :func:`dtw_dismat` (``progress`` included); ``Q`` has the collection's
    number of dimensions.

    Returns
    -------
    DisvecResult
        ``input`` and ``disvec`` (``disvec[k]`` = distance of Q and ``lot[k]``).

    Examples
    --------
    >>> import numpy as np, incdtw
    >>> lot = [np.sin(np.arange(20) / 3), np.cos(np.arange(18) / 3)]
    >>> incdtw.dtw_disvec(np.sin(np.arange(22) / 3), lot, normalize=False).disvec.shape
    (2,)
    """
    opts = _options(dist_method, step_pattern, normalize, ws, threshold, n_jobs)
    q, series = _with_collection(v.as_series(Q, "Q"), "Q", as_collection(lot))
    if v.check_flag(progress, "progress"):
        disvec = _cdist_in_blocks(series, [q], opts, "dtw_disvec")[:, 0]
    else:
        disvec = _core.dtw_disvec(q, series, **opts)
    return DisvecResult(input=_input(opts), disvec=disvec)


def dtw_cdist(
    X: Any,
    Y: Any = None,
    dist_method: str = "norm1",
    step_pattern: str = "symmetric2",
    normalize: bool = True,
    ws: Optional[float] = None,
    threshold: Optional[float] = None,
    n_jobs: int = -1,
    progress: bool = False,
) -> np.ndarray:
    """DTW distances of every series of X to every series of Y (beyond IncDTW; the shape a 1-NN
    classifier needs: ``dtw_cdist(test, train).argmin(axis=1)``).

    Parameters
    ----------
    X, Y : collections as in :func:`dtw_dismat`
        ``Y=None`` compares X with itself (the square matrix, with zero diagonal).
    Others
        As in :func:`dtw_dismat`, ``progress`` included (blocks of rows of X).

    Returns
    -------
    ndarray, shape (len(X), len(Y))

    Examples
    --------
    >>> import numpy as np, incdtw
    >>> train = [np.sin(np.arange(20) / 3), np.cos(np.arange(20) / 3)]
    >>> test = [np.sin(np.arange(24) / 3.5)]
    >>> incdtw.dtw_cdist(test, train).argmin(axis=1)
    array([0])
    """
    opts = _options(dist_method, step_pattern, normalize, ws, threshold, n_jobs)
    xs, ys = _cross_collections(X, Y)
    v.ensure_fits(8 * len(xs) * len(ys), f"the {len(xs)} x {len(ys)} distance matrix", "compare in blocks")
    if v.check_flag(progress, "progress"):
        return _cdist_in_blocks(xs, ys, opts, "dtw_cdist")
    return _core.dtw_cdist(xs, ys, **opts)


def centroid(
    lot: Any,
    dist_method: str = "norm1",
    step_pattern: str = "symmetric2",
    normalize: bool = True,
    ws: Optional[float] = None,
    n_jobs: int = -1,
) -> CentroidResult:
    """The medoid: the series with the smallest sum of DTW distances to all others (IncDTW's
    ``centroid``; the first of equal sums).

    Returns
    -------
    CentroidResult
        ``centroid_index`` (0-based) and ``dismat_result`` (:func:`dtw_dismat` with the square matrix).

    Examples
    --------
    >>> import numpy as np, incdtw
    >>> lot = [np.sin(np.arange(20) / 3), np.sin(np.arange(22) / 3.2), np.cos(np.arange(18) / 3)]
    >>> incdtw.centroid(lot).centroid_index
    1
    """
    opts = _options(dist_method, step_pattern, normalize, ws, None, n_jobs)
    series = as_collection(lot)
    if len(series) < 2:
        raise ValueError("lot must hold at least two series to have a centroid")
    k = len(series)
    v.ensure_fits(8 * k * (k - 1) // 2 * 3, f"the distance matrix of {k} series (centroid)",
                  "pick the medoid of a sample, or use dtw_disvec() against candidates")
    condensed = _core.dtw_dismat(series, **opts)
    index = _core.medoid(np.ascontiguousarray(condensed, dtype=np.float64), len(series))
    return CentroidResult(
        centroid_index=int(index),
        dismat_result=DismatResult(input=_input(opts), dismat=_square(condensed, len(series))),
    )


def dba(
    lot: Any,
    m0: Any = None,
    iterMax: int = 10,
    eps: Optional[float] = None,
    dist_method: str = "norm1",
    step_pattern: str = "symmetric2",
    ws: Optional[float] = None,
    iter_dist_method: str = "dtw_norm1",
    n_jobs: int = -1,
    progress: bool = False,
) -> DBAResult:
    """DTW barycenter averaging (IncDTW's ``dba``).

    Each iteration aligns the barycenter with every series (in parallel) and replaces each of its
    rows by the mean of the series' rows aligned to it *and the row itself* (IncDTW includes the old
    barycenter in the average, unlike the original DBA).

    Parameters
    ----------
    lot : collection as in :func:`dtw_dismat`
    m0 : array_like, optional
        The start; ``None``: the medoid (:func:`centroid` with ``normalize=True``).
    iterMax : int, default 10
    eps : float, optional
        Stop before storing an iteration whose change (``iter_dist_method``) is below ``eps``.
    dist_method, step_pattern, ws
        Of the alignments (:func:`incdtw.dtw`).
    iter_dist_method : {"dtw_norm1", "dtw_norm2", "norm1", "norm2", "max", "min"}
        The change between iterations: the normalized symmetric2 DTW distance with norm1 or norm2,
        ``sum|m1 - m2| / (d * 2 n)``, ``sqrt(sum (m1 - m2)^2) / (d * 2 n)``, ``max|m1 - m2|``,
        ``min|m1 - m2|``.
    n_jobs : int, default -1

    Returns
    -------
    DBAResult
        ``input``, ``m1`` (the barycenter), ``iterations`` (``[0]`` = m0), ``iterDist_m2lot`` and
        ``iterDist_m2lot_norm`` (per iteration, the distances of the barycenter to each series),
        ``iterDist_m2m`` (the changes). Univariate input gives 1-D barycenters.

    Examples
    --------
    >>> import numpy as np, incdtw
    >>> t = np.arange(30) / 4
    >>> lot = [np.sin(t), np.sin(t + 0.3), np.sin(t[:26])]
    >>> r = incdtw.dba(lot, iterMax=3)
    >>> r.m1.shape, len(r.iterations)
    ((30,), 4)
    """
    v.check_choice(dist_method, "dist_method", v.DIST_METHODS)
    v.check_choice(step_pattern, "step_pattern", v.STEP_PATTERNS)
    v.check_choice(iter_dist_method, "iter_dist_method", ITER_DIST_METHODS)
    w = v.check_ws(ws)
    iters = v.check_count(iterMax, "iterMax", 1)
    e = None if eps is None else v.check_threshold(eps, "eps")
    jobs = _n_jobs(n_jobs)
    series = as_collection(lot)
    if m0 is None:
        if step_pattern == "symmetric1":
            raise ValueError(
                "dba with m0=None starts from the medoid, which IncDTW finds with normalized distances and so "
                "needs step_pattern='symmetric2'; pass m0 to use symmetric1"
            )
        start = series[centroid(series, dist_method, step_pattern, True, w, jobs).centroid_index]
    else:
        start = v.as_series(m0, "m0")
    m0f, series = _with_collection(start, "m0", series)
    if not e:  # no early stop: all iterMax iterations are run and kept, so refuse what would not fit
        per_iteration = m0f.nbytes + 16 * len(series) + 8  # a barycenter, its distances and change
        v.ensure_fits(iters * per_iteration, f"dba() with iterMax={iters} (every iteration is kept)",
                      "lower iterMax, or pass eps to stop when the barycenter settles")
    iters = min(iters, 2**62)  # the core takes int64
    kw: dict[str, Any] = dict(dist_method=dist_method, step_pattern=step_pattern, ws=w, eps=e,
                              iter_dist_method=iter_dist_method, n_jobs=jobs)
    if v.check_flag(progress, "progress"):
        iterations, dist, norm, m2m = _dba_stepwise(series, m0f, iters, kw)
    else:
        iterations, dist, norm, m2m = _core.dba(series, m0f, iter_max=iters, **kw)
    if m0f.ndim == 1:  # univariate in, univariate out
        iterations = [it.reshape(-1) for it in iterations]
    return DBAResult(
        input=dict(iterMax=iters, eps=e, step_pattern=step_pattern, dist_method=dist_method, ws=w,
                   iter_dist_method=iter_dist_method),
        m1=iterations[-1], iterations=iterations, iterDist_m2lot=dist, iterDist_m2lot_norm=norm, iterDist_m2m=m2m,
    )


def _dba_stepwise(series: list[np.ndarray], m0: np.ndarray, iters: int,
                  kw: dict[str, Any]) -> tuple[list[np.ndarray], list[np.ndarray], list[np.ndarray], np.ndarray]:
    """dba one iteration per call behind a progress bar: each iteration depends only on the current
    barycenter, so the sequence (and the stop at eps) is the one of a single call, bit for bit."""
    iterations: list[np.ndarray] = []
    dist: list[np.ndarray] = []
    norm: list[np.ndarray] = []
    changes: list[np.ndarray] = []
    current = m0
    with Progress(iters, "dba", unit="it") as bar:
        for _ in range(iters):
            its, d, nd, mm = _core.dba(series, current, iter_max=1, **kw)
            bar.update(1)
            if not iterations:
                iterations.append(its[0])  # m0 as the core returns it
            changes.append(np.asarray(mm))
            if len(its) < 2:  # stopped by eps
                break
            iterations.append(its[1])
            dist += list(d)
            norm += list(nd)
            current = its[1].reshape(-1) if m0.ndim == 1 else its[1]
    return iterations, dist, norm, np.concatenate(changes)


def DBA(*args: Any, **kwargs: Any) -> DBAResult:
    """Deprecated alias of :func:`dba` (as in IncDTW)."""
    warnings.warn("DBA() is deprecated, use dba()", DeprecationWarning, stacklevel=2)
    return dba(*args, **kwargs)
