"""Working time (工作时间): elapsed hours, working days and day-count deadlines (docs/DEFINITIONS.md §3; README "Python API").

Everything is vectorized around a *day table*: one entry per calendar day covering the whole
years the inputs touch, saying whether the day is a working day. A timestamp `t` becomes a
cumulative count of working time since the table's first day:

    cum(t) = prefix[day(t)] + working time of day(t) elapsed by t's time of day

and business elapsed time is `cum(end) - cum(start)`, all in int64 in the input's own unit
(s, ms, us or ns), so results are exact. A day is a working day when its weekday is in
`workdays`; with `holidays = CN` China's official holidays are removed and its make-up working
days (调休) added; finally the Holidays table (`Terms.overrides`) forces single days either way.
Years the CN calendar does not cover fall back to the weekday rule (see `uncovered_years`).
"""
from __future__ import annotations

import datetime as dt

import functools
from collections.abc import Mapping

import numpy as np
import pandas as pd
from chinese_calendar import constants as _cn

from .terms import DEFAULT_TERMS, Terms, parse_terms

__all__ = ["elapsed_hours", "working_time", "is_working_day", "add_days", "uncovered_years", "calendar_coverage"]

_NAT = np.iinfo(np.int64).min          # NaT as int64: smaller than every real timestamp
_PER_SECOND = {"s": 1, "ms": 10**3, "us": 10**6, "ns": 10**9}
_EPOCH_WEEKDAY = 3                     # 1970-01-01 was a Thursday (Mon = 0)
_NUMERIC = {"integer", "floating", "mixed-integer-float", "decimal", "mixed-integer", "boolean"}


# ---------------------------------------------------------------- inputs
def _terms(terms) -> Terms:
    """None -> defaults; a Terms as is; any other mapping parsed like the Terms table."""
    if terms is None:
        return DEFAULT_TERMS
    if isinstance(terms, Terms):
        return terms
    if isinstance(terms, Mapping):
        return parse_terms(terms)
    raise TypeError(f"terms must be a mapping of Terms keys, not {type(terms).__name__}")


def _to_dt64(x) -> np.ndarray:
    """At least 1-D datetime64 array in unit s/ms/us/ns. None, NaT and unparseable text -> NaT.

    Numbers are refused (an Excel serial is not a timestamp until the caller converts it)."""
    if isinstance(x, (pd.Series, pd.Index)) and isinstance(x.dtype, pd.DatetimeTZDtype):
        x = x.dt.tz_localize(None) if isinstance(x, pd.Series) else x.tz_localize(None)
    if isinstance(x, (pd.Series, pd.Index)) and x.dtype.kind == "M":
        arr = x.to_numpy()
    elif isinstance(x, np.ndarray) and x.dtype.kind == "M":
        arr = x
    else:
        obj = np.asarray(x if np.ndim(x) else [x], dtype=object)
        if obj.size and pd.api.types.infer_dtype(obj.ravel(), skipna=True) in _NUMERIC:
            raise TypeError("elapsed/working-day functions take datetimes, not numbers "
                            "(convert Excel serial numbers to datetimes first)")
        conv = pd.to_datetime(obj.ravel(), errors="coerce", format="mixed")
        if getattr(conv, "tz", None) is not None:
            conv = conv.tz_localize(None)
        arr = conv.to_numpy().reshape(obj.shape)
    unit = np.datetime_data(arr.dtype)[0]
    if unit not in _PER_SECOND:        # D, h, m, generic -> s ; ps, fs, as -> ns
        arr = arr.astype("M8[ns]" if unit in ("ps", "fs", "as") else "M8[s]")
    return np.atleast_1d(arr)


def _pair(start, end) -> tuple[np.ndarray, np.ndarray, int]:
    """start and end as broadcast int64 arrays in their common (finer) unit, and units per second."""
    s, e = _to_dt64(start), _to_dt64(end)
    common = np.promote_types(s.dtype, e.dtype)
    s, e = np.broadcast_arrays(s.astype(common, copy=False), e.astype(common, copy=False))
    return s.view(np.int64), e.view(np.int64), _PER_SECOND[np.datetime_data(common)[0]]


def _years(days) -> np.ndarray:
    """Calendar year of int day numbers (days since 1970-01-01)."""
    return np.asarray(days, dtype="M8[D]").astype("M8[Y]").astype(np.int64) + 1970


def _year_start(year: int) -> int:
    """Day number of 1 January of `year`."""
    return int(np.array([year - 1970], dtype="M8[Y]").astype("M8[D]").astype(np.int64)[0])


