"""incdtw: exact, fast, incremental Dynamic Time Warping (a Python port and extension of IncDTW).

Functions keep the names, keywords and defaults of the R package IncDTW; indices are 0-based and
results are numpy arrays in typed result objects. See README.md for the API table.
"""

from __future__ import annotations

from ._core import __version__
from ._results import DTW2VecResult, DTWResult, IDTW2VecResult, PartialResult, PathResult
from ._validate import ResultTooLargeError
from .dtw import cm, dtw
from .incremental import dec_dm, dtw_partial, idtw, idtw2vec
from .plane import PlaneDTW, initialize_plane
from .vector import dtw2vec

__all__ = [
    "DTW2VecResult",
    "DTWResult",
    "IDTW2VecResult",
    "PartialResult",
    "PathResult",
    "PlaneDTW",
    "ResultTooLargeError",
    "__version__",
    "cm",
    "dec_dm",
    "dtw",
    "dtw2vec",
    "dtw_partial",
    "idtw",
    "idtw2vec",
    "initialize_plane",
]
