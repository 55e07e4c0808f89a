"""Table-specific plausibility checks run right after a table is typed.

Each marks the unusable cells in `Loaded.bad` and lists them as data issues, so the KPIs leave the
row out only of the figures that need that cell.
"""
from __future__ import annotations

import pandas as pd

from . import vocabulary
from .tables import Issues, Loaded, order_check



def _flag(loaded: Loaded, mask: pd.Series, col: str, problem: tuple, issues: Issues) -> None:
    if mask.any():
        loaded.bad.loc[mask, col] = True
        issues.add_many(loaded.table.name, loaded.df.loc[mask, "_row"], loaded.header(col), problem)


def _tickets(t: Loaded, issues: Issues) -> None:
    order_check(t, "opened_at", ["first_response_at", "initial_solution_at", "resolved_at"], issues)
    order_check(t, "resolved_at", ["followed_up_at"], issues)
    order_check(t, "opened_at", ["response_due_at", "solution_due_at"], issues)
    sat = t.df["satisfaction"]
    _flag(t, sat.notna() & ((sat < 1) | (sat > 5)), "satisfaction", ("满意度必须在 1 到 5 之间", "satisfaction must be between 1 and 5"), issues)
    fee = t.df["service_fee"]
    _flag(t, fee.notna() & (fee < 0), "service_fee", ("服务费用为负数", "negative service fee"), issues)


def _complaints(t: Loaded, issues: Issues) -> None:
    order_check(t, "received_at", ["accepted_at", "progress_at", "final_reply_at"], issues)
    order_check(t, "received_at", ["accept_due_at", "progress_due_at", "final_due_at"], issues)


def _pauses(t: Loaded, issues: Issues) -> None:
    order_check(t, "paused_from", ["paused_to"], issues)   # the pause is then not used


def _staff(t: Loaded, issues: Issues) -> None:
    df = t.df
    _flag(t, df["left_on"].notna() & df["hired_on"].notna() & (df["left_on"] < df["hired_on"]),
          "left_on", ("早于入职日期", "before the hiring date"), issues)


def _ledger(t: Loaded, issues: Issues) -> None:
    amt = t.df["amount"]
    _flag(t, amt.notna() & (amt < 0), "amount", ("金额为负数（退款请单列一个类别，或更正正负号）", "negative amount (enter refunds as a separate "
          "category or correct the sign)"), issues)


def _budget(t: Loaded, issues: Issues) -> None:
    y = t.df["year"]
    _flag(t, y.notna() & ((y != y.round()) | (y < 1900) | (y > 9999)), "year", ("不是年份", "not a year"), issues)
    b = t.df["budget"]
    _flag(t, b.notna() & (b < 0), "budget", ("预算为负数", "negative budget"), issues)


def _notices(t: Loaded, issues: Issues) -> None:
    df = t.df
    sev = df["severity"].map(lambda v: vocabulary.meaning("severity", v), na_action="ignore")
    _flag(t, df["severity"].notna() & sev.isna(), "severity",
          ("无法识别的违约等级（请填写 轻微/一般 = 轻微违约，或 重大/严重 = 重大违约）；改为按规则推定",
           "unknown severity (use 轻微/一般 = minor or 重大/严重 = major); it is derived instead"), issues)
    df["severity"] = sev.astype(object)
    loss = df["direct_loss"]
    _flag(t, loss.notna() & (loss < 0), "direct_loss", ("直接经济损失为负数", "negative loss"), issues)
    _flag(t, df["remedied_on"].notna() & df["notice_date"].notna() & (df["remedied_on"] < df["notice_date"]),
          "remedied_on", ("早于书面通知日期", "before the notice date"), issues)


CHECKS = {"Tickets": _tickets, "Complaints": _complaints, "Staff": _staff, "FundLedger": _ledger,
          "FundBudget": _budget, "Notices": _notices, "Pauses": _pauses}


def run_checks(loaded: Loaded, issues: Issues) -> None:
    fn = CHECKS.get(loaded.table.name)
    if fn and len(loaded.df):
        fn(loaded, issues)
