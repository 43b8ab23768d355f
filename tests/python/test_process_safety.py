"""incdtw as processes really use it: forked children (os.fork, multiprocessing's start methods),
threads sharing one PlaneDTW, the interpreter exiting while a daemon thread computes, scoped SIMD
levels on overlapping threads. Each risky step runs in a subprocess with a time bound, so a hang
or an abort fails its test instead of stopping the suite."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import textwrap
import threading

import numpy as np
import pytest

import incdtw

POSIX = pytest.mark.skipif(os.name == "nt", reason="fork and POSIX signals")


@pytest.fixture(autouse=True)
def _once(simd_level):
    # The subprocesses start at the CPU's best level; the other levels would only repeat them.
    if simd_level != incdtw.max_simd_level():
        pytest.skip("process-level behaviour does not depend on the SIMD level")


def run_script(body: str, timeout: float = 90.0) -> subprocess.CompletedProcess[str]:
    """Runs `body` in a fresh interpreter (the incdtw this suite imports); a hang past `timeout`
    fails the test."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([os.path.dirname(os.path.dirname(incdtw.__file__)), env.get("PYTHONPATH", "")])
    env.pop("INCDTW_SIMD", None)
    with tempfile.TemporaryDirectory() as tmp:
        script = os.path.join(tmp, "script.py")  # a file: spawn and forkserver re-import __main__
        with open(script, "w", encoding="utf-8") as f:
            f.write(textwrap.dedent(body))
        try:
            return subprocess.run(
                [sys.executable, script], capture_output=True, text=True, timeout=timeout, env=env, cwd=tmp
            )
        except subprocess.TimeoutExpired as e:
            pytest.fail(f"the script did not finish within {timeout} s (a hang): {e.stdout!r} {e.stderr!r}")


def check(proc: subprocess.CompletedProcess[str], expect: str = "ok") -> None:
    assert proc.returncode == 0, f"rc {proc.returncode}\nstdout: {proc.stdout}\nstderr: {proc.stderr}"
    assert proc.stdout.strip().splitlines()[-1:] == [expect], proc.stdout


# Work that runs on several threads (above the one-thread cut-offs) and its results, computed by
# the parent first so that its OpenMP runtime has started threads before the fork.
PARALLEL_JOBS = """
import numpy as np, incdtw
rng = np.random.default_rng(7)
X = [np.cumsum(rng.normal(size=200)) for _ in range(120)]
C = np.cumsum(rng.normal(size=60_000))
def jobs():
    return (
        incdtw.dtw_dismat(X, n_jobs=2).dismat,
        incdtw.dtw_disvec(X[0], X, n_jobs=2).disvec,
        incdtw.rundtw(X[3][20:140], C, ws=12, scale="z", n_jobs=2).dist,
        incdtw.rundtw(X[3][20:140], C, ws=12, k=3, n_jobs=2).knn_indices,
        incdtw.dba(X[:30], iterMax=2, n_jobs=2).m1,
    )
def same(a, b):
    return all(np.array_equal(x, y, equal_nan=True) for x, y in zip(a, b))
expected = jobs()
"""


@POSIX
def test_os_fork_child_computes_after_the_parent_used_threads():
    proc = run_script(
        PARALLEL_JOBS
        + """
import os, warnings
warnings.simplefilter("ignore", DeprecationWarning)  # Python 3.12+: fork of a multi-threaded process
pid = os.fork()
if pid == 0:
    try:
        ok = same(jobs(), expected) and same(jobs(), expected)
    finally:
        os._exit(0 if ok else 3)
_, status = os.waitpid(pid, 0)
assert os.waitstatus_to_exitcode(status) == 0, status
assert same(jobs(), expected)  # the parent keeps its threads
print("ok")
"""
    )
    check(proc)


@POSIX
@pytest.mark.parametrize("method", ["fork", "forkserver", "spawn"])
def test_multiprocessing_pool_workers_compute(method):
    if method not in __import__("multiprocessing").get_all_start_methods():
        pytest.skip(f"no {method} start method here")
    proc = run_script(
        PARALLEL_JOBS
        + f"""
import multiprocessing as mp, warnings
warnings.simplefilter("ignore", DeprecationWarning)
def task(seed):
    import incdtw, numpy as np
    return jobs()
if __name__ == "__main__":
    with mp.get_context({method!r}).Pool(2) as pool:
        results = pool.map(task, range(4))
    assert all(same(r, expected) for r in results)
    from concurrent.futures import ProcessPoolExecutor
    with ProcessPoolExecutor(2, mp_context=mp.get_context({method!r})) as ex:
        assert all(same(r, expected) for r in ex.map(task, range(2)))
    print("ok")
"""
    )
    check(proc)


