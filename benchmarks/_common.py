"""What the benchmark scripts share: timing, band sizes, the accelerometer recordings, the report
header, peers compiled in a temporary folder, and the JSON rows.

The scripts run as `python benchmarks/bench_x.py`, which puts this folder first on sys.path, so
they import this module as `_common`.
"""

from __future__ import annotations

import json
import platform
import subprocess
import tempfile
import time
from dataclasses import asdict
from pathlib import Path
from typing import Callable, Optional

import numpy as np

import incdtw

# the accelerometer recordings (<name>.json) next to the repository; never committed
DATA_DIR = Path(__file__).resolve().parents[1].parent / "shared" / "data"


def best_time(fn: Callable[[], object], repeat: int) -> tuple[float, object]:
    """The best wall time of `repeat` calls after one warm-up call, and the last call's result."""
    result = fn()  # warm-up
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - t0)
    return best, result


def band_cells(n: int, m: int, ws: Optional[int]) -> int:
    """Cells of an n x m matrix in the Sakoe-Chiba band |i - j| <= ws (all of them when ws is None)."""
    if ws is None:
        return n * m
    i = np.arange(n)
    return int((np.minimum(m - 1, i + ws) - np.maximum(0, i - ws) + 1).clip(min=0).sum())


def geomean(values: list[float]) -> float:
    """The geometric mean of positive values; nan for none."""
    return float(np.exp(np.mean(np.log(values)))) if values else float("nan")


def recordings(name: str, data_dir: Path = DATA_DIR) -> Optional[list[np.ndarray]]:
    """The (length, 3) float64 recordings of data_dir/<name>.json, or None when the file is absent."""
    path = data_dir / f"{name}.json"
    if not path.exists():
        return None
    with open(path, encoding="utf-8") as f:
        return [np.asarray(m, dtype=np.float64) for m in json.load(f)["series"]]


def versions(simd: bool = True) -> str:
    """'incdtw V [level], numpy V, python V' for a report's first line (without the level if not simd)."""
    level = f" [{incdtw.simd_level()}]" if simd else ""
    return f"incdtw {incdtw.__version__}{level}, numpy {np.__version__}, python {platform.python_version()}"


def cpu_model() -> str:
    """The CPU's model name from lscpu, else /proc/cpuinfo, else platform.processor()."""
    try:
        out = subprocess.run(["lscpu"], capture_output=True, text=True).stdout
        for line in out.splitlines():
            if line.startswith("Model name:"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def git_rev(checkout: Path) -> str:
    """The short commit of a peer's checkout, or '?' when git cannot tell."""
    got = subprocess.run(["git", "-C", str(checkout), "rev-parse", "--short", "HEAD"], capture_output=True, text=True)
    return got.stdout.strip() if got.returncode == 0 else "?"


class PeerBuild:
    """A temporary folder (`dir`) in which a peer's program is compiled; close() removes it."""

    def __init__(self, prefix: str):
        self.tmp = tempfile.TemporaryDirectory(prefix=prefix)
        self.dir = Path(self.tmp.name)

    def compile(self, command: list[str], what: str) -> None:
        """Runs `command` and keeps it and its seconds (build_s); on failure removes the folder and
        stops with the compiler's messages."""
        self.command = command
        t0 = time.perf_counter()
        done = subprocess.run(command, capture_output=True, text=True)
        if done.returncode != 0:
            self.close()
            raise SystemExit(f"building {what} failed:\n{' '.join(command)}\n{done.stderr}")
        self.build_s = time.perf_counter() - t0

    def close(self) -> None:
        self.tmp.cleanup()


def write_rows(path: Optional[str], rows: list, *properties: str) -> None:
    """--json: the dataclass rows as a list of objects, their fields then the named properties;
    nothing without a path."""
    if not path:
        return
    with open(path, "w", encoding="utf-8") as f:
        json.dump([dict(asdict(r), **{p: getattr(r, p) for p in properties}) for r in rows], f, indent=1)
