"""xlwings Lite: paste this into the workbook's main.py (xlwings Lite editor, main.py tab).

It makes the nine SP_ functions (SP_HOURS ... SP_KPIS, SP_CHART) appear in Excel and adds two scripts to
the task pane: "生成月度报告 Build monthly report" and "刷新KPI公式 Refresh KPI sheet".
The package itself comes from requirements.txt (see the requirements.txt tab).
"""
from servicepledge.excel.functions import *  # noqa: F401,F403  (the SP_ custom functions)
from servicepledge.excel.scripts import build_report, refresh_kpis  # noqa: F401  (the report buttons)

# Only for a workbook that uses the 1904 date system (File > Options > Advanced >
# "Use 1904 date system"): Office.js does not tell Python, so say it here.
# from servicepledge.excel.cells import set_date_system
# set_date_system(1904)

# Optional sheet button (xlwings Lite runs a script when a shape that links to a cell is clicked):
# insert a shape on the sheet 使用说明, name it sp_report (Name Box), give it a hyperlink to
# 使用说明!A20, and uncomment:
# import xlwings as xw
# from xlwings import script
# from servicepledge.excel.scripts import build_report_into
#
# @script(button="[sp_report]使用说明!A20", show_taskpane=True)
# def report_button(book: xw.Book):
#     build_report_into(book)
