"""1-NN DTW classification: incdtw against tempo's NN1 search, on UCR data sets, one core.

    python benchmarks/bench_knn.py                        # incdtw only (no --tempo)
    python benchmarks/bench_knn.py --tempo ~/src/tempo    # with tempo, built in a temporary folder
    python benchmarks/bench_knn.py --quick                # the first 20 test series, one timed run
    python benchmarks/bench_knn.py --only GunPoint ACSF1 --repeat 3 --json knn.json
    python benchmarks/bench_knn.py --ucr-dir ~/data/UCRArchive_2018

Each data set is classified twice: without a window, and with the Sakoe-Chiba radius
ws = floor(0.1 * length) (|i - j| <= ws, the convention of incdtw's `ws` and of tempo's `w`).
The recurrence is plain DTW: symmetric1 steps, squared differences, no normalisation; every series
is z-normalised first.

incdtw: `dtw_cdist(test, train, step_pattern="symmetric1", dist_method="norm2_square",
normalize=False, ws=ws, n_jobs=1).argmin(axis=1)` (every distance, no pruning), and, where the
package has it, `dtw_knn(test, train, k=1, ...)` with the same options, whose neighbours must equal
dtw_cdist's argmin. tempo (https://github.com/MonashTS/tempo, a checkout given by --tempo): a
driver written here and compiled in a temporary folder against tempo's headers runs its NN1
cascade on one thread, in train order: LB_Keogh(test series, train envelope), then LB_Webb, then
tempo's early-abandoned and pruned DTW with the best-so-far as cut-off (a strictly smaller
distance replaces the best, so ties keep the first train series, as argmin does). Its time
includes the envelopes of both sets; reading the data is not timed. Both are the best of
--repeat runs after a warm-up. The ratio is tempo time / incdtw time (> 1: incdtw is faster).

Data: the UCR sets as shipped in the `aeon` package (aeon/datasets/data/<name>/<name>_TRAIN.ts;
found without importing aeon), or --ucr-dir, a folder of <name>/<name>_TRAIN.tsv (the UCR 2018
archive) or .ts files. The published error counts are those of the UCR archive's DTW (full window)
column; the check compares the full-window counts with them.
"""

from __future__ import annotations

import argparse
import importlib.util
import math
import os
import platform
import shlex
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

import numpy as np

import incdtw
from _common import PeerBuild, band_cells, best_time, geomean, git_rev, versions, write_rows

# name: published 1-NN DTW (full window) error count on the test set
DATASETS = {"GunPoint": 14, "ArrowHead": 52, "ItalyPowerDemand": 51, "OSULeaf": 99, "ACSF1": 36}
QUICK_TEST = 20  # --quick: the first test series only

