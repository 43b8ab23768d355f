"""The command line (incdtw.cli): values equal the Python API's, every error path exits with 2 and
a message naming the file or option."""

from __future__ import annotations

import json
import shutil
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import incdtw
from incdtw import cli, datasets


def run(capsys, *argv):
    rc = cli.main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return rc, out, err


def values(out: str) -> dict[str, float]:
    """``name value`` lines of the text output."""
    return {line.split()[0]: float(line.split()[1]) for line in out.splitlines() if len(line.split()) == 2}


@pytest.fixture
def pair(tmp_path):
    Q, C = datasets.sine_pair(n=40, shorten=6)
    a, b = tmp_path / "a.npy", tmp_path / "b.npy"
    np.save(a, Q)
    np.save(b, C)
    return Q, C, a, b


@pytest.fixture
def lot(tmp_path):
    X, _ = datasets.warped_classes(n_per_class=2, length=30, shapes=("sine", "bump", "square"), seed=3)
    files = []
    for k, x in enumerate(X):
        f = tmp_path / f"s{k}.npy"
        np.save(f, x)
        files.append(f)
    return X, files


def write_text(path: Path, rows, sep=" ", header=None) -> Path:
    lines = [] if header is None else [sep.join(header)]
    for r in np.atleast_1d(rows):
        lines.append(sep.join(repr(float(x)) for x in np.atleast_1d(r)))
    path.write_text("\n".join(lines) + "\n")
    return path


# ---------------------------------------------------------------------------------------------- distance


def test_distance_equals_dtw2vec(capsys, pair):
    Q, C, a, b = pair
    rc, out, err = run(capsys, "distance", a, b)
    assert rc == 0 and err == ""
    ref = incdtw.dtw2vec(Q, C)
    got = values(out)
    assert got["distance"] == ref.distance
    assert got["normalized_distance"] == ref.normalized_distance


def test_distance_options_mirror_keywords(capsys, pair):
    Q, C, a, b = pair
    rc, out, _ = run(capsys, "distance", a, b, "--dist-method", "norm2_square", "--step-pattern", "symmetric1",
                     "--ws", 8)
    assert rc == 0
    ref = incdtw.dtw2vec(Q, C, dist_method="norm2_square", step_pattern="symmetric1", ws=8)
    assert values(out)["distance"] == ref.distance
    assert np.isnan(values(out)["normalized_distance"])
    rc, out, _ = run(capsys, "distance", a, b, "--threshold", ref.distance / 2, "--json")
    assert rc == 0
    got = json.loads(out)
    assert got["distance"] is None  # abandoned: nan is null in JSON


def test_distance_reads_csv_with_header_and_whitespace_text(capsys, tmp_path):
    rng = np.random.default_rng(1)
    Q, C = rng.normal(size=(12, 2)), rng.normal(size=(15, 2))
    a = write_text(tmp_path / "q.csv", Q, sep=",", header=("x", "y"))
    b = write_text(tmp_path / "c.dat", C)
    rc, out, _ = run(capsys, "distance", a, b, "--dist-method", "norm2")
    assert rc == 0
    assert values(out)["distance"] == incdtw.dtw2vec(Q, C, dist_method="norm2").distance
    # one column, and one line of several values, are univariate series
    u = write_text(tmp_path / "u.csv", Q[:, 0], header=("value",))
    row = tmp_path / "row.txt"
    row.write_text(" ".join(repr(float(x)) for x in C[:, 0]) + "\n")
    rc, out, _ = run(capsys, "distance", u, row)
    assert rc == 0
    assert values(out)["distance"] == incdtw.dtw2vec(Q[:, 0], C[:, 0]).distance


def test_distance_path(capsys, pair, tmp_path):
    Q, C, a, b = pair
    ref = incdtw.dtw(Q, C, return_wp=True)
    rc, out, _ = run(capsys, "distance", a, b, "--path")
    assert rc == 0
    lines = out.splitlines()
    assert float(lines[0].split()[1]) == ref.distance
    path = np.array([[int(x) for x in line.split()] for line in lines[3:]])
    assert np.array_equal(path, np.column_stack([ref.ii, ref.jj]))
    rc, out, _ = run(capsys, "distance", a, b, "--path", tmp_path / "p.csv")
    assert rc == 0 and "p.csv" in out
    written = np.loadtxt(tmp_path / "p.csv", delimiter=",", skiprows=1, dtype=int)
    assert np.array_equal(written, np.column_stack([ref.ii, ref.jj]))
    rc, out, _ = run(capsys, "distance", a, b, "--path", "--json")
    got = json.loads(out)
    assert got["ii"] == ref.ii.tolist() and got["jj"] == ref.jj.tolist() and got["distance"] == ref.distance


# ---------------------------------------------------------------------------------------------- dismat


def test_dismat_output_equals_dtw_dismat(capsys, lot, tmp_path):
    X, files = lot
    out_file = tmp_path / "d.npy"
    rc, out, err = run(capsys, "dismat", *files, "-o", out_file, "--n-jobs", 2)
    assert rc == 0 and err == "" and "d.npy" in out
    assert np.array_equal(np.load(out_file), incdtw.dtw_dismat(X, return_matrix=True).dismat)
    rc, _, _ = run(capsys, "dismat", *files, "-o", out_file, "--condensed", "--no-normalize", "--ws", 10)
    assert rc == 0
    assert np.array_equal(np.load(out_file), incdtw.dtw_dismat(X, normalize=False, ws=10).dismat)
    csv_file = tmp_path / "d.csv"
    rc, _, _ = run(capsys, "dismat", *files, "-o", csv_file, "--dist-method", "norm2")
    assert rc == 0
    assert np.array_equal(np.loadtxt(csv_file, delimiter=","),
                          incdtw.dtw_dismat(X, dist_method="norm2", return_matrix=True).dismat)


