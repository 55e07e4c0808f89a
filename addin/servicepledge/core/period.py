"""Reporting periods (month, quarter, half-year, year, explicit range) and the as_of moment."""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..inputs import coerce
from ..inputs.tables import InputError


KINDS = ("month", "quarter", "half", "year", "range")
_ZH_NUM = {"一": 1, "二": 2, "三": 3, "四": 4}


@dataclass(frozen=True)
class Period:
    """A reporting period: the days ``start`` (00:00) up to, not including, ``end``.

    ``kind`` is month, quarter, half (half-year), year or range (explicit first..last day). Make one with
    ``Period.of_month(2026, 10)``, ``Period.of_quarter(2026, 3)``, ``Period.of_half(2026, 1)``,
    ``Period.of_year(2026)`` or ``Period.of_range(first_day, last_day)``; ``parse_period`` reads what users type.
    """
    start: pd.Timestamp
    end: pd.Timestamp
    kind: str = "month"

    # --- constructors -------------------------------------------------------------------------------
    @classmethod
    def of_month(cls, year: int, month: int) -> "Period":
        s = pd.Timestamp(year, month, 1)
        return cls(s, s + pd.offsets.MonthBegin(1), "month")

    @classmethod
    def of_quarter(cls, year: int, quarter: int) -> "Period":
        s = pd.Timestamp(year, 3 * quarter - 2, 1)
        return cls(s, s + pd.DateOffset(months=3), "quarter")

    @classmethod
    def of_half(cls, year: int, half: int) -> "Period":
        s = pd.Timestamp(year, 6 * half - 5, 1)
        return cls(s, s + pd.DateOffset(months=6), "half")

    @classmethod
    def of_year(cls, year: int) -> "Period":
        return cls(pd.Timestamp(year, 1, 1), pd.Timestamp(year + 1, 1, 1), "year")

    @classmethod
    def of_range(cls, first_day, last_day) -> "Period":
        s = pd.Timestamp(first_day).normalize()
        return cls(s, pd.Timestamp(last_day).normalize() + pd.Timedelta(days=1), "range")

    # --- what the rest of the package reads ---------------------------------------------------------
    @property
    def year(self) -> int:
        """The year of the period's last day (the year its YTD figures and annual budget belong to)."""
        return self.last_day.year

    @property
    def month(self) -> int:
        """The month of the period's last day."""
        return self.last_day.month

    @property
    def last_day(self) -> pd.Timestamp:
        return self.end - pd.Timedelta(days=1)

    @property
    def label(self) -> str:
        """2026-10, 2026-Q3, 2026-H1, 2026, 2026-01-01..2026-03-31 (also the output file names' suffix)."""
        s = self.start
        if self.kind == "month":
            return f"{s.year:04d}-{s.month:02d}"
        if self.kind == "quarter":
            return f"{s.year:04d}-Q{(s.month + 2) // 3}"
        if self.kind == "half":
            return f"{s.year:04d}-H{(s.month + 5) // 6}"
        if self.kind == "year":
            return f"{s.year:04d}"
        return f"{s:%Y-%m-%d}..{self.last_day:%Y-%m-%d}"

    @property
    def label_zh(self) -> str:
        """2026年10月, 2026年第3季度, 2026年上半年, 2026年, 2026-01-01至2026-03-31."""
        s = self.start
        if self.kind == "month":
            return f"{s.year}年{s.month}月"
        if self.kind == "quarter":
            return f"{s.year}年第{(s.month + 2) // 3}季度"
        if self.kind == "half":
            return f"{s.year}年{'上' if s.month == 1 else '下'}半年"
        if self.kind == "year":
            return f"{s.year}年"
        return f"{s:%Y-%m-%d}至{self.last_day:%Y-%m-%d}"

    def months(self) -> list["Period"]:
        """The calendar months the period touches, oldest first (a range may start or end inside a month)."""
        first, last = self.start, self.last_day
        n = (last.year - first.year) * 12 + last.month - first.month + 1
        return [Period.of_month(first.year, first.month)._month_shift(i) for i in range(n)]

    def last_month(self) -> "Period":
        return Period.of_month(self.last_day.year, self.last_day.month)

    def _month_shift(self, months: int) -> "Period":
        k = self.start.year * 12 + self.start.month - 1 + months
        return Period.of_month(k // 12, k % 12 + 1)

    def shift(self, months: int) -> "Period":
        """The month `months` after the period's last month (negative: before)."""
        return self.last_month()._month_shift(months)

    def window(self, months: int) -> list["Period"]:
        """The `months` calendar months ending with the period's last month, oldest first (charts, rolling)."""
        return [self.shift(-i) for i in range(months - 1, -1, -1)]

    def previous(self) -> "Period":
        """The period of the same kind just before (a range: as many days, ending the day before)."""
        if self.kind == "range":
            days = (self.end - self.start).days
            return Period(self.start - pd.Timedelta(days=days), self.start, "range")
        step = {"month": 1, "quarter": 3, "half": 6, "year": 12}[self.kind]
        s = self.start - pd.DateOffset(months=step)
        return Period(s, self.start, self.kind)

    def year_earlier(self) -> "Period":
        """The same period one year earlier (29 February → 28 February)."""
        if self.kind == "range":
            return Period.of_range(self.start - pd.DateOffset(years=1), self.last_day - pd.DateOffset(years=1))
        return Period(self.start - pd.DateOffset(years=1), self.end - pd.DateOffset(years=1), self.kind)

    def contains(self, s: pd.Series) -> pd.Series:
        if s.dtype.kind == "M" and getattr(s.dtype, "tz", None) is None:
            # a datetime column: compared in numpy (NaT is in no period), without pandas' per-operation cost
            # (a report asks this some sixty times)
            v = s.to_numpy()
            return pd.Series((v >= self.start.to_datetime64()) & (v < self.end.to_datetime64()), index=s.index,
                             name=s.name)
        return (s >= self.start) & (s < self.end)

    def __str__(self):
        return self.label


def _blank(v) -> bool:
    return v is None or (isinstance(v, float) and v != v) or (isinstance(v, str) and not v.strip())


# Periods and as_of must lie in these years. Outside them a value is a typing slip (2026 read as a date
# is 1905-07-18; 20261 is 2015-06-20 … or 1955), never a month anyone reports on.
FIRST_YEAR, LAST_YEAR = 1990, 2100

_MONTH_FORMS = ("请写成 2026-10（月）、2026-Q3（季度）、2026-H1（半年）、2026（年）或 2026-01-01..2026-03-31（日期范围）",
                "write it as 2026-10 (month), 2026-Q3 (quarter), 2026-H1 (half-year), 2026 (year) or "
                "2026-01-01..2026-03-31 (a range of days)")
_NUMBER = re.compile(r"\s*[+-]?\d+(?:\.\d*)?\s*")
_YEAR_TEXT = re.compile(r"\s*(\d{4})\s*年?\s*")
_YYYYMM = re.compile(r"\s*(\d{4})(\d{2})\s*")


def _is_number(v) -> bool:
    return isinstance(v, (int, float, np.integer, np.floating)) and not isinstance(v, (bool, np.bool_))


def _shown(v) -> str:
    """The value as the user typed it: 2026.0 (Excel's number) is shown as 2026."""
    if _is_number(v) and float(v).is_integer():
        return str(int(v))
    return str(v).strip()


def _err(zh: str, en: str) -> InputError:
    return InputError(en, zh=zh)


def _year_error(v, what_zh: str, what_en: str, example: str) -> InputError:
    """2026 (or 2026.0, "2026", "2026年") where a month or a date was wanted."""
    if _is_number(v) and not float(v).is_integer() and what_en == "as_of":
        return _err(f"{what_zh}“{_shown(v)}”是一个数字，不是日期：请写成 {example}",
                    f"{what_en} '{_shown(v)}' is a number, not a date: write it as {example}")
    if _is_number(v) and not float(v).is_integer():   # a cell typed 2026.10 that Excel made the number 2026.1
        return _err(f"{what_zh}“{_shown(v)}”是一个数字（Excel 会把 2026.10 存成数字 2026.1）：请写成 {example}，"
                    f"或把单元格设为文本",
                    f"{what_en} '{_shown(v)}' is a number (Excel stores a typed 2026.10 as the number 2026.1): "
                    f"write it as {example}, or format the cell as text")
    y = int(float(v)) if _is_number(v) else int(_YEAR_TEXT.fullmatch(str(v)).group(1))
    ex = example.replace("2026", str(y))
    return _err(f"{what_zh}“{_shown(v)}”是年份，不是日期：请写成 {ex}",
                f"{what_en} '{_shown(v)}' is a year, not a date: write it as {ex}")


def _plausible(ts: pd.Timestamp, v, what_zh: str, what_en: str, forms: tuple[str, str]) -> pd.Timestamp:
    if FIRST_YEAR <= ts.year <= LAST_YEAR:
        return ts
    read = f"（按 Excel 日期序号读作 {ts:%Y-%m-%d}）" if _is_number(v) else ""
    read_en = f" (read as the Excel date {ts:%Y-%m-%d})" if _is_number(v) else ""
    raise _err(f"{what_zh}“{_shown(v)}”{read}不在 {FIRST_YEAR} 至 {LAST_YEAR} 年之间：{forms[0]}",
               f"{what_en} '{_shown(v)}'{read_en} is not between {FIRST_YEAR} and {LAST_YEAR}: {forms[1]}")


def _bare_number(v) -> bool:
    """A number, or text that is only a number: never read as an Excel date serial when typed as text."""
    return _is_number(v) or (isinstance(v, str) and bool(_NUMBER.fullmatch(v)))


def _year_like(v) -> bool:
    """2026, 2026.0, "2026", "2026年": a year between FIRST_YEAR and LAST_YEAR (not a serial: those are
    32874 and above for these years)."""
    if isinstance(v, str):
        m = _YEAR_TEXT.fullmatch(v)
        return bool(m) and FIRST_YEAR <= int(m.group(1)) <= LAST_YEAR
    return _is_number(v) and FIRST_YEAR <= float(v) < LAST_YEAR + 1


_QUARTER = re.compile(r"\s*(\d{4})\s*(?:[-/.]?\s*[Qq]\s*([1-4])|年\s*(?:第\s*)?([1-4一二三四])\s*季度?|年\s*[Qq]\s*([1-4]))\s*")
_HALF = re.compile(r"\s*(\d{4})\s*(?:[-/.]?\s*[Hh]\s*([12])|年\s*([上下])\s*半\s*年)\s*")
_RANGE = re.compile(r"\s*(.+?)\s*(?:\.\.|~|～|至|—)\s*(.+?)\s*")


def _longer_period(value: str) -> "Period | None":
    """A quarter, half-year or range typed as text; None when the text is none of these."""
    m = _QUARTER.fullmatch(value)
    if m:
        q = m.group(2) or m.group(3) or m.group(4)
        return _in_years(Period.of_quarter(int(m.group(1)), _ZH_NUM.get(q) or int(q)), value)
    m = _HALF.fullmatch(value)
    if m:
        h = m.group(2) or {"上": "1", "下": "2"}.get(m.group(3))
        return _in_years(Period.of_half(int(m.group(1)), int(h)), value)
    m = _RANGE.fullmatch(value)
    if not m:
        return None
    days = []
    for i, part in enumerate((m.group(1), m.group(2))):
        mon = re.fullmatch(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*月?", part)
        if mon and 1 <= int(mon.group(2)) <= 12:   # 2026-01..2026-03: whole months
            first = Period.of_month(int(mon.group(1)), int(mon.group(2)))
            days.append(_in_years(first, value).start if i == 0 else first.last_day)
            continue
        v, bad = coerce.to_datetime(pd.Series([part], dtype=object))
        if bad.iloc[0] or pd.isna(v.iloc[0]) or not re.search(r"\d{1,2}\s*日?\s*$", part) or _bare_number(part):
            raise _err(f"期间“{value}”中的“{part}”不是日期：起止范围请写成 2026-01-01..2026-03-31",
                       f"period '{value}': '{part}' is not a date; write a range as 2026-01-01..2026-03-31")
        days.append(_plausible(v.iloc[0], part, "期间", "period", _MONTH_FORMS).normalize())
    if days[1] < days[0]:
        raise _err(f"期间“{value}”的结束日早于开始日：请写成 开始日..结束日",
                   f"period '{value}' ends before it starts: write it as first-day..last-day")
    return Period.of_range(days[0], days[1])


def _in_years(p: "Period", value) -> "Period":
    if FIRST_YEAR <= p.start.year <= LAST_YEAR:
        return p
    raise _err(f"期间“{value}”不在 {FIRST_YEAR} 至 {LAST_YEAR} 年之间：{_MONTH_FORMS[0]}",
               f"period '{value}' is not between {FIRST_YEAR} and {LAST_YEAR}: {_MONTH_FORMS[1]}")


def parse_period(value=None, default_from: pd.Series | None = None, date1904: bool = False) -> Period:
    """A month `YYYY-MM` (also 2026/10, 2026.10, 2026年10月, 202610, or any date inside the month); a quarter
    (2026-Q3, 2026Q3, 2026年第3季度, 2026年三季度); a half-year (2026-H1, 2026年上半年); a year (2026, 2026年);
    a range of days (2026-01-01..2026-03-31, also ~ or 至 between the days). Blank -> the month of the latest
    date in `default_from` (the tickets' opened_at), else the current month.

    How numbers are told apart (Excel sends a typed 2026 as 2026.0 and a date cell as its serial):
    a whole number between 1990 and 2100 is a *year* (the serials of those years are 32874 and above,
    so no date is lost; 2026.1 — a typed 2026.10 — is refused); a six-digit 199001…210012 is YYYYMM; any other
    number is an Excel date serial, accepted only when its date lies in 1990…2100. Text that is only a
    number (the command line's ``--period 46300``) is never read as a serial.
    """
    if _blank(value):
        if default_from is not None and default_from.notna().any():
            latest = default_from.max()
            return Period.of_month(latest.year, latest.month)
        today = dt.date.today()
        return Period.of_month(today.year, today.month)
    if isinstance(value, (bool, np.bool_)):
        raise _err(f"期间“{value}”不是可识别的期间：{_MONTH_FORMS[0]}", f"period '{value}' is not a period: {_MONTH_FORMS[1]}")
    if _year_like(value) and (not _is_number(value) or float(value).is_integer()):
        y = int(float(value)) if _is_number(value) else int(_YEAR_TEXT.fullmatch(str(value)).group(1))
        return Period.of_year(y)
    if _year_like(value):
        raise _year_error(value, "期间", "period", "2026-10")
    if isinstance(value, str):
        longer = _longer_period(value)
        if longer is not None:
            return longer
    ym = _YYYYMM.fullmatch(str(int(value)) if _is_number(value) and float(value).is_integer() else str(value))
    if ym and FIRST_YEAR <= int(ym.group(1)) <= LAST_YEAR:
        if 1 <= int(ym.group(2)) <= 12:
            return Period.of_month(int(ym.group(1)), int(ym.group(2)))
        raise _err(f"期间“{_shown(value)}”不是可识别的期间：{_MONTH_FORMS[0]}", f"period '{_shown(value)}' is not a period: {_MONTH_FORMS[1]}")
    if isinstance(value, str):
        m = re.fullmatch(r"\s*(\d{4})\s*[-/.年]\s*(\d{1,2})\s*月?\s*", value)
        if m and 1 <= int(m.group(2)) <= 12:
            ts = _plausible(pd.Timestamp(int(m.group(1)), int(m.group(2)), 1), value, "期间", "period", _MONTH_FORMS)
            return Period.of_month(ts.year, ts.month)
        if _bare_number(value):
            raise _err(f"期间“{_shown(value)}”不是可识别的期间（文本中的数字不按 Excel 日期序号读取）：{_MONTH_FORMS[0]}",
                       f"period '{_shown(value)}' is not a period (a number typed as text is not read as an Excel "
                       f"date serial): {_MONTH_FORMS[1]}")
    v, bad = coerce.to_datetime(pd.Series([value], dtype=object), date1904)
    if bad.iloc[0] or pd.isna(v.iloc[0]):
        raise _err(f"期间“{_shown(value)}”不是可识别的期间：{_MONTH_FORMS[0]}",
                   f"period '{_shown(value)}' is not a period: {_MONTH_FORMS[1]}")
    ts = _plausible(v.iloc[0], value, "期间", "period", _MONTH_FORMS)
    return Period.of_month(ts.year, ts.month)


_AS_OF_FORMS = ("请写成 2026-10-31 18:00 这样的日期时间（或日期）", "write it as a date/time such as 2026-10-31 18:00 (or a date)")
# Words for "the current moment" typed as text (also Excel's =NOW() typed as text, not entered as a formula):
# as_of empty already means now, so the message says where to leave it empty.
_NOW_WORDS = re.compile(r"\s*(?:=?\s*(?:now|today)\s*(?:\(\s*\))?|现在|今天|今日|此刻|当前|当前时间|现在时间)\s*",
                        re.IGNORECASE)


def _now_word_error(value: str) -> InputError:
    return _err(f"截至时间“{_shown(value)}”是文字，不是日期时间：要按当前时刻出报告，请让截至时间留空（命令行：不写 --as-of；"
                f"Excel：SP_AsOf 单元格留空，或输入公式 =NOW()，而不是文字）；要指定某一时刻，{_AS_OF_FORMS[0]}",
                f"as_of '{_shown(value)}' is a word, not a date/time: for the current moment leave as_of empty "
                f"(command line: leave out --as-of; Excel: leave the SP_AsOf cell empty, or enter =NOW() as a "
                f"formula, not as text); for a given moment, {_AS_OF_FORMS[1]}")


def parse_as_of(value=None, date1904: bool = False) -> pd.Timestamp:
    """The moment the report describes; blank -> now (local wall-clock, to the second).

    A date without a time of day means the end of that day (23:59:59): "as of 2026-10-31" includes
    everything that happened on the 31st. Numbers follow the period's rule: a year (1990…2100) or text
    that is only a number is refused; other numbers are Excel serials of a moment in 1990…2100. A month
    alone (2026-10) is refused: say which day. The words now, today, 现在, 今天 (and =NOW() typed as text) are
    refused with their own message: leave as_of empty for the current moment."""
    if _blank(value):
        return pd.Timestamp.now().floor("s")
    if isinstance(value, str) and _NOW_WORDS.fullmatch(value):
        raise _now_word_error(value)
    if _year_like(value):
        raise _year_error(value, "截至时间", "as_of", "2026-10-31 18:00")
    if isinstance(value, str) and _bare_number(value):
        raise _err(f"截至时间“{_shown(value)}”不是日期时间（文本中的数字不按 Excel 日期序号读取）：{_AS_OF_FORMS[0]}",
                   f"as_of '{_shown(value)}' is not a date/time (a number typed as text is not read as an Excel "
                   f"date serial): {_AS_OF_FORMS[1]}")
    if isinstance(value, str) and re.fullmatch(r"\s*\d{4}\s*[-/.年]\s*\d{1,2}\s*月?\s*", value):
        raise _err(f"截至时间“{_shown(value)}”只有年月，没有日期：{_AS_OF_FORMS[0]}",
                   f"as_of '{_shown(value)}' is a month, not a date: {_AS_OF_FORMS[1]}")
    v, bad = coerce.to_datetime(pd.Series([value], dtype=object), date1904)
    if isinstance(value, (bool, np.bool_)) or bad.iloc[0] or pd.isna(v.iloc[0]):
        raise _err(f"截至时间“{_shown(value)}”不是日期时间：{_AS_OF_FORMS[0]}",
                   f"as_of '{_shown(value)}' is not a date/time: {_AS_OF_FORMS[1]}")
    ts = _plausible(v.iloc[0], value, "截至时间", "as_of", _AS_OF_FORMS)
    date_only = (isinstance(value, str) and re.fullmatch(r"\s*\d{4}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}\s*日?\s*", value)) or \
        (_is_number(value) and float(value).is_integer()) or \
        (isinstance(value, dt.date) and not isinstance(value, dt.datetime))
    if date_only:
        ts = ts + pd.Timedelta(days=1) - pd.Timedelta(seconds=1)
    return ts
