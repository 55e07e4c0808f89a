"""The warnings channel: a warning raised while reading reaches the JSON, the dashboard and the console."""
from __future__ import annotations

import io
from contextlib import redirect_stdout
from pathlib import Path

from servicepledge import cli
from servicepledge.outputs import sheets, xlsx
from servicepledge.inputs import tables as T
from servicepledge.report import compute

from helpers import build
from servicepledge.inputs.schema import TICKETS

# every Tickets column present (a missing optional column is itself a warning)
FULL_TICKET = {**{c: None for c in TICKETS.names}, "ticket_id": "T1", "opened_at": "2026-10-05 09:00"}


def _report(lang="zh"):
    issues = T.Issues()
    issues.warn("test_code", "Tickets", "first_response_at", "中文提示", "English note")
    issues.warn("test_code", "Tickets", "first_response_at", "中文提示", "English note")   # once only
    tables, issues = build(issues, Tickets=[FULL_TICKET])
    return compute(tables, issues, period="2026-10", as_of="2026-10-31", lang=lang)


def test_warning_reaches_json_dashboard_and_console(tmp_path: Path):
    r = _report("zh")
    assert r.doc["warnings"] == [{"code": "test_code", "table": "Tickets", "column": "first_response_at",
                                  "message": "中文提示"}]
    assert _report("en").doc["warnings"][0]["message"] == "English note"
    dash = sheets.dashboard(r)
    assert dash.warnings == ["⚠ 注意：中文提示"]
    out = tmp_path / "r.xlsx"
    xlsx.save_atomic(xlsx.new_workbook(sheets.build(r)), out)
    import openpyxl
    ws = openpyxl.load_workbook(out)[dash.name]
    texts = [ws.cell(i, 1).value for i in range(1, 10)]
    assert "⚠ 注意：中文提示" in texts
    row = texts.index("⚠ 注意：中文提示") + 1
    # a warning wraps across the dashboard's width instead of running off the printed page
    assert f"A{row}:K{row}" in {str(m) for m in ws.merged_cells.ranges}
    assert ws.cell(row, 1).alignment.wrap_text
    buf = io.StringIO()
    with redirect_stdout(buf):
        cli._summary(r, out)
    assert "警告：中文提示" in buf.getvalue().splitlines()         # a zh report: the console in zh too


def test_no_warning_no_line():
    tables, issues = build(Tickets=[FULL_TICKET])
    r = compute(tables, issues, period="2026-10", as_of="2026-10-31")
    assert r.doc["warnings"] == []
    assert sheets.dashboard(r).warnings == []
