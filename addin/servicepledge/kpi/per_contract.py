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

SLA_KEYS = ("total", "met", "breached", "pending", "compliance", "at_risk", "excluded", "target_hours")
BREACH_KEYS = ("total", "minor", "major", "open", "overdue", "unnotified", "remedied", "remedied_late",
               "fee_reduction_total", "compensation_total")


def _mask(df: pd.DataFrame, contract: str) -> pd.Series:
    return pd.Series(contracts.codes(df) == contract, index=df.index)


def one(tables: dict, rows: dict, reg: pd.DataFrame, period, lang: str, terms, contract: str) -> dict:
    """The figures of one contract id (contracts.DEFAULT = the rows measured by the Terms sheet)."""
    tm = contracts.terms_of(terms, contract)
    sla = {}
    for m in S.METRICS:
        mr = rows[m]
        x = mr.summary(period, lang, only=_mask(mr.loaded.df, contract))
        sla[m] = {k: x.get(k) for k in SLA_KEYS}
        sla[m]["unavailable"] = x["unavailable"]
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
        "breaches": {k: v for k, v in B.summary(items).items() if k in BREACH_KEYS},
        "followup": {k: fu[k] for k in ("resolved", "followed_up", "rate", "target", "met_target")},
    }


def _customer(tables: dict, contract: str):
    ct = tables.get("Contracts")
    if not contract or ct is None or not len(ct.df):
        return None
    hit = ct.df.loc[ct.df["contract"].astype(str) == contract, "customer"]
    return None if not len(hit) or pd.isna(hit.iloc[0]) else hit.iloc[0]


def per_contract(tables: dict, rows: dict, reg: pd.DataFrame, doc: dict, period, lang: str, terms) -> list[dict]:
    """One entry per contract of the Contracts table (in its order) and, first, the default contract when
    any row of the period is measured by the Terms sheet; [] without contracts (the report is one contract)."""
    if not contracts.several(terms):
        return []
    out = [one(tables, rows, reg, period, lang, terms, c) for c in terms.ids]
    d = out[0]
    if not (d["sla_met"] + d["sla_breached"] + sum(d[m]["pending"] or 0 for m in ("response", "initial_solution"))
            + sum(d["complaints"][m]["pending"] or 0 for m in S.COMPLAINT_METRICS)
            + d["breaches"]["total"] + (d["followup"]["resolved"] or 0)
            + sum(d[m]["excluded"] or 0 for m in ("response", "initial_solution"))
            + sum(d["complaints"][m]["excluded"] or 0 for m in S.COMPLAINT_METRICS)):
        out = out[1:]          # nothing fell to the default contract this period
    for k in ("fee_reduction_total", "compensation_total"):
        if doc["breaches"].get(k) is None:        # a missing column makes the money unknowable (as in the total)
            for e in out:
                e["breaches"][k] = None
    return out


def worst(entries: list[dict], n: int = 3) -> list[dict]:
    """The contracts to look at first: lowest combined SLA compliance (met / decided over the five metrics),
    then most breach items, then most money; only contracts with a breach or a breached SLA."""
    bad = [e for e in entries if e["sla_breached"] or e["breaches"]["total"]]
    key = (lambda e: (1.0 if e["sla_compliance"] is None else e["sla_compliance"], -e["breaches"]["total"],
                      -((e["breaches"]["fee_reduction_total"] or 0) + (e["breaches"]["compensation_total"] or 0))))
    return sorted(bad, key=key)[:n]
