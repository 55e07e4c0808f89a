"""The report's sheets as plain data (titles, headers, rows, formats), independent of the writer.

The openpyxl writer (headless report) and the xlwings writer (report button inside Excel) render
the same models, so both show the same figures with the same labels.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from .labels import t
from .privacy import mask_value
from ..report import Report, generated_at
from ..core.terms import EXPLAIN

# column formats understood by the writers
PCT, MONEY, DATE, DATETIME, HOURS, INT, TEXT = "pct", "money", "date", "datetime", "hours", "int", None


@dataclass
class Block:
    title: str | None
    header: list
    rows: list
    formats: list = field(default_factory=list)
    verdict_col: int | None = None      # column of pass/fail words, coloured red/green
    status_col: int | None = None       # column of breach status words (overdue red, remedied green, ...)
    row_formats: list | None = None     # per-row format of the numeric cells (figure lists)
    # presentation (writers that do not know a style may write the block as a plain table)
    style: str = "table"                # "table" | "cards" (headline figures) | "charts" (pictures)
    charts: list = field(default_factory=list)   # style "charts": chart kinds side by side (charts.KINDS)
    groups: list | None = None          # style "cards": [(row label, number of cards)], one card row each
    row_ops: list | None = None         # style "cards": ">=" / "<=" / None per row, shown before the target
    page_break: bool = False            # start a new printed page before this block
    print_parts: list | None = None     # a wide list printed in parts: column indices starting a new page
                                        # across (the first column repeats on each), at a readable scale


@dataclass
class SheetModel:
    key: str
    name: str
    title: str
    subtitle: str
    blocks: list
    print_sheet: bool = True
    notes: list = field(default_factory=list)   # lines under the subtitle (the terms that matter)
    warnings: list = field(default_factory=list)  # lines shown in red under the notes (report warnings)
    page_label: str = "&P / &N"                 # printed footer: page n of N (header/footer codes)


def _v(x):
    """Plain Python value for a cell (None for NaN/NaT)."""
    if x is None:
        return None
    try:
        if pd.isna(x):
            return None
    except (TypeError, ValueError):
        pass
    if isinstance(x, pd.Timestamp):
        return x.to_pydatetime()
    if hasattr(x, "item"):
        return x.item()
    return x


def _verdict(ok, lang):
    return t("na", lang) if ok is None else t("pass" if ok else "fail", lang)


def _subtitle(r: Report) -> str:
    lang = r.lang
    return f"{t('period', lang)} {r.period.label} · {t('as_of', lang)} {r.doc['as_of']}"


def dashboard(r: Report) -> SheetModel:
    lang, d = r.lang, r.doc
    head = [t("figure", lang), t("value", lang), t("target", lang), t("verdict", lang)]
    rows, fmts = [], []

    ops = []

    def add(label, value, target, ok, fmt, op=">=", why=None):
        # a figure without a target is information, not a verdict: leave the verdict empty
        verdict = "" if target is None else _verdict(None if value is None else ok, lang)
        if why:     # a missing input column: say so instead of a figure (the warning line names it)
            value, verdict = t("unavailable", lang), t("unavailable_short", lang)
        rows.append([label, value, target, verdict])
        fmts.append(fmt)
        ops.append(None if target is None else op)

    for m in ("response", "initial_solution"):
        x = d[m]
        add(t(m, lang) + " " + t("compliance", lang), x["compliance"], 1.0,
            None if x["compliance"] is None else x["breached"] == 0, PCT, why=x.get("unavailable"))
    for m in ("accept", "progress", "final"):
        x = d["complaints"][m]
        add(t(m, lang) + " " + t("compliance", lang), x["compliance"], 1.0,
            None if x["compliance"] is None else x["breached"] == 0, PCT, why=x.get("unavailable"))
    tu = d["turnover"]
    add(t("turnover", lang), tu["rolling_rate"], tu["threshold"],
        None if tu["exceeded"] is None else not tu["exceeded"], PCT, "<=", why=tu.get("unavailable"))
    add(t("turnover_month", lang), tu["rate"], None, None, PCT, why=tu.get("unavailable"))
    add(t("certified_share", lang), tu["certified_share"], 1.0,
        None if tu["certified_share"] is None else tu["certified_share"] >= 1.0, PCT,
        why=tu.get("certified_unavailable"))
    fu = d["followup"]
    add(t("followup", lang), fu["rate"], fu["target"], fu["met_target"], PCT, why=fu.get("unavailable"))
    add(t("satisfaction", lang), fu["mean_satisfaction"], None, None, "num", why=fu.get("satisfaction_unavailable"))
    fd = d["fund"]
    util = None if not fd["budget_total"] else fd["spent_ytd_total"] / fd["budget_total"]
    add(t("fund_utilization", lang), util, 1.0, None if util is None else util <= 1.0, PCT, "<=")
    add(t("unapproved", lang), fd["unapproved_count"], 0, fd["unapproved_count"] == 0, INT, "<=",
        why=fd.get("unapproved_unavailable"))
    br = d["breaches"]
    add(t("overdue", lang), br["overdue"], 0, br["overdue"] == 0, INT, "<=")
    # the money a manager is asked about first (issue 13): information, no target
    add(t("fee_reduction_total", lang), br["fee_reduction_total"], None, None, MONEY)
    add(t("compensation_total", lang), br["compensation_total"], None, None, MONEY)
    headline = Block(t("title.report", lang), head, rows, [TEXT, None, None, TEXT], verdict_col=3, row_formats=fmts,
                     style="cards", row_ops=ops,
                     groups=[(t("group.sla", lang), 5), (t("group.staff", lang), 5), (t("group.fund", lang), 5)])
    small = Block(None, [], [], style="charts", charts=["turnover", "fund", "breaches"])
    wide = Block(None, [], [], style="charts", charts=["compliance"], page_break=True)

    sla_head = [t("metric", lang), t("target_hours", lang), t("total", lang), t("met", lang), t("breached", lang),
                t("pending", lang), t("compliance", lang), t("median_hours", lang), t("p90_hours", lang),
                t("at_risk", lang), t("excluded", lang)]
    sla_rows = []
    for m, x in [("response", d["response"]), ("initial_solution", d["initial_solution"]),
                 *[(k, d["complaints"][k]) for k in ("accept", "progress", "final")]]:
        sla_rows.append([t(m, lang), x.get("target_hours"), x["total"], x["met"], x["breached"], x["pending"],
                         t("unavailable", lang) if x.get("unavailable") else x["compliance"],
                         x["median_hours"], x["p90_hours"], x["at_risk"], x["excluded"]])
    sla = Block(t("title.sla", lang), sla_head, sla_rows, [TEXT, HOURS, INT, INT, INT, INT, PCT, HOURS, HOURS, INT, INT])
    br_keys = ["minor", "major", "unnotified", "open", "overdue", "remedied", "remedied_late",
               "fee_reduction_total", "compensation_total"]
    brb = Block(t("title.breach_summary", lang), [t(k, lang) for k in br_keys], [[br[k] for k in br_keys]],
                [INT] * 7 + [MONEY, MONEY])
    return SheetModel("dashboard", t("sheet.dashboard", lang), t("title.report", lang), _subtitle(r),
                      [headline, small, wide, sla, brb], notes=terms_lines(r), warnings=warning_lines(r))


def warning_lines(r: Report) -> list[str]:
    """The report's warnings, one line each, prefixed so they stand out on the dashboard."""
    return [t("warning_line", r.lang, message=w["message"]) for w in r.doc.get("warnings", [])]


