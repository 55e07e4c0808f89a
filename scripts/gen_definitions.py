"""Regenerate the tables of docs/DEFINITIONS.md and docs/DEFINITIONS.zh.md from the code.

The input columns (schema.py), the Terms keys with their defaults and accepted values (terms.py),
the words accepted in yes/no, priority and severity cells (vocabulary.py) and which missing column
makes which figure unavailable (availability.py) are written between markers in both documents:

    <!-- generated:NAME -->
    ... (rewritten by this script) ...
    <!-- /generated:NAME -->

so the documents cannot drift from the code: tests/test_definitions.py fails when a block differs
from what this script writes now.

    python scripts/gen_definitions.py           # rewrite the blocks in both documents
    python scripts/gen_definitions.py --check   # exit 1 when a document is out of date
"""
from __future__ import annotations

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "addin"))

from servicepledge.core import availability, terms  # noqa: E402
from servicepledge.inputs import schema, vocabulary

DOCS = {"en": ROOT / "docs" / "DEFINITIONS.md", "zh": ROOT / "docs" / "DEFINITIONS.zh.md"}

KIND = {
    "text": ("文本", "text"),
    "datetime": ("日期时间", "date-time"),
    "date": ("日期（时刻舍去）", "date (time of day dropped)"),
    "yesno": ("是/否", "yes/no"),
    "number": ("数字", "number"),
    "priority": ("优先级", "priority"),
    "approval": ("审核状态（是/否词表）", "approval (yes/no words)"),
    "complex": ("复杂/简单（是/否词表）", "complex/simple (yes/no words)"),
    "quality": ("达标/不达标（是/否词表）", "met/not met (yes/no words)"),
    "certified": ("已认证/未认证（是/否词表）", "certified or not (yes/no words)"),
    "workday": ("工作日/休息日（是/否词表）", "workday or not (yes/no words)"),
    "raw": ("按参数解析", "as typed, read per key"),
}

