"""Hostile input: every public function, every argument, one table (issue "Trust: hostile input").

Each row is a function called with tiny valid arguments (the base call); each of its arguments is
replaced, one at a time, by the hostile values of its kind: empty and length-1 series, NaN, inf,
object / complex / string / bool dtypes, 0-d and 4-d arrays, non-contiguous, Fortran-ordered,
read-only and byte-swapped arrays, huge, negative and fractional sizes, mismatched dimensions,
ragged lists. Every value expects one of

- SAME: the same numbers in a legal layout; the result equals, bit for bit, the result for the
  value ``canon`` (by default the argument's base value: a plain C-contiguous float64 array);
- EITHER: SAME, or a ValueError / TypeError naming the argument;
- ERROR: a ValueError / TypeError whose message names the argument;
- ANY: any result, or a ValueError / TypeError naming the argument.

Nothing may crash, hang or allocate much: a call still running after TIMEOUT_S is interrupted by
SIGALRM (a failure; the bindings run signal handlers during long computations), one that cannot be
interrupted is ended with the whole process by a faulthandler watchdog after HARD_TIMEOUT_S, and
each call's growth of the peak RSS is bounded. A TypeError from the bindings' signature check
("incompatible function arguments") counts as a defect: the Python layer must not let such values
through. The inputs are tiny, so the whole table runs in about a second per SIMD level.
"""

from __future__ import annotations

import dataclasses
import faulthandler
import math
import re
import signal
import warnings
from typing import Any, Callable, NamedTuple, Optional

import numpy as np
import pytest

import incdtw

try:
    import resource  # POSIX only
except ImportError:  # Windows: no peak RSS check
    resource = None  # type: ignore[assignment]

SAME, EITHER, ERROR, ANY = "same", "same or error", "error", "any"
BASE = object()  # canon: the argument's base value
TIMEOUT_S = 5
HARD_TIMEOUT_S = 30
MAX_RSS_GROWTH_KB = 256 * 1024
ECHOES = ("input", "control", "counter")  # result fields that echo the options (or count work)


class V(NamedTuple):
    """A hostile value: what it is, the value, what is expected, the canonical equivalent for
    SAME/EITHER, and the name its error must carry (default: the argument's)."""

    label: str
    value: Any
    expect: str
    canon: Any = BASE
    name: Optional[str] = None


class Arg(NamedTuple):
    name: str
    values: list[V]
    ok: dict[str, str]  # value label -> expectation, overriding the value's own
    label: str  # the name its errors must carry


class Row(NamedTuple):
    id: str
    call: Callable[..., Any]
    base: dict[str, Any]
    args: list[Arg]


def A(name: str, values: list[V], label: Optional[str] = None, **ok: str) -> Arg:
    """An argument and its values; keywords override expectations by value label (spaces as _);
    ``label``: the name its errors carry, when not the parameter's (dtw_partial's x for x["gcm"])."""
    return Arg(name, values, {k.replace("_", " ").strip(): e for k, e in ok.items()}, label or name)


# ---- values of each kind of argument ---------------------------------------------------------------


def _ro(a: Any) -> np.ndarray:
    a = np.array(a)
    a.flags.writeable = False
    return a


def _with(a: np.ndarray, value: float, at: int = -1) -> np.ndarray:
    b = np.array(a, dtype=float)
    b.reshape(-1)[at] = value
    return b


def _swapped(a: np.ndarray) -> np.ndarray:
    return a.astype(a.dtype.newbyteorder())


def _masked(a: np.ndarray, at: Optional[int] = 1) -> np.ma.MaskedArray:
    """``a`` as a masked array, value ``at`` masked (and 1e6 under the mask); None: nothing masked."""
    mask = np.zeros(np.shape(a), dtype=bool)
    data = np.array(a, dtype=float)
    if at is not None:
        mask.reshape(-1)[at] = True
        data.reshape(-1)[at] = 1e6
    return np.ma.masked_array(data, mask=mask)


