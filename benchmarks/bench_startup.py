"""Benchmark: start-up of the command line and the package (issue 12: `servicepledge --help` <= 100 ms).

    .venv/bin/python benchmarks/bench_startup.py

Each command runs in a fresh process (median of 7), side by side with `python -c pass`, and the
sample report end to end (`servicepledge report --json` on the bundled sample, median of 3). Also
says which heavy packages `import servicepledge` and `import servicepledge.cli` load.
"""
from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ENV = {**os.environ, "PYTHONPATH": str(ROOT / "addin")}


def median(cmd: list[str], n: int) -> float:
    times = []
    for _ in range(n):
        t = time.perf_counter()
        subprocess.run([sys.executable, *cmd], env=ENV, capture_output=True, check=True)
        times.append(time.perf_counter() - t)
    return sorted(times)[n // 2]


def main() -> None:
    heavy = subprocess.run([sys.executable, "-c", "import sys, servicepledge, servicepledge.cli; print(sorted(m for m "
                            "in ('pandas', 'numpy', 'matplotlib', 'openpyxl') if m in sys.modules))"],
                           env=ENV, capture_output=True, text=True, check=True).stdout.strip()
    base = median(["-c", "pass"], 7)
    rows = [("python -c pass", base),
            ("python -c 'import servicepledge'", median(["-c", "import servicepledge"], 7)),
            ("servicepledge --help", median(["-m", "servicepledge.cli", "--help"], 7)),
            ("servicepledge report --json (sample)", median(["-m", "servicepledge.cli", "report", "--json",
                                                             "--as-of", "2026-10-31 18:00"], 3))]
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"{os.cpu_count()} cores, load average {load:.1f}; heavy packages after importing servicepledge and "
          f"servicepledge.cli: {heavy}")
    print(f"{'command':40} {'seconds':>8} {'vs python -c pass':>18}")
    for name, s in rows:
        print(f"{name:40} {s:8.3f} {s / base:17.1f}x")


if __name__ == "__main__":
    main()
