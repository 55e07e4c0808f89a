"""Reader isolation (issue 14): hostile workbooks read around, fall back or are refused in one line.

Each case is read by both readers (python-calamine, and openpyxl alone as in Pyodide) in a child
process under a 2 GB address-space limit, so a regression fails here instead of exhausting the
machine: before this issue, one value at XFD1048576 aborted the process (exit 134) and one at
XFD10000 took 5.2 GB.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

import fuzz as F

pytestmark = pytest.mark.needs_subprocess

CHILD = r"""
import json, resource, sys
resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30))
if sys.argv[2] == "openpyxl":
    sys.modules["python_calamine"] = None          # as without the [fast] extra
from servicepledge.inputs.reader import read_workbook
from servicepledge.inputs.tables import InputError
try:
    w = read_workbook(sys.argv[1])
except InputError as e:
    print(json.dumps({"error": e.say("en") if hasattr(e, "say") else str(e)}, ensure_ascii=False))
    sys.exit(0)
t = w["Tickets"]
print(json.dumps({"ids": [str(x) for x in t.df["ticket_id"]],
                  "responded": [str(x) for x in t.df["first_response_at"]],
                  "issues": w.issues.rows, "warnings": [[x.code, x.zh, x.en] for x in w.issues.warnings],
                  "found": w.found}, ensure_ascii=False, default=str))
