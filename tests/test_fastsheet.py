"""The fastexcel read of an input sheet (issue 12, inputs/fastsheet.py) gives the typed Workbook the
cell-by-cell read gives: same frames and dtypes, same bad cells, data issues, warnings and sources.

Every workbook is read twice in this process: as installed (fastexcel for a plain sheet), and with
fastsheet switched off (python-calamine cell by cell, the path before issue 12). Workbooks are written
with openpyxl as a user's would be: date cells (with milliseconds), dates typed as text, serial numbers,
numbers as text, blanks, white space, yes/no words and booleans, #N/A error cells, the 1904 date system,
Excel Tables not at A1, a header typo, mixed columns; plus the sample and the hostile variants of fuzz.py.
"""
from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest
from openpyxl.worksheet.table import Table

import fuzz as F
from servicepledge.inputs import fastsheet, reader
from servicepledge.inputs.tables import InputError

pytestmark = pytest.mark.skipif(not fastsheet.available(), reason="fastexcel and pyarrow not installed")

SAMPLE = Path(__file__).resolve().parents[1] / "samples" / "servicepledge-sample.xlsx"
HEAD = ["工单编号", "受理时间", "优先级", "复杂问题", "首次响应时间", "解决时间", "质量达标", "服务费用", "满意度",
        "客户", "联系电话", "工程师"]


def _read(path, fast: bool, monkeypatch, taken: list):
    """read_workbook with fastsheet on or off; `taken` collects the sheets fastsheet handed over."""
    orig = fastsheet.read

    def spy(*a, **k):
        got = orig(*a, **k)
        if got is not None:
            taken.append(a[2])
        return got

    with monkeypatch.context() as m:
        m.setattr(fastsheet, "read", spy)
        if not fast:
            m.setattr(fastsheet, "available", lambda: False)
        try:
            return reader.read_workbook(path)
        except InputError as e:
            return ("InputError", e.say("en"), e.say("zh"))


def same(path, monkeypatch) -> list:
    """Read `path` both ways and assert the results are identical; returns the sheets read by fastexcel."""
    taken, none = [], []
    a = _read(path, True, monkeypatch, taken)
    b = _read(path, False, monkeypatch, none)
    assert none == []
    if isinstance(b, tuple) or isinstance(a, tuple):
        assert a == b
        return taken
    assert a.tables.keys() == b.tables.keys()
    for k in a.tables:
        x, y = a[k], b[k]
        pd.testing.assert_frame_equal(x.df, y.df, check_exact=True)
        pd.testing.assert_frame_equal(x.bad, y.bad, check_exact=True)
        assert (x.headers, x.near, x.source, x.table) == (y.headers, y.near, y.source, y.table), k
    assert a.issues.rows == b.issues.rows
    assert a.issues.warnings == b.issues.warnings
    assert a.issues.zh == b.issues.zh
    assert (a.path, a.sha256, a.date1904, a.found, a.inputs) == (b.path, b.sha256, b.date1904, b.found, b.inputs)
    return taken


# --- a plain sheet: figures by hand, and the fast path is really taken --------------------------------

def test_plain_sheet_is_read_fast_with_the_values_written(tmp_path, monkeypatch):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "服务工单"
    ws.append(HEAD)
    opened = dt.datetime(2026, 10, 5, 9, 0, 0, 123000)           # milliseconds survive
    ws.append(["T1", opened, "P1", "是", opened + dt.timedelta(minutes=45), None, "是", 1200.5, 5, " 华信 ",
               "13812345678", "张伟"])
    ws.append(["T2", dt.datetime(2026, 10, 6), "紧急", "否", None, dt.datetime(2026, 10, 7, 18), "否", 0, None,
               "", "  ", "李娜"])
    ws.append([None] * len(HEAD))                                 # a blank row: left out
    ws.append(["T3", dt.datetime(2026, 10, 8, 23, 59, 59), "低", None, None, None, None, None, 3, "客户丙",
               None, None])
    p = tmp_path / "plain.xlsx"
    wb.save(p)
    assert same(p, monkeypatch) == ["服务工单"]
    t = reader.read_workbook(p)["Tickets"]
    df = t.df
    assert list(df["ticket_id"]) == ["T1", "T2", "T3"]
    assert list(df["_row"]) == [2, 3, 5]                          # Excel rows; row 4 was blank
    assert df["opened_at"].dtype == "datetime64[us]"
    assert df["opened_at"][0] == pd.Timestamp("2026-10-05 09:00:00.123")
    # 09:00:00.123 + 45 min = 09:45:00.123
    assert df["first_response_at"][0] == pd.Timestamp("2026-10-05 09:45:00.123")
    assert pd.isna(df["first_response_at"][1]) and not t.bad["first_response_at"].any()
    assert list(df["priority"]) == ["P1", "P1", "P4"]            # 紧急 = P1, 低 = P4
    assert df["service_fee"].tolist()[:2] == [1200.5, 0.0] and np.isnan(df["service_fee"][2])
    assert df["customer"].tolist() == ["华信", None, "客户丙"]     # stripped; '' is blank
    assert df["customer_phone"].tolist() == ["13812345678", None, None]   # white space only is blank
    assert df["complex"].tolist() == [True, False, pd.NA]          # 是 / 否 / blank


