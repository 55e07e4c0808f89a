"""Which figure needs which input column, and what the report says when a column is missing.

A figure whose column is absent from a table that is present (a typo in the header, a column never
added) is *unavailable*: the JSON gives the figure as null with `"unavailable": "missing column …"`,
the dashboard card says it cannot be computed (never 0%), the rows create no breach for that reason,
and one warning per table names the columns and the figures. A table that is absent altogether is not
"unavailable": it simply has no rows.
"""
from __future__ import annotations

from ..inputs.schema import TABLES

# figure -> (table, columns it needs, zh name, en name)
NEEDS: dict[str, tuple[str, tuple[str, ...], str, str]] = {
    "response": ("Tickets", ("first_response_at",), "首次响应达标率", "first-response compliance"),
    "initial_solution": ("Tickets", ("complex", "initial_solution_at"), "复杂问题初步方案达标率",
                         "initial-solution compliance"),
    "accept": ("Complaints", ("accepted_at",), "投诉受理达标率", "complaint-accept compliance"),
    "progress": ("Complaints", ("progress_at",), "投诉进展反馈达标率", "complaint-progress compliance"),
    "final": ("Complaints", ("final_reply_at",), "投诉最终答复达标率", "complaint final-answer compliance"),
    "quality": ("Tickets", ("quality_ok",), "质量不达标违约", "quality breaches"),
    "fee_reduction": ("Tickets", ("service_fee",), "服务费减免金额", "fee reductions"),
    "followup": ("Tickets", ("resolved_at", "followed_up_at"), "回访率", "follow-up rate"),
    "satisfaction": ("Tickets", ("resolved_at", "satisfaction"), "平均满意度", "mean satisfaction"),
    "turnover": ("Staff", ("left_on",), "人员流失率", "staff turnover"),
    "certified_share": ("Staff", ("left_on", "certified"), "持证上岗率", "certified share"),
    "unapproved": ("FundLedger", ("approved",), "未经财务审核笔数与金额", "unapproved fund entries"),
    "compensation": ("Notices", ("direct_loss",), "重大违约赔偿金额", "compensation"),
    "remedy_status": ("Notices", ("remedied_on",), "违约整改状态（逾期/已整改）", "breach remedy status"),
}


def _present(loaded) -> bool:
    return loaded is not None and bool(loaded.headers)


def missing(loaded, figure: str) -> list[str]:
    """The columns `figure` needs that the (present) table lacks; [] when the table is absent."""
    table, cols, _, _ = NEEDS[figure]
    if not _present(loaded) or loaded.table.name != table:
        return []
    return [c for c in cols if c not in loaded.headers]


def _spelled(table: str, col: str, loaded=None) -> str:
    """A column as the user's workbook would name it: 首次响应时间 (first_response_at); in a workbook whose
    headers are all English, first_response_at."""
    c = TABLES[table].column(col)
    if loaded is not None and _english_headers(loaded):
        return c.name
    return f"{c.aliases[0]} ({c.name})" if c.aliases else c.name


def _english_headers(loaded) -> bool:
    heads = [str(h) for h in getattr(loaded, "headers", {}).values()]
    return bool(heads) and not any("\u4e00" <= ch <= "\u9fff" for h in heads for ch in h)


def reason(loaded, figure: str, lang: str = "en") -> str | None:
    """Why `figure` cannot be computed from `loaded`, or None when it can.

    en: "missing column 首次响应时间 (first_response_at); header '首次响应时问' not recognised"
    zh: "缺少列 首次响应时间 (first_response_at)；列名『首次响应时问』未识别"
    """
    cols = missing(loaded, figure)
    if not cols:
        return None
    table = NEEDS[figure][0]
    names = ", ".join(_spelled(table, c, loaded) for c in cols)
    near = [loaded.near[c] for c in cols if c in getattr(loaded, "near", {})]
    if lang == "zh":
        text = f"缺少列 {'、'.join(_spelled(table, c, loaded) for c in cols)}"
        return text + (f"；列名{'、'.join(f'『{h}』' for h in near)}未识别" if near else "")
    text = f"missing column{'s' if len(cols) > 1 else ''} {names}"
    return text + (f"; header {', '.join(repr(h) for h in near)} not recognised" if near else "")


def figures_needing(table: str, col: str) -> list[str]:
    return [f for f, (t, cols, _, _) in NEEDS.items() if t == table and col in cols]


def consequence(table: str, col: str) -> tuple[str, str]:
    """What is lost without `col`: ("首次响应达标率无法计算", "first-response compliance is not computed")."""
    figs = figures_needing(table, col)
    if not figs:
        return "该列未读取", "The column is not read."
    zh = "、".join(NEEDS[f][2] for f in figs) + "无法计算"
    en = ", ".join(NEEDS[f][3] for f in figs)
    return zh, en[0].upper() + en[1:] + (" are" if len(figs) > 1 else " is") + " not computed."


def warn_missing(tables: dict, issues) -> None:
    """One warning per present table whose missing columns make figures unavailable (near-miss headers
    already have their own warning naming both spellings)."""
    for name, loaded in tables.items():
        if not _present(loaded):
            continue
        figs = [f for f, (t, _, _, _) in NEEDS.items() if t == name and missing(loaded, f)]
        cols = list(dict.fromkeys(c for f in figs for c in missing(loaded, f)
                                  if c not in getattr(loaded, "near", {})))
        if not cols:
            continue
        figs = [f for f in figs if any(c in cols for c in missing(loaded, f))]
        t = TABLES[name]
        zh_cols = "、".join(f"『{c}』" if _english_headers(loaded) else f"『{TABLES[name].column(c).aliases[0]}』({c})"
                            for c in cols)
        en_cols = ", ".join(_spelled(name, c, loaded) for c in cols)
        zh_figs = "、".join(NEEDS[f][2] for f in figs)
        en_figs = ", ".join(NEEDS[f][3] for f in figs)
        issues.warn("missing_column", name, ",".join(cols),
                    f"{t.zh}缺少列{zh_cols}：{zh_figs}无法计算",
                    f"{name} has no column {en_cols}: {en_figs} cannot be computed")
