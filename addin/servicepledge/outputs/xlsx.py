"""Write report sheets (sheets.SheetModel) to a new .xlsx with openpyxl, atomically.

Text is always written as text (never a live formula), numbers carry formats (percent, ¥ with
thousands separators, dates), headers are frozen and repeat on every printed page, pages print
A4 landscape fit-to-width with the title in the header and period, as_of and "page n of N" in the
footer. The dashboard is a fixed grid: headline cards, then room for the chart pictures
(charts.add_to_workbook fills it), then the detail tables. How pages break and print: outputs/pages.py.
"""
from __future__ import annotations

import datetime as dt
import io
from copy import copy
import math
import unicodedata
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.pagebreak import Break

from .atomic import write_file
from .charts import PALETTE
from .sheets import Block, SheetModel
from .pages import col_px, fits_one_page, keep_together, page_setup, print_in_parts

FORMATS = {"pct": "0.0%", "money": "¥#,##0.00;[Red]-¥#,##0.00", "date": "yyyy-mm-dd",
           "datetime": "yyyy-mm-dd hh:mm", "hours": "0.00", "int": "#,##0", "num": "#,##0.00"}


def _hex(key: str) -> str:
    return PALETTE[key].lstrip("#").upper()


HEADER_FILL = PatternFill("solid", fgColor=_hex("primary"))
HEADER_FONT = Font(bold=True, color="FFFFFF", name="Calibri")
THIN = Side(style="thin", color="BFBFBF")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
FONT_NAME = "Microsoft YaHei"   # titles
BODY_FONT = "Calibri"            # the workbook's default font: column widths are measured in it
MUTED = _hex("muted")
# dashboard grid: a label column, then 5 cards of 2 columns each; charts span the same width
DASH_WIDTHS = [24] + [13] * 10
CARDS_PER_ROW, CARD_COLS = 5, 2
CHART_HEIGHT_PX = {1: 430, 2: 290, 3: 270}
ROW_PX = 20                      # the height (15 pt) of the rows reserved under a picture
TEXT_CAP = 42                    # wider text wraps


def display_width(v, fmt=None) -> int:
    """Characters a value needs as displayed (CJK counts double)."""
    if v is None:
        return 0
    if isinstance(v, (dt.datetime, dt.date)):
        return 16 if fmt == "datetime" or (fmt is None and isinstance(v, dt.datetime) and (v.hour or v.minute)) else 10
    if isinstance(v, bool):
        s = str(v)
    elif isinstance(v, (int, float)):
        s = {"pct": f"{v:.1%}", "money": f"¥{v:,.2f}", "int": f"{v:,.0f}", "hours": f"{v:.2f}"}.get(fmt, f"{v:,.2f}")
    else:
        s = str(v)
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in max(s.split("\n"), key=len))


HEADER_ONE_LINE = 16   # a header up to this display width gets a column wide enough to keep it on one line
_OPEN, _AFTER = "(（[【", " /、，,;；:：-"
# words a Chinese header may end with: a sensible place to start the second line (服务费减免|合计)
_CJK_TAIL = ("合计", "剔除", "金额", "笔数", "人数", "日期", "时间", "期限", "编号", "记录", "比例", "用时", "达标率", "通知",
             "损失", "整改", "减免")


def _dw(s: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in s)


def _breakable(s: str, i: int) -> int:
    """How good a line break before s[i] is: 2 at a bracket, a space, a separator or a known word end,
    1 between two Chinese characters, 0 never (inside a word or number, before closing punctuation)."""
    a, b = s[i - 1], s[i]
    if b in _OPEN or a in _AFTER or any(s.startswith(w, i) and i + len(w) == len(s) for w in _CJK_TAIL):
        return 2
    if b in ")）]】、，,.。:：;；%" or a in _OPEN:
        return 0
    wide = lambda ch: unicodedata.east_asian_width(ch) in "WF"   # noqa: E731
    return 1 if wide(a) and wide(b) else 0


def header_lines(h: str) -> str:
    """A header too long for one line, on two lines broken at a sensible place: before a bracket
    (中位用时 / (小时)), after a space or separator, before the word it ends with (服务费减免 / 合计);
    two Chinese characters are the last resort, never inside a Latin word or a number."""
    h = str(h)
    if "\n" in h or len(h) < 2:
        return h
    best = None
    for i in range(1, len(h)):
        q = _breakable(h, i)
        if q:
            left, right = h[:i].rstrip(), h[i:].lstrip()
            key = (-q, max(_dw(left), _dw(right)))
            if left and right and (best is None or key < best[0]):
                best = (key, left + "\n" + right)
    return h if best is None else best[1]


