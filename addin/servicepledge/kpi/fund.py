"""The special after-sales fund (专项售后服务基金): budget use per category and the disclosure."""
from __future__ import annotations

import pandas as pd

from ..core import availability
from ..core.period import Period
from ..inputs.tables import Issues, Loaded

# Categories whose lines name people (salaries): aggregated in the disclosure, never listed.
AGGREGATED = {"薪酬", "salaries", "salary", "工资"}


def _ledger(ledger: Loaded) -> pd.DataFrame:
    """Usable entries; `approved` is True, False (blank counts as not approved) or None when the approval
    cell holds an unknown word: such an entry is spent money, but on neither side of approved/unapproved."""
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


def fund(ledger: Loaded, budget: Loaded, period: Period, lang: str = "en") -> dict:
    df = _ledger(ledger)
    year_start = pd.Timestamp(period.year, 1, 1)
    in_p = period.contains(df["date"])
    ytd = (df["date"] >= year_start) & (df["date"] < period.end)
    lines = _budget(budget, period.year)
    cats = list(dict.fromkeys([*lines.index, *df.loc[ytd, "category"]]))
    spent_p = df.loc[in_p].groupby("category")["amount"].sum()
    spent_y = df.loc[ytd].groupby("category")["amount"].sum()
    rows = []
    for c in cats:
        b = float(lines[c]) if c in lines.index else None
        sy = float(spent_y.get(c, 0.0))
        rows.append({
            "category": c,
            "budget": b,
            "spent_period": float(spent_p.get(c, 0.0)),
            "spent_ytd": sy,
            "utilization": None if not b else sy / b,
            "flagged": c not in lines.index,
        })
    known = df["approved"].notna()
    unap = known & (df["approved"] != True)   # noqa: E712 (object column: True/False/None)
    appr = known & ~unap
    out = {
        "year": period.year,
        "categories": rows,
        "budget_total": float(lines.sum()) if len(lines) else None,
        "spent_period_total": float(df.loc[in_p, "amount"].sum()),
        "spent_ytd_total": float(df.loc[ytd, "amount"].sum()),
        "unapproved_count": int((in_p & unap).sum()),
        "unapproved_amount": float(df.loc[in_p & unap, "amount"].sum()),
        "unapproved_count_ytd": int((ytd & unap).sum()),
        "unapproved_amount_ytd": float(df.loc[ytd & unap, "amount"].sum()),
        "excluded": int(len(ledger.df) - len(df)),
        "approved_count": int((in_p & appr).sum()),
        "approved_amount": float(df.loc[in_p & appr, "amount"].sum()),
        # entries whose approval cell holds an unknown word: in neither the approved nor the unapproved totals
        "approval_unknown_count": int((in_p & ~known).sum()),
        "approval_unknown_amount": float(df.loc[in_p & ~known, "amount"].sum()),
        "approval_unknown_count_ytd": int((ytd & ~known).sum()),
        "approval_unknown_amount_ytd": float(df.loc[ytd & ~known, "amount"].sum()),
        "unapproved_unavailable": None,
    }
    why = availability.reason(ledger, "unapproved", lang)
    if why:
        out.update({k: None for k in ("unapproved_count", "unapproved_amount", "unapproved_count_ytd",
                                      "unapproved_amount_ytd", "approved_count", "approved_amount",
                                      "approval_unknown_count", "approval_unknown_amount",
                                      "approval_unknown_count_ytd", "approval_unknown_amount_ytd")},
                   unapproved_unavailable=why)
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


def disclosure(ledger: Loaded, period: Period) -> pd.DataFrame:
    """The period's entries for publication: by category, with approval status, no personal names.

    Salary lines and every payee are aggregated per category and approval status; other entries are
    listed with voucher, date, description and amount (never the payee).
    """
    df = _ledger(ledger)
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
