"""Every word the command line prints, in zh and en: `--help`, progress, the headline summary, its own errors.

The language is chosen once (core/language.choose) before the parser is built, so `--help` is already in it.
"""
from __future__ import annotations

TEXT: dict[str, tuple[str, str]] = {
    # --help
    "description": ("售后服务质量承诺书（服务时效、投诉处理、人员流失率、专项基金、违约补救）的指标报告",
                    "After-sales service commitment KPIs (服务质量承诺书)"),
    "usage": ("用法：", "usage: "),
    "error": ("{prog}：错误：{message}", "{prog}: error: {message}"),
    "positional": ("参数", "positional arguments"),
    "options": ("选项", "options"),
    "help": ("显示本帮助并退出", "show this help message and exit"),
    "version": ("显示版本号并退出", "show program's version number and exit"),
    "commands": ("命令", "commands"),
    "report": ("计算服务台账工作簿的报告（月、季度、半年、年或日期范围）",
               "compute the report of a service workbook for a month, quarter, half-year, year or range of days"),
    "file": ("输入工作簿（.xlsx）、CSV 文件或 CSV 文件夹（每个文件一张表）、Parquet 文件或 Parquet 文件夹；"
             "不填则使用自带的示例",
             "input workbook (.xlsx), CSV files or a folder of CSV files (one table each), a Parquet file or a "
             "folder of Parquet files; default: the bundled sample"),
    "table": ("单个 CSV 文件中是哪张表（Tickets/工单、Complaints/投诉……；默认按文件名或表头判断）",
              "the table a single CSV file holds (Tickets, Complaints, …; default: from the file name "
              "or its headers)"),
    "map": ("导出文件的列名与取值映射（TOML）", "column and value mapping of an export (TOML)"),
    "preset": ("工单系统标准导出的映射：servicenow、jira、zendesk、freshdesk",
               "mapping of a ticketing system's standard export: servicenow, jira, zendesk, freshdesk"),
    "encoding": ("CSV 文件的编码（默认自动识别 UTF-8 / GBK）：gbk、utf-8、cp1252（西欧 Windows）等",
                 "the CSV files' text encoding (default: UTF-8 / GBK detected): gbk, utf-8, cp1252 (Western "
                 "Windows), …"),
    "disclosure": ("单独写出专项基金公示表（可打印，供财务审核签字）",
                   "write the fund disclosure alone, print-ready for finance to sign"),
    "d_file": ("输入工作簿（.xlsx）；不填则使用自带的示例", "input workbook (.xlsx); default: the bundled sample"),
    "d_output": ("要写入的工作簿（默认：servicepledge-disclosure-期间.xlsx）",
                 "workbook to write (default: servicepledge-disclosure-PERIOD.xlsx)"),
    "d_no_mask": ("显示未脱敏的收款人", "show payees unmasked"),
    "d_pdf": ("同时在旁边写出 PDF（需要 LibreOffice）", "also write the PDF beside it (needs LibreOffice)"),
    "period": ("报告期间：2026-10（月）、2026-Q3 或 2026年第3季度（季度）、2026-H1 或 2026年上半年（半年）、2026（年）"
               "或 2026-01-01..2026-03-31（日期范围）（默认：最新工单所在月份）",
               "period: month 2026-10, quarter 2026-Q3, half-year 2026-H1, year 2026, "
               "or a range of days 2026-01-01..2026-03-31 (default: month of the latest ticket)"),
    "as_of": ("报告截至的时刻，例如 '2026-10-31 18:00'（默认：现在）",
              "moment the report describes, e.g. '2026-10-31 18:00' (default: now)"),
    "json": ("输出 JSON 文档，不写工作簿", "print the JSON document instead of writing a workbook"),
    "output": ("要写入的报告工作簿（默认：servicepledge-report-期间.xlsx，如 servicepledge-report-2026-Q3.xlsx；"
               "日期范围：servicepledge-report-2026-01-01_2026-03-31.xlsx）",
               "report workbook to write (default: servicepledge-report-PERIOD.xlsx, e.g. "
               "servicepledge-report-2026-Q3.xlsx; a range: servicepledge-report-2026-01-01_2026-03-31.xlsx)"),
    "lang": ("语言 zh 或 en：报告、屏幕输出、错误信息和帮助（默认：承诺参数表的 lang，否则系统语言，否则中文）",
             "language zh or en of the report, the console, errors and this help (default: the Terms 'lang', "
             "else the system locale, else zh)"),
    "force": ("替换已存在的输出文件", "replace an existing output file"),
    "no_mask": ("在共享的工作表中显示未脱敏的个人信息（客户、电话、收款人）",
                "show personal data (customer, phone, payee) unmasked in the shared sheets"),
    "pdf": ("同时导出 PDF（需要 LibreOffice）", "also export the report as PDF (needs LibreOffice)"),
    "template": ("写出输入模板工作簿", "write the input template workbook"),
    "t_output": ("要写入的模板文件（默认：servicepledge-template.xlsx）",
                 "template file to write (default: servicepledge-template.xlsx)"),
    "with_sample": ("填入示例数据", "fill it with the sample data"),
    "t_lang": ("模板的语言 zh 或 en（默认同上）", "language zh or en of the template (default as above)"),
    "t_force": ("替换已存在的文件", "replace an existing file"),
    # progress (one terminal line, only on a terminal)
    "reading": ("正在读取 {name}", "reading {name}"),
    "reading_table": ("正在读取", "reading"),
    "computing": ("正在计算指标", "computing KPIs"),
    "writing": ("正在写入报告", "writing the report"),
    # the headline summary
    "head": ("servicepledge {version} · 期间 {period} · 截至 {as_of}", "servicepledge {version} · period {period} · as of {as_of}"),
    "response": ("首次响应达标率", "response compliance"),
    "response_counts": ("（达标 {met}，超时 {breached}，未完成 {pending}，临近超时 {at_risk}）",
                        "({met} met, {breached} breached, {pending} pending, {at_risk} at risk)"),
    "initial_solution": ("复杂问题初步方案达标率", "initial solution"),
    "complaints": ("投诉受理/进展/最终答复达标率", "complaints accept/progress/final"),
    "turnover": ("滚动{n}个月人员流失率", "turnover rolling {n}m"),
    "threshold": ("（阈值 {v}）", "(threshold {v})"),
    "exceeded": ("超标", "EXCEEDED"),
    "followup": ("回访率", "follow-up"),
    "target": ("（目标 {v}）", "(target {v})"),
    "breaches": ("违约", "breaches"),
    "breach_counts": ("轻微 {minor} 件，重大 {major} 件，逾期 {overdue} 件；服务费减免 {fee}，赔偿 {comp}",
                      "{minor} minor, {major} major, {overdue} overdue; fee reductions {fee}, compensation {comp}"),
    "data_issues": ("数据问题", "data issues"),
    "warning": ("警告：{m}", "warning: {m}"),
    "unavailable": ("无法计算（{why}）", "unavailable ({why})"),
    "unavailable_money": ("无法计算", "unavailable"),
    "written": ("报告已写入 {path}", "Report written to {path}"),
    "pdf_written": ("PDF：{path}", "PDF: {path}"),
    # the disclosure command
    "d_computing": ("正在计算专项基金", "computing the fund"),
    "d_writing": ("正在写入公示表", "writing the disclosure"),
    "d_head": ("servicepledge {version} · 专项基金公示 {period} · 截至 {as_of}",
               "servicepledge {version} · fund disclosure {period} · as of {as_of}"),
    "d_spent": ("本期支出 {spent}；本年累计 {ytd}（自 {start} 起）", "spent in period {spent}; year to date {ytd} (from {start})"),
    "d_unapproved": ("未审批    {what}", "not approved    {what}"),
    "d_unapproved_counts": ("本期 {n} 笔（{amount}），本年累计 {n_ytd} 笔（{amount_ytd}）",
                            "{n} ({amount}) in the period, {n_ytd} ({amount_ytd}) year to date"),
    "d_reconciliation": ("核对      台账 {ledger} → 各类别合计 {cats}，差额 {diff}",
                         "reconciliation  ledger {ledger} → categories {cats}, difference {diff}"),
    "d_written": ("公示表已写入 {path}", "Disclosure written to {path}"),
    "template_written": ("模板已写入 {path}", "Template written to {path}"),
    # the command line's own errors
    "cannot_open": ("无法打开 {path}：{why}", "cannot open {path}: {why}"),
    "permission": ("无法打开 {path}：没有访问权限", "cannot open {path}: permission denied"),
    "interrupted": ("已中断；未写入任何内容", "interrupted; nothing was written"),
    "unexpected": ("意外错误（{what}）；请连同输入文件一起报告此问题",
                   "unexpected error ({what}); please report this with the input file"),
}


