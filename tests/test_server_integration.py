"""servicepledge on xlwings Server, started for real on 127.0.0.1 and called as the add-in calls it.

One uvicorn process per module (a free port, bounded waits), with a users file holding a manager
(王经理, role manager) and a finance colleague (李会计, roles finance + manager), and a 1 MB body limit.
Figures are compared with the engine's report of the sample read from the .xlsx file (reader →
compute), an independent path from the 2-D lists the server gets.
"""
from __future__ import annotations

import base64
import json
import re
import subprocess
import sys

import pytest

pytest.importorskip("xlwings_server")
httpx = pytest.importorskip("httpx")

from excel_helpers import AS_OF, PERIOD, book_json, report, server_mode  # noqa: E402,F401

server_mode()
import server_helpers as H  # noqa: E402

from servicepledge.outputs import sheets  # noqa: E402
from servicepledge.excel import kpisheet  # noqa: E402
from servicepledge.server import settings  # noqa: E402

pytestmark = pytest.mark.needs_subprocess
CALL = "/xlwings/custom-functions-call"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    users = tmp_path_factory.mktemp("srv") / "users.json"
    tokens = H.make_users(users)
    proc, base = H.start({"SERVICEPLEDGE_USERS_FILE": str(users), "SERVICEPLEDGE_MAX_BODY_MB": "1"})
    try:
        yield base, tokens
    finally:
        H.stop(proc)


def post(base, path, body, token=None, **kw):
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = token
    data = body if isinstance(body, (bytes, str)) else json.dumps(body, ensure_ascii=False)
    return httpx.post(base + path, content=data, headers=headers, timeout=120, **kw)


HOURS = H.call_data("SP_HOURS", [[[46300.5]], [[46300.75]], None])   # 12:00 -> 18:00 the same day: 6 h


def test_unauthenticated_calls_are_refused(server):
    base, _ = server
    r = post(base, CALL, HOURS)
    assert r.status_code == 401 and "Sign-in failed" in r.text and "\n" not in r.text
    r = post(base, CALL, HOURS, token="sp_not-a-real-token")
    assert r.status_code == 401


def test_signed_in_manager_gets_figures(server):
    base, tokens = server
    r = post(base, CALL, HOURS, token=tokens["manager"])
    assert r.status_code == 200 and r.json() == {"result": [[6.0]]}


def test_manager_gets_the_samples_kpis(server, report):
    base, tokens = server
    r = post(base, CALL, H.kpis_body(), token=tokens["manager"])
    assert r.status_code == 200
    got = r.json()["result"]
    b = sheets.dashboard(report).blocks[0]
    assert got[0] == b.header == ["指标", "实际", "目标", "结论"]
    assert len(got) == len(b.rows) + 1
    for g, e in zip(got[1:], b.rows):
        for x, y in zip(g, e):
            x, y = (None if x == "" else x), (None if y == "" else y)
            assert x == pytest.approx(y, rel=1e-9) if isinstance(y, float) else x == y, (g, e)
    # the same call again (now from the per-user cache) gives the same figures
    assert post(base, CALL, H.kpis_body(), token=tokens["manager"]).json()["result"] == got


def test_finance_script_refused_to_a_manager_and_run_for_finance(server):
    base, tokens = server
    book = book_json()
    r = post(base, "/xlwings/custom-scripts-call/build_report", book, token=tokens["manager"])
    assert r.status_code == 400
    assert "missing the following roles: finance" in r.text and "\n" not in r.text.strip()
    r = post(base, "/xlwings/custom-scripts-call/build_report", book, token=tokens["finance"])
    assert r.status_code == 200, r.text[:300]
    actions = r.json()["actions"]
    assert any(a["func"] == "addSheet" for a in actions)          # the report's sheets are written


def test_oversized_bodies_get_413(server):
    base, tokens = server
    big = json.dumps(H.call_data("SP_HOURS", [[["x" * 1000]] * 1200, [[""]], None]))      # ~1.2 MB
    r = post(base, CALL, big, token=tokens["manager"])
    assert r.status_code == 413 and "Request too large" in r.text

    def chunks():                    # no Content-Length: counted while it streams in
        for i in range(0, len(big), 65536):
            yield big[i:i + 65536].encode()
    r = httpx.post(base + CALL, content=chunks(), headers={"Authorization": tokens["manager"]}, timeout=60)
    assert r.status_code == 413


def test_malformed_body_is_not_echoed(server):
    base, tokens = server
    r = post(base, CALL, ["secret customer 张三"], token=tokens["manager"])
    assert r.status_code == 422 and "张三" not in r.text and "\n" not in r.text
    r = post(base, CALL, b"{not json", token=tokens["manager"])
    assert r.status_code in (400, 422) and "not json" not in r.text


def test_unknown_host_is_refused(server):
    base, _ = server
    r = httpx.get(base + "/xlwings/custom-functions-meta", headers={"Host": "attacker.example"}, timeout=10)
    assert r.status_code == 400 and "SERVICEPLEDGE_ALLOWED_HOSTS" in r.text