def test_dismat_prints_matrix_and_json(capsys, lot):
    X, files = lot
    ref = incdtw.dtw_dismat(X[:3], return_matrix=True).dismat
    rc, out, _ = run(capsys, "dismat", *files[:3])
    assert rc == 0
    assert np.array_equal(np.array([[float(x) for x in line.split()] for line in out.splitlines()]), ref)
    rc, out, _ = run(capsys, "dismat", *files[:3], "--json")
    assert np.array_equal(np.array(json.loads(out)["dismat"]), ref)


@pytest.mark.parametrize(
    "options",
    [
        {},
        dict(threshold=0.2),
        dict(ws=12, normalize=False),
        dict(dist_method="norm2_square", step_pattern="symmetric1", normalize=False),
    ],
)
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_dismat_in_blocks_bit_identical(options, dtype):
    X, _ = datasets.warped_classes(n_per_class=4, length=24, dims=2, seed=5)
    series = [x.astype(dtype) for x in X]
    ref = incdtw.dtw_dismat(series, **options).dismat
    got = incdtw.dtw_dismat(series, progress=True, **options).dismat  # what the CLI's bar uses
    assert got.dtype == ref.dtype
    assert np.array_equal(got, ref, equal_nan=True)


def test_dismat_in_blocks_error_names_the_pair():
    series = [np.zeros(10), np.zeros(30), np.zeros(11)]
    with pytest.raises(ValueError, match=r"lot\[\d\].*lot\[\d\]"):
        incdtw.dtw_dismat(series, ws=2, progress=True)


def test_dismat_progress_bar_on_terminal_and_quiet(capsys, lot, tmp_path, monkeypatch):
    pytest.importorskip("tqdm")
    X, files = lot
    ref = incdtw.dtw_dismat(X, return_matrix=True).dismat
    monkeypatch.setattr(cli, "_stderr_is_terminal", lambda: True)
    out_file = tmp_path / "d.npy"
    rc, _, err = run(capsys, "dismat", *files, "-o", out_file)
    assert rc == 0 and "dtw_dismat" in err and "cells" in err  # the bar
    assert np.array_equal(np.load(out_file), ref)
    rc, _, err = run(capsys, "dismat", *files, "-o", out_file, "--quiet")
    assert rc == 0 and err == ""
    assert np.array_equal(np.load(out_file), ref)


def test_dismat_without_tqdm_has_no_bar(capsys, lot, tmp_path, monkeypatch):
    X, files = lot
    monkeypatch.setattr(cli, "_stderr_is_terminal", lambda: True)
    monkeypatch.setitem(sys.modules, "tqdm", None)  # import tqdm -> ImportError
    rc, _, err = run(capsys, "dismat", *files, "-o", tmp_path / "d.npy")
    assert rc == 0 and err == ""
    assert np.array_equal(np.load(tmp_path / "d.npy"), incdtw.dtw_dismat(X, return_matrix=True).dismat)


def test_no_bar_when_not_a_terminal(capsys, lot, tmp_path):
    _, files = lot
    rc, _, err = run(capsys, "dismat", *files, "-o", tmp_path / "d.npy")
    assert rc == 0 and err == ""


# ---------------------------------------------------------------------------------------------- search


def test_search_finds_planted_positions(capsys, tmp_path):
    w = datasets.planted_walk(length=20_000, planted=2, seed=1)
    q, s = tmp_path / "q.npy", tmp_path / "walk.txt"
    np.save(q, w.pattern)
    np.savetxt(s, w.series, fmt="%.17g")
    ref = incdtw.rundtw(w.pattern, w.series, k=2, scale="z", ws=10)
    rc, out, err = run(capsys, "search", q, s, "-k", 2, "--scale", "z", "--ws", 10)
    assert rc == 0 and err == ""
    lines = out.splitlines()
    assert lines[0] == "start distance"
    starts = [int(line.split()[0]) for line in lines[1:]]
    dists = [float(line.split()[1]) for line in lines[1:]]
    assert sorted(starts) == w.positions.tolist()
    assert starts == ref.knn_indices.tolist() and dists == ref.knn_values.tolist()
    rc, out, _ = run(capsys, "search", q, s, "-k", 2, "--scale", "z", "--ws", 10, "--json", "-o", tmp_path / "k.csv")
    assert rc == 0
    got = json.loads(out)
    assert [x["start"] for x in got["windows"]] == ref.knn_indices.tolist()
    table = np.loadtxt(tmp_path / "k.csv", delimiter=",", skiprows=1)
    assert table[:, 0].tolist() == ref.knn_indices.tolist() and table[:, 1].tolist() == ref.knn_values.tolist()


def test_search_fewer_windows_is_a_note(capsys, tmp_path):
    rng = np.random.default_rng(2)
    q, s = tmp_path / "q.npy", tmp_path / "s.npy"
    np.save(q, rng.normal(size=10))
    np.save(s, rng.normal(size=30))
    rc, out, err = run(capsys, "search", q, s, "-k", 10)
    assert rc == 0 and "found only" in err and len(out.splitlines()) >= 2
    rc, _, err = run(capsys, "search", q, s, "-k", 10, "--quiet")
    assert rc == 0 and err == ""


# ---------------------------------------------------------------------------------------------- dba


