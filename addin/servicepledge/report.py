"""Assemble the monthly report (docs/REPORT_JSON.md) from typed tables: one place that calls every KPI."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import pandas as pd

from . import __version__
from .kpi import breaches as B
from .kpi import fund as F
from .kpi import service as S
from .kpi import staffing as ST
from .core.as_of import clip
from .core.period import Period, parse_as_of, parse_period
from .core.populations import warn_empty
from .inputs.tables import Issues, Loaded
from .core.terms import Terms, TermsError, parse_terms
from .core.availability import reason, warn_missing
from .core.worktime import uncovered_years


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


def compute(tables: dict, issues: Issues, period=None, as_of=None, lang: str | None = None,
            terms: Terms | None = None, date1904: bool = False, source: dict | None = None) -> Report:
    """Every KPI of docs/DEFINITIONS.md for one period and as_of. `tables` maps table name -> Loaded."""
    issues = Issues(list(issues.rows), list(issues.warnings))
    if terms is None:
        terms = terms_from_tables(tables.get("Terms"), tables.get("Holidays"))
    lang = lang or terms["lang"]
    if lang not in ("zh", "en"):
        raise TermsError(f"language '{lang}' is not available; use zh or en")
    as_of = as_of if isinstance(as_of, pd.Timestamp) else parse_as_of(as_of, date1904)
    clipped = clip(tables, as_of)            # the tables as they stood at as_of: later events not yet happened
    clipped.warn(issues)
    tables = clipped.tables
    t, c = tables["Tickets"], tables["Complaints"]
    period = period if isinstance(period, Period) else parse_period(period, t.df["opened_at"], date1904)

    rows = {m: S.metric_rows(tables, m, as_of, terms) for m in S.METRICS}
    _calendar_issues(tables, terms, as_of, issues)
    warn_empty(tables, period, issues)
    warn_missing(tables, issues)
    S.warn_unknown_priority(t, period, terms, issues)
    fund = F.fund(tables["FundLedger"], tables["FundBudget"], period, lang)
    F.warn_unreadable_approval(fund, period, issues)
    reg = B.register(t, c, tables["Notices"], rows, period, as_of, terms)
    B.warn_uncertain_severity(reg, tables["Notices"], issues)
    doc = {
        "period": period.label,
        "as_of": as_of.isoformat(sep=" ", timespec="seconds"),
        "version": __version__,
        "terms": terms.display(),
        "response": rows["response"].summary(period, lang),
        "initial_solution": rows["initial_solution"].summary(period, lang),
        "complaints": {m: rows[m].summary(period, lang) for m in S.COMPLAINT_METRICS},
        "turnover": ST.turnover(tables["Staff"], period, terms, lang),
        "fund": fund,
        "breaches": {**B.summary(reg), **_breach_gaps(tables, lang), "items": _items_json(reg)},
        "followup": S.followup(t, period, terms, lang),
        "data_issues": issues.rows,
        "warnings": [w.as_dict(lang) for w in issues.warnings],
        "tables_found": sorted(n for n, tb in tables.items() if tb.present),
        "inputs": list((source or {}).get("inputs") or []),
    }
    history = {m: rows[m].history(period) for m in S.METRICS}
    return Report(doc, period, as_of, terms, lang, reg, F.disclosure(tables["FundLedger"], period),
                  ST.history(tables["Staff"], period, terms), history, dict(source or {}))


def _calendar_issues(tables: dict, terms: Terms, as_of, issues: Issues) -> None:
    """Years outside the holiday calendar are reported, never guessed silently."""
    if terms["holidays"] != "CN" or (terms["time_basis"] != "business" and terms["day_basis"] != "working"):
        return
    starts = pd.concat([tables["Tickets"].df["opened_at"], tables["Complaints"].df["received_at"],
                        tables["Notices"].df["notice_date"]]).dropna()
    if not len(starts):
        return
    stops = pd.Series(as_of, index=starts.index).astype(starts.dtype)
    for y in uncovered_years(starts, stops, terms):
        issues.add("Terms", None, "holidays", f"China's official holiday calendar is not published for {y} "
                   f"in this version; {y} is counted with weekdays only (add its holidays to the Holidays table)")


def _breach_gaps(tables: dict, lang: str) -> dict:
    """Register totals that a missing column makes unknowable (the fee of a ticket, the loss of a notice)."""
    why = {"fee_reduction_total": reason(tables["Tickets"], "fee_reduction", lang),
           "compensation_total": reason(tables["Notices"], "compensation", lang),
           "quality": reason(tables["Tickets"], "quality", lang),
           "remedy_status": reason(tables["Notices"], "remedy_status", lang)}
    out = {k: None for k in ("fee_reduction_total", "compensation_total") if why[k]}
    out["unavailable"] = {k: v for k, v in why.items() if v} or None
    return out


def _items_json(reg: pd.DataFrame) -> list[dict]:
    out = []
    for r in reg.itertuples(index=False):
        out.append({
            "ref_id": r.ref_id,
            "source": r.source,
            "reasons": list(r.reasons),
            "related_ids": list(r.related_ids),
            "severity": r.severity,
            "notice_id": None if pd.isna(r.notice_id) else r.notice_id,
            "deadline": None if pd.isna(r.deadline) else r.deadline.strftime("%Y-%m-%d"),
            "status": r.status,
            "fee_reduction": round(float(r.fee_reduction), 2),
            "compensation": round(float(r.compensation), 2),
        })
    return out


def generated_at() -> str:
    return dt.datetime.now().isoformat(sep=" ", timespec="seconds")
