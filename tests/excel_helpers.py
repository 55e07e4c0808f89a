"""Shared by the Excel tests: run xlwings' own Lite/Server machinery without Excel.

`server_mode()` must run before xlwings is first imported: xlwings picks its decorators (server vs.
no-op) at import time. Payloads are shaped as Office.js sends them: custom-function arguments as 2-D
lists with dates as serial numbers and empty cells as ""; scripts get the book JSON of the
xlwings client (date-formatted cells as ISO text, counted as if the book used the 1900 system).
"""
from __future__ import annotations

import asyncio
import datetime as dt
import importlib
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "samples" / "servicepledge-sample.xlsx"
PERIOD, AS_OF = "2026-10", "2026-10-31 18:00"
EPOCH_1900, EPOCH_1904 = dt.datetime(1899, 12, 30), dt.datetime(1904, 1, 1)


def server_mode():
    """Switch xlwings to its server decorators (license 'noncommercial'), reloading it if needed."""
    os.environ["XLWINGS_LICENSE_KEY"] = "noncommercial"
    os.environ["XLWINGS_ON_SERVER"] = "true"
    xw = sys.modules.get("xlwings")
    if xw is not None and not getattr(xw, "on_server", False):
        for name in [m for m in sys.modules if m == "xlwings" or m.startswith("xlwings.")
                     or m.startswith("servicepledge.excel")]:
            del sys.modules[name]
    return importlib.import_module("xlwings")


def serial(value, date1904: bool = False) -> float:
    """A datetime as the Excel serial number Office.js sends."""
    epoch = EPOCH_1904 if date1904 else EPOCH_1900
    return (value - epoch) / dt.timedelta(days=1)


def to_excel(value, date1904: bool = False):
    """A Python cell value as a custom-function argument element."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return serial(value, date1904)
    if isinstance(value, dt.date):
        return serial(dt.datetime(value.year, value.month, value.day), date1904)
    return value


def sample_grids() -> dict:
    """table name -> 2-D list (header + rows) of the sample workbook's Excel Tables, raw values."""
    from openpyxl import load_workbook
    wb = load_workbook(SAMPLE)
    out = {}
    for ws in wb.worksheets:
        for tbl in ws.tables.values():
            out[tbl.displayName] = [[c.value for c in row] for row in ws[tbl.ref]]
    return out


def as_arg(grid, date1904: bool = False) -> list[list]:
    return [[to_excel(v, date1904) for v in row] for row in grid]


def call(module, func_name: str, *args, runtime: str = "1.4"):
    """xlwings.server.custom_functions_call with the data dict Office.js sends."""
    import xlwings as xw
    from xlwings.server import custom_functions_call
    data = {"func_name": func_name, "args": list(args), "caller_address": "[book.xlsx]KPI!B8",
            "formula_name": func_name, "version": xw.__version__, "runtime": runtime,
            "culture_info_name": "zh-CN", "date_format": "yyyy/m/d", "client": "Office.js"}
    return asyncio.run(custom_functions_call(data, module))


def _iso(value: dt.datetime, date1904: bool) -> str:
    """What the xlwings client sends for a date cell: ISO text of serial - 25569 days (1900 rule)."""
    days = serial(value, date1904)
    return (EPOCH_1900 + dt.timedelta(days=days)).strftime("%Y-%m-%dT%H:%M:%S.000Z")


