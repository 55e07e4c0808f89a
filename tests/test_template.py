"""`servicepledge template`: the input workbook a manager starts from (Tables, drop-down lists,
Terms with explanations, a KPI sheet of live SP_ formulas, instructions), written reproducibly."""
from __future__ import annotations

import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook

from excel_helpers import AS_OF, PERIOD, ROOT, SAMPLE, server_mode

xw = server_mode()
from xlwings.server import custom_functions_meta  # noqa: E402

from servicepledge import cli  # noqa: E402
from servicepledge.excel import functions as F  # noqa: E402
from servicepledge.excel import kpisheet  # noqa: E402
from servicepledge.outputs.output import to_json  # noqa: E402
from servicepledge.inputs.reader import read_workbook  # noqa: E402
from servicepledge.report import compute  # noqa: E402
from servicepledge.inputs.schema import TABLES  # noqa: E402
from servicepledge.template import VALIDATIONS, header_of, write_template  # noqa: E402
from servicepledge.template_text import LISTS  # noqa: E402
from servicepledge.core.terms import DEFAULTS, EXPLAIN  # noqa: E402


@pytest.fixture(scope="module")
def zh(tmp_path_factory):
    return write_template(tmp_path_factory.mktemp("tpl") / "template.xlsx")


@pytest.fixture(scope="module")
def sample_tpl(tmp_path_factory):
    return write_template(tmp_path_factory.mktemp("tpl") / "sample.xlsx", with_sample=True)


def sheet_of(wb, name):
    return next(ws for ws in wb.worksheets if name in ws.tables)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_tables_and_headers_for_every_input_kind(tmp_path, lang):
    wb = load_workbook(write_template(tmp_path / "t.xlsx", lang=lang))
    assert wb.sheetnames[1] == kpisheet.sheet_name(lang)
    for name, table in TABLES.items():
        ws = sheet_of(wb, name)
        assert ws.title == (table.zh if lang == "zh" else table.name)
        header = [c.value for c in ws[1]]
        want = [header_of(c, lang) for c in table.columns]
        assert header[:len(want)] == want
        assert ws.tables[name].ref.startswith("A1:")


def test_drop_down_lists(zh):
    wb = load_workbook(zh)
    for (tname, cname), (kind, style) in VALIDATIONS.items():
        ws = sheet_of(wb, tname)
        letter = chr(ord("A") + TABLES[tname].names.index(cname))
        dvs = [dv for dv in ws.data_validations.dataValidation if any(
            str(r).startswith(f"{letter}2:") for r in dv.sqref.ranges)]
        assert len(dvs) == 1, (tname, cname)
        assert dvs[0].type == "list" and dvs[0].errorStyle == style
        assert dvs[0].formula1 == '"' + ",".join(LISTS[kind]["zh"]) + '"'


def test_terms_are_prefilled_with_defaults_and_explanations(zh):
    ws = sheet_of(load_workbook(zh), "Terms")
    rows = [[c.value for c in r] for r in ws.iter_rows(min_row=2)]
    assert {r[0] for r in rows} == set(DEFAULTS)
    for key, value, explain in rows:
        assert explain == EXPLAIN[key][0]
    values = {r[0]: r[1] for r in rows}
    assert values["response_hours"] == 2 and values["turnover_threshold"] == 0.2
    assert values["work_start"] == "09:00" and values["response_hours_P1"] is None and values["lang"] == "zh"


def test_kpi_formulas_call_only_registered_functions(zh):
    registered = {f["name"] for f in custom_functions_meta(F)["functions"]}
    wb = load_workbook(zh)
    ws = wb[kpisheet.sheet_name("zh")]
    formulas = [c.value.text for row in ws.iter_rows() for c in row if hasattr(c.value, "text")]
    assert len(formulas) == len(kpisheet.formulas())
    called = {n for f in formulas for n in re.findall(r"([A-Za-z_][A-Za-z0-9_.]*)\(", f)}
    assert called and called <= registered
    assert set(wb.defined_names) >= {"SP_Period", "SP_AsOf"}
    assert kpisheet.MARK in ws.defined_names


def test_formulas_are_dynamic_arrays(zh):
    with zipfile.ZipFile(zh) as z:
        assert "xl/metadata.xml" in z.namelist()
        kpi = z.read("xl/worksheets/sheet2.xml").decode()
        assert kpi.count('cm="1"') == kpi.count('<f t="array"') == len(kpisheet.formulas())
        assert "sheetMetadata" in z.read("xl/_rels/workbook.xml.rels").decode()


def test_sample_template_gives_the_sample_report(sample_tpl):
    a = read_workbook(sample_tpl)
    b = read_workbook(SAMPLE)
    ra = compute(a.tables, a.issues, period=PERIOD, as_of=AS_OF).doc
    rb = compute(b.tables, b.issues, period=PERIOD, as_of=AS_OF).doc
    # the template has the (empty) Pauses and Contracts sheets for the user to fill; the sample has neither
    # (its clocks never stop, it is one contract)
    assert set(ra.pop("tables_found")) - set(rb.pop("tables_found")) == {"Pauses", "Contracts"}
    assert to_json(ra) == to_json(rb)