def series(a: np.ndarray) -> list[V]:
    """A univariate (n,) or multivariate (n, d) float64 series."""
    strided = np.stack([a, a], axis=-1)[..., 0] if a.ndim == 1 else np.asfortranarray(np.hstack([a, a]))[:, : a.shape[1]]
    other_dims = np.column_stack([a, a]) if a.ndim == 1 else np.ascontiguousarray(a[:, 0])
    return [
        V("list", a.tolist(), SAME),
        V("int64", np.round(a).astype(np.int64), SAME, np.round(a).astype(np.int64).astype(float)),
        V("non-contiguous", np.repeat(a, 2, axis=0)[::2], SAME),
        V("negative strides", a[::-1].copy()[::-1], SAME),
        V("strided Fortran view", strided, SAME),
        V("Fortran", np.asfortranarray(a), SAME),
        V("read-only", _ro(a), SAME),
        V("byte-swapped", _swapped(a), SAME),
        V("masked, nothing masked", _masked(a, None), SAME),
        V("object", a.astype(object), EITHER),
        V("bool", a > 0.5, EITHER, (a > 0.5).astype(float)),
        V("length 1", a[:1], ANY),
        V("empty", a[:0], ERROR),
        V("no columns", a.reshape(len(a), -1)[:, :0], ERROR),
        V("NaN", _with(a, np.nan, 1), ERROR),
        V("inf", _with(a, np.inf), ERROR),
        V("masked", _masked(a), ERROR),
        V("complex", a.astype(complex), ERROR),
        V("strings", a.astype(str), ERROR),
        V("str", "0 1 2", ERROR),
        V("mixed objects", np.array([1.0, "a", None], dtype=object), ERROR),
        V("None", None, ERROR),
        V("0-d", np.array(1.5), ERROR),
        V("3-d", a.reshape(len(a), -1, 1), ERROR),
        V("4-d", np.zeros((2, 2, 2, 2)), ERROR),
        V("other dims", other_dims, ERROR),
        V("ragged list", [[1.0, 2.0], [3.0]], ERROR),
        V("mixed nesting", [1.0, [2.0, 3.0]], ERROR),
        V("dict", {"a": 1.0}, ERROR),
    ]


def matrix(M: np.ndarray) -> list[V]:
    """A 2-D matrix (cost, difference, global cost, direction matrix, envelope)."""
    return [
        V("list", M.tolist(), SAME),
        V("non-contiguous", np.repeat(M, 2, axis=1)[:, ::2], SAME),
        V("Fortran", np.asfortranarray(M), SAME),
        V("read-only", _ro(M), SAME),
        V("byte-swapped", _swapped(M), SAME),
        V("masked, nothing masked", _masked(M, None), SAME, M.astype(float)),
        V("object", M.astype(object), EITHER),
        V("empty", M[:0], ERROR),
        V("no columns", M[:, :0], ERROR),
        V("NaN", _with(M, np.nan), ERROR),
        V("inf", _with(M, np.inf), ERROR),
        V("-inf", _with(M, -np.inf), ERROR),
        V("masked", _masked(M, -1), ERROR),
        V("negative", _with(M, -1.0), ANY),
        V("complex", M.astype(complex), ERROR),
        V("strings", M.astype(str), ERROR),
        V("None", None, ERROR),
        V("0-d", np.array(1.0), ERROR),
        V("1-d", M[0], ERROR),
        V("3-d", M[None], ERROR),
        V("4-d", np.zeros((2, 2, 2, 2)), ERROR),
        V("one row fewer", M[:-1], ERROR),
        V("ragged list", [[1.0, 2.0], [3.0]], ERROR),
    ]


def vector(x: np.ndarray) -> list[V]:
    """A 1-D vector (a last column or row of a global cost matrix)."""
    return [
        V("list", x.tolist(), SAME),
        V("non-contiguous", np.repeat(x, 2)[::2], SAME),
        V("read-only", _ro(x), SAME),
        V("byte-swapped", _swapped(x), SAME),
        V("masked, nothing masked", _masked(x, None), SAME),
        V("object", x.astype(object), EITHER),
        V("empty", x[:0], ERROR),
        V("NaN", _with(x, np.nan), ERROR),
        V("inf", _with(x, np.inf), ERROR),
        V("-inf", _with(x, -np.inf), ERROR),
        V("masked", _masked(x, -1), ERROR),
        V("complex", x.astype(complex), ERROR),
        V("strings", x.astype(str), ERROR),
        V("None", None, ERROR),
        V("0-d", np.array(1.0), ERROR),
        V("2-d", x[:, None], ERROR),
        V("4-d", np.zeros((2, 2, 2, 2)), ERROR),
        V("one fewer", x[:-1], ERROR),
        V("ragged list", [[1.0, 2.0], [3.0]], ERROR),
    ]


