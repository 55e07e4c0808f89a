"""What the SP_ functions share: typing an argument once per content, the answers kept between recalculations
(excel.memo), the whole report behind SP_KPIS/SP_BREACHES/SP_WARNINGS/SP_CHART, pauses and contract scope.
No worksheet function is defined here (functions.py registers them)."""
from __future__ import annotations

import functools

import pandas as pd

from ..core import contracts as CT
from ..core.as_of import clip
from ..core.pauses import from_tables as pauses_at
from ..core.period import parse_as_of, parse_period
from ..inputs.schema import TABLES
from ..inputs.tables import InputError, Issues, empty
from ..kpi import service as S
from ..report import compute
from . import cells, memo


def tables_of(**given) -> dict:
    """All input tables; the ones not passed are empty (their figures are blank)."""
    return {name: given.get(name) or empty_table(name) for name in TABLES}


@functools.lru_cache(maxsize=None)
def empty_table(name: str):
    """The empty table of that name, made once per process (~2 ms each, and SP_COMPLIANCE's report lacks
    seven): shared like every cached table, never modified (tests/test_excel_shared_rows.py checks)."""
    return empty(name)


def period_of(value, default_from=None):
    return parse_period(cells.scalar(value, "period"), default_from, cells.date1904())


def as_of_arg(value):
    v = cells.scalar(value, "as_of")
    if isinstance(v, (str, int, float)) and not (isinstance(v, str) and not v.strip()):
        return _as_of(v, cells.date1904())            # the same text every recalculation: read once
    return parse_as_of(v, cells.date1904())           # blank: now, never kept


@functools.lru_cache(maxsize=256, typed=True)         # typed: 1, 1.0 and TRUE are different keys
def _as_of(value, date1904: bool):
    return parse_as_of(value, date1904)


def remembered(name: str, parts: list, make):
    """`make()`'s answer, kept in excel.memo under (name, parts, date system): parts are the fingerprints
    of the arguments the answer depends on (and as_of's moment), so any changed cell misses. Cached
    answers are handed out as copies (xlwings converts results in place)."""
    key = None if memo.budget() == 0 or None in parts else ("answer", name, *parts, cells.date1904())
    hit = memo.get(key)
    if hit is None:
        hit = make()
        size = sum(len(r) for r in hit) if isinstance(hit, list) else 1
        memo.put(key, hit, 512 + 64 * size)
    return [list(r) if isinstance(r, list) else r for r in hit] if isinstance(hit, list) else hit


def fingerprints(*values) -> list:
    """The memo.fingerprint of each value (None each when the cache is off)."""
    on = memo.budget() > 0
    return [memo.fingerprint(v) if on else None for v in values]


def block_result(b) -> list[list]:
    return cells.table_result(b.header, b.rows)


def merged_pauses(tables: dict, pauses, fp, when):
    """The pauses argument (Pauses[#All]) merged per record at as_of (core/pauses); None when it is empty.
    Ids are matched against the tickets/complaints of `tables` (the ones this function was given)."""
    if pauses is None:
        return None
    return pauses_at({**tables, "Pauses": cells.table("Pauses", pauses, "pauses", fp=fp)}, when)


def kept_metric_rows(tabs: dict, name: str, when, tm, parts: list, typed, pause_set):
    """S.metric_rows, kept in excel.memo under (parts, metric, as_of, date system); shared, not modified
    (summary() only reads it). Its estimated bytes count the table it refers to when that is not `typed`
    (the cached typed table, accounted by its own entry) but a copy made by clip or the contracts.
    `pause_set` makes the merged pauses only when the rows must be computed."""
    key = None if memo.budget() == 0 or None in parts else ("metric_rows", *parts, name, when, cells.date1904())
    hit = memo.get(key)
    if hit is None:
        hit = S.metric_rows(tabs, name, when, tm, pause_set())
        memo.put(key, hit, memo.frame_bytes(hit.rows, hit.when, hit.population, hit.unknown_population,
                                            hit.usable, hit.bad_start, hit.unusable_start) + hit.code.nbytes
                 + (0 if hit.loaded is typed else memo.loaded_bytes(hit.loaded)))
    return hit


def contract_filter(contract, ids: list):
    """The contract id the `contract` argument names (contracts.DEFAULT for 默认/default); None when empty.
    `ids`: the contracts of the Contracts table."""
    c = cells.scalar(contract, "contract")
    if c is None:
        return None
    c = str(c).strip()
    if not ids:
        raise InputError(f"contract '{c}': pass the Contracts table (合同) after it, e.g. Contracts[#All], "
                         f"so the contract's own terms are used",
                         zh=f"合同“{c}”：请在其后传入合同表（Contracts），如 Contracts[#All]，以使用该合同自己的承诺参数")
    if c.lower() in ("默认", "default"):
        return CT.DEFAULT
    if c not in ids:
        raise InputError(f"contract '{c}' is not in the Contracts table (合同); use one of: {', '.join(ids)}",
                         zh=f"合同“{c}”不在合同表（Contracts）中；请用其中之一：{'、'.join(ids)}")
    return c


