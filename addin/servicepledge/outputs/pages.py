"""How a report sheet prints: A4 landscape page set-up, where the printer will break pages, keeping a block on
one page, and wide lists printed in readable parts across. Widths in Excel's characters, pages in pixels."""
from __future__ import annotations

import math

from openpyxl.utils import get_column_letter
from openpyxl.worksheet.pagebreak import Break

from .sheets import SheetModel


def col_px(width: float) -> int:
    """Pixels of a column `width` characters wide (Excel's rule for the default 11 pt font)."""
    return int(round(width * 7 + 5))


def page_starts(ws, widths: dict, last_row: int, slack: float = 1.0, default_pt: float = 15) -> list[int]:
    """The first row of each printed page (fit to width, A4 landscape), as the printer will break them:
    rows fill a page until the next would not fit; manual breaks start a page; repeated header rows take room.
    The fit-to-width zoom is a whole percent, rounded down (as LibreOffice and Excel do); `slack` < 1 assumes
    a shorter page, for the renderers' small differences; `default_pt` is the height of a row without its own
    (Excel 15 pt, LibreOffice 12.8 pt)."""
    scale = min(1.0, math.floor(PAGE_W_PX / max(sum(col_px(w) for w in widths.values()), 1) * 100) / 100)
    room = PAGE_H_PX / max(scale, 0.1) * slack
    manual = {b.id + 1 for b in ws.row_breaks.brk}
    title = 0.0
    if ws.print_title_rows:
        first = int(str(ws.print_title_rows).split(":")[0].lstrip("$"))
        title = (ws.row_dimensions[first].height or default_pt) / 0.75
    starts, used = [1], 0.0
    for i in range(1, last_row + 1):
        h = (ws.row_dimensions[i].height or default_pt) / 0.75
        if i in manual or (used + h > room and i > starts[-1]):
            starts.append(i)
            used = title
        used += h
    return starts


def keep_together(ws, widths: dict, last_row: int, kept: list, longest) -> None:
    """A page break before each keep-together block that would otherwise be split (the sign-off block), and the
    long list's header repeated only when that list really runs over a page (else it would head the sign-off page)."""
    # Excel: the body between the margins, 15 pt rows; LibreOffice: header and footer inside the margins (a
    # taller body, ~4%), 12.8 pt rows; and 4% shorter for safety
    guesses = [(slack, pt) for slack in (0.96, 1.0, 1.05) for pt in (15, 12.8)]
    for top, bottom in kept:        # split in any of the renderers' pages: break before it
        if any(top < s <= bottom for g in guesses for s in page_starts(ws, widths, last_row, *g)):
            ws.row_breaks.append(Break(id=top - 1))
    if longest is not None and ws.print_title_rows:
        b, header = longest
        end = header + len(b.rows)
        if not any(header < s <= end for g in guesses for s in page_starts(ws, widths, last_row, *g)):
            ws.print_title_rows = None


# A4 landscape inside the margins below, in screen pixels
PAGE_W_PX, PAGE_H_PX = (11.69 - 0.8) * 96, (8.27 - 1.2) * 96


def fits_one_page(ws, widths: dict, last_row: int) -> bool:
    """Whether the sheet is only a little taller than one page at fit-to-width scale (then it is
    shrunk onto one page instead of spilling a few rows onto a second)."""
    scale = min(1.0, PAGE_W_PX / max(sum(col_px(w) for w in widths.values()), 1))
    height = sum((ws.row_dimensions[i].height or 15) / 0.75 for i in range(1, last_row + 1))
    return height * scale <= PAGE_H_PX * 1.35 and not ws.row_breaks.brk


MIN_PRINT_SCALE = 80     # percent: a list printed in parts is never shrunk below this (11 pt → ≥ 8.8 pt)


def print_in_parts(ws, starts: list, widths: dict, header_row: int, last_row: int) -> None:
    """Print a wide list in parts across, so its text stays readable on A4 instead of 16 columns squeezed
    onto one page width: one print range per part (the first with the title, the next ones from the
    header row), the first column (the reference) repeated on every page, at one scale that fits the
    widest part (never under MIN_PRINT_SCALE)."""
    ncols = max(widths) if widths else 1
    bounds = [0, *starts, ncols]
    key = col_px(widths.get(1, 8))
    parts = [sum(col_px(widths.get(j + 1, 8)) for j in range(a, b)) + (key if a else 0)
             for a, b in zip(bounds, bounds[1:])]
    L = get_column_letter
    ws.print_area = [f"A1:{L(bounds[1])}{last_row}"] + [f"{L(a + 1)}{header_row}:{L(b)}{last_row}"
                                                         for a, b in zip(bounds[1:-1], bounds[2:])]
    ws.print_title_cols = "A:A"
    ws.sheet_properties.pageSetUpPr.fitToPage = False
    ws.page_setup.fitToWidth = ws.page_setup.fitToHeight = None
    # 6 % margin: LibreOffice lays the columns out a little wider than col_px (the English register at the
    # exact fit lost its last column to a third page); a part wider still spills its last columns onto
    # another page with the reference repeated
    ws.page_setup.scale = max(MIN_PRINT_SCALE, min(100, int(PAGE_W_PX * 100 / (max(parts) * 1.06))))


def page_setup(ws, m: SheetModel, one_page: bool = False) -> None:
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 1 if one_page else 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = ws.page_margins.bottom = 0.6
    ws.page_margins.header = ws.page_margins.footer = 0.25
    ws.oddHeader.center.text = m.title.replace("&", "&&")
    ws.oddHeader.center.size = 9
    ws.oddFooter.left.text = m.subtitle.replace("&", "&&")
    if m.footer:
        ws.oddFooter.center.text = m.footer.replace("&", "&&")
        ws.oddFooter.center.size = 7
    ws.oddFooter.left.size = 8
    ws.oddFooter.right.text = m.page_label
    ws.oddFooter.right.size = 8
