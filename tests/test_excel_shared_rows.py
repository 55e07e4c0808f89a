"""The report the Excel functions compute reuses the ticket metrics' row statuses SP_COMPLIANCE made (and
SP_COMPLIANCE reuses the report's), in whichever order Excel calculates the cells, and the figures are those
of the same calls without any cache.

Hand-worked figures (tests/test_excel_pauses.py): T1's initial solution takes 11 working hours (> 8: Breached),
8 h with the 3-hour pause (Met), 10 h with the 1-hour pause (Breached); T2 takes 2 h (Met). So the initial
solution compliance is 0.5 / 1.0 / 0.5; the first response (5 minutes each, not paused) is 1.0.
"""
from __future__ import annotations

import pandas as pd
import pytest

from excel_helpers import AS_OF as SAMPLE_AS_OF, PERIOD as SAMPLE_PERIOD
from excel_helpers import as_arg, call, computed, fresh_cache, grids, server_mode, uncached  # noqa: F401
from test_excel_pauses import AS_OF, PAUSE_1H, PAUSE_3H, PERIOD, TERMS, TICKETS

xw = server_mode()
from servicepledge.excel import functions as F  # noqa: E402
from servicepledge.kpi import service as S  # noqa: E402


@pytest.fixture(autouse=True)
def _fresh(fresh_cache):
    yield


def _kpis(pauses):
    return [TICKETS, "", "", "", "", "", PERIOD, AS_OF, TERMS, "", "", pauses]


def _figure(table, label):
    return next(r[1] for r in table if r[0] == label)


@pytest.mark.parametrize("pauses, solution", [(PAUSE_3H, 1.0), (PAUSE_1H, 0.5), ("", 0.5)])
def test_compliance_first_then_the_report(monkeypatch, computed, pauses, solution):
    want = uncached(monkeypatch, "SP_KPIS", *_kpis(pauses))
    computed.clear()
    assert call(F, "SP_COMPLIANCE", TICKETS, PERIOD, "initial_solution", AS_OF, TERMS, "", "", pauses) == [[solution]]
    assert call(F, "SP_COMPLIANCE", TICKETS, PERIOD, "response", AS_OF, TERMS, "", "", pauses) == [[1.0]]
    assert computed == ["initial_solution", "response"]
    got = call(F, "SP_KPIS", *_kpis(pauses))
    assert got == want
    assert _figure(got, "Initial solution (complex) Compliance") == solution
    # the report made only the complaint metrics' rows: the two ticket metrics came from SP_COMPLIANCE
    assert sorted(computed[2:]) == sorted(m for m in S.METRICS if m not in ("response", "initial_solution"))


def test_the_report_first_then_compliance(monkeypatch, computed):
    want = uncached(monkeypatch, "SP_COMPLIANCE", TICKETS, PERIOD, "initial_solution", AS_OF, TERMS, "", "", PAUSE_3H)
    assert want == [[1.0]]
    computed.clear()
    call(F, "SP_KPIS", *_kpis(PAUSE_3H))
    assert sorted(computed) == sorted(S.METRICS)
    assert call(F, "SP_COMPLIANCE", TICKETS, PERIOD, "initial_solution", AS_OF, TERMS, "", "", PAUSE_3H) == want
    assert len(computed) == len(S.METRICS)           # nothing computed again
    # another as_of or other pauses: computed afresh, never the kept rows of other inputs
    assert call(F, "SP_COMPLIANCE", TICKETS, PERIOD, "initial_solution", AS_OF, TERMS, "", "", PAUSE_1H) == [[0.5]]
    assert len(computed) == len(S.METRICS) + 1


def test_the_sample_sheet_in_both_orders_equals_uncached(monkeypatch, grids):
    g = grids
    kpis = [g["Tickets"], g["Complaints"], g["Staff"], g["FundLedger"], g["FundBudget"], g["Notices"],
            SAMPLE_PERIOD, SAMPLE_AS_OF, g["Terms"]]
    breaches = [g["Tickets"], g["Complaints"], g["Notices"], SAMPLE_PERIOD, SAMPLE_AS_OF, g["Terms"]]
    comp = [[g["Tickets"], SAMPLE_PERIOD, m, SAMPLE_AS_OF, g["Terms"]] for m in ("response", "initial_solution")]
    want = [uncached(monkeypatch, "SP_KPIS", *kpis), uncached(monkeypatch, "SP_BREACHES", *breaches)] + \
        [uncached(monkeypatch, "SP_COMPLIANCE", *c) for c in comp]
    from servicepledge.excel import memo
    for order in ("compliance first", "report first"):
        memo.clear()
        if order == "compliance first":
            got_c = [call(F, "SP_COMPLIANCE", *c) for c in comp]
            got = [call(F, "SP_KPIS", *kpis), call(F, "SP_BREACHES", *breaches)] + got_c
        else:
            got = [call(F, "SP_KPIS", *kpis), call(F, "SP_BREACHES", *breaches)] + \
                  [call(F, "SP_COMPLIANCE", *c) for c in comp]
        assert got == want, order


def test_several_contracts_do_not_share_rows(monkeypatch, computed):
    from test_contracts import CONTRACTS, TICKETS as CT_TICKETS
    T, K = as_arg(CT_TICKETS), as_arg(CONTRACTS)
    kpis = [T, "", "", "", "", "", "2026-11", "2026-11-30 18:00", "", "", K, ""]
    want = uncached(monkeypatch, "SP_KPIS", *kpis)
    computed.clear()
    call(F, "SP_COMPLIANCE", T, "2026-11", "response", "2026-11-30 18:00", "", "", K, "")   # the same arguments
    assert call(F, "SP_KPIS", *kpis) == want
    # with several contracts the report makes its rows itself (the rule is kept simple: shared only without them)
    assert computed.count("response") == 2


def test_the_shared_empty_tables_stay_empty(grids):
    """SP_COMPLIANCE's and SP_KPIS's missing tables are one shared empty table each: still as made after use."""
    from servicepledge.excel import answers
    from servicepledge.inputs.schema import TABLES
    from servicepledge.inputs.tables import empty
    call(F, "SP_COMPLIANCE", grids["Tickets"], SAMPLE_PERIOD, "response", SAMPLE_AS_OF, grids["Terms"])
    call(F, "SP_KPIS", *_kpis(PAUSE_3H))
    call(F, "SP_BREACHES", TICKETS, "", "", PERIOD, AS_OF, TERMS, "", "", PAUSE_3H)
    for name in TABLES:
        kept, fresh = answers.empty_table(name), empty(name)
        pd.testing.assert_frame_equal(kept.df, fresh.df)
        pd.testing.assert_frame_equal(kept.bad, fresh.bad)
        assert kept.headers == fresh.headers == {}