def test_reproducible_and_never_overwritten(tmp_path):
    first = write_template(tmp_path / "t.xlsx")
    second = write_template(tmp_path / "t.xlsx")
    assert second.name == "t (2).xlsx"
    assert first.read_bytes() == second.read_bytes()
    again = write_template(tmp_path / "t.xlsx", force=True)
    assert again == first and len(list(tmp_path.iterdir())) == 2


def test_cli_template_command(tmp_path, capsys):
    out = tmp_path / "en.xlsx"
    assert cli.main(["template", "-o", str(out), "--lang", "en"]) == 0
    assert out.exists() and "Template written" in capsys.readouterr().out
    assert cli.main(["template", "-o", str(tmp_path / "x.csv")]) == cli.EXIT_INPUT


def test_committed_workbook_matches_the_command(tmp_path):
    """workbook/ holds what `servicepledge template` builds (regenerate with workbook/build.sh)."""
    for name, kw in (("servicepledge-template.xlsx", {}), ("servicepledge-template-en.xlsx", {"lang": "en"}),
                     ("servicepledge-demo.xlsx", {"with_sample": True})):
        committed = ROOT / "workbook" / name
        fresh = write_template(tmp_path / name, **kw)
        a, b = load_workbook(committed), load_workbook(fresh)
        assert a.sheetnames == b.sheetnames, name
        for wa, wb_ in zip(a.worksheets, b.worksheets):
            assert dict(wa.tables.items()) == dict(wb_.tables.items())
            assert [c.value for c in wa[1]] == [c.value for c in wb_[1]]


@pytest.mark.not_in_pyodide("opens the file in LibreOffice, a native program")
@pytest.mark.skipif(not shutil.which("soffice"), reason="LibreOffice is not installed")
def test_opens_in_libreoffice(zh, tmp_path):
    done = subprocess.run(["soffice", "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), str(zh)],
                          capture_output=True, text=True, timeout=240)
    pdf = tmp_path / (Path(zh).stem + ".pdf")
    assert done.returncode == 0 and pdf.exists() and pdf.stat().st_size > 10_000, done.stderr


@pytest.mark.needs_subprocess
def test_template_command_needs_no_xlwings(tmp_path):
    """The template is written where xlwings is not installed (the KPI layout does not import it)."""
    import sys
    code = ("import sys; sys.modules['xlwings'] = None\n"
            "from servicepledge.template import write_template\n"
            f"write_template({str(tmp_path / 'x.xlsx')!r}, lang='en')\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    ws = next(w for w in load_workbook(tmp_path / "x.xlsx").worksheets if "Terms" in w.tables)
    values = {r[0].value: (r[1].value, r[2].value) for r in ws.iter_rows(min_row=2)}
    assert values["lang"] == ("en", EXPLAIN["lang"][1])


@pytest.mark.not_in_pyodide("column widths are measured with the machine's fonts (Carlito, Calibri's twin); "
                             "Pyodide has no system fonts, so a width can differ by one character")
def test_committed_workbooks_are_byte_for_byte_the_command(tmp_path):
    """workbook/build.sh output is reproducible: rebuilding gives the committed bytes."""
    for name, kw in (("servicepledge-template.xlsx", {}), ("servicepledge-template-en.xlsx", {"lang": "en"}),
                     ("servicepledge-demo.xlsx", {"with_sample": True})):
        fresh = write_template(tmp_path / name, **kw)
        assert fresh.read_bytes() == (ROOT / "workbook" / name).read_bytes(), f"rebuild {name}: workbook/build.sh"


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_instructions_sheet_is_enough_on_its_own(lang):
    """Chinese and English, Lite step by step (add-in, Files panel, requirements, main.py, where the
    functions appear, 1904), classic and Server briefly; no file the manager does not have."""
    from servicepledge.template_text import LITE_1904, LITE_MAIN, LITE_REQUIREMENTS
    name = "servicepledge-template.xlsx" if lang == "zh" else "servicepledge-template-en.xlsx"
    ws = load_workbook(ROOT / "workbook" / name).worksheets[0]
    assert ws.title == ("使用说明" if lang == "zh" else "Instructions")
    text = [c.value for (c,) in ws.iter_rows(max_col=1) if c.value]
    whole = "\n".join(text)
    for needle in ("xlwings Lite", "Files > Import/Export", "-py3-none-any.whl", "requirements.txt", "main.py",
                   "Restart", "=SP_", "build_report", "refresh_kpis", "1904", "Classic xlwings", "xlwings Server",
                   "经典 xlwings", "加载项", "清除 Office 缓存", "PyPI"):
        assert needle in whole, needle
    assert text.count(LITE_1904) == 2 and all(text.count(line) == 2 for line in LITE_MAIN + LITE_REQUIREMENTS)
    assert "docs/" not in whole and "workbook/" not in whole and "EXCEL.md" not in whole
    first_half = "\n".join(text[: len(text) // 2])
    assert bool(re.search(r"[\u4e00-\u9fff]{6}", first_half)) == (lang == "zh")
