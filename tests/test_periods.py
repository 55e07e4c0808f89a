"""Issue 9 item 3: a bare number is never read as an Excel serial date in a period or as_of.

`--period 2026` used to run an empty report for 1905-07 (serial 2026 = 1905-07-18). A year is now the year
period (never a serial); quarters, half-years and ranges of days are read too; a date *cell* (a serial like 46300) inside the month still works in
the SP_ functions; periods outside 1990–2100 are refused with the accepted forms.
"""
from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from excel_helpers import date_system  # noqa: F401 (pytest fixture)
from excel_helpers import call, serial, server_mode

xw = server_mode()
from helpers import cli
from servicepledge.excel import functions as F  # noqa: E402
from servicepledge.core.period import parse_as_of, parse_period  # noqa: E402
from servicepledge.inputs.tables import InputError  # noqa: E402

Q5 = ("期间“2026-Q5”不是可识别的期间：请写成 2026-10（月）、2026-Q3（季度）、2026-H1（半年）、2026（年）或 "
      "2026-01-01..2026-03-31（日期范围） / period '2026-Q5' is not a period: write it as 2026-10 (month), 2026-Q3 "
      "(quarter), 2026-H1 (half-year), 2026 (year) or 2026-01-01..2026-03-31 (a range of days)")
AS_OF_2026 = "截至时间“2026”是年份，不是日期：请写成 2026-10-31 18:00 / as_of '2026' is a year, not a date: write it as 2026-10-31 18:00"


@pytest.mark.parametrize("value,label", [
    ("2026-10", "2026-10"), ("2026/3", "2026-03"), ("2026.10", "2026-10"), ("2026年10月", "2026-10"),
    ("202610", "2026-10"), (202610.0, "2026-10"),                  # YYYYMM as accountants write periods
    (46300, "2026-10"), (46300.75, "2026-10"),                    # a date cell inside October (serial 46300 = 10-05)
    ("2026-10-05 14:30", "2026-10"), (dt.date(2026, 10, 5), "2026-10"), (dt.datetime(1990, 1, 1), "1990-01"),
    (32874, "1990-01"), (73415, "2100-12"),                       # the serials of 1990-01-01 and 2100-12-31
])
def test_accepted_periods(value, label):
    assert parse_period(value).label == label


def test_1904_serial_is_read_in_its_own_system():
    assert parse_period(46300 - 1462, date1904=True).label == "2026-10"


@pytest.mark.parametrize("value", [2026, 2026.0, "2026", " 2026 ", "2026年"])
def test_a_year_is_the_year_never_a_serial(value):
    p = parse_period(value)       # not 1905-07 (serial 2026 = 1905-07-18)
    assert (p.kind, p.label, p.start, p.end) == ("year", "2026", pd.Timestamp(2026, 1, 1), pd.Timestamp(2027, 1, 1))


@pytest.mark.parametrize("value,kind,label,first,last", [
    ("2026-Q3", "quarter", "2026-Q3", "2026-07-01", "2026-09-30"), ("2026Q3", "quarter", "2026-Q3", "2026-07-01", "2026-09-30"),
    ("2026年第3季度", "quarter", "2026-Q3", "2026-07-01", "2026-09-30"), ("2026年三季度", "quarter", "2026-Q3", "2026-07-01", "2026-09-30"),
    ("2026-H1", "half", "2026-H1", "2026-01-01", "2026-06-30"), ("2026年上半年", "half", "2026-H1", "2026-01-01", "2026-06-30"),
    ("2026年下半年", "half", "2026-H2", "2026-07-01", "2026-12-31"),
    ("2025-12-01..2026-02-28", "range", "2025-12-01..2026-02-28", "2025-12-01", "2026-02-28"),
    ("2026-01-01 至 2026-03-31", "range", "2026-01-01..2026-03-31", "2026-01-01", "2026-03-31"),
    ("2026-01..2026-03", "range", "2026-01-01..2026-03-31", "2026-01-01", "2026-03-31"),   # whole months
])
def test_longer_periods(value, kind, label, first, last):
    p = parse_period(value)
    assert (p.kind, p.label, p.start, p.last_day) == (kind, label, pd.Timestamp(first), pd.Timestamp(last))


def test_previous_and_year_earlier():
    q = parse_period("2026-Q1")
    assert (q.previous().label, q.year_earlier().label) == ("2025-Q4", "2025-Q1")
    r = parse_period("2025-12-01..2026-02-28")      # 90 days: the 90 days before, and the same days a year earlier
    assert (r.previous().start, r.previous().last_day) == (pd.Timestamp("2025-09-02"), pd.Timestamp("2025-11-30"))
    assert r.year_earlier().label == "2024-12-01..2025-02-28"
    assert [m.label for m in r.months()] == ["2025-12", "2026-01", "2026-02"]
    assert [m.label for m in parse_period("2026-H2").window(3)] == ["2026-10", "2026-11", "2026-12"]


@pytest.mark.parametrize("value,zh,en", [
    ("2026-Q5", "期间“2026-Q5”不是可识别的期间", "period '2026-Q5' is not a period"),
    ("2026-03-31..2026-01-01", "期间“2026-03-31..2026-01-01”的结束日早于开始日", "period '2026-03-31..2026-01-01' ends before it starts"),
    ("2026-02-30..2026-03-01", "期间“2026-02-30..2026-03-01”中的“2026-02-30”不是日期", "period '2026-02-30..2026-03-01': '2026-02-30' is not a date"),
])
def test_refused_longer_periods(value, zh, en):
    with pytest.raises(InputError) as e:
        parse_period(value)
    assert str(e.value).startswith(zh) and f" / {en}" in str(e.value)


