"""The report button and the KPI refresh through xlwings' own machinery (custom_scripts_call on
xw.Book(json=...)), checked on the actions the script sends back to Excel."""
from __future__ import annotations

import asyncio

import pytest

from excel_helpers import date_system, report  # noqa: F401 (pytest fixtures)
from excel_helpers import AS_OF, PERIOD, book_json, server_mode

xw = server_mode()
from xlwings.pro._xlremote import engine as remote_engine  # noqa: E402
from xlwings.server import custom_scripts_call, custom_scripts_meta  # noqa: E402

from servicepledge.outputs import sheets  # noqa: E402
from servicepledge.excel import cells, kpisheet, render  # noqa: E402
from servicepledge.excel import scripts as S  # noqa: E402
from servicepledge.outputs.labels import t  # noqa: E402
from servicepledge.template import write_template  # noqa: E402

INPUT_SHEETS = 8


def run(script, payload, *args):
    book = xw.Book(json=payload)
    asyncio.run(custom_scripts_call(S, script, typehint_to_value={xw.Book: book}, args=list(args)))
    return book.json()["actions"]


def added(actions) -> dict:
    """position -> name of the sheets the script added."""
    return {a["args"][0]: a["args"][1] for a in actions if a["func"] == "addSheet"}


def written(actions, position) -> list[list]:
    return next(a["values"] for a in actions if a["func"] == "setValues" and a["sheet_position"] == position)


def sent(v):
    """A model value as the xlwings remote engine sends it to Excel."""
    return remote_engine.prepare_xl_data_element(v, {})


def same_grid(got, expect):
    assert len(got) == len(expect)
    for g, e in zip(got, expect):
        assert len(g) == len(e), (g, e)
        for x, y in zip(g, e):
            if isinstance(y, float):
                assert x == pytest.approx(y), (g, e)
            else:
                assert x == y, (g, e)


@pytest.fixture(scope="module")
def first_run():
    return run("build_report", book_json(), PERIOD, AS_OF)


def test_scripts_are_registered():
    meta = {m["function_name"]: m for m in custom_scripts_meta(S)}
    assert set(meta) == {"build_report", "refresh_kpis"}
    assert "Build report" in meta["build_report"]["name"]


def test_report_sheets_are_added_after_the_inputs_and_marked(first_run, report):
    models = sheets.build(report, mask=True)
    assert added(first_run) == {INPUT_SHEETS + i: m.name for i, m in enumerate(models)}
    marks = [a for a in first_run if a["func"] == "namesAdd"]
    assert len(marks) == len(models) and all(a["args"][0] == render.MARK for a in marks)
    assert {a["sheet_position"] for a in marks} == set(added(first_run))


def test_input_sheets_are_never_touched(first_run):
    for a in first_run:
        pos = a["sheet_position"]
        assert pos is None or pos >= INPUT_SHEETS, a
        assert a["func"] not in ("sheetDelete", "rangeClear", "rangeClearContents"), a


def test_report_values_equal_the_headless_report(first_run, report):
    for i, m in enumerate(sheets.build(report, mask=True)):
        if m.key == "audit":           # carries the time it was generated
            continue
        grid, _ = render._layout(m)
        got = written(first_run, INPUT_SHEETS + i)
        if m.key == "fund":            # its audit facts (last) name the source and the time generated
            audit = next(b for b in m.blocks if b.key == "audit")
            cut = [r[0] for r in grid].index(audit.title)
            assert len(got) == len(grid) and got[cut][0] == audit.title
            got, grid = got[:cut], grid[:cut]
        same_grid(got, [[sent(v) for v in r] for r in grid])


