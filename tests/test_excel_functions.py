"""The SP_ functions through xlwings' own Lite/Server machinery (custom_functions_meta / _call).

Arguments are shaped exactly as Excel sends them: 2-D lists, dates as serial numbers (1900 or 1904
date system), empty cells as "". Figures must equal the engine's on the sample and on hand-worked
cases; argument problems must come back as one '#SP! …' text.
"""
from __future__ import annotations

import datetime as dt
import json
import sys

import pytest

from excel_helpers import date_system, report  # noqa: F401 (pytest fixtures)
from excel_helpers import AS_OF, PERIOD, as_arg, call, sample_grids, serial, server_mode

xw = server_mode()
from xlwings.server import custom_functions_meta  # noqa: E402

from servicepledge.outputs import sheets  # noqa: E402
from servicepledge.excel import cells  # noqa: E402
from servicepledge.excel import functions as F  # noqa: E402
from servicepledge.outputs.labels import t  # noqa: E402

SPEC = {"SP_HOURS": ["start", "end", "terms"],
        "SP_SLA_STATUS": ["start", "end", "target_hours", "as_of", "terms"],
        "SP_COMPLIANCE": ["tickets", "period", "metric", "as_of", "terms", "contract", "contracts", "pauses"],
        "SP_COMPLAINTS": ["complaints", "period", "as_of", "terms", "contract", "contracts", "pauses"],
        "SP_TURNOVER": ["staff", "period", "terms"],
        "SP_FUND": ["ledger", "budget", "period"],
        "SP_BREACHES": ["tickets", "complaints", "notices", "period", "as_of", "terms", "contract", "contracts", "pauses"],
        "SP_KPIS": ["tickets", "complaints", "staff", "ledger", "budget", "notices", "period", "as_of", "terms",
                    "contract", "contracts", "pauses"],
        "SP_WARNINGS": ["tickets", "complaints", "staff", "ledger", "budget", "notices", "period", "as_of", "terms",
                        "max_rows", "pauses"],
        "SP_CHART": ["kind", "tickets", "complaints", "staff", "ledger", "budget", "notices", "period", "as_of",
                     "terms", "pauses"]}
REQUIRED = {"SP_HOURS": 2, "SP_SLA_STATUS": 3, "SP_COMPLIANCE": 1, "SP_COMPLAINTS": 1, "SP_TURNOVER": 1,
            "SP_FUND": 2, "SP_BREACHES": 3, "SP_KPIS": 6, "SP_WARNINGS": 6, "SP_CHART": 1}


@pytest.fixture(scope="module")
def grids():
    return sample_grids()


def args(grids, *names, date1904=False):
    return [as_arg(grids[n], date1904) for n in names]


def same(a, b):
    """Cell-by-cell equality; floats to 1e-9; Excel's empty cell "" equals None."""
    assert len(a) == len(b), (len(a), len(b))
    for ra, rb in zip(a, b):
        assert len(ra) == len(rb), (ra, rb)
        for x, y in zip(ra, rb):
            x = None if x == "" else x
            y = None if y == "" else y
            if isinstance(x, float) or isinstance(y, float):
                assert x == pytest.approx(y, rel=1e-9, abs=1e-12), (ra, rb)
            else:
                assert x == y, (ra, rb)


# ---------------------------------------------------------------- registration
def test_meta_registers_every_function_with_argument_docs():
    meta = custom_functions_meta(F)
    funcs = {f["name"]: f for f in meta["functions"]}
    assert set(funcs) == set(SPEC)
    for name, params in SPEC.items():
        f = funcs[name]
        assert [p["name"] for p in f["parameters"]] == params
        assert len(f["description"]) > 40 and "Positional" not in f["description"]
        for i, p in enumerate(f["parameters"]):
            assert p["description"] and not p["description"].startswith("Positional argument"), (name, p)
            assert p.get("optional", False) == (i >= REQUIRED[name]), (name, p)
        assert f["result"]["dimensionality"] == "matrix"
    json.dumps(meta)


# ---------------------------------------------------------------- hand-worked row functions
def test_sp_hours_calendar_and_business_time():
    start, end = dt.datetime(2026, 11, 13, 17, 0), dt.datetime(2026, 11, 16, 10, 0)   # Friday -> Monday
    assert call(F, "SP_HOURS", [[serial(start)]], [[serial(end)]], None) == [[65.0]]
    business = [["参数", "值"], ["time_basis", "business"]]
    assert call(F, "SP_HOURS", [[serial(start)]], [[serial(end)]], business) == [[2.0]]
    # text dates, a blank end, a column in -> a column out
    out = call(F, "SP_HOURS", [["2026-11-13 09:00"], ["2026/11/13 09:00"], [serial(start)]],
               [["2026-11-13 15:30"], [""], [serial(end)]], "")
    assert out == [[6.5], [""], [65.0]]


