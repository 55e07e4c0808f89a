"""Benchmark: `report.compute` alone, on already typed tables (issue 12, compute cost).

    .venv/bin/python benchmarks/bench_compute.py [--rows 100000,1000000] [--periods 2026-10,2026]
                                                 [--repeat 3] [--against OTHER/addin]

Tables, as the other benchmarks build them:
- 100,000 and fewer rows: the sample's tables with Tickets repeated to ROWS rows, typed from 2-D lists
  shaped as Office.js sends them (bench_excel.py: what the KPI sheet's SP_ functions compute on);
- more rows: bench_big.py's generated year of tickets (Parquet, read by `servicepledge report`'s reader).
Each (rows, period) is timed in a fresh process: compute once to warm up, then the median of --repeat runs,
wall and CPU seconds, with as_of 2026-10-31 18:00. With --against (another checkout's `addin` folder,
e.g. the main branch before a change) the same runs are made with that code right after, in the same
invocation, and the ratio is printed, with the load average at the start and end.
Not a test: it asserts only that both codes give the same JSON document (apart from the generated time).
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
AS_OF = "2026-10-31 18:00"

CHILD = r"""
import hashlib, json, sys, time
sys.path.insert(0, sys.argv[1])                 # this benchmarks folder (bench_excel, bench_big)
rows, period, repeat, parquet = int(sys.argv[2]), sys.argv[3], int(sys.argv[4]), sys.argv[5]
from servicepledge.inputs.tables import Issues
from servicepledge.report import compute
if parquet:
    from servicepledge.inputs.parquet import read_parquet
    wb = read_parquet(parquet)
    tables, issues, terms = wb.tables, wb.issues, None
else:
    import bench_excel as be
    from servicepledge.excel import cells
    from servicepledge.inputs.schema import TABLES
    from servicepledge.inputs.tables import empty
    base = be.sample_grids()
    typed = {n: cells.table(n, g, n) for n, g in base.items() if n not in ("Terms", "Holidays")}
    typed["Tickets"] = cells.table("Tickets", be.tickets_of(base["Tickets"], rows), "tickets")
    tables, issues, terms = {n: typed.get(n) or empty(n) for n in TABLES}, Issues(), cells.terms(base["Terms"])
run = lambda: compute(tables, issues, period=period, as_of=sys.argv[6], terms=terms)
r = run()
wall, cpu = [], []
for _ in range(repeat):
    t, c = time.perf_counter(), time.process_time()
    run()
    wall.append(time.perf_counter() - t)
    cpu.append(time.process_time() - c)
doc = dict(r.doc)
digest = hashlib.sha256(json.dumps(doc, sort_keys=True, default=str).encode()).hexdigest()
print(json.dumps({"wall": sorted(wall)[len(wall) // 2], "cpu": sorted(cpu)[len(cpu) // 2],
                  "items": len(doc["breaches"]["items"]), "digest": digest}))
"""


def child(addin: Path, rows: int, period: str, repeat: int, parquet: str) -> dict:
    env = {**os.environ, "PYTHONPATH": str(addin)}
    r = subprocess.run([sys.executable, "-c", CHILD, str(ROOT / "benchmarks"), str(rows), period, str(repeat),
                        parquet, AS_OF], capture_output=True, text=True, env=env)
    if r.returncode:
        raise SystemExit(f"failed ({addin}, {rows}, {period}): {r.stderr.strip()[-800:]}")
    return json.loads(r.stdout.strip().splitlines()[-1])


def main() -> None:
    argv = sys.argv[1:]

    def opt(name, default):
        if name in argv:
            i = argv.index(name)
            v = argv[i + 1]
            del argv[i:i + 2]
            return v
        return default
    rows = [int(x) for x in opt("--rows", "100000,1000000").split(",")]
    periods = opt("--periods", "2026-10,2026").split(",")
    repeat = int(opt("--repeat", "3"))
    against = opt("--against", None)
    trees = [("this", ROOT / "addin")] + ([("against", Path(against).resolve())] if against else [])
    tmp = Path(tempfile.mkdtemp(prefix="sp-compute-"))
    load0 = os.getloadavg()
    print(f"{os.cpu_count()} cores, load average {load0[0]:.1f} at the start; medians of {repeat} runs, seconds")
    print(f"{'rows':>10} {'period':>8} " + " ".join(f"{n + ' wall':>13} {n + ' CPU':>12}" for n, _ in trees)
          + ("   ratio (this / against)" if against else "") + "   items")
    try:
        for n in rows:
            parquet = ""
            if n > 100_000:
                sys.path.insert(0, str(ROOT / "benchmarks"))
                from bench_big import generate
                parquet = str(tmp / f"tickets-{n}.parquet")
                if not Path(parquet).exists():
                    generate(Path(parquet), n)
            for p in periods:
                got = [child(addin, n, p, repeat, parquet) for _, addin in trees]
                line = f"{n:>10,} {p:>8} " + " ".join(f"{g['wall']:13.3f} {g['cpu']:12.3f}" for g in got)
                if against:
                    line += f"   {got[0]['wall'] / got[1]['wall']:.2f}x"
                    line += "" if got[0]["digest"] == got[1]["digest"] else "   DIFFERENT DOCUMENTS"
                print(line + f"   {got[0]['items']:,}", flush=True)
    finally:
        for f in tmp.glob("*"):
            f.unlink()
        tmp.rmdir()
    print(f"load average {os.getloadavg()[0]:.1f} at the end")


if __name__ == "__main__":
    main()
