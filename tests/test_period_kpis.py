"""Issue 10 items 1, 2, 4: every KPI over a quarter, a half-year, a year and a range crossing a year boundary,
and each headline figure beside the previous period and the same period a year earlier.

One small hand-worked book (the same as the worked example in DEFINITIONS §15). Terms: defaults (calendar
hours, response 2 h, complaint accept 2 h, window 12 months, minor reduction 10%). as_of 2026-12-31 23:59,
so every record is closed.

Tickets (opened → first response; fee):            Complaints:
  T1 2025-12-15 10:00 → 11:00  met      1000         C1 2026-02-01 10:00 accepted 11:00 (met)
  T2 2026-01-10 10:00 → 13:00  breached 2000         C2 2026-08-01 10:00 accepted 13:00 (breached), about T7
  T3 2026-02-20 09:00 → 09:30  met       300
  T4 2026-03-31 23:30 → 04-01 00:30 met  300   (Q1: a ticket belongs to the period it was opened in)
  T5 2026-04-01 00:00 → 03:00  breached  500
  T6 2026-05-05 10:00 → 11:00  met       300
  T7 2026-07-15 10:00 → 11:00  met       600
  T8 2026-08-20 10:00 → 15:00  breached  800
  T9 2026-09-30 23:00 → 10-01 00:30 met  300   (Q3)
  nothing in 2026-Q4 (the empty quarter)

Staff: S1, S6 hired 2020-01-01 staying; S2 left 2026-02-15; S3 left 2026-08-31; S5 left 2025-12-31 (all hired
2020-01-01); S4 hired 2026-03-01. Headcount: 5 through 2025-12-31, 4 from 2026-01-01, 3 from 02-16, 4 from 03-01,
3 from 09-01. Monthly averages ((first day + last day) / 2): 2025 months 5; Jan 4; Feb (4+3)/2 = 3.5; Mar–Aug 4;
Sep–Dec 3.
"""
from __future__ import annotations

import json

import pytest

from excel_helpers import call, server_mode

xw = server_mode()
from helpers import cli, grid, report, write_book  # noqa: E402
from servicepledge.excel import functions as F  # noqa: E402
from servicepledge.outputs import sheets  # noqa: E402
from servicepledge.outputs.outfile import report_name  # noqa: E402
from servicepledge.core.period import parse_period  # noqa: E402

AS_OF = "2026-12-31 23:59"


def _t(i, opened, resp, fee):
    return {"ticket_id": f"T{i}", "opened_at": opened, "first_response_at": resp, "service_fee": fee,
            "customer": f"客户{i}"}


TICKETS = [
    _t(1, "2025-12-15 10:00", "2025-12-15 11:00", 1000),
    _t(2, "2026-01-10 10:00", "2026-01-10 13:00", 2000),
    _t(3, "2026-02-20 09:00", "2026-02-20 09:30", 300),
    _t(4, "2026-03-31 23:30", "2026-04-01 00:30", 300),
    _t(5, "2026-04-01 00:00", "2026-04-01 03:00", 500),
    _t(6, "2026-05-05 10:00", "2026-05-05 11:00", 300),
    _t(7, "2026-07-15 10:00", "2026-07-15 11:00", 600),
    _t(8, "2026-08-20 10:00", "2026-08-20 15:00", 800),
    _t(9, "2026-09-30 23:00", "2026-10-01 00:30", 300),
]
COMPLAINTS = [
    {"complaint_id": "C1", "received_at": "2026-02-01 10:00", "accepted_at": "2026-02-01 11:00",
     "progress_at": "2026-02-01 12:00", "final_reply_at": "2026-02-02 10:00", "customer": "客户1"},
    {"complaint_id": "C2", "received_at": "2026-08-01 10:00", "accepted_at": "2026-08-01 13:00",
     "progress_at": "2026-08-01 14:00", "final_reply_at": "2026-08-02 10:00", "ticket_id": "T7",
     "customer": "客户7"},
]
STAFF = [
    {"staff_id": "S1", "hired_on": "2020-01-01"},
    {"staff_id": "S2", "hired_on": "2020-01-01", "left_on": "2026-02-15"},
    {"staff_id": "S3", "hired_on": "2020-01-01", "left_on": "2026-08-31"},
    {"staff_id": "S4", "hired_on": "2026-03-01"},
    {"staff_id": "S5", "hired_on": "2020-01-01", "left_on": "2025-12-31"},
    {"staff_id": "S6", "hired_on": "2020-01-01"},
]


def rep(period):
    return report(period=period, as_of=AS_OF, Tickets=TICKETS, Complaints=COMPLAINTS, Staff=STAFF)