def test_dba_equals_python(capsys, lot, tmp_path):
    X, files = lot
    ref = incdtw.dba(X, iterMax=3)
    rc, out, _ = run(capsys, "dba", *files, "--iter-max", 3, "-o", tmp_path / "m.npy")
    assert rc == 0 and "3 iterations" in out
    assert np.array_equal(np.load(tmp_path / "m.npy"), ref.m1)
    rc, out, _ = run(capsys, "dba", *files, "--iter-max", 3)
    assert rc == 0
    assert np.array_equal(np.array([float(line) for line in out.splitlines()]), ref.m1)
    rc, out, _ = run(capsys, "dba", *files[1:], "--m0", files[0], "--iter-max", 2, "--step-pattern", "symmetric1",
                     "--json")
    assert rc == 0
    assert np.array_equal(np.array(json.loads(out)["m1"]),
                          incdtw.dba(X[1:], m0=X[0], iterMax=2, step_pattern="symmetric1").m1)


# ---------------------------------------------------------------------------------------------- demo


def test_demo_report(capsys):
    rc, out, err = run(capsys, "demo", "--length", 20_000, "--json")
    assert rc == 0 and err == ""
    report = json.loads(out)
    assert report["search"]["all_found"] and report["search"]["found"] == report["search"]["planted"]
    assert report["classes"]["loo_1nn_accuracy"] > 0.5
    Q, C = datasets.sine_pair()
    assert report["alignment"]["distance"] == incdtw.dtw(Q, C, ws=30).distance
    rc, out, _ = run(capsys, "demo", "--length", 20_000)
    assert rc == 0 and "all found" in out and "1-NN accuracy" in out


def test_demo_plot(capsys, tmp_path):
    pytest.importorskip("matplotlib")
    pytest.importorskip("incdtw.plot")
    figure = tmp_path / "align.png"
    rc, out, err = run(capsys, "demo", "--length", 20_000, "--plot", figure)
    assert rc == 0, err
    assert figure.stat().st_size > 0 and "align.png" in out


def test_demo_plot_without_plot_module(capsys, tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "incdtw.plot", None)
    rc, out, err = run(capsys, "demo", "--plot", tmp_path / "f.png")
    assert rc == 2 and out == ""
    assert "pip install incdtw[plot]" in err and err.startswith("incdtw: error:")
    assert not (tmp_path / "f.png").exists()


# ---------------------------------------------------------------------------------------------- errors


def test_file_errors(capsys, tmp_path, pair):
    _, _, a, _ = pair
    (tmp_path / "empty.csv").write_text("")
    (tmp_path / "header_only.csv").write_text("x,y\n")
    (tmp_path / "words.txt").write_text("1.0\n2.0\nthree\n")
    (tmp_path / "ragged.csv").write_text("1,2\n3\n")
    (tmp_path / "hole.csv").write_text("1,,2\n")
    (tmp_path / "binary.txt").write_bytes(b"\xff\xfe\x00\x81garbage")
    (tmp_path / "fake.npy").write_text("not numpy")
    np.save(tmp_path / "objects.npy", np.array([1, "a"], dtype=object), allow_pickle=True)
    np.save(tmp_path / "cube.npy", np.zeros((2, 3, 4)))
    np.save(tmp_path / "strings.npy", np.array(["a", "b"]))
    np.save(tmp_path / "none.npy", np.zeros(0))
    (tmp_path / "folder").mkdir()
    cases = {
        "missing.csv": "no such file",
        "empty.csv": "empty",
        "header_only.csv": "empty",
        "words.txt": "line 3",
        "ragged.csv": "line 2",
        "hole.csv": "cannot read",
        "binary.txt": "not a text file",
        "fake.npy": ".npy",
        "objects.npy": ".npy",
        "cube.npy": "shape (2, 3, 4)",
        "strings.npy": "not real numbers",
        "none.npy": "empty",
        "folder": "directory",
    }
    for name, reason in cases.items():
        bad = tmp_path / name
        rc, out, err = run(capsys, "distance", a, bad)
        assert rc == 2, name
        assert out == ""
        assert err.startswith(f"incdtw: error: {bad}: "), err
        assert reason in err, (name, err)
    for argv in (["dismat", a, tmp_path / "words.txt"], ["search", tmp_path / "missing.csv", a],
                 ["dba", a, tmp_path / "empty.csv"], ["dba", a, a, "--m0", tmp_path / "cube.npy"]):
        rc, _, err = run(capsys, *argv)
        assert rc == 2 and err.startswith("incdtw: error: ") and str(tmp_path) in err


def test_shape_mismatches(capsys, tmp_path, pair):
    _, _, a, b = pair
    m = tmp_path / "multi.csv"
    write_text(m, np.ones((10, 3)), sep=",")
    for argv in (["distance", a, m], ["dismat", a, b, m], ["search", m, a], ["dba", a, m], ["dba", a, b, "--m0", m]):
        rc, out, err = run(capsys, *argv)
        assert rc == 2 and out == ""
        assert "multi.csv has 3 dimensions" in err or "has 1" in err, err
        assert "multi.csv" in err
    # library messages: an infeasible window, a query longer than the series, overlap_tol too large
    short = tmp_path / "short.npy"
    np.save(short, np.arange(5.0))
    cases = [
        (["distance", a, short, "--ws", 2], "window size is too small"),
        (["dismat", a, short, "--ws", 2], "window size is too small"),
        (["search", a, short], "longer than"),
        (["search", short, a, "--overlap-tol", 5], "overlap_tol"),
    ]
    for argv, message in cases:
        rc, _, err = run(capsys, *argv)
        assert rc == 2 and message in err and err.startswith("incdtw: error: "), err


