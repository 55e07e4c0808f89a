"""The tables as they stood at `as_of`: what was recorded later has not happened yet.

A report describes one moment, `as_of`. So that re-running October's closing in December gives
October's figures again, every KPI reads the tables through `clip` (called once, at the top of
`report.compute`, and by the SP_ functions that compute a KPI directly):

- a record whose start lies after `as_of` does not exist yet: tickets opened, complaints received,
  staff hired, fund entries dated and notices dated after `as_of` are left out;
- an event recorded after `as_of` has not happened yet: a first response, initial solution,
  resolution, follow-up, complaint acceptance / progress / final reply, remedy, separation, training
  or finance approval dated after `as_of` is blank, so the row is judged as it stood at `as_of`
  (Pending, or Breached once the promised time had run out by `as_of`; open or overdue; employed;
  not approved);
- what is recorded together with an event goes with it: the satisfaction score is taken at the
  follow-up and the quality verdict at the resolution, so they are blank when that event is;
  an entry marked approved whose approval date is after `as_of` is not approved yet (one marked
  approved without an approval date stays approved: there is no date to say otherwise).

Date-only columns (hired on, left on, entry date, approved on, notice date, remedied on) compare
with `as_of`'s date: at 2026-10-31 18:00 a remedy dated 2026-10-31 counts, one dated 2026-11-01
does not. `left_on` is the last day employed, so a separation dated on `as_of`'s day has happened.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace

import pandas as pd

from ..inputs.tables import Issues, Loaded

# table -> the column whose value after as_of means the row does not exist yet
STARTS = {"Tickets": "opened_at", "Complaints": "received_at", "Staff": "hired_on",
          "FundLedger": "date", "Notices": "notice_date"}
# table -> event columns blanked when after as_of
EVENTS = {
    "Tickets": ("first_response_at", "initial_solution_at", "resolved_at", "followed_up_at"),
    "Complaints": ("accepted_at", "progress_at", "final_reply_at"),
    "Staff": ("left_on", "trained_on"),
    "FundLedger": ("approved_on",),
    "Notices": ("remedied_on",),
}
# table -> (column recorded with an event, the event column): blank together with that event
WITH_EVENT = {"Tickets": (("satisfaction", "followed_up_at"), ("quality_ok", "resolved_at"))}


@dataclass
class Clipped:
    """The tables at as_of, and what was set aside: {table: {"rows": n, column: n, ...}} (only non-zero)."""
    tables: dict
    as_of: pd.Timestamp
    counts: dict = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(sum(c.values()) for c in self.counts.values())

    def warn(self, issues: Issues) -> None:
        """One warning per table that had anything after as_of, naming the columns as the user wrote them."""
        when = self.as_of.isoformat(sep=" ", timespec="minutes")
        for name, c in self.counts.items():
            t = self.tables[name]
            zh, en = [], []
            if c.get("rows"):
                start = t.header(STARTS[name])
                zh.append(f"{start}在其后的 {c['rows']} 行未计入")
                en.append(f"{c['rows']} {_n(c['rows'], 'row', 'rows')} with a later {start} not counted")
            cols = [k for k in c if k not in ("rows", "approved")]
            if cols:
                zh.append("、".join(f"{t.header(k)} {c[k]} 项" for k in cols) + "视为空白")
                en.append(", ".join(f"{c[k]} {t.header(k)}" for k in cols) + " treated as blank")
            if c.get("approved"):
                zh.append(f"审核日期在其后的 {c['approved']} 笔支出按未审核计")
                en.append(f"{c['approved']} {_n(c['approved'], 'entry', 'entries')} approved later counted as "
                          "not approved")
            issues.warn("after_as_of", name, None,
                        f"{t.table.zh}：截至时间 {when} 之后的事项当时尚未发生——" + "；".join(zh)
                        + "。",
                        f"{name}: judged as it stood at as_of {when}, later events have not happened yet — "
                        + "; ".join(en) + ".")


def _n(k: int, one: str, many: str) -> str:
    return one if k == 1 else many


def later(values: pd.Series, as_of: pd.Timestamp, date_only: bool) -> pd.Series:
    """True where a value lies after as_of (date-only values: after as_of's date). Blank is never later."""
    if date_only:
        return (values.dt.normalize() > as_of.normalize()).fillna(False).astype(bool)
    return (values > as_of).fillna(False).astype(bool)


def _date_only(t: Loaded, col: str) -> bool:
    return t.table.column(col).kind == "date"


def clip(tables: dict, as_of: pd.Timestamp) -> Clipped:
    """The tables as they stood at as_of (see the module text). Tables not listed above pass unchanged;
    the input tables are never modified."""
    out, counts = dict(tables), {}
    for name, start in STARTS.items():
        t = tables.get(name)
        if t is None or not len(t.df):
            continue
        c = {}
        df, bad = t.df, t.bad
        future = later(df[start], as_of, _date_only(t, start))
        if future.any():
            c["rows"] = int(future.sum())
            df, bad = df.loc[~future].reset_index(drop=True), bad.loc[~future].reset_index(drop=True)
        shallow = False
        for col in EVENTS[name]:
            after = later(df[col], as_of, _date_only(t, col))
            if not after.any():
                continue
            if not c:                # the first change to the caller's frame: work on a copy of it, a shallow
                df, shallow = df.copy(deep=False), True   # one: only the columns written are copied (below)
            if shallow:
                for w in (col, *(dep for dep, event in WITH_EVENT.get(name, ()) if event == col),
                          *(("approved",) if name == "FundLedger" and col == "approved_on" else ())):
                    df[w] = df[w].copy()
            c[col] = int(after.sum())
            if name == "FundLedger" and col == "approved_on":
                was = (df["approved"] == True).fillna(False).astype(bool)  # noqa: E712 (nullable)
                if (after & was).any():
                    c["approved"] = int((after & was).sum())
                df.loc[after & was, "approved"] = False
            for dep, event in WITH_EVENT.get(name, ()):
                if event == col:
                    df.loc[after, dep] = None
            df.loc[after, col] = pd.NaT
        if c:                        # (nothing after as_of: the table itself, not a copy of it)
            counts[name] = c
            out[name] = replace(t, df=df, bad=bad)
    return Clipped(out, as_of, counts)


def signature(tables: dict, as_of: pd.Timestamp) -> bytes:
    """What `clip` would set aside at as_of, as a digest: two moments with the same signature give the same
    clipped tables (the same rows left out, the same cells blanked). Lets a figure that depends on as_of only
    through `clip` (turnover, the fund) be reused when as_of is "now" and nothing happened in between."""
    import hashlib

    import numpy as np
    h = hashlib.blake2b(digest_size=16)
    for name, start in STARTS.items():
        t = tables.get(name)
        if t is None or not len(t.df):
            continue
        h.update(f"{name}:{len(t.df)};".encode())
        for col in (start, *EVENTS[name]):
            h.update(np.packbits(later(t.df[col], as_of, _date_only(t, col)).to_numpy(dtype=bool)).tobytes())
    return h.digest()


def warn_period_open(period, as_of: pd.Timestamp, issues: Issues) -> None:
    """A period whose last day comes after as_of's day is not over: its figures are those of its days up to
    as_of (a quarter reported on 10-31 holds October only), and the turnover's average headcount counts the
    later days with the staff known at as_of. Said once, so a partial period is never read as a whole one."""
    if as_of.normalize() >= period.last_day:
        return
    when = as_of.isoformat(sep=" ", timespec="minutes")
    issues.warn("period_open", None, None,
                f"{period.label_zh}在截至时间 {when} 尚未结束：本期数字只包含 {period.start:%Y-%m-%d} 至该时刻的记录，"
                f"之后的日子按截至时的人员计算平均人数；期间结束后请重新生成",
                f"{period.label} has not ended at as_of {when}: its figures hold only what happened from "
                f"{period.start:%Y-%m-%d} up to then, and later days count the staff known at as_of in the average "
                f"headcount; build it again once the period is over")
