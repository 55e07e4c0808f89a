"""A big sheet with a mixed column (issue 12): the safety scan learns each column's kinds of cell (text,
numbers/dates, yes/no) while it streams the sheet, so a sheet with a mixed column goes straight to
python-calamine's cell-by-cell read instead of first paying for fastexcel's strict read, which would fail
only after parsing the whole sheet. What is read is the same either way — frames and dtypes, bad cells, data
issues with their Excel rows, warnings, headers and sources — and fastexcel is not asked for such a sheet.

Workbooks are written with openpyxl as a user's would be (inline strings), and again as Excel saves them
(shared strings, numbers without t="n"); `same` (test_fastsheet.py) reads each both ways and compares.
"""
from __future__ import annotations

import datetime as dt
import random
import re
import zipfile
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest

from servicepledge.inputs import fastsheet, reader, scan
from test_fastsheet import HEAD, same

pytestmark = pytest.mark.skipif(not fastsheet.available(), reason="fastexcel and pyarrow not installed")

T0 = dt.datetime(2026, 10, 5, 9, 0, 0)


def _sheet(tmp_path, name: str, columns: dict, rows: int, date1904: bool = False, formats: dict | None = None):
    """A Tickets sheet: ticket ids T0… and opening times, plus `columns` (header -> function of the row
    index giving the value, None for an empty cell); `formats`: header -> number format of its cells."""
    wb = openpyxl.Workbook()
    if date1904:
        wb.epoch = openpyxl.utils.datetime.CALENDAR_MAC_1904
    ws = wb.active
    ws.title = "服务工单"
    head = ["工单编号", "受理时间", *[h for h in columns if h not in ("工单编号", "受理时间")]]
    ws.append(head)
    for i in range(rows):
        row = [f"T{i}", T0 + dt.timedelta(hours=i)] + [None] * (len(head) - 2)
        for h, f in columns.items():
            row[head.index(h)] = f(i)
        ws.append(row)
    for h, fmt in (formats or {}).items():
        col = head.index(h) + 1
        for r in range(2, rows + 2):
            ws.cell(r, col).number_format = fmt
    p = tmp_path / name
    wb.save(p)
    return p


def as_excel_saves(src: Path, dst: Path) -> Path:
    """`src` rewritten the way Excel writes it: text in the shared strings part (t="s"), numbers without
    t="n". openpyxl writes every text cell inline."""
    strings: dict[bytes, int] = {}

    def shared(m):
        text = m[2]
        k = strings.setdefault(text, len(strings))
        return m[1] + b' t="s"><v>' + str(k).encode() + b"</v></c>"

    def sheet(d: bytes) -> bytes:
        d = re.sub(rb'(<c r="[A-Z]+\d+"(?: s="\d+")?) t="inlineStr"><is><t(?: [^>]*)?>(.*?)</t></is></c>', shared, d)
        d = re.sub(rb'(<c r="[A-Z]+\d+"(?: s="\d+")?) t="inlineStr"\s*/>', rb"\1/>", d)   # an empty text cell
        return d.replace(b' t="n">', b">")

    with zipfile.ZipFile(src) as z:
        parts = [n for n in z.namelist() if n.startswith("xl/worksheets/sheet")]
    edits = {p: sheet for p in parts}
    import fuzz as F
    tmp = F.rewrite(src, dst.with_name(dst.name + ".tmp.xlsx"), edits)
    sst = b"".join(b'<si><t xml:space="preserve">' + s + b"</t></si>" for s in strings)
    sst = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<sst xmlns="http://schemas.openxmlformats.org/'
           b'spreadsheetml/2006/main" count="%d" uniqueCount="%d">' % (len(strings), len(strings)) + sst + b"</sst>")
    rel = (b'<Relationship Id="rIdSst" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
           b'sharedStrings" Target="sharedStrings.xml"/></Relationships>')
    ct = (b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.'
          b'spreadsheetml.sharedStrings+xml"/></Types>')
    F.rewrite(tmp, dst, {"xl/_rels/workbook.xml.rels": lambda d: d.replace(b"</Relationships>", rel),
                         "[Content_Types].xml": lambda d: d.replace(b"</Types>", ct)},
              extra={"xl/sharedStrings.xml": sst})
    tmp.unlink()
    return dst


def both(tmp_path, p: Path, monkeypatch, fast: bool = False) -> None:
    """`p` and its Excel-saved twin read the same both ways; the fast read took them when `fast`."""
    want = ["服务工单"] if fast else []
    assert same(p, monkeypatch) == want, p.name
    q = as_excel_saves(p, tmp_path / ("excel-" + p.name))
    assert same(q, monkeypatch) == want, q.name


