"""incdtw side by side with its Python peers, on the same data in the same run.

    python benchmarks/bench_dtw.py            # full run (a few minutes)
    python benchmarks/bench_dtw.py --quick    # small sizes, a smoke test
    python benchmarks/bench_dtw.py --json results.json
    python benchmarks/bench_dtw.py --only distance dismat path --simd avx2 avx512

Each workload times incdtw and every installed peer on identical inputs (best of --repeat runs
after one warm-up), checks that the results agree, and prints times, cells/s and the ratio
peer time / incdtw time (> 1: incdtw is faster). A workload is a function registered with @workload.

The distance, dismat and path workloads time incdtw at every SIMD level of the CPU (scalar,
avx2, avx512; `with incdtw.simd(level)`), one row per level labelled "library [level]", check
that every level's result is bit-identical to the top level's, and end with a table by level:
Gcells/s, the rate relative to the top level's, and peer time / incdtw time at each level.
Peer rows in the main table are compared with the top level (what incdtw uses by default).
"""

from __future__ import annotations

import argparse
import platform
import sys
import time
from dataclasses import dataclass, field
from typing import Callable, Optional

import numpy as np

import incdtw
from _common import band_cells, best_time, recordings, versions, write_rows

try:
    from dtaidistance import dtw as dtai
    from dtaidistance import dtw_cc  # noqa: F401  (the C extension; without it dtaidistance is pure Python)
except ImportError:  # pragma: no cover
    dtai = None
try:
    import dtw as dtwpython  # dtw-python
except ImportError:  # pragma: no cover
    dtwpython = None
try:
    from tslearn.metrics import cdist_dtw as tslearn_cdist
except ImportError:  # pragma: no cover
    tslearn_cdist = None
try:
    from aeon.distances import pairwise_distance as aeon_pairwise
except ImportError:  # pragma: no cover
    aeon_pairwise = None


@dataclass
class Row:
    workload: str
    library: str
    seconds: float
    cells: float
    check: str = ""
    ratio: Optional[float] = None  # peer seconds / incdtw seconds
    level: Optional[str] = None  # SIMD level of an incdtw row timed at every level (at_levels)
    of_top: Optional[float] = None  # that level's rate / the top level's rate

    @property
    def gcells(self) -> float:
        return self.cells / self.seconds / 1e9


@dataclass
class Context:
    quick: bool
    repeat: int
    levels: tuple = ("scalar",)  # SIMD levels timed by at_levels, lowest first
    rows: list = field(default_factory=list)
    # (title, incdtw rows at each level, peer rows) for the table by SIMD level
    by_level: list = field(default_factory=list)


WORKLOADS: list[tuple[str, Callable[[Context], None]]] = []


def workload(name: str):
    def register(fn):
        WORKLOADS.append((name, fn))
        return fn

    return register


def random_walks(n: int, m: int, seed: int = 2026) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    return np.cumsum(rng.standard_normal(n)), np.cumsum(rng.standard_normal(m))


def add(ctx: Context, name: str, ours: Row, peers: list[Row]) -> None:
    ctx.rows.append(ours)
    for p in peers:
        p.ratio = p.seconds / ours.seconds
        ctx.rows.append(p)


def same(a: object, b: object) -> bool:
    """Bit-identical results (tuples element by element)."""
    if isinstance(a, tuple):
        return isinstance(b, tuple) and len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    return np.array_equal(np.asarray(a), np.asarray(b), equal_nan=True)


def at_levels(ctx: Context, name: str, library: str, fn: Callable[[], object], cells: float,
              repeat: Optional[int] = None, key: Callable[[object], object] = lambda r: r) -> tuple[list, object]:
    """Times `fn` at every SIMD level of ctx.levels (lowest first) inside `with incdtw.simd(level)`.

    One Row per level, labelled "library [level]"; its of_top is its rate relative to the top
    level's, and its check says whether key(result) is bit-identical to the top level's. Returns
    the rows (the top level last) and the top level's result."""
    rows, results = [], []
    for level in ctx.levels:
        with incdtw.simd(level) as used:
            t, r = best_time(fn, ctx.repeat if repeat is None else repeat)
        rows.append(Row(name, f"{library} [{used}]", t, cells, level=used))
        results.append(r)
    top, top_key = rows[-1], key(results[-1])
    for row, r in zip(rows, results):
        row.of_top = top.seconds / row.seconds
        if row is not top:
            row.check = f"{row.of_top:.2f} of [{top.level}]'s rate, bit-identical: {same(key(r), top_key)}"
    return rows, results[-1]