def _n(x):
    """2.0 -> '2', 1.5 -> '1.5' (hours and days as a person writes them)."""
    return "" if x is None else (str(int(x)) if float(x).is_integer() else f"{x:g}")


def terms_lines(r: Report) -> list[str]:
    """The terms that matter, stated at the top of the dashboard (two lines)."""
    lang, tm = r.lang, r.terms.display()
    over = [t("terms_override", lang, p=f"P{i}", h=_n(tm.get(f"response_hours_P{i}")))
            for i in range(1, 5) if tm.get(f"response_hours_P{i}") is not None]
    basis = t("basis." + tm["time_basis"], lang, start=tm["work_start"], end=tm["work_end"])
    pct = lambda x: f"{x:.0%}" if x is not None else ""  # noqa: E731
    return [
        t("terms_line", lang, response=_n(tm["response_hours"]), solution=_n(tm["complex_solution_hours"]),
          accept=_n(tm["complaint_accept_hours"]), progress=_n(tm["complaint_progress_hours"]),
          final=_n(tm["complaint_final_hours"]), basis=basis,
          p1=t("paren", lang, x=t("list_sep", lang).join(over)) if over else ""),
        t("terms_line2", lang, threshold=pct(tm["turnover_threshold"]), months=tm["turnover_window_months"],
          followup=pct(tm["followup_target"]), minor=tm["minor_rectify_days"], major=tm["major_solution_days"],
          fee=pct(tm["minor_fee_reduction_ratio"]), comp=pct(tm["major_compensation_ratio"]),
          days=t("days." + tm["day_basis"], lang)),
    ]