def test_without_python_calamine_openpyxl_reads_as_before(tmp_path, monkeypatch):
    """The fast read reproduces python-calamine's; where openpyxl reads (no extra `fast`), it stays out."""
    import sys
    p = _one_column(tmp_path, "o.xlsx", [dt.datetime(2026, 10, 5, 12)])
    monkeypatch.setitem(sys.modules, "python_calamine", None)
    assert not fastsheet.available()
    assert same(p, monkeypatch) == []


def test_fastexcel_says_nothing_on_the_console(tmp_path, capfd):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "服务工单"
    ws.append(["工单编号", "受理时间", "解决时间"])              # 解决时间 stays empty: fastexcel would log
    ws.append(["T1", dt.datetime(2026, 10, 5, 9), None])
    p = tmp_path / "quiet.xlsx"
    wb.save(p)
    reader.read_workbook(p)
    assert capfd.readouterr().err == ""


# --- what goes cell by cell ---------------------------------------------------------------------------

def _one_column(tmp_path, name, values, date1904=False, header="解决时间"):
    wb = openpyxl.Workbook()
    if date1904:
        wb.epoch = openpyxl.utils.datetime.CALENDAR_MAC_1904
    ws = wb.active
    ws.title = "服务工单"
    ws.append(["工单编号", "受理时间", header])
    for i, v in enumerate(values):
        ws.append([f"T{i}", dt.datetime(2026, 10, 5, 9), v])
    p = tmp_path / name
    wb.save(p)
    return p


@pytest.mark.parametrize("values,fast", [
    ([dt.datetime(2026, 10, 5, 12), "2026-10-06 08:00"], False),         # date cell and date text: mixed
    ([dt.datetime(2026, 10, 5, 12), 46300.5], False),                     # date cell and a plain number
    ([dt.datetime(1900, 1, 15, 12), dt.datetime(2026, 1, 1)], False),     # before 1900-03-01 (the leap-day bug)
    ([dt.time(9, 30), None], False),                                      # a time of day alone
    (["2026-10-06 08:00", " 2026/10/07 ", "  ", "下周"], True),            # text: typed as before, from text
    ([46300.5, 46301, None], True),                                       # serial numbers
    ([True, False, None], True),                                          # booleans in a date column: bad
    (["#N/A", dt.datetime(2026, 10, 5, 12)], True),                       # an error cell is blank
])
def test_column_kinds_go_the_right_way_and_agree(tmp_path, monkeypatch, values, fast):
    p = _one_column(tmp_path, "c.xlsx", values)
    assert same(p, monkeypatch) == (["服务工单"] if fast else [])


def test_number_header_goes_cell_by_cell(tmp_path, monkeypatch):
    p = _one_column(tmp_path, "h.xlsx", [dt.datetime(2026, 10, 5)], header=2026)
    assert same(p, monkeypatch) == []
    assert not fastsheet.header_is_text(p, "xl/worksheets/sheet1.xml")


def test_header_not_in_row_1_goes_cell_by_cell(tmp_path, monkeypatch):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "服务工单"
    ws.append([])
    ws.append(["工单编号", "受理时间"])
    ws.append(["T1", dt.datetime(2026, 10, 5, 9)])
    p = tmp_path / "r2.xlsx"
    wb.save(p)
    assert same(p, monkeypatch) == []      # both refuse it alike: the header must be in row 1


