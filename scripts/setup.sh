#!/usr/bin/env bash
# Set up servicepledge in ./.venv on a fresh Debian machine with Python 3.11.
#   bash scripts/setup.sh          the add-in and its command line
#   bash scripts/setup.sh --test   plus the test tools, LibreOffice and CJK fonts for the render tests
set -euo pipefail
cd "$(dirname "$0")/.."
want_test=0
[ "${1:-}" = "--test" ] && want_test=1

PY=${PYTHON:-python3}
apt_install() {   # install Debian packages when we can (root + apt), say so when we cannot
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    [ -n "$(find /var/lib/apt/lists -maxdepth 1 -name '*Packages*' -print -quit 2>/dev/null)" ] || apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
  else
    echo "setup: please install these Debian packages: $*" >&2
    return 1
  fi
}

if ! "$PY" -c 'import sys; assert sys.version_info >= (3, 11)' 2>/dev/null; then
  echo "setup: Python 3.11 or newer is needed (found: $("$PY" --version 2>&1))" >&2; exit 1
fi
# a venv without pip is what Debian leaves behind when python3-venv is missing: make it again
if ! .venv/bin/python -m pip --version >/dev/null 2>&1; then
  rm -rf .venv
  "$PY" -m venv .venv 2>/dev/null || { rm -rf .venv; apt_install python3-venv && "$PY" -m venv .venv; }
fi
pip_install() {   # quiet unless it fails
  .venv/bin/python -m pip install -q "$@" >.venv/pip.log 2>&1 || { cat .venv/pip.log >&2; exit 1; }
}
pip_install --upgrade pip
if [ $want_test = 1 ]; then
  pip_install -e ".[test]"
  bash scripts/install-render-deps.sh || echo "setup: LibreOffice/fonts not installed; the render tests will be skipped" >&2
else
  pip_install -e ".[fast]"
fi
.venv/bin/python -c 'import servicepledge' || { echo "setup: installation failed" >&2; exit 1; }
