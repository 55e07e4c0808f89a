"""Pages that print well (issue 13, item 3): headers, column widths per block, chart ranges and labels,
legends, the breach register on A4, money on the dashboard, the status word for an item without notice."""
from __future__ import annotations

import copy

import numpy as np
import pytest
from openpyxl import load_workbook

from servicepledge.cli import sample_path
from servicepledge.inputs.reader import read_workbook
from servicepledge.outputs import charts, pages, xlsx
from servicepledge.outputs.labels import L, t
from servicepledge.outputs.output import write_report
from servicepledge.outputs.sheets import build
from servicepledge.report import compute

AS_OF = "2026-10-31 18:00"


@pytest.fixture(scope="module")
def book():
    return read_workbook(sample_path())


@pytest.fixture(scope="module", params=["zh", "en"])
def written(request, book, tmp_path_factory):
    r = compute(book.tables, book.issues, as_of=AS_OF, lang=request.param)
    out = write_report(r, tmp_path_factory.mktemp(request.param) / "report.xlsx")
    return r, load_workbook(out)


# ---------------------------------------------------------------- headers

@pytest.mark.parametrize("header, lines", [
    ("中位用时(小时)", ["中位用时", "(小时)"]),            # before the bracket
    ("90分位用时(小时)", ["90分位用时", "(小时)"]),        # never inside "90"
    ("服务费减免合计", ["服务费减免", "合计"]),             # before the word it ends with
    ("因数据问题剔除", ["因数据问题", "剔除"]),
    ("未发书面通知", ["未发书面", "通知"]),
    ("Left out (data issues)", ["Left out", "(data issues)"]),
    ("Unapproved entries YTD", ["Unapproved", "entries YTD"]),   # at a space: never inside a word
])
def test_long_headers_break_at_a_sensible_place(header, lines):
    assert xlsx.header_lines(header).split("\n") == lines


def test_header_width_is_its_display_width():
    # CJK characters count 2: 中位用时(小时) = 4×2 + 6 = 14 → 16 with the cell's margin, one line
    assert xlsx.header_need("中位用时(小时)") == 16
    # 审核状态无法识别笔数（未计入已审/未审） = 38 wide → two lines, the longer 审核状态无法识别笔数 = 20 → 22
    assert xlsx.header_need("审核状态无法识别笔数（未计入已审/未审）") == 22


def _headers(ws):
    return [(c.row, c.column, c.value) for row in ws.iter_rows() for c in row
            if c.fill is not None and c.fill.fgColor is not None and c.fill.fgColor.rgb == "00" + xlsx._hex("primary")
            and isinstance(c.value, str)]


def test_no_header_breaks_inside_a_word(written):
    """Every header cell fits its column on one line, or carries its own line break whose lines each fit
    (CJK counts 2): LibreOffice and Excel then never break inside a word."""
    r, wb = written
    seen = 0
    for ws in wb.worksheets:
        for row, col, value in _headers(ws):
            width = ws.column_dimensions[xlsx.get_column_letter(col)].width or 8.43
            for line in value.split("\n"):
                assert xlsx._dw(line) <= width, (ws.title, value, width)
            if "\n" in value:
                seen += 1
                assert (ws.row_dimensions[row].height or 15) >= 2 * xlsx.CJK_ROW_PT - 0.01, (ws.title, value)
    assert seen >= 2           # the dashboard's SLA table has two-line headers in both languages


def test_fund_columns_per_block(written):
    """The spent and year-to-date columns are as wide as money needs, not as a description below them: the
    one wide text column of each disclosure list is its last one, and money sits under money."""
    r, wb = written
    ws = wb[t("sheet.fund", r.lang)]
    heads = {v: (row, col) for row, col, v in _headers(ws)}
    ytd = heads[t("spent_ytd", r.lang)][1]
    spent = heads[t("spent_period", r.lang)][1]
    desc = heads[t("description", r.lang)][1]
    amount = heads[t("amount", r.lang)][1]
    assert amount == spent                                     # money above money
    assert desc > amount                                       # the description after the money
    for col in (ytd, spent):
        width = ws.column_dimensions[xlsx.get_column_letter(col)].width
        # ¥4,031,198.75 = 13 characters (+2 margin +1) = 16; the longest description is much wider
        assert width <= 20, width
        assert ws.column_dimensions[xlsx.get_column_letter(desc)].width > width


# ---------------------------------------------------------------- register on A4

def test_register_prints_in_readable_parts(written):
    r, wb = written
    ws = wb[t("sheet.breaches", r.lang)]
    areas = ws.print_area.split(",")
    # what happened; the notice, deadline and status; the money and merged records
    assert len(areas) == 3 and ws.print_title_cols == "$A:$A"
    assert ws.page_setup.scale >= pages.MIN_PRINT_SCALE
    # each part fits the printable width of A4 landscape at that scale
    letters = lambda a: a.split("!")[-1].replace("$", "").split(":")     # noqa: E731
    from openpyxl.utils import column_index_from_string as idx
    for k, a in enumerate(areas):
        first, last = (idx("".join(ch for ch in x if ch.isalpha())) for x in letters(a))
        cols = range(first, last + 1)
        px = sum(pages.col_px(ws.column_dimensions[xlsx.get_column_letter(c)].width) for c in cols)
        px += pages.col_px(ws.column_dimensions["A"].width) if k else 0
        assert px * ws.page_setup.scale / 100 <= pages.PAGE_W_PX, (a, px)
    heads = [v for _, _, v in _headers(ws)]
    # part 2 begins with the notice: the status is on the same page as the deadline; part 3 the money
    assert heads.index(t("notice_id", r.lang)) < heads.index(t("status", r.lang)) < heads.index(t("compensation", r.lang))
    assert letters(areas[2])[0].startswith(xlsx.get_column_letter(heads.index(t("service_fee", r.lang)) + 1))