@pytest.mark.parametrize(
    "argv, option",
    [
        (["distance", "A", "B", "--dist-method", "norm3"], "--dist-method"),
        (["distance", "A", "B", "--step-pattern", "asymmetric"], "--step-pattern"),
        (["distance", "A", "B", "--ws", "-1"], "--ws"),
        (["distance", "A", "B", "--ws", "wide"], "--ws"),
        (["distance", "A", "B", "--threshold", "-2"], "--threshold"),
        (["distance", "A", "B", "--threshold", "nan"], "--threshold"),
        (["distance", "A", "B", "--path", "--threshold", "1"], "--path"),
        (["distance", "A", "B", "--path", "p.xlsx"], "p.xlsx"),
        (["dismat", "A", "B", "--n-jobs", "0"], "--n-jobs"),
        (["dismat", "A", "B", "-o", "d.parquet"], "d.parquet"),
        (["dismat", "A", "B", "-o", "no/such/folder/d.npy"], "d.npy"),
        (["dismat", "A", "B", "--step-pattern", "symmetric1"], "--no-normalize"),
        (["search", "A", "B", "-k", "0"], "-k"),
        (["search", "A", "B", "--scale", "minmax"], "--scale"),
        (["search", "A", "B", "--overlap-tol", "-1"], "--overlap-tol"),
        (["dba", "A", "B", "--iter-max", "0"], "--iter-max"),
        (["dba", "A", "B", "--eps", "x"], "--eps"),
        (["dba", "A", "B", "--iter-dist-method", "cosine"], "--iter-dist-method"),
        (["demo", "--length", "10"], "--length"),
        (["distance", "A"], "B"),
        (["frobnicate"], "frobnicate"),
        ([], "COMMAND"),
    ],
)
def test_bad_options(capsys, tmp_path, pair, argv, option):
    _, _, a, b = pair
    names = {"A": str(a), "B": str(b)}
    argv = [names.get(x, x) for x in argv]
    argv = [str(tmp_path / x) if x.startswith("no/") else x for x in argv]
    cwd = os.getcwd()
    os.chdir(tmp_path)  # outputs that get written by mistake land here
    try:
        rc, out, err = run(capsys, *argv)
    finally:
        os.chdir(cwd)
    assert rc == 2
    assert out == ""
    assert "error" in err and option in err, err


def test_help_and_version(capsys):
    rc, out, _ = run(capsys, "--help")
    assert rc == 0 and "distance" in out and "dismat" in out and "search" in out and "demo" in out
    rc, out, _ = run(capsys, "--version")
    assert rc == 0 and incdtw.__version__ in out


def test_python_m_incdtw_cli(tmp_path, pair):
    Q, C, a, b = pair
    env = dict(os.environ, PYTHONPATH=str(Path(incdtw.__file__).resolve().parent.parent))
    proc = subprocess.run([sys.executable, "-m", "incdtw.cli", "distance", str(a), str(b)],
                          capture_output=True, text=True, env=env, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert values(proc.stdout)["distance"] == incdtw.dtw2vec(Q, C).distance
    proc = subprocess.run([sys.executable, "-m", "incdtw.cli", "distance", str(a), str(tmp_path / "missing.npy")],
                          capture_output=True, text=True, env=env, timeout=120)
    assert proc.returncode == 2 and "missing.npy" in proc.stderr and proc.stdout == ""


def test_demo_plot_calls_plotqc(capsys, tmp_path, monkeypatch):
    """The wiring of --plot with a stand-in incdtw.plot: plotQC(result, Q, C) and ax.figure.savefig."""
    pytest.importorskip("matplotlib")
    import types

    from matplotlib.figure import Figure

    calls = []

    def plotQC(x, Q, C, ax=None):
        calls.append((x, Q, C))
        ax = Figure().subplots()
        ax.plot(Q)
        ax.plot(C)
        return ax

    monkeypatch.setitem(sys.modules, "incdtw.plot", types.SimpleNamespace(plotQC=plotQC))
    figure = tmp_path / "align.png"
    rc, out, err = run(capsys, "demo", "--length", 20_000, "--plot", figure)
    assert rc == 0, err
    assert figure.read_bytes()[:4] == b"\x89PNG" and "align.png" in out
    (x, Q, C), = calls
    assert x.ii is not None and np.array_equal(Q, datasets.sine_pair()[0])
    rc, _, err = run(capsys, "demo", "--length", 20_000, "--plot", tmp_path / "f.unknownformat")
    assert rc == 2 and "f.unknownformat" in err


# ---------------------------------------------------------------------------------------------- hostile input
# Each risky command runs in a subprocess with a timeout: a regression (a read that never ends, a
# traceback) fails the test instead of hanging the suite.

POSIX = pytest.mark.skipif(os.name != "posix", reason="FIFOs, /dev/zero, /dev/full, rlimits")


@pytest.fixture
def once(simd_level):
    """A test of subprocesses, which run the default SIMD level whatever this session's: run once."""
    if simd_level != incdtw.max_simd_level():
        pytest.skip("subprocesses run the default SIMD level; tested once")


def cli_proc(*argv, timeout=60, code=None, limits=(), **kwargs):
    """``python -m incdtw.cli ARGV`` (or ``python -c CODE ARGV``) with this tree's incdtw; ``limits``:
    (resource, value) pairs set in the child (bounded memory or file size for a regression)."""
    env = dict(os.environ, PYTHONPATH=str(Path(incdtw.__file__).resolve().parent.parent))
    cmd = [sys.executable] + (["-c", code] if code else ["-m", "incdtw.cli"]) + [str(a) for a in argv]

    def preexec():
        import resource
        import signal

        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past RLIMIT_FSIZE: EFBIG, not a kill
        for which, value in limits:
            resource.setrlimit(which, (value, value))

    kwargs.setdefault("stdout", subprocess.PIPE)
    kwargs.setdefault("stderr", subprocess.PIPE)
    try:
        return subprocess.run(cmd, env=env, timeout=timeout, preexec_fn=preexec if limits else None, **kwargs)
    except subprocess.TimeoutExpired:
        pytest.fail(f"incdtw {argv} still running after {timeout} s")


def text(b) -> str:
    return b.decode() if isinstance(b, bytes) else b


def assert_error(proc, start: str, *parts: str) -> None:
    err = text(proc.stderr)
    assert proc.returncode == 2, err
    assert err.startswith(f"incdtw: error: {start}"), err
    assert len(err.splitlines()) == 1 and "Traceback" not in err, err
    for part in parts:
        assert part in err, (part, err)


def csv_pair(tmp_path):
    a = tmp_path / "a.csv"
    a.write_text("1\n2\n3\n5\n")
    return a, np.array([1.0, 2, 3, 5])


def _writer(fifo: Path, data: bytes, delay: float, hold: "threading.Event | None" = None):
    import threading
    import time

    def write():
        time.sleep(delay)
        with open(fifo, "wb") as f:  # waits for the reader
            f.write(data)
            f.flush()
            if hold is not None:
                hold.wait(60)

    t = threading.Thread(target=write, daemon=True)
    t.start()
    return t


def _release(fifo: Path, thread) -> None:
    """Unblock a writer still waiting in open() for a reader, then join it."""
    fd = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)
    try:
        thread.join(10)
    finally:
        os.close(fd)


