"""Turn cell values as users type them into typed pandas Series, vectorized.

Every function takes a Series of raw cell values (object dtype: str, numbers, datetimes, None)
and returns ``(values, bad)``: the typed Series and a boolean Series marking the cells that were
not blank but could not be used. Blank cells are missing values, never "bad".
"""
from __future__ import annotations

import re

import numpy as np
import pandas as pd

DT = "datetime64[us]"   # microsecond resolution covers Excel's whole range 1900..9999
_EPOCH_1900 = np.datetime64("1899-12-30", "us")
_EPOCH_1904 = np.datetime64("1904-01-01", "us")
_MIN = pd.Timestamp("1900-01-01")
_MAX = pd.Timestamp("9999-12-31 23:59:59")

_YES = {"y", "yes", "true", "1", "1.0", "是", "t", "√", "✓", "x", "对", "有"}
_NO = {"n", "no", "false", "0", "0.0", "否", "f", "×", "无", "不"}

_PRIORITY_WORDS = {"紧急": "P1", "高": "P2", "中": "P3", "低": "P4", "critical": "P1", "urgent": "P1",
                   "high": "P2", "medium": "P3", "normal": "P3", "low": "P4", "特急": "P1", "一般": "P3"}

_DATE_FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M",
                 "%Y-%m-%d %H:%M:%S.%f", "%Y-%m")


def blank_mask(s: pd.Series) -> pd.Series:
    """True where a cell is empty: None, NaN, NaT or only white space."""
    isna = s.isna()
    if s.dtype == object or pd.api.types.is_string_dtype(s.dtype):
        txt = s.where(~isna, "").astype(str).str.strip() == ""
        return isna | (txt & s.map(lambda v: isinstance(v, str), na_action="ignore").fillna(False).astype(bool))
    return isna


def _is_num(s: pd.Series) -> pd.Series:
    return s.map(lambda v: isinstance(v, (int, float, np.integer, np.floating)) and not isinstance(v, (bool, np.bool_)),
                 na_action="ignore").fillna(False).astype(bool)


def serial_to_datetime(x: np.ndarray, date1904: bool = False) -> np.ndarray:
    """Excel serial numbers (days, fraction = time) to datetime64[us]; exact to the microsecond."""
    x = np.asarray(x, dtype="float64")
    us = np.round(x * 86_400_000_000.0)
    if date1904:
        base = _EPOCH_1904
    else:
        # Excel's 1900 system counts the non-existent 1900-02-29 as serial 60.
        us = np.where(x < 61, us + 86_400_000_000.0, us)
        base = _EPOCH_1900
    ok = np.isfinite(us) & (x >= (0 if date1904 else 1)) & (x < 2958466)
    out = np.full(x.shape, np.datetime64("NaT"), dtype="datetime64[us]")
    out[ok] = base + us[ok].astype("int64").astype("timedelta64[us]")
    return out


def to_datetime(s: pd.Series, date1904: bool = False) -> tuple[pd.Series, pd.Series]:
    """Cells -> datetime64[us]. Accepts serial numbers, date/datetime cells and text dates."""
    s = pd.Series(s, dtype=object) if s.dtype != object else s
    out = pd.Series(pd.NaT, index=s.index, dtype=DT)
    blank = blank_mask(s)
    todo = ~blank
    if not todo.any():
        return out, pd.Series(False, index=s.index)
    num = _is_num(s) & todo
    if num.any():
        out[num] = serial_to_datetime(s[num].to_numpy(dtype="float64"), date1904)
    objs = todo & ~num & s.map(lambda v: not isinstance(v, str), na_action="ignore").fillna(False).astype(bool)
    if objs.any():   # datetime / date / Timestamp cells
        vals = pd.to_datetime(s[objs].map(_pydt), errors="coerce")
        out[objs] = vals.astype(DT)
    txt = todo & ~num & ~objs
    if txt.any():
        out[txt] = _parse_text_dates(s[txt].astype(str), date1904)
    bad = todo & (out.isna() | (out < _MIN) | (out > _MAX))
    out[bad] = pd.NaT
    return out, bad


def _pydt(v):
    """date/datetime/Timestamp -> Timestamp, or NaT when out of range or not a date at all."""
    import datetime as dt
    if isinstance(v, dt.datetime):
        return pd.Timestamp(v.replace(tzinfo=None)).as_unit("us") if v.year >= 1900 else pd.NaT
    if isinstance(v, dt.date):
        return pd.Timestamp(v).as_unit("us") if v.year >= 1900 else pd.NaT
    if isinstance(v, dt.time):
        return pd.NaT
    return pd.NaT


