#!/usr/bin/env bash
# Start servicepledge on xlwings Server locally from this checkout (a trial; production: docs/SERVER.md).
#   XLWINGS_LICENSE_KEY=<key> bash scripts/server.sh [--port 8000] [--workers 2] [--anonymous]
set -euo pipefail
cd "$(dirname "$0")/.."
export PYTHONPATH="$PWD/addin${PYTHONPATH:+:$PYTHONPATH}"
PY="${PYTHON:-python}"
exec "$PY" -m servicepledge.cli serve "$@"
