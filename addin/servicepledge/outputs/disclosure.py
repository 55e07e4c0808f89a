"""The fund disclosure finance reviews, signs and posts (专项售后服务基金 支出公示).

One sheet model, used both as the report's "基金公示" sheet and, alone, by `servicepledge disclosure`:

1. per category: annual budget, the period's pro-rated budget, spent in the period, period utilization,
   spent year to date, YTD utilization, unapproved entries (period and YTD), no-budget flag; a total row;
2. finance approval: approved / not approved / unreadable, period and YTD;
3. the reconciliation: the ledger's total for the period (and YTD) taken down, line by line, to the total
   of the categories; the difference is shown, whatever it is;
4. every entry finance has not approved (period and YTD), highlighted, payees masked;
5. the period's entries for publication (salary lines aggregated, never a payee), unapproved lines highlighted;
6. the sign-off block (编制 / 审核 / 批准, name and date left blank to sign) and the audit facts
   (input file, SHA-256, as_of, version, generated at), also in the printed footer.
"""
from __future__ import annotations

from pathlib import Path

from .labels import t
from .privacy import mask_value
from .sheets import DATE, INT, MONEY, PCT, TEXT, Block, SheetModel, _approval, _subtitle, _v
from ..kpi.fund import budget_shares, ytd_span
from ..report import Report, generated_at

HIGHLIGHT = "late_light"         # unapproved rows: light amber, as finance's "to do" colour
ALERT = "breached_light"          # a reconciliation difference or rows in no total


def _money(x) -> str:
    return f"¥{x:,.2f}"


def categories_block(r: Report) -> Block:
    """Per category: budgets, spending, utilization and unapproved entries, with a total row."""
    return fund_categories(r.doc["fund"], r.lang)


def fund_categories(fd: dict, lang: str) -> Block:
    """The categories block of the fund figures `fd` (kpi.fund.fund; also SP_FUND, without a whole report)."""
    cols = ["category", "budget_annual", "budget_period", "spent_period", "utilization_period", "spent_ytd",
            "utilization_annual", "unapproved_count", "unapproved_amount", "unapproved_count_ytd",
            "unapproved_amount_ytd", "flagged"]
    rows = [[c["category"], c["budget"], c.get("budget_period"), c["spent_period"], c.get("utilization_period"),
             c["spent_ytd"], c["utilization"], c.get("unapproved_count"), c.get("unapproved_amount"),
             c.get("unapproved_count_ytd"), c.get("unapproved_amount_ytd"),
             t("yes", lang) if c["flagged"] else ""] for c in fd["categories"]]
    rows.append([t("all", lang), fd["budget_total"], fd.get("budget_period_total"), fd["spent_period_total"],
                 fd.get("utilization_period"), fd["spent_ytd_total"],
                 None if not fd["budget_total"] else fd["spent_ytd_total"] / fd["budget_total"],
                 fd["unapproved_count"], fd["unapproved_amount"], fd["unapproved_count_ytd"],
                 fd["unapproved_amount_ytd"], ""])
    unap = [bool(row[7]) or bool(row[9]) for row in rows]
    return Block(t("title.fund_categories", lang, year=fd["year"]), [t(c, lang) for c in cols], rows,
                 [TEXT, MONEY, MONEY, MONEY, PCT, MONEY, PCT, INT, MONEY, INT, MONEY, TEXT],
                 highlight=[HIGHLIGHT if u else None for u in unap[:-1]] + [None], key="categories")


