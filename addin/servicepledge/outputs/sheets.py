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
    key: str | None = None              # what the block is (e.g. "reconciliation"), for code that looks one up
    keep_together: bool = False         # printed on one page: a page break goes before it rather than through it
    highlight: list | None = None       # per row: a fill (PALETTE key, e.g. "late_light") for the whole row, or None
    # style "signoff": header = (role, name, date); each row a role with blank, tall cells to sign and date
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
    footer: str | None = None                   # printed footer, centre (e.g. the audit facts)
    print_area: bool = False                    # print exactly the written cells (title to the last block)


def _v(x):
    """Plain Python value for a cell (None for NaN/NaT)."""
    if x is None:
        return None
    if type(x) is str or type(x) is int:          # most cells: as they are, without pd.isna
        return x
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


def headline(r: Report) -> Block:
    """The dashboard's headline figures: each with its value, target and verdict (also SP_KPIS)."""
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
    add(t("turnover_month" if r.period.kind == "month" else "turnover_period", lang), tu["rate"], None, None, PCT,
        why=tu.get("unavailable"))
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
    return Block(report_title(r), head, rows, [TEXT, None, None, TEXT], verdict_col=3, row_formats=fmts,
                 style="cards", row_ops=ops,
                 groups=[(t("group.sla", lang), 5), (t("group.staff", lang), 5), (t("group.fund", lang), 5)])


def dashboard(r: Report) -> SheetModel:
    lang, d = r.lang, r.doc
    br = d["breaches"]
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
    blocks, notes = [headline(r), small, wide, sla, brb], terms_lines(r)
    if d.get("contracts"):                   # several contracts: the ones to look at first (issue 11)
        from .contract_sheet import worst_block
        blocks += [b for b in [worst_block(r)] if b is not None]
        notes = notes + [t("contracts_note", lang, n=sum(1 for e in d["contracts"] if e["contract"]))]
    return SheetModel("dashboard", t("sheet.dashboard", lang), report_title(r), _subtitle(r),
                      blocks + [comparison(r)], notes=notes, warnings=warning_lines(r))


def report_title(r: Report) -> str:
    """'… monthly report' for a month; '… report 2026年第3季度' / '2026-Q3' for any other period."""
    if r.period.kind == "month":
        return t("title.report", r.lang)
    return t("title.report_period", r.lang, p=r.period.label_zh if r.lang == "zh" else r.period.label)


# figure of doc["comparison"] -> format of its values, in the order the block lists them
_CMP_ROWS = [("response", PCT), ("initial_solution", PCT), ("accept", PCT), ("progress", PCT), ("final", PCT),
             ("complaints_received", INT), ("turnover_rate", PCT), ("turnover_rolling_rate", PCT),
             ("breaches_total", INT), ("breaches_minor", INT), ("breaches_major", INT),
             ("fee_reduction_total", MONEY), ("compensation_total", MONEY)]


def _signed(change, unit, lang) -> str:
    """+1.04百分点 / +1.04 pp for rates, +13 for counts, +1,173.00 for money; '' when unknown."""
    if change is None:
        return ""
    if unit == "pp":
        return t("cmp.pp", lang, v=f"{change:+.2f}")
    return f"{change:+,.2f}" if unit == "money" else f"{change:+,d}"


def comparison(r: Report) -> Block:
    """Each headline figure this period, the previous period of the same kind and the same period a year
    earlier, with the change (points for rates); a compared figure without data says "No data" and the note
    says why, once ("As above" on the next rows with the same reason) (doc["comparison"], kpi/comparison.py).
    Starts a printed page of its own, so its header is never left alone at the foot of a page."""
    lang, cmp = r.lang, r.doc["comparison"]
    prev, yoy = cmp["previous"], cmp["year_earlier"]
    label = {"turnover_rate": "turnover_month" if r.period.kind == "month" else "turnover_period",
             "turnover_rolling_rate": "turnover", "breaches_minor": "minor", "breaches_major": "major"}
    head = [t("figure", lang), t("cmp.current", lang, p=r.period.label),
            t("cmp.previous", lang, p=prev["period"]), t("cmp.change", lang),
            t("cmp.year_earlier", lang, p=yoy["period"]), t("cmp.change", lang), t("cmp.note", lang)]
    rows, fmts, said = [], [], None
    na = t("cmp.no_data", lang)
    for key, fmt in _CMP_ROWS:
        a, b = prev["figures"][key], yoy["figures"][key]
        name = t(key if key in ("complaints_received", "breaches_total") else label.get(key, key), lang)
        whys = list(dict.fromkeys(w for w in (a["why"], b["why"]) if w))
        note = ("；" if lang == "zh" else "; ").join(whys)
        shown = t("cmp.as_above", lang) if note and note == said else note
        said = note
        rows.append([name, na if a["current"] is None else a["current"],
                     na if a["value"] is None else a["value"],
                     _signed(a["change"], a["unit"], lang), na if b["value"] is None else b["value"],
                     _signed(b["change"], b["unit"], lang), shown])
        fmts.append(fmt)
    return Block(t("title.comparison", lang), head, rows, [TEXT, None, None, TEXT, None, TEXT, TEXT],
                 row_formats=fmts, page_break=True)


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
            "due_from_source", "related_ids"]
    fmts = [TEXT, TEXT, TEXT, DATETIME, TEXT, TEXT, TEXT, DATE, DATE, DATE, TEXT, MONEY, MONEY, MONEY, MONEY, TEXT,
            TEXT]
    if r.doc.get("contracts"):              # several contracts: name each item's contract (issue 11)
        cols, fmts = cols[:1] + ["contract"] + cols[1:], fmts[:1] + [TEXT] + fmts[1:]
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
            elif c == "due_from_source":   # reasons judged against the ticketing system's own due time
                v = ("、" if lang == "zh" else ", ").join(t(x, lang) for x in v) or None
            elif c == "customer":
                v = mask_value(_v(v), "name") if mask else _v(v)
            elif c == "contract":
                v = v or t("default_contract", lang)
            row.append(_v(v))
        rows.append(row)
    return SheetModel("breaches", t("sheet.breaches", lang), t("title.breaches", lang), _subtitle(r),
                      [Block(None, [t(c, lang) for c in cols], rows, fmts, status_col=cols.index("status"),
                             print_parts=[cols.index("notice_id"), cols.index("service_fee")])])


