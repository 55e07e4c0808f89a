"""CSV files as input (issue 11, item 1): encodings, delimiters, one table per file, folders, safety.

The folder test writes every table of the bundled sample as CSV (two tables GBK, the rest UTF-8 with
BOM, as Chinese Excel saves them) and checks that the report is the sample workbook's, figure for figure.
"""
from __future__ import annotations

import csv
import json
import zipfile
from pathlib import Path

import pytest

from servicepledge.inputs import csvfile
from servicepledge.inputs.sources import read_inputs
from servicepledge.inputs.tables import InputError
from servicepledge.report import compute

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "samples" / "servicepledge-sample.xlsx"
AS_OF = "2026-10-31 18:00"


def _write(path: Path, rows, encoding="utf-8", delimiter=","):
    with open(path, "w", encoding=encoding, newline="") as f:
        csv.writer(f, delimiter=delimiter).writerows(rows)
    return path


TICKETS = [["工单编号", "受理时间", "优先级", "首次响应时间", "客户"],
           ["T1", "2026-10-05 09:00", "紧急", "2026-10-05 09:45", "张三"],
           ["T2", "2026-10-06 10:00", "高", "2026-10-06 13:00", "李四"]]


# ------------------------------------------------------------------------------------------ encodings
@pytest.mark.parametrize("encoding, expected", [("gbk", "GBK"), ("utf-8", "UTF-8"), ("utf-8-sig", "UTF-8-BOM"),
                                                ("utf-16", "UTF-16")])
def test_encoding_is_detected_and_the_text_is_read_exactly(tmp_path, encoding, expected):
    p = _write(tmp_path / "工单.csv", TICKETS, encoding)
    c = csvfile.read_csv(p)
    assert c.encoding == expected
    assert c.header == TICKETS[0]                       # no BOM left on the first header
    assert c.rows.values.tolist() == TICKETS[1:]


def test_gb18030_four_byte_characters_are_named_gb18030(tmp_path):
    # 𠀀 (U+20000) and 㐀 (U+3400, in GB18030 four-byte form) are not in GBK: a GBK decode would fail
    rows = [["工单编号", "受理时间", "客户"], ["T1", "2026-10-05 09:00", "𠀀㐀公司"]]
    p = _write(tmp_path / "工单.csv", rows, "gb18030")
    with pytest.raises(UnicodeDecodeError):
        p.read_bytes().decode("gbk")
    c = csvfile.read_csv(p)
    assert c.encoding == "GB18030" and c.rows.iloc[0, 2] == "𠀀㐀公司"


def test_gbk_chinese_is_not_mistaken_for_utf8():
    text = "工单编号,受理时间\nT1,2026-10-05\n"
    assert csvfile.decode(text.encode("gbk")) == (text, "GBK")
    assert csvfile.decode(text.encode("utf-8")) == (text, "UTF-8")


def test_undecodable_bytes_name_the_file_and_line(tmp_path):
    good = "工单编号,受理时间\nT1,2026-10-05\nT2,2026-10-06\n".encode("utf-8")
    p = tmp_path / "Tickets.csv"
    p.write_bytes(good + b"T3,\xff\xfe\xff bad\n")      # 0xFF is valid in neither UTF-8 nor GB18030
    with pytest.raises(InputError) as e:
        csvfile.read_csv(p)
    assert e.value.en.startswith("Tickets.csv: line 4 holds bytes that are neither UTF-8 nor GBK/GB18030")
    assert "as UTF-8 up to there" in e.value.en
    assert e.value.zh.startswith("Tickets.csv：第 4 行有既不是 UTF-8 也不是 GBK/GB18030 的字节")


# ----------------------------------------------------------------------------------------- delimiters
@pytest.mark.parametrize("delimiter, name", [(";", "semicolon"), ("\t", "tab"), (",", "comma")])
def test_delimiter_is_sniffed(tmp_path, delimiter, name):
    rows = [["工单编号", "受理时间", "服务费用"], ["T1", "2026-10-05 09:00", "1,200.50"]]   # a comma inside a value
    c = csvfile.read_csv(_write(tmp_path / "t.csv", rows, "utf-8", delimiter))
    assert (c.delimiter, c.delimiter_name) == (delimiter, name)
    assert c.rows.values.tolist() == [["T1", "2026-10-05 09:00", "1,200.50"]]


