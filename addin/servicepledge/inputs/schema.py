"""The input tables of docs/DEFINITIONS.md §1: names, columns, aliases, types.

Everything that reads input (the workbook reader, the Excel functions) goes through these
definitions, so a column alias added here works everywhere.
"""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Column:
    name: str                 # canonical English name
    aliases: tuple[str, ...]  # Chinese (and other) header spellings
    kind: str                 # text | datetime | date | number | priority | raw, or a yes/no kind of
                              # vocabulary.BOOL_KINDS (yesno, approval, complex, quality, certified, workday)
    required: bool = False
    unique: bool = False
    personal: bool = False    # personal data: masked in shared sheets


@dataclass(frozen=True)
class Table:
    name: str                 # canonical English table name
    zh: str                   # Chinese table / sheet name
    columns: tuple[Column, ...] = field(default_factory=tuple)

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    def column(self, name: str) -> Column:
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(name)


C = Column

TICKETS = Table("Tickets", "服务工单", (
    C("ticket_id", ("工单编号",), "text", required=True, unique=True),
    C("opened_at", ("受理时间", "报修时间"), "datetime", required=True),
    C("priority", ("优先级",), "priority"),
    C("complex", ("复杂问题",), "complex"),
    C("first_response_at", ("首次响应时间",), "datetime"),
    C("initial_solution_at", ("初步方案时间",), "datetime"),
    C("resolved_at", ("解决时间",), "datetime"),
    C("quality_ok", ("质量达标",), "quality"),
    C("service_fee", ("服务费用",), "number"),
    C("followed_up_at", ("回访时间",), "datetime"),
    C("satisfaction", ("满意度",), "number"),
    C("customer", ("客户",), "text", personal=True),
    C("customer_phone", ("联系电话",), "text", personal=True),
    C("product_line", ("产品类型",), "text"),
    C("engineer", ("工程师",), "text", personal=True),
    # the ticketing system's own SLA due times (used instead of the Terms target when present)
    C("response_due_at", ("响应截止时间",), "datetime"),
    C("solution_due_at", ("方案截止时间", "初步方案截止时间"), "datetime"),
    C("contract", ("合同编号",), "text"),
))

COMPLAINTS = Table("Complaints", "客户投诉", (
    C("complaint_id", ("投诉编号",), "text", required=True, unique=True),
    C("received_at", ("投诉时间",), "datetime", required=True),
    C("accepted_at", ("受理时间",), "datetime"),
    C("progress_at", ("进展反馈时间",), "datetime"),
    C("final_reply_at", ("最终答复时间",), "datetime"),
    C("ticket_id", ("工单编号",), "text"),
    C("customer", ("客户",), "text", personal=True),
    C("accept_due_at", ("受理截止时间",), "datetime"),
    C("progress_due_at", ("进展反馈截止时间",), "datetime"),
    C("final_due_at", ("答复截止时间", "最终答复截止时间"), "datetime"),
    C("contract", ("合同编号",), "text"),
))

STAFF = Table("Staff", "服务人员", (
    C("staff_id", ("工号",), "text", required=True, unique=True),
    C("name", ("姓名",), "text", personal=True),
    C("role", ("岗位",), "text"),
    C("hired_on", ("入职日期",), "date", required=True),
    C("left_on", ("离职日期",), "date"),
    C("certified", ("资质认证",), "certified"),
    C("trained_on", ("培训考核合格日期",), "date"),
))

FUND_LEDGER = Table("FundLedger", "基金台账", (
    C("entry_id", ("凭证号",), "text", required=True, unique=True),
    C("date", ("日期",), "date", required=True),
    C("category", ("类别",), "text", required=True),
    C("amount", ("金额",), "number", required=True),
    C("description", ("摘要",), "text"),
    C("approved", ("财务审核",), "approval"),
    C("approved_on", ("审核日期",), "date"),
    C("payee", ("收款人",), "text", personal=True),
))

FUND_BUDGET = Table("FundBudget", "基金预算", (
    C("year", ("年度",), "number", required=True),
    C("category", ("类别",), "text", required=True),
    C("budget", ("预算金额",), "number", required=True),
))

NOTICES = Table("Notices", "违约通知", (
    C("notice_id", ("通知编号",), "text", required=True, unique=True),
    C("ref_id", ("关联编号",), "text"),
    C("notice_date", ("书面通知日期",), "date", required=True),
    C("severity", ("违约等级",), "text"),
    C("core_obligation_failed", ("核心义务未履行",), "yesno"),
    C("direct_loss", ("直接经济损失",), "number"),
    C("remedied_on", ("整改完成日期", "方案提交日期"), "date"),
))

TERMS = Table("Terms", "承诺参数", (
    C("key", ("参数",), "text", required=True),
    C("value", ("值", "参数值"), "raw"),
))

HOLIDAYS = Table("Holidays", "节假日", (
    C("date", ("日期",), "date", required=True),
    C("workday", ("是否工作日",), "workday", required=True),
))

# clock pauses (挂起): while the team waits on the customer, the SLA clock of the ticket/complaint stops
PAUSES = Table("Pauses", "挂起记录", (
    C("ref_id", ("工单编号", "关联编号", "投诉编号"), "text", required=True),
    C("paused_from", ("挂起开始",), "datetime", required=True),
    C("paused_to", ("挂起结束",), "datetime"),
))


def _contract_term_columns() -> tuple[Column, ...]:
    """One column per Terms key a contract may override (core/contracts.CONTRACT_KEYS), named as the key, with
    the Chinese name of its Terms explanation as alias (首次响应时限, 计时方式, 上班时间 …)."""
    from ..core.terms import CONTRACT_KEYS, EXPLAIN
    out = []
    for k in CONTRACT_KEYS:
        short = EXPLAIN[k][0].split("（")[0].split("：")[0].split("，")[0].strip()
        out.append(C(k, (short,), "raw"))
    return tuple(out)


CONTRACTS = Table("Contracts", "合同", (
    C("contract", ("合同编号",), "text", required=True, unique=True),
    C("customer", ("客户",), "text", personal=True),
    *_contract_term_columns(),
))

TABLES: dict[str, Table] = {t.name: t for t in
                            (TICKETS, COMPLAINTS, STAFF, FUND_LEDGER, FUND_BUDGET, NOTICES, TERMS, HOLIDAYS,
                             PAUSES, CONTRACTS)}

# Fund categories with a fixed meaning (any other text is allowed, but flagged without a budget line).
FUND_CATEGORIES = {"薪酬": "salaries", "培训": "training", "设备": "equipment"}


def header_key(text: object) -> str:
    """Case- and space-insensitive form of a header or table name."""
    return "".join(str(text).split()).casefold().replace("_", "")


def table_for_name(name: str) -> Table | None:
    """The table whose English or Chinese name matches `name` (case/space-insensitive)."""
    key = header_key(name)
    for t in TABLES.values():
        if key in (header_key(t.name), header_key(t.zh)):
            return t
    return None
