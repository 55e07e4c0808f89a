"""Benchmark: a year of tickets past Excel's row limit, from Parquet (issue 12).

    .venv/bin/python benchmarks/bench_big.py [ROWS] [--keep DIR]       (default 10,000,000 rows; needs pyarrow,
                                                                         the extra [big])

Generates ROWS tickets (opened 2026-01-01 … 2026-10-31, first response / initial solution / resolution /
follow-up, priority, complexity, quality, fee, satisfaction, 5,000 customers) into one Parquet file in row
groups of 1,000,000 (pyarrow, vectorized), then runs, each in a fresh process, side by side:

- raw read: pyarrow reads the columns the report uses into memory (`pq.read_table`), nothing else;
- report: `servicepledge report FILE --json --period 2026-10 --as-of "2026-10-31 18:00"`, end to end.

Printed: wall time, peak RSS (ru_maxrss of the child) and the ratio report / raw read, with the load average.
Not a test: it asserts only that the report's ticket count for the month is right (counted by numpy while
generating).
"""
from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GROUP = 1_000_000
COLS = ["工单编号", "受理时间", "优先级", "复杂问题", "首次响应时间", "初步方案时间", "解决时间", "质量达标", "服务费用",
        "回访时间", "满意度", "客户", "产品类型"]


def generate(path: Path, rows: int) -> int:
    """Write `rows` tickets to `path`; returns how many were opened in 2026-10 (the report's month)."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.parquet as pq
    rng = np.random.default_rng(12)
    start = np.datetime64("2026-01-01T00:00", "s").astype("int64")
    end = np.datetime64("2026-10-31T12:00", "s").astype("int64")
    october = np.datetime64("2026-10-01T00:00", "s").astype("int64")
    customers = pa.array([f"客户{k:04d}" for k in range(5000)])
    in_month = 0
    writer = None
    for g0 in range(0, rows, GROUP):
        n = min(GROUP, rows - g0)
        opened = np.sort(rng.integers(start, end, n))
        in_month += int((opened >= october).sum())
        resp = opened + rng.integers(600, 6 * 3600, n)            # 10 min … 6 h
        sol = resp + rng.integers(3600, 60 * 3600, n)
        res = sol + rng.integers(3600, 96 * 3600, n)
        fol = res + rng.integers(3600, 72 * 3600, n)

        def ts(x, blank=0.0):
            a = pa.array(x.astype("datetime64[s]").astype("datetime64[us]"))
            if blank:
                a = pc.if_else(pa.array(rng.random(n) < blank), pa.scalar(None, a.type), a)
            return a
        ids = pc.binary_join_element_wise("SR-", pc.cast(pa.array(np.arange(g0, g0 + n)), pa.string()), "")
        t = pa.table({
            "工单编号": ids,
            "受理时间": ts(opened),
            "优先级": pa.array(np.array(["P1", "P2", "P3", "P4"])[rng.integers(0, 4, n)]).dictionary_encode(),
            "复杂问题": pa.array(np.array(["是", "否"])[(rng.random(n) < 0.3).astype(int) ^ 1]).dictionary_encode(),
            "首次响应时间": ts(resp, 0.02),
            "初步方案时间": ts(sol, 0.05),
            "解决时间": ts(res, 0.1),
            "质量达标": pa.array(np.array(["达标", "不达标"])[(rng.random(n) < 0.05).astype(int)]).dictionary_encode(),
            "服务费用": pa.array(np.round(rng.uniform(200, 5000, n), 2)),
            "回访时间": ts(fol, 0.3),
            "满意度": pa.array(rng.integers(1, 6, n).astype("float64")),
            "客户": customers.take(pa.array(rng.integers(0, 5000, n))).dictionary_encode(),
            "产品类型": pa.array(np.array(["空调", "冷柜", "热泵"])[rng.integers(0, 3, n)]).dictionary_encode(),
        })
        if writer is None:
            writer = pq.ParquetWriter(path, t.schema)
        writer.write_table(t, row_group_size=GROUP)
    writer.close()
    return in_month


RAW = """
import sys, pyarrow.parquet as pq
t = pq.read_table(sys.argv[1], columns=sys.argv[2].split(","))
print(t.num_rows)
"""


def child(args: list) -> tuple[float, float, str]:
    """(seconds, peak RSS MB, stdout) of one fresh process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    t = time.perf_counter()
    r = subprocess.run([sys.executable, *args], capture_output=True, text=True,
                       env={**os.environ, "PYTHONPATH": os.pathsep.join(
                           [str(ROOT / "addin"), *filter(None, [os.environ.get("PYTHONPATH")])])})
    dt = time.perf_counter() - t
    if r.returncode:
        raise SystemExit(f"failed: {args[:3]}: {r.stderr.strip()[-500:]}")
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss    # the largest child so far (KB)
    return dt, peak / 1024 if peak > before else float("nan"), r.stdout


def main() -> None:
    argv = sys.argv[1:]
    keep = None
    if "--keep" in argv:
        i = argv.index("--keep")
        keep = Path(argv[i + 1])
        del argv[i:i + 2]
    rows = int(argv[0]) if argv else 10_000_000
    d = keep or Path(tempfile.mkdtemp(prefix="sp-big-"))
    d.mkdir(parents=True, exist_ok=True)
    f = d / "tickets.parquet"
    t = time.perf_counter()
    in_month = generate(f, rows)
    print(f"generated {rows:,} tickets ({in_month:,} in 2026-10) in {time.perf_counter() - t:.1f} s: "
          f"{f.stat().st_size / 2**20:.0f} MB Parquet", flush=True)
    load = os.getloadavg()[0]
    # the raw read first (smaller peak), so the report's ru_maxrss is its own
    raw_s, raw_mb, _ = child(["-c", RAW, str(f), ",".join(COLS)])
    rep_s, rep_mb, out = child(["-m", "servicepledge.cli", "report", str(f), "--json", "--period", "2026-10",
                                "--as-of", "2026-10-31 18:00"])
    doc = json.loads(out)
    got = doc["response"]["total"]
    assert got == in_month or got <= in_month, (got, in_month)
    print(f"{os.cpu_count()} cores, load average {load:.1f} (at start), {os.getloadavg()[0]:.1f} (at end)")
    print(f"{'':34} {'seconds':>9} {'peak RSS MB':>12}")
    print(f"{'raw read (pyarrow, used columns)':34} {raw_s:9.2f} {raw_mb:12.0f}")
    print(f"{'report --json (end to end)':34} {rep_s:9.2f} {rep_mb:12.0f}   {rep_s / raw_s:.1f}x the raw read")
    print(f"month 2026-10: {got:,} tickets in the response figure (generated: {in_month:,}); "
          f"compliance {doc['response']['compliance']}")
    if keep is None:
        f.unlink()
        d.rmdir()


if __name__ == "__main__":
    main()
