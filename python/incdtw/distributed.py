"""Distance matrices on a Dask cluster (``pip install incdtw[dask]``): the same functions as the
local ones, their work split into tiles of pairs that run on the workers.

The series are scattered to the workers once, in blocks of rows; each task computes one tile of
the pair matrix with the C++ kernels (OpenMP inside the worker, ``n_jobs`` threads), and the tiles
are assembled into the same array the local function returns, bit for bit: every pair's value
does not depend on which tile computed it. A worker that dies has its tiles recomputed by Dask
(``retries``).

Examples
--------
Start a cluster on this machine, or connect to one by its scheduler address
(``Client("tcp://scheduler:8786")``)::

    from dask.distributed import Client, LocalCluster
    import incdtw, incdtw.distributed

    client = Client(LocalCluster(n_workers=2, threads_per_worker=1))
    X, y = incdtw.datasets.warped_classes(n_per_class=250)
    d = incdtw.distributed.dtw_dismat(X, client=client)      # == incdtw.dtw_dismat(X)
"""

from __future__ import annotations

import contextlib
import errno
import io
import math
import operator
import os
import shutil
import uuid
from typing import Any, Iterator, Optional

import numpy as np

from . import _core
from . import _validate as v
from ._progress import Progress
from ._results import DismatResult, DisvecResult, RundtwResult
from .search import _prepare, _result
from .collection import _condensed_start, _cross_collections, _input, _options, _square, _with_collection, as_collection

__all__ = ["dtw_dismat", "dtw_cdist", "dtw_disvec", "rundtw", "tile_rows", "chunk_windows"]


def _client(client: Any) -> Any:
    try:
        from dask.distributed import Client, default_client
    except ImportError as exc:  # pragma: no cover - exercised only without dask
        raise ImportError("incdtw.distributed needs dask.distributed: pip install incdtw[dask]") from exc
    if client is None:
        try:
            client = default_client()
        except ValueError as exc:
            raise ValueError("client: no Dask client is running; pass client= or create one first") from exc
    if not isinstance(client, Client):
        raise TypeError(f"client must be a dask.distributed.Client, got {type(client).__name__}")
    if client.status != "running":
        raise ValueError(f"client is {client.status}: connect a running Dask client")
    return client


