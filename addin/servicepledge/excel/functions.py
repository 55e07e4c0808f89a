"""The SP_ worksheet functions (docs/EXCEL.md): thin wrappers over the engine, no KPI logic here.

One module for every runtime: xlwings Lite (main.py imports it), xlwings Server (custom_functions
imports it) and classic xlwings on Windows (UDF_MODULES = servicepledge.excel.functions). Only the
portable decorator options are used: `func`, `arg(name, "raw", doc=...)`, `ret(date_format=...)`.
Ranges come "raw" (no per-cell conversion by xlwings: a 50,000-cell table would otherwise cost
seconds on xlwings Server); `cells.grid` does the little cleaning needed, in one pass.

Conventions: tables are passed whole with their header row (Tickets[#All]); optional arguments may
be left empty; results are 2-D lists with a header row that spill; rates are fractions (format the
cells as %); blank figures are empty cells; any problem gives one "#SP! ..." text naming the fix.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
from xlwings import arg, func, ret

from ..outputs import sheets
from ..outputs.disclosure import fund_categories
from ..core.as_of import clip, later, signature
from ..kpi import fund as FUND
from ..kpi import service as S
from ..kpi import staffing as ST
from ..kpi import sla
from ..outputs.labels import t
from ..inputs.schema import header_key
from ..inputs.tables import InputError
from ..core.worktime import elapsed_hours
from ..kpi.per_contract import narrow
from . import cells
from .kpisheet import COMPLAINT_KEYS
from .answers import (as_of_arg, block_result, contract_filter, contract_scope, fingerprints, full_report,
                      kept_metric_rows, merged_pauses, period_of, remembered, tables_of)
from .cells import guard

__all__ = ["SP_HOURS", "SP_SLA_STATUS", "SP_COMPLIANCE", "SP_COMPLAINTS", "SP_TURNOVER", "SP_FUND",
           "SP_BREACHES", "SP_KPIS", "SP_WARNINGS", "SP_CHART"]

# argument help shown in Excel's function wizard (plain words for managers)
D_TERMS = "Optional. The Terms table (承诺参数) with its header, e.g. Terms[#All]. Empty = the standard commitment."
D_PERIOD = ("Optional. The period: a month \"2026-10\" (or any date in it), a quarter \"2026-Q3\" (2026年第3季度), "
            "a half-year \"2026-H1\" (2026年上半年), a year 2026, or a range \"2026-01-01..2026-03-31\". "
            "Empty = the month of the latest record.")
D_AS_OF = ("Optional. The moment to judge open items at, e.g. \"2026-10-31 18:00\". Empty = now "
           "(the figure then only updates when Excel recalculates; put =NOW() in the cell to keep it current).")
D_TICKETS = "The service ticket table (服务工单) with its header row, e.g. Tickets[#All]."
D_COMPLAINTS = "The complaint table (客户投诉) with its header row, e.g. Complaints[#All]."
D_STAFF = "The service staff table (服务人员) with its header row, e.g. Staff[#All]."
D_LEDGER = "The fund ledger (基金台账) with its header row, e.g. FundLedger[#All]."
D_BUDGET = "The fund budget (基金预算) with its header row, e.g. FundBudget[#All]."
D_NOTICES = "The written breach notices (违约通知) with their header row, e.g. Notices[#All]."
D_CONTRACT = ("Optional. One contract number (合同编号), e.g. \"HT-2026-01\": only that contract's figures, measured by "
              "its own terms. \"默认\" / \"default\" = the rows measured by the Terms sheet. Needs the contracts argument.")
D_CONTRACTS = "Optional. The Contracts table (合同) with its header row, e.g. Contracts[#All]: each contract's own terms."
D_PAUSES = ("Optional. The Pauses table (挂起记录) with its header row, e.g. Pauses[#All]: time a ticket or complaint "
            "waited on the customer is not counted (for the targets the Terms key pause_metrics names).")

_METRICS = {header_key(k): m for m in S.TICKET_METRICS
            for k in (m, m.replace("_", " "), t(m, "zh"), t(m, "en"))}
_METRICS.update({header_key(k): "initial_solution" for k in ("初步方案", "solution", "initial")})
_METRICS.update({header_key(k): "response" for k in ("响应", "first response")})


# the six tables, period, as_of and terms of the whole-month functions (SP_KPIS, SP_WARNINGS), in order
_REPORT_ARGS = [("tickets", "raw", D_TICKETS), ("complaints", "raw", D_COMPLAINTS), ("staff", "raw", D_STAFF),
                ("ledger", "raw", D_LEDGER), ("budget", "raw", D_BUDGET), ("notices", "raw", D_NOTICES),
                ("period", None, D_PERIOD), ("as_of", None, D_AS_OF), ("terms", "raw", D_TERMS)]


def report_args(fn):
    """The @arg declarations of _REPORT_ARGS as one decorator, as if written one per line (each function gets
    fresh declarations: xlwings consumes an @arg's options when it applies them)."""
    for name, convert, doc in reversed(_REPORT_ARGS):
        fn = arg(name, convert, doc=doc)(fn)
    return fn


# ---------------------------------------------------------------- shared steps
def _lang_of(*loaded) -> str:
    """Labels for functions without a terms argument: Chinese when the headers are Chinese."""
    for x in loaded:
        for h in x.headers.values():
            if any("\u4e00" <= ch <= "\u9fff" for ch in str(h)):
                return "zh"
        if x.headers:
            return "en"
    return "zh"


# ---------------------------------------------------------------- row-level functions
@func
@arg("start", "raw", doc="When the clock starts: one date/time cell or a column of them (e.g. the opened-at column).")
@arg("end", "raw", doc="When the clock stops: one date/time cell or a column of the same length. Blank = not yet.")
@arg("terms", "raw", doc=D_TERMS)
@guard
def SP_HOURS(start, end, terms=None):
    """Hours from start to end for each row, counted as the commitment counts them (calendar hours, or working
    hours only when Terms say time_basis = business). Blank where end is blank.
    """
    tm = cells.terms(terms)
    a, shape_a = cells.column(start, "start")
    b, shape_b = cells.column(end, "end")
    a, b, shape = _pair(a, b, shape_a, shape_b)
    sa, bad_a = cells.datetimes(a)
    sb, bad_b = cells.datetimes(b)
    hours = np.asarray(elapsed_hours(sa, sb, tm), dtype=float)
    zh = tm["lang"] == "zh"
    # row by row in precedence order (bad start, bad end, a blank, end before start, the hours), set as
    # whole masks from the last to the first: 1,000,000 rows in well under a second, not a row loop
    out = np.empty(len(a), dtype=object)
    out[:] = hours.tolist()
    out[(sb < sa).to_numpy(dtype=bool, na_value=False)] = cells.fail(
        "结束时间早于开始时间；请检查这两个日期" if zh else "end is before start; check the two dates")
    out[(sa.isna() | sb.isna()).to_numpy(dtype=bool)] = None
    for i in np.flatnonzero(np.asarray(bad_b, dtype=bool)):
        out[i] = cells.fail(f"end“{b[i]}”不是日期时间；请写成 2026-10-05 14:30" if zh else
                            f"end '{b[i]}' is not a date/time; write it as 2026-10-05 14:30")
    for i in np.flatnonzero(np.asarray(bad_a, dtype=bool)):
        out[i] = cells.fail(f"start“{a[i]}”不是日期时间；请写成 2026-10-05 14:30" if zh else
                            f"start '{a[i]}' is not a date/time; write it as 2026-10-05 14:30")
    return cells.shaped(out.tolist(), shape)


def _pair(a, b, shape_a, shape_b):
    """Two columns of equal length, or one single value against a column."""
    if len(a) == len(b):
        return a, b, shape_a
    if len(a) == 1:
        return a * len(b), b, shape_b
    if len(b) == 1:
        return a, b * len(a), shape_a
    raise InputError(f"start has {len(a)} cells but end has {len(b)}; give columns of the same length",
                     zh=f"start 有 {len(a)} 个单元格，而 end 有 {len(b)} 个；请给长度相同的两列")


@func
@arg("start", "raw", doc="When the clock starts: one date/time cell or a column of them.")
@arg("end", "raw", doc="When the clock stops: one date/time cell or a column of the same length. Blank = not yet.")
@arg("target_hours", "raw", doc="The promised number of hours: one number or a column (one per row).")
@arg("as_of", doc=D_AS_OF)
@arg("terms", "raw", doc=D_TERMS)
@guard
def SP_SLA_STATUS(start, end, target_hours, as_of=None, terms=None):
    """Met, Breached or Pending for each row: Met when done within the promised hours, Breached when done late
    or still open past the promise, Pending when still open within it. Judged as things stood at as_of: an end
    after as_of counts as not done yet, a start after as_of gives an empty cell.
    """
    tm = cells.terms(terms)
    when = as_of_arg(as_of)
    a, shape_a = cells.column(start, "start")
    b, shape_b = cells.column(end, "end")
    a, b, shape = _pair(a, b, shape_a, shape_b)
    tg, _ = cells.column(target_hours, "target_hours")
    if len(tg) not in (1, len(a)):
        raise InputError(f"target_hours has {len(tg)} cells but start has {len(a)}; give one number or a column "
                         f"of the same length",
                         zh=f"target_hours 有 {len(tg)} 个单元格，而 start 有 {len(a)} 个；请给一个数字或长度相同的一列")
    tg = tg * len(a) if len(tg) == 1 else tg
    target = pd.to_numeric(pd.Series([None if cells.is_blank(x) else x for x in tg], dtype=object),
                           errors="coerce").to_numpy(dtype="float64")
    sa, bad_a = cells.datetimes(a)
    sb, bad_b = cells.datetimes(b)
    not_yet = later(sa, when, False)        # as_of.clip's rule: started after as_of -> no status yet;
    sb_then = sb.where(~later(sb, when, False))   # stopped after as_of -> still open at as_of
    st = sla.statuses(sa, sb_then, np.where(target > 0, target, np.nan), when, tm)
    out, zh = [], tm["lang"] == "zh"
    for i in range(len(a)):
        if bad_a.iloc[i] or bad_b.iloc[i]:
            v = b[i] if bad_b.iloc[i] else a[i]
            out.append(cells.fail(f"“{v}”不是日期时间；请写成 2026-10-05 14:30" if zh else
                                  f"'{v}' is not a date/time; write it as 2026-10-05 14:30"))
        elif not target[i] > 0:
            out.append(cells.fail(f"target_hours“{tg[i]}”不是大于 0 的小时数" if zh else
                                  f"target_hours '{tg[i]}' is not a number of hours above 0"))
        elif pd.isna(sa.iloc[i]) or not_yet.iloc[i]:
            out.append(None)
        elif pd.notna(sb.iloc[i]) and sb.iloc[i] < sa.iloc[i]:
            out.append(cells.fail("结束时间早于开始时间；请检查这两个日期" if zh else
                                  "end is before start; check the two dates"))
        else:
            out.append(st["status"].iloc[i])
    return cells.shaped(out, shape)


# ---------------------------------------------------------------- table functions
@func
@arg("tickets", "raw", doc=D_TICKETS)
@arg("period", doc=D_PERIOD)
@arg("metric", doc="Optional. \"response\" (first response, the default) or \"initial_solution\" (complex problems).")
@arg("as_of", doc=D_AS_OF)
@arg("terms", "raw", doc=D_TERMS)
@arg("contract", doc=D_CONTRACT)
@arg("contracts", "raw", doc=D_CONTRACTS)
@arg("pauses", "raw", doc=D_PAUSES)
@guard
def SP_COMPLIANCE(tickets, period=None, metric=None, as_of=None, terms=None, contract=None, contracts=None,
                  pauses=None):
    """Share of the period's tickets handled within the promised time (Met / (Met + Breached)). Blank when no
    ticket is decided yet. Format the cell as %.
    With a contract: that contract's tickets, by its terms.
    """
    tk_fp, p_fp, t_fp, c_fp, cs_fp, ps_fp = fingerprints(tickets, period, terms, contract, contracts, pauses)
    tm = cells.terms(terms, fp=t_fp)
    m = cells.scalar(metric, "metric")
    name = "response" if m is None else _METRICS.get(header_key(m))
    if name is None:
        raise InputError(f"metric '{m}' is not known; use response or initial_solution",
                         zh=f"metric“{m}”无法识别；请用 response（首次响应）或 initial_solution（初步方案）")
    when = as_of_arg(as_of)
    return remembered("SP_COMPLIANCE", [tk_fp, p_fp, t_fp, c_fp, cs_fp, ps_fp, name, when],
                       lambda: _compliance(tickets, (tk_fp, t_fp, cs_fp, ps_fp), period, name, when, tm, contract,
                                           contracts, pauses))


def _compliance(tickets, fps, period, name, when, tm, contract, contracts, pauses=None):
    tk_fp, t_fp, cs_fp, ps_fp = fps
    typed = cells.table("Tickets", tickets, "tickets", fp=tk_fp)
    tk = clip({"Tickets": typed}, when).tables["Tickets"]
    p = period_of(period, tk.df["opened_at"])
    tabs, tm, only = contract_scope(tables_of(Tickets=tk), tm, p, contract, contracts)
    # the metric's row statuses do not depend on the period or on which contract is shown (only the
    # summary does): kept per (tickets, terms, contracts, pauses, metric, as_of), so a new period or contract
    # only summarises again. With a Contracts table the rows' contract is assigned for the period: then the
    # period is part of the key too.
    rows = kept_metric_rows(tabs, name, when, tm, [tk_fp, t_fp, cs_fp, ps_fp, p.label if contracts is not None else ""],
                        typed, lambda: merged_pauses(tabs, pauses, ps_fp, when))
    x = rows.summary(p, tm["lang"], only=only(rows))
    if x["unavailable"]:     # a missing column: say which, never a 0% or a blank that looks like "no data"
        return cells.fail(_why(x["unavailable"], name, tm["lang"]))
    return cells.cell(x["compliance"])


def _why(reason: str, figure: str, lang: str) -> str:
    """'缺少列 首次响应时间 (first_response_at)：首次响应达标率无法计算' (the #SP! text of a missing column)."""
    from ..core.availability import NEEDS
    _, _, zh, en = NEEDS[figure]
    return f"{reason}：{zh}无法计算" if lang == "zh" else f"{reason}: {en} cannot be computed"


@func
@arg("complaints", "raw", doc=D_COMPLAINTS)
@arg("period", doc=D_PERIOD)
@arg("as_of", doc=D_AS_OF)
@arg("terms", "raw", doc=D_TERMS)
@arg("contract", doc=D_CONTRACT)
@arg("contracts", "raw", doc=D_CONTRACTS)
@arg("pauses", "raw", doc=D_PAUSES)
@guard
def SP_COMPLAINTS(complaints, period=None, as_of=None, terms=None, contract=None, contracts=None, pauses=None):
    """Complaint handling in the period: accepted, progress fed back and final answer, each with total, met,
    breached, pending and compliance (a table with a header row).
    With a contract: its complaints, by its terms.
    """
    cp_fp, p_fp, t_fp, c_fp, cs_fp, ps_fp = fingerprints(complaints, period, terms, contract, contracts, pauses)
    tm = cells.terms(terms, fp=t_fp)
    when = as_of_arg(as_of)
    return remembered("SP_COMPLAINTS", [cp_fp, p_fp, t_fp, c_fp, cs_fp, ps_fp, when],
                       lambda: _complaints(complaints, cp_fp, period, when, tm, contract, contracts,
                                           (pauses, ps_fp)))


def _complaints(complaints, cp_fp, period, when, tm, contract, contracts, pauses=(None, None)):
    lang = tm["lang"]
    cp = clip({"Complaints": cells.table("Complaints", complaints, "complaints", fp=cp_fp)}, when).tables["Complaints"]
    p = period_of(period, cp.df["received_at"])
    tabs, tm, only = contract_scope(tables_of(Complaints=cp), tm, p, contract, contracts)
    keys = COMPLAINT_KEYS
    rows = []
    ps = merged_pauses(tabs, *pauses, when)
    for m in S.COMPLAINT_METRICS:
        mr = S.metric_rows(tabs, m, when, tm, ps)
        x = mr.summary(p, lang, only=only(mr))
        if x["unavailable"]:
            x["compliance"] = cells.fail(_why(x["unavailable"], m, lang))
        rows.append([t(m, lang)] + [x[k] for k in keys])
    return cells.table_result([t("metric", lang)] + [t(k, lang) for k in keys], rows)


@func
@arg("staff", "raw", doc=D_STAFF)
@arg("period", doc=D_PERIOD.replace("the month of the latest record", "the current month"))
@arg("terms", "raw", doc=D_TERMS)
@guard
def SP_TURNOVER(staff, period=None, terms=None):
    """Staff turnover of the period and of the rolling window against the threshold, with the verdict, the
    required action when it is exceeded, and the certified share (a two-column table).
    """
    st_fp, p_fp, t_fp = fingerprints(staff, period, terms)
    tm = cells.terms(terms, fp=t_fp)
    st = cells.table("Staff", staff, "staff", fp=st_fp)
    p, when = period_of(period), as_of_arg(None)    # judged now; the answer depends on now only through clip:
    return remembered("SP_TURNOVER", [st_fp, p_fp, t_fp, p.label, signature({"Staff": st}, when)],
                       lambda: _turnover(st, p, when, tm))


def _turnover(st, p, when, tm):
    # the report's doc["turnover"] (kpi.staffing.turnover of the Staff table as it stood at `when`), without
    # the rest of a report around an otherwise empty workbook
    lang = tm["lang"]
    tu = ST.turnover(clip({"Staff": st}, when).tables["Staff"], p, tm, lang)
    if tu["unavailable"]:
        return cells.fail(_why(tu["unavailable"], "turnover", lang))
    return block_result(sheets.turnover_block(tu, p, lang))


@func
@arg("ledger", "raw", doc=D_LEDGER)
@arg("budget", "raw", doc=D_BUDGET)
@arg("period", doc=D_PERIOD)
@guard
def SP_FUND(ledger, budget, period=None):
    """The special after-sales fund per category: budget, spent in the period, spent this year, utilization
    (spent / budget) and categories without a budget line (a table with a total row).
    """
    lg_fp, bd_fp, p_fp = fingerprints(ledger, budget, period)
    lg = cells.table("FundLedger", ledger, "ledger", fp=lg_fp)
    bd = cells.table("FundBudget", budget, "budget", fp=bd_fp)
    when = as_of_arg(None)
    p = period_of(period, clip({"FundLedger": lg}, when).tables["FundLedger"].df["date"])
    # judged now; the answer depends on now only through clip (and the default month, in p)
    return remembered("SP_FUND", [lg_fp, bd_fp, p_fp, p.label, signature({"FundLedger": lg}, when)],
                       lambda: _fund(lg, bd, p, when))


def _fund(lg, bd, p, when):
    # the report's doc["fund"] (kpi.fund.fund of the ledger as it stood at `when`) without the rest of a report
    lang = _lang_of(lg, bd)
    fd = FUND.fund(clip({"FundLedger": lg}, when).tables["FundLedger"], bd, p, lang)
    return block_result(fund_categories(fd, lang))


@func
@arg("tickets", "raw", doc=D_TICKETS)
@arg("complaints", "raw", doc=D_COMPLAINTS)
@arg("notices", "raw", doc=D_NOTICES)
@arg("period", doc=D_PERIOD)
@arg("as_of", doc=D_AS_OF)
@arg("terms", "raw", doc=D_TERMS)
@arg("contract", doc=D_CONTRACT)
@arg("contracts", "raw", doc=D_CONTRACTS)
@arg("pauses", "raw", doc=D_PAUSES)
@ret(date_format="yyyy-mm-dd")
@guard
def SP_BREACHES(tickets, complaints, notices, period=None, as_of=None, terms=None, contract=None, contracts=None,
                pauses=None):
    """The breach register of the period: every late or below-standard ticket or complaint and every written
    notice, with severity, deadline, status, fee reduction and compensation (customer names masked).
    With a contract: that contract's items only.
    """
    r = full_report(tickets, complaints, None, None, None, notices, period, as_of, terms, contracts, pauses)
    r = _narrowed(r, contract)
    return block_result(sheets.breaches(r, mask=True).blocks[0])


def _narrowed(r, contract):
    """The report as the `contract` argument asks (the whole report when it is empty)."""
    c = contract_filter(contract, [e["contract"] for e in r.doc.get("contracts", []) if e["contract"]])
    return r if c is None else narrow(r, c)


@func
@report_args
@arg("contract", doc=D_CONTRACT)
@arg("contracts", "raw", doc=D_CONTRACTS)
@arg("pauses", "raw", doc=D_PAUSES)
@guard
def SP_KPIS(tickets, complaints, staff, ledger, budget, notices, period=None, as_of=None, terms=None,
            contract=None, contracts=None, pauses=None):
    """The headline figures of the period (the report's dashboard): each figure with its actual value, its
    target and the verdict OK / Not met. Rates are fractions: format them as %.
    With a contract: its service figures by its own terms (staff turnover and the fund stay the provider's).
    """
    r = _narrowed(full_report(tickets, complaints, staff, ledger, budget, notices, period, as_of, terms,
                               contracts, pauses), contract)
    return block_result(sheets.headline(r))


@func
@report_args
@arg("max_rows", doc="Optional. At most this many rows under the header (the last one says how many more). "
                     "Empty = all.")
@arg("pauses", "raw", doc=D_PAUSES)
@guard
def SP_WARNINGS(tickets, complaints, staff, ledger, budget, notices, period=None, as_of=None, terms=None,
                max_rows=None, pauses=None):
    """What to know before trusting the period's figures (注意事项): headers that match no column, figures that
    cannot be computed, rows outside the Tables, an empty month, events after as_of, and how many data issues
    there are. One column with a header row; "None" when there is nothing to say.
    """
    r = full_report(tickets, complaints, staff, ledger, budget, notices, period, as_of, terms, pauses=pauses)
    lang = r.lang
    lines = [w["message"] for w in r.doc["warnings"]]
    if r.doc["data_issues"]:
        lines.append(t("data_issue_count", lang, n=len(r.doc["data_issues"])))
    cap = cells.scalar(max_rows, "max_rows")
    if cap is not None:
        try:
            cap = int(float(cap))
        except (TypeError, ValueError):
            raise InputError(f"max_rows '{cap}' is not a whole number", zh=f"max_rows“{cap}”不是整数") from None
        if cap < 1:
            raise InputError("max_rows must be 1 or more", zh="max_rows 必须大于等于 1")
        if len(lines) > cap:
            lines = lines[:cap - 1] + [t("more_warnings", lang, n=len(lines) - cap + 1)]
    return cells.table_result([t("warnings_title", lang)], [[x] for x in lines] or [[t("no_warnings", lang)]])


@func
@arg("kind", doc="Which chart: compliance, turnover, fund or breaches (also 达标率, 流失率, 基金, 违约).")
@arg("tickets", "raw", doc="Optional for turnover and fund charts. " + D_TICKETS)
@arg("complaints", "raw", doc="Optional. " + D_COMPLAINTS)
@arg("staff", "raw", doc="Needed for the turnover chart. " + D_STAFF)
@arg("ledger", "raw", doc="Needed for the fund chart. " + D_LEDGER)
@arg("budget", "raw", doc="Needed for the fund chart. " + D_BUDGET)
@arg("notices", "raw", doc="Optional. " + D_NOTICES)
@arg("period", doc=D_PERIOD)
@arg("as_of", doc=D_AS_OF)
@arg("terms", "raw", doc=D_TERMS)
@arg("pauses", "raw", doc=D_PAUSES)
@guard
def SP_CHART(kind, tickets=None, complaints=None, staff=None, ledger=None, budget=None, notices=None,
             period=None, as_of=None, terms=None, pauses=None):
    """One of the report's four charts as a picture in the cell (xlwings Lite and Server): compliance per
    metric over 12 months, staff turnover against the threshold, fund budget vs spent, breaches by status.
    """
    if not cells.remote_runtime():
        if cells.terms(terms)["lang"] == "zh":
            return cells.fail("SP_CHART 只在 xlwings Lite 和 xlwings Server 中显示图片。在经典 xlwings 中，"
                              "“生成报告”按钮会把同样的图表作为图片放入工作表（pictures.add, update=True）。")
        return cells.fail("SP_CHART shows pictures in xlwings Lite and xlwings Server. In classic xlwings the "
                          "report button places the same charts as pictures (pictures.add, update=True).")
    from ..outputs import charts
    r = full_report(tickets, complaints, staff, ledger, budget, notices, period, as_of, terms, pauses=pauses)
    return charts.figure(cells.scalar(kind, "kind") or "", r)
