"""Load benchmark of the servicepledge server (loopback only, bounded; not a test: nothing is asserted).

    python benchmarks/bench_server.py                       # the xlwings Server app, 2 workers
    python benchmarks/bench_server.py --workers 1 --no-cache
    python benchmarks/bench_server.py --old /tmp/oldapp     # the former hand-made app (its folder)

Starts the server on 127.0.0.1 (a free port), then:
1. one SP_KPIS call with the sample's tables (the reference result, and its time alone);
2. CLIENTS concurrent clients x CALLS SP_KPIS calls each (default 20 x 20), as the add-in sends them:
   requests/s, p50/p95 latency, errors, and whether every result equals the reference;
3. with --long ROWS: SP_HOURS over ROWS rows in the background while the metadata URL is fetched
   every 0.25 s: the worst delay of those fetches.
Goal (issue 15): p95 under 1 s and >= 10 requests/s on a 2-core machine; metadata delay under 0.2 s.
Each client signs in as its own user (20 tokens), so the per-user result cache cannot share results
between clients; --no-cache turns the caches off (SERVICEPLEDGE_RESULT_CACHE_MB=0 and SERVICEPLEDGE_CACHE_MB=0).
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "addin"))

import httpx  # noqa: E402
import server_helpers as H  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--clients", type=int, default=20)
    ap.add_argument("--calls", type=int, default=20)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--no-cache", action="store_true")
    ap.add_argument("--old", default=None, help="folder of the former app.py (hand-made FastAPI app)")
    ap.add_argument("--long", type=int, default=0, help="rows of the background SP_HOURS call (0 = skip)")
    ap.add_argument("--timeout", type=float, default=120.0, help="per request, seconds")
    ap.add_argument("--only-long", action="store_true", help="skip the load part (with --long)")
    a = ap.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="sp_bench_"))
    from servicepledge.server.tokens import add_user
    tokens = [add_user(tmp / "users.json", f"u{i}", f"user {i}", ["manager"]) for i in range(a.clients)]
    env = {"SERVICEPLEDGE_USERS_FILE": str(tmp / "users.json"),
           "SERVICEPLEDGE_RESULT_CACHE_MB": "0" if a.no_cache else "64",
           **({"SERVICEPLEDGE_CACHE_MB": "0"} if a.no_cache else {})}
    if a.old:
        proc, base = H.start(env, workers=a.workers, app="app:app", app_dir=a.old)
    else:
        proc, base = H.start(env, workers=a.workers)
    url = base + "/xlwings/custom-functions-call"
    body = H.kpis_body()
    try:
        def post(client, token):
            return client.post(url, content=body, headers={"Content-Type": "application/json",
                                                           "Authorization": token}, timeout=a.timeout)

        with httpx.Client() as c:
            t = time.perf_counter()
            ref = post(c, tokens[0])
            alone = time.perf_counter() - t
        ref.raise_for_status()
        ref_json = ref.json()
        lat, errors, diffs = [], [], 0
        lock = threading.Lock()

        def client(i):
            nonlocal diffs
            with httpx.Client() as c:
                for _ in range(a.calls):
                    t0 = time.perf_counter()
                    try:
                        r = post(c, tokens[i])
                        ok = r.status_code == 200
                        same = ok and r.json() == ref_json
                    except httpx.HTTPError as e:
                        ok, same, r = False, False, e
                    dt = time.perf_counter() - t0
                    with lock:
                        lat.append(dt)
                        if not ok:
                            errors.append(getattr(r, "status_code", str(r)))
                        elif not same:
                            diffs += 1

        out = {"app": "old hand-made FastAPI" if a.old else "xlwings Server (servicepledge.server.asgi)",
               "workers": a.workers, "cache": not a.no_cache, "single_call_s": round(alone, 3),
               "load_average_1min": round(os.getloadavg()[0], 1)}
        if a.only_long:
            out.update(long_call(base, url, tokens[0], a.long, a.timeout))
            print(json.dumps(out, ensure_ascii=False, indent=1))
            return 0
        threads = [threading.Thread(target=client, args=(i,)) for i in range(a.clients)]
        t0, cpu0 = time.perf_counter(), server_cpu_s(proc.pid)
        for th in threads:
            th.start()
        for th in threads:
            th.join()
        wall, cpu = time.perf_counter() - t0, server_cpu_s(proc.pid) - cpu0
        lat.sort()
        out.update({"server_cpu_ms_per_request": round(1000 * cpu / max(1, len(lat)), 1), "requests": len(lat), "wall_s": round(wall, 2), "requests_per_s": round(len(lat) / wall, 2),
               "p50_s": round(statistics.median(lat), 3), "p95_s": round(lat[int(0.95 * (len(lat) - 1))], 3),
               "errors": len(errors), "error_codes": sorted(set(map(str, errors)))[:5],
               "results_differing_from_single_call": diffs})
        if a.long:
            out.update(long_call(base, url, tokens[0], a.long, a.timeout))
        print(json.dumps(out, ensure_ascii=False, indent=1))
    finally:
        H.stop(proc)
    return 0


def server_cpu_s(pid: int) -> float:
    """CPU seconds (user + system) used so far by the server process and its worker processes (Linux /proc);
    per request it measures the server's work independently of what else the machine is doing."""
    total, todo = 0.0, [pid]
    tick = os.sysconf("SC_CLK_TCK")
    while todo:
        p = todo.pop()
        try:
            fields = open(f"/proc/{p}/stat").read().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / tick
            for task in os.listdir(f"/proc/{p}/task"):
                todo += [int(c) for c in open(f"/proc/{p}/task/{task}/children").read().split()]
        except (OSError, ValueError, IndexError):
            continue
    return total


