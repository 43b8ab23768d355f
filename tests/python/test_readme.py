"""The README's Python examples run as written."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

README = Path(__file__).resolve().parents[2] / "README.md"


def test_readme_python_examples_run():
    if not README.exists():  # an installed copy of the tests without the source tree
        pytest.skip("README.md not found")
    blocks = re.findall(r"```python\n(.*?)```", README.read_text(encoding="utf-8"), flags=re.S)
    assert len(blocks) >= 2
    namespace: dict = {}
    for block in blocks:  # later blocks use the names of earlier ones
        exec(compile(block, str(README), "exec"), namespace)
    p = namespace["p"]
    assert p.control["nQ"] == 1003 and p.control["nC"] < 4999  # grown Q, C cut by the decrement