def test_repeated_header_goes_cell_by_cell(tmp_path, monkeypatch):
    p = _one_column(tmp_path, "dup.xlsx", [dt.datetime(2026, 10, 5)], header="受理时间")
    assert same(p, monkeypatch) == []


def test_1904_workbook_agrees(tmp_path, monkeypatch):
    p = _one_column(tmp_path, "m.xlsx", [dt.datetime(2026, 10, 5, 12, 0, 0, 500000), None, 8000.25],
                    date1904=True)
    same(p, monkeypatch)
    p = _one_column(tmp_path, "m2.xlsx", [dt.datetime(2026, 10, 5, 12, 0, 0, 500000), None], date1904=True)
    assert same(p, monkeypatch) == ["服务工单"]
    assert reader.read_workbook(p)["Tickets"].df["resolved_at"][0] == pd.Timestamp("2026-10-05 12:00:00.5")


# --- random workbooks -----------------------------------------------------------------------------------

def _value(rng: random.Random, style: str, i: int):
    base = dt.datetime(2026, 1, 1) + dt.timedelta(seconds=rng.randint(0, 300 * 86400), milliseconds=rng.randint(0, 999))
    pick = {
        "date": lambda: base,
        "day": lambda: base.date(),
        "date_text": lambda: rng.choice([base.strftime("%Y-%m-%d %H:%M"), base.strftime("%Y/%m/%d"),
                                         base.strftime("%Y年%m月%d日")]),
        "serial": lambda: round(46000 + rng.random() * 300, 6),
        "number": lambda: rng.choice([rng.randint(0, 2000), rng.random() * 1000]),
        "number_text": lambda: rng.choice(["1,200", "¥300", "45%", " 12 ", "abc"]),
        "text": lambda: rng.choice(["P1", "P2", "紧急", "低", " 高 ", "是", "否", "Y", "n", "华信", "x"]),
        "bool": lambda: rng.random() < 0.5,
        "error": lambda: rng.choice(["#N/A", "#VALUE!", "#DIV/0!"]),
        "mixed": lambda: rng.choice([base, "2026-10-05", 46100.5, True, "是", "  ", 7]),
    }[style]
    r = rng.random()
    if r < 0.12:
        return None
    if r < 0.16:
        return rng.choice(["", "   "])
    if r < 0.19 and style != "mixed":
        return pick() if rng.random() < 0.5 else _value(rng, "error", i)
    return pick()


STYLES = ["date", "day", "date_text", "serial", "number", "number_text", "text", "bool", "error", "mixed"]


def _random_workbook(path: Path, rng: random.Random) -> Path:
    wb = openpyxl.Workbook()
    if rng.random() < 0.25:
        wb.epoch = openpyxl.utils.datetime.CALENDAR_MAC_1904
    ws = wb.active
    ws.title = "服务工单"
    head = rng.sample(HEAD[2:], rng.randint(2, len(HEAD) - 2))
    head = ["工单编号", "受理时间", *head]
    if rng.random() < 0.2:
        head[rng.randrange(2, len(head))] += "s"                   # a typo: the column is not recognised
    if rng.random() < 0.15:
        head.append("备注")                                        # a column the schema does not know
    clean = rng.random() < 0.5                                     # one kind per column (the fast path)
    styles = {h: (rng.choice(STYLES[:8]) if clean else rng.choice(STYLES)) for h in head}
    styles["工单编号"] = "text"
    styles["受理时间"] = rng.choice(["date", "date", "date_text", "serial"])
    n = rng.randint(1, 60)
    rows = []
    for i in range(n):
        row = []
        for h in head:
            v = None if clean and rng.random() < 0.1 else _value(rng, styles[h], i)
            if clean and isinstance(v, str) and styles[h] not in ("text", "date_text", "number_text", "error"):
                v = None                                             # keep a clean column clean
            row.append(v)
        row[0] = f"T{rng.randint(1, n + 3)}" if rng.random() < 0.95 else None   # duplicates, blanks
        rows.append(row)
    at_a1 = rng.random() < 0.6
    r0, c0 = (1, 1) if at_a1 else (rng.randint(2, 4), rng.randint(2, 3))
    for j, h in enumerate(head):
        ws.cell(r0, c0 + j, h)
    for i, row in enumerate(rows):
        for j, v in enumerate(row):
            if v is not None:
                ws.cell(r0 + 1 + i, c0 + j, v)
    if not at_a1 or rng.random() < 0.3:                            # an Excel Table (also off A1)
        ref = f"{openpyxl.utils.get_column_letter(c0)}{r0}:" \
              f"{openpyxl.utils.get_column_letter(c0 + len(head) - 1)}{r0 + n}"
        ws.add_table(Table(displayName="Tickets", ref=ref))
    wb.save(path)
    return path


