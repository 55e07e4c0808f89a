"""The template's KPI sheet: cells that hold live SP_ formulas over the input Tables.

One layout, two writers: `servicepledge template` (openpyxl, into the file) and the "Refresh KPI
sheet" script (xlwings, into the open workbook). Formulas call only SP_ functions, with structured
references to the Tables (Tickets[#All] …) and the two input cells named SP_Period and SP_AsOf.
Number formats are put on the cells the results spill into (rates as %, money, dates).
"""
from __future__ import annotations

import functools
from dataclasses import dataclass

from ..outputs import sheets

MARK = "SP_KPI"                                   # sheet-scoped name on the KPI sheet
SHEET_NAMES = {"zh": "KPI看板", "en": "KPI"}
INPUTS = {"SP_Period": (4, 2), "SP_AsOf": (5, 2)}  # defined name -> (row, column) of the input cell
T = "Terms[#All]"
FUND_ROWS, BREACH_ROWS = 24, 400                  # rows formatted below the variable-length tables
WARNINGS_COL = 6                                  # SP_WARNINGS spills down column F, beside the headline figures
WARNING_ROWS = 14                                 # … at most this many lines: rows 9-22, above the complaints


@dataclass
class Cell:
    row: int
    col: int
    kind: str                 # "title" | "text" | "input" | "formula" | "format" (number format only)
    value: object = None
    fmt: str | None = None    # number format over rows x cols starting here
    rows: int = 1
    cols: int = 1
    bold: bool = False
    name: str | None = None   # input cells: their defined name


TEXT = {
    "title": ("服务承诺 KPI（实时 SP_ 公式）", "Service commitment KPIs (live SP_ formulas)"),
    "note": ("数据表改动后自动重算。期间留空 = 最新工单所在月份；截至时间留空 = 现在（只在重算时更新，可填 =NOW()）。"
             "显示 #NAME? 时：打开 xlwings 加载项后运行“刷新KPI公式”。",
             "Recalculates when the tables change. Period empty = month of the latest ticket; as-of empty = now "
             "(updates only on recalculation; you may enter =NOW()). Showing #NAME?: load the xlwings add-in "
             "and run 'Refresh KPI sheet'."),
    "period": ("期间", "Period"), "as_of": ("截至时间", "As of"),
    "period_hint": ("月 2026-10、季度 2026-Q3、半年 2026-H1、年 2026 或 2026-01-01..2026-03-31",
                    "month 2026-10, quarter 2026-Q3, half 2026-H1, year 2026 or 2026-01-01..2026-03-31"),
    "as_of_hint": ("如 2026-10-31 18:00", "e.g. 2026-10-31 18:00"),
    "resp": ("首次响应达标率", "First-response compliance"),
    "sol": ("复杂问题初步方案达标率", "Initial-solution compliance"),
    "kpis": ("核心指标", "Headline figures"), "complaints": ("投诉处理", "Complaint handling"),
    "turnover": ("人员流失率", "Staff turnover"), "fund": ("专项售后服务基金", "Special after-sales fund"),
    "breaches": ("违约登记", "Breach register"),
    "warnings": ("注意事项（看数字之前先看这里）", "Warnings (read before trusting the figures)"),
}


def sheet_name(lang: str) -> str:
    return SHEET_NAMES.get(lang, SHEET_NAMES["zh"])


def _x(key, lang):
    return TEXT[key][0 if lang == "zh" else 1]


def formulas(prefix: str = "", pauses: bool = True) -> dict[str, str]:
    """The live formulas (without the leading '='), keyed by what they show. `pauses`: the workbook has an
    Excel Table named Pauses (the template has): the functions whose clocks pauses stop are given Pauses[#All]
    (as the last argument, after the empty contract arguments), as the report button and the command line use it."""
    p = prefix
    P, A = "SP_Period", "SP_AsOf"
    X = ",,,Pauses[#All]" if pauses else ""       # (contract, contracts left empty)
    W = ",Pauses[#All]" if pauses else ""
    return {
        "resp": f'{p}SP_COMPLIANCE(Tickets[#All],{P},"response",{A},{T}{X})',
        "sol": f'{p}SP_COMPLIANCE(Tickets[#All],{P},"initial_solution",{A},{T}{X})',
        "kpis": f"{p}SP_KPIS(Tickets[#All],Complaints[#All],Staff[#All],FundLedger[#All],FundBudget[#All],"
                f"Notices[#All],{P},{A},{T}{X})",
        "complaints": f"{p}SP_COMPLAINTS(Complaints[#All],{P},{A},{T}{X})",
        "turnover": f"{p}SP_TURNOVER(Staff[#All],{P},{T})",
        "fund": f"{p}SP_FUND(FundLedger[#All],FundBudget[#All],{P})",
        "breaches": f"{p}SP_BREACHES(Tickets[#All],Complaints[#All],Notices[#All],{P},{A},{T}{X})",
        "warnings": f"{p}SP_WARNINGS(Tickets[#All],Complaints[#All],Staff[#All],FundLedger[#All],FundBudget[#All],"
                    f"Notices[#All],{P},{A},{T},{WARNING_ROWS}{W})",
    }


