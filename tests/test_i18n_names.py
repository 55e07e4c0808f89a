"""Issue 13 item 2: warnings and data issues call the tables and columns what the user's workbook calls them.

A table with English headers is 'Tickets' / 'first_response_at' in a Chinese report too; a table with Chinese
headers is 服务工单 / 首次响应时间 in an English report too. Read as a user's file (openpyxl-written .xlsx).
"""
import datetime as dt

import openpyxl
import pytest

from servicepledge.inputs.naming import header_language, localize, table_names
from servicepledge.inputs.reader import read_workbook
from servicepledge.outputs.sheets import issues as issues_sheet
from servicepledge.report import compute

AS_OF = "2026-10-31 18:00"
HEADS = {"zh": (["工单编号", "受理时间", "首次响应时间", "优先级"], ["工号", "入职日期"]),
         "en": (["ticket_id", "opened_at", "first_response_at", "priority"], ["staff_id", "hired_on"])}


def _book(path, heads: str):
    """T2's response time and priority cannot be read; the one staff member's hiring date neither."""
    tickets, staff = HEADS[heads]
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "服务工单" if heads == "zh" else "Tickets"
    ws.append(tickets)
    ws.append(["T1", dt.datetime(2026, 10, 5, 9), dt.datetime(2026, 10, 5, 10), "P1"])
    ws.append(["T2", dt.datetime(2026, 10, 6, 9), "明天", "P9"])
    s = wb.create_sheet("服务人员" if heads == "zh" else "Staff")
    s.append(staff)
    s.append(["S1", "bad"])
    wb.save(path)
    return path


def _report(tmp_path, heads, lang):
    wb = read_workbook(_book(tmp_path / f"{heads}.xlsx", heads))
    return compute(wb.tables, wb.issues, period="2026-10", as_of=AS_OF, lang=lang)


@pytest.mark.parametrize("heads, lang", [("en", "zh"), ("en", "en"), ("zh", "zh"), ("zh", "en")])
def test_warnings_and_data_issues_use_the_workbooks_names(tmp_path, heads, lang):
    r = _report(tmp_path, heads, lang)
    tickets, staff = ("服务工单", "服务人员") if heads == "zh" else ("Tickets", "Staff")
    other_tickets, other_staff = ("Tickets", "Staff") if heads == "zh" else ("服务工单", "服务人员")
    by_code = {}
    for w in r.doc["warnings"]:
        by_code.setdefault(w["code"], []).append(w)
    # the unreadable priority (T2 'P9') and the staff table whose only hiring date is unreadable
    prio = by_code["priority_unknown"][0]["message"]
    empty = by_code["empty_population"][0]["message"]
    if heads == "zh" and lang == "en":      # as a Chinese header: the workbook's name, then the code
        assert prio.startswith("服务工单 (Tickets) has") and empty.startswith("服务人员 (Staff) has"), (prio, empty)
    else:
        assert prio.startswith(tickets) and other_tickets not in prio, prio
        assert empty.startswith(staff) and other_staff not in empty, empty
    hired = "入职日期" if heads == "zh" else "hired_on"
    assert hired in empty
    # the data issues sheet: the table and the column as the workbook writes them
    rows = [tuple(x[:3]) for x in issues_sheet(r).blocks[0].rows]
    first_response = "首次响应时间" if heads == "zh" else "first_response_at"
    assert (tickets, 3, first_response) in rows and (staff, 2, hired) in rows
    assert not any(x[0] in (other_tickets, other_staff) for x in rows)
    # the JSON keeps the table's code
    assert {i["table"] for i in r.doc["data_issues"]} == {"Tickets", "Staff"}


def test_exact_zh_warning_of_an_english_headed_book(tmp_path):
    r = _report(tmp_path, "en", "zh")
    empty = next(w["message"] for w in r.doc["warnings"] if w["code"] == "empty_population")
    assert empty == "Staff 有 1 行，但没有一行的“hired_on”可用（见数据问题），人员指标为空"


def test_header_language_and_names():
    class T:                      # the only thing header_language reads
        def __init__(self, headers):
            self.headers = headers
    assert header_language(T({"ticket_id": "工单编号", "opened_at": "受理时间"})) == "zh"
    assert header_language(T({"ticket_id": "ticket_id", "opened_at": "Opened"})) == "en"
    assert header_language(T({})) is None and header_language(None) is None
    names = table_names({"Tickets": T({"ticket_id": "ticket_id"}), "Staff": T({})}, "zh")
    assert names["Tickets"] == "Tickets" and names["Staff"] == "服务人员"      # absent: the report's language
    en = {"Tickets": "服务工单"}
    # an Excel Table's own name and a name already followed by its Chinese one are left alone
    assert localize("Tickets has 2 rows; Table Tickets (sheet x); Tickets (服务工单); Tickets[#All]", "en", en,
                    "Tickets") == "服务工单 (Tickets) has 2 rows; Table Tickets (sheet x); Tickets (服务工单); Tickets[#All]"
    assert localize("合同编号不在合同表中", "zh", {"Tickets": "Tickets"}, "Tickets") == "合同编号不在合同表中"
