"""Issue 13 item 4: the template prints on A4 in the orientation each sheet needs, never below 60%.

Widths are Excel column-width units (about one Latin character at 11 pt): an A4 portrait page holds ~110 at
85%, a landscape page ~140 at 100%. A sheet is portrait when its columns fit 110, else landscape; fit to the
width when that prints at 60% or more (≤ 140 / 0.6 ≈ 233 units), else 60% on pages side by side.
"""
import openpyxl
import pytest
from openpyxl.utils import get_column_letter

from servicepledge.template import write_template


def _width(ws) -> float:
    dims = [ws.column_dimensions.get(get_column_letter(j)) for j in range(1, ws.max_column + 1)]
    return sum(d.width if d is not None and d.customWidth else 8.43 for d in dims)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_sheet_is_a4_in_its_orientation(tmp_path, lang):
    wb = openpyxl.load_workbook(write_template(tmp_path / "t.xlsx", lang=lang))       # as a user opens it
    seen = {}
    for ws in wb.worksheets:
        ps = ws.page_setup
        assert int(ps.paperSize) == 9, ws.title                 # 9 = A4 in SpreadsheetML
        w = _width(ws)
        assert ps.orientation == ("portrait" if w <= 110 else "landscape"), (ws.title, w)
        fit = ws.sheet_properties.pageSetUpPr.fitToPage
        if w <= 140 / 0.6:
            assert fit and int(ps.fitToWidth) == 1 and int(ps.fitToHeight) == 0, ws.title
        else:
            assert not fit and int(ps.scale) == 60 and ws.print_title_cols == "$A:$A", ws.title
        if ws.tables:
            assert ws.print_title_rows == "$1:$1", ws.title      # the header on every page
        seen[ws.title] = (ps.orientation, bool(fit))
    names = {"zh": ("使用说明", "服务工单", "合同", "节假日"), "en": ("Instructions", "Tickets", "Contracts", "Holidays")}[lang]
    instructions = next(k for k in seen if k.startswith(names[0][:2]) or names[0] in k)
    # the instructions: one 100-wide column -> portrait; Tickets 18 columns (281 wide) and Contracts 29 columns:
    # landscape at 60% (fit to width would print them at 50% and 30%); Holidays two columns -> portrait
    assert seen[instructions] == ("portrait", True)
    assert seen[names[1]] == ("landscape", False) and seen[names[2]] == ("landscape", False)
    assert seen[names[3]] == ("portrait", True)