def test_dashboard_headline_figures(first_run, report):
    values = written(first_run, INPUT_SHEETS)
    head = sheets.dashboard(report).blocks[0]
    at = values.index([*head.header] + [""] * (len(values[0]) - len(head.header)))
    for got, want in zip(values[at + 1:], head.rows):
        assert got[0] == want[0] and got[3] == want[3]
        assert got[1] == (pytest.approx(want[1]) if want[1] is not None else "")
    fills = [a["args"][0] for a in first_run if a["func"] == "setRangeColor" and a["sheet_position"] == INPUT_SHEETS]
    assert render.FILLS["pass"] in fills and render.FILLS["fail"] in fills
    formats = {a["args"][0] for a in first_run if a["func"] == "setNumberFormat"}
    assert "0.0%" in formats and "yyyy-mm-dd" in formats


def test_breach_register_rows(first_run, report):
    pos = next(p for p, n in added(first_run).items() if n == t("sheet.breaches", "zh"))
    values = written(first_run, pos)
    reg = report.doc["breaches"]["items"]
    ids = [r[0] for r in values if r and r[0] in {i["ref_id"] for i in reg}]
    assert ids == [i["ref_id"] for i in reg]
    assert all("*" in r[4] for r in values[5:5 + len(reg)] if r[4])       # customers are masked


def test_text_that_looks_like_a_formula_or_number_stays_text(first_run):
    assert render.text_safe("=HYPERLINK(\"x\")") == "'=HYPERLINK(\"x\")"
    assert render.text_safe("+86 138") == "'+86 138" and render.text_safe("@x") == "'@x"
    assert render.text_safe("2026-10") == "'2026-10" and render.text_safe("45%") == "'45%"
    assert render.text_safe("首次响应") == "首次响应" and render.text_safe("SR-2026-00102") == "SR-2026-00102"
    staff = next(p for p, n in added(first_run).items() if n == t("sheet.staffing", "zh"))
    assert ["'2026-10"] == [r[0] for r in written(first_run, staff) if r[0] == "'2026-10"]


def test_charts_hook_places_pictures_on_the_dashboard(first_run):
    pics = [a for a in first_run if a["func"] == "addPicture"]
    pytest.importorskip("matplotlib")
    assert pics and all(a["sheet_position"] == INPUT_SHEETS for a in pics)


def _previous_run_payload(user_sheet: str) -> dict:
    """The sample as Excel sends it after an earlier run, plus a user's own sheet named like a report sheet."""
    payload = book_json()
    old = [t(f"sheet.{k}", "zh") for k in ("dashboard", "breaches", "staffing", "issues", "audit")]
    for name in old:
        payload["sheets"].append({"name": name, "values": [["old"]], "pictures": [], "tables": []})
        payload["names"].append({"name": render.MARK, "sheet_index": len(payload["sheets"]) - 1, "address": "A1",
                                 "book_scope": False, "scope_sheet_name": name,
                                 "scope_sheet_index": len(payload["sheets"]) - 1})
    payload["sheets"].append({"name": user_sheet, "values": [["mine"]], "pictures": [], "tables": []})
    return payload


def test_rerun_replaces_only_its_own_sheets():
    user = t("sheet.fund", "zh")
    payload = _previous_run_payload(user)
    actions = run("build_report", payload, PERIOD, AS_OF)
    deleted = [a["sheet_position"] for a in actions if a["func"] == "sheetDelete"]
    assert len(deleted) == 5 and all(p >= INPUT_SHEETS for p in deleted)
    names = list(added(actions).values())
    assert user + " (2)" in names and user not in names
    assert t("sheet.dashboard", "zh") in names           # the old dashboard was replaced under its name
    last_delete = max(i for i, a in enumerate(actions) if a["func"] == "sheetDelete")
    for a in actions[last_delete + 1:]:                   # the user's sheet (now right after the inputs) is untouched
        if a["func"] != "addSheet" and a["sheet_position"] is not None:
            assert a["sheet_position"] != INPUT_SHEETS, a


