"""Date-times typed as text with a 12-hour clock: 上午/下午 (Excel's zh-CN "上午/下午 h:mm" copied as text, OA
exports) and AM/PM.

Rule (docs/DEFINITIONS.md §1.4): 上午/AM keeps the hour except 12 → 0; 下午/PM adds 12 except to 12. An hour
outside 1…12 next to a marker, and any other word of the day (中午, 晚上, 凌晨 …), is unreadable: a data issue.
"""
from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from helpers import report, write_book
from servicepledge.core.period import parse_as_of
from servicepledge.inputs import coerce
from servicepledge.inputs.reader import read_workbook
from servicepledge.report import compute


def read(*cells):
    v, bad = coerce.to_datetime(pd.Series(list(cells), dtype=object))
    return list(v), list(bad)


@pytest.mark.parametrize("text, expected", [
    # 下午 = hour + 12: 2 + 12 = 14
    ("2026-10-05 下午2:30", "2026-10-05 14:30"),
    ("2026/10/5 下午 02:30:00", "2026-10-05 14:30"),
    ("2026年10月5日下午2:30", "2026-10-05 14:30"),
    ("2026-10-05 下午2：30", "2026-10-05 14:30"),        # full-width colon
    ("2026-10-05 2:30 下午", "2026-10-05 14:30"),        # marker after the time
    ("2026-10-05 下午11:59:59", "2026-10-05 23:59:59"),   # 11 + 12 = 23
    # 上午 = the hour as written
    ("2026-10-05 上午9:05", "2026-10-05 09:05"),
    ("2026.10.05 上午 9:05", "2026-10-05 09:05"),
    # PM = hour + 12, AM = as written; any case, with or without a space, a.m./p.m.
    ("2026-10-05 2:30 PM", "2026-10-05 14:30"),
    ("2026/10/5 2:30:00 pm", "2026-10-05 14:30"),
    ("2026-10-05 2:30PM", "2026-10-05 14:30"),
    ("2026-10-05 2:30 p.m.", "2026-10-05 14:30"),
    ("2026-10-05 PM 2:30", "2026-10-05 14:30"),
    ("2026-10-05 9:05 am", "2026-10-05 09:05"),
    ("2026-10-05 9:05 A.M.", "2026-10-05 09:05"),
    ("2026-10-05 2:30:05.5 PM", "2026-10-05 14:30:05.5"),  # fractions of a second kept
    # the 12 o'clock edges: 上午12 = 0 h, 下午12 = 12 h
    ("2026-10-05 上午12:30", "2026-10-05 00:30"),
    ("2026-10-05 下午12:30", "2026-10-05 12:30"),
    ("2026-10-05 12:00 AM", "2026-10-05 00:00"),          # midnight starting the 5th
    ("2026-10-05 12:00 PM", "2026-10-05 12:00"),          # noon
    ("2026-10-05 12:59:59 am", "2026-10-05 00:59:59"),
    ("2026-10-05 上午1:00", "2026-10-05 01:00"),
    ("2026-10-05 下午1:00", "2026-10-05 13:00"),
])
def test_twelve_hour_text_reads_as_the_24_hour_time(text, expected):
    v, bad = read(text)
    assert bad == [False]
    assert v[0] == pd.Timestamp(expected)


@pytest.mark.parametrize("text", [
    "2026-10-05 下午14:30",     # an hour above 12 with a marker: not guessed
    "2026-10-05 13:00 PM",
    "2026-10-05 上午13:00",
    "2026-10-05 0:30 AM",       # hour 0 is not on a 12-hour clock
    "2026-10-05 下午0:30",
    "2026-10-05 中午12:30",     # other words of the day are not read
    "2026-10-05 晚上8:00",
    "2026-10-05 凌晨2:00",
    "2026-10-05 早上8:00",
    "2026-10-05 下午",          # a marker without a time
    "2026-10-05 下午2:61",      # no such minute
    "2026-02-30 下午2:30",      # no such day
    "2026-10-05 下午2:30 PM",   # two markers
    "下午2:30",                 # a time without a date
])
def test_refused_twelve_hour_forms_are_unreadable(text):
    v, bad = read(text)
    assert bad == [True] and pd.isna(v[0])