def tile_rows(lengths: list[int], other_cells: float, workers: int, cells_per_tile: float = 2.5e9,
              memory: int = 0) -> int:
    """Series per row block: square-ish tiles of about ``cells_per_tile`` DTW cells (2.5e9: about
    0.25 s of one core), but small enough for about four tiles per worker, and for a tile's result
    (8 bytes per pair) to take at most 1/16 of ``memory`` (a worker's memory limit; 0: none); one
    tile when the whole job is smaller than that. ``other_cells``: the mean length of the series on
    the other side.

    Measured (2,000 series of 128, 2 single-threaded workers on a 2-core machine, where the
    scheduler and the client share the cores with the workers): about 3 ms of overhead per task,
    so tiles of 25 series (3,240 tasks) take 11 s against 2.3 s with this rule (21 tiles of 334
    series, 1.8x over one worker)."""
    k = len(lengths)
    if k == 0:
        return 1
    pair = float(np.mean(lengths)) * max(float(other_cells), 1.0)  # cells of one pair
    fits = int(math.isqrt(max(int(memory), 0) // 128)) if memory else 4096  # rows^2 * 8 <= memory / 16
    if k * k * pair <= cells_per_tile and k <= fits:
        return k
    rows = math.ceil(math.sqrt(cells_per_tile / pair))
    balance = max(1, math.floor(k / math.sqrt(8 * max(int(workers), 1))))  # (k / rows)^2 / 2 >= 4 workers
    return int(max(1, min(rows, balance, 4096, fits, k)))


def _workers(client: Any) -> tuple[int, int]:
    """The number of workers and the smallest memory limit among them (0: none)."""
    info = client.scheduler_info()["workers"]
    limits = [int(w.get("memory_limit") or 0) for w in info.values()]
    return len(info) or 1, min((m for m in limits if m > 0), default=0)


def _check_feasible(xs: list[np.ndarray], xname: str, ys: list[np.ndarray], yname: str, ws: Any) -> None:
    """With a window every pair must be feasible: checked here, before any tile is sent, so that the
    message names the pair in the whole collection (as the local functions do)."""
    if ws is None:
        return
    lx, ly = [len(s) for s in xs], [len(s) for s in ys]
    for a, b in ((int(np.argmax(lx)), int(np.argmin(ly))), (int(np.argmin(lx)), int(np.argmax(ly)))):
        if abs(lx[a] - ly[b]) > ws:
            raise ValueError(
                f"window size is too small, no warping path can be found for the pair {xname}[{a}] (length {lx[a]}) "
                f"and {yname}[{b}] (length {ly[b]}): |difference| > ws = {ws}"
            )


def _blocks(k: int, size: int) -> list[tuple[int, int]]:
    """ceil(k / size) blocks of equal sizes (within one): tiles of one size balance best."""
    count = -(-k // size)
    edges = [k * i // count for i in range(count + 1)]
    return list(zip(edges[:-1], edges[1:]))


def _pack(series: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """A block of series as one array and their lengths: one buffer to send instead of one per
    series (scattering 2,000 short series one by one costs 0.1 s)."""
    return np.concatenate(series), np.array([len(s) for s in series], dtype=np.intp)


def _unpack(block: tuple[np.ndarray, np.ndarray]) -> list[np.ndarray]:
    flat, lengths = block
    return np.split(flat, np.cumsum(lengths)[:-1])


def _scatter_blocks(client: Any, series: list[np.ndarray], blocks: list[tuple[int, int]]) -> list[Any]:
    # broadcast: every worker holds every block, so a dead worker loses no data (scattered data
    # cannot be recomputed); hash=False: keys are never shared with an earlier call's futures.
    futures: list[Any] = client.scatter([_pack(series[a:b]) for a, b in blocks], hash=False, broadcast=True)
    return futures


def _cross_tile(xb: tuple[np.ndarray, np.ndarray], yb: tuple[np.ndarray, np.ndarray],
                opts: dict[str, Any]) -> np.ndarray:
    return _core.dtw_cdist(_unpack(xb), _unpack(yb), **opts)


def _triangle_tile(xb: tuple[np.ndarray, np.ndarray], opts: dict[str, Any]) -> np.ndarray:
    xs = _unpack(xb)
    return _core.dtw_dismat(xs, **opts) if len(xs) > 1 else np.empty(0, dtype=xs[0].dtype)


def _progress_mode(progress: Any) -> Any:
    if isinstance(progress, str):
        if progress != "dask":
            raise ValueError(f"progress must be True, False or 'dask', got {progress!r}")
        return progress
    return v.check_flag(progress, "progress")


def _gather(client: Any, futures: dict[Any, Any], progress: Any, desc: str, on_result: Any) -> None:
    """on_result(key, value) for every future as it finishes; each is released once handled, so
    the results never have to be in memory all at once. ``progress``: incdtw's bar (True) or
    Dask's (``"dask"``)."""
    from dask.distributed import as_completed

    if progress == "dask":
        from dask.distributed import progress as dask_progress

        dask_progress(list(futures.values()), notebook=False)
    keys = {f.key: key for key, f in futures.items()}
    with Progress(len(futures), desc, enabled=progress is True, unit="tiles") as bar:
        try:
            for future in as_completed(list(futures.values())):
                key = keys[future.key]
                on_result(key, future.result())
                futures.pop(key)
                future.release()
                bar.update(1)
        except BaseException:  # a failed tile or an interrupt: the rest would be computed for nothing
            client.cancel(list(futures.values()))
            raise


def _size(nbytes: int) -> str:
    return f"{nbytes:,} bytes ({nbytes / 2**20:,.1f} MiB)"


class _NpyOut:
    """A result written tile by tile into a ``.npy`` file: a temporary file next to ``out`` whose
    blocks are reserved before it is mapped (a full disk is then an OSError here, never a SIGBUS
    while a tile is written through the map), renamed onto ``out`` only once every tile has
    arrived (commit); discard() removes it, so a failed run leaves ``out`` as it was."""

    def __init__(self, path: str, shape: tuple[int, ...], dtype: np.dtype) -> None:
        directory = os.path.dirname(os.path.abspath(path))
        if not os.path.isdir(directory):
            raise FileNotFoundError(errno.ENOENT, f"out: the directory of {path!r} does not exist")
        head = io.BytesIO()
        np.lib.format.write_array_header_1_0(
            head, {"descr": np.lib.format.dtype_to_descr(dtype), "fortran_order": False, "shape": shape})
        offset = len(head.getvalue())
        nbytes = int(np.prod(shape, dtype=np.float64)) * dtype.itemsize
        need = offset + nbytes
        free = shutil.disk_usage(directory).free
        if need > free:
            raise OSError(errno.ENOSPC, f"out: {path!r} needs {_size(need)} but its file system has only "
                                        f"{_size(free)} free")
        self.path = path
        self.tmp = os.path.join(directory, f".{os.path.basename(path)}.{uuid.uuid4().hex[:12]}.tmp")
        try:
            with open(self.tmp, "xb") as fp:
                fp.write(head.getvalue())
                fp.flush()
                _reserve(fp, need, path)
            self.array: Optional[np.memmap] = np.memmap(self.tmp, dtype=dtype, mode="r+", offset=offset, shape=shape)
        except BaseException:
            self.discard()
            raise

    def commit(self) -> np.ndarray:
        """Every tile has arrived: the file becomes ``out``, returned mapped into memory."""
        assert self.array is not None
        self.array.flush()
        self.array = None
        os.replace(self.tmp, self.path)
        result: np.ndarray = np.load(self.path, mmap_mode="r+")
        return result

    def discard(self) -> None:
        self.array = None
        try:
            os.unlink(self.tmp)
        except FileNotFoundError:
            pass


def _reserve(fp: Any, size: int, path: str) -> None:
    """Allocates the file's blocks up to ``size`` bytes (posix_fallocate, else zeros written), so
    that writing through a memory map of it cannot run out of space."""
    fd = fp.fileno()
    try:
        try:
            if not hasattr(os, "posix_fallocate"):
                raise NotImplementedError
            os.posix_fallocate(fd, 0, size)
            return
        except NotImplementedError:
            pass
        except OSError as exc:
            if exc.errno not in (errno.EINVAL, errno.EOPNOTSUPP, getattr(errno, "ENOTSUP", errno.EOPNOTSUPP)):
                raise
        block = bytes(1 << 20)
        fp.seek(0, os.SEEK_END)
        left = size - fp.tell()
        while left > 0:
            fp.write(block[: min(left, len(block))])
            left -= len(block)
        fp.flush()
        os.fsync(fd)
    except OSError as exc:
        raise OSError(exc.errno, f"out: could not reserve {_size(size)} for {path!r}: {exc.strerror}") from exc


@contextlib.contextmanager
def _discard_on_error(file: Optional[_NpyOut]) -> Iterator[None]:
    """A failed or interrupted run removes the unfinished file (``out`` stays as it was)."""
    try:
        yield
    except BaseException:
        if file is not None:
            file.discard()
        raise


def _output(out: Any, shape: tuple[int, ...], dtype: np.dtype, what: str) -> tuple[np.ndarray, Optional[_NpyOut]]:
    """The array the tiles are written into: in memory (refused before allocating when it would not
    fit), or a ``.npy`` file mapped into memory (results larger than memory; see _NpyOut)."""
    if out is None:
        v.ensure_fits(int(np.prod(shape, dtype=np.float64)) * dtype.itemsize, what,
                      "write it to a file (out='result.npy') or keep it on the cluster (return_dask=True)")
        return np.empty(shape, dtype=dtype), None
    path = os.fspath(out) if isinstance(out, (str, os.PathLike)) else None
    if not isinstance(path, str) or not path.endswith(".npy"):
        raise ValueError(f"out must be the path of a .npy file, got {out!r}")
    file = _NpyOut(path, shape, dtype)
    assert file.array is not None
    return file.array, file


def _matrix_run(progress: Any, retries: Any, out: Any, return_dask: Any) -> tuple[Any, int, bool]:
    """The checked run options of dtw_dismat and dtw_cdist: progress mode, retries, return_dask."""
    show, tries = _progress_mode(progress), v.check_count(retries, "retries", 0)
    lazy = v.check_flag(return_dask, "return_dask")
    if lazy and out is not None:
        raise ValueError("out and return_dask=True exclude each other")
    return show, tries, lazy


def _dask_block(future: Any, shape: tuple[int, int], dtype: np.dtype) -> Any:
    import dask.array as da

    return da.from_delayed(future, shape=shape, dtype=dtype)


def dtw_dismat(
    lot: Any,
    client: Any = None,
    dist_method: str = "norm1",
    step_pattern: str = "symmetric2",
    normalize: bool = True,
    ws: Optional[float] = None,
    threshold: Optional[float] = None,
    return_matrix: bool = False,
    n_jobs: Any = -1,
    tile: Optional[int] = None,
    retries: int = 3,
    progress: Any = False,
    out: Any = None,
    return_dask: bool = False,
) -> DismatResult:
    """:func:`incdtw.dtw_dismat` on a Dask cluster: the same result, bit for bit.

    Parameters
    ----------
    lot, dist_method, step_pattern, normalize, ws, threshold, return_matrix
        As in :func:`incdtw.dtw_dismat`.
    client : dask.distributed.Client, optional
        The cluster (default: the current client).
    n_jobs : int, default -1
        Threads of the C++ kernel inside each worker (scikit-learn's convention).
    tile : int, optional
        Series per row block of the tiles (default: :func:`tile_rows`).
    retries : int, default 3
        Times a tile is recomputed when its worker dies.
    progress : bool or "dask"
        A progress bar over the tiles: incdtw's (``True``: tqdm, or a counter on stderr) or Dask's
        text bar (``"dask"``; the dashboard shows the tasks too).
    out : str or path, optional
        Write the result into this ``.npy`` file, tile by tile as they finish, and return it mapped
        into memory (``numpy.load(out, mmap_mode="r")`` reads it later): for results larger than
        memory. Without it the result is refused before anything is sent when it would not fit.
        The file's space is checked and reserved before anything is sent (a full disk is an
        ``OSError`` naming ``out``); the tiles go to a temporary file next to it that replaces
        ``out`` only once every tile has arrived, so a failed or interrupted run leaves ``out``
        as it was.
    return_dask : bool
        Return the square matrix as a ``dask.array`` whose blocks stay on the workers (nothing is
        gathered; ``.to_zarr()``, ``.store()`` or slicing work as usual); the series blocks are its
        chunks.
    """
    opts = _options(dist_method, step_pattern, normalize, ws, threshold, n_jobs)
    matrix = v.check_flag(return_matrix, "return_matrix")
    show, tries, lazy = _matrix_run(progress, retries, out, return_dask)
    series = as_collection(lot)
    if len(series) < 2:
        raise ValueError("lot must hold at least two series for a distance matrix")
    _check_feasible(series, "lot", series, "lot", opts["ws"])
    k = len(series)
    dtype = series[0].dtype
    shape = (k, k) if matrix or lazy else (k * (k - 1) // 2,)
    result, file = (None, None) if lazy else _output(out, shape, dtype, f"the distance matrix of {k} series")
    with _discard_on_error(file):
        c = _client(client)
        lengths = [len(s) for s in series]
        workers, memory = _workers(c)
        size = v.check_count(tile, "tile", 1) if tile is not None else tile_rows(
            lengths, float(np.mean(lengths)), workers, memory=memory)
        blocks = _blocks(k, size)
        scattered = _scatter_blocks(c, series, blocks)
        # The largest tasks first (Dask runs them roughly in the order submitted): the cross tiles, then
        # the diagonal triangles (half a tile each) fill the workers' last gaps.
        futures = {}
        for bi in range(len(blocks)):
            for bj in range(bi + 1, len(blocks)):
                futures[(bi, bj)] = c.submit(_cross_tile, scattered[bi], scattered[bj], opts, retries=tries, pure=False)
        for bi in range(len(blocks)):
            futures[(bi, bi)] = c.submit(_triangle_tile, scattered[bi], opts, retries=tries, pure=False)
        if lazy:
            import dask.array as da

            span = [b - a for a, b in blocks]
            grid: list[list[Any]] = [[None] * len(blocks) for _ in blocks]
            for (bi, bj), f in futures.items():
                if bi == bj:
                    sq = c.submit(_square, f, span[bi], retries=tries, pure=False)
                    grid[bi][bi] = _dask_block(sq, (span[bi], span[bi]), dtype)
                else:
                    grid[bi][bj] = _dask_block(f, (span[bi], span[bj]), dtype)
                    grid[bj][bi] = grid[bi][bj].T
            return DismatResult(input=_input(opts), dismat=da.block(grid))
        assert result is not None

        def place(key: tuple[int, int], values: np.ndarray) -> None:
            bi, bj = key
            a, b = blocks[bi]
            if matrix:
                if bi == bj:
                    block = _square(values, b - a)
                    result[a:b, a:b] = block
                else:
                    c0, c1 = blocks[bj]
                    result[a:b, c0:c1] = values
                    result[c0:c1, a:b] = values.T
                return
            if bi == bj:  # the block's own pairs, condensed in the block's order
                t = 0
                for i in range(a, b):
                    n = b - i - 1
                    start = _condensed_start(i, k)  # (i, i + 1)
                    result[start : start + n] = values[t : t + n]
                    t += n
            else:
                c0, c1 = blocks[bj]
                for i in range(a, b):
                    start = _condensed_start(i, k) + c0 - i - 1  # (i, c0)
                    result[start : start + c1 - c0] = values[i - a]

        _gather(c, futures, show, "dtw_dismat", place)
    return DismatResult(input=_input(opts), dismat=result if file is None else file.commit())


def dtw_cdist(
    X: Any,
    Y: Any = None,
    client: Any = None,
    dist_method: str = "norm1",
    step_pattern: str = "symmetric2",
    normalize: bool = True,
    ws: Optional[float] = None,
    threshold: Optional[float] = None,
    n_jobs: Any = -1,
    tile: Optional[int] = None,
    retries: int = 3,
    progress: Any = False,
    out: Any = None,
    return_dask: bool = False,
) -> Any:
    """:func:`incdtw.dtw_cdist` on a Dask cluster: the same matrix, bit for bit (parameters as in
    :func:`dtw_dismat` of this module; ``return_dask=True`` returns a ``dask.array`` whose blocks
    are the tiles)."""
    opts = _options(dist_method, step_pattern, normalize, ws, threshold, n_jobs)
    show, tries, lazy = _matrix_run(progress, retries, out, return_dask)
    xs, ys = _cross_collections(X, Y)
    _check_feasible(xs, "X", ys, "Y", opts["ws"])
    dtype = xs[0].dtype
    what = f"the {len(xs)} x {len(ys)} distance matrix"
    result, file = (None, None) if lazy else _output(out, (len(xs), len(ys)), dtype, what)
    with _discard_on_error(file):
        c = _client(client)
        workers, memory = _workers(c)
        ylen = float(np.mean([len(s) for s in ys]))
        size = v.check_count(tile, "tile", 1) if tile is not None else tile_rows([len(s) for s in xs], ylen, workers,
                                                                                 memory=memory)
        ysize = v.check_count(tile, "tile", 1) if tile is not None else tile_rows([len(s) for s in ys], ylen, workers,
                                                                                  memory=memory)
        xb, yb = _blocks(len(xs), size), _blocks(len(ys), ysize)
        xf = _scatter_blocks(c, xs, xb)
        yf = xf if Y is None and ysize == size else _scatter_blocks(c, ys, yb)
        futures = {(i, j): c.submit(_cross_tile, xf[i], yf[j], opts, retries=tries, pure=False)
                   for i in range(len(xb)) for j in range(len(yb))}
        if lazy:
            import dask.array as da

            return da.block([[_dask_block(futures[(i, j)], (xb[i][1] - xb[i][0], yb[j][1] - yb[j][0]), dtype)
                              for j in range(len(yb))] for i in range(len(xb))])
        assert result is not None

        def place(key: tuple[int, int], values: np.ndarray) -> None:
            i, j = key
            result[xb[i][0] : xb[i][1], yb[j][0] : yb[j][1]] = values

        _gather(c, futures, show, "dtw_cdist", place)
    return result if file is None else file.commit()


def dtw_disvec(
    Q: Any,
    lot: Any,
    client: Any = None,
    dist_method: str = "norm1",
    step_pattern: str = "symmetric2",
    normalize: bool = True,
    ws: Optional[float] = None,
    threshold: Optional[float] = None,
    n_jobs: Any = -1,
    tile: Optional[int] = None,
    retries: int = 3,
    progress: Any = False,
) -> DisvecResult:
    """:func:`incdtw.dtw_disvec` on a Dask cluster: the same distances, bit for bit."""
    opts = _options(dist_method, step_pattern, normalize, ws, threshold, n_jobs)
    q, series = _with_collection(v.as_series(Q, "Q"), "Q", as_collection(lot))
    d = dtw_cdist(series, [q], client=client, dist_method=dist_method, step_pattern=step_pattern,
                  normalize=normalize, ws=ws, threshold=threshold, n_jobs=n_jobs, tile=tile, retries=retries,
                  progress=progress)
    return DisvecResult(input=_input(opts), disvec=d[:, 0])


def chunk_windows(windows: int, workers: int, min_windows: int = 20_000, max_windows: int = 1 << 22) -> int:
    """Windows per chunk of :func:`rundtw`: about four chunks per worker (a search's cost per window
    varies with the data, so more chunks than workers balance better), at least ``min_windows``
    (a chunk's fixed costs: its task, its envelope, a few speculated windows) and at most
    ``max_windows`` (a chunk's per-window results, 9 bytes each in float64)."""
    per = math.ceil(max(int(windows), 1) / (4 * max(int(workers), 1)))
    return int(min(max(per, min_windows), max_windows))


def _part(action: str, q: np.ndarray, data: np.ndarray, where: tuple[int, int, Optional[np.ndarray]],
          opts: dict[str, Any], **kw: Any) -> dict[str, Any]:
    first, series, z_start = where
    return _core.rundtw_part(action, q, data, first=first, series=series, z_start=z_start, **opts, **kw)


def _search(q: np.ndarray, data: np.ndarray, where: tuple[int, int, Optional[np.ndarray]], opts: dict[str, Any],
            tau: float, shared: Optional[str]) -> dict[str, Any]:
    """Phase 1 of a chunk from the best bound of the k-th distance known when it starts: the seed's,
    or a smaller one that a finished chunk published in the Dask Variable ``shared`` (v_k of a
    chunk's candidates bounds v_k of all windows: detail/knn.hpp). The bound only decides what the
    search may skip, so a stale or lost value costs time, never a wrong result."""
    var = None
    if shared is not None:
        from dask.distributed import Variable

        try:
            var = Variable(shared)
            tau = min(tau, float(var.get(timeout=5)))
        except Exception:  # pragma: no cover - the variable is an optimisation only
            var = None
    out = _part("search", q, data, where, opts, tau=tau)
    k, overlap = opts["k"], len(q) - opts["overlap_tol"]
    if var is not None and len(out["values"]) >= k:
        picks = _core.rundtw_select(out["values"], np.zeros(len(out["values"]), np.intp), out["positions"], k, overlap)[0]
        if len(picks) == k and float(picks[-1]) < tau:
            try:
                var.set(min(float(picks[-1]), float(var.get(timeout=5))))
            except Exception:  # pragma: no cover
                pass
    return out


def _finish(q: np.ndarray, data: np.ndarray, where: tuple[int, int, Optional[np.ndarray]], opts: dict[str, Any],
            saved: dict[str, Any], state: Any, prev_dist: Optional[list[np.ndarray]]) -> dict[str, Any]:
    prev = np.concatenate(prev_dist) if prev_dist else None
    return _part("finish", q, data, where, opts, saved=saved, state=state, prev_dist=prev)


def rundtw(
    Q: Any,
    C: Any,
    client: Any = None,
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
    n_jobs: Any = -1,
    chunk: Optional[int] = None,
    retries: int = 3,
    progress: Any = False,
) -> RundtwResult:
    """:func:`incdtw.rundtw` on a Dask cluster: the same result, bit for bit (``dist``, the k
    nearest windows and their distances; ``counter`` describes how the chunks decided).

    Every series is split into chunks of windows; a chunk holds the observations of its windows
    (so neighbouring chunks overlap by ``len(Q) - 1`` observations) and is scattered once. Then
    in parallel every chunk either searches its k nearest-neighbour candidates (``k > 0``; the
    candidates of all chunks merged best first are exactly the k-NN) or computes IncDTW's reported
    distances from a guessed reporting state (``k = 0``). A short chain of tasks finally applies
    IncDTW's reporting rule from the true state of the previous chunk: with ``k > 0`` to every
    window (cheap after the search), with ``k = 0`` only until the chunk's walk meets the true one
    (usually a few windows). Series that are shorter than a chunk are one chunk each.

    Parameters
    ----------
    Q, C, dist_method, step_pattern, k, scale, ws, threshold, lower_bound, overlap_tol, return_QC, normalize
        As in :func:`incdtw.rundtw`.
    client : dask.distributed.Client, optional
        The cluster (default: the current client).
    n_jobs : int, default -1
        Threads inside each worker (scikit-learn's convention).
    chunk : int, optional
        Windows per chunk (default: :func:`chunk_windows`).
    retries, progress
        As in :func:`dtw_dismat` of this module (``progress`` counts chunks).
    """
    args = _prepare(Q, C, dist_method, step_pattern, k, scale, ws, threshold, lower_bound, overlap_tol, return_QC,
                    normalize, n_jobs)
    show = _progress_mode(progress)
    tries = v.check_count(retries, "retries", 0)
    size = v.check_count(chunk, "chunk", 1) if chunk is not None else None
    c = _client(client)
    q, series, opts = args.q, args.series, dict(args.options)
    n = len(q)
    windows = [len(s) - n + 1 for s in series]
    opts["k"] = kk = min(opts["k"], sum(windows))  # as the core: no more neighbours than windows
    overlap = n - opts["overlap_tol"]
    use_ea = opts["lower_bound"] or kk > 0 or opts["threshold"] is not None
    speculative = kk == 0 and use_ea
    if size is None:
        size = chunk_windows(sum(windows), _workers(c)[0])

    chunks = []  # (series, first window, end window)
    where = []  # (first window, series, IncDTW's running z state there: only z needs it)
    for si, w in enumerate(windows):
        starts = list(range(0, w, size))
        z = _core.rundtw_z_states(series[si], n, starts) if opts["scale"] == "z" else None
        chunks += [(si, b, min(w, b + size)) for b in starts]
        where += [(b, si, z[i].ravel() if z is not None and b > 0 else None) for i, b in enumerate(starts)]
    data = c.scatter([series[si][b : e + n - 1] for si, b, e in chunks], hash=False, broadcast=True)  # see _scatter_blocks

    tau = float("inf") if opts["threshold"] is None else float(opts["threshold"])
    if kk > 0:  # a bound of the k-th distance from a search of the first windows (detail/knn.hpp)
        seed = min(windows[0], max(16 * kk * overlap, 4096))
        if seed < windows[0]:
            first = _core.rundtw(q, [series[0][: seed + n - 1]], **{**opts, "n_jobs": 1})
            if len(first["knn_values"]) == kk:
                tau = min(tau, float(first["knn_values"][-1]))

    def submit(fn: Any, *a: Any, **kw: Any) -> Any:
        return c.submit(fn, *a, retries=tries, pure=False, **kw)

    shared = None
    if kk > 0 and len(chunks) > 2:  # chunks publish their bounds for the chunks that start later
        from dask.distributed import Variable

        shared = f"incdtw-rundtw-tau-{uuid.uuid4().hex}"
        variable = Variable(shared, client=c)
        variable.set(tau)
    phase1 = []
    for i in range(len(chunks)):
        if speculative:
            phase1.append(submit(_part, "speculate", q, data[i], where[i], opts))
        else:
            phase1.append(submit(_search, q, data[i], where[i], opts, tau, shared))
    finished: list[Any] = []
    states: list[Any] = []  # futures
    dists: list[Any] = []
    series_start = 0  # index of the current series' first chunk
    for i, (si, b, e) in enumerate(chunks):
        saved = submit(operator.getitem, phase1[i], "saved")
        state = None
        prev = None
        if b > 0:
            state = states[i - 1]
        else:
            if kk > 0 and si > 0:  # list mode: IncDTW's bookkeeping goes on from the previous series
                state = states[i - 1]
                prev = dists[series_start:i]
            series_start = i
        fin = submit(_finish, q, data[i], where[i], opts, saved, state, prev)
        finished.append(fin)
        states.append(submit(operator.getitem, fin, "state"))
        dists.append(submit(operator.getitem, fin, "dist"))
    cand = [submit(operator.itemgetter("values", "positions"), f) for f in phase1] if kk > 0 else []
    results: dict[int, Any] = {}
    _gather(c, dict(enumerate(finished)), show, "rundtw", results.__setitem__)
    found = c.gather(cand) if cand else []

    pieces: list[list[np.ndarray]] = [[] for _ in series]
    counter: dict[str, int] = {}
    query = None
    for i, (si, _, _) in enumerate(chunks):
        r = results[i]
        pieces[si].append(r["dist"])
        for key, value in r["counter"].items():
            counter[key] = counter.get(key, 0) + int(value)
        query = r["query"] if query is None else query
    if shared is not None:
        variable.delete()
    dist = [np.concatenate(p) for p in pieces]
    knn_values = knn_indices = knn_series = None
    if kk > 0:
        values = np.concatenate([f[0] for f in found]) if found else np.empty(0, q.dtype)
        positions = np.concatenate([f[1] for f in found]) if found else np.empty(0, np.intp)
        owner = np.concatenate([np.full(len(f[0]), chunks[i][0], np.intp) for i, f in enumerate(found)])
        knn_values, knn_series, knn_indices = _core.rundtw_select(values, owner, positions, kk, overlap)
    return _result(args, dist, counter, knn_values, knn_indices, knn_series, query)
