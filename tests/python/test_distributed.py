"""incdtw.distributed on a dask.distributed LocalCluster of 2 worker processes (loopback only):
the same bits as the local functions (distance matrices and rundtw), a worker killed mid-run,
empty input, a closed client."""

from __future__ import annotations

import contextlib
import threading
import time
import warnings

import numpy as np
import pytest

distributed = pytest.importorskip("dask.distributed")

import incdtw  # noqa: E402
from incdtw import distributed as idist  # noqa: E402


def local_cluster():
    return distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0",
                                    scheduler_port=0, host="127.0.0.1")


@pytest.fixture(scope="module")
def client():
    cluster = local_cluster()
    c = distributed.Client(cluster)
    yield c
    c.close()
    cluster.close()


@pytest.fixture
def doomed_client(simd_level):
    """A cluster of its own for a test that kills a worker: a nanny may close itself while it
    restarts the killed process, and the other tests must not depend on that race. The workers
    run their own SIMD level, so the test runs once."""
    if simd_level != incdtw.max_simd_level():
        pytest.skip("the workers' processes do not depend on this process's SIMD level")
    cluster = local_cluster()
    c = distributed.Client(cluster)
    c.wait_for_workers(2, timeout=30)
    yield c
    c.close()
    cluster.close()


def kill_a_worker(client) -> None:
    """Kills one worker process (its nanny may start a new one)."""
    nanny = next(iter(client.cluster.workers.values()))
    nanny.process.process.kill()


@contextlib.contextmanager
def replicas_kept(client):
    """Dask's active memory manager (every 2 s) drops the extra copies of scattered data that
    fewer than two tasks still need, so a killed worker may take a block's last copy (README);
    the kill tests stop it while they run."""
    client.amm.stop()
    try:
        yield
    finally:
        client.amm.start()


def same_bits(a, b) -> bool:
    a, b = np.asarray(a), np.asarray(b)
    return a.dtype == b.dtype and a.shape == b.shape and np.array_equal(a, b, equal_nan=True)


@pytest.mark.parametrize("kw", [{}, {"ws": 15, "threshold": 1.5}, {"step_pattern": "symmetric1", "normalize": False,
                                                                    "dist_method": "norm2_square"}])
@pytest.mark.parametrize("tile", [None, 3, 7])
def test_dismat_cdist_disvec_equal_the_local_functions(client, kw, tile):
    X, _ = incdtw.datasets.warped_classes(n_per_class=5, length=40, seed=2)  # 20 series, lengths differ
    want = incdtw.dtw_dismat(X, **kw).dismat
    assert same_bits(idist.dtw_dismat(X, client=client, tile=tile, **kw).dismat, want)
    ys = X[:6]
    assert same_bits(idist.dtw_cdist(X, ys, client=client, tile=tile, **kw), incdtw.dtw_cdist(X, ys, **kw))
    assert same_bits(idist.dtw_cdist(X, client=client, tile=tile, **kw), incdtw.dtw_cdist(X, **kw))
    assert same_bits(idist.dtw_disvec(X[0], X, client=client, tile=tile, **kw).disvec,
                     incdtw.dtw_disvec(X[0], X, **kw).disvec)


def test_float32_multivariate_and_square(client):
    X, _ = incdtw.datasets.warped_classes(n_per_class=3, length=30, dims=2, seed=3)
    X = [x.astype(np.float32) for x in X]
    got = idist.dtw_dismat(X, client=client, tile=4, return_matrix=True).dismat
    assert same_bits(got, incdtw.dtw_dismat(X, return_matrix=True).dismat)


def test_the_current_client_is_used(client):
    X, _ = incdtw.datasets.warped_classes(n_per_class=2, length=30, seed=4)
    assert same_bits(idist.dtw_dismat(X).dismat, incdtw.dtw_dismat(X).dismat)  # default_client()


def test_a_worker_killed_mid_run_still_gives_the_whole_result(doomed_client):
    with replicas_kept(doomed_client):
        dismat_survives_a_kill(doomed_client)


