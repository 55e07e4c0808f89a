"""Property (issue 9): for random workbooks with header typos and rows outside the Table, every input
row is counted in a figure, listed as a data issue, or outside the period; every unknown header is reported.

Workbooks are written with openpyxl (a Table over part of the rows), read by python-calamine. The
expectation is computed from the values written, independently of the engine: a row whose opening
time is an October 2026 date must be in the response figure's total or its `excluded`; a row whose
opening time is not a date must be a data issue at its row; rows under the Table must be data issues.
"""
from __future__ import annotations

import datetime as dt

import openpyxl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl.worksheet.table import Table

from servicepledge.inputs.headers import column_letter
from servicepledge.inputs.reader import read_workbook
from servicepledge.report import compute
from servicepledge.inputs.schema import TICKETS, header_key

OPTIONAL = ["first_response_at", "priority", "complex", "quality_ok", "service_fee", "customer", "engineer"]
KNOWN = {header_key(x) for c in TICKETS.columns for x in (c.name, *c.aliases)}
when = st.datetimes(min_value=dt.datetime(2026, 9, 1), max_value=dt.datetime(2026, 11, 30)).map(
    lambda d: d.replace(second=0, microsecond=0))
opened = st.one_of(when, st.sampled_from(["bad", "2026-13-40", "明天"]))
response = st.one_of(st.none(), when, st.just("soon"))


def header_for(col: str, zh: bool) -> str:
    c = TICKETS.column(col)
    return c.aliases[0] if zh else c.name


@st.composite
def typo(draw, text: str) -> str:
    """One character replaced or deleted (never a spelling the schema knows)."""
    i = draw(st.integers(0, len(text) - 1))
    sub = draw(st.sampled_from(["问", "x", "的", "", "k"]))
    out = text[:i] + sub + text[i + 1:]
    return out if out.strip() and header_key(out) not in KNOWN else text + "栏"


@st.composite
def workbooks(draw):
    zh = draw(st.booleans())
    cols = ["ticket_id", "opened_at"] + draw(st.lists(st.sampled_from(OPTIONAL), unique=True, max_size=5))
    head = [header_for(c, zh) for c in cols]
    for j in range(2, len(head)):                      # typos only in optional headers
        if draw(st.integers(0, 3)) == 0:
            head[j] = draw(typo(head[j]))
    if draw(st.booleans()):
        head.append("备注")                           # a column of the user's own
    if len({header_key(h) for h in head}) < len(head):
        head = [h if i < 2 else f"{h}{i}" for i, h in enumerate(head)]
    n_in, n_below = draw(st.integers(1, 8)), draw(st.integers(0, 4))
    rows = []
    for i in range(n_in + n_below):
        vals = {"ticket_id": f"T{i}", "opened_at": draw(opened), "first_response_at": draw(response)}
        rows.append([vals.get(c) for c in cols] + ([None] if len(head) > len(cols) else []))
    beside = draw(st.booleans())
    return head, cols, rows, n_in, beside


def expected_unknown(head, cols):
    """Headers that are neither a known spelling nor the first use of one."""
    seen, out = set(), []
    for h in head:
        k = header_key(h)
        if k in KNOWN and k not in seen:
            seen.add(k)
        else:
            out.append(h)
    return out


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                  HealthCheck.function_scoped_fixture])
@given(workbooks())
def test_every_row_and_header_is_accounted_for(tmp_path, case):
    head, cols, rows, n_in, beside = case
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Data"
    ws.append(head)
    for r in rows:
        ws.append(r)
    if beside:
        ws.cell(2, len(head) + 1, "note")
    ws.add_table(Table(displayName="Tickets", ref=f"A1:{column_letter(len(head))}{1 + n_in}"))
    path = tmp_path / "random.xlsx"
    wb.save(path)

    book = read_workbook(path)
    r = compute(book.tables, book.issues, period="2026-10", as_of="2026-11-15 18:00", lang="en")
    issues = r.doc["data_issues"]
    at = {i["row"] for i in issues}

    # every unknown header: a data issue on the header row naming it
    reported = {i["column"] for i in issues if i["row"] == 1}
    for h in expected_unknown(head, cols):
        assert h in reported, (h, head, issues)
    if beside:
        assert column_letter(len(head) + 1) in reported

    # rows under the Table: each a data issue
    for k in range(n_in, len(rows)):
        assert k + 2 in at

    # rows of the Table: counted, a data issue, or outside the period
    oi = cols.index("opened_at")
    inside = rows[:n_in]
    in_oct = [i for i, row in enumerate(inside) if isinstance(row[oi], dt.datetime) and row[oi].month == 10]
    not_date = [i for i, row in enumerate(inside) if not isinstance(row[oi], dt.datetime)]
    for i in not_date:
        assert i + 2 in at
    x = r.doc["response"]
    if x["unavailable"]:
        # no figure at all, never a zero: the missing column is named and, if misspelt, reported
        assert "first_response_at" in x["unavailable"]
        assert "first_response_at" not in cols or any(i["row"] == 1 for i in issues)
    else:
        assert x["total"] + x["excluded"] == len(in_oct) + len(not_date)
        for i in in_oct:
            resp = inside[i][cols.index("first_response_at")]
            if resp == "soon":
                assert i + 2 in at
