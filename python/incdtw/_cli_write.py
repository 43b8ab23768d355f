"""Writing the command line's results: output files (.npy, .csv, .txt; checked before the
computation, removed when they cannot be written whole), lines and JSON on standard output (a
failed write is a _StdoutError for ``incdtw.cli.main``) and notes on stderr."""

from __future__ import annotations

import errno
import io
import json
import math
import os
import stat
import sys
from typing import Any, Optional, Sequence

import numpy as np

from incdtw._cli_error import CLIError

OUTPUT_EXTENSIONS = (".npy", ".csv", ".txt")


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


def _stdout_failed(e: _StdoutError, prog: str) -> int:
    """The exit code of a program whose standard output failed, after silencing it: a closed pipe
    (``| head``: the reader has gone) ends quietly with 0, anything else is one line on stderr and 2."""
    _silence_stdout()
    if e.error.errno == errno.EPIPE:
        return 0
    _err(f"{prog}: error: cannot write to standard output ({e.error.strerror or e.error})")
    return 2
