#!/usr/bin/env bash
# Release check: build the sdist and the wheel into dist/ and check them as PyPI would (twine check --strict).
#   bash scripts/release-check.sh        (needs: pip install -e ".[release]"; `python -m build` fetches
#                                         setuptools into an isolated build environment)
# Prints the wheel's size and what it bundles. Upload is a separate, deliberate step:
#   python -m twine upload dist/*
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-.venv/bin/python}
[ -x "$PY" ] || PY=python3
rm -rf dist build addin/*.egg-info
"$PY" -m build --outdir dist . >dist.log 2>&1 || { cat dist.log >&2; rm -f dist.log; exit 1; }
rm -f dist.log
"$PY" -m twine check --strict dist/*
"$PY" - <<'PY'
import glob, os, zipfile
whl = glob.glob("dist/*.whl")[0]
names = zipfile.ZipFile(whl).namelist()
fonts = [n for n in names if n.startswith("servicepledge/data/fonts/")]
print(f"{os.path.basename(whl)}: {os.path.getsize(whl) / 1e6:.2f} MB, {sum(n.endswith('.py') for n in names)} modules,"
      f" {len(fonts)} font files ({', '.join(os.path.basename(n) for n in fonts)})")
for sd in glob.glob("dist/*.tar.gz"):
    print(f"{os.path.basename(sd)}: {os.path.getsize(sd) / 1e6:.2f} MB")
PY
