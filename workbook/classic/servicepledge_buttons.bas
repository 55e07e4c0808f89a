Attribute VB_Name = "ServicePledge"
' Classic xlwings: the two buttons of the servicepledge template.
' The workbook must be saved as .xlsm and have a reference to the xlwings add-in
' (VBA editor > Tools > References > xlwings). Import this file (VBA editor > File > Import File),
' then Developer > Insert > Button (Form Control) and assign SP_BuildReport / SP_RefreshKPIs.

Sub SP_BuildReport()
    ' Builds the report into this workbook (period / as-of from the KPI sheet's yellow cells).
    RunPython "import servicepledge.excel.scripts as s; s.run_build_report()"
End Sub

Sub SP_RefreshKPIs()
    ' Rewrites the live SP_ formulas of the KPI sheet and recalculates.
    RunPython "import servicepledge.excel.scripts as s; s.run_refresh_kpis()"
End Sub
