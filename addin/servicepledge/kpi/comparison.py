"""Each headline figure beside the previous period of the same kind and the same period a year earlier.

The other periods' figures come from the very functions that compute the report's own (SLA summaries,
turnover, the breach register), called on the same typed tables at the same as_of: a KPI is defined once.
So last quarter's figures are last quarter *as it stands at as_of* (a ticket of June answered late in July
counts as breached in June's figures, as it does in June's register re-run today).

A compared figure is given only when its records reach back to the compared period: the table's earliest
usable record (tickets by opened_at, complaints by received_at, staff by hired_on) is dated before the end
of the first calendar month the compared period touches. Otherwise — the data begin later, so a count would
be too low and a rate would describe part of the period — the figure is null with `why` saying so. A figure
the table cannot give at all (a missing column) is null with the same reason as the report's own figure.
"""
from __future__ import annotations

from ..core.period import Period
from . import breaches as B
from . import staffing as ST

# figure -> (unit, tables whose records it counts). Rates change in percentage points ("pp").
FIGURES = {
    "response": ("pp", ("Tickets",)),
    "initial_solution": ("pp", ("Tickets",)),
    "accept": ("pp", ("Complaints",)),
    "progress": ("pp", ("Complaints",)),
    "final": ("pp", ("Complaints",)),
    "complaints_received": ("count", ("Complaints",)),
    "turnover_rate": ("pp", ("Staff",)),
    "turnover_rolling_rate": ("pp", ("Staff",)),
    "breaches_total": ("count", ("Tickets", "Complaints")),
    "breaches_minor": ("count", ("Tickets", "Complaints")),
    "breaches_major": ("count", ("Tickets", "Complaints")),
    "fee_reduction_total": ("money", ("Tickets", "Complaints")),
    "compensation_total": ("money", ("Tickets", "Complaints")),
}
STARTS = {"Tickets": "opened_at", "Complaints": "received_at", "Staff": "hired_on"}


def complaints_received(complaints, period: Period) -> int:
    """Complaints received in the period (rows with a readable received_at inside it)."""
    df = complaints.df
    return int((period.contains(df["received_at"]) & complaints.usable("received_at")).sum())


def figures(sections: dict) -> dict:
    """The headline figures, {figure: (value, why)}, from the report's sections (the JSON's `response`,
    `initial_solution`, `complaints`, `turnover`, `breaches`, and `complaints_received`)."""
    out = {}
    for m in ("response", "initial_solution"):
        x = sections[m]
        out[m] = (x["compliance"], x.get("unavailable"))
    for m in ("accept", "progress", "final"):
        x = sections["complaints"][m]
        out[m] = (x["compliance"], x.get("unavailable"))
    out["complaints_received"] = (sections["complaints_received"], None)
    tu = sections["turnover"]
    out["turnover_rate"] = (tu["rate"], tu.get("unavailable"))
    out["turnover_rolling_rate"] = (tu["rolling_rate"], tu.get("unavailable"))
    br = sections["breaches"]
    gaps = br.get("unavailable") or {}
    out["breaches_total"] = (br["total"], None)
    out["breaches_minor"] = (br["minor"], None)
    out["breaches_major"] = (br["major"], None)
    out["fee_reduction_total"] = (br["fee_reduction_total"], gaps.get("fee_reduction_total"))
    out["compensation_total"] = (br["compensation_total"], gaps.get("compensation_total"))
    return out


def sections_for(tables: dict, rows: dict, period: Period, as_of, terms, lang: str, gaps: dict,
                 breaches: bool = True) -> dict:
    """The report's headline sections for another period, by the same calls `report.compute` makes.
    `breaches=False`: the register is not built (its figures are not compared: the records do not reach
    back to the period) and the breach figures are None."""
    if not breaches:
        return {**_sla_sections(tables, rows, period, terms, lang),
                "breaches": {**dict.fromkeys(("total", "minor", "major", "fee_reduction_total",
                                              "compensation_total")), **gaps}}
    reg = B.register(tables["Tickets"], tables["Complaints"], tables["Notices"], rows, period, as_of, terms,
                     lean=True)         # only its counts and totals are compared: no reasons per item
    return {**_sla_sections(tables, rows, period, terms, lang), "breaches": {**B.summary(reg), **gaps}}


