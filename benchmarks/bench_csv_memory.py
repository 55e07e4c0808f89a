"""Peak memory of reading a big CSV export (run on demand: `python benchmarks/bench_csv_memory.py [MB]`; not a test).

Writes a UTF-8 tickets CSV of about MB megabytes (default 200) as a ticketing export would (Chinese headers,
ISO date-times, text ids, a customer and an engineer name), then in a fresh process per stage measures the
peak resident memory (ru_maxrss) of:
  (1) csvfile.read_csv alone (bytes -> text -> raw string cells),
  (2) sources.read_inputs (the cells typed into the Tickets table: dates, numbers, ids).
The figures are stated in the README (CSV input: limit and memory).
"""
from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

ADDIN = str(Path(__file__).resolve().parents[1] / "addin")


def write(path: Path, mb: int) -> int:
    rng = np.random.default_rng(1)
    header = "工单编号,受理时间,优先级,首次响应时间,初步方案时间,解决时间,客户,工程师,服务费用\n"
    with open(path, "w", encoding="utf-8", newline="") as f:
        f.write(header)
        n, size = 0, len(header.encode())
        base = np.datetime64("2026-01-01T00:00", "m")
        while size < mb * 1024**2:
            k = 100_000
            t0 = base + rng.integers(0, 365 * 1440, k).astype("m8[m]")
            t1 = t0 + rng.integers(1, 600, k).astype("m8[m]")
            t2 = t1 + rng.integers(1, 6000, k).astype("m8[m]")
            t3 = t2 + rng.integers(1, 6000, k).astype("m8[m]")
            fmt = lambda a: np.datetime_as_string(a, unit="m").astype(object)    # noqa: E731
            s0, s1, s2, s3 = (np.char.replace(fmt(x).astype(str), "T", " ") for x in (t0, t1, t2, t3))
            pri = np.array(["紧急", "高", "中", "低"])[rng.integers(0, 4, k)]
            fee = rng.integers(100, 100000, k) / 100
            lines = [f"SR-{n + i:08d},{s0[i]},{pri[i]},{s1[i]},{s2[i]},{s3[i]},客户{i % 5000}有限公司,工程师{i % 300},"
                     f"{fee[i]:.2f}\n" for i in range(k)]
            chunk = "".join(lines)
            f.write(chunk)
            size += len(chunk.encode())
            n += k
    return n


STAGE = r'''
import resource, sys, time
sys.path.insert(0, {addin!r})
from servicepledge.inputs import csvfile
from servicepledge.inputs.sources import read_inputs
t = time.perf_counter()
if {stage!r} == "read_csv":
    c = csvfile.read_csv({path!r})
    rows = len(c.rows)
else:
    wb = read_inputs([{path!r}], table="Tickets")
    rows = len(wb.tables["Tickets"].df)
print(rows, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, time.perf_counter() - t)
'''


def main() -> None:
    mb = int(sys.argv[1]) if len(sys.argv) > 1 else 200
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "Tickets.csv"
        n = write(path, mb)
        size = path.stat().st_size / 1024**2
        print(f"{size:,.0f} MiB CSV, {n:,} rows, 9 columns (UTF-8, Chinese text, ISO date-times)")
        base = subprocess.run([sys.executable, "-c", "import resource, sys; sys.path.insert(0, %r); "
                               "import servicepledge.inputs.sources; "
                               "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)" % ADDIN],
                              capture_output=True, text=True, check=True)
        print(f"    after importing the package: {float(base.stdout):,.0f} MiB")
        for stage in ("read_csv", "read_inputs"):
            out = subprocess.run([sys.executable, "-c", STAGE.format(addin=ADDIN, stage=stage, path=str(path))],
                                 capture_output=True, text=True)
            if out.returncode:
                print(f"    {stage}: failed: {out.stderr.strip().splitlines()[-1]}")
                continue
            rows, peak, secs = out.stdout.split()
            print(f"    {stage:12s} peak RSS {float(peak):8,.0f} MiB ({float(peak) / size:.1f}x the file), "
                  f"{float(secs):.1f} s, {int(rows):,} rows")


if __name__ == "__main__":
    main()
