"""CSV encodings that are not UTF-8 (issue 11): GBK is accepted only when it reads as Chinese; Western text
(Windows-1252) that happens to decode as GB18030 stops with one line asking for --encoding, which then decides.

Files are written as the systems write them (Python's codecs for cp1252/gbk/utf-8), never modified by reading.
"""
from __future__ import annotations

import csv
from pathlib import Path

import pytest

from helpers import cli
from servicepledge.inputs import csvfile
from servicepledge.inputs.sources import read_inputs
from servicepledge.inputs.tables import InputError

AS_OF = "2026-10-31 18:00"
# Western names: ü, é, ö + ß each next to ASCII letters or each other; "€" only in the second table
WEST = [["ticket_id", "opened_at", "customer"],
        ["T1", "2026-10-05 09:00", "Müller GmbH"],
        ["T2", "2026-10-06 10:00", "Renée Dupont"],
        ["T3", "2026-10-07 11:00", "Größe AG"]]
WEST_EURO = WEST + [["T4", "2026-10-08 12:00", "Café 5€"]]
CHINESE = [["工单编号", "受理时间", "客户"], ["T1", "2026-10-05 09:00", "张三（北京）"],
           ["T2", "2026-10-06 10:00", "李四，上海分公司"]]


def _write(path: Path, rows, encoding: str) -> Path:
    with open(path, "w", encoding=encoding, newline="") as f:
        csv.writer(f).writerows(rows)
    return path


def test_cp1252_that_decodes_as_gb18030_is_not_read_silently(tmp_path):
    p = _write(tmp_path / "Tickets.csv", WEST, "cp1252")
    text = p.read_bytes().decode("gb18030")               # the trap: these bytes ARE valid GB18030 …
    assert "M黮ler" in text                                # … as rare hanzi: ü + l -> 黮 (GBK, not GB2312)
    before = p.read_bytes()
    with pytest.raises(InputError) as e:
        csvfile.read_csv(p)
    # ü+l, é+e, öß -> 3 non-ASCII characters: too few to tell (the ö+ß pair is even a common hanzi, 鲞)
    assert e.value.en == ("Tickets.csv: is not UTF-8, and read as GBK it does not look like Chinese text (only 3 "
                          "non-ASCII characters, too few to tell); give its encoding: --encoding gbk (Chinese "
                          "Excel), --encoding cp1252 (Western Windows), or save it from Excel as 'CSV UTF-8'")
    assert e.value.zh.startswith("Tickets.csv：不是 UTF-8，按 GBK 读出的内容也不像中文（只有 3 个非 ASCII 字符")
    assert p.read_bytes() == before
    c = csvfile.read_csv(p, "cp1252")
    assert c.encoding == "CP1252 (--encoding)"
    assert c.rows.values.tolist() == WEST[1:]


def test_longer_cp1252_text_is_judged_by_its_rare_hanzi(tmp_path):
    rows = WEST + [[f"T{i}", "2026-10-09 09:00", "Jürgen Müller"] for i in range(5, 9)]
    p = _write(tmp_path / "Tickets.csv", rows, "cp1252")
    with pytest.raises(InputError) as e:
        csvfile.read_csv(p)
    # 3 + 4 x 2 = 11 non-ASCII characters; only öß (鲞) is GB2312: 10 of 11 are GBK-extension hanzi (> 10%)
    assert "(10 of its 11 non-ASCII characters would be rare hanzi)" in e.value.en
    assert "11 个非 ASCII 字符中有 10 个会是生僻字" in e.value.zh


def test_cp1252_with_a_euro_sign_names_the_line_and_suggests_cp1252(tmp_path):
    p = _write(tmp_path / "Tickets.csv", WEST_EURO, "cp1252")
    with pytest.raises(InputError) as e:
        csvfile.read_csv(p)
    # UTF-8 fails on line 2 (ü), GB18030 only on line 5 (€ = 0x80): the encoding that reads furthest is named
    assert e.value.en.startswith("Tickets.csv: line 5 holds bytes that are neither UTF-8 nor GBK/GB18030 (the "
                                 "file reads as GBK/GB18030 up to there)")
    assert e.value.en.endswith("or give its encoding, e.g. --encoding cp1252 for a Western-European Windows export")
    c = csvfile.read_csv(p, "cp1252")
    assert c.rows.values.tolist() == WEST_EURO[1:]


def test_utf8_with_accents_and_euro_is_utf8(tmp_path):
    c = csvfile.read_csv(_write(tmp_path / "t.csv", WEST_EURO, "utf-8"))
    assert c.encoding == "UTF-8" and c.rows.values.tolist() == WEST_EURO[1:]


def test_gbk_chinese_is_gbk(tmp_path):
    c = csvfile.read_csv(_write(tmp_path / "t.csv", CHINESE, "gbk"))
    assert c.encoding == "GBK" and c.header == CHINESE[0] and c.rows.values.tolist() == CHINESE[1:]
    ok, n, rare = csvfile.plausibly_chinese("工单编号,受理时间,客户（北京），李四")
    # 工单编号 (4) 受理时间 (4) 客户 (2) （北京） (4) ， (1) 李四 (2) = 17 non-ASCII characters (the ASCII commas
    # do not count), all GB2312: none rare
    assert (ok, n, rare) == (True, 17, 0)
    assert csvfile.plausibly_chinese("张三") == (False, 2, 0)            # too few to tell
    assert csvfile.plausibly_chinese("M黮ler Ren閑 Gr鲞e") == (False, 3, 2)


