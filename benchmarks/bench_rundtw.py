"""Subsequence search: incdtw.rundtw against UCR-MON (the UCR Suite with EAPrunedDTW), one core.

    python benchmarks/bench_rundtw.py --ucr-monash ~/src/UCR-Monash            # the grid below
    python benchmarks/bench_rundtw.py --ucr-monash ~/src/UCR-Monash --quick    # |Q| 128, 512; f 0.1, 0.5
    python benchmarks/bench_rundtw.py --ucr-monash ~/src/UCR-Monash --repeat 1 --json rundtw.json

The task, the same for both: the exact nearest window (1-NN) of a query Q of length m in a long
series, every window and the query z-normalised, plain DTW (symmetric1 steps, squared
differences) in the Sakoe-Chiba band |i - j| <= ws, ws = floor(f * m); m in {128, 256, 512,
1024} x f in {0.1, 0.2, 0.5} (--quick: {128, 512} x {0.1, 0.5}).

incdtw: `rundtw(Q, C, k=1, scale="z", dist_method="norm2_square", step_pattern="symmetric1",
ws=ws, n_jobs=1)`, which also computes IncDTW's per-window `dist`, and the same with
`return_dist=False` ("no dist": the nearest window only, UCR-MON's task; it must find the same
one). UCR-MON (https://github.com/MonashTS/UCR-Monash, execs/UCR_MON/UCR_MON.cpp of
the checkout given by --ucr-monash): copied into a temporary folder, patched there (below),
compiled with `g++ -O3 -march=native` and run as `ucr_mon data query m f`. The program reads its
data with fscanf inside its own timer, so the copy is patched to fread raw little-endian float64
instead (the data are written that way), and to print its distance with 17 digits; nothing else
changes, and a source whose text no longer matches fails with a message. Both are timed as CPU
seconds of one process (UCR-MON's own clock(); time.process_time() around rundtw, one thread),
the best of --repeat runs (3; fewer once a case's runs of both tools add up to 5 s), the two
alternating. Each ratio is UCR-MON time / incdtw time (> 1: incdtw is faster).

Checks: the same best location, and the same distance to 1e-6 relative. UCR-MON prints the square
root of its distance, and z-normalises with the population standard deviation (incdtw with the
sample one, as R's sd), so its distance d is compared as d**2 * (m - 1) / m.

Data: a random walk of 1,000,000 points (seed 2026), queries random walks (seed m); and, when --data
holds the accelerometer recordings (brush_teeth, drink_glass, walk .json; default ../shared/data
next to the repository; never committed), the x axis of all of them back to back, with a window of
it plus noise (10 % of the window's standard deviation) as query.
"""

from __future__ import annotations

import argparse
import math
import os
import platform
import re
import shlex
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Optional

import numpy as np

import incdtw
from _common import DATA_DIR, PeerBuild, cpu_model, geomean, git_rev, recordings, versions, write_rows

GRID = ((128, 256, 512, 1024), (0.1, 0.2, 0.5))
QUICK_GRID = ((128, 512), (0.1, 0.5))
WALK_LENGTH = 1_000_000
ACCEL_FILES = ("brush_teeth", "drink_glass", "walk")
SOURCE = Path("execs") / "UCR_MON" / "UCR_MON.cpp"
CXXFLAGS = "-O3 -march=native"
RTOL = 1e-6
CASE_BUDGET_S = 5.0  # no further run of a case once its runs of both tools add up to this

# (what, pattern, replacement, occurrences the source must have): applied to the temporary copy
PATCHES = (
    ("binary read of the first m - 1 data points", r'fscanf\(\s*fp\s*,\s*"%lf"\s*,\s*&d\s*\)\s*!=\s*EOF',
     "fread(&d, sizeof(double), 1, fp) == 1", 1),
    ("binary read of the rest of each chunk", r'fscanf\(\s*fp\s*,\s*"%lf"\s*,\s*&d\s*\)\s*==\s*EOF',
     "fread(&d, sizeof(double), 1, fp) != 1", 1),
    ("the data file opened in binary mode", r'fopen\(\s*argv\[1\]\s*,\s*"r"\s*\)', 'fopen(argv[1],"rb")', 1),
    ("17 significant digits in the output", r'(cout\s*<<\s*"Location : ")', r"cout.precision(17);\n  \1", 1),
)


