"""Benchmark: read and type a 400,000-row Tickets sheet (issue 5: well under 30 s and 2 GB; issue 12: within
1.2x python-calamine's own read into lists; `report --json` end to end within 1.3x).

    .venv/bin/python benchmarks/bench_read.py [ROWS] [--mixed] [--baseline ADDIN_DIR] [--openpyxl] [--repeat N]

`--mixed`: the same sheet with one mixed column (服务费用: '待定' typed among the numbers, once in 40,000
rows), cached as /tmp/servicepledge-bench-ROWS-mixed.xlsx; the reader's own cell-by-cell path (python-calamine,
as before fastexcel) is measured beside it. `--baseline DIR`: the servicepledge reader of another tree too
(e.g. a checkout of main: `--baseline /work/main/addin`), side by side in the same run.

Builds the workbook once (cached in /tmp), then reads it in a fresh process per reader, N times (default 3)
with the readers interleaved, and reports the medians of wall time and of CPU time (user + system of the
child: what the reader itself costs when other work shares the cores) and the peak resident memory
(ru_maxrss), side by side with the ratios to the raw calamine read:
the full servicepledge reader (fastexcel when installed, else python-calamine; + typing + checks),
`servicepledge report --json` end to end (read, compute, JSON to /dev/null), the raw calamine cell dump into
Python lists (the reference the goals name), fastexcel's own raw read of the sheet to Arrow (a second
reference), and (with --openpyxl, slow: minutes at 400k) openpyxl's read_only dump.
"""
import datetime as dt
import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

_ARGV = sys.argv[1:]
_ARGS = [a for i, a in enumerate(_ARGV) if not a.startswith("--") and (i == 0 or _ARGV[i - 1] not in ("--repeat", "--baseline"))]
ROWS = int(_ARGS[0]) if _ARGS else 400_000
MIXED = "--mixed" in sys.argv
PATH = Path(f"/tmp/servicepledge-bench-{ROWS}{'-mixed' if MIXED else ''}.xlsx")
HEAD = ["工单编号", "受理时间", "优先级", "复杂问题", "首次响应时间", "初步方案时间", "解决时间", "质量达标",
        "服务费用", "回访时间", "满意度", "客户", "联系电话", "产品类型", "工程师"]


def build():
    from openpyxl import Workbook
    rng = np.random.default_rng(1)
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("服务工单")
    ws.append(HEAD)
    t0 = dt.datetime(2025, 1, 1)
    opened = rng.integers(0, 365 * 86400, ROWS)
    resp = rng.exponential(3600, ROWS).astype(int)
    for i in range(ROWS):
        o = t0 + dt.timedelta(seconds=int(opened[i]))
        fee = "待定" if MIXED and i % 40_000 == 39_999 else 200 + i % 700    # --mixed: text among numbers
        ws.append([f"SR-{i:07d}", o, ["P1", "P2", "紧急", "低"][i % 4], "是" if i % 5 == 0 else "否",
                   o + dt.timedelta(seconds=int(resp[i])), None, o + dt.timedelta(hours=30), "是", fee,
                   None, 1 + i % 5, "北京华信科技有限公司", "13812345678", "硬件设备", "张伟"])
    part = PATH.with_name(PATH.name + ".part")          # never a half-written cache
    wb.save(part)
    part.replace(PATH)


