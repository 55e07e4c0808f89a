"""Charts (servicepledge.outputs.charts) and the print-ready report workbook.

The charts' numbers are the engine's numbers: each chart is drawn from `chart_data(kind, report)`,
which is compared with report.doc / report.history / report.staffing, and the plotted artists
(bar heights and widths, line ydata) are compared with that table.
"""
from __future__ import annotations

import logging
import re
import subprocess
import sys
import zipfile
from io import BytesIO

import numpy as np
import pytest
from openpyxl import load_workbook

from servicepledge.outputs import charts, fonts
from servicepledge.cli import sample_path
from servicepledge.outputs.labels import L, t
from servicepledge.outputs.output import write_report
from servicepledge.inputs.reader import read_workbook
from servicepledge.report import compute

AS_OF = "2026-10-31 18:00"
CJK = re.compile(r"[\u3400-\u9fff\uff00-\uffef]")


@pytest.fixture(scope="module")
def book():
    return read_workbook(sample_path())


@pytest.fixture(scope="module", params=["zh", "en"])
def rep(request, book):
    return compute(book.tables, book.issues, as_of=AS_OF, lang=request.param)


@pytest.fixture(scope="module")
def zh(book):
    return compute(book.tables, book.issues, as_of=AS_OF, lang="zh")


def nan_eq(a, b) -> bool:
    a, b = np.asarray(a, float), np.asarray(b, float)
    return a.shape == b.shape and bool(np.allclose(a, b, equal_nan=True))


def by_gid(fig, gid):
    found = [a for ax in fig.axes for a in [*ax.lines, *ax.patches, *ax.collections] if a.get_gid() == gid]
    assert found, f"no artist with gid {gid}"
    return found


def texts(fig) -> list[str]:
    from matplotlib.text import Text
    fig.canvas.draw()   # tick labels exist only after drawing
    return [x.get_text() for x in fig.findobj(Text) if x.get_text() and x.get_visible()]


@pytest.mark.needs_subprocess
def test_import_stays_light():
    code = ("import sys, servicepledge, servicepledge.outputs.xlsx, servicepledge.outputs.output, servicepledge.outputs.charts, "
            "servicepledge.outputs.pdf, servicepledge.outputs.fonts; assert 'matplotlib' not in sys.modules, 'matplotlib imported'")
    subprocess.run([sys.executable, "-c", code], check=True)


def test_kind_names():
    assert [charts.kind_of(k) for k in ("compliance", " Turnover ", "基金", "违约")] == \
        ["compliance", "turnover", "fund", "breaches"]
    with pytest.raises(ValueError, match="compliance, turnover, fund, breaches"):
        charts.kind_of("pie")


# ---------------------------------------------------------------- the numbers behind each chart

def test_compliance_data_is_history(rep):
    df = charts.chart_data("compliance", rep)
    assert list(dict.fromkeys(df["metric"])) == list(charts.METRICS)
    for m in charts.METRICS:
        d, h = df[df["metric"] == m], rep.history[m]
        assert len(h) == 12 and list(d["period"]) == [x["period"] for x in h]
        for col in ("total", "met", "breached", "pending"):
            assert list(d[col]) == [x[col] for x in h]
        assert nan_eq(d["compliance"], [np.nan if x["compliance"] is None else x["compliance"] for x in h])
    # the last month is the report's period: the same figure as the JSON document
    last = df[df["period"] == rep.doc["period"]].set_index("metric")["compliance"]
    assert last["response"] == pytest.approx(rep.doc["response"]["compliance"])
    assert last["accept"] == pytest.approx(rep.doc["complaints"]["accept"]["compliance"])