N = 30
CASES = {
    # text among numbers: '待定' (to be decided) in the fee column, in the middle
    "text_in_numbers": {"服务费用": lambda i: "待定" if i == 13 else 100 + i * 0.5},
    # a number in a text id column: the id 1002 typed as a number
    "number_in_ids": {"工单编号": lambda i: 1002 if i == 4 else f"T{i}"},
    # '待定' in a date column, and date cells with milliseconds and at midnight
    "tbd_in_dates": {"解决时间": lambda i: "待定" if i == 7 else
                     (dt.datetime(2026, 10, 6) if i % 3 == 0 else T0 + dt.timedelta(hours=i, milliseconds=5 * i))},
    # a yes/no cell among numbers
    "bool_in_numbers": {"服务费用": lambda i: True if i == 2 else (None if i == 3 else i * 10)},
    # #N/A (an error cell) in a mixed column of numbers and text
    "error_in_mixed": {"满意度": lambda i: "#N/A" if i == 5 else ("很好" if i == 6 else 1 + i % 5)},
    # the mix at the first data row only / the last row only
    "mixed_first_row": {"服务费用": lambda i: "免费" if i == 0 else 200 + i},
    "mixed_last_row": {"服务费用": lambda i: "免费" if i == N - 1 else 200 + i},
    # a blank-heavy column: 2 values in 30 rows, one number, one text
    "blank_heavy": {"联系电话": lambda i: 13812345678 if i == 10 else ("  " if i == 20 else None)},
    # several mixed columns at once, with yes/no words, a date in a text column, a number typed as text
    "several": {"服务费用": lambda i: "待定" if i % 11 == 3 else i * 1.25,
                "解决时间": lambda i: "2026-10-09 18:00" if i == 1 else T0 + dt.timedelta(days=1, minutes=i),
                "质量达标": lambda i: True if i == 8 else ("是" if i % 2 else "否"),
                "客户": lambda i: dt.datetime(2026, 1, 2) if i == 9 else ("12" if i == 10 else f"客户{i % 4}"),
                "工程师": lambda i: 7 if i == 0 else "张伟"},
    # numbers that need every digit
    "long_numbers": {"服务费用": lambda i: "x" if i == 0 else [1e-10, 123456789.1234568, 0.1 + 0.2, -0.0, 2.5e-9,
                                                              1e21, 7][i % 7]},
    # a formula without a cached value (openpyxl writes none): an empty cell to both readers
    "formula": {"服务费用": lambda i: "=1+1" if i == 4 else ("待定" if i == 5 else i)},
}


@pytest.mark.parametrize("case", list(CASES))
def test_mixed_columns_go_cell_by_cell_and_read_the_same(tmp_path, monkeypatch, case):
    both(tmp_path, _sheet(tmp_path, f"{case}.xlsx", CASES[case], N), monkeypatch)


def test_text_among_numbers_by_hand(tmp_path, monkeypatch):
    """服务费用 = 100 + 0.5 i for i = 0…29 except row i = 13 ('待定'): the sum is
    100·29 + 0.5·(0+…+29 − 13) = 2900 + 0.5·(435 − 13) = 2900 + 211 = 3111; Excel row 15 (i = 13) is a data
    issue naming the column; the sheet was read cell by cell."""
    p = _sheet(tmp_path, "fee.xlsx", CASES["text_in_numbers"], N)
    assert same(p, monkeypatch) == []
    w = reader.read_workbook(p)
    fee = w["Tickets"].df["service_fee"]
    assert fee.sum() == 3111.0 and fee.isna().sum() == 1 and np.isnan(fee[13])
    assert [(r["row"], r["column"]) for r in w.issues.rows] == [(15, "服务费用")]
    assert w["Tickets"].bad["service_fee"].tolist() == [i == 13 for i in range(N)]


def test_tbd_in_a_date_column_by_hand(tmp_path, monkeypatch):
    """解决时间: '待定' at i = 7 (Excel row 9) is a bad cell; the date cells keep their milliseconds."""
    p = _sheet(tmp_path, "tbd.xlsx", CASES["tbd_in_dates"], N)
    assert same(p, monkeypatch) == []
    df = reader.read_workbook(p)["Tickets"].df
    assert pd.isna(df["resolved_at"][7])
    # i = 4: T0 + 4 h + 20 ms = 2026-10-05 13:00:00.020
    assert df["resolved_at"][4] == pd.Timestamp("2026-10-05 13:00:00.020")
    assert df["resolved_at"][3] == pd.Timestamp("2026-10-06")


def test_mixed_1904_workbook_agrees(tmp_path, monkeypatch):
    both(tmp_path, _sheet(tmp_path, "m1904.xlsx", CASES["tbd_in_dates"], N, date1904=True), monkeypatch)