def collection(lot: list[np.ndarray], name: str) -> list[V]:
    """A list of series of different lengths (and the array forms of equal-length series)."""
    short = min(len(s) for s in lot)
    equal = [s[:short] for s in lot]

    def one(bad: Any) -> list[Any]:  # the second series replaced
        return [lot[0], bad, *lot[2:]]

    other_dims = np.column_stack([lot[1], lot[1]]) if lot[1].ndim == 1 else lot[1][:, 0]
    item = f"{name}[1]"
    return [
        V("tuple", tuple(lot), SAME),
        V("lists", [s.tolist() for s in lot], SAME),
        V("array", np.stack(equal), SAME, equal),
        V("non-contiguous series", [np.repeat(s, 2, axis=0)[::2] for s in lot], SAME),
        V("Fortran series", [np.asfortranarray(s) for s in lot], SAME),
        V("read-only series", [_ro(s) for s in lot], SAME),
        V("byte-swapped series", [_swapped(s) for s in lot], SAME),
        V("masked series, nothing masked", [_masked(s, None) for s in lot], SAME),
        V("masked array, nothing masked", _masked(np.stack(equal), None), SAME, equal),
        V("object series", [s.astype(object) for s in lot], EITHER),
        V("one series", lot[:1], ANY),
        V("empty", [], ERROR),
        V("empty series", one(lot[1][:0]), ERROR, name=item),
        V("NaN series", one(_with(lot[1], np.nan, 1)), ERROR, name=item),
        V("inf series", one(_with(lot[1], -np.inf)), ERROR, name=item),
        V("masked series", one(_masked(lot[1])), ERROR, name=item),
        V("masked array", _masked(np.stack(equal), np.stack(equal)[0].size + 1), ERROR),  # in series 1
        V("complex series", one(lot[1].astype(complex)), ERROR, name=item),
        V("string series", one(lot[1].astype(str)), ERROR, name=item),
        V("None series", one(None), ERROR, name=item),
        V("0-d series", one(np.array(1.0)), ERROR, name=item),
        V("4-d series", one(np.zeros((2, 2, 2, 2))), ERROR, name=item),
        V("other dims series", one(other_dims), ERROR, name=item),
        V("ragged series", one([[1.0, 2.0], [3.0]]), ERROR, name=item),
        V("1-d array", np.ravel(lot[0]), ERROR),
        V("4-d array", np.zeros((2, 2, 2, 2)), ERROR),
        V("str", "abc", ERROR),
        V("None", None, ERROR),
        V("number", 3.0, ERROR),
    ]


def window(unbounded: Any = None) -> list[V]:
    """A Sakoe-Chiba radius (``unbounded``: the value that means no window)."""
    return [
        V("numpy int", np.int64(2), SAME, 2),
        V("integral float", 2.0, SAME, 2),
        V("0-d array", np.array(2), EITHER, 2),
        V("longer than the series", 100, SAME, unbounded),
        V("huge int", 10**30, SAME, unbounded),
        V("int64 max", np.int64(2**63 - 1), SAME, unbounded),
        V("huge float", 1e300, SAME, unbounded),
        V("inf", math.inf, SAME, unbounded),
        V("zero", 0, ANY),
        V("negative", -1, ERROR),
        V("-huge", -(10**30), ERROR),
        V("-inf", -math.inf, ERROR),
        V("nan", math.nan, ERROR),
        V("string", "3", ERROR),
        V("bool", True, ERROR),
        V("complex", 1j, ERROR),
        V("list", [3], ERROR),
    ]


def count(example: int, huge: str = ANY, unbounded: Any = BASE) -> list[V]:
    """A count or an index (``example``: a legal value; ``unbounded``: a value that any larger one
    is equivalent to, for ``huge=SAME``)."""
    return [
        V("numpy int", np.int64(example), SAME, example),
        V("integral float", float(example), EITHER, example),
        V("0-d array", np.array(example), EITHER, example),
        V("huge", 10**30, huge, unbounded),
        V("int64 max", 2**63 - 1, huge, unbounded),
        V("huge float", 1e300, huge, unbounded),
        V("negative", -1, ERROR),
        V("-huge", -(10**30), ERROR),
        V("fraction", example + 0.5, ERROR),
        V("nan", math.nan, ERROR),
        V("inf", math.inf, ERROR),
        V("string", str(example), ERROR),
        V("bool", True, ERROR),
        V("complex", 1j, ERROR),
        V("list", [example], ERROR),
    ]


def threshold(unbounded: Any = None) -> list[V]:
    """A distance threshold (``unbounded``: an equivalent of no threshold, or ANY)."""
    big = ANY if unbounded is ANY else SAME
    return [
        V("numpy float", np.float64(2.5), SAME, 2.5),
        V("huge", 1e308, big, unbounded),
        V("huge int", 10**400, big, unbounded),
        V("inf", math.inf, big, unbounded),
        V("zero", 0, ANY),
        V("negative", -1.0, ERROR),
        V("-inf", -math.inf, ERROR),
        V("nan", math.nan, ERROR),
        V("string", "1", ERROR),
        V("bool", True, ERROR),
        V("complex", 1j, ERROR),
        V("list", [1.0], ERROR),
    ]


def number(example: float) -> list[V]:
    """A real parameter (``example``: a legal value)."""
    return [
        V("numpy float", np.float64(example), SAME, example),
        V("huge", 1e300, ANY),
        V("huge int", 10**400, ANY),
        V("nan", math.nan, ERROR),
        V("inf", math.inf, ERROR),
        V("string", "1", ERROR),
        V("bool", True, ERROR),
        V("complex", 1j, ERROR),
        V("list", [example], ERROR),
    ]


def flag(b: bool) -> list[V]:
    return [
        V("numpy bool", np.bool_(b), SAME, b),
        V("int", int(b), EITHER, b),
        V("string", "yes", ERROR),
        V("None", None, ERROR),
        V("nan", math.nan, ERROR),
        V("array", np.array([True, False]), ERROR),
    ]


