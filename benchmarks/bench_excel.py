"""Benchmark: the template's KPI sheet as Excel recalculates it, at 10k / 50k / 100k Tickets rows (issue 12).

    .venv/bin/python benchmarks/bench_excel.py [ROWS ...] [--repeat N] [--cpu]     (default 10000 50000 100000, 3)

Every formula of `servicepledge.excel.kpisheet.formulas()` is evaluated one after another through
xlwings' own `custom_functions_call` (server mode, as xlwings Server and Lite run them), with the
arguments shaped as Office.js sends them (2-D lists, dates as serial numbers, empty cells as "").
Tickets is the sample's Tickets table repeated (ticket ids made unique) up to ROWS rows; the other
tables are the sample's. Printed side by side (medians, seconds):

- floor, trivial function: one custom function that receives the Tickets argument and returns its
  row count (what xlwings' own argument handling costs);
- floor, vectorized typing: the Tickets cells turned into typed columns by plain pandas/numpy
  (DataFrame of the rows, to_numeric per column, serial -> datetime64) without any of the checks;
- KPI work: `report.compute` on the already typed tables (the report the SP_ functions compute);
- first call: the whole sheet on a fresh process cache (every table typed, the report computed);
- recalc, 1 cell: the whole sheet again after one Tickets cell changed (a first-response time);
- recalc, as_of: the whole sheet again after SP_AsOf changed (what =NOW() does on every edit).
Every formula is handed its own fresh copy of its arguments (a JSON round trip, outside the timing), as
Excel hands every call new objects: nothing is shared between cells or calls. "KPI work" is the report the
functions compute (report.compute without the comparison with earlier periods, which no function shows).
Not a test: nothing is asserted except that no formula answers "#SP!".
"""
from __future__ import annotations

import asyncio
import json
import os
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "addin"))
os.environ["XLWINGS_LICENSE_KEY"] = "noncommercial"      # the server decorators, as in Lite / Server
os.environ["XLWINGS_ON_SERVER"] = "true"
PERIOD, AS_OF = "2026-10", "2026-10-31 18:00"


def sample_grids() -> dict:
    """table name -> 2-D list as Office.js sends it (dates as 1900-system serials, empty cells as ''): the
    tests' own conversion (tests/excel_helpers.py), so the benchmark feeds exactly what the tests feed."""
    sys.path.insert(0, str(ROOT / "tests"))
    from excel_helpers import as_arg
    from excel_helpers import sample_grids as raw
    return {name: as_arg(grid) for name, grid in raw().items()}


def tickets_of(grid: list, rows: int) -> list:
    """The sample's Tickets repeated to `rows` data rows; copies get their ticket id suffixed (-1, -2, …)."""
    head, body = grid[0], grid[1:]
    out = [list(head)]
    k = 0
    while len(out) - 1 < rows:
        for r in body:
            if len(out) - 1 >= rows:
                break
            r = list(r)
            if k:
                r[0] = f"{r[0]}-{k}"
            out.append(r)
        k += 1
    return out


def fresh(value):
    """`value` as Excel hands it to a call: new objects parsed from JSON, none shared with other cells or calls
    (the cost of reading an argument, the fingerprint, depends on that)."""
    return json.loads(json.dumps(value))


def parse(formula: str, args: dict):
    """'SP_X(Tickets[#All],SP_Period,"response",...)' -> ('SP_X', [resolved arguments])."""
    m = re.fullmatch(r"(SP_\w+)\((.*)\)", formula)
    return m.group(1), [None if a == "" else a.strip('"') if a.startswith('"') else
                        (int(a) if a.isdigit() else args[a]) for a in m.group(2).split(",")]


def call(module, name: str, *args):
    import xlwings as xw
    from xlwings.server import custom_functions_call
    data = {"func_name": name, "args": list(args), "caller_address": "[book.xlsx]KPI!B8", "formula_name": name,
            "version": xw.__version__, "runtime": "1.4", "culture_info_name": "zh-CN", "date_format": "yyyy/m/d",
            "client": "Office.js"}
    return asyncio.run(custom_functions_call(data, module))


def floor_module():
    """A module with one trivial custom function taking a table argument raw."""
    import types

    from xlwings import arg, func

    @func
    @arg("table", "raw")
    def SP_ROWS(table):
        return len(table)
    m = types.ModuleType("floor")
    m.SP_ROWS = SP_ROWS
    return m


def vectorized_typing(grid: list):
    """The typing floor: plain pandas/numpy over the Tickets cells, no checks, no data issues."""
    import numpy as np
    import pandas as pd

    from servicepledge.inputs.schema import TABLES
    from servicepledge.inputs.tables import match_headers
    found = match_headers(TABLES["Tickets"], grid[0])
    raw = pd.DataFrame(grid[1:], dtype=object)
    out = {}
    epoch = np.datetime64("1899-12-30", "us")
    for c in TABLES["Tickets"].columns:
        if c.name not in found:
            continue
        col = raw[found[c.name]]
        if c.kind in ("datetime", "date", "number"):
            x = pd.to_numeric(col.replace("", np.nan), errors="coerce").to_numpy(dtype="float64")
            if c.kind != "number":
                ok = np.isfinite(x)
                d = np.full(len(x), np.datetime64("NaT"), "datetime64[us]")
                d[ok] = epoch + np.round(x[ok] * 86_400_000_000).astype("int64").astype("timedelta64[us]")
                x = d
            out[c.name] = x
        else:
            out[c.name] = col.astype(str).to_numpy()
    return pd.DataFrame(out)


CLOCK = time.perf_counter      # --cpu: time.process_time (this process's CPU seconds: what other jobs on the
                               # machine inflate far less than wall time; the code measured is single-threaded)


