"""The ``incdtw`` command line: DTW distances, distance matrices, subsequence search and DBA on
series in files, and a demo on built-in example data.

Synopsis::

    incdtw distance A B [--path [FILE]] [--threshold T]
    incdtw dismat FILES... [-o out.npy] [--condensed] [--no-normalize]
    incdtw search QUERY SERIES [-k 5] [--scale {01,z,none}] [--overlap-tol N]
    incdtw dba FILES... [--iter-max 10] [--eps E] [--m0 FILE] [-o out.csv]
    incdtw demo [--plot FILE]

Common options mirror the Python keywords: ``--dist-method``, ``--step-pattern``, ``--ws``,
``--n-jobs``, ``--json`` (machine-readable output), ``--quiet`` (no progress bar). Series files are
``.npy``, ``.csv`` (comma-separated) or whitespace-separated text; one column is a univariate
series, several columns are ``(length, dims)``. A first line of names (no field a number, the
start of one such as 0x10, or a missing-value marker such as NA) is a header and skipped; any
other line that does not read as finite numbers is an error naming the file and line. A UTF-8
byte-order mark is ignored, and a file that starts with the .npy magic is read as .npy whatever
its name. ``-`` reads standard input (once; comma-separated when its first line of data has a
comma).

Inputs are read whole, each up to ``--max-bytes`` (default 1 GiB); pipes, FIFOs, devices and
standard input are waited on for at most ``--read-timeout`` seconds (default 30) at a time.
Exit codes: 0 success, 2 errors (unreadable or too large files, shape mismatches, bad options,
not enough memory, an output that cannot be written), each as ``incdtw: error: ...`` on stderr;
a closed standard output (``| head``) ends quietly with 0.

Run it as ``incdtw ...`` (console script) or ``python -m incdtw.cli ...``.
"""

from __future__ import annotations

import argparse
import math
import os
import re
import sys
import warnings
from typing import Any, Callable, Optional, Sequence

import numpy as np

import incdtw
# the readers' and writers' public names are importable from here too ("X as X": re-exported)
from incdtw._cli_error import CLIError as CLIError
from incdtw._cli_read import DEFAULT_MAX_BYTES as DEFAULT_MAX_BYTES, DEFAULT_READ_TIMEOUT as DEFAULT_READ_TIMEOUT
from incdtw._cli_read import STDIN as STDIN, _same_dims, read_inputs as read_inputs, read_series as read_series
from incdtw._cli_write import OUTPUT_EXTENSIONS as OUTPUT_EXTENSIONS, write_array as write_array
from incdtw._cli_write import _check_output, _err, _flush_stdout, _fmt, _open_output, _print_json, _remove, _rows
from incdtw._cli_write import _say, _silence_stdout, _stdout_failed, _StdoutError
from incdtw._validate import ResultTooLargeError, ensure_fits
from incdtw.collection import as_collection

PROG = "incdtw"


# --------------------------------------------------------------------------------------------
# progress


def _stderr_is_terminal() -> bool:
    try:
        return sys.stderr.isatty()
    except (AttributeError, ValueError):
        return False


def _show_progress(quiet: bool) -> bool:
    """A progress bar when stderr is a terminal and not ``--quiet`` (and tqdm is installed)."""
    if quiet or not _stderr_is_terminal():
        return False
    try:
        import tqdm  # noqa: F401
    except ImportError:
        return False
    return True


# --------------------------------------------------------------------------------------------
# argument types


def _int_at_least(minimum: int, allow_minus_one: bool = False) -> Callable[[str], int]:
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"must be an integer, got {text!r}") from None
        if allow_minus_one and value == -1:
            return value
        if value < minimum:
            extra = " (or -1 for all cores)" if allow_minus_one else ""
            raise argparse.ArgumentTypeError(f"must be >= {minimum}{extra}, got {value}")
        return value

    return parse


