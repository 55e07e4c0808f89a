"""Every failure is one line (issue 14, items 3 and 4): broken bytes inside the zip, an XML part declaring a
multi-byte encoding, a library's multi-line or panicking error, chart labels holding '$', and errors that would
quote a data row (customer names, phone numbers) as 'Headers found'.

Runs the command line in-process (cli.main), so the Pyodide lane runs it too.
"""
from __future__ import annotations

import io
import re
import sys
import zipfile
import zlib
from pathlib import Path

import pytest

import corpus
from helpers import report
from servicepledge.outputs import charts, output
from servicepledge import cli
from servicepledge.inputs import tables as T
from servicepledge.excel import functions as F

ARGS = ["--period", "2026-10", "--as-of", "2026-10-31 18:00"]
FIX = "open it in Excel and save it again, or ask the sender for a new copy"


@pytest.fixture(params=["calamine", "openpyxl"])
def reader(request, monkeypatch):
    """Both readers: python-calamine (the [fast] extra) and openpyxl (Pyodide, minimal installs)."""
    if request.param == "openpyxl":
        monkeypatch.setitem(sys.modules, "python_calamine", None)
    else:
        pytest.importorskip("python_calamine")
    return request.param


def run(capsys, *args) -> tuple[int, str]:
    code = cli.main(list(args))
    err = capsys.readouterr().err
    return code, err


def _tickets(n=300):
    import datetime as dt
    return [(f"T{i}", dt.datetime(2026, 10, 1 + i % 28, 9), dt.datetime(2026, 10, 1 + i % 28, 10 + i % 5))
            for i in range(n)]


def zlib_damaged(tmp_path) -> Path:
    """A workbook whose sheet part's deflate stream is broken (8 bytes flipped): zipfile raises zlib.error."""
    ok = corpus.valid_workbook(tmp_path / "ok.xlsx", tickets=_tickets())
    data = ok.read_bytes()
    info = zipfile.ZipFile(ok).getinfo("xl/worksheets/sheet1.xml")
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    for k in range(10, info.compress_size - 8):
        d = bytearray(data)
        for j in range(8):
            d[start + k + j] ^= 0xFF
        try:
            zipfile.ZipFile(io.BytesIO(bytes(d))).read(info.filename)
        except zlib.error:
            out = tmp_path / "坏的.xlsx"
            out.write_bytes(bytes(d))
            return out
        except Exception:
            continue
    raise AssertionError("no flip gave a zlib error")


def test_broken_deflate_stream_is_a_damaged_workbook(tmp_path, capsys, reader):
    bad = zlib_damaged(tmp_path)
    code, err = run(capsys, "report", str(bad), *ARGS, "-o", str(tmp_path / "r.xlsx"), "--lang", "en")
    assert code == 2 and err.count("\n") == 1, err
    assert re.fullmatch(rf"servicepledge: 坏的\.xlsx: the workbook is damaged \(compressed data is corrupt: "
                        rf"Error -?\d+ while decompressing data: [^\n]+\); {FIX}\n", err), err
    assert not (tmp_path / "r.xlsx").exists()


def test_xml_part_declaring_a_multi_byte_encoding(tmp_path, capsys, reader):
    ok = corpus.valid_workbook(tmp_path / "ok.xlsx")
    part = "xl/worksheets/sheet1.xml"
    body = re.sub(rb"^(<\?xml[^>]*\?>)?", b'<?xml version="1.0" encoding="GBK"?>', zipfile.ZipFile(ok).read(part),
                  count=1)
    bad = corpus._rewrite(ok, tmp_path / "gbk.xlsx", part, body)
    code, err = run(capsys, "report", str(bad), *ARGS, "--json", "--lang", "en")
    assert (code, err) == (2, "servicepledge: gbk.xlsx: the workbook is damaged (an XML part declares a multi-byte "
                              f"encoding such as GBK; Excel writes UTF-8); {FIX}\n")


class PanicException(BaseException):
    """What python-calamine (pyo3) raises when it panics: not an Exception."""


def test_a_reader_panic_or_multi_line_library_text_is_one_line(tmp_path, capsys, monkeypatch):
    ok = corpus.valid_workbook(tmp_path / "in.xlsx")
    import servicepledge.inputs.reader as R

    def panic(path, **kw):
        raise PanicException("called `Option::unwrap()` on a `None` value\n  at src/xlsx/mod.rs:1234\n\nnote: x")
    monkeypatch.setattr(R, "read_workbook", panic)
    code, err = run(capsys, "report", str(ok), *ARGS, "--json", "--lang", "en")
    assert (code, err) == (2, "servicepledge: in.xlsx: cannot be read as an Excel workbook (PanicException: called "
                              "`Option::unwrap()` on a `None` value at src/xlsx/mod.rs:1234 note: x); " + FIX + "\n")

    def lines(path, **kw):             # a reader message quoting a library's three-line text
        raise T.InputError("in.xlsx: cannot be read as an Excel workbook (TypeError: expected\n"
                           "    <class 'openpyxl.styles.fills.Fill'>\n\tgot str)")
    monkeypatch.setattr(R, "read_workbook", lines)
    code, err = run(capsys, "report", str(ok), *ARGS, "--json")
    assert (code, err) == (2, "servicepledge: in.xlsx: cannot be read as an Excel workbook (TypeError: expected "
                              "<class 'openpyxl.styles.fills.Fill'> got str)\n")