def fund(r: Report, mask: bool = True) -> SheetModel:
    """The fund disclosure finance signs (outputs/disclosure.py): the same model in the full report and in
    `servicepledge disclosure`."""
    from .disclosure import disclosure_sheet
    return disclosure_sheet(r, mask)


def _approval(v, lang: str, column_missing=None) -> str:
    """是 / 否, or 'unreadable' for an approval word the reader did not know (never shown as 否); blank when
    the ledger has no approval column at all (the dashboard says why)."""
    if column_missing:
        return ""
    return t("approval_unknown", lang) if _v(v) is None else t("yes" if v else "no", lang)


def staffing(r: Report) -> SheetModel:
    lang = r.lang
    head = turnover_block(r.doc["turnover"], r.period, lang)
    hist_cols = ["period", "headcount_start", "headcount_end", "average_headcount", "separations", "rate",
                 "rolling_rate", "threshold"]
    hrows = [[_v(x) for x in rec] for rec in r.staffing[hist_cols].itertuples(index=False)]
    hist = Block(t("title.history", lang, n=len(hrows)), [t(c, lang) for c in hist_cols], hrows,
                 [TEXT, INT, INT, "num", INT, PCT, PCT, PCT])
    return SheetModel("staffing", t("sheet.staffing", lang), t("title.turnover", lang), _subtitle(r), [head, hist])


def turnover_block(tu: dict, period, lang: str) -> Block:
    """The turnover figures `tu` (kpi.staffing.turnover) of `period` (also SP_TURNOVER, without a whole report)."""
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
        longer = period.kind != "month" and k in ("headcount_start", "headcount_end", "rate")
        rows.append([t(f"period.{k}" if longer else k, lang), v])
    return Block(t("title.turnover", lang), [t("figure", lang), t("value", lang)], rows,
                 [TEXT, None], row_formats=[fm.get(k, INT) for k in keys])


def issues(r: Report) -> SheetModel:
    lang = r.lang
    cols = ["table", "row", "column", "problem"]
    rows = [[r.table_names.get(i["table"]) or _table_name(i["table"], lang) if c == "table" else i[c] for c in cols]
            for i in r.doc["data_issues"]]
    title = t("title.issues", lang) + (f" ({len(rows)})" if rows else f" — {t('no_issues', lang)}")
    return SheetModel("issues", t("sheet.issues", lang), title, _subtitle(r),
                      [Block(None, [t(c, lang) for c in cols], rows, [TEXT, INT, TEXT, TEXT])], print_sheet=False)


def _table_name(name: str, lang: str) -> str:
    """An input table as a Chinese reader knows it (FundLedger → 基金台账, the template's sheet name)."""
    from ..inputs.schema import TABLES
    return TABLES[name].zh if lang == "zh" and name in TABLES else name


def audit(r: Report, mask: bool) -> SheetModel:
    lang = r.lang
    rows = [[t("input_file", lang), r.source.get("path")], [t("sha256", lang), r.source.get("sha256")],
            [t("period", lang), r.period.label], [t("as_of", lang), r.doc["as_of"]],
            [t("version", lang), r.doc["version"]], [t("generated", lang), generated_at()],
            [t("masking", lang), t("yes" if mask else "no", lang)],
            [t("tables_found", lang), t("list_sep", lang).join(_table_name(n, lang) for n in r.doc.get("tables_found", []))]]
    rows += _inputs_rows(r.doc.get("inputs", []), lang)
    info = Block(None, [t("key", lang), t("value", lang)], rows, [TEXT, TEXT])
    terms_rows = []
    for k, v in r.terms.display().items():
        terms_rows.append([k, "" if v is None else str(v), EXPLAIN.get(k, ("", ""))[0 if lang == "zh" else 1]])
    terms = Block(t("terms_used", lang), [t("key", lang), t("value", lang), ""], terms_rows, [TEXT, TEXT, TEXT])
    return SheetModel("audit", t("sheet.audit", lang), t("title.audit", lang), _subtitle(r), [info, terms],
                      print_sheet=False)


def _inputs_rows(inputs: list, lang: str) -> list:
    """Audit lines for CSV files (table, rows, encoding, delimiter) and the mapping used."""
    out = []
    for i in inputs:
        if i.get("format") == "csv":
            d = i["delimiter"]
            out.append([f"{t('input_read', lang)}: {i['file']}",
                        t("csv_read", lang).format(table=i["table"], rows=i["rows"], encoding=i["encoding"],
                                                   delimiter=t(f"delim.{d}", lang) if d in ("comma", "semicolon", "tab") else d)])
        elif i.get("format") == "mapping":
            out.append([t("mapping_used", lang), i["file"]])
    return out


def build(r: Report, mask: bool = True) -> list[SheetModel]:
    """All report sheets, in order."""
    models = [dashboard(r), breaches(r, mask), fund(r, mask), staffing(r), issues(r), audit(r, mask)]
    if r.doc.get("contracts"):
        from .contract_sheet import sheet as contracts_sheet
        models.insert(2, contracts_sheet(r, mask))
    for m in models:
        m.page_label = t("page_of", r.lang)
    return models
