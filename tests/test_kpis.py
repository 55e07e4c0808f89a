"""Every KPI of docs/DEFINITIONS.md on a small data set worked out by hand (the arithmetic is in comments).

Period 2026-10, as_of 2026-10-31 18:00, calendar hours, response target 2 h (P1: 1 h).
"""
import pytest

from helpers import report

TICKETS = [
    # T1: 09:00 -> 11:00 = 2.0 h, exactly on target -> Met. Complex: 24 h to initial solution -> Met.
    dict(ticket_id="T1", opened_at="2026-10-05 09:00", first_response_at="2026-10-05 11:00", complex="是",
         initial_solution_at="2026-10-06 09:00", resolved_at="2026-10-05 12:00", followed_up_at="2026-10-07 10:00",
         satisfaction=5, service_fee=500),
    # T2: 2 h 0 min 1 s -> Breached. Complex without a solution: far past 24 h by as_of -> Breached.
    dict(ticket_id="T2", opened_at="2026-10-05 09:00", first_response_at="2026-10-05 11:00:01", complex="Y",
         resolved_at="2026-10-06 09:00", service_fee=1000),
    # T3: P1 target 1 h; 10:00 -> 11:30 = 1.5 h -> Breached. Fee blank = 0.
    dict(ticket_id="T3", opened_at="2026-10-06 10:00", first_response_at="2026-10-06 11:30", priority="紧急",
         resolved_at="2026-10-08 09:00", followed_up_at="2026-10-09 09:00", satisfaction=3),
    # T4: no response, 16:30 -> as_of 18:00 = 1.5 h = 75% of 2 h -> Pending and at risk.
    dict(ticket_id="T4", opened_at="2026-10-31 16:30", priority="P2"),
    # T5: no response, 1 h so far -> Pending, not at risk; quality not met -> breach item (reason quality).
    dict(ticket_id="T5", opened_at="2026-10-31 17:00", quality_ok="否", service_fee="¥1,200"),
    # T6: no response since 10-30 09:00 = 33 h -> Breached.
    dict(ticket_id="T6", opened_at="2026-10-30 09:00", service_fee=300),
    # T7: response before opening -> data issue, left out of response (excluded 1).
    dict(ticket_id="T7", opened_at="2026-10-07 09:00", first_response_at="2026-10-07 08:00"),
    # T8: previous period, not counted in 2026-10.
    dict(ticket_id="T8", opened_at="2026-09-30 23:00", first_response_at="2026-10-01 03:00",
         resolved_at="2026-09-29 09:00"),
]
COMPLAINTS = [
    # C1: accepted 2 h (Met), progress 24 h (Met), final 72 h (Met).
    dict(complaint_id="C1", received_at="2026-10-10 10:00", accepted_at="2026-10-10 12:00",
         progress_at="2026-10-11 10:00", final_reply_at="2026-10-13 10:00"),
    # C2: accepted after 3 h (Breached); no progress, no final by as_of (272 h) -> both Breached.
    dict(complaint_id="C2", received_at="2026-10-20 10:00", accepted_at="2026-10-20 13:00", ticket_id="T1"),
]
NOTICES = [
    # on T2: no severity, no loss -> minor; deadline 10-08 + 3 calendar days = 10-11; remedied 10-10 -> remedied
    dict(notice_id="N1", ref_id="T2", notice_date="2026-10-08", remedied_on="2026-10-10"),
    # on C2: direct loss 10,000 -> major; deadline 10-21 + 7 = 10-28; not remedied on 10-31 -> overdue;
    # compensation 50% x 10,000 = 5,000
    dict(notice_id="N2", ref_id="C2", notice_date="2026-10-21", direct_loss=10000),
    # on an id that is neither a ticket nor a complaint: 重大 -> major; 10-15 + 7 = 10-22; remedied 10-25 -> late
    dict(notice_id="N3", ref_id="X-999", notice_date="2026-10-15", severity="重大", remedied_on="2026-10-25"),
    # on T3: minor, 10-29 + 3 = 11-01, not yet due on 10-31 -> open
    dict(notice_id="N4", ref_id="T3", notice_date="2026-10-29"),
]
STAFF = [
    dict(staff_id="S1", hired_on="2020-01-01", certified="是"),
    dict(staff_id="S2", hired_on="2020-01-01", left_on="2026-10-31", certified="yes"),   # last day = 10-31
    dict(staff_id="S3", hired_on="2026-10-01", certified="否"),                          # hired on the 1st
    dict(staff_id="S4", hired_on="2020-01-01", left_on="2026-09-15"),
    dict(staff_id="S5", hired_on="2020-01-01", left_on="2026-08-01"),
    dict(staff_id="S6", hired_on="2026-10-02", certified="N"),
]
LEDGER = [
    dict(entry_id="E1", date="2026-01-10", category="培训", amount=3000, approved="是"),
    dict(entry_id="E2", date="2026-10-05", category="培训", amount=1000),                 # approval blank
    dict(entry_id="E3", date="2026-10-06", category="设备", amount=5000, approved="是"),
    dict(entry_id="E4", date="2026-10-07", category="差旅", amount=800, approved="否"),    # no budget line
    dict(entry_id="E5", date="2026-11-01", category="培训", amount=999, approved="是"),    # after the period
    dict(entry_id="E6", date="2025-12-31", category="培训", amount=500, approved="是"),    # last year
    dict(entry_id="E7", date="2026-10-08", category="设备", amount=-50, approved="是"),    # negative: issue
    dict(entry_id="E8", date="2026-10-09", category="薪酬", amount=7000, approved="是", payee="张伟",
         description="张伟 10月工资"),
]
BUDGET = [dict(year=2026, category="培训", budget=10000), dict(year=2026, category="设备", budget=20000),
          dict(year=2025, category="培训", budget=99999)]