def test_compliance_artists_carry_the_data(rep):
    df, fig = charts.chart_data("compliance", rep), charts.figure("compliance", rep)
    for m in charts.METRICS:
        d = df[df["metric"] == m]
        (line,) = by_gid(fig, f"compliance:{m}")
        assert nan_eq(line.get_ydata(), d["compliance"])
        (target,) = by_gid(fig, f"target:{m}")
        assert set(np.asarray(target.get_ydata(), float)) == {1.0} and target.get_linestyle() == "--"
        (dots,) = by_gid(fig, f"months:{m}")
        ok = d["compliance"].notna().to_numpy()
        assert nan_eq(dots.get_offsets()[:, 1], d["compliance"][ok])
        colours = [charts.PALETTE["met"] if b == 0 else charts.PALETTE["breached"] for b in d["breached"][ok]]
        from matplotlib.colors import to_rgba
        assert [tuple(c) for c in dots.get_facecolors()] == [to_rgba(c) for c in colours]


def test_turnover_data_is_staffing(rep):
    df, tu = charts.chart_data("turnover", rep), rep.doc["turnover"]
    st = rep.staffing
    assert list(df["period"]) == list(st["period"]) and len(df) == 12
    for col in ("rate", "rolling_rate", "threshold", "separations", "average_headcount"):
        assert nan_eq(df[col], st[col])
    last = df.iloc[-1]
    assert last["period"] == rep.doc["period"]
    assert last["rate"] == pytest.approx(tu["rate"]) and last["rolling_rate"] == pytest.approx(tu["rolling_rate"])
    assert last["threshold"] == tu["threshold"] and bool(last["exceeded"]) == tu["exceeded"]

    fig = charts.figure("turnover", rep)
    assert nan_eq([p.get_height() for p in by_gid(fig, "rate")], df["rate"])
    (roll,) = by_gid(fig, "rolling")
    assert nan_eq(roll.get_ydata(), df["rolling_rate"])
    (thr,) = by_gid(fig, "threshold")
    assert set(np.asarray(thr.get_ydata(), float)) == {tu["threshold"]} and thr.get_linestyle() == "--"
    assert t("line.threshold", rep.lang, v=f"{tu['threshold']:.0%}") in texts(fig)


def test_fund_data_is_the_document(rep):
    df, fd = charts.chart_data("fund", rep), rep.doc["fund"]
    assert list(df["category"]) == [c["category"] for c in fd["categories"]]
    for col in ("budget", "spent_period", "spent_ytd", "utilization"):
        assert nan_eq(df[col], [np.nan if c[col] is None else c[col] for c in fd["categories"]])
    assert list(df["flagged"]) == [c["flagged"] for c in fd["categories"]]
    fig = charts.figure("fund", rep)
    assert nan_eq([p.get_width() for p in by_gid(fig, "budget")], df["budget"])
    assert nan_eq([p.get_width() for p in by_gid(fig, "spent_ytd")], df["spent_ytd"])
    shown = texts(fig)
    assert f"{fd['categories'][0]['utilization']:.0%}" in shown
    assert t("no_budget", rep.lang) in shown          # the sample's 差旅 has no budget line


def test_breaches_data_is_the_document(rep):
    df, br = charts.chart_data("breaches", rep), rep.doc["breaches"]
    assert list(df["status"]) == list(charts.STATUS_ORDER)
    for row in df.itertuples():
        assert row.total == br[row.status]
        items = [i for i in br["items"] if i["status"] == row.status]
        assert (row.minor, row.major) == (sum(i["severity"] == "minor" for i in items),
                                          sum(i["severity"] == "major" for i in items))
    assert df["minor"].sum() == br["minor"] and df["major"].sum() == br["major"] and df["total"].sum() == br["total"]
    fig = charts.figure("breaches", rep)
    assert [p.get_width() for p in by_gid(fig, "minor")] == list(df["minor"])
    assert [p.get_width() for p in by_gid(fig, "major")] == list(df["major"])
    from matplotlib.colors import to_rgba
    assert [p.get_facecolor() for p in by_gid(fig, "minor")] == \
        [to_rgba(charts.STATUS_COLORS[s]) for s in df["status"]]


# ---------------------------------------------------------------- language and fonts

