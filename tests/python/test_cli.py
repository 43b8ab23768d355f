"""The command line (incdtw.cli): values equal the Python API's, every error path exits with 2 and
a message naming the file or option."""

from __future__ import annotations

import json
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
