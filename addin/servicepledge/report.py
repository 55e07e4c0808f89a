"""Assemble the report (docs/REPORT_JSON.md) from typed tables: one place that calls every KPI."""
from __future__ import annotations

import datetime as dt
import gc
from contextlib import contextmanager
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from . import __version__
from .kpi import breaches as B
from .kpi import comparison as CMP
from .kpi import fund as F
from .kpi import service as S
from .kpi import staffing as ST
from .core.as_of import clip, warn_period_open
from .core.period import Period, parse_as_of, parse_period
from .core.populations import warn_empty
from .core.pauses import from_tables as pauses_at
from .inputs.tables import Issues, Loaded
from .inputs.naming import localize, table_names
from .core.terms import Terms, TermsError, parse_terms
from .core.availability import reason, warn_missing
from .core.worktime import uncovered_years
from .core import contracts
from .kpi.per_contract import per_contract


def terms_from_tables(terms_table: Loaded | None, holidays: Loaded | None, extra: dict | None = None) -> Terms:
    """Terms from the Terms table (key/value) and the Holidays table overrides. Raises TermsError."""
    mapping = {}
    if terms_table is not None and len(terms_table.df):
        for _, r in terms_table.df.iterrows():
            if r["key"] is not None:
                mapping[r["key"]] = r["value"]
    mapping.update(extra or {})
    overrides = {}
    if holidays is not None and len(holidays.df):
        ok = holidays.usable("date", "workday") & holidays.df["date"].notna() & holidays.df["workday"].notna()
        for d, w in zip(holidays.df.loc[ok, "date"], holidays.df.loc[ok, "workday"]):
            overrides[d.date()] = bool(w)
    return parse_terms(mapping, overrides)


@dataclass
class Report:
    doc: dict                                   # the JSON document
    period: Period
    as_of: pd.Timestamp
    terms: Terms
    lang: str
    register: pd.DataFrame                      # breach items (row level, with customer for masking)
    disclosure: pd.DataFrame                    # fund disclosure lines
    staffing: pd.DataFrame                      # turnover history (monthly + rolling)
    history: dict = field(default_factory=dict)  # metric -> 12 months of compliance
    source: dict = field(default_factory=dict)   # input path, sha256
    unapproved: pd.DataFrame | None = None      # fund entries finance has not approved (period and YTD)
    table_names: dict = field(default_factory=dict)  # input table -> the name the user's workbook uses (naming.py)


def compute(tables: dict, issues: Issues, period=None, as_of=None, lang: str | None = None,
            terms: Terms | None = None, date1904: bool = False, source: dict | None = None,
            metric_rows=None, comparison: bool = True) -> Report:
    """Every KPI of docs/DEFINITIONS.md for one period and as_of. `tables` maps table name -> Loaded.

    `metric_rows(tables, metric, as_of, terms, pauses)` makes each metric's row statuses (default
    kpi.service.metric_rows); the Excel functions pass one that reuses rows SP_COMPLIANCE already made.
    `comparison=False`: doc["comparison"] is None (the SP_ functions show no comparison; it adds no warning)."""
    with _collector_paused():
        return _compute(tables, issues, period, as_of, lang, terms, date1904, source, metric_rows or S.metric_rows,
                        comparison)


