"""Progress bars for long computations (``progress=True``): tqdm when it is installed, otherwise a
plain counter on stderr. The work is done in blocks whose results are assembled exactly, so a
bar never changes a result."""

from __future__ import annotations

import sys
from typing import Any, Optional


class Progress:
    """A context manager with ``update(n)``: ``total`` units of work, labelled ``desc``."""

    def __init__(self, total: int, desc: str, enabled: bool = True, unit: str = "cells") -> None:
        self.total = max(int(total), 1)
        self.desc = desc
        self.unit = unit
        self.enabled = enabled
        self.done = 0
        self._bar: Optional[Any] = None

    def __enter__(self) -> "Progress":
        if self.enabled:
            try:
                from tqdm.auto import tqdm

                self._bar = tqdm(total=self.total, desc=self.desc, unit=self.unit, unit_scale=True, leave=False)
            except ImportError:
                self._bar = None
        return self

    def set_total(self, total: int) -> None:
        """The total once it is known exactly."""
        self.total = max(int(total), 1)
        if self._bar is not None:
            self._bar.total = self.total
            self._bar.refresh()

    def update(self, n: int) -> None:
        if not self.enabled:
            return
        self.done += int(n)
        if self._bar is not None:
            self._bar.update(int(n))
        else:
            sys.stderr.write(f"\r{self.desc}: {100 * self.done // self.total:3d} %")
            sys.stderr.flush()

    def __exit__(self, *exc: object) -> None:
        if not self.enabled:
            return
        if self._bar is not None:
            self._bar.close()
        else:
            sys.stderr.write("\n")
            sys.stderr.flush()


def row_blocks(cells_per_row: list[float], pieces: int = 50) -> list[tuple[int, int]]:
    """Consecutive row ranges ``(start, stop)`` of about equal work (``pieces`` of them at most)."""
    total = float(sum(cells_per_row)) or 1.0
    blocks, start, acc = [], 0, 0.0
    for i, cells in enumerate(cells_per_row):
        acc += cells
        if acc >= total / pieces:
            blocks.append((start, i + 1))
            start, acc = i + 1, 0.0
    if start < len(cells_per_row):
        blocks.append((start, len(cells_per_row)))
    return blocks
