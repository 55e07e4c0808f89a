"""Ticket and complaint SLA metrics, and follow-up (docs/DEFINITIONS.md §4, §8). Each KPI is defined here once."""
from __future__ import annotations

import functools

import numpy as np
import pandas as pd

from ..core import availability, contracts
from ..core.period import Period
from ..inputs.tables import Loaded
from ..core.terms import PRIORITIES
from . import sla

# metric -> (table, start column, stop column, target key)
METRICS = {
    "response": ("Tickets", "opened_at", "first_response_at", "response_hours"),
    "initial_solution": ("Tickets", "opened_at", "initial_solution_at", "complex_solution_hours"),
    "accept": ("Complaints", "received_at", "accepted_at", "complaint_accept_hours"),
    "progress": ("Complaints", "received_at", "progress_at", "complaint_progress_hours"),
    "final": ("Complaints", "received_at", "final_reply_at", "complaint_final_hours"),
}
# metric -> the optional column with the ticketing system's own due time (replaces the Terms target)
DUE = {"response": "response_due_at", "initial_solution": "solution_due_at", "accept": "accept_due_at",
       "progress": "progress_due_at", "final": "final_due_at"}
ID = {"Tickets": "ticket_id", "Complaints": "complaint_id"}
TICKET_METRICS = ("response", "initial_solution")
COMPLAINT_METRICS = ("accept", "progress", "final")


def targets(t: Loaded, key: str, terms, rows=None) -> np.ndarray:
    """Target hours per row (or per row of the positions `rows`); per-priority overrides for ticket metrics."""
    n = len(t.df) if rows is None else len(rows)
    if t.table.name != "Tickets":
        return np.full(n, float(terms[key]))
    table = {p: terms.target(key, p) for p in PRIORITIES}
    prio = t.df["priority"] if rows is None else t.df["priority"].iloc[rows]
    # each distinct priority looked up once (a handful), then taken by code: no per-row dictionary look-up
    codes, uniq = pd.factorize(prio, use_na_sentinel=True)
    look = np.array([np.nan if table.get(u) is None else float(table[u]) for u in uniq] + [np.nan], dtype="float64")
    out = look[np.where(codes >= 0, codes, len(uniq))]
    return np.where(np.isnan(out), float(terms[key]), out)


def _statuses(t: Loaded, metric: str, start: pd.Series, stop: pd.Series, as_of, terms, pauses=None,
              due: pd.Series | None = None) -> tuple[pd.DataFrame, np.ndarray]:
    """sla.statuses_and_codes with each row's contract terms (core/contracts): one call per contract, not per row; the
    pauses (core/pauses) subtracted where that contract's `pause_metrics` names the metric."""
    key = METRICS[metric][3]
    codes = pauses.codes_of(t.df, t.table.name, ID[t.table.name]) if pauses is not None and len(pauses) else None

    def part(tm, pos):
        pick = (lambda x: x) if pos is None else (lambda x: x.iloc[pos])
        clock = None
        if codes is not None and metric in tm.get("pause_metrics", ()):
            c = codes if pos is None else codes[pos]
            clock = lambda a, b: pauses.elapsed_hours(None, a, b, tm, c)  # noqa: E731
        return sla.statuses_and_codes(pick(start), pick(stop), targets(t, key, tm, pos), as_of, tm, clock,
                                      None if due is None else pick(due))

    split = contracts.groups(t.df, terms)
    if not split:
        return part(terms, None)
    parts = [part(tm, pos) for tm, pos in split]
    code = np.full(len(start), -1, dtype=np.int8)
    for (_, pos), (_, c) in zip(split, parts):
        code[pos] = c
    return pd.concat([f for f, _ in parts]).reindex(start.index), code


