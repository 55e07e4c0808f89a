"""xlwings Lite without hosting, from the files a user has: the released wheel, workbook/lite/main.py and
workbook/lite/requirements.txt.

The user imports servicepledge-X-py3-none-any.whl in Lite's Files panel (it lands in /data), pastes
main.py and the requirements lines, and restarts. Here: the wheel is built from this tree (Pyodide lane:
given in SERVICEPLEDGE_TEST_WHEEL), put in a data folder (in Pyodide the real /data), the installed
servicepledge is hidden from sys.path and sys.modules, and main.py runs in a fresh module as Lite runs
it. Its SP_KPIS, called through xlwings' own custom_functions_call on the sample, must equal the in-tree
result, and the functions and scripts must be the wheel's.
"""
from __future__ import annotations

import contextlib
import importlib
import os
import re
import shutil
import sys
import tomllib
import types
from pathlib import Path

import pytest

from excel_helpers import AS_OF, PERIOD, as_arg, call, sample_grids, server_mode
from wheel_build import ROOT, built_wheel

xw = server_mode()
from xlwings.server import custom_functions_meta, custom_scripts_meta  # noqa: E402

import servicepledge  # noqa: E402
from servicepledge.excel import functions as F  # noqa: E402

MAIN = ROOT / "workbook" / "lite" / "main.py"
REQS = ROOT / "workbook" / "lite" / "requirements.txt"
INPUTS = ("Tickets", "Complaints", "Staff", "FundLedger", "FundBudget", "Notices")


def _ours(name: str) -> bool:
    return name == "servicepledge" or name.startswith("servicepledge.")


@contextlib.contextmanager
def without_installed_servicepledge():
    """As in a fresh xlwings Lite: no servicepledge on sys.path (PYTHONPATH, editable install) or imported."""
    saved_modules = {n: m for n, m in sys.modules.items() if _ours(n)}
    saved_path = list(sys.path)
    for n in saved_modules:
        del sys.modules[n]
    sys.path[:] = [p for p in sys.path if not (Path(p or os.getcwd()) / "servicepledge" / "__init__.py").is_file()]
    importlib.invalidate_caches()
    assert importlib.util.find_spec("servicepledge") is None
    try:
        yield
    finally:
        for n in [n for n in sys.modules if _ours(n)]:
            del sys.modules[n]
        sys.modules.update(saved_modules)
        sys.path[:] = saved_path
        importlib.invalidate_caches()


@pytest.fixture
def data_dir(tmp_path, monkeypatch):
    """Lite's /data: the real one in Pyodide when writable, else a temporary folder main.py is pointed at."""
    real = Path("/data")
    if sys.platform == "emscripten" and real.is_dir() and os.access(real, os.W_OK):
        monkeypatch.delenv("SERVICEPLEDGE_LITE_DATA", raising=False)
        before = set(real.iterdir())
        yield real
        for p in set(real.iterdir()) - before:
            p.unlink()
        return
    d = tmp_path / "data"
    d.mkdir()
    monkeypatch.setenv("SERVICEPLEDGE_LITE_DATA", str(d))
    yield d


def run_main() -> types.ModuleType:
    """main.py as xlwings Lite runs it: its own module; functions and scripts are read from its namespace."""
    mod = types.ModuleType("main")
    mod.__file__ = str(MAIN)
    exec(compile(MAIN.read_text(encoding="utf-8"), str(MAIN), "exec"), mod.__dict__)
    return mod


def kpi_args():
    g = sample_grids()
    return [as_arg(g[n]) for n in INPUTS] + [PERIOD, AS_OF, as_arg(g["Terms"])]


def test_imported_wheel_gives_the_sp_functions_and_scripts(data_dir, capsys):
    wheel = built_wheel()
    user_copy = data_dir / wheel.name
    shutil.copyfile(wheel, user_copy)
    (data_dir / "servicepledge-0.0.1-py3-none-any.whl").write_bytes(b"an older, broken download")  # not chosen
    args = kpi_args()
    with without_installed_servicepledge():
        main = run_main()
        assert main.SOURCE == str(user_copy) and not main.MISSING
        pkg = sys.modules["servicepledge"]
        assert pkg.__file__.startswith(str(user_copy) + os.sep) and pkg.__version__ == servicepledge.__version__
        assert main.SP_KPIS.__code__.co_filename.startswith(str(user_copy) + os.sep)
        names = sorted(f["name"] for f in custom_functions_meta(main)["functions"])
        scripts = sorted(s["function_name"] for s in custom_scripts_meta(main))
        got = call(main, "SP_KPIS", *args)
        hours = call(main, "SP_HOURS", [[46296.375]], [[46297.75]])          # 2026-10-01 09:00 .. 10-02 18:00
        wheel_fonts = sys.modules["servicepledge.outputs.fonts"]
        font_copy = Path(wheel_fonts.bundled_font_path())
    assert f"servicepledge {servicepledge.__version__}" in capsys.readouterr().out
    assert names == sorted(F.__all__) and len(names) == 10
    assert scripts == ["build_report", "refresh_kpis"]
    expected = call(F, "SP_KPIS", *args)
    assert got == expected
    assert got[0] == ["指标", "实际", "目标", "结论"] and len(got) > 8
    assert hours == call(F, "SP_HOURS", [[46296.375]], [[46297.75]]) == [[33.0]]   # calendar hours: 24 + 9
    # the font inside the zip is copied to a real file for matplotlib, byte for byte
    in_tree = ROOT / "addin" / "servicepledge" / "data" / "fonts" / "ServicePledgeSansSC-Regular.otf"
    assert not str(font_copy).startswith(str(user_copy)) and font_copy.read_bytes() == in_tree.read_bytes()


