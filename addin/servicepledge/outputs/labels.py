"""Every word a user sees in generated sheets, charts and function results: one table, zh and en."""
from __future__ import annotations

L: dict[str, tuple[str, str]] = {
    # sheets
    "sheet.dashboard": ("KPI仪表板", "Dashboard"),
    "sheet.breaches": ("违约登记", "Breach register"),
    "sheet.fund": ("基金公示", "Fund disclosure"),
    "sheet.staffing": ("人员与流失率", "Staffing"),
    "sheet.issues": ("数据问题", "Data issues"),
    "sheet.audit": ("审计信息", "Audit"),
    # metrics
    "response": ("首次响应", "First response"),
    "initial_solution": ("复杂问题初步方案", "Initial solution (complex)"),
    "accept": ("投诉受理", "Complaint accepted"),
    "progress": ("投诉进展反馈", "Complaint progress"),
    "final": ("投诉最终答复", "Complaint final answer"),
    "quality": ("质量不达标", "Quality not met"),
    "notice": ("违约通知", "Notice"),
    "turnover": ("人员流失率（滚动）", "Staff turnover (rolling)"),
    "turnover_month": ("人员流失率（当月）", "Staff turnover (month)"),
    "certified_share": ("持证上岗率", "Certified share"),
    "followup": ("回访率", "Follow-up rate"),
    "satisfaction": ("平均满意度", "Mean satisfaction"),
    "fund_utilization": ("基金年度使用率", "Fund utilization (YTD)"),
    "unapproved": ("未经财务审核（本期）", "Not approved by finance (period)"),
    # figures
    "total": ("总数", "Total"), "met": ("达标", "Met"), "breached": ("超时", "Breached"),
    "pending": ("未完成", "Pending"), "compliance": ("达标率", "Compliance"),
    "median_hours": ("中位用时(小时)", "Median hours"), "p90_hours": ("90分位用时(小时)", "P90 hours"),
    "at_risk": ("临近超时", "At risk"), "excluded": ("因数据问题剔除", "Left out (data issues)"),
    "target": ("目标", "Target"), "value": ("实际", "Actual"), "verdict": ("结论", "Verdict"),
    "figure": ("指标", "Figure"), "metric": ("指标", "Metric"), "target_hours": ("时限(小时)", "Target hours"),
    "pass": ("达标", "OK"), "fail": ("未达标", "Not met"), "na": ("无数据", "No data"),
    # statuses
    "Met": ("达标", "Met"), "Breached": ("超时", "Breached"), "Pending": ("未完成", "Pending"),
    "unnotified": ("未发书面通知", "No written notice sent"), "open": ("整改中", "Open"), "overdue": ("已逾期", "Overdue"),
    "remedied": ("已按期整改", "Remedied"), "remedied_late": ("逾期整改", "Remedied late"),
    "minor": ("轻微违约", "Minor"), "major": ("重大违约", "Major"),
    "ticket": ("服务工单", "Ticket"), "complaint": ("客户投诉", "Complaint"),
    # breach register columns
    "ref_id": ("关联编号", "Reference"), "source": ("来源", "Source"), "reasons": ("违约事项", "Reasons"),
    "opened_at": ("发生时间", "Opened / received"), "severity": ("违约等级", "Severity"),
    "notice_id": ("通知编号", "Notice"), "notice_date": ("书面通知日期", "Notice date"),
    "deadline": ("整改期限", "Deadline"), "remedied_on": ("整改完成日期", "Remedied on"),
    "status": ("状态", "Status"), "service_fee": ("服务费用", "Service fee"),
    "direct_loss": ("直接经济损失", "Direct loss"), "fee_reduction": ("服务费减免", "Fee reduction"),
    "compensation": ("赔偿金额", "Compensation"), "customer": ("客户", "Customer"),
    "related_ids": ("合并的相关记录", "Merged records"),
    "fee_reduction_total": ("服务费减免合计", "Fee reductions"), "compensation_total": ("赔偿合计", "Compensation"),
    # staffing
    "period": ("期间", "Period"), "headcount_start": ("月初人数", "Headcount, first day"),
    "headcount_end": ("月末人数", "Headcount, last day"), "average_headcount": ("平均人数", "Average headcount"),
    "separations": ("离职人数", "Separations"), "rate": ("当月流失率", "Monthly rate"),
    "rolling_rate": ("滚动流失率", "Rolling rate"), "threshold": ("阈值", "Threshold"),
    "rolling_separations": ("滚动离职人数", "Rolling separations"),
    "rolling_average_headcount": ("滚动平均人数", "Rolling average headcount"),
    "exceeded": ("是否超标", "Exceeded"), "required_action": ("须采取措施", "Required action"),
    "certified": ("持证人数", "Certified"),
    # fund
    "category": ("类别", "Category"), "budget": ("预算", "Budget"), "spent_period": ("本期支出", "Spent in period"),
    "spent_ytd": ("本年累计支出", "Spent YTD"), "utilization": ("使用率", "Utilization"),
    "flagged": ("无预算科目", "No budget line"), "entry_id": ("凭证号", "Voucher"), "date": ("日期", "Date"),
    "description": ("摘要", "Description"), "amount": ("金额", "Amount"), "approved": ("财务审核", "Approved"),
    "approved_on": ("审核日期", "Approved on"), "entries": ("笔数", "Entries"),
    "aggregated_line": ("合计（{n}笔，按类别汇总，不列个人信息）", "Total ({n} entries, aggregated, no personal data)"),
    "unapproved_count": ("未审核笔数", "Unapproved entries"), "unapproved_amount": ("未审核金额", "Unapproved amount"),
    "unapproved_count_ytd": ("本年未审核笔数", "Unapproved entries YTD"),
    "unapproved_amount_ytd": ("本年未审核金额", "Unapproved amount YTD"),
    "yes": ("是", "Yes"), "no": ("否", "No"), "all": ("合计", "Total"),
    # follow-up
    "resolved": ("本期解决工单", "Resolved in period"), "followed_up": ("已回访", "Followed up"),
    "mean_satisfaction": ("平均满意度", "Mean satisfaction"),
    # issues & audit
    "table": ("表", "Table"), "row": ("行号", "Row"), "column": ("列", "Column"), "problem": ("问题", "Problem"),
    "no_issues": ("未发现数据问题", "No data issues found"),
    "warning_line": ("⚠ 注意：{message}", "⚠ Warning: {message}"),
    "warnings_title": ("注意事项", "Warnings"), "no_warnings": ("无", "None"),
    "data_issue_count": ("另有 {n} 处数据问题：生成月度报告后在“数据问题”表查看明细",
                         "{n} data issues: build the monthly report to see them on the Data issues sheet"),
    "more_warnings": ("……另有 {n} 条，生成月度报告查看全部", "… {n} more: build the monthly report to see all"),
    "input_file": ("输入文件", "Input file"), "sha256": ("SHA-256", "SHA-256"), "as_of": ("截至时间", "As of"),
    "version": ("版本", "Version"), "generated": ("生成时间", "Generated"), "masking": ("个人信息脱敏", "Personal data masked"),
    "terms_used": ("使用的承诺参数", "Terms used"), "key": ("参数", "Key"),
    "tables_found": ("读取到的表", "Tables found"),
    # dashboard
    "group.sla": ("服务时效", "Service times"), "group.staff": ("人员与回访", "Staff and follow-up"),
    "group.fund": ("基金与违约", "Fund and breaches"),
    "terms_line": ("承诺：首次响应 ≤{response} 小时{p1} · 复杂问题初步方案 ≤{solution} 小时 · 投诉受理/进展/最终答复 ≤{accept}/{progress}/{final} 小时 · 计时：{basis}",
                   "Commitment: first response ≤ {response} h{p1} · initial solution (complex) ≤ {solution} h · complaint accept/progress/final ≤ {accept}/{progress}/{final} h · hours: {basis}"),
    "terms_override": ("{p} ≤{h} 小时", "{p} ≤ {h} h"), "paren": ("（{x}）", " ({x})"), "list_sep": ("，", ", "),
    "terms_line2": ("人员流失率阈值 {threshold}（滚动{months}个月）· 回访率目标 {followup} · 轻微违约 {minor} 天内整改、减免服务费 {fee} · 重大违约 {major} 天内提交方案、赔偿直接损失 {comp}（{days}）",
                    "Turnover threshold {threshold} (rolling {months} months) · follow-up target {followup} · minor breach: rectify within {minor} days, fee reduction {fee} · major breach: solution within {major} days, compensation {comp} of direct loss ({days})"),
    "basis.calendar": ("日历时间（24×7）", "calendar time (24×7)"), "basis.business": ("工作时间（{start}–{end}）", "working hours ({start}–{end})"),
    "days.calendar": ("日历日", "calendar days"), "days.working": ("工作日", "working days"),
    "page_of": ("第 &P 页，共 &N 页", "Page &P of &N"),
    # charts
    "chart.compliance": ("各项服务时效达标率（近12个月）", "SLA compliance, last 12 months"),
    "chart.turnover": ("人员流失率：当月与滚动{n}个月", "Staff turnover, monthly and rolling {n} months"),
    "chart.fund": ("专项基金：预算与本年累计支出（{year}年）", "Fund: budget vs spent YTD ({year})"),
    "chart.breaches": ("本期违约事项：按状态与等级", "Breaches by status and severity"),
    "line.target": ("目标 {v}", "Target {v}"), "line.threshold": ("阈值 {v}", "Threshold {v}"),
    "month_ok": ("当月无超时", "No breach in month"), "month_breach": ("当月有超时", "Breach in month"),
    "rolling_n": ("滚动{n}个月", "Rolling {n} months"), "monthly": ("当月", "Monthly"),
    "over_budget": ("超预算", "Over budget"), "no_budget": ("无预算", "No budget"),
    "items": ("件数", "Items"), "amount_axis": ("金额（元）", "Amount (¥)"),
    "severity_solid": ("实色 = 轻微违约", "solid = minor"), "severity_hatched": ("斜线 = 重大违约", "hatched = major"),
    "no_data_chart": ("本期无数据", "No data for this period"),
    "unit.wan": ("万", "k"),
    "month.1": ("1月", "Jan"), "month.2": ("2月", "Feb"), "month.3": ("3月", "Mar"), "month.4": ("4月", "Apr"),
    "month.5": ("5月", "May"), "month.6": ("6月", "Jun"), "month.7": ("7月", "Jul"), "month.8": ("8月", "Aug"),
    "month.9": ("9月", "Sep"), "month.10": ("10月", "Oct"), "month.11": ("11月", "Nov"), "month.12": ("12月", "Dec"),
    # fund categories as the commitment names them (other categories are shown as written)
    "cat.薪酬": ("薪酬", "Salaries"), "cat.培训": ("培训", "Training"), "cat.设备": ("设备", "Equipment"),
    "cat.差旅": ("差旅", "Travel"), "cat.其他": ("其他", "Other"),
    "category_n": ("类别{n}", "Category {n}"),
    # titles
    "title.report": ("售后服务质量承诺 月度报告", "After-sales service commitment — monthly report"),
    "title.sla": ("服务时效", "Service times"), "title.complaints": ("投诉处理", "Complaint handling"),
    "title.breach_summary": ("违约汇总", "Breaches"), "title.fund": ("专项售后服务基金", "Special after-sales fund"),
    "title.disclosure": ("专项售后服务基金 支出公示", "Special after-sales fund — expense disclosure"),
    "title.turnover": ("人员流失率", "Staff turnover"), "title.history": ("近12个月", "Last 12 months"),
    "title.breaches": ("违约登记表", "Breach register"), "title.issues": ("数据问题清单", "Data issues"),
    "title.audit": ("审计信息", "Audit trail"),
    # issue 9: approval words that could not be read, empty populations
    "approval_unknown": ("无法识别（见数据问题）", "Unreadable (see data issues)"),
    "approved_count": ("已审核笔数", "Approved entries"), "approved_amount": ("已审核金额", "Approved amount"),
    "approval_unknown_count": ("审核状态无法识别笔数（未计入已审/未审）", "Approval unreadable (in neither total)"),
    "approval_unknown_amount": ("审核状态无法识别金额", "Approval unreadable, amount"),
    "certified_unknown": ("资质认证无法识别人数", "Certification unreadable"),
    # figures a missing input column makes impossible (issue 9)
    "unavailable": ("无法计算", "Cannot compute"),
    "unavailable_short": ("缺少数据列", "Column missing"),
}


def t(key: str, lang: str = "zh", **fmt) -> str:
    """The label of `key` in `lang` (zh/en); unknown keys are returned as they are."""
    pair = L.get(key)
    if pair is None:
        return key
    text = pair[0] if lang == "zh" else pair[1]
    return text.format(**fmt) if fmt else text
