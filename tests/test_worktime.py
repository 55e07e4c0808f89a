"""Tests of servicepledge.core.worktime: elapsed hours, working days, deadlines (docs/DEFINITIONS.md §3, §7.2).

Default terms: working hours 09:00-18:00 (9 h), Mon-Fri, holidays = CN.
2026 facts used below (checked with chinese_calendar 1.11 in test_cn_calendar_facts):
National Day Thu 2026-10-01 .. Wed 10-07 are holidays; Sun 2026-09-20 and Sat 2026-10-10
are make-up working days (调休); Mid-autumn Fri 09-25 .. Sun 09-27 are holidays.
"""
from __future__ import annotations

import datetime as dt
import math

import chinese_calendar
import numpy as np
import pandas as pd
import pytest
from chinese_calendar import constants as cn
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from servicepledge.core.terms import parse_terms
from servicepledge.core.worktime import (add_days, calendar_coverage, elapsed_hours, is_working_day,
                                    uncovered_years)

BUSINESS = {"time_basis": "business"}
LUNCH = {"time_basis": "business", "break_start": "12:00", "break_end": "13:00"}
H = 3600.0


def hours(a, b, terms=None) -> float:
    """elapsed_hours of one pair, as a float."""
    out = elapsed_hours([a], [b], terms)
    assert out.shape == (1,) and out.dtype == np.float64
    return float(out[0])


def test_cn_calendar_facts():
    assert chinese_calendar.is_workday(dt.date(2026, 9, 20))          # Sunday, make-up day
    assert chinese_calendar.is_workday(dt.date(2026, 10, 10))         # Saturday, make-up day
    assert not any(chinese_calendar.is_workday(dt.date(2026, 10, d)) for d in range(1, 8))
    assert chinese_calendar.is_workday(dt.date(2026, 10, 8))
    assert calendar_coverage() == (2004, 2026)


# ---------------------------------------------------------------- calendar basis
def test_calendar_basis_counts_every_hour():
    # Mon 2026-03-02 10:00 -> Tue 03-03 12:30 = 24 h + 2.5 h
    assert hours("2026-03-02 10:00", "2026-03-03 12:30") == 26.5
    # across a weekend and a holiday nothing is skipped: Fri 09-30 15:00 -> Thu 10-08 15:00 = 8 days
    assert hours("2026-09-30 15:00", "2026-10-08 15:00", {"time_basis": "calendar"}) == 8 * 24


# ---------------------------------------------------------------- business basis
@pytest.mark.parametrize("a, b, expected", [
    # within a day: Mon 10:15 -> 14:45 = 4.5 h
    ("2026-03-02 10:15", "2026-03-02 14:45", 4.5),
    # across a night: Tue 16:00-18:00 = 2 h, Wed 09:00-10:30 = 1.5 h
    ("2026-03-03 16:00", "2026-03-04 10:30", 3.5),
    # across a weekend: Fri 17:00-18:00 = 1 h, Sat/Sun 0, Mon 09:00-09:30 = 0.5 h
    ("2026-03-06 17:00", "2026-03-09 09:30", 1.5),
    # ticket opened Friday 20:00 (after hours): Fri 0, weekend 0, Mon 09:00-10:00 = 1 h
    ("2026-03-06 20:00", "2026-03-09 10:00", 1.0),
    # opened Friday 20:00, answered 21:00 the same evening: no working time passed
    ("2026-03-06 20:00", "2026-03-06 21:00", 0.0),
    # start before work_start: Mon 07:30 -> 09:45 counts 09:00-09:45 = 0.75 h
    ("2026-03-09 07:30", "2026-03-09 09:45", 0.75),
    # National Day: Wed 09-30 15:00-18:00 = 3 h, Oct 1-7 holidays, Thu 10-08 09:00-11:00 = 2 h
    ("2026-09-30 15:00", "2026-10-08 11:00", 5.0),
    # make-up Saturday 10-10: Fri 10-09 17:00-18:00 = 1 h + Sat 9 h + Mon 10-12 09:00-10:00 = 1 h
    ("2026-10-09 17:00", "2026-10-12 10:00", 11.0),
    # make-up Sunday 09-20: Sat 09-19 0 h + Sun 9 h + Mon 09-21 09:00-10:00 = 1 h
    ("2026-09-19 10:00", "2026-09-21 10:00", 10.0),
    # Mid-autumn: Thu 09-24 17:00-18:00 = 1 h, Fri 09-25 .. Sun 09-27 off, Mon 09-28 1 h
    ("2026-09-24 17:00", "2026-09-28 10:00", 2.0),
])
def test_business_hours(a, b, expected):
    assert hours(a, b, BUSINESS) == expected