@contextmanager
def _collector_paused():
    """Python's cycle collector paused while a report is computed. A report makes one dict per breach item
    and per JSON row (hundreds of thousands at 1,000,000 tickets); each batch of new objects made the
    collector walk all of them again — a quarter of the compute time at 1M, for no garbage (what compute
    leaves behind is freed by reference counting; any cycle is collected once the collector resumes).
    Resumed afterwards, also on error; left off if it was off (two reports at once leave it on at the end)."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def _compute(tables: dict, issues: Issues, period, as_of, lang, terms, date1904, source, metric_rows,
             comparison) -> Report:
    issues = Issues(list(issues.rows), list(issues.warnings), dict(issues.zh))
    if terms is None:
        terms = terms_from_tables(tables.get("Terms"), tables.get("Holidays"))
    lang = lang or terms["lang"]
    if lang not in ("zh", "en"):
        raise TermsError(f"language '{lang}' is not available; use zh or en", zh=f"语言“{lang}”不可用；请用 zh 或 en")
    as_of = as_of if isinstance(as_of, pd.Timestamp) else parse_as_of(as_of, date1904)
    raw_ledger = tables["FundLedger"]         # the ledger as read: the reconciliation starts from its total
    clipped = clip(tables, as_of)            # the tables as they stood at as_of: later events not yet happened
    clipped.warn(issues)
    tables = clipped.tables
    t, c = tables["Tickets"], tables["Complaints"]
    period = period if isinstance(period, Period) else parse_period(period, t.df["opened_at"], date1904)
    terms = contracts.build(tables.get("Contracts"), terms)       # the Terms sheet itself without contracts
    tables = contracts.assign(tables, terms, period, issues)
    t, c = tables["Tickets"], tables["Complaints"]

    pauses = pauses_at(tables, as_of, issues)
    rows = {m: metric_rows(tables, m, as_of, terms, pauses) for m in S.METRICS}
    _calendar_issues(tables, terms, as_of, issues)
    warn_empty(tables, period, issues)
    warn_period_open(period, as_of, issues)
    warn_missing(tables, issues)
    S.warn_unknown_priority(t, period, terms, issues)
    entries = F.usable_entries(tables["FundLedger"])     # once, for the fund, the disclosure and the to-do list
    fund = F.fund(tables["FundLedger"], tables["FundBudget"], period, lang, entries)
    F.warn_unreadable_approval(fund, period, issues)
    F.warn_no_budget(fund, tables["FundBudget"], period, issues)
    fund["reconciliation"] = F.reconcile(raw_ledger, period, as_of, fund["spent_period_total"], fund["spent_ytd_total"])
    reg = B.register(t, c, tables["Notices"], rows, period, as_of, terms)
    B.warn_uncertain_severity(reg, tables["Notices"], issues)
    gaps = _breach_gaps(tables, lang)
    names = table_names(tables, lang)        # the tables as the user's workbook names them
    doc = {
        "period": period.label,
        "period_kind": period.kind,
        "period_first_day": f"{period.start:%Y-%m-%d}",
        "period_last_day": f"{period.last_day:%Y-%m-%d}",
        "as_of": as_of.isoformat(sep=" ", timespec="seconds"),
        "version": __version__,
        "terms": terms.display(),
        "response": rows["response"].summary(period, lang),
        "initial_solution": rows["initial_solution"].summary(period, lang),
        "complaints": {m: rows[m].summary(period, lang) for m in S.COMPLAINT_METRICS},
        "turnover": ST.turnover(tables["Staff"], period, terms, lang),
        "fund": fund,
        "breaches": {**B.summary(reg), **gaps, "items": _items_json(reg, contracts.several(terms))},
        "followup": S.followup(t, period, terms, lang),
        "data_issues": [{**i, "problem": localize(issues.problem_in(i, lang), lang, names, i["table"])}
                        for i in issues.rows],
        "warnings": [{**d, "message": localize(d["message"], lang, names, d["table"])}
                     for d in (w.as_dict(lang) for w in issues.warnings)],
        "tables_found": sorted(n for n, tb in tables.items() if tb.present),
        "inputs": list((source or {}).get("inputs") or []),
    }
    doc["contracts"] = per_contract(tables, rows, reg, doc, period, lang, terms)
    doc["comparison"] = None
    if comparison:
        doc["comparison"] = CMP.compare({**doc, "complaints_received": CMP.complaints_received(c, period)},
                                        tables, rows, period, as_of, terms, lang, gaps)
    months = chart_months(period)
    history = {m: rows[m].history(period, months) for m in S.METRICS}
    base = terms.contracts[0][1] if contracts.several(terms) else terms
    return Report(doc, period, as_of, base, lang, reg, F.disclosure(tables["FundLedger"], period, entries),
                  ST.history(tables["Staff"], period, terms, months), history, dict(source or {}),
                  unapproved=F.unapproved_entries(tables["FundLedger"], period, entries), table_names=names)


def chart_months(period: Period) -> int:
    """Months the charts and the staffing history show, ending with the period's last month: 12, or all the
    months of a range longer than a year."""
    return max(12, len(period.months()))


def _calendar_issues(tables: dict, terms: Terms, as_of, issues: Issues) -> None:
    """Years outside the holiday calendar are reported, never guessed silently (for every contract's terms)."""
    each = [tm for _, tm in terms.contracts] if contracts.several(terms) else [terms]
    each = [tm for tm in each
            if tm["holidays"] == "CN" and (tm["time_basis"] == "business" or tm["day_basis"] == "working")]
    if not each:
        return
    starts = pd.concat([tables["Tickets"].df["opened_at"], tables["Complaints"].df["received_at"],
                        tables["Notices"].df["notice_date"]]).dropna()
    if not len(starts):
        return
    stops = pd.Series(as_of, index=starts.index).astype(starts.dtype)
    years = sorted(set().union(*(uncovered_years(starts, stops, tm) for tm in each)))
    for y in years:
        issues.add("Terms", None, "holidays", (f"本版本未收录 {y} 年的中国法定节假日安排；{y} 年只按星期计算工作日"
                                               f"（请在节假日表中填写该年的节假日）",
                                               f"China's official holiday calendar is not published for {y} "
                                               f"in this version; {y} is counted with weekdays only (add its "
                                               f"holidays to the Holidays table)"))


def _breach_gaps(tables: dict, lang: str) -> dict:
    """Register totals that a missing column makes unknowable (the fee of a ticket, the loss of a notice)."""
    why = {"fee_reduction_total": reason(tables["Tickets"], "fee_reduction", lang),
           "compensation_total": reason(tables["Notices"], "compensation", lang),
           "quality": reason(tables["Tickets"], "quality", lang),
           "remedy_status": reason(tables["Notices"], "remedy_status", lang)}
    out = {k: None for k in ("fee_reduction_total", "compensation_total") if why[k]}
    out["unavailable"] = {k: v for k, v in why.items() if v} or None
    return out


def _items_json(reg: pd.DataFrame, with_contract: bool = False) -> list[dict]:
    """The register's items for the JSON, built column by column (one dict per item at the end)."""
    def opt(col) -> list:
        v = (reg[col] if isinstance(col, str) else col).to_numpy(dtype=object, copy=True)
        v[pd.isna(v)] = None                     # (pd.isna of each cell, in one vectorized call)
        return v.tolist()

    def money(col: str) -> list:
        return round2(reg[col].to_numpy(dtype="float64")).tolist()
    dl = reg["deadline"]
    deadline = pd.Series(pd.to_datetime(dl).dt.strftime("%Y-%m-%d"), index=reg.index).where(dl.notna(), None)
    cols = {
        "ref_id": reg["ref_id"].tolist(),
        "source": reg["source"].tolist(),
        "reasons": list(map(list, reg["reasons"].tolist())),
        "due_from_source": list(map(list, reg["due_from_source"].tolist())),
        "related_ids": list(map(list, reg["related_ids"].tolist())),
        "severity": reg["severity"].tolist(),
        "notice_id": opt("notice_id"),
        "deadline": opt(deadline),
        "status": reg["status"].tolist(),
        "fee_reduction": money("fee_reduction"),
        "compensation": money("compensation"),
    }
    # one dict display per item (twice as fast as dict(zip(keys, row)) over hundreds of thousands of items);
    # the keys in the order of `cols`
    items = [{"ref_id": a, "source": b, "reasons": c, "due_from_source": d, "related_ids": e, "severity": f,
              "notice_id": g, "deadline": h, "status": i, "fee_reduction": j, "compensation": k}
             for a, b, c, d, e, f, g, h, i, j, k in zip(*cols.values())]
    if with_contract:                                   # only with a Contracts table: each item's contract last
        for item, v in zip(items, reg["contract"].tolist()):
            item["contract"] = v or None
    return items


def round2(x: np.ndarray) -> np.ndarray:
    """Python's round(v, 2) of every amount, vectorized: the same doubles, bit for bit.

    rint(v * 100) / 100 is Python's result wherever v * 100 lies clearly away from a half-cent (the product's
    rounding error, under 1e-7 for amounts below about 10 million, cannot move it across one); amounts near a
    half-cent, larger ones and non-numbers are rounded by Python's round itself."""
    y = x * 100.0
    out = np.rint(y) / 100.0
    with np.errstate(invalid="ignore"):
        near = ~((np.abs(np.abs(y - np.floor(y)) - 0.5) > 1e-6) & (np.abs(y) < 2.0 ** 30))
    if near.any():
        idx = np.flatnonzero(near)
        out[idx] = [round(v, 2) for v in x[idx].tolist()]
    return out


def generated_at() -> str:
    return dt.datetime.now().isoformat(sep=" ", timespec="seconds")