def test_random_workbooks_read_the_same_both_ways(tmp_path, monkeypatch):
    rng = random.Random(12)
    fast = 0
    for k in range(60):
        p = _random_workbook(tmp_path / f"r{k}.xlsx", rng)
        fast += bool(same(p, monkeypatch))
    assert fast >= 10          # the fast path was exercised, not only the fallback


def test_sample_reads_the_same_both_ways(monkeypatch):
    taken = same(SAMPLE, monkeypatch)
    # its Excel Tables sit at A1 and hold all of their sheets: read fast, except Terms (numbers and text mixed)
    assert "服务工单" in taken and "承诺参数" not in taken and len(taken) >= 6


def test_table_with_a_value_below_it_goes_cell_by_cell(tmp_path, monkeypatch):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "服务工单"
    ws.append(["工单编号", "受理时间"])
    ws.append(["T1", dt.datetime(2026, 10, 5, 9)])
    ws.append(["T2", dt.datetime(2026, 10, 5, 10)])
    ws["A5"] = "T9"                                                # below the Table: reported, not read
    ws.add_table(Table(displayName="Tickets", ref="A1:B3"))
    p = tmp_path / "below.xlsx"
    wb.save(p)
    assert same(p, monkeypatch) == []
    w = reader.read_workbook(p)
    assert list(w["Tickets"].df["ticket_id"]) == ["T1", "T2"]
    assert w.issues.warnings                                      # the row below is named in a warning


def test_table_at_a1_is_read_fast_with_its_own_column_names(tmp_path, monkeypatch):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "服务工单"
    ws.append(["工单编号", "受理时间", "服务费用"])
    ws.append(["T1", dt.datetime(2026, 10, 5, 9), 100])
    ws.append(["T2", dt.datetime(2026, 10, 5, 10), 250.5])
    ws.add_table(Table(displayName="Tickets", ref="A1:C3"))
    p = tmp_path / "table.xlsx"
    wb.save(p)
    assert same(p, monkeypatch) == ["服务工单"]
    w = reader.read_workbook(p)
    assert w.found["Tickets"] == "Table Tickets (sheet 服务工单)"
    assert w["Tickets"].df["service_fee"].sum() == 350.5             # 100 + 250.5


def test_sample_sheets_rewritten_as_plain_sheets_read_fast_and_the_same(tmp_path, monkeypatch):
    """The sample's tables copied as plain sheets (values only, header in row 1): the fast path on real data."""
    src = openpyxl.load_workbook(SAMPLE)
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for ws in src.worksheets:
        out = wb.create_sheet(ws.title)
        for row in ws.iter_rows(values_only=True):
            out.append(list(row))
    p = tmp_path / "sample-sheets.xlsx"
    wb.save(p)
    assert same(p, monkeypatch)


def test_hostile_variants_read_the_same_both_ways(tmp_path, monkeypatch):
    plain = F.small_workbook(tmp_path / "plain.xlsx", rows=5, table=False)
    cases = [F.far_cell(plain, tmp_path / "far.xlsx"), F.far_cell(plain, tmp_path / "far2.xlsx", "XFD10000"),
             F.wide_row(plain, tmp_path / "wide.xlsx", 3),
             F.cell_value(plain, tmp_path / "inf.xlsx", "<v>46300.375</v>", "<v>-inf</v>")]
    rnd = random.Random(5)
    for k in range(30):
        dst = tmp_path / f"m{k}.xlsx"
        F.mutate(plain, dst, rnd)
        cases.append(dst)
    for p in cases:
        same(p, monkeypatch)
