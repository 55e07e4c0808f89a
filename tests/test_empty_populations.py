"""Issue 9 item 5: a report with nothing to count says so, naming the table and the months the data covers."""
from __future__ import annotations

import datetime as dt
import json
from pathlib import Path


from helpers import cli, write_book
from servicepledge.outputs import sheets
from servicepledge.inputs.reader import read_workbook
from servicepledge.report import compute

D = dt.datetime
AS_OF = "2026-11-30 18:00"


def _cli(*args, cwd):
    return cli(*args, cwd=cwd)


def _book(path: Path, sheets_rows: dict) -> Path:
    return write_book(path, sheets_rows)


TICKETS = [("工单编号", "受理时间", "首次响应时间"),
           ("T1", D(2026, 1, 5, 9), D(2026, 1, 5, 10)),
           ("T2", D(2026, 10, 20, 9), D(2026, 10, 20, 10))]
COMPLAINTS = [("投诉编号", "投诉时间"), ("C1", D(2026, 11, 3, 9))]
STAFF = [("工号", "入职日期", "离职日期"), ("E1", D(2024, 3, 1), None), ("E2", D(2025, 2, 1), D(2025, 8, 31))]
LEDGER = [("凭证号", "日期", "类别", "金额"), ("V1", D(2026, 11, 8), "培训", 100)]


def _warnings(path: Path, period: str, lang: str = "zh"):
    wb = read_workbook(path)
    r = compute(wb.tables, wb.issues, period=period, as_of=AS_OF, lang=lang)
    # these workbooks carry only the columns the case needs: the missing-column warnings are tested elsewhere
    return r, [(w["code"], w["table"], w["message"]) for w in r.doc["warnings"] if w["code"] != "missing_column"]


def test_no_tickets_in_the_period_names_the_months_in_the_data(tmp_path):
    path = _book(tmp_path / "b.xlsx", {"服务工单": TICKETS, "客户投诉": COMPLAINTS, "服务人员": STAFF, "基金台账": LEDGER})
    r, got = _warnings(path, "2026-11")
    assert got == [("empty_population", "Tickets",
                    "服务工单在 2026-11 没有记录（数据中的工单日期范围为 2026-01 至 2026-10）")]
    _, en = _warnings(path, "2026-11", "en")
    assert en == [("empty_population", "Tickets",
                   "服务工单 (Tickets) has no rows in 2026-11 (the tickets in the data run from 2026-01 to 2026-10)")]
    assert "⚠ 注意：服务工单在 2026-11 没有记录（数据中的工单日期范围为 2026-01 至 2026-10）" in sheets.dashboard(r).warnings


def test_a_month_with_records_everywhere_has_no_warning(tmp_path):
    path = _book(tmp_path / "b.xlsx", {"服务工单": TICKETS + [("T3", D(2026, 11, 2, 9), None)],
                                       "客户投诉": COMPLAINTS, "服务人员": STAFF, "基金台账": LEDGER})
    assert _warnings(path, "2026-11")[1] == []


def test_complaints_ledger_and_staff_outside_the_period(tmp_path):
    path = _book(tmp_path / "b.xlsx", {"服务工单": TICKETS, "客户投诉": COMPLAINTS, "服务人员": STAFF, "基金台账": LEDGER})
    _, got = _warnings(path, "2024-01")
    assert got == [
        ("empty_population", "Tickets", "服务工单在 2024-01 没有记录（数据中的工单日期范围为 2026-01 至 2026-10）"),
        ("empty_population", "Complaints", "客户投诉在 2024-01 没有记录（数据中的投诉日期范围为 2026-11）"),
        ("empty_population", "Staff", "服务人员在 2024-01 没有在职人员（数据中的人员在职期间为 2024-03 至 今）"),
        ("empty_population", "FundLedger", "基金台账在 2024-01 没有记录（数据中的支出记录日期范围为 2026-11）"),
    ]
    _, en = _warnings(path, "2024-01", "en")
    assert en[1][2] == "客户投诉 (Complaints) has no rows in 2024-01 (the complaints in the data are all in 2026-11)"
    assert en[2][2] == "服务人员 (Staff) has nobody employed in 2024-01 (the staff in the data were employed from 2024-03 to now)"


def test_staff_who_all_left_before_the_period(tmp_path):
    staff = [("工号", "入职日期", "离职日期"), ("E1", D(2024, 3, 1), D(2025, 1, 31)), ("E2", D(2024, 5, 1), D(2025, 8, 31))]
    path = _book(tmp_path / "b.xlsx", {"服务工单": TICKETS + [("T3", D(2026, 11, 2, 9), None)], "服务人员": staff})
    _, got = _warnings(path, "2026-11")
    assert got == [("empty_population", "Staff", "服务人员在 2026-11 没有在职人员（数据中的人员在职期间为 2024-03 至 2025-08）")]


def test_an_empty_tickets_table(tmp_path):
    path = _book(tmp_path / "b.xlsx", {"服务工单": [TICKETS[0]], "客户投诉": COMPLAINTS, "服务人员": STAFF,
                                       "基金台账": LEDGER})
    r, got = _warnings(path, "2026-11")
    assert got == [("empty_table", "Tickets", "服务工单表是空的：没有任何数据行，相关指标为空")]
    assert r.doc["response"]["total"] == 0 and r.doc["response"]["compliance"] is None


def test_rows_without_one_usable_date(tmp_path):
    tickets = [TICKETS[0], ("T1", "十月五日", None), ("T2", "下周", None)]
    path = _book(tmp_path / "b.xlsx", {"服务工单": tickets, "客户投诉": COMPLAINTS, "服务人员": STAFF, "基金台账": LEDGER})
    r, got = _warnings(path, "2026-11")
    assert got == [("empty_population", "Tickets",
                    "服务工单有 2 行，但没有一行的“受理时间”可用（见数据问题），相关指标为空")]
    assert len(r.doc["data_issues"]) == 2


def test_the_empty_template_says_the_workbook_has_no_data(tmp_path):
    t = _cli("template", "-o", "t.xlsx", cwd=tmp_path)
    assert t.returncode == 0, t.stderr
    p = _cli("report", "t.xlsx", "--json", "--period", "2026-10", "--as-of", "2026-10-31 18:00", cwd=tmp_path)
    assert p.returncode == 0, p.stderr
    doc = json.loads(p.stdout)
    assert doc["warnings"] == [{"code": "empty_workbook", "table": None, "column": None,
                                "message": "工作簿中没有任何数据：服务工单、客户投诉、服务人员、基金台账都是空表。请先填写记录，再生成报告"}]
    q = _cli("report", "t.xlsx", "--lang", "en", "--period", "2026-10", "--as-of", "2026-10-31 18:00", cwd=tmp_path)
    assert q.returncode == 0, q.stderr
    assert ("warning: The workbook has no data: Tickets, Complaints, Staff, FundLedger are all empty. "
            "Fill in the records, then build the report again") in q.stdout.splitlines()
