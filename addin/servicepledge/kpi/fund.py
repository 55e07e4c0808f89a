"""The special after-sales fund (专项售后服务基金): budget use per category and the disclosure."""
from __future__ import annotations

import pandas as pd

from ..core import availability
from ..core.period import Period
from ..inputs.tables import Issues, Loaded

# Categories whose lines name people (salaries): aggregated in the disclosure, never listed.
AGGREGATED = {"薪酬", "salaries", "salary", "工资"}


def usable_entries(ledger: Loaded) -> pd.DataFrame:
    """Usable entries; `approved` is True, False (blank counts as not approved) or None when the approval
    cell holds an unknown word: such an entry is spent money, but on neither side of approved/unapproved.
    A caller that needs `fund`, `disclosure` and `unapproved_entries` works them out once and passes them
    to each as `entries` (read only, never modified)."""
    ok = ledger.usable("date", "category", "amount") & ledger.df["date"].notna() & ledger.df["amount"].notna() \
        & ledger.df["category"].notna()
    df = ledger.df.loc[ok].copy()
    if availability.missing(ledger, "unapproved"):    # no approval column: approval unknown, not "no"
        df["approved"] = pd.Series(None, index=df.index, dtype=object)
        return df
    unknown = ledger.bad.loc[ok, "approved"].to_numpy(dtype=bool)
    approved = df["approved"].fillna(False).to_numpy(dtype=bool).astype(object)
    approved[unknown] = None
    df["approved"] = pd.Series(approved, index=df.index, dtype=object)
    return df


def _budget(budget: Loaded, year: int) -> pd.Series:
    df = budget.df.loc[budget.usable("year", "category", "budget")]
    df = df[df["year"] == year]
    return df.groupby("category", sort=False)["budget"].sum()


def budget_shares(period: Period) -> dict[int, float]:
    """year -> the share of that year's annual budget the period stands for (the pro-rated budget).

    Months, quarters, half-years and years count whole months: a quarter is 3/12 of its year's budget.
    A range of days counts days, each year by its own length: 2025-12-01..2026-01-31 is 31/365 of the
    2025 budget plus 31/365 of the 2026 budget.
    """
    if period.kind != "range":
        return {period.year: len(period.months()) / 12}
    out = {}
    for y in range(period.start.year, period.last_day.year + 1):
        first, after = pd.Timestamp(y, 1, 1), pd.Timestamp(y + 1, 1, 1)
        days = (min(period.end, after) - max(period.start, first)).days
        out[y] = days / (after - first).days
    return out


def ytd_span(period: Period) -> tuple[pd.Timestamp, pd.Timestamp]:
    """Year to date: 1 January of the year of the period's last day, up to (not including) the period's end.
    A range crossing a year boundary: YTD starts on 1 January of its *last* year, so it is shorter than the range."""
    return pd.Timestamp(period.year, 1, 1), period.end