"""

READERS = ["calamine", "openpyxl"]


def read(path, reader) -> dict:
    p = subprocess.run([sys.executable, "-c", CHILD, str(path), reader], capture_output=True, text=True,
                       timeout=120, env={**os.environ, "PYTHONHASHSEED": "0"})
    assert p.returncode == 0 and not p.stderr, (p.returncode, p.stderr[-2000:])
    return json.loads(p.stdout)


@pytest.fixture(scope="module")
def ok(tmp_path_factory):
    # two tickets: T1 responded at 10:00, T2 at 11:00 (opened 2026-10-05 09:00)
    return F.small_workbook(tmp_path_factory.mktemp("hostile") / "ok.xlsx")


@pytest.fixture(scope="module")
def on_sheet(tmp_path_factory):
    return F.small_workbook(tmp_path_factory.mktemp("hostile") / "sheet.xlsx", table=False)


TWO = ["T1", "T2"]
FAR_T = "cell {ref} holds a value far outside the Table Tickets; it is not read"
FAR_W_EN = ("cell {ref}, far outside the Table Tickets, holds a value that is not read and is in no figure: "
            "move it into the table if it belongs to it, or delete it")
FAR_W_ZH = "表格 Tickets 之外很远处的 {ref} 等 1 个单元格有值，未读取，不计入任何指标：如属本表，请移入表格；否则请删除"


@pytest.mark.parametrize("reader", READERS)
def test_header_only_table_is_an_empty_table(tmp_path, reader):
    # openpyxl writes ref="A1:C1" for a Table with no rows (a month without notices): python-calamine panicked
    p = F.small_workbook(tmp_path / "empty.xlsx", rows=0)
    out = read(p, reader)
    assert out["ids"] == [] and out["issues"] == [] and out["warnings"] == []
    assert out["found"]["Tickets"] == "Table Tickets (sheet 服务工单)"


@pytest.mark.parametrize("reader", READERS)
def test_inverted_table_ref_reads_the_range_the_right_way_round(ok, tmp_path, reader):
    out = read(F.table_ref(ok, tmp_path / "inv.xlsx", "C3:A1"), reader)
    assert out["ids"] == TWO and out["responded"] == ["2026-10-05 10:00:00", "2026-10-05 11:00:00"]


@pytest.mark.parametrize("reader", READERS)
def test_single_cell_table_ref_is_one_column_table(ok, tmp_path, reader):
    # a Table of cell A1 only: its one column is 工单编号, so 受理时间 is missing -> the usual one line
    out = read(F.table_ref(ok, tmp_path / "one.xlsx", "A1"), reader)
    assert out["error"] == ("Tickets (服务工单) in one.xlsx, Table Tickets (sheet 服务工单): missing column "
                            "'opened_at' (受理时间/报修时间). Headers found: 工单编号")


@pytest.mark.parametrize("reader", READERS)
def test_unusable_table_ref_is_refused_in_one_line(ok, tmp_path, reader):
    out = read(F.table_ref(ok, tmp_path / "bad.xlsx", "A0:B2"), reader)
    assert out["error"] == ("bad.xlsx: Excel Table Tickets (sheet 服务工单) has an unusable range 'A0:B2'; "
                            "select the table and use Table Design → Resize Table, then save")


@pytest.mark.parametrize("reader", READERS)
def test_minus_inf_in_a_date_cell_is_refused_naming_the_cell(ok, tmp_path, reader):
    # B2 is T1's 受理时间 (a date-formatted cell): python-calamine panicked converting -inf to a date
    out = read(F.cell_value(ok, tmp_path / "inf.xlsx", "<v>46300.375</v>", "<v>-inf</v>"), reader)
    assert out["error"] == ("inf.xlsx: sheet 服务工单, cell B2 holds a number that is not finite (inf or nan); "
                            "type a real value or clear the cell and save again")


@pytest.mark.parametrize("reader", READERS)
@pytest.mark.parametrize("ref,row", [("XFD1048576", 1048576), ("XFD10000", 10000)])
def test_far_stray_cell_is_read_around_and_reported(ok, tmp_path, reader, ref, row):
    out = read(F.far_cell(ok, tmp_path / f"far{row}.xlsx", ref), reader)
    assert out["ids"] == TWO
    assert out["issues"] == [{"table": "Tickets", "row": row, "column": "XFD", "problem": FAR_T.format(ref=ref)}]
    assert out["warnings"] == [["cells_far_outside", FAR_W_ZH.format(ref=ref), FAR_W_EN.format(ref=ref)]]


@pytest.mark.parametrize("reader", READERS)
def test_far_cell_does_not_hide_a_row_below_the_table(ok, tmp_path, reader):
    p = F.far_cell(F.add_cells(ok, tmp_path / "b0.xlsx", '<row r="5"><c r="B5"><v>7</v></c></row>'),
                   tmp_path / "below.xlsx")
    out = read(p, reader)
    assert out["ids"] == TWO
    assert [i["row"] for i in out["issues"]] == [5, 1048576]
    assert out["issues"][0]["problem"].startswith("row below the Table Tickets (A1:C3) holds data")
    assert [w[0] for w in out["warnings"]] == ["rows_below_table", "cells_far_outside"]


@pytest.mark.parametrize("reader", READERS)
def test_far_cell_below_a_sheet_table(on_sheet, tmp_path, reader):
    # no Excel Table: the header is row 1 (A–C); a value at A1048576 would make a 1048576 × 3 grid
    out = read(F.far_cell(on_sheet, tmp_path / "sfar.xlsx", "A1048576"), reader)
    assert out["ids"] == TWO
    assert out["issues"] == [{"table": "Tickets", "row": 1048576, "column": "A", "problem":
                              "cell A1048576 holds a value far outside the table on sheet 服务工单 (A1:C3); "
                              "it is not read"}]
    assert out["warnings"][0][2] == ("cell A1048576, far outside the table on sheet 服务工单 (A1:C3), holds a "
                                     "value that is not read and is in no figure: move it into the table if it "
                                     "belongs to it, or delete it")


@pytest.mark.parametrize("reader", READERS)
def test_row_filled_to_column_xfd_beside_a_table(ok, tmp_path, reader):
    # row 2 holds 1 in D2:XFD2 -> 16381 columns beside the Table: D..W named one by one (20), one line for the rest
    out = read(F.wide_row(ok, tmp_path / "wide.xlsx", 2), reader)
    assert out["ids"] == TWO
    beside = [w for w in out["warnings"] if w[0] == "column_beside_table"]
    assert len(beside) == 21
    assert beside[0][2].startswith("Table Tickets (A1:C3): column D beside it holds data")
    assert beside[19][2].startswith("Table Tickets (A1:C3): column W beside it holds data")
    assert beside[20][2] == ("Table Tickets (A1:C3): 16361 more columns beside it hold data outside the Table and "
                             "are not read; if they belong to the table, extend the Table (Table Design → Resize "
                             "Table) and run the report again")   # 16384 − 3 − 20 = 16361


@pytest.mark.parametrize("reader", READERS)
def test_row_filled_to_column_xfd_on_a_sheet(on_sheet, tmp_path, reader):
    out = read(F.wide_row(on_sheet, tmp_path / "wides.xlsx", 2), reader)
    assert out["ids"] == TWO
    unnamed = [w for w in out["warnings"] if w[0] == "unnamed_column"]
    assert len(unnamed) == 21 and unnamed[19][2] == "Tickets: column W holds values but has no header; it is not read"
    assert unnamed[20][2] == ("Tickets: 16361 more columns (between X and XFD) hold values but have no header; "
                              "they are not read")


@pytest.mark.parametrize("reader", READERS)
def test_many_rows_and_a_far_cell_read_around(tmp_path, reader):
    # 300 tickets and XFD10000: python-calamine would allocate 10000 × 16384 cells (5.2 GB)
    p = F.far_cell(F.small_workbook(tmp_path / "m0.xlsx", rows=300), tmp_path / "many.xlsx", "XFD10000")
    out = read(p, reader)
    assert out["ids"] == [f"T{i}" for i in range(1, 301)]
    assert [i["problem"] for i in out["issues"]] == [FAR_T.format(ref="XFD10000")]


@pytest.mark.parametrize("reader", READERS)
def test_table_spanning_the_sheet_with_a_stray_value_is_refused(ok, tmp_path, reader):
    p = F.far_cell(F.table_ref(ok, tmp_path / "big0.xlsx", "A1:C1048576"), tmp_path / "big.xlsx", "A1048576")
    out = read(p, reader)
    assert out["error"] == ("big.xlsx: Excel Table Tickets (sheet 服务工单, A1:C1048576) spans 1048576 rows × 3 "
                            "columns but holds only 10 values; delete the stray cells or resize the table "
                            "(Table Design → Resize Table) and save again")   # 9 cells of A1:C3 + A1048576


@pytest.mark.parametrize("reader", READERS)
def test_table_range_to_the_last_row_without_stray_values_reads(ok, tmp_path, reader):
    out = read(F.table_ref(ok, tmp_path / "tall.xlsx", "A1:C1048576"), reader)
    assert out["ids"] == TWO and out["issues"] == []


@pytest.mark.parametrize("reader", READERS)
@pytest.mark.parametrize("unique", [2**31 - 1, 10**12])
def test_huge_shared_strings_count(ok, tmp_path, reader, unique):
    # python-calamine reserves room for uniqueCount strings first and aborted at 2^31 − 1
    out = read(F.shared_strings(ok, tmp_path / "sst.xlsx", unique), reader)
    assert out["ids"] == TWO


@pytest.mark.parametrize("reader", READERS)
def test_merge_over_the_whole_sheet(ok, tmp_path, reader):
    # openpyxl's full load made a MergedCell for each of the 17 billion cells (MemoryError after ~100 s)
    out = read(F.merge_all(ok, tmp_path / "merge.xlsx"), reader)
    assert out["ids"] == TWO


@pytest.mark.parametrize("reader", READERS)
def test_formatted_empty_far_cell_is_not_a_value(ok, tmp_path, reader):
    out = read(F.add_cells(ok, tmp_path / "fmt.xlsx", '<row r="1048576"><c r="XFD1048576" s="1"/></row>'), reader)
    assert out["ids"] == TWO and out["issues"] == [] and out["warnings"] == []


@pytest.mark.parametrize("reader", READERS)
def test_broken_deflate_stream_is_damaged(ok, tmp_path, reader):
    out = read(F.corrupt_deflate(ok, tmp_path / "z.xlsx"), reader)
    assert out["error"].startswith("z.xlsx: the workbook is damaged (Error -3 while decompressing data")
    assert out["error"].endswith("); open it in Excel and save it again")


@pytest.mark.parametrize("reader", READERS)
@pytest.mark.parametrize("encoding", ["GBK", "Shift_JIS"])
def test_part_declaring_a_multibyte_encoding_is_damaged(ok, tmp_path, reader, encoding):
    out = read(F.declare_encoding(ok, tmp_path / "enc.xlsx", encoding), reader)
    assert out["error"] == ("enc.xlsx: the workbook is damaged (part xl/worksheets/sheet1.xml declares a text "
                            "encoding other than UTF-8); open it in Excel and save it again")


def test_readers_agree_on_the_sample():
    from pathlib import Path
    sample = Path(__file__).resolve().parents[1] / "samples" / "servicepledge-sample.xlsx"
    fast, slow = read(sample, "calamine"), read(sample, "openpyxl")
    assert fast["ids"] == slow["ids"] and len(fast["ids"]) > 100
    assert fast["responded"] == slow["responded"]
    assert fast["issues"] == slow["issues"]


@pytest.mark.parametrize("reader", READERS)
def test_text_nan_is_not_a_non_finite_number(ok, tmp_path, reader):
    # a formula result or text saying "nan" is text, not the number nan: read as the ticket id
    p = F.cell_value(ok, tmp_path / "nan.xlsx", '<c r="A2" t="inlineStr"><is><t>T1</t></is></c>',
                     '<c r="A2" t="str"><f>"nan"</f><v>nan</v></c>')
    out = read(p, reader)
    assert out["ids"][1:] == ["T2"] and "error" not in out


@pytest.mark.parametrize("reader", READERS)
def test_cells_without_a_reference_are_refused(ok, tmp_path, reader):
    # the scan cannot place a cell without r="…" (Excel always writes it): refuse rather than guess
    out = read(F.cell_value(ok, tmp_path / "norefs.xlsx", '<c r="A2" t="inlineStr">', '<c t="inlineStr">'), reader)
    assert out["error"] == ("norefs.xlsx: the workbook is damaged (xl/worksheets/sheet1.xml: 1 cell without a cell "
                            "reference); open it in Excel and save it again")