# The NN1 driver; it includes tempo's own headers (src/tempo/distance/core) and nothing of tempo
# is copied. Input: raw float64 files, row-major (count x length). Output: key=value lines.
DRIVER = r"""
#include <tempo/distance/core/elastic/dtw.hpp>
#include <tempo/distance/core/elastic/dtw_lb_keogh.hpp>
#include <tempo/distance/core/elastic/dtw_lb_webb.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <limits>
#include <string>
#include <vector>

namespace td = tempo::distance;
namespace tu = tempo::distance::univariate;
using F = double;

static std::vector<F> read_raw(const char *path, size_t count) {
  std::vector<F> v(count);
  std::ifstream in(path, std::ios::binary);
  in.read(reinterpret_cast<char *>(v.data()), std::streamsize(count * sizeof(F)));
  if (!in) { std::cerr << "cannot read " << path << "\n"; std::exit(2); }
  return v;
}

struct Stats { size_t keogh = 0, webb = 0, dtw = 0, abandoned = 0, cells = 0; };

struct Envelopes {
  std::vector<F> up, lo, lo_up, up_lo;
  Envelopes(const std::vector<F> &data, size_t count, size_t length, size_t w)
      : up(count * length), lo(count * length), lo_up(count * length), up_lo(count * length) {
    for (size_t s = 0; s < count; ++s) {
      const size_t o = s * length;
      tu::get_keogh_envelopes_Webb(data.data() + o, length, up.data() + o, lo.data() + o, lo_up.data() + o,
                                   up_lo.data() + o, w);
    }
  }
};

// One NN1 pass: the index of the nearest train series of every test series. With COUNT, the
// cost function counts the DTW cells it is asked for (an untimed pass).
template <bool COUNT>
static std::vector<size_t> nn1(const std::vector<F> &train, size_t ntrain, const std::vector<F> &test, size_t ntest,
                               size_t length, size_t window, Stats &st) {
  const size_t w = std::min(window, length - 1);  // the envelopes' window; LB_Webb needs w < length
  const Envelopes etrain(train, ntrain, length, w), etest(test, ntest, length, w);
  const auto sq = [](F a, F b) { return tu::ad2<F>(a, b); };
  std::vector<F> buffer;
  std::vector<size_t> nn(ntest);
  size_t cells = 0;
  for (size_t q = 0; q < ntest; ++q) {
    const F *tq = test.data() + q * length;
    F bsf = td::utils::PINF<F>;
    size_t best = 0;
    for (size_t c = 0; c < ntrain; ++c) {
      const size_t oq = q * length, oc = c * length;
      const F *tc = train.data() + oc;
      if (tu::lb_Keogh(tq, length, etrain.up.data() + oc, etrain.lo.data() + oc, sq, bsf) > bsf) {
        if constexpr (COUNT) { ++st.keogh; }
        continue;
      }
      if (tu::lb_Webb(tq, length, etest.up.data() + oq, etest.lo.data() + oq, etest.lo_up.data() + oq,
                      etest.up_lo.data() + oq, tc, length, etrain.up.data() + oc, etrain.lo.data() + oc,
                      etrain.lo_up.data() + oc, etrain.up_lo.data() + oc, sq, w, bsf) > bsf) {
        if constexpr (COUNT) { ++st.webb; }
        continue;
      }
      auto cfun = [tq, tc, &cells](size_t i, size_t j) {
        if constexpr (COUNT) { ++cells; }
        return tu::ad2<F>(tq[i], tc[j]);
      };
      const F d = td::dtw<F>(length, length, cfun, window, bsf, buffer);
      if constexpr (COUNT) {
        ++st.dtw;
        if (d == td::utils::PINF<F>) { ++st.abandoned; }
      }
      if (d < bsf) { bsf = d; best = c; }
    }
    nn[q] = best;
  }
  st.cells = cells;
  return nn;
}

int main(int argc, char **argv) {
  if (argc != 8) {
    std::cerr << "usage: tempo_nn1 train.raw test.raw ntrain ntest length window|none repeat\n";
    return 2;
  }
  const size_t ntrain = std::stoul(argv[3]), ntest = std::stoul(argv[4]), length = std::stoul(argv[5]);
  const std::string ws = argv[6];
  const size_t window = ws == "none" ? td::utils::NO_WINDOW : std::stoul(ws);
  const int repeat = std::max(1, std::atoi(argv[7]));
  const auto train = read_raw(argv[1], ntrain * length), test = read_raw(argv[2], ntest * length);

  Stats st;
  const auto counted = nn1<true>(train, ntrain, test, ntest, length, window, st);  // also the warm-up
  double best = std::numeric_limits<double>::infinity();
  std::vector<size_t> nn;
  for (int r = 0; r < repeat; ++r) {
    Stats unused;
    const auto t0 = std::chrono::steady_clock::now();
    nn = nn1<false>(train, ntrain, test, ntest, length, window, unused);
    const std::chrono::duration<double> dt = std::chrono::steady_clock::now() - t0;
    best = std::min(best, dt.count());
  }
  std::printf("seconds=%.9g\n", best);
  std::printf("same_as_counted=%d\n", int(nn == counted));
  std::printf("pairs=%zu\nkeogh_pruned=%zu\nwebb_pruned=%zu\ndtw_calls=%zu\ndtw_abandoned=%zu\ncells=%zu\n",
              ntrain * ntest, st.keogh, st.webb, st.dtw, st.abandoned, st.cells);
  std::printf("nn=");
  for (size_t q = 0; q < ntest; ++q) { std::printf(q ? " %zu" : "%zu", nn[q]); }
  std::printf("\n");
  return 0;
}
"""


