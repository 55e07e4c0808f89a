"""Issue 13 items 5–6: periods are general, so the words are too.

The report button is 生成报告 / Build report (not 'monthly'); the compliance chart and the staffing history
are titled from the window they show: 12 months, or every month of a range longer than a year.
"""
import pytest

from servicepledge.outputs import charts, sheets
from servicepledge.outputs.labels import t
from helpers import report

TICKETS = [dict(ticket_id=f"T{i}", opened_at=f"2025-{m:02d}-10 09:00", first_response_at=f"2025-{m:02d}-10 10:00")
           for i, m in enumerate(range(1, 13))]


def _titles(fig):
    return [fig._suptitle.get_text()] if fig._suptitle else []


@pytest.mark.parametrize("period, months", [
    ("2025-10", 12),                        # a month: the 12 months ending with it
    ("2025", 12),                           # a year: its 12 months
    ("2024-07-01..2025-12-31", 18),         # 2024-07 .. 2025-12: 6 + 12 = 18 months, all shown
])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_history_titles_say_the_window_shown(period, months, lang):
    r = report(period=period, as_of="2026-01-15 12:00", terms={"lang": lang}, Tickets=TICKETS)
    fig = charts.figure("compliance", r)
    want = {"zh": f"各项服务时效达标率（近{months}个月）", "en": f"SLA compliance, last {months} months"}[lang]
    assert _titles(fig) == [want]
    staffing = sheets.staffing(r)
    hist = staffing.blocks[1]
    assert len(hist.rows) == months
    assert hist.title == {"zh": f"近{months}个月", "en": f"Last {months} months"}[lang]


def test_the_button_says_build_report():
    from pathlib import Path
    from servicepledge import template_text
    from servicepledge.outputs.labels import L
    root = Path(__file__).resolve().parents[1]
    words = [str(v) for v in vars(template_text).values() if isinstance(v, (str, list, tuple))]
    words += [x for pair in L.values() for x in pair]
    words += [(root / p).read_text(encoding="utf-8") for p in (
        "addin/servicepledge/excel/scripts.py", "addin/servicepledge/server/scripts.py",
        "addin/servicepledge/server/project/templates/taskpane.html", "workbook/lite/main.py",
        "docs/EXCEL.md", "docs/EXCEL.zh.md")]
    text = "\n".join(words)
    assert "生成报告" in text and "Build report" in text
    assert "生成月度报告" not in text and "monthly report" not in text.lower().replace("— monthly report", "")
    assert t("data_issue_count", "zh", n=2) == "另有 2 处数据问题：生成报告后在“数据问题”表查看明细"
