"""Issue 9, items 1-2: headers that match no column and rows outside an Excel Table are never silent.

Workbooks are written with openpyxl as a user would make them (a Table over the typed rows), then
read through `servicepledge report --json` (a subprocess) and the in-process API, with the
python-calamine fast path and the openpyxl fallback.
"""
from __future__ import annotations

import datetime as dt
import json
import sys

import openpyxl
import pytest
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.table import Table

from helpers import cli, write_book
from servicepledge.outputs import sheets
from servicepledge.inputs.headers import suggest
from servicepledge.inputs.reader import read_workbook
from servicepledge.report import compute
from servicepledge.inputs.schema import STAFF, TABLES, TICKETS

D = dt.datetime
TICKET_HEAD = [c.aliases[0] for c in TICKETS.columns]          # 工单编号, 受理时间, 优先级, … (the template's)
LAST = chr(ord("A") + len(TICKET_HEAD) - 1)                    # the Table's last column (Q with the due columns)


def _ticket(i, opened, response, **kw):
    row = {c.name: None for c in TICKETS.columns}
    row.update(ticket_id=f"T{i}", opened_at=opened, first_response_at=response, priority="P3", complex="否",
               quality_ok="是", service_fee=100)
    row.update(kw)
    return [row[c.name] for c in TICKETS.columns]


write = write_book   # sheet name -> rows (first = header); tables: Table name -> (sheet, ref)


def cli_json(path, *args):
    p = cli("report", str(path), "--json", *args, timeout=120)
    assert p.returncode == 0, p.stderr
    return json.loads(p.stdout)


def in_process(path, calamine=True, monkeypatch=None, **kw):
    if not calamine:
        monkeypatch.setitem(sys.modules, "python_calamine", None)     # the Pyodide / minimal-install path
    wb = read_workbook(path)
    return compute(wb.tables, wb.issues, **kw)


ARGS = ("--period", "2026-10", "--as-of", "2026-10-31 18:00")
KW = dict(period="2026-10", as_of="2026-10-31 18:00")


# ---------------------------------------------------------------- did-you-mean
@pytest.mark.parametrize("table,header,expect", [
    ("Tickets", "首次响应时问", "first_response_at"),      # one character wrong
    ("Staff", "离职时间", "left_on"),                      # 时间 for 日期
    ("Tickets", "first_respons_at", "first_response_at"),
    ("Tickets", "First Response At", "first_response_at"),
    ("Tickets", "响应时间", "first_response_at"),          # a shortened name
    ("FundLedger", "财务审批", "approved"),
    ("Tickets", "备注", None),                             # a column of the user's own
    ("Tickets", "处理人", None),
])
def test_did_you_mean(table, header, expect):
    c = suggest(TABLES[table], header)
    assert (c.name if c else None) == expect


# ---------------------------------------------------------------- the typo 首次响应时问
def _typo_book(tmp_path):
    head = ["首次响应时问" if h == "首次响应时间" else h for h in TICKET_HEAD]
    # 6 tickets opened in October; responses 1 h after opening (met under the 2 h promise)
    rows = [_ticket(i, D(2026, 10, 5 + i, 9), D(2026, 10, 5 + i, 10)) for i in range(1, 7)]
    return write(tmp_path / "typo.xlsx", {"服务工单": [head, *rows]}, {"Tickets": ("服务工单", f"A1:{get_column_letter(len(head))}7")})


TYPO_WARNING = ("服务工单：列『首次响应时问』未识别，是否应为『首次响应时间』(first_response_at)？首次响应达标率无法计算")
TYPO_ISSUE = {"table": "Tickets", "row": 1, "column": "首次响应时问",        # a zh report: the problem in zh
              "problem": "未识别的列『首次响应时问』（未读取）：是否应为『首次响应时间』(first_response_at)？"
                         "请修改列名，以便使用该列"}


def test_typo_in_first_response_header_cli(tmp_path):
    doc = cli_json(_typo_book(tmp_path), *ARGS)
    x = doc["response"]
    assert x["compliance"] is None and x["met"] is None and x["breached"] is None
    assert x["unavailable"] == "缺少列 首次响应时间 (first_response_at)；列名『首次响应时问』未识别"
    assert doc["breaches"]["total"] == 0 and doc["breaches"]["items"] == []    # no "7 minor breaches"
    assert doc["data_issues"] == [TYPO_ISSUE]
    assert [w["message"] for w in doc["warnings"]] == [TYPO_WARNING]
    # the other ticket figures are still computed: 6 tickets, none complex, none resolved
    assert doc["initial_solution"]["unavailable"] is None and doc["initial_solution"]["total"] == 0


