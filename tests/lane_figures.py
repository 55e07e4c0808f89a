"""The figures both test lanes must agree on: the sample's report and the SP_ functions with
business-hours terms (time_basis=business, day_basis=working, China's holidays), called through
xlwings' own `custom_functions_call` exactly as xlwings Lite calls them.

    python tests/lane_figures.py OUT.json      (scripts/pyodide-lane.sh runs this with CPython)

writes them as JSON; tests/test_lanes_agree.py computes the same in Pyodide and compares with the
file named by the environment variable SP_CPYTHON_REFERENCE.
"""
from __future__ import annotations

import json
import math
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from excel_helpers import AS_OF, PERIOD, SAMPLE, as_arg, call, sample_grids, server_mode  # noqa: E402

BUSINESS = {"time_basis": "business", "day_basis": "working", "holidays": "CN"}


def business_terms(grids) -> list[list]:
    """The sample's Terms table with business-hours keys, stacked with its Holidays table."""
    rows = [r for r in grids["Terms"] if r[0] not in BUSINESS]
    return as_arg(rows + [[k, v] for k, v in BUSINESS.items()] + grids["Holidays"])


def column(grid: list[list], *names: str) -> list[list]:
    """One column of a 2-D table (header dropped) as Excel passes a column range."""
    i = next(i for i, h in enumerate(grid[0]) if h in names)
    return [[row[i]] for row in grid[1:]]


def plain(x):
    """JSON-safe: NaN/inf become None (JSON has no NaN), tuples lists."""
    if isinstance(x, float) and not math.isfinite(x):
        return None
    if isinstance(x, dict):
        return {str(k): plain(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [plain(v) for v in x]
    return x


def figures() -> dict:
    """Every compared figure, computed in the running interpreter."""
    server_mode()
    from servicepledge.excel import functions as F
    from servicepledge.inputs.reader import read_workbook
    from servicepledge.report import compute

    g = sample_grids()
    tickets, complaints, staff, ledger, budget, notices = (
        as_arg(g[n]) for n in ("Tickets", "Complaints", "Staff", "FundLedger", "FundBudget", "Notices"))
    terms = business_terms(g)
    opened = as_arg(column(g["Tickets"], "受理时间", "opened_at"))
    responded = as_arg(column(g["Tickets"], "首次响应时间", "first_response_at"))
    wb = read_workbook(SAMPLE)
    out = {
        "report": compute(wb.tables, wb.issues, period=PERIOD, as_of=AS_OF).doc,
        "SP_HOURS": call(F, "SP_HOURS", opened, responded, terms),
        "SP_SLA_STATUS": call(F, "SP_SLA_STATUS", opened, responded, [[2]] * len(opened), AS_OF, terms),
        "SP_COMPLIANCE": [call(F, "SP_COMPLIANCE", tickets, PERIOD, m, AS_OF, terms)
                          for m in ("response", "initial_solution")],
        "SP_COMPLAINTS": call(F, "SP_COMPLAINTS", complaints, PERIOD, AS_OF, terms),
        "SP_KPIS": call(F, "SP_KPIS", tickets, complaints, staff, ledger, budget, notices, PERIOD, AS_OF, terms),
    }
    return plain(json.loads(json.dumps(out, default=str)))


if __name__ == "__main__":
    Path(sys.argv[1]).write_text(json.dumps(figures(), ensure_ascii=False, allow_nan=False), encoding="utf-8")