def dismat_survives_a_kill(client):
    X, _ = incdtw.datasets.warped_classes(n_per_class=40, length=128, seed=5)  # 160 series, 12,720 pairs
    want = incdtw.dtw_dismat(X, n_jobs=1).dismat
    result = {}

    def run():
        result["d"] = idist.dtw_dismat(X, client=client, tile=8, n_jobs=1, retries=5).dismat

    thread = threading.Thread(target=run)
    thread.start()
    deadline = time.time() + 30
    while not any(client.processing().values()) and time.time() < deadline:  # tiles are running
        time.sleep(0.01)
    kill_a_worker(client)
    thread.join(timeout=120)
    assert not thread.is_alive()
    assert same_bits(result["d"], want)


def test_bad_input_gives_the_local_errors(client):
    with pytest.raises(ValueError, match="lot must not be empty"):
        idist.dtw_dismat([], client=client)
    with pytest.raises(ValueError, match="at least two series"):
        idist.dtw_dismat([np.arange(5.0)], client=client)
    with pytest.raises(ValueError, match=r"lot\[\d+\] \(length 30\) and lot\[\d+\] \(length 10\)"):
        idist.dtw_dismat([np.zeros(10), np.zeros(30), np.zeros(12)], client=client, ws=5)
    with pytest.raises(TypeError, match="client"):
        idist.dtw_dismat([np.zeros(10), np.zeros(12)], client="tcp://localhost:1")
    with pytest.raises(ValueError, match="tile"):
        idist.dtw_dismat([np.zeros(10), np.zeros(12)], client=client, tile=0)


def test_a_closed_client_is_a_clear_error():
    cluster = distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=False, dashboard_address=":0", scheduler_port=0)
    c = distributed.Client(cluster)
    c.close()
    cluster.close()
    with pytest.raises(ValueError, match="client is closed"):
        idist.dtw_dismat([np.zeros(10), np.zeros(12)], client=c)


def test_tile_rule():
    # 2,000 series of 128: tiles of about 2.5e9 cells (391 x 391 series), 6 blocks, 21 tiles
    assert idist.tile_rows([128] * 2000, 128.0, workers=2) == 391
    # few series: at least about four tiles per worker
    assert idist.tile_rows([5000] * 40, 5000.0, workers=2) == 10
    assert idist.tile_rows([10] * 5, 10.0, workers=8) == 5  # tiny work: one tile
    # a worker with 256 MiB: a tile's result takes at most 16 MiB (1,448 x 1,448 pairs)
    assert idist.tile_rows([10] * 100_000, 10.0, workers=2, memory=1 << 28) == 1448
    assert idist.tile_rows([10] * 2000, 10.0, workers=2, memory=1 << 20) == 90  # not one tile


def same_search(a, b) -> bool:
    """Two rundtw results agree bit for bit (dist, k-NN, list indices); the counters may differ."""
    da = a.dist if isinstance(a.dist, list) else [a.dist]
    db = b.dist if isinstance(b.dist, list) else [b.dist]
    ok = len(da) == len(db) and all(same_bits(x, y) for x, y in zip(da, db))
    for name in ("knn_indices", "knn_values", "knn_list_indices"):
        x, y = getattr(a, name), getattr(b, name)
        ok = ok and ((x is None and y is None) or same_bits(x, y))
    return ok


SEARCHES = [
    {},
    {"k": 3},
    {"k": 4, "scale": "z", "ws": 6},
    {"scale": "z", "ws": 6, "step_pattern": "symmetric2"},
    {"threshold": 4.0, "lower_bound": False, "dist_method": "norm2_square"},
    {"lower_bound": False, "ws": 5},
    {"scale": "none", "k": 2, "overlap_tol": 10},
    {"k": 100, "threshold": 3.0},  # fewer than k found: the same warning
]