@pytest.mark.parametrize("calamine", [True, False])
def test_typo_in_first_response_header_in_process(tmp_path, monkeypatch, calamine):
    r = in_process(_typo_book(tmp_path), calamine, monkeypatch, lang="en", **KW)
    assert r.doc["response"]["unavailable"] == ("missing column 首次响应时间 (first_response_at); "
                                                "header '首次响应时问' not recognised")
    assert [w["message"] for w in r.doc["warnings"]] == [
        "服务工单 (Tickets): column '首次响应时问' is not recognised; did you mean '首次响应时间' (first_response_at)? "
        "First-response compliance is not computed."]          # Chinese headers: the table's Chinese name
    card = sheets.dashboard(r).blocks[0].rows[0]
    assert card == ["First response Compliance", "Cannot compute", 1.0, "Column missing"]     # not 0%
    sla = sheets.dashboard(r).blocks[3].rows[0]
    assert sla[2:7] == [None, None, None, None, "Cannot compute"]


def test_typo_console_summary(tmp_path):
    out = tmp_path / "rep.xlsx"
    p = cli("report", str(_typo_book(tmp_path)), *ARGS, "-o", str(out), timeout=180)
    assert p.returncode == 0, p.stderr
    lines = p.stdout.splitlines()      # no --lang, no Terms lang, locale C: the default, zh
    assert [x.split(None, 1) for x in lines if x.strip().startswith("首次响应达标率")] == [
        ["首次响应达标率", "无法计算（缺少列 首次响应时间 (first_response_at)；列名『首次响应时问』未识别）"]]
    assert [x.split() for x in lines if x.strip().startswith("数据问题")] == [["数据问题", "1"]]
    assert f"警告：{TYPO_WARNING}" in lines


# ---------------------------------------------------------------- 离职时间 for 离职日期
def _staff_book(tmp_path):
    head = ["离职时间" if c.aliases[0] == "离职日期" else c.aliases[0] for c in STAFF.columns]
    rows = [[f"S{i}", f"员工{i}", "工程师", D(2025, 1, 1), D(2026, 9, 15) if i < 3 else None, "是", None]
            for i in range(10)]
    return write(tmp_path / "staff.xlsx", {"服务人员": [head, *rows]}, {"Staff": ("服务人员", "A1:G11")})


def test_left_on_typo_makes_turnover_unavailable_not_zero(tmp_path):
    doc = cli_json(_staff_book(tmp_path), *ARGS)
    tu = doc["turnover"]
    assert tu["rolling_rate"] is None and tu["rate"] is None and tu["exceeded"] is None
    assert tu["unavailable"] == "缺少列 离职日期 (left_on)；列名『离职时间』未识别"
    assert tu["certified_share"] is None and tu["certified_unavailable"] == tu["unavailable"]
    assert doc["data_issues"] == [{"table": "Staff", "row": 1, "column": "离职时间",
                                   "problem": "未识别的列『离职时间』（未读取）：是否应为『离职日期』(left_on)？"
                                              "请修改列名，以便使用该列"}]
    assert [w["message"] for w in doc["warnings"]] == [
        "服务人员：列『离职时间』未识别，是否应为『离职日期』(left_on)？人员流失率、持证上岗率无法计算"]


def test_left_on_present_gives_the_rate(tmp_path):
    """The same staff with the header spelled right: 2 separations in September (control for the test above)."""
    head = [c.aliases[0] for c in STAFF.columns]
    rows = [[f"S{i}", f"员工{i}", "工程师", D(2025, 1, 1), D(2026, 9, 15) if i < 2 else None, "是", None]
            for i in range(10)]
    path = write(tmp_path / "ok.xlsx", {"服务人员": [head, *rows]}, {"Staff": ("服务人员", "A1:G11")})
    tu = cli_json(path, *ARGS)["turnover"]
    # rolling 12 months to October 2026: 2 separations; average headcount = mean over 12 months of
    # (first + last day)/2: 10 for Nov-Aug (10 months), Sep (10+8)/2 = 9, Oct 8 -> (100 + 9 + 8)/12 = 9.75
    assert tu["unavailable"] is None and tu["rolling_separations"] == 2
    assert tu["rolling_rate"] == pytest.approx(2 / 9.75)


