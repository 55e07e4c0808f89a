"""Reporting period (a calendar month) and the as_of moment."""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..inputs import coerce
from ..inputs.tables import InputError


@dataclass(frozen=True)
class Period:
    year: int
    month: int

    @property
    def label(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    @property
    def start(self) -> pd.Timestamp:
        return pd.Timestamp(self.year, self.month, 1)

    @property
    def end(self) -> pd.Timestamp:
        """Exclusive end: the first moment of the next month."""
        return self.start + pd.offsets.MonthBegin(1)

    @property
    def last_day(self) -> pd.Timestamp:
        return self.end - pd.Timedelta(days=1)

    def shift(self, months: int) -> "Period":
        k = self.year * 12 + self.month - 1 + months
        return Period(k // 12, k % 12 + 1)

    def window(self, months: int) -> list["Period"]:
        """The `months` periods ending with this one, oldest first."""
        return [self.shift(-i) for i in range(months - 1, -1, -1)]

    def contains(self, s: pd.Series) -> pd.Series:
        return (s >= self.start) & (s < self.end)

    def __str__(self):
        return self.label


def _blank(v) -> bool:
    return v is None or (isinstance(v, float) and v != v) or (isinstance(v, str) and not v.strip())


# Periods and as_of must lie in these years. Outside them a value is a typing slip (2026 read as a date
# is 1905-07-18; 20261 is 2015-06-20 … or 1955), never a month anyone reports on.
FIRST_YEAR, LAST_YEAR = 1990, 2100

_MONTH_FORMS = ("请写成 2026-10 这样的年月（或月内任一日期）", "write it as YYYY-MM (e.g. 2026-10) or give a date inside the month")
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
    return InputError(f"{zh} / {en}")


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
    if what_en == "period":
        return _err(f"{what_zh}“{_shown(v)}”是年份，不是月份：请写成 {ex}（或月内任一日期）；按季度、按年的报告尚未支持",
                    f"{what_en} '{_shown(v)}' is a year, not a month: write it as {ex} (or any date inside the "
                    f"month); quarter and year reports are not available yet")
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


def parse_period(value=None, default_from: pd.Series | None = None, date1904: bool = False) -> Period:
    """`YYYY-MM` (also 2026/10, 2026.10, 2026年10月, 202610), or any date inside the month; blank -> the
    month of the latest date in `default_from` (the tickets' opened_at), else the current month.

    How numbers are told apart (Excel sends a typed 2026 as 2026.0 and a date cell as its serial):
    a number between 1990 and 2100 is a *year* and is refused (a year is not a month; the serials of
    those years are 32874 and above, so no date is lost); a six-digit 199001…210012 is YYYYMM; any other
    number is an Excel date serial, accepted only when its date lies in 1990…2100. Text that is only a
    number (the command line's ``--period 46300``) is never read as a serial.
    """
    if _blank(value):
        if default_from is not None and default_from.notna().any():
            latest = default_from.max()
            return Period(latest.year, latest.month)
        today = dt.date.today()
        return Period(today.year, today.month)
    if isinstance(value, (bool, np.bool_)):
        raise _err(f"期间“{value}”不是月份：{_MONTH_FORMS[0]}", f"period '{value}' is not a month: {_MONTH_FORMS[1]}")
    if _year_like(value):
        raise _year_error(value, "期间", "period", "2026-10")
    ym = _YYYYMM.fullmatch(str(int(value)) if _is_number(value) and float(value).is_integer() else str(value))
    if ym and FIRST_YEAR <= int(ym.group(1)) <= LAST_YEAR:
        if 1 <= int(ym.group(2)) <= 12:
            return Period(int(ym.group(1)), int(ym.group(2)))
        raise _err(f"期间“{_shown(value)}”不是月份：{_MONTH_FORMS[0]}", f"period '{_shown(value)}' is not a month: {_MONTH_FORMS[1]}")
    if isinstance(value, str):
        m = re.fullmatch(r"\s*(\d{4})\s*[-/.年]\s*(\d{1,2})\s*月?\s*", value)
        if m and 1 <= int(m.group(2)) <= 12:
            ts = _plausible(pd.Timestamp(int(m.group(1)), int(m.group(2)), 1), value, "期间", "period", _MONTH_FORMS)
            return Period(ts.year, ts.month)
        if _bare_number(value):
            raise _err(f"期间“{_shown(value)}”不是月份（文本中的数字不按 Excel 日期序号读取）：{_MONTH_FORMS[0]}",
                       f"period '{_shown(value)}' is not a month (a number typed as text is not read as an Excel "
                       f"date serial): {_MONTH_FORMS[1]}")
    v, bad = coerce.to_datetime(pd.Series([value], dtype=object), date1904)
    if bad.iloc[0] or pd.isna(v.iloc[0]):
        raise _err(f"期间“{_shown(value)}”不是月份：{_MONTH_FORMS[0]}",
                   f"period '{_shown(value)}' is not a month: {_MONTH_FORMS[1]}")
    ts = _plausible(v.iloc[0], value, "期间", "period", _MONTH_FORMS)
    return Period(ts.year, ts.month)


_AS_OF_FORMS = ("请写成 2026-10-31 18:00 这样的日期时间（或日期）", "write it as a date/time such as 2026-10-31 18:00 (or a date)")


def parse_as_of(value=None, date1904: bool = False) -> pd.Timestamp:
    """The moment the report describes; blank -> now (local wall-clock, to the second).

    A date without a time of day means the end of that day (23:59:59): "as of 2026-10-31" includes
    everything that happened on the 31st. Numbers follow the period's rule: a year (1990…2100) or text
    that is only a number is refused; other numbers are Excel serials of a moment in 1990…2100. A month
    alone (2026-10) is refused: say which day."""
    if _blank(value):
        return pd.Timestamp.now().floor("s")
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
