"""Memory of a subsequence search beyond its input: rundtw's k nearest windows with and without
IncDTW's per-window `dist`.

    python benchmarks/bench_rundtw_memory.py                 # random walks of 10^6 and 10^7 points
    python benchmarks/bench_rundtw_memory.py --large         # also 10^8 points (800 MB of input)
    python benchmarks/bench_rundtw_memory.py --json mem.json

Each case runs in a fresh process: it makes the random walk in place (float64, seed 2026; the
query a random walk of 128 points, seed 128), reads its peak resident memory, runs
`rundtw(Q, C, k=5, scale="z", dist_method="norm2_square", ws=12, n_jobs=j, return_dist=d)` and
reads the peak again. The difference is what the search added at its peak, the returned result
included (with `dist`: 8 bytes per window of it).
"""

from __future__ import annotations

import argparse
import json
import platform
import subprocess
import sys

CHILD = r"""
import resource, sys, time
import numpy as np
import incdtw
n, jobs, return_dist = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3] == "1"
x = np.random.default_rng(2026).standard_normal(n)
np.cumsum(x, out=x)
q = np.cumsum(np.random.default_rng(128).standard_normal(128))
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
t0 = time.perf_counter()
r = incdtw.rundtw(q, x, k=5, scale="z", dist_method="norm2_square", ws=12, n_jobs=jobs, return_dist=return_dist)
seconds = time.perf_counter() - t0
after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(before, after, seconds, " ".join(str(int(i)) for i in r.knn_indices))
"""


def run_case(n: int, jobs: int, return_dist: bool) -> dict:
    out = subprocess.run([sys.executable, "-c", CHILD, str(n), str(jobs), "1" if return_dist else "0"],
                         capture_output=True, text=True, check=True).stdout.split()
    before, after, seconds = int(out[0]), int(out[1]), float(out[2])
    return dict(points=n, n_jobs=jobs, return_dist=return_dist, input_mb=n * 8 / 1e6,
                extra_mb=(after - before) / 1024, seconds=seconds, knn=[int(v) for v in out[3:]])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--large", action="store_true", help="also a series of 10^8 points (800 MB)")
    ap.add_argument("--json", help="write the rows to this file")
    args = ap.parse_args()
    sizes = [10**6, 10**7] + ([10**8] if args.large else [])
    print(f"# {platform.processor() or platform.machine()}, Python {platform.python_version()}")
    print(f"{'points':>11} {'n_jobs':>6} {'dist':>5} {'input MB':>9} {'extra MB':>9} {'s':>7}  same k-NN")
    rows = []
    for n in sizes:
        ref = None
        for jobs in (1, 2):
            for return_dist in (True, False):
                row = run_case(n, jobs, return_dist)
                ref = ref or row["knn"]
                row["same_knn"] = row["knn"] == ref
                rows.append(row)
                print(f"{n:>11} {jobs:>6} {str(return_dist):>5} {row['input_mb']:>9.0f} {row['extra_mb']:>9.1f} "
                      f"{row['seconds']:>7.2f}  {'yes' if row['same_knn'] else 'NO'}")
    if args.json:
        with open(args.json, "w") as f:
            json.dump(rows, f, indent=1)


if __name__ == "__main__":
    main()