def header_need(h) -> int:
    """Column width a header needs: its own width on one line, or its longer half on two lines."""
    h = "" if h is None else str(h)
    one = _dw(h)
    if one <= HEADER_ONE_LINE:
        return one + 2
    return max(_dw(x) for x in header_lines(h).split("\n")) + 2


def set_text_or_value(cell, v) -> None:
    """Strings go in as text even when they start with = + - @ (no formula injection)."""
    cell.value = v
    if isinstance(v, str):
        cell.data_type = "s"


def _font(**kw) -> Font:
    """Fonts always carry a name (a nameless font falls back to a serif face in LibreOffice)."""
    kw.setdefault("name", BODY_FONT)
    return Font(**kw)


def _words():
    from .labels import L
    words = {k: set(L[k]) for k in ("pass", "fail", "na")}
    words.update({f"status.{k}": set(L[k]) for k in STATUS_STYLE})
    return words


def _verdict_key(v, words) -> str | None:
    return next((k for k in ("pass", "fail", "na") if v in words[k]), None)


LIGHT = {"pass": ("met_light", "met"), "fail": ("breached_light", "breached"), "na": ("pending_light", "muted")}
STRONG = {"pass": "met", "fail": "breached", "na": "pending"}
STATUS_STYLE = {"overdue": ("breached_light", "breached"), "open": ("pending_light", "muted"),
                "remedied": ("met_light", "met"), "remedied_late": ("late_light", "muted")}


def _paint(cell, fill: str, font: str) -> None:
    cell.fill = PatternFill("solid", fgColor=_hex(fill))
    cell.font = _font(bold=True, color=_hex(font))


def _style_cell(c, cache: dict, key: tuple) -> None:
    """Style a data cell: border, number format, wrap, fill. openpyxl hashes every style object on
    assignment (20 s for a 10,000-row register), so each combination is built once and copied."""
    cached = cache.get(key)
    if cached is not None:
        c._style = copy(cached)
        return
    numfmt, wrap, paint, row_fill, top = key
    c.border = BORDER
    if numfmt:
        c.number_format = numfmt
    if wrap or top:
        c.alignment = Alignment(wrap_text=wrap, vertical="top")
    if row_fill:                # Block.highlight: the whole row filled (e.g. unapproved entries)
        c.fill = PatternFill("solid", fgColor=_hex(row_fill))
    if paint:
        _paint(c, *paint)
    cache[key] = copy(c._style)


