"""The released wheel, as a user receives it: built once per test run from a copy of the source.

CPython: `pip wheel --no-deps` on a copy of pyproject.toml, README.md, MANIFEST.in, CHANGELOG.md and
addin/ in a temporary folder (never writes into the repository); offline with --no-build-isolation when
setuptools >= 77 is installed (the test extra), else pip fetches the build backend.
Pyodide (no subprocess): the lane's script builds it and names it in SERVICEPLEDGE_TEST_WHEEL.
"""
from __future__ import annotations

import functools
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
ENV_VAR = "SERVICEPLEDGE_TEST_WHEEL"


def _setuptools_ok() -> bool:
    try:
        import setuptools
    except ImportError:
        return False
    return int(setuptools.__version__.split(".")[0]) >= 77


@functools.lru_cache(maxsize=1)
def _build() -> Path:
    src = Path(tempfile.mkdtemp(prefix="servicepledge-src-"))
    for name in ("pyproject.toml", "README.md", "MANIFEST.in", "CHANGELOG.md"):
        if (ROOT / name).exists():
            shutil.copy2(ROOT / name, src / name)
    shutil.copytree(ROOT / "addin", src / "addin", ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
    shutil.copytree(ROOT / "scripts", src / "scripts")
    out = src / "dist"
    cmd = [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-cache-dir", "-q", "-w", str(out), str(src)]
    if _setuptools_ok():
        cmd.insert(4, "--no-build-isolation")
    run = subprocess.run(cmd, capture_output=True, text=True, timeout=900)
    assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-2000:]
    (wheel,) = out.glob("servicepledge-*-py3-none-any.whl")
    return wheel


def built_wheel() -> Path:
    """Path of servicepledge-X-py3-none-any.whl for this source tree."""
    given = os.environ.get(ENV_VAR)
    if given:
        return Path(given)
    if sys.platform == "emscripten":
        pytest.skip(f"no subprocess in Pyodide to build the wheel; the lane passes one in {ENV_VAR}")
    return _build()