def test_a_column_mixing_forms_reads_each_cell():
    v, bad = read("2026-10-05 14:30", "2026/10/5 下午2:30", "2026-10-05 下午14:30", 46300.5, "",
                  "2026/10/05 14:30", "46300.25", "2026-10-05 2:30 PM")
    assert bad == [False, False, True, False, False, False, False, False]
    assert [str(x) for x in v] == ["2026-10-05 14:30:00", "2026-10-05 14:30:00", "NaT",
                                   "2026-10-05 12:00:00",         # serial 46300.5 = 2026-10-05 noon
                                   "NaT", "2026-10-05 14:30:00",
                                   "2026-10-05 06:00:00",         # 0.25 day = 6 h
                                   "2026-10-05 14:30:00"]


def test_refused_form_is_a_data_issue_named_with_its_row():
    r = report(Tickets=[dict(ticket_id="T1", opened_at="2026-10-05 下午2:00", first_response_at="2026-10-05 下午3:00"),
                        dict(ticket_id="T2", opened_at="2026-10-05 09:00", first_response_at="2026-10-05 下午14:30"),
                        dict(ticket_id="T3", opened_at="2026-10-05 晚上8:00", first_response_at="")])
    issues = sorted((i["table"], i["row"], i["column"]) for i in r.doc["data_issues"])
    # rows counted as in the sheet: header = row 1, T1 = row 2
    assert issues == [("Tickets", 3, "first_response_at"), ("Tickets", 4, "opened_at")]
    assert all(i["problem"].startswith("不是日期时间") for i in r.doc["data_issues"])
    # T1: 14:00 -> 15:00 = 1 h <= 2 h: Met; T2's answer unreadable: excluded; T3 not opened readably
    assert (r.doc["response"]["met"], r.doc["response"]["total"]) == (1, 1)


def test_as_of_with_a_twelve_hour_clock():
    assert parse_as_of("2026-10-31 下午6:00") == pd.Timestamp("2026-10-31 18:00")
    assert parse_as_of("2026-10-31 6:00 PM") == pd.Timestamp("2026-10-31 18:00")
    assert parse_as_of("2026-10-31 上午12:00") == pd.Timestamp("2026-10-31 00:00")


# Tickets typed with 上午/下午 text give the figures of the same times as real date cells.
# Calendar hours, default response target 2 h:
#   T1 11:00 -> 下午12:30 (12:30)            1.5 h  Met      (read as 00:30 it would come before opening)
#   T2 09:00 -> 下午2:30 (14:30)             5.5 h  Breached
#   T3 10-05 23:00 -> 10-06 上午12:30 (00:30) 1.5 h  Met      (read as 12:30 it would be 13.5 h)
#   T4 08:00 -> 9:05 AM                      1.08 h Met
#   T5 10:00 -> 2:30:00 pm (14:30)           4.5 h  Breached
#   -> met 3, breached 2, compliance 3/5 = 0.6; median of 1.083, 1.5, 1.5, 4.5, 5.5 = 1.5 h
_OPENED = [dt.datetime(2026, 10, 5, 11), dt.datetime(2026, 10, 5, 9), dt.datetime(2026, 10, 5, 23),
           dt.datetime(2026, 10, 6, 8), dt.datetime(2026, 10, 7, 10)]
_ANSWER_CELLS = [dt.datetime(2026, 10, 5, 12, 30), dt.datetime(2026, 10, 5, 14, 30), dt.datetime(2026, 10, 6, 0, 30),
                 dt.datetime(2026, 10, 6, 9, 5), dt.datetime(2026, 10, 7, 14, 30)]