# What each input column means and which figure uses it (zh, en). Every schema column needs a line:
# a column added to schema.py without one stops this script with a message naming it.
MEANING = {
    ("Tickets", "ticket_id"): ("服务工单号，每张工单一行", "service order number, one row per ticket"),
    ("Tickets", "opened_at"): ("受理（报修）时间；响应和初步方案两个时限的起点",
                               "when the request was received; start of the response and initial-solution clocks"),
    ("Tickets", "priority"): ("决定适用哪一级时限；空白 = 通用时限", "selects the per-priority target; blank = the general target"),
    ("Tickets", "complex"): ("是 = 复杂问题，考核初步方案时限；空白 = 否",
                             "yes = complex problem, measured for the initial solution; blank = no"),
    ("Tickets", "first_response_at"): ("首次响应的时刻；空白 = 尚未响应", "the first response; blank = not yet"),
    ("Tickets", "initial_solution_at"): ("提交初步方案的时刻（仅复杂问题）；空白 = 尚未提交",
                                         "the initial solution (complex tickets only); blank = not yet"),
    ("Tickets", "resolved_at"): ("解决时刻；决定回访率统计哪些工单", "when the problem was solved; decides the follow-up population"),
    ("Tickets", "quality_ok"): ("否 = 质量未达标，列入违约登记；空白 = 达标",
                                "no = quality standard not met, a breach item; blank = yes"),
    ("Tickets", "service_fee"): ("该工单的服务费；轻微违约减免的基数；空白 = 0",
                                 "this order's service fee, base of the minor-breach reduction; blank = 0"),
    ("Tickets", "followed_up_at"): ("回访时刻；空白 = 未回访", "the follow-up visit; blank = not followed up"),
    ("Tickets", "satisfaction"): ("客户满意度评分 1–5", "customer's score, 1–5"),
    ("Tickets", "customer"): ("客户名称", "customer name"),
    ("Tickets", "customer_phone"): ("客户电话", "customer phone number"),
    ("Tickets", "product_line"): ("产品类型，仅供参考", "product line, for information"),
    ("Tickets", "engineer"): ("负责工程师，仅供参考", "engineer in charge, for information"),
    ("Complaints", "complaint_id"): ("投诉编号，每条投诉一行", "complaint number, one row per complaint"),
    ("Complaints", "received_at"): ("收到投诉的时刻；三个投诉时限的起点", "when the complaint came in; start of all three complaint clocks"),
    ("Complaints", "accepted_at"): ("受理投诉的时刻", "when the complaint was accepted"),
    ("Complaints", "progress_at"): ("首次反馈进展的时刻", "when progress was fed back"),
    ("Complaints", "final_reply_at"): ("给出最终答复的时刻", "when the final answer was given"),
    ("Complaints", "ticket_id"): ("投诉所涉的服务工单（可空）；其服务费是减免基数",
                                  "the service order complained about (optional); its fee is the reduction base"),
    ("Complaints", "customer"): ("客户名称", "customer name"),
    ("Staff", "staff_id"): ("工号，每人一行", "staff number, one row per person"),
    ("Staff", "name"): ("姓名", "name"),
    ("Staff", "role"): ("岗位，仅供参考", "role, for information"),
    ("Staff", "hired_on"): ("入职日期 = 第一个在职日", "first day employed"),
    ("Staff", "left_on"): ("离职日期 = 最后一个在职日；空白 = 在职", "last day employed; blank = still employed"),
    ("Staff", "certified"): ("是 = 已取得资质认证；空白 = 否", "yes = certified; blank = no"),
    ("Staff", "trained_on"): ("培训考核合格日期，仅供参考", "date training and examination were passed, for information"),
    ("FundLedger", "entry_id"): ("凭证号，每笔支出一行", "voucher number, one row per expense"),
    ("FundLedger", "date"): ("支出日期", "date of the expense"),
    ("FundLedger", "category"): ("类别：薪酬 / 培训 / 设备 或其他文字，按原文比较",
                                 "category: 薪酬 / 培训 / 设备 or any other text, compared as written"),
    ("FundLedger", "amount"): ("金额，不得为负", "amount, not negative"),
    ("FundLedger", "description"): ("摘要，公示时显示（薪酬类除外）", "description, shown in the disclosure (not for salaries)"),
    ("FundLedger", "approved"): ("财务审核：是 = 已审核；空白 = 未审核", "finance review: yes = approved; blank = not approved"),
    ("FundLedger", "approved_on"): ("审核日期，公示时显示", "date of approval, shown in the disclosure"),
    ("FundLedger", "payee"): ("收款人，从不公示", "payee, never disclosed"),
    ("FundBudget", "year"): ("预算年度", "budget year"),
    ("FundBudget", "category"): ("类别，与台账类别按原文比较", "category, compared with the ledger's as written"),
    ("FundBudget", "budget"): ("预算金额；同年同类别多行相加", "budget; several lines of one year and category add up"),
    ("Notices", "notice_id"): ("通知编号", "notice number"),
    ("Notices", "ref_id"): ("通知针对的工单编号或投诉编号", "the ticket_id or complaint_id the notice is about"),
    ("Notices", "notice_date"): ("客户书面通知的日期；期限由此起算", "date of the customer's written notice; the deadline counts from it"),
    ("Notices", "severity"): ("违约等级；空白 = 自动判定", "severity; blank = derived"),
    ("Notices", "core_obligation_failed"): ("是 = 核心义务未履行（等级空白时判为重大）",
                                            "yes = core obligation not performed (major when severity is blank)"),
    ("Notices", "direct_loss"): ("直接经济损失；大于 0 且等级空白时判为重大；赔偿基数",
                                 "direct economic loss; > 0 makes it major when severity is blank; compensation base"),
    ("Notices", "remedied_on"): ("整改完成（或方案提交）日期", "date rectified (or solution submitted)"),
    ("Terms", "key"): ("参数名，见“承诺参数”一节", "Terms key, see the Terms section"),
    ("Terms", "value"): ("参数值", "the key's value"),
    ("Holidays", "date"): ("日期", "the day"),
    ("Holidays", "workday"): ("是 = 工作日（如公司调休）；否 = 休息日", "yes = working day (e.g. a company make-up day); no = day off"),
    ("Tickets", "response_due_at"): ("工单系统给出的首次响应截止时间；填写时代替按参数计算的时限",
                                     "the ticketing system's first-response due time; replaces the computed target"),
    ("Tickets", "solution_due_at"): ("工单系统给出的初步方案截止时间；填写时代替按参数计算的时限",
                                     "the ticketing system's initial-solution due time; replaces the computed target"),
    ("Complaints", "accept_due_at"): ("系统给出的受理截止时间", "the system's due time for acceptance"),
    ("Complaints", "progress_due_at"): ("系统给出的进展反馈截止时间", "the system's due time for progress feedback"),
    ("Complaints", "final_due_at"): ("系统给出的最终答复截止时间", "the system's due time for the final answer"),
    ("Pauses", "ref_id"): ("挂起的工单编号或投诉编号", "the ticket_id or complaint_id whose clock stops"),
    ("Pauses", "paused_from"): ("挂起开始（计时停止）", "clock stopped at"),
    ("Pauses", "paused_to"): ("挂起结束（计时恢复）；空白 = 仍在挂起，计到截止时间",
                              "clock restarted at; blank = still paused, counted up to as_of"),
}
# issue 11: the contract a ticket or complaint belongs to, and the Contracts table
MEANING.update({
    ("Tickets", "contract"): ("所属合同；空白 = 按客户对应合同表中的唯一合同，否则按承诺参数表（默认合同）",
                              "the contract; blank = the customer's only contract in the Contracts table, "
                              "else the Terms sheet (default contract)"),
    ("Complaints", "contract"): ("所属合同；空白 = 按客户，再按关联工单的合同，否则按承诺参数表",
                                 "the contract; blank = by customer, then by the linked ticket's contract, "
                                 "else the Terms sheet"),
    ("Contracts", "contract"): ("合同编号，每个合同一行", "contract number, one row per contract"),
    ("Contracts", "customer"): ("签约客户；未填合同编号的工单、投诉按客户归入合同（客户只在一个合同中出现时）",
                                "the customer; tickets and complaints without a contract go to the contract of "
                                "their customer (when the customer is on exactly one contract)"),
    **{("Contracts", k): (f"本合同的 `{k}`（{terms.EXPLAIN[k][0]}）；空白 = 承诺参数表的值",
                          f"this contract's `{k}` ({terms.EXPLAIN[k][1]}); blank = the Terms sheet's value")
       for k in terms.CONTRACT_KEYS},
})