def write_block(ws, top: int, b: Block, widths: dict, fixed: bool = False, wraps: list | None = None,
                narrow: bool = False, heads: list | None = None) -> int:
    """Write one table block from row `top`; return (next free row, header row). `narrow`: a block with fewer
    columns than the sheet's widest table, whose long last-column text may overflow to the right.

    On a fixed grid (the dashboard), a narrower block whose last column is text (the comparison's notes) has
    that column merged across the rest of the grid and wrapped there: the text stays inside the table, also
    when printed, instead of running past its border."""
    r = top
    last = len(b.header)
    span = (max(widths) - last if fixed and widths and last < max(widths) and len(b.formats) >= last
            and b.formats[last - 1] is None and any(isinstance(x[-1], str) for x in b.rows if x) else 0)
    span_w = sum(widths.get(k, 8) for k in range(last, last + span + 1))
    if b.title:
        c = ws.cell(r, 1)
        set_text_or_value(c, b.title)
        c.font = Font(bold=True, size=12, name=FONT_NAME, color=_hex("primary"))
        r += 1
    header_row = r
    for j, h in enumerate(b.header, 1):
        c = ws.cell(r, j)
        set_text_or_value(c, h)
        c.fill, c.font, c.border = HEADER_FILL, HEADER_FONT, BORDER
        c.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
        widths[j] = max(widths.get(j, 0), header_need(h)) if not fixed else widths.get(j, 8)
        if heads is not None and not (span and j == last):
            heads.append((r, j))
    if span:
        ws.merge_cells(start_row=r, start_column=last, end_row=r, end_column=last + span)
    words = _words()
    styles: dict = {}
    _cjk_height(ws, r, b.header)
    for i, row in enumerate(b.rows):
        r += 1
        _cjk_height(ws, r, row)
        row_fill = b.highlight[i] if b.highlight and i < len(b.highlight) else None
        # a row made taller by a wrapped cell reads across from its first line: all its cells top-aligned
        top = any(isinstance(v, str) and display_width(v) + 2 > TEXT_CAP for v in row[:last - 1 if narrow else last]
                  ) or bool(span and isinstance(row[-1], str)
                            and display_width(row[-1]) + 2 - 0.15 * sum(ch.isascii() for ch in row[-1]) > span_w)
        for j, v in enumerate(row, 1):
            c = ws.cell(r, j)
            set_text_or_value(c, v)
            fmt = b.formats[j - 1] if j - 1 < len(b.formats) else None
            if b.row_formats and isinstance(v, (int, float)) and not isinstance(v, bool):
                fmt = b.row_formats[i] or fmt
            numfmt = FORMATS[fmt] if fmt in FORMATS else FORMATS["datetime"] if isinstance(v, dt.datetime) else None
            w = display_width(v, fmt) + 2
            spans = bool(span) and j == last
            if spans and isinstance(v, str):    # Latin letters of the body font are ~0.85 of a width unit
                w -= 0.15 * sum(ch.isascii() for ch in v)
            overflow = narrow and j == last and isinstance(v, str) and not spans
            wrap = isinstance(v, str) and (spans or w > TEXT_CAP) and not overflow   # a span always wraps in it
            if wrap and wraps is not None:   # (its lines are counted at column j's width: scale to the span's)
                wraps.append((r, j, w * (widths.get(j, 8) - 1) / max(span_w - 1, 1) if spans else w))
            paint = None
            if b.verdict_col is not None and j - 1 == b.verdict_col:
                key = _verdict_key(v, words)
                paint = LIGHT[key] if key else None
            if b.status_col is not None and j - 1 == b.status_col:
                key = next((k for k in STATUS_STYLE if v in words[f"status.{k}"]), None)
                paint = STATUS_STYLE[key] if key else paint
            _style_cell(c, styles, (numfmt, wrap, paint, row_fill, top))
            if spans:
                ws.merge_cells(start_row=r, start_column=last, end_row=r, end_column=last + span)
            if not fixed:
                widths[j] = max(widths.get(j, 0), min(w, 16 if overflow else TEXT_CAP))
    return r + 2, header_row


CJK_ROW_PT = 17    # Chinese glyphs need a taller line than the 15 pt default row
SIGN_ROW_PT = 30   # a sign-off row: room for a handwritten name and date


def _cjk_height(ws, r: int, values) -> None:
    """Rows showing Chinese text get CJK_ROW_PT (else the glyphs sit on, or under, the row's edge)."""
    if any(isinstance(v, str) and any(unicodedata.east_asian_width(ch) in "WF" for ch in v) for v in values):
        ws.row_dimensions[r].height = max(ws.row_dimensions[r].height or 0, CJK_ROW_PT)


def _target_format(op: str, word: str, fmt: str | None, value) -> str:
    if fmt == "pct":
        base = "0%" if float(value * 100).is_integer() else "0.0%"
    else:
        base = {"int": "#,##0", "money": "¥#,##0"}.get(fmt, "0.##")
    sign = {">=": "≥", "<=": "≤"}.get(op, "")
    return f'"{word} {sign} "{base}'