def test_sp_chart_is_an_in_cell_picture(server):
    base, tokens = server
    args = H.kpis_args()
    r = post(base, CALL, H.call_data("SP_CHART", [[["fund"]]] + args), token=tokens["manager"])
    assert r.status_code == 200
    (cell,), = r.json()["result"]
    assert cell["type"] == "WebImage"
    head, data = cell["address"].split(",", 1)
    assert head == "data:image/png;base64" and base64.b64decode(data)[:8] == b"\x89PNG\r\n\x1a\n"


def registered(base) -> set[str]:
    """The names Excel shows: the manifest namespace (if any) + the metadata's function names."""
    names = [f["name"] for f in httpx.get(base + "/xlwings/custom-functions-meta", timeout=30).json()["functions"]]
    m = re.search(r'id="Functions.Namespace" DefaultValue="([^"]*)"', httpx.get(base + "/manifest", timeout=30).text)
    return {f"{m.group(1)}.{n}" if m and m.group(1) else n for n in names}


def test_every_template_formula_names_a_registered_function(server):
    """Production: no namespace, so the template's =SP_KPIS(...) binds as in Lite and classic xlwings."""
    base, _ = server
    assert settings.function_prefix({"XLWINGS_FUNCTIONS_NAMESPACE": ""}) == ""
    assert kpisheet.function_names("") <= registered(base)


def test_non_prod_environment_formulas_bind_with_its_prefix(tmp_path):
    """xlwings Server adds the environment (DEV.) outside prod; refresh_kpis writes that prefix."""
    env = {"SERVICEPLEDGE_USERS_FILE": str(tmp_path / "none.json"), "XLWINGS_ENVIRONMENT": "dev"}
    proc, base = H.start(env)
    try:
        prefix = settings.function_prefix({"XLWINGS_FUNCTIONS_NAMESPACE": "", "XLWINGS_ENVIRONMENT": "dev"})
        assert prefix == "DEV."
        names = kpisheet.function_names(prefix)
        assert names and all(n.startswith("DEV.SP_") for n in names) and names <= registered(base)
    finally:
        H.stop(proc)


def test_no_anonymous_server_unless_asked(tmp_path):
    env = {k: v for k, v in __import__("os").environ.items() if not k.startswith(("XLWINGS_AUTH", "SERVICEPLEDGE_"))}
    env.update(XLWINGS_AUTH_PROVIDERS="[]", PYTHONPATH=str(H.ROOT / "addin"), XLWINGS_LICENSE_KEY="noncommercial")
    p = subprocess.run([sys.executable, "-c", "import servicepledge.server.asgi"], env=env, capture_output=True,
                       text=True, timeout=120)
    assert p.returncode != 0 and "sign-in is required" in p.stderr


@pytest.mark.parametrize("what, path, body, status, text", [
    ("no func_name", CALL, {k: v for k, v in HOURS.items() if k != "func_name"}, 400, "Malformed request"),
    ("no args", CALL, {k: v for k, v in HOURS.items() if k != "args"}, 400, "Malformed request"),
    ("empty body", CALL, b"", 400, "Malformed request"),
    ("an empty object", CALL, {}, 400, "Malformed request"),
    ("a function this server lacks", CALL, {**HOURS, "func_name": "SP_NOPE"}, 404, "no function or script 'SP_NOPE'"),
    ("a script call without the workbook", "/xlwings/custom-scripts-call/build_report", {"args": []}, 400,
     "Malformed request"),
    ("a workbook that is not one", "/xlwings/custom-scripts-call/build_report", {"book": 1, "args": []}, 400,
     "Malformed request"),
])
def test_bad_calls_get_one_line_4xx(server, what, path, body, status, text):
    """Bodies the add-in never sends: one line (zh / en), no 500, nothing of the body echoed."""
    base, tokens = server
    r = post(base, path, body, token=tokens["finance"])
    assert r.status_code == status and text in r.text, what
    assert ("请求格式不对" in r.text or "服务器上没有" in r.text) and "\n" not in r.text.strip(), what
    assert "46300" not in r.text and "caller_address" not in r.text, what


def test_unknown_script_with_a_workbook_is_404(server):
    base, tokens = server
    r = post(base, "/xlwings/custom-scripts-call/nope", {**book_json(), "args": []}, token=tokens["finance"])
    assert r.status_code == 404 and "'nope'" in r.text and "reload the add-in" in r.text


@pytest.mark.parametrize("args, given", [([], 0), ([[[46300.5]]], 1), ([[[1]]] * 6, 6)])
def test_wrong_number_of_arguments_is_one_sp_cell(server, args, given):
    """SP_HOURS(start, end, [terms]): 2 to 3 arguments; other counts are one '#SP!' cell, not a traceback."""
    base, tokens = server
    r = post(base, CALL, {**HOURS, "args": args}, token=tokens["manager"])
    assert r.status_code == 200
    assert r.json() == {"result": [[f"#SP! SP_HOURS 需要 2–3 个参数，收到 {given} 个 / SP_HOURS takes 2–3 "
                                    f"arguments, got {given}: reload the add-in"]]}


def test_input_problems_are_one_sp_cell(server):
    base, tokens = server
    r = post(base, CALL, H.call_data("SP_CHART", [[["pie"]]] + H.kpis_args()), token=tokens["manager"])
    assert r.status_code == 200
    (cell,), = r.json()["result"]
    assert cell.startswith("#SP! ") and "pie" in cell and "compliance" in cell and "\n" not in cell
