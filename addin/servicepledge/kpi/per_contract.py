"""Figures per contract (合同) — docs/DEFINITIONS.md §12 and the JSON `contracts` list (docs/REPORT_JSON.md).

Each contract's rows were already measured with that contract's terms (core/contracts); here the same
row-level results are counted per contract, so the contracts' counts and money add up to the report's.
"""
from __future__ import annotations

from dataclasses import replace

import pandas as pd

from ..core import contracts
from . import breaches as B
from . import service as S

# the per-contract sheet's columns: (JSON path, label key, format)
SHEET = [("contract", "contract", "text"), ("customer", "customer", "text"),
         ("response.compliance", "response", "pct"), ("initial_solution.compliance", "initial_solution", "pct"),
         ("complaints.accept.compliance", "accept", "pct"), ("complaints.progress.compliance", "progress", "pct"),
         ("complaints.final.compliance", "final", "pct"), ("sla_breached", "sla_breached", "int"),
         ("breaches.total", "breach_items", "int"), ("breaches.minor", "minor", "int"),
         ("breaches.major", "major", "int"), ("breaches.overdue", "overdue", "int"),
         ("breaches.fee_reduction_total", "fee_reduction_total", "money"),
         ("breaches.compensation_total", "compensation_total", "money")]


def _mask(df: pd.DataFrame, contract: str) -> pd.Series:
    return pd.Series(contracts.codes(df) == contract, index=df.index)


def one(tables: dict, rows: dict, reg: pd.DataFrame, period, lang: str, terms, contract: str) -> dict:
    """The figures of one contract id (contracts.DEFAULT = the rows measured by the Terms sheet)."""
    tm = contracts.terms_of(terms, contract)
    sla = {}
    for m in S.METRICS:
        mr = rows[m]
        sla[m] = mr.summary(period, lang, only=_mask(mr.loaded.df, contract))
    met = sum(sla[m]["met"] or 0 for m in S.METRICS)
    br = sum(sla[m]["breached"] or 0 for m in S.METRICS)
    items = reg.loc[(reg["contract"] == contract).to_numpy()] if len(reg) else reg
    t = tables["Tickets"]
    keep = _mask(t.df, contract)
    t_sub = replace(t, df=t.df.loc[keep], bad=t.bad.loc[keep])
    fu = S.followup(t_sub, period, tm, lang)
    base = terms.contracts[0][1].display() if contracts.several(terms) else tm.display()
    return {
        "contract": contract or None,
        "customer": _customer(tables, contract),
        "terms": {k: v for k, v in tm.display().items() if v != base[k]},   # what differs from the Terms sheet
        "response": sla["response"],
        "initial_solution": sla["initial_solution"],
        "complaints": {m: sla[m] for m in S.COMPLAINT_METRICS},
        "sla_met": met,
        "sla_breached": br,
        "sla_compliance": None if met + br == 0 else met / (met + br),
        "breaches": B.summary(items),
        "followup": fu,
    }


def _customer(tables: dict, contract: str):
    ct = tables.get("Contracts")
    if not contract or ct is None or not len(ct.df):
        return None
    hit = ct.df.loc[ct.df["contract"].astype(str) == contract, "customer"]
    return None if not len(hit) or pd.isna(hit.iloc[0]) else hit.iloc[0]


def per_contract(tables: dict, rows: dict, reg: pd.DataFrame, doc: dict, period, lang: str, terms) -> list[dict]:
    """One entry per contract: first the default contract (the rows measured by the Terms sheet), then the
    Contracts table's in its order; [] without contracts (the report is one contract)."""
    if not contracts.several(terms):
        return []
    out = [one(tables, rows, reg, period, lang, terms, c) for c in terms.ids]
    for k in ("fee_reduction_total", "compensation_total"):
        if doc["breaches"].get(k) is None:        # a missing column makes the money unknowable (as in the total)
            for e in out:
                e["breaches"][k] = None
    return out


def active(e: dict) -> bool:
    """Whether a contract has anything in the period (a record, a pending item, a breach, a resolved ticket)."""
    sla = [e["response"], e["initial_solution"], *e["complaints"].values()]
    return bool(sum((x["total"] or 0) + (x["excluded"] or 0) for x in sla) + e["breaches"]["total"]
                + (e["followup"]["resolved"] or 0))


def worst(entries: list[dict], n: int = 3) -> list[dict]:
    """The contracts to look at first: lowest combined SLA compliance (met / decided over the five metrics),
    then most breach items, then most money; only contracts with a breach or a breached SLA."""
    bad = [e for e in entries if e["sla_breached"] or e["breaches"]["total"]]
    key = (lambda e: (1.0 if e["sla_compliance"] is None else e["sla_compliance"], -e["breaches"]["total"],
                      -((e["breaches"]["fee_reduction_total"] or 0) + (e["breaches"]["compensation_total"] or 0))))
    return sorted(bad, key=key)[:n]


def narrow(report, contract: str):
    """The report as one contract sees it (the SP_ functions' contract filter): its SLA, breach and follow-up
    figures and its register items; staff turnover and the fund stay the provider's."""
    entry = next(e for e in report.doc["contracts"] if (e["contract"] or contracts.DEFAULT) == contract)
    doc = dict(report.doc)
    doc["response"], doc["initial_solution"] = entry["response"], entry["initial_solution"]
    doc["complaints"], doc["followup"] = entry["complaints"], entry["followup"]
    doc["breaches"] = {**report.doc["breaches"], **entry["breaches"],
                       "items": [i for i in report.doc["breaches"]["items"]
                                 if (i.get("contract") or contracts.DEFAULT) == contract]}
    reg = report.register.loc[(report.register["contract"] == contract).to_numpy()].reset_index(drop=True)
    return replace(report, doc=doc, register=reg)


def value(entry: dict, path: str):
    """entry["a"]["b"] for the path "a.b"."""
    for k in path.split("."):
        entry = None if entry is None else entry.get(k)
    return entry
