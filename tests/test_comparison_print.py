"""Issue 13: the comparison page's notes stay inside the table when printed.

The dashboard is a fixed grid of 11 columns (24 + 10 × 13 width units); the comparison has 7 columns, so its
note column G is merged across G:K (13 × 5 = 65 units) and wraps there, instead of running past the table's
border into empty cells (what LibreOffice printed before).
"""
import pytest
from openpyxl import load_workbook

from servicepledge.cli import sample_path
from servicepledge.inputs.reader import read_workbook
from servicepledge.outputs.labels import t
from servicepledge.outputs.output import write_report
from servicepledge.report import compute

AS_OF = "2026-10-31 18:00"


@pytest.fixture(scope="module")
def book():
    return read_workbook(sample_path())


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_comparison_notes_are_merged_across_the_grid_and_wrap(book, lang, tmp_path):
    r = compute(book.tables, book.issues, as_of=AS_OF, lang=lang)
    ws = load_workbook(write_report(r, tmp_path / "r.xlsx")).worksheets[0]
    title_row = next(c.row for c in ws["A"] if c.value == t("title.comparison", lang))
    head = title_row + 1
    assert ws.cell(head, 7).value == t("cmp.note", lang)
    merged = {str(m) for m in ws.merged_cells.ranges}
    rows = range(head + 1, head + 1 + 13)                    # the 13 compared figures
    assert all(f"G{k}:K{k}" in merged for k in [head, *rows])
    notes = [(k, ws.cell(k, 7).value) for k in rows if ws.cell(k, 7).value]
    # the sample's tickets begin 2025-11-01, so 2025-10 (a year earlier) has no data: several notes, one long
    long = [(k, v) for k, v in notes if len(v) > 30]
    assert long, notes
    for k, v in long:
        assert ws.cell(k, 7).alignment.wrap_text, (k, v)
        assert all(ws.cell(k, j).value is None for j in range(12, 16))   # nothing past the grid
    # a note longer than the 65-unit span gets a taller row: the zh Breach items note is 2 lines
    if lang == "zh":
        k, v = next((k, v) for k, v in long if v.startswith("服务工单、客户投诉"))
        assert ws.row_dimensions[k].height >= 2 * 17