def approval_block(r: Report) -> Block | None:
    lang, fd = r.lang, r.doc["fund"]
    if fd.get("unapproved_unavailable"):
        return None
    keys = [("approval.approved", "approved"), ("approval.unapproved", "unapproved"),
            ("approval.unknown", "approval_unknown")]
    rows = [[t(label, lang), fd[f"{k}_count"], fd[f"{k}_amount"], fd[f"{k}_count_ytd"], fd[f"{k}_amount_ytd"]]
            for label, k in keys]
    rows.append([t("all", lang), sum(x[1] for x in rows), fd["spent_period_total"], sum(x[3] for x in rows),
                 fd["spent_ytd_total"]])
    hl = [None, HIGHLIGHT if rows[1][1] or rows[1][3] else None, ALERT if rows[2][1] or rows[2][3] else None, None]
    head = [t(k, lang) for k in ("item", "count_period", "amount_period", "count_ytd", "amount_ytd")]
    return Block(t("title.approval", lang), head, rows, [TEXT, INT, MONEY, INT, MONEY], highlight=hl, key="approval")


def reconciliation_block(r: Report) -> Block:
    """The ledger total taken down to the category total, for the period and YTD; the difference always shown."""
    lang, rec = r.lang, r.doc["fund"]["reconciliation"]
    p, y = rec["period"], rec["ytd"]
    rows, hl = [], []

    def line(label, pc, pa, yc, ya, alert=False):
        rows.append([t(label, lang), pc, pa, yc, ya])
        hl.append(ALERT if alert else None)

    line("rec.ledger_total", p["ledger_count"], p["ledger_total"], y["ledger_count"], y["ledger_total"])
    for k in ("after_as_of", "duplicate", "negative", "no_category"):
        pc, yc = p[f"{k}_count"], y[f"{k}_count"]
        line(f"rec.{k}", pc, -p[f"{k}_amount"], yc, -y[f"{k}_amount"], alert=k != "after_as_of" and (pc or yc))
    line("rec.category_total", None, p["category_total"], None, y["category_total"])
    line("rec.difference", None, p["difference"], None, y["difference"],
         alert=bool(p["difference"] or y["difference"]))
    if p["amount_unreadable_count"] or y["amount_unreadable_count"]:
        line("rec.amount_unreadable", p["amount_unreadable_count"], None, y["amount_unreadable_count"], None, True)
    if rec["date_unreadable_count"]:
        line("rec.date_unreadable", rec["date_unreadable_count"], rec["date_unreadable_amount"], None, None, True)
    head = [t(k, lang) for k in ("item", "count_period", "amount_period", "count_ytd", "amount_ytd")]
    return Block(t("title.reconcile", lang), head, rows, [TEXT, INT, MONEY, INT, MONEY], highlight=hl,
                 key="reconciliation")


def unapproved_block(r: Report, mask: bool) -> Block:
    """Every entry finance has not approved (period and YTD), oldest first, highlighted, payees masked."""
    lang, df = r.lang, r.unapproved
    # money under money (the amount below the categories' spent column), the one wide text column last
    cols = ["date", "entry_id", "category", "amount", "payee", "approved", "when", "description"]
    rows = []
    if df is not None:
        for rec in df.to_dict("records"):
            payee = _v(rec["payee"])
            rows.append([_v(rec["date"]), _v(rec["entry_id"]), rec["category"], _v(rec["amount"]),
                         mask_value(payee, "name") if mask and payee is not None else payee,
                         _approval(rec["approved"], lang),
                         t("in_period" if rec["in_period"] else "earlier_ytd", lang), _v(rec["description"])])
    n, amount = len(rows), sum(row[3] or 0 for row in rows)
    title = (t("title.unapproved_list", lang, n=n, amount=_money(amount)) if n
             else t("title.unapproved_none", lang))
    return Block(title, [t(c, lang) for c in cols], rows, [DATE, TEXT, TEXT, MONEY, TEXT, TEXT, TEXT, TEXT],
                 highlight=[HIGHLIGHT] * n, key="unapproved")


