"""Turn cell values as users type them into typed pandas Series, vectorized.

Every function takes a Series of raw cell values (object dtype: str, numbers, datetimes, None)
and returns ``(values, bad)``: the typed Series and a boolean Series marking the cells that were
not blank but could not be used. Blank cells are missing values, never "bad".
"""
from __future__ import annotations

import datetime as _dt

import numpy as np
import pandas as pd

from . import vocabulary

DT = "datetime64[us]"   # microsecond resolution covers Excel's whole range 1900..9999
_EPOCH_1900 = np.datetime64("1899-12-30", "us")
_EPOCH_1904 = np.datetime64("1904-01-01", "us")
_MIN = pd.Timestamp("1900-01-01")
_MAX = pd.Timestamp("9999-12-31 23:59:59")
_MIN_US, _MAX_US = np.datetime64(_MIN, "us"), np.datetime64(_MAX, "us")



_NUM_TYPES = (int, float, np.integer, np.floating)


def _obj(s: pd.Series) -> np.ndarray:
    return s.to_numpy(dtype=object)


def _mask(it, n: int) -> np.ndarray:
    return np.fromiter(it, dtype=bool, count=n)


class _Types(np.ndarray):
    """The type of every cell, and `kinds`: the few distinct types, found once (typing a column asks for them
    several times; a set over 100,000 cells costs ~1 ms). A selection of it finds its own."""
    _kinds = None

    @property
    def kinds(self) -> frozenset:
        if self._kinds is None:
            self._kinds = frozenset(self.view(np.ndarray))
        return self._kinds


def _types(a: np.ndarray) -> np.ndarray:
    """The type of every cell (one C-level pass): columns are classified by the few types they hold."""
    return np.fromiter(map(type, a), dtype=object, count=len(a)).view(_Types)


def _kinds(ta: np.ndarray) -> set:
    """The distinct types among the cells' types `ta` (a new set: callers may change it)."""
    return set(ta.kinds) if isinstance(ta, _Types) else set(ta)


def _is_type(ta: np.ndarray, t: type) -> np.ndarray:
    """Mask of the cells of type `t` (`ta == t` alone is a single False for some classes, e.g. pd.Timestamp,
    which numpy does not compare element by element)."""
    box = np.empty((), dtype=object)
    box[()] = t
    return np.asarray(ta == box, dtype=bool)


def _of_types(a: np.ndarray, pred, ta: np.ndarray | None = None) -> np.ndarray:
    """Mask of the cells whose type satisfies `pred`, deciding once per distinct type, not per cell
    (`ta` = the cells' types when the caller has them already)."""
    ta = _types(a) if ta is None else ta
    kinds = _kinds(ta)
    if len(kinds) == 1:                       # one type in the column (the usual case): no comparison pass
        return np.full(len(a), bool(pred(kinds.pop())))
    out = np.zeros(len(a), dtype=bool)
    for t in kinds:
        if pred(t):
            out |= _is_type(ta, t)
    return out


def _is_str(a: np.ndarray, ta: np.ndarray | None = None) -> np.ndarray:
    return _of_types(a, _str_type, ta)


def _str_type(t) -> bool:
    return t is str


def blank_mask(s: pd.Series, ta: np.ndarray | None = None) -> pd.Series:
    """True where a cell is empty: None, NaN, NaT or only white space (`ta`: the cells' types, when known)."""
    a = _obj(s)
    ta = _types(a) if ta is None else ta
    kinds = _kinds(ta)
    if len(kinds) == 1:                       # one type in the column: no selection, no copy
        return pd.Series(_blank_of(kinds.pop(), a), index=s.index)
    na = np.zeros(len(a), dtype=bool)
    for t in kinds:                           # decided per type: a column holds only a few
        sel = _is_type(ta, t)
        na[sel] = _blank_of(t, a[sel])
    return pd.Series(na, index=s.index)


