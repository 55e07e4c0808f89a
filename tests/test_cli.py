"""The command line on the bundled sample: JSON document, report workbook, readable errors."""
import datetime as dt
import hashlib
import json
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "samples" / "servicepledge-sample.xlsx"
AS_OF = "2026-10-31 18:00"
pytestmark = pytest.mark.needs_subprocess     # every test runs `python -m servicepledge.cli`


def run(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "servicepledge.cli", *args], capture_output=True, text=True,
                          cwd=cwd, timeout=300)


@pytest.fixture(scope="module")
def doc():
    p = run("report", "--json", "--as-of", AS_OF)
    assert p.returncode == 0, p.stderr
    return json.loads(p.stdout)


def test_json_document_has_every_section(doc):
    assert set(doc) >= {"period", "as_of", "terms", "response", "initial_solution", "complaints", "turnover",
                        "fund", "breaches", "followup", "data_issues"}
    assert doc["period"] == "2026-10" and doc["as_of"] == "2026-10-31 18:00:00"
    assert set(doc["complaints"]) == {"accept", "progress", "final"}
    for k in ("total", "met", "breached", "pending", "compliance", "median_hours", "p90_hours"):
        assert k in doc["response"]
    for k in ("minor", "major", "open", "overdue", "fee_reduction_total", "compensation_total", "items"):
        assert k in doc["breaches"]
    assert {i["severity"] for i in doc["breaches"]["items"]} == {"minor", "major"}
    assert doc["turnover"]["exceeded"] is True


def _rows(ws):
    it = ws.iter_rows(values_only=True)
    head = next(it)
    return [dict(zip(head, r)) for r in it if any(v is not None for v in r)]


def test_sample_figures_match_an_independent_count(doc):
    """Response figures and fund YTD recomputed with plain Python from the cells."""
    wb = openpyxl.load_workbook(SAMPLE, read_only=True)
    terms = {r["参数"]: r["值"] for r in _rows(wb["承诺参数"])}
    as_of = dt.datetime(2026, 10, 31, 18)
    met = breached = pending = 0
    for r in _rows(wb["服务工单"]):
        o = r["受理时间"]
        if not (dt.datetime(2026, 10, 1) <= o < dt.datetime(2026, 11, 1)):
            continue
        p = str(r["优先级"] or "")
        p1 = p in ("P1", "1", "紧急") or p.startswith("1 ")
        target = float(terms["response_hours_P1"] if p1 else terms["response_hours"])
        b = r["首次响应时间"]
        hours = ((b or as_of) - o).total_seconds() / 3600
        if b is not None and hours <= target:
            met += 1
        elif hours > target:
            breached += 1
        else:
            pending += 1
    x = doc["response"]
    assert (x["met"], x["breached"], x["pending"]) == (met, breached, pending)
    ytd = {}
    for r in _rows(wb["基金台账"]):
        d = r["日期"]
        if dt.datetime(2026, 1, 1) <= d < dt.datetime(2026, 11, 1):
            ytd[r["类别"]] = ytd.get(r["类别"], 0) + r["金额"]
    got = {c["category"]: c["spent_ytd"] for c in doc["fund"]["categories"]}
    assert got == pytest.approx(ytd)


def test_report_workbook_and_input_untouched(tmp_path):
    before = hashlib.sha256(SAMPLE.read_bytes()).hexdigest()
    out = tmp_path / "r.xlsx"
    p = run("report", str(SAMPLE), "--as-of", AS_OF, "-o", str(out))
    assert p.returncode == 0, p.stderr
    assert "报告已写入" in p.stdout and "首次响应达标率" in p.stdout     # the sample's Terms say lang zh
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["KPI仪表板", "违约登记", "基金公示", "人员与流失率", "数据问题", "审计信息"]
    audit = {r[0]: r[1] for r in wb["审计信息"].iter_rows(values_only=True) if r[0]}
    assert audit["SHA-256"] == before
    assert hashlib.sha256(SAMPLE.read_bytes()).hexdigest() == before
    # a second run does not replace the first report without --force
    p2 = run("report", str(SAMPLE), "--as-of", AS_OF, "-o", str(out))
    assert p2.returncode == 0 and (tmp_path / "r (2).xlsx").exists()
    en = tmp_path / "en.xlsx"
    assert run("report", "--as-of", AS_OF, "--lang", "en", "-o", str(en)).returncode == 0
    assert openpyxl.load_workbook(en).sheetnames[0] == "Dashboard"


@pytest.mark.parametrize("content,message", [
    (b"", "is empty"),
    (b"ticket_id,opened_at\nA,2026-10-01\n", "not an Excel .xlsx workbook (it looks like text or CSV)"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "password-protected"),
    (b"PK\x03\x04garbage", "damaged"),
])
def test_bad_files_give_one_line(tmp_path, content, message):
    f = tmp_path / "bad.xlsx"
    f.write_bytes(content)
    p = run("report", str(f), "--json", "--lang", "en")
    assert p.returncode == 2 and message in p.stderr
    assert p.stderr.count("\n") == 1 and "Traceback" not in p.stderr


def test_bad_arguments_give_one_line():
    p = run("report", "--period", "October", "--json")
    assert p.returncode == 2 and "2026-Q3" in p.stderr and "Traceback" not in p.stderr
    p = run("report", str(ROOT / "nope.xlsx"), "--lang", "en")
    assert p.returncode == 2 and "file not found" in p.stderr