# period -> response compliance, turnover (separations, average headcount, rate), rolling rate,
#           breach items (ids), fee reductions
CASES = {
    # the month 2026-08: T8 breached -> 0/1. S3 left 08-31: 1 / ((4 + 4)/2) = 25%. Rolling Sep 2025..Aug 2026:
    # 5*4 + 4 + 3.5 + 4*6 = 51.5; S5, S2, S3 -> 36/51.5. Register T8 (80), C2 (60).
    "2026-08": (0.0, 1, 4.0, 0.25, 36 / 51.5, ["T8", "C2"], 140.0),
    # Q1: T2 breached, T3 T4 met -> 2/3. Separations Jan 1..Mar 31: S2 -> 1; average (4 + 3.5 + 4) / 3 = 3.8333
    # -> 1 / 3.8333 = 6/23. Rolling Apr 2025..Mar 2026: averages 8*5 + 5 + 4 + 3.5 + 4 = 56.5 -> 56.5/12;
    # separations S5, S2 = 2 -> 2 / (56.5/12) = 24/56.5. Register: T2 (fee 2000 -> 10% = 200).
    "2026-Q1": (2 / 3, 1, 11.5 / 3, 6 / 23, 24 / 56.5, ["T2"], 200.0),
    # H1: T2..T6: met T3 T4 T6, breached T2 T5 -> 3/5. Separations: S2 -> 1; average (4+3.5+4+4+4+4)/6 =
    # 23.5/6 -> 6/23.5. Rolling Jul 2025..Jun 2026: 5*5 + 5 + 4 + 3.5 + 4*4 = 53.5; S5, S2 -> 24/53.5.
    # Register T2 (200), T5 (500 -> 50) = 250.
    "2026-H1": (3 / 5, 1, 23.5 / 6, 6 / 23.5, 24 / 53.5, ["T2", "T5"], 250.0),
    # Q3: T7 T9 met (T9 opened 09-30 23:00, answered in October: still Q3), T8 breached -> 2/3. Separations
    # S3 (08-31) -> 1; average (4 + 4 + 3)/3 = 11/3 -> 3/11. Rolling Oct 2025..Sep 2026: 5+5+5+4+3.5+4*6+3 =
    # 49.5; S5, S2, S3 = 3 -> 36/49.5. Register T8 (800 -> 80), C2 (accepted after 3 h; fee of T7 600 -> 60).
    "2026-Q3": (2 / 3, 1, 11 / 3, 3 / 11, 36 / 49.5, ["T8", "C2"], 140.0),
    # Year 2026: T2..T9: met T3 T4 T6 T7 T9 = 5, breached T2 T5 T8 = 3 -> 5/8. Separations S2, S3 = 2 (S5 left
    # 2025-12-31); average (4 + 3.5 + 4*6 + 3*4)/12 = 43.5/12 -> 24/43.5; the rolling window is the same 12
    # months. Register T2, T5, T8, C2 = 200 + 50 + 80 + 60 = 390.
    "2026": (5 / 8, 2, 43.5 / 12, 24 / 43.5, 24 / 43.5, ["T2", "T5", "T8", "C2"], 390.0),
    # Range crossing the year, cutting its first and last month: T1 (12-15) and T3 (02-20) lie outside; T2 only
    # -> 0/1. Months cut to the range: Dec 16..31 (5 + 5)/2 = 5, Jan (4 + 4)/2 = 4, Feb 1..15 (4 + 4)/2 = 4 (S2's
    # last day 02-15 counts) -> 13/3; separations S5 (12-31), S2 (02-15) = 2 -> 6/13. Rolling Mar 2025..Feb
    # 2026 (the month of the last day): 9*5 + 5 + 4 + 3.5 = 57.5; S5, S2 -> 24/57.5. Register T2 (200).
    "2025-12-16..2026-02-15": (0.0, 2, 13 / 3, 6 / 13, 24 / 57.5, ["T2"], 200.0),
}


@pytest.mark.parametrize("period", list(CASES))
def test_every_kpi_over_the_period(period):
    resp, seps, avg, rate, rolling, items, fee = CASES[period]
    d = rep(period).doc
    assert d["response"]["compliance"] == pytest.approx(resp)
    tu = d["turnover"]
    assert tu["separations"] == seps
    assert (tu["average_headcount"], tu["rate"]) == (pytest.approx(avg), pytest.approx(rate))
    assert tu["rolling_rate"] == pytest.approx(rolling) and tu["exceeded"] is True       # all above 20%
    assert [i["ref_id"] for i in d["breaches"]["items"]] == items
    assert d["breaches"]["fee_reduction_total"] == fee
    assert d["warnings"] == []


