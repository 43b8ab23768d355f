"""Ctrl-C and threads: a KeyboardInterrupt stops a long dtw_dismat or rundtw, and dtw2vec or dtw of
one long pair, within a fraction of a second (the C++ loops and sweeps check a cancellation that
polls Python's signal handlers); 8 Python threads calling the functions at once on shared inputs get
the serial results."""

from __future__ import annotations

import os
import signal
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest

import incdtw

pytestmark = pytest.mark.skipif(not hasattr(signal, "SIGINT") or os.name == "nt", reason="POSIX signals")


def interrupt_after(seconds: float) -> threading.Thread:
    def fire() -> None:
        time.sleep(seconds)
        os.kill(os.getpid(), signal.SIGINT)

    thread = threading.Thread(target=fire, daemon=True)
    thread.start()
    return thread


def walks(count: int, length: int, seed: int = 0) -> list[np.ndarray]:
    rng = np.random.default_rng(seed)
    return [np.cumsum(rng.normal(size=length)) for _ in range(count)]


LONG = {  # each takes many seconds when not interrupted
    "dtw_dismat": lambda X, C: incdtw.dtw_dismat(X, n_jobs=2),
    "dtw_dismat n_jobs=1": lambda X, C: incdtw.dtw_dismat(X, n_jobs=1),
    "dtw_cdist": lambda X, C: incdtw.dtw_cdist(X, X[:300]),
    "rundtw": lambda X, C: incdtw.rundtw(X[0][:400], C, ws=40),
    "rundtw k, one thread": lambda X, C: incdtw.rundtw(X[0][:600], C, ws=60, k=3, scale="z", n_jobs=1),
}


@pytest.fixture(scope="module")
def data():
    X = walks(800, 1000)
    return X, np.concatenate(X * 4)


@pytest.mark.parametrize("name", list(LONG))
def test_ctrl_c_stops_a_long_computation_promptly(data, name):
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        interrupt_after(0.4)
        t0 = time.perf_counter()
        with pytest.raises(KeyboardInterrupt):
            LONG[name](*data)
        # 0.4 s until the signal, then about 0.1 s (0.3 s more for rundtw's preparation); the
        # limit leaves room for a loaded machine, the computations take 10 s and more
        assert time.perf_counter() - t0 < 3.0
    finally:
        signal.signal(signal.SIGINT, previous)
    X, _ = data
    assert incdtw.dtw_dismat(X[:5]).dismat.shape == (10,)  # the next call works


ONE_PAIR = {  # one long pair each; many seconds at every SIMD level when not interrupted
    "dtw2vec": lambda P: incdtw.dtw2vec(*P["long"]),
    "dtw2vec float32": lambda P: incdtw.dtw2vec(*(x.astype(np.float32) for x in P["long"])),
    "dtw2vec early abandoning": lambda P: incdtw.dtw2vec(*P["long"], threshold=1e300),
    "dtw2vec ws": lambda P: incdtw.dtw2vec(*P["long"], ws=100_000),
    # many dimensions: long, with a direction matrix of only 25 MB
    "dtw": lambda P: incdtw.dtw(*P["wide"], return_gcm=False),
    "dtw with path": lambda P: incdtw.dtw(*P["wide"], return_wp=True, return_gcm=False),
}


@pytest.fixture(scope="module")
def pairs():
    rng = np.random.default_rng(7)
    long = [np.cumsum(rng.normal(size=300_000)) for _ in range(2)]  # 9e10 cells
    wide = [np.cumsum(rng.normal(size=(5_000, 1_000)), axis=0) for _ in range(2)]  # 2.5e7 cells of 1000 dims
    return {"long": long, "wide": wide}


@pytest.mark.parametrize("name", list(ONE_PAIR))
def test_ctrl_c_stops_one_long_pair_promptly(pairs, name):
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        interrupt_after(0.4)
        t0 = time.perf_counter()
        with pytest.raises(KeyboardInterrupt):
            ONE_PAIR[name](pairs)
        # 0.4 s until the signal, then a poll within 50 ms; the computations take 10 s and more
        assert time.perf_counter() - t0 < 3.0
    finally:
        signal.signal(signal.SIGINT, previous)
    Q, C = (x[:500] for x in pairs["long"])
    assert incdtw.dtw2vec(Q, C).distance == incdtw.dtw(Q, C).distance  # the next calls work


def test_a_signal_handlers_exception_propagates(data):
    class Stop(Exception):
        pass

    def handler(signum, frame):
        raise Stop

    previous = signal.signal(signal.SIGINT, handler)
    try:
        interrupt_after(0.2)
        with pytest.raises(Stop):
            incdtw.dtw_dismat(data[0], n_jobs=2)
    finally:
        signal.signal(signal.SIGINT, previous)


def test_eight_threads_at_once_get_the_serial_results():
    X = walks(40, 120, seed=1)
    C = np.concatenate(X)
    Q = X[3][10:60]
    calls = {
        "dismat": lambda: incdtw.dtw_dismat(X, n_jobs=2).dismat,
        "cdist": lambda: incdtw.dtw_cdist(X[:10], X, ws=30),
        "disvec": lambda: incdtw.dtw_disvec(Q, X).disvec,
        "rundtw": lambda: incdtw.rundtw(Q, C, ws=5, k=3).knn_indices,
        "rundtw dist": lambda: incdtw.rundtw(Q, C, ws=5, scale="z").dist,
        "dtw": lambda: incdtw.dtw(X[0], X[1], return_wp=True).wp,
        "dtw2vec": lambda: np.array(incdtw.dtw2vec(X[2], X[5]).distance),
        "dba": lambda: incdtw.dba(X[:8], iterMax=3).iterations[-1],
    }
    serial = {name: fn() for name, fn in calls.items()}
    jobs = [name for name in calls for _ in range(8)]
    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(lambda name: (name, calls[name]()), jobs))
    for name, value in results:
        assert np.array_equal(np.asarray(value), np.asarray(serial[name]), equal_nan=True), name


def test_n_jobs_changes_no_result():
    """Sizes above the threading thresholds (a few million cells), every n_jobs: the same bits."""
    X = walks(60, 300, seed=2)  # 1,770 pairs of 90,000 cells
    C = np.concatenate(X)  # 18,000 points: 2e6 window cells for a query of 120
    Q = X[7][40:160]
    calls = {
        "dismat": lambda j: incdtw.dtw_dismat(X, n_jobs=j).dismat,
        "dismat ws": lambda j: incdtw.dtw_dismat(X, ws=20, step_pattern="symmetric1", normalize=False, n_jobs=j).dismat,
        "cdist": lambda j: incdtw.dtw_cdist(X[:20], X, threshold=5.0, n_jobs=j),
        "disvec": lambda j: incdtw.dtw_disvec(Q, X, n_jobs=j).disvec,
        "centroid": lambda j: incdtw.centroid(X, n_jobs=j).centroid_index,
        "dba": lambda j: incdtw.dba(X[:20], iterMax=2, n_jobs=j).iterations[-1],
        "rundtw": lambda j: incdtw.rundtw(Q, np.concatenate([C] * 3), ws=10, scale="z", n_jobs=j).dist,
        "rundtw k": lambda j: incdtw.rundtw(Q, np.concatenate([C] * 3), ws=10, k=4, n_jobs=j).knn_indices,
    }
    for name, call in calls.items():
        one = np.asarray(call(1))
        for jobs in (2, -1, None):
            assert np.array_equal(np.asarray(call(jobs)), one, equal_nan=True), (name, jobs)