def test_an_unexpected_error_is_one_line_of_readable_length(tmp_path, capsys, monkeypatch):
    ok = corpus.valid_workbook(tmp_path / "in.xlsx")
    import servicepledge.report as rep

    def boom(*a, **k):
        raise ValueError("first line\n" + "x" * 1000)
    monkeypatch.setattr(rep, "compute", boom)
    code, err = run(capsys, "report", str(ok), *ARGS, "--json", "--lang", "en")
    assert code == 1 and err.count("\n") == 1
    # 'ValueError: first line xxx…' is cut to 160 characters: 'ValueError: first line ' (23) + 136 x + '…'
    assert err == ("servicepledge: unexpected error (ValueError: first line " + "x" * 136 + "…); "
                   "please report this with the input file\n")


# ------------------------------------------------------------------ chart labels are literal text

CATS = ["成本$…$", "培训$x_$", "备件$"]      # '$…$' and '$x_$' are math markup matplotlib cannot parse


def _fund_report():
    return report(FundLedger=[dict(entry_id=f"E{i}", date="2026-10-0" + str(i + 1), category=c, amount=100 * (i + 1),
                                   approved="是") for i, c in enumerate(CATS)],
                  FundBudget=[dict(year=2026, category=c, budget=1000) for c in CATS])


def test_dollar_signs_in_a_category_are_drawn_as_written(tmp_path):
    r = _fund_report()
    out = output.write_report(r, tmp_path / "r.xlsx")          # the whole report, charts included, still builds
    import openpyxl
    assert len(openpyxl.load_workbook(out)["KPI仪表板"]._images) == 4
    fig = charts.figure("fund", r, "en")
    fig.canvas.draw()
    ax = fig.axes[0]
    drawn = {}
    for label in ax.get_yticklabels():
        text, math = label._preprocess_math(label.get_text())   # what matplotlib renders, and whether as math
        drawn[text] = math
    # category_label: a category of the user's own is shown as written (or 'Category n' when it cannot be drawn)
    assert {charts.category_label(c, "en", i) for i, c in enumerate(CATS)} <= set(drawn) | {"Category 1", "Category 2",
                                                                                          "Category 3"}
    assert "成本$…$" in drawn or "Category 1" in drawn
    assert "备件$" in drawn or "Category 3" in drawn
    assert not any(drawn.values())
    fig = charts.figure("fund", r, "zh")
    png = charts.png_bytes(fig)                                    # drawing did not raise
    assert png[:4] == b"\x89PNG"
    texts = [t._preprocess_math(t.get_text()) for t in fig.findobj(lambda a: hasattr(a, "_preprocess_math"))]
    shown = [s for s, math in texts if "$" in s]
    assert not any(math for _, math in texts)
    if all(map(charts.fonts.can_draw, CATS)):                     # with a CJK font: the categories, dollars and all
        assert {"成本$…$", "培训$x_$", "备件$"} <= set(shown)


# ------------------------------------------------------------------ errors never quote data

ROW = ["T0001", "张三", "13812345678", 46300.375, "2026-10-05 09:00", "北京华信科技有限公司"]


def test_a_header_less_table_is_not_quoted_into_the_error():
    with pytest.raises(T.InputError) as e:
        T.from_grid("Tickets", [ROW, ["T0002", "李四", "13900001111", 46301.5, "", "上海某某"]])
    msg = str(e.value)
    for secret in ("张三", "13812345678", "李四", "北京华信", "上海某某"):
        assert secret not in msg
    # privacy.mask_name: 张三 (≤4 chars) keeps 1 → 张*; T0001 (5 chars, not a Latin name) keeps 2 → T0***;
    # the company (10 chars) keeps 2 → 北京 + 8 stars; the phone, the serial and the date are counted, not shown
    assert msg.endswith("Headers found: T0***, 张*, 北京******** (and 3 values that look like data, not shown)")


def test_a_real_header_row_is_still_quoted_with_its_did_you_mean():
    with pytest.raises(T.InputError) as e:
        T.from_grid("Tickets", [["工单编号", "客户", "电话", "受理时问"], ["T2", "李四", "13900001111", 46301]])
    assert str(e.value).endswith("Headers found: 工单编号, 客户, 电话, 受理时问. Did you mean: '受理时问' → 受理时间?")


def test_sp_breaches_error_does_not_quote_the_data_row():
    got = F.SP_BREACHES([ROW], [["complaint_id", "received_at"]], [["notice_id", "notice_date"]], "2026-10",
                        "2026-10-31 18:00")
    text = got if isinstance(got, str) else got[0][0]
    assert text.startswith("#SP!") and "找到的表头" in text      # no terms argument: the default terms, zh
    assert "张三" not in text and "13812345678" not in text and "张*" in text


def test_the_command_line_does_not_quote_a_header_less_sheet(tmp_path, capsys, reader):
    import openpyxl
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "服务工单"
    ws.append(["T0001", "张三", "13812345678"])
    ws.append(["T0002", "李四", "13900001111"])
    wb.save(tmp_path / "in.xlsx")
    code, err = run(capsys, "report", str(tmp_path / "in.xlsx"), *ARGS, "--json", "--lang", "en")
    assert code == 2 and err.count("\n") == 1 and "Headers found: T0***, 张* (and 1 value that looks like data" in err
    assert "张三" not in err and "13812345678" not in err