def test_without_the_wheel_main_says_what_to_do(data_dir, capsys):
    with without_installed_servicepledge():
        main = run_main()
        assert main.SOURCE is None and "servicepledge" not in sys.modules
    assert not [n for n in vars(main) if n.startswith("SP_")]
    err = capsys.readouterr().err
    assert "Files > Import/Export" in err and "servicepledge-<version>-py3-none-any.whl" in err and "导入" in err
    assert err.count("\n") <= 2


def test_installed_package_from_requirements_is_used_as_is(data_dir, capsys):
    """Once servicepledge is on PyPI: the requirements.txt line installs it and main.py needs no wheel."""
    main = run_main()
    assert main.SOURCE == "requirements.txt" and main.SP_KPIS is F.SP_KPIS
    assert "requirements.txt" in capsys.readouterr().out


def _names(lines) -> set:
    return {re.split(r"[<>=!~;\[ ]", s.strip(), maxsplit=1)[0].lower() for s in lines if s.strip()}


def test_requirements_txt_lists_what_the_wheel_needs():
    lines = REQS.read_text(encoding="utf-8").splitlines()
    listed = _names(s for s in lines if not s.lstrip().startswith("#"))
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert listed == _names(project["dependencies"]) == set(run_main_needs())
    assert "xlwings" not in listed            # the add-in's own pinned line stays as Lite wrote it
    pinned = [s for s in lines if re.fullmatch(r"#\s*servicepledge==\S+", s.strip())]
    assert pinned == [f"# servicepledge=={servicepledge.__version__}"]


def run_main_needs():
    text = MAIN.read_text(encoding="utf-8")
    block = re.search(r"NEEDS = \{(.*?)\}", text, re.S).group(1)
    return re.findall(r':\s*"([^"]+)"', block)


# ---------------------------------------------------------------- the template's instructions sheet alone

def sheet_code(lang: str = "zh") -> tuple[list, list]:
    """The requirements lines and the main.py lines as the instructions sheet of the committed template
    shows them (code cells: one line per cell, in Consolas)."""
    from openpyxl import load_workbook
    name = {"zh": "servicepledge-template.xlsx", "en": "servicepledge-template-en.xlsx"}[lang]
    ws = load_workbook(ROOT / "workbook" / name).worksheets[0]
    blocks, current = [], []
    for (cell,) in ws.iter_rows(max_col=1):
        if cell.value and cell.font.name == "Consolas":
            current.append(cell.value)
        elif current:
            blocks.append(current)
            current = []
    return blocks[0], blocks[1]


def test_instructions_sheet_code_installs_from_the_wheel(data_dir, capsys):
    """A manager handed only the .xlsx (and the wheel): the 4 lines shown on the sheet are main.py."""
    reqs, code = sheet_code("zh")
    assert reqs == sheet_code("en")[0] and code == sheet_code("en")[1]
    listed = _names(s for s in REQS.read_text(encoding="utf-8").splitlines() if not s.lstrip().startswith("#"))
    assert set(reqs) == listed
    wheel = built_wheel()
    shutil.copyfile(wheel, data_dir / wheel.name)
    source = "\n".join(code)
    if data_dir != Path("/data"):
        assert "'/data/" in source
        source = source.replace("'/data/", repr(str(data_dir) + "/")[:-1])
    args = kpi_args()
    with without_installed_servicepledge():
        main = types.ModuleType("main")
        exec(compile(source, "main.py", "exec"), main.__dict__)
        assert sys.modules["servicepledge"].__file__.startswith(str(data_dir / wheel.name) + os.sep)
        got = call(main, "SP_KPIS", *args)
        scripts = sorted(s["function_name"] for s in custom_scripts_meta(main))
    assert got == call(F, "SP_KPIS", *args) and scripts == ["build_report", "refresh_kpis"]