# ---------------------------------------------------------------- extra, duplicate and unnamed columns
def test_own_column_is_information_not_alarm(tmp_path):
    head = [*TICKET_HEAD, "备注"]
    rows = [_ticket(1, D(2026, 10, 5, 9), D(2026, 10, 5, 10)) + ["客户要求上门"]]
    path = write(tmp_path / "extra.xlsx", {"服务工单": [head, *rows]}, {"Tickets": ("服务工单", f"A1:{get_column_letter(len(head))}2")})
    doc = cli_json(path, *ARGS)
    assert doc["response"]["met"] == 1
    assert doc["data_issues"] == [{"table": "Tickets", "row": 1, "column": "备注",
                                   "problem": "列『备注』不参与计算（如为自用列，无需处理；否则请改用服务工单的列名）"}]
    assert [w["message"] for w in doc["warnings"]] == ["服务工单：列『备注』不参与计算（如为自用列，无需处理）"]


def test_duplicate_and_unnamed_columns(tmp_path):
    head = ["工单编号", "受理时间", "首次响应时间", "首次响应时间", None]
    rows = [["T1", D(2026, 10, 5, 9), D(2026, 10, 5, 10), D(2026, 10, 9, 10), "x"]]
    path = write(tmp_path / "dup.xlsx", {"服务工单": [head, *rows]})      # a sheet, no Table
    r = in_process(path, lang="en", **KW)
    assert r.doc["response"]["met"] == 1         # the first 首次响应时间 is read
    assert [(i["row"], i["column"], i["problem"]) for i in r.doc["data_issues"]] == [
        (1, "首次响应时间", "column '首次响应时间' appears twice; only the first (column C) is read"),
        (1, "E", "column E has values but no header: not read (give it one of the 服务工单 (Tickets) column names)")]
    assert [w["code"] for w in r.doc["warnings"]][:2] == ["duplicate_column", "unnamed_column"]


# ---------------------------------------------------------------- rows below the Table
def _below_book(tmp_path):
    head = ["工单编号", "受理时间", "首次响应时间"]
    # T1 answered in 1 h (met). T2-T6 typed below the Table's range A1:C2: T2 is answered after 5 h.
    rows = [["T1", D(2026, 10, 5, 9), D(2026, 10, 5, 10)],
            ["T2", D(2026, 10, 6, 9), D(2026, 10, 6, 14)],
            *[[f"T{i}", D(2026, 10, 6 + i, 9), D(2026, 10, 6 + i, 10)] for i in range(3, 7)]]
    return write(tmp_path / "below.xlsx", {"服务工单": [head, *rows]}, {"Tickets": ("服务工单", "A1:C2")})


BELOW_ZH = ("表格 Tickets 截止第 2 行，但其下方第 3–7 行还有数据（5 行，未读取，不计入任何指标）："
            "请扩展表格范围（表设计 → 调整表格大小）后重新生成报表")
BELOW_EN = ("Table Tickets ends at row 2 but rows 3–7 below it hold data (5 rows, not read, not in any figure): "
            "extend the Table (Table Design → Resize Table) and run the report again")
BELOW_PROBLEM = ("表格 Tickets（A1:C2）下方的这一行有数据但不在表格内：未读取；"
                 "请扩展表格范围（表设计 → 调整表格大小）后重新生成报表")       # the zh report's data issue


def test_rows_below_the_table_cli(tmp_path):
    doc = cli_json(_below_book(tmp_path), *ARGS)
    assert (doc["response"]["met"], doc["response"]["breached"]) == (1, 0)     # only the Table is read …
    assert doc["data_issues"] == [{"table": "Tickets", "row": r, "column": None, "problem": BELOW_PROBLEM}
                                  for r in range(3, 8)]                        # … and the 5 rows are listed
    assert BELOW_ZH in [w["message"] for w in doc["warnings"]]


@pytest.mark.parametrize("calamine", [True, False])
def test_rows_below_the_table_both_readers(tmp_path, monkeypatch, calamine):
    r = in_process(_below_book(tmp_path), calamine, monkeypatch, lang="en", **KW)
    assert [i["row"] for i in r.doc["data_issues"]] == [3, 4, 5, 6, 7]
    assert [w["message"] for w in r.doc["warnings"]][0] == BELOW_EN


