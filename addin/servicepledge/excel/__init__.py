"""servicepledge inside Excel: the SP_ custom functions and the report buttons (scripts).

- `servicepledge.excel.functions`: SP_HOURS … SP_KPIS, SP_CHART (xlwings Lite, xlwings Server, classic COM UDFs)
- `servicepledge.excel.scripts`: build the report into the open workbook, refresh the KPI sheet
- `servicepledge.excel.cells`: how Excel hands values over (2-D lists, serial dates, the 1904 date system)
- `servicepledge.excel.book`: the input tables of an open workbook (xw.Book) as typed tables
- `servicepledge.excel.render`: report sheet models written through the xlwings Book API
- `servicepledge.excel.kpisheet`: the template's KPI sheet (live SP_ formulas), shared by the template
  command and the refresh script

Nothing here imports xlwings at package import time: the template command works without it.
"""