def test_sp_hours_marks_bad_rows_and_mismatched_columns():
    out = call(F, "SP_HOURS", [["2026-11-13 09:00"], ["not a date"], ["2026-11-13 09:00"]],
               [["2026-11-13 08:00"], ["2026-11-13 10:00"], ["2026-11-13 10:00"]])
    assert out[0][0] == "#SP! 结束时间早于开始时间；请检查这两个日期"          # no terms: zh, the Terms default
    assert out[1][0] == "#SP! start“not a date”不是日期时间；请写成 2026-10-05 14:30"
    assert out[2] == [1.0]
    bad = call(F, "SP_HOURS", [[1], [2], [3]], [[1], [2]])
    assert len(bad) == 1 and bad[0][0] == "#SP! start 有 3 个单元格，而 end 有 2 个；请给长度相同的两列"
    en = call(F, "SP_HOURS", [["2026-11-13 09:00"], ["not a date"]], [["2026-11-13 08:00"], ["2026-11-13 10:00"]],
              [["lang", "en"]])
    assert en == [["#SP! end is before start; check the two dates"],
                  ["#SP! start 'not a date' is not a date/time; write it as 2026-10-05 14:30"]]


def test_sp_hours_row_precedence_in_a_long_column():
    """Each row's answer by precedence: bad start, then bad end, then a blank, then end before start, else the
    hours; rows interleaved and repeated (10,000 rows) so whole-column masks must keep every row its own."""
    starts = [["坏"], ["2026-11-13 09:00"], [""], ["2026-11-13 12:00"], ["2026-11-13 09:00"]] * 2000
    ends = [["坏"], ["坏"], ["2026-11-13 10:00"], ["2026-11-13 09:00"], ["2026-11-13 10:30"]] * 2000
    out = call(F, "SP_HOURS", starts, ends, [["lang", "en"]])
    assert len(out) == 10000
    for i in (0, 4995):                                                 # the same five answers everywhere
        row = [r[0] for r in out[i:i + 5]]
        assert row[0].startswith("#SP! start '坏'")                     # both bad: the start is named
        assert row[1].startswith("#SP! end '坏'")
        assert row[2] == ""                                             # blank start: blank
        assert "before start" in row[3]                                 # 09:00 < 12:00
        assert row[4] == 1.5                                            # 09:00 -> 10:30


def test_sp_sla_status_met_breached_pending():
    t0 = dt.datetime(2026, 11, 13, 9, 0)
    start = [[serial(t0)]] * 4
    end = [[serial(t0 + dt.timedelta(hours=1))], [serial(t0 + dt.timedelta(hours=3))], [""], [""]]
    target = [[2], [2], [2], [8]]
    out = call(F, "SP_SLA_STATUS", start, end, target, "2026-11-13 12:00", None)
    assert out == [["Met"], ["Breached"], ["Breached"], ["Pending"]]
    one = call(F, "SP_SLA_STATUS", [[serial(t0)]], [[""]], [[2]], "2026-11-13 10:00", "")
    assert one == [["Pending"]]
    bad = call(F, "SP_SLA_STATUS", [[serial(t0)]], [[""]], [["abc"]], "", "")
    assert bad[0][0].startswith("#SP!") and "target_hours" in bad[0][0]


# ---------------------------------------------------------------- the sample, as the engine computes it
@pytest.mark.parametrize("metric", ["response", "initial_solution"])
def test_sp_compliance_equals_engine(grids, report, metric):
    t, terms = args(grids, "Tickets", "Terms")
    got = call(F, "SP_COMPLIANCE", t, PERIOD, metric, AS_OF, terms)
    assert got[0][0] == pytest.approx(report.doc[metric]["compliance"])
    assert 0 < got[0][0] < 1


def test_sp_compliance_defaults_and_blank(grids, report):
    t, terms = args(grids, "Tickets", "Terms")
    # empty period = the month of the latest ticket (2026-10 in the sample); metric empty = response
    got = call(F, "SP_COMPLIANCE", t, "", "", AS_OF, terms)
    assert got[0][0] == pytest.approx(report.doc["response"]["compliance"])
    # a month without tickets: compliance is undefined -> an empty cell, not 0
    assert call(F, "SP_COMPLIANCE", t, "2020-01", None, AS_OF, terms) == [[""]]