def _blank_of(t: type, sub: np.ndarray) -> np.ndarray:
    """Blank cells among `sub`, cells that are all of type `t`."""
    if t is type(None):
        return np.ones(len(sub), dtype=bool)
    if t is str:
        # "" compares in numpy's C loop; str.isspace is called as a C method (no Python frame per cell)
        return (sub == "") | np.fromiter(map(str.isspace, sub), dtype=bool, count=len(sub))
    if t is float:
        return np.isnan(sub.astype("float64"))
    if t in (int, bool, _dt.datetime, _dt.date):   # never blank (NaT is its own type)
        return np.zeros(len(sub), dtype=bool)
    return np.asarray(pd.isna(sub), dtype=bool)  # NaT, numpy NaN, Decimal …: pandas decides


def _cells(s: pd.Series, blank: pd.Series | None, ta: np.ndarray | None):
    """(the cells as an object array, each cell's type, the blank mask as numpy), each worked out once: the
    caller's types and blank mask when it has them (tables.load finds a column's types once for all)."""
    a = _obj(s)
    ta = _types(a) if ta is None else ta
    return a, ta, (blank_mask(s, ta) if blank is None else blank).to_numpy()


def _is_num_arr(a: np.ndarray, ta: np.ndarray | None = None) -> np.ndarray:
    return _of_types(a, _num_type, ta)


def _num_type(t) -> bool:
    return issubclass(t, _NUM_TYPES) and not issubclass(t, (bool, np.bool_))


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


def to_datetime(s: pd.Series, date1904: bool = False, blank: pd.Series | None = None, *,
                ta: np.ndarray | None = None) -> tuple[pd.Series, pd.Series]:
    """Cells -> datetime64[us]. Accepts serial numbers, date/datetime cells and text dates."""
    a, ta, blank = _cells(s, blank, ta)
    out = np.full(len(a), np.datetime64("NaT"), dtype="datetime64[us]")
    todo = ~blank
    if todo.any():
        num = _is_num_arr(a, ta) & todo
        if num.any():
            out[num] = serial_to_datetime(a[num].astype("float64"), date1904)
        txt = _is_str(a, ta) & todo
        objs = todo & ~num & ~txt
        if objs.any():   # datetime / date / Timestamp cells (time-of-day alone is not a date)
            out[objs] = _cells_to_datetime(a[objs], ta[objs])
        if txt.any():
            from .textdates import parse
            out[txt] = parse(pd.Series(a[txt], dtype=object), date1904).to_numpy()
    bad = todo & (np.isnat(out) | (out < _MIN_US) | (out > _MAX_US))     # (NaT compares False)
    out[bad] = np.datetime64("NaT")
    return pd.Series(out, index=s.index), pd.Series(bad, index=s.index)


def _cells_to_datetime(a: np.ndarray, ta: np.ndarray | None = None) -> np.ndarray:
    """Date/datetime objects -> datetime64[us]; anything else (times, booleans, tz-aware) -> NaT.

    Decided per type (`ta`: the cells' types); pandas converts all the date cells in one call and only
    when one carries a time zone are they looked at one by one."""
    ok = _of_types(a, _date_type, ta)
    out = np.full(len(a), np.datetime64("NaT"), dtype="datetime64[us]")
    if ok.any():
        cells = a if ok.all() else a[ok]
        try:
            got = pd.to_datetime(pd.Series(cells, dtype=object), errors="coerce")
            naive = getattr(got.dtype, "tz", None) is None
        except (ValueError, TypeError):         # naive and tz-aware cells mixed
            naive = False
        if not naive:
            ok &= _mask((getattr(v, "tzinfo", None) is None for v in a), len(a))
            got = pd.to_datetime(pd.Series(a[ok], dtype=object), errors="coerce")
        out[ok] = got.to_numpy().astype("datetime64[us]")
    return out


def _date_type(t) -> bool:
    return issubclass(t, (_dt.datetime, _dt.date))


def to_date(s: pd.Series, date1904: bool = False, blank=None, *, ta=None) -> tuple[pd.Series, pd.Series]:
    """Like to_datetime, then floored to the day."""
    v, bad = to_datetime(s, date1904, blank, ta=ta)
    return v.dt.floor("D"), bad


