"""Issue 13 items 1–2: the language follows the user.

One setting (`--lang`, else the Terms `lang`, else the system locale, else zh) decides the console summary,
progress, errors, `--help`, the data-issue texts and the sheets; a zh report has no English word except
codes, proper names and units.
"""
import datetime as dt
import os
import re
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

from helpers import write_book
from servicepledge.core import language
from servicepledge.core.language import Bilingual, choose, flag_in, from_environment, from_locale_name
from servicepledge.core.terms import TermsError, parse_terms

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "samples" / "servicepledge-sample.xlsx"
AS_OF = "2026-10-31 18:00"
HAN = re.compile(r"[\u4e00-\u9fff]")


# ---------------------------------------------------------------- the rule, without a subprocess
@pytest.mark.parametrize("name,lang", [
    ("zh_CN.UTF-8", "zh"), ("zh_TW", "zh"), ("zh_HK.Big5@stroke", "zh"), ("Chinese (Simplified)_China.936", "zh"),
    ("en_US.UTF-8", "en"), ("de_DE", "en"), ("English_United States.1252", "en"),
    ("C", None), ("C.UTF-8", None), ("POSIX", None), ("", None), (None, None),
])
def test_locale_names(name, lang):
    assert from_locale_name(name) == lang


def test_posix_precedence_first_set_variable_decides():
    assert from_environment({"LC_ALL": "en_US.UTF-8", "LANG": "zh_CN.UTF-8"}) == "en"
    assert from_environment({"LC_MESSAGES": "zh_CN.UTF-8", "LANG": "en_US.UTF-8"}) == "zh"
    assert from_environment({"LANG": "zh_CN.UTF-8"}) == "zh"
    assert from_environment({"LANG": "C.UTF-8"}) is None          # the neutral locale says nothing …
    assert from_environment({}) is None                            # … nor does Pyodide's empty environment


def test_flag_then_terms_then_locale_then_zh():
    zh_env, en_env, c_env = {"LANG": "zh_CN.UTF-8"}, {"LANG": "en_US.UTF-8"}, {"LANG": "C.UTF-8"}
    said_en = parse_terms({"lang": "en"})
    unsaid = parse_terms({"response_hours": 2})                     # lang not given: its default zh is no choice
    assert choose("en", parse_terms({"lang": "zh"}), zh_env) == "en"   # the flag wins
    assert choose(None, said_en, zh_env) == "en"                       # then the Terms the user filled in
    assert choose(None, unsaid, en_env) == "en"                        # then the locale
    assert choose(None, unsaid, zh_env) == "zh"
    assert choose(None, unsaid, c_env) == "zh" and choose(None, None, {}) == language.DEFAULT == "zh"


def test_flag_is_read_before_argparse():
    assert flag_in(["report", "x.xlsx", "--lang", "en", "--help"]) == "en"
    assert flag_in(["--lang=zh", "-h"]) == "zh"
    assert flag_in(["report", "--lang", "fr"]) is None and flag_in(["report", "--", "--lang", "en"]) is None


def test_a_bilingual_error_says_one_language_when_the_reader_is_known():
    with pytest.raises(TermsError) as e:
        parse_terms({"turnover_threshold": "150%"})
    assert isinstance(e.value, Bilingual)
    assert e.value.say("zh") == "承诺参数“turnover_threshold”：必须是 0 到 1 之间的比例（或 0%–100%），填写的是“150%”"
    assert e.value.say("en") == "Terms 'turnover_threshold': must be a share between 0 and 1 (or 0%–100%), got '150%'"
    assert str(e.value) == f"{e.value.say('zh')} / {e.value.say('en')}"    # reader unknown (a log): both


# ---------------------------------------------------------------- the command line, as a user runs it
def _env(lang_var: str | None) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("LC_ALL", "LC_MESSAGES", "LANG", "LANGUAGE")}
    if lang_var:
        env["LANG"] = lang_var
    return env


def run(*args, locale: str | None = "C.UTF-8", cwd=None):
    if sys.platform == "emscripten":
        pytest.skip("Pyodide: starts a subprocess; Pyodide (xlwings Lite) has none")
    return subprocess.run([sys.executable, "-m", "servicepledge.cli", *args], capture_output=True, text=True,
                          encoding="utf-8", env=_env(locale), cwd=cwd, timeout=300)