def hours_body(rows: int) -> bytes:
    """SP_HOURS(start, end) over `rows` rows as Office.js sends them: date-time serials with Excel's full
    precision (e.g. 46300.42824074074), each cell a one-element row."""
    start = [[46300.0 + (i * 37 % 100003) / 86400.0] for i in range(rows)]
    end = [[s[0] + (i % 997) / 1440.0] for i, s in enumerate(start)]
    return json.dumps(H.call_data("SP_HOURS", [start, end, None])).encode()


def long_call(base, url, token, rows, timeout) -> dict:
    """SP_HOURS over `rows` rows in the background; the worst delay of metadata fetches meanwhile, each on a
    new connection (another colleague's Excel)."""
    body = hours_body(rows)
    done = {}
    quiet = []                                      # the same fetches with nothing else running: the baseline
    for _ in range(30):
        t = time.perf_counter()
        httpx.get(base + "/xlwings/custom-functions-meta", timeout=timeout)
        quiet.append(time.perf_counter() - t)
        time.sleep(0.1)
    quiet.sort()

    def bg():
        t = time.perf_counter()
        r = httpx.post(url, content=body, headers={"Content-Type": "application/json", "Authorization": token},
                       timeout=timeout)
        done["s"], done["status"] = time.perf_counter() - t, r.status_code

    th = threading.Thread(target=bg)
    th.start()
    time.sleep(0.5)
    delays = []
    while th.is_alive() and len(delays) < 2000:
        t = time.perf_counter()
        httpx.get(base + "/xlwings/custom-functions-meta", timeout=timeout)
        delays.append(time.perf_counter() - t)
        time.sleep(0.1)
    th.join(timeout)
    delays.sort()
    return {"long_rows": rows, "long_body_mb": round(len(body) / 2**20, 1),
            "long_call_s": round(done.get("s", float("nan")), 2), "long_status": done.get("status"),
            "metadata_alone_p50_s": round(statistics.median(quiet), 3), "metadata_alone_worst_s": round(quiet[-1], 3),
            "metadata_fetches": len(delays), "metadata_p50_s": round(statistics.median(delays), 3) if delays else None,
            "metadata_worst_s": round(delays[-1], 3) if delays else None}


if __name__ == "__main__":
    sys.exit(main())