@pytest.mark.parametrize("kw", SEARCHES)
@pytest.mark.parametrize("chunk", [None, 701, 4000])
def test_rundtw_equals_the_local_search(client, kw, chunk):
    rng = np.random.default_rng(3)
    C = np.cumsum(rng.normal(size=12_000))
    Q = C[500:548] + rng.normal(scale=0.1, size=48)
    lot = [np.cumsum(rng.normal(size=m)) for m in (3000, 48, 2500, 900)]  # list mode, one series = one window
    for data in (C, lot):
        with warnings.catch_warnings(record=True) as local_warnings:
            warnings.simplefilter("always")
            want = incdtw.rundtw(Q, data, n_jobs=1, return_QC=True, **kw)
        with warnings.catch_warnings(record=True) as dist_warnings:
            warnings.simplefilter("always")
            got = idist.rundtw(Q, data, client=client, chunk=chunk, return_QC=True, **kw)
        assert same_search(got, want), (kw, chunk, type(data))
        assert [str(w.message) for w in dist_warnings] == [str(w.message) for w in local_warnings]
        assert same_bits(got.Q, want.Q)
        assert all(same_bits(x, y) for x, y in zip(*(r.C if isinstance(r.C, list) else [r.C] for r in (got, want))))
        assert sum(got.counter[c] for c in ("lower_bound", "early_abandon", "completed")) == sum(
            len(d) for d in (got.dist if isinstance(got.dist, list) else [got.dist]))


@pytest.mark.parametrize("scale", ["z", "01"])
def test_rundtw_of_huge_values_equals_the_local_search(client, scale):
    # the second half times 2**900: the chunks' z states carry the whole series' power-of-two shift
    rng = np.random.default_rng(5)
    C = np.cumsum(rng.normal(size=3000))
    C[1500:] = np.ldexp(C[1500:], 900)
    Q = C[2000:2030] + np.ldexp(rng.normal(scale=0.05, size=30), 900)
    for kw in ({"k": 3, "ws": 5}, {"lower_bound": False}):
        want = incdtw.rundtw(Q, C, scale=scale, n_jobs=1, **kw)
        if "k" in kw:
            assert 2000 in want.knn_indices
        else:  # every distance, none lost to overflow
            assert np.isfinite(want.dist).all()
        assert same_search(idist.rundtw(Q, C, client=client, chunk=401, scale=scale, **kw), want)


def test_rundtw_float32_multivariate(client):
    rng = np.random.default_rng(4)
    C = np.cumsum(rng.normal(size=(5000, 2)), axis=0).astype(np.float32)
    Q = C[100:130] + np.float32(0.05)
    for kw in ({"k": 3, "scale": "z"}, {"dist_method": "norm2"}):
        assert same_search(idist.rundtw(Q, C, client=client, chunk=900, **kw), incdtw.rundtw(Q, C, **kw))


def test_rundtw_a_worker_killed_mid_run_still_gives_the_whole_result(doomed_client):
    with replicas_kept(doomed_client):
        rundtw_survives_a_kill(doomed_client)


def rundtw_survives_a_kill(client):
    rng = np.random.default_rng(6)
    C = np.cumsum(rng.normal(size=400_000))
    Q = C[1000:1064] + rng.normal(scale=0.1, size=64)
    want = incdtw.rundtw(Q, C, ws=6, n_jobs=1)
    result = {}

    def run():
        result["r"] = idist.rundtw(Q, C, client=client, ws=6, chunk=20_000, n_jobs=1, retries=5)

    thread = threading.Thread(target=run)
    thread.start()
    deadline = time.time() + 30
    while not any(client.processing().values()) and time.time() < deadline:
        time.sleep(0.01)
    kill_a_worker(client)
    thread.join(timeout=180)
    assert not thread.is_alive()
    assert same_search(result["r"], want)


def test_rundtw_with_a_closed_client_is_a_clear_error():
    cluster = distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=False, dashboard_address=":0",
                                       scheduler_port=0)
    c = distributed.Client(cluster)
    c.close()
    cluster.close()
    with pytest.raises(ValueError, match="client is closed"):
        idist.rundtw(np.zeros(3), np.arange(10.0), client=c)


