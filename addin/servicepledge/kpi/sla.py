"""SLA status and compliance (docs/DEFINITIONS.md §4): response, initial solution, complaint accept/progress/final.

Statuses are computed once for every row (for one as_of), then any period is a filter on them.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from ..core.worktime import elapsed_hours

MET, BREACHED, PENDING = "Met", "Breached", "Pending"
AT_RISK_SHARE = 0.75


def statuses(start: pd.Series, stop: pd.Series, target, as_of: pd.Timestamp, terms,
             paused=None, due: pd.Series | None = None) -> pd.DataFrame:
    """Per row: elapsed hours (start->stop), hours so far (start->as_of), target, status, at_risk, due_used.

    Rows without a start get no status (NaN elapsed, status None).
    `paused`: None, or a function (start, stop) -> paused-aware elapsed hours (core/pauses), used instead
    of elapsed_hours for the elapsed hours and the hours so far. `due`: None, or the source system's due time per row (NaT =
    none); where present it replaces the target: Met when stop <= due, Breached when stop > due or, with no
    stop, as_of > due; at risk when pending and 75% of the time from start to due has passed. The pauses are
    not subtracted on those rows (a ticketing system's due time already moves with its own pauses).
    """
    as_of_s = pd.Series(as_of, index=start.index).astype(start.dtype)
    clock = paused if paused is not None else (lambda a, b: elapsed_hours(a, b, terms))
    done = clock(start, stop)
    now = clock(start, as_of_s)
    target = np.broadcast_to(np.asarray(target, dtype="float64"), done.shape)
    has_stop = stop.notna().to_numpy()
    has_start = start.notna().to_numpy()
    status = np.full(done.shape, None, dtype=object)
    status[has_start] = PENDING
    status[has_start & has_stop & (done <= target)] = MET
    status[has_start & has_stop & (done > target)] = BREACHED
    status[has_start & ~has_stop & (now > target)] = BREACHED
    at_risk = (status == PENDING) & (now >= AT_RISK_SHARE * target)
    used = np.zeros(done.shape, bool)
    if due is not None:
        d = due.to_numpy(dtype="datetime64[us]")
        used = has_start & ~np.isnat(d)
        if used.any():
            raw_done = elapsed_hours(start, stop, terms)
            raw_now = elapsed_hours(start, as_of_s, terms)
            window = elapsed_hours(start, due, terms)
            b, asof = stop.to_numpy(dtype="datetime64[us]"), np.datetime64(pd.Timestamp(as_of).to_datetime64(), "us")
            st = np.where(has_stop, np.where(b <= d, MET, BREACHED), np.where(asof > d, BREACHED, PENDING))
            status = np.where(used, st, status)
            done = np.where(used, raw_done, done)
            now = np.where(used, raw_now, now)
            at_risk = np.where(used, (st == PENDING) & (raw_now >= AT_RISK_SHARE * window), at_risk)
    return pd.DataFrame({"elapsed": done, "so_far": now, "target": target, "status": status,
                         "at_risk": at_risk, "due_used": used}, index=start.index)


def compliance(met: int, breached: int):
    """Met / (Met + Breached); None (blank) when nothing is decided yet."""
    n = met + breached
    return None if n == 0 else met / n


def summarize(st: pd.DataFrame, rows: pd.Series, excluded: int = 0) -> dict:
    """The spec's figures for the rows selected by the boolean mask `rows`."""
    s = st.loc[rows.to_numpy()] if len(st) else st
    counts = s["status"].value_counts()
    met, br, pe = (int(counts.get(k, 0)) for k in (MET, BREACHED, PENDING))
    el = s["elapsed"].to_numpy(dtype="float64")
    el = el[~np.isnan(el)]
    return {
        "total": met + br + pe,
        "met": met,
        "breached": br,
        "pending": pe,
        "compliance": compliance(met, br),
        "median_hours": None if el.size == 0 else round(float(np.median(el)), 4),
        "p90_hours": None if el.size == 0 else round(float(np.percentile(el, 90)), 4),
        "at_risk": int(s["at_risk"].sum()),
        "excluded": int(excluded),
    }


def by_month(st: pd.DataFrame, when: pd.Series, months) -> list[dict]:
    """Compliance figures per month (for the 12-month charts), rows chosen by `when` in each month.

    One grouped pass over the rows (each row's month found by searchsorted over the month starts,
    statuses counted with bincount), not one pass per month."""
    n = len(months)
    edges = np.array([p.start for p in months] + [months[-1].end], dtype="datetime64[us]") if n else None
    counts = np.zeros((n, 3), dtype="int64")
    if n and len(st):
        w = when.to_numpy(dtype="datetime64[us]")
        status = st["status"]                 # compared as stored (Arrow text: no conversion to objects)
        code = np.select([(status == k).to_numpy(dtype=bool, na_value=False) for k in (MET, BREACHED, PENDING)],
                         [0, 1, 2], -1)
        ok = ~np.isnat(w) & (code >= 0) & (w >= edges[0]) & (w < edges[-1])
        month = np.searchsorted(edges, w[ok], side="right") - 1
        counts = np.bincount(month * 3 + code[ok], minlength=n * 3).reshape(n, 3)
    out = []
    for p, (met, br, pe) in zip(months, counts.tolist()):
        out.append({"period": p.label, "total": met + br + pe, "met": met, "breached": br, "pending": pe,
                    "compliance": compliance(met, br)})
    return out