CHILD = {
    "servicepledge": "from servicepledge.inputs.reader import read_workbook; w = read_workbook(P); n = len(w['Tickets'].df)",
    "servicepledge cell by cell": "from servicepledge.inputs import fastsheet, reader; fastsheet.available = lambda: False; "
                                  "w = reader.read_workbook(P); n = len(w['Tickets'].df)",
    "servicepledge (baseline)": "from servicepledge.inputs.reader import read_workbook; w = read_workbook(P); n = len(w['Tickets'].df)",
    "report --json (end to end)": "import sys; from servicepledge.cli import main; sys.stdout = open('/dev/null', 'w'); "
                                  "main(['report', P, '--json', '--as-of', '2026-10-31 18:00']); "
                                  "sys.stdout = sys.__stdout__; n = -1",
    "calamine raw": "import python_calamine as pc; n = len(pc.CalamineWorkbook.from_path(P).get_sheet_by_name('服务工单').to_python())",
    # the second reference: fastexcel's own read of the sheet to Arrow (types inferred from all rows), what
    # the servicepledge reader builds on when fastexcel is installed (extra `fast`)
    "fastexcel raw (Arrow)": "import fastexcel; n = fastexcel.read_excel(P).load_sheet('服务工单', "
                             "schema_sample_rows=None).to_arrow().num_rows",
    "openpyxl read_only raw": "import openpyxl; wb = openpyxl.load_workbook(P, read_only=True); "
                              "n = sum(1 for _ in wb['服务工单'].iter_rows(values_only=True))",
}


BASELINE = sys.argv[sys.argv.index("--baseline") + 1] if "--baseline" in sys.argv else None


def measure(code, addin=None):
    prog = ("import resource, time; P = %r; r = resource.getrusage(resource.RUSAGE_SELF); c0 = r.ru_utime + r.ru_stime; "
            "t = time.perf_counter(); %s; w = time.perf_counter() - t; r = resource.getrusage(resource.RUSAGE_SELF); "
            "print(n, w, r.ru_utime + r.ru_stime - c0, r.ru_maxrss / 1024)") % (str(PATH), code)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([addin or str(Path(__file__).resolve().parents[1] / "addin"),
                                                         *filter(None, [os.environ.get("PYTHONPATH")])])}
    out = subprocess.run([sys.executable, "-c", prog], capture_output=True, text=True, check=True,
                         env=env).stdout.split()
    return int(out[0]), float(out[1]), float(out[2]), float(out[3])


if __name__ == "__main__":
    if not PATH.exists():
        t = time.perf_counter()
        build()
        print(f"built {PATH} ({PATH.stat().st_size / 1e6:.1f} MB) in {time.perf_counter() - t:.0f} s")
    repeat = int(sys.argv[sys.argv.index("--repeat") + 1]) if "--repeat" in sys.argv else 3
    load = os.getloadavg()[0]
    import importlib.util
    names = [name for name in CHILD if ("openpyxl" not in name or "--openpyxl" in sys.argv)
             and ("fastexcel" not in name or importlib.util.find_spec("fastexcel"))
             and ("cell by cell" not in name or MIXED) and ("baseline" not in name or BASELINE)]
    runs = {name: [] for name in names}
    for _ in range(repeat):                      # interleaved: a burst of load falls on every reader alike
        for name in names:
            runs[name].append(measure(CHILD[name], BASELINE if "baseline" in name else None))
    res = {name: tuple(sorted(r[i] for r in rs)[len(rs) // 2] for i in range(4)) for name, rs in runs.items()}
    print(f"{PATH.name}: {ROWS} rows{', one mixed column' if MIXED else ''}{f'; baseline {BASELINE}' if BASELINE else ''}")
    print(f"{os.cpu_count()} cores, load average {load:.1f} (start), {os.getloadavg()[0]:.1f} (end); "
          f"medians of {repeat} runs")
    print(f"{'reader':26} {'rows':>9} {'wall s':>7} {'CPU s':>7} {'peak MB':>8}   ratios to the raw calamine read"
          f"   | to fastexcel's raw read")
    base_w, base_c = res["calamine raw"][1], res["calamine raw"][2]
    fx_w, fx_c = res.get("fastexcel raw (Arrow)", (0, float("nan"), float("nan"), 0))[1:3]
    for name, (n, w, c, mb) in res.items():
        print(f"{name:26} {n if n >= 0 else ROWS:9d} {w:7.1f} {c:7.1f} {mb:8.0f}   "
              f"wall {w / base_w:.2f}x, CPU {c / base_c:.2f}x   | wall {w / fx_w:.2f}x, CPU {c / fx_c:.2f}x")
