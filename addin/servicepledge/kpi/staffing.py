"""Headcount, staff turnover against the threshold, certified share (docs/DEFINITIONS.md §5)."""
from __future__ import annotations

import numpy as np
import pandas as pd

from ..core import availability
from ..core.period import Period
from ..inputs.tables import Loaded

ACTION = {
    "zh": "人员流失率超过阈值：须进行补充培训或更换同等资质人员",
    "en": "Turnover above the threshold: supplementary training or replacement with equally qualified staff is required",
}


def _valid(staff: Loaded) -> pd.DataFrame:
    ok = staff.usable("hired_on", "left_on") & staff.df["hired_on"].notna()
    return staff.df.loc[ok]


def headcount(df: pd.DataFrame, days) -> np.ndarray:
    """Staff employed on each day in `days`: hired_on <= d and (left_on blank or left_on >= d)."""
    hired = np.sort(df["hired_on"].to_numpy(dtype="datetime64[us]"))
    left = np.sort(df["left_on"].dropna().to_numpy(dtype="datetime64[us]"))
    d = np.asarray(pd.DatetimeIndex(days).as_unit("us").to_numpy())
    # hired by d minus those whose last day was before d
    return np.searchsorted(hired, d, side="right") - np.searchsorted(left, d, side="left")


def _days(days) -> np.ndarray:
    return np.asarray(pd.DatetimeIndex(days).as_unit("us").to_numpy())


def separations(df: pd.DataFrame, first: pd.Timestamp, last: pd.Timestamp) -> int:
    lo = df["left_on"]
    return int(((lo >= first) & (lo <= last)).sum())


def monthly(df: pd.DataFrame, periods: list[Period]) -> pd.DataFrame:
    """Per month: headcount at start and end, average, separations, rate."""
    firsts = [p.start for p in periods]
    lasts = [p.last_day for p in periods]
    hs, he = headcount(df, firsts), headcount(df, lasts)
    # separations per month (left_on within [first, last]) by two binary searches over the sorted dates
    left = np.sort(df["left_on"].dropna().to_numpy(dtype="datetime64[us]"))
    seps = (np.searchsorted(left, _days(lasts), side="right") - np.searchsorted(left, _days(firsts), side="left")).tolist()
    out = pd.DataFrame({"period": [p.label for p in periods], "headcount_start": hs, "headcount_end": he,
                        "separations": seps})
    out["average_headcount"] = (out["headcount_start"] + out["headcount_end"]) / 2
    out["rate"] = (out["separations"] / out["average_headcount"]).where(out["average_headcount"] > 0)
    return out


def of_period(df: pd.DataFrame, period: Period) -> dict:
    """The period as a whole: headcount on its first and last day, separations in it (both ends included),
    and its average headcount = the mean of the averages of the calendar months it touches, each month cut
    to the period's days (a range starting on the 10th counts its first month from the 10th). For a month
    this is that month's figures; for 2026-Q3 the mean of July's, August's and September's averages."""
    months = period.months()
    firsts = [max(p.start, period.start) for p in months]
    lasts = [min(p.last_day, period.last_day) for p in months]
    avg = float(((headcount(df, firsts) + headcount(df, lasts)) / 2).mean())
    seps = separations(df, period.start, period.last_day)
    return {"separations": seps, "headcount_start": int(headcount(df, [period.start])[0]),
            "headcount_end": int(headcount(df, [period.last_day])[0]), "average_headcount": avg,
            "rate": seps / avg if avg > 0 else None, "months": len(months)}


def turnover(staff: Loaded, period: Period, terms, lang: str = "zh") -> dict:
    """Turnover of the period (separations in it / its average headcount) and of the rolling window of
    `turnover_window_months` calendar months ending with the month of the period's last day (the threshold
    test), and the certified share on the period's last day."""
    df = _valid(staff)
    window = int(terms["turnover_window_months"])
    m = monthly(df, period.window(window))
    cur = of_period(df, period)
    roll_avg = float(m["average_headcount"].mean())
    roll_seps = int(m["separations"].sum())
    roll_rate = roll_seps / roll_avg if roll_avg > 0 else None
    threshold = float(terms["turnover_threshold"])
    exceeded = None if roll_rate is None else roll_rate > threshold
    end_staff = df[(df["hired_on"] <= period.last_day) &
                   (df["left_on"].isna() | (df["left_on"] >= period.last_day))]
    hc_end = len(end_staff)
    # an unreadable 资质认证 cell counts neither as certified nor as not certified
    cert_unknown = staff.bad.loc[end_staff.index, "certified"].to_numpy(dtype=bool)
    certified = int(end_staff["certified"].fillna(False).to_numpy(dtype=bool)[~cert_unknown].sum())
    cert_base = hc_end - int(cert_unknown.sum())
    out = {
        "separations": int(cur["separations"]),
        "headcount_start": cur["headcount_start"],
        "headcount_end": cur["headcount_end"],
        "average_headcount": cur["average_headcount"],
        "rate": cur["rate"],
        "period_months": cur["months"],
        "rolling_months": window,
        "rolling_separations": roll_seps,
        "rolling_average_headcount": roll_avg,
        "rolling_rate": roll_rate,
        "threshold": threshold,
        "exceeded": exceeded,
        "required_action": ACTION[lang] if exceeded else None,
        "certified": certified,
        "certified_share": None if cert_base == 0 else certified / cert_base,
        "certified_unknown": int(cert_unknown.sum()),
        "excluded": int(len(staff.df) - len(df)),
        "unavailable": None,
        "certified_unavailable": availability.reason(staff, "certified_share", lang),
    }
    if out["certified_unavailable"]:
        out.update(certified=None, certified_share=None, certified_unknown=None)
    why = availability.reason(staff, "turnover", lang)
    if why:   # without leaving dates nobody ever left: no rate, no verdict, no required action
        out.update({k: None for k in ("separations", "headcount_start", "headcount_end", "average_headcount",
                                      "rate", "rolling_separations", "rolling_average_headcount",
                                      "rolling_rate", "exceeded", "required_action")}, unavailable=why)
    return out


def history(staff: Loaded, period: Period, terms, months: int = 12) -> pd.DataFrame:
    """Monthly and rolling rates for the last `months` months (for the chart and the staffing sheet)."""
    df = _valid(staff)
    window = int(terms["turnover_window_months"])
    span = period.window(months + window - 1)
    m = monthly(df, span)
    roll_seps = m["separations"].rolling(window).sum()
    roll_avg = m["average_headcount"].rolling(window).mean()
    m["rolling_rate"] = (roll_seps / roll_avg).where(roll_avg > 0)
    m["threshold"] = float(terms["turnover_threshold"])
    if availability.missing(staff, "turnover"):
        m[["separations", "rate", "rolling_rate"]] = np.nan
    return m.iloc[-months:].reset_index(drop=True)