def write_cards(ws, top: int, b: Block) -> int:
    """Headline figures as cards: label, figure, target, verdict (green/red/grey), 5 to a row."""
    words = _words()
    groups = b.groups or [(None, len(b.rows))]
    target_word = b.header[2] if len(b.header) > 2 else ""
    r, i = top, 0
    side = Side(style="thin", color="BFBFBF")
    for label, n in groups:
        for h, ht in zip(range(4), (22, 24, 13, 15)):
            ws.row_dimensions[r + h].height = ht
        ws.row_dimensions[r + 4].height = 5
        if label:
            ws.merge_cells(start_row=r, start_column=1, end_row=r + 3, end_column=1)
            c = ws.cell(r, 1)
            set_text_or_value(c, label)
            c.font = Font(bold=True, size=11, color=_hex("primary"), name=FONT_NAME)
            c.alignment = Alignment(vertical="center", wrap_text=True)
        for k in range(min(n, CARDS_PER_ROW)):
            if i >= len(b.rows):
                break
            name, value, target, verdict = b.rows[i][:4]
            fmt = b.row_formats[i] if b.row_formats else None
            op = b.row_ops[i] if b.row_ops else None
            c0 = 2 + k * CARD_COLS
            cells = []
            for h in range(4):
                ws.merge_cells(start_row=r + h, start_column=c0, end_row=r + h, end_column=c0 + CARD_COLS - 1)
                cells.append(ws.cell(r + h, c0))
            set_text_or_value(cells[0], name)
            cells[0].font = _font(size=9, color=MUTED, bold=True)
            cells[0].alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
            set_text_or_value(cells[1], "—" if value is None else value)
            if value is not None and fmt in FORMATS:
                cells[1].number_format = FORMATS[fmt]
            cells[1].font = _font(size=18, bold=True, color=_hex("primary"))
            cells[1].alignment = Alignment(horizontal="center", vertical="center")
            if target is not None:
                set_text_or_value(cells[2], target)
                cells[2].number_format = _target_format(op, target_word, fmt, target)
            cells[2].font = _font(size=9, color=MUTED)
            cells[2].alignment = Alignment(horizontal="center", vertical="center")
            set_text_or_value(cells[3], verdict)
            key = _verdict_key(verdict, words) or "na"
            if verdict:     # a figure without a target has no verdict bar
                cells[3].fill = PatternFill("solid", fgColor=_hex(STRONG[key]))
            cells[3].font = _font(size=10, bold=True, color="FFFFFF")
            cells[3].alignment = Alignment(horizontal="center", vertical="center")
            for h in range(4):      # outline of the card (each cell of the merged ranges)
                for cc in range(c0, c0 + CARD_COLS):
                    ws.cell(r + h, cc).border = Border(
                        left=side if cc == c0 else None, right=side if cc == c0 + CARD_COLS - 1 else None,
                        top=side if h == 0 else None, bottom=side if h == 3 else None)
            i += 1
        r += 5
    return r + 1


def split_columns(widths_px: list[int], n: int) -> list[tuple[int, int]]:
    """Columns (first index, count) of `n` side-by-side pictures of about equal width."""
    total, spans, start, acc = sum(widths_px), [], 0, 0
    for k in range(1, n + 1):
        goal = total * k / n
        end = start
        while end < len(widths_px) and (acc + widths_px[end] / 2) < goal:
            acc += widths_px[end]
            end += 1
        end = max(end, start + 1)
        spans.append((start, end - start))
        start = end
    return spans


def write_charts(ws, top: int, b: Block, widths: dict) -> int:
    """Reserve rows for the chart pictures of `b` side by side; record b.anchors for charts.py."""
    ncols = max(widths) if widths else len(DASH_WIDTHS)
    px = [col_px(widths.get(j, 8.43)) for j in range(1, ncols + 1)]
    n = max(1, len(b.charts))
    h_px = CHART_HEIGHT_PX.get(n, 300)
    rows = math.ceil(h_px / ROW_PX) + 1
    b.anchors = []
    for kind, (c0, span) in zip(b.charts, split_columns(px, n)):
        b.anchors.append((kind, f"{get_column_letter(c0 + 1)}{top}", sum(px[c0:c0 + span]) - 4, h_px))
    for k in range(rows):
        ws.row_dimensions[top + k].height = ROW_PX * 0.75
    return top + rows


