"""Issue 9 item 4: the words Chinese finance and service teams type, and unknown words never counted on a side.

Workbooks are written with openpyxl as a user would fill them in; the figures are worked by hand.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest

from helpers import write_book
from servicepledge.inputs import coerce, vocabulary
from servicepledge.outputs import sheets
from servicepledge.inputs.reader import read_workbook
from servicepledge.report import compute
from servicepledge.outputs.labels import t

D = dt.datetime

# (kind, word as typed, meaning) — written out by hand from the issue, not read from vocabulary.TABLES
WORDS = [
    *[("yesno", w, True) for w in ("是", "有", "对", "✓", "√", "Y", "yes", "TRUE", "1", 1, 1.0, True, " Yes ", "ＹＥＳ")],
    *[("yesno", w, False) for w in ("否", "无", "错", "✗", "×", "N", "no", "False", "0", 0, 0.0, False)],
    *[("approval", w, True) for w in ("已审核", "审核通过", "通过", "已批准", "批准", "已通过", "同意", "已审", "approved",
                                      "Approved", "是", "Y", 1)],
    *[("approval", w, False) for w in ("未审核", "审核未通过", "不通过", "未批准", "驳回", "未通过", "不同意", "未审",
                                       "rejected", "pending", "待审核", "否", "N", 0)],
    *[("complex", w, True) for w in ("是", "复杂", "Y")],
    *[("complex", w, False) for w in ("否", "简单", "N")],
    *[("quality", w, True) for w in ("达标", "合格", "是")],
    *[("quality", w, False) for w in ("不达标", "不合格", "否")],
    ("priority", "P1 - 紧急", "P1"), ("priority", "1 - Critical", "P1"), ("priority", "特急", "P1"),
    ("priority", "紧急", "P1"), ("priority", "一级", "P1"), ("priority", 1.0, "P1"), ("priority", "p 1", "P1"),
    ("priority", "高", "P2"), ("priority", "二级", "P2"), ("priority", "中", "P3"), ("priority", "三级", "P3"),
    ("priority", "一般", "P3"), ("priority", "低", "P4"), ("priority", "四级", "P4"), ("priority", "紧急(P1)", "P1"),
    ("severity", "轻微", "minor"), ("severity", "一般", "minor"), ("severity", "Minor", "minor"),
    ("severity", "重大", "major"), ("severity", "严重", "major"), ("severity", "MAJOR", "major"),
    ("severity", "严重违约", "major"), ("severity", "一般违约", "minor"),
    ("workday", "班", True), ("workday", "休", False), ("workday", "是", True),
]
UNKNOWN = [("approval", "待定"), ("approval", "x"), ("yesno", "x"), ("yesno", 2), ("yesno", "maybe"),
           ("priority", "P5"), ("priority", "P12"), ("priority", 1.5), ("priority", "五级"),
           ("severity", "中等"), ("quality", "待定"), ("complex", "待定"), ("approval", "审核")]


@pytest.mark.parametrize("kind,word,meaning", WORDS)
def test_word_means(kind, word, meaning):
    assert vocabulary.meaning(kind, word) == meaning


@pytest.mark.parametrize("kind,word", UNKNOWN)
def test_unknown_word_is_unknown(kind, word):
    assert vocabulary.meaning(kind, word) is None


def test_converter_marks_unknown_bad_and_blank_not_bad():
    s = pd.Series(["已审核", "未审核", "待定", "", None, " 通过 "], dtype=object)
    vals, bad = coerce.CONVERTERS["approval"](s)
    assert vals.tolist() == [True, False, pd.NA, pd.NA, pd.NA, True]
    assert bad.tolist() == [False, False, True, False, False, False]


def _book(path: Path, sheets_rows: dict) -> Path:
    return write_book(path, sheets_rows)


TICKETS_HEAD = ("工单编号", "受理时间", "首次响应时间")


def _run(path: Path, period="2026-10", as_of="2026-10-31 18:00", lang="zh"):
    wb = read_workbook(path)
    return compute(wb.tables, wb.issues, period=period, as_of=as_of, lang=lang)


def test_fund_approval_words_and_unknown_word_on_neither_side(tmp_path):
    # three ledger lines in October: ¥3,500 已审核, ¥1,200 未审核, ¥800 待定 (unknown); one September line 审核通过 ¥500
    path = _book(tmp_path / "fund.xlsx", {
        "服务工单": [TICKETS_HEAD, ("T1", D(2026, 10, 5, 9), D(2026, 10, 5, 10))],
        "基金台账": [("凭证号", "日期", "类别", "金额", "摘要", "财务审核"),
                     ("V1", D(2026, 10, 8), "培训", 3500, "岗位培训", "已审核"),
                     ("V2", D(2026, 10, 9), "设备", 1200, "备件", "未审核"),
                     ("V3", D(2026, 10, 10), "设备", 800, "工具", "待定"),
                     ("V4", D(2026, 9, 10), "培训", 500, "九月培训", "审核通过")]})
    r = _run(path)
    fd = r.doc["fund"]
    assert fd["approved_count"] == 1 and fd["approved_amount"] == 3500.0
    assert fd["unapproved_count"] == 1 and fd["unapproved_amount"] == 1200.0
    assert fd["approval_unknown_count"] == 1 and fd["approval_unknown_amount"] == 800.0
    assert fd["spent_period_total"] == 5500.0             # 3500 + 1200 + 800: spent whatever its approval
    assert fd["unapproved_count_ytd"] == 1 and fd["unapproved_amount_ytd"] == 1200.0   # V4 (Sept) is approved
    assert fd["approval_unknown_count_ytd"] == 1 and fd["approval_unknown_amount_ytd"] == 800.0
    assert fd["excluded"] == 0
    assert r.doc["data_issues"] == [{"table": "FundLedger", "row": 4, "column": "财务审核",
                                     "problem": vocabulary.PROBLEMS_ZH["approval"]}]    # a zh report
    # the disclosure never shows 待定 as 否
    sheet = sheets.fund(r)
    block = {b.key: b for b in sheet.blocks}
    lines = {row[1]: row[4] for row in block["lines"].rows}
    assert lines == {"V1": "是", "V2": "否", "V3": t("approval_unknown", "zh")}
    # approval: approved / not approved / unreadable, period and YTD (V4 is September's, approved)
    assert [row[1:] for row in block["approval"].rows] == [[1, 3500.0, 2, 4000.0], [1, 1200.0, 1, 1200.0],
                                                           [1, 800.0, 1, 800.0], [3, 5500.0, 4, 6000.0]]
    # (the minimal Tickets sheet of this book also draws a missing-column warning, tested elsewhere)
    assert [w for w in r.doc["warnings"] if w["code"] != "missing_column"] == [
        {"code": "approval_unknown", "table": "FundLedger", "column": "approved",
         "message": "基金台账在 2026-10 有 1 笔支出（¥800.00）的财务审核状态无法识别，未计入已审核或未审核金额（见数据问题）"}]
    en = [w for w in _run(path, lang="en").doc["warnings"] if w["code"] == "approval_unknown"][0]["message"]
    assert en == ("基金台账 (FundLedger) has 1 entry in 2026-10 (¥800.00) whose approval could not be read; it is in "
                  "neither the approved nor the unapproved totals (see the data issues)")


def test_salary_lines_with_unknown_approval_are_aggregated_not_dropped(tmp_path):
    path = _book(tmp_path / "pay.xlsx", {
        "服务工单": [TICKETS_HEAD, ("T1", D(2026, 10, 5, 9), D(2026, 10, 5, 10))],
        "基金台账": [("凭证号", "日期", "类别", "金额", "财务审核", "收款人"),
                     ("S1", D(2026, 10, 10), "薪酬", 10000, "已批准", "张三"),
                     ("S2", D(2026, 10, 10), "薪酬", 9000, "已批准", "李四"),
                     ("S3", D(2026, 10, 10), "薪酬", 2000, "待定", "王五")]})
    r = _run(path)
    d = r.disclosure
    got = {(None if pd.isna(a) else bool(a)): (amt, n) for a, amt, n in zip(d["approved"], d["amount"], d["entries"])}
    assert got == {True: (19000.0, 2), None: (2000.0, 1)}    # 10000 + 9000 approved; 2000 unreadable, still shown
    assert float(d["amount"].sum()) == r.doc["fund"]["spent_period_total"] == 21000.0


def test_unknown_complex_word_is_excluded_from_initial_solution_and_counted(tmp_path):
    head = ("工单编号", "受理时间", "复杂问题", "首次响应时间", "初步方案时间")
    path = _book(tmp_path / "cx.xlsx", {"服务工单": [
        head,
        ("T1", D(2026, 10, 5, 9), "是", D(2026, 10, 5, 10), D(2026, 10, 5, 20)),    # 11 h <= 24: Met
        ("T2", D(2026, 10, 6, 9), "复杂", D(2026, 10, 6, 10), D(2026, 10, 8, 9)),    # 48 h > 24: Breached
        ("T3", D(2026, 10, 7, 9), "简单", D(2026, 10, 7, 10), None),                 # not complex
        ("T4", D(2026, 10, 8, 9), "待定", D(2026, 10, 8, 10), None)]})               # unknown: excluded
    r = _run(path)
    x = r.doc["initial_solution"]
    assert (x["total"], x["met"], x["breached"], x["pending"], x["excluded"]) == (2, 1, 1, 0, 1)
    assert x["compliance"] == 0.5
    assert r.doc["response"]["total"] == 4                   # the response metric still counts T4
    assert {"table": "Tickets", "row": 5, "column": "复杂问题", "problem": vocabulary.PROBLEMS_ZH["complex"]} \
        in r.doc["data_issues"]


def test_quality_words_and_unknown_quality_is_not_a_breach(tmp_path):
    head = ("工单编号", "受理时间", "首次响应时间", "质量达标", "服务费用")
    path = _book(tmp_path / "q.xlsx", {"服务工单": [
        head,
        ("T1", D(2026, 10, 5, 9), D(2026, 10, 5, 10), "达标", 1000),
        ("T2", D(2026, 10, 6, 9), D(2026, 10, 6, 10), "不合格", 2000),
        ("T3", D(2026, 10, 7, 9), D(2026, 10, 7, 10), "待定", 3000)]})
    r = _run(path)
    items = r.doc["breaches"]["items"]
    assert [(i["ref_id"], i["reasons"], i["fee_reduction"]) for i in items] == [("T2", ["quality"], 200.0)]  # 10% x 2000
    assert [(i["row"], i["column"]) for i in r.doc["data_issues"]] == [(4, "质量达标")]


def test_unknown_certified_word_is_out_of_the_certified_share(tmp_path):
    path = _book(tmp_path / "s.xlsx", {
        "服务工单": [TICKETS_HEAD, ("T1", D(2026, 10, 5, 9), D(2026, 10, 5, 10))],
        "服务人员": [("工号", "姓名", "入职日期", "离职日期", "资质认证"),
                     ("E1", "甲", D(2024, 1, 2), None, "持证"), ("E2", "乙", D(2024, 1, 2), None, "已认证"),
                     ("E3", "丙", D(2024, 1, 2), None, "未认证"), ("E4", "丁", D(2024, 1, 2), None, "待定")]})
    tu = _run(path).doc["turnover"]
    # 4 employed on 2026-10-31; E4 unreadable: certified 2 of the 3 known
    assert (tu["headcount_end"], tu["certified"], tu["certified_unknown"]) == (4, 2, 1)
    assert tu["certified_share"] == pytest.approx(2 / 3)


def test_priority_words_pick_the_per_priority_target(tmp_path):
    head = ("工单编号", "受理时间", "优先级", "首次响应时间")
    path = _book(tmp_path / "p.xlsx", {
        "服务工单": [head,
                     ("T1", D(2026, 10, 5, 9), "P1 - 紧急", D(2026, 10, 5, 10, 30)),    # 1.5 h > 1: Breached
                     ("T2", D(2026, 10, 5, 9), "一级", D(2026, 10, 5, 10, 30)),         # P1: Breached
                     ("T3", D(2026, 10, 5, 9), "二级", D(2026, 10, 5, 10, 30)),         # P2, 2 h: Met
                     ("T4", D(2026, 10, 5, 9), "1 - Critical", D(2026, 10, 5, 9, 45)),  # 0.75 h: Met
                     ("T5", D(2026, 10, 5, 9), "特急", D(2026, 10, 5, 10, 30))],        # P1: Breached
        "承诺参数": [("参数", "值"), ("response_hours", 2), ("response_hours_P1", 1)]})
    x = _run(path).doc["response"]
    assert (x["met"], x["breached"]) == (2, 3)


def test_severity_words_decide_minor_and_major(tmp_path):
    path = _book(tmp_path / "n.xlsx", {
        "服务工单": [TICKETS_HEAD, ("T1", D(2026, 10, 5, 9), D(2026, 10, 5, 10))],
        "违约通知": [("通知编号", "关联编号", "书面通知日期", "违约等级", "直接经济损失"),
                     ("N1", "X1", D(2026, 10, 12), "严重", 0),        # major although no loss
                     ("N2", "X2", D(2026, 10, 12), "一般", 1000),     # minor although a loss
                     ("N3", "X3", D(2026, 10, 12), "待定", 0)]})       # unknown: derived (no loss -> minor)
    r = _run(path)
    sev = {i["ref_id"]: (i["severity"], i["compensation"]) for i in r.doc["breaches"]["items"]}
    assert sev == {"X1": ("major", 0.0), "X2": ("minor", 0.0), "X3": ("minor", 0.0)}
    assert [(i["row"], i["column"]) for i in r.doc["data_issues"]] == [(4, "违约等级")]


def test_unknown_priority_is_judged_by_the_general_target_and_said_so(tmp_path):
    head = ("工单编号", "受理时间", "优先级", "首次响应时间")
    path = _book(tmp_path / "p.xlsx", {
        "服务工单": [head,
                     ("T1", D(2026, 10, 5, 9), "超急", D(2026, 10, 5, 10, 30)),   # unknown: 1.5 h <= 2 h general: Met
                     ("T2", D(2026, 10, 5, 9), "一级", D(2026, 10, 5, 10, 30))],  # P1 (1 h): Breached
        "承诺参数": [("参数", "值"), ("response_hours", 2), ("response_hours_P1", 1)]})
    r = _run(path)
    assert (r.doc["response"]["met"], r.doc["response"]["breached"]) == (1, 1)
    got = [w["message"] for w in r.doc["warnings"] if w["code"] == "priority_unknown"]
    assert got == ["服务工单在 2026-10 有 1 张工单的优先级无法识别（见数据问题），按通用时限判定（首次响应 2 小时、"
                   "初步方案 24 小时）；如实为其他优先级，达标结果可能不同，请更正优先级"]