@POSIX
def test_fifo_without_writer_is_an_error_after_the_read_timeout(once, tmp_path):
    a, _ = csv_pair(tmp_path)
    fifo = tmp_path / "q.csv"
    os.mkfifo(fifo)
    proc = cli_proc("distance", fifo, a, "--read-timeout", "0.5", timeout=60)
    assert_error(proc, f"{fifo}: no data in 0.5 s", "--read-timeout")
    # the default wait (30 s, shortened here in the child) ends the same way, without the option
    code = "import sys; from incdtw import cli; cli.DEFAULT_READ_TIMEOUT = 0.5; sys.exit(cli.main(sys.argv[1:]))"
    proc = cli_proc("distance", fifo, a, code=code, timeout=60)
    assert_error(proc, f"{fifo}: no data in 0.5 s")
    args = cli.build_parser().parse_args(["distance", "x", "y"])
    assert args.read_timeout == 30.0 and args.max_bytes == 1 << 30


@POSIX
def test_fifo_writers_that_deliver_and_one_that_stalls(once, tmp_path):
    a, x = csv_pair(tmp_path)
    fifo = tmp_path / "q.csv"
    os.mkfifo(fifo)
    y = np.array([1.0, 1, 2, 4, 5])
    t = _writer(fifo, b"1,1,2,4,5\n", delay=0.5)  # a writer that comes late, as from a slow program
    proc = cli_proc("distance", fifo, a, timeout=60)
    _release(fifo, t)
    assert proc.returncode == 0, proc.stderr
    assert values(text(proc.stdout))["distance"] == incdtw.dtw2vec(y, x).distance
    import threading

    hold = threading.Event()
    t = _writer(fifo, b"1\n2\n", delay=0, hold=hold)  # sends 4 bytes, then nothing, never closes
    try:
        proc = cli_proc("distance", fifo, a, "--read-timeout", "0.5", timeout=60)
    finally:
        hold.set()
        _release(fifo, t)
    assert_error(proc, f"{fifo}: no more data after 4 bytes in 0.5 s")


@POSIX
def test_dev_zero_and_large_files_stop_at_max_bytes(once, tmp_path):
    a, x = csv_pair(tmp_path)
    import resource

    memory = [(resource.RLIMIT_AS, 4 << 30)]  # a read without a bound fails fast instead of filling memory
    proc = cli_proc("distance", "/dev/zero", a, "--max-bytes", "1M", limits=memory, timeout=60)
    assert_error(proc, "/dev/zero: larger than the limit of 1 MiB (--max-bytes)")
    proc = cli_proc("dismat", a, "/dev/zero", "--max-bytes", "3000", limits=memory, timeout=60)
    assert_error(proc, "/dev/zero: larger than the limit of 3000 bytes (--max-bytes)")
    # a regular file over the default (1 GiB; sparse here) is refused by its size, before reading
    big = tmp_path / "big.txt"
    with open(big, "wb") as f:
        f.truncate((1 << 30) + 1)
    proc = cli_proc("distance", a, big, limits=memory, timeout=60)
    assert_error(proc, f"{big}: larger than the limit of 1 GiB (--max-bytes)")
    # up to the limit is read, one byte more is not; files and standard input alike
    exact = tmp_path / "exact.txt"
    exact.write_text("1\n2\n" * 256)  # 1024 bytes
    ref = incdtw.dtw2vec(np.tile([1.0, 2.0], 256), x).distance
    proc = cli_proc("distance", exact, a, "--max-bytes", "1K", timeout=60)
    assert proc.returncode == 0 and values(text(proc.stdout))["distance"] == ref
    proc = cli_proc("distance", exact, a, "--max-bytes", "1023", timeout=60)
    assert_error(proc, f"{exact}: larger than the limit of 1023 bytes")
    proc = cli_proc("distance", "-", a, "--max-bytes", "1KiB", input=exact.read_bytes(), timeout=60)
    assert proc.returncode == 0 and values(text(proc.stdout))["distance"] == ref
    proc = cli_proc("distance", "-", a, "--max-bytes", "1023", input=exact.read_bytes(), timeout=60)
    assert_error(proc, "<stdin>: larger than the limit of 1023 bytes")


def test_byte_sizes():
    assert cli._byte_size("100") == 100
    assert cli._byte_size("512K") == 512 << 10 and cli._byte_size("1KiB") == 1024
    assert cli._byte_size("3M") == 3 << 20 and cli._byte_size("2G") == 2 << 30 and cli._byte_size("1GB") == 1 << 30
    for bad in ("0", "1.5G", "-1", "lots", "1X", ""):
        with pytest.raises(Exception, match="size"):
            cli._byte_size(bad)