def fund(ledger: Loaded, budget: Loaded, period: Period, lang: str = "en",
         entries: pd.DataFrame | None = None) -> dict:
    df = usable_entries(ledger) if entries is None else entries
    year_start, _ = ytd_span(period)
    in_p = period.contains(df["date"])
    ytd = (df["date"] >= year_start) & (df["date"] < period.end)
    lines = _budget(budget, period.year)
    shares = budget_shares(period)
    by_year = {y: (lines if y == period.year else _budget(budget, y)) for y in shares}
    cats = list(dict.fromkeys([*lines.index, *df.loc[ytd | in_p, "category"]]))
    spent_p = df.loc[in_p].groupby("category")["amount"].sum()
    spent_y = df.loc[ytd].groupby("category")["amount"].sum()
    known = df["approved"].notna()
    unap = known & (df["approved"] != True)   # noqa: E712 (object column: True/False/None)
    appr = known & ~unap
    un_p = df.loc[in_p & unap].groupby("category")["amount"].agg(["size", "sum"])
    un_y = df.loc[ytd & unap].groupby("category")["amount"].agg(["size", "sum"])
    rows = []
    for c in cats:
        b = float(lines[c]) if c in lines.index else None
        # pro-rated: every year the period touches must have a budget line for the category
        bp = sum(float(by_year[y][c]) * s for y, s in shares.items()) \
            if all(c in by_year[y].index for y in shares) else None
        sy, sp = float(spent_y.get(c, 0.0)), float(spent_p.get(c, 0.0))
        rows.append({
            "category": c,
            "budget": b,
            "budget_period": bp,
            "spent_period": sp,
            "spent_ytd": sy,
            "utilization": None if not b else sy / b,
            "utilization_period": None if not bp else sp / bp,
            "flagged": c not in lines.index,
            "unapproved_count": int(un_p["size"].get(c, 0)),
            "unapproved_amount": float(un_p["sum"].get(c, 0.0)),
            "unapproved_count_ytd": int(un_y["size"].get(c, 0)),
            "unapproved_amount_ytd": float(un_y["sum"].get(c, 0.0)),
        })
    bp_total = [r["budget_period"] for r in rows if r["budget_period"] is not None]
    out = {
        "year": period.year,
        "ytd_from": year_start.strftime("%Y-%m-%d"),
        "categories": rows,
        "budget_total": float(lines.sum()) if len(lines) else None,
        "budget_period_total": float(sum(bp_total)) if bp_total else None,
        "no_budget": [y for y in shares if not len(by_year[y])],
        "spent_period_total": float(df.loc[in_p, "amount"].sum()),
        "spent_ytd_total": float(df.loc[ytd, "amount"].sum()),
        "unapproved_count": int((in_p & unap).sum()),
        "unapproved_amount": float(df.loc[in_p & unap, "amount"].sum()),
        "unapproved_count_ytd": int((ytd & unap).sum()),
        "unapproved_amount_ytd": float(df.loc[ytd & unap, "amount"].sum()),
        "excluded": int(len(ledger.df) - len(df)),
        "approved_count": int((in_p & appr).sum()),
        "approved_amount": float(df.loc[in_p & appr, "amount"].sum()),
        "approved_count_ytd": int((ytd & appr).sum()),
        "approved_amount_ytd": float(df.loc[ytd & appr, "amount"].sum()),
        # entries whose approval cell holds an unknown word: in neither the approved nor the unapproved totals
        "approval_unknown_count": int((in_p & ~known).sum()),
        "approval_unknown_amount": float(df.loc[in_p & ~known, "amount"].sum()),
        "approval_unknown_count_ytd": int((ytd & ~known).sum()),
        "approval_unknown_amount_ytd": float(df.loc[ytd & ~known, "amount"].sum()),
        "unapproved_unavailable": None,
    }
    out["utilization_period"] = (None if not out["budget_period_total"]
                                 else out["spent_period_total"] / out["budget_period_total"])
    why = availability.reason(ledger, "unapproved", lang)
    if why:
        out.update({k: None for k in ("unapproved_count", "unapproved_amount", "unapproved_count_ytd",
                                      "unapproved_amount_ytd", "approved_count", "approved_amount",
                                      "approved_count_ytd", "approved_amount_ytd",
                                      "approval_unknown_count", "approval_unknown_amount",
                                      "approval_unknown_count_ytd", "approval_unknown_amount_ytd")},
                   unapproved_unavailable=why)
        for r in rows:
            r.update(unapproved_count=None, unapproved_amount=None, unapproved_count_ytd=None,
                     unapproved_amount_ytd=None)
    return out


def warn_unreadable_approval(fd: dict, period: Period, issues: Issues) -> None:
    """Entries of the period whose approval could not be read are on neither side: say so on the dashboard."""
    n, amt = fd["approval_unknown_count"], fd["approval_unknown_amount"]
    if n:   # None when the approval column is missing: that has its own missing-column warning
        issues.warn("approval_unknown", "FundLedger", "approved",
                    f"基金台账在 {period.label} 有 {n} 笔支出（¥{amt:,.2f}）的财务审核状态无法识别，"
                    f"未计入已审核或未审核金额（见数据问题）",
                    f"FundLedger has {n} {'entry' if n == 1 else 'entries'} in {period.label} (¥{amt:,.2f}) whose "
                    f"approval could not be read; {'it is' if n == 1 else 'they are'} in neither the approved nor the unapproved totals "
                    f"(see the data issues)")


def warn_no_budget(fd: dict, budget: Loaded, period: Period, issues: Issues) -> None:
    """Money spent in a year the budget table has no line for (it has lines for other years): utilization is
    blank, and the dashboard says why. A workbook without budget lines at all keeps budgets elsewhere: no warning
    (the disclosure still notes it)."""
    years = fd["no_budget"]
    if not years or not (fd["spent_period_total"] or fd["spent_ytd_total"]) \
            or not budget.usable("year", "category", "budget").any():
        return
    ys = "、".join(map(str, years))
    ye = ", ".join(map(str, years))
    issues.warn("no_budget", "FundBudget", "budget",
                f"基金预算表没有 {ys} 年的预算：{period.label} 的基金使用率无法计算（请在基金预算表中补充 {ys} 年各类别的预算）",
                f"FundBudget has no budget for {ye}: the fund utilization of {period.label} cannot be computed "
                f"(add the {ye} budget lines to FundBudget)")


# reconciliation lines, in the order they are taken off the ledger's total (see `reconcile`)
RECONCILE_OFF = ("after_as_of", "duplicate", "negative", "no_category")


