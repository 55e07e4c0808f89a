"""The buttons inside Excel (docs/EXCEL.md): build the report into the open workbook, and
refresh the template's KPI sheet.

- `build_report(book)`: reads the input tables of the open workbook (never changes them), computes
  the report exactly as the headless `servicepledge report` does, and writes its sheets (dashboard,
  breach register, fund disclosure, staffing, data issues, audit) at the end of the workbook,
  replacing the sheets an earlier run wrote. Charts go in as pictures (see `add_charts`).
- `refresh_kpis(book)`: rewrites the KPI sheet's live SP_ formulas and recalculates.

Runtimes: xlwings Lite and xlwings Server call the `@script` functions with the open book; classic
xlwings runs `RunPython "import servicepledge.excel.scripts as s; s.run_build_report()"`.
"""
from __future__ import annotations

import datetime as dt
import os
import tempfile

import xlwings as xw
from xlwings import script

from ..outputs import sheets
from ..report import compute
from ..inputs.tables import InputError
from ..core.terms import TermsError
from . import book as B
from . import cells, kpisheet, render

__all__ = ["build_report", "refresh_kpis", "build_report_into", "refresh_kpis_in", "run_build_report",
           "run_refresh_kpis", "add_charts"]


def _error(e: Exception, lang: str | None = None) -> Exception:
    """Input problems reach the user as one readable line (xlwings shows XlwingsError texts), in `lang`
    (both languages when it is not known)."""
    from ..core.language import say
    return xw.XlwingsError(say(e, lang)) if isinstance(e, (InputError, TermsError)) else e


def _lang_of(book, bt) -> str | None:
    """The language the workbook's Terms set, zh when they say none (as the #SP! texts). When the workbook
    could not be read (bt None), the `lang` row of its Terms sheet read alone; None when even that fails
    (the error is then said in both languages)."""
    from ..report import terms_from_tables
    try:
        if bt is not None:
            return terms_from_tables(bt.tables.get("Terms"), None)["lang"]
        where = B._locate(book)
        rows = B._grid(*where["Terms"])[1] if "Terms" in where else []
        said = [str(r[1]).strip().lower() for r in rows if len(r) > 1 and str(r[0]).strip().lower() == "lang"]
        return "en" if said[:1] in (["en"], ["english"]) else "zh"
    except Exception:     # noqa: BLE001  (the Terms are what is wrong)
        return None


def _param(book, bt, name: str, given):
    """A script argument, else the template's named cell (SP_Period / SP_AsOf), else None."""
    v = given if not cells.is_blank(given) else B.named_value(book, name)
    if isinstance(v, dt.datetime) and B.is_remote(book) and bt.date1904:
        v = v + cells.SHIFT_1904
    return None if cells.is_blank(v) else v


# ---------------------------------------------------------------- the report
def build_report_into(book, period=None, as_of=None, lang=None, mask: bool = True) -> list:
    """Build the report into `book`; returns where each sheet went (render.Placed)."""
    bt = None
    try:
        bt = B.read_book(book)
        r = compute(bt.tables, bt.issues, period=_param(book, bt, "SP_Period", period),
                    as_of=_param(book, bt, "SP_AsOf", as_of), lang=lang or None, date1904=bt.date1904,
                    source={"path": f"{book.name} (open workbook; SHA-256 of its input tables)",
                            "sha256": bt.sha256})
    except (InputError, TermsError) as e:
        raise _error(e, lang or _lang_of(book, bt)) from None
    models = sheets.build(r, mask=mask)
    for old in render.own_sheets(book):
        if old.name not in bt.sheets and len(book.sheets) > 1:   # Excel keeps at least one sheet
            old.delete()
    taken = {s.name.casefold() for s in book.sheets}
    points, placed = B.is_remote(book), []
    for m in models:
        name = render.free_name(m.name[:31], taken)
        taken.add(name.casefold())
        sheet = book.sheets.add(name=name, after=book.sheets[len(book.sheets) - 1])
        render.mark(sheet)
        placed.append(render.write_sheet(sheet, m, points))
    add_charts(book, r, placed)
    book.sheets[placed[0].sheet].activate()
    return placed