@pytest.mark.parametrize("a, b, expected", [
    # 12:00-13:00 break: Mon 10:15-12:00 = 1.75 h, 13:00-14:45 = 1.75 h
    ("2026-03-02 10:15", "2026-03-02 14:45", 3.5),
    # start inside the break: 12:20 -> 14:00 counts 13:00-14:00 = 1 h
    ("2026-03-09 12:20", "2026-03-09 14:00", 1.0),
    # end inside the break: 11:00 -> 12:40 counts 11:00-12:00 = 1 h
    ("2026-03-09 11:00", "2026-03-09 12:40", 1.0),
    # a full working day is 9 h - 1 h = 8 h: Mon 09:00 -> Tue 09:00
    ("2026-03-09 09:00", "2026-03-10 09:00", 8.0),
    # National Day with lunch: Wed 09-30 11:00-12:00 + 13:00-18:00 = 6 h, Thu 10-08 09:00-12:00 = 3 h
    # plus 13:00-13:30 = 0.5 h
    ("2026-09-30 11:00", "2026-10-08 13:30", 9.5),
])
def test_business_hours_with_break(a, b, expected):
    assert hours(a, b, LUNCH) == expected


def test_holidays_table_overrides():
    terms = parse_terms(BUSINESS, overrides={dt.date(2026, 3, 10): False,    # Tue made non-working
                                             dt.date(2026, 3, 14): True,     # Sat made working
                                             dt.date(2026, 10, 5): True})    # a CN holiday worked
    # Mon 03-09 17:00-18:00 = 1 h, Tue 0 h, Wed 03-11 09:00-10:00 = 1 h
    assert hours("2026-03-09 17:00", "2026-03-11 10:00", terms) == 2.0
    # Fri 03-13 17:00-18:00 = 1 h, Sat 9 h, Sun 0, Mon 03-16 09:00-10:00 = 1 h
    assert hours("2026-03-13 17:00", "2026-03-16 10:00", terms) == 11.0
    # Wed 09-30 15:00-18:00 = 3 h, only Mon 10-05 worked (9 h) in the holiday, Thu 10-08 2 h
    assert hours("2026-09-30 15:00", "2026-10-08 11:00", terms) == 14.0
    # without the table the first two intervals are 1+9+1 = 11 h and 1+0+1 = 2 h
    assert hours("2026-03-09 17:00", "2026-03-11 10:00", BUSINESS) == 11.0
    assert hours("2026-03-13 17:00", "2026-03-16 10:00", BUSINESS) == 2.0


def test_holidays_none_uses_weekdays_only():
    terms = {"time_basis": "business", "holidays": "none"}
    # Wed 09-30 15:00 -> Thu 10-08 11:00: 3 h + Thu/Fri 10-01,02 18 h + Mon-Wed 10-05..07 27 h + 2 h
    assert hours("2026-09-30 15:00", "2026-10-08 11:00", terms) == 50.0


def test_custom_workdays_and_hours():
    terms = {"time_basis": "business", "workdays": "Mon-Sat", "work_start": "08:30",
             "work_end": "17:30", "holidays": "none"}
    # Fri 03-06 17:00-17:30 = 0.5 h + Sat 03-07 08:30-17:30 = 9 h + Sun 0 + Mon 08:30-09:00 = 0.5 h
    assert hours("2026-03-06 17:00", "2026-03-09 09:00", terms) == 10.0


# ---------------------------------------------------------------- bad and missing data
@pytest.mark.parametrize("terms", [None, BUSINESS, LUNCH])
def test_end_before_start_is_nan(terms):
    assert math.isnan(hours("2026-03-09 12:00", "2026-03-09 11:59:59", terms))
    # every row ends before it starts, and in an earlier year (the day table must still build)
    assert math.isnan(hours("2027-01-01 00:00", "2026-12-31 00:00", terms))


@pytest.mark.parametrize("terms", [None, BUSINESS])
def test_missing_is_nan(terms):
    start = pd.Series(pd.to_datetime(["2026-03-09 10:00", None, "2026-03-09 10:00", None]))
    end = pd.Series(pd.to_datetime([None, "2026-03-09 11:00", "2026-03-09 11:00", None]))
    out = elapsed_hours(start, end, terms)
    assert np.isnan(out[[0, 1, 3]]).all() and out[2] == 1.0
    out = elapsed_hours([None, dt.datetime(2026, 3, 9, 10), pd.NaT], [np.datetime64("NaT"), None, None], terms)
    assert np.isnan(out).all()


