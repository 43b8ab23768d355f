"""Type stubs of the private extension module ``incdtw._core`` (bindings/*.cpp), written by hand.

Kept in step with the bindings by tests/python/test_typing.py: ``mypy.stubtest incdtw._core``
(names, kinds) and a comparison of every signature here with the one pybind11 writes into the
runtime docstring (parameter names, order, keyword-only markers, defaults).

Conventions:
- Series, matrices and collections are C-contiguous float64 or float32 arrays, all of one dtype in
  a call (the C++ dispatches on it and raises TypeError otherwise); ``_F`` is that dtype, and the
  arrays computed from them have it too. Index arrays are ``intp`` (``std::ptrdiff_t``), direction
  matrices and path steps ``int8``.
- ``py::list`` parameters take a ``list`` (not any sequence).
- Scalars are typed as the Python types the wrappers pass (pybind11 would also take numpy scalars).
"""

from collections.abc import Sequence
from typing import Any, Generic, Literal, TypedDict, TypeVar, overload

import numpy as np
from numpy.typing import ArrayLike, NDArray

_F = TypeVar("_F", np.float32, np.float64)

_DistMethod = Literal["norm1", "norm2", "norm2_square"]
_StepPattern = Literal["symmetric1", "symmetric2"]
_SimdLevel = Literal["scalar", "avx2", "avx512"]

# (distance, normalized_distance, gcm, dm, ii, jj, wp): None for what was not requested
_DtwTuple = tuple[
    float,
    float,
    NDArray[_F] | None,
    NDArray[np.int8] | None,
    NDArray[np.intp] | None,
    NDArray[np.intp] | None,
    NDArray[np.int8] | None,
]

# rundtw's reporting state between parts (bindings/bind_search.cpp state_to_py): bsfiw, ix, k,
# overlap, val, ix, series, vmax, which_vmax, which_imax, imax, nr_detected, held_val, held_ix,
# held_series
_RundtwState = tuple[
    float, int, int, int, list[float], list[int], list[int], float, int, int, int, int, list[float], list[int],
    list[int],
]

__version__: str

# -- cost_matrix.hpp ---------------------------------------------------------------------------

def cost_matrix(Q: NDArray[_F], C: NDArray[_F], *, dist_method: str = "norm1", ws: int | None = None) -> NDArray[_F]:
    """Local cost matrix (see incdtw.cm)."""

def difference_matrix(Q: NDArray[_F], C: NDArray[_F], *, ws: int | None = None) -> NDArray[_F]:
    """Difference matrix Q[i] - C[j] (univariate)."""

# -- dtw.hpp -----------------------------------------------------------------------------------

def dtw(
    Q: NDArray[_F],
    C: NDArray[_F],
    *,
    dist_method: str = "norm1",
    step_pattern: str = "symmetric2",
    ws: int | None = None,
    return_gcm: bool = True,
    return_dm: bool = True,
    return_path: bool = False,
) -> _DtwTuple[_F]:
    """Full DTW of two series -> (distance, normalized_distance, gcm, dm, ii, jj, wp)."""

def dtw_matrix(
    M: NDArray[_F],
    kind: str,
    *,
    dist_method: str = "norm1",
    step_pattern: str = "symmetric2",
    ws: int | None = None,
    return_gcm: bool = True,
    return_dm: bool = True,
    return_path: bool = False,
) -> _DtwTuple[_F]:
    """Full DTW from a cost ('cm') or difference ('diffM') matrix."""

# -- dtw_vector.hpp ----------------------------------------------------------------------------

def dtw2vec(
    Q: NDArray[_F],
    C: NDArray[_F],
    *,
    dist_method: str = "norm1",
    step_pattern: str = "symmetric2",
    ws: int | None = None,
    threshold: float | None = None,
) -> tuple[float, float]:
    """DTW distance with O(min(n, m)) memory -> (distance, normalized_distance)."""