def test_sp_complaints_equals_engine(grids, report):
    c, terms = args(grids, "Complaints", "Terms")
    got = call(F, "SP_COMPLAINTS", c, PERIOD, AS_OF, terms)
    assert len(got) == 4 and got[0][0] == "指标"
    for row, m in zip(got[1:], ("accept", "progress", "final")):
        x = report.doc["complaints"][m]
        assert row[1:6] == [x["total"], x["met"], x["breached"], x["pending"],
                            pytest.approx(x["compliance"]) if x["compliance"] is not None else ""]


def test_sp_turnover_equals_engine(grids, report):
    s, terms = args(grids, "Staff", "Terms")
    got = call(F, "SP_TURNOVER", s, PERIOD, terms)
    b = sheets.staffing(report).blocks[0]
    same(got, [b.header] + b.rows)


def test_sp_fund_equals_engine(grids, report):
    lg, bd = args(grids, "FundLedger", "FundBudget")
    got = call(F, "SP_FUND", lg, bd, PERIOD)
    b = sheets.fund(report).blocks[0]
    same(got, [b.header] + b.rows)


def test_sp_breaches_equals_engine(grids, report):
    got = call(F, "SP_BREACHES", *args(grids, "Tickets", "Complaints", "Notices"), PERIOD, AS_OF,
               as_arg(grids["Terms"]))
    b = sheets.breaches(report, True).blocks[0]
    assert len(got) == len(b.rows) + 1 > 2
    expect = [b.header] + [[serial(v) if isinstance(v, dt.datetime) else v for v in r] for r in b.rows]
    plain = [[v["basicValue"] if isinstance(v, dict) else v for v in r] for r in got]
    same(plain, expect)
    dates = [v for r in got for v in r if isinstance(v, dict)]
    assert dates and all(d["type"] == "FormattedNumber" and d["numberFormat"] == "yyyy-mm-dd" for d in dates)


def test_sp_kpis_equals_engine_dashboard(grids, report):
    got = call(F, "SP_KPIS", *args(grids, "Tickets", "Complaints", "Staff", "FundLedger", "FundBudget", "Notices"),
               PERIOD, AS_OF, as_arg(grids["Terms"]))
    b = sheets.dashboard(report).blocks[0]
    same(got, [b.header] + b.rows)
    assert got[0] == ["指标", "实际", "目标", "结论"]
    json.dumps(got, allow_nan=False)


def test_1904_workbook_gives_the_same_figures(grids, report):
    cells.set_date_system(1904)
    a = args(grids, "Tickets", "Complaints", "Staff", "FundLedger", "FundBudget", "Notices", date1904=True)
    terms = as_arg(grids["Terms"], True)
    as_of_1904 = serial(dt.datetime(2026, 10, 31, 18, 0), date1904=True)
    period_1904 = serial(dt.datetime(2026, 10, 15), date1904=True)          # a date cell inside the month
    got = call(F, "SP_KPIS", *a, period_1904, as_of_1904, terms)
    b = sheets.dashboard(report).blocks[0]
    same(got, [b.header] + b.rows)
    reg = call(F, "SP_BREACHES", a[0], a[1], a[5], PERIOD, AS_OF, terms)
    first_deadline = next(v for r in sheets.breaches(report, True).blocks[0].rows for v in r[8:9] if v)
    got_deadlines = [r[8]["basicValue"] for r in reg[1:] if isinstance(r[8], dict)]
    assert serial(first_deadline, date1904=True) in got_deadlines     # dates go back in the book's system


