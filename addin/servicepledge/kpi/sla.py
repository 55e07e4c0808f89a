"""SLA status and compliance (docs/DEFINITIONS.md §4): response, initial solution, complaint accept/progress/final.

Statuses are computed once for every row (for one as_of), then any period is a filter on them.
"""
from __future__ import annotations

import functools

import numpy as np
import pandas as pd

from ..core.worktime import elapsed_hours

MET, BREACHED, PENDING = "Met", "Breached", "Pending"
AT_RISK_SHARE = 0.75
# status codes (statuses_and_codes): 0 Met, 1 Breached, 2 Pending, -1 no status; _LABELS[code] is the status
_LABELS = np.array([MET, BREACHED, PENDING, None], dtype=object)


def statuses(start: pd.Series, stop: pd.Series, target, as_of: pd.Timestamp, terms,
             paused=None, due: pd.Series | None = None) -> pd.DataFrame:
    """statuses_and_codes without the codes."""
    return statuses_and_codes(start, stop, target, as_of, terms, paused, due)[0]


def statuses_and_codes(start: pd.Series, stop: pd.Series, target, as_of: pd.Timestamp, terms,
                       paused=None, due: pd.Series | None = None) -> tuple[pd.DataFrame, np.ndarray]:
    """Per row: elapsed hours (start->stop), hours so far (start->as_of), target, status, at_risk, due_used.

    Rows without a start get no status (NaN elapsed, status None).
    `paused`: None, or a function (start, stop) -> paused-aware elapsed hours (core/pauses), used instead
    of elapsed_hours for the elapsed hours and the hours so far. `due`: None, or the source system's due time per row (NaT =
    none); where present it replaces the target: Met when stop <= due, Breached when stop > due or, with no
    stop, as_of > due; at risk when pending and 75% of the time from start to due has passed. The pauses are
    not subtracted on those rows (a ticketing system's due time already moves with its own pauses).
    Also returns each row's status as a code (int8: 0 Met, 1 Breached, 2 Pending, -1 none), which counting
    and the monthly history read instead of comparing the text column again.
    """
    as_of_s = pd.Series(as_of, index=start.index).astype(start.dtype)
    clock = paused if paused is not None else (lambda a, b: elapsed_hours(a, b, terms))
    done = clock(start, stop)
    now = clock(start, as_of_s)
    target = np.broadcast_to(np.asarray(target, dtype="float64"), done.shape)
    has_stop = stop.notna().to_numpy()
    has_start = start.notna().to_numpy()
    code = np.full(done.shape, -1, dtype=np.int8)
    code[has_start] = 2
    code[has_start & has_stop & (done <= target)] = 0
    code[has_start & has_stop & (done > target)] = 1
    code[has_start & ~has_stop & (now > target)] = 1
    at_risk = (code == 2) & (now >= AT_RISK_SHARE * target)
    used = np.zeros(done.shape, bool)
    if due is not None:
        d = due.to_numpy(dtype="datetime64[us]")
        used = has_start & ~np.isnat(d)
        if used.any():
            raw_done = elapsed_hours(start, stop, terms)
            raw_now = elapsed_hours(start, as_of_s, terms)
            window = elapsed_hours(start, due, terms)
            b, asof = stop.to_numpy(dtype="datetime64[us]"), np.datetime64(pd.Timestamp(as_of).to_datetime64(), "us")
            st = np.where(has_stop, np.where(b <= d, 0, 1), np.where(asof > d, 1, 2)).astype(np.int8)
            code = np.where(used, st, code)
            done = np.where(used, raw_done, done)
            now = np.where(used, raw_now, now)
            at_risk = np.where(used, (st == 2) & (raw_now >= AT_RISK_SHARE * window), at_risk)
    return pd.DataFrame({"elapsed": done, "so_far": now, "target": target, "status": _status_column(code),
                         "at_risk": at_risk, "due_used": used}, index=start.index), code


