"""Paused clocks (挂起): time a ticket or complaint spends waiting on the customer does not count.

The Pauses table (挂起记录: `ref_id`, `paused_from`, `paused_to`) lists the spans during which the SLA
clock of a ticket (ref_id = ticket_id) or a complaint (ref_id = complaint_id) stood still. For the metrics
named by the Terms key `pause_metrics` (default: initial solution and complaint final reply, not the first
response), the part of each measured span start→stop (and start→as_of, for pending rows) that lies inside
the record's pauses is subtracted, counted in the same time basis as the elapsed time (calendar hours, or
working time with business hours, the CN holiday calendar and make-up working days): so a pause over a
weekend subtracts nothing under business hours, and one over a make-up Saturday does.

Rules (docs/DEFINITIONS.md, "Paused clocks"):
- the pauses of one record are merged first: overlapping or touching pauses count once (a data issue
  names each pause that overlaps an earlier one);
- a pause without an end (blank 挂起结束) is still running: it counts up to as_of (one warning says how many);
  a pause ending after as_of counts up to as_of; a pause starting after as_of has not happened and is ignored;
- a pause whose end is before its start is a data issue and is not used; so is a pause whose ref_id is
  neither a ticket nor a complaint (a data issue per row and one warning: a mistyped id would leave a
  clock running).

Everything is vectorized: intervals are merged per record with a sort and a grouped running maximum, and
each measured span is paired with its record's pauses (one vectorized pass per k-th pause of a record,
not per row); the working time of every overlap comes from one cumulative working-time clock
(core/worktime.working_time): cum is monotone, so an overlap's working time is
max(0, min(cum stop, cum pause end) - max(cum start, cum pause start)), exact in int64. `pauses_from_status_history` turns a status-history export (one row per
status change) into the same intervals, for the column mapping of ticketing-system exports.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .terms import DEFAULT_TERMS, Terms, parse_terms
from .worktime import _PER_SECOND, CHUNK, _to_dt64, clock, clock_origin, working_time

__all__ = ["PauseSet", "merge", "from_tables", "pauses_from_status_history", "PAUSED"]

PAUSED = "paused"      # the canonical status value of a status-history export that stops the clock
_NAT = np.iinfo(np.int64).min


def _dt(x) -> np.ndarray:
    """A datetime64 array in unit s/ms/us/ns (text and None -> NaT), as elapsed_hours reads its inputs."""
    return _to_dt64(x)


def _as_terms(terms) -> Terms:
    if isinstance(terms, Terms):
        return terms
    return DEFAULT_TERMS if terms is None else parse_terms(terms)


def _bounds(*arrays) -> tuple[int, int] | None:
    """(lowest, highest) real moment of int64 arrays (NaT = the int64 minimum is left out); None if none."""
    lo, hi = [], []
    for x in arrays:
        if not x.size:
            continue
        m = x.min()
        if m == _NAT:
            x = x[x != _NAT]
            if not x.size:
                continue
            m = x.min()
        lo.append(int(m))
        hi.append(int(x.max()))
    return (min(lo), max(hi)) if lo else None


@dataclass(frozen=True)
class PauseSet:
    """Merged pause intervals, grouped per record id (each record's sorted by start).

    `ids`: the record ids that have pauses; for id k, its intervals are start/end[first[k]:first[k]+count[k]]."""
    ids: pd.Index
    first: np.ndarray
    count: np.ndarray
    start: np.ndarray
    end: np.ndarray
    _cum: dict = field(default_factory=dict, compare=False, repr=False)   # the pauses on one clock, per terms
    # table name -> (the DataFrame, its rows' codes): the id join done once, with the merge (from_tables)
    rows: dict = field(default_factory=dict, compare=False, repr=False)

    def __len__(self) -> int:
        return len(self.start)

    def codes_of(self, df: pd.DataFrame, table: str, column: str) -> np.ndarray:
        """`codes(df[column])`, taken from the join `from_tables` did together with the merge when `df` is the
        table it was given (no second hash of the ids)."""
        got = self.rows.get(table)
        if got is not None and got[0] is df:
            return got[1]
        return self.codes(df[column])

    @classmethod
    def empty(cls) -> "PauseSet":
        z = np.zeros(0, np.intp)
        return cls(pd.Index([], dtype=object), z, z, np.zeros(0, "M8[us]"), np.zeros(0, "M8[us]"))

    def codes(self, ref) -> np.ndarray:
        """Per row: the position of record `ref` among the ids with pauses (np.intp), -1 when it has none.

        A hash join of the ids (the slow part for many text ids): compute it once per table and pass it
        to `elapsed_hours` / `overlap_hours` for every span of that table."""
        ref = np.asarray(ref, dtype=object).ravel()
        if not len(self) or not len(ref):
            return np.full(len(ref), -1, dtype=np.intp)
        return self.ids.get_indexer(pd.Index(ref, dtype=object)).astype(np.intp, copy=False)

    def elapsed_hours(self, ref, a, b, terms=None, codes: np.ndarray | None = None) -> np.ndarray:
        """Paused-aware elapsed hours per row: `worktime.elapsed_hours(a, b, terms)` minus the part of a→b
        inside the pauses of record `ref`, both on one clock (exact in the inputs' unit). NaN where a or b
        is missing or b < a. `codes`: `self.codes(ref)` when already known (then `ref` is not read)."""
        return self._run(ref, a, b, terms, codes, elapsed=True)

    def overlap_hours(self, ref, a, b, terms=None, codes: np.ndarray | None = None) -> np.ndarray:
        """Per row: the hours of a→b that lie inside the pauses of record `ref`, in the Terms time basis
        (`terms` as for elapsed_hours). 0 where the record has no pause, a or b is missing, or b < a."""
        return self._run(ref, a, b, terms, codes, elapsed=False)

    def _run(self, ref, a, b, terms, codes, elapsed: bool) -> np.ndarray:
        """Elapsed minus paused (elapsed=True) or the paused part alone, per row, in blocks of CHUNK rows.

        cum is monotone, so the working time of [max(a, p0), min(b, p1)] is
        max(0, min(cum b, cum p1) - max(cum a, cum p0)): the pauses' cum is computed once per clock,
        and each (row, pause) pair costs a few comparisons, no calendar look-up."""
        tm = _as_terms(terms)
        av, bv = _dt(a).ravel(), _dt(b).ravel()
        unit = np.promote_types(av.dtype, bv.dtype)
        if len(self):
            unit = np.promote_types(unit, self.start.dtype)
        ai = av.astype(unit, copy=False).view(np.int64)
        bi = bv.astype(unit, copy=False).view(np.int64)
        ps = self.start.astype(unit, copy=False).view(np.int64)
        pe = self.end.astype(unit, copy=False).view(np.int64)
        per_s = _PER_SECOND[np.datetime_data(unit)[0]]
        n = len(ai)
        out = np.zeros(n)
        code = self.codes(ref) if codes is None else codes
        span = _bounds(ai, bi, ps, pe)
        if span is None:
            if elapsed:
                out[:] = np.nan
            return out
        clk = clock(tm, span[0], span[1], per_s)
        paused = bool(len(self))
        cps, cpe = self._pause_cum(tm, clk, unit, ps, pe, span, per_s) if paused else (ps, pe)
        m = min(CHUNK, n)
        ca, cb, ov, x = (np.empty(m, np.int64) for _ in range(4))
        idx, ok = np.empty(m, np.intp), np.empty(m, bool)
        for i in range(0, n, CHUNK):
            j = min(i + CHUNK, n)
            k = j - i
            a_, b_ = ai[i:j], bi[i:j]
            if clk is None:
                ca_, cb_ = a_, b_
            else:
                ca_, cb_ = ca[:k], cb[:k]
                clk.into(a_, ca_, idx[:k], x[:k])
                clk.into(b_, cb_, idx[:k], x[:k])
            ov_ = ov[:k]
            if paused:
                self._overlap(code[i:j], a_, b_, ca_, cb_, cps, cpe, ov_, ok[:k], x[:k], idx[:k])
            else:
                ov_[:] = 0
            if elapsed:
                np.subtract(cb_, ca_, out=x[:k])
                x[:k] -= ov_
                np.divide(x[:k], 3600 * per_s, out=out[i:j])
                bad = b_ < a_                     # (a missing b is the int64 minimum: < a)
                bad |= a_ == _NAT
                out[i:j][bad] = np.nan
            else:
                np.divide(ov_, 3600 * per_s, out=out[i:j])
        return out

    def _overlap(self, code, a, b, ca, cb, cps, cpe, ov, ok, x, pos) -> None:
        """ov = the paused part of each row's a→b in clock units (one block; all arrays of the block's length)."""
        np.greater_equal(code, 0, out=ok)
        ok &= a != _NAT
        ok &= b > a                                              # (a missing b is the int64 minimum)
        c = np.where(ok, code, 0)
        cnt = self.count.take(c)
        ok &= cnt > 0                                            # (a record without pauses)
        self.first.take(c, out=pos)
        np.minimum(pos, len(cps) - 1, out=pos)                  # (its `first` may be past the end: masked by ok)
        # the first pause of every row, dense over the block (most paused records have one)
        cps.take(pos, out=x)
        np.maximum(x, ca, out=x)
        cpe.take(pos, out=ov)
        np.minimum(ov, cb, out=ov)
        ov -= x
        np.maximum(ov, 0, out=ov)
        ov *= ok
        # the k-th pause (k >= 1) of the rows that have more than k: one pass per k, not per row
        rows = np.flatnonzero(ok & (cnt > 1)).astype(np.intp, copy=False)
        if not rows.size:
            return
        cnt, p, k = cnt.take(rows), pos.take(rows) + 1, 1
        while rows.size:
            lo = np.maximum(ca.take(rows), cps.take(p))
            hi = np.minimum(cb.take(rows), cpe.take(p))
            hi -= lo
            np.maximum(hi, 0, out=hi)
            ov[rows] += hi                                       # rows are distinct within one pass
            k += 1
            more = cnt > k
            rows, cnt, p = rows[more], cnt[more], p[more] + 1

    def _pause_cum(self, tm: Terms, clk, unit, ps, pe, span, per_s):
        """cum of every pause start and end on the clock `clk` (cached per terms, unit and clock origin)."""
        if clk is None:
            return ps, pe
        key = (hash(tm), str(unit), clock_origin(span[0], per_s))
        got = self._cum.get(key)
        if got is None or got[2] < span[1]:
            (cps, cpe), _ = working_time([ps.view(unit), pe.view(unit)], tm, bounds=span)
            got = self._cum[key] = (cps, cpe, span[1])
        return got[0], got[1]


def merge(ref, start, end) -> PauseSet:
    """Merge the intervals start→end of each record (overlapping or touching ones become one).

    Rows with a missing ref, start or end, or an end before the start, are left out (the caller reports them)."""
    ref = pd.Series(np.asarray(ref, dtype=object).ravel())
    s, e = _dt(start).ravel(), _dt(end).ravel()
    unit = np.promote_types(s.dtype, e.dtype)
    s, e = s.astype(unit), e.astype(unit)
    keep = ref.notna().to_numpy() & ~np.isnat(s) & ~np.isnat(e) & (e >= s)
    if not keep.any():
        return PauseSet.empty()
    codes, ids = pd.factorize(ref[keep].to_numpy())     # (ids in first-seen order: get_indexer needs no sort)
    ps, _ = merge_codes(codes, len(ids), s[keep], e[keep])
    return PauseSet(pd.Index(ids, dtype=object), ps.first, ps.count, ps.start, ps.end)


def _order(codes: np.ndarray, si: np.ndarray) -> np.ndarray:
    """The stable order by (code, start): one argsort of one int64 key code * span + start when it fits
    (start in the coarsest unit that keeps it exact: whole seconds, ms or us), else np.lexsort."""
    if not len(si):
        return np.zeros(0, np.intp)
    lo = int(si.min())
    t = si - lo
    for g in (10**9, 10**6, 10**3, 1):
        if g == 1 or not (t % g).any():
            if g > 1:
                t = t // g
            break
    span = int(t.max()) + 1
    if (int(codes.max()) + 1) * span < 2**62:
        key = codes.astype(np.int64) * span
        key += t
        return np.argsort(key, kind="stable")
    return np.lexsort((si, codes))


def merge_codes(codes: np.ndarray, n_ids: int, start: np.ndarray, end: np.ndarray) -> tuple[PauseSet, np.ndarray]:
    """(the merged pauses per record code 0..n_ids-1 (ids: a RangeIndex of the codes), and per input row:
    it begins before an earlier pause (by start) of the same record has ended). Inputs without gaps:
    int codes, datetime64 start/end of one unit with end >= start. One sort; a grouped running maximum
    of the ends (np.maximum.accumulate on the ends lifted by a per-record offset) finds the overlaps."""
    unit = start.dtype
    si, ei = start.view(np.int64), end.view(np.int64)
    n = len(si)
    order = _order(codes, si)
    c, ss, ee = codes[order], si[order], ei[order]
    head = np.ones(n, bool)
    head[1:] = c[1:] != c[:-1]
    # running max of the end within each record: lift every record above the previous record's values
    lo, hi = (int(ee.min()), int(ee.max())) if n else (0, 0)
    width = hi - lo + 1
    grp = np.cumsum(head, dtype=np.int64) - 1              # int64 also where np.intp is 32-bit (Pyodide)
    if n and int(grp[-1]) * width < 2**62:
        reach = np.maximum.accumulate((ee - lo) + grp * width) - grp * width + lo
    else:
        reach = pd.Series(ee).groupby(c).cummax().to_numpy()
    hit = np.zeros(n, bool)
    hit[1:] = ~head[1:] & (ss[1:] < reach[:-1])               # overlaps an earlier pause of the record
    new = head.copy()
    new[1:] |= ss[1:] > reach[:-1]                             # starts a merged pause (touching ones join)
    heads = np.flatnonzero(new)
    m_code = c[heads]
    m_start = ss[heads].view(unit)
    m_end = np.maximum.reduceat(ee, heads).view(unit) if n else ee.view(unit)
    count = np.bincount(m_code.astype(np.intp), minlength=n_ids).astype(np.intp)   # codes < n_ids fit intp
    first = (np.cumsum(count) - count).astype(np.intp)
    over = np.zeros(n, bool)
    over[order] = hit
    return PauseSet(pd.RangeIndex(n_ids), first, count, m_start, m_end), over


def from_tables(tables: dict, as_of: pd.Timestamp, issues=None) -> PauseSet:
    """The pauses of the workbook at as_of, merged; problems reported to `issues` (data issues, warnings).

    The ids are joined once: one factorize of the ticket ids, the complaint ids and the pause ids together
    gives every record and every pause an integer code (a pause whose code no record has is unknown); the
    pauses are merged on those codes, and the tickets' and complaints' row codes are kept in the PauseSet
    (`codes_of`), so the KPIs do not hash the ids again."""
    p = tables.get("Pauses")
    if p is None or not len(p.df):
        return PauseSet.empty()
    df = p.df
    usable = (p.usable("ref_id", "paused_from", "paused_to") & df["ref_id"].notna()
              & df["paused_from"].notna()).to_numpy()
    started = (df["paused_from"] <= as_of).fillna(False).to_numpy()   # a pause after as_of has not begun
    owners = [(n, tables[n].df, col) for n, col in (("Tickets", "ticket_id"), ("Complaints", "complaint_id"))
              if n in tables and col in tables[n].df]
    parts = [_values(d[col]) for _, d, col in owners]
    sizes = [len(x) for x in parts]
    codes, uniq = pd.factorize(np.concatenate(parts + [_values(df["ref_id"])]), use_na_sentinel=True)
    rec, pcode = codes[:sum(sizes)], codes[sum(sizes):]
    n_rec = int(rec.max()) + 1 if (rec >= 0).any() else 0
    known = (pcode >= 0) & (pcode < n_rec)       # (records come first: their codes are 0..n_rec-1)
    unknown = usable & started & ~known
    use = usable & started & known
    is_open = use & df["paused_to"].isna().to_numpy()
    end = df["paused_to"].where(df["paused_to"].notna() & (df["paused_to"] <= as_of), as_of)
    s, e = _dt(df["paused_from"][use]).ravel(), _dt(end[use]).ravel()
    unit = np.promote_types(s.dtype, e.dtype)
    s, e = s.astype(unit), e.astype(unit)
    good = e >= s                                  # (an end before the start is a data issue of the checks)
    rows_used = np.flatnonzero(use)[good]
    ps, over = merge_codes(pcode[rows_used].astype(np.intp), n_rec, s[good], e[good])
    ps = PauseSet(pd.Index(uniq[:n_rec], dtype=object), ps.first, ps.count, ps.start, ps.end)
    at = np.cumsum([0] + sizes)
    for (name, d, _), i, j in zip(owners, at[:-1], at[1:]):
        ps.rows[name] = (d, codes[i:j].astype(np.intp, copy=False))
    if issues is not None:
        overlapping = np.zeros(len(df), bool)
        overlapping[rows_used] = over
        _report(p, df, unknown, overlapping, is_open, as_of, issues)
    return ps


def _values(col: pd.Series) -> np.ndarray:
    """An id column as an object array for the join (missing ids as None: no code)."""
    return col.to_numpy(dtype=object, na_value=None)


def _report(p, df, unknown, over, is_open, as_of, issues) -> None:
    head_ref = p.header("ref_id")
    if unknown.any():
        for r, v in zip(df.loc[unknown, "_row"], df.loc[unknown, "ref_id"]):
            issues.add("Pauses", r, head_ref, (f"“{v}”既不是工单编号也不是投诉编号；该挂起未使用",
                                               f"'{v}' is neither a ticket nor a complaint id; the pause is not used"))
        n = int(unknown.sum())
        issues.warn("pause_unknown_ref", "Pauses", "ref_id",
                    f"挂起记录中有 {n} 条的{head_ref}在服务工单和客户投诉中都找不到（见数据问题），这些挂起未扣除；"
                    f"如编号写错，相关时限可能被误判为超时：请更正编号",
                    f"Pauses has {n} {'row' if n == 1 else 'rows'} whose {head_ref} matches no ticket or complaint "
                    f"(see the data issues); {'it is' if n == 1 else 'they are'} not subtracted, so if an id is "
                    f"mistyped a target may be judged breached wrongly: correct the id")
    for r, v in zip(df.loc[over, "_row"], df.loc[over, "ref_id"]):
        issues.add("Pauses", r, p.header("paused_from"),
                   (f"与“{v}”之前的一次挂起重叠；重叠的时间只计一次",
                    f"overlaps an earlier pause of '{v}'; the time they share is counted once"))
    if is_open.any():
        n = int(is_open.sum())
        when = as_of.isoformat(sep=" ", timespec="minutes")
        issues.warn("pause_open", "Pauses", "paused_to",
                    f"挂起记录中有 {n} 条没有{p.header('paused_to')}，视为仍在挂起，计到截止时间 {when}；"
                    f"如挂起已结束，请补填结束时间，否则相关工单/投诉的计时一直停止",
                    f"Pauses has {n} {'pause' if n == 1 else 'pauses'} without {p.header('paused_to')}: "
                    f"counted as still paused up to as_of {when}; if {'it has' if n == 1 else 'they have'} ended, "
                    f"fill in the end, or the clock of those records stays stopped")


def pauses_from_status_history(history: pd.DataFrame, *, ref: str = "ref_id", at: str = "changed_at",
                               status: str = "status") -> pd.DataFrame:
    """Pause intervals from a status-history export: one row per status change (record id, time of the
    change, the new status, already mapped to canonical values). A record is paused from each change to
    `paused` until its next change to anything else; consecutive `paused` rows make one pause; a record
    still paused at its last change gives an open pause (paused_to blank, counted up to as_of).
    Returns a DataFrame with the Pauses table's columns ref_id, paused_from, paused_to."""
    h = history[[ref, at, status]].copy()
    h[at] = pd.to_datetime(h[at], errors="coerce")
    h = h[h[ref].notna() & h[at].notna()].sort_values([ref, at], kind="stable")
    r = h[ref].to_numpy(dtype=object)
    t = h[at].to_numpy()
    paused = (h[status].astype(str).str.strip().str.casefold() == PAUSED).to_numpy()
    n = len(h)
    prev_paused = np.zeros(n, bool)
    prev_paused[1:] = paused[:-1] & (r[1:] == r[:-1])
    head = paused & ~prev_paused                  # a pause begins here
    # its end: the first later row that is not `paused`, if that row is still the same record's
    idx = np.arange(n)
    next_leave = np.minimum.accumulate(np.where(~paused, idx, n)[::-1])[::-1] if n else idx
    end_i = next_leave                            # for a paused row: the first non-paused row after it
    closed = end_i <= _last_of_group(r)
    to = np.where(closed, t[np.clip(end_i, 0, max(n - 1, 0))], np.datetime64("NaT"))
    return pd.DataFrame({"ref_id": r[head], "paused_from": t[head], "paused_to": to[head]})


def _last_of_group(r: np.ndarray) -> np.ndarray:
    """Per row of rows sorted by record: the position of the record's last row."""
    n = len(r)
    if not n:
        return np.zeros(0, np.intp)
    last = np.ones(n, bool)
    last[:-1] = r[1:] != r[:-1]
    pos = np.where(last, np.arange(n), n)
    return np.minimum.accumulate(pos[::-1])[::-1]
