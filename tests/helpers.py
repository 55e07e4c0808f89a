"""Small builders for hand-worked test cases: tables from rows of Python values."""
from __future__ import annotations

import pandas as pd

from servicepledge.inputs import tables as T
from servicepledge.report import compute
from servicepledge.inputs.schema import TABLES


def grid(table: str, rows: list[dict], headers: dict | None = None) -> list[list]:
    """A 2-D list as Excel would pass it: header row (canonical names unless mapped) + rows."""
    # every column of the table, as the template's Excel Tables have them (a column absent from the header
    # makes its figures unavailable: tests of that build their own header)
    cols = list(dict.fromkeys([*TABLES[table].names, *(k for r in rows for k in r)]))
    head = [(headers or {}).get(c, c) for c in cols]
    return [head] + [[r.get(c) for c in cols] for r in rows]


def build(issues: T.Issues | None = None, **given) -> tuple[dict, T.Issues]:
    """tables dict for report.compute: given tables as lists of dicts, others empty."""
    issues = issues if issues is not None else T.Issues()
    out = {}
    for name in TABLES:
        rows = given.get(name)
        out[name] = T.from_grid(name, grid(name, rows), issues=issues) if rows else T.empty(name)
    return out, issues


def report(period="2026-10", as_of="2026-10-31 18:00", terms=None, **given):
    if terms:
        given["Terms"] = [{"key": k, "value": v} for k, v in terms.items()]
    tables, issues = build(**given)
    return compute(tables, issues, period=period, as_of=as_of)


def ts(s: str) -> pd.Timestamp:
    return pd.Timestamp(s)


def cli(*args, cwd=None, timeout=300):
    """`python -m servicepledge.cli ARGS` in a subprocess, as a user runs the command. Pyodide (the xlwings
    Lite lane) has no subprocesses: there the calling test is skipped with that reason."""
    import subprocess
    import sys

    import pytest
    if sys.platform == "emscripten":
        pytest.skip("Pyodide: starts a subprocess; Pyodide (xlwings Lite) has none")
    return subprocess.run([sys.executable, "-m", "servicepledge.cli", *args], capture_output=True, text=True,
                          encoding="utf-8",
                          cwd=cwd, timeout=timeout)


def write_book(path, sheets: dict, tables: dict | None = None):
    """A workbook as a user types it, written with openpyxl: sheet name -> rows (the first is the header);
    `tables`: Excel Table name -> (sheet, ref), for Tables laid over those rows."""
    import openpyxl
    from openpyxl.worksheet.table import Table
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for r in rows:
            ws.append(list(r))
    for tname, (sheet, ref) in (tables or {}).items():
        wb[sheet].add_table(Table(displayName=tname, ref=ref))
    wb.save(path)
    return path