def lines_block(r: Report) -> Block:
    """The period's entries for publication: salary lines aggregated, no payee; unapproved lines highlighted."""
    lang = r.lang
    missing = r.doc["fund"].get("unapproved_unavailable")
    dcols = ["category", "entry_id", "date", "amount", "approved", "approved_on", "description"]
    rows, hl = [], []
    for rec in r.disclosure.to_dict("records"):
        desc = t("aggregated_line", lang, n=rec["entries"]) if rec["aggregated"] else _v(rec["description"])
        rows.append([rec["category"], _v(rec["entry_id"]), _v(rec["date"]), _v(rec["amount"]),
                     _approval(rec["approved"], lang, missing), _v(rec["approved_on"]), desc])
        a = _v(rec["approved"])
        hl.append(None if missing or a is True else HIGHLIGHT if a is False else ALERT)
    return Block(t("title.disclosure", lang), [t(c, lang) for c in dcols], rows,
                 [TEXT, TEXT, DATE, MONEY, TEXT, DATE, TEXT], highlight=hl, key="lines")


def signoff_block(lang: str) -> Block:
    rows = [[t(k, lang), "", ""] for k in ("signoff.prepared", "signoff.reviewed", "signoff.approved")]
    return Block(t("title.signoff", lang), [t(k, lang) for k in ("signoff.role", "signoff.name", "signoff.date")],
                 rows, [TEXT, TEXT, TEXT], style="signoff", key="signoff",
                 keep_together=True)


def audit_block(r: Report, generated: str) -> Block:
    lang = r.lang
    path = r.source.get("path")
    rows = [[t("input_file", lang), Path(path).name if path else None], [t("sha256", lang), r.source.get("sha256")],
            [t("as_of", lang), r.doc["as_of"]], [t("version", lang), r.doc["version"]],
            [t("generated", lang), generated]]
    return Block(t("title.audit_facts", lang), [t("item", lang), t("content", lang)], rows, [TEXT, TEXT], key="audit", keep_together=True)


def span_notes(r: Report) -> list[str]:
    """How the period, the year to date and the pro-rated budget are counted, stated on the page."""
    lang, p = r.lang, r.period
    y0, _ = ytd_span(p)
    shares = budget_shares(p)
    rule = (t("prorate.days", lang) if p.kind == "range"
            else t("prorate.months", lang, n=len(p.months())))
    notes = [t("fund_span", lang, p0=f"{p.start:%Y-%m-%d}", p1=f"{p.last_day:%Y-%m-%d}", y0=f"{y0:%Y-%m-%d}",
               y1=f"{p.last_day:%Y-%m-%d}", rule=rule)]
    if len(shares) > 1 or p.start < y0:
        notes.append(t("ytd_crosses", lang, year=p.year))
    return notes


FUND_TABLES = ("FundLedger", "FundBudget")


def disclosure_sheet(r: Report, mask: bool = True) -> SheetModel:
    lang, fd = r.lang, r.doc["fund"]
    generated = generated_at()
    warnings = [t("warning_line", lang, message=w["message"]) for w in r.doc.get("warnings", [])
                if w.get("table") in FUND_TABLES]
    if fd.get("no_budget") and not any(w.get("code") == "no_budget" for w in r.doc.get("warnings", [])):
        sep = "、" if lang == "zh" else ", "
        warnings.append(t("warning_line", lang,
                          message=t("no_budget_note", lang, years=sep.join(map(str, fd["no_budget"])))))
    blocks = [categories_block(r), approval_block(r), reconciliation_block(r), unapproved_block(r, mask),
              lines_block(r), signoff_block(lang), audit_block(r, generated)]
    sha = (r.source.get("sha256") or "—")[:16]       # the footer's short form; the audit block has it whole
    title = t("title.disclosure", lang) + " · " + (r.period.label_zh if lang == "zh" else r.period.label)
    return SheetModel("fund", t("sheet.fund", lang), title, _subtitle(r), [b for b in blocks if b is not None],
                      notes=span_notes(r), warnings=warnings, print_area=True,
                      footer=t("footer.audit", lang, sha=sha, version=r.doc["version"], generated=generated))