# ---------------------------------------------------------------- what the manager sees when something is wrong
@pytest.mark.parametrize("case, words", [
    ("missing column", ["#SP!", "opened_at", "受理时间", "Tickets[#All]"]),
    ("unknown term", ["#SP!", "未知参数“respons_hours”"]),     # terms without lang: zh, the Terms default
    ("unknown term en", ["#SP! Terms: unknown key 'respons_hours'"]),    # lang en in the same terms: en only
    ("bad period", ["#SP!", "期间“2026-13”", "2026-Q3"]),     # the default terms: zh
    ("bad metric", ["#SP!", "metric“speed”无法识别"]),
    ("one-column terms", ["#SP!", "两列的承诺参数表", "Terms[#All]"]),
    ("bad term value", ["#SP!", "turnover_threshold"]),
])
def test_argument_problems_return_one_readable_text(grids, case, words):
    t = as_arg(grids["Tickets"][:20])
    if case == "missing column":
        out = call(F, "SP_COMPLIANCE", [[h if h != "受理时间" else "开始" for h in t[0]]] + t[1:])
    elif case == "unknown term":
        out = call(F, "SP_COMPLIANCE", t, "", "", "", [["respons_hours", 2]])
    elif case == "unknown term en":
        out = call(F, "SP_COMPLIANCE", t, "", "", "", [["lang", "en"], ["respons_hours", 2]])
    elif case == "bad period":
        out = call(F, "SP_COMPLIANCE", t, "2026-13")
    elif case == "bad metric":
        out = call(F, "SP_COMPLIANCE", t, "", "speed")
    elif case == "one-column terms":
        out = call(F, "SP_TURNOVER", as_arg(grids["Staff"]), "", [["response_hours"], ["2"]])
    else:
        out = call(F, "SP_TURNOVER", as_arg(grids["Staff"]), "", [["参数", "值"], ["turnover_threshold", "150%"]])
    assert len(out) == 1 and len(out[0]) == 1 and isinstance(out[0][0], str), out
    for w in words:
        assert w in out[0][0]
    assert "Traceback" not in out[0][0]


def test_unexpected_errors_are_one_text_too(grids, monkeypatch):
    def boom(*a, **k):
        raise KeyError("boom")
    monkeypatch.setattr("servicepledge.kpi.staffing.turnover", boom)     # behind SP_TURNOVER
    out = call(F, "SP_TURNOVER", as_arg(grids["Staff"]))
    assert out[0][0].startswith("#SP! 意外错误") and "KeyError" in out[0][0]
    monkeypatch.setattr("servicepledge.excel.answers.compute", boom)     # behind every report function
    out = call(F, "SP_KPIS", *[as_arg(grids[n]) for n in ("Tickets", "Complaints", "Staff", "FundLedger",
                                                            "FundBudget", "Notices")])
    assert out[0][0].startswith("#SP! 意外错误") and "KeyError" in out[0][0]


def test_terms_argument_forms(grids):
    staff = as_arg(grids["Staff"])
    with_header = call(F, "SP_TURNOVER", staff, PERIOD, [["参数", "值", "说明"], ["turnover_threshold", 0.5, "x"]])
    no_header = call(F, "SP_TURNOVER", staff, PERIOD, [["turnover_threshold", "50%"], ["lang", "en"]])
    assert with_header[0] == [t("figure", "zh"), t("value", "zh")]
    assert no_header[0] == [t("figure", "en"), t("value", "en")]
    assert [r[1] for r in with_header if r[0] == t("threshold", "zh")] == [0.5]
    assert [r[1] for r in no_header if r[0] == t("threshold", "en")] == [0.5]
    # Terms and Holidays stacked (VSTACK in Microsoft 365): date keys are single-day overrides
    start, end = dt.datetime(2026, 11, 13, 17, 0), dt.datetime(2026, 11, 16, 10, 0)
    stacked = [["参数", "值"], ["time_basis", "business"], ["日期", "是否工作日"],
               [serial(dt.datetime(2026, 11, 16)), "否"]]
    assert call(F, "SP_HOURS", [[serial(start)]], [[serial(end)]], stacked) == [[1.0]]


@pytest.mark.parametrize("kind", ["compliance", "turnover", "fund", "breaches", "流失率"])
def test_sp_chart_returns_the_report_figure(grids, report, kind):
    """Lite and Server show a returned matplotlib figure as an in-cell picture (Lite's own image
    converter); here we check the function hands back the chart of the engine's numbers."""
    from matplotlib.figure import Figure

    from servicepledge.outputs import charts
    a = args(grids, "Tickets", "Complaints", "Staff", "FundLedger", "FundBudget", "Notices")
    fig = F.SP_CHART(kind, *a, PERIOD, AS_OF, as_arg(grids["Terms"]))
    assert isinstance(fig, Figure)
    want = charts.figure(kind, report)
    texts = sorted(x.get_text() for ax in fig.axes for x in ax.texts)
    assert texts and texts == sorted(x.get_text() for ax in want.axes for x in ax.texts)


def test_sp_chart_unknown_kind_and_classic(grids, monkeypatch):
    out = F.SP_CHART("pie", *args(grids, "Tickets"))
    assert isinstance(out, str) and out.startswith("#SP!") and "compliance" in out
    monkeypatch.delenv("XLWINGS_ON_SERVER")
    monkeypatch.setattr(sys, "platform", "win32")    # classic xlwings (also when this runs in Pyodide)
    out = F.SP_CHART("fund", *args(grids, "Tickets"))
    assert out.startswith("#SP!") and "“生成报告”按钮" in out
