"""The words of the template workbook (instructions, drop-down lists, their prompts), zh and en."""
from __future__ import annotations

INSTRUCTIONS = {
    "sheet": {"zh": "使用说明", "en": "Instructions"},
    "lines": {
        "zh": [
            "服务质量承诺 KPI 模板 · 使用说明",
            "1. 在各数据表（服务工单、客户投诉、服务人员、基金台账、基金预算、违约通知、节假日）中粘贴或录入数据。"
            "表头不要改名，可以增加列；日期写成 2026-10-05 14:30 或日期单元格。",
            "2. 在“承诺参数”表中按承诺书修改时限、阈值等参数（每行右侧有说明）；值留空即取默认值。",
            "3. “KPI看板”中的单元格是实时 SP_ 公式，在黄色单元格填写期间（如 2026-10）和截至时间（留空 = 现在）。"
            "公式需要 xlwings 加载项（xlwings Lite、xlwings Server 或经典 xlwings）；未加载时显示 #NAME?，"
            "加载后运行脚本“刷新KPI公式”。",
            "4. 生成月度报告：在 xlwings Lite 中运行脚本“生成月度报告 Build monthly report”（经典 xlwings："
            "点击绑定 RunPython 宏的按钮）。报告工作表写在本工作簿末尾；再次运行只替换上次生成的报告工作表，"
            "从不修改数据表。",
            "5. 函数：SP_HOURS、SP_SLA_STATUS、SP_COMPLIANCE、SP_COMPLAINTS、SP_TURNOVER、SP_FUND、SP_BREACHES、"
            "SP_KPIS。表格参数请传入带表头的整张表，如 Tickets[#All]；可选参数可以留空；参数有问题时返回以 #SP! "
            "开头的提示，说明需要修改什么。",
            "6. 节假日表的单日调整由报告按钮使用；SP_ 函数如需使用，在 Microsoft 365 中可把 "
            "VSTACK(Terms[#All],Holidays[#All]) 作为 terms 参数。",
            "7. 使用 1904 日期系统的工作簿：请在 xlwings Lite 的 main.py 中加入 set_date_system(1904)。",
            "详细的安装和设置步骤见项目文档 docs/EXCEL.md。",
        ],
        "en": [
            "Service commitment KPI template · how to use it",
            "1. Paste or type your data into the tables (Tickets, Complaints, Staff, FundLedger, FundBudget, "
            "Notices, Holidays). Keep the header names; extra columns are fine; dates as 2026-10-05 14:30 or "
            "date cells.",
            "2. Set the commitment's targets and thresholds in the Terms table (each row explains itself); an "
            "empty value takes the default.",
            "3. The KPI sheet holds live SP_ formulas. Enter the period (e.g. 2026-10) and the as-of moment "
            "(empty = now) in the yellow cells. The formulas need an xlwings add-in (xlwings Lite, xlwings Server "
            "or classic xlwings); without it they show #NAME? - load it and run the script 'Refresh KPI sheet'.",
            "4. Monthly report: run the script 'Build monthly report' in xlwings Lite (classic xlwings: the "
            "button bound to the RunPython macro). The report sheets go to the end of this workbook; running "
            "it again replaces only the sheets it wrote before and never changes the data tables.",
            "5. Functions: SP_HOURS, SP_SLA_STATUS, SP_COMPLIANCE, SP_COMPLAINTS, SP_TURNOVER, SP_FUND, "
            "SP_BREACHES, SP_KPIS. Pass whole tables with their header row, e.g. Tickets[#All]; optional "
            "arguments may be left empty; a problem returns a text starting with #SP! that says what to fix.",
            "6. Single-day overrides in the Holidays table are used by the report button; for the SP_ functions "
            "in Microsoft 365, pass VSTACK(Terms[#All],Holidays[#All]) as the terms argument.",
            "7. Workbooks on the 1904 date system: add set_date_system(1904) to the xlwings Lite main.py.",
            "Step-by-step set-up: the project's docs/EXCEL.md.",
        ],
    },
}

LISTS = {
    "priority": {"zh": ["P1", "P2", "P3", "P4", "紧急", "高", "中", "低"],
                 "en": ["P1", "P2", "P3", "P4", "critical", "high", "medium", "low"]},
    "yesno": {"zh": ["是", "否"], "en": ["yes", "no"]},
    "category": {"zh": ["薪酬", "培训", "设备"], "en": ["salaries", "training", "equipment"]},
    "severity": {"zh": ["轻微", "重大"], "en": ["minor", "major"]},
}

PROMPTS = {
    "priority": {"zh": ("优先级", "P1–P4，或 紧急/高/中/低；留空按默认时限"),
                 "en": ("Priority", "P1-P4, or critical/high/medium/low; empty = the default target")},
    "yesno": {"zh": ("是/否", "是 或 否（也可 Y/N、1/0）"), "en": ("Yes/no", "yes or no (Y/N and 1/0 work too)")},
    "category": {"zh": ("类别", "薪酬 / 培训 / 设备，或其他类别（无预算的类别会被标出）"),
                 "en": ("Category", "salaries / training / equipment, or another category (flagged without a budget)")},
    "severity": {"zh": ("违约等级", "轻微 或 重大；留空按核心义务和直接损失判断"),
                 "en": ("Severity", "minor or major; empty = derived from core obligation and direct loss")},
}

TERMS_HEAD = {"zh": ["参数", "值", "说明"], "en": ["key", "value", "explanation"]}