def _nonneg_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a number, got {text!r}") from None
    if math.isnan(value) or value < 0:
        raise argparse.ArgumentTypeError(f"must be a number >= 0, got {text!r}")
    return value


_SIZE_UNITS = {"": 1, "K": 1 << 10, "M": 1 << 20, "G": 1 << 30, "T": 1 << 40}


def _byte_size(text: str) -> int:
    """A size >= 1 in bytes: an integer, optionally with K, M, G or T (powers of 1024; KiB, MB... too)."""
    m = re.fullmatch(r"\s*(\d+)\s*([kKmMgGtT]?)(?:i?[bB])?\s*", text)
    if not m or int(m.group(1)) < 1:
        raise argparse.ArgumentTypeError(f"must be a size >= 1 in bytes (such as 1048576, 512M or 2G), got {text!r}")
    return int(m.group(1)) * _SIZE_UNITS[m.group(2).upper()]


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a number of seconds, got {text!r}") from None
    if not value > 0:
        raise argparse.ArgumentTypeError(f"must be a number of seconds > 0 (or inf), got {text!r}")
    return value


def _add_common(p: argparse.ArgumentParser, step_default: str = "symmetric2", jobs: bool = True) -> None:
    p.add_argument("--dist-method", choices=("norm1", "norm2", "norm2_square"), default="norm1",
                   help="local cost (default: norm1)")
    p.add_argument("--step-pattern", choices=("symmetric1", "symmetric2"), default=step_default,
                   help=f"step pattern (default: {step_default})")
    p.add_argument("--ws", type=_int_at_least(0), default=None, metavar="INT",
                   help="Sakoe-Chiba window radius (default: none)")
    if jobs:
        p.add_argument("--n-jobs", type=_int_at_least(1, allow_minus_one=True), default=-1, metavar="INT",
                       help="threads, -1 = all cores (default); results do not depend on it")
    p.add_argument("--json", action="store_true", help="machine-readable output (JSON on stdout)")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress bar, no notes on stderr")
    p.add_argument("--max-bytes", type=_byte_size, default=DEFAULT_MAX_BYTES, metavar="SIZE",
                   help="largest input file read, in bytes or with a suffix K, M, G (default: 1G)")
    p.add_argument("--read-timeout", type=_seconds, default=DEFAULT_READ_TIMEOUT, metavar="SECONDS",
                   help="pipes, FIFOs, devices and - (standard input): how long to wait for data before "
                   f"giving up, 'inf' for ever (default: {DEFAULT_READ_TIMEOUT:g})")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=PROG,
        description="Dynamic Time Warping on series in files (.npy, .csv or whitespace-separated text; "
        "one column: univariate, several: (length, dims); - reads standard input).",
        epilog="Exit codes: 0 success, 2 errors (unreadable or too large files, shape mismatches, bad options, "
        "not enough memory, unwritable output).",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {incdtw.__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True

    p = sub.add_parser("distance", help="DTW distance of two series",
                       description="DTW distance and normalized distance (distance / (n + m)) of two series.")
    p.add_argument("A", help="query series file (Q)")
    p.add_argument("B", help="candidate series file (C)")
    _add_common(p, jobs=False)
    p.add_argument("--threshold", type=_nonneg_float, default=None, metavar="FLOAT",
                   help="early abandoning: the distance is nan when above it")
    p.add_argument("--path", nargs="?", const="-", default=None, metavar="FILE",
                   help="also the 0-based warping path (i, j): printed, or written to FILE (.npy, .csv, .txt)")
    p.set_defaults(run=cmd_distance)

    p = sub.add_parser("dismat", help="pairwise DTW distance matrix of several series",
                       description="Pairwise DTW distances (as incdtw.dtw_dismat); the square matrix, "
                       "or the condensed vector in scipy's pdist order with --condensed.")
    p.add_argument("files", nargs="+", metavar="FILES", help="two or more series files")
    _add_common(p)
    p.add_argument("--normalize", action=argparse.BooleanOptionalAction, default=True,
                   help="distance / (n + m) (default; needs symmetric2)")
    p.add_argument("--threshold", type=_nonneg_float, default=None, metavar="FLOAT",
                   help="early abandoning: nan for pairs above it")
    p.add_argument("--condensed", action="store_true", help="the condensed vector instead of the square matrix")
    p.add_argument("-o", "--output", metavar="FILE", help="write the matrix to FILE (.npy, .csv, .txt)")
    p.set_defaults(run=cmd_dismat)

    p = sub.add_parser("search", help="the k nearest windows of a long series to a query",
                       description="Subsequence search (as incdtw.rundtw): the k nearest non-overlapping "
                       "windows SERIES[start : start + len(QUERY)], best first.")
    p.add_argument("query", metavar="QUERY", help="query series file")
    p.add_argument("series", metavar="SERIES", help="long series file")
    _add_common(p, step_default="symmetric1")
    p.add_argument("-k", type=_int_at_least(1), default=1, metavar="INT", help="number of windows (default: 1)")
    p.add_argument("--scale", choices=("01", "z", "none"), default="01",
                   help="scaling of the query and of every window (default: 01)")
    p.add_argument("--threshold", type=_nonneg_float, default=None, metavar="FLOAT",
                   help="report only windows with a distance <= it")
    p.add_argument("--overlap-tol", type=_int_at_least(0), default=0, metavar="INT",
                   help="windows i, j overlap when |i - j| < len(QUERY) - overlap_tol (default: 0)")
    p.add_argument("-o", "--output", metavar="FILE", help="write the (start, distance) table to FILE")
    p.set_defaults(run=cmd_search)

    p = sub.add_parser("dba", help="DTW barycenter of several series",
                       description="DTW barycenter averaging (as incdtw.dba).")
    p.add_argument("files", nargs="+", metavar="FILES", help="series files")
    _add_common(p)
    p.add_argument("--m0", metavar="FILE", help="start series (default: the medoid)")
    p.add_argument("--iter-max", type=_int_at_least(1), default=10, metavar="INT", help="iterations (default: 10)")
    p.add_argument("--eps", type=_nonneg_float, default=None, metavar="FLOAT",
                   help="stop when the change of an iteration is below it")
    p.add_argument("--iter-dist-method", choices=("dtw_norm1", "dtw_norm2", "norm1", "norm2", "max", "min"),
                   default="dtw_norm1", help="change between iterations (default: dtw_norm1)")
    p.add_argument("-o", "--output", metavar="FILE", help="write the barycenter to FILE (.npy, .csv, .txt)")
    p.set_defaults(run=cmd_dba)

    p = sub.add_parser("demo", help="a short report on built-in example data (incdtw.datasets)",
                       description="Aligns incdtw.datasets.sine_pair, searches incdtw.datasets.planted_walk "
                       "for its planted pattern and classifies incdtw.datasets.warped_classes by 1-NN.")
    p.add_argument("--plot", metavar="FILE", help="save a figure of the alignment (needs pip install incdtw[plot])")
    p.add_argument("--length", type=_int_at_least(2000), default=200_000, metavar="INT",
                   help="length of the random walk searched (default: 200000)")
    p.add_argument("--seed", type=_int_at_least(0), default=2026, metavar="INT",
                   help="seed of the example data (default: 2026)")
    p.add_argument("--n-jobs", type=_int_at_least(1, allow_minus_one=True), default=-1, metavar="INT",
                   help="threads, -1 = all cores (default)")
    p.add_argument("--json", action="store_true", help="machine-readable output (JSON on stdout)")
    p.add_argument("-q", "--quiet", action="store_true", help="no notes on stderr")
    p.set_defaults(run=cmd_demo)
    return parser


# --------------------------------------------------------------------------------------------
# commands


def cmd_distance(args: argparse.Namespace) -> None:
    if args.path is not None and args.threshold is not None:
        raise CLIError("--path cannot be combined with --threshold (an abandoned alignment has no path)")
    if args.path not in (None, "-"):
        _check_output(args.path)
    Q, C = read_inputs(args, (args.A, args.B))
    _same_dims((args.A, args.B), (Q, C))
    opts = dict(dist_method=args.dist_method, step_pattern=args.step_pattern, ws=args.ws)
    ii = jj = path_table = None
    if args.path is not None:
        try:
            r = incdtw.dtw(Q, C, return_wp=True, return_gcm=False, **opts)
        except ResultTooLargeError as e:  # the library's hint names Python calls
            raise CLIError(f"--path: {str(e).split('; ')[0]}; without --path the distance needs "
                           "memory O(min(n, m)) only") from None
        distance, normalized = r.distance, r.normalized_distance
        ii, jj = np.asarray(r.ii), np.asarray(r.jj)
        path_table = np.column_stack([ii, jj])
    else:
        v = incdtw.dtw2vec(Q, C, threshold=args.threshold, **opts)
        distance, normalized = v.distance, v.normalized_distance
    if path_table is not None and args.path != "-":
        write_array(args.path, path_table, header=("i", "j"))
    if args.json:
        out: dict[str, Any] = dict(A=args.A, B=args.B, distance=distance, normalized_distance=normalized)
        if path_table is not None:
            if args.path == "-":
                out.update(ii=ii, jj=jj)
            else:
                out["path_file"] = args.path
        _print_json(out)
        return
    _say(f"distance {_fmt(distance)}")
    _say(f"normalized_distance {_fmt(normalized)}")
    if path_table is not None:
        if args.path == "-":
            _say(f"path {len(path_table)} steps (i j, 0-based)")
            for line in _rows(path_table):
                _say(line)
        else:
            _say(f"path {len(path_table)} steps written to {args.path}")


def cmd_dismat(args: argparse.Namespace) -> None:
    if args.normalize and args.step_pattern == "symmetric1":
        raise CLIError("--normalize (the default) needs --step-pattern symmetric2; pass --no-normalize")
    _check_output(args.output)
    arrays = read_inputs(args, args.files)
    _same_dims(args.files, arrays)
    series = as_collection(arrays, "files")  # one float dtype, as dtw_dismat
    if len(series) < 2:
        raise CLIError("dismat needs at least two series files")
    opts = dict(dist_method=args.dist_method, step_pattern=args.step_pattern, normalize=args.normalize,
                ws=args.ws, threshold=args.threshold, n_jobs=args.n_jobs)
    k = len(series)
    # dtw_dismat(progress=True) computes in row blocks behind a tqdm bar, with the same bits
    condensed = incdtw.dtw_dismat(series, progress=_show_progress(args.quiet), **opts).dismat
    if args.condensed:
        result = condensed
    else:
        result = np.zeros((k, k), dtype=condensed.dtype)
        i, j = np.triu_indices(k, 1)
        result[i, j] = condensed
        result[j, i] = condensed
    if args.output:
        write_array(args.output, result)
    if args.json:
        out: dict[str, Any] = dict(files=list(args.files), condensed=bool(args.condensed))
        if args.output:
            out["output"] = args.output
        else:
            out["dismat"] = result
        _print_json(out)
    elif args.output:
        kind = f"condensed vector of {result.size}" if args.condensed else f"{k} x {k} matrix"
        _say(f"dismat of {k} series ({kind}) written to {args.output}")
    else:
        for line in _rows(result):
            _say(line)


def cmd_search(args: argparse.Namespace) -> None:
    _check_output(args.output)
    Q, C = read_inputs(args, (args.query, args.series))
    _same_dims((args.query, args.series), (Q, C))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", UserWarning)
        r = incdtw.rundtw(Q, C, dist_method=args.dist_method, step_pattern=args.step_pattern, k=args.k,
                          scale=args.scale, ws=args.ws, threshold=args.threshold, overlap_tol=args.overlap_tol,
                          n_jobs=args.n_jobs)
    if not args.quiet:
        for w in caught:
            _err(f"{PROG}: note: {w.message}")
    starts = np.asarray(r.knn_indices, dtype=np.intp)
    values = np.asarray(r.knn_values, dtype=np.float64)
    if args.output:
        table = np.column_stack([starts.astype(np.float64), values])
        write_array(args.output, table, header=("start", "distance"))
    if args.json:
        out: dict[str, Any] = dict(query=args.query, series=args.series, k=args.k,
                                   windows=[dict(start=s, distance=d) for s, d in zip(starts, values)])
        if args.output:
            out["output"] = args.output
        _print_json(out)
        return
    _say("start distance")
    for s, d in zip(starts, values):
        _say(f"{int(s)} {_fmt(d)}")


def cmd_dba(args: argparse.Namespace) -> None:
    _check_output(args.output)
    arrays = read_inputs(args, list(args.files) + ([args.m0] if args.m0 else []))
    m0 = arrays.pop() if args.m0 else None
    _same_dims(list(args.files) + ([args.m0] if args.m0 else []), arrays + ([m0] if m0 is not None else []))
    series = as_collection(arrays, "files")
    r = incdtw.dba(series, m0=m0, iterMax=args.iter_max, eps=args.eps, dist_method=args.dist_method,
                   step_pattern=args.step_pattern, ws=args.ws, iter_dist_method=args.iter_dist_method,
                   n_jobs=args.n_jobs)
    iterations = len(r.iterations) - 1
    if args.output:
        write_array(args.output, r.m1)
    if args.json:
        out: dict[str, Any] = dict(files=list(args.files), iterations=iterations, iterDist_m2m=r.iterDist_m2m)
        if args.output:
            out["output"] = args.output
        else:
            out["m1"] = r.m1
        _print_json(out)
    elif args.output:
        _say(f"barycenter of {len(series)} series (length {len(r.m1)}, {iterations} iterations) "
              f"written to {args.output}")
    else:
        for line in _rows(r.m1):
            _say(line)


def _plotting() -> Callable[..., Any]:
    """incdtw.plot.plotQC, or CLIError naming the extra to install."""
    try:
        import matplotlib

        if "matplotlib.pyplot" not in sys.modules:
            matplotlib.use("Agg")  # a file, never a window
        from incdtw.plot import plotQC
    except ImportError as e:
        raise CLIError(f"--plot needs matplotlib and incdtw.plot ({e}); install them with: pip install incdtw[plot]") \
            from None
    return plotQC


def cmd_demo(args: argparse.Namespace) -> None:
    plotQC = _plotting() if args.plot else None
    from incdtw import datasets

    report: dict[str, Any] = dict(version=incdtw.__version__)
    Q, C = datasets.sine_pair(seed=args.seed)
    r = incdtw.dtw(Q, C, ws=30, return_wp=True)
    wp = np.asarray(r.wp)
    moves = {"diagonal": 1, "horizontal": 2, "vertical": 3}
    report["alignment"] = dict(n=Q.size, m=C.size, ws=30, distance=r.distance,
                               normalized_distance=r.normalized_distance, path_steps=wp.size + 1,
                               moves={k: int(np.count_nonzero(wp == code)) for k, code in moves.items()})

    # the walk and the search take about 72 bytes a point: refused up front when they cannot fit
    ensure_fits(80 * args.length, f"--length {args.length}", "lower --length")
    try:
        w = datasets.planted_walk(length=args.length, seed=args.seed)
    except MemoryError:
        raise CLIError(f"--length {args.length}: not enough memory for a random walk of that length") from None
    s = incdtw.rundtw(w.pattern, w.series, k=len(w.positions), scale="z", ws=10, n_jobs=args.n_jobs)
    found = sorted(int(i) for i in np.asarray(s.knn_indices))
    report["search"] = dict(length=w.series.size, pattern_length=w.pattern.size, planted=w.positions.tolist(),
                            found=found, all_found=found == w.positions.tolist(),
                            skipped_by_lower_bound=int(s.counter["lower_bound"]))

    X, y = datasets.warped_classes(seed=args.seed)
    D = incdtw.dtw_dismat(X, return_matrix=True, n_jobs=args.n_jobs).dismat
    np.fill_diagonal(D, np.inf)
    predicted = y[D.argmin(axis=1)]
    report["classes"] = dict(series=len(X), classes=list(datasets.SHAPES), pairs=len(X) * (len(X) - 1) // 2,
                             loo_1nn_accuracy=float((predicted == y).mean()))

    if plotQC is not None:
        ax = plotQC(r, Q, C)
        fmt = os.path.splitext(args.plot)[1][1:].lower() or None  # savefig's choice for a file name
        regular = False
        try:
            f, regular = _open_output(args.plot)  # a FIFO without a reader: an error, not a wait
            with f:
                ax.figure.savefig(f, format=fmt)
        except (OSError, ValueError) as e:
            if regular:
                _remove(args.plot)
            raise CLIError(f"{args.plot}: cannot save the figure ({e})") from None
        finally:
            import matplotlib.pyplot as plt

            plt.close(ax.figure)
        report["plot"] = args.plot

    if args.json:
        _print_json(report)
        return
    a, sr, c = report["alignment"], report["search"], report["classes"]
    _say(f"incdtw {incdtw.__version__} demo (data: incdtw.datasets, seed {args.seed})")
    _say(f"1. alignment: a noisy sine (n={a['n']}) and a warped, shorter copy (m={a['m']}), ws={a['ws']}")
    _say(f"   distance {a['distance']:.6f}, normalized {a['normalized_distance']:.6f}, "
          f"path of {a['path_steps']} steps {a['moves']}")
    _say(f"2. search: {len(sr['planted'])} warped copies of a pattern of {sr['pattern_length']} planted in a "
          f"random walk of {sr['length']}")
    _say(f"   planted at {sr['planted']}; found at {sr['found']} "
          f"({'all found' if sr['all_found'] else 'NOT all found'}; "
          f"{sr['skipped_by_lower_bound']} windows skipped by lower bounds)")
    _say(f"3. classes: {c['series']} warped series of {len(c['classes'])} shapes {tuple(c['classes'])}, "
          f"{c['pairs']} DTW distances")
    _say(f"   leave-one-out 1-NN accuracy {c['loo_1nn_accuracy']:.3f}")
    if args.plot:
        _say(f"figure of the alignment saved to {args.plot}")


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Run the command line with ``argv`` (default: ``sys.argv[1:]``); returns the exit code.
    Every failure is ``incdtw: error: ...`` on stderr and 2, except a closed standard output (such
    as ``| head``), which ends quietly with 0, and Ctrl-C (130)."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as e:  # --help, --version (0) and usage errors (2)
        return e.code if isinstance(e.code, int) else (0 if e.code is None else 2)
    try:
        args.run(args)
        _flush_stdout()  # output still buffered fails here, not after main() has returned
    except CLIError as e:
        _err(f"{PROG}: error: {e}")
        return 2
    except (ValueError, TypeError) as e:  # the library's checks: shapes, options, window feasibility
        _err(f"{PROG}: error: {e}")
        return 2
    except MemoryError as e:
        _err(f"{PROG}: error: not enough memory ({e or 'an allocation failed'})")
        return 2
    except KeyboardInterrupt:
        _err(f"{PROG}: interrupted")
        return 130
    except _StdoutError as e:
        return _stdout_failed(e, PROG)
    except BrokenPipeError:  # a closed pipe met outside _say (a progress bar's stderr)
        _silence_stdout()
        return 0
    except OSError as e:
        where = f"{e.filename}: " if e.filename else ""
        _err(f"{PROG}: error: {where}{e.strerror or e}")
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