@functools.cache
def _text_dtype():
    """The dtype pandas gives a frame's column of status texts (found once)."""
    return pd.DataFrame({"s": _LABELS[:1].copy()})["s"].dtype


def _status_column(code: np.ndarray):
    """_LABELS[code] as pandas stores it in a frame's column. Where pandas keeps text in Arrow (pandas 3 with
    pyarrow), built from the codes through an Arrow dictionary: the same column, without converting a
    million Python strings one by one. Elsewhere (pandas 2, Pyodide), no statuses at all (pandas keeps those
    as objects) or no pyarrow: the object array itself, as before."""
    text = _text_dtype()
    if not len(code) or getattr(text, "storage", None) != "pyarrow" or not (code >= 0).any():
        return _LABELS[code]
    try:
        import pyarrow as pa
    except ImportError:                                  # pragma: no cover (storage "pyarrow" implies it)
        return _LABELS[code]
    words = pa.array([MET, BREACHED, PENDING], type=pa.large_string())
    ind = pa.array(code.astype(np.int8, copy=False), mask=code < 0)
    return pd.array(pa.DictionaryArray.from_arrays(ind, words).cast(pa.large_string()), dtype=text)


def compliance(met: int, breached: int):
    """Met / (Met + Breached); None (blank) when nothing is decided yet."""
    n = met + breached
    return None if n == 0 else met / n


def summarize(st: pd.DataFrame, rows: pd.Series, excluded: int, code: np.ndarray) -> dict:
    """The spec's figures for the rows selected by the boolean mask `rows`. `code`: the rows' status codes
    (statuses_and_codes; MetricRows keeps them), counted directly, without comparing the text column."""
    m = rows.to_numpy(dtype=bool)
    _, met, br, pe = np.bincount(code[m].astype(np.intp) + 1, minlength=4).tolist()   # (intp: wasm32)
    el = st["elapsed"].to_numpy(dtype="float64")[m]
    at_risk = st["at_risk"].to_numpy(dtype=bool)[m]
    el = el[~np.isnan(el)]
    return {
        "total": met + br + pe,
        "met": met,
        "breached": br,
        "pending": pe,
        "compliance": compliance(met, br),
        "median_hours": None if el.size == 0 else round(float(np.median(el)), 4),
        "p90_hours": None if el.size == 0 else round(float(np.percentile(el, 90)), 4),
        "at_risk": int(at_risk.sum()),
        "excluded": int(excluded),
    }


def by_month(st: pd.DataFrame, when: pd.Series, months, code: np.ndarray | None = None) -> list[dict]:
    """Compliance figures per month (for the 12-month charts), rows chosen by `when` in each month.

    One grouped pass over the rows (each row's month found by searchsorted over the month starts,
    statuses counted with bincount), not one pass per month. `code`: the status codes, when known."""
    n = len(months)
    edges = np.array([p.start for p in months] + [months[-1].end], dtype="datetime64[us]") if n else None
    counts = np.zeros((n, 3), dtype="int64")
    if n and len(st):
        w = when.to_numpy(dtype="datetime64[us]")
        if code is None:
            status = st["status"]             # compared as stored (Arrow text: no conversion to objects)
            code = np.select([(status == k).to_numpy(dtype=bool, na_value=False) for k in (MET, BREACHED, PENDING)],
                             [0, 1, 2], -1)
        code = np.asarray(code, dtype=np.intp)   # (np.intp: bincount takes it on 32-bit Pyodide too)
        ok = ~np.isnat(w) & (code >= 0) & (w >= edges[0]) & (w < edges[-1])
        month = np.searchsorted(edges, w[ok], side="right") - 1
        counts = np.bincount(month * 3 + code[ok], minlength=n * 3).reshape(n, 3)
    out = []
    for p, (met, br, pe) in zip(months, counts.tolist()):
        out.append({"period": p.label, "total": met + br + pe, "met": met, "breached": br, "pending": pe,
                    "compliance": compliance(met, br)})
    return out
