"""Soak benchmark (issue 15): memory over 200 `build_report` calls through the server's script path.

    .venv/bin/python benchmarks/bench_soak.py [CALLS]          (default 200)

Runs `servicepledge.server.scripts.build_report` as xlwings Server runs a script (xlwings'
`custom_scripts_call`, the book JSON the add-in sends for the sample workbook, the work off-loaded as
the server does), CALLS times in one process, and prints the resident memory (RSS, /proc/self/statm)
after 10 warm-up calls and every 50 calls, then the growth from the warm-up to the end.
Goal (issue 15): growth under 50 MB over 200 calls. Not a test: nothing is asserted.
"""
from __future__ import annotations

import asyncio
import gc
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "addin"))


def rss_mb() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def main() -> None:
    calls = int(sys.argv[1]) if len(sys.argv) > 1 else 200
    from excel_helpers import AS_OF, PERIOD, book_json, server_mode
    xw = server_mode()
    from xlwings.server import custom_scripts_call

    from servicepledge.server import scripts as S
    payload = book_json()

    def one():
        book = xw.Book(json=payload)
        asyncio.run(custom_scripts_call(S, "build_report", typehint_to_value={xw.Book: book},
                                        args=[PERIOD, AS_OF]))
        actions = book.json()["actions"]
        assert any(a["func"] == "addSheet" for a in actions)

    t = time.perf_counter()
    for _ in range(10):
        one()
    gc.collect()
    base = rss_mb()
    print(f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}; after 10 warm-up calls: RSS {base:.0f} MB "
          f"({(time.perf_counter() - t) / 10:.2f} s per call)", flush=True)
    t = time.perf_counter()
    for i in range(1, calls + 1):
        one()
        if i % 50 == 0 or i == calls:
            gc.collect()
            print(f"after {i:4d} calls: RSS {rss_mb():.0f} MB (+{rss_mb() - base:.1f} MB)", flush=True)
    print(f"{calls} build_report calls in {time.perf_counter() - t:.1f} s; RSS growth {rss_mb() - base:.1f} MB "
          f"(goal < 50 MB)")


if __name__ == "__main__":
    main()