def _book(path: Path, *, terms_lang: str | None = None, chinese: bool = True) -> Path:
    """Two tickets, the second with a response time nobody can read ("明天") -> one data issue; no Terms lang
    unless given (so the locale decides)."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "服务工单" if chinese else "Tickets"
    ws.append(["工单编号", "受理时间", "首次响应时间"] if chinese else ["ticket_id", "opened_at", "first_response_at"])
    ws.append(["T1", dt.datetime(2026, 10, 5, 9), dt.datetime(2026, 10, 5, 10)])
    ws.append(["T2", dt.datetime(2026, 10, 6, 9), "明天"])
    if terms_lang:
        t = wb.create_sheet("承诺参数")
        t.append(["参数", "值"])
        t.append(["lang", terms_lang])
    wb.save(path)
    return path


def _issues_sheet(path: Path) -> tuple[str, list]:
    wb = openpyxl.load_workbook(path)
    ws = wb[wb.sheetnames[4]]
    rows = [r for r in ws.iter_rows(values_only=True) if any(v is not None for v in r)]
    return ws.title, rows


ZH_PROBLEM = "不是日期时间（请写成 2026-10-05 14:30、日期单元格，或 1900 至 9999 年之间的 Excel 序列号）"
EN_PROBLEM = "not a date/time (use 2026-10-05 14:30, a date cell or an Excel serial number between 1900 and 9999)"


@pytest.mark.parametrize("how", ["flag", "locale"])
def test_chinese_console_data_issue_and_sheets(tmp_path, how):
    book = _book(tmp_path / "台账.xlsx")
    out = tmp_path / "月报.xlsx"
    args = ("report", str(book), "--as-of", AS_OF, "-o", str(out))
    p = run(*args, "--lang", "zh", locale="en_US.UTF-8") if how == "flag" else run(*args, locale="zh_CN.UTF-8")
    assert p.returncode == 0, p.stderr
    lines = p.stdout.splitlines()
    assert lines[0] == "servicepledge " + lines[0].split()[1] + " · 期间 2026-10 · 截至 2026-10-31 18:00:00"
    # T1 met in 1 h; T2's response cell is unreadable: left out, so 1 of 1 counted -> 100.0%
    assert [x.split(None, 1) for x in lines if x.strip().startswith("首次响应达标率")] == [
        ["首次响应达标率", "100.0%（达标 1，超时 0，未完成 0，临近超时 0）"]]
    assert [x.split() for x in lines if x.strip().startswith("数据问题")] == [["数据问题", "1"]]
    assert lines[-1] == f"报告已写入 {out}"
    assert not any(w in p.stdout for w in ("response compliance", "Report written", "warning:"))
    title, rows = _issues_sheet(out)
    assert title == "数据问题"
    assert ("服务工单", 3, "首次响应时间", ZH_PROBLEM) in rows      # the table and column as the workbook names them


@pytest.mark.parametrize("how", ["flag", "locale"])
def test_english_console_data_issue_and_sheets(tmp_path, how):
    book = _book(tmp_path / "book.xlsx", chinese=False)
    out = tmp_path / "report.xlsx"
    args = ("report", str(book), "--as-of", AS_OF, "-o", str(out))
    p = run(*args, "--lang", "en", locale="zh_CN.UTF-8") if how == "flag" else run(*args, locale="en_US.UTF-8")
    assert p.returncode == 0, p.stderr
    lines = p.stdout.splitlines()
    assert [x.split(None, 1) for x in lines if x.strip().startswith("response compliance")] == [
        ["response", "compliance               100.0% (1 met, 0 breached, 0 pending, 0 at risk)"]]
    assert [x.split() for x in lines if x.strip().startswith("data issues")] == [["data", "issues", "1"]]
    assert lines[-1] == f"Report written to {out}" and not HAN.search(p.stdout.replace(str(out), ""))
    title, rows = _issues_sheet(out)
    assert title == "Data issues"
    assert ("Tickets", 3, "first_response_at", EN_PROBLEM) in rows


def test_terms_lang_beats_the_locale_and_the_flag_beats_both(tmp_path):
    book = _book(tmp_path / "台账.xlsx", terms_lang="en")
    p = run("report", str(book), "--as-of", AS_OF, "--json", locale="zh_CN.UTF-8")
    assert p.returncode == 0 and '"problem": "not a date/time' in p.stdout
    p = run("report", str(book), "--as-of", AS_OF, "--json", "--lang", "zh", locale="zh_CN.UTF-8")
    assert p.returncode == 0 and f'"problem": "{ZH_PROBLEM}"' in p.stdout


def test_nothing_said_means_chinese(tmp_path):
    p = run("report", str(_book(tmp_path / "b.xlsx", chinese=False)), "--as-of", AS_OF, "--json", locale="C.UTF-8")
    assert p.returncode == 0 and f'"problem": "{ZH_PROBLEM}"' in p.stdout


def _missing_column_book(path: Path) -> Path:
    return write_book(path, {"服务工单": [["工单编号", "客户"], ["T1", "张三"]]})


def test_an_error_in_one_language(tmp_path):
    book = _missing_column_book(tmp_path / "缺列.xlsx")
    zh = run("report", str(book), "--json", locale="zh_CN.UTF-8")
    assert zh.returncode == 2 and zh.stdout == ""
    assert zh.stderr == ("servicepledge: 服务工单（Tickets）（缺列.xlsx, 工作表 服务工单）：缺少列 "
                         "“受理时间/报修时间”（opened_at）。找到的表头：工单编号、客户\n")
    en = run("report", str(book), "--json", "--lang", "en", locale="zh_CN.UTF-8")
    assert en.returncode == 2
    assert en.stderr == ("servicepledge: Tickets (服务工单) in 缺列.xlsx, sheet 服务工单: missing column 'opened_at' "
                         "(受理时间/报修时间). Headers found: 工单编号, 客户\n")
    nf = run("report", str(tmp_path / "nope.xlsx"), locale="zh_CN.UTF-8")
    assert nf.returncode == 2 and nf.stderr == f"servicepledge: {tmp_path / 'nope.xlsx'}：找不到该文件\n"


def test_help_in_the_users_language():
    zh = run("report", "--help", locale="zh_CN.UTF-8")
    assert zh.returncode == 0 and zh.stdout.startswith("用法：servicepledge report")
    for words in ("显示本帮助并退出", "报告期间", "替换已存在的输出文件", "选项"):
        assert words in zh.stdout
    assert not re.search(r"\b(show|the|replace|options|default)\b", zh.stdout)
    top = run("--help", locale="C.UTF-8")          # nothing said: Chinese, the subcommands too
    assert "计算服务台账工作簿的报告" in top.stdout and "为团队启动 xlwings Server" in top.stdout
    en = run("report", "--help", "--lang", "en", locale="zh_CN.UTF-8")
    assert en.returncode == 0 and en.stdout.startswith("usage: servicepledge report")
    assert "show this help message and exit" in en.stdout and "replace an existing output file" in en.stdout
    assert not HAN.search(en.stdout)


# ---------------------------------------------------------------- no English word on a zh report sheet
# What may stay Latin on a Chinese report, each for a reason a reader accepts:
ALLOWED_WORDS = {
    "SHA",                                   # SHA-256, the name of the checksum
    "Excel",                                 # a proper name ("Excel 序列号" in a data-issue text)
    "CN", "none", "calendar", "business", "working", "zh", "en", "Mon", "Fri",   # Terms values as typed (codes)
    "initial", "solution", "final",          # pause_metrics' value initial_solution,final (metric codes)
}
ID = re.compile(r"^[A-Z]{1,4}-[\dA-Z-]+$")       # record ids as the user typed them: SR-2026-01862, BN-006, FV-…
HEX = re.compile(r"^[0-9a-f]{64}$")              # the input's SHA-256


@pytest.fixture(scope="module")
def zh_sample_report(tmp_path_factory):
    """The sample with two cells made unreadable (a response time and a fund amount), reported in zh."""
    d = tmp_path_factory.mktemp("zh")
    wb = openpyxl.load_workbook(SAMPLE)
    t = wb["服务工单"]
    head = [c.value for c in t[1]]
    t.cell(2, head.index("首次响应时间") + 1, "明天")
    f = wb["基金台账"]
    f.cell(2, [c.value for c in f[1]].index("金额") + 1, "一千")
    wb.save(d / "台账.xlsx")
    out = d / "月报.xlsx"
    p = run("report", str(d / "台账.xlsx"), "--as-of", AS_OF, "-o", str(out), locale="C.UTF-8")
    assert p.returncode == 0, p.stderr
    return out


def test_no_english_word_on_a_zh_report_sheet(zh_sample_report):
    wb = openpyxl.load_workbook(zh_sample_report)
    assert wb.sheetnames == ["KPI仪表板", "违约登记", "基金公示", "人员与流失率", "数据问题", "审计信息"]
    terms_keys = set(parse_terms().values)
    english, cells = [], 0
    for ws in wb:
        for row in ws.iter_rows():
            for c in row:
                v = c.value
                if not isinstance(v, str):
                    continue
                cells += 1
                if v in terms_keys or ID.match(v) or HEX.match(v) or v.endswith(".xlsx"):
                    continue            # a Terms key (the code the user types), an id, the checksum, the file
                for w in re.findall(r"[A-Za-z]{2,}", v):
                    if w not in ALLOWED_WORDS:
                        english.append((ws.title, c.coordinate, w, v[:60]))
    assert cells > 300
    assert english == []


def test_zh_data_issues_sheet_names_tables_and_problems_in_chinese(zh_sample_report):
    _, rows = _issues_sheet(zh_sample_report)
    body = [r[:4] for r in rows if isinstance(r[1], int)]
    assert ("服务工单", 2, "首次响应时间", ZH_PROBLEM) in body
    assert ("基金台账", 2, "金额", "不是数字") in body
    assert all(r[0] in ("服务工单", "基金台账") for r in body)


# ---------------------------------------------------------------- #SP! texts follow the terms argument
def test_sp_error_follows_the_terms_lang():
    from servicepledge.excel import functions as F
    staff = [["工号", "入职日期"], ["S1", 45000]]
    zh = F.SP_TURNOVER(staff, "2026-10", [["参数", "值"], ["turnover_threshold", "150%"]])
    en = F.SP_TURNOVER(staff, "2026-10", [["参数", "值"], ["lang", "en"], ["turnover_threshold", "150%"]])
    zh, en = (x if isinstance(x, str) else x[0][0] for x in (zh, en))
    assert zh == "#SP! 承诺参数“turnover_threshold”：必须是 0 到 1 之间的比例（或 0%–100%），填写的是“150%”"
    assert en == "#SP! Terms 'turnover_threshold': must be a share between 0 and 1 (or 0%–100%), got '150%'"