def test_mixed_column_does_not_pay_for_a_failed_strict_read(tmp_path, monkeypatch):
    """The scan routes a sheet with mixed columns to python-calamine: fastexcel is not asked for it at all."""
    import fastexcel
    calls = []
    orig = fastexcel.ExcelReader.load_sheet

    def spy(self, *a, **k):
        calls.append(k.get("dtypes"))
        return orig(self, *a, **k)

    p = _sheet(tmp_path, "once.xlsx", CASES["several"], N)
    monkeypatch.setattr(fastexcel.ExcelReader, "load_sheet", spy)
    reader.read_workbook(p)
    assert calls == []
    plain = _sheet(tmp_path, "plain.xlsx", {"服务费用": lambda i: i * 1.25}, N)   # the same without a mix: asked
    reader.read_workbook(plain)
    assert calls == [None]


# --- the scan's kinds against openpyxl ---------------------------------------------------------------------

def _openpyxl_kinds(path: Path) -> np.ndarray:
    """Each column's kinds of value cell below row 1, as openpyxl reads them."""
    ws = openpyxl.load_workbook(path)["服务工单"]
    out = np.zeros(ws.max_column + 1, np.uint8)
    for row in ws.iter_rows(min_row=2):
        for c in row:
            if c.value is None:
                continue
            k = {"n": scan.NUMBER, "d": scan.NUMBER, "s": scan.TEXT, "b": scan.BOOL, "e": 0}.get(c.data_type)
            if c.data_type == "f":
                k = scan.NUMBER        # a formula without a cached value: stored as a number cell
            out[c.column] |= k
    return out


def test_scan_kinds_agree_with_openpyxl(tmp_path):
    rng = random.Random(7)
    pool = [lambda i: 1 + i, lambda i: "文本", lambda i: True, lambda i: T0, lambda i: "#N/A", lambda i: None,
            lambda i: dt.date(2026, 1, 1), lambda i: "  "]
    for k in range(25):
        cols = {}
        for h in rng.sample(HEAD[2:], rng.randint(1, 6)):
            fs = rng.sample(pool, rng.randint(1, 3))
            cols[h] = (lambda fs: lambda i: fs[(i * 7 + len(fs)) % len(fs)] (i))(fs)
        p = _sheet(tmp_path, f"k{k}.xlsx", cols, rng.randint(1, 12))
        for q in (p, as_excel_saves(p, tmp_path / f"ke{k}.xlsx")):
            lay = scan.Layout(q, kinds=True)
            e = lay.extent("服务工单")
            want = _openpyxl_kinds(q)
            got = np.zeros(len(want), np.uint8)
            got[:min(len(want), len(e.kinds))] = e.kinds[:len(want)]
            assert got.tolist() == want.tolist(), (q.name, cols.keys())
            assert fastsheet.mixed_columns(e.kinds, e.right) == [i for i in range(e.right)
                                                                  if bin(int(want[i + 1])).count("1") > 1]


def test_kinds_do_not_change_the_extent_of_a_far_cell(tmp_path):
    """The safety guarantee stays: a value at XFD1048576 makes the box out of proportion, kinds or not."""
    import fuzz as F
    plain = F.small_workbook(tmp_path / "p.xlsx", rows=3, table=False)
    far = F.far_cell(plain, tmp_path / "far.xlsx")
    a = scan.Layout(far).extent("服务工单")
    b = scan.Layout(far, kinds=True).extent("服务工单")
    assert (a.bottom, a.right, a.n) == (b.bottom, b.right, b.n) == (1048576, 16384, 13)   # 4 rows × 3 + 1
    assert not b.sane()
    assert b.kinds[16384] == scan.NUMBER and b.kinds[1] == scan.TEXT


def test_random_mixed_workbooks_read_the_same_both_ways(tmp_path, monkeypatch):
    rng = random.Random(21)
    pool = [lambda i: i * 1.5, lambda i: f"T{i % 3}", lambda i: i % 2 == 0, lambda i: T0 + dt.timedelta(minutes=i),
            lambda i: "#N/A", lambda i: None, lambda i: "", lambda i: "待定", lambda i: dt.date(2026, 3, 1 + i % 20),
            lambda i: "2026-10-05 08:00", lambda i: 46300.25]
    fast = mixed = 0
    for k in range(30):
        cols = {}
        for h in rng.sample(HEAD[1:], rng.randint(1, 8)):
            fs = rng.sample(pool, rng.randint(1, 3))
            where = rng.randrange(40)
            cols[h] = (lambda fs, where: lambda i: fs[0](i) if i != where else fs[-1](i))(fs, where)
        p = _sheet(tmp_path, f"r{k}.xlsx", cols, rng.randint(1, 40))
        q = as_excel_saves(p, tmp_path / f"re{k}.xlsx")
        e = scan.Layout(p, kinds=True).extent("服务工单")
        routed = fastsheet.mixed_columns(e.kinds, e.right) != []
        mixed += routed
        got = [same(p, monkeypatch), same(q, monkeypatch)]
        assert not routed or got == [[], []]          # a mixed sheet: cell by cell, both writers
        fast += sum(map(bool, got))
    assert fast >= 10 and mixed >= 10                  # both routes were exercised