def contract_scope(tables: dict, tm, period, contract, contracts_arg):
    """(tables with each row's contract, the terms with the contracts', a MetricRows -> row mask or None)."""
    ct = cells.table("Contracts", contracts_arg, "contracts") if contracts_arg is not None else empty_table("Contracts")
    terms = CT.build(ct, tm)
    c = contract_filter(contract, [i for i in terms.ids if i] if CT.several(terms) else [])
    if not CT.several(terms):
        return tables, tm, (lambda mr: None)
    tables = CT.assign({**tables, "Contracts": ct}, terms, period, Issues())
    if c is None:
        return tables, terms, (lambda mr: None)
    return tables, terms, (lambda mr: pd.Series(CT.codes(mr.loaded.df) == c, index=mr.loaded.df.index))


def full_report(tickets, complaints, staff, ledger, budget, notices, period, as_of, terms, contracts=None,
                 pauses=None):
    """The whole period's report from the six tables (any of them may be left empty).

    Computed once per (tables' content, period, as_of, terms, date system) and shared by SP_KPIS,
    SP_BREACHES, SP_WARNINGS and SP_CHART (excel.memo); each table is typed once per content."""
    args = {"tickets": tickets, "complaints": complaints, "staff": staff, "ledger": ledger, "budget": budget,
            "notices": notices, **({"contracts": contracts} if contracts is not None else {}), "pauses": pauses}
    fps = dict(zip(args, fingerprints(*args.values())))
    t_fp, p_fp = fingerprints(terms, period)
    tm = cells.terms(terms, fp=t_fp)
    try:
        when = as_of_arg(as_of)
    except ValueError:
        when = None            # a table's problem is named first, as without the cache
    parts = [*fps.values(), t_fp, p_fp, when]
    key = None if None in parts else ("report", *parts, cells.date1904())
    r = memo.get(key)
    if r is None and key is not None and staff is None and ledger is None and budget is None:
        r = memo.get(memo.get(register_key(key)))    # SP_BREACHES: a full report of the same arguments will do
    if r is not None:
        return r
    issues = Issues()      # what reading the arguments found (unknown headers …) reaches the report's warnings
    names = {"tickets": "Tickets", "complaints": "Complaints", "staff": "Staff", "ledger": "FundLedger",
             "budget": "FundBudget", "notices": "Notices", "contracts": "Contracts", "pauses": "Pauses"}
    given = {names[k]: cells.table(names[k], v, k, issues, fp=fps[k]) for k, v in args.items()
             if k != "pauses" or v is not None}
    tk = given["Tickets"]
    when = as_of_arg(as_of) if when is None else when
    p = period_of(period, clip({"Tickets": tk}, when).tables["Tickets"].df["opened_at"])   # latest ticket at as_of
    # everything but the comparison with earlier periods, which no function shows (the report button and the
    # command line compute their own, whole report)
    r = compute(tables_of(**given), issues, period=p, as_of=when, terms=tm, comparison=False,
                metric_rows=shared_rows(fps["tickets"], t_fp, fps.get("contracts", fingerprints(None)[0]),
                                        fps["pauses"], p.label if contracts is not None else "", when,
                                        given["Tickets"]))
    memo.put(key, r, memo.frame_bytes(r.register, r.disclosure, r.staffing) + 300 * len(r.doc["data_issues"])
             + 65536)
    memo.put(register_key(key), key, 256)
    return r


def shared_rows(tk_fp, t_fp, cs_fp, ps_fp, label, when, typed):
    """The report's metric_rows: a ticket metric's row statuses are the ones SP_COMPLIANCE keeps (and keeps
    the report's for it), under the key SP_COMPLIANCE uses. Sound because, without several contracts, a
    ticket's status depends only on the Tickets cells, the terms, the pauses of its own id and as_of: the
    report's other tables (complaints, staff, fund, notices) do not reach it, and the report's Tickets
    differ from SP_COMPLIANCE's at most in blank contract cells read as the default contract, which no
    status reads. With several contracts every row is made afresh (a row's terms follow its contract)."""
    def make(tables, metric, as_of, terms, pauses):
        if metric not in ("response", "initial_solution") or CT.several(terms):
            return S.metric_rows(tables, metric, as_of, terms, pauses)
        return kept_metric_rows(tables, metric, when, terms, [tk_fp, t_fp, cs_fp, ps_fp, label], typed,
                                lambda: pauses)
    return make


def register_key(key):
    """The report's key without Staff, FundLedger and FundBudget: the breach register does not read them."""
    return None if key is None else ("register", key[1], key[2], *key[6:])