def _memo(fn):
    """Apply `fn` to every cell, computing each distinct (type, value) once (cells repeat a lot): the
    cells of each type are factorized (so 1, 1.0 and TRUE stay apart) and `fn` runs on the distinct values."""
    def run(a: np.ndarray, ta: np.ndarray | None = None, pre: "TextCells | None" = None) -> np.ndarray:
        if pre is not None and pre.codes is not None:     # a column of text factorized already (text_cells)
            return _objs([fn(v) for v in pre.uniq])[pre.codes]
        out = np.empty(len(a), dtype=object)
        ta = _types(a) if ta is None else ta
        kinds = _kinds(ta)
        for t in kinds:
            sel = _is_type(ta, t) if len(kinds) > 1 else slice(None)
            sub = a[sel]
            try:
                codes, uniq = pd.factorize(sub, use_na_sentinel=False)
            except TypeError:   # unhashable cells: one by one
                out[sel] = _objs([fn(v) for v in sub])
                continue
            out[sel] = _objs([fn(v) for v in uniq])[codes]
        return out
    return run


def _objs(values: list) -> np.ndarray:
    out = np.empty(len(values), dtype=object)
    out[:] = values
    return out


def to_yesno(s: pd.Series, blank=None, kind: str = "yesno", *, ta=None, pre=None) -> tuple[pd.Series, pd.Series]:
    """Cells -> nullable boolean (pd.NA for blank and for unknown words, which are also marked bad).

    `kind` picks the vocabulary (vocabulary.TABLES): yesno, approval, complex, quality, certified, workday."""
    a, ta, blank = _cells(s, blank, ta)
    vals = _memo(lambda v: vocabulary.meaning(kind, v))(a, ta, pre)
    yes, no = vals == True, vals == False   # noqa: E712  (True, False or None per cell, compared in C)
    known = yes | no
    out = pd.Series(pd.arrays.BooleanArray(yes, ~known | blank), index=s.index)
    return out, pd.Series(~blank & ~known, index=s.index)


def _yesno_kind(kind: str):
    def conv(s: pd.Series, blank=None, *, ta=None, pre=None) -> tuple[pd.Series, pd.Series]:
        return to_yesno(s, blank, kind, ta=ta, pre=pre)
    conv.__doc__ = f"Cells -> nullable boolean with the '{kind}' vocabulary."
    return conv


def to_number(s: pd.Series, blank=None, *, ta=None) -> tuple[pd.Series, pd.Series]:
    """Cells -> float64 (NaN for blank). Text like '¥1,200.50' or '12%' is accepted."""
    a, ta, blank = _cells(s, blank, ta)
    num = _is_num_arr(a, ta)
    out = np.full(len(a), np.nan)
    if num.any():
        out[num] = a[num].astype("float64")
    txt = ~blank & ~num & _is_str(a, ta)
    if txt.any():
        t = pd.Series(a[txt], dtype=object).str.strip().str.replace(r"[,，¥￥\s元]", "", regex=True)
        pct = t.str.endswith("%").to_numpy(dtype=bool)
        v = pd.to_numeric(t.str.rstrip("%"), errors="coerce").to_numpy(dtype="float64", copy=True)
        v[pct] = v[pct] / 100
        out[txt] = v
    bad = ~blank & ~np.isfinite(out)
    out[bad] = np.nan
    return pd.Series(out, index=s.index), pd.Series(bad, index=s.index)


def _priority_one(v):
    return vocabulary.meaning("priority", v)


def to_priority(s: pd.Series, blank=None, *, ta=None, pre=None) -> tuple[pd.Series, pd.Series]:
    """Cells -> 'P1'..'P4' (None for blank). Accepts P1, 1, 一级…四级, 特急/紧急/高/中/低, 'P1 - 紧急', '1 - Critical'."""
    a, ta, blank = _cells(s, blank, ta)
    vals = _memo(_priority_one)(a, ta, pre)
    vals[blank] = None
    known = ~pd.isna(vals)
    return pd.Series(vals, index=s.index, dtype=object), pd.Series(~blank & ~known, index=s.index)