def write_sheet(ws, m: SheetModel) -> None:
    set_text_or_value(ws.cell(1, 1), m.title)
    ws.cell(1, 1).font = Font(bold=True, size=15, name=FONT_NAME, color=_hex("primary"))
    ws.row_dimensions[1].height = 24
    set_text_or_value(ws.cell(2, 1), m.subtitle)
    ws.cell(2, 1).font = _font(color=MUTED)
    r = 3
    for note in m.notes:
        set_text_or_value(ws.cell(r, 1), note)
        ws.cell(r, 1).font = _font(size=9, color=MUTED)
        r += 1
    span = sum(DASH_WIDTHS)            # warnings wrap within the dashboard's width (never cut at the page edge)
    for line in m.warnings:
        c = ws.cell(r, 1)
        set_text_or_value(c, line)
        c.font = _font(size=10, bold=True, color=_hex("breached"))
        c.alignment = Alignment(wrap_text=True, vertical="top")
        ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=len(DASH_WIDTHS))
        ws.row_dimensions[r].height = CJK_ROW_PT * math.ceil(display_width(line) / span)
        r += 1
    if m.notes or m.warnings:
        ws.row_dimensions[r].height = 6
    r += 1
    fixed = any(b.style == "cards" for b in m.blocks)
    widths: dict = {j: w for j, w in enumerate(DASH_WIDTHS, 1)} if fixed else {}
    tables, wraps, kept, heads = [], [], [], []
    widest = max((len(b.header) for b in m.blocks if b.style == "table"), default=0)
    for b in m.blocks:
        if b.page_break and r > 1:
            ws.row_breaks.append(Break(id=r - 1))
        top = r
        if b.style == "cards":
            r = write_cards(ws, r, b)
        elif b.style == "charts":
            r = write_charts(ws, r, b, widths)
        else:
            r, header_row = write_block(ws, r, b, widths, fixed, wraps, narrow=len(b.header) < widest,
                                        heads=heads)
            if b.style == "signoff":    # room to sign and date by hand
                for k in range(len(b.rows)):
                    ws.row_dimensions[header_row + 1 + k].height = SIGN_ROW_PT
                    ws.cell(header_row + 1 + k, 1).alignment = Alignment(vertical="center")
            else:
                tables.append((b, header_row))
            if b.keep_together:
                kept.append((top, r - 2))
    # one table: keep its header in view; otherwise keep the title in view
    ws.freeze_panes = f"A{tables[0][1] + 1}" if not fixed and len(tables) == 1 else "A3"
    # the long list repeats its header on every printed page (figure lists are not lists)
    lists = [t for t in tables if not t[0].row_formats] or tables
    longest = max(reversed(lists), key=lambda t: len(t[0].rows), default=None)
    if longest is not None and len(longest[0].rows) and not fixed:
        ws.print_title_rows = f"{longest[1]}:{longest[1]}"
    final = {j: (w if fixed else max(8, w + 1)) for j, w in widths.items()}
    for j, w in final.items():
        ws.column_dimensions[get_column_letter(j)].width = w
    for row, j in heads:        # a header wider than its column: two lines broken where a reader expects
        c = ws.cell(row, j)
        if c.value is not None and _dw(str(c.value)) + 1 > final.get(j, 8):
            set_text_or_value(c, header_lines(c.value))
        lines = sum(math.ceil(_dw(x) / max(final.get(j, 8) - 1, 1)) or 1 for x in str(c.value or "").split("\n"))
        if lines > 1:
            ws.row_dimensions[row].height = max(ws.row_dimensions[row].height or 15, CJK_ROW_PT * lines)
    for row, j, w in wraps:     # LibreOffice and Excel do not grow rows for wrapped text on open
        lines = math.ceil(w / max(final.get(j, 8) - 1, 1))
        if lines > 1:
            ws.row_dimensions[row].height = max(ws.row_dimensions[row].height or 15, CJK_ROW_PT * lines)
    if m.print_area:               # title to the last block: sign-off and audit facts are on the printed page
        ws.print_area = f"A1:{get_column_letter(max(final) if final else 1)}{max(r - 2, 1)}"
    one_page = fits_one_page(ws, final, r)
    if kept and not one_page and not fixed:
        keep_together(ws, final, r - 2, kept, longest)
    page_setup(ws, m, one_page)
    parted = next(((b, h) for b, h in tables if b.print_parts), None)
    if parted is not None:
        print_in_parts(ws, parted[0].print_parts, final, parted[1], parted[1] + len(parted[0].rows))


def new_workbook(models: list[SheetModel]) -> Workbook:
    wb = Workbook()
    wb.remove(wb.active)
    for m in models:
        write_sheet(wb.create_sheet(m.name[:31]), m)
    return wb


def save_atomic(wb: Workbook, out: Path, lang: str = "zh", inputs=()) -> Path:
    """Save an openpyxl workbook atomically (see atomic.write_atomic).

    The workbook is zipped in memory first: a disk that fills up mid-save then fails one plain write,
    instead of leaving openpyxl's half-closed zip to fail again (with a traceback) when it is collected.
    """
    buf = io.BytesIO()
    wb.save(buf)
    data = buf.getvalue()
    return write_file(out, lambda tmp: Path(tmp).write_bytes(data), lang, inputs)
