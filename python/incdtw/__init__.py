"""incdtw: exact, fast, incremental Dynamic Time Warping (a Python port and extension of IncDTW).

Functions keep the names, keywords and defaults of the R package IncDTW; indices are 0-based and
results are numpy arrays in typed result objects. See README.md for the API table.
"""

from __future__ import annotations

from ._core import __version__
from ._results import (
    CentroidResult,
    DBAResult,
    DismatResult,
    DisvecResult,
    DTW2VecResult,
    DTWResult,
    IDTW2VecResult,
    PartialResult,
    PathResult,
    RundtwResult,
)
from ._validate import ResultTooLargeError
from .bounds import lowerbound, lowerbound_tube, norm, scale
from . import datasets, plot
from .collection import DBA, centroid, dba, dtw_cdist, dtw_disvec, dtw_dismat
from .dtw import cm, dtw
from .incremental import dec_dm, dtw_partial, idtw, idtw2vec
from .plane import PlaneDTW, initialize_plane
from .search import rundtw
from .simd import available_simd_levels, max_simd_level, set_simd_level, simd, simd_level
from .simulate import (
    find_peaks,
    insert_const,
    insert_linear_interp,
    insert_linear_norm,
    insert_norm,
    simulate_timewarp,
)
from .vector import dtw2vec

__all__ = [
    "CentroidResult",
    "DBA",
    "DBAResult",
    "DismatResult",
    "DisvecResult",
    "DTW2VecResult",
    "DTWResult",
    "IDTW2VecResult",
    "PartialResult",
    "PathResult",
    "PlaneDTW",
    "RundtwResult",
    "ResultTooLargeError",
    "__version__",
    "available_simd_levels",
    "centroid",
    "cm",
    "datasets",
    "dba",
    "dec_dm",
    "dtw",
    "dtw2vec",
    "dtw_cdist",
    "dtw_dismat",
    "dtw_disvec",
    "dtw_partial",
    "find_peaks",
    "idtw",
    "idtw2vec",
    "initialize_plane",
    "insert_const",
    "insert_linear_interp",
    "insert_linear_norm",
    "insert_norm",
    "lowerbound",
    "lowerbound_tube",
    "max_simd_level",
    "norm",
    "plot",
    "rundtw",
    "scale",
    "set_simd_level",
    "simd",
    "simd_level",
    "simulate_timewarp",
]