def test_exact_to_the_second():
    # Mon 17:59:59 -> Tue 09:00:01 = 1 s + 1 s
    assert hours("2026-03-09 17:59:59", "2026-03-10 09:00:01", BUSINESS) == 2 / H
    # 11:59:59 -> 13:00:01 across the lunch break = 1 s + 1 s
    assert hours("2026-03-09 11:59:59", "2026-03-09 13:00:01", LUNCH) == 2 / H
    # sub-second inputs stay exact: 09:00:00.5 -> 09:00:01.5 = 1 s
    a = np.array(["2026-03-09T09:00:00.5"], dtype="M8[ns]")
    assert elapsed_hours(a, a + np.timedelta64(1, "s"), BUSINESS)[0] == 1 / H
    # 2 h of calendar time in nanoseconds divides exactly
    assert elapsed_hours(a, a + np.timedelta64(7200, "s"))[0] == 2.0


def test_input_kinds_and_units():
    a, b = "2026-03-09 10:00", "2026-03-10 10:00"           # business: 8 h + 1 h = 9 h
    s = pd.Series(pd.to_datetime([a]))
    e = pd.Series(pd.to_datetime([b]))
    for start, end in [(s, e), (pd.DatetimeIndex(s), pd.DatetimeIndex(e)),
                       (s.to_numpy().astype("M8[s]"), e.to_numpy().astype("M8[ns]")),
                       ([dt.datetime(2026, 3, 9, 10)], [pd.Timestamp(b)]), (a, b)]:
        assert elapsed_hours(start, end, BUSINESS).tolist() == [9.0]
    # a scalar start broadcasts against a column of ends
    assert elapsed_hours(a, pd.Series(pd.to_datetime([b, "2026-03-09 12:00"])), BUSINESS).tolist() == [9.0, 2.0]
    with pytest.raises(TypeError):
        elapsed_hours([45000.5], [45001.5], BUSINESS)   # Excel serials must be converted first


def test_uncovered_years():
    first, last = calendar_coverage()
    assert (first, last) == (2004, 2026)
    start, end = ["2026-12-30 10:00", "2003-05-06 10:00"], ["2027-01-05 10:00", None]
    assert uncovered_years(start, end, BUSINESS) == [2003, 2027]
    assert uncovered_years(["2025-12-30"], ["2029-01-02"], BUSINESS) == [2027, 2028, 2029]
    assert uncovered_years(start, end, None) == []                      # calendar hours, calendar days
    assert uncovered_years(start, end, {"day_basis": "working"}) == [2003, 2027]
    assert uncovered_years(start, end, {**BUSINESS, "holidays": "none"}) == []
    assert uncovered_years(["2026-12-30"], None, {"day_basis": "working"}) == []
    # the uncovered year falls back to the weekday rule: Fri 2027-01-01 counts as a working day
    # Thu 2026-12-31 17:00-18:00 = 1 h + Fri 9 h + Mon 2027-01-04 09:00-10:00 = 1 h
    assert hours("2026-12-31 17:00", "2027-01-04 10:00", BUSINESS) == 11.0


# ---------------------------------------------------------------- working days and deadlines
def test_is_working_day():
    days = ["2026-09-20", "2026-10-01", "2026-10-10", "2026-10-11", "2026-10-12", None]
    assert is_working_day(days).tolist() == [True, False, True, False, True, False]
    assert is_working_day(days, {"holidays": "none"}).tolist() == [False, True, False, False, True, False]
    terms = parse_terms({}, overrides={dt.date(2026, 10, 12): False})
    assert is_working_day(["2026-10-12"], terms).tolist() == [False]


def test_add_days_working_across_national_day():
    working = {"day_basis": "working"}
    notices = pd.Series(pd.to_datetime(["2026-09-30", "2026-10-03", "2026-09-30", None]), index=[5, 6, 7, 8])
    # Wed 09-30 + 3 working days: Oct 1-7 off, Thu 10-08 (1), Fri 10-09 (2), Sat 10-10 make-up (3)
    # Sat 10-03 + 1: Thu 10-08; n = 0 gives the date itself
    out = add_days(notices, [3, 1, 0, 3], working)
    assert isinstance(out, pd.Series) and out.index.tolist() == [5, 6, 7, 8]
    assert out.iloc[:3].dt.strftime("%Y-%m-%d").tolist() == ["2026-10-10", "2026-10-08", "2026-09-30"]
    assert pd.isna(out.iloc[3])
    # calendar days: 09-30 + 3 = 10-03
    cal = add_days(["2026-09-30 16:45", None], 3)
    assert cal[0] == np.datetime64("2026-10-03") and np.isnat(cal[1])
    # Fri 2026-12-25 + 7 working days runs into the uncovered 2027 (weekday rule):
    # Mon 28, Tue 29, Wed 30, Thu 31, Fri 2027-01-01, Mon 04, Tue 05
    assert add_days(["2026-12-25"], 7, working)[0] == np.datetime64("2027-01-05")