def patch_source(text: str, origin: Path) -> str:
    for what, pattern, replacement, count in PATCHES:
        text, n = re.subn(pattern, replacement, text)
        if n != count:
            raise SystemExit(f"--ucr-monash: cannot patch {origin} ({what}): /{pattern}/ matched {n} times, "
                             f"expected {count}; has UCR_MON.cpp changed?")
    if re.search(r"fscanf\(\s*fp\b", text):
        raise SystemExit(f"--ucr-monash: {origin} still reads data with fscanf after patching; has it changed?")
    return text


class UcrMon(PeerBuild):
    """UCR_MON.cpp of a UCR-Monash checkout, patched and compiled in a temporary folder (removed by close())."""

    def __init__(self, checkout: Path, cxx: str, cxxflags: str):
        source = checkout / SOURCE
        if not source.exists():
            raise SystemExit(f"--ucr-monash: {checkout} has no {SOURCE}")
        super().__init__("bench_rundtw_ucr_")
        # latin-1 keeps every byte of the file (its copyright notice is not UTF-8)
        text = patch_source(source.read_text(encoding="latin-1"), source)
        (self.dir / "UCR_MON.cpp").write_text(text, encoding="latin-1")
        self.exe = self.dir / "ucr_mon"
        self.compile([cxx, *shlex.split(cxxflags), str(self.dir / "UCR_MON.cpp"), "-o", str(self.exe)], "UCR-MON")

    def write_series(self, name: str, series: np.ndarray) -> Path:
        path = self.dir / f"{name}.f64"
        np.ascontiguousarray(series, dtype="<f8").tofile(path)
        return path

    def search(self, data: Path, query: np.ndarray, f: float) -> dict:
        qpath = self.dir / "query.txt"
        np.savetxt(qpath, query, fmt="%.17g")  # read back exactly by its fscanf("%lf")
        args = [str(self.exe), str(data), str(qpath), str(len(query)), repr(f)]  # R <= 1: r = floor(R * m)
        t0 = time.perf_counter()
        done = subprocess.run(args, capture_output=True, text=True)
        wall = time.perf_counter() - t0
        if done.returncode != 0:
            raise SystemExit(f"UCR-MON failed ({done.returncode}): {' '.join(args)}\n{done.stdout}\n{done.stderr}")
        out = {}
        for line in done.stdout.splitlines():
            if ":" in line:
                key, value = line.split(":", 1)
                out[key.strip()] = value.strip()
        try:
            return {"location": int(out["Location"]), "distance": float(out["Distance"]),
                    "scanned": int(out["Data Scanned"]), "seconds": float(out["Total Execution Time"].split()[0]),
                    "dtw_percent": float(out["DTW Calculation"].rstrip("%")), "wall": wall}
        except (KeyError, ValueError) as e:
            raise SystemExit(f"UCR-MON's output not understood ({e!r}):\n{done.stdout}")


# --- data -----------------------------------------------------------------------------------------

def random_walk(n: int, seed: int) -> np.ndarray:
    return np.cumsum(np.random.default_rng(seed).standard_normal(n))


def accelerometer(data_dir: Path) -> Optional[np.ndarray]:
    """The x axis of every recording of ACCEL_FILES back to back, or None when a file is absent."""
    parts = []
    for name in ACCEL_FILES:
        got = recordings(name, data_dir)
        if got is None:
            return None
        parts.extend(r[:, 0] for r in got)
    return np.concatenate(parts)


def walk_query(series: np.ndarray, m: int) -> np.ndarray:
    return random_walk(m, m)


def window_query(series: np.ndarray, m: int) -> np.ndarray:
    """A window of the series at a position fixed by m, plus noise of 10 % of its standard deviation."""
    rng = np.random.default_rng(20_000 + m)
    start = int(rng.integers(0, len(series) - m + 1))
    w = series[start:start + m]
    return w + rng.normal(0.0, 0.1 * w.std(), m)


# --- the benchmark --------------------------------------------------------------------------------

