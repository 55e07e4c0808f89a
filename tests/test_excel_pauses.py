"""The SP_ functions' optional `pauses` argument (Pauses[#All]): same figures as the report, part of the cache key.

Worked by hand (business hours 09:00-18:00 without a break, CN calendar, complex_solution_hours 8; the cases
of tests/test_pauses.py): ticket T1 opened Mon 2026-10-12 10:00, initial solution Tue 10-13 12:00 = Mon 10-18
(8 h) + Tue 09-12 (3 h) = 11 h > 8 -> Breached; a pause Mon 14:00-17:00 (3 working hours) -> 8 h -> Met;
a pause Mon 14:00-15:00 (1 h) -> 10 h -> Breached. T2 opened Wed 10-14 10:00, solved 12:00 = 2 h -> Met.
Tables are passed as Excel passes them: header row + rows, datetimes as serial numbers, blanks as "".
"""
from __future__ import annotations

import pytest

from excel_helpers import call, server_mode
from test_pauses import grid, pause, ticket

xw = server_mode()                                   # before servicepledge.excel: xlwings' server decorators
from servicepledge.excel import functions as F       # noqa: E402
from servicepledge.excel import kpisheet, memo       # noqa: E402

TERMS = [["key", "value"], ["time_basis", "business"], ["complex_solution_hours", 8], ["lang", "en"]]
PERIOD, AS_OF = "2026-10", "2026-10-31 18:00"
TICKETS = grid("Tickets", [ticket("T1", "2026-10-12 10:00", "2026-10-13 12:00", first_response_at="2026-10-12 10:05"),
                           ticket("T2", "2026-10-14 10:00", "2026-10-14 12:00", first_response_at="2026-10-14 10:05")])
PAUSE_3H = grid("Pauses", [pause("T1", "2026-10-12 14:00", "2026-10-12 17:00")])
PAUSE_1H = grid("Pauses", [pause("T1", "2026-10-12 14:00", "2026-10-12 15:00")])


@pytest.fixture(autouse=True)
def fresh_cache():
    memo.clear()
    yield
    memo.clear()


def compliance(pauses=None, metric="initial_solution"):
    return F.SP_COMPLIANCE(TICKETS, PERIOD, metric, AS_OF, TERMS, None, None, pauses)


def test_sp_compliance_subtracts_the_pauses():
    assert compliance() == 0.5                       # T1 Breached (11 h), T2 Met: 1 / 2
    assert compliance(PAUSE_3H) == 1.0               # T1 8 h <= 8: Met, 2 / 2
    assert compliance(PAUSE_1H) == 0.5               # T1 10 h: still Breached
    # the first response is not paused by default (pause_metrics = initial_solution, final): 5 min each, both Met
    assert compliance(PAUSE_3H, "response") == compliance(None, "response") == 1.0


def test_a_changed_pause_changes_the_cached_answer():
    assert memo.budget() > 0                         # the cache is on
    assert compliance(PAUSE_3H) == 1.0
    hits = memo.stats["hits"]
    assert compliance(PAUSE_3H) == 1.0               # the same cells again: answered from the cache
    assert memo.stats["hits"] > hits
    assert compliance(PAUSE_1H) == 0.5               # one cell changed (17:00 -> 15:00): a new answer, not the cached
    assert compliance() == 0.5                       # no pauses: not the paused answer either
    assert compliance(PAUSE_3H) == 1.0


def test_sp_complaints_final_reply_is_paused_acceptance_is_not():
    # received Mon 10-12 09:00; pauses Mon 10-11 and 13-15 (3 h). Accepted 12:00 = 3 h > 2 h target: Breached
    # (acceptance is not paused by default). Final reply Tue 12:00 = 9 + 3 = 12 h, minus 3 h paused = 9 h <= 9: Met.
    c = grid("Complaints", [dict(complaint_id="C1", received_at="2026-10-12 09:00", accepted_at="2026-10-12 12:00",
                                 final_reply_at="2026-10-13 12:00")])
    p = grid("Pauses", [pause("C1", "2026-10-12 10:00", "2026-10-12 11:00"),
                        pause("C1", "2026-10-12 13:00", "2026-10-12 15:00")])
    terms = TERMS + [["complaint_final_hours", 9], ["complaint_accept_hours", 2]]

    def rows(pauses):
        out = F.SP_COMPLAINTS(c, PERIOD, AS_OF, terms, None, None, pauses)
        head = out[0]
        return {r[0]: dict(zip(head, r)) for r in out[1:]}

    without, with_ = rows(None), rows(p)
    final = next(k for k in with_ if "final" in k.lower())
    accept = next(k for k in with_ if "accept" in k.lower())
    assert without[final]["Breached"] == 1 and with_[final]["Met"] == 1
    assert without[accept]["Breached"] == with_[accept]["Breached"] == 1


def test_sp_kpis_and_sp_breaches_use_the_pauses():
    def solution_rate(pauses):
        k = F.SP_KPIS(TICKETS, None, None, None, None, None, PERIOD, AS_OF, TERMS, None, None, pauses)
        return next(r[1] for r in k if r[0].startswith("Initial solution"))

    def reasons(pauses):
        b = F.SP_BREACHES(TICKETS, None, None, PERIOD, AS_OF, TERMS, None, None, pauses)
        col = b[0].index("Reasons")
        return {r[0]: r[col] for r in b[1:]}

    assert solution_rate(None) == 0.5 and solution_rate(PAUSE_3H) == 1.0 and solution_rate(PAUSE_1H) == 0.5
    assert "Initial solution" in reasons(None)["T1"]
    assert "T1" not in reasons(PAUSE_3H)             # no longer a breach
    assert "Initial solution" in reasons(PAUSE_1H)["T1"]


def test_sp_warnings_names_a_pause_of_an_unknown_id():
    p = grid("Pauses", [pause("T9", "2026-10-12 14:00", "2026-10-12 17:00")])
    w = F.SP_WARNINGS(TICKETS, None, None, None, None, None, PERIOD, AS_OF, TERMS, None, p)
    assert any("matches no ticket or complaint" in r[0] for r in w[1:])


def test_as_excel_sends_it_with_the_contract_arguments_left_empty():
    # =SP_COMPLIANCE(Tickets[#All],"2026-10","initial_solution",AS_OF,Terms[#All],,,Pauses[#All]) through
    # xlwings' custom-function call (Office.js: omitted arguments arrive as null)
    got = call(F, "SP_COMPLIANCE", TICKETS, [[PERIOD]], [["initial_solution"]], [[AS_OF]], TERMS, None, None,
               PAUSE_3H)
    assert got == [[1.0]]


def test_the_kpi_sheet_passes_the_pauses_table_when_the_workbook_has_one():
    f = kpisheet.formulas()
    for key in ("resp", "sol", "kpis", "complaints", "breaches"):
        assert f[key].endswith(",,,Pauses[#All])"), f[key]
    assert f["warnings"].endswith(f",{kpisheet.WARNING_ROWS},Pauses[#All])")
    assert "Pauses" not in f["turnover"] + f["fund"]
    assert not any("Pauses" in v for v in kpisheet.formulas(pauses=False).values())
