"""Soak benchmark (issue 15): memory over 200 `build_report` calls through the server's script path.

    .venv/bin/python benchmarks/bench_soak.py [CALLS] [--http]          (default 200 calls, in-process)

In-process (default): runs `servicepledge.server.scripts.build_report` as xlwings Server runs a script
(xlwings' `custom_scripts_call` with the book JSON the add-in sends for the sample workbook, the work
off-loaded as the server does, the book closed afterwards as xlwings Server's `get_book` dependency
does) CALLS times in this process, and prints this process's resident memory (RSS, /proc/PID/statm).

--http: starts the real server (`servicepledge.server.asgi:app`, one uvicorn process on 127.0.0.1) and
POSTs /xlwings/custom-scripts-call/build_report CALLS times as a finance user, printing the server
process's RSS.

Both print the RSS after 10 warm-up calls and every 20 calls, then the growth from the warm-up to the
end. Goal (issue 15): growth under 50 MB over 200 calls. Not a test: nothing is asserted.
"""
from __future__ import annotations

import asyncio
import gc
import json
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "addin"))


def rss_mb(pid: int | str = "self") -> float:
    with open(f"/proc/{pid}/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def in_process():
    """one() builds the report once in this process; returns (one, pid)."""
    from excel_helpers import AS_OF, PERIOD, book_json, server_mode
    xw = server_mode()
    from xlwings.server import custom_scripts_call

    from servicepledge.server import scripts as S
    payload = book_json()

    def one():
        book = xw.Book(json=payload)
        try:
            asyncio.run(custom_scripts_call(S, "build_report", typehint_to_value={xw.Book: book},
                                            args=[PERIOD, AS_OF]))
            actions = book.json()["actions"]
        finally:
            book.close()            # xlwings Server's get_book dependency closes every book it opened
        assert any(a["func"] == "addSheet" for a in actions)

    return one, os.getpid(), None


def over_http():
    """one() POSTs build_report to a real server process; returns (one, server pid, process)."""
    import httpx

    import server_helpers as H
    from excel_helpers import AS_OF, PERIOD, book_json
    tmp = Path(tempfile.mkdtemp(prefix="sp_soak_"))
    tokens = H.make_users(tmp / "users.json")
    proc, base = H.start({"SERVICEPLEDGE_USERS_FILE": str(tmp / "users.json")}, workers=1)
    body = json.dumps({**book_json(), "args": [PERIOD, AS_OF]}, ensure_ascii=False).encode("utf-8")
    client = httpx.Client(timeout=600)

    def one():
        r = client.post(base + "/xlwings/custom-scripts-call/build_report", content=body,
                        headers={"Content-Type": "application/json", "Authorization": tokens["finance"]})
        r.raise_for_status()
        assert any(a["func"] == "addSheet" for a in r.json()["actions"])

    return one, proc.pid, proc


def main() -> None:
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    calls = int(args[0]) if args else 200
    http = "--http" in sys.argv
    one, pid, proc = over_http() if http else in_process()
    try:
        t = time.perf_counter()
        for _ in range(10):
            one()
        gc.collect()
        base = rss_mb(pid)
        where = f"server process {pid} (HTTP, 1 uvicorn worker)" if http else "in-process"
        print(f"{where}; {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}; after 10 warm-up calls: "
              f"RSS {base:.0f} MB ({(time.perf_counter() - t) / 10:.2f} s per call)", flush=True)
        t = time.perf_counter()
        for i in range(1, calls + 1):
            one()
            if i % 20 == 0 or i == calls:
                gc.collect()
                print(f"after {i:4d} calls: RSS {rss_mb(pid):.0f} MB (+{rss_mb(pid) - base:.1f} MB), "
                      f"load average {os.getloadavg()[0]:.1f}", flush=True)
        print(f"{calls} build_report calls in {time.perf_counter() - t:.1f} s; RSS growth {rss_mb(pid) - base:.1f} MB "
              f"(goal < 50 MB)")
    finally:
        if proc is not None:
            import server_helpers as H
            H.stop(proc)


if __name__ == "__main__":
    main()