def test_the_json_states_kind_first_and_last_day():
    docs = {p: rep(p).doc for p in ("2026年第3季度", "2026年上半年", "2026", "2025-12-16..2026-02-15")}
    got = {p: (d["period"], d["period_kind"], d["period_first_day"], d["period_last_day"]) for p, d in docs.items()}
    assert got == {"2026年第3季度": ("2026-Q3", "quarter", "2026-07-01", "2026-09-30"),
                   "2026年上半年": ("2026-H1", "half", "2026-01-01", "2026-06-30"),
                   "2026": ("2026", "year", "2026-01-01", "2026-12-31"),
                   "2025-12-16..2026-02-15": ("2025-12-16..2026-02-15", "range", "2025-12-16", "2026-02-15")}


def test_complaints_over_the_year():
    # C1 accepted after 1 h (met), C2 after 3 h (breached): 1/2; both progressed and answered in time
    c = rep("2026").doc["complaints"]
    assert (c["accept"]["met"], c["accept"]["breached"], c["accept"]["compliance"]) == (1, 1, 0.5)
    assert c["progress"]["compliance"] == c["final"]["compliance"] == 1.0


def test_the_empty_quarter_is_blank_and_says_so():
    d = rep("2026-Q4").doc
    assert d["response"]["total"] == 0 and d["response"]["compliance"] is None
    assert d["breaches"]["total"] == 0
    # nobody left in Oct..Dec; 3 employed throughout -> 0 / 3 = 0 (a real zero: staff were employed)
    tu = d["turnover"]
    assert (tu["separations"], tu["average_headcount"], tu["rate"]) == (0, 3.0, 0.0)
    msgs = {w["table"]: w["message"] for w in d["warnings"] if w["code"] == "empty_population"}
    assert set(msgs) == {"Tickets", "Complaints"}
    assert "2026-Q4" in msgs["Tickets"] and "2025-12 至 2026-09" in msgs["Tickets"]


def test_a_period_not_over_at_as_of_says_so():
    # 2026-Q4 at 2026-10-31 18:00: only October has happened; the quarter's figures are partial
    r = report(period="2026-Q4", as_of="2026-10-31 18:00", terms={"lang": "en"}, Tickets=TICKETS, Staff=STAFF)
    (w,) = [w for w in r.doc["warnings"] if w["code"] == "period_open"]
    assert w["message"] == ("2026-Q4 has not ended at as_of 2026-10-31 18:00: its figures hold only what happened "
                            "from 2026-10-01 up to then, and later days count the staff known at as_of in the "
                            "average headcount; build it again once the period is over")
    # as_of on the last day (any time): the period is over, no warning
    assert not [w for w in rep("2026-Q3").doc["warnings"] if w["code"] == "period_open"]
    assert not [w for w in report(period="2026-09", as_of="2026-09-30 08:00", Tickets=TICKETS).doc["warnings"]
                if w["code"] == "period_open"]


# ---------------------------------------------------------------- comparisons
def test_quarter_against_the_previous_quarter_and_a_year_earlier():
    cmp = rep("2026-Q3").doc["comparison"]
    prev, yoy = cmp["previous"], cmp["year_earlier"]
    assert (prev["period"], prev["first_day"], prev["last_day"]) == ("2026-Q2", "2026-04-01", "2026-06-30")
    assert (yoy["period"], yoy["first_day"], yoy["last_day"]) == ("2025-Q3", "2025-07-01", "2025-09-30")
    f = prev["figures"]
    # response Q3 2/3, Q2 (T5 breached, T6 met) 1/2 -> +16.6667 points
    assert (f["response"]["current"], f["response"]["value"]) == (pytest.approx(2 / 3), 0.5)
    assert f["response"]["change"] == pytest.approx(16.6667) and f["response"]["unit"] == "pp"
    # turnover Q3 3/11 against Q2 0 (nobody left Apr..Jun, average 4) -> +27.2727 points
    assert f["turnover_rate"]["value"] == 0.0 and f["turnover_rate"]["change"] == pytest.approx(27.2727)
    # rolling Jan..Jun 2026 window: 5*5 + 5 + 4 + 3.5 + 4*4 = 53.5 -> 24/53.5; Q3 36/49.5
    assert f["turnover_rolling_rate"]["value"] == pytest.approx(24 / 53.5)
    # register: Q3 T8 + C2 = 2 items, ¥140; Q2 T5 = 1 item, ¥50 -> +1, +90.00
    assert (f["breaches_total"]["value"], f["breaches_total"]["change"]) == (1, 1)
    assert (f["fee_reduction_total"]["value"], f["fee_reduction_total"]["change"]) == (50.0, 90.0)
    # complaints: Q3 C2; Q2 none, but the complaints (from 2026-02-01) cover Q2 -> a real 0, +1
    assert (f["complaints_received"]["current"], f["complaints_received"]["value"],
            f["complaints_received"]["change"]) == (1, 0, 1)
    # initial solution: no complex tickets in either quarter -> nothing to compute, said so
    assert f["initial_solution"]["value"] is None
    assert f["initial_solution"]["why"] == "2026年第2季度没有可计算该指标的记录"
    # a year earlier: tickets begin 2025-12-15, so 2025-Q3 has no data -> null and why; staff cover it
    y = yoy["figures"]
    assert (y["response"]["value"], y["response"]["change"]) == (None, None)
    assert y["response"]["why"] == "服务工单的记录从 2025-12-15 开始，没有覆盖2025年第3季度，无法比较"
    assert y["breaches_total"]["value"] is None and y["complaints_received"]["value"] is None
    # Jul..Sep 2025: 5 employed, nobody left -> 0
    assert y["turnover_rate"]["value"] == 0.0 and y["turnover_rate"]["why"] is None