def book_json(path=SAMPLE, date1904: bool = False, extra_sheets: list | None = None) -> dict:
    """The payload an xlwings Office.js client builds for a script call, from an .xlsx file."""
    import xlwings as xw
    from openpyxl import load_workbook
    wb = load_workbook(path)
    sheets, names = [], []
    for ix, ws in enumerate(wb.worksheets):
        values = []
        for row in ws.iter_rows(min_row=1, max_row=max(ws.max_row, 1), max_col=max(ws.max_column, 1)):
            out = []
            for c in row:
                v = c.value
                if v is None:
                    out.append("")
                elif isinstance(v, dt.datetime):
                    out.append(_iso(v, date1904))
                elif isinstance(v, str) and v.startswith("="):
                    out.append("")          # formulas: the client sends their values; none are cached here
                else:
                    out.append(v)
            values.append(out)
        tables = []
        for tbl in ws.tables.values():
            name = tbl.displayName
            first, last = tbl.ref.split(":")
            head_last = "".join(ch for ch in last if ch.isalpha()) + "".join(ch for ch in first if ch.isdigit())
            row1 = int("".join(ch for ch in first if ch.isdigit()))
            body_first = "".join(ch for ch in first if ch.isalpha()) + str(row1 + 1)
            tables.append({"name": name, "range_address": tbl.ref, "header_row_range_address": f"{first}:{head_last}",
                           "data_body_range_address": f"{body_first}:{last}", "total_row_range_address": None,
                           "show_headers": True, "show_totals": False, "table_style": "TableStyleMedium2",
                           "show_autofilter": True})
        sheets.append({"name": ws.title, "values": values, "pictures": [], "tables": tables})
        for n, dn in ws.defined_names.items():
            names.append(_name(n, dn.attr_text, wb, ix, scope=ws.title))
    for n, dn in wb.defined_names.items():
        names.append(_name(n, dn.attr_text, wb, None, scope=None))
    sheets += extra_sheets or []
    return {"client": "Office.js", "version": xw.__version__,
            "book": {"name": Path(path).name, "active_sheet_index": 0, "selection": "A1"},
            "names": names, "sheets": sheets}


def _name(name, refers_to, wb, scope_ix, scope):
    sheet, addr = refers_to.rsplit("!", 1)
    sheet = sheet.strip("'").replace("''", "'")
    return {"name": name, "sheet_index": wb.sheetnames.index(sheet), "address": addr.replace("$", ""),
            "book_scope": scope is None, "scope_sheet_name": scope, "scope_sheet_index": scope_ix}


# ---------------------------------------------------------------- fixtures shared by the Excel tests
import pytest  # noqa: E402


@pytest.fixture(autouse=True)
def date_system():
    """Every Excel test starts and ends with the default (1900) date system."""
    from servicepledge.excel import cells
    cells.set_date_system(None)
    yield
    cells.set_date_system(None)


@pytest.fixture(scope="module")
def report():
    """The engine's report of the sample for PERIOD and AS_OF: what Excel must show."""
    from servicepledge.inputs.reader import read_workbook
    from servicepledge.report import compute
    wb = read_workbook(SAMPLE)
    return compute(wb.tables, wb.issues, period=PERIOD, as_of=AS_OF)


@pytest.fixture(scope="module")
def grids():
    """The sample's six tables as Excel sends them."""
    return {n: as_arg(g) for n, g in sample_grids().items()}


@pytest.fixture
def fresh_cache(monkeypatch):
    """An empty process cache before and after the test (use with autouse in the cache tests)."""
    from servicepledge.excel import memo
    monkeypatch.delenv("SERVICEPLEDGE_CACHE_MB", raising=False)
    memo.clear()
    yield
    memo.clear()


def uncached(monkeypatch, *a):
    """The same call with the cache switched off (SERVICEPLEDGE_CACHE_MB=0): the independent answer."""
    from servicepledge.excel import functions as F
    monkeypatch.setenv("SERVICEPLEDGE_CACHE_MB", "0")
    try:
        return call(F, *a)
    finally:
        monkeypatch.delenv("SERVICEPLEDGE_CACHE_MB")


@pytest.fixture
def computed(monkeypatch):
    """The metrics whose row statuses the SP_ functions computed (not taken from the cache), in order."""
    from servicepledge.kpi import service as S
    made = []
    real = S.metric_rows

    def counting(tables, metric, *a, **k):
        made.append(metric)
        return real(tables, metric, *a, **k)
    monkeypatch.setattr(S, "metric_rows", counting)
    return made