_ANSWER_TEXT = ["2026-10-05 下午12:30", "2026/10/5 下午 02:30:00", "2026-10-06 上午12:30", "2026-10-06 9:05 AM",
                "2026/10/7 2:30:00 pm"]


def _tickets_book(path, answers):
    rows = [["工单编号", "受理时间", "优先级", "首次响应时间"]]
    rows += [[f"T{i + 1}", o, "P2", a] for i, (o, a) in enumerate(zip(_OPENED, answers))]
    return write_book(path, {"服务工单": rows})


def test_tickets_sheet_with_twelve_hour_text_gives_the_same_kpis_as_date_cells(tmp_path):
    text = read_workbook(_tickets_book(tmp_path / "text.xlsx", _ANSWER_TEXT))
    cells = read_workbook(_tickets_book(tmp_path / "cells.xlsx", _ANSWER_CELLS))
    a = compute(text.tables, text.issues, period="2026-10", as_of="2026-10-31 18:00")
    b = compute(cells.tables, cells.issues, period="2026-10", as_of="2026-10-31 18:00")
    assert a.doc["data_issues"] == [] and b.doc["data_issues"] == []
    assert a.doc["response"] == b.doc["response"]
    resp = a.doc["response"]
    assert (resp["met"], resp["breached"], resp["pending"]) == (3, 2, 0)
    assert resp["compliance"] == pytest.approx(0.6)
    assert resp["median_hours"] == pytest.approx(1.5)
    assert [i["ref_id"] for i in a.doc["breaches"]["items"]] == [i["ref_id"] for i in b.doc["breaches"]["items"]]
    assert {i["ref_id"] for i in a.doc["breaches"]["items"]} == {"T2", "T5"}


def test_csv_export_with_twelve_hour_text_gives_the_same_kpis(tmp_path):
    """An OA system's CSV export (GBK, as Chinese Excel saves it) with 上午/下午 times."""
    from servicepledge.inputs.sources import read_inputs
    rows = ["工单编号,受理时间,优先级,首次响应时间"]
    rows += [f"T{i + 1},{o:%Y-%m-%d %H:%M},P2,{a}" for i, (o, a) in enumerate(zip(_OPENED, _ANSWER_TEXT))]
    path = tmp_path / "服务工单.csv"
    path.write_bytes("\r\n".join(rows).encode("gbk"))
    wb = read_inputs([path])
    cells = read_workbook(_tickets_book(tmp_path / "cells.xlsx", _ANSWER_CELLS))
    a = compute(wb.tables, wb.issues, period="2026-10", as_of="2026-10-31 18:00")
    b = compute(cells.tables, cells.issues, period="2026-10", as_of="2026-10-31 18:00")
    assert a.doc["data_issues"] == []
    assert a.doc["response"] == b.doc["response"]
    assert (a.doc["response"]["met"], a.doc["response"]["breached"]) == (3, 2)


def test_sp_hours_reads_twelve_hour_text_as_excel_sends_it():
    from excel_helpers import call, serial, server_mode
    server_mode()
    from servicepledge.excel import functions as F
    # 上午9:05 -> 下午2:30 = 09:05 -> 14:30 = 5 h 25 min = 5.41666… h; 11:00 -> 下午12:30 = 1.5 h;
    # a date cell (serial) 23:00 -> next day 上午12:30 = 1.5 h; 下午14:30 is refused with its own text
    out = call(F, "SP_HOURS",
               [["2026-10-05 上午9:05"], ["2026-10-05 11:00"], [serial(dt.datetime(2026, 10, 5, 23))], ["2026-10-05 09:00"]],
               [["2026-10-05 下午2:30"], ["2026/10/5 12:30 PM"], ["2026-10-06 上午12:30"], ["2026-10-05 下午14:30"]])
    assert out[0][0] == pytest.approx(5 + 25 / 60)
    assert out[1][0] == pytest.approx(1.5) and out[2][0] == pytest.approx(1.5)
    assert out[3][0] == "#SP! end“2026-10-05 下午14:30”不是日期时间；请写成 2026-10-05 14:30"
