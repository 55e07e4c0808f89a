"""Recalculation in Excel (issue 12): what the SP_ functions keep between calls is always the figure of the
cells as they are now.

- a changed cell anywhere (first, middle or last row; every column; a value of another type that Python
  calls equal, 1 -> 1.0 -> TRUE) gives another fingerprint, and SP_COMPLIANCE answers what the same call
  without the cache answers;
- SP_COMPLIANCE keeps each metric's row statuses per (tickets, terms, contracts, metric, as_of): another
  period or contract summarises them again without recomputing them, and the figures equal the engine's
  own report for that period (an independent path: the whole report, not the cached rows);
- the cache never holds more than its stated bounds (bytes and entries), also when as_of moves on every
  recalculation (=NOW()).
"""
from __future__ import annotations

import copy
import random

import pytest

from excel_helpers import date_system, report  # noqa: F401 (pytest fixtures)
from excel_helpers import AS_OF, PERIOD, as_arg, call, sample_grids, server_mode

xw = server_mode()
from servicepledge.excel import functions as F  # noqa: E402
from servicepledge.excel import memo  # noqa: E402
from servicepledge.kpi import service as S  # noqa: E402


@pytest.fixture(scope="module")
def grids():
    return {n: as_arg(g) for n, g in sample_grids().items()}


@pytest.fixture(autouse=True)
def fresh_cache(monkeypatch):
    monkeypatch.delenv("SERVICEPLEDGE_CACHE_MB", raising=False)
    memo.clear()
    yield
    memo.clear()


def uncached(monkeypatch, *a):
    monkeypatch.setenv("SERVICEPLEDGE_CACHE_MB", "0")
    try:
        return call(F, *a)
    finally:
        monkeypatch.delenv("SERVICEPLEDGE_CACHE_MB")


@pytest.fixture
def computed(monkeypatch):
    """Counts S.metric_rows computations made by the SP_ functions."""
    n = {"rows": 0}
    real = S.metric_rows

    def counting(*a, **k):
        n["rows"] += 1
        return real(*a, **k)
    monkeypatch.setattr(S, "metric_rows", counting)
    return n


def _other(v, rng):
    """A value different from cell v as the engine sees it (also when Python calls the two equal)."""
    if v is True or v is False:
        return int(v)                      # TRUE -> 1: equal in Python, another cell in Excel
    if isinstance(v, int):
        return float(v) if rng.random() < 0.5 else bool(v)
    if isinstance(v, float):
        return v + 1 / 1440 if v else -0.0  # a minute later; 0.0 -> -0.0
    if v == "":
        return " "
    return v + "x"