def choice(s: str) -> list[V]:
    return [
        V("numpy str", np.str_(s), SAME, s),
        V("unknown", "bogus", ERROR),
        V("empty", "", ERROR),
        V("None", None, ERROR),
        V("number", 1, ERROR),
        V("list", [s], ERROR),
        V("bytes", s.encode(), ERROR),
    ]


def n_jobs() -> list[V]:
    """Thread counts: results never depend on them."""
    return [
        V("numpy int", np.int64(2), SAME, 1),
        V("None", None, SAME, 1),
        V("huge", 10**30, SAME, 1),
        V("-huge", -(10**30), SAME, 1),
        V("int64 max", 2**63 - 1, SAME, 1),
        V("zero", 0, ERROR),
        V("integral float", 2.0, EITHER, 1),
        V("fraction", 1.5, ERROR),
        V("nan", math.nan, ERROR),
        V("string", "2", ERROR),
        V("bool", True, ERROR),
    ]


def rng_seed() -> list[V]:
    return [
        V("numpy int", np.int64(1), SAME, 1),
        V("huge", 10**30, ANY),
        V("None", None, ANY),
        V("negative", -1, ERROR),
        V("fraction", 1.5, ERROR),
        V("nan", math.nan, ERROR),
        V("string", "abc", ERROR),
        V("bool", True, ANY),
        V("list", [1], ANY),
    ]


def distribution_params(name: str, value: float) -> list[V]:
    """The parameters dict of simulate_timewarp (``name`` a parameter of the distribution)."""
    return [
        V("numpy float", {name: np.float64(value)}, SAME, {name: value}),
        V("empty", {}, SAME, None),
        V("unknown parameter", {"bogus": 1.0}, ERROR),
        V("string value", {name: "a"}, ERROR),
        V("nan value", {name: math.nan}, ERROR),
        V("inf value", {name: math.inf}, ERROR),
        V("complex value", {name: 1j}, ERROR),
        V("str", "abc", ERROR),
        V("number", 3, ERROR),
        V("list", [1.0], ERROR),
    ]


def mode(legal: str) -> list[V]:
    """C (or newObs) as the string naming a matrix mode."""
    return [V("unknown", "bogus", ERROR), V("other case", legal.upper(), ERROR), V("empty", "", ERROR)]


# ---- the functions ---------------------------------------------------------------------------------


def plane_increment(Q: Any, C: Any, newObs: Any, direction: str = "C") -> incdtw.PlaneDTW:
    return incdtw.initialize_plane(Q, C).increment(newObs, direction)


def plane_decrement(Q: Any, C: Any, **kwargs: Any) -> incdtw.PlaneDTW:
    return incdtw.initialize_plane(Q, C).decrement(**kwargs)


def partial_of_gcm(gcm: Any, **kwargs: Any) -> incdtw.PartialResult:
    return incdtw.dtw_partial({"gcm": gcm}, **kwargs)


def partial_of_vectors(gcm_lc_new: Any, gcm_lr_new: Any) -> incdtw.PartialResult:
    return incdtw.dtw_partial({"gcm_lc_new": gcm_lc_new, "gcm_lr_new": gcm_lr_new})


def simd_context(level: Any) -> None:
    with incdtw.simd(level):
        pass


def set_simd_level(level: Any) -> str:
    before = incdtw.simd_level()
    try:
        return incdtw.set_simd_level(level)
    finally:
        incdtw.set_simd_level(before)


