"""The file reader and the Excel-argument reader agree on random workbooks (issue 5).

Random ticket tables — mixed types, blanks, Chinese or upper-cased headers in random order, the
1900 or the 1904 date system — are written to real .xlsx files with openpyxl, then read back by
`read_workbook` (python-calamine). The figures and data issues must equal those of `from_grid` on
the same cells, and nothing may raise.
"""
import datetime as dt

import openpyxl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl.utils.datetime import CALENDAR_MAC_1904

from servicepledge.inputs import tables as T
from servicepledge.inputs.reader import read_workbook
from servicepledge.report import compute

HEADERS = [("ticket_id", "工单编号"), ("opened_at", "受理时间"), ("first_response_at", "首次响应时间"),
           ("priority", "优先级"), ("quality_ok", "质量达标"), ("service_fee", "服务费用")]
when = st.datetimes(min_value=dt.datetime(2026, 9, 20), max_value=dt.datetime(2026, 11, 10)).map(
    lambda d: d.replace(microsecond=0))
text = st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=0x9fff, blacklist_categories=("Cs",)),
               max_size=6).filter(lambda s: not s.startswith(("=", "+", "-", "@")))
cell = st.one_of(st.none(), when, text, st.integers(-5, 50000), st.booleans(),
                 st.sampled_from(["2026-10-05 14:30", "2026/10/06", "P1", "紧急", "是", "否", "¥1,200", "bad"]))


@st.composite
def workbooks(draw):
    order = draw(st.permutations(range(len(HEADERS))))
    head = [draw(st.sampled_from(HEADERS[j])) for j in order]
    head = [h.upper() if draw(st.booleans()) else h for h in head]
    rows = []
    for i in range(draw(st.integers(1, 15))):
        row = [f"T{i}", draw(cell), draw(cell), draw(cell), draw(cell), draw(cell)]
        rows.append([row[j] for j in order])
    return [head] + rows, draw(st.booleans())


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                  HealthCheck.function_scoped_fixture])
@given(workbooks())
def test_file_reader_equals_grid_reader(tmp_path, case):
    grid, date1904 = case
    wb = openpyxl.Workbook()
    if date1904:
        wb.epoch = CALENDAR_MAC_1904
    ws = wb.active
    ws.title = "服务工单"
    for r in grid:
        ws.append(r)
    path = tmp_path / "random.xlsx"
    wb.save(path)

    book = read_workbook(path)
    assert book.date1904 == date1904
    issues = T.Issues()
    from_cells = T.from_grid("Tickets", grid, date1904=date1904, issues=issues)
    a = book["Tickets"].df.drop(columns="_row")
    b = from_cells.df.drop(columns="_row")
    assert a.astype(str).equals(b.astype(str))
    key = sorted((i["row"], i["column"], i["problem"]) for i in book.issues.rows)
    assert key == sorted((i["row"], i["column"], i["problem"]) for i in issues.rows)
    r = compute(book.tables, book.issues, period="2026-10", as_of="2026-10-31 18:00")
    assert r.doc["response"]["total"] + r.doc["response"]["excluded"] >= 0
