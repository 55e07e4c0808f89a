"""The words of the template workbook (instructions, drop-down lists, their prompts), zh and en."""
from __future__ import annotations

# The few lines a manager pastes into xlwings Lite (shown in code cells of the instructions sheet;
# tests run exactly these lines against the released wheel). workbook/lite/main.py does the same with
# checks and bilingual messages.
LITE_MAIN = [
    "import glob, os, sys",
    "sys.path[:0] = sorted(glob.glob('/data/**/servicepledge-*.whl', recursive=True), key=os.path.getmtime)[-1:]",
    "from servicepledge.excel.functions import *",
    "from servicepledge.excel.scripts import build_report, refresh_kpis",
]
LITE_1904 = "from servicepledge.excel.cells import set_date_system; set_date_system(1904)"
LITE_REQUIREMENTS = ["pandas", "numpy", "matplotlib", "openpyxl", "chinesecalendar", "defusedxml"]
WHEEL = "servicepledge-<版本>-py3-none-any.whl"
WHEEL_EN = "servicepledge-<version>-py3-none-any.whl"

# The instructions sheet: (kind, text) rows; kind = title | head | text | code | note.
# Each template shows its own language first, then the other one.
_ZH = [
    ("title", "服务质量承诺 KPI 模板 · 使用说明"),
    ("head", "一、录入数据"),
    ("text", "1. 在各数据表（服务工单、客户投诉、服务人员、基金台账、基金预算、违约通知、节假日）中粘贴或录入数据。"
             "表头不要改名，可以增加列；日期写成 2026-10-05 14:30 或日期单元格。"
             "等待客户期间计时暂停的，在“挂起记录”表中逐条录入工单/投诉编号、挂起开始、挂起结束（未结束留空）；"
             "工单系统给出的截止时间可填在“响应截止时间”等列，优先于按参数计算的时限。"),
    ("text", "2. 在“承诺参数”表中按承诺书修改时限、阈值等参数（每行右侧有说明）；值留空即取默认值。"),
    ("text", "3. “KPI看板”中的单元格是实时 SP_ 公式：在黄色单元格填写期间（如 2026-10）和截至时间（留空 = 现在）。"
             "未安装加载项时显示 #NAME?，按下面第二部分安装后运行脚本“刷新KPI公式”。"),
    ("head", "二、安装到 Excel：xlwings Lite（推荐：免费，不需要安装 Python，不需要服务器）"),
    ("text", "xlwings Lite 免费，商业用途也免费。需要：Microsoft 365 或 Office 2021 及以上（Windows、macOS 或网页版 Excel），以及与本模板一起提供的文件 "
             + WHEEL + "（向提供模板的同事索取）。"),
    ("text", "1. Excel “开始”选项卡 > “加载项”（旧版 Excel 在“插入”选项卡），搜索 xlwings，添加 xlwings Lite。"
             "“开始”选项卡最右侧出现 xlwings Lite 按钮，点击它打开右侧的 xlwings Lite 窗格。"),
    ("text", "2. 窗格菜单 > Files > Import/Export：把 " + WHEEL + " 拖进去（不要改文件名）。"
             "它保存在本机的 xlwings Lite 中；清除 Office 缓存后需要重新导入，请保留该文件。"),
    ("text", "3. requirements.txt 标签页：保留第一行 xlwings（不要改），在下面加上这 6 行（选中这 6 个单元格，复制，粘贴；不要写版本号）："),
    ("code", "\n".join(LITE_REQUIREMENTS)),
    ("text", "4. main.py 标签页：删除原有示例代码，粘贴下面 4 行代码（选中这 4 个单元格，复制，粘贴），然后窗格菜单 > Restart（重启）："),
    ("code", "\n".join(LITE_MAIN)),
    ("text", "5. 在任意单元格输入 =SP_ 即可看到 SP_HOURS、SP_KPIS、SP_CHART 等函数；窗格中的脚本列表（运行按钮旁）有"
             " build_report（生成报告）和 refresh_kpis（刷新KPI公式）。保存工作簿：代码保存在工作簿中，"
             "下次打开不需要重复第 3、4 步；在另一台电脑上只需重复第 1、2 步。"),
    ("text", "6. servicepledge 发布到 PyPI 之后，也可以不导入 .whl 文件：在 requirements.txt 中再加一行 "
             "servicepledge==<版本>，main.py 保持不变。"),
    ("text", "7. 工作簿使用 1904 日期系统时（文件 > 选项 > 高级 >“使用 1904 日期系统”），在 main.py 末尾再加一行："),
    ("code", LITE_1904),
    ("head", "三、使用"),
    ("text", "1. 生成报告：运行脚本 build_report（生成报告）。报告工作表写在本工作簿末尾；再次运行只替换上次生成的"
             "报告工作表，从不修改数据表。"),
    ("text", "2. 函数（10 个）：SP_HOURS, SP_SLA_STATUS, SP_COMPLIANCE, SP_COMPLAINTS, SP_TURNOVER, SP_FUND, "
             "SP_BREACHES, SP_KPIS, SP_WARNINGS（看数字之前先看的注意事项）, SP_CHART。表格参数请传入带表头的整张表，如 Tickets[#All]；可选参数可以留空；参数有问题时返回以 "
             "#SP! 开头的提示，说明需要修改什么。"),
    ("text", "3. 节假日表的单日调整由报告脚本使用；SP_ 函数如需使用，在 Microsoft 365 中可把 "
             "VSTACK(Terms[#All],Holidays[#All]) 作为 terms 参数。"),
    ("text", "4. 语言：报告、函数结果和 #SP! 提示使用“承诺参数”表中 lang 的语言（zh 中文，en 英文）；"
             "报告中“数据问题”表列出无法使用的单元格（表、行号、列、问题），生成报告后请先查看它和仪表板上的红色注意事项。"),
    ("head", "四、其他运行方式（需要 IT 支持）"),
    ("text", "经典 xlwings（Windows 桌面版 Excel，每台电脑需要 Python 3.11+）：pip install " + WHEEL + " xlwings，"
             "再运行 xlwings addin install；工作簿另存为 .xlsm，在 xlwings 选项卡的 UDF Modules 中填 "
             "servicepledge.excel.functions，点击 Import Functions。报告按钮的宏：RunPython \"import "
             "servicepledge.excel.scripts as s; s.run_build_report()\"。"),
    ("text", "xlwings Server（团队共用一台服务器，需要 xlwings 商业许可）：在服务器上安装同一个 .whl 文件，并在 xlwings "
             "Server 项目的 custom_functions 和 custom_scripts 中导入 servicepledge.excel.functions 和 "
             "servicepledge.excel.scripts（与上面第 4 步代码的后两行相同）。"),
]
_EN = [
    ("title", "Service commitment KPI template · how to use it"),
    ("head", "A. Enter the data"),
    ("text", "1. Paste or type your data into the tables (Tickets, Complaints, Staff, FundLedger, FundBudget, "
             "Notices, Holidays). Keep the header names; extra columns are fine; dates as 2026-10-05 14:30 or "
             "date cells. While a ticket or complaint waits on the customer its clock can stop: list those spans in "
             "the Pauses table (id, paused from, paused to; blank = still paused). Due times from your ticketing "
             "system go in the response_due_at … columns and replace the computed targets."),
    ("text", "2. Set the commitment's targets and thresholds in the Terms table (each row explains itself); an "
             "empty value takes the default."),
    ("text", "3. The KPI sheet holds live SP_ formulas: enter the period (e.g. 2026-10) and the as-of moment "
             "(empty = now) in the yellow cells. Without the add-in they show #NAME?: install it as in part B, "
             "then run the script refresh_kpis (Refresh KPI sheet)."),
    ("head", "B. Install in Excel: xlwings Lite (recommended: free, no Python to install, no server)"),
    ("text", "xlwings Lite is free, also for commercial use. You need Microsoft 365 or Office 2021 or later (Windows, macOS or Excel on the web) and the file "
             + WHEEL_EN + " that comes with this template (ask the colleague who gave you the template)."),
    ("text", "1. Excel, Home tab > Add-ins (older Excel: Insert tab), search for xlwings and add xlwings Lite. "
             "An xlwings Lite button appears at the right end of the Home tab; click it to open the xlwings Lite "
             "pane."),
    ("text", "2. Pane menu > Files > Import/Export: drop " + WHEEL_EN + " there (keep its name). It is kept in "
             "xlwings Lite on this computer; clearing the Office cache deletes it, so keep a copy."),
    ("text", "3. requirements.txt tab: keep the first line (xlwings, unchanged) and add these 6 lines below it "
             "(select the 6 cells, copy, paste; no version numbers):"),
    ("code", "\n".join(LITE_REQUIREMENTS)),
    ("text", "4. main.py tab: delete the sample code and paste these 4 lines of code (select the 4 cells, copy, paste), "
             "then pane menu > Restart:"),
    ("code", "\n".join(LITE_MAIN)),
    ("text", "5. Type =SP_ in any cell to see SP_HOURS, SP_KPIS, SP_CHART and the others; the pane's script list "
             "(next to the Run button) has build_report (Build report) and refresh_kpis (Refresh KPI "
             "sheet). Save the workbook: the code is kept in it, so steps 3 and 4 are done once; on another "
             "computer repeat steps 1 and 2 only."),
    ("text", "6. Once servicepledge is published on PyPI, the .whl file is not needed: add the line "
             "servicepledge==<version> to requirements.txt and keep main.py as it is."),
    ("text", "7. Workbooks on the 1904 date system (File > Options > Advanced > 'Use 1904 date system'): add "
             "this line at the end of main.py:"),
    ("code", LITE_1904),
    ("head", "C. Use"),
    ("text", "1. Report: run the script build_report (Build report). The report sheets go to the "
             "end of this workbook; running it again replaces only the sheets it wrote before and never changes "
             "the data tables."),
    ("text", "2. Functions: SP_HOURS, SP_SLA_STATUS, SP_COMPLIANCE, SP_COMPLAINTS, SP_TURNOVER, SP_FUND, "
             "SP_BREACHES, SP_KPIS, SP_WARNINGS (what to know before trusting the figures), SP_CHART. Pass whole tables with their header row, e.g. Tickets[#All]; "
             "optional arguments may be left empty; a problem returns a text starting with #SP! that says what "
             "to fix."),
    ("text", "3. Single-day overrides in the Holidays table are used by the report script; for the SP_ "
             "functions in Microsoft 365, pass VSTACK(Terms[#All],Holidays[#All]) as the terms argument."),
    ("text", "4. Language: the report, the function results and the #SP! texts use the Terms table's lang (zh "
             "Chinese, en English). The report's Data issues sheet lists the cells that could not be used (table, "
             "row, column, problem): look at it and at the dashboard's red warnings first."),
    ("head", "D. Other ways to run it (need IT)"),
    ("text", "Classic xlwings (desktop Excel on Windows, Python 3.11+ on each PC): pip install " + WHEEL_EN +
             " xlwings, then xlwings addin install; save the workbook as .xlsm, set UDF Modules on the xlwings "
             "tab to servicepledge.excel.functions and click Import Functions. Report button macro: RunPython "
             "\"import servicepledge.excel.scripts as s; s.run_build_report()\"."),
    ("text", "xlwings Server (one server for a team, needs a commercial xlwings license): install the same .whl "
             "on the server and import servicepledge.excel.functions and servicepledge.excel.scripts in the "
             "xlwings Server project's custom_functions and custom_scripts (the last two lines of the code in step 4)."),
]
INSTRUCTIONS = {
    "sheet": {"zh": "使用说明", "en": "Instructions"},
    "rows": {"zh": [*_ZH, ("gap", ""), ("head", "English"), *_EN[1:]],
             "en": [*_EN, ("gap", ""), ("head", "中文说明"), *_ZH[1:]]},
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