# ---------------------------------------------------------------- dashboard money, status words

def test_dashboard_shows_fee_reductions_and_compensation(book):
    r = compute(book.tables, book.issues, as_of=AS_OF, lang="zh")
    cards = build(r)[0].blocks[0]
    rows = {row[0]: row for row in cards.rows}
    br = r.doc["breaches"]
    assert rows["服务费减免合计"][1] == br["fee_reduction_total"] == 3055.0
    assert rows["赔偿合计"][1] == br["compensation_total"] == 25000.0
    assert rows["服务费减免合计"][3] == "" and rows["赔偿合计"][2] is None     # information: no target, no verdict
    assert sum(n for _, n in cards.groups) == len(cards.rows)


def test_unnotified_is_unambiguous():
    assert L["unnotified"] == ("未发书面通知", "No written notice sent")
    assert not any("未收到通知" in zh for zh, _ in L.values())


# ---------------------------------------------------------------- charts

def test_compliance_range_has_headroom_from_the_data():
    # a 50% month: bottom = floor((0.50 - 0.12×0.50)×10)/10 = floor(4.4)/10 = 40%, top = 1 + 0.16×0.60 = 109.6%
    bottom, top = charts.compliance_ylim([0.9, 0.5, 1.0])
    assert bottom == pytest.approx(0.4) and top == pytest.approx(1.096)
    # all months at 100%: low counts as 90%, 90% - 4% → floor(8.6)/10 = 80%; top 1 + max(0.16×0.2, 0.08) = 108%
    assert charts.compliance_ylim([1.0, 1.0]) == (pytest.approx(0.8), pytest.approx(1.08))
    # a month at 0%: the axis starts at 0
    assert charts.compliance_ylim([0.0, 1.0])[0] == 0.0


def _report(book, lang="zh"):
    return compute(book.tables, book.issues, as_of=AS_OF, lang=lang)


def _extent(artist, fig):
    return artist.get_window_extent(fig.canvas.get_renderer())


def test_a_fifty_percent_month_and_its_label_are_inside_the_axes(book):
    r = copy.copy(_report(book))
    r.history = {k: [dict(h) for h in v] for k, v in r.history.items()}
    r.history["response"][-1]["compliance"] = 0.5
    fig = charts.figure("compliance", r)
    fig.canvas.draw()
    ax = next(a for a in fig.axes if a.get_title(loc="left") == t("response", "zh"))
    assert ax.get_ylim()[0] <= 0.5 - 0.05
    label = next(c for c in ax.texts if c.get_gid() == "last:response")
    assert label.get_text() == "50.0%"
    box, axes_box = _extent(label, fig), ax.get_window_extent()
    assert box.y0 > axes_box.y0 + 2 and box.y1 < axes_box.y1          # clear of the x-axis, inside the panel
    point_y = ax.transData.transform((0, 0.5))[1]
    assert box.y0 > point_y                                            # above its point (lower half)


def test_turnover_label_is_never_behind_its_bar(book):
    """A month whose bar (monthly rate 25%) is higher than the rolling point (16.8%): the label is
    above the bar, not hidden behind it."""
    r = copy.copy(_report(book))
    st = r.staffing.copy()
    st.loc[st.index[-1], ["rate", "rolling_rate"]] = [0.25, 0.168]
    r.staffing = st
    fig = charts.figure("turnover", r)
    fig.canvas.draw()
    ax = fig.axes[0]
    label = next(c for c in ax.texts if c.get_gid() == "last_rolling")
    assert label.get_text() == "16.8%"
    bar = [p for p in ax.patches][-1]
    assert _extent(label, fig).y0 >= _extent(bar, fig).y1 - 0.5
    assert _extent(label, fig).y1 <= ax.get_window_extent().y1


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_breach_legend_explains_every_colour(book, lang):
    r = _report(book, lang)
    fig = charts.figure("breaches", r)
    legend = fig.legends[0]
    texts = [x.get_text() for x in legend.get_texts()]
    counts = charts.chart_data("breaches", r).set_index("status")["total"]
    drawn = [s for s, n in counts.items() if n]
    assert drawn and all(t(s, lang) in texts for s in drawn)
    assert t("severity_solid", lang) in texts and t("severity_hatched", lang) in texts
    colours = {tuple(np.round(h.get_facecolor()[:3], 3)) for h in legend.legend_handles}
    from matplotlib.colors import to_rgb
    for s in drawn:
        assert tuple(np.round(to_rgb(charts.STATUS_COLORS[s]), 3)) in colours