def test_the_current_side_is_the_documents_own_figure():
    d = rep("2026-Q3").doc
    f = d["comparison"]["previous"]["figures"]
    assert f["response"]["current"] == d["response"]["compliance"]
    assert f["final"]["current"] == d["complaints"]["final"]["compliance"]
    assert f["turnover_rolling_rate"]["current"] == d["turnover"]["rolling_rate"]
    assert f["compensation_total"]["current"] == d["breaches"]["compensation_total"]


def test_previous_value_equals_the_report_of_that_period():
    # the previous quarter's figures are that quarter's own report at the same as_of (a KPI is defined once)
    f = rep("2026-Q3").doc["comparison"]["previous"]["figures"]
    q2 = rep("2026-Q2").doc
    assert f["response"]["value"] == q2["response"]["compliance"]
    assert f["turnover_rate"]["value"] == q2["turnover"]["rate"]
    assert f["breaches_minor"]["value"] == q2["breaches"]["minor"]


def test_a_period_without_data_is_null_with_why_in_english():
    d = report(period="2026-Q1", as_of=AS_OF, terms={"lang": "en"}, Tickets=TICKETS, Complaints=COMPLAINTS,
               Staff=STAFF).doc
    f = d["comparison"]["previous"]["figures"]          # 2025-Q4: tickets begin 12-15, after October
    assert f["response"]["value"] is None
    assert f["response"]["why"] == "the Tickets records begin on 2025-12-15, so they do not cover 2025-Q4"
    assert f["complaints_received"]["why"] == \
        "the Complaints records begin on 2026-02-01, so they do not cover 2025-Q4"


def test_range_compares_with_as_many_days_before():
    cmp = rep("2025-12-16..2026-02-15").doc["comparison"]
    # 62 days (Dec 16..31 = 16, Jan 31, Feb 1..15 = 15): the 62 days ending 2025-12-15 start 2025-10-15
    assert (cmp["previous"]["first_day"], cmp["previous"]["last_day"]) == ("2025-10-15", "2025-12-15")
    assert (cmp["year_earlier"]["first_day"], cmp["year_earlier"]["last_day"]) == ("2024-12-16", "2025-02-15")
    # T1 (2025-12-15) is the previous range's only ticket, but tickets begin 12-15, after its first month
    assert cmp["previous"]["figures"]["response"]["value"] is None


def test_dashboard_shows_the_comparison():
    r = rep("2026-Q3")
    b = sheets.dashboard(r).blocks[-1]
    assert b.header == ["指标", "本期 2026-Q3", "上期 2026-Q2", "变化", "上年同期 2025-Q3", "变化", "说明"]
    row = b.rows[0]
    assert row[0] == "首次响应" and row[1] == pytest.approx(2 / 3) and row[2] == 0.5
    assert row[3] == "+16.67百分点" and row[4] == "无数据" and row[5] == ""
    assert row[6] == "服务工单的记录从 2025-12-15 开始，没有覆盖2025年第3季度，无法比较"
    assert b.rows[1][6] == ("2026年第2季度没有可计算该指标的记录；"
                            "服务工单的记录从 2025-12-15 开始，没有覆盖2025年第3季度，无法比较")
    # accept: no complaint in Q2 (nothing decided, so no rate) and none before 2026-02 for 2025-Q3
    assert b.rows[2][6] == ("2026年第2季度没有可计算该指标的记录；"
                            "客户投诉的记录从 2026-02-01 开始，没有覆盖2025年第3季度，无法比较")
    assert b.rows[3][6] == "同上"           # progress: the same reason as the row above, said once
    fee = next(x for x in b.rows if x[0] == "服务费减免合计")
    assert fee[1:4] == [140.0, 50.0, "+90.00"]
    staff = next(x for x in b.rows if x[0] == "人员流失率（本期）")
    assert staff[3:6] == ["+27.27百分点", 0.0, "+27.27百分点"] and staff[6] == ""   # 3/11 against 0 twice


