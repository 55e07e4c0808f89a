"""Proofs for the Pyodide lane (xlwings Lite's runtime); every test here runs in both lanes.

- The SP_ functions with business-hours terms (China's holidays and make-up working days), called
  through xlwings' own `custom_functions_call`, give hand-computed figures.
- The sample report and the business-hours SP_ results equal CPython's, figure for figure
  (scripts/pyodide-lane.sh computes them with CPython first and names the file in
  SP_CPYTHON_REFERENCE).
- Files written atomically are readable by their owner whatever the runtime reports as umask.
"""
from __future__ import annotations

import datetime as dt
import json
import math
import os

import pytest

from excel_helpers import date_system  # noqa: F401 (pytest fixture)
from excel_helpers import call, serial, server_mode

server_mode()
from servicepledge.outputs import atomic  # noqa: E402
from servicepledge.excel import functions as F  # noqa: E402

BUSINESS = [["参数", "值"], ["time_basis", "business"], ["day_basis", "working"], ["holidays", "CN"]]
AS_OF = "2026-10-19 10:00"
# Working hours 09:00-18:00, no break. 2026: Oct 1-7 National Day holidays, Sat Oct 10 a make-up
# working day, Sun Oct 11 off.
TICKETS = [  # opened, first response
    (dt.datetime(2026, 10, 9, 17, 30), dt.datetime(2026, 10, 10, 9, 45)),   # Fri 0.5 h + make-up Sat 0.75 h = 1.25 h
    (dt.datetime(2026, 10, 7, 20, 0), dt.datetime(2026, 10, 8, 10, 0)),     # holiday 0 + Thu 09:00-10:00 = 1.0 h
    (dt.datetime(2026, 10, 10, 17, 0), dt.datetime(2026, 10, 12, 10, 30)),  # Sat 1 h + Sun 0 + Mon 1.5 h = 2.5 h
    (dt.datetime(2026, 10, 16, 17, 30), None),                               # open: Fri 0.5 h + Mon 1 h by as_of
]
COMPLAINTS = [  # received, accepted, progress feedback, final reply
    (dt.datetime(2026, 10, 9, 17, 0), dt.datetime(2026, 10, 10, 9, 30),     # accept 1 + 0.5 = 1.5 h
     dt.datetime(2026, 10, 12, 12, 0),                                       # progress 1 + 9 + 3 = 13 h
     dt.datetime(2026, 10, 16, 17, 0)),                                      # final 1 + 9 + 4*9 + 8 = 54 h
    (dt.datetime(2026, 10, 16, 16, 0), dt.datetime(2026, 10, 19, 10, 0),    # accept Fri 2 h + Mon 1 h = 3 h
     None, None),                                                            # progress, final: 3 h so far
]


def cell(v):
    return "" if v is None else serial(v)


def tickets_arg():
    # 复杂问题 and 初步方案时间 present but empty: no complex ticket (a missing column would be "cannot compute")
    return [["工单编号", "受理时间", "首次响应时间", "复杂问题", "初步方案时间"]] + [
        [f"T{i + 1}", cell(a), cell(b), "", ""] for i, (a, b) in enumerate(TICKETS)]


def complaints_arg():
    return [["投诉编号", "投诉时间", "受理时间", "进展反馈时间", "最终答复时间"]] + [
        [f"C{i + 1}", *(cell(v) for v in row)] for i, row in enumerate(COMPLAINTS)]


def test_sp_hours_business_time_with_cn_holidays():
    start = [[cell(a)] for a, _ in TICKETS]
    end = [[cell(b)] for _, b in TICKETS]
    assert call(F, "SP_HOURS", start, end, BUSINESS) == [[1.25], [1.0], [2.5], [""]]
    # calendar time of the same pairs: 16.25 h, 14 h, 41.5 h
    assert call(F, "SP_HOURS", start, end, None) == [[16.25], [14.0], [41.5], [""]]


def test_sp_sla_status_business_time():
    start = [[cell(a)] for a, _ in TICKETS]
    end = [[cell(b)] for _, b in TICKETS]
    got = call(F, "SP_SLA_STATUS", start, end, [[2]] * 4, AS_OF, BUSINESS)
    # 1.25 <= 2, 1.0 <= 2, 2.5 > 2, open for 1.5 h of a 2 h target
    assert [r[0] for r in got] == ["Met", "Met", "Breached", "Pending"]
    cal = call(F, "SP_SLA_STATUS", start, end, [[2]] * 4, AS_OF, None)
    assert [r[0] for r in cal] == ["Breached"] * 4          # 16.25, 14, 41.5, 64.5 calendar hours