HEAD = {
    "columns": (("列名", "中文表头", "类型", "必填 / 唯一 / 个人信息", "含义"),
                ("column", "Chinese header", "type", "required / unique / personal", "meaning")),
    "terms": (("参数", "默认值", "可填写", "含义"), ("key", "default", "accepted values", "meaning")),
    "tables": (("表（英文名）", "中文名", "用途"), ("table (English name)", "Chinese name", "used for")),
    "needs": (("数字", "表", "所需的列（缺少任一列即无法计算）"),
              ("figure", "table", "columns it needs (any one missing makes it unavailable)")),
    "words": (("单元格类型", "可填写的词（不区分大小写，前后空格忽略）"),
              ("cell kind", "accepted words (case-insensitive, surrounding spaces ignored)")),
}

TABLE_USE = {
    "Tickets": ("响应、初步方案、质量违约、回访", "response, initial solution, quality breaches, follow-up"),
    "Complaints": ("投诉受理、进展反馈、最终答复", "complaint accept, progress, final answer"),
    "Staff": ("在岗人数、人员流失率、资质认证占比", "headcount, turnover, certified share"),
    "FundLedger": ("基金支出、未审核支出、公示", "fund spending, unapproved entries, disclosure"),
    "FundBudget": ("基金预算与使用率", "fund budget and utilization"),
    "Notices": ("违约等级、整改期限、状态、赔偿", "breach severity, deadline, status, compensation"),
    "Terms": ("承诺参数（时限、阈值、比例）", "commitment parameters (targets, thresholds, ratios)"),
    "Holidays": ("单日覆盖工作日 / 休息日", "single-day working-day overrides"),
    "Pauses": ("挂起期间不计时（等待客户）", "spans when a clock stops (waiting on the customer)"),
    "Contracts": ("各合同自己的条款（覆盖承诺参数表）", "each contract's own terms (overriding the Terms sheet)"),
}


def _row(cells) -> str:
    return "| " + " | ".join(str(c).replace("|", "\\|") for c in cells) + " |"


def _table(head, rows) -> str:
    return "\n".join([_row(head), _row(["---"] * len(head)), *(_row(r) for r in rows)])


def _code(names) -> str:
    return ", ".join(f"`{n}`" for n in names)


def tables_block(lang: str) -> str:
    i = 0 if lang == "zh" else 1
    rows = [(f"`{t.name}`", f"`{t.zh}`", TABLE_USE[t.name][i]) for t in schema.TABLES.values()]
    return _table(HEAD["tables"][i], rows)


