"""Issue 9 inside Excel: the SP_ functions name a missing column, the report button sees rows below a Table.

SP_ calls go through xlwings.server.custom_functions_call with arguments as Office.js sends them
(dates as serial numbers, empty cells as ""); the report button's reader gets an xlwings Book built
from the JSON payload of the xlwings client.
"""
from __future__ import annotations

import datetime as dt

import openpyxl
from openpyxl.worksheet.table import Table

from excel_helpers import date_system  # noqa: F401 (pytest fixture)
from excel_helpers import as_arg, book_json, call, server_mode

xw = server_mode()

from servicepledge.excel import functions as F  # noqa: E402
from servicepledge.excel.book import read_book  # noqa: E402
from servicepledge.report import compute  # noqa: E402
from servicepledge.inputs.schema import TABLES  # noqa: E402

D = dt.datetime
TERMS_EN = [["参数", "值"], ["lang", "en"]]


def tickets(head3="首次响应时间"):
    # T1 answered after 1 h, T2 after 5 h (breached against the 2 h promise)
    return as_arg([["工单编号", "受理时间", head3],
                   ["T1", D(2026, 10, 5, 9), D(2026, 10, 5, 10)],
                   ["T2", D(2026, 10, 6, 9), D(2026, 10, 6, 14)]])


def test_sp_compliance_names_the_missing_column():
    assert call(F, "SP_COMPLIANCE", tickets(), "2026-10", "response", "2026-10-31 18:00", "") == [[0.5]]   # 1 of 2
    got = call(F, "SP_COMPLIANCE", tickets("首次响应时问"), "2026-10", "response", "2026-10-31 18:00", "")
    assert got == [["#SP! 缺少列 首次响应时间 (first_response_at)；列名『首次响应时问』未识别：首次响应达标率无法计算"]]
    got = call(F, "SP_COMPLIANCE", tickets("首次响应时问"), "2026-10", "response", "2026-10-31 18:00", TERMS_EN)
    assert got == [["#SP! missing column 首次响应时间 (first_response_at); header '首次响应时问' not recognised: "
                    "first-response compliance cannot be computed"]]


def test_sp_turnover_names_the_missing_column():
    staff = as_arg([["工号", "入职日期", "离职时间"], ["S1", D(2025, 1, 1), D(2026, 9, 30)], ["S2", D(2025, 1, 1), ""]])
    got = call(F, "SP_TURNOVER", staff, "2026-10", "")
    assert got == [["#SP! 缺少列 离职日期 (left_on)；列名『离职时间』未识别：人员流失率无法计算"]]


def test_sp_complaints_marks_only_the_metric_without_its_column():
    cp = as_arg([["投诉编号", "投诉时间", "受理时间"], ["C1", D(2026, 10, 5, 9), D(2026, 10, 5, 10)]])
    got = call(F, "SP_COMPLAINTS", cp, "2026-10", "2026-10-31 18:00", "")
    comp = got[0].index("达标率")
    assert got[1][comp] == 1.0                                         # accepted within 24 h
    assert got[2][comp] == "#SP! 缺少列 进展反馈时间 (progress_at)：投诉进展反馈达标率无法计算"
    assert got[3][comp] == "#SP! 缺少列 最终答复时间 (final_reply_at)：投诉最终答复达标率无法计算"


def test_report_button_sees_rows_below_the_table(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "服务工单"
    ws.append(["工单编号", "受理时间", "首次响应时间"])
    ws.append(["T1", D(2026, 10, 5, 9), D(2026, 10, 5, 10)])
    for i in range(2, 7):           # T2-T6 typed under the Table's range A1:C2
        ws.append([f"T{i}", D(2026, 10, 5 + i, 9), D(2026, 10, 5 + i, 10)])
    ws.add_table(Table(displayName="Tickets", ref="A1:C2"))
    path = tmp_path / "below.xlsx"
    wb.save(path)
    bt = read_book(xw.Book(json=book_json(path)))
    r = compute(bt.tables, bt.issues, period="2026-10", as_of="2026-10-31 18:00", lang="en")
    assert r.doc["response"]["met"] == 1
    assert [i["row"] for i in r.doc["data_issues"]] == [3, 4, 5, 6, 7]
    assert r.doc["warnings"][0]["message"] == (
        "Table Tickets ends at row 2 but rows 3–7 below it hold data (5 rows, not read, not in any figure): "
        "extend the Table (Table Design → Resize Table) and run the report again")


def test_sp_warnings_lists_what_reading_and_computing_found():
    # the typo'd header (found while reading the argument) and the empty complaint month reach the cells
    empty = ""
    got = call(F, "SP_WARNINGS", tickets("首次响应时问"), empty, empty, empty, empty, empty, "2026-10",
               "2026-10-31 18:00", "", "")
    lines = [r[0] for r in got]
    assert lines[0] == "注意事项"
    assert "服务工单：列『首次响应时问』未识别，是否应为『首次响应时间』(first_response_at)？首次响应达标率无法计算" in lines
    # the unknown header is also a data issue: counted in the last line
    assert lines[-1] == "另有 1 处数据问题：生成报告后在“数据问题”表查看明细"
    # capped: 2 rows at most -> the first warning, then how many more
    capped = [r[0] for r in call(F, "SP_WARNINGS", tickets("首次响应时问"), empty, empty, empty, empty, empty,
                                 "2026-10", "2026-10-31 18:00", "", 2)]
    assert len(capped) == 3 and capped[1] == lines[1]
    assert capped[2] == f"……另有 {len(lines) - 2} 条，生成报告查看全部"
    # nothing to say: one row "无"
    full = as_arg([[c.aliases[0] for c in TABLES["Tickets"].columns],
                   ["T1", D(2026, 10, 5, 9), "P2", "否", D(2026, 10, 5, 10)] + [""] * 10])
    assert call(F, "SP_WARNINGS", full, empty, empty, empty, empty, empty, "2026-10", "2026-10-31 18:00", "", "") \
        == [["注意事项"], ["无"]]