def rows(Q: np.ndarray, C: np.ndarray, lot: list[np.ndarray], options: bool) -> list[Row]:
    """The table for series Q (6 observations), C (7) and a collection ``lot``; ``options``: also
    the arguments that do not depend on the data (the multivariate pass leaves them out)."""
    uni = Q.ndim == 1

    def opts(*pairs: tuple[str, list[V]]) -> list[Arg]:
        return [A(n, vs) for n, vs in pairs] if options else []

    metric = [("dist_method", choice("norm1")), ("step_pattern", choice("symmetric2"))]
    flags = ("return_cm", "return_diffM", "return_wp", "return_diffp", "return_QC", "return_gcm")
    r5 = incdtw.dtw(Q, C[:5], return_diffM=True)
    full = incdtw.dtw(Q, C, return_diffM=True)
    cost = incdtw.cm(Q, C)
    new_cost = incdtw.cm(Q, C[5:])
    v5 = incdtw.idtw2vec(Q, C[:5])
    tube = incdtw.lowerbound_tube(Q, 1, scale="none")
    long = np.concatenate([C, Q, C])  # 20 observations to search
    table = [
        Row("dtw", incdtw.dtw,
            dict(Q=Q, C=C, return_cm=True, return_diffM=True, return_wp=True, return_diffp=True),
            [A("Q", series(Q)), A("C", series(C)),
             *opts(*metric, ("ws", window()), *[(f, flag(f != "return_QC")) for f in flags])]),
        Row("dtw(cm)", incdtw.dtw, dict(Q=cost, C="cm", return_wp=True),
            [A("Q", matrix(cost), negative=ERROR, one_row_fewer=ANY), *opts(("C", mode("cm")))]),
        Row("cm", incdtw.cm, dict(Q=Q, C=C),
            [A("Q", series(Q)), A("C", series(C)),
             *opts(("ws", window()),
                   ("dist_method", [*choice("norm1"), V("callable returning a string", lambda q, c: "x", ERROR)]))]),
        Row("dtw2vec", incdtw.dtw2vec, dict(Q=Q, C=C),
            [A("Q", series(Q)), A("C", series(C)), *opts(*metric, ("ws", window()), ("threshold", threshold()))]),
        Row("dtw2vec(cm)", incdtw.dtw2vec, dict(Q=cost, C="cm"),
            [A("Q", matrix(cost), negative=ERROR, one_row_fewer=ANY), *opts(("C", mode("cm")))]),
        Row("idtw", incdtw.idtw,
            dict(Q=Q, C=C[:5], newObs=C[5:], gcm=r5.gcm, dm=r5.dm, diffM=r5.diffM, return_cm=True,
                 return_diffM=True, return_wp=True, return_diffp=True),
            [A("Q", series(Q)), A("C", series(C[:5])), A("newObs", series(C[5:]), **{"0-d": ANY}),
             A("gcm", matrix(r5.gcm), inf=ANY),  # +inf: an overflowed cost, a legal state
             A("dm", [*matrix(r5.dm), V("float codes", r5.dm.astype(float), SAME)], NaN=ANY, negative=ERROR),
             *([A("diffM", matrix(r5.diffM), NaN=ANY, inf=ANY, negative=ANY, None_=ANY, **{"-inf": ANY})]
               if uni else []),
             *opts(*metric, ("ws", window()), *[(f, flag(f != "return_QC")) for f in flags])]),
        Row("idtw(cm_add)", incdtw.idtw,
            dict(Q=new_cost, C="cm_add", newObs=None, gcm=r5.gcm, dm=r5.dm, return_cm=True, return_wp=True),
            [A("Q", matrix(new_cost), negative=ERROR), A("gcm", matrix(r5.gcm), inf=ANY),
             *opts(("C", mode("cm_add")))]),
        Row("idtw2vec", incdtw.idtw2vec,
            dict(Q=Q, newObs=C[5:], gcm_lc=v5.gcm_lc_new, gcm_lr=v5.gcm_lr_new, nC=5),
            [A("Q", series(Q)), A("newObs", series(C[5:]), **{"0-d": ANY}),
             A("gcm_lc", vector(v5.gcm_lc_new), inf=ANY),
             A("gcm_lr", vector(v5.gcm_lr_new), NaN=ANY, inf=ANY, None_=ANY, **{"-inf": ANY}),
             *opts(*metric, ("ws", window()), ("nC", count(5, huge=ERROR)))]),
        Row("idtw2vec(nC)", incdtw.idtw2vec, dict(Q=Q, newObs=C[5:], gcm_lc=v5.gcm_lc_new, nC=5),  # no gcm_lr to match
            opts(("nC", count(5, huge=ERROR)))),
        Row("idtw2vec(initial)", incdtw.idtw2vec, dict(Q=Q, newObs=C), [A("Q", series(Q)), A("newObs", series(C))]),
        Row("initialize_plane", incdtw.initialize_plane, dict(Q=Q, C=C),
            [A("Q", series(Q)), A("C", series(C)), *opts(*metric, ("ws", window()))]),
        Row("PlaneDTW.increment", plane_increment, dict(Q=Q, C=C[:5], newObs=C[5:]),
            [A("newObs", series(C[5:]), **{"0-d": ANY}), *opts(("direction", choice("C")))]),
        Row("PlaneDTW.decrement", plane_decrement, dict(Q=Q, C=C, direction="both", refresh_dtw=True),
            opts(("direction", choice("both")), ("refresh_dtw", flag(True)))),
        Row("PlaneDTW.decrement(n)", plane_decrement, dict(Q=Q, C=C, nC=4, nQ=5),
            opts(("nC", count(4)), ("nQ", count(5)))),
        Row("dtw_partial", incdtw.dtw_partial, dict(x=full),
            [A("x", [V("mapping", {"gcm": full.gcm}, SAME), V("PlaneDTW", incdtw.initialize_plane(Q, C), SAME),
                     V("without gcm", incdtw.dtw(Q, C, return_gcm=False), ERROR), V("empty mapping", {}, ERROR),
                     V("None", None, ERROR), V("number", 3, ERROR), V("str", "abc", ERROR),
                     V("list", [full.gcm], ERROR)])]),
        Row("dtw_partial(gcm)", partial_of_gcm, dict(gcm=full.gcm),
            [A("gcm", matrix(full.gcm), "x", one_row_fewer=ANY, NaN=ANY, inf=ANY, **{"-inf": ANY}),
             *opts(("partial_Q", flag(True)), ("partial_C", flag(True)), ("reverse", flag(False)))]),
        Row("dtw_partial(vectors)", partial_of_vectors, dict(gcm_lc_new=v5.gcm_lc_new, gcm_lr_new=v5.gcm_lr_new),
            [A("gcm_lc_new", vector(v5.gcm_lc_new), "x", one_fewer=ANY, NaN=ANY, inf=ANY, **{"-inf": ANY}),
             A("gcm_lr_new", vector(v5.gcm_lr_new), "x", one_fewer=ANY, NaN=ANY, inf=ANY, **{"-inf": ANY})]),
        Row("dtw_dismat", incdtw.dtw_dismat, dict(lot=lot, n_jobs=1),
            [A("lot", collection(lot, "lot")),
             *opts(*metric, ("normalize", flag(True)), ("ws", window()), ("threshold", threshold()),
                   ("return_matrix", flag(False)), ("n_jobs", n_jobs()), ("progress", flag(False)))]),
        Row("dtw_disvec", incdtw.dtw_disvec, dict(Q=Q, lot=lot, n_jobs=1),
            [A("Q", series(Q)), A("lot", collection(lot, "lot"), one_series=ANY),
             *opts(*metric, ("normalize", flag(True)), ("ws", window()), ("threshold", threshold()),
                   ("n_jobs", n_jobs()), ("progress", flag(False)))]),
        Row("dtw_cdist", incdtw.dtw_cdist, dict(X=lot, Y=lot[:2], n_jobs=1),
            [A("X", collection(lot, "X"), one_series=ANY), A("Y", collection(lot[:2], "Y"), one_series=ANY, None_=ANY),
             *opts(*metric, ("normalize", flag(True)), ("ws", window()), ("threshold", threshold()),
                   ("n_jobs", n_jobs()), ("progress", flag(False)))]),
        Row("centroid", incdtw.centroid, dict(lot=lot, n_jobs=1),
            [A("lot", collection(lot, "lot")),
             *opts(*metric, ("normalize", flag(True)), ("ws", window()), ("n_jobs", n_jobs()))]),
        Row("dba", incdtw.dba, dict(lot=lot, m0=Q, iterMax=2, n_jobs=1),
            [A("lot", collection(lot, "lot"), one_series=ANY), A("m0", series(Q), None_=ANY),
             *opts(*metric, ("iterMax", count(2)), ("eps", threshold(ANY)), ("ws", window()),
                   ("iter_dist_method", choice("dtw_norm1")), ("n_jobs", n_jobs()), ("progress", flag(False)))]),
        Row("DBA", incdtw.DBA, dict(lot=lot, iterMax=2, n_jobs=1), [A("lot", collection(lot, "lot"))]),
        Row("lowerbound_tube", incdtw.lowerbound_tube, dict(Q=Q, ws=1),
            [A("Q", series(Q), other_dims=ANY),
             *opts(("scale", choice("z"))), *([A("ws", window(100), inf=EITHER)] if options else [])]),
        Row("lowerbound", incdtw.lowerbound, dict(C=C[:5], ws=1, Q=Q),
            [A("C", series(C[:5])), A("Q", series(Q)),
             *opts(("scale", choice("z")), ("dist_method", choice("norm1"))),
             *([A("ws", window(100), inf=EITHER)] if options else [])]),
        Row("lowerbound(tube)", incdtw.lowerbound, dict(C=C[:5], ws=1, tube=tube, scale="none"),
            [A("C", series(C[:5])), A("tube", matrix(tube), one_row_fewer=ANY)]),
        Row("scale", incdtw.scale, dict(x=Q),
            [A("x", series(Q), other_dims=ANY, **{"0-d": ANY}),
             *opts(("type", choice("z")), ("threshold", number(1e-5)),
                   *[(p, number(1.5)) for p in ("xmean", "xsd", "xmin", "xmax")])]),
        Row("norm", incdtw.norm, dict(x=Q), [A("x", series(Q), other_dims=ANY, **{"0-d": ANY})]),
        Row("rundtw", incdtw.rundtw, dict(Q=Q[:4], C=long, k=2, n_jobs=1),
            [A("Q", series(Q[:4]), **{"0-d": ANY}),
             # a list of lists is a list of series (list mode), also when it spells a 2-D series
             A("C", series(long), ragged_list=ANY, **({} if uni else {"list": ANY})),
             *opts(*metric, ("k", count(2)), ("scale", choice("01")), ("ws", window()),
                   ("threshold", threshold()), ("lower_bound", flag(True)), ("overlap_tol", count(1)),
                   ("return_QC", flag(False)), ("n_jobs", n_jobs()), ("progress", flag(False)))]),
        Row("rundtw(list)", incdtw.rundtw, dict(Q=Q[:4], C=lot, k=2, n_jobs=1),
            # an array is one series, not a list of them
            [A("C", collection(lot, "C"), one_series=ANY, array=ANY,
               **{"1-d array": ANY, "masked array": ANY, "masked array, nothing masked": ANY})]),
    ]
    if uni:  # univariate only: find_peaks; the difference-matrix modes; dec_dm's diffM
        new_diff = incdtw.dtw(Q, C[5:], return_diffM=True).diffM
        table += [
            Row("dtw(diffM)", incdtw.dtw, dict(Q=full.diffM, C="diffM", return_wp=True),
                [A("Q", matrix(full.diffM), one_row_fewer=ANY), *opts(("C", mode("diffM")))]),
            Row("idtw(diffM_add)", incdtw.idtw,
                dict(Q=new_diff, C="diffM_add", newObs=None, gcm=r5.gcm, dm=r5.dm, diffM=r5.diffM, return_cm=True,
                     return_diffM=True, return_diffp=True),
                [A("Q", matrix(new_diff), negative=ANY),
                 A("diffM", matrix(r5.diffM), NaN=ANY, inf=ANY, negative=ANY, **{"-inf": ANY}),
                 *opts(("C", mode("diffM_add")))]),
            Row("dec_dm", incdtw.dec_dm, dict(dm=full.dm, Ndec=2, diffM=full.diffM),
                [A("dm", [*matrix(full.dm), V("float codes", full.dm.astype(float), SAME)],
                   NaN=ANY, negative=ERROR, one_row_fewer=ANY),
                 A("diffM", matrix(full.diffM), NaN=ANY, inf=ANY, negative=ANY, None_=ANY, **{"-inf": ANY}),
                 *opts(("Ndec", count(2)))]),
            Row("find_peaks", incdtw.find_peaks, dict(x=Q, w=1),
                [A("x", series(Q), NaN=ANY, inf=ANY, bool=EITHER, empty=ANY, **{"0-d": ANY}),
                 *opts(("w", count(1, huge=SAME, unbounded=100)), ("get_min", flag(True)), ("strict", flag(True)))]),
        ]
    else:
        table += [Row("dec_dm", incdtw.dec_dm, dict(dm=full.dm, Ndec=2), [])]
    table += [
        Row("simulate_timewarp", incdtw.simulate_timewarp, dict(x=Q, stretch=0.5, compress=0.2, seed=1),
            [A("x", series(Q), other_dims=ANY, NaN=ANY, inf=ANY),
             *opts(("stretch", number(0.5)), ("compress", number(0.2)),
                   ("stretch_method", [V("string", "insert_const", ERROR), V("None", None, ERROR)]),
                   ("p_index", choice("rnorm")), ("p_number", choice("rlnorm")),
                   ("p_index_list", distribution_params("sd", 1.0)),
                   ("p_number_list", distribution_params("sdlog", 1.0)),
                   ("preserve_length", flag(False)), ("seed", rng_seed()))]),
    ]
    for f in (incdtw.insert_const, incdtw.insert_linear_interp, incdtw.insert_norm, incdtw.insert_linear_norm):
        noisy = f in (incdtw.insert_norm, incdtw.insert_linear_norm)
        extra: list[tuple[str, list[V]]] = []
        if f is incdtw.insert_const:
            extra = [("const", number(1.5))]
        if noisy:
            extra = [("mean", number(0.5)), ("sd", number(0.5)), ("rng", rng_seed())]
        table.append(
            Row(f.__name__, f, dict(x=Q, ix=1, N=2, **({"rng": 1} if noisy else {})),
                [A("x", series(Q), other_dims=ANY, NaN=ANY, inf=ANY),
                 *opts(("ix", count(1)), ("N", count(2)), *extra)]))
    if options:
        table += [
            Row("set_simd_level", set_simd_level, dict(level="scalar"), [A("level", choice("scalar")[1:])]),
            Row("simd", simd_context, dict(level="scalar"), [A("level", choice("scalar")[1:])]),
        ]
    return table


