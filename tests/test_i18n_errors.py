"""Issue 13: every error a user can provoke is said in the user's language.

Each bad input is made as a user would make it (a file saved wrongly, an option mistyped) and run through
the command line with `--lang zh` and with `--lang en`: the zh line holds no English word beyond proper names
(Excel, LibreOffice …), file names, option names, codes and column names; the en line holds no Chinese beyond
the Chinese names of the tables and columns (which a user's headers may be). Errors the command line cannot
reach (the PDF export without LibreOffice, Parquet without pyarrow, the SP_ functions) are checked in-process.
"""
import datetime as dt
import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import openpyxl
import pytest

from helpers import write_book
from servicepledge.inputs.schema import TABLES

HAN = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")

# Latin words a Chinese reader accepts: proper names, formats, units, codes
PROPER = {"Excel", "LibreOffice", "soffice", "Parquet", "CSV", "xlsx", "xls", "zip", "XML", "DOCTYPE", "UTF",
          "GiB", "MB", "inf", "nan", "pyarrow", "pip", "install", "servicepledge", "big", "billion", "laughs",
          "zh", "en", "xl", "workbook", "xml", "PDF", "PNG", "pdftoppm", "poppler", "utils", "apt", "get",
          "libreoffice", "calc", "nogui", "scripts", "render", "deps", "sh", "SERVICEPLEDGE", "SOFFICE", "All",
          "report", "disclosure", "template", "serve", "SP"}
NAMES = ({t.name for t in TABLES.values()} | {c.name for t in TABLES.values() for c in t.columns})
SP_ARGS = {"start", "end", "target_hours", "metric", "response", "initial_solution", "period", "max_rows",
           "terms", "contract", "kind"}          # the SP_ functions' argument names and codes, as typed in Excel
CJK_NAMES = ({t.zh for t in TABLES.values()} | {a for t in TABLES.values() for c in t.columns for a in c.aliases})


def english_words(line: str, *drop: str) -> list:
    """Latin words of a zh line that are not a path, an option, a quoted value, a name or a code."""
    for d in sorted(drop, key=len, reverse=True):
        line = line.replace(d, " ")
    line = re.sub(r"--[a-z-]+|'[^']*'|“[^”]*”|\{[^}]*\}|\S+\.(xlsx|parquet|csv|xml|rels|sh)\b|\b[A-Z_]{4,}\b",
                  " ", line)
    words = re.findall(r"[A-Za-z][A-Za-z_]+", line)
    return [w for w in words if w not in PROPER and w not in NAMES and w not in SP_ARGS]


def chinese_left(line: str, *drop: str) -> list:
    """CJK characters of an en line outside the paths given and the tables' and columns' Chinese names."""
    for d in sorted([*drop, *CJK_NAMES], key=len, reverse=True):
        line = line.replace(d, " ")
    return HAN.findall(re.sub(r"'[^']*'", " ", line))          # a value quoted as the user typed it


def run(*args, cwd=None, env=None):
    if sys.platform == "emscripten":
        pytest.skip("Pyodide: starts a subprocess; Pyodide (xlwings Lite) has none")
    e = {k: v for k, v in os.environ.items() if k not in ("LC_ALL", "LC_MESSAGES", "LANG", "LANGUAGE")}
    e.update(env or {}, LANG="C.UTF-8")
    return subprocess.run([sys.executable, "-m", "servicepledge.cli", *args], capture_output=True, text=True,
                          encoding="utf-8", env=e, cwd=cwd, timeout=300)


# ---------------------------------------------------------------- the bad inputs, as users make them
def _empty(d: Path) -> Path:
    (d / "empty.xlsx").write_bytes(b"")
    return d / "empty.xlsx"


def _old_xls(d: Path) -> Path:
    (d / "old.xlsx").write_bytes(bytes.fromhex("D0CF11E0A1B11AE1") + b"\0" * 600)
    return d / "old.xlsx"


def _csv_named_xlsx(d: Path) -> Path:
    (d / "export.xlsx").write_text("ticket_id,opened_at\nT1,2026-10-05\n", encoding="utf-8")
    return d / "export.xlsx"


def _zip_not_workbook(d: Path) -> Path:
    with zipfile.ZipFile(d / "photos.xlsx", "w") as z:
        z.writestr("a.txt", "hello")
    return d / "photos.xlsx"