@pytest.mark.parametrize("kind", charts.KINDS)
def test_labels_in_the_report_language(rep, kind):
    fig = charts.figure(kind, rep)
    shown = texts(fig)
    title = {"compliance": t("chart.compliance", rep.lang, n=12),
             "turnover": t("chart.turnover", rep.lang, n=12),
             "fund": t("chart.fund", rep.lang, year=2026),
             "breaches": t("chart.breaches", rep.lang)}[kind]
    assert title in shown
    if rep.lang == "en":
        assert not [s for s in shown if CJK.search(s)]
    else:
        assert fig.sp_lang == "zh"


def test_cjk_font_draws_chinese_without_missing_glyphs(zh, recwarn):
    assert fonts.cjk_font() is not None     # an installed CJK font, else the one the package ships
    for kind in charts.KINDS:
        png = charts.png_bytes(charts.figure(kind, zh))
        assert png[:8] == b"\x89PNG\r\n\x1a\n"
    missing = [str(w.message) for w in recwarn if "missing from" in str(w.message)]
    assert not missing, missing[:3]


def test_without_cjk_font_english_labels_and_one_warning(zh, monkeypatch, caplog):
    monkeypatch.setattr(fonts, "cjk_font", lambda: None)
    monkeypatch.setattr(fonts, "_warned", set())
    with caplog.at_level(logging.WARNING, logger="servicepledge"):
        figs = [charts.figure(k, zh) for k in charts.KINDS]
    warnings = [r for r in caplog.records if "Chinese font" in r.getMessage()]
    assert len(warnings) == 1 and "\n" not in warnings[0].getMessage()
    for fig in figs:
        assert fig.sp_lang == "en"
        assert not [s for s in texts(fig) if CJK.search(s)], "boxes would be drawn"
    assert charts.category_label("差旅", "en") == "Travel"
    assert charts.category_label("维修配件", "en", 4) == "Category 5"


def test_figure_contract_for_sp_chart(zh):
    from matplotlib.figure import Figure
    fig = charts.figure("基金", zh, lang="en", size=(4, 3))
    assert isinstance(fig, Figure) and tuple(fig.get_size_inches()) == (4, 3) and fig.sp_lang == "en"
    assert fig.canvas.__class__.__name__ == "FigureCanvasAgg"


def test_empty_report_still_draws():
    from helpers import report
    r = report()
    for kind in charts.KINDS:
        df = charts.chart_data(kind, r)
        assert charts.png_bytes(charts.figure(kind, r))[:4] == b"\x89PNG"
        if kind in ("fund",):
            assert df.empty


# ---------------------------------------------------------------- the workbook

@pytest.fixture(scope="module", params=["zh", "en"])
def written(request, book, tmp_path_factory):
    r = compute(book.tables, book.issues, as_of=AS_OF, lang=request.param)
    out = write_report(r, tmp_path_factory.mktemp(request.param) / "report.xlsx")
    return r, out


def test_workbook_carries_the_chart_pictures(written):
    r, out = written
    with zipfile.ZipFile(out) as z:
        media = [n for n in z.namelist() if n.startswith("xl/media/") and n.endswith(".png")]
        assert len(media) == 4
        from PIL import Image
        for n in media:
            im = Image.open(BytesIO(z.read(n)))
            assert im.width >= 300 and im.height >= 250
    wb = load_workbook(out)
    dash = wb.worksheets[0]
    assert dash.title == t("sheet.dashboard", r.lang)
    anchors = sorted((im.anchor._from.row, im.anchor._from.col) for im in dash._images)
    assert len(anchors) == 4
    last_card = max(c.row for c in dash["A"] if c.value == t("group.fund", r.lang))
    assert all(row + 1 > last_card + 3 for row, _ in anchors)          # below the cards
    assert len({row for row, _ in anchors}) == 2                        # three side by side, then one
    assert dash.row_breaks.brk, "the wide compliance chart starts a new printed page"


