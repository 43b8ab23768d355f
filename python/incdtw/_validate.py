"""Argument checks and normalisation shared by the public wrappers.

The wrappers call these before ``_core``: every error names the argument it is about, and what
reaches C++ is a C-contiguous float32 or float64 array. Value checks that need the data (NaN or
inf values, costs inside the window) happen in C++, in one place.
"""

from __future__ import annotations

import math
import numbers
import os
from typing import Any, Optional

import numpy as np

DIST_METHODS = ("norm1", "norm2", "norm2_square")
STEP_PATTERNS = ("symmetric2", "symmetric1")


class ResultTooLargeError(MemoryError, ValueError):
    """A result would not fit in the available memory; raised before anything is allocated."""


def _is_pandas(x: Any) -> bool:
    """A pandas Series or DataFrame, recognised without importing pandas."""
    cls = type(x)
    return cls.__name__ in ("Series", "DataFrame") and cls.__module__.partition(".")[0] == "pandas"


def pandas_values(x: Any, name: str, kinds: str = "fiu") -> np.ndarray:
    """The values of a pandas Series (1-D) or DataFrame (2-D, one column per dimension).

    Every column must have a real dtype, numpy's or pandas' nullable / Arrow ones (their missing
    values become NaN, which the checks of the data then report as for numpy input); float32 columns
    stay float32. A TypeError names the argument and the first column that is not numeric.
    """
    if type(x).__name__ == "DataFrame":
        columns = list(zip(x.columns, x.dtypes))
    else:
        columns = [(None, x.dtype)]
    for label, dtype in columns:
        if getattr(dtype, "kind", "O") not in kinds:
            where = "" if label is None else f" (column {label!r})"
            raise TypeError(f"{name} must hold real numbers, got dtype {dtype}{where}")
    if all(isinstance(dtype, np.dtype) for _, dtype in columns):
        return np.asarray(x.to_numpy())
    # extension dtypes (Int64, Float32, float64[pyarrow], ...): missing values as NaN
    numpy_dtypes = [getattr(dtype, "numpy_dtype", None) for _, dtype in columns]
    target = np.float32 if all(d == np.float32 for d in numpy_dtypes) else np.float64
    return np.asarray(x.to_numpy(dtype=target, na_value=np.nan))


def _real_array(x: Any, name: str, what: str, kinds: str = "fiu", context: str = "") -> np.ndarray:
    """``x`` as an array of one of the dtype kinds (not a string); messages say ``what`` it is.
    A pandas Series or DataFrame gives its values (:func:`pandas_values`)."""
    if isinstance(x, str):
        raise TypeError(f"{name} must be {what}, got the string {x!r}")
    if _is_pandas(x):
        return pandas_values(x, name, kinds)
    arr = as_array(x, name)
    if arr.dtype.kind not in kinds:
        raise TypeError(f"{name} must hold real numbers{context}, got dtype {arr.dtype}")
    return arr


def as_array(x: Any, name: str) -> np.ndarray:
    """``np.asarray(x)``; a ragged nested sequence raises a ValueError that names the argument. A
    numpy masked array with masked values is refused (np.asarray would use the values under the
    mask), one without any gives its data."""
    if isinstance(x, np.ma.MaskedArray):
        if np.ma.getmaskarray(x).any():
            raise ValueError(
                f"{name} is a masked array with masked values: fill them (x.filled(...)) or drop them (x.compressed())"
            )
        x = np.ma.getdata(x)
    try:
        return np.asarray(x)
    except ValueError as e:  # numpy: "setting an array element with a sequence ... inhomogeneous"
        raise ValueError(f"{name} must be an array, or a sequence of rows of one length: {e}") from None


def check_finite(arr: np.ndarray, name: str) -> None:
    """NaN or inf in a numeric series raises ValueError (the core's message, for checks that the
    core cannot name: data it sees under another name, or never sees)."""
    rows = np.isfinite(arr.reshape(arr.shape[0], -1)).all(axis=1) if arr.size else np.ones(0, bool)
    if not rows.all():
        raise ValueError(
            f"{name} contains a non-finite value (NaN or inf) at observation {int(np.argmin(rows))}"
        )