# ---------------------------------------------------------------- property tests vs a slow reference
def ref_is_working(d: dt.date, terms) -> bool:
    if d in terms.overrides:
        return terms.overrides[d]
    if terms["holidays"] == "CN" and calendar_coverage()[0] <= d.year <= calendar_coverage()[1]:
        if d in cn.holidays:
            return False
        if d in cn.workdays:
            return True
    return d.weekday() in terms["workdays"]


def ref_elapsed_seconds(a, b, terms):
    """Walk day by day and intersect [a, b) with each working window of each working day."""
    if a is None or b is None or b < a:
        return None
    if terms["time_basis"] == "calendar":
        return (b - a).total_seconds()
    windows = [(terms["work_start"], terms["work_end"])]
    if terms["break_start"] is not None:
        windows = [(terms["work_start"], terms["break_start"]), (terms["break_end"], terms["work_end"])]
    total, d = 0.0, a.date()
    while d <= b.date():
        if ref_is_working(d, terms):
            for w0, w1 in windows:
                lo, hi = max(a, dt.datetime.combine(d, w0)), min(b, dt.datetime.combine(d, w1))
                total += max(0.0, (hi - lo).total_seconds())
        d += dt.timedelta(days=1)
    return total


@st.composite
def terms_strategy(draw):
    minutes = sorted(draw(st.lists(st.integers(0, 24 * 60 - 1), min_size=4, max_size=4, unique=True)))
    t = [dt.time(m // 60, m % 60) for m in minutes]
    values = {"time_basis": draw(st.sampled_from(["business", "business", "calendar"])),
              "holidays": draw(st.sampled_from(["CN", "none"])),
              "workdays": ",".join(str(d + 1) for d in draw(st.sets(st.integers(0, 6), min_size=1)))}
    if draw(st.booleans()):
        values.update(work_start=t[0], break_start=t[1], break_end=t[2], work_end=t[3])
    else:
        values.update(work_start=t[0], work_end=t[3])
    overrides = draw(st.dictionaries(st.dates(dt.date(2026, 9, 1), dt.date(2027, 1, 31)), st.booleans(),
                                     max_size=8))
    return parse_terms(values, overrides=overrides)


moments = st.datetimes(dt.datetime(2026, 8, 25), dt.datetime(2027, 1, 31))
spans = st.timedeltas(dt.timedelta(hours=-30), dt.timedelta(days=25))
intervals = st.lists(st.tuples(moments, spans, st.integers(0, 9)), min_size=1, max_size=12)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(terms_strategy(), intervals)
def test_elapsed_matches_reference(terms, rows):
    starts = [None if k == 0 else a.replace(microsecond=0) for a, _, k in rows]
    ends = [None if k == 1 else a.replace(microsecond=0) + span for a, span, k in rows]
    got = elapsed_hours(starts, ends, terms)
    for a, b, g in zip(starts, ends, got):
        want = ref_elapsed_seconds(a, b, terms)
        if want is None:
            assert math.isnan(g)
        else:
            assert g * H == pytest.approx(want, abs=1e-6) and g >= 0
    # the same through second-resolution numpy arrays
    arr = np.array([np.datetime64("NaT") if x is None else np.datetime64(x, "s") for x in starts])
    np.testing.assert_array_equal(elapsed_hours(arr, pd.Series(ends, dtype="M8[us]"), terms), got)


@settings(max_examples=100, deadline=None)
@given(terms_strategy(), st.lists(st.dates(dt.date(2026, 8, 25), dt.date(2027, 1, 31)), min_size=1, max_size=6),
       st.integers(0, 15))
def test_add_days_and_is_working_day_match_reference(terms, dates, n):
    working = parse_terms({"day_basis": "working", "workdays": terms.display()["workdays"],
                           "holidays": terms["holidays"]}, overrides=terms.overrides)
    assert is_working_day(dates, working).tolist() == [ref_is_working(d, working) for d in dates]
    got = add_days(dates, n, working)
    for d, g in zip(dates, got):
        want, left = d, n
        while left:
            want += dt.timedelta(days=1)
            left -= ref_is_working(want, working)
        assert g == np.datetime64(want)


def test_work_end_24_00_counts_the_whole_day():
    # 24x5 support desk: Mon 2026-10-12 00:00 -> Tue 00:00 is one whole working day = 24 h exactly
    terms = {"time_basis": "business", "work_start": "00:00", "work_end": "24:00", "holidays": "none"}
    got = elapsed_hours(pd.Series([pd.Timestamp("2026-10-12 00:00")]), pd.Series([pd.Timestamp("2026-10-13 00:00")]),
                        terms)
    assert got[0] == 24.0