def test_excel_sep_line_decides_the_delimiter(tmp_path):
    p = tmp_path / "t.csv"
    p.write_text("sep=;\n工单编号;受理时间,备注\nT1;2026-10-05 09:00,x\n", encoding="utf-8")
    c = csvfile.read_csv(p)
    assert c.delimiter == ";" and c.header == ["工单编号", "受理时间,备注"]


# ----------------------------------------------------------------------------------------------- safety
def test_empty_file_xlsx_in_disguise_old_xls_and_binary_are_one_line_each(tmp_path):
    (tmp_path / "empty.csv").write_bytes(b"")
    with zipfile.ZipFile(tmp_path / "book.csv", "w") as z:
        z.writestr("xl/workbook.xml", "<workbook/>")
    (tmp_path / "old.csv").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100)
    (tmp_path / "bin.csv").write_bytes(b"abc\x00\x01\x02def")
    (tmp_path / "blank.csv").write_text("\n\n  \n", encoding="utf-8")
    expect = {"empty.csv": "empty.csv: the file is empty (0 bytes)",
              "book.csv": "book.csv: is an Excel workbook (.xlsx) with a .csv name",
              "old.csv": "old.csv: is an old Excel .xls",
              "bin.csv": "bin.csv: is not a text file",
              "blank.csv": "blank.csv: holds no rows"}
    for name, start in expect.items():
        before = (tmp_path / name).read_bytes()
        with pytest.raises(InputError) as e:
            csvfile.read_csv(tmp_path / name)
        assert e.value.en.startswith(start), e.value.en
        assert e.value.zh.startswith(name + "："), e.value.zh     # a Chinese line too (--lang zh)
        assert "\n" not in str(e.value)
        assert (tmp_path / name).read_bytes() == before           # never modified


def test_too_large_file_is_refused_before_reading(tmp_path, monkeypatch):
    p = _write(tmp_path / "工单.csv", TICKETS)
    monkeypatch.setattr(csvfile, "MAX_BYTES", 10)
    with pytest.raises(InputError, match=r"工单.csv: refused: .* more than the 0 MiB"):
        csvfile.read_csv(p)