def _parse_text_dates(t: pd.Series, date1904: bool) -> pd.Series:
    t = t.str.strip()
    norm = (t.str.replace("年", "-", regex=False).str.replace("月", "-", regex=False)
             .str.replace("日", " ", regex=False).str.replace("/", "-", regex=False)
             .str.replace(".", "-", regex=False).str.replace("：", ":", regex=False)
             .str.replace(r"\s+", " ", regex=True).str.strip())
    # restore a fractional-second dot: "2026-10-05 14:30:01-5" is rare; ignore it
    out = pd.Series(pd.NaT, index=t.index, dtype=DT)
    left = pd.Series(True, index=t.index)
    for fmt in _DATE_FORMATS:
        if not left.any():
            break
        got = pd.to_datetime(norm[left], format=fmt, errors="coerce")
        ok = got.notna()
        if ok.any():
            idx = ok[ok].index
            out[idx] = got[ok].astype(DT)
            left[idx] = False
    # numbers typed as text ("46000.5") are serials
    if left.any():
        nums = pd.to_numeric(t[left], errors="coerce")
        ok = nums.notna()
        if ok.any():
            out[ok[ok].index] = serial_to_datetime(nums[ok].to_numpy(), date1904)
    return out


def to_date(s: pd.Series, date1904: bool = False) -> tuple[pd.Series, pd.Series]:
    """Like to_datetime, then floored to the day."""
    v, bad = to_datetime(s, date1904)
    return v.dt.floor("D"), bad


def to_yesno(s: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Cells -> nullable boolean (pd.NA for blank)."""
    blank = blank_mask(s)
    key = s.map(lambda v: str(v).strip().lower() if not isinstance(v, bool) else ("true" if v else "false"),
                na_action="ignore")
    yes = key.isin(_YES)
    no = key.isin(_NO)
    out = pd.Series(pd.NA, index=s.index, dtype="boolean")
    out[yes] = True
    out[no] = False
    bad = ~blank & ~yes & ~no
    return out, bad


def to_number(s: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Cells -> float64 (NaN for blank). Text like '¥1,200.50' or '12%' is accepted."""
    blank = blank_mask(s)
    num = _is_num(s)
    out = pd.Series(np.nan, index=s.index, dtype="float64")
    if num.any():
        out[num] = s[num].astype("float64")
    txt = ~blank & ~num
    if txt.any():
        t = s[txt].astype(str).str.strip().str.replace(r"[,，¥￥\s元]", "", regex=True)
        pct = t.str.endswith("%")
        v = pd.to_numeric(t.str.rstrip("%"), errors="coerce")
        v[pct] = v[pct] / 100
        out[txt] = v
    bad = ~blank & (out.isna() | ~np.isfinite(out.fillna(0)))
    out[bad] = np.nan
    return out, bad


def to_priority(s: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Cells -> 'P1'..'P4' (None for blank). Accepts P1, 1, 紧急/高/中/低 and '1 - Critical'."""
    blank = blank_mask(s)

    def one(v):
        if isinstance(v, (int, float, np.integer, np.floating)) and not isinstance(v, bool):
            return f"P{int(v)}" if float(v) in (1, 2, 3, 4) else None
        t = str(v).strip().lower()
        m = re.match(r"^p?\s*([1-4])(?:\.0)?(?:\b|\s|-|$)", t)
        if m:
            return f"P{m.group(1)}"
        return _PRIORITY_WORDS.get(t) or _PRIORITY_WORDS.get(t.split()[0] if t else t)

    # keyed by type too: True == 1 as a dict key, but True is not priority P1
    table = {}
    out = s.map(lambda v: table[(type(v), v)] if (type(v), v) in table else table.setdefault((type(v), v), one(v)),
                na_action="ignore")
    out[blank] = None
    out = out.astype(object)
    bad = ~blank & out.isna()
    return out, bad


def to_text(s: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Cells -> str (None for blank). Whole numbers lose their '.0' (ids typed as numbers)."""
    blank = blank_mask(s)

    def one(v):
        if isinstance(v, float) and v.is_integer():
            return str(int(v))
        if hasattr(v, "strftime"):
            return v.strftime("%Y-%m-%d")
        return str(v).strip()

    out = s.map(one, na_action="ignore").astype(object)
    out[blank] = None
    return out, pd.Series(False, index=s.index)


def to_raw(s: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Cells kept as they are (None for blank): Terms values are parsed per key later."""
    blank = blank_mask(s)
    out = s.astype(object).copy()
    out[blank] = None
    return out, pd.Series(False, index=s.index)


CONVERTERS = {"raw": to_raw, "datetime": to_datetime, "date": to_date, "yesno": to_yesno, "number": to_number,
              "priority": to_priority, "text": to_text}