@dataclass
class Row:
    dataset: str
    ntrain: int
    ntest: int
    length: int
    ws: Optional[int]
    cells: int  # DTW cells of all pairs (the band's with a window)
    incdtw_s: float
    incdtw_errors: int
    published_errors: Optional[int] = None  # full window only
    tempo_s: Optional[float] = None
    tempo_errors: Optional[int] = None
    ratio: Optional[float] = None  # tempo seconds / incdtw seconds
    same_nn: Optional[bool] = None  # tempo's neighbours equal incdtw's argmin
    tempo_keogh_pruned: Optional[float] = None  # fractions of the pairs
    tempo_webb_pruned: Optional[float] = None
    tempo_dtw_abandoned: Optional[float] = None
    tempo_cells: Optional[float] = None  # DTW cells tempo evaluated / cells
    knn_s: Optional[float] = None  # incdtw.dtw_knn, when the package has it
    knn_same: Optional[bool] = None
    knn_ratio: Optional[float] = None  # tempo seconds / dtw_knn seconds

    @property
    def window(self) -> str:
        return "full" if self.ws is None else "10 %"


# --- data ---------------------------------------------------------------------------------------

def aeon_data_dir() -> Optional[Path]:
    """aeon's shipped data folder, located without importing aeon (numba, pandas)."""
    spec = importlib.util.find_spec("aeon")
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(next(iter(spec.submodule_search_locations))) / "datasets" / "data"
    return path if path.is_dir() else None


def read_ts(path: Path) -> tuple[np.ndarray, np.ndarray]:
    """A univariate, equal-length .ts file (sktime/aeon format): rows 'v1,v2,...:label' after @data."""
    rows, labels, in_data = [], [], False
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            if not in_data:
                in_data = line.lower().startswith("@data")
                continue
            values, label = line.rsplit(":", 1)
            rows.append(np.array(values.split(","), dtype=np.float64))
            labels.append(label)
    return np.vstack(rows), np.array(labels)


def read_tsv(path: Path) -> tuple[np.ndarray, np.ndarray]:
    """The UCR 2018 archive's format: one series a line, the label first, tab-separated."""
    raw = np.loadtxt(path, delimiter="\t", dtype=str)
    return raw[:, 1:].astype(np.float64), raw[:, 0]


def load(name: str, ucr_dir: Optional[Path]) -> Optional[tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, str]]:
    """(train, train labels, test, test labels, source) or None when the set is not found."""
    roots = [(ucr_dir, "--ucr-dir")] if ucr_dir is not None else [(aeon_data_dir(), "aeon")]
    for root, source in roots:
        if root is None:
            continue
        for ext, reader in ((".tsv", read_tsv), (".ts", read_ts)):
            tr, te = root / name / f"{name}_TRAIN{ext}", root / name / f"{name}_TEST{ext}"
            if tr.exists() and te.exists():
                (X, y), (T, z) = reader(tr), reader(te)
                return X, y, T, z, f"{source} {ext}"
    return None


def znorm(X: np.ndarray) -> np.ndarray:
    sd = X.std(axis=1, keepdims=True)
    return (X - X.mean(axis=1, keepdims=True)) / np.where(sd > 0, sd, 1.0)


# --- tempo ----------------------------------------------------------------------------------------

CXXFLAGS = "-O3 -march=native -DNDEBUG"


class Tempo(PeerBuild):
    """The NN1 driver compiled against a tempo checkout in a temporary folder (removed by close())."""

    def __init__(self, checkout: Path, cxx: str, cxxflags: str):
        header = checkout / "src" / "tempo" / "distance" / "core" / "elastic" / "dtw_lb_webb.hpp"
        if not header.exists():
            raise SystemExit(f"--tempo: {checkout} has no src/tempo/distance/core/elastic/dtw_lb_webb.hpp")
        super().__init__("bench_knn_tempo_")
        (self.dir / "tempo_nn1.cpp").write_text(DRIVER, encoding="utf-8")
        self.exe = self.dir / "tempo_nn1"
        # -std=c++20 (ISO, not gnu++20) keeps GCC from contracting a*b+c into FMAs, as in incdtw
        self.compile([cxx, "-std=c++20", *shlex.split(cxxflags), "-I", str(checkout / "src"),
                      str(self.dir / "tempo_nn1.cpp"), "-o", str(self.exe)], "tempo's NN1 driver")

    def nn1(self, train: np.ndarray, test: np.ndarray, ws: Optional[int], repeat: int) -> dict:
        np.ascontiguousarray(train, dtype=np.float64).tofile(self.dir / "train.raw")
        np.ascontiguousarray(test, dtype=np.float64).tofile(self.dir / "test.raw")
        args = [str(self.exe), str(self.dir / "train.raw"), str(self.dir / "test.raw"), str(len(train)),
                str(len(test)), str(train.shape[1]), "none" if ws is None else str(ws), str(repeat)]
        done = subprocess.run(args, capture_output=True, text=True, check=True)
        out = dict(line.split("=", 1) for line in done.stdout.splitlines())
        return {"seconds": float(out["seconds"]), "nn": np.array(out["nn"].split(), dtype=np.int64),
                **{k: int(out[k]) for k in ("pairs", "keogh_pruned", "webb_pruned", "dtw_calls", "dtw_abandoned",
                                            "cells", "same_as_counted")}}


