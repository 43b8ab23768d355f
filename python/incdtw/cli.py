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
import array
import errno
import io
import json
import math
import os
import re
import stat
import sys
import warnings
from typing import Any, Callable, Iterator, Optional, Sequence

import numpy as np

import incdtw
from incdtw._validate import ResultTooLargeError, ensure_fits
from incdtw.collection import as_collection

PROG = "incdtw"
OUTPUT_EXTENSIONS = (".npy", ".csv", ".txt")


class CLIError(Exception):
    """An error reported as ``incdtw: error: <message>`` with exit code 2."""


# --------------------------------------------------------------------------------------------
# reading and writing


# Inputs are read whole into memory, up to a size limit (--max-bytes); files that are not regular
# (pipes, FIFOs, devices, standard input) are opened without blocking and waited on for at most
# --read-timeout seconds at a time, so a FIFO without a writer or /dev/zero ends in an error.
DEFAULT_MAX_BYTES = 1 << 30
DEFAULT_READ_TIMEOUT = 30.0
STDIN = "-"
_CHUNK = 1 << 20
# fields that mean "no value": never a header name, always an error naming the line
_MISSING = frozenset({"na", "n/a", "#n/a", "nan", "-nan", "+nan", "null", "none", "nil", "missing", "?"})


def _display(path: str) -> str:
    return "<stdin>" if path == STDIN else path