def test_rundtw_bad_input_gives_the_local_errors(client):
    with pytest.raises(ValueError, match="longer than C"):
        idist.rundtw(np.zeros(10), np.zeros(5), client=client)
    with pytest.raises(ValueError, match="C must not be an empty list"):
        idist.rundtw(np.zeros(3), [], client=client)
    with pytest.raises(ValueError, match="chunk"):
        idist.rundtw(np.zeros(3), np.zeros(10), client=client, chunk=0)
    with pytest.raises(ValueError, match="overlap_tol"):
        idist.rundtw(np.zeros(3), np.zeros(10), client=client, overlap_tol=3)
    with pytest.raises(TypeError, match="client"):
        idist.rundtw(np.zeros(3), np.zeros(10), client=object())


def test_chunk_rule():
    assert idist.chunk_windows(2_000_000, workers=2) == 250_000  # four chunks per worker
    assert idist.chunk_windows(10_000, workers=2) == 20_000  # small searches: one chunk
    assert idist.chunk_windows(10**10, workers=2) == 1 << 22


@pytest.mark.parametrize("matrix", [False, True])
def test_results_larger_than_memory_go_to_a_npy_file_or_stay_on_the_cluster(client, tmp_path, matrix):
    X, _ = incdtw.datasets.warped_classes(n_per_class=5, length=40, seed=7)
    want = incdtw.dtw_dismat(X, return_matrix=matrix).dismat
    path = tmp_path / "d.npy"
    path.write_bytes(b"an earlier result")  # replaced
    got = idist.dtw_dismat(X, client=client, tile=3, return_matrix=matrix, out=path).dismat
    assert same_bits(np.asarray(got), want)
    assert same_bits(np.load(path), want)
    assert isinstance(got, np.memmap) and got.filename == str(path)  # mapped from out itself
    assert [p.name for p in tmp_path.iterdir()] == ["d.npy"]  # no temporary file left
    lazy = idist.dtw_dismat(X, client=client, tile=3, return_dask=True).dismat
    assert type(lazy).__module__.startswith("dask.array") and lazy.chunks[0] == (2, 3, 3, 3, 3, 3, 3)  # 7 equal blocks
    assert same_bits(lazy.compute(), incdtw.dtw_dismat(X, return_matrix=True).dismat)
    ys = X[:7]
    assert same_bits(np.asarray(idist.dtw_cdist(X, ys, client=client, tile=4, out=tmp_path / "c.npy")),
                     incdtw.dtw_cdist(X, ys))
    assert same_bits(idist.dtw_cdist(X, ys, client=client, tile=4, return_dask=True).compute(), incdtw.dtw_cdist(X, ys))


def test_a_result_that_does_not_fit_is_refused_before_sending(client, monkeypatch):
    from incdtw import _validate

    monkeypatch.setattr(_validate, "available_memory", lambda: 1 << 20)
    X = [np.zeros(3)] * 3000  # a 3000 x 3000 float64 result: 69 MiB
    with pytest.raises(MemoryError, match="out='result.npy'"):
        idist.dtw_cdist(X, client=client)
    with pytest.raises(MemoryError, match="distance matrix of 5000 series"):
        idist.dtw_dismat([np.zeros(3)] * 5000, client=client)


def test_output_errors(client, tmp_path):
    X = [np.arange(5.0), np.arange(6.0), np.arange(4.0)]
    with pytest.raises(ValueError, match="out must be the path of a .npy file"):
        idist.dtw_dismat(X, client=client, out=tmp_path / "d.txt")
    with pytest.raises(ValueError, match="exclude each other"):
        idist.dtw_cdist(X, client=client, out=tmp_path / "d.npy", return_dask=True)
    with pytest.raises(ValueError, match="progress"):
        idist.dtw_dismat(X, client=client, progress="tqdm")