def breaches(r: Report, mask: bool) -> SheetModel:
    lang = r.lang
    # readable on A4 (issue 13): printed in two parts, the reference repeated on each — what happened (source,
    # reasons, when, customer, severity), then the notice, remedy, status, money and merged records. The
    # column order is SP_BREACHES' too, so it stays as it was.
    cols = ["ref_id", "source", "reasons", "opened_at", "customer", "severity", "notice_id", "notice_date",
            "deadline", "remedied_on", "status", "service_fee", "direct_loss", "fee_reduction", "compensation",
            "related_ids"]
    fmts = [TEXT, TEXT, TEXT, DATETIME, TEXT, TEXT, TEXT, DATE, DATE, DATE, TEXT, MONEY, MONEY, MONEY, MONEY, TEXT]
    rows = []
    for rec in r.register.to_dict("records"):
        row = []
        for c in cols:
            v = rec[c]
            if c == "reasons":
                v = "、".join(t(x, lang) for x in v) if lang == "zh" else ", ".join(t(x, lang) for x in v)
            elif c in ("source", "severity", "status"):
                v = t(v, lang)
            elif c == "related_ids":       # complaints merged into this item (one remedy per service order)
                v = ("、" if lang == "zh" else ", ").join(map(str, v)) or None
            elif c == "customer":
                v = mask_value(_v(v), "name") if mask else _v(v)
            row.append(_v(v))
        rows.append(row)
    return SheetModel("breaches", t("sheet.breaches", lang), t("title.breaches", lang), _subtitle(r),
                      [Block(None, [t(c, lang) for c in cols], rows, fmts, status_col=cols.index("status"),
                             print_parts=[cols.index("notice_id")])])


def fund(r: Report) -> SheetModel:
    lang, fd = r.lang, r.doc["fund"]
    cols = ["category", "budget", "spent_period", "spent_ytd", "utilization", "flagged"]
    rows = [[c["category"], c["budget"], c["spent_period"], c["spent_ytd"], c["utilization"],
             t("yes", lang) if c["flagged"] else ""] for c in fd["categories"]]
    rows.append([t("all", lang), fd["budget_total"], fd["spent_period_total"], fd["spent_ytd_total"],
                 None if not fd["budget_total"] else fd["spent_ytd_total"] / fd["budget_total"], ""])
    summary = Block(t("title.fund", lang) + f" {fd['year']}", [t(c, lang) for c in cols], rows,
                    [TEXT, MONEY, MONEY, MONEY, PCT, TEXT])
    # columns per block (issue 13): the blocks share the sheet's columns, so like goes above like (money
    # above money) and the one wide text column (the description) is last, under the longest header
    ua = ["unapproved_count", "unapproved_amount", "unapproved_count_ytd", "unapproved_amount_ytd", "excluded"]
    ua += ["approval_unknown_amount", "approval_unknown_count"]
    unap = Block(None, [t(k, lang) for k in ua], [[fd[k] for k in ua]], [INT, MONEY, INT, MONEY, INT, MONEY, INT])
    dcols = ["category", "entry_id", "date", "amount", "approved", "approved_on", "description"]
    drows = []
    for rec in r.disclosure.to_dict("records"):
        desc = t("aggregated_line", lang, n=rec["entries"]) if rec["aggregated"] else _v(rec["description"])
        drows.append([rec["category"], _v(rec["entry_id"]), _v(rec["date"]), _v(rec["amount"]),
                      _approval(rec["approved"], lang, r.doc["fund"].get("unapproved_unavailable")),
                      _v(rec["approved_on"]), desc])
    lines = Block(t("title.disclosure", lang), [t(c, lang) for c in dcols], drows,
                  [TEXT, TEXT, DATE, MONEY, TEXT, DATE, TEXT])
    return SheetModel("fund", t("sheet.fund", lang), t("title.disclosure", lang), _subtitle(r), [summary, unap, lines])