Q1 = np.array([0.0, 1.0, 2.5, 1.0, 0.5, -1.0])
C1 = np.array([0.5, 2.0, 1.0, 1.5, 0.0, -0.5, 1.0])
LOT1 = [Q1, C1, np.array([1.0, -0.5, 0.25, 2.0, 1.5])]
Q2 = np.column_stack([Q1, 0.5 * Q1[::-1]])
C2 = np.column_stack([C1, 0.25 * C1[::-1] - 1.0])
LOT2 = [Q2, C2, np.column_stack([LOT1[2], LOT1[2] ** 2])]
TABLE = rows(Q1, C1, LOT1, options=True) + [
    r._replace(id=r.id + "[2-D]") for r in rows(Q2, C2, LOT2, options=False) if r.args
]
CASES = [(row, arg) for row in TABLE for arg in row.args]


# ---- checking one value ----------------------------------------------------------------------------


def snapshot(x: Any) -> Any:
    """A result as comparable plain data: arrays and floats as (dtype, shape, bytes), bit for bit."""
    if isinstance(x, incdtw.PlaneDTW):
        return snapshot({k: x[k] for k in x.keys()})
    if dataclasses.is_dataclass(x) and not isinstance(x, type):
        return snapshot({f.name: getattr(x, f.name) for f in dataclasses.fields(x)})
    if isinstance(x, dict):
        return {k: snapshot(v) for k, v in x.items() if k not in ECHOES}
    if isinstance(x, (list, tuple)):
        return [snapshot(v) for v in x]
    if isinstance(x, (np.ndarray, np.generic, float)):
        a = np.asarray(x)
        return (a.dtype.str, a.shape, a.tobytes())
    return x