@POSIX
def test_grandchild_of_a_threaded_parent_computes():
    proc = run_script(
        PARALLEL_JOBS
        + """
import os, warnings
warnings.simplefilter("ignore", DeprecationWarning)
def child(depth):
    ok = same(jobs(), expected)
    if ok and depth < 2:
        pid = os.fork()
        if pid == 0:
            child(depth + 1)
        _, status = os.waitpid(pid, 0)
        ok = os.waitstatus_to_exitcode(status) == 0
    os._exit(0 if ok else 3)
pid = os.fork()
if pid == 0:
    child(1)
_, status = os.waitpid(pid, 0)
assert os.waitstatus_to_exitcode(status) == 0, status
print("ok")
"""
    )
    check(proc)


# -- the interpreter exits while a daemon thread is inside incdtw ---------------------------------

EXIT_CALLS = {
    "dtw_dismat": "incdtw.dtw_dismat(X, n_jobs=2)",
    "dtw_dismat n_jobs=1": "incdtw.dtw_dismat(X, n_jobs=1)",
    "dtw_cdist": "incdtw.dtw_cdist(X, X[:200])",
    "dba": "incdtw.dba(X[:200], iterMax=50, n_jobs=2)",
    "centroid": "incdtw.centroid(X[:400], n_jobs=2)",
    "rundtw": "incdtw.rundtw(X[0][:300], C, ws=30, scale='z', n_jobs=2)",
    "rundtw k": "incdtw.rundtw(X[0][:300], C, ws=30, k=3, n_jobs=1)",
    "dtw2vec": "incdtw.dtw2vec(C[:40_000], C[40_000:80_000])",
    "dtw": "incdtw.dtw(C[:6_000], C[6_000:12_000], return_wp=True)",
    "plane increment": "p.increment(C[:20_000])",
}


@pytest.mark.parametrize("name", list(EXIT_CALLS))
def test_interpreter_exits_cleanly_while_a_daemon_thread_computes(name):
    proc = run_script(
        f"""
import threading, time, numpy as np, incdtw
rng = np.random.default_rng(1)
X = [np.cumsum(rng.normal(size=500)) for _ in range(800)]
C = np.cumsum(rng.normal(size=4_000_000))
p = incdtw.initialize_plane(C[:3000], C[3000:3100])
started = threading.Event()
def work():
    started.set()
    {EXIT_CALLS[name]}
    print("finished early: make the work longer", flush=True)
threading.Thread(target=work, daemon=True).start()
started.wait()
time.sleep(0.3)
print("ok", flush=True)
"""
    )
    check(proc)
    assert "FATAL" not in proc.stderr and "terminate" not in proc.stderr, proc.stderr


def test_exit_during_a_call_from_an_atexit_handler_still_computes():
    """The main thread may still call incdtw while the interpreter shuts down (atexit, __del__)."""
    proc = run_script(
        """
import atexit, numpy as np, incdtw
rng = np.random.default_rng(2)
X = [rng.normal(size=200) for _ in range(150)]
expected = incdtw.dtw_dismat(X, n_jobs=2).dismat
def at_exit():
    assert np.array_equal(incdtw.dtw_dismat(X, n_jobs=2).dismat, expected)
    print("ok", flush=True)
atexit.register(at_exit)
"""
    )
    check(proc)


# -- threads sharing one PlaneDTW -----------------------------------------------------------------


def test_threads_reading_pickling_and_incrementing_one_plane_neither_freeze_nor_tear():
    proc = run_script(
        """
import pickle, threading, time, numpy as np, incdtw
rng = np.random.default_rng(3)
p = incdtw.initialize_plane(rng.normal(size=5000), rng.normal(size=5000))
stop = time.monotonic() + 2.0
errors = []
def loop(fn):
    def run():
        try:
            while time.monotonic() < stop:
                fn()
        except Exception as e:  # reported by the main thread
            errors.append(repr(e))
    return run
def snapshot():
    q = pickle.loads(pickle.dumps(p))  # restore checks that the parts fit each other
    assert q.control["nC"] == len(q.C) == len(q.gcm_lr_new)
readers = [lambda: p.Q, lambda: p.distance, lambda: p.gcm_lr_new, snapshot, lambda: repr(p)]
writers = [lambda: p.increment(rng.normal(size=3))]
threads = [threading.Thread(target=loop(f)) for f in readers + writers]
for t in threads: t.start()
for t in threads: t.join()
assert not errors, errors
print("ok")
""",
        timeout=60,
    )
    check(proc)