def test_progress_bars(client, capsys):
    X, _ = incdtw.datasets.warped_classes(n_per_class=3, length=30, seed=8)
    want = incdtw.dtw_dismat(X).dismat
    assert same_bits(idist.dtw_dismat(X, client=client, tile=4, progress=True).dismat, want)
    assert "dtw_dismat" in capsys.readouterr().err  # incdtw's bar (tqdm)
    assert same_bits(idist.dtw_dismat(X, client=client, tile=4, progress="dask").dismat, want)
    assert "100% Completed" in capsys.readouterr().out  # Dask's text bar
    rng = np.random.default_rng(1)
    C = np.cumsum(rng.normal(size=3000))
    r = idist.rundtw(C[:30], C, client=client, chunk=500, progress="dask")
    assert same_search(r, incdtw.rundtw(C[:30], C))
    assert "100% Completed" in capsys.readouterr().out


# --- out=: a full disk or a failed run leaves no file that looks complete ------------------------

_OUT_SCRIPT = r'''
import json, os, resource, signal, sys, types
import numpy as np
from dask.distributed import Client, LocalCluster
import incdtw.distributed as idist

out, mode = sys.argv[1], sys.argv[2]
report = {}
with LocalCluster(n_workers=1, threads_per_worker=1, processes=False, dashboard_address=":0",
                  scheduler_port=0) as cluster, Client(cluster) as client:
    if mode == "fsize":  # files beyond 64 KiB fail with EFBIG (SIGXFSZ ignored)
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (1 << 16, resource.getrlimit(resource.RLIMIT_FSIZE)[1]))
    if mode == "lie":  # a file system that claims more space than it has: the reservation fails
        idist.shutil.disk_usage = lambda p: types.SimpleNamespace(total=1 << 40, used=0, free=1 << 40)
    X = [np.arange(10.0) + i for i in range(200)]  # a 200 x 200 float64 result: 320,128 bytes
    try:
        idist.dtw_cdist(X, client=client, out=out)
        report["error"] = None
    except OSError as exc:
        report.update(error=type(exc).__name__, errno=exc.errno, message=str(exc))
report["left"] = sorted(os.listdir(os.path.dirname(out)))
print("REPORT" + json.dumps(report))
'''


def _run_out_script(tmp_path, argv: list[str]) -> dict:
    import json
    import os
    import subprocess
    import sys

    script = tmp_path / "out_script.py"
    script.write_text(_OUT_SCRIPT)
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path))
    proc = subprocess.run([*argv[:-2], sys.executable, str(script), *argv[-2:]], capture_output=True, text=True,
                          timeout=120, env=env)
    assert proc.returncode == 0, f"rc {proc.returncode} (a signal when negative): {proc.stderr[-2000:]}"
    line = next(line for line in proc.stdout.splitlines() if line.startswith("REPORT"))
    return json.loads(line[len("REPORT"):])


def test_out_beyond_the_file_size_limit_is_an_oserror_and_leaves_no_file(tmp_path):
    import errno

    (tmp_path / "d").mkdir()
    report = _run_out_script(tmp_path, [str(tmp_path / "d" / "c.npy"), "fsize"])
    assert report["error"] == "OSError" and report["errno"] == errno.EFBIG
    assert "out: could not reserve 320,128 bytes" in report["message"] and "c.npy" in report["message"]
    assert report["left"] == []  # neither out nor the temporary file


def _tmpfs_prefix(tmp_path, size: str) -> list[str]:
    """unshare -m + a tmpfs of `size` on tmp_path/fs, private to the subprocess (gone with it);
    skips where mounting is not allowed."""
    import shutil
    import subprocess

    mnt = tmp_path / "fs"
    mnt.mkdir()
    if shutil.which("unshare") is None:
        pytest.skip("no unshare")
    probe = subprocess.run(["unshare", "-m", "sh", "-c", f"mount -t tmpfs -o size={size} tmpfs {mnt}"],
                           capture_output=True, timeout=30)
    if probe.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {probe.stderr.decode(errors='replace').strip()}")
    return ["unshare", "-m", "sh", "-c", f'mount -t tmpfs -o size={size} tmpfs {mnt} && exec "$@"', "sh"]


