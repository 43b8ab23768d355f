"""Reading the command line's inputs: series files, pipes, FIFOs, devices and standard input, read
whole within a size limit and a wait limit, as ``.npy`` (header checked against the data) or as
comma- or whitespace-separated text (a header line of names skipped, every other unreadable line
an error naming the file and line)."""

from __future__ import annotations

import argparse
import array
import io
import math
import os
import re
import stat
import sys
from typing import Iterator, Optional, Sequence

import numpy as np

from incdtw._cli_error import CLIError

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