def columns_block(table: str, lang: str) -> str:
    i = 0 if lang == "zh" else 1
    words = (("必填", "唯一", "个人信息"), ("required", "unique", "personal"))[i]
    rows = []
    for c in schema.TABLES[table].columns:
        try:
            meaning = MEANING[(table, c.name)][i]
        except KeyError:
            raise SystemExit(f"scripts/gen_definitions.py: add a MEANING line for {table}.{c.name}") from None
        flags = [w for w, on in zip(words, (c.required, c.unique, c.personal)) if on]
        rows.append((f"`{c.name}`", " / ".join(f"`{a}`" for a in c.aliases), KIND[c.kind][i],
                     ("、" if i == 0 else ", ").join(flags) or "—", meaning))
    return _table(HEAD["columns"][i], rows)


def _default(key: str, lang: str) -> str:
    shown = terms.DEFAULT_TERMS.display()[key]
    if shown is None:
        m = re.fullmatch(r"(.+)_(P[1-4])", key)
        if m:
            return (f"同 `{m.group(1)}`" if lang == "zh" else f"(`{m.group(1)}`)")
        return "（无）" if lang == "zh" else "(none)"
    if isinstance(shown, float) and key in terms._RATIOS:
        return f"{shown:g}（{shown:.0%}）" if lang == "zh" else f"{shown:g} ({shown:.0%})"
    return f"`{shown:g}`" if isinstance(shown, float) else f"`{shown}`"


def _accepted(key: str, lang: str) -> str:
    zh = lang == "zh"
    if key in terms._HOURS:
        return "大于 0 的小时数" if zh else "hours, greater than 0"
    if key in terms._RATIOS:
        return "0 到 1 之间，或 0%–100%" if zh else "0 to 1, or 0%–100%"
    if key in terms._COUNTS:
        low = 1 if key == "turnover_window_months" else 0
        return f"整数，≥ {low}" if zh else f"whole number ≥ {low}"
    if key in terms._TIMES:
        return ("`HH:MM`（可到 `24:00`）或 Excel 时间单元格；可空" if key.startswith("break") else
                "`HH:MM`（可到 `24:00`）或 Excel 时间单元格") if zh else \
            ("`HH:MM` (up to `24:00`) or an Excel time cell; may be blank" if key.startswith("break") else
             "`HH:MM` (up to `24:00`) or an Excel time cell")
    if key == "pause_metrics":
        return ("`response`、`initial_solution`、`accept`、`progress`、`final`（或 `首次响应`、`初步方案`、`投诉受理`、"
                "`进展反馈`、`最终答复`），逗号分隔；`all`；`none`" if zh else
                "`response`, `initial_solution`, `accept`, `progress`, `final` (or `首次响应`, `初步方案`, `投诉受理`, "
                "`进展反馈`, `最终答复`), comma-separated; `all`; `none`")
    if key == "workdays":
        return ("`Mon-Fri`、`Mon,Wed,Fri`、`周一至周五`、`1-5`（1 = 周一）" if zh else
                "`Mon-Fri`, `Mon,Wed,Fri`, `周一至周五`, `1-5` (1 = Monday)")
    choices = terms._CHOICES[key]
    groups: dict[str, list[str]] = {}
    for word, value in choices.items():
        groups.setdefault(value, []).append(word)
    parts = []
    for value, words in groups.items():
        others = [w for w in words if w.lower() != value.lower()]
        parts.append(f"`{value}`" + (f" ({', '.join(others)})" if others else ""))
    return " / ".join(parts)


def terms_block(lang: str) -> str:
    i = 0 if lang == "zh" else 1
    rows, seen = [], set()
    for key in terms.DEFAULTS:
        if key in seen:
            continue
        m = re.fullmatch(r"(.+)_P1", key)
        if m:   # the four per-priority overrides of one target share a row
            group = [f"{m.group(1)}_{p}" for p in terms.PRIORITIES]
            seen.update(group)
            meaning = (f"按优先级覆盖 `{m.group(1)}`（可空）" if i == 0 else
                       f"per-priority override of `{m.group(1)}` (may be blank)")
            rows.append((_code(group), _default(key, lang), _accepted(key, lang), meaning))
            continue
        seen.add(key)
        rows.append((f"`{key}`", _default(key, lang), _accepted(key, lang), terms.EXPLAIN[key][i]))
    return _table(HEAD["terms"][i], rows)