def add_levels(ctx: Context, title: str, ours: list, peers: list[Row]) -> None:
    """add() for the rows of at_levels: the peers' ratios are against the top level, and the
    group goes into the table by SIMD level (peer time / incdtw time at each level)."""
    ctx.rows.extend(ours[:-1])
    add(ctx, title, ours[-1], peers)
    ctx.by_level.append((title, ours, peers))


def peer_copies(peers: list[Row], name: str, note: Optional[str] = None) -> list[Row]:
    """The peers timed once, as rows of another variant of the workload (`note` replaces the check)."""
    return [Row(name, p.library, p.seconds, p.cells, p.check if note is None else note) for p in peers]


@workload("distance")
def distance(ctx: Context) -> None:
    """One pair of random walks n = m = 10,000 at every SIMD level: symmetric1 + squared differences
    (dtaidistance's recurrence), symmetric2 + norm1 (IncDTW's default), the default with a 10 %
    window (rate over the band cells), and both recurrences on float32 input (computed in float32).
    dtaidistance is timed once, in float64 (its only precision), and compared with every variant."""
    n = 2_000 if ctx.quick else 10_000
    ws = n // 10
    q, c = random_walks(n, n)
    q32, c32 = q.astype(np.float32), c.astype(np.float32)
    full, band = n * n, band_cells(n, n, ws)
    sym1 = dict(step_pattern="symmetric1", dist_method="norm2_square")
    sym2 = dict(step_pattern="symmetric2", dist_method="norm1")
    ref = {  # float64 results (default level) for the checks of the float32 rows
        "symmetric1": incdtw.dtw2vec(q, c, **sym1).distance,
        "symmetric2": incdtw.dtw2vec(q, c, **sym2).distance,
    }

    # the peers, timed once: symmetric1 + squared differences, the result is the square root
    peers, peers_window = [], []
    if dtai is not None:
        tp, theirs = best_time(lambda: dtai.distance_fast(q, c, use_pruning=False), ctx.repeat)
        ok = np.isclose(np.sqrt(ref["symmetric1"]), theirs, rtol=1e-12)
        peers.append(Row("", "dtaidistance.distance_fast", tp, full, f"sqrt equal: {ok}"))
        tp, theirs = best_time(lambda: dtai.distance_fast(q, c, use_pruning=True), ctx.repeat)
        ok = np.isclose(np.sqrt(ref["symmetric1"]), theirs, rtol=1e-12)
        peers.append(Row("", "dtaidistance.distance_fast(pruning)", tp, full, f"sqrt equal: {ok}"))
        # window=ws+1 is |i-j| <= ws, the same band
        tp, _ = best_time(lambda: dtai.distance_fast(q, c, window=ws + 1, use_pruning=False), ctx.repeat)
        peers_window.append(Row("", "dtaidistance.distance_fast(window)", tp, band, "sym1/sq cost"))

    variants = (  # (label, q, c, options, ws, cells)
        ("symmetric1 norm2_square float64", q, c, sym1, None, full),
        ("symmetric2 norm1 float64", q, c, sym2, None, full),
        (f"symmetric2 norm1 ws={ws} float64", q, c, sym2, ws, band),
        ("symmetric1 norm2_square float32", q32, c32, sym1, None, full),
        ("symmetric2 norm1 float32", q32, c32, sym2, None, full),
    )
    for label, x, y, opts, w, cells in variants:
        name = f"distance n=m={n} {label}"
        rows, ours = at_levels(ctx, name, "incdtw.dtw2vec",
                               lambda: incdtw.dtw2vec(x, y, ws=w, **opts).distance, cells)
        if x.dtype == np.float32:
            rel = abs(ours - ref[opts["step_pattern"]]) / abs(ref[opts["step_pattern"]])
            rows[-1].check = f"float32; relative difference to float64: {rel:.1e}"
        if w is not None:
            theirs = peer_copies(peers_window, name)
        elif opts is sym1 and x.dtype == np.float64:
            theirs = peer_copies(peers, name)  # the same computation: their checks hold
        else:  # the same cells, not the same computation
            notes = ["float64"] if opts is sym1 else ["sym1/sq cost"] + (["float64"] if x.dtype == np.float32 else [])
            theirs = peer_copies(peers, name, ", ".join(notes))
        add_levels(ctx, name, rows, theirs)