# ---------------------------------------------------------------- the day table
@functools.lru_cache(maxsize=1)
def _cn_days() -> tuple[np.ndarray, np.ndarray]:
    """China's official holidays and make-up working days as sorted int day numbers."""
    def days(keys):
        return np.sort(np.array(sorted(keys), dtype="M8[D]").astype(np.int64))
    return days(_cn.holidays), days(_cn.workdays)


def calendar_coverage() -> tuple[int, int]:
    """(first_year, last_year) covered by the installed chinese_calendar data."""
    return min(_cn.holidays).year, max(_cn.holidays).year


def _rule_key(terms: Terms) -> tuple:
    """The parts of Terms that decide whether a day is a working day (hashable, for caching)."""
    return (tuple(terms["workdays"]), terms["holidays"], tuple(sorted(terms.overrides.items())))


@functools.lru_cache(maxsize=64)
def _day_table(rule: tuple, y0: int, y1: int) -> tuple[int, np.ndarray]:
    """(first day number, bool array: is each day of the years y0..y1 a working day)."""
    workdays, holidays, overrides = rule
    d0, d1 = _year_start(y0), _year_start(y1 + 1)
    days = np.arange(d0, d1, dtype=np.int64)
    working = np.isin((days + _EPOCH_WEEKDAY) % 7, workdays)
    if holidays == "CN":               # covered years only; others keep the weekday rule
        for cn, value in zip(_cn_days(), (False, True)):
            working[cn[(cn >= d0) & (cn < d1)] - d0] = value
    for day, value in overrides:
        n = (np.datetime64(day, "D").astype(np.int64)) - d0
        if 0 <= n < len(working):
            working[n] = bool(value)
    working.setflags(write=False)
    return d0, working


def _table_for(terms: Terms, lo_day: int, hi_day: int) -> tuple[int, np.ndarray]:
    """Day table of whole years covering day numbers lo_day..hi_day."""
    y0, y1 = (int(y) for y in _years([lo_day, hi_day]))
    return _day_table(_rule_key(terms), y0, y1)


def _table_index(days: np.ndarray, day0: int, size: int) -> np.ndarray:
    """Positions of int64 day numbers in a day table starting at day0, clipped to 0..size-1, as
    np.intp: the index type of take/fancy indexing, 32-bit on wasm32 (Pyodide, xlwings Lite), where
    numpy refuses int64 indices. Clipping first keeps NaT (int64 min) from wrapping around; the
    callers mask those rows."""
    return np.clip(np.subtract(days, day0, dtype=np.int64), 0, size - 1).astype(np.intp, copy=False)


def _seconds(t) -> int:
    """Seconds since midnight; time.max stands for 24:00 (the end of the day)."""
    if t == dt.time.max:
        return 86400
    return t.hour * 3600 + t.minute * 60 + t.second


# ---------------------------------------------------------------- elapsed hours
_CHUNK = 1 << 15    # rows per block: the few int64 scratch arrays of a block stay in L2 cache


