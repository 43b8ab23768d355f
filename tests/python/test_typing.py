"""Typing: the package is typed (py.typed and _core.pyi are installed), ``mypy --strict`` passes on
python/incdtw, and python/incdtw/_core.pyi matches the extension module (``mypy.stubtest`` for
names and kinds; pybind11's docstring signatures for parameters, which stubtest cannot read).

The mypy runs are independent of the SIMD level that conftest.py's session fixture sets for every
test, so each runs once per session and its result is reused by the reruns."""

from __future__ import annotations

import ast
import functools
import importlib.resources
import inspect
import subprocess
import sys
from pathlib import Path
from typing import Any, Optional

import numpy as np
import pytest

from incdtw import _core

ROOT = Path(__file__).resolve().parents[2]
STUB = ROOT / "python" / "incdtw" / "_core.pyi"
ALLOWLIST = Path(__file__).parent / "stubtest_allowlist.txt"

needs_source = pytest.mark.skipif(
    not (ROOT / "pyproject.toml").is_file() or not STUB.is_file(), reason="needs the source tree (python/incdtw)"
)


def _has_mypy() -> bool:
    try:
        import mypy  # noqa: F401
    except ImportError:
        return False
    return True


needs_mypy = pytest.mark.skipif(not _has_mypy(), reason="mypy is not installed (pip install incdtw[test])")

# numpy's stubs give ndarray's type parameters defaults from 2.3 on; before, every bare np.ndarray
# annotation of the package is an error under --strict (2.0.2 and 2.2.6: 148 errors)
needs_numpy_2_3 = pytest.mark.skipif(
    tuple(int(p) for p in np.__version__.split(".")[:2]) < (2, 3),
    reason=f"numpy {np.__version__} < 2.3: its stubs make every bare np.ndarray an error under mypy --strict",
)


@functools.lru_cache(maxsize=None)
def _run(*args: str) -> subprocess.CompletedProcess[str]:
    """``python -m <args>`` from the project root (where pyproject.toml's [tool.mypy] applies)."""
    return subprocess.run([sys.executable, "-m", *args], cwd=ROOT, capture_output=True, text=True, timeout=600)


@needs_source
@needs_mypy
@needs_numpy_2_3
def test_mypy_strict():
    # the files, strict and the overrides: [tool.mypy] in pyproject.toml; a cache of its own (stubtest's
    # is .mypy_cache: sharing one, each would invalidate the other's)
    proc = _run("mypy", "--strict", "--cache-dir", str(ROOT / "build" / "mypy-cache"))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "Success: no issues found" in proc.stdout


@needs_source
@needs_mypy
@needs_numpy_2_3
def test_stubtest():
    proc = _run("mypy.stubtest", "incdtw._core", "--mypy-config-file", "pyproject.toml", "--allowlist",
                str(ALLOWLIST))
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_installed_package_is_typed():
    files = importlib.resources.files("incdtw")
    assert files.joinpath("py.typed").is_file()
    assert files.joinpath("_core.pyi").is_file()


# -- the stub's signatures against pybind11's ---------------------------------------------------


def _params(fn: ast.FunctionDef) -> list[tuple[str, str, Optional[str]]]:
    """(name, kind, default) per parameter; default is the source of the default, '...' for a stub's
    unspecified one, None for none."""
    a = fn.args
    out: list[tuple[str, str, Optional[str]]] = []
    positional = a.posonlyargs + a.args
    defaults: list[Optional[ast.expr]] = [None] * (len(positional) - len(a.defaults)) + list(a.defaults)
    for i, (p, d) in enumerate(zip(positional, defaults)):
        out.append((p.arg, "positional-only" if i < len(a.posonlyargs) else "positional", _src(d)))
    assert a.vararg is None and a.kwarg is None, fn.name
    for p, d in zip(a.kwonlyargs, a.kw_defaults):
        out.append((p.arg, "keyword-only", _src(d)))
    return out


def _src(d: Optional[ast.expr]) -> Optional[str]:
    return None if d is None else ast.unparse(d)


def _runtime_signatures(obj: Any) -> list[ast.FunctionDef]:
    """The signatures pybind11 writes at the top of a function's docstring."""
    doc = inspect.getdoc(obj) or ""
    first = doc.splitlines()[0] if doc else ""
    assert first and first != "Overloaded function.", f"{obj!r}: no single signature in the docstring"
    fn = ast.parse(f"def {first}: pass").body[0]
    assert isinstance(fn, ast.FunctionDef)
    return [fn]


def _stub_definitions() -> dict[str, list[ast.FunctionDef]]:
    """Every function and method of the stub by qualified name ('dtw', 'Plane64.increment'); the
    overloads of a name together; properties left out."""
    tree = ast.parse(STUB.read_text(encoding="utf-8"))
    out: dict[str, list[ast.FunctionDef]] = {}

    def add(prefix: str, body: list[ast.stmt]) -> None:
        for node in body:
            if isinstance(node, ast.FunctionDef):
                decorators = {ast.unparse(d) for d in node.decorator_list}
                if "property" not in decorators:
                    out.setdefault(prefix + node.name, []).append(node)
            elif isinstance(node, ast.ClassDef) and not node.name.startswith("_"):
                add(node.name + ".", node.body)

    add("", tree.body)
    return out


def _runtime_callables() -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name, obj in vars(_core).items():
        if name.startswith("_"):
            continue
        if isinstance(obj, type):
            for attr, member in vars(obj).items():
                if attr == "__init__" or not attr.startswith("_"):
                    if not isinstance(member, property):
                        out[f"{name}.{attr}"] = getattr(obj, attr)
        elif callable(obj):
            out[name] = obj
    return out


@needs_source
def test_stub_signatures_match_pybind11():
    stub = _stub_definitions()
    runtime = _runtime_callables()
    assert sorted(stub) == sorted(runtime)
    for name, obj in runtime.items():
        (expected,) = _runtime_signatures(obj)
        want = _params(expected)
        for fn in stub[name]:
            got = _params(fn)
            assert [(n, k) for n, k, _ in got] == [(n, k) for n, k, _ in want], name
            for (param, _, d_stub), (_, _, d_runtime) in zip(got, want):
                assert (d_stub is None) == (d_runtime is None), f"{name}({param}): default {d_stub} vs {d_runtime}"
                if d_stub not in (None, "..."):
                    assert d_stub == d_runtime, f"{name}({param}): default {d_stub} vs {d_runtime}"


@needs_source
def test_stub_properties_match():
    tree = ast.parse(STUB.read_text(encoding="utf-8"))
    for cls in (n for n in tree.body if isinstance(n, ast.ClassDef) and not n.name.startswith("_")):
        stub_props = {
            f.name for f in cls.body
            if isinstance(f, ast.FunctionDef) and "property" in {ast.unparse(d) for d in f.decorator_list}
        }
        runtime_cls = getattr(_core, cls.name)
        runtime_props = {k for k, v in vars(runtime_cls).items() if isinstance(v, property)}
        assert stub_props == runtime_props, cls.name