def test_a_row_with_too_many_cells_names_its_line(tmp_path):
    p = tmp_path / "t.csv"
    p.write_text("工单编号,受理时间\nT1,2026-10-05\nT2,2026-10-06,extra,more\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"t.csv: cannot be read as CSV \(line 3 has 4 cells"):
        csvfile.read_csv(p)


# --------------------------------------------------------------------------------- which table, figures
def test_table_from_file_name_headers_or_option(tmp_path):
    a = _write(tmp_path / "工单_2026-10.csv", TICKETS, "gbk")
    assert read_inputs([a]).found["Tickets"] == "工单_2026-10.csv (GBK, comma)"
    b = _write(tmp_path / "export.csv", TICKETS)                       # no name: the headers decide
    assert read_inputs([b]).tables["Tickets"].present
    c = _write(tmp_path / "notes.csv", [["备注", "金额"], ["x", "1"]])
    with pytest.raises(InputError, match=r"notes.csv: cannot tell which table it holds .*--table"):
        read_inputs([c])
    with pytest.raises(InputError, match=r"missing column 'complaint_id'"):
        read_inputs([b], table="投诉")                                  # --table wins over the headers


def test_two_files_for_one_table_are_an_error_naming_both(tmp_path):
    a = _write(tmp_path / "工单.csv", TICKETS)
    b = _write(tmp_path / "Tickets.csv", TICKETS)
    with pytest.raises(InputError, match=r"Tickets.csv and 工单.csv both hold the Tickets table"):
        read_inputs([b, a])


def test_figures_and_data_issue_rows_of_a_small_csv(tmp_path):
    rows = TICKETS + [["T3", "2026-10-07 14:00", "中", "not a time", "王五"]]
    wb = read_inputs([_write(tmp_path / "工单.csv", rows, "gbk")])
    r = compute(wb.tables, wb.issues, period="2026-10", as_of=AS_OF)
    # T1 0.75 h ≤ 2 met; T2 3 h > 2 breached; T3's first response unusable: left out (excluded)
    assert (r.doc["response"]["met"], r.doc["response"]["breached"], r.doc["response"]["excluded"]) == (1, 1, 1)
    issue = next(i for i in r.doc["data_issues"] if i["column"] == "首次响应时间")
    assert issue["table"] == "Tickets" and issue["row"] == 4                # row 4 as Excel shows the CSV


def _sample_as_csv_folder(folder: Path) -> Path:
    from servicepledge.inputs.schema import TABLES
    from servicepledge.sample import build_tables
    folder.mkdir()
    data = build_tables()
    for name, t in TABLES.items():
        if name not in data:        # tables the sample does not fill (Pauses, Contracts)
            continue
        enc = "gbk" if name in ("Tickets", "Staff") else "utf-8-sig"
        rows = [[c.aliases[0] for c in t.columns]]
        rows += [["" if row.get(c.name) is None else row.get(c.name) for c in t.columns] for row in data[name]]
        _write(folder / f"{t.zh}.csv", rows, enc)
    return folder


@pytest.mark.needs_subprocess
def test_a_folder_of_csvs_gives_the_sample_workbooks_figures(tmp_path):
    from helpers import cli
    folder = _sample_as_csv_folder(tmp_path / "导出")
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    a = cli("report", str(folder), "--json", "--as-of", AS_OF)
    b = cli("report", str(SAMPLE), "--json", "--as-of", AS_OF)
    assert a.returncode == 0 and b.returncode == 0, a.stderr + b.stderr
    da, db = json.loads(a.stdout), json.loads(b.stdout)
    ia = da.pop("inputs")
    assert db.pop("inputs") == [{"file": SAMPLE.name, "format": "xlsx", "tables": sorted(da["tables_found"]),
                                 "sha256": __import__("hashlib").sha256(SAMPLE.read_bytes()).hexdigest()}]
    assert da == db                          # every figure, warning and data issue of the sample
    assert {i["file"]: (i["table"], i["encoding"], i["delimiter"]) for i in ia}["服务工单.csv"] == \
        ("Tickets", "GBK", "comma")
    assert {i["encoding"] for i in ia} == {"GBK", "UTF-8-BOM"}
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before       # inputs untouched


@pytest.mark.needs_subprocess
def test_audit_sheet_states_encoding_and_delimiter(tmp_path):
    import openpyxl
    from helpers import cli
    p = _write(tmp_path / "工单.csv", TICKETS, "gbk", ";")
    out = tmp_path / "r.xlsx"
    run = cli("report", str(p), "--as-of", AS_OF, "--period", "2026-10", "-o", str(out))
    assert run.returncode == 0, run.stderr
    wb = openpyxl.load_workbook(out)
    cells = [str(c.value) for s in wb.worksheets for row in s.iter_rows() for c in row if c.value is not None]
    assert "读取的文件: 工单.csv" in cells
    assert "Tickets · 2 行 · 编码 GBK · 分隔符 分号" in cells


@pytest.mark.needs_subprocess
def test_cli_bad_csv_is_one_line_exit_2(tmp_path):
    from helpers import cli
    p = tmp_path / "工单.csv"
    p.write_bytes(b"")
    run = cli("report", str(p), "--json", "--lang", "en")
    assert run.returncode == 2
    assert run.stderr.strip() == "servicepledge: 工单.csv: the file is empty (0 bytes); export it again"
    run = cli("report", str(p), "--json", "--lang", "zh")
    assert run.returncode == 2
    assert run.stderr.strip() == "servicepledge: 工单.csv：文件是空的（0 字节）；请重新导出"


def test_iso_text_dates_fast_path_reads_what_the_full_rewrite_reads():
    """CSV dates are text: ISO text is parsed as written (textdates._iso_first); the result must be the one
    the full rewriting (年月日, slashes, dots, full-width colons) gives for every form."""
    import pandas as pd
    from servicepledge.inputs import textdates
    forms = ["2026-10-05 09:00", "2026-10-05 09:00:30", "2026-10-05", "2026-1-5 9:05", "2026-10-05T09:00:00",
             "2026-10-05T09:00", "2026-10-05 09:00:01.5", "2026-10", " 2026-10-05  09:00 ", "2026年10月5日 9:00",
             "2026/10/05 09:00", "2026.10.05", "2026-10-05 09：00", "46300.5", "2026-13-01", "昨天", "2026-02-30"]
    t = pd.Series(forms, dtype=object)
    fast = textdates.parse(t, False)
    slow = textdates._parse_rewritten(t.str.strip(), False)
    pd.testing.assert_series_equal(fast, slow)
    assert fast[0] == pd.Timestamp("2026-10-05 09:00") and pd.isna(fast[15]) and pd.isna(fast[16])