def dtw2vec_matrix(
    M: NDArray[_F],
    kind: str,
    *,
    dist_method: str = "norm1",
    step_pattern: str = "symmetric2",
    ws: int | None = None,
    threshold: float | None = None,
) -> tuple[float, float]:
    """DTW distance from a cost ('cm') or difference ('diffM') matrix."""

# -- incremental.hpp, partial.hpp --------------------------------------------------------------

def idtw(
    Q: NDArray[_F],
    newObs: NDArray[_F],
    gcm: NDArray[_F],
    dm: NDArray[np.int8],
    *,
    dist_method: str = "norm1",
    step_pattern: str = "symmetric2",
    ws: int | None = None,
    return_gcm: bool = True,
    return_dm: bool = True,
    return_path: bool = False,
) -> _DtwTuple[_F]:
    """Matrix-based increment -> (distance, normalized_distance, gcm, dm, ii, jj, wp)."""

def idtw_matrix(
    M: NDArray[_F],
    kind: str,
    gcm: NDArray[_F],
    dm: NDArray[np.int8],
    *,
    dist_method: str = "norm1",
    step_pattern: str = "symmetric2",
    ws: int | None = None,
    return_gcm: bool = True,
    return_dm: bool = True,
    return_path: bool = False,
) -> _DtwTuple[_F]:
    """Matrix-based increment from the cost ('cm') or difference ('diffM') matrix of the new columns."""

# (gcm_lr_new, gcm_lc_new, distance, normalized_distance); positional options: a stream calls it often
def idtw2vec(
    Q: NDArray[_F],
    newObs: NDArray[_F],
    gcm_lc: NDArray[_F] | None = None,
    gcm_lr: NDArray[_F] | None = None,
    nC: int | None = None,
    dist_method: str = "norm1",
    step_pattern: str = "symmetric2",
    ws: int | None = None,
) -> tuple[NDArray[_F], NDArray[_F], float, float]:
    """Vector-based increment -> (gcm_lr_new, gcm_lc_new, distance, normalized_distance)."""

def idtw2vec_matrix(
    M: NDArray[_F],
    kind: str,
    gcm_lc: NDArray[_F] | None = None,
    gcm_lr: NDArray[_F] | None = None,
    nC: int | None = None,
    *,
    dist_method: str = "norm1",
    step_pattern: str = "symmetric2",
    ws: int | None = None,
) -> tuple[NDArray[_F], NDArray[_F], float, float]:
    """Vector-based increment from a cost matrix of the new columns."""

def dec_dm(dm: NDArray[np.int8], Ndec: int) -> tuple[NDArray[np.intp], NDArray[np.intp], NDArray[np.int8]]:
    """Warping path after removing the last Ndec observations of C -> (ii, jj, wp)."""

def partial_alignment(
    lc: NDArray[np.float64], lr: NDArray[np.float64], partial_Q: bool, partial_C: bool, reverse: bool
) -> tuple[int, int, int, int, float]:
    """Best open-end partial alignment -> (q_begin, q_end, c_begin, c_end, normalized_distance)."""

# -- plane.hpp: incdtw.PlaneDTW's state, one class per dtype ----------------------------------