def reconcile(raw: Loaded, period: Period, as_of: pd.Timestamp, category_total: float,
              category_total_ytd: float) -> dict:
    """Proof that the category totals are the ledger's total, for the period and year to date.

    `raw` is the ledger as read (before as_of is applied). The **ledger total** adds every amount that is a
    number on a row dated in the span (what SUMIFS over the ledger gives). Taken off it, each row once, in
    this order: rows dated after as_of's day (not yet booked at as_of), repeated vouchers (counted once),
    negative amounts, rows without a category. What is left must be the category total; `difference` is
    whatever is not (0.00 when everything is explained). Rows whose amount is blank or unreadable, and rows
    whose date is unreadable (they belong to no period), cannot be in any total: they are counted beside it.
    """
    df, bad = raw.df, raw.bad
    date_ok = df["date"].notna()              # a date was read (a repeated row is marked bad but has its date)
    num = df["amount"].notna()
    amount = df["amount"].where(num, 0.0)
    later = (df["date"].dt.normalize() > as_of.normalize()).fillna(False).astype(bool)
    dup = bad.all(axis=1) & df["entry_id"].notna() & df["entry_id"].duplicated(keep="first")
    neg = bad["amount"] & num
    nocat = df["category"].isna() | bad["category"]
    year_start, _ = ytd_span(period)
    spans = {"period": date_ok & period.contains(df["date"]),
             "ytd": date_ok & (df["date"] >= year_start) & (df["date"] < period.end)}
    totals = {"period": category_total, "ytd": category_total_ytd}
    out = {}
    for key, span in spans.items():
        rest = span & num
        d = {"ledger_count": int(rest.sum()), "ledger_total": float(amount[rest].sum())}
        left = d["ledger_total"]
        for name, m in zip(RECONCILE_OFF, (later, dup, neg, nocat)):
            hit = rest & m
            d[f"{name}_count"], d[f"{name}_amount"] = int(hit.sum()), float(amount[hit].sum())
            left -= d[f"{name}_amount"]
            rest = rest & ~m
        d["category_total"] = float(totals[key])
        d["difference"] = round(left - totals[key], 2)
        d["amount_unreadable_count"] = int((span & ~num).sum())
        out[key] = d
    nodate = ~date_ok
    out["date_unreadable_count"] = int(nodate.sum())
    out["date_unreadable_amount"] = float(amount[nodate].sum())
    return out


def unapproved_entries(ledger: Loaded, period: Period, entries: pd.DataFrame | None = None) -> pd.DataFrame:
    """Every entry of the period or of the year to date that finance has not approved (and every entry whose
    approval word could not be read), oldest first: the list finance works through.

    Columns: entry_id, date, category, description, amount, payee, approved (False, or None = unreadable),
    in_period. Empty when the ledger has no approval column (the figures then say 'unavailable').
    """
    cols = ["entry_id", "date", "category", "description", "amount", "payee", "approved", "in_period"]
    df = usable_entries(ledger) if entries is None else entries
    if availability.missing(ledger, "unapproved"):
        return pd.DataFrame(columns=cols)
    year_start, _ = ytd_span(period)
    in_p = period.contains(df["date"])
    span = in_p | ((df["date"] >= year_start) & (df["date"] < period.end))
    todo = span & (df["approved"] != True)     # noqa: E712 (False, or None = unreadable)
    out = df.loc[todo].assign(in_period=in_p[todo])
    return out[cols].sort_values(["date", "entry_id"], kind="stable").reset_index(drop=True)


def disclosure(ledger: Loaded, period: Period, entries: pd.DataFrame | None = None) -> pd.DataFrame:
    """The period's entries for publication: by category, with approval status, no personal names.

    Salary lines and every payee are aggregated per category and approval status; other entries are
    listed with voucher, date, description and amount (never the payee).
    """
    df = usable_entries(ledger) if entries is None else entries
    df = df.loc[period.contains(df["date"])]
    agg_mask = df["category"].astype(str).str.strip().str.lower().isin(AGGREGATED)
    listed = df.loc[~agg_mask, ["category", "entry_id", "date", "description", "amount", "approved", "approved_on"]]
    grouped = (df.loc[agg_mask].groupby(["category", "approved"], as_index=False, dropna=False)
               .agg(amount=("amount", "sum"), entries=("amount", "size")))
    if len(grouped):
        for col in ("entry_id", "date", "approved_on", "description"):    # empty, typed as listed's:
            grouped[col] = pd.Series(None, index=grouped.index, dtype=listed[col].dtype)   # same in pandas 2 and 3
        grouped["aggregated"] = True
    listed = listed.assign(entries=1, aggregated=False)
    out = pd.concat([listed, grouped[listed.columns]] if len(grouped) else [listed], ignore_index=True)
    return out.sort_values(["category", "aggregated", "date"], kind="stable").reset_index(drop=True)
