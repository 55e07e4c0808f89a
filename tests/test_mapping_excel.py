"""Inside Excel the report button's reader applies the workbook's Mapping (映射) sheet as the file reader does."""
from __future__ import annotations

import datetime as dt

import openpyxl

from excel_helpers import book_json, server_mode

xw = server_mode()

from servicepledge.excel.book import read_book  # noqa: E402
from servicepledge.inputs.sources import read_inputs  # noqa: E402
from servicepledge.report import compute  # noqa: E402

D = dt.datetime


def test_report_button_applies_the_mapping_sheet(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "服务工单"
    ws.append(["单号", "报修日期", "紧急程度", "响应时间"])
    ws.append(["A1", D(2026, 10, 5, 9), "紧急故障", D(2026, 10, 5, 10, 30)])   # P1 (1 h): 1.5 h breached
    ws.append(["A2", D(2026, 10, 5, 9), "一般故障", D(2026, 10, 5, 10, 30)])   # P3 (2 h): 1.5 h met
    m = wb.create_sheet("映射")
    m.append(["表", "源列", "标准列", "源值", "标准值"])
    for src, canon in (("单号", "工单编号"), ("报修日期", "受理时间"), ("紧急程度", "优先级"), ("响应时间", "首次响应时间")):
        m.append(["服务工单", src, canon, None, None])
    m.append(["服务工单", "紧急程度", None, "紧急故障", "P1"])
    m.append(["服务工单", "紧急程度", None, "一般故障", "P3"])
    t = wb.create_sheet("承诺参数")
    t.append(["参数", "值"])
    t.append(["response_hours_P1", 1])
    path = tmp_path / "home.xlsx"
    wb.save(path)
    bt = read_book(xw.Book(json=book_json(path)))
    r = compute(bt.tables, bt.issues, period="2026-10", as_of="2026-10-31 18:00")
    assert (r.doc["response"]["met"], r.doc["response"]["breached"]) == (1, 1)
    f = read_inputs([path])
    doc = compute(f.tables, f.issues, period="2026-10", as_of="2026-10-31 18:00").doc
    assert doc["response"] == r.doc["response"] and doc["warnings"] == r.doc["warnings"]