class Plane64:
    def __init__(
        self, Q: NDArray[np.float64], C: NDArray[np.float64], *, dist_method: str, step_pattern: str, ws: int | None
    ) -> None: ...
    @staticmethod
    def restore(
        Q: NDArray[np.float64],
        C: NDArray[np.float64],
        *,
        dist_method: str,
        step_pattern: str,
        ws: int | None,
        gcm_lc_new: NDArray[np.float64] | None,
        gcm_lr_new: NDArray[np.float64] | None,
        distance: float,
        normalized_distance: float,
        reversed: bool,
    ) -> Plane64: ...
    def increment(self, newObs: NDArray[np.float64], to_q: bool) -> None: ...
    def truncate(self, nQ: int | None, nC: int | None, *, refresh: bool = False) -> None: ...
    def decrement(self, direction: str, *, refresh: bool = False) -> bool: ...
    def partial(self, partial_Q: bool, partial_C: bool, reverse: bool) -> tuple[int, int, int, int, float]: ...
    def reverse(self) -> None: ...
    def refresh(self) -> None: ...
    def state(
        self,
    ) -> tuple[
        NDArray[np.float64], NDArray[np.float64], _DistMethod, _StepPattern, int | None,
        NDArray[np.float64] | None, NDArray[np.float64] | None, float, float, bool,
    ]: ...
    @property
    def Q(self) -> NDArray[np.float64]: ...
    @property
    def C(self) -> NDArray[np.float64]: ...
    @property
    def gcm_lc_new(self) -> NDArray[np.float64] | None: ...
    @property
    def gcm_lr_new(self) -> NDArray[np.float64] | None: ...
    @property
    def distance(self) -> float: ...
    @property
    def normalized_distance(self) -> float: ...
    @property
    def nQ(self) -> int: ...
    @property
    def nC(self) -> int: ...
    @property
    def dims(self) -> int: ...
    @property
    def reversed(self) -> bool: ...
    @property
    def has_state(self) -> bool: ...
    @property
    def dist_method(self) -> _DistMethod: ...
    @property
    def step_pattern(self) -> _StepPattern: ...
    @property
    def ws(self) -> int | None: ...

class Plane32:
    def __init__(
        self, Q: NDArray[np.float32], C: NDArray[np.float32], *, dist_method: str, step_pattern: str, ws: int | None
    ) -> None: ...
    @staticmethod
    def restore(
        Q: NDArray[np.float32],
        C: NDArray[np.float32],
        *,
        dist_method: str,
        step_pattern: str,
        ws: int | None,
        gcm_lc_new: NDArray[np.float32] | None,
        gcm_lr_new: NDArray[np.float32] | None,
        distance: float,
        normalized_distance: float,
        reversed: bool,
    ) -> Plane32: ...
    def increment(self, newObs: NDArray[np.float32], to_q: bool) -> None: ...
    def truncate(self, nQ: int | None, nC: int | None, *, refresh: bool = False) -> None: ...
    def decrement(self, direction: str, *, refresh: bool = False) -> bool: ...
    def partial(self, partial_Q: bool, partial_C: bool, reverse: bool) -> tuple[int, int, int, int, float]: ...
    def reverse(self) -> None: ...
    def refresh(self) -> None: ...
    def state(
        self,
    ) -> tuple[
        NDArray[np.float32], NDArray[np.float32], _DistMethod, _StepPattern, int | None,
        NDArray[np.float32] | None, NDArray[np.float32] | None, float, float, bool,
    ]: ...
    @property
    def Q(self) -> NDArray[np.float32]: ...
    @property
    def C(self) -> NDArray[np.float32]: ...
    @property
    def gcm_lc_new(self) -> NDArray[np.float32] | None: ...
    @property
    def gcm_lr_new(self) -> NDArray[np.float32] | None: ...
    @property
    def distance(self) -> float: ...
    @property
    def normalized_distance(self) -> float: ...
    @property
    def nQ(self) -> int: ...
    @property
    def nC(self) -> int: ...
    @property
    def dims(self) -> int: ...
    @property
    def reversed(self) -> bool: ...
    @property
    def has_state(self) -> bool: ...
    @property
    def dist_method(self) -> _DistMethod: ...
    @property
    def step_pattern(self) -> _StepPattern: ...
    @property
    def ws(self) -> int | None: ...

# -- collection.hpp, barycenter.hpp, scaling.hpp, lower_bound.hpp, peaks.hpp ------------------

def dtw_dismat(
    lot: list[NDArray[_F]],
    *,
    dist_method: str,
    step_pattern: str,
    ws: int | None,
    threshold: float | None,
    normalize: bool,
    n_jobs: int,
) -> NDArray[_F]:
    """Condensed pairwise DTW distances (pdist order)."""

def dtw_disvec(
    Q: NDArray[_F],
    lot: list[NDArray[_F]],
    *,
    dist_method: str,
    step_pattern: str,
    ws: int | None,
    threshold: float | None,
    normalize: bool,
    n_jobs: int,
) -> NDArray[_F]:
    """DTW distances of Q to every series of lot."""