def test_decrement_with_refresh_is_atomic_for_concurrent_increments():
    proc = run_script(
        """
import sys, threading, time, numpy as np, incdtw
sys.setswitchinterval(1e-6)  # switch threads between any two Python steps
rng = np.random.default_rng(4)
p = incdtw.initialize_plane(rng.normal(size=300), rng.normal(size=400))
stop = time.monotonic() + 1.5
errors = []
def cut():
    while time.monotonic() < stop:
        try:
            n = p.control["nC"]  # increments only grow it
            if n > 100:
                p.decrement(nC=n - 40, refresh_dtw=True)
            else:
                p.decrement("C", refresh_dtw=True)
        except Exception as e:
            errors.append(repr(e))
def grow():
    x = rng.normal(size=20)
    while time.monotonic() < stop:
        try:
            p.increment(x)
        except Exception as e:  # "call refresh() first" if another thread saw the plane between
            errors.append(repr(e))
ts = [threading.Thread(target=cut)] + [threading.Thread(target=grow) for _ in range(3)]
for t in ts: t.start()
for t in ts: t.join()
assert not errors, errors[:3]
assert p.distance == incdtw.dtw2vec(p.Q, p.C).distance
print("ok")
""",
        timeout=60,
    )
    check(proc)


# -- scoped SIMD levels on threads ----------------------------------------------------------------


def test_overlapping_simd_blocks_on_two_threads_are_independent():
    """A enters, B enters, A leaves, B leaves: with one process-wide level B restored A's level."""
    levels = incdtw.available_simd_levels()
    before = incdtw.simd_level()
    rng = np.random.default_rng(5)
    X = [rng.normal(size=300) for _ in range(60)]
    expected = incdtw.dtw_dismat(X, n_jobs=2).dismat
    a_in, b_in, a_out = threading.Event(), threading.Event(), threading.Event()
    seen: dict[str, list[str]] = {"A": [], "B": []}

    def a() -> None:
        with incdtw.simd(levels[0]):
            a_in.set()
            b_in.wait(10)
            seen["A"].append(incdtw.simd_level())
            assert np.array_equal(incdtw.dtw_dismat(X, n_jobs=2).dismat, expected)
        a_out.set()
        seen["A"].append(incdtw.simd_level())

    def b() -> None:
        a_in.wait(10)
        with incdtw.simd(levels[-1]):
            b_in.set()
            a_out.wait(10)
            seen["B"].append(incdtw.simd_level())
            assert np.array_equal(incdtw.dtw_dismat(X, n_jobs=2).dismat, expected)
        seen["B"].append(incdtw.simd_level())

    threads = [threading.Thread(target=a), threading.Thread(target=b)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert seen == {"A": [levels[0], before], "B": [levels[-1], before]}
    assert incdtw.simd_level() == before
    with incdtw.simd(levels[0]):  # and the process-wide level is intact for every thread
        pass
    other: list[str] = []
    t = threading.Thread(target=lambda: other.append(incdtw.simd_level()))
    t.start()
    t.join()
    assert other == [before]


def test_simd_blocks_nest_and_leave_the_process_level_alone():
    before = incdtw.simd_level()
    with incdtw.simd("scalar"):
        assert incdtw.simd_level() == "scalar"
        with incdtw.simd("avx512") as used:
            assert used == incdtw.max_simd_level() == incdtw.simd_level()
        assert incdtw.simd_level() == "scalar"
        seen = []
        t = threading.Thread(target=lambda: seen.append(incdtw.simd_level()))
        t.start()
        t.join()
        assert seen == [before]  # another thread keeps the process-wide level
    assert incdtw.simd_level() == before
    with pytest.raises(ValueError, match="level"):
        with incdtw.simd("avx9000"):
            pass
    with pytest.raises(TypeError, match="level"):
        with incdtw.simd(2):  # type: ignore[arg-type]
            pass
    assert incdtw.simd_level() == before