def say(key: str, lang: str, **fmt) -> str:
    zh, en = TEXT[key]
    text = zh if lang == "zh" else en
    return text.format(**fmt) if fmt else text


# argparse's own parse errors (its texts are English): pattern of the English message -> the Chinese form.
# Option names, choices and the values typed stay as typed; an error not listed here stays English.
_ARGPARSE_ZH = (
    (r"the following arguments are required: (.+)", "缺少必需的参数：{0}"),
    (r"unrecognized arguments: (.+)", "无法识别的参数：{0}"),
    (r"argument (\S+): invalid choice: (.+?) \(choose from (.+)\)", "参数 {0}：无效的取值 {1}（可选：{2}）"),
    (r"argument (\S+): expected one argument", "参数 {0} 后面需要一个值"),
    (r"argument (\S+): expected at least one argument", "参数 {0} 后面至少需要一个值"),
    (r"argument (\S+): expected at most one argument", "参数 {0} 后面最多只能有一个值"),
    (r"argument (\S+): not allowed with argument (\S+)", "参数 {0} 不能与参数 {1} 同时使用"),
    (r"argument (\S+): invalid (\S+) value: (.+)", "参数 {0}：无效的值 {2}"),
    (r"argument (\S+): ignored explicit argument (.+)", "参数 {0}：不接受值 {1}"),
    (r"ambiguous option: (\S+) could match (.+)", "选项 {0} 有歧义，可能是：{1}"),
    (r"one of the arguments (.+) is required", "以下参数必须给出其中一个：{0}"),
)


def argparse_error(message: str, lang: str) -> str:
    """argparse's error `message` in `lang` ('unrecognized arguments: --x' → '无法识别的参数：--x')."""
    if lang != "zh":
        return message
    import re
    for pattern, zh in _ARGPARSE_ZH:
        m = re.fullmatch(pattern, message.strip())
        if m:
            return zh.format(*m.groups())
    return message
