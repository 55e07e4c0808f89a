"""Start a servicepledge server on 127.0.0.1 in a subprocess and talk to it as the xlwings add-in does.

Used by tests/test_server_integration.py and benchmarks/bench_server.py. Loopback only; every wait
is bounded; the caller stops the process (`stop`).
"""
from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import xlwings as _xw

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))
from excel_helpers import AS_OF, PERIOD, as_arg, sample_grids  # noqa: E402

KPI_TABLES = ["Tickets", "Complaints", "Staff", "FundLedger", "FundBudget", "Notices"]


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def make_users(path: Path) -> dict:
    """A users file with a manager and a finance colleague; returns role -> token."""
    from servicepledge.server.tokens import add_user
    return {"manager": add_user(path, "wang", "王经理", ["manager"]),
            "finance": add_user(path, "li", "李会计", ["finance", "manager"])}


def start(env_extra: dict, workers: int = 1, app: str = "servicepledge.server.asgi:app",
          app_dir: str | None = None, timeout: float = 60.0):
    """uvicorn APP on a free loopback port; returns (process, base_url) once it answers."""
    port = free_port()
    env = dict(os.environ)
    env.setdefault("XLWINGS_LICENSE_KEY", "noncommercial")
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT / "addin")] + [p for p in [env.get("PYTHONPATH")] if p])
    env.update(env_extra)
    cmd = [sys.executable, "-m", "uvicorn", app, "--host", "127.0.0.1", "--port", str(port),
           "--workers", str(workers), "--log-level", "warning"]
    if app_dir:
        cmd += ["--app-dir", app_dir]
    log = tempfile.TemporaryFile()      # not a pipe: an unread pipe fills up and stalls the server
    proc = subprocess.Popen(cmd, env=env, stdout=log, stderr=subprocess.STDOUT, cwd=str(ROOT))
    proc.log = log
    base = f"http://127.0.0.1:{port}"
    import httpx
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            log.seek(0)
            raise RuntimeError(f"server exited: {log.read().decode(errors='replace')[-2000:]}")
        try:
            if httpx.get(base + "/xlwings/custom-functions-meta", timeout=2).status_code == 200:
                return proc, base
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    stop(proc)
    raise RuntimeError("server did not answer within %.0f s" % timeout)


def stop(proc) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=5)
    log = getattr(proc, "log", None)
    if log is not None:
        log.close()


def call_data(func_name: str, args: list) -> dict:
    """The body the add-in POSTs to /xlwings/custom-functions-call."""
    return {"func_name": func_name, "args": args, "caller_address": "[book.xlsx]KPI!A8",
            "formula_name": func_name, "version": _xw.__version__, "runtime": "1.4",
            "culture_info_name": "zh-CN", "date_format": "yyyy/m/d", "client": "Office.js"}


def kpis_args(grids: dict | None = None) -> list:
    """SP_KPIS(Tickets[#All], …, SP_Period, SP_AsOf, Terms[#All]) as Office.js sends it."""
    grids = grids or sample_grids()
    return [as_arg(grids[n]) for n in KPI_TABLES] + [[[PERIOD]], [[AS_OF]], as_arg(grids["Terms"])]


def kpis_body(grids: dict | None = None) -> bytes:
    return json.dumps(call_data("SP_KPIS", kpis_args(grids)), ensure_ascii=False).encode("utf-8")