def _truncated(d: Path) -> Path:
    wb = openpyxl.Workbook()
    wb.active.append(["ticket_id", "opened_at"])
    wb.save(d / "full.xlsx")
    data = (d / "full.xlsx").read_bytes()
    (d / "cut.xlsx").write_bytes(data[: len(data) // 2])      # a download that stopped half way
    return d / "cut.xlsx"


def _doctype(d: Path) -> Path:
    wb = openpyxl.Workbook()
    wb.active.title = "Tickets"
    wb.save(d / "base.xlsx")
    with zipfile.ZipFile(d / "base.xlsx") as src, zipfile.ZipFile(d / "evil.xlsx", "w") as z:
        for i in src.infolist():
            data = src.read(i.filename)
            if i.filename == "xl/workbook.xml":
                data = b'<!DOCTYPE x [<!ENTITY a "aaaa">]>' + data.split(b"?>", 1)[-1]
            z.writestr(i, data)
    return d / "evil.xlsx"


def _no_tables(d: Path) -> Path:
    return write_book(d / "other.xlsx", {"Sheet1": [["name", "amount"]]})


def _missing_column(d: Path) -> Path:
    return write_book(d / "tickets.xlsx", {"Tickets": [["ticket_id", "customer"], ["T1", "ACME"]]})


def _good(d: Path) -> Path:
    return write_book(d / "good.xlsx", {"Tickets": [["ticket_id", "opened_at"], ["T1", dt.datetime(2026, 10, 5, 9)]]})


def _not_parquet(d: Path) -> Path:
    (d / "tickets.parquet").write_text("ticket_id,opened_at\n", encoding="utf-8")
    return d / "tickets.parquet"


FILE_CASES = {
    "empty file": (_empty, ("空的", "empty")),
    "old .xls": (_old_xls, ("密码", "password")),
    "csv saved as .xlsx": (_csv_named_xlsx, ("CSV", "CSV")),
    "zip that is no workbook": (_zip_not_workbook, ("xl/workbook.xml", "xl/workbook.xml")),
    "truncated download": (_truncated, ("损坏", "damaged")),
    "DOCTYPE": (_doctype, ("DOCTYPE", "DOCTYPE")),
    "no input table": (_no_tables, ("未找到任何输入表", "no input table")),
    "missing column": (_missing_column, ("缺少列", "missing column")),
    "not parquet": (_not_parquet, ("不是 Parquet 文件", "is not a Parquet file")),
}
ARG_CASES = {   # (arguments after the file, the zh words, the en words)
    "unknown option": (("--bogus",), "无法识别的参数", "unrecognized arguments"),
    "option without its value": (("--period",), "后面需要一个值", "expected one argument"),
    "period nobody can read": (("--period", "2026-13"), "期间", "period"),
    "output folder missing": (("-o", "nosuchfolder/r.xlsx"), "文件夹", "folder"),
}


@pytest.mark.parametrize("case", list(FILE_CASES))
def test_a_bad_file_is_one_line_in_the_users_language(tmp_path, case):
    make, (zh_words, en_words) = FILE_CASES[case]
    path = make(tmp_path)
    zh = run("report", str(path), "--lang", "zh", "--json")
    en = run("report", str(path), "--lang", "en", "--json")
    for p in (zh, en):
        assert p.returncode == 2 and p.stdout == "" and len(p.stderr.splitlines()) == 1, p.stderr
    assert zh_words in zh.stderr and en_words in en.stderr, (zh.stderr, en.stderr)
    assert english_words(zh.stderr, str(tmp_path), "Sheet1") == [], zh.stderr     # Sheet1: the user's sheet
    assert chinese_left(en.stderr, str(tmp_path)) == [], en.stderr


@pytest.mark.parametrize("case", list(ARG_CASES))
def test_a_bad_argument_is_said_in_the_users_language(tmp_path, case):
    args, zh_words, en_words = ARG_CASES[case]
    good = _good(tmp_path)
    zh = run("report", str(good), "--lang", "zh", "--as-of", "2026-10-31 18:00", *args, cwd=tmp_path)
    en = run("report", str(good), "--lang", "en", "--as-of", "2026-10-31 18:00", *args, cwd=tmp_path)
    for p in (zh, en):
        assert p.returncode == 2 and p.stdout == "", p.stderr
    last_zh, last_en = zh.stderr.splitlines()[-1], en.stderr.splitlines()[-1]    # after argparse's usage line
    assert zh_words in last_zh and en_words in last_en, (last_zh, last_en)
    assert english_words(last_zh, str(tmp_path), "nosuchfolder") == [], last_zh
    assert chinese_left(last_en, str(tmp_path)) == [], last_en


def test_argparse_errors_exact_words():
    p = run("frob", "--lang", "zh")
    assert p.returncode == 2
    assert p.stderr.splitlines()[-1] == ("servicepledge：错误：参数 {report,disclosure,template,serve}：无效的取值 "
                                         "'frob'（可选：'report', 'disclosure', 'template', 'serve'）")
    p = run("report", "--lang", "fr")        # not a language: the locale (C) says nothing, so zh
    assert p.stderr.splitlines()[-1] == "servicepledge report：错误：参数 --lang：无效的取值 'fr'（可选：'zh', 'en'）"
    p = run("report", "--lang", "en", "--bogus")
    assert p.stderr.splitlines()[-1] == "servicepledge: error: unrecognized arguments: --bogus"
    p = run()
    assert p.stderr.splitlines()[-1] == "servicepledge：错误：缺少必需的参数：{report,disclosure,template,serve}"


def test_argparse_error_not_listed_stays_as_argparse_says_it():
    from servicepledge.cli_text import argparse_error
    assert argparse_error("something new: x", "zh") == "something new: x"
    assert argparse_error("unrecognized arguments: a b", "en") == "unrecognized arguments: a b"
    assert argparse_error("argument --as-of: expected one argument", "zh") == "参数 --as-of 后面需要一个值"


# ---------------------------------------------------------------- errors the command line cannot reach here
def test_pdf_without_libreoffice_is_said_in_both(tmp_path, monkeypatch):
    from servicepledge.inputs.tables import InputError
    from servicepledge.outputs import pdf
    book = _good(tmp_path)
    monkeypatch.setattr(pdf, "find_soffice", lambda: None)
    with pytest.raises(InputError) as e:
        pdf.export_pdf(book, lang="zh")
    assert e.value.say("zh").startswith("导出 PDF 需要 LibreOffice（soffice），但未找到；工作簿 ")
    assert e.value.say("en").startswith("PDF export needs LibreOffice (soffice), which was not found")
    assert english_words(e.value.say("zh"), str(book)) == [] and chinese_left(e.value.say("en"), str(book)) == []
    with pytest.raises(InputError) as e:
        pdf.export_pdf(tmp_path / "gone.xlsx")
    assert e.value.say("zh") == f"{tmp_path / 'gone.xlsx'}：没有可导出为 PDF 的工作簿"


def test_pdf_export_failure_is_said_in_both(tmp_path, monkeypatch):
    from servicepledge.inputs.tables import InputError
    from servicepledge.outputs import pdf
    book = _good(tmp_path)
    fake = tmp_path / "soffice"
    fake.write_text("#!/bin/sh\nexit 3\n")
    fake.chmod(0o755)
    if sys.platform == "emscripten":
        pytest.skip("Pyodide: no subprocess")
    monkeypatch.setattr(pdf, "find_soffice", lambda: str(fake))
    with pytest.raises(InputError) as e:
        pdf.export_pdf(book, lang="zh")
    assert e.value.say("zh") == f"{book}：LibreOffice 无法导出 PDF（退出码 3）"
    assert e.value.say("en") == f"{book}: LibreOffice could not export the PDF (exit code 3)"


ZH_TERMS = [["参数", "值"], ["lang", "zh"]]
EN_TERMS = [["参数", "值"], ["lang", "en"]]


def _sp(fn, *args):
    out = fn(*args)
    return out if isinstance(out, str) else out[0][0]


@pytest.mark.parametrize("call", ["sla_status_lengths", "hours_bad_date", "metric", "contract", "range",
                                  "max_rows", "terms_one_column", "end_before_start"])
def test_sp_errors_follow_the_terms_lang(call):
    from servicepledge.excel import functions as F
    tickets = [["工单编号", "受理时间", "首次响应时间"], ["T1", 46300.375, 46300.4]]   # 2026-10-05 09:00 / 09:36
    calls = {
        "sla_status_lengths": lambda tm: _sp(F.SP_SLA_STATUS, [[46300.0], [46301.0]], [[46300.5], [46301.5], [1]],
                                             4, None, tm),
        "hours_bad_date": lambda tm: _sp(F.SP_HOURS, "明天", 46300.5, tm),
        "metric": lambda tm: _sp(F.SP_COMPLIANCE, tickets, "2026-10", "speed", "2026-10-31", tm),
        "contract": lambda tm: _sp(F.SP_COMPLIANCE, tickets, "2026-10", None, "2026-10-31", tm, "C-9"),
        "range": lambda tm: _sp(F.SP_COMPLIANCE, tickets, [["2026-10", "2026-11"]], None, "2026-10-31", tm),
        "max_rows": lambda tm: _sp(F.SP_WARNINGS, tickets, None, None, None, None, None, "2026-10", "2026-10-31",
                                   tm, "lots"),
        "terms_one_column": lambda tm: _sp(F.SP_HOURS, 46300.0, 46300.5,
                                           [["lang"], [tm[1][1]]]),
        "end_before_start": lambda tm: _sp(F.SP_HOURS, 46300.5, 46300.0, tm),
    }
    zh, en = calls[call](ZH_TERMS), calls[call](EN_TERMS)
    assert zh.startswith("#SP! ") and en.startswith("#SP! "), (zh, en)
    assert HAN.search(zh), zh
    assert english_words(zh) == [], zh
    if call != "terms_one_column":          # one column: its lang cannot be read, so the default (zh) speaks
        assert chinese_left(en) == [], en