def test_dashboard_states_period_as_of_and_terms(written):
    r, out = written
    dash = load_workbook(out).worksheets[0]
    top = [dash.cell(i, 1).value for i in range(1, 5)]
    assert top[0] == t("title.report", r.lang)
    assert r.period.label in top[1] and r.doc["as_of"] in top[1]
    assert "2/24/72" in top[2] and "20%" in top[3]
    values = {c.value for row in dash.iter_rows(min_row=5, max_row=25) for c in row}
    assert t("pass", r.lang) in values and t("fail", r.lang) in values


def test_every_sheet_is_print_ready(written):
    r, out = written
    wb = load_workbook(out)
    assert wb.sheetnames == [t(k, r.lang) for k in ("sheet.dashboard", "sheet.breaches", "sheet.fund",
                                                      "sheet.staffing", "sheet.issues", "sheet.audit")]
    for ws in wb.worksheets:
        assert ws.page_setup.orientation == "landscape" and int(ws.page_setup.paperSize) == 9   # A4
        if ws.title == t("sheet.breaches", r.lang):     # the wide register: two parts across, readable scale
            assert not ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.scale >= 80
            assert ws.print_title_cols == "$A:$A" and len(ws.print_area.split(",")) == 3   # register parts
        else:
            assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToWidth == 1
        assert ws.freeze_panes
        assert "&P" in ws.oddFooter.right.text and "&N" in ws.oddFooter.right.text
        assert r.period.label in ws.oddFooter.left.text
        assert ws.oddFooter.right.text == t("page_of", r.lang)
        assert all((d.width or 0) >= 8 for d in ws.column_dimensions.values())
    reg, fund = wb.worksheets[1], wb.worksheets[2]
    assert reg.print_title_rows and fund.print_title_rows
    money = {c.number_format for row in fund.iter_rows() for c in row if isinstance(c.value, float)}
    assert any(f.startswith("¥#,##0.00") for f in money)
    fmts = {c.number_format for row in reg.iter_rows(min_row=5) for c in row if c.value is not None}
    assert {"yyyy-mm-dd", "yyyy-mm-dd hh:mm"} <= fmts
    assert "0.0%" in {c.number_format for row in wb.worksheets[3].iter_rows() for c in row}


def test_workbook_labels_in_the_report_language(written):
    r, out = written
    for ws in load_workbook(out).worksheets:
        assert bool(CJK.search(ws.title)) == (r.lang == "zh")
        assert bool(CJK.search(str(ws.cell(1, 1).value))) == (r.lang == "zh")
        if r.lang == "zh":
            continue
        for row in ws.iter_rows():
            for c in row:
                if c.fill.fgColor.rgb and c.fill.fgColor.rgb.endswith("1F4E78") and c.value:  # header cells
                    assert not CJK.search(str(c.value)), c.value


def test_one_translation_table():
    assert all(len(v) == 2 and all(isinstance(x, str) and x for x in v) for v in L.values())
    for key in ("chart.compliance", "chart.turnover", "chart.fund", "chart.breaches", "line.target",
                "line.threshold", "page_of", "terms_line", "group.sla"):
        assert key in L


def test_month_ticks_carry_the_year_where_it_starts_or_changes():
    from servicepledge.outputs.charts import _month_labels
    window = [f"2025-{m:02d}" for m in (11, 12)] + [f"2026-{m:02d}" for m in range(1, 11)]
    # every second month, the last one (October) among them: Dec, Feb, Apr, ..., Oct
    assert _month_labels(window, "zh", every=2) == ["", "12月\n2025年", "", "2月\n2026年", "", "4月", "", "6月", "",
                                                    "8月", "", "10月"]
    assert _month_labels(window, "en")[:4] == ["Nov\n2025", "Dec", "Jan\n2026", "Feb"]
    # a range longer than a year repeats month names: each year is named where it starts
    long = [f"{y}-{m:02d}" for y in (2025, 2026) for m in range(1, 13)][2:22]     # 2025-03 .. 2026-10
    labels = _month_labels(long, "zh")
    assert [lab for lab in labels if "\n" in lab] == ["3月\n2025年", "1月\n2026年"]
    assert labels.count("3月") == 1 and len(labels) == 20