def dtw_cdist(
    X: list[NDArray[_F]],
    Y: list[NDArray[_F]],
    *,
    dist_method: str,
    step_pattern: str,
    ws: int | None,
    threshold: float | None,
    normalize: bool,
    n_jobs: int,
) -> NDArray[_F]:
    """DTW distances of every series of X to every series of Y."""

def medoid(condensed: NDArray[np.float64], n: int) -> int:
    """Index of the series with the smallest sum of distances."""

# (iterations, iterDist_m2lot, iterDist_m2lot_norm, iterDist_m2m)
def dba(
    lot: list[NDArray[_F]],
    m0: NDArray[_F],
    *,
    dist_method: str,
    step_pattern: str,
    ws: int | None,
    iter_max: int,
    eps: float | None,
    iter_dist_method: str,
    n_jobs: int,
) -> tuple[list[NDArray[_F]], list[NDArray[_F]], list[NDArray[_F]], NDArray[_F]]:
    """DTW barycenter averaging -> (iterations, iterDist_m2lot, iterDist_m2lot_norm, iterDist_m2m)."""

def scale(
    x: NDArray[_F],
    *,
    type: str,
    threshold: float,
    xmean: float | None,
    xsd: float | None,
    xmin: float | None,
    xmax: float | None,
) -> NDArray[_F]:
    """z- or min-max scaling, column by column."""

def lowerbound_tube(Q: NDArray[_F], ws: int) -> NDArray[_F]:
    """Envelope (L, U per dimension) of Q for the window ws."""

def find_peaks(x: NDArray[np.float64], w: int, get_min: bool, strict: bool) -> NDArray[np.intp]:
    """0-based indices of the local minima (maxima) within +-w."""

def lowerbound(C: NDArray[_F], tube: NDArray[_F], dist_method: str) -> float:
    """Lower bound of DTW from an envelope."""

# -- rundtw.hpp --------------------------------------------------------------------------------

class RundtwProgress:
    """Progress of a running rundtw (polled from another thread)."""

    def __init__(self) -> None: ...
    @property
    def done(self) -> int: ...
    @property
    def total(self) -> int: ...

class _Rundtw(TypedDict, Generic[_F]):
    dist: list[NDArray[_F]]
    knn_values: NDArray[_F]
    knn_indices: NDArray[np.intp]
    knn_series: NDArray[np.intp]
    counter: dict[str, int]  # lb_kim, lb_keogh_q, lb_keogh_c, early_abandon, completed, lower_bound
    query: NDArray[_F]

def rundtw(
    Q: NDArray[_F],
    lot: list[NDArray[_F]],
    *,
    dist_method: str,
    step_pattern: str,
    ws: int | None,
    threshold: float | None,
    scale: str,
    k: int,
    lower_bound: bool,
    overlap_tol: int,
    n_jobs: int,
    progress: RundtwProgress | None = None,
    part_windows: int = 0,
    return_dist: bool = True,
) -> _Rundtw[_F]:
    """Subsequence search of Q in each series of lot."""

def rundtw_z_states(C: NDArray[_F], n: int, starts: Sequence[int]) -> NDArray[np.float64]:
    """IncDTW's running z state (mu, s2, shift per dimension) at the given windows."""

# A part's state after phase 1 (bind_search.cpp saved_to_py); rundtw_part(saved=...) takes it back.
class _RundtwSaved(TypedDict, Generic[_F]):
    status: NDArray[np.uint8]
    val: NDArray[_F]
    dist: NDArray[_F]
    speculated: bool
    spec_start: _RundtwState
    spec_end: _RundtwState

class _RundtwPartSearch(TypedDict, Generic[_F]):
    values: NDArray[_F]
    positions: NDArray[np.intp]
    saved: _RundtwSaved[_F]

class _RundtwPartSpeculate(TypedDict, Generic[_F]):
    saved: _RundtwSaved[_F]