def _size_text(n: int) -> str:
    for unit, size in (("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
        if n >= size and n % size == 0:
            return f"{n // size} {unit}"
    return f"{n} bytes"


def _too_large(name: str, max_bytes: int) -> CLIError:
    return CLIError(f"{name}: larger than the limit of {_size_text(max_bytes)} (--max-bytes)")


def _read_stream(fd: int, name: str, max_bytes: int, timeout: float) -> bytearray:
    """All bytes of a pipe, FIFO or device, waiting at most ``timeout`` seconds for each chunk."""
    try:
        import select

        poller = select.poll()
        poller.register(fd, select.POLLIN | select.POLLPRI)
    except (ImportError, AttributeError):  # no poll() (Windows): blocking reads, still bounded in size
        poller = None
    # poll() takes at most 2**31 - 1 ms (24 days): longer is as good as for ever
    wait_ms = None if timeout * 1000 >= 2**31 - 1 else max(1, math.ceil(timeout * 1000))
    buf = bytearray()
    while True:
        # on Linux a FIFO opened without a writer polls as not ready until a writer has come and
        # gone, so "no writer" and "a writer that sends nothing" both end here
        if poller is not None and not poller.poll(wait_ms):
            what = "no data" if not buf else f"no more data after {len(buf)} bytes"
            raise CLIError(f"{name}: {what} in {timeout:g} s of waiting (no writer?); "
                           "--read-timeout sets how long to wait")
        try:
            chunk = os.read(fd, min(_CHUNK, max_bytes + 1 - len(buf)))
        except BlockingIOError:  # a spurious wake-up
            continue
        if not chunk:
            return buf
        buf += chunk
        if len(buf) > max_bytes:
            raise _too_large(name, max_bytes)


def _read_bytes(path: str, max_bytes: int, timeout: float) -> bytearray:
    """The bytes of ``path`` (``-``: standard input), at most ``max_bytes`` (CLIError otherwise)."""
    name = _display(path)
    if path == STDIN:
        try:
            fd = sys.stdin.fileno()
        except (AttributeError, ValueError, OSError):
            raise CLIError(f"{name}: standard input is closed") from None
        owned = False
    else:
        # O_NONBLOCK: open() of a FIFO without a writer returns at once instead of waiting for one
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
        owned = True
    try:
        st = os.fstat(fd)
        if stat.S_ISDIR(st.st_mode):
            raise CLIError(f"{name}: is a directory, not a series file")
        if not stat.S_ISREG(st.st_mode):
            return _read_stream(fd, name, max_bytes, timeout)
        if owned and st.st_size > max_bytes:
            raise _too_large(name, max_bytes)
        buf = bytearray()
        while True:  # a regular file never blocks; the bound holds if it grows while being read
            chunk = os.read(fd, min(_CHUNK << 4, max_bytes + 1 - len(buf)))
            if not chunk:
                return buf
            buf += chunk
            if len(buf) > max_bytes:
                raise _too_large(name, max_bytes)
    finally:
        if owned:
            os.close(fd)


def _read_npy(name: str, data: bytearray) -> np.ndarray:
    """A plain numeric .npy array from its bytes; the header's shape is checked against the data
    before anything is allocated (a header may promise terabytes)."""
    from numpy.lib import format as npy

    f = io.BytesIO(data)
    try:
        version = npy.read_magic(f)
        if version not in ((1, 0), (2, 0), (3, 0)):
            raise ValueError(f"format version {version[0]}.{version[1]}, not 1.0, 2.0 or 3.0")
        if version == (1, 0):
            shape, fortran, dtype = npy.read_array_header_1_0(f)
        else:  # 2.0 and 3.0 share the layout (3.0: a utf-8 header, only for structured dtypes)
            shape, fortran, dtype = npy.read_array_header_2_0(f)
    except (ValueError, EOFError, SyntaxError, TypeError, KeyError) as e:
        raise CLIError(f"{name}: not a readable .npy file ({e})") from None
    if dtype.hasobject or dtype.kind not in "fiu" or dtype.fields is not None or dtype.subdtype is not None:
        raise CLIError(f"{name}: holds {dtype} values, not real numbers")
    if any(n < 0 for n in shape):
        raise CLIError(f"{name}: not a readable .npy file (its header gives the shape {shape})")
    count = math.prod(shape)
    have, need = len(data) - f.tell(), count * dtype.itemsize
    if have != need:
        what = "the file is truncated" if have < need else "extra bytes follow the array"
        raise CLIError(f"{name}: not a readable .npy file (its header promises shape {shape} of {dtype}, "
                       f"{need} bytes, but {have} bytes of data follow: {what})")
    arr = np.frombuffer(data, dtype=dtype, count=count, offset=f.tell())
    if not arr.flags.aligned:
        arr = arr.copy()
    return arr.reshape(shape, order="F" if fortran else "C")


def _lines(text: str) -> Iterator[str]:
    """The lines of ``text`` (str.splitlines' line ends), split a few MiB at a time: no list of all
    the lines, whose objects would take several times the memory of the text."""
    block, pos, carry = 1 << 22, 0, ""
    while pos < len(text):
        part = carry + text[pos:pos + block]
        pos += block
        lines = part.splitlines(keepends=True)
        carry = ""
        if pos < len(text) and lines:
            # the last line may continue in the next block (a "\r" may be half of "\r\n")
            carry = lines.pop()
        yield from lines
    if carry:
        yield carry


def _field_text(field: str) -> str:
    return repr(field) if len(field) <= 40 else repr(field[:40]) + "..."


def _is_missing(field: str) -> bool:
    return field.lower() in _MISSING


def _check_field(name: str, lineno: int, field: str) -> None:
    """CLIError for a field that is not a finite number (called once a line fails)."""
    try:
        x = float(field)
    except ValueError:
        if _is_missing(field):
            raise CLIError(f"{name}: line {lineno}: {_field_text(field)} is a missing value; "
                           "the series must be finite numbers") from None
        raise CLIError(f"{name}: line {lineno}: cannot read {_field_text(field)} as a number") from None
    if not math.isfinite(x):
        raise CLIError(f"{name}: line {lineno}: {_field_text(field)} is not a finite number; "
                       "the series must be finite numbers")


# the start of a number, maybe malformed (0x10, 1.2.3, 3;4): never a column name
_NUMBER_START = re.compile(r"[+-]?\.?\d")


def _is_header(fields: Sequence[str]) -> bool:
    """A first line of names: no field is (or starts like) a number or says "missing", one at least
    is a name. Any other line that does not read as finite numbers is an error, never skipped."""
    named = False
    for field in fields:
        bare = field.strip("\"'")  # a quoted "1.5" is no name either
        if not bare:
            continue  # an unnamed column (e.g. pandas' index)
        if _is_missing(bare) or _NUMBER_START.match(bare):
            return False
        try:
            float(bare)
            return False
        except ValueError:
            named = True
    return named


def _read_text(name: str, text: str, sep: Optional[str]) -> np.ndarray:
    values = array.array("d")
    rows = 0
    width = None
    first = True
    for lineno, line in enumerate(_lines(text), start=1):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        fields = [f.strip() for f in stripped.split(sep)] if sep else stripped.split()
        try:
            row = [float(f) for f in fields]
            ok = all(map(math.isfinite, row))
        except ValueError:
            ok = False
        if not ok:
            if first and _is_header(fields):
                first = False
                continue  # the header row
            for field in fields:
                _check_field(name, lineno, field)
        first = False
        if width is None:
            width = len(row)
        elif len(row) != width:
            raise CLIError(f"{name}: line {lineno} has {len(row)} columns, the lines before have {width}")
        values.extend(row)
        rows += 1
    if not rows or width is None:
        raise CLIError(f"{name}: no numbers in the file (empty)")
    arr = np.frombuffer(values, dtype=np.float64).reshape(rows, width)
    if rows == 1 and width > 1:  # one line of several values: a univariate series
        return arr.reshape(-1)
    return arr[:, 0] if width == 1 else arr


def _text_separator(path: str, text: str) -> Optional[str]:
    """"," for .csv; whitespace for other files; standard input: "," when its first line of data has one."""
    if path == STDIN:
        for line in _lines(text[: 1 << 16]):
            stripped = line.strip()
            if stripped and not stripped.startswith("#"):
                return "," if "," in stripped else None
        return None
    return "," if os.path.splitext(path)[1].lower() == ".csv" else None


def read_series(path: str, max_bytes: int = DEFAULT_MAX_BYTES, timeout: float = DEFAULT_READ_TIMEOUT) -> np.ndarray:
    """A series from ``.npy``, ``.csv`` or whitespace-separated text, ``-`` for standard input
    (CLIError on failure). A file that starts with the .npy magic is read as .npy whatever its
    name (process substitution, standard input); text may start with a UTF-8 byte-order mark."""
    name = _display(path)
    try:
        data = _read_bytes(path, max_bytes, timeout)
    except CLIError:
        raise
    except FileNotFoundError:
        raise CLIError(f"{name}: no such file") from None
    except IsADirectoryError:
        raise CLIError(f"{name}: is a directory, not a series file") from None
    except OSError as e:
        raise CLIError(f"{name}: cannot read the file ({e.strerror or e})") from None
    ext = "" if path == STDIN else os.path.splitext(path)[1].lower()
    if data.startswith(b"\x93NUMPY"):
        arr = _read_npy(name, data)
    elif ext == ".npy":
        what = "empty" if not data else "it does not start with the .npy magic bytes"
        raise CLIError(f"{name}: not a readable .npy file ({what})")
    else:
        try:
            text = data.decode("utf-8-sig")  # a byte-order mark (Excel's "CSV UTF-8") is not data
        except UnicodeDecodeError:
            raise CLIError(f"{name}: not a text file (not UTF-8; use .npy for binary numpy arrays)") from None
        del data
        if "\x00" in text:
            raise CLIError(f"{name}: not a text file (it holds NUL bytes; use .npy for binary numpy arrays)")
        arr = _read_text(name, text, _text_separator(path, text))
    if arr.ndim == 2 and arr.shape[1] == 1:
        arr = arr[:, 0]
    if arr.ndim not in (1, 2):
        raise CLIError(f"{name}: a series is 1-D (length,) or 2-D (length, dims), got shape {arr.shape}")
    if arr.shape[0] == 0 or arr.size == 0:
        raise CLIError(f"{name}: no numbers in the file (empty)")
    if arr.dtype.kind == "f":
        bad = np.flatnonzero(~np.isfinite(arr.reshape(arr.shape[0], -1)).all(axis=1))
        if bad.size:
            raise CLIError(f"{name}: a value that is not a finite number (NaN or inf) at observation {bad[0]}; "
                           "the series must be finite numbers")
    return arr


def read_inputs(args: argparse.Namespace, paths: Sequence[str]) -> list[np.ndarray]:
    """The series of ``paths`` under the --max-bytes and --read-timeout of ``args``."""
    if list(paths).count(STDIN) > 1:
        raise CLIError("- (standard input) can be given once only")
    return [read_series(p, args.max_bytes, args.read_timeout) for p in paths]


def _same_dims(paths: Sequence[str], arrays: Sequence[np.ndarray]) -> None:
    """All series have the dimensions (columns) of the first, or CLIError naming the files."""
    dims = [1 if a.ndim == 1 else a.shape[1] for a in arrays]
    for path, d in zip(paths, dims):
        if d != dims[0]:
            raise CLIError(f"{path} has {d} dimensions (columns) but {paths[0]} has {dims[0]}: "
                           "the series must have the same number of dimensions")


def _check_output(path: Optional[str]) -> None:
    """Refuse an output file before the computation: its extension and its folder."""
    if path is None:
        return
    ext = os.path.splitext(path)[1].lower()
    if ext not in OUTPUT_EXTENSIONS:
        raise CLIError(f"{path}: unknown output format {ext or '(no extension)'!r}; use .npy, .csv or .txt")
    folder = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(folder):
        raise CLIError(f"{path}: cannot write the file (no folder {folder})")


def _open_output(path: str) -> tuple[io.BufferedWriter, bool]:
    """``path`` opened for writing, and whether it is a regular file. O_NONBLOCK: a FIFO without a
    reader is an error at once instead of an open() that waits for one."""
    nonblock = getattr(os, "O_NONBLOCK", 0)
    flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | nonblock | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(path, flags, 0o666)
    except OSError as e:
        if e.errno == errno.ENXIO:
            raise CLIError(f"{path}: cannot write the file (a FIFO or device without a reader)") from None
        raise
    try:
        regular = stat.S_ISREG(os.fstat(fd).st_mode)
        if nonblock:
            os.set_blocking(fd, True)  # once open, a FIFO's reader sets the pace
        return os.fdopen(fd, "wb"), regular
    except BaseException:
        os.close(fd)
        raise


def _remove(path: str) -> None:
    """Remove an output file that could not be written whole, never leaving it cut short."""
    try:
        os.remove(path)
    except OSError:
        pass


def write_array(path: str, arr: np.ndarray, header: Sequence[str] = ()) -> None:
    """``.npy`` (exact), ``.csv`` (comma) or ``.txt`` (space), numbers with full precision.
    A regular file that cannot be written whole (a full disk) is removed, never left truncated."""
    ext = os.path.splitext(path)[1].lower()
    regular = False
    try:
        f, regular = _open_output(path)
        with f:
            if ext == ".npy":
                np.save(f, arr)
            else:
                sep = "," if ext == ".csv" else " "
                lines = ([sep.join(header)] if header else []) + _rows(arr, sep)
                for k in range(0, len(lines), 4096):
                    f.write("".join(line + "\n" for line in lines[k:k + 4096]).encode("utf-8"))
    except OSError as e:
        if regular:
            _remove(path)
        if isinstance(e, IsADirectoryError):
            raise CLIError(f"{path}: cannot write the file (it is a directory)") from None
        raise CLIError(f"{path}: cannot write the file ({e.strerror or e})") from None


def _fmt(x: Any) -> str:
    if isinstance(x, (int, np.integer)):
        return str(int(x))
    return repr(float(x))  # shortest text that reads back to the same double


def _rows(arr: np.ndarray, sep: str = " ") -> list[str]:
    a = np.asarray(arr)
    if a.ndim == 1:
        return [_fmt(x) for x in a]
    return [sep.join(_fmt(x) for x in row) for row in a]


def _json_value(x: Any) -> Any:
    """numpy values and arrays as JSON (nan and inf as null)."""
    if isinstance(x, np.ndarray):
        return [_json_value(e) for e in x.tolist()] if x.ndim else _json_value(x.item())
    if isinstance(x, (list, tuple)):
        return [_json_value(e) for e in x]
    if isinstance(x, dict):
        return {k: _json_value(e) for k, e in x.items()}
    if isinstance(x, (bool, np.bool_)):
        return bool(x)
    if isinstance(x, (int, np.integer)):
        return int(x)
    if isinstance(x, (float, np.floating)):
        f = float(x)
        return f if math.isfinite(f) else None
    return x


class _StdoutError(Exception):
    """Standard output cannot be written (a full disk, a closed pipe): the OSError in ``error``."""

    def __init__(self, error: OSError):
        super().__init__(error)
        self.error = error


def _say(text: str = "") -> None:
    """A line on standard output; a failed write is a _StdoutError, reported by main()."""
    try:
        print(text)
    except OSError as e:
        raise _StdoutError(e) from None


def _flush_stdout() -> None:
    try:
        if sys.stdout is not None:
            sys.stdout.flush()
    except OSError as e:
        raise _StdoutError(e) from None


def _print_json(obj: dict[str, Any]) -> None:
    _say(json.dumps(_json_value(obj), indent=2))


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


# --------------------------------------------------------------------------------------------


def _err(text: str) -> None:
    """A line on stderr; an error writing it (stderr closed or full) is ignored: nowhere to report it."""
    try:
        print(text, file=sys.stderr)
        sys.stderr.flush()
    except (OSError, AttributeError, ValueError):
        pass


def _silence_stdout() -> None:
    """Point a failed standard output at the null device, so that the flush at exit does not fail
    again (an "Exception ignored" message and exit code 120)."""
    try:
        fd = sys.stdout.fileno()
        devnull = os.open(os.devnull, os.O_WRONLY)
        try:
            os.dup2(devnull, fd)
        finally:
            os.close(devnull)
    except (AttributeError, ValueError, OSError, io.UnsupportedOperation):
        pass


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
        _silence_stdout()
        if e.error.errno == errno.EPIPE:  # the reader has gone (| head): the Unix way is to stop quietly
            return 0
        _err(f"{PROG}: error: cannot write to standard output ({e.error.strerror or e.error})")
        return 2
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
