"""Say so when a report has nothing to count: an empty table, or no records in the chosen month.

A dashboard of dashes looks the same whether the month was quiet or the wrong month (or an empty
template) was read. These warnings name the table and the months the data does cover, so the reader
can tell. They go through `Issues.warn` (JSON `warnings`, the dashboard's red lines, the console).

Rules: a table the workbook lacks is not warned about here (the report lists the tables found); a
table that is present but has no data rows is "empty"; when every one of Tickets, Complaints, Staff
and FundLedger that is present is empty (a fresh template), one warning says the workbook has no data.
Staff "in the period" are the people employed on at least one day of it.
"""
from __future__ import annotations


from .period import Period
from ..inputs.tables import Issues, Loaded

# table -> (date column, what its records are called in zh, en)
DATED = {
    "Tickets": ("opened_at", "工单", "tickets"),
    "Complaints": ("received_at", "投诉", "complaints"),
    "FundLedger": ("date", "支出记录", "ledger entries"),
}
ORDER = ("Tickets", "Complaints", "Staff", "FundLedger")


def _m(ts) -> str:
    return f"{ts:%Y-%m}"


def warn_empty(tables: dict, period: Period, issues: Issues) -> None:
    """Add a warning for each present table with no data rows or no records in `period`."""
    present = [n for n in ORDER if n in tables and tables[n].present]
    empty = [n for n in present if len(tables[n].df) == 0]
    if present and len(empty) == len(present):
        names_zh = "、".join(tables[n].table.zh for n in empty)
        names_en = ", ".join(empty)
        issues.warn("empty_workbook", None, None,
                    f"工作簿中没有任何数据：{names_zh}都是空表。请先填写记录，再生成报告",
                    f"The workbook has no data: {names_en} {'is' if len(empty) == 1 else 'are all'} empty. "
                    f"Fill in the records, then build the report again")
        return
    for name in present:
        t = tables[name]
        if len(t.df) == 0:
            issues.warn("empty_table", name, None,
                        f"{t.table.zh}表是空的：没有任何数据行，相关指标为空",
                        f"{name} is empty: it has no data rows, so its figures are blank")
        elif name == "Staff":
            _staff(t, period, issues)
        else:
            _dated(t, period, issues)


def _dated(t: Loaded, period: Period, issues: Issues) -> None:
    col, word_zh, word_en = DATED[t.table.name]
    name, head = t.table.name, t.header(col)
    when = t.df[col].dropna()
    if when.empty:
        issues.warn("empty_population", name, col,
                    f"{t.table.zh}有 {len(t.df)} 行，但没有一行的“{head}”可用（见数据问题），相关指标为空",
                    f"{name} has {len(t.df)} rows but none has a usable '{head}' (see the data issues), "
                    f"so its figures are blank")
        return
    if period.contains(when).any():
        return
    lo, hi = _m(when.min()), _m(when.max())
    span_zh = lo if lo == hi else f"{lo} 至 {hi}"
    span_en = f"are all in {lo}" if lo == hi else f"run from {lo} to {hi}"
    issues.warn("empty_population", name, col,
                f"{t.table.zh}在 {period.label} 没有记录（数据中的{word_zh}日期范围为 {span_zh}）",
                f"{name} has no rows in {period.label} (the {word_en} in the data {span_en})")


def _staff(t: Loaded, period: Period, issues: Issues) -> None:
    df = t.df.loc[t.usable("hired_on", "left_on") & t.df["hired_on"].notna()]
    if df.empty:
        issues.warn("empty_population", "Staff", "hired_on",
                    f"{t.table.zh}有 {len(t.df)} 行，但没有一行的“{t.header('hired_on')}”可用（见数据问题），人员指标为空",
                    f"Staff has {len(t.df)} rows but none has a usable '{t.header('hired_on')}' (see the data issues), "
                    f"so the staffing figures are blank")
        return
    left = df["left_on"]
    employed = (df["hired_on"] <= period.last_day) & (left.isna() | (left >= period.start))
    if employed.any():
        return
    lo = _m(df["hired_on"].min())
    still = left.isna().any()
    hi_zh, hi_en = ("今", "now") if still else (_m(left.max()), _m(left.max()))
    issues.warn("empty_population", "Staff", "hired_on",
                f"{t.table.zh}在 {period.label} 没有在职人员（数据中的人员在职期间为 {lo} 至 {hi_zh}）",
                f"Staff has nobody employed in {period.label} (the staff in the data were employed from {lo} "
                f"to {hi_en})")