# SP_COMPLAINTS columns after the metric name (and their formats)
COMPLAINT_KEYS = ["total", "met", "breached", "pending", "compliance", "target_hours", "median_hours", "p90_hours",
                  "at_risk", "excluded"]
COMPLAINT_FORMATS = [None, "int", "int", "int", "int", "pct", "hours", "hours", "hours", "int", "int"]


@functools.lru_cache(maxsize=4)
def _models(lang: str):
    """The report blocks the functions return, for an empty month: their formats are the spill formats."""
    from ..report import compute
    from ..inputs.schema import TABLES
    from ..inputs.tables import Issues, empty
    r = compute({n: empty(n) for n in TABLES}, Issues(), period="2026-01", as_of="2026-01-31", lang=lang)
    return (sheets.dashboard(r).blocks[0], sheets.staffing(r).blocks[0], sheets.fund(r).blocks[0],
            sheets.breaches(r, True).blocks[0])


def _formats() -> dict:
    """Number formats by kind. Imported here, not at the top: the SP_ functions import this module
    for COMPLAINT_KEYS, and openpyxl (behind xlsx) would slow their start-up in xlwings Lite."""
    from ..outputs.xlsx import FORMATS
    return FORMATS


def _col_fmt_cells(row0: int, formats: list, rows: int) -> list[Cell]:
    return [Cell(row0, j, "format", fmt=_formats()[f], rows=rows)
            for j, f in enumerate(formats, 1) if f in _formats()]


def _row_fmt_cells(row0: int, col: int, cols: int, row_formats: list) -> list[Cell]:
    out = []
    for i, f in enumerate(row_formats):
        fmt = _formats().get(f)
        if fmt:
            out.append(Cell(row0 + i, col, "format", fmt=fmt, cols=cols))
    return out


def layout(lang: str = "zh", prefix: str = "", pauses: bool = True) -> list[Cell]:
    """Every cell of the KPI sheet (formats of the spill areas as kind 'format'); `pauses` as for formulas."""
    f = formulas(prefix, pauses)
    F = _formats()
    head, staff, fund, register = _models(lang)
    cells = [
        Cell(1, 1, "title", _x("title", lang), bold=True),
        Cell(2, 1, "text", _x("note", lang)),
        Cell(4, 1, "text", _x("period", lang), bold=True),
        Cell(4, 2, "input", name="SP_Period"),
        Cell(4, 3, "text", _x("period_hint", lang)),
        Cell(5, 1, "text", _x("as_of", lang), bold=True),
        Cell(5, 2, "input", name="SP_AsOf"),
        Cell(5, 3, "text", _x("as_of_hint", lang)),
        Cell(4, 5, "text", _x("resp", lang), bold=True),
        Cell(4, 6, "formula", "=" + f["resp"], fmt=F["pct"]),
        Cell(5, 5, "text", _x("sol", lang), bold=True),
        Cell(5, 6, "formula", "=" + f["sol"], fmt=F["pct"]),
    ]
    # headline figures: header + one row per figure; value and target take the row's format
    cells += [Cell(7, 1, "title", _x("kpis", lang), bold=True), Cell(8, 1, "formula", "=" + f["kpis"])]
    cells += _row_fmt_cells(9, 2, 2, head.row_formats)
    # warnings beside them (header + at most WARNING_ROWS lines, so the spill ends above the complaints)
    cells += [Cell(7, WARNINGS_COL, "title", _x("warnings", lang), bold=True),
              Cell(8, WARNINGS_COL, "formula", "=" + f["warnings"])]
    # complaints: metric, total, met, breached, pending, compliance, target h, median h, p90 h, …
    r0 = 9 + len(head.rows) + 2
    assert 9 + WARNING_ROWS <= r0 - 1, "the warnings would spill into the complaint table"
    cells += [Cell(r0, 1, "title", _x("complaints", lang), bold=True),
              Cell(r0 + 1, 1, "formula", "=" + f["complaints"])]
    cells += _col_fmt_cells(r0 + 2, COMPLAINT_FORMATS, 3)
    # staff turnover: figure / value rows
    r1 = r0 + 7
    cells += [Cell(r1, 1, "title", _x("turnover", lang), bold=True), Cell(r1 + 1, 1, "formula", "=" + f["turnover"])]
    cells += _row_fmt_cells(r1 + 2, 2, 1, staff.row_formats)
    # fund per category (variable length)
    r2 = r1 + 2 + len(staff.rows) + 2
    cells += [Cell(r2, 1, "title", _x("fund", lang), bold=True), Cell(r2 + 1, 1, "formula", "=" + f["fund"])]
    cells += _col_fmt_cells(r2 + 2, fund.formats, FUND_ROWS)
    # breach register (variable length, last on the sheet)
    r3 = r2 + 2 + FUND_ROWS + 2
    cells += [Cell(r3, 1, "title", _x("breaches", lang), bold=True), Cell(r3 + 1, 1, "formula", "=" + f["breaches"])]
    cells += _col_fmt_cells(r3 + 2, [("date" if f == "datetime" else f) for f in register.formats], BREACH_ROWS)
    return cells


def function_names(prefix: str = "") -> set[str]:
    """The SP_ functions the KPI sheet calls."""
    import re
    return {m for v in formulas(prefix).values() for m in re.findall(r"([A-Z_.]+)\(", v)}