def test_table_off_the_corner_and_column_beside(tmp_path):
    """A Table at B3:D4 with a value under it, a column typed beside it and another Table below."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "服务工单"
    ws["A1"] = "十月工单"                              # a title above: not data of the Table
    for j, h in enumerate(["工单编号", "受理时间", "首次响应时间", "处理人"], start=2):
        ws.cell(3, j, h)
    ws.cell(4, 2, "T1"), ws.cell(4, 3, D(2026, 10, 5, 9)), ws.cell(4, 4, D(2026, 10, 5, 10)), ws.cell(4, 5, "张三")
    ws.cell(6, 3, D(2026, 10, 6, 9))                   # below, a blank row between
    ws.cell(10, 2, "其他")
    ws.add_table(Table(displayName="Tickets", ref="B3:D4"))
    ws.add_table(Table(displayName="Scratch", ref="B10:B11"))   # another Table: its cells are not reported
    ws.cell(11, 2, "x")
    path = tmp_path / "corner.xlsx"
    wb.save(path)
    for calamine in (True, False):
        with pytest.MonkeyPatch.context() as mp:
            r = in_process(path, calamine, mp, lang="en", **KW)
        got = [(i["row"], i["column"]) for i in r.doc["data_issues"]]
        assert got == [(6, None), (3, "处理人")], (calamine, got)
        assert r.doc["response"]["met"] == 1
        assert [w["message"] for w in r.doc["warnings"]][:2] == [
            "Table Tickets ends at row 4 but row 6 below it holds data (1 row, not read, not in any figure): "
            "extend the Table (Table Design → Resize Table) and run the report again",
            "Table Tickets (B3:D4): column E (header '处理人') beside it holds data outside the Table and is not "
            "read; if it belongs to the table, extend the Table (Table Design → Resize Table) and run the report "
            "again"]


# ---------------------------------------------------------------- other figures a missing column disables
def test_missing_approval_column_is_not_everything_unapproved(tmp_path):
    head = ["凭证号", "日期", "类别", "金额"]
    rows = [["E1", D(2026, 10, 3), "培训", 3500], ["E2", D(2026, 10, 8), "设备", 1200]]
    path = write(tmp_path / "fund.xlsx", {"基金台账": [head, *rows]}, {"FundLedger": ("基金台账", "A1:D3")})
    r = in_process(path, **KW)
    fd = r.doc["fund"]
    assert fd["spent_period_total"] == 4700.0                       # 3500 + 1200, still computed
    assert fd["unapproved_count"] is None and fd["unapproved_amount"] is None
    assert fd["unapproved_unavailable"] == "缺少列 财务审核 (approved)"
    card = [row for row in sheets.dashboard(r).blocks[0].rows if row[0] == "未经财务审核（本期）"][0]
    assert card[1:] == ["无法计算", 0, "缺少数据列"]
    assert [w["message"] for w in r.doc["warnings"]] == ["基金台账缺少列『财务审核』(approved)：未经财务审核笔数与金额无法计算"]
    lines = next(b for b in sheets.fund(r).blocks if b.key == "lines").rows
    assert [row[4] for row in lines] == ["", ""]                     # approval unknown, not "否"


def test_missing_complaint_columns_each_metric(tmp_path):
    head = ["投诉编号", "投诉时间", "受理时间"]
    rows = [["C1", D(2026, 10, 5, 9), D(2026, 10, 5, 10)]]
    path = write(tmp_path / "c.xlsx", {"客户投诉": [head, *rows]}, {"Complaints": ("客户投诉", "A1:C2")})
    r = in_process(path, lang="en", **KW)
    c = r.doc["complaints"]
    assert c["accept"]["met"] == 1 and c["accept"]["unavailable"] is None
    assert c["progress"]["unavailable"] == "missing column 进展反馈时间 (progress_at)"
    assert c["final"]["unavailable"] == "missing column 最终答复时间 (final_reply_at)"
    assert r.doc["breaches"]["items"] == []          # C1 is not "breached" for want of two columns
    assert [w["message"] for w in r.doc["warnings"]] == [
        "客户投诉 (Complaints) has no column 进展反馈时间 (progress_at), 最终答复时间 (final_reply_at): "
        "complaint-progress compliance, complaint final-answer compliance cannot be computed"]


def test_console_summary_without_fee_and_loss_columns_says_unavailable(tmp_path):
    # Tickets without 服务费用 and no Notices table: the money totals are unknowable, not ¥0.00 (and no crash)
    head = ["工单编号", "受理时间", "首次响应时间"]
    book = write(tmp_path / "nofee.xlsx", {"服务工单": [head, ["T1", D(2026, 10, 5, 9), D(2026, 10, 5, 14)]]})
    p = cli("report", str(book), *ARGS, "-o", str(tmp_path / "rep.xlsx"), timeout=180)
    assert p.returncode == 0, p.stderr
    line = next(x for x in p.stdout.splitlines() if x.strip().startswith("违约"))
    assert line.split(None, 1)[1] == "轻微 1 件，重大 0 件，逾期 0 件；服务费减免 无法计算，赔偿 ¥0.00"
    p = cli("report", str(book), *ARGS, "-o", str(tmp_path / "rep-en.xlsx"), "--lang", "en", timeout=180)
    line = next(x for x in p.stdout.splitlines() if x.strip().startswith("breaches"))
    assert line.split(None, 1)[1] == "1 minor, 0 major, 0 overdue; fee reductions unavailable, compensation ¥0.00"
