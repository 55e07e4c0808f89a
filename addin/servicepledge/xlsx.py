"""Write report sheets (sheets.SheetModel) to a new .xlsx with openpyxl, atomically.

Text is always written as text (never a live formula), numbers carry formats, headers are frozen,
pages print A4 landscape fit-to-width with the period and page number in the footer.
"""
from __future__ import annotations

import os
import tempfile
import unicodedata
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from .sheets import Block, SheetModel

FORMATS = {"pct": "0.0%", "money": "¥#,##0.00", "date": "yyyy-mm-dd", "datetime": "yyyy-mm-dd hh:mm",
           "hours": "0.00", "int": "#,##0", "num": "#,##0.00"}
GREEN, RED, GREY = "C6EFCE", "FFC7CE", "EDEDED"
HEADER_FILL = PatternFill("solid", fgColor="1F4E78")
HEADER_FONT = Font(bold=True, color="FFFFFF")
THIN = Side(style="thin", color="BFBFBF")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
FONT_NAME = "Microsoft YaHei"


def display_width(v) -> int:
    s = "" if v is None else (f"{v:,.2f}" if isinstance(v, float) else str(v))
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in s)


def set_text_or_value(cell, v) -> None:
    """Strings go in as text even when they start with = + - @ (no formula injection)."""
    cell.value = v
    if isinstance(v, str):
        cell.data_type = "s"


def _verdict_fill(v, lang_words) -> PatternFill | None:
    if v in lang_words["pass"]:
        return PatternFill("solid", fgColor=GREEN)
    if v in lang_words["fail"]:
        return PatternFill("solid", fgColor=RED)
    if v in lang_words["na"]:
        return PatternFill("solid", fgColor=GREY)
    return None


def _words():
    from .labels import L
    return {k: set(L[k]) for k in ("pass", "fail", "na")}


def write_block(ws, top: int, b: Block, widths: dict) -> int:
    """Write one block from row `top`; return the next free row."""
    r = top
    if b.title:
        c = ws.cell(r, 1)
        set_text_or_value(c, b.title)
        c.font = Font(bold=True, size=12, name=FONT_NAME)
        r += 1
    header_row = r
    for j, h in enumerate(b.header, 1):
        c = ws.cell(r, j)
        set_text_or_value(c, h)
        c.fill, c.font, c.border = HEADER_FILL, HEADER_FONT, BORDER
        c.alignment = Alignment(wrap_text=True, vertical="center")
        widths[j] = max(widths.get(j, 0), min(display_width(h), 24))
    words = _words()
    for i, row in enumerate(b.rows):
        r += 1
        for j, v in enumerate(row, 1):
            c = ws.cell(r, j)
            set_text_or_value(c, v)
            c.border = BORDER
            fmt = b.formats[j - 1] if j - 1 < len(b.formats) else None
            if b.row_formats and isinstance(v, (int, float)) and not isinstance(v, bool):
                fmt = b.row_formats[i] or fmt
            if fmt and fmt in FORMATS:
                c.number_format = FORMATS[fmt]
            elif hasattr(v, "hour"):
                c.number_format = FORMATS["datetime"]
            if b.verdict_col is not None and j - 1 == b.verdict_col:
                fill = _verdict_fill(v, words)
                if fill:
                    c.fill = fill
            widths[j] = max(widths.get(j, 0), min(display_width(v) + 2, 60))
    b.header_row = header_row
    return r + 2


def write_sheet(ws, m: SheetModel) -> None:
    set_text_or_value(ws.cell(1, 1), m.title)
    ws.cell(1, 1).font = Font(bold=True, size=14, name=FONT_NAME)
    set_text_or_value(ws.cell(2, 1), m.subtitle)
    ws.cell(2, 1).font = Font(italic=True, color="595959")
    r = 4
    widths: dict = {}
    for b in m.blocks:
        r = write_block(ws, r, b, widths)
    # one table: keep its header in view; several blocks: keep the title in view
    ws.freeze_panes = f"A{m.blocks[0].header_row + 1}" if len(m.blocks) == 1 else "A3"
    for j, w in widths.items():
        ws.column_dimensions[get_column_letter(j)].width = max(8, w + 1)
    page_setup(ws, m)


def page_setup(ws, m: SheetModel) -> None:
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.oddHeader.center.text = m.title.replace("&", "&&")
    ws.oddFooter.left.text = m.subtitle.replace("&", "&&")
    ws.oddFooter.right.text = "&P / &N"


def new_workbook(models: list[SheetModel]) -> Workbook:
    wb = Workbook()
    wb.remove(wb.active)
    for m in models:
        write_sheet(wb.create_sheet(m.name[:31]), m)
    return wb


def save_atomic(wb: Workbook, out: Path) -> Path:
    """Save to a temporary file beside `out`, then rename it into place (never a half-written file)."""
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".~" + out.stem, suffix=".xlsx", dir=out.parent)
    os.close(fd)
    try:
        wb.save(tmp)
        os.replace(tmp, out)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
    return out