class _RundtwPartFinish(TypedDict, Generic[_F]):
    dist: NDArray[_F]
    state: _RundtwState
    counter: dict[str, int]
    query: NDArray[_F]

# The Literal overloads "overlap with incompatible return types" with the last one for mypy (a
# TypedDict is not a dict[str, Any] to it), though each result is such a dict at run time.
@overload
def rundtw_part(  # type: ignore[overload-overlap]
    action: Literal["search"],
    Q: NDArray[_F],
    data: NDArray[_F],
    *,
    first: int,
    series: int,
    z_start: ArrayLike | None = None,
    tau: float = ...,  # inf
    saved: _RundtwSaved[_F] | None = None,
    state: _RundtwState | None = None,
    prev_dist: NDArray[_F] | None = None,
    dist_method: str,
    step_pattern: str,
    ws: int | None,
    threshold: float | None,
    scale: str,
    k: int,
    lower_bound: bool,
    overlap_tol: int,
    n_jobs: int,
    part_windows: int = 0,
) -> _RundtwPartSearch[_F]: ...
@overload
def rundtw_part(  # type: ignore[overload-overlap]
    action: Literal["speculate"],
    Q: NDArray[_F],
    data: NDArray[_F],
    *,
    first: int,
    series: int,
    z_start: ArrayLike | None = None,
    tau: float = ...,
    saved: _RundtwSaved[_F] | None = None,
    state: _RundtwState | None = None,
    prev_dist: NDArray[_F] | None = None,
    dist_method: str,
    step_pattern: str,
    ws: int | None,
    threshold: float | None,
    scale: str,
    k: int,
    lower_bound: bool,
    overlap_tol: int,
    n_jobs: int,
    part_windows: int = 0,
) -> _RundtwPartSpeculate[_F]: ...
@overload
def rundtw_part(  # type: ignore[overload-overlap]
    action: Literal["finish"],
    Q: NDArray[_F],
    data: NDArray[_F],
    *,
    first: int,
    series: int,
    z_start: ArrayLike | None = None,
    tau: float = ...,
    saved: _RundtwSaved[_F] | None = None,
    state: _RundtwState | None = None,
    prev_dist: NDArray[_F] | None = None,
    dist_method: str,
    step_pattern: str,
    ws: int | None,
    threshold: float | None,
    scale: str,
    k: int,
    lower_bound: bool,
    overlap_tol: int,
    n_jobs: int,
    part_windows: int = 0,
) -> _RundtwPartFinish[_F]: ...
@overload
def rundtw_part(  # an action known only at run time: one of the dicts above (ValueError for others)
    action: str,
    Q: NDArray[_F],
    data: NDArray[_F],
    *,
    first: int,
    series: int,
    z_start: ArrayLike | None = None,
    tau: float = ...,
    saved: _RundtwSaved[_F] | None = None,
    state: _RundtwState | None = None,
    prev_dist: NDArray[_F] | None = None,
    dist_method: str,
    step_pattern: str,
    ws: int | None,
    threshold: float | None,
    scale: str,
    k: int,
    lower_bound: bool,
    overlap_tol: int,
    n_jobs: int,
    part_windows: int = 0,
) -> dict[str, Any]: ...
def rundtw_select(
    values: NDArray[_F], series: ArrayLike, positions: ArrayLike, k: int, overlap: int
) -> tuple[NDArray[_F], NDArray[np.intp], NDArray[np.intp]]:
    """The k best first non-overlapping matches of the candidates of every part -> (values, series, positions)."""

# -- simd.hpp ----------------------------------------------------------------------------------

def simd_level() -> _SimdLevel:
    """The level the kernels use now."""

def max_simd_level() -> _SimdLevel:
    """The best level this CPU supports."""

def set_simd_level(level: str) -> _SimdLevel:
    """Uses `level` (capped at max_simd_level()); returns the level in effect."""

def set_thread_simd_level(level: str | None) -> _SimdLevel | None:
    """Uses `level` on the calling thread only (None: the process-wide level); returns the previous one."""