def test_a_short_ambiguous_file_asks_and_the_option_decides(tmp_path):
    # "Größe" in cp1252 = 47 72 F6 DF 65; F6 DF is the GB2312 hanzi 鲞: as GBK it reads "Gr鲞e", a plausible
    # character, but one character cannot tell Chinese from Western text: ask
    p = tmp_path / "Tickets.csv"
    p.write_bytes("ticket_id,customer\nT1,Größe\n".encode("cp1252"))
    with pytest.raises(InputError, match="too few to tell"):
        csvfile.read_csv(p)
    assert csvfile.read_csv(p, "cp1252").rows.iloc[0, 1] == "Größe"
    assert csvfile.read_csv(p, "gbk").rows.iloc[0, 1] == "Gr鲞e"      # the user's word is final
    assert csvfile.read_csv(p, "GBK").encoding == "GBK (--encoding)"


def test_wrong_or_unknown_encoding_option_is_one_line(tmp_path):
    p = _write(tmp_path / "Tickets.csv", CHINESE, "utf-8")
    with pytest.raises(InputError) as e:
        csvfile.read_csv(p, "klingon")
    assert e.value.en.startswith("--encoding klingon: not an encoding this program knows")
    assert e.value.zh.startswith("--encoding klingon：无法识别的编码")
    with pytest.raises(InputError) as e:
        csvfile.read_csv(p, "ascii")
    assert e.value.en.startswith("Tickets.csv: line 1 holds bytes that are not ASCII (--encoding ascii)")
    book = tmp_path / "b.xlsx"
    book.write_bytes(b"PK")
    with pytest.raises(InputError, match="--encoding is for CSV files"):
        read_inputs([book], encoding="gbk")


@pytest.mark.needs_subprocess
def test_cli_encoding_option_reaches_the_audit_sheet_and_errors_follow_lang(tmp_path):
    import openpyxl
    p = _write(tmp_path / "Tickets.csv", WEST, "cp1252")
    run = cli("report", str(p), "--as-of", AS_OF, "--period", "2026-10", "--lang", "zh")
    assert run.returncode == 2
    assert run.stderr.strip().startswith("servicepledge: Tickets.csv：不是 UTF-8，按 GBK 读出的内容也不像中文")
    run = cli("report", str(p), "--as-of", AS_OF, "--period", "2026-10", "--lang", "en")
    assert run.returncode == 2
    assert run.stderr.strip().startswith("servicepledge: Tickets.csv: is not UTF-8, and read as GBK it does not")
    out = tmp_path / "r.xlsx"
    run = cli("report", str(p), "--as-of", AS_OF, "--period", "2026-10", "--lang", "en", "--encoding", "cp1252",
              "-o", str(out))
    assert run.returncode == 0, run.stderr
    cells = [str(c.value) for s in openpyxl.load_workbook(out).worksheets for row in s.iter_rows() for c in row
             if c.value is not None]
    assert "Tickets · 3 rows · encoding CP1252 (--encoding) · delimiter comma" in cells


# --------------------------------------------- CSV / mapping / preset / sources errors in the reader's language
@pytest.mark.needs_subprocess
@pytest.mark.parametrize("case, zh, en", [
    ("preset", "没有名为“remedy”的预设；请使用 servicenow、jira、zendesk、freshdesk 之一（或用 --map FILE.toml "
               "写出导出文件的列映射）",
     "there is no preset 'remedy'; use one of servicenow, jira, zendesk, freshdesk (or describe your export's "
     "columns with --map FILE.toml)"),
    ("map", "map.toml：映射到 服务工单 ticket_id 的列“Ticket Number”不在 Tickets.csv 中；该文件的列：工单编号, 受理时间, 客户",
     "map.toml: column 'Ticket Number' (mapped to Tickets ticket_id) is not in Tickets.csv; the file's columns are: "
     "工单编号, 受理时间, 客户"),
    ("table", "--table 只能指定单个 CSV 文件的表；现在给了 2 个文件（请改为按表名命名各文件）",
     "--table names the table of one CSV file; 2 files were given (name each file after its table instead)"),
])
def test_input_errors_follow_lang(tmp_path, case, zh, en):
    t = _write(tmp_path / "Tickets.csv", CHINESE, "utf-8")
    extra = {"preset": ["--preset", "remedy"], "table": [str(t), "--table", "Tickets"]}.get(case, [])
    if case == "map":
        (tmp_path / "map.toml").write_text('[Tickets.columns]\nticket_id = "Ticket Number"\n', encoding="utf-8")
        extra = ["--map", str(tmp_path / "map.toml")]
    if case == "table":
        _write(tmp_path / "Complaints.csv", [["投诉编号", "收到时间"], ["C1", "2026-10-05 09:00"]], "utf-8")
        extra = [str(tmp_path / "Complaints.csv"), "--table", "Tickets"]
    for lang, want in (("zh", zh), ("en", en)):
        run = cli("report", str(t), *extra, "--as-of", AS_OF, "--lang", lang)
        assert run.returncode == 2, run.stdout
        assert run.stderr.strip() == f"servicepledge: {want}"