def median(fn, n: int, before=None) -> float:
    times = []
    for i in range(n):
        if before:
            before(i)
        t = CLOCK()
        fn()
        times.append(CLOCK() - t)
    return sorted(times)[len(times) // 2]


def clear_cache() -> None:
    try:
        from servicepledge.excel import memo
    except ImportError:       # before issue 12 there is no cache
        return
    memo.clear()


def bench(rows: int, base: dict, repeat: int) -> dict:
    from servicepledge.excel import cells, functions as F, kpisheet
    from servicepledge.report import compute
    from servicepledge.inputs.tables import Issues
    args = {f"{n}[#All]": g for n, g in base.items()}
    args["Tickets[#All]"] = tk = tickets_of(base["Tickets"], rows)
    args.update({"SP_Period": PERIOD, "SP_AsOf": AS_OF})
    args.setdefault("Pauses[#All]", [["工单编号", "挂起开始", "挂起结束"], ["", "", ""]])   # the template's empty Pauses Table
    sheet = [parse(f, args) for f in kpisheet.formulas().values()]

    calls = []

    def fresh_calls():
        """Each formula's own fresh copy of its arguments, made outside the timing (the lists built here are
        not passed as they are)."""
        calls[:] = [(name, fresh(a)) for name, a in sheet]

    def recalc():
        for name, a in calls:
            out = call(F, name, *a)
            assert not (isinstance(out[0][0], str) and out[0][0].startswith("#SP!")), (name, out[0][0])

    res = {"formulas": len(sheet)}
    fm = floor_module()
    res["trivial"] = median(lambda: call(fm, "SP_ROWS", tk), max(repeat, 5))
    copy = []          # the floors get fresh objects too (made outside the timing), as the formulas do

    def fresh_tk(i):
        copy[:] = [fresh(tk)]
    res["typing"] = median(lambda: vectorized_typing(copy[0]), repeat, before=fresh_tk)
    typed = {n: cells.table(n, g, n) for n, g in base.items() if n not in ("Terms", "Holidays")}
    typed["Tickets"] = cells.table("Tickets", tk, "tickets")
    from servicepledge.inputs.schema import TABLES
    from servicepledge.inputs.tables import empty
    tables = {n: typed.get(n) or empty(n) for n in TABLES}
    tm = cells.terms(base["Terms"])
    try:        # the report the SP_ functions need: no comparison with earlier periods (no function shows it)
        compute(tables, Issues(), period=PERIOD, as_of=AS_OF, terms=tm, comparison=False)
        lean = {"comparison": False}
    except TypeError:                          # (before that option existed: the whole report)
        lean = {}
    res["kpi_work"] = median(lambda: compute(tables, Issues(), period=PERIOD, as_of=AS_OF, terms=tm, **lean), repeat)

    res["first"] = median(recalc, repeat, before=lambda i: (clear_cache(), fresh_calls()))
    col = tk[0].index("首次响应时间")
    row_of = [r for r in range(1, len(tk)) if isinstance(tk[r][col], float)]

    def change_cell(i):
        tk[row_of[i]][col] += 1 / 1440             # one first response a minute later
        fresh_calls()
    res["recalc_cell"] = median(recalc, repeat, before=change_cell)

    def change_as_of(i):
        for name, a in sheet:
            for j, v in enumerate(a):
                if isinstance(v, str) and v.startswith("2026-10-31 18:"):
                    a[j] = f"2026-10-31 18:{i + 1:02d}"
        fresh_calls()
    res["recalc_as_of"] = median(recalc, repeat, before=change_as_of)
    return res


def main() -> None:
    argv = sys.argv[1:]
    repeat = 3
    if "--repeat" in argv:
        i = argv.index("--repeat")
        repeat = int(argv[i + 1])
        del argv[i:i + 2]
    global CLOCK
    if "--cpu" in argv:
        argv.remove("--cpu")
        CLOCK = time.process_time
    sizes = [int(x) for x in argv] or [10_000, 50_000, 100_000]
    t = time.perf_counter()
    import xlwings  # noqa: F401
    import servicepledge.excel.functions as F
    print(f"import xlwings + servicepledge.excel.functions: {time.perf_counter() - t:.2f} s "
          f"(matplotlib loaded: {'matplotlib' in sys.modules}, openpyxl loaded: {'openpyxl' in sys.modules})")
    base = sample_grids()
    call(F, "SP_HOURS", [[46300.375]], [[46300.5]], "")       # warm up
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"{os.cpu_count()} cores, load average {load:.1f}; {'CPU' if CLOCK is time.process_time else 'wall'} time, medians of {repeat} (trivial floor: of "
          f"{max(repeat, 5)}), seconds")
    cols = [("trivial", "floor: trivial fn"), ("typing", "floor: vec. typing"), ("kpi_work", "KPI work"),
            ("first", "sheet: first call"), ("recalc_cell", "recalc: 1 cell"), ("recalc_as_of", "recalc: as_of")]
    print(f"{'Tickets rows':>12} " + " ".join(f"{h:>19}" for _, h in cols)
          + "  first/(typing+KPI)  recalc/typing")
    for n in sizes:
        r = bench(n, base, repeat)
        print(f"{n:12,d} " + " ".join(f"{r[k]:19.4f}" for k, _ in cols)
              + f"  {r['first'] / (r['typing'] + r['kpi_work']):17.2f}x  {r['recalc_cell'] / r['typing']:12.2f}x",
              flush=True)
    print(f"({r['formulas']} formulas per sheet: kpisheet.formulas(); goal at 100k: recalc <= 0.5 s, "
          f"first call <= 1.5x (typing floor + KPI work))")


if __name__ == "__main__":
    main()
