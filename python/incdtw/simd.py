"""The instruction set of the DTW kernels, chosen at run time.

incdtw is built for any x86-64 CPU and carries kernels for AVX2 and AVX-512 besides the portable
(scalar) ones; it uses the best the CPU supports. Every level gives bit-identical results, so
these functions exist to test and to measure each path. The environment variable
``INCDTW_SIMD`` (``scalar``, ``avx2`` or ``avx512``), read when incdtw is imported, caps the
level for the whole process.
"""

from __future__ import annotations

import contextlib
import os
import warnings
from typing import Iterator

from . import _core

LEVELS = ("scalar", "avx2", "avx512")


def simd_level() -> str:
    """The level the kernels use now on this thread: ``"scalar"``, ``"avx2"`` or ``"avx512"``.

    Examples
    --------
    >>> import incdtw
    >>> incdtw.simd_level() in ("scalar", "avx2", "avx512")
    True
    """
    return str(_core.simd_level())


def max_simd_level() -> str:
    """The best level this CPU supports (``"scalar"`` off x86-64).

    >>> import incdtw
    >>> incdtw.max_simd_level() in incdtw.available_simd_levels()
    True
    """
    return str(_core.max_simd_level())


def available_simd_levels() -> tuple[str, ...]:
    """Every level this CPU can run, lowest first.

    >>> import incdtw
    >>> incdtw.available_simd_levels()[0]
    'scalar'
    """
    return LEVELS[: LEVELS.index(max_simd_level()) + 1]


def set_simd_level(level: str) -> str:
    """Use the kernels of ``level`` from now on (process-wide); returns the level in effect.

    Threads inside a :func:`simd` block keep the block's level.

    A level above :func:`max_simd_level` is capped at it. ``"sse2"`` is an alias of
    ``"scalar"`` (the portable kernels are SSE2 code on x86-64).

    Raises
    ------
    TypeError
        ``level`` is not a string.
    ValueError
        ``level`` is not one of ``"scalar"``, ``"sse2"``, ``"avx2"``, ``"avx512"``.

    Examples
    --------
    >>> import incdtw
    >>> before = incdtw.simd_level()
    >>> incdtw.set_simd_level("scalar")
    'scalar'
    >>> incdtw.set_simd_level(before) == before
    True
    """
    if not isinstance(level, str):
        raise TypeError(f"level must be a string ('scalar', 'avx2' or 'avx512'), got {type(level).__name__}")
    return str(_core.set_simd_level(level))


@contextlib.contextmanager
def simd(level: str) -> Iterator[str]:
    """Context manager: the kernels of ``level`` inside the block, on the calling thread only.

    Other threads keep their level, so blocks on several threads may overlap; the threads a call
    starts inside the block (``n_jobs``) use the block's level. Blocks nest; after the block the
    thread uses what it used before. Inside a block, :func:`set_simd_level` changes the
    process-wide level, not the block's.

    >>> import incdtw
    >>> with incdtw.simd("scalar") as used:
    ...     used
    'scalar'
    """
    if not isinstance(level, str):
        raise TypeError(f"level must be a string ('scalar', 'avx2' or 'avx512'), got {type(level).__name__}")
    previous = _core.set_thread_simd_level(level)
    try:
        yield simd_level()
    finally:
        _core.set_thread_simd_level(previous)


def _check_environment() -> None:
    value = os.environ.get("INCDTW_SIMD", "")
    if value and value not in LEVELS + ("sse2",):
        warnings.warn(
            f"INCDTW_SIMD={value!r} is not a level ('scalar', 'avx2' or 'avx512'); it is ignored",
            RuntimeWarning,
            stacklevel=3,
        )


_check_environment()