def _peak_rss_kb() -> int:
    return 0 if resource is None else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


class Hang(Exception):
    pass


def _alarm(signum: int, frame: Any) -> None:
    raise Hang(f"still running after {TIMEOUT_S} s")


def run(call: Callable[..., Any], kwargs: dict[str, Any]) -> tuple[Any, Optional[BaseException], float]:
    """(snapshot of the result, the exception, growth of the peak RSS in kB), under watchdogs."""
    before = _peak_rss_kb()
    faulthandler.dump_traceback_later(HARD_TIMEOUT_S, exit=True)
    alarm = hasattr(signal, "setitimer")  # POSIX
    if alarm:
        previous = signal.signal(signal.SIGALRM, _alarm)
        signal.setitimer(signal.ITIMER_REAL, TIMEOUT_S)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)  # norm, DBA
            warnings.simplefilter("ignore", UserWarning)  # rundtw: fewer than k windows
            result, error = snapshot(call(**kwargs)), None
    except Exception as e:  # noqa: BLE001 - every exception is judged below
        result, error = None, e
    finally:
        if alarm:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)
        faulthandler.cancel_dump_traceback_later()
    return result, error, _peak_rss_kb() - before


def names(message: str, name: str) -> bool:
    """The message names the argument (as a word: "C" is not found in "Cannot" nor in "x.C")."""
    return re.search(rf"(?<![\w.]){re.escape(name)}(?![\w])", message) is not None