def _sla_sections(tables: dict, rows: dict, period: Period, terms, lang: str) -> dict:
    return {
        "response": rows["response"].summary(period, lang),
        "initial_solution": rows["initial_solution"].summary(period, lang),
        "complaints": {m: rows[m].summary(period, lang) for m in ("accept", "progress", "final")},
        "complaints_received": complaints_received(tables["Complaints"], period),
        "turnover": ST.turnover(tables["Staff"], period, terms, lang),
    }


def _earliest(tables: dict) -> dict:
    """Per table of STARTS, its earliest usable start (None: no records)."""
    out = {}
    for n, col in STARTS.items():
        t = tables.get(n)
        when = t.df.loc[t.usable(col), col].dropna() if t is not None and len(t.df) else ()
        out[n] = when.min() if len(when) else None
    return out


def _no_data(tables: dict, earliest: dict, names, p: Period, lang: str) -> str | None:
    """Why the records do not reach back to p (None when they do)."""
    found = [earliest[n] for n in names if earliest[n] is not None]
    first = min(found) if found else None
    cut = min(p.months()[0].end, p.end)
    if first is not None and first < cut:
        return None
    zh_names = "、".join(tables[n].table.zh for n in names if n in tables)
    en_names = " and ".join(names)
    if first is None:
        return {"zh": f"{zh_names}没有任何记录，无法与{p.label_zh}比较",
                "en": f"{en_names} {'has' if len(names) == 1 else 'have'} no records to compare {p.label} with"}[lang]
    return {"zh": f"{zh_names}的记录从 {first:%Y-%m-%d} 开始，没有覆盖{p.label_zh}，无法比较",
            "en": f"the {en_names} records begin on {first:%Y-%m-%d}, so they do not cover {p.label}"}[lang]


def _nothing(p: Period, lang: str) -> str:
    return {"zh": f"{p.label_zh}没有可计算该指标的记录", "en": f"no records in {p.label} to compute it from"}[lang]


def _change(unit: str, cur, other):
    if cur is None or other is None:
        return None
    if unit == "pp":
        return round((cur - other) * 100, 4)
    if unit == "money":
        return round(cur - other, 2)
    return cur - other


def compare(current: dict, tables: dict, rows: dict, period: Period, as_of, terms, lang: str, gaps: dict) -> dict:
    """`{"previous": …, "year_earlier": …}`: for each, the other period's label, kind, first and last day,
    and per figure `{current, value, change, unit, why}` (`change` = current − value, in percentage points
    for rates; `value` and `change` null when the other period has no data, `why` says why)."""
    cur = figures(current)
    earliest = _earliest(tables)
    out, done = {}, {}
    for key, other in (("previous", period.previous()), ("year_earlier", period.year_earlier())):
        if other not in done:      # a year's previous period is the year earlier: its register is built once
            # the breach figures of a period the tickets and complaints do not reach back to are not compared
            # (null, see _no_data below): no register for them
            need = _no_data(tables, earliest, FIGURES["breaches_total"][1], other, lang) is None
            done[other] = figures(sections_for(tables, rows, other, as_of, terms, lang, gaps, breaches=need))
        got = done[other]
        figs = {}
        for name, (unit, sources) in FIGURES.items():
            value, why = got[name]
            if why is None:
                why = _no_data(tables, earliest, sources, other, lang)
                if why is not None:
                    value = None
            if value is None and why is None:
                why = _nothing(other, lang)
            figs[name] = {"current": cur[name][0], "value": value, "change": _change(unit, cur[name][0], value),
                          "unit": unit, "why": why}
        out[key] = {"period": other.label, "period_kind": other.kind,
                    "first_day": f"{other.start:%Y-%m-%d}", "last_day": f"{other.last_day:%Y-%m-%d}",
                    "figures": figs}
    return out
