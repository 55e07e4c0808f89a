"""The per-contract summary sheet (分合同汇总) and the dashboard's "contracts to look at first" block.

Only in reports with a Contracts table (the JSON `contracts` list is not empty). The total row is the
report's own figures, so it equals the dashboard; the contracts' counts and money add up to it.
"""
from __future__ import annotations

from ..kpi import service as S
from ..kpi.per_contract import SHEET, active, value, worst
from .labels import t
from .privacy import mask_value
from .sheets import INT, MONEY, PCT, TEXT, Block, SheetModel, _subtitle

_FMT = {"text": TEXT, "pct": PCT, "int": INT, "money": MONEY}


def _name(e: dict, lang: str) -> str:
    return e["contract"] if e["contract"] is not None else t("default_contract", lang)


def _total(doc: dict) -> dict:
    """The whole report's figures in the shape of a contract entry (the sheet's total row)."""
    sla = [doc["response"], doc["initial_solution"], *(doc["complaints"][m] for m in S.COMPLAINT_METRICS)]
    return {"contract": None, "customer": None, "response": doc["response"],
            "initial_solution": doc["initial_solution"], "complaints": doc["complaints"],
            "sla_breached": sum(x["breached"] or 0 for x in sla), "breaches": doc["breaches"]}


def _cells(e: dict, lang: str) -> list:
    """The SHEET columns of one entry; a compliance a missing column makes impossible says so (never blank)."""
    out = []
    for path, _, _ in SHEET:
        v = value(e, path)
        if path.endswith(".compliance") and value(e, path.rsplit(".", 1)[0] + ".unavailable"):
            v = t("unavailable", lang)
        out.append(v)
    return out


def sheet(r, mask: bool) -> SheetModel:
    lang, entries = r.lang, r.doc["contracts"]
    head = [t(label, lang) for _, label, _ in SHEET] + [t("contract_terms", lang)]
    rows = []
    for e in entries:
        if e["contract"] is None and not active(e):
            continue            # nothing fell to the Terms sheet this period
        row = _cells(e, lang)
        row[0] = _name(e, lang)
        if mask and row[1] is not None:
            row[1] = mask_value(row[1], "name")
        terms = e.get("terms") or {}
        row.append("; ".join(f"{k}={v:g}" if isinstance(v, float) else f"{k}={v}" for k, v in terms.items()) or None)
        rows.append(row)
    total = _cells(_total(r.doc), lang)
    total[0] = t("contract_total", lang)
    rows.append(total + [None])
    fmts = [_FMT[f] for _, _, f in SHEET] + [TEXT]
    return SheetModel("contracts", t("sheet.contracts", lang), t("title.contracts", lang), _subtitle(r),
                      [Block(None, head, rows, fmts)])


def worst_block(r) -> Block | None:
    """Up to three contracts with the lowest SLA compliance (then most breach items), for the dashboard."""
    lang, top = r.lang, worst(r.doc["contracts"])
    if not top:
        return None
    head = [t("contract", lang), t("sla_compliance", lang), t("sla_breached", lang), t("breach_items", lang),
            t("fee_reduction_total", lang), t("compensation_total", lang)]
    rows = [[_name(e, lang), e["sla_compliance"], e["sla_breached"], e["breaches"]["total"],
             e["breaches"]["fee_reduction_total"], e["breaches"]["compensation_total"]] for e in top]
    return Block(t("title.worst_contracts", lang), head, rows, [TEXT, PCT, INT, INT, MONEY, MONEY])