def test_a_changed_cell_anywhere_changes_the_fingerprint(grids):
    rng = random.Random(7)
    tk = copy.deepcopy(grids["Tickets"])
    head, n = tk[0], len(tk)
    seen = {memo.fingerprint(tk)}
    for j in range(len(head)):
        for i in (0, 1, n // 2, n - 1):                     # the header, first, middle and last row
            old = tk[i][j]
            tk[i][j] = _other(old, rng)
            fp = memo.fingerprint(tk)
            assert fp not in seen, (i, j, old, tk[i][j])
            seen.add(fp)
            tk[i][j] = old
    assert memo.fingerprint(tk) == memo.fingerprint(grids["Tickets"])   # back as it was: the first key again
    for a, b in [(1, 1.0), (1, True), (0.0, -0.0), ("1", 1), ("", None), ("a", "a ")]:
        assert memo.fingerprint([["h"], [a]]) != memo.fingerprint([["h"], [b]]), (a, b)


def test_compliance_follows_one_changed_cell_in_every_column(grids, monkeypatch):
    rng = random.Random(11)
    head, body = grids["Tickets"][0], grids["Tickets"][1:]
    rows = [list(r) for r in body if 46296 <= (r[head.index("受理时间")] or 0) < 46327][:150]   # 2026-10
    tk = [list(head)] + rows
    a = [tk, PERIOD, "response", AS_OF, grids["Terms"]]
    first = uncached(monkeypatch, "SP_COMPLIANCE", *a)
    assert call(F, "SP_COMPLIANCE", *a) == first
    moved = 0
    for j in range(len(head)):
        for i in (1, len(tk) // 2, len(tk) - 1):
            old = tk[i][j]
            tk[i][j] = rng.choice([_other(old, rng), "", "n/a", tk[rng.randrange(1, len(tk))][j]])
            want = uncached(monkeypatch, "SP_COMPLIANCE", *a)
            moved += want != first
            assert call(F, "SP_COMPLIANCE", *a) == want, (i, head[j], old, tk[i][j])   # the same list, changed
            assert call(F, "SP_COMPLIANCE", *copy.deepcopy(a)) == want                # fresh lists (a hit)
            tk[i][j] = old
    assert moved >= 5           # the changes do move the figure, so a stale answer would have been caught
    assert memo.stats["hits"] > 0


def test_metric_rows_are_kept_across_periods(grids, computed):
    from servicepledge.inputs.reader import read_workbook
    from servicepledge.report import compute
    from excel_helpers import SAMPLE
    wb = read_workbook(SAMPLE)
    periods = ("2026-10", "2026-09", "2026-Q3", "2026")
    # the engine's whole report of each period: an independent path to the same figures
    want = {(m, p): compute(wb.tables, wb.issues, period=p, as_of=AS_OF).doc[m]
            for m in ("response", "initial_solution") for p in periods}
    computed["rows"] = 0
    tk = grids["Tickets"]
    for (metric, period), x in want.items():
        got = call(F, "SP_COMPLIANCE", tk, period, metric, AS_OF, grids["Terms"])[0][0]
        assert got == pytest.approx(x["met"] / (x["met"] + x["breached"])), (metric, period)
    assert computed["rows"] == 2        # one computation per metric; three other periods summarised again
    # a new as_of is a new computation (open tickets are judged at that moment)
    call(F, "SP_COMPLIANCE", tk, PERIOD, "response", "2026-10-30 18:00", grids["Terms"])
    assert computed["rows"] == 3


def test_metric_rows_with_contracts_follow_the_period(monkeypatch, computed):
    from test_contracts import CONTRACTS, TICKETS
    T, K = as_arg(TICKETS), as_arg(CONTRACTS)
    cached = 0
    for period in ("2026-10", "2026-09", "2026-10"):
        for contract in ("A", "B", "default", ""):
            a = [T, [[period]], [[""]], [["2026-11-05 18:00"]], [[""]], [[contract]], K]
            want = uncached(monkeypatch, "SP_COMPLIANCE", *a)
            before = computed["rows"]
            assert call(F, "SP_COMPLIANCE", *a) == want, (period, contract)
            cached += computed["rows"] - before
    assert cached == 2        # one computation per period (the contracts are assigned for it), not per contract


def test_the_cache_stays_within_its_bounds_while_as_of_moves(grids, monkeypatch):
    # =NOW() gives a new as_of on every recalculation: every answer and metric-row entry is new
    tk = grids["Tickets"]
    call(F, "SP_COMPLIANCE", tk, PERIOD, "response", AS_OF, grids["Terms"])
    n0, held0 = memo.size()
    assert held0 > 0
    budget_mb = 3 * held0 / 2**20                   # room for about three such calls' entries
    monkeypatch.setenv("SERVICEPLEDGE_CACHE_MB", str(budget_mb))
    for minute in range(40):
        when = f"2026-10-31 17:{minute:02d}"
        call(F, "SP_COMPLIANCE", tk, PERIOD, "response", when, grids["Terms"])
        n, held = memo.size()
        assert held <= memo.budget() and n <= memo.MAX_ENTRIES
    monkeypatch.delenv("SERVICEPLEDGE_CACHE_MB")
    for minute in range(memo.MAX_ENTRIES + 10):     # the entry bound, with the default budget
        call(F, "SP_COMPLIANCE", tk, PERIOD, "initial_solution", f"2026-10-30 {minute // 60:02d}:{minute % 60:02d}",
             grids["Terms"])
        assert memo.size()[0] <= memo.MAX_ENTRIES
    assert memo.size()[0] == memo.MAX_ENTRIES