# --- the benchmark ----------------------------------------------------------------------------------

def knn_indices(result: object) -> np.ndarray:
    """The neighbour indices of a dtw_knn result (an object with indices, or an array), one per query."""
    for attr in ("indices", "knn_indices", "index"):
        if hasattr(result, attr):
            result = getattr(result, attr)
            break
    return np.asarray(result).reshape(-1)


def run_set(name: str, data: tuple, args: argparse.Namespace, tempo: Optional[Tempo]) -> list[Row]:
    X, y, T, z = data
    X, T = znorm(X), znorm(T)
    if args.quick:
        T, z = T[:QUICK_TEST], z[:QUICK_TEST]
    length = X.shape[1]
    repeat = max(1, args.repeat)
    rows = []
    for ws in (None, int(math.floor(0.1 * length))):
        opts = dict(step_pattern="symmetric1", dist_method="norm2_square", normalize=False, ws=ws, n_jobs=1)
        t, nn = best_time(lambda: incdtw.dtw_cdist(T, X, **opts).argmin(axis=1), repeat)
        row = Row(name, len(X), len(T), length, ws, len(X) * len(T) * band_cells(length, length, ws), t,
                  int(np.sum(y[nn] != z)), DATASETS[name] if ws is None and not args.quick else None)
        if hasattr(incdtw, "dtw_knn"):
            row.knn_s, res = best_time(lambda: incdtw.dtw_knn(T, X, k=1, **opts), repeat)
            row.knn_same = bool(np.array_equal(knn_indices(res), nn))
        if tempo is not None:
            r = tempo.nn1(X, T, ws, repeat)
            pairs = r["pairs"]
            row.tempo_s, row.ratio = r["seconds"], r["seconds"] / t
            row.tempo_errors = int(np.sum(y[r["nn"]] != z))
            row.same_nn = bool(np.array_equal(r["nn"], nn)) and r["same_as_counted"] == 1
            row.tempo_keogh_pruned, row.tempo_webb_pruned = r["keogh_pruned"] / pairs, r["webb_pruned"] / pairs
            row.tempo_dtw_abandoned, row.tempo_cells = r["dtw_abandoned"] / pairs, r["cells"] / row.cells
            if row.knn_s is not None:
                row.knn_ratio = r["seconds"] / row.knn_s
        rows.append(row)
        print(f"  {name} ws={ws}: incdtw {t:.4f} s" + ("" if row.tempo_s is None else f", tempo {row.tempo_s:.4f} s"),
              flush=True)
    return rows


def fmt(x: Optional[float], spec: str) -> str:
    return "-" if x is None else format(x, spec)