@POSIX
def test_standard_input_and_process_substitution(once, tmp_path):
    a, x = csv_pair(tmp_path)
    y = np.array([0.5, 2.0, 2.5, 4.0, 6.0])
    npy = tmp_path / "y.npy"
    np.save(npy, y)
    ref = incdtw.dtw2vec(y, x).distance
    for data in (b"0.5\n2\n2.5\n4\n6\n", b"0.5 2 2.5 4 6\n", b"0.5,2,2.5,4,6\n", npy.read_bytes()):
        proc = cli_proc("distance", "-", a, input=data, timeout=60)
        assert proc.returncode == 0, proc.stderr
        assert values(text(proc.stdout))["distance"] == ref
    two = np.column_stack([y, y[::-1]])
    (tmp_path / "t.csv").write_text("1,1\n2,2\n")
    proc = cli_proc("distance", tmp_path / "t.csv", "-", input=b"x,y\n0.5,6\n2,4\n2.5,2.5\n4,2\n6,0.5\n", timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert values(text(proc.stdout))["distance"] == incdtw.dtw2vec(np.array([[1.0, 1], [2, 2]]), two).distance
    for wait in ("inf", "1e308", "5"):  # waits beyond what poll() takes are for ever
        proc = cli_proc("distance", "-", a, "--read-timeout", wait, input=b"0.5 2 2.5 4 6\n", timeout=60)
        assert proc.returncode == 0 and values(text(proc.stdout))["distance"] == ref, proc.stderr
    proc = cli_proc("distance", "-", "-", input=b"1\n2\n", timeout=60)
    assert_error(proc, "- (standard input) can be given once only")
    proc = cli_proc("distance", "-", a, stdin=subprocess.DEVNULL, timeout=60)
    assert_error(proc, "<stdin>: no numbers in the file (empty)")
    bash = shutil.which("bash")
    if bash is None:
        return
    env = dict(os.environ, PYTHONPATH=str(Path(incdtw.__file__).resolve().parent.parent))
    for src in (f"cat {a}", f"cat {npy}"):  # /dev/fd/N: a pipe without an extension; .npy by its magic
        proc = subprocess.run([bash, "-c", f'"$0" -m incdtw.cli distance <({src}) {npy}', sys.executable],
                              capture_output=True, text=True, env=env, timeout=60)
        assert proc.returncode == 0, proc.stderr
        expect = incdtw.dtw2vec(x if "a.csv" in src else y, y).distance
        assert values(proc.stdout)["distance"] == expect


def test_byte_order_mark_is_not_a_header(capsys, tmp_path):
    a, x = csv_pair(tmp_path)
    bom = tmp_path / "bom.csv"
    bom.write_bytes(b"\xef\xbb\xbf1.5\n2.5\n3.5\n")  # Excel's "CSV UTF-8"
    rc, out, err = run(capsys, "distance", a, bom)
    assert rc == 0, err
    assert values(out)["distance"] == incdtw.dtw2vec(x, np.array([1.5, 2.5, 3.5])).distance
    bom.write_bytes(b"\xef\xbb\xbfx,y\n1,2\n3,4\n")  # a BOM before a header
    rc, out, err = run(capsys, "distance", bom, bom)
    assert rc == 0 and values(out)["distance"] == 0.0
    bom.write_bytes("\ufeff1 2 3".encode() + b"\n")
    txt = bom.with_suffix(".txt")
    bom.rename(txt)
    rc, out, _ = run(capsys, "distance", a, txt)
    assert rc == 0 and values(out)["distance"] == incdtw.dtw2vec(x, np.array([1.0, 2, 3])).distance


@pytest.mark.parametrize(
    "content, line, shown",
    [
        ("NA\n1\n2\n3\n", 1, "'NA' is a missing value"),  # was taken for a header: the series shifted
        ("NA,1,2,3\n", 1, "'NA' is a missing value"),
        ("NA,NA\n1,2\n3,4\n", 1, "'NA' is a missing value"),
        ("x,y\nNA,1\n", 2, "'NA' is a missing value"),
        ("1\n2\nN/A\n", 3, "'N/A' is a missing value"),
        ("1\nnan\n2\n", 2, "'nan' is not a finite number"),
        ("1\n2\n-inf\n", 3, "'-inf' is not a finite number"),
        ("1e400\n2\n", 1, "'1e400' is not a finite number"),
        ("inf,x\n1,2\n", 1, "'inf' is not a finite number"),
        ("value\nlabel\n1\n", 2, "cannot read 'label' as a number"),  # one header line at most
        ("0x10\n2\n3\n", 1, "cannot read '0x10' as a number"),  # no name, a malformed number
        ("1;2\n3;4\n", 1, "cannot read '1;2' as a number"),
        ("1.2.3\n4\n", 1, "cannot read '1.2.3' as a number"),
        ('"1","2"\n"3","4"\n', 1, "cannot read '\"1\"' as a number"),
        ("-.5e\n1\n", 1, "cannot read '-.5e' as a number"),
    ],
)
def test_missing_and_non_finite_values_are_errors_naming_the_line(capsys, tmp_path, content, line, shown):
    a, _ = csv_pair(tmp_path)
    bad = tmp_path / "bad.csv"
    bad.write_text(content)
    rc, out, err = run(capsys, "distance", a, bad)
    assert rc == 2 and out == ""
    assert err.startswith(f"incdtw: error: {bad}: line {line}: {shown}"), err


def test_non_finite_npy_is_an_error_naming_the_file(capsys, tmp_path):
    a, _ = csv_pair(tmp_path)
    for arr, at in ((np.array([1.0, 2, 3, np.nan, 4]), 3), (np.array([[1.0, 2], [np.inf, 0]]), 1)):
        f = tmp_path / "nan.npy"
        np.save(f, arr.astype(np.float32))
        rc, _, err = run(capsys, "dismat", a, f) if arr.ndim == 1 else run(capsys, "distance", f, f)
        assert rc == 2 and err.startswith(f"incdtw: error: {f}: a value that is not a finite number"), err
        assert f"observation {at}" in err


def _npy(header: dict, data: bytes) -> bytes:
    h = repr(header).encode()
    h += b" " * ((64 - (10 + len(h) + 1) % 64) % 64) + b"\n"
    return b"\x93NUMPY\x01\x00" + len(h).to_bytes(2, "little") + h + data


@pytest.mark.parametrize(
    "content, reason",
    [
        (b"", "not a readable .npy file (empty)"),
        (b"\x93NUM", "does not start with the .npy magic"),
        (b"\x93NUMPY\x09\x00" + b"x" * 20, "format version 9.0"),
        (b"\x93NUMPY\x01\x00" + (200).to_bytes(2, "little") + b"{garbage", "not a readable .npy file"),
        (_npy({"descr": "<f8", "fortran_order": False, "shape": (10**12,)}, b"\0" * 64),
         "promises shape (1000000000000,) of float64, 8000000000000 bytes, but 64 bytes"),
        (_npy({"descr": "<f8", "fortran_order": False, "shape": (2**40, 2**30)}, b"\0" * 64), "truncated"),
        (_npy({"descr": "<f8", "fortran_order": False, "shape": (2,)}, b"\0" * 24), "extra bytes"),
        (_npy({"descr": "<f8", "fortran_order": False, "shape": (-5,)}, b"\0" * 64), "shape (-5,)"),
        (_npy({"descr": "|O", "fortran_order": False, "shape": (2,)}, b"\0" * 16), "object"),
        (_npy({"descr": "<c16", "fortran_order": False, "shape": (2,)}, b"\0" * 32), "not real numbers"),
        (_npy({"descr": [("a", "<f8")], "fortran_order": False, "shape": (2,)}, b"\0" * 16), "not real numbers"),
        (b"PK\x03\x04 a zip archive, as np.savez writes", "does not start with the .npy magic"),
    ],
)
def test_bad_npy_files(capsys, tmp_path, content, reason):
    a, _ = csv_pair(tmp_path)
    bad = tmp_path / "bad.npy"
    bad.write_bytes(content)
    rc, out, err = run(capsys, "distance", a, bad)
    assert rc == 2 and out == ""
    assert err.startswith(f"incdtw: error: {bad}: ") and reason in err, err


def test_npy_read_whatever_its_name_and_big_endian(capsys, tmp_path):
    a, x = csv_pair(tmp_path)
    y = np.array([[0.5, 1], [2, 1], [4, 3]])
    f = tmp_path / "series.dat"
    with open(f, "wb") as fh:
        np.save(fh, y.astype(">f8"), allow_pickle=False)
    g = tmp_path / "fortran.npy"
    np.save(g, np.asfortranarray(y))
    rc, out, err = run(capsys, "distance", f, g)
    assert rc == 0 and values(out)["distance"] == 0.0, err
    rc, out, _ = run(capsys, "distance", f, tmp_path / "fortran.npy", "--dist-method", "norm2")
    assert rc == 0


def test_binary_and_garbage_text(capsys, tmp_path):
    a, _ = csv_pair(tmp_path)
    nul = tmp_path / "nul.csv"
    nul.write_bytes(b"1,2\n\x00\x00\x00\x01\n")  # valid UTF-8, but binary
    rc, _, err = run(capsys, "distance", a, nul)
    assert rc == 2 and err.startswith(f"incdtw: error: {nul}: not a text file"), err
    long = tmp_path / "long.txt"
    long.write_text("1\n" + "x" * 100_000 + "\n")
    rc, _, err = run(capsys, "distance", a, long)
    assert rc == 2 and err.startswith(f"incdtw: error: {long}: line 2: cannot read 'xxxx"), err
    assert len(err) < 300  # the field is shortened, not echoed whole


def test_unreadable_files(capsys, tmp_path):
    a, _ = csv_pair(tmp_path)
    if os.path.exists("/proc/self/mem"):  # regular, but reading it fails (EIO), even for root
        rc, _, err = run(capsys, "distance", a, "/proc/self/mem")
        assert rc == 2 and err.startswith("incdtw: error: /proc/self/mem: cannot read the file ("), err
    if hasattr(os, "geteuid") and os.geteuid() != 0:
        locked = tmp_path / "locked.csv"
        locked.write_text("1\n2\n")
        locked.chmod(0)
        rc, _, err = run(capsys, "distance", a, locked)
        assert rc == 2 and "Permission denied" in err and str(locked) in err


def test_demo_seed_must_be_nonnegative(capsys):
    rc, out, err = run(capsys, "demo", "--seed", "-1")
    assert rc == 2 and out == "" and "--seed" in err


def test_demo_length_that_does_not_fit_is_an_error(once):
    proc = cli_proc("demo", "--length", 10**13, "--json", timeout=120)
    assert_error(proc, "--length 10000000000000 needs", "GiB", "lower --length")
    assert proc.stdout == b""


def test_memory_error_is_an_error(capsys, tmp_path, monkeypatch):
    a, _ = csv_pair(tmp_path)

    def boom(args):
        raise MemoryError("Unable to allocate 7.28 TiB")

    monkeypatch.setattr(cli, "cmd_distance", boom)
    rc, out, err = run(capsys, "distance", a, a)
    assert rc == 2 and out == ""
    assert err == "incdtw: error: not enough memory (Unable to allocate 7.28 TiB)\n"


class _FailingStdout:
    def __init__(self, code: int):
        self.code = code

    def write(self, s):
        raise OSError(self.code, os.strerror(self.code))

    def flush(self):
        pass


@pytest.mark.parametrize("code, rc", [(28, 2), (32, 0)])  # ENOSPC: an error; EPIPE: quiet
def test_stdout_write_errors_in_process(capsys, tmp_path, monkeypatch, code, rc):
    a, _ = csv_pair(tmp_path)
    monkeypatch.setattr(sys, "stdout", _FailingStdout(code))
    got = cli.main(["distance", str(a), str(a)])
    err = capsys.readouterr().err
    assert got == rc
    assert err == ("" if rc == 0 else f"incdtw: error: cannot write to standard output ({os.strerror(code)})\n")


@POSIX
@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="no /dev/full")
def test_full_stdout_is_an_error(once, tmp_path, lot):
    a, x = csv_pair(tmp_path)
    _, files = lot
    for argv in (["demo", "--length", 2000], ["distance", a, a], ["distance", a, a, "--path", "--json"],
                 ["dismat", *files], ["search", a, files[0]], ["dba", a, a]):
        with open("/dev/full", "w") as full:
            proc = cli_proc(*argv, stdout=full, timeout=120)
        assert proc.returncode == 2, (argv, proc.stderr)
        assert text(proc.stderr) == "incdtw: error: cannot write to standard output (No space left on device)\n"