def _text_one(v):
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    if hasattr(v, "strftime"):
        return v.strftime("%Y-%m-%d")
    return str(v).strip()


def to_text(s: pd.Series, blank=None, *, ta=None, pre=None) -> tuple[pd.Series, pd.Series]:
    """Cells -> str (None for blank). Whole numbers lose their '.0' (ids typed as numbers)."""
    if pre is not None and pre.stripped is not None:   # a column of text stripped already (text_cells)
        vals = pre.stripped.copy()
        vals[pre.blank] = None
        return pd.Series(vals, index=s.index, dtype=object), pd.Series(False, index=s.index)
    a, ta, blank = _cells(s, blank, ta)
    st = _is_str(a, ta) & ~blank
    if st.all():                              # a column of text (the usual case): strip, nothing else
        return (pd.Series(np.fromiter(map(str.strip, a), dtype=object, count=len(a)), index=s.index, dtype=object),
                pd.Series(False, index=s.index))
    vals = np.full(len(a), None, dtype=object)
    if st.any():
        sub = a[st]
        vals[st] = np.fromiter(map(str.strip, sub), dtype=object, count=len(sub))
    other = ~st & ~blank
    if other.any():
        vals[other] = _memo(_text_one)(a[other], ta[other])
    return pd.Series(vals, index=s.index, dtype=object), pd.Series(False, index=s.index)


def to_raw(s: pd.Series, blank=None, *, ta=None) -> tuple[pd.Series, pd.Series]:
    """Cells kept as they are (None for blank): Terms values are parsed per key later."""
    blank = (blank_mask(s, ta) if blank is None else blank).to_numpy()
    out = _obj(s).copy()
    out[blank] = None
    return pd.Series(out, index=s.index, dtype=object), pd.Series(False, index=s.index)


class TextCells:
    """What typing finds once in a column whose every cell is text (ids, names, yes/no words): every cell stripped
    (kind text) or the column's distinct values (kinds read through a vocabulary), and from that its blank cells,
    so the blanks cost no pass of their own over the cells. Given to the converter as `pre`."""
    BY_VALUE = frozenset({"priority", *vocabulary.BOOL_KINDS})

    def __init__(self, blank: np.ndarray, stripped: np.ndarray | None = None, codes=None, uniq=None):
        self.blank, self.stripped, self.codes, self.uniq = blank, stripped, codes, uniq

    def take(self, keep: np.ndarray) -> "TextCells":
        return TextCells(self.blank[keep], None if self.stripped is None else self.stripped[keep],
                         None if self.codes is None else self.codes[keep], self.uniq)


def text_cells(kind: str, a: np.ndarray, ta: np.ndarray) -> TextCells | None:
    """TextCells of the cells `a` (types `ta`) read as `kind`; None unless every cell is a str and `kind` is text
    or a vocabulary kind. A cell is blank when it strips to "" (that is "" or only white space, as blank_mask)."""
    if not len(a) or (kind != "text" and kind not in TextCells.BY_VALUE) or _kinds(ta) != {str}:
        return None
    if kind == "text":
        stripped = np.fromiter(map(str.strip, a), dtype=object, count=len(a))
        return TextCells(np.asarray(stripped == "", dtype=bool), stripped=stripped)
    codes, uniq = pd.factorize(a, use_na_sentinel=False)
    blank = np.fromiter((not u.strip() for u in uniq), dtype=bool, count=len(uniq))
    return TextCells(blank[codes], codes=codes, uniq=uniq)


CONVERTERS = {"raw": to_raw, "datetime": to_datetime, "date": to_date, "yesno": to_yesno, "number": to_number,
              "priority": to_priority, "text": to_text,
              **{k: _yesno_kind(k) for k in vocabulary.BOOL_KINDS if k != "yesno"}}
