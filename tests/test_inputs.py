"""Cell coercion, header matching, terms and periods (docs/DEFINITIONS.md §1, §2)."""
import datetime as dt

import pandas as pd
import pytest

from servicepledge.inputs import coerce
from servicepledge.inputs import tables as T
from servicepledge.core.period import parse_as_of, parse_period
from servicepledge.core.terms import TermsError, parse_terms


def S(*v):
    return pd.Series(list(v), dtype=object)


def test_serial_numbers_both_date_systems():
    v, bad = coerce.to_datetime(S(45000, 45000.5, 59, 61, 1))
    assert list(v) == [pd.Timestamp("2023-03-15"), pd.Timestamp("2023-03-15 12:00"),
                       pd.Timestamp("1900-02-28"), pd.Timestamp("1900-03-01"), pd.Timestamp("1900-01-01")]
    assert not bad.any()
    # the 1904 system counts 1,462 days fewer for the same date
    v4, _ = coerce.to_datetime(S(45000 - 1462, 0), date1904=True)
    assert list(v4) == [pd.Timestamp("2023-03-15"), pd.Timestamp("1904-01-01")]


def test_serial_exact_to_the_second():
    # 14:30:01 = (14*3600 + 30*60 + 1) / 86400 of a day
    v, _ = coerce.to_datetime(S(46300 + (14 * 3600 + 30 * 60 + 1) / 86400))
    assert v.iloc[0] == pd.Timestamp("2026-10-05 14:30:01")


def test_text_and_cell_dates():
    v, bad = coerce.to_datetime(S("2026-10-05 14:30", "2026/10/05 14:30", "2026-10-05", "2026年10月5日 14:30",
                                  dt.datetime(2026, 10, 5, 14, 30), dt.date(2026, 10, 5), "", None, "next week",
                                  "1899-12-01", "46300"))
    assert list(v[:4]) == [pd.Timestamp("2026-10-05 14:30")] * 2 + [pd.Timestamp("2026-10-05"),
                                                                    pd.Timestamp("2026-10-05 14:30")]
    assert v.iloc[4] == pd.Timestamp("2026-10-05 14:30") and v.iloc[5] == pd.Timestamp("2026-10-05")
    assert v.iloc[10] == pd.Timestamp("2026-10-05")                   # a serial typed as text
    assert list(bad) == [False] * 8 + [True, True, False]             # blanks are not bad; 1899 is out of range


def test_yes_no_spellings():
    v, bad = coerce.to_yesno(S("Y", "n", "Yes", "NO", "true", "False", 1, 0, "是", "否", True, "", "maybe"))
    assert list(v[:11]) == [True, False, True, False, True, False, True, False, True, False, True]
    assert pd.isna(v.iloc[11]) and list(bad) == [False] * 12 + [True]


def test_priority_spellings():
    v, bad = coerce.to_priority(S("P1", "p2", 3, "4", "紧急", "高", "中", "低", "1 - Critical", "3-Medium", "", "P9"))
    assert list(v[:10]) == ["P1", "P2", "P3", "P4", "P1", "P2", "P3", "P4", "P1", "P3"]
    assert pd.isna(v.iloc[10]) and list(bad) == [False] * 11 + [True]


def test_numbers():
    v, bad = coerce.to_number(S(12, "1,200.50", "¥300", "￥ 4 000", "", "abc", True))
    assert list(v[:4]) == [12, 1200.5, 300, 4000] and pd.isna(v.iloc[4])
    assert list(bad) == [False] * 5 + [True, True]


def test_headers_case_space_insensitive_and_chinese():
    g = [["工单编号", " Opened At ", "首次响应时间", "extra"], ["A1", "2026-10-05 09:00", "2026-10-05 10:00", "x"]]
    t = T.from_grid("Tickets", g)
    assert t.df.loc[0, "ticket_id"] == "A1" and t.df.loc[0, "first_response_at"] == pd.Timestamp("2026-10-05 10:00")
    assert t.headers["opened_at"] == "Opened At"


def test_missing_required_column_names_table_and_column():
    with pytest.raises(T.InputError, match=r"Tickets \(服务工单\).*'opened_at' \(受理时间/报修时间\)"):
        T.from_grid("Tickets", [["工单编号"], ["A"]])


def test_duplicate_ids_and_blank_required_are_issues_with_excel_rows():
    issues = T.Issues()
    g = [["ticket_id", "opened_at"], ["A", "2026-10-01"], ["A", "2026-10-02"], ["B", ""], [None, None]]
    t = T.from_grid("Tickets", g, issues=issues)
    assert len(t.df) == 3   # the fully blank row is not data
    assert [(i["row"], i["column"]) for i in issues.rows] == [(4, "opened_at"), (3, "ticket_id")]
    assert "duplicate id 'A'" in issues.rows[1]["problem"]


def test_terms_defaults_and_parsing():
    t = parse_terms({"Response_Hours_p1": "1", "turnover_threshold": "25%", "work_start": 0.375,
                     "workdays": "Mon-Sat", "time_basis": "business", "break_start": "12:00", "break_end": "13:00"})
    assert t.target("response_hours", "P1") == 1 and t.target("response_hours", "P2") == 2
    assert t["turnover_threshold"] == 0.25 and t["work_start"] == dt.time(9) and t["workdays"] == (0, 1, 2, 3, 4, 5)
    assert t["complaint_final_hours"] == 72


@pytest.mark.parametrize("mapping,message", [
    ({"response_hour": 2}, "unknown key 'response_hour'"),
    ({"time_basis": "weekly"}, "use calendar / business"),
    ({"response_hours": "soon"}, "'soon' is not a number"),
    ({"turnover_threshold": 20}, "between 0 and 1"),
    ({"work_start": "18:00", "work_end": "09:00"}, "must be before"),
    ({"break_start": "12:00"}, "given together"),
])
def test_terms_errors_name_the_key(mapping, message):
    with pytest.raises(TermsError, match=message):
        parse_terms(mapping)


def test_period_and_as_of():
    assert parse_period("2026-10").label == "2026-10"
    assert parse_period("2026/3").label == "2026-03"
    assert parse_period(46300).label == "2026-10"                 # a date inside the month, as a serial
    assert parse_period(None, pd.Series(pd.to_datetime(["2026-01-05", "2026-09-30"]))).label == "2026-09"
    with pytest.raises(T.InputError, match="2026-Q3"):
        parse_period("Oct")
    assert parse_as_of("2026-10-31 18:00") == pd.Timestamp("2026-10-31 18:00")
    assert parse_as_of("2026-10-31") == pd.Timestamp("2026-10-31 23:59:59")   # a date means its end


def test_dotted_dates_and_fractional_seconds():
    v, bad = coerce.to_datetime(S("2026.10.05", "2026.10.05 14:30", "2026-10-05 14:30:01.5"))
    assert list(v) == [pd.Timestamp("2026-10-05"), pd.Timestamp("2026-10-05 14:30"),
                       pd.Timestamp("2026-10-05 14:30:01.5")]
    assert not bad.any()