@pytest.fixture(scope="module")
def r():
    return report(Tickets=TICKETS, Complaints=COMPLAINTS, Notices=NOTICES, Staff=STAFF, FundLedger=LEDGER,
                  FundBudget=BUDGET, terms={"response_hours_P1": 1, "turnover_window_months": 3})


def test_response(r):
    x = r.doc["response"]
    # T1 Met; T2, T3, T6 Breached; T4, T5 Pending; T7 left out; T8 other month
    assert (x["total"], x["met"], x["breached"], x["pending"]) == (6, 1, 3, 2)
    assert x["compliance"] == pytest.approx(1 / 4)
    assert x["at_risk"] == 1 and x["excluded"] == 1
    # elapsed with a response: 1.5, 2.0, 2.000278 -> median 2.0; p90 = 2.0 + 0.8 * 0.000278
    assert x["median_hours"] == 2.0
    assert x["p90_hours"] == pytest.approx(2.0 + 0.8 / 3600, abs=1e-4)


def test_initial_solution(r):
    x = r.doc["initial_solution"]
    assert (x["total"], x["met"], x["breached"], x["pending"]) == (2, 1, 1, 0)
    assert x["compliance"] == 0.5


def test_complaints(r):
    c = r.doc["complaints"]
    assert (c["accept"]["met"], c["accept"]["breached"]) == (1, 1)
    assert (c["progress"]["met"], c["progress"]["breached"]) == (1, 1)
    assert (c["final"]["met"], c["final"]["breached"], c["final"]["compliance"]) == (1, 1, 0.5)


def test_turnover(r):
    tu = r.doc["turnover"]
    # Oct: first day S1,S2,S3 = 3; last day S1,S2,S3,S6 = 4 (S2's last day counts); 1 separation
    assert (tu["headcount_start"], tu["headcount_end"], tu["separations"]) == (3, 4, 1)
    assert tu["rate"] == pytest.approx(1 / 3.5)
    # Aug avg (4+3)/2, Sep (3+2)/2, Oct 3.5 -> mean 19/6; separations 3
    assert tu["rolling_separations"] == 3
    assert tu["rolling_average_headcount"] == pytest.approx(19 / 6)
    assert tu["rolling_rate"] == pytest.approx(3 / (19 / 6))
    assert tu["exceeded"] is True and tu["required_action"]
    assert tu["certified_share"] == 0.5     # S1, S2 of S1, S2, S3, S6


def test_fund(r):
    f = r.doc["fund"]
    cats = {c["category"]: c for c in f["categories"]}
    # October: 1/12 of the annual budget is the period's (10,000 / 12 = 833.33); E2 (1,000) is unapproved
    assert cats["培训"] == dict(category="培训", budget=10000, spent_period=1000, spent_ytd=4000,
                              utilization=0.4, flagged=False, budget_period=pytest.approx(10000 / 12),
                              utilization_period=pytest.approx(1000 / (10000 / 12)), unapproved_count=1,
                              unapproved_amount=1000, unapproved_count_ytd=1, unapproved_amount_ytd=1000)
    assert cats["设备"]["spent_ytd"] == 5000 and cats["设备"]["utilization"] == 0.25   # E7 (-50) left out
    assert cats["差旅"]["flagged"] and cats["差旅"]["budget"] is None and cats["差旅"]["utilization"] is None
    assert (f["unapproved_count"], f["unapproved_amount"]) == (2, 1800)          # E2 (blank), E4
    assert (f["unapproved_count_ytd"], f["unapproved_amount_ytd"]) == (2, 1800)
    assert f["excluded"] == 1


def test_disclosure_hides_people(r):
    d = r.disclosure
    assert "payee" not in d.columns
    sal = d[d["category"] == "薪酬"]
    assert len(sal) == 1 and sal["amount"].iloc[0] == 7000 and sal["description"].isna().all()
    assert not d.astype(str).apply(lambda c: c.str.contains("张伟")).any().any()


