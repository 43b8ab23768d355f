"""The error type of the command line: a CLIError is reported by ``incdtw.cli.main`` as
``incdtw: error: <message>`` on stderr with exit code 2."""

from __future__ import annotations


class CLIError(Exception):
    """An error reported as ``incdtw: error: <message>`` with exit code 2."""