def test_1904_workbook_gives_the_same_report(first_run):
    cells.set_date_system(1904)
    actions = run("build_report", book_json(date1904=True), PERIOD, AS_OF)
    for pos in added(first_run):
        if added(first_run)[pos] == t("sheet.audit", "zh"):
            continue
        stamp = t("generated", "zh")      # the disclosure's audit facts carry the time generated
        assert [r for r in written(actions, pos) if r[0] != stamp] == \
            [r for r in written(first_run, pos) if r[0] != stamp]


def test_period_and_as_of_come_from_the_kpi_sheet(tmp_path):
    path = write_template(tmp_path / "t.xlsx", with_sample=True)
    payload = book_json(path)
    kpi = next(s for s in payload["sheets"] if s["name"] == kpisheet.sheet_name("zh"))
    (pr, pc), (ar, ac) = kpisheet.INPUTS["SP_Period"], kpisheet.INPUTS["SP_AsOf"]
    kpi["values"][pr - 1][pc - 1] = "2026-09"
    kpi["values"][ar - 1][ac - 1] = "2026-09-30 18:00"
    actions = run("build_report", payload)
    dash = written(actions, min(added(actions)))
    assert dash[1][0].startswith(f"{t('period', 'zh')} 2026-09 · {t('as_of', 'zh')} 2026-09-30 18:00")


def test_input_problem_is_one_readable_message():
    payload = book_json()
    tickets = payload["sheets"][0]
    tickets["values"][0] = ["开始" if h == "受理时间" else h for h in tickets["values"][0]]
    with pytest.raises(xw.XlwingsError) as e:
        run("build_report", payload, PERIOD, AS_OF)
    assert "受理时间" in str(e.value) and "Traceback" not in str(e.value)
    assert "缺少列" in str(e.value) and "missing column" not in str(e.value)   # the book's language only (zh)
    terms = next(s for s in payload["sheets"] if s["name"] in ("承诺参数", "Terms"))
    terms["values"] = [r if str(r[0]) != "lang" else ["lang", "en", *r[2:]] for r in terms["values"]]
    assert any(r[:2] == ["lang", "en"] for r in terms["values"])
    with pytest.raises(xw.XlwingsError) as e:
        run("build_report", payload, PERIOD, AS_OF)
    assert "missing column 'opened_at'" in str(e.value) and "缺少列" not in str(e.value)     # Terms lang en


def test_refresh_kpis_rewrites_the_formulas(tmp_path, monkeypatch):
    path = write_template(tmp_path / "t.xlsx")
    payload = book_json(path)
    kpi_pos = [s["name"] for s in payload["sheets"]].index(kpisheet.sheet_name("zh"))
    actions = run("refresh_kpis", payload)
    formulas = [a["values"][0][0] for a in actions if a["func"] == "setFormula"]
    assert sorted(formulas) == sorted("=" + f for f in kpisheet.formulas().values())
    assert all(a["sheet_position"] in (None, kpi_pos) for a in actions)
    assert actions[-1]["func"] == "calculate"
    monkeypatch.setenv("SERVICEPLEDGE_FUNCTION_PREFIX", "XLWINGS.")
    prefixed = [a["values"][0][0] for a in run("refresh_kpis", book_json(path)) if a["func"] == "setFormula"]
    assert all(f.startswith("=XLWINGS.SP_") for f in prefixed)


def test_refresh_kpis_creates_the_sheet_when_missing():
    actions = run("refresh_kpis", book_json())
    assert added(actions) == {0: kpisheet.sheet_name("zh")}
    assert {a["args"][0] for a in actions if a["func"] == "namesAdd"} >= {"SP_KPI", "SP_Period", "SP_AsOf"}


def test_classic_entry_points_use_the_calling_book(monkeypatch):
    book = xw.Book(json=book_json())
    monkeypatch.setattr(xw.Book, "caller", staticmethod(lambda: book))
    monkeypatch.setattr(S, "build_report_into", lambda b, *a, **k: setattr(b, "_sp_called", True))
    S.run_build_report()
    assert getattr(book, "_sp_called", False)
