#!/usr/bin/env bash
# Regenerate the reviewed reference pages of the visual check (tests/visual/*.png, tests/test_visual.py):
# the sample report (zh, en: dashboard 1-2, breach register, fund disclosure, data issues) and the input
# template (zh, en: instructions, KPI sheet), LibreOffice -> PDF -> grayscale PNG at 40 dpi.
#   bash scripts/update-visual-refs.sh            (needs LibreOffice, poppler-utils, Noto CJK and Carlito:
#                                                  scripts/install-render-deps.sh)
# Run it after a change that is meant to move pages (e.g. after merging branches), LOOK at every PNG it
# lists, and commit them with the change. Fonts matter: render on a machine set up by install-render-deps.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-.venv/bin/python}
[ -x "$PY" ] || PY=python3
PYTHONPATH="$PWD/addin${PYTHONPATH:+:$PYTHONPATH}" "$PY" tests/visual_pages.py --update "$@"