def test_breach_register(r):
    items = {i["ref_id"]: i for i in r.doc["breaches"]["items"]}
    assert list(items) == ["T2", "T3", "T5", "T6", "C2", "X-999"]
    assert items["T2"]["reasons"] == ["response", "initial_solution"]
    assert (items["T2"]["severity"], items["T2"]["deadline"], items["T2"]["status"]) == ("minor", "2026-10-11", "remedied")
    assert items["T2"]["fee_reduction"] == 100.0          # 10% of 1,000
    assert (items["T3"]["status"], items["T3"]["deadline"], items["T3"]["fee_reduction"]) == ("open", "2026-11-01", 0)
    assert items["T5"]["reasons"] == ["quality"] and items["T5"]["status"] == "unnotified"
    assert items["T5"]["fee_reduction"] == 120.0 and items["T5"]["deadline"] is None
    assert items["C2"]["reasons"] == ["accept", "progress", "final"]
    assert (items["C2"]["severity"], items["C2"]["status"], items["C2"]["compensation"]) == ("major", "overdue", 5000)
    assert items["C2"]["fee_reduction"] == 0
    # related_ids: the records merged into this item (issue 9, one remedy per service order); none here
    assert items["X-999"] == dict(ref_id="X-999", source="notice", reasons=["notice"], due_from_source=[],
                                  related_ids=[], severity="major",
                                  notice_id="N3", deadline="2026-10-22", status="remedied_late",
                                  fee_reduction=0, compensation=0)
    b = r.doc["breaches"]
    assert (b["minor"], b["major"], b["open"], b["overdue"]) == (4, 2, 1, 1)
    assert b["fee_reduction_total"] == 250 and b["compensation_total"] == 5000


def test_followup(r):
    fu = r.doc["followup"]
    # resolved in October: T1 (followed, 5), T2 (not followed), T3 (followed, 3)
    assert (fu["resolved"], fu["followed_up"]) == (3, 2)
    assert fu["rate"] == pytest.approx(2 / 3) and fu["mean_satisfaction"] == 4.0 and fu["met_target"] is False


def test_data_issues_name_row_and_column(r):
    issues = r.doc["data_issues"]
    t7 = [i for i in issues if i["table"] == "Tickets"]
    # T7 (Excel row 8): response before opening; T8 (row 9): resolved before opening
    assert t7 == [dict(table="Tickets", row=8, column="first_response_at", problem="早于opened_at"),   # a zh report
                  dict(table="Tickets", row=9, column="resolved_at", problem="早于opened_at")]
    neg = [i for i in issues if i["table"] == "FundLedger"]
    assert len(neg) == 1 and neg[0]["row"] == 8 and neg[0]["column"] == "amount"


def test_empty_populations_are_blank_not_zero():
    r = report(Tickets=[dict(ticket_id="A", opened_at="2026-10-31 17:30", first_response_at=None, complex=None,
                             initial_solution_at=None)])   # only a pending ticket
    assert r.doc["response"]["compliance"] is None and r.doc["response"]["pending"] == 1
    assert r.doc["response"]["median_hours"] is None
    assert r.doc["initial_solution"]["total"] == 0 and r.doc["initial_solution"]["compliance"] is None
    assert r.doc["complaints"]["accept"]["compliance"] is None
    assert r.doc["turnover"]["rate"] is None and r.doc["turnover"]["exceeded"] is None
    assert r.doc["turnover"]["certified_share"] is None
    assert r.doc["followup"]["rate"] is None and r.doc["followup"]["mean_satisfaction"] is None
    assert r.doc["fund"]["categories"] == [] and r.doc["breaches"]["items"] == []


def test_working_day_deadlines_across_national_day():
    # China 2026: Oct 1-7 off; Sat Oct 10 is a make-up working day.
    tickets = [dict(ticket_id=f"K{i}", opened_at="2026-09-20 09:00", quality_ok="否") for i in range(3)]
    notices = [
        dict(notice_id="A", ref_id="K0", notice_date="2026-09-25"),   # Fri: Mon 28, Tue 29, Wed 30 -> 09-30
        dict(notice_id="B", ref_id="K1", notice_date="2026-09-29"),   # Tue: 30, Oct 8, Oct 9 -> 10-09
        dict(notice_id="C", ref_id="K2", notice_date="2026-10-09", core_obligation_failed="是"),  # major, 7 working
    ]
    r = report(period="2026-09", as_of="2026-10-31", Tickets=tickets, Notices=notices,
               terms={"day_basis": "working"})
    d = {i["ref_id"]: i["deadline"] for i in r.doc["breaches"]["items"]}
    # C: Sat 10 (make-up), Mon 12 .. Fri 16 (5 more) = 6, Mon 19 = 7 -> 10-19
    assert d == {"K0": "2026-09-30", "K1": "2026-10-09", "K2": "2026-10-19"}


def test_years_outside_the_holiday_calendar_are_reported_not_guessed():
    from servicepledge.core.worktime import calendar_coverage
    year = calendar_coverage()[1] + 1
    r = report(period=f"{year}-01", as_of=f"{year}-01-31", terms={"time_basis": "business"},
               Tickets=[dict(ticket_id="A", opened_at=f"{year}-01-05 09:00", first_response_at=f"{year}-01-05 10:00")])
    cal = [i for i in r.doc["data_issues"] if i["column"] == "holidays"]
    assert len(cal) == 1 and str(year) in cal[0]["problem"] and cal[0]["table"] == "Terms"
    assert r.doc["response"]["met"] == 1     # still computed, with weekdays only
