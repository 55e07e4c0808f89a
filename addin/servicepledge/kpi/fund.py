"""The special after-sales fund (专项售后服务基金): budget use per category and the disclosure."""
from __future__ import annotations

import pandas as pd

from ..period import Period
from ..tables import Loaded

# Categories whose lines name people (salaries): aggregated in the disclosure, never listed.
AGGREGATED = {"薪酬", "salaries", "salary", "工资"}


def _ledger(ledger: Loaded) -> pd.DataFrame:
    ok = ledger.usable("date", "category", "amount") & ledger.df["date"].notna() & ledger.df["amount"].notna() \
        & ledger.df["category"].notna()
    df = ledger.df.loc[ok].copy()
    df["approved"] = df["approved"].fillna(False).astype(bool)
    return df


def _budget(budget: Loaded, year: int) -> pd.Series:
    df = budget.df.loc[budget.usable("year", "category", "budget")]
    df = df[df["year"] == year]
    return df.groupby("category", sort=False)["budget"].sum()


def fund(ledger: Loaded, budget: Loaded, period: Period) -> dict:
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
    unap = ~df["approved"]
    return {
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
    }


def disclosure(ledger: Loaded, period: Period) -> pd.DataFrame:
    """The period's entries for publication: by category, with approval status, no personal names.

    Salary lines and every payee are aggregated per category and approval status; other entries are
    listed with voucher, date, description and amount (never the payee).
    """
    df = _ledger(ledger)
    df = df.loc[period.contains(df["date"])]
    agg_mask = df["category"].astype(str).str.strip().str.lower().isin(AGGREGATED)
    listed = df.loc[~agg_mask, ["category", "entry_id", "date", "description", "amount", "approved", "approved_on"]]
    grouped = (df.loc[agg_mask].groupby(["category", "approved"], as_index=False)
               .agg(amount=("amount", "sum"), entries=("amount", "size")))
    if len(grouped):
        for col in ("entry_id", "date", "approved_on", "description"):    # empty, typed as listed's:
            grouped[col] = pd.Series(None, index=grouped.index, dtype=listed[col].dtype)   # same in pandas 2 and 3
        grouped["aggregated"] = True
    listed = listed.assign(entries=1, aggregated=False)
    out = pd.concat([listed, grouped[listed.columns]] if len(grouped) else [listed], ignore_index=True)
    return out.sort_values(["category", "aggregated", "date"], kind="stable").reset_index(drop=True)