@workload("path")
def path(ctx: Context) -> None:
    """The warping path of one pair n = m = 2,000 at every SIMD level, with and without the global
    cost matrix (the vector kernel records the direction codes, and the gcm values when asked)."""
    n = 500 if ctx.quick else 2_000
    q, c = random_walks(n, n, seed=7)
    name = f"warping path n=m={n} symmetric1 norm2_square"
    opts = dict(step_pattern="symmetric1", dist_method="norm2_square", return_wp=True)
    key = lambda r: (r.distance, r.ii, r.jj)  # noqa: E731
    rows, ours = at_levels(ctx, name, "incdtw.dtw(return_wp)", lambda: incdtw.dtw(q, c, **opts), n * n, key=key)
    rows_light, _ = at_levels(ctx, name, "incdtw.dtw(return_gcm=False)",
                              lambda: incdtw.dtw(q, c, return_gcm=False, **opts), n * n, key=key)
    peers = []
    if dtai is not None:
        tp, theirs = best_time(lambda: dtai.warping_path_fast(q, c), ctx.repeat)
        same_path = [tuple(p) for p in theirs] == list(zip(ours.ii.tolist(), ours.jj.tolist()))
        peers.append(Row(name, "dtaidistance.warping_path_fast", tp, n * n, f"same path: {same_path}"))
    add_levels(ctx, name, rows, peers)
    add_levels(ctx, name + " (return_gcm=False)", rows_light, peer_copies(peers, name))