def _words(ws) -> str:
    return " ".join(f"`{w}`" for w in sorted(ws, key=lambda w: (not w.isascii(), w)))


def words_block(lang: str) -> str:
    """The words of vocabulary.TABLES, one row per kind and meaning."""
    i = 0 if lang == "zh" else 1
    V = vocabulary.TABLES
    kinds = {"yesno": ("是/否（通用）", "yes/no (any)"), "approval": ("财务审核", "approval"),
             "complex": ("复杂问题", "complex"), "quality": ("质量达标", "quality_ok"),
             "certified": ("资质认证", "certified"), "workday": ("是否工作日", "workday")}
    side = (("是", "否"), ("yes", "no"))[i]
    extra = ("另加通用的是/否词", "plus the general yes/no words")[i]
    rows = []
    for kind, names in kinds.items():
        for val, label in ((True, side[0]), (False, side[1])):
            ws = V[kind][val]
            if kind != "yesno":
                base = V["yesno"][val]
                ws = [w for w in ws if w not in base]
                rows.append((f"{names[i]} {label}", _words(ws) + (f"（{extra}）" if i == 0 else f" ({extra})")))
            else:
                rows.append((f"{names[i]} {label}", _words(ws)))
    pr, sv = (("优先级", "违约等级"), ("priority", "severity"))[i]
    rows += [(f"{pr} {p}", _words(V["priority"][p])) for p in terms.PRIORITIES]
    rows.append((pr, ("另可：`P1 - 紧急`、`1 - Critical` 这类以 P1–P4 或 1–4 开头的写法" if i == 0 else
                      "also: text starting with P1–P4 or 1–4, such as `P1 - 紧急` or `1 - Critical`")))
    rows += [(f"{sv} {k}", _words(ws)) for k, ws in V["severity"].items()]
    rows.append((("未知的词", "unknown words")[i],
                 ("不在上表中的词（如 `待定`、`x`）记为数据问题，既不算“是”也不算“否”；各列的处理见第 11.4 节"
                  if i == 0 else "a word not in this table (e.g. `待定`, `x`) is a data issue and counts neither as yes "
                  "nor as no; what it does in each column: section 11.4")))
    return _table(HEAD["words"][i], rows)


def needs_block(lang: str) -> str:
    """availability.NEEDS: the figure, its table, the columns it needs (Chinese header and canonical name)."""
    i = 0 if lang == "zh" else 1
    rows = []
    for figure, (table, cols, zh, en) in availability.NEEDS.items():
        t = schema.TABLES[table]
        names = ("、" if i == 0 else ", ").join(
            f"`{t.column(c).aliases[0]}` (`{c}`)" if t.column(c).aliases else f"`{c}`" for c in cols)
        rows.append(((zh, en)[i], f"`{t.name}` {t.zh}", names))
    return _table(HEAD["needs"][i], rows)


def blocks(lang: str) -> dict[str, str]:
    out = {"tables": tables_block(lang), "terms": terms_block(lang), "words": words_block(lang),
           "needs": needs_block(lang)}
    for name in schema.TABLES:
        out[f"columns-{name}"] = columns_block(name, lang)
    return out


_MARK = re.compile(r"(<!-- generated:([\w-]+) -->\n)(.*?)(<!-- /generated:\2 -->)", re.S)


def render(text: str, lang: str) -> str:
    """`text` with every generated block rewritten; raises for a block name the script does not know."""
    made = blocks(lang)

    def sub(m):
        name = m.group(2)
        if name not in made:
            raise SystemExit(f"unknown generated block '{name}'")
        return f"{m.group(1)}{made[name]}\n{m.group(4)}"
    return _MARK.sub(sub, text)


def block_names(text: str) -> list[str]:
    return [m.group(2) for m in _MARK.finditer(text)]


def main(argv: list[str]) -> int:
    check = "--check" in argv
    stale = []
    for lang, path in DOCS.items():
        text = path.read_text(encoding="utf-8")
        new = render(text, lang)
        missing = set(blocks(lang)) - set(block_names(text))
        if missing:
            print(f"{path.name}: no place for generated block(s) {', '.join(sorted(missing))}")
            stale.append(path)
        if new != text:
            stale.append(path)
            if not check:
                path.write_text(new, encoding="utf-8")
                print(f"updated {path.relative_to(ROOT)}")
    if check and stale:
        print("out of date: " + ", ".join(sorted({p.name for p in stale})) + " (run python scripts/gen_definitions.py)")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