@dataclass
class Row:
    series: str
    n: int
    m: int
    f: float
    ws: int
    runs: int  # timed runs of each tool (--repeat, fewer once the case has taken CASE_BUDGET_S)
    incdtw_s: float  # CPU seconds, best of the runs
    incdtw_wall_s: float  # wall seconds of that run
    incdtw_location: int
    incdtw_distance: float
    incdtw_lb_pruned: float  # fraction of the windows skipped by a lower bound
    ucr_s: float  # UCR-MON's own clock(), best of the runs
    ucr_wall_s: float  # wall seconds of that process, start to exit
    ucr_location: int
    ucr_distance: float  # as incdtw's: printed**2 * (m - 1) / m
    ucr_lb_pruned: float
    ratio: float  # UCR-MON seconds / incdtw seconds
    lean_s: float  # incdtw without dist (return_dist=False: the k-NN only, as UCR-MON), best CPU seconds
    lean_ratio: float  # UCR-MON seconds / lean_s
    same_location: bool
    rel_diff: float  # |incdtw - UCR-MON| / incdtw distance


def incdtw_search(Q: np.ndarray, C: np.ndarray, ws: int, return_dist: bool = True) -> Callable[[], object]:
    return lambda: incdtw.rundtw(Q, C, k=1, scale="z", dist_method="norm2_square", step_pattern="symmetric1",
                                 ws=ws, n_jobs=1, return_dist=return_dist)


def run_case(name: str, C: np.ndarray, data: Path, Q: np.ndarray, f: float, ucr: UcrMon, repeat: int) -> Row:
    m = len(Q)
    ws = math.floor(f * m)  # what UCR-MON computes from R = f <= 1
    search, lean = incdtw_search(Q, C, ws), incdtw_search(Q, C, ws, return_dist=False)
    best_i, best_u, best_lean, spent, runs = (math.inf, 0.0, None), None, math.inf, 0.0, 0
    while runs < repeat and (runs == 0 or spent < CASE_BUDGET_S):  # alternating: a change of load hits both
        c0, w0 = time.process_time(), time.perf_counter()
        res = search()
        cpu, wall = time.process_time() - c0, time.perf_counter() - w0
        if cpu < best_i[0]:
            best_i = (cpu, wall, res)
        c0 = time.process_time()
        lean_res = lean()
        lean_cpu = time.process_time() - c0
        best_lean = min(best_lean, lean_cpu)
        if lean_res.knn_indices.tolist() != res.knn_indices.tolist():
            raise SystemExit(f"return_dist=False found {lean_res.knn_indices}, with dist {res.knn_indices}")
        u = ucr.search(data, Q, f)
        if best_u is None or u["seconds"] < best_u["seconds"]:
            best_u = u
        spent, runs = spent + cpu + lean_cpu + u["seconds"], runs + 1
    t, wall, res = best_i
    if best_u["scanned"] != len(C):
        raise SystemExit(f"UCR-MON scanned {best_u['scanned']} points of {len(C)}: the binary read went wrong")
    windows = len(C) - m + 1
    loc, dist = int(res.knn_indices[0]), float(res.knn_values[0])
    ucr_dist = best_u["distance"] ** 2 * (m - 1) / m
    return Row(name, len(C), m, f, ws, runs, t, wall, loc, dist, res.counter["lower_bound"] / windows,
               best_u["seconds"], best_u["wall"], best_u["location"], ucr_dist, 1 - best_u["dtw_percent"] / 100,
               best_u["seconds"] / t, best_lean, best_u["seconds"] / best_lean, loc == best_u["location"],
               abs(dist - ucr_dist) / dist)


def print_table(rows: list[Row]) -> None:
    print(f"\n{'series':14s} {'n':>9s} {'m':>5s} {'f':>4s} {'ws':>4s} {'runs':>4s} {'incdtw s':>9s} {'UCR-MON s':>10s} "
          f"{'ratio':>7s} {'no dist s':>9s} {'ratio':>7s} {'locations agree':>16s} {'dist rel diff':>14s} {'LB pruned incdtw/UCR-MON':>25s}")
    for r in rows:
        agree = "yes" if r.same_location else f"NO {r.incdtw_location}/{r.ucr_location}"
        pruned = f"{r.incdtw_lb_pruned:.3f}/{r.ucr_lb_pruned:.3f}"
        print(f"{r.series:14s} {r.n:9d} {r.m:5d} {r.f:4.1f} {r.ws:4d} {r.runs:4d} {r.incdtw_s:9.3f} {r.ucr_s:10.3f} "
              f"{r.ratio:6.2f}x {r.lean_s:9.3f} {r.lean_ratio:6.2f}x {agree:>16s} {r.rel_diff:14.1e} {pruned:>25s}")
    for name in dict.fromkeys(r.series for r in rows):
        ratios = [r.ratio for r in rows if r.series == name]
        lean = [r.lean_ratio for r in rows if r.series == name]
        print(f"geometric mean UCR-MON / incdtw, {name}: {geomean(ratios):.2f}x with dist, {geomean(lean):.2f}x "
              f"without, over {len(ratios)} cases")
    bad = [r for r in rows if not r.same_location or r.rel_diff > RTOL]
    print(f"checks: {len(rows) - len(bad)} of {len(rows)} cases with the same location and distances within "
          f"{RTOL:g} relative")