class _Clock:
    """Cumulative working time cum(t) over one day table, in the inputs' unit.

    `sod` is each day's midnight, or the next midnight for a non-working day, so that the
    time of day of a non-working day is negative and clips to a constant. cum(t) carries a
    constant offset that cancels in cum(end) - cum(start)."""

    def __init__(self, terms: Terms, lo: int, hi: int, per_s: int):
        self.per_day = per_day = 86400 * per_s
        self.day0, working = _table_for(terms, lo // per_day, hi // per_day)
        w = working.astype(np.int64)
        self.sod = (np.arange(self.day0, self.day0 + len(w), dtype=np.int64) + 1 - w) * per_day
        self.work = (_seconds(terms["work_start"]) * per_s, _seconds(terms["work_end"]) * per_s)
        per_working_day = self.work[1] - self.work[0]
        self.brk = None
        if terms["break_start"] is not None:
            self.brk = (_seconds(terms["break_start"]) * per_s, _seconds(terms["break_end"]) * per_s)
            per_working_day -= self.brk[1] - self.brk[0]
        self.prefix = np.concatenate(([0], np.cumsum(w)[:-1])) * per_working_day

    def into(self, t: np.ndarray, out: np.ndarray, idx: np.ndarray, tmp: np.ndarray) -> None:
        """out = cum(t); idx (np.intp) and tmp (int64) are scratch arrays of t's length."""
        np.floor_divide(t, self.per_day, out=tmp)    # day numbers -> table positions, as np.intp
        tmp -= self.day0                             # (_table_index, in place: no allocation per block)
        np.clip(tmp, 0, len(self.sod) - 1, out=idx)  # rows outside the table are NaN later
        self.sod.take(idx, mode="clip", out=tmp)
        np.subtract(t, tmp, out=tmp)                 # time of day (negative: non-working day)
        np.clip(tmp, *self.work, out=out)
        if self.brk is not None:                     # minus the part of the break elapsed
            np.clip(tmp, *self.brk, out=tmp)
            out -= tmp
        self.prefix.take(idx, mode="clip", out=tmp)
        out += tmp


def elapsed_hours(start, end, terms=None) -> np.ndarray:
    """Elapsed hours from `start` to `end` per pair (docs/DEFINITIONS.md §3), as a float64 array.

    `start`/`end`: array-likes or scalars of datetimes (a scalar broadcasts against an array;
    the result has the broadcast shape, at least 1-D). `terms`: None (defaults), a mapping of
    Terms keys, or a Terms. time_basis `calendar` counts every second, `business` only working
    time (module docstring). Missing start or end, or end before start, give NaN — never a
    negative number or 0 for bad data. Exact in the inputs' unit; rows are processed in blocks."""
    t = _terms(terms)
    s, e, per_s = _pair(start, end)
    shape, s, e = s.shape, s.ravel(), e.ravel()
    out = np.empty(s.size)
    clock = None
    if t["time_basis"] == "business" and s.size:
        lo, hi = s.min(), e.max()
        if lo == _NAT and hi != _NAT:
            lo = s[s != _NAT].min(initial=hi)
        if hi != _NAT:                 # else every row is missing something
            clock = _Clock(t, int(min(lo, hi)), int(hi), per_s)   # lo > hi: every row ends early
    n = min(_CHUNK, s.size)            # idx indexes the day table: np.intp (int32 on wasm32)
    scratch = [np.empty(n, np.int64), np.empty(n, np.int64), np.empty(n, np.intp), np.empty(n, np.int64)]
    for i in range(0, s.size, _CHUNK):
        _block(s[i:i + _CHUNK], e[i:i + _CHUNK], out[i:i + _CHUNK], clock, per_s, scratch)
    return out.reshape(shape)


def _block(s, e, out, clock: _Clock | None, per_s: int, scratch) -> None:
    """Elapsed hours of one block of rows into `out` (NaN where missing or end < start)."""
    a, b, idx, tmp = (x[:len(s)] for x in scratch)
    if clock is None:
        np.subtract(e, s, out=a)
    else:
        clock.into(e, a, idx, tmp)
        clock.into(s, b, idx, tmp)
        a -= b
    np.divide(a, 3600 * per_s, out=out)
    bad = e < s                        # a missing end (NaT, the smallest int64) is also < start
    bad |= s == _NAT
    out[bad] = np.nan


def working_time(times, terms=None, bounds: tuple[int, int] | None = None) -> tuple[list[np.ndarray], int]:
    """cum(t) of several arrays of datetimes on one clock: ([int64 arrays], units per second).

    cum(b) - cum(a) is the elapsed time from a to b exactly as `elapsed_hours` counts it (all of it
    with time_basis calendar, working time only with business), in the arrays' common unit; NaT gives
    the int64 minimum. cum carries an offset fixed by the first year of its day table: values from
    two calls compare only when that year is the same, which `bounds` (lowest, highest moment as int64
    in the common unit, widening the table) can ensure. Used where many differences are taken at once
    (paused clocks, core/pauses)."""
    t = _terms(terms)
    arrs = [_to_dt64(x).ravel() for x in times]
    common = functools.reduce(np.promote_types, [a.dtype for a in arrs])
    ints = [a.astype(common, copy=False).view(np.int64) for a in arrs]
    per_s = _PER_SECOND[np.datetime_data(common)[0]]
    if t["time_basis"] != "business":
        return ints, per_s
    lo, hi, nat = [], [], []
    for i in ints:
        if not i.size:
            nat.append(False)
            continue
        m = i.min()
        nat.append(m == _NAT)
        if m == _NAT:
            i = i[i != _NAT]
            if not i.size:
                continue
            m = i.min()
        lo.append(int(m))
        hi.append(int(i.max()))
    if bounds is not None:
        lo.append(int(bounds[0]))
        hi.append(int(bounds[1]))
    if not lo:
        return ints, per_s
    clock = _Clock(t, min(lo), max(hi), per_s)
    n = min(_CHUNK, max(i.size for i in ints))
    idx, tmp = np.empty(n, np.intp), np.empty(n, np.int64)
    out = []
    for i, has_nat in zip(ints, nat):
        o = np.empty(i.size, np.int64)
        for k in range(0, i.size, _CHUNK):
            m = min(_CHUNK, i.size - k)
            clock.into(i[k:k + m], o[k:k + m], idx[:m], tmp[:m])
        if has_nat:
            o[i == _NAT] = _NAT
        out.append(o)
    return out, per_s


def clock(terms, lo: int, hi: int, per_s: int):
    """The cumulative working-time clock covering moments lo..hi (int64, `per_s` units per second), for
    code that evaluates cum(t) block by block (core/pauses): `c.into(t, out, idx, tmp)` writes cum(t) of
    an int64 block into `out` (idx: np.intp scratch, tmp: int64 scratch, both of t's length); `CHUNK` is
    the block length that keeps the scratch arrays in cache. None with time_basis calendar (cum(t) = t)."""
    t = _terms(terms)
    return _Clock(t, lo, hi, per_s) if t["time_basis"] == "business" else None


CHUNK = _CHUNK


def clock_origin(lo: int, per_s: int) -> int:
    """The first year of the day table a clock covering moment `lo` (int64, `per_s` units per second) starts at."""
    return int(_years([lo // (86400 * per_s)])[0])


# ---------------------------------------------------------------- working days and deadlines
def _day_numbers(dates) -> tuple[np.ndarray, np.ndarray]:
    """(int day numbers, NaT mask) of any array-like of dates or datetimes."""
    a = _to_dt64(dates)
    nat = np.isnat(a)
    return a.astype("M8[D]").view(np.int64), nat


def is_working_day(dates, terms=None) -> np.ndarray:
    """Bool array: is each date a working day (workdays, CN holidays/make-up days, Holidays table)?

    Independent of time_basis; NaT gives False."""
    t = _terms(terms)
    days, nat = _day_numbers(dates)
    if nat.all():
        return np.zeros(days.shape, dtype=bool)
    day0, working = _table_for(t, int(days[~nat].min()), int(days[~nat].max()))
    return working.take(_table_index(days, day0, len(working)), mode="clip") & ~nat


def add_days(dates, n, terms=None):
    """Deadline `n` days after each date, in Terms `day_basis` days (docs/DEFINITIONS.md §7.2, breach deadline).

    `calendar`: date + n. `working`: the n-th working day after the date (the date itself is not
    counted; n = 0 gives the date itself). `n` is an int or an array broadcast against `dates`.
    Returns dates (time of day dropped): a Series (same index) for a Series, else a
    datetime64[D] array. NaT gives NaT."""
    t = _terms(terms)
    days, nat = _day_numbers(dates)
    n = np.broadcast_to(np.asarray(n, dtype=np.int64), days.shape)
    if t["day_basis"] == "calendar" or nat.all():
        out = days + n
    else:
        if (n < 0).any():
            raise ValueError("add_days: n must be >= 0 for working days")
        out = _add_working(days, nat, n, t)
    out = np.where(nat, np.datetime64("NaT"), out.astype("M8[D]"))
    if isinstance(dates, pd.Series):
        return pd.Series(out.astype("M8[s]"), index=dates.index, name=dates.name)
    return out


def _add_working(days: np.ndarray, nat: np.ndarray, n: np.ndarray, t: Terms) -> np.ndarray:
    """The n-th working day after each day, via searchsorted on the running working-day count."""
    lo, hi = int(days[~nat].min()), int(days[~nat].max())
    extra = 2 * int(n[~nat].max()) + 60
    for _ in range(30):                # widen the table until every deadline falls inside it
        day0, working = _table_for(t, lo, hi + extra)
        count = np.cumsum(working)     # working days among table days 0..i
        idx = _table_index(days, day0, len(count))
        j = np.searchsorted(count, count[idx] + n, side="left")
        j = np.where(n == 0, idx, j)
        if (j[~nat] < len(count)).all():
            return day0 + np.minimum(j, len(count) - 1)
        extra *= 2
    raise ValueError("add_days: no working day found (check workdays and the Holidays table)")


def uncovered_years(start, end=None, terms=None) -> list[int]:
    """Years touched by the inputs that the CN holiday calendar does not cover (data issue).

    Only when holidays = CN and a day rule is used (time_basis business or day_basis working);
    an interval start..end touches every year in between. Those days use the weekday rule."""
    t = _terms(terms)
    if t["holidays"] != "CN" or (t["time_basis"] != "business" and t["day_basis"] != "working"):
        return []
    first, last = calendar_coverage()
    years: set[int] = set()
    s, nat_s = _day_numbers(start)
    if end is None:
        years.update(np.unique(_years(s[~nat_s])).tolist())
    else:
        e, nat_e = _day_numbers(end)
        s, e, nat_s, nat_e = np.broadcast_arrays(s, e, nat_s, nat_e)
        ys, ye = _years(np.where(nat_s, 0, s)), _years(np.where(nat_e, 0, e))
        span = ~nat_s & ~nat_e & (ye >= ys)
        years.update(np.unique(ys[~nat_s]).tolist(), np.unique(ye[~nat_e]).tolist())
        pairs = np.unique(np.stack([ys[span], ye[span]], axis=-1).reshape(-1, 2), axis=0)
        for a, b in pairs.tolist():
            years.update(range(a, b + 1))
    return sorted(y for y in years if y < first or y > last)