def test_staffing_sheet_names_the_period_figures():
    # Q3: 4 employed on 07-01, 3 on 09-30 (S3 left 08-31); rate 3/11
    rows = {row[0]: row[1] for row in sheets.staffing(rep("2026-Q3")).blocks[0].rows}
    assert (rows["期初人数"], rows["期末人数"], rows["本期流失率"]) == (4, 3, pytest.approx(3 / 11))
    month = {row[0]: row[1] for row in sheets.staffing(rep("2026-08")).blocks[0].rows}
    assert (month["月初人数"], month["月末人数"], month["当月流失率"]) == (4, 4, 0.25)


# ---------------------------------------------------------------- fronts
def test_output_names_follow_the_period():
    assert report_name(parse_period("2026年第3季度")) == "servicepledge-report-2026-Q3.xlsx"
    assert report_name(parse_period("2026")) == "servicepledge-report-2026.xlsx"
    assert report_name(parse_period("2026-01-01..2026-03-31")) == "servicepledge-report-2026-01-01_2026-03-31.xlsx"


def test_chart_marks_the_period_months():
    from servicepledge.outputs import charts
    r = rep("2026-Q3")
    assert charts.period_span([h["period"] for h in r.history["response"]], r) == (9, 11)   # Jul..Sep of 12
    fig = charts.figure("turnover", r)
    ((ax, span),) = [(ax, p) for ax in fig.axes for p in ax.patches if p.get_gid() == "period"]
    # in data coordinates whichever patch axvspan makes (a Rectangle; a Polygon in Pyodide's matplotlib)
    box = span.get_extents().transformed(ax.transData.inverted())
    x0, x1 = round(box.x0, 6), round(box.x1, 6)     # bars of July..September at x = 9, 10, 11
    assert (x0, x1) == (8.5, 11.5)
    month = rep("2026-09")
    assert charts.period_span([h["period"] for h in month.history["response"]], month) == (11, 11)


def test_cli_quarter_writes_the_quarter_named_file(tmp_path):
    book = write_book(tmp_path / "in.xlsx", {"Tickets": grid("Tickets", TICKETS), "Staff": grid("Staff", STAFF)})
    p = cli("report", str(book), "--period", "2026年三季度", "--as-of", AS_OF, cwd=tmp_path)
    assert p.returncode == 0, p.stderr
    assert (tmp_path / "servicepledge-report-2026-Q3.xlsx").exists()
    h = cli("report", "--help")
    assert "2026-Q3" in h.stdout and "2026-H1" in h.stdout and "2026-01-01..2026-03-31" in h.stdout


def test_sp_kpis_for_a_quarter_equals_the_cli_json():
    from excel_helpers import as_arg, sample_grids
    g = sample_grids()
    got = call(F, "SP_KPIS", *(as_arg(g[n]) for n in ("Tickets", "Complaints", "Staff", "FundLedger",
                                                       "FundBudget", "Notices")),
               "2026-Q3", "2026-10-31 18:00", as_arg(g["Terms"]))
    p = cli("report", "--json", "--period", "2026-Q3", "--as-of", "2026-10-31 18:00")
    assert p.returncode == 0, p.stderr
    d = json.loads(p.stdout)
    assert d["period"] == "2026-Q3" and d["period_kind"] == "quarter"
    by = {row[0]: row[1] for row in got[1:]}
    assert by["首次响应 达标率"] == pytest.approx(d["response"]["compliance"])
    assert by["复杂问题初步方案 达标率"] == pytest.approx(d["initial_solution"]["compliance"])
    assert by["投诉最终答复 达标率"] == pytest.approx(d["complaints"]["final"]["compliance"])
    assert by["人员流失率（滚动）"] == pytest.approx(d["turnover"]["rolling_rate"])
    assert by["人员流失率（本期）"] == pytest.approx(d["turnover"]["rate"])
    assert by["已逾期"] == d["breaches"]["overdue"]
    assert len(got) == 16          # header + 13 figures + fee reductions and compensation (money, no target)