@pytest.mark.parametrize("mode", ["honest", "lie"])
def test_out_on_a_full_tmpfs_is_an_oserror_not_a_sigbus(tmp_path, mode):
    import errno

    prefix = _tmpfs_prefix(tmp_path, "192k")
    report = _run_out_script(tmp_path, [*prefix, str(tmp_path / "fs" / "c.npy"), mode])
    assert report["error"] == "OSError" and report["errno"] == errno.ENOSPC
    if mode == "honest":  # refused by the free-space check, before anything is written
        assert "out: " in report["message"] and "needs 320,128 bytes" in report["message"]
        assert "has only 196,608 bytes" in report["message"]
    else:  # the file system's own answer to the reservation
        assert "out: could not reserve 320,128 bytes" in report["message"]
    assert report["left"] == []


def test_out_without_enough_free_space_is_refused_before_sending(client, tmp_path, monkeypatch):
    import errno
    import types

    monkeypatch.setattr(idist.shutil, "disk_usage", lambda p: types.SimpleNamespace(total=10**9, used=10**9, free=1000))
    out = tmp_path / "d.npy"
    out.write_bytes(b"an earlier result")
    X = [np.arange(5.0), np.arange(6.0), np.arange(4.0)] * 10  # 30 x 30 float64: 7,200 bytes + the header
    with pytest.raises(OSError, match=r"out: '.*d\.npy' needs 7,328 bytes .* has only 1,000 bytes") as info:
        idist.dtw_cdist(X, client=client, out=out)
    assert info.value.errno == errno.ENOSPC
    with pytest.raises(OSError, match=r"needs 3,608 bytes"):
        idist.dtw_dismat(X, client=client, out=out)
    assert out.read_bytes() == b"an earlier result"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["d.npy"]


@pytest.fixture()
def local_client():
    """An in-process cluster: a monkeypatched tile function reaches its worker."""
    cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False, dashboard_address=":0",
                                       scheduler_port=0)
    c = distributed.Client(cluster)
    yield c
    c.close()
    cluster.close()


_FLAKY = {"lock": threading.Lock(), "calls": 0, "original": idist._cross_tile}


def _flaky_tile(xb, yb, opts):
    """The 5th tile fails, after some have arrived and been written (a module function: the
    in-process workers call it with the counter of this process)."""
    with _FLAKY["lock"]:
        _FLAKY["calls"] += 1
        n = _FLAKY["calls"]
    if n == 5:
        time.sleep(0.3)
        raise RuntimeError("a tile failed")
    return _FLAKY["original"](xb, yb, opts)


@pytest.mark.parametrize("fn", ["dtw_dismat", "dtw_cdist"])
def test_a_tile_failing_midway_leaves_out_as_it_was(local_client, tmp_path, monkeypatch, fn):
    _FLAKY["calls"] = 0
    monkeypatch.setattr(idist, "_cross_tile", _flaky_tile)
    X, _ = incdtw.datasets.warped_classes(n_per_class=5, length=40, seed=7)
    out = tmp_path / "d.npy"
    out.write_bytes(b"an earlier result")
    with pytest.raises(RuntimeError, match="a tile failed"):
        getattr(idist, fn)(X, client=local_client, tile=3, retries=0, out=out)
    assert _FLAKY["calls"] >= 5
    assert out.read_bytes() == b"an earlier result"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["d.npy"]  # the temporary file is gone
    out.unlink()
    with pytest.raises(RuntimeError, match="a tile failed"):  # no earlier file: none afterwards
        _FLAKY["calls"] = 0
        getattr(idist, fn)(X, client=local_client, tile=3, retries=0, out=out)
    assert list(tmp_path.iterdir()) == []
    with pytest.raises(ValueError, match="tile"):  # an error after the file was reserved
        getattr(idist, fn)(X, client=local_client, tile=0, out=out)
    assert list(tmp_path.iterdir()) == []