def main(argv: Optional[list[str]] = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--ucr-monash", type=Path, required=True,
                    help="a checkout of github.com/MonashTS/UCR-Monash (execs/UCR_MON/UCR_MON.cpp is built)")
    ap.add_argument("--quick", action="store_true", help="|Q| in {128, 512} x f in {0.1, 0.5}")
    ap.add_argument("--repeat", type=int, default=3,
                    help=f"timed runs of each tool per case, the best reported; fewer once a case has taken "
                         f"{CASE_BUDGET_S:g} s (default: 3)")
    ap.add_argument("--data", type=Path, default=DATA_DIR,
                    help=f"folder of the accelerometer .json recordings (default: {DATA_DIR}; skipped if absent)")
    ap.add_argument("--json", help="write the rows to this file")
    ap.add_argument("--cxx", default=os.environ.get("CXX", "g++"), help="compiler for UCR-MON (default: g++)")
    ap.add_argument("--cxxflags", default=CXXFLAGS, help=f"flags for UCR-MON (default: {CXXFLAGS})")
    args = ap.parse_args(argv)
    repeat = max(1, args.repeat)
    if shutil.which(args.cxx) is None:
        ap.error(f"--cxx: {args.cxx} not found")
    checkout = args.ucr_monash.expanduser().resolve()
    sizes, fractions = QUICK_GRID if args.quick else GRID

    series = [("random walk", random_walk(WALK_LENGTH, 2026), walk_query, "random walk, seed 2026")]
    accel = accelerometer(args.data)
    if accel is not None:
        series.append(("accelerometer", accel, window_query,
                       f"x axis of {', '.join(ACCEL_FILES)} in {args.data} back to back"))

    ucr = UcrMon(checkout, args.cxx, args.cxxflags)
    rev = git_rev(checkout)
    cxx = subprocess.run([args.cxx, "--version"], capture_output=True, text=True).stdout.splitlines()
    print(f"{time.strftime('%Y-%m-%d')}, CPU: {cpu_model()} ({os.cpu_count()} logical), {platform.machine()}")
    print(f"{versions()}; one thread, CPU seconds, best of {repeat} runs "
          f"(of fewer once a case has taken {CASE_BUDGET_S:g} s)")
    print(f"UCR-MON: {checkout} at {rev}, patched copy built in {ucr.build_s:.1f} s: "
          f"{' '.join(ucr.command[:-3])} ({cxx[0] if cxx else '?'})")
    for name, C, _, origin in series:
        print(f"series {name}: {len(C):,} points ({origin})")
    if accel is None:
        print(f"series accelerometer: skipped ({args.data} lacks {', '.join(f + '.json' for f in ACCEL_FILES)})")

    rows: list[Row] = []
    try:
        incdtw_search(walk_query(series[0][1], 128), series[0][1][:10_000], 12)()  # warm-up
        for name, C, make_query, _ in series:
            data = ucr.write_series(name.replace(" ", "_"), C)
            for m in sizes:
                Q = make_query(C, m)
                for f in fractions:
                    r = run_case(name, C, data, Q, f, ucr, repeat)
                    rows.append(r)
                    runs = f"{r.runs} run" + ("s" if r.runs != 1 else "")
                    print(f"  {name} m={m} f={f} ws={r.ws}, {runs}: incdtw {r.incdtw_s:.3f} s, "
                          f"UCR-MON {r.ucr_s:.3f} s, locations {r.incdtw_location}/{r.ucr_location}", flush=True)
    finally:
        ucr.close()
    print_table(rows)
    write_rows(args.json, rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
