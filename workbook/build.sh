#!/usr/bin/env bash
# Rebuild the workbooks in this folder with the `servicepledge template` command (same bytes every time).
set -euo pipefail
cd "$(dirname "$0")"
servicepledge template -o servicepledge-template.xlsx --lang zh --force
servicepledge template -o servicepledge-template-en.xlsx --lang en --force
servicepledge template -o servicepledge-demo.xlsx --with-sample --lang zh --force