@POSIX
def test_closed_stdout_pipe_ends_quietly(once, tmp_path, lot):
    a, _ = csv_pair(tmp_path)
    _, files = lot
    for argv in (["demo", "--length", 2000], ["distance", a, a, "--path"], ["dismat", *files]):
        r, w = os.pipe()
        os.close(r)  # the reader has gone, as after | head -c1
        try:
            proc = cli_proc(*argv, stdout=w, timeout=120)
        finally:
            os.close(w)
        assert proc.returncode == 0 and proc.stderr == b"", (argv, proc.stderr)
    # and with a real head: the data it wanted, no traceback
    if shutil.which("head") and shutil.which("bash"):
        env = dict(os.environ, PYTHONPATH=str(Path(incdtw.__file__).resolve().parent.parent))
        proc = subprocess.run([shutil.which("bash"), "-c", '"$0" -m incdtw.cli demo --length 2000 | head -c1; '
                               'echo " ${PIPESTATUS[0]}"', sys.executable],
                              capture_output=True, text=True, env=env, timeout=120)
        assert proc.stdout == "i 0\n" and proc.stderr == "", proc.stderr


@POSIX
def test_output_files_that_cannot_be_written(once, tmp_path, pair):
    import resource

    _, _, a, b = pair
    # a full device behind an output name: an error naming it; the device is left alone
    if os.path.exists("/dev/full"):
        full = tmp_path / "full.csv"
        full.symlink_to("/dev/full")
        proc = cli_proc("dismat", a, b, "-o", full, timeout=60)
        assert_error(proc, f"{full}: cannot write the file (No space left on device)")
        assert os.path.exists("/dev/full")
    # a file that cannot be written whole (a file size limit, as a full disk) is removed, not left cut
    out = tmp_path / "path.csv"
    proc = cli_proc("distance", a, b, "--path", out, limits=[(resource.RLIMIT_FSIZE, 100)], timeout=60)
    assert_error(proc, f"{out}: cannot write the file (File too large)")
    assert not out.exists()
    # a FIFO without a reader: an error at once, not an open() that waits for ever
    fifo = tmp_path / "out.csv"
    os.mkfifo(fifo)
    proc = cli_proc("distance", a, b, "--path", fifo, timeout=60)
    assert_error(proc, f"{fifo}: cannot write the file (a FIFO or device without a reader)")
    (tmp_path / "folder.npy").mkdir()
    proc = cli_proc("dismat", a, b, "-o", tmp_path / "folder.npy", timeout=60)
    assert_error(proc, f"{tmp_path / 'folder.npy'}: cannot write the file")