@workload("dtw-python")
def dtw_python(ctx: Context) -> None:
    if dtwpython is None:
        return
    n = 500 if ctx.quick else 2_000
    q, c = random_walks(n, n, seed=11)
    name = f"distance n=m={n} symmetric2 norm1 (dtw-python's default)"
    t, ours = best_time(lambda: incdtw.dtw2vec(q, c).distance, ctx.repeat)
    tp, theirs = best_time(
        lambda: dtwpython.dtw(q, c, distance_only=True, step_pattern="symmetric2").distance, max(1, ctx.repeat // 2)
    )
    peers = [Row(name, "dtw-python.dtw(distance_only)", tp, n * n, f"equal: {np.isclose(ours, theirs, rtol=1e-12)}")]
    add(ctx, name, Row(name, "incdtw.dtw2vec", t, n * n), peers)
    name = f"gcm + path n=m={n} symmetric2 norm1"
    t, r = best_time(lambda: incdtw.dtw(q, c, return_wp=True), ctx.repeat)
    tp, al = best_time(lambda: dtwpython.dtw(q, c, keep_internals=True, step_pattern="symmetric2"), 1)
    same = np.array_equal(al.index1, r.ii) and np.array_equal(al.index2, r.jj)
    add(ctx, name, Row(name, "incdtw.dtw(return_wp)", t, n * n),
        [Row(name, "dtw-python.dtw(keep_internals)", tp, n * n, f"same path: {same}")])


def per_call(fn: Callable[[], object], calls: int, repeat: int) -> float:
    """Seconds per call of a fast function: the best of `repeat` loops of `calls` calls."""
    fn()
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        for _ in range(calls):
            fn()
        best = min(best, (time.perf_counter() - t0) / calls)
    return best


@workload("increment")
def increment(ctx: Context) -> None:
    """Appending 10 observations to C of an n = 1,000 x m = 10,000 alignment, against from scratch."""
    n, m, k = (1_000, 2_000, 10) if ctx.quick else (1_000, 10_000, 10)
    q, c = random_walks(n, m + k, seed=5)
    new = c[m:]
    calls = 200 if ctx.quick else 2_000
    for step, method in (("symmetric2", "norm1"), ("symmetric1", "norm2_square")):
        opts = dict(step_pattern=step, dist_method=method)
        name = f"append {k} to C, n={n} m={m} {step} {method}"
        t_scratch, full = best_time(lambda: incdtw.dtw2vec(q, c, **opts).distance, ctx.repeat)
        base = incdtw.idtw2vec(q, c[:m], **opts)
        upd = incdtw.idtw2vec(q, new, gcm_lc=base.gcm_lc_new, nC=m, **opts)
        ok = f"equal to scratch: {upd.distance == full}"
        t_upd = per_call(lambda: incdtw.idtw2vec(q, new, gcm_lc=base.gcm_lc_new, nC=m, **opts), calls, ctx.repeat)
        t_lr = per_call(
            lambda: incdtw.idtw2vec(q, new, gcm_lc=base.gcm_lc_new, gcm_lr=base.gcm_lr_new, nC=m, **opts),
            calls, ctx.repeat,
        )
        plane = incdtw.initialize_plane(q, c[:m], **opts)
        t_plane = per_call(lambda: plane.increment(new), calls, ctx.repeat)  # C keeps growing: m, m + 10, ...
        scratch = [Row(name, "incdtw.dtw2vec (from scratch)", t_scratch, n * (m + k), ok)]
        if dtai is not None and step == "symmetric1":
            tp, theirs = best_time(lambda: dtai.distance_fast(q, c, use_pruning=False), ctx.repeat)
            same = np.isclose(np.sqrt(full), theirs, rtol=1e-12)
            scratch.append(Row(name, "dtaidistance.distance_fast (scratch)", tp, n * (m + k), f"sqrt equal: {same}"))
        for label, t in (("incdtw.idtw2vec(gcm_lc, nC)", t_upd), ("incdtw.idtw2vec(gcm_lc, gcm_lr, nC)", t_lr),
                         ("incdtw.PlaneDTW.increment", t_plane)):
            add(ctx, name, Row(name, label, t, n * k),
                [Row(name, r.library, r.seconds, r.cells, r.check) for r in scratch])

    # matrix form: the old n x m matrices are copied into the n x (m + k) result
    n, m = (500, 1_000) if ctx.quick else (1_000, 5_000)
    q, c = random_walks(n, m + k, seed=6)
    name = f"append {k} to C (matrix form idtw), n={n} m={m}"
    base_m = incdtw.dtw(q, c[:m])
    t_scratch, full_m = best_time(lambda: incdtw.dtw(q, c), ctx.repeat)
    t_idtw, r = best_time(lambda: incdtw.idtw(q, c[:m], c[m:], base_m.gcm, base_m.dm), ctx.repeat)
    ok = np.array_equal(r.gcm, full_m.gcm) and np.array_equal(r.dm, full_m.dm)
    add(ctx, name, Row(name, "incdtw.idtw", t_idtw, n * k),
        [Row(name, "incdtw.dtw (from scratch)", t_scratch, n * (m + k), f"gcm, dm equal: {ok}")])


@workload("stream")
def stream(ctx: Context) -> None:
    """A stream fed into a PlaneDTW with a query of 1,000: one observation per call, and chunks of 100."""
    n = 1_000
    total = 10_000 if ctx.quick else 100_000
    q, s = random_walks(n, total + 2, seed=9)
    for chunk in (1, 100):
        name = f"stream {total} obs into PlaneDTW, nQ={n}, chunks of {chunk}"
        parts = [s[i:i + chunk] for i in range(2, total + 2, chunk)] if chunk > 1 else list(s[2:])

        def run() -> incdtw.PlaneDTW:
            p = incdtw.initialize_plane(q, s[:2])
            for x in parts:
                p.increment(x)
            return p

        t, p = best_time(run, max(1, ctx.repeat // 3))
        check = ""
        if chunk == 100:
            check = f"equal to dtw2vec: {p.distance == incdtw.dtw2vec(q, s).distance}"
        ctx.rows.append(Row(name, f"incdtw (per observation {t / total * 1e6:.2f} us)", t, n * total, check))
    # the fixed cost of one call: a one-observation increment against a query of 2 (no O(n) work)
    p = incdtw.initialize_plane(q[:2], s[:2])
    one = np.array([0.5])
    t1 = per_call(lambda: p.increment(one), 20_000 if ctx.quick else 200_000, ctx.repeat)
    name = "increment(1 obs) per-call overhead (nQ=2)"
    ctx.rows.append(Row(name, f"incdtw ({t1 * 1e6:.2f} us per call)", t1, 2))


@workload("stream-accel")
def stream_accel(ctx: Context) -> None:
    """A 3-axis accelerometer stream (the walk recordings, 32 Hz, back to back) fed into a PlaneDTW
    whose query is a drinking gesture, one sample per call and one second (32 samples) per call;
    after each second the best open-end match of the query's prefix (dtw_partial)."""
    walk, drink = recordings("walk"), recordings("drink_glass")
    if walk is None or drink is None:
        rng = np.random.default_rng(3)
        source = "random walks (../shared/data absent)"
        stream_data = np.cumsum(rng.standard_normal((92_254, 3)), axis=0)
        query = np.cumsum(rng.standard_normal((562, 3)), axis=0)
    else:
        source = "walk.json stream, drink_glass.json[0] query"
        stream_data = np.concatenate(walk)
        query = drink[0]
    total = 5_000 if ctx.quick else stream_data.shape[0] - 2
    n = query.shape[0]
    for chunk in (1, 32):
        name = f"accelerometer stream {total} x 3 into PlaneDTW, nQ={n}, norm2, chunks of {chunk}"

        def run() -> incdtw.PlaneDTW:
            p = incdtw.initialize_plane(query, stream_data[:2], dist_method="norm2")
            for a in range(2, total + 2, chunk):
                p.increment(stream_data[a:a + chunk])
                if chunk > 1:
                    incdtw.dtw_partial(p, partial_Q=True, partial_C=False)
            return p

        t, p = best_time(run, max(1, ctx.repeat // 3))
        check = ""
        if chunk == 1:
            d = incdtw.dtw2vec(query, stream_data[:total + 2], dist_method="norm2").distance
            check = f"equal to dtw2vec: {p.distance == d}; {source}"
        label = f"incdtw ({t / total * 1e6:.2f} us per sample)"
        ctx.rows.append(Row(name, label, t, n * total, check))


def squared_sym1(**kw: object) -> dict:
    """The recurrence the peers use (symmetric1, squared differences, no normalisation); they
    return the square root."""
    return dict(step_pattern="symmetric1", dist_method="norm2_square", normalize=False, **kw)


@workload("dismat")
def dismat(ctx: Context) -> None:
    """The distance matrix of 300 random walks of length 256 (44,850 pairs), all cores, at every SIMD
    level: symmetric1 + squared differences (the peers' recurrence) and symmetric2 + norm1, each in
    float64 and float32 (computed in float32); and n_jobs=1 at the top level (the speedup from one
    thread to all cores). The peers are timed once, in float64, on the symmetric1/squared recurrence."""
    k, length = (60, 128) if ctx.quick else (300, 256)
    rng = np.random.default_rng(21)
    X = np.cumsum(rng.standard_normal((k, length)), axis=1)
    X32 = X.astype(np.float32)
    cells = k * (k - 1) // 2 * length * length
    iu = np.triu_indices(k, 1)
    sym2 = dict(step_pattern="symmetric2", dist_method="norm1", normalize=False)
    ref = {  # float64 results (default level) for the checks
        "symmetric1": incdtw.dtw_dismat(X, **squared_sym1()).dismat,
        "symmetric2": incdtw.dtw_dismat(X, **sym2).dismat,
    }
    root = np.sqrt(ref["symmetric1"])
    slow = max(1, ctx.repeat // 2)  # the peers take seconds per run
    peers = []
    if dtai is not None:
        tp, theirs = best_time(lambda: dtai.distance_matrix_fast(list(X), compact=True, parallel=True), slow)
        peers.append(Row("", "dtaidistance.distance_matrix_fast(parallel)", tp, cells,
                         f"sqrt equal: {np.allclose(root, theirs, rtol=1e-12)}"))
    if tslearn_cdist is not None:
        tp, theirs = best_time(lambda: tslearn_cdist(X, n_jobs=-1), slow)
        peers.append(Row("", "tslearn.cdist_dtw(n_jobs=-1)", tp, cells,
                         f"sqrt equal: {np.allclose(root, theirs[iu], rtol=1e-10)}"))
    if aeon_pairwise is not None:
        tp, theirs = best_time(lambda: aeon_pairwise(X, method="dtw", n_jobs=-1), slow)
        peers.append(Row("", "aeon.pairwise_distance(dtw, n_jobs=-1)", tp, cells,
                         f"equal: {np.allclose(ref['symmetric1'], theirs[iu], rtol=1e-10)}"))

    for label, data, opts in (("symmetric1 norm2_square float64", X, squared_sym1()),
                              ("symmetric2 norm1 float64", X, sym2),
                              ("symmetric1 norm2_square float32", X32, squared_sym1()),
                              ("symmetric2 norm1 float32", X32, sym2)):
        name = f"dismat {k} x length {length} {label}"
        rows, ours = at_levels(ctx, name, "incdtw.dtw_dismat(n_jobs=-1)",
                               lambda: incdtw.dtw_dismat(data, n_jobs=-1, **opts).dismat, cells)
        expected = ref[opts["step_pattern"]]
        if data.dtype == np.float32:
            rel = np.max(np.abs(ours - expected) / np.abs(expected))
            rows[-1].check = f"float32; largest relative difference to float64: {rel:.1e}"
        with incdtw.simd(ctx.levels[-1]) as top:
            t1, _ = best_time(lambda: incdtw.dtw_dismat(data, n_jobs=1, **opts).dismat, slow)
        one = Row(name, f"incdtw.dtw_dismat(n_jobs=1) [{top}]", t1, cells,
                  f"speedup 1 -> all cores: {t1 / rows[-1].seconds:.2f}x")
        if opts["step_pattern"] == "symmetric1" and data.dtype == np.float64:
            theirs = peer_copies(peers, name)
        else:
            note = "float64" if opts["step_pattern"] == "symmetric1" else "sym1/sq cost, float64"
            theirs = peer_copies(peers, name, note)
        add_levels(ctx, name, rows, [one, *theirs])


@workload("disvec")
def disvec(ctx: Context) -> None:
    """One query against 10,000 random walks of length 256, with and without a 10 % window."""
    k, length = (1_000, 128) if ctx.quick else (10_000, 256)
    rng = np.random.default_rng(22)
    X = np.cumsum(rng.standard_normal((k, length)), axis=1)
    q = np.cumsum(rng.standard_normal(length))
    for ws in (None, length // 10):
        cells = k * (length * length if ws is None else band_cells(length, length, ws))
        name = f"1 query x {k} series of length {length}, ws={ws}"
        t, ours = best_time(lambda: incdtw.dtw_disvec(q, X, ws=ws, **squared_sym1()).disvec, ctx.repeat)
        root = np.sqrt(ours)
        peers = []
        if dtai is not None:
            series = [q, *X]
            kw = {} if ws is None else {"window": ws + 1}
            tp, theirs = best_time(lambda: dtai.distance_matrix_fast(series, block=((0, 1), (1, k + 1)), compact=True,
                                                                      parallel=True, **kw), ctx.repeat)
            peers.append(Row(name, "dtaidistance.distance_matrix_fast(block)", tp, cells,
                             f"sqrt equal: {np.allclose(root, theirs, rtol=1e-12)}"))
        if tslearn_cdist is not None:
            kw = {} if ws is None else {"global_constraint": "sakoe_chiba", "sakoe_chiba_radius": ws}
            tp, theirs = best_time(lambda: tslearn_cdist(q[None, :], X, n_jobs=-1, **kw), max(1, ctx.repeat // 2))
            peers.append(Row(name, "tslearn.cdist_dtw(n_jobs=-1)", tp, cells,
                             f"sqrt equal: {np.allclose(root, theirs[0], rtol=1e-10)}"))
        if aeon_pairwise is not None:
            kw = {} if ws is None else {"window": ws / length}
            tp, theirs = best_time(lambda: aeon_pairwise(q[None, :], X, method="dtw", n_jobs=-1, **kw),
                                   max(1, ctx.repeat // 2))
            peers.append(Row(name, "aeon.pairwise_distance(dtw, n_jobs=-1)", tp, cells,
                             f"equal: {np.allclose(ours, theirs[0], rtol=1e-10)}"))
        add(ctx, name, Row(name, "incdtw.dtw_disvec", t, cells), peers)


@workload("search")
def search(ctx: Context) -> None:
    """rundtw: the 5 nearest non-overlapping windows of a query of 128 in a random walk of 1,000,000
    points, z-scaling, window 12 (10 % of the query), IncDTW's defaults otherwise (norm1,
    symmetric1); three random-walk queries (pruning depends on how close the best matches are).
    The `cells` column counts windows. dtaidistance's subsequence search (z-normalised windows given
    to it, its squared-difference cost, no non-overlap rule) runs on the first 20,000 windows."""
    m, n, ws = (100_000 if ctx.quick else 1_000_000), 128, 12
    rng = np.random.default_rng(42)
    C = np.cumsum(rng.normal(size=m))
    windows = m - n + 1
    for seed in (42, 7, 2026):
        Q = np.cumsum(np.random.default_rng(seed + 1).normal(size=n)) if seed != 42 else np.cumsum(rng.normal(size=n))
        for jobs in (1, -1):
            name = f"rundtw k=5 |Q|=128 |C|={m} z ws=12 query {seed}, n_jobs={jobs}"
            t, r = best_time(lambda: incdtw.rundtw(Q, C, k=5, scale="z", ws=ws, n_jobs=jobs), max(1, ctx.repeat // 2))
            add(ctx, name, Row(name, "incdtw.rundtw", t, windows,
                               f"{windows / t / 1e6:.2f} M windows/s, best {int(r.knn_indices[0])}"), [])
    Q = np.cumsum(np.random.default_rng(43).normal(size=n))
    for jobs in (1, -1):  # IncDTW's default: no k, every local minimum reported (speculative parts)
        name = f"rundtw no k |Q|=128 |C|={m} z ws=12, n_jobs={jobs}"
        t, r = best_time(lambda: incdtw.rundtw(Q, C, scale="z", ws=ws, n_jobs=jobs), max(1, ctx.repeat // 2))
        add(ctx, name, Row(name, "incdtw.rundtw", t, windows, f"{windows / t / 1e6:.2f} M windows/s"), [])
    if dtai is None:
        return
    from dtaidistance.subsequence import dtw as dtai_sub
    from numpy.lib.stride_tricks import sliding_window_view

    part = C[: 20_000 + n - 1]
    W = sliding_window_view(part, n)
    Wz = (W - W.mean(axis=1, keepdims=True)) / W.std(axis=1, ddof=1, keepdims=True)
    qz = incdtw.scale(Q, "z")
    name = "subsequence search, 20,000 windows, z, ws=12, squared differences (dtaidistance's cost)"
    t, r = best_time(lambda: incdtw.rundtw(Q, part, k=1, scale="z", ws=ws, dist_method="norm2_square", n_jobs=1),
                     ctx.repeat)
    tp, theirs = best_time(
        lambda: dtai_sub.subsequence_search(qz, Wz, dists_options={"window": ws + 1}, use_lb=True, use_c=True)
        .kbest_matches_fast(k=1), max(1, ctx.repeat // 2))
    same = int(theirs[0].idx) == int(r.knn_indices[0]) and np.isclose(theirs[0].distance ** 2, r.knn_values[0])
    add(ctx, name, Row(name, "incdtw.rundtw(n_jobs=1)", t, 20_000, f"{20_000 / t / 1e6:.2f} M windows/s"),
        [Row(name, "dtaidistance subsequence_search", tp, 20_000,
             f"{20_000 / tp / 1e6:.3f} M windows/s (normalisation not timed), same best: {same}")])


@workload("dask")
def dask_cluster(ctx: Context) -> None:
    """incdtw.distributed on a LocalCluster of single-threaded worker processes (n_jobs=1 in each):
    2 workers against 1 (the ratio column: 1-worker time / 2-worker time), and the local function
    with n_jobs=1. A distance matrix of 2,000 random walks of 128 (the goal: 1.8x), the same
    in tiles of 25 series (the per-tile overhead), and rundtw over 1,000,000 points with and without
    k. On a 2-core machine the scheduler and this process share the cores with the workers."""
    try:
        from dask.distributed import Client, LocalCluster
    except ImportError:  # pragma: no cover
        print("dask: dask.distributed is not installed, skipped")
        return
    from incdtw import distributed as idist

    k, length = (400 if ctx.quick else 2000), 128
    rng = np.random.default_rng(8)
    X = [np.cumsum(rng.normal(size=length)) for _ in range(k)]
    pairs = k * (k - 1) // 2
    m = 100_000 if ctx.quick else 1_000_000
    C = np.cumsum(rng.normal(size=m))
    Q = C[5000:5128] + rng.normal(scale=0.1, size=128)
    windows = m - 127
    repeat = max(1, ctx.repeat // 2)
    jobs = {
        f"dtw_dismat {k} x {length}": (lambda c: idist.dtw_dismat(X, client=c, n_jobs=1).dismat,
                                       lambda: incdtw.dtw_dismat(X, n_jobs=1).dismat, pairs * length * length),
        f"dtw_dismat {k} x {length}, tiles of 25": (lambda c: idist.dtw_dismat(X, client=c, n_jobs=1, tile=25).dismat,
                                                    None, pairs * length * length),
        f"rundtw |C|={m} z ws=12, no k": (lambda c: idist.rundtw(Q, C, client=c, scale="z", ws=12, n_jobs=1).dist,
                                          lambda: incdtw.rundtw(Q, C, scale="z", ws=12, n_jobs=1).dist, windows),
        f"rundtw |C|={m} z ws=12, k=5": (lambda c: idist.rundtw(Q, C, client=c, k=5, scale="z", ws=12,
                                                                  n_jobs=1).knn_indices,
                                         lambda: incdtw.rundtw(Q, C, k=5, scale="z", ws=12, n_jobs=1).knn_indices,
                                         windows),
    }
    times: dict[tuple[str, int], tuple[float, object]] = {}
    for workers in (1, 2):
        cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=":0",
                               scheduler_port=0, host="127.0.0.1")
        with Client(cluster) as client:
            for name, (run, _, _) in jobs.items():
                times[(name, workers)] = best_time(lambda: run(client), repeat)
        cluster.close()
    for name, (_, local, cells) in jobs.items():
        (t1, r1), (t2, r2) = times[(name, 1)], times[(name, 2)]
        peers = [Row(name, "incdtw.distributed, 1 worker", t1, cells, f"same: {same(r1, r2)}")]
        if local is not None:
            tl, rl = best_time(local, repeat)
            peers.append(Row(name, "incdtw local, n_jobs=1", tl, cells, f"same: {same(rl, r2)}"))
        add(ctx, name, Row(name, "incdtw.distributed, 2 workers", t2, cells), peers)


@workload("dismat-accel")
def dismat_accel(ctx: Context) -> None:
    """The distance matrix of the 100 walk recordings of ../shared/data (3 axes, 187 to 3,153 samples)."""
    walk = recordings("walk")
    if walk is None:
        rng = np.random.default_rng(23)
        walk = [np.cumsum(rng.standard_normal((int(n), 3)), axis=0) for n in rng.integers(187, 3153, 100)]
        source = "random walks (../shared/data absent)"
    else:
        source = "walk.json"
    if ctx.quick:
        walk = walk[:20]
    k = len(walk)
    cells = sum(len(walk[i]) * len(walk[j]) for i in range(k) for j in range(i + 1, k))
    name = f"distance matrix of {k} accelerometer series x 3, sym1 squared ({source})"
    t, ours = best_time(lambda: incdtw.dtw_dismat(walk, **squared_sym1()).dismat, max(1, ctx.repeat // 3))
    peers = []
    if dtai is not None:
        from dtaidistance import dtw_ndim

        tp, theirs = best_time(lambda: dtw_ndim.distance_matrix_fast(walk, compact=True, parallel=True),
                               max(1, ctx.repeat // 3))
        peers.append(Row(name, "dtaidistance.dtw_ndim.distance_matrix_fast", tp, cells,
                         f"sqrt equal: {np.allclose(np.sqrt(ours), theirs, rtol=1e-12)}"))
    add(ctx, name, Row(name, "incdtw.dtw_dismat(n_jobs=-1)", t, cells), peers)


def print_by_level(ctx: Context) -> None:
    """The workloads timed at every SIMD level: Gcells/s, the rate relative to the top level's, and
    peer time / incdtw time, one column per level."""
    if not ctx.by_level:
        return
    levels = [r.level for r in ctx.by_level[0][1]]
    top = levels[-1]
    print(f"\nBy SIMD level: Gcells/s; rate / [{top}]'s rate; peer time / incdtw time (> 1: incdtw is faster)")
    print(f"{'':76s}" + "".join(f"{lv:>10s}" for lv in levels))
    for title, ours, peers in ctx.by_level:
        print(title)
        library = ours[-1].library.rsplit(" [", 1)[0]
        print(f"{'  ' + library + ' Gcells/s':76s}" + "".join(f"{r.gcells:10.3f}" for r in ours))
        print(f"{'  rate / [' + top + ']':76s}" + "".join(f"{r.of_top:10.2f}" for r in ours))
        for p in peers:
            if p.library.startswith("incdtw"):
                continue
            note = f" ({p.check})" if p.check and not any(w in p.check for w in ("equal", "same")) else ""
            print(f"{'  vs ' + p.library + note:76s}" + "".join(f"{p.seconds / r.seconds:9.2f}x" for r in ours))


def main(argv: Optional[list[str]] = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="small sizes (smoke test)")
    ap.add_argument("--repeat", type=int, default=5, help="timed runs per measurement (best is reported)")
    ap.add_argument("--only", nargs="*", help="workload names to run")
    ap.add_argument("--json", help="write the rows to this file")
    ap.add_argument("--simd", nargs="+", metavar="LEVEL",
                    help="SIMD levels to time in distance, dismat and path (default: every level this CPU has: "
                         + ", ".join(incdtw.available_simd_levels()) + ")")
    args = ap.parse_args(argv)
    available = incdtw.available_simd_levels()
    if args.simd:
        unknown = [lv for lv in args.simd if lv not in available]
        if unknown:
            ap.error(f"--simd: {', '.join(unknown)} not available here (available: {', '.join(available)})")
    levels = tuple(lv for lv in available if not args.simd or lv in args.simd)
    ctx = Context(quick=args.quick, repeat=max(1, args.repeat), levels=levels)
    print(f"{versions(simd=False)}, {platform.machine()}; peers: dtaidistance {'yes' if dtai else 'missing'}, "
          f"dtw-python {'yes' if dtwpython else 'missing'}, tslearn {'yes' if tslearn_cdist else 'missing'}, "
          f"aeon {'yes' if aeon_pairwise else 'missing'}")
    print(f"SIMD levels timed: {', '.join(levels)}; the other workloads run at the default level "
          f"({incdtw.simd_level()})")
    for name, fn in WORKLOADS:
        if args.only and name not in args.only:
            continue
        fn(ctx)
    print(f"\n{'workload':58s} {'library':44s} {'seconds':>9s} {'Gcells/s':>9s} {'ratio':>7s}  check")
    for r in ctx.rows:
        ratio = "" if r.ratio is None else f"{r.ratio:6.2f}x"
        print(f"{r.workload:58s} {r.library:44s} {r.seconds:9.4f} {r.gcells:9.3f} {ratio:>7s}  {r.check}")
    print_by_level(ctx)
    write_rows(args.json, ctx.rows, "gcells")
    return 0


if __name__ == "__main__":
    sys.exit(main())