class MetricRows:
    """Row-level statuses of one metric, for one as_of; any period is a filter on it."""

    def __init__(self, t: Loaded, metric: str, as_of: pd.Timestamp, terms, pauses=None):
        _, start, stop, key = METRICS[metric]
        self.metric, self.start_col = metric, start
        df = t.df
        self.when = df[start]
        usable = t.usable(start, stop) & df[start].notna()
        if metric == "initial_solution":
            population = df["complex"].fillna(False).astype(bool)
            # an unreadable 复杂问题 cell: neither in nor silently out; counted as excluded
            unknown = t.bad["complex"] & df["complex"].isna()
        else:
            population = pd.Series(True, index=df.index)
            unknown = pd.Series(False, index=df.index)
        self.population = population
        self.unknown_population = unknown
        self.usable = usable
        # rows whose start could not be read: no period can hold them, so every period counts them as left out
        self.bad_start = t.bad[start] & df[start].isna()
        self.unusable_start = self.bad_start & population
        stop_vals = df[stop].where(usable)
        start_vals = df[start].where(usable)
        due = None
        if DUE[metric] in df:   # a due cell that could not be read (or lies before the start): the target applies
            due = df[DUE[metric]].where(usable & ~t.bad[DUE[metric]])
        # self.code: each row's status as a code (sla.statuses_and_codes), kept equal to rows["status"]
        self.rows, self.code = _statuses(t, metric, start_vals, stop_vals, as_of, terms, pauses, due)
        # rows left out (unusable, or outside the population) have no status; most already have none (no
        # start, no status), so only the others are written (writing a text column costs a copy of it)
        out = ~(usable & population).to_numpy() & (self.code >= 0)
        if out.any():
            self.rows.loc[out, "status"] = None
            self.code[out] = -1
        # a column the table lacks: no status at all (never "breached" for want of a column)
        self.loaded = t
        self.missing = availability.missing(t, metric)
        if self.missing:
            self.rows["status"] = None
            self.code[:] = -1
            self.rows["at_risk"] = False
            self.rows["elapsed"] = np.nan
            self.rows["due_used"] = False

    @functools.cached_property
    def breached(self) -> pd.Series:
        """Rows whose status is Breached (bool, the table's index); computed once, the register asks often."""
        return pd.Series(self.code == 1, index=self.rows.index, name="status")

    @functools.cached_property
    def _target_all(self):
        """The target label of all rows: the same for every period, found once."""
        return _target_label(self.rows["target"])

    def unavailable(self, lang: str = "en") -> str | None:
        """Why this metric cannot be computed (a missing column), in `lang`; None when it can."""
        return availability.reason(self.loaded, self.metric, lang)

    def summary(self, period: Period, lang: str = "en", only: pd.Series | None = None) -> dict:
        """The metric's figures for `period`; `only` (a row mask, e.g. one contract's rows) narrows every count."""
        o = (lambda m: m) if only is None else (lambda m: m & only)
        inside = period.contains(self.when)            # (once: in_period and the exclusions both need it)
        excluded = int(o(inside & self.population & ~self.usable).sum()
                       + o(self.unusable_start).sum()
                       + o((inside | self.bad_start) & self.unknown_population).sum())
        out = sla.summarize(self.rows, o(inside & self.population & self.usable), excluded, self.code)
        out["target_hours"] = self._target_all if only is None else _target_label(self.rows["target"][only])
        out["unavailable"] = self.unavailable(lang)
        if out["unavailable"]:
            out.update({k: None for k in ("total", "met", "breached", "pending", "at_risk", "excluded")})
        return out

    def history(self, period: Period, months: int = 12) -> list[dict]:
        sel_when = self.when.where(self.population & self.usable)
        return sla.by_month(self.rows, sel_when, period.window(months), self.code)


def _target_label(target: pd.Series):
    vals = np.unique(np.round(target.dropna().to_numpy(dtype="float64"), 6))    # sorted, distinct
    return float(vals[0]) if len(vals) == 1 else None


def metric_rows(tables: dict, metric: str, as_of, terms, pauses=None) -> MetricRows:
    """`pauses`: a core.pauses.PauseSet (None or empty: no clock stops)."""
    return MetricRows(tables[METRICS[metric][0]], metric, as_of, terms, pauses)


def followup(tickets: Loaded, period: Period, terms, lang: str = "en") -> dict:
    """Of the tickets resolved in the period: share followed up, mean satisfaction of those rated."""
    df = tickets.df
    ok = tickets.usable("resolved_at", "followed_up_at")
    resolved = period.contains(df["resolved_at"]) & ok
    n = int(resolved.sum())
    fu = int((resolved & df["followed_up_at"].notna()).sum())
    sat_ok = resolved & df["satisfaction"].notna() & tickets.usable("satisfaction")
    rate = None if n == 0 else fu / n
    target = float(terms["followup_target"])
    why = availability.reason(tickets, "followup", lang)
    why_sat = availability.reason(tickets, "satisfaction", lang)
    if why:
        n = fu = rate = None
    return {
        "resolved": n,
        "followed_up": fu,
        "rate": rate,
        "target": target,
        "met_target": None if rate is None else rate >= target,
        "mean_satisfaction": None if why_sat or not sat_ok.any()
        else round(float(df.loc[sat_ok, "satisfaction"].mean()), 4),
        "rated": None if why_sat else int(sat_ok.sum()),
        "excluded": int((period.contains(df["resolved_at"]) & ~ok).sum()),
        "unavailable": why,
        "satisfaction_unavailable": why_sat,
    }


def warn_unknown_priority(tickets: Loaded, period: Period, terms, issues) -> None:
    """Tickets of the period whose priority word is unknown are judged against the general targets (a data
    issue each); say so on the dashboard, since a mistyped P1 would be judged against a longer promise."""
    df = tickets.df
    n = int((tickets.bad["priority"] & df["priority"].isna() & period.contains(df["opened_at"])).sum())
    if not n:
        return
    h, s = f"{float(terms['response_hours']):g}", f"{float(terms['complex_solution_hours']):g}"
    issues.warn("priority_unknown", "Tickets", "priority",
                f"服务工单在 {period.label} 有 {n} 张工单的优先级无法识别（见数据问题），按通用时限判定"
                f"（首次响应 {h} 小时、初步方案 {s} 小时）；如实为其他优先级，达标结果可能不同，请更正优先级",
                f"Tickets has {n} {'ticket' if n == 1 else 'tickets'} in {period.label} whose priority could not be "
                f"read (see the data issues); {'it is' if n == 1 else 'they are'} judged against the general targets "
                f"(first response {h} h, initial solution {s} h), which may differ from the real priority's: "
                f"correct the priority")
