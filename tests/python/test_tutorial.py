"""docs/tutorial.md runs as a doctest: every example executes and prints what the text shows."""

from __future__ import annotations

import doctest
from pathlib import Path

import pytest

TUTORIAL = Path(__file__).resolve().parents[2] / "docs" / "tutorial.md"


def test_tutorial_examples_run_and_print_what_they_show():
    if not TUTORIAL.exists():  # an installed copy of the tests without the source tree
        pytest.skip("docs/tutorial.md not found")
    result = doctest.testfile(str(TUTORIAL), module_relative=False, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 40
    assert result.failed == 0