def test_sp_compliance_business_time():
    # met 2, breached 1 (pending does not count): 2 / 3
    got = call(F, "SP_COMPLIANCE", tickets_arg(), "2026-10", "response", AS_OF, BUSINESS)
    assert got[0][0] == pytest.approx(2 / 3)
    assert call(F, "SP_COMPLIANCE", tickets_arg(), "2026-10", "response", AS_OF, None) == [[0.0]]


def test_sp_complaints_business_time():
    got = call(F, "SP_COMPLAINTS", complaints_arg(), "2026-10", AS_OF, BUSINESS)
    # total, met, breached, pending, compliance per stage
    assert [r[1:6] for r in got[1:]] == [[2, 1, 1, 0, 0.5],       # accept: 1.5 h met, 3 h > 2 breached
                                         [2, 1, 0, 1, 1.0],       # progress: 13 h met; 3 h of 24 pending
                                         [2, 1, 0, 1, 1.0]]       # final: 54 h met; 3 h of 72 pending


def test_sp_kpis_business_time():
    empty = [["工号", "姓名", "岗位", "入职日期", "离职日期"]], [["凭证号", "日期", "类别", "金额"]], \
        [["年度", "类别", "预算金额"]], [["通知编号", "关联编号", "书面通知日期", "违约等级"]]   # header rows only
    got = call(F, "SP_KPIS", tickets_arg(), complaints_arg(), *empty, "2026-10", AS_OF, BUSINESS)
    # response 2/3 (target 100%: not met), initial solution: no complex ticket, complaints 0.5, 1.0, 1.0
    assert [r[0] for r in got[1:6]] == ["首次响应 达标率", "复杂问题初步方案 达标率", "投诉受理 达标率",
                                        "投诉进展反馈 达标率", "投诉最终答复 达标率"]
    assert [r[1] for r in got[1:6]] == [pytest.approx(2 / 3), "", 0.5, 1.0, 1.0]
    assert [r[3] for r in got[1:6]] == ["未达标", "无数据", "未达标", "达标", "达标"]


def close(a, b, where="") -> None:
    """Equal JSON trees; floats to 1e-9 relative (last-bit differences between numpy builds)."""
    if isinstance(a, float) or isinstance(b, float):
        assert isinstance(a, (int, float)) and isinstance(b, (int, float)), (where, a, b)
        assert math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12), (where, a, b)
    elif isinstance(a, dict):
        assert isinstance(b, dict) and sorted(a) == sorted(b), (where, sorted(a), sorted(b) if isinstance(b, dict) else b)
        for k in a:
            close(a[k], b[k], f"{where}.{k}")
    elif isinstance(a, list):
        assert isinstance(b, list) and len(a) == len(b), (where, a, b)
        for i, (x, y) in enumerate(zip(a, b)):
            close(x, y, f"{where}[{i}]")
    else:
        assert a == b, (where, a, b)


def test_figures_equal_cpython():
    """The sample report and the business-hours SP_ results, here, equal CPython's."""
    ref = os.environ.get("SP_CPYTHON_REFERENCE")
    if not ref:
        pytest.skip("compares this runtime with CPython: scripts/pyodide-lane.sh sets SP_CPYTHON_REFERENCE")
    from lane_figures import figures
    want = json.loads(open(ref, encoding="utf-8").read())
    got = figures()
    assert got["SP_COMPLIANCE"][0][0][0] > 0.5 and len(got["SP_HOURS"]) > 3000     # real figures, not errors
    assert not [r for r in got["SP_HOURS"] if isinstance(r[0], str) and r[0].startswith("#SP!")]
    close(got, want)


def test_atomic_write_is_readable_whatever_the_umask(tmp_path, monkeypatch):
    out = atomic.write_atomic(tmp_path / "r.xlsx", lambda p: open(p, "wb").write(b"x"))
    assert out.read_bytes() == b"x"
    assert os.stat(out).st_mode & 0o600 == 0o600               # owner can read and write it
    # Emscripten (Pyodide, xlwings Lite) reports umask 0o777: 0o666 & ~0o777 would be mode 000
    monkeypatch.setattr(os, "umask", lambda m: 0o777)
    assert atomic.new_file_mode() == 0o644
    monkeypatch.setattr(os, "umask", lambda m: 0o027)
    assert atomic.new_file_mode() == 0o640                         # 0o666 & ~0o027


@pytest.mark.needs_subprocess
def test_sp_functions_start_without_openpyxl():
    """Start-up in Lite: the SP_ functions read Excel's arrays, so importing them must not load
    openpyxl (only the report and template writers need it)."""
    import subprocess
    import sys
    code = "import sys, servicepledge.excel.functions; assert 'openpyxl' not in sys.modules, 'openpyxl imported'"
    env = {**os.environ, "XLWINGS_LICENSE_KEY": "noncommercial", "XLWINGS_ON_SERVER": "true"}
    subprocess.run([sys.executable, "-c", code], check=True, env=env)
