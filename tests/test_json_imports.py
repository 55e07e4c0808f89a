"""`servicepledge report FILE --json` writes no workbook, so it does not import openpyxl (~0.05 s) when the
input is read by python-calamine / fastexcel; writing the report workbook still does."""
from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

import pytest

from helpers import write_book

pytest.importorskip("python_calamine", reason="python-calamine is not installed: openpyxl reads the input")
if sys.platform == "emscripten":
    pytest.skip("Pyodide: starts a subprocess; Pyodide (xlwings Lite) has none", allow_module_level=True)

SAMPLE = Path(__file__).resolve().parents[1] / "samples" / "servicepledge-sample.xlsx"


def imported(*args, cwd) -> tuple[subprocess.CompletedProcess, set[str]]:
    """Run the command line as a user does, under `python -X importtime`: (the run, the modules imported)."""
    p = subprocess.run([sys.executable, "-X", "importtime", "-m", "servicepledge.cli", *args],
                       capture_output=True, text=True, encoding="utf-8", cwd=cwd, timeout=300)
    mods = {line.rsplit("|", 1)[1].strip() for line in p.stderr.splitlines() if line.startswith("import time:")}
    return p, mods


def _openpyxl(mods: set[str]) -> list[str]:
    return sorted(m for m in mods if m == "openpyxl" or m.startswith("openpyxl."))


def _plain_book(path: Path) -> Path:
    # a sheet without an Excel Table, as a user types it: T1 10:00 -> 11:00 (1 h, Met), T2 09:00 -> 12:00 (3 h,
    # Breached against the default 2 h)
    return write_book(path, {"服务工单": [["工单编号", "受理时间", "首次响应时间"],
                                       ["T1", dt.datetime(2026, 10, 5, 10), dt.datetime(2026, 10, 5, 11)],
                                       ["T2", dt.datetime(2026, 10, 6, 9), dt.datetime(2026, 10, 6, 12)]]})


@pytest.mark.parametrize("book", ["sample", "plain"])
def test_report_json_does_not_import_openpyxl(tmp_path, book):
    path = SAMPLE if book == "sample" else _plain_book(tmp_path / "工单.xlsx")
    p, mods = imported("report", str(path), "--json", "--as-of", "2026-10-31 18:00", cwd=tmp_path)
    assert p.returncode == 0, p.stderr[-2000:]
    doc = json.loads(p.stdout)
    assert "python_calamine" in mods or "fastexcel" in mods          # the input was read without openpyxl
    assert _openpyxl(mods) == []
    if book == "plain":
        r = doc["response"]
        assert (r["met"], r["breached"], r["compliance"]) == (1, 1, 0.5)
    assert list(tmp_path.glob("*报告*.xlsx")) == [] and list(tmp_path.glob("*report*.xlsx")) == []


def test_writing_the_report_workbook_still_imports_openpyxl(tmp_path):
    out = tmp_path / "out.xlsx"
    p, mods = imported("report", str(_plain_book(tmp_path / "工单.xlsx")), "--as-of", "2026-10-31 18:00",
                       "-o", str(out), cwd=tmp_path)
    assert p.returncode == 0, p.stderr[-2000:]
    assert out.exists() and "openpyxl" in _openpyxl(mods)