def print_table(rows: list[Row]) -> None:
    print(f"\n{'data set':17s} {'train x test x length':>22s} {'window':>10s} {'incdtw s':>9s} {'tempo s':>9s} "
          f"{'ratio':>7s} {'errors incdtw/tempo/published':>30s}  check")
    for r in rows:
        errors = f"{r.incdtw_errors}/{fmt(r.tempo_errors, 'd')}/{fmt(r.published_errors, 'd')}"
        checks = []
        if r.published_errors is not None:
            checks.append(f"published: {r.incdtw_errors == r.published_errors}")
        if r.same_nn is not None:
            checks.append(f"same neighbours: {r.same_nn}")
        if r.knn_s is not None:
            vs = "" if r.knn_ratio is None else f", tempo / dtw_knn {r.knn_ratio:.2f}x"
            checks.append(f"dtw_knn {r.knn_s:.4f} s{vs}, same: {r.knn_same}")
        ratio = "" if r.ratio is None else f"{r.ratio:6.2f}x"
        window = "none" if r.ws is None else f"ws={r.ws}"
        print(f"{r.dataset:17s} {f'{r.ntrain} x {r.ntest} x {r.length}':>22s} {window:>10s} {r.incdtw_s:9.4f} "
              f"{fmt(r.tempo_s, '9.4f'):>9s} {ratio:>7s} {errors:>30s}  {', '.join(checks)}")
    with_tempo = [r for r in rows if r.ratio is not None]
    if with_tempo:
        print("\ntempo's cascade, fractions of the train x test pairs, and of the DTW cells of all pairs")
        print(f"{'data set':17s} {'window':>10s} {'LB_Keogh':>9s} {'LB_Webb':>9s} {'abandoned':>10s} "
              f"{'cells':>9s} {'incdtw Gcells/s':>16s}")
        for r in with_tempo:
            window = "none" if r.ws is None else f"ws={r.ws}"
            print(f"{r.dataset:17s} {window:>10s} {r.tempo_keogh_pruned:9.3f} {r.tempo_webb_pruned:9.3f} "
                  f"{r.tempo_dtw_abandoned:10.3f} {r.tempo_cells:9.4f} {r.cells / r.incdtw_s / 1e9:16.2f}")
        for window in ("full", "10 %"):
            ratios = [r.ratio for r in with_tempo if r.window == window]
            if ratios:
                print(f"geometric mean tempo / incdtw, {window} window: {geomean(ratios):.2f}x over {len(ratios)} sets")
            knn = [r.knn_ratio for r in with_tempo if r.window == window and r.knn_ratio is not None]
            if knn:
                print(f"geometric mean tempo / dtw_knn, {window} window: {geomean(knn):.2f}x over {len(knn)} sets")


def main(argv: Optional[list[str]] = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help=f"the first {QUICK_TEST} test series, one timed run")
    ap.add_argument("--repeat", type=int, default=5, help="timed runs per measurement (best is reported)")
    ap.add_argument("--only", nargs="+", metavar="DATASET", help=f"data sets to run ({', '.join(DATASETS)})")
    ap.add_argument("--json", help="write the rows to this file")
    ap.add_argument("--tempo", type=Path, help="a checkout of github.com/MonashTS/tempo (skipped without it)")
    ap.add_argument("--ucr-dir", type=Path, help="a folder of <name>/<name>_TRAIN.tsv or .ts (default: aeon's data)")
    ap.add_argument("--cxx", default=os.environ.get("CXX", "c++"), help="compiler for tempo's driver (C++20)")
    ap.add_argument("--cxxflags", default=CXXFLAGS, help=f"flags for tempo's driver (default: {CXXFLAGS})")
    args = ap.parse_args(argv)
    if args.only:
        unknown = [n for n in args.only if n not in DATASETS]
        if unknown:
            ap.error(f"--only: unknown data sets {', '.join(unknown)} (known: {', '.join(DATASETS)})")
    if args.quick:
        args.repeat = 1
    if args.ucr_dir is not None and not args.ucr_dir.is_dir():
        ap.error(f"--ucr-dir: {args.ucr_dir} is not a folder")
    if args.tempo is not None and shutil.which(args.cxx) is None:
        ap.error(f"--cxx: {args.cxx} not found")

    tempo = None
    if args.tempo is not None:
        tempo = Tempo(args.tempo.expanduser().resolve(), args.cxx, args.cxxflags)
    rev = git_rev(args.tempo) if tempo is not None else ""
    print(f"{versions()}, {platform.machine()}; one thread, best of {max(1, args.repeat)}")
    print("tempo: " + ("skipped (no --tempo)" if tempo is None else
                       f"{args.tempo} at {rev}, driver built in {tempo.build_s:.1f} s: {' '.join(tempo.command[:-3])}"))
    print("incdtw.dtw_knn: " + ("timed" if hasattr(incdtw, "dtw_knn") else "not in this version"))
    rows: list[Row] = []
    try:
        for name in DATASETS:
            if args.only and name not in args.only:
                continue
            got = load(name, args.ucr_dir)
            if got is None:
                where = args.ucr_dir or aeon_data_dir() or "aeon's data (aeon not installed; or give --ucr-dir)"
                print(f"  {name}: not found in {where}, skipped")
                continue
            X, y, T, z, source = got
            print(f"  {name}: {len(X)} train, {len(T)} test, length {X.shape[1]} ({source})", flush=True)
            rows.extend(run_set(name, (X, y, T, z), args, tempo))
    finally:
        if tempo is not None:
            tempo.close()
    if rows:
        print_table(rows)
    write_rows(args.json, rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