def check_real(value: Any, name: str, minimum: Optional[float] = None) -> float:
    """A finite real number (Python or numpy; not bool), at least ``minimum``."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a real number, got {value!r}")
    try:
        f = float(value)
    except OverflowError:  # an int beyond float's range
        f = math.inf
    if not math.isfinite(f):
        raise ValueError(f"{name} must be a finite number, got {value!r}")
    if minimum is not None and f < minimum:
        raise ValueError(f"{name} must be >= {minimum}, got {value!r}")
    return f


def as_series(x: Any, name: str, scalar_ok: bool = False) -> np.ndarray:
    """A univariate ``(n,)`` or multivariate ``(n, d)`` numeric array (not yet cast to float);
    with ``scalar_ok`` a number is one univariate observation (new observations of a stream)."""
    arr = _real_array(x, name, "a numeric array")
    if scalar_ok and arr.ndim == 0:
        arr = arr.reshape(1)
    if arr.ndim not in (1, 2):
        raise ValueError(
            f"{name} must be 1-D (univariate) or 2-D with shape (length, dims), got {arr.ndim}-D"
        )
    if arr.shape[0] == 0:
        raise ValueError(f"{name} must not be empty")
    if arr.ndim == 2 and arr.shape[1] == 0:
        raise ValueError(f"{name} must have at least one dimension (column)")
    return arr


def as_matrix(x: Any, name: str, what: str, kinds: str = "fiu") -> np.ndarray:
    """A non-empty 2-D numeric matrix (a precomputed cost or difference matrix, a gcm, a dm)."""
    arr = _real_array(x, name, f"a numeric matrix ({what})", kinds, f" ({what})")
    if arr.ndim != 2:
        raise ValueError(f"{name} must be a 2-D {what}, got {arr.ndim}-D")
    if arr.size == 0:
        raise ValueError(f"{name} must not be empty")
    return arr


def float_dtype(*arrays: np.ndarray) -> type:
    """float32 when every array is float32 (computed in float32), float64 otherwise."""
    for a in arrays:
        if a.dtype.char != "f":
            return np.float64
    return np.float32


def to_float(arr: np.ndarray, dtype: type) -> np.ndarray:
    return np.ascontiguousarray(arr, dtype=dtype)


def check_same_dims(Q: np.ndarray, C: np.ndarray) -> None:
    dq, dc = dims_of(Q), dims_of(C)
    if dq != dc:
        raise ValueError(
            f"Q and C must have the same number of dimensions (columns): Q has {dq}, C has {dc}"
        )


def dims_of(x: np.ndarray) -> int:
    """Number of dimensions (columns) of a series: 1 for a 1-D array."""
    return 1 if x.ndim == 1 else int(x.shape[1])


def check_new_obs_dims(Q: np.ndarray, new: np.ndarray) -> int:
    """newObs must have the dimensions of Q; returns them."""
    dq, dn = dims_of(Q), dims_of(new)
    if dq != dn:
        raise ValueError(f"newObs must have the dimensions of Q: newObs has {dn}, Q has {dq}")
    return dq


def check_choice(value: Any, name: str, choices: tuple[str, ...]) -> str:
    if not isinstance(value, str) or value not in choices:
        opts = ", ".join(repr(c) for c in choices)
        raise ValueError(f"{name} must be one of {opts}, got {value!r}")
    return value


def check_flag(value: Any, name: str) -> bool:
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name} must be True or False, got {value!r}")
    return bool(value)


def check_ws(ws: Any, name: str = "ws") -> Optional[int]:
    """Sakoe-Chiba window radius: None or inf (no window) or a number >= 0 (truncated to int)."""
    if ws is None:
        return None
    if isinstance(ws, (bool, np.bool_)) or not isinstance(ws, numbers.Real):
        raise TypeError(f"{name} must be None or a number >= 0, got {ws!r}")
    if isinstance(ws, numbers.Integral):  # exact, also beyond float's range
        if int(ws) < 0:
            raise ValueError(f"{name} must be >= 0, got {ws!r}")
        return min(int(ws), 2**62)
    w = float(ws)
    if math.isnan(w):
        raise ValueError(f"{name} must be None or a number >= 0, got nan")
    if w < 0:
        raise ValueError(f"{name} must be >= 0, got {ws!r}")
    if math.isinf(w):
        return None
    return int(min(w, 2**62))  # any window >= the series lengths is no window; keep it an int64


def check_window_feasible(n: int, m: int, ws: Optional[int]) -> None:
    if ws is not None and abs(n - m) > ws:
        raise ValueError(
            "window size is too small, no warping path can be found: "
            f"|len(Q) - len(C)| = |{n} - {m}| = {abs(n - m)} > ws = {ws}"
        )


def check_threshold(threshold: Any, name: str = "threshold") -> Optional[float]:
    if threshold is None:
        return None
    if isinstance(threshold, (bool, np.bool_)) or not isinstance(threshold, numbers.Real):
        raise TypeError(f"{name} must be None or a number >= 0, got {threshold!r}")
    try:
        t = float(threshold)
    except OverflowError:  # an int (or Fraction) beyond float's range: as inf
        huge: Any = threshold  # numbers.Real has no typed comparison
        t = math.inf if huge > 0 else -math.inf
    if math.isnan(t):
        raise ValueError(f"{name} must be None or a number >= 0, got nan")
    if t < 0:
        raise ValueError(f"{name} must be >= 0, got {threshold!r}")
    return None if math.isinf(t) else t


def available_memory() -> int:
    """Bytes of memory available to a new allocation (MemAvailable on Linux)."""
    try:
        with open("/proc/meminfo", encoding="ascii") as f:
            for line in f:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    try:
        return int(os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE"))
    except (ValueError, OSError, AttributeError):
        return 1 << 62


# Results below this size are not checked against the available memory (reading it costs ~20 us).
SMALL_RESULT_BYTES = 1 << 26


def ensure_fits(nbytes: int, what: str, hint: str) -> None:
    """Refuse a result of ``nbytes`` before allocating it when it would not fit in memory."""
    if nbytes < SMALL_RESULT_BYTES:
        return
    avail = available_memory()
    if nbytes > avail:
        raise ResultTooLargeError(
            f"{what} needs {min(nbytes, 2**1000) / 2**30:.1f} GiB but only {avail / 2**30:.1f} GiB of memory is "
            f"available; {hint}"
        )


def check_count(value: Any, name: str, minimum: int = 0) -> int:
    """An integer >= minimum (Python or numpy integer, or an integral float such as R's 15)."""
    if type(value) is int and value >= minimum:  # the common case, without the ABC checks below
        return value
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be an integer >= {minimum}, got {value!r}")
    if not isinstance(value, numbers.Integral):
        f = float(value)
        if not f.is_integer():
            raise ValueError(f"{name} must be an integer >= {minimum}, got {value!r}")
        value = int(f)
    if int(value) < minimum:
        raise ValueError(f"{name} must be >= {minimum}, got {value!r}")
    return int(value)


# The most observations a series can have: a float32 series longer than this would not fit in a 64-bit
# address space. Sums of three such lengths (len(Q) + nC + len(newObs)) still fit C++'s int64 index.
MAX_LENGTH = (2**63 - 1) // 4


def check_length(value: Any, name: str, minimum: int = 0) -> int:
    """A number of observations (:func:`check_count`) that a series could have: at most MAX_LENGTH."""
    n = check_count(value, name, minimum)
    if n > MAX_LENGTH:
        raise ValueError(
            f"{name} must be at most {MAX_LENGTH} (more observations than memory could hold), got {value!r}"
        )
    return n


def cpu_count() -> int:
    """Processors this process may run on (its CPU affinity where the OS has one)."""
    try:
        return max(len(os.sched_getaffinity(0)), 1)
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def resolve_n_jobs(n_jobs: Any, name: str = "n_jobs") -> int:
    """``n_jobs`` as scikit-learn (joblib) reads it, as the ``-1`` or thread count ``_core`` takes.

    ``None``: 1 thread; ``-1``: all processors; ``-2``: all but one, and generally
    ``n_cpus + 1 + n_jobs`` for negative values (at least 1, as joblib); ``k >= 1``: k threads
    (``_core`` uses at most the number of processors). ``0`` raises ValueError; a non-integer
    (``bool``, float, str) TypeError.
    """
    if n_jobs is None:
        return 1
    if type(n_jobs) is not int:
        if isinstance(n_jobs, (bool, np.bool_)) or not isinstance(n_jobs, numbers.Integral):
            raise TypeError(
                f"{name} must be an integer or None (None: 1 thread, -1: all cores, -2: all but one), got {n_jobs!r}"
            )
        n_jobs = int(n_jobs)
    jobs: int = n_jobs
    if jobs == 0:
        raise ValueError(f"{name} must not be 0: None or 1 for one thread, -1 for all cores, -2 for all but one")
    if jobs >= -1:
        return min(jobs, 2**31 - 1)  # -1: every processor, resolved in _core
    return max(cpu_count() + 1 + jobs, 1)


def as_vector(x: Any, name: str) -> np.ndarray:
    """A non-empty 1-D numeric array (a last column or row of a global cost matrix)."""
    arr = _real_array(x, name, "a 1-D numeric array")
    if arr.ndim != 1:
        raise ValueError(f"{name} must be 1-D, got shape {arr.shape}")
    if arr.size == 0:
        raise ValueError(f"{name} must not be empty")
    return arr


def as_direction_matrix(x: Any, name: str = "dm") -> np.ndarray:
    """A direction matrix as C-contiguous int8 (codes 0..3; NaN, IncDTW's NA, becomes 0)."""
    arr = as_matrix(x, name, "direction matrix", kinds="fiub")
    if arr.dtype == np.int8:  # as dtw() returns it; C++ checks the codes while it reads them
        return np.ascontiguousarray(arr)
    codes = arr
    if arr.dtype.kind == "f":
        codes = np.where(np.isnan(arr), 0, arr)
        if not np.all(codes == np.round(codes)):
            raise ValueError(f"{name} must hold the integer direction codes 0..3")
    bad = (codes < 0) | (codes > 3)
    if bad.any():
        i, j = np.argwhere(bad)[0]
        raise ValueError(f"{name}[{i}, {j}] is {codes[i, j]!r}, not a direction code 0..3")
    return np.ascontiguousarray(codes, dtype=np.int8)
