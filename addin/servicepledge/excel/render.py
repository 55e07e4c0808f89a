"""Write report sheet models (sheets.SheetModel) into an open workbook through the xlwings Book API.

The same models as the headless report (xlsx.py), the same layout: title, subtitle, notes, then the
blocks with a header row each. One value write per sheet, then formats, fills, widths and panes.
Works for xlwings Lite/Server (the calls become JSON actions) and classic xlwings (COM).

Sheets written here carry a sheet-scoped defined name MARK, so a later run replaces exactly its own
sheets: never an input table, never a user's sheet that happens to have the same name.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from ..outputs import xlsx
from ..outputs.labels import L

MARK = "SP_REPORT"                      # sheet-scoped name on every sheet the report button wrote
HEADER_FILL, HEADER_FONT = "#1F4E78", "#FFFFFF"
FILLS = {"pass": "#C6EFCE", "fail": "#FFC7CE", "na": "#EDEDED"}   # verdict cells: green / red / grey
CHART_ROWS, CHART_COLS = 22, 8          # room kept for one chart picture (rows) and between charts (columns)
_RISKY = re.compile(r"^[=+\-@\t\r]|^\s*[\d.,:/%$¥￥()年月日时分秒 +\-eE]*\d[\d.,:/%$¥￥()年月日时分秒 +\-eE]*$"
                    r"|^\s*(true|false)\s*$", re.IGNORECASE)


@dataclass
class Placed:
    """Where a model landed: for the charts hook and the tests."""
    key: str
    sheet: str
    anchors: list = field(default_factory=list)     # (chart kind, row, column) of reserved room
    next_row: int = 1


def text_safe(v):
    """Text that Excel would turn into a formula, number or date goes in as text (leading apostrophe)."""
    if isinstance(v, str) and _RISKY.search(v):
        return "'" + v
    return v


def is_marked(sheet) -> bool:
    try:
        return any(n.name.rsplit("!", 1)[-1].upper() == MARK for n in sheet.names)
    except Exception:
        return False


def mark(sheet) -> None:
    sheet.names.add(MARK, f"='{sheet.name.replace(chr(39), chr(39) * 2)}'!$A$1")


def report_names() -> set[str]:
    """Every name a report sheet can have (both languages)."""
    return {v for k, pair in L.items() if k.startswith("sheet.") for v in pair}


def _base(name: str) -> str:
    return re.sub(r" \(\d+\)$", "", name)


def own_sheets(book) -> list:
    """The sheets an earlier run wrote: marked, and still under a report sheet name."""
    names = report_names()
    return [s for s in book.sheets if is_marked(s) and _base(s.name) in names]


def free_name(name: str, taken: set) -> str:
    """`name`, else 'name (2)', 'name (3)' … (a user's sheet keeps its name)."""
    if name.casefold() not in taken:
        return name
    for i in range(2, 100):
        cand = f"{name[:26]} ({i})"
        if cand.casefold() not in taken:
            return cand
    raise ValueError(f"too many sheets named like '{name}'")


# ---------------------------------------------------------------- one sheet
def _layout(m) -> tuple[list[list], list]:
    """The sheet as one grid of values, and per block (block, title row, header row, first data row)."""
    rows: list[list] = [[m.title], [m.subtitle]]
    rows += [[n] for n in getattr(m, "notes", None) or []]
    rows += [[w] for w in getattr(m, "warnings", None) or []]
    rows.append([])
    spots = []
    for b in m.blocks:
        title_row = None
        if b.title:
            rows.append([b.title])
            title_row = len(rows)
        if getattr(b, "style", "table") == "charts":
            spots.append((b, title_row, None, len(rows) + 1))
            rows += [[] for _ in range(CHART_ROWS)]
            rows.append([])
            continue
        rows.append(list(b.header))
        header_row = len(rows)
        rows += [list(r) for r in b.rows]
        spots.append((b, title_row, header_row, header_row + 1))
        rows.append([])
    width = max(len(r) for r in rows)
    return [[text_safe(v) for v in r] + [None] * (width - len(r)) for r in rows], spots


def write_sheet(sheet, m, points: bool) -> Placed:
    """Write one model onto an empty sheet. `points`: column widths in points (Office.js) not characters."""
    values, spots = _layout(m)
    sheet.range((1, 1)).value = values
    sheet.range((1, 1)).font.bold = True
    sheet.range((1, 1)).font.size = 14
    widths: dict[int, int] = {}
    placed = Placed(m.key, sheet.name, next_row=len(values) + 2)
    for b, title_row, header_row, first in spots:
        if title_row:
            sheet.range((title_row, 1)).font.bold = True
        if header_row is None:            # charts: keep the room, the hook puts the pictures there
            kinds = getattr(b, "charts", None) or []
            placed.anchors += [(k, first, 1 + i * CHART_COLS) for i, k in enumerate(kinds)]
            continue
        _format_block(sheet, b, header_row, first, widths)
    _widths(sheet, widths, points)
    _freeze(sheet, m, spots)
    return placed


def _format_block(sheet, b, header_row: int, first: int, widths: dict) -> None:
    n_cols = len(b.header)
    if n_cols:
        head = sheet.range((header_row, 1), (header_row, n_cols))
        head.color = HEADER_FILL
        head.font.bold = True
        head.font.color = HEADER_FONT
        for j, h in enumerate(b.header, 1):
            widths[j] = max(widths.get(j, 0), min(xlsx.display_width(h), 24))
    last = first + len(b.rows) - 1
    if last >= first:
        for j, fmt in enumerate(b.formats or [], 1):
            if fmt in xlsx.FORMATS:
                sheet.range((first, j), (last, j)).number_format = xlsx.FORMATS[fmt]
        if b.row_formats:
            _row_formats(sheet, b, first)
    hl = getattr(b, "highlight", None) or []
    for i, row in enumerate(b.rows):
        if i < len(hl) and hl[i] and n_cols:     # Block.highlight: the whole row filled (unapproved entries)
            sheet.range((first + i, 1), (first + i, n_cols)).color = xlsx.PALETTE[hl[i]]
        for j, v in enumerate(row, 1):
            widths[j] = max(widths.get(j, 0), min(xlsx.display_width(_shown(v)) + 2, 60))
        if b.verdict_col is not None and b.verdict_col < len(row):
            fill = _verdict_fill(row[b.verdict_col])
            if fill:
                sheet.range((first + i, b.verdict_col + 1)).color = fill


def _row_formats(sheet, b, first: int) -> None:
    """Figure lists: each row's numbers have their own format (%, count, money); runs of equal rows at once."""
    numeric = [j for j in range(len(b.header)) if j != b.verdict_col and any(
        isinstance(r[j], (int, float)) and not isinstance(r[j], bool) for r in b.rows if j < len(r))]
    if not numeric:
        return
    c0, c1 = min(numeric) + 1, max(numeric) + 1
    start = 0
    for i in range(1, len(b.row_formats) + 1):
        if i == len(b.row_formats) or b.row_formats[i] != b.row_formats[start]:
            fmt = xlsx.FORMATS.get(b.row_formats[start])
            if fmt:
                sheet.range((first + start, c0), (first + i - 1, c1)).number_format = fmt
            start = i


def _shown(v):
    if isinstance(v, dt.datetime):
        return "2026-10-31 18:00"
    return v


def _verdict_fill(v):
    for key, color in FILLS.items():
        if v in L[key]:
            return color
    return None


def _widths(sheet, widths: dict, points: bool) -> None:
    for j, w in sorted(widths.items()):
        chars = max(8, w + 1)
        sheet.range((1, j)).column_width = round(chars * 6.5, 1) if points else chars


def _freeze(sheet, m, spots) -> None:
    """One table: keep its header in view; several blocks: keep the title in view."""
    tables = [s for s in spots if s[2] is not None]
    row = tables[0][2] + 1 if len(m.blocks) == 1 and tables else 3
    try:
        sheet.freeze_panes.freeze_at(f"A{row}")
    except Exception:   # an engine without frozen panes: the report stays correct without them
        pass