def test_path_too_large_names_the_option(capsys, tmp_path, monkeypatch):
    import incdtw._validate as validate

    monkeypatch.setattr(validate, "available_memory", lambda: 1 << 30)  # 1 GiB free
    q, c = tmp_path / "q.npy", tmp_path / "c.npy"
    np.save(q, np.zeros(40_000))
    np.save(c, np.ones(40_000))  # a 1.5 GiB direction matrix for the path
    rc, out, err = run(capsys, "distance", q, c, "--path")
    assert rc == 2 and out == ""
    assert err.startswith("incdtw: error: --path: dtw() of a 40000 x 40000 alignment needs 1.5 GiB"), err
    assert "without --path" in err and "incdtw.dtw2vec" not in err
    rc, out, _ = run(capsys, "distance", q, c)  # the distance alone still works
    assert rc == 0 and values(out)["distance"] == incdtw.dtw2vec(np.zeros(40_000), np.ones(40_000)).distance


@POSIX
def test_demo_plot_to_a_fifo_without_reader_or_an_unknown_format(once, tmp_path):
    pytest.importorskip("matplotlib")
    pytest.importorskip("incdtw.plot")
    fifo = tmp_path / "figure.svg"  # (an svg is written by open(), which waited for a reader)
    os.mkfifo(fifo)
    proc = cli_proc("demo", "--length", 2000, "--plot", fifo, timeout=60)
    assert_error(proc, f"{fifo}: cannot write the file (a FIFO or device without a reader)")
    odd = tmp_path / "figure.xyz"
    proc = cli_proc("demo", "--length", 2000, "--plot", odd, timeout=120)
    assert_error(proc, f"{odd}: cannot save the figure (Format 'xyz' is not supported")
    assert not odd.exists()  # no empty file left behind