def judge(row: Row, arg: Arg, val: V) -> Optional[str]:
    """None when the value gets what it expects, else what went wrong."""
    expect = arg.ok.get(val.label, val.expect)
    result, error, growth = run(row.call, {**row.base, arg.name: val.value})
    if growth > MAX_RSS_GROWTH_KB:
        return f"took {growth // 1024} MB"
    expected, expected_error = None, None
    if expect in (SAME, EITHER):  # what the same numbers give as a plain array (or canonical value)
        canon = row.base[arg.name] if val.canon is BASE else val.canon
        expected, expected_error, _ = run(row.call, {**row.base, arg.name: canon})
    if error is not None:
        message = f"{type(error).__name__}: {error}"
        if not isinstance(error, (ValueError, TypeError)):
            return f"wrong exception type: {message}"
        if "incompatible function arguments" in str(error):
            return f"reached the bindings: {message}"
        if expected_error is not None and repr(error) == repr(expected_error):
            return None  # the legal value is refused with the other arguments, and so is this one
        if not names(str(error), val.name or arg.label):
            return f"error does not name {val.name or arg.label!r}: {message}"
        if expect == SAME:
            return f"raised for a legal value: {message}"
        return None
    if expect == ERROR:
        return "no error"
    if expected_error is not None:
        return f"returned a result where the canonical value raises {expected_error!r}"
    if expect in (SAME, EITHER) and result != expected:
        return "result differs from the canonical value's"
    return None


# ---- tests -----------------------------------------------------------------------------------------


def test_table_covers_every_public_function():
    covered = {row.id.partition("(")[0].partition("[")[0].split(".")[0] for row in TABLE}
    covered |= {"PlaneDTW"}  # through PlaneDTW.increment / decrement
    no_arguments = {"simd_level", "max_simd_level", "available_simd_levels"}
    public = {n for n in incdtw.__all__ if callable(getattr(incdtw, n)) and not n.endswith(("Result", "Error"))}
    assert public - no_arguments <= covered, sorted(public - no_arguments - covered)


@pytest.mark.parametrize("row", TABLE, ids=[row.id for row in TABLE])
def test_base_call_works(row):
    result, error, _ = run(row.call, row.base)
    assert error is None, f"{type(error).__name__}: {error}"


@pytest.mark.parametrize("row, arg", CASES, ids=[f"{row.id}-{arg.name}" for row, arg in CASES])
def test_hostile_values(row, arg):
    failures = [f"{val.label}: {problem}" for val in arg.values if (problem := judge(row, arg, val))]
    assert not failures, "\n".join(failures)