@pytest.mark.parametrize("value,zh,en", [
    (2026.1, "期间“2026.1”是一个数字（Excel 会把 2026.10 存成数字 2026.1）",
     "period '2026.1' is a number (Excel stores a typed 2026.10 as the number 2026.1)"),
    (500, "期间“500”（按 Excel 日期序号读作 1901-05-14）不在 1990 至 2100 年之间",
     "period '500' (read as the Excel date 1901-05-14) is not between 1990 and 2100"),
    ("1905-07", "期间“1905-07”不在 1990 至 2100 年之间", "period '1905-07' is not between 1990 and 2100"),
    ("2101-01-05", "期间“2101-01-05”不在 1990 至 2100 年之间", "period '2101-01-05' is not between 1990 and 2100"),
    ("46300", "期间“46300”不是可识别的期间（文本中的数字不按 Excel 日期序号读取）",
     "period '46300' is not a period (a number typed as text is not read as an Excel date serial)"),
    ("202613", "期间“202613”不是可识别的期间", "period '202613' is not a period"),
    ("Oct", "期间“Oct”不是可识别的期间", "period 'Oct' is not a period"),
])
def test_refused_periods_name_the_accepted_forms(value, zh, en):
    with pytest.raises(InputError) as e:
        parse_period(value)
    msg = str(e.value)
    assert msg.startswith(zh) and f" / {en}" in msg
    assert "2026-10" in msg.split(" / ")[0] and "2026-10" in msg.split(" / ")[1]


def test_as_of_refuses_a_year_a_month_and_text_numbers():
    for v in (2026, 2026.0, "2026"):
        with pytest.raises(InputError) as e:
            parse_as_of(v)
        assert str(e.value) == AS_OF_2026
    with pytest.raises(InputError, match="as_of '2026-10' is a month, not a date"):
        parse_as_of("2026-10")
    with pytest.raises(InputError, match="as_of '46326' is not a date/time"):
        parse_as_of("46326")
    with pytest.raises(InputError, match="is not between 1990 and 2100"):
        parse_as_of(700.5)
    assert parse_as_of(46326.75) == pd.Timestamp("2026-10-31 18:00")     # a date-time cell still works
    assert parse_as_of(46326) == pd.Timestamp("2026-10-31 23:59:59")      # a date cell: the end of that day


def _cli(*args, cwd):
    return cli(*args, cwd=cwd)


def test_cli_bad_period_exits_2_with_the_message_and_writes_nothing(tmp_path):
    p = _cli("report", "--period", "2026-Q5", "--as-of", "2026-10-31 18:00", cwd=tmp_path)
    assert p.returncode == 2
    assert p.stderr == f"servicepledge: {Q5.split(' / ')[0]}\n"     # the sample's Terms say zh: zh only
    assert p.stdout == "" and list(tmp_path.iterdir()) == []
    q = _cli("report", "--as-of", "2026", "--json", cwd=tmp_path)
    assert q.returncode == 2 and q.stderr == f"servicepledge: {AS_OF_2026.split(' / ')[0]}\n"
    e = _cli("report", "--as-of", "2026", "--json", "--lang", "en", cwd=tmp_path)
    assert e.returncode == 2 and e.stderr == f"servicepledge: {AS_OF_2026.split(' / ')[1]}\n"


TICKETS = [["工单编号", "受理时间", "首次响应时间"],
           ["T1", serial(dt.datetime(2026, 10, 5, 9)), serial(dt.datetime(2026, 10, 5, 10))],      # 1 h: Met
           ["T2", serial(dt.datetime(2026, 10, 6, 9)), serial(dt.datetime(2026, 10, 6, 12))]]      # 3 h: Breached
EMPTY = [["工号", "入职日期"]]


def _kpis(period):
    return call(F, "SP_KPIS", TICKETS, [["投诉编号", "投诉时间"]], EMPTY, [["凭证号", "日期", "类别", "金额"]],
                [["年度", "类别", "预算金额"]], [["通知编号", "书面通知日期"]], period, "2026-10-31 18:00", "")


def test_sp_kpis_reads_a_typed_year_as_the_year_and_a_date_cell_as_its_month():
    year = _kpis([[2026.0]])                       # Excel sends a typed 2026 as the number 2026.0: the year 2026
    assert year[1][1] == 0.5                       # both tickets lie in October 2026, so the year has the same 1/2
    by_cell = _kpis([[serial(dt.datetime(2026, 10, 5))]])    # a date cell inside October
    by_text = _kpis("2026-10")
    assert by_cell == by_text
    assert by_text[1][1] == 0.5                    # response compliance: 1 met / (1 met + 1 breached)


def test_as_of_written_the_chinese_way_without_a_time_is_the_end_of_that_day():
    from servicepledge.core.period import parse_as_of
    assert str(parse_as_of("2026年10月31日")) == "2026-10-31 23:59:59"
    assert str(parse_as_of("2026年10月31日 18:00")) == "2026-10-31 18:00:00"
