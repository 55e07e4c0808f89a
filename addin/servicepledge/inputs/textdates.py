"""Dates and times typed as text, vectorized: ISO forms as written, then other forms rewritten to ISO
(2026/10/05, 2026年10月5日, 2026.10.05, full-width colons), a 12-hour clock (上午/下午, AM/PM), and numbers
typed as text read as Excel serials. What a text cannot be read as is NaT (coerce.to_datetime marks it).
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from .coerce import DT, serial_to_datetime

_DATE_FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M",
                 "%Y-%m-%d %H:%M:%S.%f", "%Y-%m")


def parse(t: pd.Series, date1904: bool) -> pd.Series:
    """Text cells -> datetime64[us] (NaT where the text is no date or time we read)."""
    t = t.str.strip()
    hits = _head_hits(t)
    if hits is None or any(hits):
        out = _iso_first(t, hits)   # text already in an ISO form (every CSV export's dates): no rewriting
        rest = out.isna()
        if rest.any():
            out[rest] = _parse_rewritten(t[rest], date1904).to_numpy()
    else:                        # no ISO text among the first cells (2026/10/05 14:30, 2026年10月5日): rewritten
        out = _parse_rewritten(t, date1904)     # at once, which leaves ISO text as it is: the same result
    # pandas reads the words "now" and "today" as the clock's current moment: a cell holding them would
    # take a different date on every reading. Not a date: unreadable, reported like any other such cell.
    clock = t.isin(("now", "today")).to_numpy()
    if clock.any():
        out[clock] = pd.NaT
    return out


def _iso_first(t: pd.Series, hits: list | None = None) -> pd.Series:
    """The cells of `t` that parse as written with the ISO formats (the rewriting below leaves such text
    unchanged, so the result is the same); NaT elsewhere."""
    return _by_formats(t, hits)[0]


_SAMPLE = 64     # cells looked at first to decide which formats to try first


def _head_hits(t: pd.Series) -> list | None:
    """How many of a long column's first _SAMPLE cells each of _DATE_FORMATS reads; None for a column too short
    for that to pay (its formats are tried as listed)."""
    if len(t) <= 4 * _SAMPLE:
        return None
    head = t.iloc[:_SAMPLE]
    return [int(pd.to_datetime(head, format=f, errors="coerce").notna().sum()) for f in _DATE_FORMATS]


def _by_formats(t: pd.Series, hits: list | None = None) -> tuple[pd.Series, pd.Series]:
    """(the cells of `t` parsed by the one of _DATE_FORMATS that reads them, NaT elsewhere; which are left).
    A text matches at most one of the formats (each fixes its separators and fields), so they may be tried in
    any order: a long column tries first those that read its first cells, and the others only on what is left
    (one pass over the column instead of one per format before the right one). `hits`: _head_hits(t), when
    the caller has it already."""
    out = pd.Series(pd.NaT, index=t.index, dtype=DT)
    left = pd.Series(True, index=t.index)
    hits = _head_hits(t) if hits is None else hits
    formats = _DATE_FORMATS if hits is None else \
        [f for _, f in sorted(zip(hits, _DATE_FORMATS), key=lambda x: -x[0])]       # (stable: ties as listed)
    for fmt in formats:
        if not left.any():
            break
        got = pd.to_datetime(t[left], format=fmt, errors="coerce")
        ok = got.notna()
        if ok.any():
            idx = ok[ok].index
            out[idx] = got[ok].astype(DT)
            left[idx] = False
    return out, left


def _parse_rewritten(t: pd.Series, date1904: bool) -> pd.Series:
    norm = (t.str.replace("年", "-", regex=False).str.replace("月", "-", regex=False)
             .str.replace("日", " ", regex=False).str.replace("/", "-", regex=False)
             .str.replace(r"^(\d{4})\.(\d{1,2})(?=\.|$)", r"\1-\2", regex=True)   # 2026.10.05: dots of the date
             .str.replace(r"^(\d{4}-\d{1,2})\.(\d{1,2})", r"\1-\2", regex=True)    # only, so 14:30:01.5 keeps its
             .str.replace("：", ":", regex=False)                                   # fractional seconds
             .str.replace(r"\s+", " ", regex=True).str.strip())
    # 2026-10-05 下午2:30, 2026/10/5 2:30 PM: a 12-hour clock, read on its own (never by the formats below)
    marked = norm.str.contains(_MARK, regex=True).to_numpy(dtype=bool)
    if marked.any():
        out = pd.Series(pd.NaT, index=t.index, dtype=DT)
        left = pd.Series(False, index=t.index)
        out[marked] = _twelve_hour(norm[marked]).to_numpy()
        if not marked.all():
            got, rest = _by_formats(norm[~marked])
            out[~marked], left[~marked] = got.to_numpy(), rest.to_numpy()
    else:
        out, left = _by_formats(norm)
    # numbers typed as text ("46000.5") are serials
    if left.any():
        nums = pd.to_numeric(t[left], errors="coerce")
        ok = nums.notna()
        if ok.any():
            out[ok[ok].index] = serial_to_datetime(nums[ok].to_numpy(), date1904)
    return out


# 上午/下午 (Excel's zh-CN "上午/下午 h:mm" copied as text, OA exports) and AM/PM, a.m./p.m., before or after
# the time, with or without a space. Other words of the day (中午, 晚上, 凌晨 …) are not read: a guess is a figure.
_MARK = r"上午|下午|[AaPp]\.?\s?[Mm]\.?"
_TIME = r"(\d{1,2})(:\d{2}(?::\d{2}(?:\.\d+)?)?)"
_TWELVE = (rf"^(\d{{4}}-\d{{1,2}}-\d{{1,2}})(?:\s*T)?\s*(?:({_MARK})\s*{_TIME}|{_TIME}\s*({_MARK}))$")


def _twelve_hour(t: pd.Series) -> pd.Series:
    """Date-times written with a 12-hour clock (text already rewritten to 2026-10-5 …): 上午/AM keeps the hour
    except 12 → 0 (上午12:30 = 00:30); 下午/PM adds 12 except to 12 (下午12:30 = 12:30, 下午2:30 = 14:30).
    An hour outside 1…12 next to a marker (下午14:30, 0:30 AM) is not guessed: NaT, like any unreadable text."""
    p = t.str.extract(_TWELVE)
    mark, hour, rest = _either(p[1], p[6]), pd.to_numeric(_either(p[2], p[4]), errors="coerce"), _either(p[3], p[5])
    ok = hour.between(1, 12) & mark.notna()
    out = pd.Series(pd.NaT, index=t.index, dtype=DT)
    if ok.any():
        pm = mark[ok].str.startswith(("下", "P", "p"))
        h24 = hour[ok].astype("int64") % 12 + 12 * pm.astype("int64")
        text = p[0][ok] + " " + h24.astype(str).str.zfill(2) + rest[ok]
        out[ok[ok].index] = _by_formats(text)[0].to_numpy()
    return out


def _either(x: pd.Series, y: pd.Series) -> pd.Series:
    """x where it matched, else y (pandas 2's fillna on text columns warns of a future change of dtype)."""
    a = x.to_numpy(dtype=object)
    return pd.Series(np.where(pd.isna(a), y.to_numpy(dtype=object), a), index=x.index, dtype=object)
