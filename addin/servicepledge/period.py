"""Reporting period (a calendar month) and the as_of moment."""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

import pandas as pd

from . import coerce
from .tables import InputError


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


def parse_period(value=None, default_from: pd.Series | None = None, date1904: bool = False) -> Period:
    """`YYYY-MM`, any date inside the month (cell, serial or text); blank -> month of the latest date
    in `default_from` (the tickets' opened_at), else the current month."""
    if _blank(value):
        if default_from is not None and default_from.notna().any():
            latest = default_from.max()
            return Period(latest.year, latest.month)
        today = dt.date.today()
        return Period(today.year, today.month)
    if isinstance(value, str):
        m = re.fullmatch(r"\s*(\d{4})\s*[-/.年]\s*(\d{1,2})\s*月?\s*", value)
        if m and 1 <= int(m.group(2)) <= 12:
            return Period(int(m.group(1)), int(m.group(2)))
    v, bad = coerce.to_datetime(pd.Series([value], dtype=object), date1904)
    if bad.iloc[0] or pd.isna(v.iloc[0]):
        raise InputError(f"period '{value}' is not a month: write it as YYYY-MM (e.g. 2026-10) or give a date inside the month")
    return Period(v.iloc[0].year, v.iloc[0].month)


def parse_as_of(value=None, date1904: bool = False) -> pd.Timestamp:
    """The moment the report describes; blank -> now (local wall-clock, to the second).

    A date without a time of day means the end of that day (23:59:59): "as of 2026-10-31" includes
    everything that happened on the 31st."""
    if _blank(value):
        return pd.Timestamp.now().floor("s")
    v, bad = coerce.to_datetime(pd.Series([value], dtype=object), date1904)
    if bad.iloc[0] or pd.isna(v.iloc[0]):
        raise InputError(f"as_of '{value}' is not a date/time: write it as 2026-10-31 18:00")
    ts = v.iloc[0]
    date_only = (isinstance(value, str) and re.fullmatch(r"\s*\d{4}[-/.]\d{1,2}[-/.]\d{1,2}\s*", value)) or \
        (isinstance(value, (int, float)) and float(value).is_integer()) or \
        (isinstance(value, dt.date) and not isinstance(value, dt.datetime))
    if date_only:
        ts = ts + pd.Timedelta(days=1) - pd.Timedelta(seconds=1)
    return ts