def add_charts(book, report, placed: list) -> int:
    """CHARTS HOOK: put the report's charts as pictures where the writer kept room.

    Uses servicepledge.outputs.charts.figure(kind, report) -> matplotlib Figure, placed with
    `sheet.pictures.add(fig, name=..., update=True, anchor=...)`. Without matplotlib (or the charts
    module) the report stays tables only. Returns the number of pictures added."""
    try:
        from ..outputs import charts
    except ImportError:
        return 0
    n = 0
    for p in placed:
        for kind, row, col in p.anchors:
            try:
                png = charts.png_bytes(charts.figure(kind, report))
            except Exception:   # a chart must never cost the manager the report
                continue
            sheet = book.sheets[p.sheet]
            fd, path = tempfile.mkstemp(prefix="sp_", suffix=".png")
            try:
                with os.fdopen(fd, "wb") as f:
                    f.write(png)
                sheet.pictures.add(path, name=f"sp_{kind}", update=True, anchor=sheet.range((row, col)))
            finally:
                os.unlink(path)
            n += 1
    return n


# ---------------------------------------------------------------- the KPI sheet
def refresh_kpis_in(book, lang=None, prefix: str | None = None) -> str:
    """Rewrite the KPI sheet's SP_ formulas (creating the sheet when it is missing) and recalculate.

    The period / as_of input cells are left as the user typed them. SERVICEPLEDGE_FUNCTION_PREFIX
    (e.g. "XLWINGS.") is put before every SP_ name for an xlwings Server with a function namespace;
    `prefix` (xlwings Server: servicepledge.server.settings.function_prefix()) overrides it."""
    lang = lang or _book_lang(book)
    sheet, created = _kpi_sheet(book), False
    if sheet is None:
        sheet, created = book.sheets.add(name=kpisheet.sheet_name(lang), before=book.sheets[0]), True
        sheet.names.add(kpisheet.MARK, f"='{sheet.name}'!$A$1")
    if prefix is None:
        prefix = os.environ.get("SERVICEPLEDGE_FUNCTION_PREFIX", "")
    pauses = any(t.name == "Pauses" for sh in book.sheets for t in sh.tables)   # else Pauses[#All] is #REF!
    for c in kpisheet.layout(lang, prefix, pauses):
        rng = sheet.range((c.row, c.col))
        if c.kind == "formula":
            rng.formula2 = c.value
        elif c.kind == "input":
            if created:
                rng.number_format = "@"
                rng.color = "#FFF2CC"
            continue
        elif c.kind != "format":          # never write into a spill area: only its number format
            rng.value = render.text_safe(c.value)
        if c.fmt:
            sheet.range((c.row, c.col), (c.row + c.rows - 1, c.col + c.cols - 1)).number_format = c.fmt
        if c.bold:
            rng.font.bold = True
    for name, (row, col) in kpisheet.INPUTS.items():
        if not any(n.name.rsplit("!", 1)[-1] == name for n in book.names):
            book.names.add(name, f"='{sheet.name}'!${_col(col)}${row}")
    book.app.calculate()
    return sheet.name


def _col(c: int) -> str:
    s = ""
    while c:
        c, rem = divmod(c - 1, 26)
        s = chr(65 + rem) + s
    return s


def _kpi_sheet(book):
    for s in book.sheets:
        try:
            if any(n.name.rsplit("!", 1)[-1] == kpisheet.MARK for n in s.names):
                return s
        except Exception:
            pass
    for s in book.sheets:
        if s.name in kpisheet.SHEET_NAMES.values():
            return s
    return None


def _book_lang(book) -> str:
    try:
        bt = B.read_book(book)
        t = bt.tables["Terms"].df
        hit = t.loc[t["key"].astype(str).str.strip().str.lower() == "lang", "value"]
        if len(hit) and str(hit.iloc[0]).strip().lower() in ("en", "english"):
            return "en"
    except Exception:
        pass
    return "zh"


# ---------------------------------------------------------------- the buttons
@script(name="生成报告 Build report")
def build_report(book: xw.Book, period: str = "", as_of: str = ""):
    """Build the report (dashboard, breach register, fund disclosure, staffing, data issues,
    audit) into this workbook. Period and as-of: empty = the KPI sheet's cells, else the latest month
    and now."""
    build_report_into(book, period or None, as_of or None)


@script(name="刷新KPI公式 Refresh KPI sheet")
def refresh_kpis(book: xw.Book):
    """Rewrite the live SP_ formulas of the KPI sheet and recalculate (use after adding the add-in or
    when cells show #NAME?)."""
    refresh_kpis_in(book)


def run_build_report():
    """Classic xlwings (RunPython from a button macro): build the report into the calling workbook."""
    build_report_into(xw.Book.caller())


def run_refresh_kpis():
    """Classic xlwings (RunPython from a button macro): refresh the KPI sheet of the calling workbook."""
    refresh_kpis_in(xw.Book.caller())