def _approval(v, lang: str, column_missing=None) -> str:
    """是 / 否, or 'unreadable' for an approval word the reader did not know (never shown as 否); blank when
    the ledger has no approval column at all (the dashboard says why)."""
    if column_missing:
        return ""
    return t("approval_unknown", lang) if _v(v) is None else t("yes" if v else "no", lang)


def staffing(r: Report) -> SheetModel:
    lang, tu = r.lang, r.doc["turnover"]
    keys = ["separations", "headcount_start", "headcount_end", "average_headcount", "rate", "rolling_separations",
            "rolling_average_headcount", "rolling_rate", "threshold", "exceeded", "required_action",
            "certified", "certified_share", "excluded"]
    fm = {"rate": PCT, "rolling_rate": PCT, "threshold": PCT, "certified_share": PCT,
          "average_headcount": "num", "rolling_average_headcount": "num"}
    rows = []
    for k in keys:
        v = tu[k]
        if k == "exceeded":      # the question is "exceeded?": answer yes/no, not pass/fail
            v = t("na", lang) if v is None else t("yes" if v else "no", lang)
        rows.append([t(k, lang), v])
    head = Block(t("title.turnover", lang), [t("figure", lang), t("value", lang)], rows,
                 [TEXT, None], row_formats=[fm.get(k, INT) for k in keys])
    hist_cols = ["period", "headcount_start", "headcount_end", "average_headcount", "separations", "rate",
                 "rolling_rate", "threshold"]
    hrows = [[_v(x) for x in rec] for rec in r.staffing[hist_cols].itertuples(index=False)]
    hist = Block(t("title.history", lang), [t(c, lang) for c in hist_cols], hrows,
                 [TEXT, INT, INT, "num", INT, PCT, PCT, PCT])
    return SheetModel("staffing", t("sheet.staffing", lang), t("title.turnover", lang), _subtitle(r), [head, hist])


def issues(r: Report) -> SheetModel:
    lang = r.lang
    cols = ["table", "row", "column", "problem"]
    rows = [[i[c] for c in cols] for i in r.doc["data_issues"]]
    title = t("title.issues", lang) + (f" ({len(rows)})" if rows else f" — {t('no_issues', lang)}")
    return SheetModel("issues", t("sheet.issues", lang), title, _subtitle(r),
                      [Block(None, [t(c, lang) for c in cols], rows, [TEXT, INT, TEXT, TEXT])], print_sheet=False)


def audit(r: Report, mask: bool) -> SheetModel:
    lang = r.lang
    rows = [[t("input_file", lang), r.source.get("path")], [t("sha256", lang), r.source.get("sha256")],
            [t("period", lang), r.period.label], [t("as_of", lang), r.doc["as_of"]],
            [t("version", lang), r.doc["version"]], [t("generated", lang), generated_at()],
            [t("masking", lang), t("yes" if mask else "no", lang)],
            [t("tables_found", lang), ", ".join(r.doc.get("tables_found", []))]]
    info = Block(None, [t("key", lang), t("value", lang)], rows, [TEXT, TEXT])
    terms_rows = []
    for k, v in r.terms.display().items():
        terms_rows.append([k, "" if v is None else str(v), EXPLAIN.get(k, ("", ""))[0 if lang == "zh" else 1]])
    terms = Block(t("terms_used", lang), [t("key", lang), t("value", lang), ""], terms_rows, [TEXT, TEXT, TEXT])
    return SheetModel("audit", t("sheet.audit", lang), t("title.audit", lang), _subtitle(r), [info, terms],
                      print_sheet=False)


def build(r: Report, mask: bool = True) -> list[SheetModel]:
    """All report sheets, in order."""
    models = [dashboard(r), breaches(r, mask), fund(r), staffing(r), issues(r), audit(r, mask)]
    for m in models:
        m.page_label = t("page_of", r.lang)
    return models
